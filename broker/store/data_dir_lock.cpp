// See data_dir_lock.h.
#include "broker/store/data_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>

namespace simsel {
namespace {

// "process 4242 (simsel-broker)", or what is known of the holder.
std::string describe_holder(int fd) {
  char text[32] = {};
  const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
  const std::string pid = n > 0 ? std::string(text, static_cast<std::size_t>(n)) : "";
  const auto digits = pid.find_first_not_of("0123456789");
  const std::string number = pid.substr(0, digits);
  if (number.empty()) return "another process";
  std::ifstream comm("/proc/" + number + "/comm");
  std::string name;
  std::getline(comm, name);
  return "process " + number + (name.empty() ? "" : " (" + name + ")");
}

}  // namespace

DataDirLock::DataDirLock(const std::filesystem::path& data_dir) {
  std::filesystem::create_directories(data_dir);
  const std::filesystem::path file = data_dir / "broker.lock";
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw std::runtime_error("cannot open " + file.string() + ": " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const std::string holder = describe_holder(fd_);
    ::close(fd_);
    fd_ = -1;
    throw std::runtime_error("data directory " + data_dir.string() + " is in use by " + holder +
                             ": one broker per data directory; stop it, or give this one "
                             "another broker.data_dir");
  }
  // Without the pid the lock still holds; only a competitor's message would miss the number.
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0) (void)!::pwrite(fd_, pid.data(), pid.size(), 0);
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock
}

}  // namespace simsel
