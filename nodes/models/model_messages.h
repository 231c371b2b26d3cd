// The codec of docs/MODEL_PROTOCOL.md, the node's side: frames of a 4-byte big-endian length
// and one MessagePack [command, body] array; HELLO and RUN encoded, the model's HELLO, RESULT and
// ERROR decoded. Decoders never throw on input: a bad frame is an Error whose message says what
// was wrong. Pure functions; no processes or pipes (model_process.h).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/models/model_descriptor.h"
#include "common/util/result.h"

namespace simsel::model_protocol {

inline constexpr std::uint64_t kVersion = 1;
inline constexpr std::uint32_t kMaxFrameBytes = 64u << 20;
inline constexpr std::size_t kLengthBytes = 4;

// One entry of a RUN: replications first..first+count-1 of one system.
struct RunEntry {
  std::uint64_t system = 0;
  nlohmann::json params;  // the system's parameters as the job gave them
  std::uint64_t first = 0;
  std::uint32_t count = 0;
  std::vector<std::uint64_t> states;  // 6 x streams x count
};

struct Outputs {
  std::vector<double> values;
  double seconds = 0;
};
struct ModelError {
  std::string message;
  std::int64_t entry = -1;  // -1 when the model named none
};
using Reply = std::variant<Outputs, ModelError>;

// A whole frame (length prefix included).
std::string encode_hello();
std::string encode_run(std::uint64_t job_id, const std::vector<RunEntry>& entries);

// The big-endian length at the start of `prefix`. REQUIRES: prefix.size() >= kLengthBytes
std::uint32_t frame_length(std::string_view prefix);

// `payload` is a frame without its length prefix. A model's HELLO gives its descriptor (kind
// "process"), or an Error: another protocol version ("speaks model protocol 2, this node speaks
// 1"), a missing field, or the model's own ERROR message.
Result<ModelDescriptor> decode_hello(std::string_view payload);
// RESULT or ERROR in answer to a RUN of `expected` replications: a RESULT must hold exactly
// that many numbers (every one finite is checked by the caller, who knows the systems).
Result<Reply> decode_reply(std::string_view payload, std::size_t expected);

}  // namespace simsel::model_protocol
