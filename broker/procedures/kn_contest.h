// KnContest: one run of Kim and Nelson's (2001) fully sequential screening (c = 1) among a set of
// member systems, reading each member's outputs from replication `first_rep` on. After n0
// outputs of every member it estimates each pairwise S_il^2 (paired differences, so CRN helps);
// at each stage r >= n0 it drops a survivor trailing another by more than W_il(r) and takes one
// more output of each survivor, until one is left or stage N = max floor(h^2 S_il^2 / delta^2)+1.
// The building block of `kn` (one contest over every system) and `kt` (many small contests).
// Memory O(members^2). Not thread-safe: driven by one thread, like every Procedure.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "broker/procedures/procedure.h"
#include "broker/procedures/rinott_constant.h"
#include "broker/sampling/sample_store.h"
#include "common/stats/welford.h"

namespace simsel {

struct KnSettings {
  double delta = 0.1;
  std::uint32_t n0 = 20;
  bool maximize = true;
  KnConstants constants;  // from kn_constants(members, alpha, n0)
};

class KnContest {
 public:
  // REQUIRES: members.size() >= 2, members distinct, settings.n0 >= 2; the store holds (or will
  // hold) every member's outputs from first_rep on (released(member) <= first_rep).
  KnContest(std::vector<std::uint32_t> members, std::uint64_t first_rep,
            const KnSettings& settings);

  // Consumes whatever complete prefixes allow and releases what it has read. Writes the members'
  // targets (first_rep + outputs wanted) into `targets` and their running estimates (outputs of
  // this contest only) into `outputs`, both indexed by system. Returns the outputs consumed.
  std::uint64_t advance(SampleStore& store, std::span<std::uint64_t> targets,
                        std::span<WelfordAccumulator> outputs);

  bool decided() const { return stage_ == Stage::kDone; }
  // REQUIRES: decided()
  std::uint32_t winner() const { return members_[survivors_.front()]; }
  // Members still in contention (all of them during the first stage), by increasing position.
  std::uint64_t survivor_count() const { return survivors_.size(); }
  template <class Visit>
  void for_each_survivor(Visit visit) const {
    for (std::uint32_t position : survivors_) visit(members_[position]);
  }
  // The replication after the last one this contest consumed of its winner: the next contest of
  // the winner starts there. REQUIRES: decided()
  std::uint64_t next_rep() const { return first_rep_ + stage_r_; }
  const std::vector<std::uint32_t>& members() const { return members_; }
  bool in_first_stage() const { return stage_ == Stage::kFirstStage; }

 private:
  // kFirstStage: waiting for n0 outputs of every member. kScreening: stage r = outputs consumed
  // per survivor; a stage is screened once every survivor has its r-th output. kDone.
  enum class Stage { kFirstStage, kScreening, kDone };
  // Stages of outputs survivors want beyond the one being screened, at least.
  static constexpr std::uint64_t kMinimumLookahead = 8;

  std::uint64_t fold_first_stage(const SampleStore& store, std::span<WelfordAccumulator> outputs);
  void start_screening(SampleStore& store, std::span<std::uint64_t> targets,
                       std::span<const WelfordAccumulator> outputs);
  void compute_pair_thresholds(const SampleStore& store,
                               std::span<const WelfordAccumulator> outputs);
  std::uint64_t run_ready_stages(SampleStore& store, std::span<std::uint64_t> targets,
                                 std::span<WelfordAccumulator> outputs);
  bool survivors_have(const SampleStore& store, std::uint64_t outputs) const;
  void screen(SampleStore& store, std::span<std::uint64_t> targets,
              std::span<const WelfordAccumulator> outputs);
  void finish_if_decided(SampleStore& store, std::span<std::uint64_t> targets,
                         std::span<const WelfordAccumulator> outputs);
  void raise_survivor_targets(std::span<std::uint64_t> targets) const;
  std::uint64_t pair_index(std::uint64_t a, std::uint64_t b) const;
  std::uint64_t rep(std::uint64_t output) const { return first_rep_ + output; }

  std::vector<std::uint32_t> members_;  // system indices; positions index everything below
  std::uint64_t first_rep_;
  KnSettings settings_;
  Stage stage_ = Stage::kFirstStage;
  std::uint64_t stage_r_;         // outputs consumed by each survivor
  std::uint64_t last_stage_ = 0;  // N, known once screening starts
  std::uint64_t members_short_of_first_stage_;
  // h^2 S_il^2 / delta for positions a < b, so that W_ab(r) = max(0, threshold - r delta) / (2r).
  std::vector<double> pair_thresholds_;
  std::vector<double> smallest_thresholds_;  // per position, over its pairs: bounds W below
  std::vector<std::uint32_t> survivors_;     // positions, increasing
  // Scratch of screen(), kept between stages so that screening allocates nothing: a 10^6-system
  // KT job screens some 3 million stages.
  std::vector<double> scores_;
  std::vector<std::uint32_t> kept_;
};

}  // namespace simsel
