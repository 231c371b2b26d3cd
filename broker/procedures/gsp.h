// GspProcedure: the Good Selection Procedure of Ni, Ciocan, Henderson and Hunter (2017), built
// for many systems and many workers. Stage 0: n0 outputs of every system, only to time them (the
// broker sizes tasks from measured run times), not used in any decision (progress shows their
// means until stage 1 starts). Stage 1: n1 outputs of every system, sample variances S_i^2 and
// batch sizes b_i = ceil(beta S_i / mean S). Screening: after stage 1 and after each of at most
// r_bar rounds of b_i more outputs per survivor, every survivor trailing another by more than
// its pairwise threshold is eliminated (gsp_screen.h).
// Rinott stage: the survivors are topped up to max(n_i, ceil((h S_i / delta)^2)) outputs, and
// the best mean wins. P(select within delta of the best) >= 1 - alpha1 - alpha2 for independent
// normal outputs. Every stage hands out a whole wave of work at once and decides only on complete
// prefixes, so the answer does not depend on the workers. Memory O(k). Not thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "broker/procedures/estimates.h"
#include "broker/procedures/per_system_procedure.h"
#include "common/stats/welford.h"

namespace simsel {

struct GspSettings {
  std::uint32_t n1 = 50;     // stage-1 outputs per system (n1 - 1 degrees of freedom)
  std::uint32_t r_bar = 10;  // screening rounds after stage 1, at most
  double beta = 100;         // average batch size of a screening round
  double alpha1 = 0.025;     // error spent on screening
  double alpha2 = 0.025;     // error spent on the Rinott stage
  double eta = 0;            // gsp_eta(k, alpha1, n1)
  double h = 0;              // rinott_h(k, 1 - alpha2, n1 - 1)
};

class GspProcedure final : public PerSystemProcedure {
 public:
  // REQUIRES: spec and settings validated by make_procedure (n1 >= 2, r_bar >= 1, beta > 0),
  //           system_count >= 2, settings.eta and settings.h computed for system_count
  GspProcedure(const ProcedureSpec& spec, std::uint64_t system_count, const GspSettings& settings);

  void advance(SampleStore& store) override;
  bool finished() const override { return stage_ == Stage::kDone; }
  Selection selection() const override;
  ProcedureProgress progress() const override;

 private:
  // kStageZero: waiting for n0 outputs of every system. kStageOne: for n1 more. kScreening:
  // for round_'s batch of every survivor. kRinott: for the survivors' Rinott sizes. kDone.
  enum class Stage { kStageZero, kStageOne, kScreening, kRinott, kDone };

  void finish_stage(SampleStore& store);
  void start_stage_one();
  void end_stage_one();
  void screen(SampleStore& store);
  void start_round();
  void start_rinott_stage();
  void select_best();
  std::string stage_name() const;

  ProcedureSpec spec_;
  GspSettings settings_;
  Stage stage_ = Stage::kStageZero;
  std::uint64_t round_ = 0;                  // screening rounds sampled so far
  std::vector<double> stage_one_variances_;  // S_i^2, fixed after stage 1
  std::vector<std::uint64_t> batches_;       // b_i
  std::vector<std::uint32_t> survivors_;     // increasing; every system until stage 1 ends
  SystemEstimate best_;                      // set on kDone
};

}  // namespace simsel
