#include "access/statistics.h"

#include "absl/strings/str_split.h"
#include "access/permissions.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "common/time_format.h"

namespace liaison::access {

absl::StatusOr<Json> Statistics(store::Store& store, AuditTrail& trail, const Actor& actor,
                                int64_t from_ms, int64_t to_ms) {
  if (!RoleHolds(actor.role, kStatsRead)) {
    return absl::PermissionDeniedError("statistics need the stats.read permission");
  }
  Json out = {{"from", FormatMillis(from_ms)}, {"to", FormatMillis(to_ms)}};
  RETURN_IF_ERROR(store.Write([&](store::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<store::CountRow> areas, tx.CountRecordsByCrimeArea());
    Json by_area = Json::object();
    for (const auto& row : areas) by_area[row.key] = row.count;
    out["records_by_crime_area"] = by_area;
    ASSIGN_OR_RETURN(std::vector<store::CountRow> counts, tx.CountAuditByMonth(from_ms, to_ms));
    Json months = Json::object();
    Json totals = Json::object();
    for (const auto& row : counts) {
      std::vector<std::string> parts = absl::StrSplit(row.key, '|');
      if (parts.size() != 3) continue;
      months[parts[0]][parts[1]][parts[2]] = row.count;
      int64_t prev = totals.contains(parts[1]) ? totals[parts[1]].get<int64_t>() : 0;
      totals[parts[1]] = prev + row.count;
    }
    out["months"] = months;
    out["totals"] = totals;
    audit::Event e;
    e.actor_id = actor.id;
    e.actor_name = actor.name;
    e.actor_role = std::string(RoleName(actor.role));
    e.action = audit::Action::kView;
    e.origin = actor.origin;
    e.details = {{"statistics", true}};
    return trail.Append(tx, std::move(e)).status();
  }));
  return out;
}

}  // namespace liaison::access
