// A child process for integration tests: the real `liaison` binary (or any
// program) with its stdout on a pipe read line by line.
//
// Thread-safety: not thread-safe; one test thread drives a ChildProcess.
#ifndef LIAISON_TESTS_INTEGRATION_COMMON_CHILD_PROCESS_H_
#define LIAISON_TESTS_INTEGRATION_COMMON_CHILD_PROCESS_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace liaison::integration {

// The binary under test (LIAISON_BINARY, set by liaison_test), or "".
std::string LiaisonBinary();

// A generous limit that only stops a hung test; nothing asserts on time.
inline constexpr absl::Duration kHangLimit = absl::Seconds(60);

struct ChildProcessOptions {
  std::string stderr_path;  // append stderr here; empty: the test's own stderr
  bool stdin_null = false;  // stdin from /dev/null instead of the test's
  // > 0: the child may not write files past this many bytes (RLIMIT_FSIZE,
  // with SIGXFSZ ignored), so a write beyond it fails with EFBIG as on a
  // full disk. Its stderr_path counts too: give it a fresh file.
  long long max_file_bytes = 0;
  // "NAME=VALUE" entries added to (or replacing in) the child's environment.
  std::vector<std::string> env;
};

class ChildProcess {
 public:
  using Options = ChildProcessOptions;

  // Starts argv[0] (a path) with `argv`; started() says whether it did.
  explicit ChildProcess(const std::vector<std::string>& argv, const Options& options = {});
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  // Kills (SIGKILL) and reaps a process that has not been waited for.
  ~ChildProcess();

  bool started() const { return pid_ > 0; }

  // The next line of stdout without its newline; nullopt at end of file or
  // after kHangLimit.
  std::optional<std::string> ReadLine();
  // Every remaining line of stdout, each followed by "\n".
  std::string ReadAll();

  void Signal(int signal_number);
  // Waits for the process to end; returns its wait status (see ExitCode).
  int Wait();

 private:
  pid_t pid_ = -1;
  int stdout_ = -1;
  bool exited_ = false;
  std::string buffer_;
};

// The exit code in a wait status, or -1 when the process did not exit normally.
int ExitCode(int wait_status);

// A loopback TCP port that was free a moment ago.
int FreeLoopbackPort();

}  // namespace liaison::integration

#endif  // LIAISON_TESTS_INTEGRATION_COMMON_CHILD_PROCESS_H_
