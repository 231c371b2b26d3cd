// See client_requests.h.
#include "common/protocol/client_requests.h"

#include <string>

#include "common/protocol/messages.h"

namespace simsel::protocol {
namespace {

constexpr RequestField kJobId{"job_id", FieldKind::kUint, true, 0, 1.8e19,
                              "expected non-negative integer"};

bool is_uint(const nlohmann::json& value) {
  return value.is_number_unsigned() ||
         (value.is_number_integer() && value.get<std::int64_t>() >= 0);
}

}  // namespace

const std::vector<ClientRequest>& client_requests() {
  static const std::vector<ClientRequest> requests = {
      {"SUBMIT", {{"spec", FieldKind::kMap, true, 0, 0, "missing or not a map"}}},
      {"STATUS", {kJobId}},
      {"LIST", {}},
      {"CANCEL", {kJobId}},
      {"STOP", {kJobId}},
      {"PAUSE", {kJobId}},
      {"RESUME", {kJobId}},
      {"EXTEND",
       {kJobId,
        {"budget", FieldKind::kUint, false, 1, 1.8e19, "expected a positive integer"},
        {"max_replications", FieldKind::kUint, false, 1, 1.8e19, "expected a positive integer"}}},
      {"PRIORITY",
       {kJobId, {"weight", FieldKind::kNumber, true, 0.01, 1000, "must be a number in [0.01, 1000]"}}},
      {"SNAPSHOT", {{"job_id", FieldKind::kUint, false, 0, 1.8e19, "expected non-negative integer"}}},
      {"RESULTS",
       {kJobId,
        {"offset", FieldKind::kUint, false, 0, 1.8e19, "expected non-negative integer"},
        {"limit", FieldKind::kUint, false, 1, 10000, "expected integer in 1..10000"}}},
  };
  return requests;
}

const ClientRequest* find_client_request(std::string_view command) {
  for (const ClientRequest& request : client_requests())
    if (request.command == command) return &request;
  return nullptr;
}

std::optional<std::uint64_t> uint_field(const nlohmann::json& body, std::string_view name) {
  const auto value = body.find(name);
  if (value == body.end() || !is_uint(*value)) return std::nullopt;
  return value->get<std::uint64_t>();
}

Status check_request(const ClientRequest& request, const nlohmann::json& body) {
  for (const RequestField& field : request.fields) {
    const auto value = body.find(field.name);
    bool fits = false;
    if (value == body.end()) {
      fits = !field.required;
    } else if (field.kind == FieldKind::kMap) {
      fits = value->is_object();
    } else if (field.kind == FieldKind::kUint) {
      fits = is_uint(*value);
      if (fits) {
        const auto number = static_cast<double>(value->get<std::uint64_t>());
        fits = number >= field.min && number <= field.max;
      }
    } else {
      fits = value->is_number() && value->get<double>() >= field.min &&
             value->get<double>() <= field.max;
    }
    if (!fits)
      return make_error(std::string(request.command) + "." + std::string(field.name) + ": " +
                            std::string(field.expected),
                        kBadMessage);
  }
  return Ok{};
}

}  // namespace simsel::protocol
