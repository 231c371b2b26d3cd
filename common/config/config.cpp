// See config.h. Keys are read through KeyReader, which marks each key it consumes so that
// whatever is left over is reported as unknown, with its position in the file.
#include "common/config/config.h"

#include "common/models/model_catalog.h"
#include "common/models/model_descriptor.h"

#include <toml++/toml.h>

#include <fstream>
#include <set>
#include <sstream>
#include <vector>

namespace simsel {
namespace {

std::string where(std::string_view source_name, const toml::source_region& region) {
  std::ostringstream out;
  out << source_name << ":" << region.begin.line << ":" << region.begin.column;
  return out.str();
}

class KeyReader {
 public:
  KeyReader(std::string_view source_name, std::vector<std::string>& problems)
      : source_name_(source_name), problems_(problems) {}

  // Reads [section] of `root`, if present; unknown keys inside it are reported at the end.
  void enter(const toml::table& root, std::string_view section) {
    section_ = std::string(section);
    table_ = root[section].as_table();
    if (table_ == nullptr && root.contains(section)) {
      problem(*root.get(section), "must be a table");
    }
    used_.clear();
  }
  // Reads one table that is not a top-level section (an element of [[node.models]]).
  void enter_table(const toml::table& table, std::string label) {
    section_ = std::move(label);
    table_ = &table;
    used_.clear();
  }

  // An array of tables such as [[node.models]]; empty when absent.
  std::vector<const toml::table*> tables(std::string_view key) {
    std::vector<const toml::table*> out;
    const auto* node = take(key);
    if (node == nullptr) return out;
    const auto* array = node->as_array();
    if (array == nullptr) {
      problem(*node, "must be an array of tables ([[" + section_ + "." + std::string(key) + "]])", key);
      return out;
    }
    for (const auto& element : *array) {
      if (const auto* table = element.as_table())
        out.push_back(table);
      else
        problem(element, "must be a table", key);
    }
    return out;
  }
  void strings(std::string_view key, std::vector<std::string>& out) {
    const auto* node = take(key);
    if (node == nullptr) return;
    const auto* array = node->as_array();
    if (array == nullptr) return problem(*node, "must be an array of strings", key);
    out.clear();
    for (const auto& element : *array) {
      auto value = element.value<std::string>();
      if (!value) return problem(element, "must be an array of strings", key);
      out.push_back(*value);
    }
  }
  bool has(std::string_view key) const { return table_ != nullptr && table_->contains(key); }
  const std::string& section() const { return section_; }
  void report(std::string reason) { problems_.push_back(where(source_name_, table_->source()) + ": " + section_ + ": " + reason); }

  void string(std::string_view key, std::string& out) {
    if (const auto* node = take(key)) {
      if (auto value = node->value<std::string>())
        out = *value;
      else
        problem(*node, "must be a string", key);
    }
  }
  void u32(std::string_view key, std::uint32_t& out, std::uint64_t min, std::uint64_t max) {
    std::uint64_t wide = out;
    u64(key, wide, min, max);
    out = static_cast<std::uint32_t>(wide);
  }
  void u64(std::string_view key, std::uint64_t& out, std::uint64_t min, std::uint64_t max) {
    const auto* node = take(key);
    if (node == nullptr) return;
    auto value = node->value_exact<std::int64_t>();
    if (!value) return problem(*node, "must be an integer", key);
    if (*value < 0 || static_cast<std::uint64_t>(*value) < min ||
        static_cast<std::uint64_t>(*value) > max)
      return problem(*node,
                     "must be between " + std::to_string(min) + " and " + std::to_string(max), key);
    out = static_cast<std::uint64_t>(*value);
  }

  void leave() {
    if (table_ == nullptr) return;
    for (const auto& entry : *table_) {
      const toml::key& key = entry.first;
      if (!used_.count(std::string(key.str())))
        problems_.push_back(where(source_name_, key.source()) + ": " + section_ + "." +
                            std::string(key.str()) + ": unknown key");
    }
  }

 private:
  const toml::node* take(std::string_view key) {
    if (table_ == nullptr) return nullptr;
    used_.insert(std::string(key));
    return table_->get(key);
  }
  void problem(const toml::node& node, std::string_view reason, std::string_view key = {}) {
    std::string path = section_ + (key.empty() ? "" : "." + std::string(key));
    problems_.push_back(where(source_name_, node.source()) + ": " + path + ": " +
                        std::string(reason));
  }

