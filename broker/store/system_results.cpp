// See system_results.h. Records are written byte by byte in little-endian order, so the blob
// reads the same on any host.
#include "broker/store/system_results.h"

#include <bit>

namespace simsel {
namespace {

constexpr std::size_t kRecordBytes = 24;

void put_u64(std::string& out, std::uint64_t value) {
  for (int byte = 0; byte < 8; ++byte)
    out.push_back(static_cast<char>((value >> (8 * byte)) & 0xff));
}

std::uint64_t get_u64(std::string_view in, std::size_t at) {
  std::uint64_t value = 0;
  for (int byte = 0; byte < 8; ++byte)
    value |= std::uint64_t{static_cast<unsigned char>(in[at + byte])} << (8 * byte);
  return value;
}

}  // namespace

void SystemResults::push_back(std::uint64_t count, double system_mean, double system_stddev) {
  replications.push_back(count);
  mean.push_back(system_mean);
  stddev.push_back(system_stddev);
}

std::string pack_system_results(const SystemResults& results) {
  std::string blob;
  blob.reserve(results.size() * kRecordBytes);
  for (std::size_t i = 0; i < results.size(); ++i) {
    put_u64(blob, results.replications[i]);
    put_u64(blob, std::bit_cast<std::uint64_t>(results.mean[i]));
    put_u64(blob, std::bit_cast<std::uint64_t>(results.stddev[i]));
  }
  return blob;
}

Result<SystemResults> unpack_system_results(std::string_view blob) {
  if (blob.size() % kRecordBytes != 0)
    return make_error("system results: " + std::to_string(blob.size()) +
                      " bytes is not a whole number of 24-byte records");
  SystemResults results;
  const std::size_t count = blob.size() / kRecordBytes;
  results.replications.reserve(count);
  results.mean.reserve(count);
  results.stddev.reserve(count);
  for (std::size_t at = 0; at < blob.size(); at += kRecordBytes)
    results.push_back(get_u64(blob, at), std::bit_cast<double>(get_u64(blob, at + 8)),
                      std::bit_cast<double>(get_u64(blob, at + 16)));
  return results;
}

}  // namespace simsel
