#include "node/private_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace liaison::node {

absl::Status WriteNewFile(const std::string& path, std::string_view contents, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    if (errno == EEXIST) return absl::AlreadyExistsError(absl::StrCat(path, " already exists"));
    return absl::InternalError(absl::StrCat("cannot create ", path, ": ", std::strerror(errno)));
  }
  absl::Status status;
  // open() applied the umask; set the mode we promised regardless.
  if (::fchmod(fd, mode) != 0) {
    status = absl::InternalError(absl::StrCat("chmod ", path, ": ", std::strerror(errno)));
  }
  size_t written = 0;
  while (status.ok() && written < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      status = absl::InternalError(absl::StrCat("write ", path, ": ", std::strerror(errno)));
      break;
    }
    written += static_cast<size_t>(n);
  }
  if (status.ok() && ::fsync(fd) != 0) {
    status = absl::InternalError(absl::StrCat("fsync ", path, ": ", std::strerror(errno)));
  }
  ::close(fd);
  if (!status.ok()) ::unlink(path.c_str());
  return status;
}

absl::StatusOr<std::string> ReadPrivateFile(const std::string& path, bool secret,
                                            size_t max_bytes) {
  // Open first and check the opened file, so the checks and the read are
  // about the same file.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return absl::NotFoundError(absl::StrCat(path, " is missing"));
    if (errno == ELOOP) return absl::DataLossError(absl::StrCat(path, " is a symbolic link"));
    return absl::InternalError(absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    return absl::InternalError(absl::StrCat("cannot stat ", path, ": ", std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) {
    return absl::DataLossError(absl::StrCat(path, " is not a regular file"));
  }
  if (secret && (st.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(
        absl::StrFormat("%s holds a secret key but is accessible to other users (mode %04o); "
                        "fix with: chmod 600 %s",
                        path, st.st_mode & 07777, path));
  }
  if (static_cast<size_t>(st.st_size) > max_bytes) {
    return absl::DataLossError(
        absl::StrCat(path, " is ", st.st_size, " bytes; the limit is ", max_bytes));
  }
  std::string text(static_cast<size_t>(st.st_size), '\0');
  size_t got = 0;
  while (got < text.size()) {
    ssize_t n = ::read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return absl::InternalError(absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  text.resize(got);
  return text;
}

}  // namespace liaison::node
