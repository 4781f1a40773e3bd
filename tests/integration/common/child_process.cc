#include "child_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "absl/time/clock.h"

namespace liaison::integration {

std::string LiaisonBinary() {
  const char* path = std::getenv("LIAISON_BINARY");
  return path != nullptr ? path : "";
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const Options& options) {
  // The environment is built before fork: the child only calls functions
  // that are safe after fork in a threaded process.
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    bool replaced = false;
    for (const std::string& add : options.env) {
      const std::string name = add.substr(0, add.find('=') + 1);
      replaced = replaced || entry.rfind(name, 0) == 0;
    }
    if (!replaced) env_strings.push_back(entry);
  }
  env_strings.insert(env_strings.end(), options.env.begin(), options.env.end());
  std::vector<char*> envp;
  for (const std::string& e : env_strings) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return;
  pid_ = fork();
  if (pid_ == 0) {
    dup2(fds[1], STDOUT_FILENO);
    if (!options.stderr_path.empty()) {
      int err = open(options.stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      if (err >= 0) dup2(err, STDERR_FILENO);
    }
    if (options.stdin_null) {
      int null_in = open("/dev/null", O_RDONLY);
      if (null_in >= 0) dup2(null_in, STDIN_FILENO);
    }
    if (options.max_file_bytes > 0) {
      signal(SIGXFSZ, SIG_IGN);
      struct rlimit limit;
      limit.rlim_cur = static_cast<rlim_t>(options.max_file_bytes);
      limit.rlim_max = static_cast<rlim_t>(options.max_file_bytes);
      setrlimit(RLIMIT_FSIZE, &limit);
    }
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  close(fds[1]);
  stdout_ = fds[0];
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !exited_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (stdout_ >= 0) close(stdout_);
}

std::optional<std::string> ChildProcess::ReadLine() {
  const absl::Time deadline = absl::Now() + kHangLimit;
  while (true) {
    const size_t newline = buffer_.find('\n');
    if (newline != std::string::npos) {
      std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      return line;
    }
    pollfd p{stdout_, POLLIN, 0};
    const int left = static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
    if (left <= 0 || poll(&p, 1, left) <= 0) return std::nullopt;
    char chunk[4096];
    const ssize_t n = read(stdout_, chunk, sizeof chunk);
    if (n <= 0) return std::nullopt;
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

std::string ChildProcess::ReadAll() {
  std::string all;
  while (std::optional<std::string> line = ReadLine()) all += *line + "\n";
  return all;
}

void ChildProcess::Signal(int signal_number) { kill(pid_, signal_number); }

int ChildProcess::Wait() {
  int status = 0;
  waitpid(pid_, &status, 0);
  exited_ = true;
  return status;
}

int ExitCode(int wait_status) { return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1; }

int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace liaison::integration
