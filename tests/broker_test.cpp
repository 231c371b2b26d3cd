// The broker booted for real — on tcp://127.0.0.1 ephemeral ports and on inproc — with worker
// nodes on threads: jobs complete, a node killed mid-job changes nothing in the result, the
// stats stream is ordered, and garbage from a rogue peer gets errors while a job goes on.
#include <catch2/catch.hpp>
#include <msgpack.hpp>
#include <thread>

#include "common/protocol/frames.h"
#include "common/protocol/messages.h"
#include "tests/cluster_fixture.h"

using namespace simsel;
using namespace simsel::testing;

TEST_CASE("a job completes over tcp and over inproc", "[broker]") {
  for (Transport transport : {Transport::kTcp, Transport::kInproc}) {
    TempDir dir("complete");
    zmq::context_t context;
    LocalCluster cluster(context, test_config(transport, 2, dir.path));
    auto result = run_to_end(context, cluster, normal_job(5, 11));
    CHECK(result["state"] == "succeeded");
    CHECK(result["best"]["index"] == 0);  // slippage: system 0 is better by delta
    CHECK(result["total_replications"].get<std::uint64_t>() >= 5 * 20);
    CHECK(result["utilization"].get<double>() > 0);
    CHECK(result.contains("guarantee"));
  }
}

TEST_CASE("a node killed mid-job is expired and the result is unchanged", "[broker]") {
  const auto spec = flowline_job(10, 5);
  nlohmann::json reference;
  {
    TempDir dir("reference");
    zmq::context_t context;
    LocalCluster cluster(context, test_config(Transport::kTcp, 1, dir.path), 2);
    reference = run_to_end(context, cluster, spec);
  }
  REQUIRE(reference["state"] == "succeeded");

  TempDir dir("kill");
  zmq::context_t context;
  LocalCluster cluster(context, test_config(Transport::kTcp, 1, dir.path), 2);
  const InterruptedRun run = run_killing_node(context, cluster, spec, 0, 200);
  REQUIRE(run.before_kill["state"] == "running");  // the kill really lands mid-job
  CHECK(run.final["state"] == "succeeded");
  CHECK(run.final["best"]["index"] == reference["best"]["index"]);
  CHECK(run.final["total_replications"] == reference["total_replications"]);
  CHECK(run.final["best"]["mean"] == reference["best"]["mean"]);
  CHECK(run.workers_left == 1);  // the dead node was expired
}

TEST_CASE("a subscriber sees increasing sequence numbers", "[broker]") {
  TempDir dir("seq");
  zmq::context_t context;
  LocalCluster cluster(context, test_config(Transport::kInproc, 2, dir.path));
  zmq::socket_t subscriber(context, zmq::socket_type::sub);
  subscriber.set(zmq::sockopt::subscribe, "");
  subscriber.connect(cluster.stats_endpoint());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto result = run_to_end(context, cluster, flowline_job(6, 3));
  REQUIRE(result["state"] == "succeeded");
  std::vector<std::uint64_t> seqs, published_at;
  bool saw_job_update = false;
  while (auto frames = protocol::receive_frames(subscriber)) {
    REQUIRE(frames->parts.size() == 2);
    auto update = protocol::decode_document(protocol::view(frames->parts[1]));
    REQUIRE(update.ok());
    seqs.push_back(update->body["seq"]);
    published_at.push_back(update->body["published_at"]);
    saw_job_update |= update->command == "STATS";
  }
  CHECK(saw_job_update);
  REQUIRE(seqs.size() >= 2);
  for (std::size_t i = 1; i < seqs.size(); ++i) CHECK(seqs[i] > seqs[i - 1]);
  // published_at: the broker's wall clock in microseconds, never going back within a run.
  const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  CHECK(published_at.back() <= static_cast<std::uint64_t>(now_us));
  CHECK(published_at.back() + 60'000'000 > static_cast<std::uint64_t>(now_us));
  for (std::size_t i = 1; i < published_at.size(); ++i)
    CHECK(published_at[i] >= published_at[i - 1]);
}

