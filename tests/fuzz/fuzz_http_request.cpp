// libFuzzer harness: simsel-web's request path up to the broker — the bytes of an HTTP request
// through Boost.Beast's parser (with the server's body limit), the router, the query parameters,
// and the bodies the routes read (a job spec for POST /api/jobs, JSON for the controls). A crash
// or a sanitizer report is a bug; every input must end in a route or an error.
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "frontend/server/documents.h"
#include "frontend/server/routes.h"

namespace http = boost::beast::http;
using namespace simsel::web;

namespace {

Method method_of(http::verb verb) {
  switch (verb) {
    case http::verb::get: return Method::kGet;
    case http::verb::head: return Method::kHead;
    case http::verb::post: return Method::kPost;
    case http::verb::put: return Method::kPut;
    case http::verb::delete_: return Method::kDelete;
    case http::verb::patch: return Method::kPatch;
    case http::verb::options: return Method::kOptions;
    default: return Method::kOther;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  http::request_parser<http::string_body> parser;
  parser.body_limit(1 << 20);
  parser.eager(true);
  boost::beast::error_code error;
  std::size_t used = 0;
  while (used < size && !parser.is_done()) {
    const std::size_t n = parser.put(boost::asio::buffer(data + used, size - used), error);
    if (error || n == 0) break;
    used += n;
  }
  if (!parser.is_header_done()) return 0;
  const auto& request = parser.get();
  const auto target = request.target();  // Boost 1.74: a boost::string_view
  const auto [path, query] = split_target(std::string_view(target.data(), target.size()));
  const Route found = route(method_of(request.method()), path);
  if (found.id == RouteId::kMethodNotAllowed && found.allow.empty()) std::abort();
  for (const char* key : {"offset", "limit", "after", "job"}) (void)query_parameter(query, key);
  if (!parser.is_done()) return 0;
  if (found.id == RouteId::kSubmitJob) {
    (void)job_spec_from_body(request.body());
  } else if (found.id == RouteId::kPrioritizeJob || found.id == RouteId::kExtendJob) {
    (void)nlohmann::json::parse(request.body(), nullptr, false);
  }
  return 0;
}
