// RaggedIndex: numbers the cells of rows of unequal length 0..size()-1, row by row, and maps a
// number back to its (row, column) by binary search over the row starts. Lets a generator
// enumerate millions of systems from a table as small as its row count. Immutable; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

namespace simsel {

class RaggedIndex {
 public:
  struct Cell {
    std::uint64_t row;
    std::uint64_t column;
  };

  explicit RaggedIndex(const std::vector<std::uint64_t>& row_lengths);

  std::uint64_t size() const { return row_starts_.back(); }

  // REQUIRES: index < size()
  Cell locate(std::uint64_t index) const;

 private:
  std::vector<std::uint64_t> row_starts_;  // row_starts_[r] = cells before row r; back() = size
};

}  // namespace simsel
