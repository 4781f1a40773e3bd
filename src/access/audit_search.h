// Searching the node's audit log, for auditors and supervisors: who did what,
// to which record, when and why, newest first, with filters. The search is
// itself a consultation of personal data (entries name records and people),
// so it needs audit.read and a purpose, and leaves its own `view` entry.
//
// Thread-safety: safe for concurrent use (the store serialises writers).
#ifndef LIAISON_ACCESS_AUDIT_SEARCH_H_
#define LIAISON_ACCESS_AUDIT_SEARCH_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "access/actor.h"
#include "access/audit_trail.h"
#include "store/store.h"

namespace liaison::access {

struct AuditFilter {
  // An actor id ("usr_...", "local-admin") matched exactly, or text found
  // (ASCII case-insensitively) in the actor's name; empty: anyone.
  std::string actor;
  std::string action;      // e.g. "search", "view"; empty: any
  std::string object_id;   // entries that concern this record; empty: any
  int64_t from_ms = 0;     // inclusive; 0: from the start
  int64_t to_ms = 0;       // inclusive; 0: to now
  int64_t before_seq = 0;  // only entries with seq < before_seq (paging); 0: from the newest
  int limit = 100;         // 1..1000
};

struct AuditPage {
  std::vector<store::AuditRow> rows;  // newest first
  // Pass as before_seq for the next page; 0 when the log has been searched
  // to its start.
  int64_t next_before_seq = 0;
};

// The most entries one search reads before it returns a page (possibly
// short, with a cursor to go on), so a search of a huge log stays bounded.
inline constexpr int64_t kAuditSearchMaxScan = 200'000;

// Searches the audit log. PermissionDenied (audited as access_denied)
// without audit.read; InvalidArgument for a missing purpose, a limit out of
// range or from after to.
absl::StatusOr<AuditPage> SearchAudit(store::Store& store, AuditTrail& trail, const Actor& actor,
                                      const Purpose& purpose, const AuditFilter& filter);

}  // namespace liaison::access

#endif  // LIAISON_ACCESS_AUDIT_SEARCH_H_
