// See job_store.h. WAL mode keeps writes cheap; statements are prepared per call because they
// run a few times per job, not per result.
#include "broker/store/job_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <stdexcept>

namespace simsel {
namespace {

struct Statement {
  sqlite3_stmt* handle = nullptr;
  Statement(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &handle, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("sqlite prepare: ") + sqlite3_errmsg(db));
  }
  ~Statement() { sqlite3_finalize(handle); }
  void bind(int index, std::uint64_t value) {
    sqlite3_bind_int64(handle, index, static_cast<sqlite3_int64>(value));
  }
  void bind_blob(int index, const std::string& bytes) {
    sqlite3_bind_blob(handle, index, bytes.data(), static_cast<int>(bytes.size()),
                      SQLITE_TRANSIENT);
  }
  void bind(int index, const std::string& text) {
    sqlite3_bind_text(handle, index, text.c_str(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  std::string text(int column) {
    auto* chars = reinterpret_cast<const char*>(sqlite3_column_text(handle, column));
    return chars ? chars : "";
  }
};

void step_done(sqlite3* db, Statement& statement) {
  if (sqlite3_step(statement.handle) != SQLITE_DONE)
    throw std::runtime_error(std::string("sqlite step: ") + sqlite3_errmsg(db));
}

}  // namespace

JobStore::JobStore(const std::filesystem::path& file) {
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  if (sqlite3_open(file.c_str(), &db_) != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error("cannot open job store " + file.string() + ": " + message);
  }
  sqlite3_busy_timeout(db_, 2000);
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=NORMAL");
  exec(
      "CREATE TABLE IF NOT EXISTS jobs ("
      " job_id INTEGER PRIMARY KEY, state TEXT NOT NULL, spec TEXT NOT NULL,"
      " document TEXT NOT NULL, updated_at REAL NOT NULL DEFAULT (((julianday('now') - 2440587.5) "
      "* 86400.0)))");
  exec("CREATE TABLE IF NOT EXISTS results (job_id INTEGER PRIMARY KEY, systems BLOB NOT NULL)");
  exec(
      "CREATE TABLE IF NOT EXISTS job_checkpoints (seq INTEGER PRIMARY KEY, job_id INTEGER NOT "
      "NULL, log_offset INTEGER NOT NULL, log_length INTEGER NOT NULL, counters TEXT NOT NULL)");
  exec("CREATE INDEX IF NOT EXISTS job_checkpoints_by_job ON job_checkpoints (job_id, seq)");
  replay_dir_ = file.parent_path() / "replay";
  std::filesystem::create_directories(replay_dir_);
  // Left by a broker that stopped between storing a job's end and dropping its checkpoints.
  std::set<std::uint64_t> live;
  {
    Statement statement(db_, "SELECT job_id FROM jobs WHERE state IN ('queued', 'running')");
    while (sqlite3_step(statement.handle) == SQLITE_ROW)
      live.insert(static_cast<std::uint64_t>(sqlite3_column_int64(statement.handle, 0)));
  }
  exec(
      "DELETE FROM job_checkpoints WHERE job_id NOT IN"
      " (SELECT job_id FROM jobs WHERE state IN ('queued', 'running'))");
  for (const auto& entry : std::filesystem::directory_iterator(replay_dir_)) {
    const std::string stem = entry.path().stem().string();
    char* end = nullptr;
    const std::uint64_t id = std::strtoull(stem.c_str(), &end, 10);
    if (entry.path().extension() == ".log" && *end == '\0' && !live.count(id))
      std::filesystem::remove(entry.path());
  }
}

JobStore::~JobStore() {
  sqlite3_close(db_);
}

void JobStore::exec(const char* sql) const {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    throw std::runtime_error("sqlite: " + text);
  }
}

void JobStore::insert(std::uint64_t job_id, const nlohmann::json& spec,
                      const nlohmann::json& document) {
  Statement statement(db_, "INSERT INTO jobs (job_id, state, spec, document) VALUES (?, ?, ?, ?)");
  statement.bind(1, job_id);
  statement.bind(2, document.value("state", std::string("queued")));
  statement.bind(3, spec.dump());
  statement.bind(4, document.dump());
  step_done(db_, statement);
}

void JobStore::update(std::uint64_t job_id, const std::string& state,
                      const nlohmann::json& document) {
  Statement statement(db_,
                      "UPDATE jobs SET state = ?, document = ?, updated_at = ((julianday('now') - "
                      "2440587.5) * 86400.0)"
                      " WHERE job_id = ?");
  statement.bind(1, state);
  statement.bind(2, document.dump());
  statement.bind(3, job_id);
  step_done(db_, statement);
}

std::vector<StoredJob> JobStore::load_all() const {
  Statement statement(db_, "SELECT job_id, state, spec, document FROM jobs ORDER BY job_id");
  std::vector<StoredJob> jobs;
  while (sqlite3_step(statement.handle) == SQLITE_ROW) {
    StoredJob job;
    job.job_id = static_cast<std::uint64_t>(sqlite3_column_int64(statement.handle, 0));
    job.state = statement.text(1);
    job.spec = nlohmann::json::parse(statement.text(2), nullptr, false);
    job.document = nlohmann::json::parse(statement.text(3), nullptr, false);
    jobs.push_back(std::move(job));
  }
  return jobs;
}

std::optional<nlohmann::json> JobStore::load_spec(std::uint64_t job_id) const {
  Statement statement(db_, "SELECT spec FROM jobs WHERE job_id = ?");
  statement.bind(1, job_id);
  if (sqlite3_step(statement.handle) != SQLITE_ROW) return std::nullopt;
  return nlohmann::json::parse(statement.text(0), nullptr, false);
}

void JobStore::save_results(std::uint64_t job_id, const SystemResults& results) {
  Statement statement(db_, "INSERT OR REPLACE INTO results (job_id, systems) VALUES (?, ?)");
  statement.bind(1, job_id);
  statement.bind_blob(2, pack_system_results(results));
  step_done(db_, statement);
}

std::optional<SystemResults> JobStore::load_results(std::uint64_t job_id) const {
  Statement statement(db_, "SELECT systems FROM results WHERE job_id = ?");
  statement.bind(1, job_id);
  if (sqlite3_step(statement.handle) != SQLITE_ROW) return std::nullopt;
  const auto* bytes = static_cast<const char*>(sqlite3_column_blob(statement.handle, 0));
  const auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement.handle, 0));
  auto results = unpack_system_results(std::string_view(bytes ? bytes : "", size));
  if (!results)
    throw std::runtime_error("job " + std::to_string(job_id) + ": " + results.error().message);
  return std::move(results.value());
}

