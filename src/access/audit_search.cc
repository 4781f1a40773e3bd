#include "access/audit_search.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "access/permissions.h"
#include "common/absl_bridge.h"
#include "common/json_text.h"
#include "common/status_macros.h"

namespace liaison::access {
namespace {

constexpr int64_t kWindow = 2000;

// Whether `row` passes every filter but the object (handled by the caller).
bool Matches(const store::AuditRow& row, const AuditFilter& f) {
  if (!f.action.empty() && row.action != f.action) return false;
  if (f.from_ms > 0 && row.time_ms < f.from_ms) return false;
  if (f.to_ms > 0 && row.time_ms > f.to_ms) return false;
  if (f.before_seq > 0 && row.seq >= f.before_seq) return false;
  if (f.actor.empty() || row.actor == f.actor) return true;
  // The name is only in the sealed entry.
  absl::StatusOr<Json> entry = ParseJson(row.entry_json, {.max_bytes = 1 << 20, .max_depth = 16});
  if (!entry.ok()) return false;
  auto name = entry->find("actor_name");
  if (name == entry->end() || !name->is_string()) return false;
  return absl::StrContains(absl::AsciiStrToLower(name->get<std::string>()),
                           absl::AsciiStrToLower(f.actor));
}

absl::Status Deny(store::Store& store, AuditTrail& trail, const Actor& actor,
                  const Purpose& purpose) {
  std::string why = StrCat("the ", RoleName(actor.role), " role does not hold ", kAuditRead);
  audit::Event e = EventFor(actor, audit::Action::kAccessDenied, purpose);
  e.purpose = e.purpose.substr(0, 1000);
  e.case_ref = e.case_ref.substr(0, 200);
  e.outcome = audit::Outcome::kDenied;
  e.outcome_text = why;
  e.details = {{"attempted", "audit_search"}};
  RETURN_IF_ERROR(
      store.Write([&](store::Transaction& tx) { return trail.Append(tx, e).status(); }));
  return absl::PermissionDeniedError(why);
}

}  // namespace

absl::StatusOr<AuditPage> SearchAudit(store::Store& store, AuditTrail& trail, const Actor& actor,
                                      const Purpose& purpose, const AuditFilter& filter) {
  if (!RoleHolds(actor.role, kAuditRead)) return Deny(store, trail, actor, purpose);
  RETURN_IF_ERROR(ValidatePurpose(purpose));
  if (filter.limit < 1 || filter.limit > 1000) {
    return absl::InvalidArgumentError("limit: expected 1 to 1000");
  }
  if (filter.from_ms > 0 && filter.to_ms > 0 && filter.from_ms > filter.to_ms) {
    return absl::InvalidArgumentError("from: after to");
  }
  const size_t limit = static_cast<size_t>(filter.limit);
  AuditPage page;
  RETURN_IF_ERROR(store.Write([&](store::Transaction& tx) -> absl::Status {
    if (!filter.object_id.empty()) {
      // The store indexes entries by object: read them all, newest first.
      ASSIGN_OR_RETURN(std::vector<store::AuditRow> rows, tx.AuditForObject(filter.object_id));
      for (auto it = rows.rbegin(); it != rows.rend() && page.rows.size() < limit + 1; ++it) {
        if (Matches(*it, filter)) page.rows.push_back(*it);
      }
      if (page.rows.size() > limit) {
        page.rows.pop_back();
        page.next_before_seq = page.rows.back().seq;
      }
    } else {
      ASSIGN_OR_RETURN(std::optional<store::AuditRow> head, tx.AuditHead());
      int64_t top = head ? head->seq : 0;
      if (filter.before_seq > 0) top = std::min(top, filter.before_seq - 1);
      int64_t scanned = 0;
      // Windows of the log, newest first; each window is read oldest first.
      while (top >= 1 && page.rows.size() < limit && scanned < kAuditSearchMaxScan) {
        int64_t bottom = std::max<int64_t>(1, top - kWindow + 1);
        std::vector<store::AuditRow> window;
        RETURN_IF_ERROR(tx.ScanAudit(bottom, top, [&](const store::AuditRow& row) {
          if (Matches(row, filter)) window.push_back(row);
          return absl::OkStatus();
        }));
        scanned += top - bottom + 1;
        for (auto it = window.rbegin(); it != window.rend() && page.rows.size() < limit; ++it) {
          page.rows.push_back(*it);
        }
        top = bottom - 1;
      }
      if (page.rows.size() == limit) {
        // Older entries may match too: go on below the last one returned.
        page.next_before_seq = page.rows.back().seq > 1 ? page.rows.back().seq : 0;
      } else {
        // Stopped by the scan bound (or at the start of the log, top == 0).
        page.next_before_seq = top >= 1 ? top + 1 : 0;
      }
    }
    audit::Event e = EventFor(actor, audit::Action::kView, purpose);
    e.details = {{"audit_search", true},
                 {"actor", filter.actor},
                 {"action", filter.action},
                 {"entries", page.rows.size()}};
    if (!filter.object_id.empty()) e.object_ids = {filter.object_id};
    return trail.Append(tx, std::move(e)).status();
  }));
  return page;
}

}  // namespace liaison::access
