// Small files that must be created exactly once with exact permissions (keys,
// the node configuration) and read back with a size limit and a permission
// check.
//
// Thread-safety: functions touch only the named path.
#ifndef LIAISON_NODE_PRIVATE_FILE_H_
#define LIAISON_NODE_PRIVATE_FILE_H_

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace liaison::node {

// Creates `path` (which must not exist) with exactly `mode`, writes
// `contents` and syncs it to disk. Returns AlreadyExists when the path
// exists, Internal on an I/O error (and then removes the partial file).
absl::Status WriteNewFile(const std::string& path, std::string_view contents, mode_t mode);

// Reads a regular file of at most `max_bytes`. When `secret`, the file must not
// be accessible to group or others. Returns NotFound when it is missing,
// FailedPrecondition (with the chmod that fixes it) for loose permissions of a
// secret, DataLoss when it is not a regular file or too large.
absl::StatusOr<std::string> ReadPrivateFile(const std::string& path, bool secret, size_t max_bytes);

}  // namespace liaison::node

#endif  // LIAISON_NODE_PRIVATE_FILE_H_
