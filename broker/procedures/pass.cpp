// See pass.h. The standard is summed over the survivors in index order and, within one pass of
// the test, every survivor is tested against the same standard, so the eliminations are a
// function of the outputs alone.
#include "broker/procedures/pass.h"

#include <cmath>
#include <numeric>
#include <sstream>
#include <string>

#include "broker/procedures/estimates.h"
#include "broker/procedures/procedure_catalog.h"

namespace simsel {

PassProcedure::PassProcedure(const ProcedureSpec& spec, std::uint64_t system_count, double c,
                             std::uint64_t batch, std::uint64_t n_max)
    : PerSystemProcedure(system_count, spec.n0),
      maximize_(spec.maximize),
      c_(c),
      batch_(batch),
      n_max_(n_max),
      n0_(spec.n0),
      variances_(system_count, 0.0),
      survivors_(system_count) {
  std::iota(survivors_.begin(), survivors_.end(), std::uint64_t{0});
}

bool PassProcedure::eliminated(double gap, double n, double s2, double c) {
  if (s2 <= 0) return gap > 0;  // no noise: worse than the standard is worse
  const double t = n / s2;
  return -gap * t <= -std::sqrt((c + std::log(t + 1)) * (t + 1));
}

void PassProcedure::advance(SampleStore& store) {
  if (done_) return;
  fold_new_outputs(store);
  if (all_targets_met()) end_sweep();
}

void PassProcedure::end_sweep() {
  if (sweep_ == 0)
    for (std::uint64_t system = 0; system < variances_.size(); ++system)
      variances_[system] = outputs_[system].variance();
  // Eliminating the worst raises the standard, which may condemn more: test again until no one
  // falls (PASS tests each survivor against the standard of the survivors at that moment).
  for (;;) {
    double sum = 0;
    for (std::uint64_t system : survivors_) sum += outputs_[system].mean;
    standard_ = sum / static_cast<double>(survivors_.size());
    std::vector<std::uint64_t> kept;
    for (std::uint64_t system : survivors_) {
      const double gap = maximize_ ? standard_ - outputs_[system].mean
                                   : outputs_[system].mean - standard_;
      if (!eliminated(gap, static_cast<double>(outputs_[system].count), variances_[system], c_))
        kept.push_back(system);
    }
    // Not all survivors can lie below their own average; the guard holds whatever rounding does.
    if (kept.empty() || kept.size() == survivors_.size()) break;
    survivors_ = std::move(kept);
  }
  ++sweep_;
  const std::uint64_t have = outputs_[survivors_.front()].count;
  if (survivors_.size() == 1 || have >= n_max_) {
    best_ = best_among(survivors_, outputs_, maximize_);
    done_ = true;
    return;
  }
  const std::uint64_t next = std::min(n_max_, have + batch_);
  for (std::uint64_t system : survivors_) set_target(system, next);
}

Selection PassProcedure::selection() const {
  double sum = 0;
  for (std::uint64_t system : survivors_) sum += outputs_[system].mean;
  std::ostringstream average;
  average << sum / static_cast<double>(survivors_.size());
  return {best_, replications_consumed_,
          "PASS controls the expected false-elimination rate, not the probability of correct "
          "selection: " +
              std::to_string(survivors_.size()) + " survivor" +
              (survivors_.size() == 1 ? "" : "s") + " (their means average " +
              average.str() +
              "); the selected one has the best sample mean"};
}

ProcedureProgress PassProcedure::progress() const {
  ProcedureProgress progress;
  progress.stage = done_ ? "done" : sweep_ == 0 ? "first stage" : "sweeps";
  progress.round = done_ ? 0 : sweep_;
  progress.rounds = (n_max_ - n0_ + batch_ - 1) / batch_;
  progress.survivors = survivors_.size();
  progress.replications = replications_consumed_;
  progress.leaders = leaders_among(survivors_, outputs_, maximize_, kLeaderCount);
  return progress;
}

namespace {

Result<std::unique_ptr<Procedure>> make_pass(const ProcedureSpec& spec,
                                             std::uint64_t system_count) {
  const auto n_max = spec.params["n_max"].get<std::uint64_t>();
  if (n_max < spec.n0)
    return make_error("params.n_max: must be >= n0 (= " + std::to_string(spec.n0) + ")");
  return std::unique_ptr<Procedure>(std::make_unique<PassProcedure>(
      spec, system_count, spec.params["c"].get<double>(),
      spec.params["batch"].get<std::uint64_t>(), n_max));
}

}  // namespace

const ProcedureDescription& pass_description() {
  static const ProcedureDescription description{
      "pass",
      "parallel adaptive survivor selection (Pei, Nelson and Hunter 2024): survivors sampled in "
      "batches, eliminated against the average of the survivors' means",
      false,
      "the expected false-elimination rate (about 5% at c = 8.6 with n0 = 10), not a "
      "probability of correct selection; delta and alpha are not used",
      2,
      {{"c",
        {{"type", "number"},
         {"exclusiveMinimum", 0},
         {"maximum", 1000},
         {"default", PassProcedure::kDefaultC},
         {"help", "boundary constant: larger eliminates more cautiously"}}},
       {"batch",
        {{"type", "integer"},
         {"minimum", 1},
         {"maximum", 1'000'000},
         {"default", PassProcedure::kDefaultBatch},
         {"help", "outputs per survivor per sweep (PyPRS's Delta)"}}},
       {"n_max",
        {{"type", "integer"},
         {"minimum", 2},
         {"maximum", 1e12},
         {"default", PassProcedure::kDefaultMaxReplications},
         {"help", "stop once the survivors have this many outputs each, n0 included"}}}},
      make_pass};
  return description;
}

}  // namespace simsel
