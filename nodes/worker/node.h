// Node: a worker process's engine. One session thread owns the DEALER to the broker (READY,
// heartbeats, reconnect with back-off, JOB definitions) and feeds a queue; N compute threads
// take tasks from it, run the replications (each with its own TaskRunner, so each has its own
// model processes) and hand encoded RESULTs back to the session over inproc. Only the session
// thread touches the broker socket. The models users bring (config.models) are described once,
// when run() starts, and offered in READY with the built-in ones.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <stop_token>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "common/config/config.h"
#include "common/protocol/messages.h"
#include "common/rng/replication_streams.h"
#include "nodes/worker/task_runner.h"

namespace simsel {

class Node {
 public:
  Node(zmq::context_t& context, NodeConfig config);
  ~Node();

  // Runs the session on the calling thread until stop() or kill(); compute threads start here.
  void run();
  // Thread-safe. stop(): says DISCONNECT to the broker, then ends. kill(): ends without a word,
  // as a crashed process would (the broker finds out by missing heartbeats).
  void stop() { stopping_ = true; }
  void kill() {
    killed_ = true;
    stopping_ = true;
  }

  std::uint32_t slots() const { return slots_; }

 private:
  struct Work {
    protocol::Task task;
    std::shared_ptr<const JobContext> job;
  };

  void connect();
  void handle_broker_message(protocol::WorkerMessage& message);
  void learn_job(const protocol::JobDefinition& job);
  void send(const protocol::WorkerMessage& message);
  void compute_loop(std::size_t index);
  std::optional<Work> take_work();
  double steady() const;
  std::vector<ModelDescriptor> offered_models() const;

  zmq::context_t& context_;
  NodeConfig config_;
  std::uint32_t slots_;
  std::string name_;
  std::string results_endpoint_;
  std::optional<zmq::socket_t> broker_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> killed_{false};
  double last_heard_ = 0;
  double last_sent_ = 0;
  std::uint32_t backoff_ms_;

  std::vector<std::unique_ptr<ExternalModel>> external_models_;  // set before the threads start
  std::map<std::uint64_t, std::shared_ptr<const JobContext>> jobs_;  // session thread only

  std::mutex queue_mutex_;
  std::condition_variable queue_ready_;
  std::deque<Work> queue_;  // GUARDED_BY(queue_mutex_)
  bool closing_ = false;    // GUARDED_BY(queue_mutex_)
  std::vector<std::thread> compute_threads_;
  std::stop_source stop_models_;
};

}  // namespace simsel
