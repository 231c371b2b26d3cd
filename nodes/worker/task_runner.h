// TaskRunner: one compute thread's means of running a task of any model. Built-in models run
// in-process (run_replications), plugins by a call into the loaded library, and process models
// through this thread's own ModelProcess for that model: started on its first task, kept for
// every later task of every job, started afresh after it died or was killed. Each task is one
// RUN (all its entries in one batch), so the pipe round trip is paid per task, not per
// replication. Not here: the broker session and the queue (node.h).
#pragma once

#include <map>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "common/config/config.h"
#include "common/models/model_descriptor.h"
#include "common/models/system_set.h"
#include "common/protocol/messages.h"
#include "common/rng/replication_streams.h"
#include "nodes/models/model.h"
#include "nodes/models/model_process.h"
#include "nodes/models/plugin_model.h"

namespace simsel {

// A model a node runs besides the built-ins, described when the node starts.
struct ExternalModel {
  ModelConfig config;
  ModelDescriptor descriptor;
  std::unique_ptr<PluginModel> plugin;  // null: a process model
};

// The models of `configs` that describe themselves: a process model by starting it once for its
// HELLO, a plugin by loading it. One that fails is logged with its reason and left out.
std::vector<std::unique_ptr<ExternalModel>> describe_external_models(
    const std::vector<ModelConfig>& configs);

// What a node keeps of a job (the JOB message) to run its tasks; immutable once made, shared
// by the compute threads.
struct JobContext {
  std::string error;  // why the definition is unusable (the tasks then fail with it)
  ReplicationStreams streams;
  std::unique_ptr<Model> builtin;          // a built-in model's systems and simulator
  const ExternalModel* external = nullptr;  // else the external model ...
  std::unique_ptr<SystemSet> systems;       // ... and the job's systems
  // A plugin's parameters in its param_names order: the column of each in `systems`, or -1
  // for one the systems leave to the model's default, which `plugin_defaults` holds.
  std::vector<int> plugin_columns;
  std::vector<double> plugin_defaults;
};

// `models` must outlive the context.
std::shared_ptr<const JobContext> make_job_context(
    const protocol::JobDefinition& job, const std::vector<std::unique_ptr<ExternalModel>>& models);

class TaskRunner {
 public:
  // Once `stop` is requested, a model process's RUN under way ends at once (kModelFailed).
  explicit TaskRunner(std::stop_token stop = {}) : stop_(std::move(stop)) {}
  // The most MRG32k3a state words (6 per generator and replication) one RUN to a model process
  // carries, 16 MiB of them: a larger task goes as several RUNs.
  static constexpr std::uint64_t kMaxRunStateWords = 1u << 21;

  // The task's outputs in RESULT order. Error codes: kBadMessage (a system out of range),
  // kInvalidSpec (the model rejected a system or gave an output that is not a finite number:
  // the job cannot succeed), kModelFailed (a model process crashed, hung or broke its
  // protocol: worth a retry elsewhere). Messages name the model, and the system and
  // replication where one is at fault.
  Result<std::vector<double>> run(const JobContext& job, const protocol::Task& task);

 private:
  Result<std::vector<double>> run_plugin(const JobContext& job, const protocol::Task& task);
  Result<std::vector<double>> run_process(const JobContext& job, const protocol::Task& task);

  std::stop_token stop_;
  std::map<std::string, std::unique_ptr<ModelProcess>> processes_;  // by model name
};

}  // namespace simsel