std::uint64_t JobStore::max_job_id() const {
  Statement statement(db_, "SELECT COALESCE(MAX(job_id), 0) FROM jobs");
  if (sqlite3_step(statement.handle) != SQLITE_ROW) return 0;
  return static_cast<std::uint64_t>(sqlite3_column_int64(statement.handle, 0));
}

std::filesystem::path JobStore::log_file(std::uint64_t job_id) const {
  return replay_dir_ / (std::to_string(job_id) + ".log");
}

void JobStore::append_checkpoint(std::uint64_t job_id, const JobCheckpoint& checkpoint) {
  std::uint64_t offset = 0;
  if (!checkpoint.records.empty()) {
    const std::filesystem::path path = log_file(job_id);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error("cannot open " + path.string() + ": " + std::strerror(errno));
    struct stat status {};
    ::fstat(fd, &status);
    offset = static_cast<std::uint64_t>(status.st_size);
    std::string_view left = checkpoint.records;
    while (!left.empty()) {
      const ssize_t written = ::write(fd, left.data(), left.size());
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) {
        const std::string why = std::strerror(errno);
        ::close(fd);
        throw std::runtime_error("cannot write " + path.string() + ": " + why);
      }
      left.remove_prefix(static_cast<std::size_t>(written));
    }
    ::close(fd);
  }
  Statement statement(db_,
                      "INSERT INTO job_checkpoints (job_id, log_offset, log_length, counters)"
                      " VALUES (?, ?, ?, ?)");
  statement.bind(1, job_id);
  statement.bind(2, offset);
  statement.bind(3, static_cast<std::uint64_t>(checkpoint.records.size()));
  statement.bind(4, checkpoint.counters.dump());
  step_done(db_, statement);
}

std::optional<ReplaySource> JobStore::replay_source(std::uint64_t job_id) const {
  Statement statement(db_,
                      "SELECT log_offset, log_length, counters FROM job_checkpoints"
                      " WHERE job_id = ? ORDER BY seq");
  statement.bind(1, job_id);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> segments;  // offset, length
  std::string counters;
  bool any = false;
  while (sqlite3_step(statement.handle) == SQLITE_ROW) {
    any = true;
    const auto offset = static_cast<std::uint64_t>(sqlite3_column_int64(statement.handle, 0));
    const auto length = static_cast<std::uint64_t>(sqlite3_column_int64(statement.handle, 1));
    if (length > 0) segments.emplace_back(offset, length);
    counters = statement.text(2);
  }
  if (!any) return std::nullopt;
  ReplaySource source;
  source.counters = nlohmann::json::parse(counters, nullptr, false);
  source.segments = segments.size();
  source.read = [path = log_file(job_id), segments](std::size_t segment) -> Result<std::string> {
    const auto [offset, length] = segments.at(segment);
    std::ifstream in(path, std::ios::binary);
    std::string bytes(length, '\0');
    in.seekg(static_cast<std::streamoff>(offset));
    in.read(bytes.data(), static_cast<std::streamsize>(length));
    if (static_cast<std::uint64_t>(in.gcount()) != length)
      return make_error(path.string() + ": " + std::to_string(length) + " bytes at " +
                        std::to_string(offset) + " missing (the log is shorter than its checkpoints say)");
    return bytes;
  };
  return source;
}

void JobStore::delete_checkpoints(std::uint64_t job_id) {
  Statement statement(db_, "DELETE FROM job_checkpoints WHERE job_id = ?");
  statement.bind(1, job_id);
  step_done(db_, statement);
  std::error_code ignored;  // a job that never wrote a record has no file
  std::filesystem::remove(log_file(job_id), ignored);
}

}  // namespace simsel
