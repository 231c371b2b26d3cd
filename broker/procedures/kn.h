// KnProcedure: Kim and Nelson's (2001) fully sequential selection with c = 1. After n0 outputs
// of every system it estimates each pairwise S_il^2; at each stage r >= n0 it drops a survivor
// trailing another by more than W_il(r), and takes one more output of each survivor, until one
// is left or stage N = max floor(h^2 S_il^2 / delta^2) + 1. Valid for normal outputs, CRN or not.
// Memory O(k^2), hence at most kMaxSystems systems. Not thread-safe: driven by one thread.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "broker/procedures/estimates.h"
#include "broker/procedures/procedure.h"
#include "broker/procedures/rinott_constant.h"
#include "common/stats/welford.h"

namespace simsel {

class KnProcedure final : public Procedure {
 public:
  // 4096 systems: 64 MiB of pairwise values, computed once in about 0.15 s. A stage with S
  // survivors costs up to O(S^2): about 50 ms at S = 4000 in the slippage configuration.
  static constexpr std::uint64_t kMaxSystems = 4096;

  // REQUIRES: spec validated by make_procedure, 2 <= system_count <= kMaxSystems
  KnProcedure(const ProcedureSpec& spec, std::uint64_t system_count);

  // First stage: n0 for everyone. Then survivors want outputs up to the last stage N;
  // an eliminated system's target drops to what it has consumed (so the sampler stops).
  std::span<const std::uint64_t> targets() const override { return targets_; }
  void advance(SampleStore& store) override;
  bool finished() const override { return stage_ == Stage::kDone; }
  Selection selection() const override;
  ProcedureProgress progress() const override;
  SystemEstimate estimate(std::uint64_t system) const override {
    return estimate_of(system, outputs_[system]);
  }

 private:
  // kFirstStage: waiting for n0 outputs of every system. kScreening: stage r = outputs
  // consumed per survivor; a stage is screened once every survivor has its r-th output. kDone.
  enum class Stage { kFirstStage, kScreening, kDone };

  void fold_first_stage(const SampleStore& store);
  void start_screening(SampleStore& store);
  void compute_pair_thresholds(const SampleStore& store);
  void run_ready_stages(SampleStore& store);
  bool survivors_have(const SampleStore& store, std::uint64_t outputs) const;
  void screen(SampleStore& store);
  void finish_if_decided();
  std::uint64_t pair_index(std::uint64_t i, std::uint64_t l) const;

  ProcedureSpec spec_;
  KnConstants constants_;
  Stage stage_ = Stage::kFirstStage;
  std::uint64_t stage_r_;         // outputs consumed by each survivor
  std::uint64_t last_stage_ = 0;  // N, known once screening starts
  std::uint64_t systems_short_of_first_stage_;
  std::vector<std::uint64_t> targets_;
  std::vector<WelfordAccumulator> outputs_;  // outputs consumed, in replication order
  // h^2 S_il^2 / delta for i < l, so that W_il(r) = max(0, threshold - r delta) / (2r).
  std::vector<double> pair_thresholds_;
  std::vector<double> smallest_thresholds_;  // per system, over all its pairs: bounds W below
  std::vector<std::uint32_t> survivors_;     // increasing system index
  std::uint64_t replications_consumed_ = 0;
  SystemEstimate best_;  // set on kDone
};

}  // namespace simsel
