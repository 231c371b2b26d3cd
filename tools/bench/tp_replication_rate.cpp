// Benchmark: replications per second of the `tp` flow-line model on one thread (one core),
// for system (6,7,7,12,8) with L = 20, through the same code a worker thread runs
// (run_replications). The ceiling for comparison is PyPRS's published 0.52 ms per replication.
//
// usage: bench_tp_replication_rate [--replications N]
#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>

#include "nodes/worker/replicate.h"

using namespace simsel;

int main(int argc, char** argv) {
  std::uint32_t replications = 20'000;
  CLI::App app{"tp model replications per second on one thread"};
  app.add_option("--replications", replications, "replications to time");
  CLI11_PARSE(app, argc, argv);
  auto model =
      make_model("tp", {{"list", {{{"r1", 6}, {"r2", 7}, {"r3", 7}, {"b2", 12}, {"b3", 8}}}}});
  if (!model) {
    std::cerr << model.error().message << "\n";
    return 1;
  }
  ReplicationStreams streams(1, false);
  protocol::Task task{1, 1, {0}, {0}, {replications}};
  const auto start = std::chrono::steady_clock::now();
  auto values = run_replications(*model.value(), streams, task);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double mean = 0;
  for (double v : values.value()) mean += v / replications;
  const double rate = replications / seconds;
  std::cout << "tp (6,7,7,12,8): " << static_cast<std::uint64_t>(rate)
            << " replications/s on one thread (" << 1e6 / rate
            << " us each; PyPRS: 520 us), mean output " << mean << "\n";
  return 0;
}
