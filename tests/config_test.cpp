// Config files: defaults, overrides, and every kind of error with file:line:column and key path.
#include "common/config/config.h"

#include <catch2/catch.hpp>

using namespace simsel;

TEST_CASE("an empty config keeps every default", "[config]") {
  auto config = parse_config("", "empty.toml");
  REQUIRE(config.ok());
  CHECK(config->broker.heartbeat_ms == 1000);
  CHECK(config->broker.liveness == 3);
  CHECK(config->node.threads == 0);
  CHECK(config->log_level == "info");
}

TEST_CASE("values override defaults", "[config]") {
  auto config = parse_config(
      "[broker]\nheartbeat_ms = 250\n[node]\nthreads = 4\n[log]\nlevel = \"debug\"\n", "x.toml");
  REQUIRE(config.ok());
  CHECK(config->broker.heartbeat_ms == 250);
  CHECK(config->node.threads == 4);
  CHECK(config->log_level == "debug");
}

TEST_CASE("config errors name the file position and the key", "[config]") {
  SECTION("unknown key") {
    auto config = parse_config("[broker]\nheartbeat_ms = 250\nhartbeat = 1\n", "b.toml");
    REQUIRE_FALSE(config.ok());
    CHECK(config.error().message == "b.toml:3:1: broker.hartbeat: unknown key");
  }
  SECTION("unknown section") {
    auto config = parse_config("[brokr]\n", "b.toml");
    REQUIRE_FALSE(config.ok());
    CHECK_THAT(config.error().message, Catch::Contains("b.toml:1:2: brokr: unknown section"));
  }
  SECTION("wrong type") {
    auto config = parse_config("[node]\nthreads = \"four\"\n", "n.toml");
    REQUIRE_FALSE(config.ok());
    CHECK(config.error().message == "n.toml:2:11: node.threads: must be an integer");
  }
  SECTION("out of range") {
    auto config = parse_config("[broker]\nliveness = 0\n", "b.toml");
    REQUIRE_FALSE(config.ok());
    CHECK(config.error().message == "b.toml:2:12: broker.liveness: must be between 1 and 100");
  }
  SECTION("syntax error") {
    auto config = parse_config("[broker\n", "b.toml");
    REQUIRE_FALSE(config.ok());
    CHECK_THAT(config.error().message, Catch::StartsWith("b.toml:1:"));
  }
  SECTION("bad log level") {
    auto config = parse_config("[log]\nlevel = \"loud\"\n", "l.toml");
    REQUIRE_FALSE(config.ok());
    CHECK_THAT(config.error().message, Catch::Contains("log.level: must be one of"));
  }
  SECTION("every problem is reported") {
    auto config = parse_config("[broker]\nliveness = 0\nfoo = 1\n", "b.toml");
    REQUIRE_FALSE(config.ok());
    CHECK_THAT(config.error().message, Catch::Contains("liveness") && Catch::Contains("foo"));
  }
}

TEST_CASE("the shipped config files load", "[config]") {
  for (const char* name :
       {"conf/broker.toml", "conf/node.toml", "conf/local.toml", "conf/web.toml"}) {
    auto config = load_config(std::string(SIMSEL_SOURCE_DIR) + "/" + name);
    INFO(name);
    CHECK(config.ok());
  }
}

TEST_CASE("the web section: defaults, overrides, and errors with file:line", "[config][web]") {
  auto defaults = parse_config("", "w.toml");
  REQUIRE(defaults.ok());
  CHECK(defaults->web.port == 8080);
  CHECK(defaults->web.sse_heartbeat_ms == 15000);
  CHECK(defaults->web.static_dir.empty());
  auto config = parse_config(
      "[web]\nport = 0\nmax_viewers = 10\nstatic_dir = \"/srv/page\"\nmax_body_bytes = 4096\n",
      "w.toml");
  REQUIRE(config.ok());
  CHECK(config->web.port == 0);
  CHECK(config->web.max_viewers == 10);
  CHECK(config->web.static_dir == "/srv/page");
  CHECK(config->web.max_body_bytes == 4096);
  auto unknown = parse_config("[web]\nport = 80\nviewers = 3\n", "w.toml");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().message == "w.toml:3:1: web.viewers: unknown key");
  auto range = parse_config("[web]\nport = 70000\n", "w.toml");
  REQUIRE_FALSE(range.ok());
  CHECK(range.error().message == "w.toml:2:8: web.port: must be between 0 and 65535");
}

TEST_CASE("node.models: process and plugin models, paths relative to the config file",
          "[config][models]") {
  auto config = parse_config(R"([[node.models]]
name = "mm1"
command = ["/usr/bin/python3", "examples/models/mm1_queue.py"]
directory = ".."
timeout_s = 5
[[node.models]]
name = "fast"
plugin = "lib/libfast.so"
)",
                             "/etc/simsel/node.toml");
  REQUIRE(config.ok());
  REQUIRE(config->node.models.size() == 2);
  const ModelConfig& mm1 = config->node.models[0];
  CHECK(mm1.command == std::vector<std::string>{"/usr/bin/python3", "examples/models/mm1_queue.py"});
  CHECK(mm1.directory == "/etc");
  CHECK(mm1.timeout_s == 5);
  CHECK(config->node.models[1].plugin == "/etc/simsel/lib/libfast.so");
  CHECK(config->node.models[1].timeout_s == 60);
}

TEST_CASE("malformed: node.models entries name what is wrong", "[config][models][malformed]") {
  const auto error = [](const char* text) {
    auto config = parse_config(text, "n.toml");
    return config ? std::string("(accepted)") : config.error().message;
  };
  CHECK_THAT(error("[[node.models]]\nname = \"x\"\n"),
             Catch::Contains("node.models[0]: give either command (an argument vector) or plugin"));
  CHECK_THAT(error("[[node.models]]\nname = \"x\"\ncommand = [\"a\"]\nplugin = \"b.so\"\n"),
             Catch::Contains("give either command"));
  CHECK_THAT(error("[[node.models]]\ncommand = [\"a\"]\n"), Catch::Contains("name: required"));
  CHECK_THAT(error("[[node.models]]\nname = \"a b\"\ncommand = [\"a\"]\n"),
             Catch::Contains("'a b' is not a model name"));
  CHECK_THAT(error("[[node.models]]\nname = \"x\"\ncommand = [\"a\"]\ntimeout = 3\n"),
             Catch::Contains("node.models[0].timeout: unknown key"));
  CHECK_THAT(error("[[node.models]]\nname = \"x\"\ncommand = \"python3 m.py\"\n"),
             Catch::Contains("node.models[0].command"));
  CHECK_THAT(error("[[node.models]]\nname = \"tp\"\ncommand = [\"a\"]\n"),
             Catch::Contains("node.models[0]: name: 'tp' is a built-in model's name"));
  CHECK_THAT(error("[[node.models]]\nname = \"x\"\ncommand = [\"a\"]\n"
                   "[[node.models]]\nname = \"x\"\nplugin = \"x.so\"\n"),
             Catch::Contains("node.models[1]: name: 'x' is already offered"));
}
