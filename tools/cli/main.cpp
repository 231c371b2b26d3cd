// simsel: the command-line client. `run` runs a job on an embedded broker with local worker
// threads; submit, status, list, cancel, stop, pause, resume, extend, priority and watch talk
// to a running simsel-broker.
// Exit codes: 0 done (job succeeded or was stopped early with a result; for `status`, also
// still queued or running), 1 job failed or was cancelled, 2 bad input, 3 broker unreachable or
// other runtime failure.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <sstream>

#include "broker/procedures/procedure_catalog.h"
#include "common/jobspec/job_spec.h"
#include "tools/cli/broker_client.h"
#include "tools/cli/local_cluster.h"
#include "tools/cli/procedure_table.h"
#include "tools/cli/report.h"
#include "tools/cli/stats_feed.h"

namespace {

using namespace simsel;

constexpr int kJobFailed = 1, kBadInput = 2, kRuntime = 3;

struct Options {
  std::string config_path;
  std::string broker_endpoint;
  std::string stats_endpoint;
  std::string job_file;
  std::uint64_t job_id = 0;
  bool has_job_id = false;
  std::uint32_t workers = 0;
  bool json = false;
  std::uint32_t timeout_ms = 5000;
  double weight = 1;  // priority
  std::uint64_t budget = 0, max_replications = 0;  // extend; 0: not given
};

int fail(const std::string& message, int code) {
  std::cerr << "simsel: " << message << "\n";
  return code;
}

// A job still queued or running has not failed: `status` of it succeeds.
int exit_code_for(const nlohmann::json& document) {
  const std::string state = document.value("state", "");
  return state == "succeeded" || state == "stopped" || state == "queued" || state == "running"
             ? 0
             : kJobFailed;
}

int show(const nlohmann::json& document, bool json) {
  if (json)
    std::cout << result_json(document).dump(2) << "\n";
  else
    print_result(std::cout, document);
  return exit_code_for(document);
}

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Follows a job, drawing the progress line on a terminal; returns the final document.
Result<nlohmann::json> follow(zmq::context_t& context, BrokerClient& client,
                              const std::string& stats, std::uint64_t job_id) {
  const bool terminal = isatty(STDERR_FILENO);
  LiveFigures figures;
  auto final = follow_job(context, client, stats, job_id, [&](const nlohmann::json& document) {
    const JobFigures now = figures.update(document, steady_seconds());
    if (terminal) std::cerr << "\r\033[K" << progress_line(now) << std::flush;
  });
  if (terminal) std::cerr << "\n";
  return final;
}

int run_local(Options& options, Config config) {
  auto spec = load_job_file(options.job_file);
  if (!spec) return fail(spec.error().message, kBadInput);
  if (options.workers) config.node.threads = options.workers;
  config = with_inproc_endpoints(config);
  zmq::context_t context;
  LocalCluster cluster(context, config);
  BrokerClient client(context, cluster.client_endpoint());
  auto submitted = client.request("SUBMIT", {{"spec", spec.value()}});
  if (!submitted) return fail(submitted.error().message, kBadInput);
  auto final = follow(context, client, cluster.stats_endpoint(), submitted.value()["job_id"]);
  if (!final) return fail(final.error().message, kRuntime);
  return show(final.value(), options.json);
}

int remote(const std::string& command, Options& options, const Config& config) {
  zmq::context_t context;
  BrokerClient client(
      context,
      options.broker_endpoint.empty() ? config.broker.client_endpoint : options.broker_endpoint,
      std::chrono::milliseconds(options.timeout_ms));
  const std::string stats =
      options.stats_endpoint.empty() ? config.broker.stats_endpoint : options.stats_endpoint;
  auto print_error = [](const Error& error) {
    return fail(error.message, error.code == 0 || error.code >= 500 ? kRuntime : kBadInput);
  };
  if (command == "submit") {
    auto spec = load_job_file(options.job_file);
    if (!spec) return fail(spec.error().message, kBadInput);
    auto reply = client.request("SUBMIT", {{"spec", spec.value()}});
    if (!reply) return print_error(reply.error());
    std::cout << reply.value()["job_id"].get<std::uint64_t>() << "\n";
    return 0;
  }
  if (command == "list" || (command == "status" && !options.has_job_id)) {
    auto reply = client.request("LIST");
    if (!reply) return print_error(reply.error());
    if (options.json) {
      std::cout << reply.value()["jobs"].dump(2) << "\n";
    } else {
      LiveFigures figures;
      for (const auto& job : reply.value()["jobs"])
        std::cout << progress_line(figures.update(job, steady_seconds())) << "\n";
    }
    return 0;
  }
  if (command == "status") {
    auto reply = client.request("STATUS", {{"job_id", options.job_id}});
    if (!reply) return print_error(reply.error());
    return show(reply.value()["job"], options.json);
  }
  if (command == "stop") {  // the ended job's result, as status shows it
    auto reply = client.request("STOP", {{"job_id", options.job_id}});
    if (!reply) return print_error(reply.error());
    return show(reply.value()["job"], options.json);
  }
  // The controls that answer with one line: "job 7 paused".
  const auto control = [&](const char* request, nlohmann::json fields, const std::string& done) {
    fields["job_id"] = options.job_id;
    auto reply = client.request(request, fields);
    if (!reply) return print_error(reply.error());
    std::cout << "job " << options.job_id << " " << done << "\n";
    return 0;
  };
  if (command == "pause") return control("PAUSE", nlohmann::json::object(), "paused");
  if (command == "resume") return control("RESUME", nlohmann::json::object(), "resumed");
  if (command == "cancel") return control("CANCEL", nlohmann::json::object(), "cancelled");
  if (command == "priority") {
    std::ostringstream done;
    done << "priority " << options.weight;
    return control("PRIORITY", {{"weight", options.weight}}, done.str());
  }
  if (command == "extend") {
    nlohmann::json fields = nlohmann::json::object();
    if (options.budget) fields["budget"] = options.budget;
    if (options.max_replications) fields["max_replications"] = options.max_replications;
    return control("EXTEND", std::move(fields), "extended");
  }
  auto final = follow(context, client, stats, options.job_id);  // watch
  if (!final) return print_error(final.error());
  return show(final.value(), options.json);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"simsel: parallel ranking and selection of simulated systems"};
  app.require_subcommand(1);
  Options options;
  app.add_option("-c,--config", options.config_path,
                 "config file (default conf/local.toml for run)");
  app.add_option("--broker", options.broker_endpoint,
                 "broker client endpoint (overrides broker.client_endpoint)");
  app.add_option("--stats", options.stats_endpoint,
                 "broker stats endpoint (overrides broker.stats_endpoint)");
  app.add_option("--timeout-ms", options.timeout_ms,
                 "how long to wait for the broker's answer (default 5000)");

