// See model_messages.h. Messages are small maps except RUN's states and RESULT's outputs, which
// are packed and read as flat arrays: the per-replication cost of the protocol is theirs.
#include "nodes/models/model_messages.h"

#include <msgpack.hpp>

#include "common/protocol/msgpack_json.h"
#include "common/protocol/msgpack_reading.h"

namespace simsel::model_protocol {
namespace {

using Packer = msgpack::packer<msgpack::sbuffer>;

std::string framed(const msgpack::sbuffer& payload) {
  std::string frame(kLengthBytes, '\0');
  const auto size = static_cast<std::uint32_t>(payload.size());
  for (std::size_t i = 0; i < kLengthBytes; ++i)
    frame[i] = static_cast<char>((size >> (8 * (kLengthBytes - 1 - i))) & 0xff);
  frame.append(payload.data(), payload.size());
  return frame;
}

struct Unpacked {
  msgpack::object_handle handle;
  std::string command;
  const msgpack::object* body = nullptr;
};

Result<Unpacked> unpack(std::string_view payload) {
  Unpacked out;
  Result<msgpack::object_handle> unpacked = protocol::unpack_whole(payload);
  if (!unpacked) return unpacked.error();
  out.handle = std::move(unpacked.value());
  const msgpack::object& root = out.handle.get();
  if (root.type != msgpack::type::ARRAY || root.via.array.size != 2 ||
      root.via.array.ptr[0].type != msgpack::type::STR ||
      root.via.array.ptr[1].type != msgpack::type::MAP)
    return make_error("expected [command, body] with a string command and a map body");
  const msgpack::object& command = root.via.array.ptr[0];
  out.command.assign(command.via.str.ptr, command.via.str.size);
  out.body = &root.via.array.ptr[1];
  return out;
}

ModelError read_error(const msgpack::object& body) {
  ModelError error;
  const msgpack::object* message = protocol::map_field(body, "message");
  error.message = message && message->type == msgpack::type::STR
                      ? std::string(message->via.str.ptr, message->via.str.size)
                      : "(ERROR without a message)";
  const msgpack::object* entry = protocol::map_field(body, "entry");
  if (entry && entry->type == msgpack::type::POSITIVE_INTEGER)
    error.entry = static_cast<std::int64_t>(entry->via.u64);
  return error;
}

std::optional<double> as_number(const msgpack::object& value) {
  switch (value.type) {
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64:
      return value.via.f64;
    case msgpack::type::POSITIVE_INTEGER:
      return static_cast<double>(value.via.u64);
    case msgpack::type::NEGATIVE_INTEGER:
      return static_cast<double>(value.via.i64);
    default:
      return std::nullopt;
  }
}

}  // namespace

std::string encode_hello() {
  msgpack::sbuffer buffer;
  Packer packer(buffer);
  packer.pack_array(2);
  packer.pack(std::string_view("HELLO"));
  packer.pack_map(1);
  packer.pack(std::string_view("protocol"));
  packer.pack(kVersion);
  return framed(buffer);
}

std::string encode_run(std::uint64_t job_id, const std::vector<RunEntry>& entries) {
  msgpack::sbuffer buffer;
  Packer packer(buffer);
  packer.pack_array(2);
  packer.pack(std::string_view("RUN"));
  packer.pack_map(2);
  packer.pack(std::string_view("job"));
  packer.pack(job_id);
  packer.pack(std::string_view("entries"));
  packer.pack_array(static_cast<std::uint32_t>(entries.size()));
  for (const RunEntry& entry : entries) {
    packer.pack_map(5);
    packer.pack(std::string_view("system"));
    packer.pack(entry.system);
    packer.pack(std::string_view("params"));
    protocol::pack_json(packer, entry.params);
    packer.pack(std::string_view("first"));
    packer.pack(entry.first);
    packer.pack(std::string_view("count"));
    packer.pack(entry.count);
    packer.pack(std::string_view("states"));
    packer.pack(entry.states);
  }
  return framed(buffer);
}

std::uint32_t frame_length(std::string_view prefix) {
  std::uint32_t length = 0;
  for (std::size_t i = 0; i < kLengthBytes; ++i)
    length = (length << 8) | static_cast<unsigned char>(prefix[i]);
  return length;
}

Result<ModelDescriptor> decode_hello(std::string_view payload) {
  Result<Unpacked> message = unpack(payload);
  if (!message) return message.error();
  if (message->command == "ERROR")
    return make_error("answered HELLO with ERROR: " + read_error(*message->body).message);
  if (message->command != "HELLO")
    return make_error("answered HELLO with " + message->command + " (expected HELLO)");
  const msgpack::object* version = protocol::map_field(*message->body, "protocol");
  if (version == nullptr || version->type != msgpack::type::POSITIVE_INTEGER)
    return make_error("HELLO.protocol: missing or not a non-negative integer");
  if (version->via.u64 != kVersion)
    return make_error("speaks model protocol " + std::to_string(version->via.u64) +
                      ", this node speaks " + std::to_string(kVersion));
  Result<nlohmann::json> body = protocol::object_to_json(*message->body);
  if (!body) return make_error("HELLO: " + body.error().message);
  Result<ModelDescriptor> model = descriptor_from_json(*body, "HELLO");
  if (!model) return model.error();
  model->kind = "process";
  return model;
}

Result<Reply> decode_reply(std::string_view payload, std::size_t expected) {
  Result<Unpacked> message = unpack(payload);
  if (!message) return message.error();
  if (message->command == "ERROR") return Reply(read_error(*message->body));
  if (message->command != "RESULT")
    return make_error("answered RUN with " + message->command + " (expected RESULT or ERROR)");
  const msgpack::object* outputs = protocol::map_field(*message->body, "outputs");
  if (outputs == nullptr || outputs->type != msgpack::type::ARRAY)
    return make_error("RESULT.outputs: missing or not an array");
  if (outputs->via.array.size != expected)
    return make_error("RESULT.outputs: " + std::to_string(outputs->via.array.size) +
                      " outputs for " + std::to_string(expected) + " replications");
  Outputs out;
  out.values.resize(expected);
  for (std::size_t i = 0; i < expected; ++i) {
    const std::optional<double> value = as_number(outputs->via.array.ptr[i]);
    if (!value)
      return make_error("RESULT.outputs[" + std::to_string(i) + "]: not a number");
    out.values[i] = *value;
  }
  if (const msgpack::object* seconds = protocol::map_field(*message->body, "seconds")) {
    if (const std::optional<double> value = as_number(*seconds); value && *value >= 0)
      out.seconds = *value;
  }
  return Reply(std::move(out));
}

}  // namespace simsel::model_protocol
