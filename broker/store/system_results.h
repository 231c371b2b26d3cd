// SystemResults: the per-system statistics a job ends with (outputs used, mean, standard
// deviation of each system), and their compact form in the job store: one BLOB of 24 bytes per
// system (uint64 count, float64 mean, float64 stddev, little-endian, by system index), so that
// a job of a million systems keeps its results in 24 MB. Plain values; no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/util/result.h"

namespace simsel {

struct SystemResults {
  std::vector<std::uint64_t> replications;
  std::vector<double> mean;
  std::vector<double> stddev;

  std::size_t size() const { return replications.size(); }
  void push_back(std::uint64_t count, double system_mean, double system_stddev);
};

std::string pack_system_results(const SystemResults& results);
// Errors when the blob's size is not a whole number of 24-byte records.
Result<SystemResults> unpack_system_results(std::string_view blob);

}  // namespace simsel
