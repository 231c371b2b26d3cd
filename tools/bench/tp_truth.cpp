// Reference values for the TP comparison: long-run estimates of E[50/T] for a shortlist of `tp`
// flow lines, the "truth" against which a selection is judged within delta (REFERENCE.md 1.2:
// a replication estimates E[50/T], biased above the steady-state throughput, so the CTMC optimum
// is not the truth). Runs the model directly on local threads (no broker), with common random
// numbers so that the differences to the best are estimated far more precisely than the means.
// Not a benchmark of speed; it prints the estimates and their standard errors.
//
// usage: bench_tp_truth --L 50 --rates 17,17,16 --buffers 17:33 [--system 17,17,16,21,29]...
//                       [--replications 100000] [--threads 2] [--seed 1]
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <thread>
#include <vector>

#include "nodes/worker/replicate.h"

using namespace simsel;

namespace {

using FlowLine = std::array<std::int64_t, 5>;  // r1, r2, r3, b2, b3

std::vector<std::int64_t> parse_integers(const std::string& text, char separator) {
  std::vector<std::int64_t> values;
  std::stringstream stream(text);
  for (std::string item; std::getline(stream, item, separator);) values.push_back(std::stoll(item));
  return values;
}

// Every (rates, b2, L - b2) for b2 in the buffer range, plus the explicit systems.
std::vector<FlowLine> shortlist(std::int64_t total, const std::vector<std::string>& rates,
                                const std::string& buffers,
                                const std::vector<std::string>& systems) {
  std::vector<FlowLine> lines;
  const std::vector<std::int64_t> range = parse_integers(buffers, ':');
  for (const std::string& text : rates) {
    const std::vector<std::int64_t> r = parse_integers(text, ',');
    if (r.size() != 3 || range.size() != 2)
      throw std::invalid_argument("--rates r1,r2,r3 and --buffers lo:hi");
    for (std::int64_t b2 = range[0]; b2 <= range[1]; ++b2)
      lines.push_back({r[0], r[1], r[2], b2, total - b2});
  }
  for (const std::string& text : systems) {
    const std::vector<std::int64_t> x = parse_integers(text, ',');
    if (x.size() != 5) throw std::invalid_argument("--system r1,r2,r3,b2,b3");
    if (std::find(lines.begin(), lines.end(), FlowLine{x[0], x[1], x[2], x[3], x[4]}) ==
        lines.end())
      lines.push_back({x[0], x[1], x[2], x[3], x[4]});
  }
  return lines;
}

double mean_of(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

double standard_error(const std::vector<double>& values) {
  const double n = static_cast<double>(values.size());
  const double mean = mean_of(values);
  double sum_squares = 0;
  for (double v : values) sum_squares += (v - mean) * (v - mean);
  return std::sqrt(sum_squares / (n - 1) / n);
}

// Replication r of both systems shares random numbers, so the differences are paired.
std::vector<double> differences(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> result(a.size());
  for (std::size_t r = 0; r < a.size(); ++r) result[r] = a[r] - b[r];
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  std::int64_t total = 50;
  std::vector<std::string> rates;
  std::string buffers = "1:1";
  std::vector<std::string> systems;
  std::uint32_t replications = 100'000;
  unsigned threads = 2;
  std::uint64_t seed = 1;
  CLI::App app{"long-run E[50/T] of a shortlist of tp flow lines, with CRN"};
  app.add_option("--L", total, "r1+r2+r3 = b2+b3 = L");
  app.add_option("--rates", rates, "r1,r2,r3 combined with every b2 of --buffers");
  app.add_option("--buffers", buffers, "lo:hi, the range of b2 (b3 = L - b2)");
  app.add_option("--system", systems, "an extra system r1,r2,r3,b2,b3");
  app.add_option("--replications", replications, "replications per system");
  app.add_option("--threads", threads, "threads")->check(CLI::Range(1u, 256u));
  app.add_option("--seed", seed, "job seed of the random streams");
  CLI11_PARSE(app, argc, argv);

  std::vector<FlowLine> lines;
  try {
    lines = shortlist(total, rates, buffers, systems);
  } catch (const std::exception& e) {
    std::cerr << "bench_tp_truth: " << e.what() << "\n";
    return 2;
  }
  nlohmann::json list = nlohmann::json::array();
  for (const FlowLine& x : lines)
    list.push_back({{"r1", x[0]}, {"r2", x[1]}, {"r3", x[2]}, {"b2", x[3]}, {"b3", x[4]}});
  auto model = make_model("tp", {{"list", list}});
  if (!model) {
    std::cerr << "bench_tp_truth: " << model.error().message << "\n";
    return 2;
  }
  const ReplicationStreams streams(seed, /*crn=*/true);
  std::vector<std::vector<double>> outputs(lines.size());
  std::atomic<std::uint64_t> next_system{0};
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (std::uint64_t i = next_system++; i < lines.size(); i = next_system++) {
        const protocol::Task task{i, 1, {i}, {0}, {replications}};
        outputs[i] = run_replications(*model.value(), streams, task).value();
      }
    });
  }
  for (std::thread& thread : pool) thread.join();

  std::vector<std::size_t> order(lines.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return mean_of(outputs[a]) > mean_of(outputs[b]);
  });
  const std::vector<double>& best = outputs[order.front()];
  std::printf("L = %lld, %u replications per system, CRN, seed %llu\n",
              static_cast<long long>(total), replications, static_cast<unsigned long long>(seed));
  std::printf("| system | E[50/T] | s.e. | best - it | s.e. (paired) |\n|---|---|---|---|---|\n");
  for (std::size_t i : order) {
    const FlowLine& x = lines[i];
    const double mean = mean_of(outputs[i]);
    std::printf("| (%lld,%lld,%lld,%lld,%lld) | %.4f | %.4f | %.4f | %.4f |\n",
                static_cast<long long>(x[0]), static_cast<long long>(x[1]),
                static_cast<long long>(x[2]), static_cast<long long>(x[3]),
                static_cast<long long>(x[4]), mean, standard_error(outputs[i]),
                mean_of(best) - mean, standard_error(differences(best, outputs[i])));
  }
  return 0;
}