  std::string_view source_name_;
  std::vector<std::string>& problems_;
  std::string section_;
  const toml::table* table_ = nullptr;
  std::set<std::string> used_;
};

void read_broker(KeyReader& keys, BrokerConfig& broker) {
  keys.string("worker_endpoint", broker.worker_endpoint);
  keys.string("client_endpoint", broker.client_endpoint);
  keys.string("stats_endpoint", broker.stats_endpoint);
  std::string data_dir = broker.data_dir.string();
  keys.string("data_dir", data_dir);
  broker.data_dir = data_dir;
  keys.u32("heartbeat_ms", broker.heartbeat_ms, 10, 600'000);
  keys.u32("liveness", broker.liveness, 1, 100);
  keys.u32("prefetch", broker.prefetch, 0, 1000);
  keys.u32("publish_hz", broker.publish_hz, 1, 1000);
  keys.u32("task_target_ms", broker.task_target_ms, 1, 60'000);
  keys.u32("max_task_replications", broker.max_task_replications, 1, 1u << 24);
  keys.u64("max_message_bytes", broker.max_message_bytes, 1024, 1ull << 32);
  keys.u32("checkpoint_interval_ms", broker.checkpoint_interval_ms, 10, 3'600'000);
}

// One [[node.models]] table: a process model (command) or a plugin, never both.
void read_node_model(std::string_view source_name, const toml::table& table, std::size_t index,
                     std::vector<std::string>& problems, NodeConfig& node) {
  KeyReader keys(source_name, problems);
  keys.enter_table(table, "node.models[" + std::to_string(index) + "]");
  ModelConfig model;
  keys.string("name", model.name);
  keys.strings("command", model.command);
  keys.string("plugin", model.plugin);
  keys.string("directory", model.directory);
  keys.u32("timeout_s", model.timeout_s, 1, 86'400);
  if (model.name.empty()) keys.report("name: required");
  if (model.command.empty() == model.plugin.empty())
    keys.report("give either command (an argument vector) or plugin (a shared library path)");
  if (!model.plugin.empty() && !model.directory.empty())
    keys.report("directory: only for a command");
  if (model.name.size() > 0 && !is_valid_model_name(model.name))
    keys.report("name: '" + model.name + "' is not a model name (1-64 letters, digits, _ - .)");
  if (find_builtin_model(model.name) != nullptr)
    keys.report("name: '" + model.name + "' is a built-in model's name; choose another");
  for (const ModelConfig& earlier : node.models)
    if (earlier.name == model.name && !model.name.empty())
      keys.report("name: '" + model.name + "' is already offered by an earlier [[node.models]]");
  // A relative directory or plugin path is the config file's business, not the node's cwd's.
  const std::filesystem::path base = std::filesystem::path(source_name).parent_path();
  for (std::string* path : {&model.directory, &model.plugin})
    if (!path->empty() && std::filesystem::path(*path).is_relative()) {
      std::filesystem::path resolved = (base / *path).lexically_normal();
      if (resolved.filename().empty() && resolved.has_relative_path())
        resolved = resolved.parent_path();  // "/etc/simsel/.." is "/etc/", shown as "/etc"
      *path = resolved.string();
    }
  keys.leave();
  node.models.push_back(std::move(model));
}

void read_node(KeyReader& keys, NodeConfig& node, std::string_view source_name,
               std::vector<std::string>& problems) {
  keys.string("broker_endpoint", node.broker_endpoint);
  keys.u32("threads", node.threads, 0, 4096);
  keys.string("name", node.name);
  keys.u32("heartbeat_ms", node.heartbeat_ms, 10, 600'000);
  keys.u32("liveness", node.liveness, 1, 100);
  keys.u32("reconnect_min_ms", node.reconnect_min_ms, 1, 600'000);
  keys.u32("reconnect_max_ms", node.reconnect_max_ms, 1, 3'600'000);
  const std::vector<const toml::table*> models = keys.tables("models");
  for (std::size_t i = 0; i < models.size(); ++i)
    read_node_model(source_name, *models[i], i, problems, node);
}

void read_web(KeyReader& keys, WebConfig& web) {
  keys.string("listen_address", web.listen_address);
  keys.u32("port", web.port, 0, 65535);
  keys.string("broker_client_endpoint", web.broker_client_endpoint);
  keys.string("broker_stats_endpoint", web.broker_stats_endpoint);
  keys.string("static_dir", web.static_dir);
  keys.u64("max_body_bytes", web.max_body_bytes, 1024, 1ull << 30);
  keys.u32("max_viewers", web.max_viewers, 1, 1'000'000);
  keys.u32("sse_heartbeat_ms", web.sse_heartbeat_ms, 10, 3'600'000);
  keys.u32("sse_queue_events", web.sse_queue_events, 1, 1'000'000);
  keys.u32("sse_replay_events", web.sse_replay_events, 1, 1'000'000);
  keys.u32("sse_send_buffer_bytes", web.sse_send_buffer_bytes, 0, 64u << 20);
  keys.u32("broker_timeout_ms", web.broker_timeout_ms, 10, 600'000);
  keys.u32("resync_after_ms", web.resync_after_ms, 100, 600'000);
}

}  // namespace

Result<Config> parse_config(std::string_view toml_text, std::string_view source_name) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    return make_error(where(source_name, e.source()) + ": " + std::string(e.description()));
  }
  Config config;
  std::vector<std::string> problems;
  KeyReader keys(source_name, problems);
  keys.enter(root, "broker");
  read_broker(keys, config.broker);
  keys.leave();
  keys.enter(root, "node");
  read_node(keys, config.node, source_name, problems);
  keys.leave();
  keys.enter(root, "web");
  read_web(keys, config.web);
  keys.leave();
  keys.enter(root, "log");
  keys.string("level", config.log_level);
  keys.leave();
  static const std::set<std::string> kLevels = {"trace", "debug", "info", "warn", "error", "off"};
  if (!kLevels.count(config.log_level))
    problems.push_back(std::string(source_name) +
                       ": log.level: must be one of trace, debug, info, warn, error, off");
  for (const auto& entry : root) {
    const toml::key& key = entry.first;
    if (key != "broker" && key != "node" && key != "web" && key != "log")
      problems.push_back(where(source_name, key.source()) + ": " + std::string(key.str()) +
                         ": unknown section (known: broker, node, web, log)");
  }
  if (!problems.empty()) {
    std::string message;
    for (const auto& p : problems) message += (message.empty() ? "" : "\n") + p;
    return make_error(message);
  }
  return config;
}

Result<Config> load_config(const std::filesystem::path& path) {
  std::ifstream file(path);
  if (!file) return make_error(path.string() + ": cannot open config file");
  std::stringstream text;
  text << file.rdbuf();
  return parse_config(text.str(), path.string());
}

}  // namespace simsel
