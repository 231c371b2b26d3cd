// JobStore: the broker's SQLite file of jobs — spec, state, latest job document and, once a
// job ends, its per-system results (one compact BLOB, see system_results.h) — so that jobs and
// their results outlive the broker process. One connection, used by the broker loop only (not
// thread-safe). Writes happen on submit, on every state change and, for a running job, once per
// checkpoint interval (a row; the replay log's bytes go to a file per job, see replay_log.h), not
// per result.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "broker/store/replay_log.h"
#include "broker/store/system_results.h"

struct sqlite3;

namespace simsel {

struct StoredJob {
  std::uint64_t job_id = 0;
  std::string state;
  nlohmann::json spec;
  nlohmann::json document;
};

class JobStore {
 public:
  // Opens (creating if needed) the database file. Throws std::runtime_error if it cannot.
  explicit JobStore(const std::filesystem::path& file);
  ~JobStore();
  JobStore(const JobStore&) = delete;
  JobStore& operator=(const JobStore&) = delete;

  void insert(std::uint64_t job_id, const nlohmann::json& spec, const nlohmann::json& document);
  void update(std::uint64_t job_id, const std::string& state, const nlohmann::json& document);
  std::vector<StoredJob> load_all() const;
  // The spec of a job; empty if the job is unknown.
  std::optional<nlohmann::json> load_spec(std::uint64_t job_id) const;
  // Per-system results of an ended job (replaces any earlier ones); empty if none were kept.
  void save_results(std::uint64_t job_id, const SystemResults& results);
  std::optional<SystemResults> load_results(std::uint64_t job_id) const;
  std::uint64_t max_job_id() const;

  // Appends a checkpoint of a job: its records to the job's log file (<dir>/replay/<id>.log),
  // then a row with where they are and the counters. The row is the commit: a log file's bytes
  // past the last row's segment (a broker killed mid-write) are never read.
  void append_checkpoint(std::uint64_t job_id, const JobCheckpoint& checkpoint);
  // What a job is resumed from; empty when it has no checkpoint.
  std::optional<ReplaySource> replay_source(std::uint64_t job_id) const;
  // A job that ended needs none: its rows and log file go.
  void delete_checkpoints(std::uint64_t job_id);

 private:
  void exec(const char* sql) const;
  std::filesystem::path log_file(std::uint64_t job_id) const;
  sqlite3* db_ = nullptr;
  std::filesystem::path replay_dir_;
};

}  // namespace simsel
