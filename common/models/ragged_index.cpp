// RaggedIndex: prefix sums of the row lengths and a binary search.
#include "common/models/ragged_index.h"

#include <algorithm>
#include <cassert>

namespace simsel {

RaggedIndex::RaggedIndex(const std::vector<std::uint64_t>& row_lengths) {
  row_starts_.reserve(row_lengths.size() + 1);
  row_starts_.push_back(0);
  for (std::uint64_t length : row_lengths) row_starts_.push_back(row_starts_.back() + length);
}

RaggedIndex::Cell RaggedIndex::locate(std::uint64_t index) const {
  assert(index < size());
  // The last row start <= index; empty rows share their start with the next row and are skipped.
  const auto after = std::upper_bound(row_starts_.begin(), row_starts_.end(), index);
  const auto row = static_cast<std::uint64_t>(after - row_starts_.begin() - 1);
  return {row, index - row_starts_[row]};
}

}  // namespace simsel