TEST_CASE("garbage from a rogue dealer gets errors while a real job continues", "[broker]") {
  TempDir dir("rogue");
  zmq::context_t context;
  LocalCluster cluster(context, test_config(Transport::kTcp, 2, dir.path));
  BrokerClient client(context, cluster.client_endpoint());
  auto submitted = client.request("SUBMIT", {{"spec", flowline_job(7, 9)}});
  REQUIRE(submitted.ok());

  zmq::socket_t rogue(context, zmq::socket_type::dealer);
  rogue.set(zmq::sockopt::linger, 0);
  rogue.set(zmq::sockopt::rcvtimeo, 2000);
  rogue.connect(cluster.worker_endpoint());
  auto expect_disconnect = [&](const std::string& containing) {
    zmq::message_t reply;
    REQUIRE(rogue.recv(reply));
    auto message = protocol::decode_worker_message(protocol::view(reply));
    REQUIRE(message.ok());
    REQUIRE(std::holds_alternative<protocol::Disconnect>(message.value()));
    CHECK_THAT(std::get<protocol::Disconnect>(message.value()).reason, Catch::Contains(containing));
  };
  rogue.send(zmq::str_buffer("\xde\xad\xbe\xef"), zmq::send_flags::none);
  expect_disconnect("not a MessagePack value");
  rogue.send(zmq::buffer(protocol::encode(protocol::TaskResult{1, 1, {1.0}, 1})),
             zmq::send_flags::none);
  expect_disconnect("not registered");
  rogue.send(zmq::str_buffer("a"), zmq::send_flags::sndmore);
  rogue.send(zmq::str_buffer("b"), zmq::send_flags::none);
  expect_disconnect("exactly one message frame");
  rogue.send(zmq::buffer(protocol::encode(protocol::Ready{"rogue", 1, {}})), zmq::send_flags::none);
  rogue.send(zmq::buffer(protocol::encode(protocol::Task{1, 1, {0}, {0}, {1}})),
             zmq::send_flags::none);
  // The broker sends the registered rogue JOB/TASK/HEARTBEAT messages; look for the DISCONNECT.
  bool disconnected = false;
  for (int i = 0; i < 50 && !disconnected; ++i) {
    zmq::message_t reply;
    if (!rogue.recv(reply)) break;
    auto message = protocol::decode_worker_message(protocol::view(reply));
    REQUIRE(message.ok());
    if (auto* bye = std::get_if<protocol::Disconnect>(&message.value())) {
      CHECK_THAT(bye->reason, Catch::Contains("unexpected command TASK"));
      disconnected = true;
    }
  }
  CHECK(disconnected);

  // A client speaking nonsense gets an ERROR naming the problem.
  zmq::socket_t bad_client(context, zmq::socket_type::dealer);
  bad_client.set(zmq::sockopt::linger, 0);
  bad_client.set(zmq::sockopt::rcvtimeo, 2000);
  bad_client.connect(cluster.client_endpoint());
  bad_client.send(zmq::str_buffer("nonsense"), zmq::send_flags::none);
  zmq::message_t reply;
  REQUIRE(bad_client.recv(reply));
  auto error = protocol::decode_document(protocol::view(reply));
  REQUIRE(error.ok());
  CHECK(error->command == "ERROR");
  CHECK(error->body["code"] == 400);
  auto bad_spec = client.request("SUBMIT", {{"spec", {{"model", "nope"}}}});
  REQUIRE_FALSE(bad_spec.ok());
  CHECK(bad_spec.error().code == 422);
  CHECK_THAT(bad_spec.error().message, Catch::Contains("procedure: required"));

  auto final = follow_job(context, client, cluster.stats_endpoint(), submitted.value()["job_id"],
                          [](const nlohmann::json&) {});
  REQUIRE(final.ok());
  CHECK(final.value()["state"] == "succeeded");
}

TEST_CASE("the same job and seed give the same answer with 1 or 2 or 4 workers",
          "[broker][determinism]") {
  const auto spec = flowline_job(7, 21);
  std::vector<nlohmann::json> results;
  for (std::uint32_t workers : {1u, 2u, 4u}) {
    TempDir dir("determinism");
    zmq::context_t context;
    LocalCluster cluster(context, test_config(Transport::kInproc, workers, dir.path));
    results.push_back(run_to_end(context, cluster, spec));
    REQUIRE(results.back()["state"] == "succeeded");
  }
  for (const auto& result : results) {
    CHECK(result["best"]["index"] == results[0]["best"]["index"]);
    CHECK(result["total_replications"] == results[0]["total_replications"]);
    CHECK(result["best"]["mean"] == results[0]["best"]["mean"]);
  }
}

