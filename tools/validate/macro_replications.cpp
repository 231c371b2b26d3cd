// See macro_replications.h. Each macro-replication is a whole job: a fresh procedure from
// make_procedure and fresh streams from its own seed, so nothing carries over from one to the
// next; threads only decide which of them runs where, and each writes its own slot.
#include "tools/validate/macro_replications.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "broker/procedures/pass.h"
#include "broker/procedures/procedure_catalog.h"
#include "common/rng/replication_streams.h"
#include "common/stats/welford.h"
#include "nodes/models/model.h"
#include "tools/validate/in_process_runner.h"

namespace simsel {
namespace {

// Rounding in computed means must not turn the runner-up, exactly delta behind, into a good pick.
constexpr double kRelativeTolerance = 1e-9;

struct JobOutcome {
  bool correct = false;
  std::uint64_t total_replications = 0;
  std::uint64_t simulated_replications = 0;
  double good_eliminated = 0;  // PASS: the fraction of good systems eliminated
  std::uint64_t survivors = 0;  // PASS
};

Result<std::unique_ptr<Model>> configuration_model(const ValidationConfig& config) {
  nlohmann::json systems{{"generator", "configuration"},
                         {"k", config.systems},
                         {"means", config.means},
                         {"delta", config.procedure.delta},
                         {"variances", config.variances}};
  if (config.correlation) systems["correlation"] = *config.correlation;
  return make_model("normal", systems);
}

double true_mean(const Model& model, std::uint64_t system) {
  return model.system_params(system).at("mu").get<double>();
}

// The normal model is larger-is-better.
double best_mean(const Model& model) {
  double best = true_mean(model, 0);
  for (std::uint64_t system = 1; system < model.system_count(); ++system) {
    best = std::max(best, true_mean(model, system));
  }
  return best;
}

Result<JobOutcome> run_job(const Model& model, const ValidationConfig& config, std::uint64_t m,
                           double best) {
  auto procedure = make_procedure(config.procedure, model.system_count());
  if (!procedure) return procedure.error();
  const ReplicationStreams streams(config.base_seed + m, config.procedure.crn);
  auto run = run_in_process(model, streams, *procedure.value());
  if (!run)
    return make_error("macro-replication " + std::to_string(m) + ": " + run.error().message);
  const double shortfall = best - true_mean(model, run->selection.best.system);
  JobOutcome outcome{shortfall < config.procedure.delta * (1 - kRelativeTolerance),
                     run->selection.total_replications, run->simulated_replications};
  if (const auto* pass = dynamic_cast<const PassProcedure*>(procedure.value().get())) {
    std::vector<bool> survived(model.system_count(), false);
    for (std::uint64_t system : pass->survivors()) survived[system] = true;
    std::uint64_t good = 0, eliminated = 0;
    for (std::uint64_t system = 0; system < model.system_count(); ++system) {
      if (true_mean(model, system) < best - std::fabs(best) * kRelativeTolerance) continue;
      ++good;
      eliminated += survived[system] ? 0 : 1;
    }
    outcome.good_eliminated = static_cast<double>(eliminated) / static_cast<double>(good);
    outcome.survivors = pass->survivors().size();
  }
  return outcome;
}

Result<std::vector<JobOutcome>> run_jobs(const Model& model, const ValidationConfig& config,
                                         unsigned threads) {
  const double best = best_mean(model);
  std::vector<JobOutcome> outcomes(config.macro_replications);
  std::atomic<std::uint64_t> next{0};
  std::mutex error_mutex;
  std::optional<Error> error;  // guarded by error_mutex
  const auto work = [&] {
    for (std::uint64_t m = next++; m < outcomes.size(); m = next++) {
      Result<JobOutcome> outcome = run_job(model, config, m, best);
      if (outcome) {
        outcomes[m] = *outcome;
        continue;
      }
      std::lock_guard lock(error_mutex);
      if (!error) error = outcome.error();
      next = outcomes.size();  // hand out no more macro-replications
    }
  };
  {
    std::vector<std::jthread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work);
  }
  if (error) return *error;
  return outcomes;
}

ValidationOutcome summarize(const std::vector<JobOutcome>& outcomes) {
  ValidationOutcome summary;
  double total = 0, simulated = 0;
  for (const JobOutcome& outcome : outcomes) {
    summary.correct += outcome.correct ? 1 : 0;
    total += static_cast<double>(outcome.total_replications);
    simulated += static_cast<double>(outcome.simulated_replications);
  }
  const double count = static_cast<double>(std::max<std::size_t>(outcomes.size(), 1));
  summary.mean_total_replications = total / count;
  summary.mean_simulated_replications = simulated / count;
  WelfordAccumulator false_eliminations;
  double survivors = 0;
  for (const JobOutcome& outcome : outcomes) {
    false_eliminations.add(outcome.good_eliminated);
    survivors += static_cast<double>(outcome.survivors);
  }
  summary.false_elimination_rate = false_eliminations.mean;
  summary.false_elimination_standard_error = false_eliminations.stddev() / std::sqrt(count);
  summary.mean_survivors = survivors / count;
  return summary;
}

}  // namespace

Promise promise_of(const std::string& procedure) {
  if (procedure == "pass") return Promise::kFalseEliminationRate;
  const ProcedureDescription* described = find_procedure(procedure);
  return described != nullptr && described->iz_guarantee ? Promise::kProbabilityOfCorrectSelection
                                                         : Promise::kNone;
}

Result<ValidationOutcome> run_configuration(const ValidationConfig& config, unsigned threads) {
  const auto start = std::chrono::steady_clock::now();
  auto model = configuration_model(config);
  if (!model) return model.error();
  // Reject a bad procedure spec once, before any thread starts.
  if (auto probe = make_procedure(config.procedure, config.systems); !probe) return probe.error();
  auto outcomes = run_jobs(*model.value(), config, threads);
  if (!outcomes) return outcomes.error();
  ValidationOutcome summary = summarize(*outcomes);
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

Interval wilson_interval_95(std::uint64_t successes, std::uint64_t trials) {
  constexpr double z = 1.959963984540054;  // standard normal quantile at 0.975
  const double n = static_cast<double>(trials);
  const double p = static_cast<double>(successes) / n;
  const double z2n = z * z / n;
  const double centre = (p + z2n / 2) / (1 + z2n);
  const double half = z / (1 + z2n) * std::sqrt(p * (1 - p) / n + z2n / (4 * n));
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

}  // namespace simsel
