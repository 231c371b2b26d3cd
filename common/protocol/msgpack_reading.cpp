// See msgpack_reading.h.
#include "common/protocol/msgpack_reading.h"

#include <algorithm>

#include "common/protocol/msgpack_json.h"

namespace simsel::protocol {

Result<msgpack::object_handle> unpack_whole(std::string_view bytes) {
  // msgpack-c reserves memory for a declared array or map size before reading its elements, so
  // the limits never exceed the input's size (every element takes at least one byte).
  const std::size_t elements = std::min<std::size_t>(bytes.size(), 1u << 24);
  const msgpack::unpack_limit limit(elements, std::min<std::size_t>(elements, 1u << 16), 1u << 26,
                                    1u << 26, 0, kMaxJsonDepth);
  std::size_t offset = 0;
  msgpack::object_handle handle;
  try {
    handle = msgpack::unpack(bytes.data(), bytes.size(), offset, nullptr, nullptr, limit);
  } catch (const std::exception& e) {
    return make_error(std::string("not a MessagePack value: ") + e.what());
  }
  if (offset != bytes.size()) return make_error("trailing bytes after the MessagePack value");
  return handle;
}

const msgpack::object* map_field(const msgpack::object& map, std::string_view key) {
  for (std::uint32_t i = 0; i < map.via.map.size; ++i) {
    const auto& kv = map.via.map.ptr[i];
    if (kv.key.type == msgpack::type::STR &&
        std::string_view(kv.key.via.str.ptr, kv.key.via.str.size) == key)
      return &kv.val;
  }
  return nullptr;
}

}  // namespace simsel::protocol
