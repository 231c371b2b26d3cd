// See task_runner.h. Generator g of replication r of system i is substream r * streams + g of
// the system's stream (docs/MODEL_PROTOCOL.md), so with one generator per replication an
// external model draws exactly what a built-in one would.
#include "nodes/worker/task_runner.h"

#include <spdlog/spdlog.h>

#include <cmath>

#include "common/models/model_catalog.h"
#include "nodes/worker/replicate.h"

namespace simsel {
namespace {

std::string replication_name(const protocol::Task& task, std::size_t position) {
  for (std::size_t e = 0; e < task.systems.size(); ++e) {
    if (position < task.rep_counts[e])
      return "system " + std::to_string(task.systems[e]) + ", replication " +
             std::to_string(task.rep_begins[e] + position);
    position -= task.rep_counts[e];
  }
  return "output " + std::to_string(position);
}

// Every output must be a finite number: NaN or infinity would poison every mean it enters.
Status check_finite(const std::string& model, const protocol::Task& task,
                    const std::vector<double>& values) {
  for (std::size_t k = 0; k < values.size(); ++k) {
    if (!std::isfinite(values[k]))
      return make_error("model '" + model + "' gave " +
                            (std::isnan(values[k]) ? std::string("NaN")
                                                   : std::string(values[k] > 0 ? "+inf" : "-inf")) +
                            " for " + replication_name(task, k) + " (outputs must be finite)",
                        protocol::kInvalidSpec);
  }
  return Ok{};
}

Status check_systems_in_range(const SystemSet& systems, const protocol::Task& task) {
  for (std::size_t e = 0; e < task.systems.size(); ++e) {
    if (task.systems[e] >= systems.size())
      return make_error("TASK.systems[" + std::to_string(e) + "]: system " +
                            std::to_string(task.systems[e]) + " out of range (the job has " +
                            std::to_string(systems.size()) + ")",
                        protocol::kBadMessage);
  }
  return Ok{};
}

// The generator states of replications first .. first+count-1, `streams` generators each.
void append_states(ReplicationCursor cursor, std::uint64_t generators,
                   std::vector<std::uint64_t>& states) {
  states.reserve(states.size() + 6 * generators);
  for (std::uint64_t g = 0; g < generators; ++g) {
    const Mrg32k3a generator = cursor.next();
    states.insert(states.end(), generator.state().begin(), generator.state().end());
  }
}

}  // namespace

std::vector<std::unique_ptr<ExternalModel>> describe_external_models(
    const std::vector<ModelConfig>& configs) {
  std::vector<std::unique_ptr<ExternalModel>> models;
  for (const ModelConfig& config : configs) {
    auto model = std::make_unique<ExternalModel>();
    model->config = config;
    if (!config.plugin.empty()) {
      auto plugin = PluginModel::load(config);
      if (!plugin) {
        spdlog::error("node: model '{}' is not offered: {}", config.name, plugin.error().message);
        continue;
      }
      model->descriptor = plugin.value()->descriptor();
      model->plugin = std::move(plugin.value());
    } else {
      auto process = ModelProcess::start(config);
      if (!process) {
        spdlog::error("node: model '{}' is not offered: {}", config.name, process.error().message);
        continue;
      }
      model->descriptor = process.value()->descriptor();
    }
    spdlog::info("node: offers {} model '{}' ({} parameters, {})", model->descriptor.kind,
                 config.name, model->descriptor.schema["params"].size(),
                 model->descriptor.larger_is_better ? "larger is better" : "smaller is better");
    models.push_back(std::move(model));
  }
  return models;
}

std::shared_ptr<const JobContext> make_job_context(
    const protocol::JobDefinition& job, const std::vector<std::unique_ptr<ExternalModel>>& models) {
  auto context = std::make_shared<JobContext>(JobContext{"", ReplicationStreams(job.seed, job.crn)});
  auto systems = nlohmann::json::parse(job.systems_json, nullptr, false);
  if (systems.is_discarded()) {
    context->error = "JOB.systems: not JSON";
    return context;
  }
  if (find_builtin_model(job.model)) {
    auto model = make_model(job.model, systems);
    if (model)
      context->builtin = std::move(model.value());
    else
      context->error = model.error().message;
    return context;
  }
  for (const auto& model : models) {
    if (model->config.name == job.model) context->external = model.get();
  }
  if (context->external == nullptr) {
    context->error = "this node does not run model '" + job.model + "'";
    return context;
  }
  auto set = make_system_set(job.model, systems);
  if (!set) {
    context->error = set.error().message;
    return context;
  }
  context->systems = std::move(set.value());
  if (const PluginModel* plugin = context->external->plugin.get()) {
    const nlohmann::json& schema = context->external->descriptor.schema["params"];
    for (const std::string& name : plugin->param_names()) {
      context->plugin_columns.push_back(column_of(context->systems->param_names(), name));
      const nlohmann::json fallback = schema[name].value("default", nlohmann::json());
      context->plugin_defaults.push_back(fallback.is_number() ? fallback.get<double>() : NAN);
    }
  }
  return context;
}

Result<std::vector<double>> TaskRunner::run(const JobContext& job, const protocol::Task& task) {
  if (job.builtin) {
    try {
      return run_replications(*job.builtin, job.streams, task);
    } catch (const std::exception& e) {  // a model fault fails its task, not the node
      return make_error(std::string("model error: ") + e.what(), protocol::kInvalidSpec);
    }
  }
  if (Status ok = check_systems_in_range(*job.systems, task); !ok) return ok.error();
  Result<std::vector<double>> values =
      job.external->plugin ? run_plugin(job, task) : run_process(job, task);
  if (!values) return values;
  if (Status ok = check_finite(job.external->config.name, task, *values); !ok) return ok.error();
  return values;
}

Result<std::vector<double>> TaskRunner::run_plugin(const JobContext& job,
                                                   const protocol::Task& task) {
  const PluginModel& plugin = *job.external->plugin;
  const std::uint32_t generators = job.external->descriptor.streams;
  std::vector<double> columns(job.systems->param_names().size());
  std::vector<double> params(plugin.param_names().size());
  std::vector<std::uint64_t> states;
  std::vector<double> values(task.replication_count());
  std::size_t position = 0;
  StreamWalker walker(job.streams);
  for (std::size_t e = 0; e < task.systems.size(); ++e) {
    const std::uint64_t system = task.systems[e];
    (void)job.systems->numbers(system, columns);
    for (std::size_t k = 0; k < params.size(); ++k) {
      const int column = job.plugin_columns[k];
      params[k] = column >= 0 && !std::isnan(columns[column]) ? columns[column]
                                                              : job.plugin_defaults[k];
    }
    states.clear();
    append_states(walker.cursor(system, task.rep_begins[e] * generators),
                  std::uint64_t{generators} * task.rep_counts[e], states);
    if (Status ok = plugin.simulate(params.data(), system, task.rep_begins[e], task.rep_counts[e],
                                    states.data(), values.data() + position);
        !ok)
      return make_error("plugin '" + job.external->config.name + "' failed on system " +
                            std::to_string(system) + ", replications " +
                            std::to_string(task.rep_begins[e]) + ".." +
                            std::to_string(task.rep_begins[e] + task.rep_counts[e] - 1) + ": " +
                            ok.error().message,
                        protocol::kInvalidSpec);
    position += task.rep_counts[e];
  }
  return values;
}

Result<std::vector<double>> TaskRunner::run_process(const JobContext& job,
                                                    const protocol::Task& task) {
  const ExternalModel& model = *job.external;
  std::unique_ptr<ModelProcess>& process = processes_[model.config.name];
  if (!process || !process->alive()) {
    process.reset();
    auto started = ModelProcess::start(model.config, stop_);
    if (!started) return started.error();
    process = std::move(started.value());
  }
  // A task can hold millions of replications: it goes to the model as RUNs of at most
  // kMaxRunStateWords state words each (an entry split across RUNs where it must), so no frame
  // nears model_protocol::kMaxFrameBytes and the node never holds a whole task's states.
  const std::uint64_t words_per_replication = 6ull * model.descriptor.streams;
  const std::uint64_t replications_per_run =
      std::max<std::uint64_t>(1, kMaxRunStateWords / words_per_replication);
  std::vector<double> outputs;
  outputs.reserve(task.replication_count());
  std::vector<model_protocol::RunEntry> entries;
  std::uint64_t in_run = 0;  // replications in `entries`
  StreamWalker walker(job.streams);
  const auto send_run = [&]() -> Status {
    Result<model_protocol::Reply> reply = process->run(task.job_id, entries, in_run);
    if (!reply) return reply.error();
    if (auto* error = std::get_if<model_protocol::ModelError>(&reply.value())) {
      std::string where;
      if (error->entry >= 0 && static_cast<std::size_t>(error->entry) < entries.size())
        where = " (entry " + std::to_string(error->entry) + ": system " +
                std::to_string(entries[error->entry].system) + ")";
      return make_error("model '" + model.config.name + "' answered ERROR" + where + ": " +
                            error->message,
                        protocol::kInvalidSpec);
    }
    const auto& values = std::get<model_protocol::Outputs>(reply.value()).values;
    outputs.insert(outputs.end(), values.begin(), values.end());
    entries.clear();
    in_run = 0;
    return Ok{};
  };
  for (std::size_t e = 0; e < task.systems.size(); ++e) {
    std::uint64_t first = task.rep_begins[e];
    std::uint64_t left = task.rep_counts[e];
    while (left > 0) {
      if (in_run == replications_per_run)
        if (Status sent = send_run(); !sent) return sent.error();
      const std::uint64_t count = std::min(left, replications_per_run - in_run);
      model_protocol::RunEntry& entry = entries.emplace_back();
      entry.system = task.systems[e];
      entry.params = job.systems->params(entry.system);
      entry.first = first;
      entry.count = static_cast<std::uint32_t>(count);
      append_states(walker.cursor(entry.system, first * model.descriptor.streams),
                    model.descriptor.streams * count, entry.states);
      in_run += count;
      first += count;
      left -= count;
    }
  }
  if (in_run > 0)
    if (Status sent = send_run(); !sent) return sent.error();
  return outputs;
}

}  // namespace simsel
