// SampleStore: out-of-order puts, complete prefixes, duplicates, NaN and release.
#include "broker/sampling/sample_store.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <vector>

using simsel::SampleStore;

TEST_CASE("SampleStore: contiguous grows only over present outputs", "[procedures]") {
  SampleStore store(2);
  CHECK(store.contiguous(0) == 0);
  REQUIRE(store.put(0, 2, 20.0));
  CHECK(store.contiguous(0) == 0);
  REQUIRE(store.put(0, 0, 0.5));
  CHECK(store.contiguous(0) == 1);
  REQUIRE(store.put(0, 1, 10.0));
  CHECK(store.contiguous(0) == 3);
  CHECK(store.at(0, 0) == 0.5);
  CHECK(store.at(0, 1) == 10.0);
  CHECK(store.at(0, 2) == 20.0);
  CHECK(store.contiguous(1) == 0);  // lanes are independent
}

TEST_CASE("SampleStore: a duplicate is refused and keeps the first value", "[procedures]") {
  SampleStore store(1);
  REQUIRE(store.put(0, 3, 1.0));
  CHECK_FALSE(store.put(0, 3, 2.0));  // still missing 0..2: a hole, not yet contiguous
  REQUIRE(store.put(0, 0, 0.0));
  CHECK_FALSE(store.put(0, 0, 5.0));  // inside the complete prefix
  REQUIRE(store.put(0, 1, 0.0));
  REQUIRE(store.put(0, 2, 0.0));
  CHECK(store.at(0, 3) == 1.0);
  CHECK(store.at(0, 0) == 0.0);
}

TEST_CASE("SampleStore: a NaN output is refused - it would read as missing", "[procedures]") {
  SampleStore store(1);
  CHECK_FALSE(store.put(0, 0, std::numeric_limits<double>::quiet_NaN()));
  CHECK(store.contiguous(0) == 0);
  CHECK(store.put(0, 0, 1.0));
}

TEST_CASE("SampleStore: released outputs are refused and later ones stay readable",
          "[procedures]") {
  SampleStore store(1);
  for (std::uint64_t rep = 0; rep < 10; ++rep) REQUIRE(store.put(0, rep, double(rep)));
  store.put(0, 12, 12.0);
  store.release(0, 6);
  CHECK(store.released(0) <= 6);
  CHECK_FALSE(store.put(0, 3, 3.0));
  for (std::uint64_t rep = 6; rep < 10; ++rep) CHECK(store.at(0, rep) == double(rep));
  REQUIRE(store.put(0, 10, 10.0));
  REQUIRE(store.put(0, 11, 11.0));
  CHECK(store.contiguous(0) == 13);
  CHECK(store.at(0, 12) == 12.0);
  store.release(0, 13);
  CHECK(store.released(0) == 13);  // everything consumed: freed at once
  CHECK_FALSE(store.put(0, 12, 0.0));
}

TEST_CASE("SampleStore: releasing one output at a time frees in bulk and reads stay right",
          "[procedures]") {
  SampleStore store(1);
  constexpr std::uint64_t kWindow = 100;  // outputs waiting beyond the consumed prefix
  for (std::uint64_t rep = 0; rep < kWindow; ++rep) store.put(0, rep, double(rep));
  for (std::uint64_t consumed = 1; consumed <= 1000; ++consumed) {
    store.put(0, consumed + kWindow - 1, double(consumed + kWindow - 1));
    REQUIRE(store.at(0, consumed - 1) == double(consumed - 1));
    store.release(0, consumed);
    CHECK(store.released(0) <= consumed);
    CHECK(consumed - store.released(0) <= kWindow);  // never holds more than twice the window
  }
  CHECK(store.at(0, 1000) == 1000.0);
}

TEST_CASE("SampleStore: skip_to past missing outputs drops them and reports the system",
          "[procedures]") {
  SampleStore store(2);
  REQUIRE(store.put(0, 0, 1.0));
  REQUIRE(store.put(0, 3, 3.0));  // ahead of holes at 1 and 2
  REQUIRE(store.put(0, 6, 6.0));
  store.skip_to(0, 5);
  CHECK(store.released(0) == 5);
  CHECK(store.contiguous(0) == 5);
  CHECK_FALSE(store.put(0, 4, 4.0));  // below the skip: refused, as if released
  REQUIRE(store.put(0, 5, 5.0));
  CHECK(store.contiguous(0) == 7);
  CHECK(store.at(0, 6) == 6.0);
  CHECK(store.take_skipped() == std::vector<std::uint64_t>{0});
  CHECK(store.take_skipped().empty());
}

TEST_CASE("SampleStore: skip_to within the complete prefix is a release, not a skip",
          "[procedures]") {
  SampleStore store(1);
  for (std::uint64_t rep = 0; rep < 4; ++rep) REQUIRE(store.put(0, rep, 1.0));
  store.skip_to(0, 3);
  CHECK(store.contiguous(0) == 4);
  CHECK(store.at(0, 3) == 1.0);
  CHECK(store.take_skipped().empty());
}

TEST_CASE("SampleStore: take_grown lists each system whose prefix grew once, then forgets",
          "[procedures]") {
  SampleStore store(4);
  REQUIRE(store.put(2, 1, 1.0));  // ahead of a hole: the prefix has not grown
  CHECK(store.take_grown().empty());
  REQUIRE(store.put(3, 0, 0.0));
  REQUIRE(store.put(2, 0, 0.0));  // fills the hole: 2 grows by two
  REQUIRE(store.put(3, 1, 1.0));  // 3 grows again: still listed once
  CHECK(store.take_grown() == std::vector<std::uint64_t>{3, 2});
  CHECK(store.take_grown().empty());
  CHECK_FALSE(store.put(3, 1, 1.0));  // a refused duplicate is no growth
  CHECK(store.take_grown().empty());
  REQUIRE(store.put(0, 5, 5.0));
  store.skip_to(0, 5);  // the skip lands on an output that had arrived: the prefix grows
  CHECK(store.take_grown() == std::vector<std::uint64_t>{0});
}
