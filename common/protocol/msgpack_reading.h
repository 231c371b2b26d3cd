// The two steps every simsel decoder of MessagePack takes, shared by the wire codec
// (messages.cpp, docs/PROTOCOL.md) and the model protocol codec (nodes/models/model_messages.cpp,
// docs/MODEL_PROTOCOL.md): unpacking one whole value under limits that bound the memory a
// hostile frame can claim, and finding a field of a map by its string key. Not here: what any
// message holds.
#pragma once

#include <msgpack.hpp>
#include <string_view>

#include "common/util/result.h"

namespace simsel::protocol {

// Exactly one MessagePack value filling `bytes`. Errors: "not a MessagePack value: ..." and
// "trailing bytes after the MessagePack value" (code 0: each caller gives its own).
Result<msgpack::object_handle> unpack_whole(std::string_view bytes);

// The value of `map`'s entry whose key is the string `key`, or nullptr.
// REQUIRES: map.type == msgpack::type::MAP.
const msgpack::object* map_field(const msgpack::object& map, std::string_view key);

}  // namespace simsel::protocol
