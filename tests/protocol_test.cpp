// The codec of docs/PROTOCOL.md: every message round-trips, and every kind of malformed frame
// is refused with a status code and a message naming the problem (never a crash).
#include <catch2/catch.hpp>
#include <msgpack.hpp>

#include "common/models/model_catalog.h"
#include "common/protocol/messages.h"

using namespace simsel;
using namespace simsel::protocol;

namespace {

// Packs an arbitrary msgpack value, to forge frames the encoder would never write.
template <class... Items>
std::string pack_array(const Items&... items) {
  msgpack::sbuffer buffer;
  msgpack::packer<msgpack::sbuffer> packer(&buffer);
  packer.pack_array(sizeof...(items));
  (packer.pack(items), ...);
  return std::string(buffer.data(), buffer.size());
}

Error decode_error(const std::string& frame) {
  auto decoded = decode_worker_message(frame);
  REQUIRE_FALSE(decoded.ok());
  return decoded.error();
}

}  // namespace

TEST_CASE("worker messages round-trip", "[protocol]") {
  SECTION("READY") {
    auto decoded = decode_worker_message(encode(Ready{"host:1", 8, builtin_model_descriptors()}));
    REQUIRE(decoded.ok());
    const auto& ready = std::get<Ready>(decoded.value());
    CHECK(ready.name == "host:1");
    CHECK(ready.slots == 8);
    REQUIRE(ready.models.size() == 3);
    CHECK(ready.models[1].name == "tp");
    CHECK(ready.models[1].to_json() == builtin_model_descriptors()[1].to_json());
    CHECK_FALSE(ready.models[2].larger_is_better);
  }
  SECTION("JOB") {
    auto decoded = decode_worker_message(encode(JobDefinition{7, "tp", R"({"L":20})", 99, true}));
    REQUIRE(decoded.ok());
    const auto& job = std::get<JobDefinition>(decoded.value());
    CHECK(job.job_id == 7);
    CHECK(job.systems_json == R"({"L":20})");
    CHECK(job.seed == 99);
    CHECK(job.crn);
  }
  SECTION("TASK") {
    Task task{11, 7, {3, 5}, {0, 20}, {20, 4}};
    auto decoded = decode_worker_message(encode(task));
    REQUIRE(decoded.ok());
    const auto& got = std::get<Task>(decoded.value());
    CHECK(got.systems == task.systems);
    CHECK(got.rep_begins == task.rep_begins);
    CHECK(got.rep_counts == task.rep_counts);
    CHECK(got.replication_count() == 24);
  }
  SECTION("RESULT keeps doubles exactly") {
    TaskResult result{11, 7, {0.1, -2.5e-300, 1e300}, 12345};
    auto decoded = decode_worker_message(encode(result));
    REQUIRE(decoded.ok());
    CHECK(std::get<TaskResult>(decoded.value()).values == result.values);
    CHECK(std::get<TaskResult>(decoded.value()).busy_ns == 12345);
  }
  SECTION("FAIL, HEARTBEAT, DISCONNECT") {
    auto failed = decode_worker_message(encode(TaskFailed{1, 2, 404, "unknown job"}));
    REQUIRE(failed.ok());
    CHECK(std::get<TaskFailed>(failed.value()).code == 404);
    CHECK(std::holds_alternative<Heartbeat>(decode_worker_message(encode(Heartbeat{})).value()));
    auto bye = decode_worker_message(encode(Disconnect{"bye"}));
    REQUIRE(bye.ok());
    CHECK(std::get<Disconnect>(bye.value()).reason == "bye");
  }
}

TEST_CASE("documents round-trip with nested JSON", "[protocol]") {
  nlohmann::json body = {{"spec",
                          {{"model", "tp"},
                           {"delta", 0.1},
                           {"n0", 20},
                           {"neg", -3},
                           {"systems", {{"list", {{{"a", 1}}, {{"a", 2}}}}}}}}};
  auto decoded = decode_document(encode(Document{"SUBMIT", body}));
  REQUIRE(decoded.ok());
  CHECK(decoded->command == "SUBMIT");
  CHECK(decoded->body == body);
}

TEST_CASE("malformed: not MessagePack", "[protocol][malformed]") {
  auto error = decode_error("\xc1\xc1garbage");
  CHECK(error.code == kBadMessage);
  CHECK_THAT(error.message, Catch::Contains("not a MessagePack value"));
}

TEST_CASE("malformed: empty frame", "[protocol][malformed]") {
  CHECK(decode_error("").code == kBadMessage);
}

TEST_CASE("malformed: truncated frame", "[protocol][malformed]") {
  std::string frame = encode(Task{1, 2, {1, 2, 3}, {0, 0, 0}, {1, 1, 1}});
  auto error = decode_error(frame.substr(0, frame.size() - 3));
  CHECK(error.code == kBadMessage);
}