TEST_CASE("cancel and unknown jobs are refused and finished jobs survive a broker restart",
          "[broker][store]") {
  TempDir dir("restart");
  std::uint64_t finished_id = 0, cancelled_id = 0;
  nlohmann::json finished;
  {
    zmq::context_t context;
    Config config = test_config(Transport::kInproc, 1, dir.path);
    LocalCluster cluster(context, config, 0);  // no nodes: the second job waits to be cancelled
    cluster.add_node(1);
    finished = run_to_end(context, cluster, normal_job(3, 1));
    finished_id = finished["job_id"];
    BrokerClient client(context, cluster.client_endpoint());
    auto long_job = client.request("SUBMIT", {{"spec", flowline_job(20, 1)}});
    REQUIRE(long_job.ok());
    cancelled_id = long_job.value()["job_id"];
    auto cancelled = client.request("CANCEL", {{"job_id", cancelled_id}});
    REQUIRE(cancelled.ok());
    CHECK(cancelled.value()["job"]["state"] == "cancelled");
    auto again = client.request("CANCEL", {{"job_id", cancelled_id}});
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().code == 409);
    auto unknown = client.request("STATUS", {{"job_id", 999}});
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().code == 404);
  }
  zmq::context_t context;
  LocalCluster cluster(context, test_config(Transport::kInproc, 1, dir.path), 0);
  BrokerClient client(context, cluster.client_endpoint());
  auto status = client.request("STATUS", {{"job_id", finished_id}});
  REQUIRE(status.ok());
  CHECK(status.value()["job"]["state"] == "succeeded");
  CHECK(status.value()["job"]["best"] == finished["best"]);
  auto list = client.request("LIST");
  REQUIRE(list.ok());
  CHECK(list.value()["jobs"].size() == 2);
  auto next = client.request("SUBMIT", {{"spec", normal_job(3, 2)}});
  REQUIRE(next.ok());
  CHECK(next.value()["job_id"].get<std::uint64_t>() == cancelled_id + 1);
}

TEST_CASE("following job 1 ignores the updates of job 10 (topics match by prefix)", "[broker]") {
  TempDir dir("prefix");
  zmq::context_t context;
  LocalCluster cluster(context, test_config(Transport::kInproc, 2, dir.path));
  BrokerClient client(context, cluster.client_endpoint());
  std::uint64_t first = 0;
  for (int i = 0; i < 10; ++i) {  // jobs 1..10; job 1 is long, job 10 short
    auto spec = i == 0 ? flowline_job(9, 1) : normal_job(3, i);
    auto submitted = client.request("SUBMIT", {{"spec", spec}});
    REQUIRE(submitted.ok());
    if (i == 0) first = submitted.value()["job_id"];
  }
  bool foreign = false;
  auto final = follow_job(context, client, cluster.stats_endpoint(), first,
                          [&](const nlohmann::json& doc) { foreign |= doc["job_id"] != first; });
  REQUIRE(final.ok());
  CHECK_FALSE(foreign);
  CHECK(final.value()["job_id"] == first);
}

TEST_CASE("two jobs at once share the workers and give the same answers as alone", "[broker]") {
  const auto first = flowline_job(7, 31);
  const auto second = normal_job(8, 32);
  TempDir dir("concurrent");
  zmq::context_t context;
  LocalCluster cluster(context, test_config(Transport::kInproc, 2, dir.path));
  const auto alone_first = run_to_end(context, cluster, first);
  const auto alone_second = run_to_end(context, cluster, second);
  BrokerClient client(context, cluster.client_endpoint());
  auto id_first = client.request("SUBMIT", {{"spec", first}});
  auto id_second = client.request("SUBMIT", {{"spec", second}});
  REQUIRE(id_first.ok());
  REQUIRE(id_second.ok());
  auto ignore = [](const nlohmann::json&) {};
  auto done_first =
      follow_job(context, client, cluster.stats_endpoint(), id_first.value()["job_id"], ignore);
  auto done_second =
      follow_job(context, client, cluster.stats_endpoint(), id_second.value()["job_id"], ignore);
  REQUIRE(done_first.ok());
  REQUIRE(done_second.ok());
  CHECK(done_first.value()["best"] == alone_first["best"]);
  CHECK(done_first.value()["total_replications"] == alone_first["total_replications"]);
  CHECK(done_second.value()["best"] == alone_second["best"]);
  CHECK(done_second.value()["total_replications"] == alone_second["total_replications"]);
}

