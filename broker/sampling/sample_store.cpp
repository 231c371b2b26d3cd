// See sample_store.h. A lane keeps the outputs from `base` on in one vector; NaN fills the holes
// left by outputs that arrived ahead of an earlier one. Releasing erases from the front only
// once the released prefix is at least as long as what would have to move behind it, so each
// output is moved at most about once: a procedure that releases one output per stage while many
// later ones wait (KN, with a deep sampler) still pays O(1) per output, not O(window).
#include "broker/sampling/sample_store.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace simsel {
namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();
// A lane that grows starts with room for this many outputs (tasks of a cheap model bring a
// system's outputs 16 at a time, see Job::entry_depth) instead of reallocating at 1, 2, 4, 8 and
// 16: with a million lanes, those small allocations were a tenth of the broker's time.
constexpr std::size_t kFirstCapacity = 16;

}  // namespace

SampleStore::SampleStore(std::uint64_t system_count)
    : lanes_(system_count), in_grown_(system_count, false) {}

bool SampleStore::put(std::uint64_t system, std::uint64_t rep, double value) {
  Lane& lane = lanes_[system];
  if (rep < lane.contiguous || std::isnan(value)) return false;
  const std::uint64_t offset = rep - lane.base;
  if (offset >= lane.values.size()) {
    if (offset >= lane.values.capacity()) {
      lane.values.reserve(
          std::max<std::size_t>({offset + 1, 2 * lane.values.capacity(), kFirstCapacity}));
    }
    lane.values.resize(offset + 1, kMissing);
  }
  if (!std::isnan(lane.values[offset])) return false;
  lane.values[offset] = value;
  extend_contiguous(system);
  return true;
}

void SampleStore::extend_contiguous(std::uint64_t system) {
  Lane& lane = lanes_[system];
  const std::uint64_t before = lane.contiguous;
  while (lane.contiguous - lane.base < lane.values.size() &&
         !std::isnan(lane.values[lane.contiguous - lane.base])) {
    ++lane.contiguous;
  }
  if (lane.contiguous != before && !in_grown_[system]) {
    in_grown_[system] = true;
    grown_.push_back(system);
  }
}

std::vector<std::uint64_t> SampleStore::take_grown() {
  for (std::uint64_t system : grown_) in_grown_[system] = false;
  return std::exchange(grown_, {});
}

double SampleStore::at(std::uint64_t system, std::uint64_t rep) const {
  const Lane& lane = lanes_[system];
  assert(rep >= lane.base && rep < lane.contiguous);
  return lane.values[rep - lane.base];
}

void SampleStore::release(std::uint64_t system, std::uint64_t upto) {
  Lane& lane = lanes_[system];
  assert(upto <= lane.contiguous);
  if (upto <= lane.base) return;
  const std::uint64_t freed = upto - lane.base;
  if (2 * freed < lane.values.size()) return;
  lane.values.erase(lane.values.begin(), lane.values.begin() + static_cast<std::ptrdiff_t>(freed));
  lane.base = upto;
  // Give back capacity once live outputs fill a quarter of it or less, so a million lanes do not
  // keep their first-stage peak; copying at most a quarter keeps the shrink amortized cheap.
  if (lane.values.size() * 4 <= lane.values.capacity()) lane.values.shrink_to_fit();
}

void SampleStore::skip_to(std::uint64_t system, std::uint64_t rep) {
  Lane& lane = lanes_[system];
  assert(rep >= lane.base);
  if (rep <= lane.contiguous) {
    release(system, rep);
    return;
  }
  // Outputs that arrived ahead of a hole below `rep` are dropped with the hole.
  const std::uint64_t dropped = std::min<std::uint64_t>(rep - lane.base, lane.values.size());
  lane.values.erase(lane.values.begin(),
                    lane.values.begin() + static_cast<std::ptrdiff_t>(dropped));
  lane.base = rep;
  lane.contiguous = rep;
  extend_contiguous(system);
  skipped_.push_back(system);
}

}  // namespace simsel
