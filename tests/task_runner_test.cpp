// The node's runtime for users' models (nodes/worker/task_runner.h, nodes/models/model_process.h,
// plugin_model.h) against real model processes and a real plugin: the Python flow line gives the
// built-in tp's outputs replication by replication; a replication's output does not depend on
// how tasks batch it; the C process and the plugin agree, defaults included; a model's refusal
// fails the task but not the process; a failed start, or a plugin breaking its ABI, is explained.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stop_token>
#include <thread>

#include <catch2/catch.hpp>

#include "common/protocol/messages.h"
#include "nodes/worker/task_runner.h"

using namespace simsel;
using nlohmann::json;

namespace {

const std::string kSource = SIMSEL_SOURCE_DIR;
const std::string kBuild = SIMSEL_BINARY_DIR;

ModelConfig python_model(const std::string& name, const std::string& script,
                         std::vector<std::string> args = {}) {
  ModelConfig config;
  config.name = name;
  config.command = {"/usr/bin/python3", kSource + "/" + script};
  config.command.insert(config.command.end(), args.begin(), args.end());
  return config;
}

// The example C model process and the example plugin: one model, two ways.
std::vector<ModelConfig> normal_c_and_plugin() {
  ModelConfig process;
  process.name = "normal_c";
  process.command = {kBuild + "/examples/models/normal_model"};
  ModelConfig plugin;
  plugin.name = "normal_plugin";
  plugin.plugin = kBuild + "/examples/models/libsimsel_normal_plugin.so";
  return {process, plugin};
}

struct Models {
  std::vector<std::unique_ptr<ExternalModel>> external;
  explicit Models(std::vector<ModelConfig> configs)
      : external(describe_external_models(configs)) {}

  std::shared_ptr<const JobContext> job(const std::string& model, const json& systems,
                                        bool crn = false) const {
    return make_job_context(protocol::JobDefinition{1, model, systems.dump(), 2026, crn}, external);
  }
};

protocol::Task task(std::vector<std::uint64_t> systems, std::vector<std::uint64_t> begins,
                    std::vector<std::uint32_t> counts) {
  return protocol::Task{1, 1, std::move(systems), std::move(begins), std::move(counts)};
}

std::vector<double> run(TaskRunner& runner, const JobContext& job, const protocol::Task& t) {
  auto values = runner.run(job, t);
  if (!values) FAIL(values.error().message);
  return values.value();
}

const json kFlowline = {{"generator", "flowline"}, {"L", 8}};
const json kFlowlineGrid = {
    {"generator", "grid"},
    {"params",
     {{{"name", "r1"}, {"min", 1}, {"max", 6}}, {{"name", "r2"}, {"min", 1}, {"max", 6}},
      {{"name", "r3"}, {"min", 1}, {"max", 6}}, {{"name", "b2"}, {"min", 1}, {"max", 7}},
      {{"name", "b3"}, {"min", 1}, {"max", 7}}}},
    {"constraints", {"r1 + r2 + r3 == 8", "b2 + b3 == 8"}}};

}  // namespace

TEST_CASE("tp_py in Python gives the built-in tp's outputs, replication by replication",
          "[models][process]") {
  const Models models({python_model("tp_py", "examples/models/tp_flowline.py")});
  REQUIRE(models.external.size() == 1);
  CHECK(models.external[0]->descriptor.kind == "process");
  for (const bool crn : {false, true}) {
    const auto builtin = models.job("tp", kFlowline, crn);
    const auto python = models.job("tp_py", kFlowlineGrid, crn);
    REQUIRE(builtin->error.empty());
    REQUIRE(python->error.empty());
    REQUIRE(python->systems->size() == builtin->builtin->system_count());  // 21 x 7 = 147
    TaskRunner runner;
    // Every system, replications 3..5, plus a deep entry: 147 x 3 + 40 outputs compared.
    std::vector<std::uint64_t> systems, begins;
    std::vector<std::uint32_t> counts;
    for (std::uint64_t i = 0; i < 147; ++i) systems.push_back(i), begins.push_back(3), counts.push_back(3);
    systems.push_back(100), begins.push_back(1000), counts.push_back(40);
    const auto t = task(systems, begins, counts);
    const auto expected = run(runner, *builtin, t);
    const auto got = run(runner, *python, t);
    REQUIRE(got.size() == expected.size());
    for (std::size_t k = 0; k < got.size(); ++k)
      if (got[k] != expected[k]) FAIL("output " << k << ": " << got[k] << " vs " << expected[k]);
  }
}

TEST_CASE("a replication's output does not depend on how tasks batch it (two generators)",
          "[models][process]") {
  const Models models({python_model("mm1", "examples/models/mm1_queue.py")});
  REQUIRE(models.external.size() == 1);
  CHECK(models.external[0]->descriptor.streams == 2);
  const auto job = models.job("mm1", {{"list", {{{"mu", 2.0}}, {{"mu", 3.0}}, {{"mu", 4.5}}}}});
  REQUIRE(job->error.empty());
  TaskRunner one, other;
  const auto whole = run(one, *job, task({0, 1, 2}, {0, 0, 0}, {6, 6, 6}));
  const auto parts = run(other, *job, task({2, 1}, {4, 5}, {2, 1}));
  CHECK(parts[0] == whole[16]);
  CHECK(parts[1] == whole[17]);
  CHECK(parts[2] == whole[11]);
  CHECK(whole[0] != whole[1]);  // replications differ
}

