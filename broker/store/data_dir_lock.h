// DataDirLock: one broker per data directory. Held from construction to destruction as an
// exclusive flock(2) on <data_dir>/broker.lock, which holds the holder's pid; the kernel drops
// it when the process dies, however it dies, so a crash never leaves a stale lock. A second
// broker (or `simsel run`) on a directory in use fails before it touches the SQLite file, with
// a message naming the directory and the process that holds it. Not here: the database.
#pragma once

#include <filesystem>

namespace simsel {

class DataDirLock {
 public:
  // Creates the directory if needed and takes the lock. Throws std::runtime_error, naming the
  // directory and the holder ("in use by process 4242 (simsel-broker)"), if another holds it
  // or the lock file cannot be opened.
  explicit DataDirLock(const std::filesystem::path& data_dir);
  ~DataDirLock();
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace simsel
