// JobStore: the broker's SQLite file of jobs — spec, state and latest job document — so that
// jobs and their results outlive the broker process. One connection, used by the broker loop
// only (not thread-safe). Writes happen on submit and on every state change, not per result.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

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
  std::uint64_t max_job_id() const;

 private:
  void exec(const char* sql) const;
  sqlite3* db_ = nullptr;
};

}  // namespace simsel
