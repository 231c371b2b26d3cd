// simsel-web: the web front of a simsel cluster. Serves the REST API, the live event streams,
// /metrics and the page's static files (docs/HTTP_API.md), as a client of the broker named in
// its config ([web] section of conf/web.toml). Stops on SIGINT/SIGTERM.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "frontend/server/web_server.h"

int main(int argc, char** argv) {
  CLI::App app{"simsel-web: HTTP API, live event streams and page of a simsel cluster"};
  std::string config_path, listen, broker, stats, static_dir;
  std::optional<std::uint32_t> port;
  app.add_option("-c,--config", config_path, "config file (TOML; see conf/web.toml)");
  app.add_option("--listen", listen, "address to listen on (overrides web.listen_address)");
  app.add_option("--port", port, "HTTP port (overrides web.port; 0: any free port)");
  app.add_option("--broker", broker,
                 "broker client endpoint (overrides web.broker_client_endpoint)");
  app.add_option("--stats", stats, "broker stats endpoint (overrides web.broker_stats_endpoint)");
  app.add_option("--static-dir", static_dir, "directory of the page (overrides web.static_dir)");
  CLI11_PARSE(app, argc, argv);

  simsel::Config config;
  if (!config_path.empty()) {
    auto loaded = simsel::load_config(config_path);
    if (!loaded) {
      std::cerr << "simsel-web: " << loaded.error().message << "\n";
      return 2;
    }
    config = loaded.value();
  }
  if (!listen.empty()) config.web.listen_address = listen;
  if (port) config.web.port = *port;
  if (!broker.empty()) config.web.broker_client_endpoint = broker;
  if (!stats.empty()) config.web.broker_stats_endpoint = stats;
  if (!static_dir.empty()) config.web.static_dir = static_dir;
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  try {
    zmq::context_t context;
    simsel::web::WebServer server(context, config.web);
    server.stop_on_signals();
    // The port line is for scripts that start simsel-web on port 0.
    std::cout << "simsel-web listening on port " << server.port() << std::endl;
    server.run();
  } catch (const std::exception& e) {
    std::cerr << "simsel-web: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