TEST_CASE("a node re-registers with a restarted broker", "[broker]") {
  TempDir dir("reregister");
  Config config = test_config(Transport::kTcp, 1, dir.path);
  const std::string ipc = "ipc://" + (dir.path / "s").string();
  config.broker.worker_endpoint = ipc + "-workers";
  config.broker.client_endpoint = ipc + "-clients";
  config.broker.stats_endpoint = ipc + "-stats";
  config.node.broker_endpoint = config.broker.worker_endpoint;
  zmq::context_t context;
  Node node(context, config.node);
  std::thread node_thread([&] { node.run(); });
  for (int generation = 0; generation < 2; ++generation) {
    Broker broker(context, config.broker);
    std::thread broker_thread([&] { broker.run(); });
    BrokerClient client(context, broker.client_endpoint());
    auto submitted = client.request("SUBMIT", {{"spec", normal_job(3, 40 + generation)}});
    REQUIRE(submitted.ok());
    auto final = follow_job(context, client, broker.stats_endpoint(), submitted.value()["job_id"],
                            [](const nlohmann::json&) {});
    CHECK(final.ok());
    if (final.ok()) CHECK(final.value()["state"] == "succeeded");
    broker.stop();
    broker_thread.join();
  }
  node.stop();
  node_thread.join();
}

TEST_CASE("RESULTS gives per-system statistics of live and ended jobs, also after a restart",
          "[broker][store]") {
  TempDir dir("results");
  const auto spec = normal_job(6, 4);
  nlohmann::json final_page, final_document;
  {
    zmq::context_t context;
    LocalCluster cluster(context, test_config(Transport::kInproc, 1, dir.path), 1);
    final_document = run_to_end(context, cluster, spec);
    REQUIRE(final_document["state"] == "succeeded");
    BrokerClient client(context, cluster.client_endpoint());
    auto status = client.request("STATUS", {{"job_id", final_document["job_id"]}});
    REQUIRE(status.ok());
    CHECK(status.value()["spec"]["model"] == "normal");
    CHECK(status.value()["spec"]["seed"] == 4);
    auto page = client.request("RESULTS", {{"job_id", final_document["job_id"]}});
    REQUIRE(page.ok());
    final_page = page.value();
    CHECK(final_page["final"] == true);
    CHECK(final_page["systems"] == 6);
    CHECK(final_page["selected"] == final_document["best"]["index"]);
    REQUIRE(final_page["results"].size() == 6);
    std::uint64_t used = 0;
    for (const auto& row : final_page["results"]) {
      used += row["replications"].get<std::uint64_t>();
      CHECK(row["replications"].get<std::uint64_t>() >= 20);  // n0 of every system
      CHECK(row["selected"] == (row["index"] == final_document["best"]["index"]));
      CHECK(row["params"].contains("mu"));
    }
    CHECK(used == final_document["total_replications"]);
    const auto& best_row =
        final_page["results"][final_document["best"]["index"].get<std::size_t>()];
    CHECK(best_row["mean"] == final_document["best"]["mean"]);
    auto paged = client.request(
        "RESULTS", {{"job_id", final_document["job_id"]}, {"offset", 4}, {"limit", 5}});
    REQUIRE(paged.ok());
    REQUIRE(paged.value()["results"].size() == 2);
    CHECK(paged.value()["results"][0] == final_page["results"][4]);
    auto bad_limit =
        client.request("RESULTS", {{"job_id", final_document["job_id"]}, {"limit", 0}});
    REQUIRE_FALSE(bad_limit.ok());
    CHECK(bad_limit.error().code == 400);
    CHECK(bad_limit.error().message.find("RESULTS.limit") != std::string::npos);
    auto unknown = client.request("RESULTS", {{"job_id", 999}});
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().code == 404);
    // A job still running answers from its procedure: n0 of every system at least, soon.
    auto running = client.request("SUBMIT", {{"spec", flowline_job(20, 1)}});
    REQUIRE(running.ok());
    auto live = client.request("RESULTS", {{"job_id", running.value()["job_id"]}, {"limit", 3}});
    REQUIRE(live.ok());
    CHECK(live.value()["final"] == false);
    CHECK(live.value()["systems"] == 3249);
    CHECK(live.value()["results"].size() == 3);
    CHECK(live.value()["results"][0]["params"].contains("r1"));
    REQUIRE(client.request("CANCEL", {{"job_id", running.value()["job_id"]}}).ok());
  }
  zmq::context_t context;
  LocalCluster cluster(context, test_config(Transport::kInproc, 1, dir.path), 0);
  BrokerClient client(context, cluster.client_endpoint());
  auto again = client.request("RESULTS", {{"job_id", final_document["job_id"]}});
  REQUIRE(again.ok());
  CHECK(again.value()["results"] == final_page["results"]);
  auto status = client.request("STATUS", {{"job_id", final_document["job_id"]}});
  REQUIRE(status.ok());
  CHECK(status.value()["spec"]["seed"] == 4);
}

