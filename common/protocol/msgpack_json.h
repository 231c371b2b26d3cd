// Conversion between MessagePack objects and JSON documents, for the protocol's JSON-bodied
// messages (job specs, job documents, stats). Depth is bounded so a hostile frame cannot
// recurse without end; map keys must be strings.
#pragma once

#include <msgpack.hpp>
#include <nlohmann/json.hpp>

#include "common/util/result.h"

namespace simsel::protocol {

inline constexpr std::size_t kMaxJsonDepth = 32;

// Returns the JSON value of `object`, or an Error naming the path of the first unsupported part
// (binary, extension types, non-string keys).
Result<nlohmann::json> object_to_json(const msgpack::object& object);

void pack_json(msgpack::packer<msgpack::sbuffer>& packer, const nlohmann::json& value);

}  // namespace simsel::protocol
