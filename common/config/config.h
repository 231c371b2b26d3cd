// Process configuration (conf/*.toml): the broker's, the node's and the web front's settings,
// loaded from TOML.
// Every key has a default (documented in conf/*.toml); an unknown key, a wrong type or an
// out-of-range value is an error naming file:line:column and the key path.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/util/result.h"

namespace simsel {

struct BrokerConfig {
  std::string worker_endpoint = "tcp://127.0.0.1:5555";
  std::string client_endpoint = "tcp://127.0.0.1:5556";
  std::string stats_endpoint = "tcp://127.0.0.1:5557";
  std::filesystem::path data_dir = "data";  // holds simsel.sqlite
  std::uint32_t heartbeat_ms = 1000;
  std::uint32_t liveness = 3;
  std::uint32_t prefetch = 2;                   // tasks in flight per worker beyond its slots
  std::uint32_t publish_hz = 10;                // stats updates per second per job, at most
  std::uint32_t task_target_ms = 20;            // aimed compute time of one task
  std::uint32_t max_task_replications = 65536;  // replications per task, at most
  std::uint64_t max_message_bytes = 64ull << 20;
  std::uint32_t checkpoint_interval_ms = 1000;  // running jobs' checkpoints, at most this apart
};

// A model users bring, as a node runs it (conf/node.toml, [[node.models]]; docs/MODELS.md).
struct ModelConfig {
  std::string name;                  // must equal the name the model gives in its HELLO
  std::vector<std::string> command;  // a process model: its argument vector, run without a shell
  std::string plugin;     // a plugin model: its shared library (relative: to the config file)
  std::string directory;  // the process's working directory (relative: to the config file's
                          // directory); empty: the node's
  std::uint32_t timeout_s = 60;      // a RUN unanswered this long: the process is killed
};

struct NodeConfig {
  std::string broker_endpoint = "tcp://127.0.0.1:5555";
  std::uint32_t threads = 0;  // 0: one per core
  std::string name;           // empty: host:pid
  std::uint32_t heartbeat_ms = 1000;
  std::uint32_t liveness = 3;
  std::uint32_t reconnect_min_ms = 1000;
  std::uint32_t reconnect_max_ms = 32000;
  std::vector<ModelConfig> models;  // besides the built-in ones
};

struct WebConfig {
  std::string listen_address = "127.0.0.1";
  std::uint32_t port = 8080;  // 0: any free port (tests)
  std::string broker_client_endpoint = "tcp://127.0.0.1:5556";
  std::string broker_stats_endpoint = "tcp://127.0.0.1:5557";
  std::string static_dir;  // empty: frontend/web in the source tree
  std::uint64_t max_body_bytes = 1ull << 20;
  std::uint32_t max_viewers = 2000;          // open SSE streams, at most
  std::uint32_t sse_heartbeat_ms = 15000;    // comment line when a stream is quiet this long
  std::uint32_t sse_queue_events = 256;      // unsent events per stream before it is dropped
  std::uint32_t sse_replay_events = 512;     // events kept per stream for Last-Event-ID
  std::uint32_t sse_send_buffer_bytes = 0;   // kernel send buffer per stream; 0: system default
  std::uint32_t broker_timeout_ms = 5000;    // a broker request unanswered this long: 503
  std::uint32_t resync_after_ms = 3000;      // no fresh update this long: new snapshot
};

struct Config {
  BrokerConfig broker;
  NodeConfig node;
  WebConfig web;
  std::string log_level = "info";  // trace, debug, info, warn, error, off
};

// Loads a config file; sections absent from the file keep their defaults.
Result<Config> load_config(const std::filesystem::path& path);

// Same, from TOML text; `source_name` is used in error messages.
Result<Config> parse_config(std::string_view toml_text, std::string_view source_name);

}  // namespace simsel