TEST_CASE("a worker describing a known model differently gets none of its tasks", "[broker]") {
  TempDir dir("mismatch");
  zmq::context_t context;
  LocalCluster cluster(context, test_config(Transport::kTcp, 1, dir.path));
  auto described = [](const char* help) {
    ModelDescriptor model;
    model.name = "echo";
    model.kind = "process";
    model.schema = {{"params", {{"x", {{"type", "number"}, {"help", help}}}}}};
    return model;
  };
  auto join = [&](zmq::socket_t& worker, const char* name, const char* help) {
    worker.set(zmq::sockopt::linger, 0);
    worker.connect(cluster.worker_endpoint());
    worker.send(zmq::buffer(protocol::encode(protocol::Ready{name, 1, {described(help)}})),
                zmq::send_flags::none);
  };
  BrokerClient client(context, cluster.client_endpoint());
  auto cluster_with_workers = [&](std::size_t count) {  // once `count` READY messages are handled
    nlohmann::json cluster_doc;
    for (int i = 0; i < 100 && cluster_doc["workers"].size() != count; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      auto snapshot = client.request("SNAPSHOT", nlohmann::json::object());
      REQUIRE(snapshot.ok());
      cluster_doc = snapshot.value()["cluster"];
    }
    return cluster_doc;
  };
  zmq::socket_t first(context, zmq::socket_type::dealer), second(context, zmq::socket_type::dealer);
  join(first, "first", "the version the broker learns");
  cluster_with_workers(2);  // the cluster's own node and the first
  join(second, "second", "another version of the model");
  const nlohmann::json cluster_doc = cluster_with_workers(3);
  REQUIRE(cluster_doc["workers"].size() == 3);
  for (const auto& worker : cluster_doc["workers"]) {
    if (worker["name"] == "first") CHECK(worker["models"] == nlohmann::json::array({"echo"}));
    if (worker["name"] == "second") CHECK(worker["models"].empty());
  }
  REQUIRE(cluster_doc["models"].size() == 1);
  CHECK(cluster_doc["models"][0]["workers"] == 1);
  CHECK(cluster_doc["models"][0]["schema"]["params"]["x"]["help"] ==
        "the version the broker learns");
}

// A broker and one node of `threads` compute threads on inproc, with a client: the steering
// tests' cluster.
struct InprocCluster {
  TempDir dir;
  zmq::context_t context;
  LocalCluster cluster;
  BrokerClient client;
  InprocCluster(const std::string& name, std::uint32_t threads)
      : dir(name),
        cluster(context, test_config(Transport::kInproc, threads, dir.path)),
        client(context, cluster.client_endpoint()) {}
};

