// Codec for docs/PROTOCOL.md. Each worker message's fields are listed once, in MessageTable<M>
// (name and member, in wire order): the encoder packs them, the decoder reads them through
// FieldReader (typed by the member, keeping the first problem it meets), and
// worker_message_fields() hands the same list to the test that checks PROTOCOL.md's table.
// Encoding packs straight into a msgpack buffer; decoding unpacks with msgpack-c under size
// limits (msgpack_reading.h).
#include "common/protocol/messages.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>
#include <tuple>
#include <utility>

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

  // The reader of a member's type.
  void read(std::string_view key, std::uint64_t& out) { u64(key, out); }
  void read(std::string_view key, std::uint32_t& out) { u32(key, out); }
  void read(std::string_view key, std::string& out) { str(key, out); }
  void read(std::string_view key, bool& out) { boolean(key, out); }
  void read(std::string_view key, std::vector<std::uint64_t>& out) { uints(key, out); }
  void read(std::string_view key, std::vector<std::uint32_t>& out) { uints(key, out); }
  void read(std::string_view key, std::vector<double>& out) { doubles(key, out); }
  void read(std::string_view key, std::vector<ModelDescriptor>& out) { descriptors(key, out); }

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

// A field of message M: its wire name and the member that holds it.
template <class M, class T>
struct Field {
  std::string_view name;
  T M::*member;
};

template <class M, class T>
constexpr Field<M, T> field(std::string_view name, T M::*member) {
  return {name, member};
}

// MessageTable<M>: `command`, `fields` (in the order they are packed) and, where fields constrain
// each other, `check(message, reader)`.
template <class M>
struct MessageTable;

template <>
struct MessageTable<Ready> {
  static constexpr std::string_view command = "READY";
  static constexpr auto fields = std::tuple{field("name", &Ready::name),
                                            field("slots", &Ready::slots),
                                            field("models", &Ready::models)};
  static void check(const Ready& ready, FieldReader& reader) {
    if (ready.slots == 0 || ready.slots > kMaxSlots)
      reader.fail("slots", "must be between 1 and 4096");
  }
};
template <>
struct MessageTable<JobDefinition> {
  static constexpr std::string_view command = "JOB";
  static constexpr auto fields =
      std::tuple{field("job_id", &JobDefinition::job_id),
                 field("model", &JobDefinition::model),
                 field("systems", &JobDefinition::systems_json),
                 field("seed", &JobDefinition::seed),
                 field("crn", &JobDefinition::crn)};
};
template <>
struct MessageTable<Task> {
  static constexpr std::string_view command = "TASK";
  static constexpr auto fields =
      std::tuple{field("task_id", &Task::task_id),
                 field("job_id", &Task::job_id),
                 field("systems", &Task::systems),
                 field("rep_begins", &Task::rep_begins),
                 field("rep_counts", &Task::rep_counts)};
  static void check(const Task& task, FieldReader& reader) {
    if (task.rep_begins.size() != task.systems.size() ||
        task.rep_counts.size() != task.systems.size())
      reader.fail("systems", "systems, rep_begins and rep_counts must have equal lengths");
    else if (task.replication_count() > kMaxTaskReplications)
      reader.fail("rep_counts", "more than 16777216 replications in one task");
  }
};
template <>
struct MessageTable<TaskResult> {
  static constexpr std::string_view command = "RESULT";
  static constexpr auto fields =
      std::tuple{field("task_id", &TaskResult::task_id),
                 field("job_id", &TaskResult::job_id),
                 field("values", &TaskResult::values),
                 field("busy_ns", &TaskResult::busy_ns)};
};
template <>
struct MessageTable<TaskFailed> {
  static constexpr std::string_view command = "FAIL";
  static constexpr auto fields =
      std::tuple{field("task_id", &TaskFailed::task_id),
                 field("job_id", &TaskFailed::job_id),
                 field("code", &TaskFailed::code),
                 field("message", &TaskFailed::message)};
};
template <>
struct MessageTable<Heartbeat> {
  static constexpr std::string_view command = "HEARTBEAT";
  static constexpr auto fields = std::tuple{};
};
template <>
struct MessageTable<Disconnect> {
  static constexpr std::string_view command = "DISCONNECT";
  static constexpr auto fields =
      std::tuple{field("reason", &Disconnect::reason)};
};

