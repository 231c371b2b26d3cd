// SampleStore: the replication outputs of one job, per system, filled in any order and read
// as complete prefixes. It is what makes procedures deterministic: a procedure only ever
// reads outputs 0..contiguous(i)-1 of system i, whatever order workers returned them in.
// Not thread-safe: owned by one job, touched by one thread (the broker loop or a test).
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace simsel {

class SampleStore {
 public:
  explicit SampleStore(std::uint64_t system_count);

  std::uint64_t system_count() const { return lanes_.size(); }

  // Records output `value` of replication `rep` of `system`. Returns false (and stores
  // nothing) for a duplicate or an already released replication: re-sent results are harmless.
  // Also false for a NaN value, which would read as "missing": the caller must reject those.
  bool put(std::uint64_t system, std::uint64_t rep, double value);

  // Outputs 0..contiguous(system)-1 are all present (or were released).
  std::uint64_t contiguous(std::uint64_t system) const { return lanes_[system].contiguous; }

  // REQUIRES: released(system) <= rep < contiguous(system)
  double at(std::uint64_t system, std::uint64_t rep) const;

  // The procedure will not read replications below `upto` again: their memory may be freed,
  // in bulk once that is cheap (released() says how far it has been).
  // REQUIRES: upto <= contiguous(system)
  void release(std::uint64_t system, std::uint64_t upto);
  std::uint64_t released(std::uint64_t system) const { return lanes_[system].base; }

  // The procedure will never read replications below `rep`, not even ones that have not arrived
  // (a KT match starts a system's outputs where its opponents' start, for CRN): drops them and,
  // if some had not arrived, notes the system so the sampling plan stops issuing them.
  // REQUIRES: rep >= released(system)
  void skip_to(std::uint64_t system, std::uint64_t rep);

  // The systems skipped past outputs not yet arrived since the last call, in call order.
  std::vector<std::uint64_t> take_skipped() { return std::exchange(skipped_, {}); }

  // The systems whose complete prefix grew since the last call, each once, in the order they
  // first grew. Lets a procedure look only at the systems or parts with new outputs (KT's
  // matches, PerSystemProcedure's folding) instead of all of them: O(new outputs), not
  // O(systems), per advance. Each growth is reported once, so a store has one caller: the
  // job's procedure.
  std::vector<std::uint64_t> take_grown();

 private:
  struct Lane {
    std::uint64_t base = 0;        // replication index of values[0]
    std::uint64_t contiguous = 0;  // first missing replication
    std::vector<double> values;    // NaN marks "not yet arrived"
  };
  void extend_contiguous(std::uint64_t system);

  std::vector<Lane> lanes_;
  std::vector<std::uint64_t> skipped_;
  std::vector<std::uint64_t> grown_;
  std::vector<bool> in_grown_;  // per system: listed in grown_
};

}  // namespace simsel
