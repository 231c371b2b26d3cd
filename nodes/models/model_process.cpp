// See model_process.h. The parent's pipe ends are non-blocking and close-on-exec; the child gets
// default signal dispositions and an empty mask (a node ignores SIGPIPE, which exec would
// otherwise pass on to the model). A model that writes faster than we read cannot block us:
// stdout and stderr are drained in the same poll loop that writes the request.
#include "nodes/models/model_process.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <mutex>
#include <thread>

#include "common/protocol/messages.h"

extern char** environ;

namespace simsel {
namespace {

constexpr std::size_t kKeptStderrLines = 10;
constexpr std::size_t kMaxStderrLine = 4096;
constexpr auto kExitGrace = std::chrono::seconds(1);

double now_seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

void ignore_sigpipe_once() {
  // A model that exits while we write its RUN must give EPIPE, not end the node.
  static std::once_flag once;
  std::call_once(once, [] { std::signal(SIGPIPE, SIG_IGN); });
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

struct Pipe {
  int read = -1;
  int write = -1;
};

bool make_pipe(Pipe& p) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  p.read = fds[0];
  p.write = fds[1];
  return true;
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

}  // namespace

Result<std::unique_ptr<ModelProcess>> ModelProcess::start(const ModelConfig& config,
                                                         std::stop_token stop) {
  ignore_sigpipe_once();
  const std::string who = "model '" + config.name + "'";
  if (config.command.empty())
    return make_error(who + ": no command to start", protocol::kModelFailed);
  Pipe in, out, err;
  if (!make_pipe(in) || !make_pipe(out) || !make_pipe(err)) {
    for (int fd : {in.read, in.write, out.read, out.write, err.read, err.write})
      if (fd >= 0) ::close(fd);
    return make_error(who + ": cannot make pipes: " + std::strerror(errno), protocol::kModelFailed);
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.read, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write, 1);
  posix_spawn_file_actions_adddup2(&actions, err.write, 2);
  if (!config.directory.empty())
    posix_spawn_file_actions_addchdir_np(&actions, config.directory.c_str());
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t defaults, empty;
  sigemptyset(&empty);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setsigmask(&attributes, &empty);
  // Its own process group: killing the group also kills what a wrapper script started.
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);