TEST_CASE("the C model process and the plugin agree, the plugin filling defaults",
          "[models][plugin]") {
  const Models models(normal_c_and_plugin());
  REQUIRE(models.external.size() == 2);
  CHECK(models.external[1]->descriptor.kind == "plugin");
  const json systems = {{"list", {{{"mu", 1.0}}, {{"mu", 0.0}, {"sigma", 3.0}}}}};
  const auto c = models.job("normal_c", systems);
  const auto p = models.job("normal_plugin", systems);
  REQUIRE(c->error.empty());
  REQUIRE(p->error.empty());
  TaskRunner runner;
  const auto t = task({0, 1}, {0, 7}, {50, 50});
  const auto from_process = run(runner, *c, t);
  const auto from_plugin = run(runner, *p, t);
  CHECK(from_process == from_plugin);
  // sigma defaults to 1: system 0's outputs stay near mu = 1.
  double mean = 0;
  for (int k = 0; k < 50; ++k) mean += from_plugin[k] / 50;
  CHECK(std::abs(mean - 1.0) < 0.5);
}

TEST_CASE("a task too large for one RUN goes as several, outputs unchanged", "[models][plugin]") {
  const Models models(normal_c_and_plugin());
  REQUIRE(models.external.size() == 2);
  const json systems = {{"list", {{{"mu", 1.0}}, {{"mu", 2.0}}}}};
  // 4.5 RUNs' worth of replications in two entries (one RUN of them would exceed the 64 MiB
  // frame limit): the second entry is split across RUNs.
  const std::uint32_t per_run = TaskRunner::kMaxRunStateWords / 6;
  const auto t = task({0, 1}, {5, 0}, {per_run / 2, 4 * per_run});
  TaskRunner runner;
  const auto from_process = run(runner, *models.job("normal_c", systems), t);
  const auto from_plugin = run(runner, *models.job("normal_plugin", systems), t);
  REQUIRE(from_process.size() == t.replication_count());
  CHECK(from_process == from_plugin);
}

TEST_CASE("a model's ERROR fails the task; the process keeps serving", "[models][process]") {
  const Models models(
      {python_model("misbehaving_error", "tests/models/misbehaving_model.py", {"error"})});
  REQUIRE(models.external.size() == 1);
  const auto job = models.job("misbehaving_error", {{"list", {{{"mu", 1.0}}, {{"mu", -1.0}}}}});
  TaskRunner runner;
  auto refused = runner.run(*job, task({0, 1}, {0, 0}, {2, 2}));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == protocol::kInvalidSpec);
  CHECK(refused.error().message ==
        "model 'misbehaving_error' answered ERROR (entry 1: system 1): system 1, replication 0: "
        "mu must be positive");
  CHECK(run(runner, *job, task({0}, {0}, {3})).size() == 3);
  auto outside = runner.run(*job, task({2}, {0}, {1}));
  REQUIRE_FALSE(outside.ok());
  CHECK(outside.error().code == protocol::kBadMessage);
}

TEST_CASE("a crashing model fails its task as retryable, naming its stderr", "[models][process]") {
  const Models models(
      {python_model("misbehaving_crash", "tests/models/misbehaving_model.py", {"crash"})});
  REQUIRE(models.external.size() == 1);
  const auto job = models.job("misbehaving_crash", {{"list", {{{"mu", 1.0}}}}});
  TaskRunner runner;
  for (int attempt = 0; attempt < 2; ++attempt) {  // the second attempt starts a new process
    auto crashed = runner.run(*job, task({0}, {0}, {1}));
    REQUIRE_FALSE(crashed.ok());
    CHECK(crashed.error().code == protocol::kModelFailed);
    CHECK(crashed.error().message ==
          "model 'misbehaving_crash' ended during RUN (exit status 3); its last stderr lines: "
          "boom: simulated crash");
  }
}

TEST_CASE("models that cannot be offered are left out with their reason", "[models][process]") {
  ModelConfig missing;
  missing.name = "nowhere";
  missing.command = {"/nonexistent/model"};
  ModelConfig renamed = python_model("not_its_name", "examples/models/mm1_queue.py");
  ModelConfig no_plugin;
  no_plugin.name = "gone";
  no_plugin.plugin = "/nonexistent/libgone.so";
  CHECK(ModelProcess::start(missing).error().message ==
        "model 'nowhere': cannot start `/nonexistent/model`: No such file or directory");
  CHECK(ModelProcess::start(renamed).error().message ==
        "model 'not_its_name': its HELLO names it 'mm1'; the node config must use the model's "
        "own name");
  CHECK_THAT(PluginModel::load(no_plugin).error().message,
             Catch::StartsWith("plugin 'gone' (/nonexistent/libgone.so): "));
  const Models models({missing, renamed, no_plugin});
  CHECK(models.external.empty());
  const auto job = models.job("nowhere", {{"list", {{{"mu", 1.0}}}}});
  CHECK(job->error == "this node does not run model 'nowhere'");
}

