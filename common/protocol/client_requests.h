// The client requests of docs/PROTOCOL.md, each described once: its command and the fields of its
// body (type, required or not, range). check_request() holds a body to its description, so that
// the broker's handlers read fields already checked and every malformed request is answered
// alike ("EXTEND.budget: expected a positive integer"); the test against PROTOCOL.md's table
// reads the same list. The broker's dispatch table maps the commands to handlers. Not here: what
// a request does (broker/server/client_conversation.cpp), the OK bodies (open-ended JSON).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "common/util/result.h"

namespace simsel::protocol {

enum class FieldKind {
  kUint,          // a non-negative integer, within [min, max]
  kNumber,        // any number, within [min, max]
  kMap,           // an object
};

struct RequestField {
  std::string_view name;
  FieldKind kind;
  bool required;
  double min = 0;
  double max = 1.8e19;  // above every uint64
  std::string_view expected;  // the error's words when the field is malformed
};

struct ClientRequest {
  std::string_view command;
  std::vector<RequestField> fields;
};

// Every request a client may send, in PROTOCOL.md's order.
const std::vector<ClientRequest>& client_requests();
// The description of `command`, or null for an unknown one.
const ClientRequest* find_client_request(std::string_view command);
// Checks `body` against `request`: the first malformed or missing field, named
// "COMMAND.field: ...", with code 400. Unknown fields are ignored (request_id among them).
Status check_request(const ClientRequest& request, const nlohmann::json& body);

// A kUint field of a checked body (or any JSON object), if it is there and a non-negative
// integer.
std::optional<std::uint64_t> uint_field(const nlohmann::json& body, std::string_view name);

}  // namespace simsel::protocol
