// The node's codec of docs/MODEL_PROTOCOL.md (nodes/models/model_messages.h): frames, HELLO and
// RUN as the document writes them, the model's answers read back, and malformed answers (wrong
// version, missing fields, wrong types, random and mutated bytes) turned into errors, never
// crashes.
#include <catch2/catch.hpp>

#include <msgpack.hpp>
#include <random>

#include "nodes/models/model_messages.h"

using namespace simsel;
using namespace simsel::model_protocol;
using nlohmann::json;

namespace {

// A payload (no length prefix) of [command, body] with body given as JSON.
std::string payload(const std::string& command, const json& body) {
  const std::vector<std::uint8_t> packed = json::to_msgpack(json::array({command, body}));
  return std::string(packed.begin(), packed.end());
}

const json kHello = {{"protocol", 1},
                     {"name", "mm1"},
                     {"params", {{"mu", {{"type", "number"}, {"exclusiveMinimum", 0}}}}},
                     {"output", "cost"},
                     {"larger_is_better", false},
                     {"streams", 2}};

}  // namespace

TEST_CASE("HELLO and RUN frames are as MODEL_PROTOCOL.md writes them", "[models][codec]") {
  const std::string hello = encode_hello();
  REQUIRE(hello.size() > kLengthBytes);
  CHECK(frame_length(hello) == hello.size() - kLengthBytes);
  CHECK(json::from_msgpack(hello.substr(kLengthBytes)) == json::array({"HELLO", {{"protocol", 1}}}));

  const std::string run = encode_run(7, {RunEntry{4, {{"mu", 2.5}}, 10, 2, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}}});
  CHECK(frame_length(run) == run.size() - kLengthBytes);
  const json decoded = json::from_msgpack(run.substr(kLengthBytes));
  CHECK(decoded[0] == "RUN");
  CHECK(decoded[1]["job"] == 7);
  CHECK(decoded[1]["entries"][0] == json{{"system", 4}, {"params", {{"mu", 2.5}}}, {"first", 10},
                                         {"count", 2}, {"states", {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}}});
}

TEST_CASE("a model's HELLO becomes its descriptor", "[models][codec]") {
  auto model = decode_hello(payload("HELLO", kHello));
  REQUIRE(model.ok());
  CHECK(model->name == "mm1");
  CHECK(model->kind == "process");
  CHECK(model->streams == 2);
  CHECK_FALSE(model->larger_is_better);
  CHECK(model->schema["params"]["mu"]["exclusiveMinimum"] == 0);
}

TEST_CASE("malformed: HELLOs name what is wrong", "[models][codec][malformed]") {
  const auto error = [](const std::string& bytes) {
    auto model = decode_hello(bytes);
    return model ? std::string("(accepted)") : model.error().message;
  };
  json other = kHello;
  other["protocol"] = 2;
  CHECK(error(payload("HELLO", other)) == "speaks model protocol 2, this node speaks 1");
  other = kHello;
  other.erase("larger_is_better");
  CHECK(error(payload("HELLO", other)) == "HELLO.larger_is_better: required: true or false");
  other = kHello;
  other["params"]["mu"]["type"] = "complex";
  CHECK(error(payload("HELLO", other)) ==
        "HELLO.params.mu.type: must be one of integer, number, string");
  other = kHello;
  other["streams"] = 0;
  CHECK(error(payload("HELLO", other)) == "HELLO.streams: must be an integer in 1..64");
  CHECK(error(payload("ERROR", {{"message", "no licence"}})) ==
        "answered HELLO with ERROR: no licence");
  CHECK(error(payload("RESULT", json::object())) == "answered HELLO with RESULT (expected HELLO)");
  CHECK_THAT(error("\xc1"), Catch::StartsWith("not a MessagePack value"));
  CHECK(error(payload("HELLO", kHello) + "x") == "trailing bytes after the MessagePack value");
}

TEST_CASE("RESULT and ERROR answers to a RUN", "[models][codec]") {
  auto result = decode_reply(payload("RESULT", {{"outputs", {1.5, 2, -3}}, {"seconds", 0.25}}), 3);
  REQUIRE(result.ok());
  const auto& outputs = std::get<Outputs>(result.value());
  CHECK(outputs.values == std::vector<double>{1.5, 2, -3});
  CHECK(outputs.seconds == 0.25);
  auto error = decode_reply(payload("ERROR", {{"message", "mu must be positive"}, {"entry", 1}}), 3);
  REQUIRE(error.ok());
  CHECK(std::get<ModelError>(error.value()).message == "mu must be positive");
  CHECK(std::get<ModelError>(error.value()).entry == 1);
  CHECK(decode_reply(payload("RESULT", {{"outputs", {1.0}}}), 2).error().message ==
        "RESULT.outputs: 1 outputs for 2 replications");
  CHECK(decode_reply(payload("RESULT", {{"outputs", {1.0, "x"}}}), 2).error().message ==
        "RESULT.outputs[1]: not a number");
  CHECK(decode_reply(payload("RESULT", json::object()), 2).error().message ==
        "RESULT.outputs: missing or not an array");
}

TEST_CASE("malformed: random and mutated answers are errors, never crashes",
          "[models][codec][malformed]") {
  std::mt19937_64 random(11);
  const std::vector<std::string> valid = {
      payload("HELLO", kHello), payload("RESULT", {{"outputs", {1.0, 2.0, 3.0}}}),
      payload("ERROR", {{"message", "m"}, {"entry", 0}})};
  std::size_t rejected = 0;
  for (int round = 0; round < 20'000; ++round) {
    std::string bytes;
    if (round % 2 == 0) {
      bytes.resize(random() % 64);
      for (char& c : bytes) c = static_cast<char>(random());
    } else {
      bytes = valid[random() % valid.size()];
      for (int flips = 1 + random() % 4; flips > 0; --flips)
        bytes[random() % bytes.size()] = static_cast<char>(random());
      if (random() % 4 == 0) bytes.resize(random() % bytes.size());
    }
    const bool hello_ok = decode_hello(bytes).ok();
    const bool reply_ok = decode_reply(bytes, 3).ok();
    if (!hello_ok && !reply_ok) ++rejected;
  }
  CHECK(rejected > 10'000);  // most garbage is refused (and none of it crashed the decoders)
}
