// KnProcedure: Kim and Nelson's (2001) fully sequential selection with c = 1, as one KnContest
// over every system: n0 outputs of each, pairwise S_il^2, then one more output of each survivor
// per stage, eliminating a survivor as soon as it trails another by more than W_il(r). Valid for
// normal outputs, CRN or not (with CRN the paired variances are smaller, so it stops sooner).
// Memory O(k^2), hence at most kMaxSystems systems (use kt beyond). Not thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "broker/procedures/estimates.h"
#include "broker/procedures/kn_contest.h"
#include "broker/procedures/per_system_procedure.h"
#include "common/stats/welford.h"

namespace simsel {

class KnProcedure final : public PerSystemProcedure {
 public:
  // 4096 systems: 64 MiB of pairwise values, computed once in about 0.15 s. A stage with S
  // survivors costs up to O(S^2): about 50 ms at S = 4000 in the slippage configuration.
  static constexpr std::uint64_t kMaxSystems = 4096;

  // REQUIRES: spec validated by make_procedure, 2 <= system_count <= kMaxSystems
  KnProcedure(const ProcedureSpec& spec, std::uint64_t system_count);

  // Targets: n0 for everyone in the first stage. Then survivors want outputs a window of stages
  // ahead of the stage being screened (never beyond the last stage N); an eliminated system's
  // target drops to what it has consumed (so the sampler stops).
  void advance(SampleStore& store) override;
  bool finished() const override { return contest_.decided(); }
  Selection selection() const override;
  ProcedureProgress progress() const override;

 private:
  ProcedureSpec spec_;
  KnContest contest_;
};

}  // namespace simsel