TEST_CASE("STOP ends a running job at once with the current best, stated as an early stop",
          "[broker][steering]") {
  InprocCluster local("stop", 1);
  auto& client = local.client;
  auto submitted = client.request("SUBMIT", {{"spec", flowline_job(20, 3)}});
  REQUIRE(submitted.ok());
  const std::uint64_t id = submitted.value()["job_id"];
  for (int i = 0; i < 500; ++i) {  // into the job: a few thousand outputs in
    auto status = client.request("STATUS", {{"job_id", id}});
    REQUIRE(status.ok());
    if (status.value()["job"]["total_replications"].get<std::uint64_t>() > 3249 * 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto stopped = client.request("STOP", {{"job_id", id}});
  REQUIRE(stopped.ok());
  const nlohmann::json job = stopped.value()["job"];
  CHECK(job["state"] == "stopped");
  REQUIRE(job.contains("best"));
  CHECK_THAT(job["guarantee"].get<std::string>(),
             Catch::StartsWith("stopped early after " +
                               std::to_string(job["total_replications"].get<std::uint64_t>()) +
                               " replications; "));
  CHECK_THAT(job["guarantee"].get<std::string>(),
             Catch::Contains("the procedure's guarantee does not hold for an early stop"));
  REQUIRE(job["stop_intervals"].is_array());
  for (const auto& other : job["stop_intervals"]) {
    CHECK(other["difference"].get<double>() <= 0);  // the selected one leads
    CHECK(other["half_width"].get<double>() > 0);
  }
  CHECK(job["actions"][0]["action"] == "stop");
  // It stays stopped, stored like any ended job; a second STOP, or CANCEL, is a conflict.
  auto again = client.request("STOP", {{"job_id", id}});
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == protocol::kConflict);
  CHECK(client.request("CANCEL", {{"job_id", id}}).error().code == protocol::kConflict);
  CHECK(client.request("STATUS", {{"job_id", id}}).value()["job"]["state"] == "stopped");
  CHECK(client.request("STOP", {{"job_id", 999}}).error().code == protocol::kUnknownJob);
  CHECK_THAT(client.request("STOP", {{"job_id", "one"}}).error().message,
             Catch::Contains("STOP.job_id: expected non-negative integer"));
}

TEST_CASE("STOP refuses a job that has not started", "[broker][steering]") {
  TempDir dir("stop-queued");
  zmq::context_t context;
  LocalCluster cluster(context, test_config(Transport::kInproc, 1, dir.path), 0);  // no node
  BrokerClient client(context, cluster.client_endpoint());
  auto submitted = client.request("SUBMIT", {{"spec", normal_job(5, 1)}});
  REQUIRE(submitted.ok());
  auto refused = client.request("STOP", {{"job_id", submitted.value()["job_id"]}});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == protocol::kConflict);
  CHECK_THAT(refused.error().message, Catch::Contains("has not started; cancel it instead"));
}

