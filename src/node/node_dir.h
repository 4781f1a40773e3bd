// A node directory: the one place on disk that holds a node.
//
//   DIR/liaison.toml   configuration (node_config.h)
//   DIR/keys/          signing and TLS keys, mode 0700 (node_keys.h)
//   DIR/liaison.db     the SQLite database (created by store/, see
//                      CreateNodeOptions::initialize_database)
//
// CreateNodeDir is what `liaison init` does; OpenNodeDir is what every other
// command that takes --data does first.
//
// Thread-safety: NodeDir is a plain value; concurrent CreateNodeDir calls on
// the same path are not supported (one of them fails, possibly leaving
// nothing).
#ifndef LIAISON_NODE_NODE_DIR_H_
#define LIAISON_NODE_NODE_DIR_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/clock.h"
#include "common/random.h"
#include "node/node_config.h"
#include "node/node_keys.h"

namespace liaison::node {

struct NodeDir {
  std::string path;  // as given, without a trailing slash
  NodeConfig config;
  NodeKeys keys;
  // Things an administrator should fix but that do not stop the node
  // (unknown configuration keys, loose directory permissions).
  std::vector<std::string> warnings;

  std::string ConfigPath() const;
  std::string KeysDir() const;
  // The SQLite database file named by the configuration.
  std::string DatabasePath() const;
};

struct CreateNodeOptions {
  // Written into the configuration and the certificate's names.
  ListenAddress listen;
  // Written into the configuration's [storage].
  StorageEngine storage = StorageEngine::kSqlite;
  std::string storage_url;  // PostgreSQL only
  // Called with DatabasePath() after the keys are written and before the
  // configuration is, e.g. to run store/ migrations (for PostgreSQL the path
  // is unused and the callback reaches the database by storage_url). When it fails, everything
  // CreateNodeDir made is removed and its status returned.
  std::function<absl::Status(const std::string& database_path)> initialize_database;
};

// Creates a new node at `path`: a fresh node id, configuration, keys and
// (through `options.initialize_database`) a database. `path` may exist if it is
// an empty directory. Returns InvalidArgument for a bad agency name or a
// country that is not an ISO 3166-1 alpha-2 code, AlreadyExists when `path`
// already holds a node (a liaison.toml, a keys directory or a database) or is
// a non-empty directory, Internal on I/O failures. On failure nothing
// it created is left behind.
absl::StatusOr<NodeDir> CreateNodeDir(const std::string& path, std::string_view agency,
                                      std::string_view country, const Clock& clock, Random& random,
                                      const CreateNodeOptions& options = {});

// Loads the configuration and keys of the node at `path`. Returns NotFound
// when there is no node there (naming what is missing and how to create one),
// InvalidArgument for a bad configuration (file, line and key),
// FailedPrecondition when a secret key file is readable by others, DataLoss
// when a key file is corrupt or keys do not match each other.
absl::StatusOr<NodeDir> OpenNodeDir(const std::string& path);

}  // namespace liaison::node

#endif  // LIAISON_NODE_NODE_DIR_H_