TEST_CASE("a plugin breaking its ABI is refused at load, naming what it broke",
          "[models][plugin]") {
  ModelConfig config;
  config.name = "misbehaving_plugin";
  config.plugin = kBuild + "/tests/libmisbehaving_plugin.so";
  const std::string who = "plugin 'misbehaving_plugin' (" + config.plugin + "): ";
  const auto refusal = [&](const char* behaviour) {
    ::setenv("SIMSEL_MISBEHAVING_PLUGIN", behaviour, 1);
    auto plugin = PluginModel::load(config);
    ::unsetenv("SIMSEL_MISBEHAVING_PLUGIN");
    REQUIRE_FALSE(plugin.ok());
    return plugin.error().message;
  };
  CHECK(refusal("unknown") == who + "simsel_model_plugin_v1 returned NULL");
  CHECK(refusal("abi") == who + "ABI version 99, this node loads 1");
  CHECK(refusal("not_object") == who + "describe_json is not a JSON object");
  CHECK(refusal("not_json") == who + "describe_json is not a JSON object");
  CHECK(refusal("protocol_string") == who + "describe_json.protocol must be 1");
  CHECK(refusal("no_simulate") == who + "describe_json and simulate must be set");
  CHECK_THAT(refusal("count_mismatch"), Catch::Contains("param_names must list the 1 parameters"));
  CHECK_THAT(refusal("no_names"), Catch::Contains("param_names must list the 1 parameters"));
  CHECK(refusal("string_param") == who + "parameter 'x' is a string; plugins take numbers only");

  ::setenv("SIMSEL_MISBEHAVING_PLUGIN", "fails", 1);
  const Models models({config});
  ::unsetenv("SIMSEL_MISBEHAVING_PLUGIN");
  REQUIRE(models.external.size() == 1);
  const auto job = models.job("misbehaving_plugin", {{"list", {{{"x", 1.0}}}}});
  TaskRunner runner;
  const auto failed = runner.run(*job, task({0}, {4}, {3}));
  REQUIRE_FALSE(failed.ok());
  CHECK_THAT(failed.error().message, Catch::Contains("bad luck in replication 4"));
}

TEST_CASE("a stopping node ends a model's RUN at once, not at its timeout", "[models][process]") {
  ModelConfig hang = python_model("misbehaving_hang", "tests/models/misbehaving_model.py", {"hang"});
  hang.timeout_s = 600;
  const Models models({hang});
  REQUIRE(models.external.size() == 1);
  const auto job = models.job("misbehaving_hang", {{"list", {{{"mu", 1.0}}}}});
  std::stop_source stop;
  TaskRunner runner(stop.get_token());
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    stop.request_stop();
  });
  const auto started = std::chrono::steady_clock::now();
  const auto stopped = runner.run(*job, task({0}, {0}, {1}));
  const auto waited = std::chrono::steady_clock::now() - started;
  stopper.join();
  REQUIRE_FALSE(stopped.ok());
  CHECK(stopped.error().code == protocol::kModelFailed);
  CHECK_THAT(stopped.error().message,
             Catch::StartsWith("model 'misbehaving_hang' was stopped during RUN: the node is "
                               "stopping"));
  CHECK(waited < std::chrono::seconds(60));  // a tenth of its timeout: not waited out
}

TEST_CASE("a killed model takes what it started with it (its process group)",
          "[models][process]") {
  const std::filesystem::path pid_file =
      std::filesystem::temp_directory_path() / ("simsel-helper-" + std::to_string(::getpid()));
  ModelConfig wrapped;  // a wrapper script that leaves a helper running, then hangs
  wrapped.name = "misbehaving_hang";
  wrapped.timeout_s = 1;
  wrapped.command = {"/bin/sh", "-c",
                     "sleep 600 & echo $! > " + pid_file.string() + "; exec /usr/bin/python3 " +
                         kSource + "/tests/models/misbehaving_model.py hang"};
  const Models models({wrapped});
  REQUIRE(models.external.size() == 1);
  const auto job = models.job("misbehaving_hang", {{"list", {{{"mu", 1.0}}}}});
  std::ifstream in(pid_file);
  pid_t helper = 0;
  REQUIRE(in >> helper);
  TaskRunner runner;
  const auto timed_out = runner.run(*job, task({0}, {0}, {1}));
  REQUIRE_FALSE(timed_out.ok());
  CHECK_THAT(timed_out.error().message, Catch::Contains("within 1 s (timeout_s) and was killed"));
  // Gone, or a zombie waiting for init: either way no longer running.
  const auto running = [helper] {
    std::ifstream stat("/proc/" + std::to_string(helper) + "/stat");
    std::string pid, command, state;
    return stat >> pid >> command >> state && state != "Z";
  };
  for (int i = 0; i < 100 && running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK_FALSE(running());
  std::filesystem::remove(pid_file);
}
