// ReplicationStreams: the job seed expansion and the stream/substream arithmetic.
#include "common/rng/replication_streams.h"

#include "common/rng/splitmix64.h"

namespace simsel {
namespace {

// splitmix64 decorrelates nearby job seeds (1, 2, 3...) so their base states share no visible
// structure.
Mrg32k3a::State base_from_seed(std::uint64_t job_seed) {
  Mrg32k3a::State base{};
  std::uint64_t x = job_seed;
  for (int i = 0; i < 6; ++i) {
    const std::uint64_t m = static_cast<std::uint64_t>(i < 3 ? Mrg32k3a::kM1 : Mrg32k3a::kM2);
    base[i] = 1 + splitmix64_next(x) % (m - 1);
  }
  return base;
}

}  // namespace

Mrg32k3a ReplicationCursor::next() {
  const Mrg32k3a current = substream_start_;
  substream_start_.jump_substreams(1);
  ++replication_;
  return current;
}

ReplicationStreams::ReplicationStreams(std::uint64_t job_seed, bool crn)
    : base_(base_from_seed(job_seed)), crn_(crn) {}

Mrg32k3a ReplicationStreams::for_replication(std::uint64_t system, std::uint64_t rep) const {
  Mrg32k3a rng(base_);
  rng.jump_streams(crn_ ? 0 : system);
  rng.jump_substreams(rep);
  return rng;
}

ReplicationCursor ReplicationStreams::cursor(std::uint64_t system, std::uint64_t first_rep) const {
  return ReplicationCursor(for_replication(system, first_rep).state(), first_rep);
}

StreamWalker::StreamWalker(const ReplicationStreams& streams)
    : streams_(streams), stream_start_(streams.base()) {}

ReplicationCursor StreamWalker::cursor(std::uint64_t system, std::uint64_t first_rep) {
  if (!streams_.crn()) {
    if (system < system_) {  // behind the walker: start again from the base
      system_ = 0;
      stream_start_ = Mrg32k3a(streams_.base());
    }
    stream_start_.jump_streams(system - system_);
    system_ = system;
  }
  Mrg32k3a start = stream_start_;
  start.jump_substreams(first_rep);
  return ReplicationCursor(start.state(), first_rep);
}

}  // namespace simsel
