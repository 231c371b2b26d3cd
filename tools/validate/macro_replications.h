// Macro-replications of one validation configuration: M independent jobs of one procedure on
// the `normal` model's generated systems (REFERENCE.md 1.1), run in-process, each scored as a
// correct selection or not. Owns the scoring and the PCS interval; not the grid of
// configurations or the table (validate.cpp). Threads are started and joined inside
// run_configuration; the results do not depend on how many there are.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "broker/procedures/procedure.h"
#include "common/util/result.h"

namespace simsel {

struct ValidationConfig {
  ProcedureSpec procedure;          // name, delta, alpha, n0, crn
  std::string means = "slippage";   // "slippage" (SC) or "monotone" (MDM)
  std::string variances = "equal";  // "equal", "increasing" or "decreasing"
  std::uint64_t systems = 10;       // k
  // The normal model's `correlation` rho between systems under CRN; absent: perfectly
  // correlated under CRN (the model's one-uniform replication).
  std::optional<double> correlation;
  std::uint64_t macro_replications = 1000;
  std::uint64_t base_seed = 1;  // macro-replication m runs with job seed base_seed + m
};

// Whether the procedure promises PCS >= 1 - alpha (the row passes when its interval reaches
// it); PASS promises a false-elimination rate instead; fixed-budget procedures nothing.
enum class Promise { kProbabilityOfCorrectSelection, kFalseEliminationRate, kNone };
Promise promise_of(const std::string& procedure);

struct ValidationOutcome {
  std::uint64_t correct = 0;               // correct selections out of macro_replications
  double mean_total_replications = 0;      // consumed by the procedure, per job
  double mean_simulated_replications = 0;  // computed by the runner, per job
  double seconds = 0;                      // wall time of the whole configuration
  // PASS only. Good systems: those whose true mean is the best's (the standard PASS's rising
  // average of survivors' means estimates, once the others are gone). Per job, the fraction of
  // them eliminated; averaged, with its standard error; and the survivors per job.
  double false_elimination_rate = 0;
  double false_elimination_standard_error = 0;
  double mean_survivors = 0;
};

// Runs the configuration's macro-replications on `threads` threads (REQUIRES: threads >= 1).
// A selection is correct when the selected system's true mean is less than delta below the best
// (strictly: in SC and MDM the runner-up sits exactly delta below, and picking it is the error
// the indifference-zone guarantee bounds).
// Returns an Error naming the field if the model or procedure rejects the configuration, or the
// macro-replication if a job fails.
Result<ValidationOutcome> run_configuration(const ValidationConfig& config, unsigned threads);

struct Interval {
  double low = 0;
  double high = 0;
};

// Wilson score interval for a binomial proportion: `successes` of `trials`, at two-sided level
// 95%. REQUIRES: trials >= 1
Interval wilson_interval_95(std::uint64_t successes, std::uint64_t trials);

}  // namespace simsel