  auto* run =
      app.add_subcommand("run", "run a job on an embedded broker with local worker threads");
  run->add_option("job", options.job_file, "job spec file (.toml or .json)")->required();
  run->add_option("-w,--workers", options.workers,
                  "worker threads (default: node.threads, 0 = cores)");
  run->add_flag("--json", options.json, "print the result as one JSON document");
  auto* submit = app.add_subcommand("submit", "submit a job to a running broker; prints its id");
  submit->add_option("job", options.job_file, "job spec file (.toml or .json)")->required();
  auto* status = app.add_subcommand("status", "show a job (or all jobs without an id)");
  status->add_option("id", options.job_id, "job id")->each([&](const std::string&) {
    options.has_job_id = true;
  });
  status->add_flag("--json", options.json, "print JSON");
  auto* list = app.add_subcommand("list", "list all jobs");
  list->add_flag("--json", options.json, "print JSON");
  // A subcommand on one job: `simsel NAME ID ...`.
  const auto job_command = [&](const char* name, const char* help) {
    CLI::App* command = app.add_subcommand(name, help);
    command->add_option("id", options.job_id, "job id")->required();
    return command;
  };
  job_command("cancel", "cancel a job");
  job_command("stop", "stop a running job now: the current best, stated as an early stop")
      ->add_flag("--json", options.json, "print the result as JSON");
  job_command("pause", "pause a job: no new tasks until resumed");
  job_command("resume", "resume a paused job");
  auto* extend = job_command(
      "extend", "more budget for a running fixed-budget job, or a higher replication limit");
  extend->add_option("--budget", options.budget, "the new budget N (larger than now)");
  extend->add_option("--max-replications", options.max_replications,
                     "the new limits.max_replications (larger than now)");
  job_command("priority", "set a job's weight in the fair share of worker slots (default 1)")
      ->add_option("weight", options.weight, "weight in [0.01, 1000]")
      ->required();
  job_command("watch", "follow a job live until it ends")
      ->add_flag("--json", options.json, "print the final result as JSON");
  auto* procedures = app.add_subcommand("procedures", "list the procedures and their parameters");
  procedures->add_flag("--json", options.json, "print the catalog as JSON");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kBadInput;  // --help is not an error; bad arguments are input
  }
  (void)submit;
  (void)list;

  if (procedures->parsed()) {  // the catalog is compiled in: no config, no broker
    if (options.json) {
      nlohmann::json catalog = nlohmann::json::array();
      for (const ProcedureDescription* procedure : procedure_catalog())
        catalog.push_back(procedure->to_json());
      std::cout << catalog.dump(2) << "\n";
    } else {
      for (const ProcedureDescription* procedure : procedure_catalog())
        std::cout << procedure->name << ": " << procedure->help << "\n  guarantee: "
                  << procedure->guarantee << "\n";
      std::cout << "\n" << procedure_parameters_markdown();
    }
    return 0;
  }
  const bool local = run->parsed();
  if (options.config_path.empty() && local && access("conf/local.toml", R_OK) == 0)
    options.config_path = "conf/local.toml";
  Config config;
  if (!options.config_path.empty()) {
    auto loaded = load_config(options.config_path);
    if (!loaded) return fail(loaded.error().message, kBadInput);
    config = loaded.value();
  }
  spdlog::set_level(local ? spdlog::level::warn : spdlog::level::from_str(config.log_level));
  try {
    if (local) return run_local(options, config);
    return remote(app.get_subcommands().front()->get_name(), options, config);
  } catch (const std::exception& e) {
    return fail(e.what(), kRuntime);
  }
}
