// ModelProcess: one running model of docs/MODEL_PROTOCOL.md, seen from the node: spawned from
// its config's command with three pipes, greeted with HELLO, then asked RUN after RUN. Every
// exchange polls stdout and stderr under a deadline, so a hung model is killed rather than
// waited for; stderr lines go to the node's log prefixed with the model's name, and the last
// few are kept for the message of a failed task. One per compute thread and model: not
// thread-safe. Not here: which states a replication gets or how outputs are checked
// (nodes/worker/task_runner.h), the codec (model_messages.h).
#pragma once

#include <sys/types.h>

#include <deque>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "common/config/config.h"
#include "common/models/model_descriptor.h"
#include "common/util/result.h"
#include "nodes/models/model_messages.h"

namespace simsel {

class ModelProcess {
 public:
  // Spawns config.command (no shell; PATH searched; in config.directory if set) and exchanges
  // HELLO. Errors, code protocol::kModelFailed: the command cannot be started; the process
  // exits, hangs past config.timeout_s or answers without a valid HELLO; its HELLO names
  // another model than config.name. Once `stop` is requested, an exchange under way ends
  // within kStopPollMs: the process is killed and the exchange fails with kModelFailed (a node
  // that stops must not wait out a model's timeout_s).
  static Result<std::unique_ptr<ModelProcess>> start(const ModelConfig& config,
                                                     std::stop_token stop = {});
  static constexpr int kStopPollMs = 100;

  ModelProcess(const ModelProcess&) = delete;
  ModelProcess& operator=(const ModelProcess&) = delete;
  // Closes stdin (the model's cue to exit), gives it a moment, then SIGKILLs its process group
  // (so helpers it started go too); always reaps it.
  ~ModelProcess();

  const ModelDescriptor& descriptor() const { return descriptor_; }
  pid_t pid() const { return pid_; }
  // False once the process died, was killed or broke the framing: the caller starts a new one.
  bool alive() const { return pid_ > 0; }

  // One RUN of `expected` replications: the model's RESULT (outputs all numbers, exactly
  // `expected` of them) or its ERROR. Errors: protocol::kModelFailed when the process died,
  // hung or wrote something that is not a frame (it is dead afterwards); protocol::kInvalidSpec
  // when it answered in frames but wrongly (a wrong count, a non-number, another command).
  Result<model_protocol::Reply> run(std::uint64_t job_id,
                                    const std::vector<model_protocol::RunEntry>& entries,
                                    std::size_t expected);

 private:
  ModelProcess(const ModelConfig& config, std::stop_token stop)
      : config_(config), stop_(std::move(stop)) {}

  // Writes `frame` and reads one answer frame (its payload). On failure the process is dead.
  Result<std::string> exchange(const std::string& frame, const char* request);
  bool read_stdout();
  void read_stderr();
  void log_stderr_lines(bool flush_partial);
  // The error of a dead process: `what` happened, its exit status if it ended by itself, and
  // the last lines of its stderr.
  Error died(const std::string& what, bool ended_by_itself = false);
  void kill_and_reap();
  std::string describe_exit(int status) const;
  std::string stderr_tail() const;

  ModelConfig config_;
  std::stop_token stop_;
  ModelDescriptor descriptor_;
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  std::string stdout_buffer_;
  std::string stderr_partial_;
  std::deque<std::string> stderr_lines_;  // the last kKeptStderrLines, for error messages
  int exit_status_ = -1;                  // waitpid status once reaped
};

}  // namespace simsel
