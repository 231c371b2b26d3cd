// DataDirLock (broker/store/data_dir_lock.h): a held directory refuses a second holder with a
// message naming the directory and the holder's pid; the lock goes with its holder, so the
// directory is free again at once (no stale lock file to clean up).
#include "broker/store/data_dir_lock.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "tests/cluster_fixture.h"

using namespace simsel;

TEST_CASE("one holder per data directory, free again when it goes", "[store][lock]") {
  testing::TempDir dir("lock");
  std::optional<DataDirLock> first(std::in_place, dir.path);
  try {
    DataDirLock second(dir.path);
    FAIL("a second lock on a held directory was granted");
  } catch (const std::runtime_error& refused) {
    CHECK_THAT(refused.what(), Catch::StartsWith("data directory " + dir.path.string() +
                                                 " is in use by process " +
                                                 std::to_string(::getpid())));
  }
  first.reset();
  CHECK_NOTHROW(DataDirLock(dir.path));
}