TEST_CASE("a paused job gets no new tasks and, resumed, ends with its undisturbed answer",
          "[broker][steering]") {
  const nlohmann::json spec = flowline_job(10, 5);
  TempDir dir("pause");
  zmq::context_t context;
  LocalCluster cluster(context, test_config(Transport::kInproc, 2, dir.path));
  const nlohmann::json undisturbed = run_to_end(context, cluster, spec);
  REQUIRE(undisturbed["state"] == "succeeded");

  BrokerClient client(context, cluster.client_endpoint());
  auto submitted = client.request("SUBMIT", {{"spec", spec}});
  REQUIRE(submitted.ok());
  const std::uint64_t id = submitted.value()["job_id"];
  const auto job = [&] { return client.request("STATUS", {{"job_id", id}}).value()["job"]; };
  for (int i = 0; i < 500 && job()["simulated_replications"].get<std::uint64_t>() < 1000; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto paused = client.request("PAUSE", {{"job_id", id}});
  REQUIRE(paused.ok());
  CHECK(paused.value()["job"]["paused"] == true);
  REQUIRE(paused.value()["job"]["state"] == "running");  // paused mid-job, not after its end
  CHECK(client.request("PAUSE", {{"job_id", id}}).error().code == protocol::kConflict);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // what was in flight lands
  const auto settled = job()["simulated_replications"].get<std::uint64_t>();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  CHECK(job()["simulated_replications"].get<std::uint64_t>() == settled);  // nothing new
  CHECK(job()["state"] == "running");

  REQUIRE(client.request("RESUME", {{"job_id", id}}).ok());
  CHECK(client.request("RESUME", {{"job_id", id}}).error().code == protocol::kConflict);
  const nlohmann::json final = follow_job(context, client, cluster.stats_endpoint(), id,
                                          [](const nlohmann::json&) {})
                                   .value();
  CHECK(final["state"] == "succeeded");
  CHECK(final["best"]["index"] == undisturbed["best"]["index"]);
  CHECK(final["best"]["mean"] == undisturbed["best"]["mean"]);
  CHECK(final["total_replications"] == undisturbed["total_replications"]);
  CHECK(final["actions"][0]["action"] == "pause");
  CHECK(final["actions"][1]["action"] == "resume");
}

TEST_CASE("jobs with priorities 3 and 1 share the worker slots 3:1 while both have work",
          "[broker][steering]") {
  InprocCluster local("priority", 2);
  auto& client = local.client;
  // Two long jobs on the flow line (L = 20: 3,249 systems; Rinott with delta = 0.01 wants
  // millions of replications, far more than the window below).
  std::vector<std::uint64_t> ids;
  for (std::uint64_t seed : {1, 2}) {
    nlohmann::json spec = flowline_job(20, seed);
    spec["procedure"] = "rinott";
    spec["delta"] = 0.01;
    auto submitted = client.request("SUBMIT", {{"spec", spec}});
    REQUIRE(submitted.ok());
    ids.push_back(submitted.value()["job_id"]);
  }
  REQUIRE(client.request("PRIORITY", {{"job_id", ids[0]}, {"weight", 3}}).ok());
  CHECK(client.request("PRIORITY", {{"job_id", ids[1]}, {"weight", 0}}).error().code ==
        protocol::kBadMessage);
  const auto busy = [&] {
    std::vector<double> seconds;
    for (std::uint64_t id : ids)
      seconds.push_back(client.request("STATUS", {{"job_id", id}}).value()["job"]["busy_seconds"]);
    return seconds;
  };
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // past the first measured tasks
  const std::vector<double> before = busy();
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  const std::vector<double> after = busy();
  for (std::uint64_t id : ids)
    REQUIRE(client.request("STATUS", {{"job_id", id}}).value()["job"]["state"] == "running");
  const double ratio = (after[0] - before[0]) / (after[1] - before[1]);
  INFO("compute seconds in the window: " << after[0] - before[0] << " and "
                                         << after[1] - before[1]);
  CHECK(ratio == Approx(3.0).epsilon(0.05));
  for (std::uint64_t id : ids) CHECK(client.request("CANCEL", {{"job_id", id}}).ok());
}

TEST_CASE("EXTEND gives a running fixed-budget job more budget, or any job a higher limit",
          "[broker][steering]") {
  InprocCluster local("extend", 1);
  auto& context = local.context;
  auto& cluster = local.cluster;
  auto& client = local.client;
  nlohmann::json spec = flowline_job(10, 4);  // 324 systems
  spec["procedure"] = "equal";
  spec["params"] = {{"budget", 324 * 40}};
  spec["limits"] = {{"max_replications", 324 * 60}};
  auto submitted = client.request("SUBMIT", {{"spec", spec}});
  REQUIRE(submitted.ok());
  const std::uint64_t id = submitted.value()["job_id"];
  const auto extend = [&](nlohmann::json fields) {
    fields["job_id"] = id;
    return client.request("EXTEND", fields);
  };
  CHECK(extend({{"budget", 324 * 30}}).error().code == protocol::kConflict);  // not larger
  CHECK_THAT(extend({{"budget", -1}}).error().message,
             Catch::Contains("EXTEND.budget: expected a positive integer"));
  CHECK_THAT(extend(nlohmann::json::object()).error().message,
             Catch::Contains("give budget, max_replications or both"));
  // Past the old limit and the old budget: the job spends the new budget and succeeds.
  REQUIRE(extend({{"budget", 324 * 80}, {"max_replications", 324 * 100}}).ok());
  const nlohmann::json final =
      follow_job(context, client, cluster.stats_endpoint(), id, [](const nlohmann::json&) {})
          .value();
  CHECK(final["state"] == "succeeded");
  CHECK(final["total_replications"] == 324 * 80);
  CHECK(final["actions"][0]["action"] == "extend");
  CHECK(final["actions"][0]["budget"] == 324 * 80);

  auto kn = client.request("SUBMIT", {{"spec", flowline_job(20, 5)}});
  REQUIRE(kn.ok());
  for (int i = 0; i < 200; ++i) {  // started: bound to its model
    if (client.request("STATUS", {{"job_id", kn.value()["job_id"]}}).value()["job"]["state"] ==
        "running")
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto no_budget = client.request("EXTEND", {{"job_id", kn.value()["job_id"]}, {"budget", 10}});
  REQUIRE_FALSE(no_budget.ok());
  CHECK_THAT(no_budget.error().message, Catch::Contains("has no budget to extend"));
  CHECK(client.request("CANCEL", {{"job_id", kn.value()["job_id"]}}).ok());
}
