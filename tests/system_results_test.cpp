// The compact per-system results BLOB of the job store: round trip, byte layout, bad sizes.
#include "broker/store/system_results.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

using namespace simsel;

TEST_CASE("system results round-trip through their blob", "[store]") {
  SystemResults results;
  results.push_back(20, 0.125, 1.5);
  results.push_back(0, -3.25, 0);
  results.push_back(std::numeric_limits<std::uint64_t>::max(), 1e300, std::nan(""));
  const std::string blob = pack_system_results(results);
  CHECK(blob.size() == 3 * 24);
  auto back = unpack_system_results(blob);
  REQUIRE(back.ok());
  CHECK(back->replications == results.replications);
  CHECK(back->mean == results.mean);
  CHECK(back->stddev[0] == 1.5);
  CHECK(std::isnan(back->stddev[2]));
}

TEST_CASE("system results are little-endian records of count, mean, stddev", "[store]") {
  SystemResults results;
  results.push_back(0x0102, 1.0, 2.0);
  const std::string blob = pack_system_results(results);
  CHECK(static_cast<unsigned char>(blob[0]) == 0x02);
  CHECK(static_cast<unsigned char>(blob[1]) == 0x01);
  CHECK(static_cast<unsigned char>(blob[15]) == 0x3f);  // 1.0 = 0x3ff0000000000000
}

TEST_CASE("malformed: a results blob of a partial record", "[store][malformed]") {
  auto results = unpack_system_results(std::string(25, '\0'));
  REQUIRE_FALSE(results.ok());
  CHECK(results.error().message.find("25 bytes") != std::string::npos);
  CHECK(unpack_system_results("").ok());
}
