// NsgsProcedure: Nelson, Swann, Goldsman and Song's (2001) screen-then-select procedure. After
// n0 outputs of every system, a subset-selection screen keeps system i only if
//   Xbar_i >= Xbar_j - max(0, W_ij - delta)  for every j,  W_ij = t sqrt((S_i^2 + S_j^2) / n0),
// t the (1 - alpha/2)^(1/(k-1)) quantile of Student's t with n0 - 1 degrees of freedom; then
// Rinott's second stage at confidence 1 - alpha/2 (h for all k systems) runs on the survivors
// only. Valid for independent normal outputs with unequal variances; with CRN it stays valid for
// positively correlated outputs (Nelson and Matejcik 1995) and is conservative.
// State per system: one accumulator and one target (32 bytes), so 10^6 systems are fine.
// Not thread-safe: driven by one thread, like every Procedure.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "broker/procedures/estimates.h"
#include "broker/procedures/per_system_procedure.h"
#include "common/stats/welford.h"

namespace simsel {

struct NsgsConstants {
  double t = 0;  // screening quantile, for alpha/2
  double h = 0;  // Rinott's constant for the second stage, for alpha/2 and all k systems
};

// Returns an Error when Rinott's h cannot be computed for these settings.
// REQUIRES: systems >= 2, 0 < alpha < 1, n0 >= 2
Result<NsgsConstants> nsgs_constants(std::uint64_t systems, double alpha, std::uint32_t n0);

class NsgsProcedure final : public PerSystemProcedure {
 public:
  // REQUIRES: spec validated by make_procedure; constants = nsgs_constants(system_count, ...)
  NsgsProcedure(const ProcedureSpec& spec, std::uint64_t system_count,
                const NsgsConstants& constants);

  // Targets: n0 for everyone; after the screen N_i = max(n0, ceil((h S_i / delta)^2)) for survivors
  // while the screened-out stay at n0.
  void advance(SampleStore& store) override;
  bool finished() const override { return stage_ == Stage::kDone; }
  Selection selection() const override;
  ProcedureProgress progress() const override;

 private:
  // kFirstStage: some system has fewer than n0 outputs. kSecondStage: screened; survivors have
  // their N_i, some not reached yet. kDone.
  enum class Stage { kFirstStage, kSecondStage, kDone };

  void screen_and_start_second_stage();
  void finish();

  ProcedureSpec spec_;
  NsgsConstants constants_;
  Stage stage_ = Stage::kFirstStage;
  std::vector<std::uint64_t> survivors_;  // by increasing index, once screened
  SystemEstimate best_;                   // set on kDone
};

}  // namespace simsel
