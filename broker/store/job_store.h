// JobStore: the broker's SQLite file of jobs — spec, state, latest job document and, once a
// job ends, its per-system results (one compact BLOB, see system_results.h) — so that jobs and
// their results outlive the broker process. One connection, used by the broker loop only (not
// thread-safe). Writes happen on submit, on every state change and, for a running job, once per
// checkpoint interval (its replay log since the last one, see replay_log.h), not per result.
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

  // Appends a checkpoint of a job (one transaction: it is there whole or not at all).
  void append_checkpoint(std::uint64_t job_id, const JobCheckpoint& checkpoint);
  // A job's checkpoints, oldest first.
  std::vector<JobCheckpoint> load_checkpoints(std::uint64_t job_id) const;
  // A job that ended needs none.
  void delete_checkpoints(std::uint64_t job_id);
  // Bytes of checkpoints kept for a job (its replay log's size).
  std::uint64_t checkpoint_bytes(std::uint64_t job_id) const;

 private:
  void exec(const char* sql) const;
  sqlite3* db_ = nullptr;
};

}  // namespace simsel