TEST_CASE("malformed: trailing bytes", "[protocol][malformed]") {
  auto error = decode_error(encode(Heartbeat{}) + "x");
  CHECK_THAT(error.message, Catch::Contains("trailing bytes"));
}

TEST_CASE("malformed: wrong shape", "[protocol][malformed]") {
  CHECK_THAT(decode_error(pack_array(std::string("SIMSEL"), 1)).message,
             Catch::Contains("[signature, version, command, body]"));
}

TEST_CASE("malformed: wrong signature", "[protocol][malformed]") {
  auto frame =
      pack_array(std::string("MDPW01"), 1, std::string("HEARTBEAT"), std::map<std::string, int>{});
  CHECK_THAT(decode_error(frame).message, Catch::Contains("bad signature"));
}

TEST_CASE("malformed: unsupported version", "[protocol][malformed]") {
  auto frame =
      pack_array(std::string("SIMSEL"), kVersion + 1, std::string("HEARTBEAT"), std::map<std::string, int>{});
  const auto error = decode_error(frame);
  CHECK(error.code == kBadVersion);
  CHECK(error.message == "unsupported protocol version " + std::to_string(kVersion + 1) +
                             " (this side speaks " + std::to_string(kVersion) + ")");
}

TEST_CASE("malformed: unknown command", "[protocol][malformed]") {
  auto frame =
      pack_array(std::string("SIMSEL"), kVersion, std::string("EXPLODE"), std::map<std::string, int>{});
  CHECK_THAT(decode_error(frame).message, Catch::Contains("unknown worker command \"EXPLODE\""));
}

TEST_CASE("malformed: body not a map", "[protocol][malformed]") {
  auto frame = pack_array(std::string("SIMSEL"), kVersion, std::string("HEARTBEAT"), 5);
  CHECK_THAT(decode_error(frame).message, Catch::Contains("HEARTBEAT: body must be a map"));
}

TEST_CASE("malformed: missing field", "[protocol][malformed]") {
  auto frame =
      pack_array(std::string("SIMSEL"), kVersion, std::string("RESULT"),
                 std::map<std::string, int>{{"task_id", 1}, {"job_id", 2}, {"busy_ns", 3}});
  CHECK(decode_error(frame).message == "RESULT.values: missing");
}

TEST_CASE("malformed: field of the wrong type", "[protocol][malformed]") {
  auto frame = pack_array(
      std::string("SIMSEL"), kVersion, std::string("READY"),
      std::map<std::string, std::string>{{"name", "x"}, {"slots", "many"}, {"models", "tp"}});
  CHECK(decode_error(frame).message == "READY.slots: expected non-negative integer");
}

TEST_CASE("malformed: task arrays of unequal length", "[protocol][malformed]") {
  Task task{1, 2, {1, 2}, {0}, {1, 1}};
  CHECK_THAT(decode_error(encode(task)).message, Catch::Contains("equal lengths"));
}

TEST_CASE("malformed: zero or absurd slots", "[protocol][malformed]") {
  CHECK(decode_error(encode(Ready{"w", 0, {}})).message ==
        "READY.slots: must be between 1 and 4096");
  CHECK(decode_error(encode(Ready{"w", 4'000'000'000u, {}})).message ==
        "READY.slots: must be between 1 and 4096");
}

TEST_CASE("malformed: a tiny frame declaring a huge array is refused cheaply",
          "[protocol][malformed]") {
  // array32 header announcing 16M elements, with none following: must not reserve 400 MB.
  const std::string frame("\xdd\x01\x00\x00\x00", 5);
  CHECK(decode_error(frame).code == kBadMessage);
}

TEST_CASE("malformed: too many replications in one task", "[protocol][malformed]") {
  Task task{1, 2, {0, 1}, {0, 0}, {UINT32_MAX, UINT32_MAX}};
  CHECK_THAT(decode_error(encode(task)).message, Catch::Contains("TASK.rep_counts: more than"));
}

TEST_CASE("malformed: document nested too deeply", "[protocol][malformed]") {
  nlohmann::json deep = 1;
  for (int i = 0; i < 40; ++i) deep = nlohmann::json{{"a", deep}};
  auto decoded = decode_document(encode(Document{"SUBMIT", {{"spec", deep}}}));
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.error().code == kBadMessage);
}

TEST_CASE("printable samples escape binary bytes", "[protocol]") {
  CHECK(printable_sample(std::string("ab\x01\xff", 4)) == "ab\\x01\\xff");
  CHECK(printable_sample(std::string(100, 'x'), 4) == "xxxx...(100 bytes)");
}

TEST_CASE("RESULT values at and beyond 2^64 round-trip as float64", "[protocol]") {
  const TaskResult result{1, 2, {0x1p64, 1e300, -0x1p64, 3.0}, 5};
  auto decoded = decode_worker_message(encode(WorkerMessage(result)));
  REQUIRE(decoded.ok());
  CHECK(std::get<TaskResult>(decoded.value()).values == result.values);
}
