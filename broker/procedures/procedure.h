// Procedure: a ranking-and-selection procedure as pure logic. It says how many replications
// it wants of each system (targets) and advances on the complete prefixes a SampleStore holds.
// No sockets, no threads, no clocks: the same data give the same decisions, whether the
// samples come from a fake sampler in a test, worker threads in-process, or a cluster.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "broker/sampling/sample_store.h"
#include "common/util/result.h"

namespace simsel {

// The job spec's procedure section, already type-checked by the job-spec parser.
struct ProcedureSpec {
  std::string name;       // "rinott", "kn"
  double delta = 0.1;     // indifference zone
  double alpha = 0.05;    // 1 - alpha = required probability of correct selection
  std::uint32_t n0 = 20;  // first-stage replications per system
  bool crn = false;       // common random numbers across systems
  bool maximize = true;   // larger mean is better
  nlohmann::json params = nlohmann::json::object();  // procedure-specific parameters
};

struct SystemEstimate {
  std::uint64_t system = 0;
  double mean = 0;
  double stddev = 0;
  std::uint64_t replications = 0;
};

struct ProcedureProgress {
  std::string stage;                    // e.g. "first stage", "screening", "second stage", "done"
  std::uint64_t round = 0;              // round within the stage (1-based), 0 when it has none
  std::uint64_t rounds = 0;             // the most rounds the stage can take, 0 when unbounded
  std::uint64_t survivors = 0;          // systems still in contention
  std::uint64_t replications = 0;       // outputs consumed so far (summed over systems)
  std::vector<SystemEstimate> leaders;  // best few survivors by current mean
};

struct Selection {
  SystemEstimate best;
  std::uint64_t total_replications = 0;  // outputs the procedure consumed (deterministic)
  std::string guarantee;                 // the statement, in words
};

class Procedure {
 public:
  virtual ~Procedure() = default;

  // Wanted replications per system: the procedure wants outputs 0..targets()[i]-1 of
  // system i. Targets rise as stages need more; a system the procedure is done with (for
  // example eliminated) drops to the outputs it used, so nothing more is handed out for it.
  virtual std::span<const std::uint64_t> targets() const = 0;

  // Consumes whatever complete prefixes allow; may raise targets, release memory, finish.
  virtual void advance(SampleStore& store) = 0;

  virtual bool finished() const = 0;

  // REQUIRES: finished()
  virtual Selection selection() const = 0;

  virtual ProcedureProgress progress() const = 0;

  // Outputs consumed so far, summed over systems: progress().replications without the cost of
  // the rest of progress() (its leaders are O(systems in contention)).
  virtual std::uint64_t replications_consumed() const = 0;

  // The current estimate of one system from the outputs consumed so far (for per-system
  // results). REQUIRES: system < the system count the procedure was built for
  virtual SystemEstimate estimate(std::uint64_t system) const = 0;

  // A fixed-budget procedure's budget raised to `budget` while it runs (a user's EXTEND): the
  // rest of the run spends the larger budget. Errors: the procedure has no budget, or `budget`
  // does not exceed the current one.
  virtual Status extend_budget(std::uint64_t budget) {
    (void)budget;
    return make_error("this procedure has no budget to extend");
  }
};

// Builds a procedure for `system_count` systems. Errors name the field path
// ("procedure.params.foo: unknown parameter", "delta: must be > 0").
Result<std::unique_ptr<Procedure>> make_procedure(const ProcedureSpec& spec,
                                                  std::uint64_t system_count);

// Names of the registered procedures, for validation messages and docs.
std::vector<std::string> procedure_names();

}  // namespace simsel
