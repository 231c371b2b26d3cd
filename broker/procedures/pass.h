// PassProcedure: parallel adaptive survivor selection (Pei, Nelson and Hunter, Operations
// Research 72(1), 2024), in deterministic sweeps. Every system takes n0 outputs, which fix its
// variance estimate S_i^2 (divisor n0 - 1) for good. Then, after the first stage and after each
// sweep (every survivor batch more outputs, at most n_max in all), the standard is the plain
// average of the survivors' sample means, and survivor i, with t = n_i / S_i^2, is eliminated
// when (mean_i - standard) t <= -sqrt((c + ln(t + 1)) (t + 1)) (for maximization; mirrored for
// minimization; S_i^2 = 0: eliminated when its mean is worse than the standard); the test is
// repeated with the standard of those left until no one falls. It stops when
// one survivor remains or the survivors have n_max outputs, and selects the survivor with the
// best sample mean. What it controls is the expected false-elimination rate (c = 8.6 is
// calibrated for about 5% with 10 first-stage outputs), not a probability of correct
// selection: the selection states that. delta and alpha are unused. PyPRS runs PASS
// asynchronously, each batch checked against whatever standard it meets; here the standard and
// the eliminations move only at sweep boundaries, so the answer does not depend on timing or on
// the number of workers. Memory: an accumulator, a target and S_i^2 per system. Not
// thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "broker/procedures/per_system_procedure.h"

namespace simsel {

class PassProcedure final : public PerSystemProcedure {
 public:
  static constexpr double kDefaultC = 8.6;
  static constexpr std::uint64_t kDefaultBatch = 100;
  static constexpr std::uint64_t kDefaultMaxReplications = 2000;  // PyPRS's termination size

  // REQUIRES: spec validated by make_procedure (n0 >= 2), c > 0, batch >= 1, n_max >= n0
  PassProcedure(const ProcedureSpec& spec, std::uint64_t system_count, double c,
                std::uint64_t batch, std::uint64_t n_max);

  // The elimination test: a survivor whose sample mean lies `gap` below the standard (gap > 0
  // worse), with n outputs and variance estimate s2, is eliminated.
  static bool eliminated(double gap, double n, double s2, double c);

  void advance(SampleStore& store) override;
  bool finished() const override { return done_; }
  // The systems not eliminated (all of them before the first check), in index order.
  const std::vector<std::uint64_t>& survivors() const { return survivors_; }
  Selection selection() const override;
  ProcedureProgress progress() const override;

 private:
  void end_sweep();

  bool maximize_;
  double c_;
  std::uint64_t batch_;
  std::uint64_t n_max_;
  std::uint32_t n0_;
  std::vector<double> variances_;      // S_i^2 from the first n0 outputs
  std::vector<std::uint64_t> survivors_;  // in index order
  std::uint64_t sweep_ = 0;            // 0: the first stage
  double standard_ = 0;                // at the last sweep boundary
  bool done_ = false;
  SystemEstimate best_;
};

}  // namespace simsel
