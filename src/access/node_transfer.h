// Whole-node transfer: `liaison export` writes every table of a node's store
// (records, tombstones, links, the audit chain, users and API tokens,
// partners and agreements, screening jobs, the change feed, settings) to one
// JSON-lines file, and `liaison import node` loads such a file into an empty
// store, so that a node moves between SQLite and PostgreSQL without loss.
// Keys stay in the node directory and are never exported; sessions are left
// behind (users sign in again).
//
// File format (UTF-8, one JSON value per line):
//   {"liaison_node_export": 1, "node_id": ..., "schema_version": N, "exported_ms": T}
//   {"table": "records", "row": ["per_...", "person", ..., 3, "{...}"]}
//   ...
//   {"end": true, "rows": TOTAL}
// Integer columns are JSON numbers, the rest strings, in the column order of
// store::TransferTables(). The end line proves the file is complete.
//
// Thread-safety: the functions are safe to call concurrently with other
// store users; each runs in one store transaction.
#ifndef LIAISON_ACCESS_NODE_TRANSFER_H_
#define LIAISON_ACCESS_NODE_TRANSFER_H_

#include <cstdint>
#include <istream>
#include <map>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "access/actor.h"
#include "access/audit_trail.h"
#include "store/store.h"

namespace liaison::access {

struct TransferReport {
  std::map<std::string, int64_t> rows;  // per table
  int64_t total = 0;
};

// Audits the export (as `actor`) and then writes the whole store, as one
// snapshot that includes that audit entry, to `out`. Only the local
// administrator may export. Returns the store's error or an I/O error
// (Unavailable) when `out` fails.
absl::StatusOr<TransferReport> ExportNode(store::Store& store, AuditTrail& trail,
                                          const Actor& actor, std::ostream& out);

// Loads an export read from `in` (named `source` in errors) into `store`,
// which must hold no node yet (no audit entries, records or users), then
// audits the import — all in one transaction, so a bad file leaves the store
// empty. Returns InvalidArgument naming the line for a malformed file, a
// file from another schema version or one that ends early; FailedPrecondition
// when the store is not empty.
absl::StatusOr<TransferReport> ImportNode(store::Store& store, AuditTrail& trail,
                                          const Actor& actor, std::istream& in,
                                          std::string_view source);

}  // namespace liaison::access

#endif  // LIAISON_ACCESS_NODE_TRANSFER_H_
