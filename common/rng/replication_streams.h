// ReplicationStreams: which random numbers replication r of system i draws, for one job.
// This mapping is the determinism promise: replication r of system i always draws the same
// numbers, whichever worker, thread or task runs it, and in whatever order.
//
//   base        = six values expanded from job_seed by splitmix64, each mapped into [1, m)
//                 of its component (so never an all-zero component)
//   stream(i)   = base jumped (crn ? 0 : i) streams          (2^127 steps each)
//   start(i, r) = stream(i) jumped r substreams                (2^76 steps each)
//
// Replication r of system i draws its uniforms, in order, from Mrg32k3a(start(i, r)).
// With crn, every system's replication r starts from the same state (common random numbers).
// A substream holds 2^76 uniforms and a stream 2^51 substreams, far beyond any replication.
// Immutable after construction: safe to share between threads. Cursors are per thread.
#pragma once

#include <cstdint>

#include "common/rng/mrg32k3a.h"

namespace simsel {

class StreamWalker;

// Steps through consecutive replications of one system: the stream start is computed once,
// then each replication costs one substream jump (a matrix-vector product per component).
class ReplicationCursor {
 public:
  // The generator for replication(), then moves on to replication() + 1.
  Mrg32k3a next();

  // The replication the next call to next() returns.
  std::uint64_t replication() const { return replication_; }

 private:
  friend class ReplicationStreams;
  friend class StreamWalker;
  ReplicationCursor(const Mrg32k3a::State& start, std::uint64_t replication)
      : substream_start_(start), replication_(replication) {}

  Mrg32k3a substream_start_;
  std::uint64_t replication_;
};

class ReplicationStreams {
 public:
  ReplicationStreams(std::uint64_t job_seed, bool crn);

  // The generator positioned at start(system, rep).
  Mrg32k3a for_replication(std::uint64_t system, std::uint64_t rep) const;

  // A cursor whose first next() returns for_replication(system, first_rep).
  ReplicationCursor cursor(std::uint64_t system, std::uint64_t first_rep) const;

  bool crn() const { return crn_; }
  const Mrg32k3a::State& base() const { return base_; }

 private:
  Mrg32k3a::State base_;
  bool crn_;
};

// Hands out cursors for the entries of tasks, as ReplicationStreams::cursor does, but keeps the
// last stream start: moving from system i to system j >= i jumps j - i streams (one product
// per set bit of j - i) instead of j from the base (one per set bit of j, about 10 for a system
// index near 10^6). The sampling plan lists a task's systems in increasing order, so the jump is
// usually one stream (docs/BENCHMARKS.md has the effect on whole jobs). Same states as cursor(), so
// the determinism promise is untouched. One per thread; `streams` must outlive it.
class StreamWalker {
 public:
  explicit StreamWalker(const ReplicationStreams& streams);

  ReplicationCursor cursor(std::uint64_t system, std::uint64_t first_rep);

 private:
  const ReplicationStreams& streams_;
  std::uint64_t system_ = 0;
  Mrg32k3a stream_start_;  // stream(system_)
};

}  // namespace simsel
