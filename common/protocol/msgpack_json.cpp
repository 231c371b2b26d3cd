// See msgpack_json.h. Numbers keep their kind: unsigned, signed or float.
#include "common/protocol/msgpack_json.h"

#include <string>

namespace simsel::protocol {
namespace {

Result<nlohmann::json> convert(const msgpack::object& object, const std::string& path,
                               std::size_t depth) {
  if (depth > kMaxJsonDepth) return make_error(path + ": nested too deeply");
  switch (object.type) {
    case msgpack::type::NIL:
      return nlohmann::json(nullptr);
    case msgpack::type::BOOLEAN:
      return nlohmann::json(object.via.boolean);
    case msgpack::type::POSITIVE_INTEGER:
      return nlohmann::json(object.via.u64);
    case msgpack::type::NEGATIVE_INTEGER:
      return nlohmann::json(object.via.i64);
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64:
      return nlohmann::json(object.via.f64);
    case msgpack::type::STR:
      return nlohmann::json(std::string(object.via.str.ptr, object.via.str.size));
    case msgpack::type::ARRAY: {
      auto array = nlohmann::json::array();
      for (std::uint32_t i = 0; i < object.via.array.size; ++i) {
        auto item =
            convert(object.via.array.ptr[i], path + "[" + std::to_string(i) + "]", depth + 1);
        if (!item) return item;
        array.push_back(std::move(item.value()));
      }
      return array;
    }
    case msgpack::type::MAP: {
      auto map = nlohmann::json::object();
      for (std::uint32_t i = 0; i < object.via.map.size; ++i) {
        const auto& kv = object.via.map.ptr[i];
        if (kv.key.type != msgpack::type::STR)
          return make_error(path + ": map keys must be strings");
        std::string key(kv.key.via.str.ptr, kv.key.via.str.size);
        auto value = convert(kv.val, path.empty() ? key : path + "." + key, depth + 1);
        if (!value) return value;
        map[key] = std::move(value.value());
      }
      return map;
    }
    default:
      return make_error((path.empty() ? std::string("body") : path) +
                        ": binary and extension types are not allowed");
  }
}

}  // namespace

Result<nlohmann::json> object_to_json(const msgpack::object& object) {
  return convert(object, "", 0);
}

void pack_json(msgpack::packer<msgpack::sbuffer>& packer, const nlohmann::json& value) {
  using Type = nlohmann::json::value_t;
  switch (value.type()) {
    case Type::null:
    case Type::discarded:
      packer.pack_nil();
      break;
    case Type::boolean:
      packer.pack(value.get<bool>());
      break;
    case Type::number_unsigned:
      packer.pack(value.get<std::uint64_t>());
      break;
    case Type::number_integer:
      packer.pack(value.get<std::int64_t>());
      break;
    case Type::number_float:
      packer.pack(value.get<double>());
      break;
    case Type::string:
      packer.pack(value.get_ref<const std::string&>());
      break;
    case Type::binary:
      packer.pack_nil();
      break;
    case Type::array:
      packer.pack_array(static_cast<std::uint32_t>(value.size()));
      for (const auto& item : value) pack_json(packer, item);
      break;
    case Type::object:
      packer.pack_map(static_cast<std::uint32_t>(value.size()));
      for (const auto& [key, item] : value.items()) {
        packer.pack(key);
        pack_json(packer, item);
      }
      break;
  }
}

}  // namespace simsel::protocol
