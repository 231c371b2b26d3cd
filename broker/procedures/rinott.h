// RinottProcedure: Rinott's (1978) two-stage indifference-zone selection. Every system first
// gets n0 outputs; its first-stage variance S_i^2 then fixes its total
// N_i = max(n0, ceil((h S_i / delta)^2)); the best sample mean over the N_i outputs is selected.
// Valid for independent normal outputs with unknown, unequal variances; CRN is not used.
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

class RinottProcedure final : public PerSystemProcedure {
 public:
  // REQUIRES: spec and system_count validated by make_procedure;
  //           h = rinott_h(system_count, 1 - spec.alpha, spec.n0 - 1)
  RinottProcedure(const ProcedureSpec& spec, std::uint64_t system_count, double h);

  void advance(SampleStore& store) override;
  bool finished() const override { return stage_ == Stage::kDone; }
  Selection selection() const override;
  ProcedureProgress progress() const override;

 private:
  std::string stage_name() const;

  // kFirstStage: some system has fewer than n0 outputs (the ones that have n0 already have
  // their N_i and go on). kSecondStage: every N_i is known, some not yet reached. kDone.
  enum class Stage { kFirstStage, kSecondStage, kDone };

  std::uint64_t total_sample_size(double first_stage_variance) const;
  void update_stage();

  ProcedureSpec spec_;
  double h_;
  Stage stage_ = Stage::kFirstStage;
  std::uint64_t systems_in_first_stage_;  // systems with fewer than n0 outputs consumed
  SystemEstimate best_;                   // set on kDone
};

}  // namespace simsel
