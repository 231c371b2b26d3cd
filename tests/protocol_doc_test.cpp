// docs/PROTOCOL.md and the codec say the same: the worker messages' table lists each command with
// exactly the fields the codec's table packs and reads, in the same order, and the client
// requests' table lists each request with exactly the fields its description checks; a request
// the document lists is answered by the broker (not "unknown command").
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "common/protocol/client_requests.h"
#include "common/protocol/messages.h"
#include "tests/cluster_fixture.h"

using namespace simsel;
using namespace simsel::protocol;

namespace {

// The top-level field names of a table cell: backticked names, once what is in parentheses and
// braces (explanations, nested fields) is removed.
std::vector<std::string> field_names(std::string cell) {
  for (const char* group : {R"(\([^()]*\))", R"(\{[^{}]*\})"}) {
    const std::regex nested(group);
    for (std::string before; before != cell;) {
      before = cell;
      cell = std::regex_replace(cell, nested, "");
    }
  }
  std::vector<std::string> names;
  const std::regex name("`([a-z_]+)`");
  for (auto it = std::sregex_iterator(cell.begin(), cell.end(), name); it != std::sregex_iterator();
       ++it)
    names.push_back((*it)[1]);
  return names;
}

// Command -> fields of the table whose header line starts with `header`.
std::map<std::string, std::vector<std::string>> table(const std::string& header) {
  std::ifstream in(std::string(SIMSEL_SOURCE_DIR) + "/docs/PROTOCOL.md");
  REQUIRE(in);
  std::map<std::string, std::vector<std::string>> rows;
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(header, 0) == 0) {
      inside = true;
      continue;
    }
    if (!inside) continue;
    if (line.empty() || line[0] != '|') break;
    std::vector<std::string> cells;
    std::stringstream split(line.substr(1));
    for (std::string cell; std::getline(split, cell, '|');) cells.push_back(cell);
    if (cells.size() < 3 || cells[0].find("---") != std::string::npos) continue;
    const std::string command = std::regex_replace(cells[0], std::regex(R"(\s)"), "");
    rows[command] = field_names(cells[2]);
  }
  REQUIRE_FALSE(rows.empty());
  return rows;
}

}  // namespace

TEST_CASE("PROTOCOL.md's worker messages are the codec's, field by field", "[protocol][docs]") {
  // The worker table's header is a prefix of the client table's; the worker table comes first.
  auto documented = table("| command | dir | body fields |");
  std::size_t checked = 0;
  for (const MessageFields& message : worker_message_fields()) {
    INFO(message.command);
    REQUIRE(documented.count(message.command));
    CHECK(documented[message.command] == message.fields);
    ++checked;
  }
  CHECK(checked == documented.size());
}

TEST_CASE("PROTOCOL.md's client requests are the ones the broker checks and answers",
          "[protocol][docs]") {
  auto documented = table("| command | dir | body fields | OK body |");
  documented.erase("OK");  // the replies
  documented.erase("ERROR");
  CHECK(documented.size() == client_requests().size());
  testing::TempDir dir("protocol-doc");
  zmq::context_t context;
  LocalCluster cluster(context, testing::test_config(testing::Transport::kInproc, 1, dir.path));
  BrokerClient client(context, cluster.client_endpoint());
  for (const ClientRequest& request : client_requests()) {
    const std::string command(request.command);
    INFO(command);
    REQUIRE(documented.count(command));
    std::vector<std::string> fields;
    for (const RequestField& field : request.fields) fields.emplace_back(field.name);
    CHECK(documented[command] == fields);
    // Answered by a handler: an empty body gets OK or an error naming a field, never "unknown".
    auto reply = client.request(command, nlohmann::json::object());
    if (!reply) CHECK_THAT(reply.error().message, !Catch::Contains("unknown client command"));
    if (!request.fields.empty() && request.fields.front().required) {
      REQUIRE_FALSE(reply);
      CHECK(reply.error().code == kBadMessage);
      CHECK_THAT(reply.error().message,
                 Catch::StartsWith(command + "." + std::string(request.fields.front().name) + ":"));
    }
  }
  auto unknown = client.request("FROBNICATE");
  REQUIRE_FALSE(unknown);
  CHECK_THAT(unknown.error().message, Catch::Contains("unknown client command \"FROBNICATE\""));
}

TEST_CASE("a request's fields are held to its description", "[protocol]") {
  const ClientRequest& extend = *find_client_request("EXTEND");
  CHECK(check_request(extend, {{"job_id", 3}, {"budget", 10}}));
  CHECK(check_request(extend, {{"job_id", 3}}));  // which fields are needed: Job::extend says
  CHECK(check_request(extend, {{"job_id", 3}, {"budget", 0}}).error().message ==
        "EXTEND.budget: expected a positive integer");
  CHECK(check_request(extend, {{"job_id", -1}}).error().message ==
        "EXTEND.job_id: expected non-negative integer");
  const ClientRequest& priority = *find_client_request("PRIORITY");
  CHECK(check_request(priority, {{"job_id", 1}, {"weight", 3.5}}));
  CHECK(check_request(priority, {{"job_id", 1}, {"weight", 5000}}).error().message ==
        "PRIORITY.weight: must be a number in [0.01, 1000]");
  CHECK(check_request(priority, {{"job_id", 1}, {"weight", "high"}}).error().code == kBadMessage);
  const ClientRequest& results = *find_client_request("RESULTS");
  CHECK(check_request(results, {{"job_id", 1}, {"limit", 10000}}));
  CHECK(check_request(results, {{"job_id", 1}, {"limit", 10001}}).error().message ==
        "RESULTS.limit: expected integer in 1..10000");
  CHECK(check_request(*find_client_request("SUBMIT"), {{"spec", 1}}).error().message ==
        "SUBMIT.spec: missing or not a map");
  CHECK(find_client_request("OK") == nullptr);
}
