// See node.h. The session waits on two sockets (the broker DEALER and the results PULL) with a
// short poll so heartbeats and liveness checks stay on time.
#include "nodes/worker/node.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>

#include "common/models/model_catalog.h"
#include "common/protocol/frames.h"

namespace simsel {
namespace {

constexpr std::size_t kMaxCachedJobs = 64;

std::string default_name() {
  char host[256] = "localhost";
  gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(getpid());
}

}  // namespace

Node::Node(zmq::context_t& context, NodeConfig config)
    : context_(context),
      config_(std::move(config)),
      slots_(config_.threads ? config_.threads : std::max(1u, std::thread::hardware_concurrency())),
      name_(config_.name.empty() ? default_name() : config_.name),
      results_endpoint_("inproc://simsel-node-results-" +
                        std::to_string(reinterpret_cast<std::uintptr_t>(this))),
      backoff_ms_(config_.reconnect_min_ms) {}

Node::~Node() {
  {
    std::lock_guard lock(queue_mutex_);
    closing_ = true;
  }
  queue_ready_.notify_all();
  stop_models_.request_stop();  // a model's RUN under way ends now, not at its timeout
  for (auto& thread : compute_threads_) thread.join();
}

double Node::steady() const {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

std::vector<ModelDescriptor> Node::offered_models() const {
  std::vector<ModelDescriptor> models = builtin_model_descriptors();
  for (const auto& model : external_models_) models.push_back(model->descriptor);
  return models;
}

void Node::connect() {
  broker_.emplace(context_, zmq::socket_type::dealer);
  broker_->set(zmq::sockopt::linger, 0);
  broker_->set(zmq::sockopt::sndhwm, 100'000);
  broker_->set(zmq::sockopt::rcvhwm, 100'000);
  broker_->connect(config_.broker_endpoint);
  last_heard_ = steady();
  send(protocol::Ready{name_, slots_, offered_models()});
  spdlog::info("node {}: connecting to {} with {} slots", name_, config_.broker_endpoint, slots_);
}

void Node::send(const protocol::WorkerMessage& message) {
  const std::string payload = protocol::encode(message);
  (void)broker_->send(zmq::buffer(payload), zmq::send_flags::dontwait);
  last_sent_ = steady();
}

void Node::run() {
  zmq::socket_t results(context_, zmq::socket_type::pull);
  results.bind(results_endpoint_);
  stop_models_ = std::stop_source();
  external_models_ = describe_external_models(config_.models);
  for (std::size_t i = 0; i < slots_; ++i)
    compute_threads_.emplace_back([this, i] { compute_loop(i); });
  connect();
  zmq::pollitem_t items[] = {{nullptr, 0, ZMQ_POLLIN, 0}, {results.handle(), 0, ZMQ_POLLIN, 0}};
  const double heartbeat = config_.heartbeat_ms * 1e-3;
  while (!stopping_) {
    items[0].socket = broker_->handle();
    protocol::poll_interruptible(
        items, 2,
        std::chrono::milliseconds(std::min<std::uint32_t>(config_.heartbeat_ms / 2, 50) + 1));
    while (auto frames = protocol::receive_frames(*broker_)) {
      last_heard_ = steady();
      backoff_ms_ = config_.reconnect_min_ms;
      auto message = protocol::decode_worker_message(protocol::view(frames->parts[0]));
      if (!message) {
        spdlog::warn("node {}: bad message from broker: {}", name_, message.error().message);
        continue;
      }
      handle_broker_message(message.value());
    }
    zmq::message_t encoded;
    while (results.recv(encoded, zmq::recv_flags::dontwait)) {
      (void)broker_->send(encoded, zmq::send_flags::dontwait);
      last_sent_ = steady();
    }
    const double moment = steady();
    if (moment - last_sent_ >= heartbeat) send(protocol::Heartbeat{});
    if (moment - last_heard_ > heartbeat * config_.liveness) {
      spdlog::warn("node {}: broker silent; reconnecting in {} ms", name_, backoff_ms_);
      {
        std::lock_guard lock(queue_mutex_);
        queue_.clear();  // the broker requeues this session's tasks
      }
      for (std::uint32_t waited = 0; waited < backoff_ms_ && !stopping_; waited += 10)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      backoff_ms_ = std::min(backoff_ms_ * 2, config_.reconnect_max_ms);
      if (!stopping_) connect();
    }
  }
  if (!killed_) send(protocol::Disconnect{"node stopping"});
  broker_.reset();
  {
    std::lock_guard lock(queue_mutex_);
    closing_ = true;
    queue_.clear();
  }
  queue_ready_.notify_all();
  stop_models_.request_stop();  // a model's RUN under way ends now, not at its timeout
  for (auto& thread : compute_threads_) thread.join();
  compute_threads_.clear();
  spdlog::info("node {}: stopped", name_);
}

void Node::handle_broker_message(protocol::WorkerMessage& message) {
  if (auto* job = std::get_if<protocol::JobDefinition>(&message)) return learn_job(*job);
  if (auto* task = std::get_if<protocol::Task>(&message)) {
    auto known = jobs_.find(task->job_id);
    if (known == jobs_.end())
      return send(
          protocol::TaskFailed{task->task_id, task->job_id, protocol::kUnknownJob, "unknown job"});
    if (!known->second->error.empty())
      return send(protocol::TaskFailed{task->task_id, task->job_id, protocol::kInvalidSpec,
                                       known->second->error});
    {
      std::lock_guard lock(queue_mutex_);
      queue_.push_back(Work{std::move(*task), known->second});
    }
    queue_ready_.notify_one();
    return;
  }
  if (auto* goodbye = std::get_if<protocol::Disconnect>(&message)) {
    spdlog::warn("node {}: broker disconnected us ({}); registering again", name_, goodbye->reason);
    {
      std::lock_guard lock(queue_mutex_);
      queue_.clear();
    }
    connect();
  }
  // HEARTBEAT: hearing it was the point. READY, RESULT, FAIL never come from a broker.
}

void Node::learn_job(const protocol::JobDefinition& job) {
  if (jobs_.size() >= kMaxCachedJobs) jobs_.erase(jobs_.begin());  // the oldest job id
  jobs_[job.job_id] = make_job_context(job, external_models_);
}

std::optional<Node::Work> Node::take_work() {
  std::unique_lock lock(queue_mutex_);
  queue_ready_.wait(lock, [this] { return closing_ || !queue_.empty(); });
  if (closing_) return std::nullopt;
  Work work = std::move(queue_.front());
  queue_.pop_front();
  return work;
}

void Node::compute_loop(std::size_t) {
  zmq::socket_t results(context_, zmq::socket_type::push);
  results.set(zmq::sockopt::linger, 0);
  results.connect(results_endpoint_);
  TaskRunner runner(stop_models_.get_token());
  while (auto work = take_work()) {
    const auto started = std::chrono::steady_clock::now();
    Result<std::vector<double>> values = runner.run(*work->job, work->task);
    const auto busy = std::chrono::steady_clock::now() - started;
    protocol::WorkerMessage reply =
        values ? protocol::WorkerMessage(protocol::TaskResult{
                     work->task.task_id, work->task.job_id, std::move(values.value()),
                     static_cast<std::uint64_t>(std::chrono::nanoseconds(busy).count())})
               : protocol::WorkerMessage(protocol::TaskFailed{
                     work->task.task_id, work->task.job_id,
                     static_cast<std::uint32_t>(values.error().code ? values.error().code
                                                                    : protocol::kInvalidSpec),
                     values.error().message});
    const std::string payload = protocol::encode(reply);
    results.send(zmq::buffer(payload), zmq::send_flags::none);
  }
}

}  // namespace simsel
