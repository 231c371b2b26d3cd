// Codec for docs/PROTOCOL.md. Encoding packs straight into a msgpack buffer; decoding unpacks
// with msgpack-c under size limits (msgpack_reading.h) and reads fields through FieldReader, which keeps the first
// problem it meets so each decoder reads as a list of fields.
#include "common/protocol/messages.h"

#include <algorithm>
#include <limits>

#include <msgpack.hpp>

#include "common/protocol/msgpack_json.h"
#include "common/protocol/msgpack_reading.h"

namespace simsel::protocol {
namespace {

using Packer = msgpack::packer<msgpack::sbuffer>;

void pack_header(Packer& packer, std::string_view command, std::uint32_t field_count) {
  packer.pack_array(4);
  packer.pack(kSignature);
  packer.pack(kVersion);
  packer.pack(command);
  packer.pack_map(field_count);
}

template <class T>
void pack_field(Packer& packer, std::string_view key, const T& value) {
  packer.pack(key);
  packer.pack(value);
}

// Reads typed fields of one message body, remembering the first problem.
class FieldReader {
 public:
  FieldReader(std::string_view command, const msgpack::object& body)
      : command_(command), body_(body) {}

  const msgpack::object* find(std::string_view key) { return map_field(body_, key); }

  const msgpack::object* require(std::string_view key, msgpack::type::object_type type,
                                 std::string_view expected) {
    const msgpack::object* value = find(key);
    if (value == nullptr) return fail(key, "missing");
    if (value->type != type) return fail(key, std::string("expected ") + std::string(expected));
    return value;
  }

  void u64(std::string_view key, std::uint64_t& out) {
    if (auto* v = require(key, msgpack::type::POSITIVE_INTEGER, "non-negative integer"))
      out = v->via.u64;
  }
  void u32(std::string_view key, std::uint32_t& out) {
    std::uint64_t wide = 0;
    u64(key, wide);
    if (wide > UINT32_MAX) fail(key, "out of range");
    out = static_cast<std::uint32_t>(wide);
  }
  void str(std::string_view key, std::string& out) {
    if (auto* v = require(key, msgpack::type::STR, "string"))
      out.assign(v->via.str.ptr, v->via.str.size);
  }
  void boolean(std::string_view key, bool& out) {
    if (auto* v = require(key, msgpack::type::BOOLEAN, "boolean")) out = v->via.boolean;
  }
  template <class Int>
  void uints(std::string_view key, std::vector<Int>& out) {
    auto* v = require(key, msgpack::type::ARRAY, "array of non-negative integers");
    if (v == nullptr) return;
    out.resize(v->via.array.size);
    for (std::uint32_t i = 0; i < v->via.array.size; ++i) {
      const auto& item = v->via.array.ptr[i];
      if (item.type != msgpack::type::POSITIVE_INTEGER ||
          item.via.u64 > std::numeric_limits<Int>::max()) {
        fail(key, "expected array of non-negative integers");
        return;
      }
      out[i] = static_cast<Int>(item.via.u64);
    }
  }
  // READY.models: each element a model descriptor (common/models/model_descriptor.h).
  void descriptors(std::string_view key, std::vector<ModelDescriptor>& out) {
    auto* v = require(key, msgpack::type::ARRAY, "array of model descriptions");
    if (v == nullptr) return;
    for (std::uint32_t i = 0; i < v->via.array.size && error_.empty(); ++i) {
      const std::string path = std::string(command_) + "." + std::string(key) + "[" +
                               std::to_string(i) + "]";
      Result<nlohmann::json> document = object_to_json(v->via.array.ptr[i]);
      Result<ModelDescriptor> model =
          document ? descriptor_from_json(*document, path) : Result<ModelDescriptor>(document.error());
      if (!model)
        error_ = model.error().message;
      else
        out.push_back(std::move(model.value()));
    }
  }
  void doubles(std::string_view key, std::vector<double>& out) {
    auto* v = require(key, msgpack::type::ARRAY, "array of numbers");
    if (v == nullptr) return;
    out.resize(v->via.array.size);
    for (std::uint32_t i = 0; i < v->via.array.size; ++i) {
      const auto& item = v->via.array.ptr[i];
      switch (item.type) {
        case msgpack::type::FLOAT32:
        case msgpack::type::FLOAT64:
          out[i] = item.via.f64;
          break;
        case msgpack::type::POSITIVE_INTEGER:
          out[i] = static_cast<double>(item.via.u64);
          break;
        case msgpack::type::NEGATIVE_INTEGER:
          out[i] = static_cast<double>(item.via.i64);
          break;
        default:
          fail(key, "expected array of numbers");
          return;
      }
    }
  }

