#include "node/node_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "common/status_macros.h"
#include "node/private_file.h"

namespace liaison::node {
namespace {

namespace fs = std::filesystem;

std::string Join(std::string_view dir, std::string_view name) {
  return absl::StrCat(std::string(dir), "/", std::string(name));
}

std::string TrimSlashes(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return std::string(path);
}

// Removes what a failed CreateNodeDir made. Best effort: the original error
// is what the caller needs to see.
class CreationRollback {
 public:
  explicit CreationRollback(std::string path) : path_(std::move(path)) {}
  ~CreationRollback() {
    if (committed_) return;
    std::error_code ignored;
    if (created_dir_) {
      fs::remove_all(path_, ignored);
      return;
    }
    for (const std::string& file : files_) fs::remove(file, ignored);
    if (created_keys_dir_) fs::remove_all(Join(path_, kKeysDirName), ignored);
  }
  void CreatedDir() { created_dir_ = true; }
  void CreatedKeysDir() { created_keys_dir_ = true; }
  void MayHaveCreated(std::string file) { files_.push_back(std::move(file)); }
  void Commit() { committed_ = true; }

 private:
  std::string path_;
  bool created_dir_ = false;
  bool created_keys_dir_ = false;
  bool committed_ = false;
  std::vector<std::string> files_;
};

absl::Status MakeDir(const std::string& path, mode_t mode) {
  if (::mkdir(path.c_str(), mode) != 0) {
    if (errno == EEXIST) return absl::AlreadyExistsError(absl::StrCat(path, " already exists"));
    return absl::InternalError(
        absl::StrCat("cannot create directory ", path, ": ", std::strerror(errno)));
  }
  if (::chmod(path.c_str(), mode) != 0) {
    return absl::InternalError(absl::StrCat("chmod ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace

std::string NodeDir::ConfigPath() const { return Join(path, kConfigFileName); }
std::string NodeDir::KeysDir() const { return Join(path, kKeysDirName); }
std::string NodeDir::DatabasePath() const {
  if (!config.database_file.empty() && config.database_file.front() == '/') {
    return config.database_file;
  }
  return Join(path, config.database_file);
}

absl::StatusOr<NodeDir> CreateNodeDir(const std::string& raw_path, std::string_view agency,
                                      std::string_view country, const Clock& clock, Random& random,
                                      const CreateNodeOptions& options) {
  if (raw_path.empty()) return absl::InvalidArgumentError("the node directory path is empty");
  const std::string path = TrimSlashes(raw_path);

  NodeConfig config;
  config.node_id = random.NewId("node_");
  config.agency = std::string(agency);
  config.country = std::string(country);
  config.listen = options.listen;
  config.storage = options.storage;
  config.storage_url = options.storage_url;
  RETURN_IF_ERROR(ValidateNodeConfig(config));

  CreationRollback rollback(path);
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) {
      return absl::AlreadyExistsError(absl::StrCat(path, " exists and is not a directory"));
    }
    for (std::string_view name : {kConfigFileName, kKeysDirName}) {
      if (::lstat(Join(path, name).c_str(), &st) == 0) {
        return absl::AlreadyExistsError(absl::StrCat(path, " already holds a liaison node (",
                                                     std::string(name),
                                                     " exists); refusing to overwrite it"));
      }
    }
    if (::lstat(Join(path, config.database_file).c_str(), &st) == 0) {
      return absl::AlreadyExistsError(absl::StrCat(path, " already holds a database (",
                                                   config.database_file,
                                                   "); refusing to overwrite it"));
    }
    std::error_code error;
    bool empty = fs::is_empty(path, error);
    if (error) {
      return absl::InternalError(absl::StrCat("cannot list ", path, ": ", error.message()));
    }
    if (!empty) {
      return absl::AlreadyExistsError(
          absl::StrCat(path, " is not empty; a new node needs an empty or new directory"));
    }
  } else if (errno == ENOENT) {
    std::error_code error;
    fs::path parent = fs::path(path).parent_path();
    if (!parent.empty()) fs::create_directories(parent, error);
    if (error) {
      return absl::InternalError(
          absl::StrCat("cannot create ", parent.string(), ": ", error.message()));
    }
    RETURN_IF_ERROR(MakeDir(path, 0700));
    rollback.CreatedDir();
  } else {
    return absl::InternalError(absl::StrCat("cannot stat ", path, ": ", std::strerror(errno)));
  }

  const std::string keys_dir = Join(path, kKeysDirName);
  RETURN_IF_ERROR(MakeDir(keys_dir, 0700));
  rollback.CreatedKeysDir();

  CertificateSubject subject;
  subject.node_id = config.node_id;
  subject.agency = config.agency;
  subject.country = config.country;
  subject.listen_host = config.listen.host;
  ASSIGN_OR_RETURN(NodeKeys keys, NodeKeys::Generate(subject, clock, random));
  RETURN_IF_ERROR(keys.WriteTo(keys_dir));

  NodeDir dir{path, std::move(config), std::move(keys), {}};
  if (options.initialize_database) {
    const std::string database = dir.DatabasePath();
    for (std::string_view suffix : {"", "-wal", "-shm", "-journal"}) {
      rollback.MayHaveCreated(absl::StrCat(database, std::string(suffix)));
    }
    absl::Status status = options.initialize_database(database);
    if (!status.ok()) {
      return absl::Status(status.code(), absl::StrCat("creating the database: ", status.message()));
    }
  }

  // The configuration goes last and appears atomically: a directory with a
  // liaison.toml is a complete node.
  const std::string config_path = dir.ConfigPath();
  const std::string temp_path = absl::StrCat(config_path, ".tmp");
  rollback.MayHaveCreated(temp_path);
  RETURN_IF_ERROR(WriteNewFile(temp_path, FormatNodeConfig(dir.config), 0640));
  if (::link(temp_path.c_str(), config_path.c_str()) != 0) {
    return absl::InternalError(
        absl::StrCat("cannot create ", config_path, ": ", std::strerror(errno)));
  }
  rollback.MayHaveCreated(config_path);
  ::unlink(temp_path.c_str());
  rollback.Commit();
  return dir;
}

absl::StatusOr<NodeDir> OpenNodeDir(const std::string& raw_path) {
  if (raw_path.empty()) return absl::InvalidArgumentError("the node directory path is empty");
  const std::string path = TrimSlashes(raw_path);
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return absl::NotFoundError(
        absl::StrCat(path, " is not a directory; create a node with: liaison init --data ", path,
                     " --agency NAME --country CC"));
  }
  std::vector<std::string> warnings;
  const std::string config_path = Join(path, kConfigFileName);
  auto config = LoadNodeConfig(config_path, &warnings);
  if (!config.ok()) {
    if (absl::IsNotFound(config.status())) {
      return absl::NotFoundError(absl::StrCat(
          path, " is not a liaison node (no ", std::string(kConfigFileName),
          "); create one with: liaison init --data ", path, " --agency NAME --country CC"));
    }
    return config.status();
  }
  const std::string keys_dir = Join(path, kKeysDirName);
  if (::stat(keys_dir.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    warnings.push_back(
        absl::StrFormat("%s is accessible to other users (mode %04o); fix with: chmod 700 %s",
                        keys_dir, st.st_mode & 07777, keys_dir));
  }
  auto keys = NodeKeys::ReadFrom(keys_dir);
  if (!keys.ok()) {
    return absl::Status(keys.status().code(), absl::StrCat("node keys: ", keys.status().message()));
  }
  return NodeDir{path, *std::move(config), *std::move(keys), std::move(warnings)};
}

}  // namespace liaison::node
