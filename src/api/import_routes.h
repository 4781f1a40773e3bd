// POST /api/v1/import/persons: a person list (the CSV of CONTRACTS.md, or
// JSON lines) uploaded as the request body and imported as `liaison import
// persons` does, whole or not at all (or with ?skip_bad_rows=1, the good
// rows and a message for each bad one). Query parameters: name (the file's
// name, used in messages), format (csv, jsonl; default csv), crime_area,
// handling_code, alert (for rows without one; default the node's).
//
// Needs records.import, a purpose, and a clearance that covers every record
// (H3, every crime area): an import may update any person record of the node
// with the same source id. Audited as one import entry (access::RecordAccess).
//
// Thread-safety: the handler is safe for concurrent use.
#ifndef LIAISON_API_IMPORT_ROUTES_H_
#define LIAISON_API_IMPORT_ROUTES_H_

#include "absl/status/status.h"
#include "access/record_access.h"
#include "api/router.h"
#include "node/node_config.h"

namespace liaison::api {

absl::Status RegisterImportRoutes(Router& router, access::RecordAccess& records,
                                  const node::NodeConfig& config);

}  // namespace liaison::api

#endif  // LIAISON_API_IMPORT_ROUTES_H_