  // Records a problem that the caller found (cross-field checks).
  std::nullptr_t fail(std::string_view key, std::string_view reason) {
    if (error_.empty())
      error_ = std::string(command_) + "." + std::string(key) + ": " + std::string(reason);
    return nullptr;
  }
  template <class T>
  Result<WorkerMessage> finish(T&& message) {
    if (!error_.empty()) return make_error(error_, kBadMessage);
    return WorkerMessage(std::forward<T>(message));
  }

 private:
  std::string_view command_;
  const msgpack::object& body_;
  std::string error_;
};

struct Envelope {
  msgpack::object_handle handle;
  std::string command;
  const msgpack::object* body = nullptr;
};

Result<Envelope> unpack_envelope(std::string_view frame) {
  Envelope envelope;
  Result<msgpack::object_handle> unpacked = unpack_whole(frame);
  if (!unpacked) return make_error(unpacked.error().message, kBadMessage);
  envelope.handle = std::move(unpacked.value());
  const msgpack::object& root = envelope.handle.get();
  if (root.type != msgpack::type::ARRAY || root.via.array.size != 4)
    return make_error("expected [signature, version, command, body]", kBadMessage);
  const msgpack::object* parts = root.via.array.ptr;
  if (parts[0].type != msgpack::type::STR ||
      std::string_view(parts[0].via.str.ptr, parts[0].via.str.size) != kSignature)
    return make_error("bad signature: expected \"SIMSEL\"", kBadMessage);
  if (parts[1].type != msgpack::type::POSITIVE_INTEGER || parts[1].via.u64 != kVersion)
    return make_error("unsupported protocol version " +
                          (parts[1].type == msgpack::type::POSITIVE_INTEGER
                               ? std::to_string(parts[1].via.u64)
                               : std::string("(not an integer)")) +
                          " (this side speaks " + std::to_string(kVersion) + ")",
                      kBadVersion);
  if (parts[2].type != msgpack::type::STR)
    return make_error("command: expected string", kBadMessage);
  envelope.command.assign(parts[2].via.str.ptr, parts[2].via.str.size);
  if (parts[3].type != msgpack::type::MAP)
    return make_error(envelope.command + ": body must be a map", kBadMessage);
  envelope.body = &parts[3];
  return envelope;
}

Result<WorkerMessage> decode_task(FieldReader& reader) {
  Task task;
  reader.u64("task_id", task.task_id);
  reader.u64("job_id", task.job_id);
  reader.uints("systems", task.systems);
  reader.uints("rep_begins", task.rep_begins);
  reader.uints("rep_counts", task.rep_counts);
  if (task.rep_begins.size() != task.systems.size() ||
      task.rep_counts.size() != task.systems.size())
    reader.fail("systems", "systems, rep_begins and rep_counts must have equal lengths");
  else if (task.replication_count() > kMaxTaskReplications)
    reader.fail("rep_counts", "more than 16777216 replications in one task");
  return reader.finish(std::move(task));
}

Result<WorkerMessage> decode_body(const std::string& command, const msgpack::object& body) {
  FieldReader reader(command, body);
  if (command == "READY") {
    Ready ready;
    reader.str("name", ready.name);
    reader.u32("slots", ready.slots);
    reader.descriptors("models", ready.models);
    if (ready.slots == 0 || ready.slots > kMaxSlots) reader.fail("slots", "must be between 1 and 4096");
    return reader.finish(std::move(ready));
  }
  if (command == "JOB") {
    JobDefinition job;
    reader.u64("job_id", job.job_id);
    reader.str("model", job.model);
    reader.str("systems", job.systems_json);
    reader.u64("seed", job.seed);
    reader.boolean("crn", job.crn);
    return reader.finish(std::move(job));
  }
  if (command == "TASK") return decode_task(reader);
  if (command == "RESULT") {
    TaskResult result;
    reader.u64("task_id", result.task_id);
    reader.u64("job_id", result.job_id);
    reader.doubles("values", result.values);
    reader.u64("busy_ns", result.busy_ns);
    return reader.finish(std::move(result));
  }
  if (command == "FAIL") {
    TaskFailed failed;
    reader.u64("task_id", failed.task_id);
    reader.u64("job_id", failed.job_id);
    reader.u32("code", failed.code);
    reader.str("message", failed.message);
    return reader.finish(std::move(failed));
  }
  if (command == "HEARTBEAT") return reader.finish(Heartbeat{});
  if (command == "DISCONNECT") {
    Disconnect disconnect;
    reader.str("reason", disconnect.reason);
    return reader.finish(std::move(disconnect));
  }
  return make_error("unknown worker command \"" + command + "\"", kBadMessage);
}

struct Encoder {
  Packer& packer;
  void operator()(const Ready& m) {
    pack_header(packer, "READY", 3);
    pack_field(packer, "name", m.name);
    pack_field(packer, "slots", m.slots);
    packer.pack("models");
    packer.pack_array(static_cast<std::uint32_t>(m.models.size()));
    for (const ModelDescriptor& model : m.models) pack_json(packer, model.to_json());
  }
  void operator()(const JobDefinition& m) {
    pack_header(packer, "JOB", 5);
    pack_field(packer, "job_id", m.job_id);
    pack_field(packer, "model", m.model);
    pack_field(packer, "systems", m.systems_json);
    pack_field(packer, "seed", m.seed);
    pack_field(packer, "crn", m.crn);
  }
  void operator()(const Task& m) {
    pack_header(packer, "TASK", 5);
    pack_field(packer, "task_id", m.task_id);
    pack_field(packer, "job_id", m.job_id);
    pack_field(packer, "systems", m.systems);
    pack_field(packer, "rep_begins", m.rep_begins);
    pack_field(packer, "rep_counts", m.rep_counts);
  }
  void operator()(const TaskResult& m) {
    pack_header(packer, "RESULT", 4);
    pack_field(packer, "task_id", m.task_id);
    pack_field(packer, "job_id", m.job_id);
    pack_field(packer, "values", m.values);
    pack_field(packer, "busy_ns", m.busy_ns);
  }
  void operator()(const TaskFailed& m) {
    pack_header(packer, "FAIL", 4);
    pack_field(packer, "task_id", m.task_id);
    pack_field(packer, "job_id", m.job_id);
    pack_field(packer, "code", m.code);
    pack_field(packer, "message", m.message);
  }
  void operator()(const Heartbeat&) { pack_header(packer, "HEARTBEAT", 0); }
  void operator()(const Disconnect& m) {
    pack_header(packer, "DISCONNECT", 1);
    pack_field(packer, "reason", m.reason);
  }
};

}  // namespace

std::uint64_t Task::replication_count() const {
  std::uint64_t total = 0;
  for (auto count : rep_counts) total += count;
  return total;
}

std::string encode(const WorkerMessage& message) {
  msgpack::sbuffer buffer;
  Packer packer(&buffer);
  std::visit(Encoder{packer}, message);
  return std::string(buffer.data(), buffer.size());
}

Result<WorkerMessage> decode_worker_message(std::string_view frame) {
  auto envelope = unpack_envelope(frame);
  if (!envelope) return envelope.error();
  return decode_body(envelope->command, *envelope->body);
}

std::string encode(const Document& message) {
  msgpack::sbuffer buffer;
  Packer packer(&buffer);
  packer.pack_array(4);
  packer.pack(kSignature);
  packer.pack(kVersion);
  packer.pack(message.command);
  if (message.body.is_object()) {
    pack_json(packer, message.body);
  } else {
    packer.pack_map(0);
  }
  return std::string(buffer.data(), buffer.size());
}

Result<Document> decode_document(std::string_view frame) {
  auto envelope = unpack_envelope(frame);
  if (!envelope) return envelope.error();
  auto body = object_to_json(*envelope->body);
  if (!body) return make_error(envelope->command + "." + body.error().message, kBadMessage);
  return Document{std::move(envelope->command), std::move(body.value())};
}

std::string_view command_name(const WorkerMessage& message) {
  static constexpr std::string_view kNames[] = {"READY", "JOB",       "TASK",      "RESULT",
                                                "FAIL",  "HEARTBEAT", "DISCONNECT"};
  return kNames[message.index()];
}

std::string printable_sample(std::string_view frame, std::size_t limit) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string sample;
  for (std::size_t i = 0; i < frame.size() && i < limit; ++i) {
    auto byte = static_cast<unsigned char>(frame[i]);
    if (byte >= 0x20 && byte < 0x7f && byte != '\\') {
      sample.push_back(static_cast<char>(byte));
    } else {
      sample += "\\x";
      sample.push_back(kHex[byte >> 4]);
      sample.push_back(kHex[byte & 0xf]);
    }
  }
  if (frame.size() > limit) sample += "...(" + std::to_string(frame.size()) + " bytes)";
  return sample;
}

}  // namespace simsel::protocol
