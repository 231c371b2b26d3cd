// SSE pieces of simsel-web: event framing, the replay buffer's resume rules, Last-Event-ID.
#include "frontend/server/sse.h"

#include <catch2/catch.hpp>

using namespace simsel::web;

namespace {
Frame frame(std::uint64_t id) {
  return std::make_shared<const std::string>(format_event(id, "stats", "{}"));
}
}  // namespace

TEST_CASE("an event is framed with id, name and data, ended by a blank line", "[web][sse]") {
  CHECK(format_event(7, "stats", R"({"a":1})") == "id: 7\nevent: stats\ndata: {\"a\":1}\n\n");
  // A newline in the data must not end the event: each line gets its own data: field.
  CHECK(format_event(1, "x", "a\nb") == "id: 1\nevent: x\ndata: a\ndata: b\n\n");
  // An event outside the streams' histories (the broker's state) has no id line.
  CHECK(format_event(std::nullopt, "broker", R"({"state":"synced"})") ==
        "event: broker\ndata: {\"state\":\"synced\"}\n\n");
}

TEST_CASE("the replay buffer gives exactly the events after the last id", "[web][sse]") {
  ReplayBuffer buffer(3);
  for (std::uint64_t id : {2, 4, 6}) buffer.add(id, frame(id));
  auto after_two = buffer.after(2, 6);
  REQUIRE(after_two);
  REQUIRE(after_two->size() == 2);
  CHECK(*(*after_two)[0] == format_event(4, "stats", "{}"));
  CHECK(buffer.after(6, 6)->empty());
  // Ids of other streams in between: 3 is not in this stream, so nothing is missed.
  CHECK(buffer.after(3, 9)->size() == 2);
}

TEST_CASE("the replay buffer refuses a resume past what it evicted", "[web][sse]") {
  ReplayBuffer buffer(2);
  for (std::uint64_t id : {1, 2, 3, 4}) buffer.add(id, frame(id));
  CHECK(buffer.size() == 2);
  CHECK_FALSE(buffer.after(1, 4));  // event 2 is gone
  CHECK(buffer.after(2, 4)->size() == 2);
  CHECK_FALSE(buffer.after(9, 4));  // an id from another life of the server
}

TEST_CASE("Last-Event-ID must be a non-negative integer", "[web][sse]") {
  CHECK(parse_event_id("0") == 0u);
  CHECK(parse_event_id("1234") == 1234u);
  CHECK_FALSE(parse_event_id(""));
  CHECK_FALSE(parse_event_id("-1"));
  CHECK_FALSE(parse_event_id("12a"));
}
