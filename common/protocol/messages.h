// The messages of the simsel wire protocol (docs/PROTOCOL.md), as plain structs, and the codec
// that turns them into one ZeroMQ frame of MessagePack and back.
// Worker messages are typed (they are the hot path); client requests/replies and stats updates
// carry a JSON body (they are few and their documents are open-ended).
// Decoders never throw on input: a bad frame gives an Error with a status code and a message
// that names the command and field. Not here: sockets (see frames.h).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/models/model_descriptor.h"
#include "common/util/result.h"

namespace simsel::protocol {

inline constexpr std::string_view kSignature = "SIMSEL";
inline constexpr std::uint64_t kVersion = 2;  // 2: READY.models describes each model
inline constexpr std::uint32_t kMaxSlots = 4096;            // per worker (READY.slots)
inline constexpr std::uint64_t kMaxTaskReplications = 1u << 24;  // per TASK

// Status codes (docs/PROTOCOL.md, "Status codes").
enum StatusCode : int {
  kOk = 200,
  kBadMessage = 400,
  kUnknownJob = 404,
  kConflict = 409,
  kInvalidSpec = 422,
  kInternal = 500,
  kModelFailed = 502,  // FAIL: a model process crashed, hung or broke its protocol (retryable)
  kBadVersion = 505,
};

// ---- Worker conversation ----
struct Ready {
  std::string name;
  std::uint32_t slots = 1;
  std::vector<ModelDescriptor> models;  // the models this worker runs
};
struct JobDefinition {
  std::uint64_t job_id = 0;
  std::string model;
  std::string systems_json;  // the job spec's `systems` value as JSON text
  std::uint64_t seed = 0;
  bool crn = false;
};
struct Task {
  std::uint64_t task_id = 0;
  std::uint64_t job_id = 0;
  std::vector<std::uint64_t> systems;
  std::vector<std::uint64_t> rep_begins;
  std::vector<std::uint32_t> rep_counts;
  std::uint64_t replication_count() const;
};
struct TaskResult {
  std::uint64_t task_id = 0;
  std::uint64_t job_id = 0;
  std::vector<double> values;
  std::uint64_t busy_ns = 0;
};
struct TaskFailed {
  std::uint64_t task_id = 0;
  std::uint64_t job_id = 0;
  std::uint32_t code = 0;
  std::string message;
};
struct Heartbeat {};
struct Disconnect {
  std::string reason;
};

using WorkerMessage =
    std::variant<Ready, JobDefinition, Task, TaskResult, TaskFailed, Heartbeat, Disconnect>;

std::string encode(const WorkerMessage& message);
Result<WorkerMessage> decode_worker_message(std::string_view frame);

// Each worker message's command and field names in wire order, from the codec's own table (for
// the test that checks docs/PROTOCOL.md against the code).
struct MessageFields {
  std::string command;
  std::vector<std::string> fields;
};
std::vector<MessageFields> worker_message_fields();

// ---- Client conversation and stats stream: a command and a JSON body ----
struct Document {
  std::string command;  // SUBMIT, STATUS, LIST, CANCEL, SNAPSHOT, RESULTS, OK, ERROR, STATS, CLUSTER
  nlohmann::json body = nlohmann::json::object();
};

std::string encode(const Document& message);
Result<Document> decode_document(std::string_view frame);

// The name of a worker message's command, e.g. "TASK", for logs.
std::string_view command_name(const WorkerMessage& message);

// A printable sample of a bad frame for logs: printable ASCII kept, the rest as \xNN, cut at
// `limit` bytes.
std::string printable_sample(std::string_view frame, std::size_t limit = 64);

}  // namespace simsel::protocol