  std::vector<char*> argv;
  for (const auto& word : config.command) argv.push_back(const_cast<char*>(word.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int spawned =
      posix_spawnp(&pid, argv[0], &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(in.read);
  ::close(out.write);
  ::close(err.write);
  if (spawned != 0) {
    ::close(in.write);
    ::close(out.read);
    ::close(err.read);
    return make_error(who + ": cannot start `" + joined(config.command) + "`" +
                          (config.directory.empty() ? "" : " in " + config.directory) + ": " +
                          std::strerror(spawned),
                      protocol::kModelFailed);
  }
  std::unique_ptr<ModelProcess> process(new ModelProcess(config, std::move(stop)));
  process->pid_ = pid;
  process->stdin_fd_ = in.write;
  process->stdout_fd_ = out.read;
  process->stderr_fd_ = err.read;
  for (int fd : {in.write, out.read, err.read}) set_nonblocking(fd);

  Result<std::string> hello = process->exchange(model_protocol::encode_hello(), "HELLO");
  if (!hello) return hello.error();
  Result<ModelDescriptor> descriptor = model_protocol::decode_hello(*hello);
  if (!descriptor) {
    process->kill_and_reap();
    return make_error(who + ": " + descriptor.error().message, protocol::kModelFailed);
  }
  if (descriptor->name != config.name) {
    process->kill_and_reap();
    return make_error(who + ": its HELLO names it '" + descriptor->name +
                          "'; the node config must use the model's own name",
                      protocol::kModelFailed);
  }
  process->descriptor_ = std::move(descriptor.value());
  spdlog::debug("model {}: started, pid {}", config.name, pid);
  return process;
}

ModelProcess::~ModelProcess() {
  if (pid_ <= 0) return;
  close_fd(stdin_fd_);
  const auto deadline = std::chrono::steady_clock::now() + kExitGrace;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      ::kill(-pid_, SIGKILL);  // what it started and left behind, if anything
      pid_ = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (pid_ > 0) kill_and_reap();
  read_stderr();
  log_stderr_lines(true);
  close_fd(stdout_fd_);
  close_fd(stderr_fd_);
}

Result<model_protocol::Reply> ModelProcess::run(std::uint64_t job_id,
                                                const std::vector<model_protocol::RunEntry>& entries,
                                                std::size_t expected) {
  Result<std::string> answer = exchange(model_protocol::encode_run(job_id, entries), "RUN");
  if (!answer) return answer.error();
  Result<model_protocol::Reply> reply = model_protocol::decode_reply(*answer, expected);
  if (!reply)
    return make_error("model '" + config_.name + "': " + reply.error().message,
                      protocol::kInvalidSpec);
  return reply;
}

Result<std::string> ModelProcess::exchange(const std::string& frame, const char* request) {
  const double deadline = now_seconds() + config_.timeout_s;
  std::size_t written = 0;
  stdout_buffer_.clear();
  for (;;) {
    if (stdout_buffer_.size() >= model_protocol::kLengthBytes) {
      const std::uint32_t length = model_protocol::frame_length(stdout_buffer_);
      if (length == 0 || length > model_protocol::kMaxFrameBytes) {
        const std::string sample = protocol::printable_sample(stdout_buffer_, 40);
        kill_and_reap();
        return died("wrote something that is not a frame in answer to " + std::string(request) +
                    " (a frame is a 4-byte big-endian length, then MessagePack; it wrote \"" +
                    sample + "\") and was stopped");
      }
      if (stdout_buffer_.size() >= model_protocol::kLengthBytes + length) {
        if (written < frame.size()) {
          kill_and_reap();
          return died("answered " + std::string(request) +
                      " before reading all of it and was stopped");
        }
        if (stdout_buffer_.size() > model_protocol::kLengthBytes + length) {
          kill_and_reap();
          return died("wrote more than one frame in answer to " + std::string(request) +
                      " and was stopped");
        }
        return stdout_buffer_.substr(model_protocol::kLengthBytes);
      }
    }
    const double left = deadline - now_seconds();
    if (left <= 0) {
      kill_and_reap();
      return died("did not answer " + std::string(request) + " within " +
                  std::to_string(config_.timeout_s) + " s (timeout_s) and was killed");
    }
    if (stop_.stop_requested()) {
      kill_and_reap();
      return died("was stopped during " + std::string(request) + ": the node is stopping");
    }
    pollfd fds[3] = {{stdout_fd_, POLLIN, 0}, {stderr_fd_, POLLIN, 0}, {-1, POLLOUT, 0}};
    if (written < frame.size()) fds[2].fd = stdin_fd_;
    const int timeout_ms = static_cast<int>(std::min(left * 1000.0, 1.0 * kStopPollMs)) + 1;
    if (::poll(fds, 3, timeout_ms) < 0 && errno != EINTR) {
      kill_and_reap();
      return died(std::string("poll failed: ") + std::strerror(errno));
    }
    if (fds[2].revents & (POLLOUT | POLLERR | POLLHUP)) {
      const ssize_t n = ::write(stdin_fd_, frame.data() + written, frame.size() - written);
      if (n > 0) written += static_cast<std::size_t>(n);
      // EPIPE: it closed stdin or exited; its stdout reaching end of file tells which.
      if (n < 0 && errno == EPIPE) written = frame.size();
    }
    if (fds[1].revents) read_stderr();
    if (fds[0].revents && !read_stdout()) {
      // End of file on stdout: the process has ended (or closed stdout, which is as bad).
      kill_and_reap();
      return died(std::string("ended during ") + request, true);
    }
  }
}

bool ModelProcess::read_stdout() {
  char chunk[65536];
  for (;;) {
    const ssize_t n = ::read(stdout_fd_, chunk, sizeof chunk);
    if (n > 0) {
      stdout_buffer_.append(chunk, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) return false;
    return errno == EAGAIN || errno == EINTR;
  }
}

void ModelProcess::read_stderr() {
  if (stderr_fd_ < 0) return;
  char chunk[8192];
  for (;;) {
    const ssize_t n = ::read(stderr_fd_, chunk, sizeof chunk);
    if (n > 0) {
      stderr_partial_.append(chunk, static_cast<std::size_t>(n));
      log_stderr_lines(false);
      continue;
    }
    if (n == 0) close_fd(stderr_fd_);
    return;
  }
}

void ModelProcess::log_stderr_lines(bool flush_partial) {
  std::size_t start = 0;
  for (std::size_t end; (end = stderr_partial_.find('\n', start)) != std::string::npos;
       start = end + 1) {
    std::string line = stderr_partial_.substr(start, std::min(end - start, kMaxStderrLine));
    spdlog::info("model {} [{}]: {}", config_.name, pid_, line);
    stderr_lines_.push_back(std::move(line));
    if (stderr_lines_.size() > kKeptStderrLines) stderr_lines_.pop_front();
  }
  stderr_partial_.erase(0, start);
  if (stderr_partial_.size() > kMaxStderrLine || (flush_partial && !stderr_partial_.empty())) {
    stderr_partial_ += '\n';
    log_stderr_lines(false);
  }
}

Error ModelProcess::died(const std::string& what, bool ended_by_itself) {
  std::string message = "model '" + config_.name + "' " + what;
  if (ended_by_itself && exit_status_ >= 0) message += " (" + describe_exit(exit_status_) + ")";
  const std::string tail = stderr_tail();
  message += tail.empty() ? "; it wrote nothing to stderr" : "; its last stderr lines: " + tail;
  return make_error(message, protocol::kModelFailed);
}

void ModelProcess::kill_and_reap() {
  close_fd(stdin_fd_);
  if (pid_ > 0) {
    int status = 0;
    // Give a process that is already exiting a moment, so its own exit status is reported.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
    pid_t reaped = 0;
    while ((reaped = ::waitpid(pid_, &status, WNOHANG)) == 0 &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    ::kill(-pid_, SIGKILL);  // the group: the model if still running, and what it started
    if (reaped == 0) reaped = ::waitpid(pid_, &status, 0);
    exit_status_ = reaped == pid_ ? status : -1;
    pid_ = -1;
  }
  // What it wrote to stderr before it died is the most useful part of the message.
  if (stderr_fd_ >= 0) {
    pollfd fd{stderr_fd_, POLLIN, 0};
    while (stderr_fd_ >= 0 && ::poll(&fd, 1, 100) > 0) read_stderr();
  }
  log_stderr_lines(true);
  close_fd(stdout_fd_);
  close_fd(stderr_fd_);
}

std::string ModelProcess::describe_exit(int status) const {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status))
    return "killed by signal " + std::to_string(WTERMSIG(status)) + ", " +
           strsignal(WTERMSIG(status));
  return "status " + std::to_string(status);
}

std::string ModelProcess::stderr_tail() const {
  std::string out;
  for (const auto& line : stderr_lines_) out += (out.empty() ? "" : " | ") + line;
  return out;
}

}  // namespace simsel