void pack_value(Packer& packer, msgpack::sbuffer&, const std::vector<ModelDescriptor>& models) {
  packer.pack_array(static_cast<std::uint32_t>(models.size()));
  for (const ModelDescriptor& model : models) pack_json(packer, model.to_json());
}
// msgpack-c's pack_double packs an integral double as an integer and, for 2^64 itself, converts
// it to uint64 out of range (undefined; a model may return such a value; found by fuzz_wire):
// those go as float64 written by hand.
void pack_value(Packer& packer, msgpack::sbuffer& buffer, const std::vector<double>& values) {
  packer.pack_array(static_cast<std::uint32_t>(values.size()));
  for (const double value : values) {
    if (value < 0x1p64) {
      packer.pack_double(value);
      continue;
    }
    std::uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    char raw[9] = {static_cast<char>(0xcb)};
    for (int i = 0; i < 8; ++i) raw[1 + i] = static_cast<char>(bits >> (56 - 8 * i));
    buffer.write(raw, sizeof raw);  // the packer writes straight into `buffer`: order is kept
  }
}
template <class T>
void pack_value(Packer& packer, msgpack::sbuffer&, const T& value) {
  packer.pack(value);
}

struct Encoder {
  Packer& packer;
  msgpack::sbuffer& buffer;  // the packer's
  template <class M>
  void operator()(const M& message) {
    std::apply(
        [&](const auto&... entry) {
          pack_header(packer, MessageTable<M>::command, sizeof...(entry));
          ((packer.pack(entry.name), pack_value(packer, buffer, message.*entry.member)), ...);
        },
        MessageTable<M>::fields);
  }
};

template <class M>
Result<WorkerMessage> decode_as(FieldReader& reader) {
  M message;
  std::apply([&](const auto&... entry) { (reader.read(entry.name, message.*entry.member), ...); },
             MessageTable<M>::fields);
  if constexpr (requires { MessageTable<M>::check(message, reader); })
    MessageTable<M>::check(message, reader);
  return reader.finish(std::move(message));
}

// Command -> decoder, one entry per alternative of WorkerMessage.
template <std::size_t... I>
Result<WorkerMessage> decode_by_command(const std::string& command, FieldReader& reader,
                                        std::index_sequence<I...>) {
  std::optional<Result<WorkerMessage>> decoded;
  ((MessageTable<std::variant_alternative_t<I, WorkerMessage>>::command == command
        ? (void)decoded.emplace(decode_as<std::variant_alternative_t<I, WorkerMessage>>(reader))
        : (void)0),
   ...);
  if (decoded) return std::move(*decoded);
  return make_error("unknown worker command \"" + command + "\"", kBadMessage);
}

template <std::size_t... I>
std::vector<MessageFields> fields_of(std::index_sequence<I...>) {
  std::vector<MessageFields> all;
  (
      [&] {
        using M = std::variant_alternative_t<I, WorkerMessage>;
        MessageFields message{std::string(MessageTable<M>::command), {}};
        std::apply([&](const auto&... entry) { (message.fields.emplace_back(entry.name), ...); },
                   MessageTable<M>::fields);
        all.push_back(std::move(message));
      }(),
      ...);
  return all;
}

constexpr auto kAlternatives = std::make_index_sequence<std::variant_size_v<WorkerMessage>>{};

}  // namespace

std::uint64_t Task::replication_count() const {
  std::uint64_t total = 0;
  for (auto count : rep_counts) total += count;
  return total;
}

std::string encode(const WorkerMessage& message) {
  msgpack::sbuffer buffer;
  Packer packer(&buffer);
  std::visit(Encoder{packer, buffer}, message);
  return std::string(buffer.data(), buffer.size());
}

Result<WorkerMessage> decode_worker_message(std::string_view frame) {
  auto envelope = unpack_envelope(frame);
  if (!envelope) return envelope.error();
  FieldReader reader(envelope->command, *envelope->body);
  return decode_by_command(envelope->command, reader, kAlternatives);
}

std::vector<MessageFields> worker_message_fields() {
  return fields_of(kAlternatives);
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
  return std::visit([](const auto& m) { return MessageTable<std::decay_t<decltype(m)>>::command; },
                    message);
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
