// See sse.h.
#include "frontend/server/sse.h"

#include <charconv>

namespace simsel::web {

std::string format_event(std::optional<std::uint64_t> id, std::string_view name,
                         std::string_view data) {
  std::string frame = id ? "id: " + std::to_string(*id) + "\n" : std::string();
  frame += "event: ";
  frame += name;
  frame += '\n';
  std::size_t start = 0;
  for (;;) {
    const auto newline = data.find('\n', start);
    frame += "data: ";
    frame += data.substr(start, newline == std::string_view::npos ? newline : newline - start);
    frame += '\n';
    if (newline == std::string_view::npos) break;
    start = newline + 1;
  }
  frame += '\n';
  return frame;
}

void ReplayBuffer::add(std::uint64_t id, Frame frame) {
  events_.emplace_back(id, std::move(frame));
  while (events_.size() > capacity_) {
    evicted_up_to_ = events_.front().first;
    events_.pop_front();
  }
}

std::optional<std::vector<Frame>> ReplayBuffer::after(std::uint64_t last_id,
                                                      std::uint64_t newest_id) const {
  if (last_id < evicted_up_to_ || last_id > newest_id) return std::nullopt;
  std::vector<Frame> frames;
  for (const auto& [id, frame] : events_) {
    if (id > last_id) frames.push_back(frame);
  }
  return frames;
}

std::optional<std::uint64_t> parse_event_id(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace simsel::web
