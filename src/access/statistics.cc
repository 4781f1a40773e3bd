#include "access/statistics.h"

#include <algorithm>
#include <map>
#include <vector>

#include "absl/strings/str_split.h"
#include "access/permissions.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "common/time_format.h"

namespace liaison::access {

namespace {

// The exchange layer records, in the details of its audit entries,
// {"partner": node id, "response_ms": time to answer, "hit": bool}.
// Per partner and month: how many of each exchange action, hits, and the
// median and 90th percentile of response times.
absl::StatusOr<Json> PartnerFigures(store::Reader& reader, int64_t from_ms, int64_t to_ms) {
  struct Bucket {
    std::map<std::string, int64_t> actions;
    int64_t hits = 0;
    std::vector<int64_t> response_ms;
    std::vector<int64_t> followup_response_ms;  // arrival to decision, as the owner
  };
  std::map<std::string, std::map<std::string, Bucket>> buckets;  // partner -> month -> bucket
  RETURN_IF_ERROR(reader.ScanAudit(1, 0, [&](const store::AuditRow& row) -> absl::Status {
    if (row.time_ms < from_ms || row.time_ms > to_ms) return absl::OkStatus();
    if (row.action != "partner_query_sent" && row.action != "partner_query_answered" &&
        row.action != "disclosure" && row.action != "refusal" &&
        row.action != "followup_requested" && row.action != "followup_decided" &&
        row.action != "data_released" && row.action != "data_received") {
      return absl::OkStatus();
    }
    absl::StatusOr<Json> entry = ParseJson(row.entry_json, {.max_bytes = 1 << 20, .max_depth = 16});
    if (!entry.ok()) return absl::DataLossError(StrCat("audit entry ", row.seq, " is unreadable"));
    const Json* details = nullptr;
    if (auto d = entry->find("details"); d != entry->end()) details = &*d;
    std::string partner = "unknown";
    if (details != nullptr && details->is_object()) {
      if (auto p = details->find("partner"); p != details->end() && p->is_string()) {
        partner = p->get<std::string>();
      }
    }
    Bucket& b = buckets[partner][FormatMillis(row.time_ms).substr(0, 7)];
    ++b.actions[row.action];
    if (details != nullptr && details->is_object()) {
      if (auto h = details->find("hit"); h != details->end() && h->is_boolean() && h->get<bool>()) {
        ++b.hits;
      }
      if (auto r = details->find("response_ms");
          r != details->end() && r->is_number_integer() && r->get<int64_t>() >= 0) {
        // A follow-up's response time (hours, days) is kept apart from the
        // hit/no-hit answers' (milliseconds). The owner's own decisions
        // count; the requester's copy of them carries no "urgency".
        if (row.action == "followup_decided") {
          if (details->contains("urgency")) b.followup_response_ms.push_back(r->get<int64_t>());
        } else {
          b.response_ms.push_back(r->get<int64_t>());
        }
      }
    }
    return absl::OkStatus();
  }));
  Json out = Json::object();
  for (auto& [partner, months] : buckets) {
    for (auto& [month, b] : months) {
      Json m = {{"hits", b.hits}};
      for (const auto& [action, n] : b.actions) m[action] = n;
      if (!b.response_ms.empty()) {
        std::sort(b.response_ms.begin(), b.response_ms.end());
        auto pct = [&](double q) {
          size_t i = static_cast<size_t>(q * static_cast<double>(b.response_ms.size() - 1) + 0.5);
          return b.response_ms[std::min(i, b.response_ms.size() - 1)];
        };
        m["response_ms_median"] = pct(0.5);
        m["response_ms_p90"] = pct(0.9);
      }
      if (!b.followup_response_ms.empty()) {
        std::vector<int64_t>& f = b.followup_response_ms;
        std::sort(f.begin(), f.end());
        m["followup_response_ms_median"] = f[(f.size() - 1) / 2];
      }
      out[partner][month] = std::move(m);
    }
  }
  return out;
}

}  // namespace

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
    ASSIGN_OR_RETURN(out["partners"], PartnerFigures(tx, from_ms, to_ms));
    audit::Event e = EventFor(actor, audit::Action::kView);
    e.details = {{"statistics", true}};
    return trail.Append(tx, std::move(e)).status();
  }));
  return out;
}

}  // namespace liaison::access
