// See replay_log.h.
#include "broker/store/replay_log.h"

#include <bit>
#include <cstring>
#include <vector>

namespace simsel {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the replay log is written in the host's byte order, assumed little-endian");

constexpr char kOutputs = 'O';
constexpr char kExtend = 'X';

template <typename T>
void put(std::string& bytes, T value) {
  char raw[sizeof(T)];
  std::memcpy(raw, &value, sizeof(T));
  bytes.append(raw, sizeof(T));
}

// Reads a T at `offset` (advancing it) if the bytes hold one.
template <typename T>
bool get(std::string_view bytes, std::size_t& offset, T& value) {
  if (bytes.size() - offset < sizeof(T)) return false;
  std::memcpy(&value, bytes.data() + offset, sizeof(T));
  offset += sizeof(T);
  return true;
}

}  // namespace

void ReplayLog::append_outputs(std::uint64_t system, std::uint64_t rep_begin,
                               std::span<const double> values) {
  bytes_.push_back(kOutputs);
  put(bytes_, system);
  put(bytes_, rep_begin);
  put(bytes_, static_cast<std::uint32_t>(values.size()));
  bytes_.append(reinterpret_cast<const char*>(values.data()), values.size_bytes());
}

void ReplayLog::append_extend(const nlohmann::json& fields) {
  const std::string text = fields.dump();
  bytes_.push_back(kExtend);
  put(bytes_, static_cast<std::uint32_t>(text.size()));
  bytes_.append(text);
}

std::string ReplayLog::take() {
  std::string taken;
  taken.swap(bytes_);
  return taken;
}

Status replay(std::string_view bytes, const ReplayVisitor& visitor) {
  std::vector<double> values;
  std::size_t offset = 0;
  while (offset < bytes.size()) {
    const std::size_t start = offset;
    const char kind = bytes[offset++];
    const auto broken = [&](const char* what) {
      return make_error("replay log: " + std::string(what) + " at byte " + std::to_string(start));
    };
    if (kind == kOutputs) {
      std::uint64_t system = 0, rep_begin = 0;
      std::uint32_t count = 0;
      if (!get(bytes, offset, system) || !get(bytes, offset, rep_begin) ||
          !get(bytes, offset, count) || (bytes.size() - offset) / sizeof(double) < count)
        return broken("truncated outputs record");
      values.resize(count);
      if (count > 0)  // an empty vector's data() may be null, which memcpy may not be given
        std::memcpy(values.data(), bytes.data() + offset, count * sizeof(double));
      offset += count * sizeof(double);
      visitor.outputs(system, rep_begin, values);
    } else if (kind == kExtend) {
      std::uint32_t length = 0;
      if (!get(bytes, offset, length) || bytes.size() - offset < length)
        return broken("truncated extend record");
      auto fields = nlohmann::json::parse(bytes.substr(offset, length), nullptr, false);
      if (fields.is_discarded() || !fields.is_object()) return broken("extend record not JSON");
      offset += length;
      visitor.extend(fields);
    } else {
      return broken("unknown record");
    }
  }
  return Ok{};
}

}  // namespace simsel
