// Benchmark: what running a user's model costs beyond its simulation, on one thread, through
// the node's own TaskRunner (nodes/worker/task_runner.h). Three comparisons in one run:
//  - the normal model built in, as a plugin (examples/models/normal_plugin.c) and as a C model
//    process (examples/models/normal_model.c) at 1, 16 and 256 replications per RUN: the
//    plugin's ratio to the built-in, and the process's protocol overhead per replication (its
//    time minus the plugin's, which runs the same simulation code in the node);
//  - the flow line built in (tp) and in Python (examples/models/tp_flowline.py), with the
//    share of the Python process's time spent outside the model's own replicate() (the SDK's
//    loop, msgpack and the pipe: RUN wall time minus the seconds RESULT reports);
//  - the ceiling: a raw one-byte pipe round trip between two processes on this machine, which
//    every RUN pays at least once (a VM's cross-core wake-up can cost ~100 us);
//  - from those, the wall time the 57,624-system KT job (docs/BENCHMARKS.md: 2,204,570
//    replications) would take with tp_py on 2 threads.
// usage: bench_model_overhead [--replications N] [--tp-replications N]
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "nodes/worker/task_runner.h"

using namespace simsel;
using nlohmann::json;

namespace {

double now() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

// Seconds per replication of `job` over `total` replications of system 0 in tasks of `batch`.
double seconds_per_replication(TaskRunner& runner, const JobContext& job, std::uint64_t total,
                               std::uint32_t batch) {
  (void)runner.run(job, protocol::Task{1, 1, {0}, {0}, {1}});  // starts a process model
  const double start = now();
  for (std::uint64_t first = 0; first < total; first += batch) {
    auto values = runner.run(job, protocol::Task{1, 1, {0}, {first}, {batch}});
    if (!values) {
      std::cerr << values.error().message << "\n";
      std::exit(1);
    }
  }
  return (now() - start) / static_cast<double>(total);
}

// Seconds per round trip of one byte to a child process that echoes it, over two pipes.
double pipe_round_trip(int trips) {
  int to_child[2], to_parent[2];
  if (::pipe(to_child) != 0 || ::pipe(to_parent) != 0) return -1;
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(to_child[1]);  // else its read would never see end of file
    char byte;
    while (::read(to_child[0], &byte, 1) == 1) (void)!::write(to_parent[1], &byte, 1);
    ::_exit(0);
  }
  ::close(to_child[0]);
  ::close(to_parent[1]);
  char byte = 'x';
  const double start = now();
  for (int i = 0; i < trips; ++i) {
    (void)!::write(to_child[1], &byte, 1);
    pollfd ready{to_parent[0], POLLIN, 0};
    ::poll(&ready, 1, 1000);
    (void)!::read(to_parent[0], &byte, 1);
  }
  const double seconds = (now() - start) / trips;
  ::close(to_child[1]);
  ::close(to_parent[0]);
  ::waitpid(child, nullptr, 0);
  return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t replications = 1'000'000;
  std::uint64_t tp_replications = 1'000;
  CLI::App app{"the cost of users' models beyond their simulation, on one thread"};
  app.add_option("--replications", replications, "replications of the normal model per variant");
  app.add_option("--tp-replications", tp_replications, "replications of the flow line per variant");
  CLI11_PARSE(app, argc, argv);
  const std::string source = SIMSEL_SOURCE_DIR, build = SIMSEL_BINARY_DIR;
  const double raw_trip = pipe_round_trip(20'000);  // before any thread exists: fork is safe

  ModelConfig process{"normal_c", {build + "/examples/models/normal_model"}, "", "", 60};
  ModelConfig plugin{"normal_plugin", {}, build + "/examples/models/libsimsel_normal_plugin.so", "", 60};
  ModelConfig python{"tp_py", {"/usr/bin/python3", source + "/examples/models/tp_flowline.py"}, "", "", 600};
  const auto models = describe_external_models({process, plugin, python});
  if (models.size() != 3) {
    std::cerr << "a model could not be described (see the log above)\n";
    return 1;
  }
  const auto job = [&](const std::string& model, const json& system) {
    return make_job_context(protocol::JobDefinition{1, model, json{{"list", {system}}}.dump(), 7, false},
                            models);
  };
  const json normal_system = {{"mu", 0.0}, {"sigma", 1.0}};
  const json tp_system = {{"r1", 6}, {"r2", 7}, {"r3", 7}, {"b2", 12}, {"b3", 8}};
  TaskRunner runner;

  // Best of five, alternating, so a noisy moment does not decide the ratio.
  double builtin = 1e9, in_plugin = 1e9;
  for (int round = 0; round < 5; ++round) {
    builtin = std::min(builtin, seconds_per_replication(runner, *job("normal", normal_system),
                                                        replications, 256));
    in_plugin = std::min(in_plugin, seconds_per_replication(runner, *job("normal_plugin", normal_system),
                                                            replications, 256));
  }
  std::printf("normal, one thread, 256 replications per task (best of 5):\n");
  std::printf("  built-in        %8.1f ns/replication\n", builtin * 1e9);
  std::printf("  plugin          %8.1f ns/replication  (%.2fx the built-in)\n", in_plugin * 1e9,
              in_plugin / builtin);
  std::printf("  (ceiling: a raw 1-byte pipe round trip between two processes here: %.1f us)\n",
              raw_trip * 1e6);
  for (const std::uint32_t batch : {1u, 16u, 256u}) {
    const std::uint64_t total = batch == 1 ? replications / 20 : replications;
    const double piped = seconds_per_replication(runner, *job("normal_c", normal_system), total, batch);
    std::printf("  C process, %3u per RUN %8.1f ns/replication  (protocol overhead %.2f us/replication;"
                " a RUN costs %.2fx the raw round trip)\n",
                batch, piped * 1e9, (piped - in_plugin) * 1e6, (piped - in_plugin) * batch / raw_trip);
  }

  const double tp = seconds_per_replication(runner, *job("tp", tp_system), tp_replications * 20, 16);
  // The Python process directly, for the seconds its RESULT reports.
  auto direct = ModelProcess::start(python);
  if (!direct) {
    std::cerr << direct.error().message << "\n";
    return 1;
  }
  const ReplicationStreams streams(7, false);
  double wall = 0, in_model = 0;
  for (std::uint64_t first = 0; first < tp_replications; first += 16) {
    model_protocol::RunEntry entry{0, tp_system, first, 16, {}};
    ReplicationCursor cursor = streams.cursor(0, first);
    for (int k = 0; k < 16; ++k) {
      const Mrg32k3a generator = cursor.next();
      entry.states.insert(entry.states.end(), generator.state().begin(), generator.state().end());
    }
    const double start = now();
    auto reply = direct.value()->run(1, {entry}, 16);
    wall += now() - start;
    if (!reply || !std::holds_alternative<model_protocol::Outputs>(reply.value())) {
      std::cerr << "tp_py RUN failed\n";
      return 1;
    }
    in_model += std::get<model_protocol::Outputs>(reply.value()).seconds;
  }
  const std::uint64_t timed = (tp_replications + 15) / 16 * 16;
  const double per_python = wall / static_cast<double>(timed);
  std::printf("flow line (6,7,7,12,8), one thread, 16 replications per RUN:\n");
  std::printf("  built-in tp     %8.1f us/replication\n", tp * 1e6);
  std::printf("  tp_py (Python)  %8.1f us/replication  (%.0fx the built-in; PyPRS's Python tp: 520 us)\n",
              per_python * 1e6, per_python / tp);
  std::printf("  outside replicate() (SDK loop, msgpack, pipe): %.1f%% of the Python process's time\n",
              100.0 * (wall - in_model) / wall);
  std::printf("KT on 57,624 systems (2,204,570 replications) with tp_py on 2 threads: about %.0f min "
              "(built-in tp measured 119 s)\n",
              2'204'570 * per_python / 2 / 60);
  return 0;
}
