#include "access/statistics.h"

#include <algorithm>
#include <map>
#include <vector>

#include "absl/strings/str_split.h"
#include "access/permissions.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "common/time_format.h"
#include "records/record.h"

namespace liaison::access {

namespace {

// Response times of one bucket: the median and the 90th percentile.
void AddPercentiles(std::vector<int64_t>& response_ms, Json& out) {
  if (response_ms.empty()) return;
  std::sort(response_ms.begin(), response_ms.end());
  auto pct = [&](double q) {
    size_t i = static_cast<size_t>(q * static_cast<double>(response_ms.size() - 1) + 0.5);
    return response_ms[std::min(i, response_ms.size() - 1)];
  };
  out["response_ms_median"] = pct(0.5);
  out["response_ms_p90"] = pct(0.9);
}

// One side of the hit/no-hit exchange in one crime area and month.
struct DirectionBucket {
  int64_t requests = 0;
  int64_t answered = 0;
  int64_t refused = 0;
  int64_t hits = 0;
  std::vector<int64_t> response_ms;

  Json ToJson() {
    Json j = {{"requests", requests}, {"answered", answered}, {"hits", hits}};
    if (refused > 0) j["refused"] = refused;
    AddPercentiles(response_ms, j);
    return j;
  }
};

struct AreaBucket {
  DirectionBucket sent;      // our officers' queries to partners
  DirectionBucket received;  // partners' queries to this node
};

// The crime area a partner query's audit entry names: "any" when the query
// named none, "unknown" for a value that is not a crime area (a partner's
// query may carry anything; such a query searched nothing).
std::string AreaOf(const Json* details) {
  if (details == nullptr) return "any";
  auto a = details->find("crime_area");
  if (a == details->end() || !a->is_string() || a->get<std::string>().empty()) return "any";
  if (!records::ParseCrimeArea(a->get<std::string>()).ok()) return "unknown";
  return a->get<std::string>();
}

// The exchange layer records, in the details of its audit entries,
// {"partner": node id, "response_ms": time to answer, "hit": bool} and the
// crime area asked about, if any. Per partner and month: how many of each
// exchange action, hits, and the median and 90th percentile of response
// times; per crime area and month, for the queries sent and received:
// requests, answers, refusals, hits and response times.
absl::Status PartnerFigures(store::Reader& reader, int64_t from_ms, int64_t to_ms, Json& partners,
                            Json& crime_areas) {
  struct Bucket {
    std::map<std::string, int64_t> actions;
    int64_t hits = 0;
    std::vector<int64_t> response_ms;
    std::vector<int64_t> followup_response_ms;  // arrival to decision, as the owner
  };
  std::map<std::string, std::map<std::string, Bucket>> buckets;    // partner -> month -> bucket
  std::map<std::string, std::map<std::string, AreaBucket>> areas;  // area -> month -> bucket
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
    if (auto d = entry->find("details"); d != entry->end() && d->is_object()) details = &*d;
    std::string partner = "unknown";
    bool hit = false;
    int64_t response_ms = -1;
    bool names_query = false;
    if (details != nullptr) {
      if (auto p = details->find("partner"); p != details->end() && p->is_string()) {
        partner = p->get<std::string>();
      }
      if (auto h = details->find("hit"); h != details->end() && h->is_boolean()) {
        hit = h->get<bool>();
      }
      if (auto r = details->find("response_ms");
          r != details->end() && r->is_number_integer() && r->get<int64_t>() >= 0) {
        response_ms = r->get<int64_t>();
      }
      names_query = details->contains("query_id");
    }
    const std::string month = FormatMillis(row.time_ms).substr(0, 7);
    Bucket& b = buckets[partner][month];
    ++b.actions[row.action];
    b.hits += hit;
    const bool followup = row.action.rfind("followup_", 0) == 0 || row.action == "data_released" ||
                          row.action == "data_received";
    if (response_ms >= 0) {
      if (!followup) {
        b.response_ms.push_back(response_ms);
      } else if (row.action == "followup_decided" && details->contains("urgency")) {
        // A follow-up's response time (hours, days) is kept apart from the
        // hit/no-hit answers' (milliseconds). The owner's own decisions
        // count; the requester's copy of them carries no "urgency".
        b.followup_response_ms.push_back(response_ms);
      }
    }

    // Hit/no-hit queries only: a refusal counts when it refused a query
    // (not an envelope or a follow-up request).
    if (followup || row.action == "disclosure" || (row.action == "refusal" && !names_query)) {
      return absl::OkStatus();
    }
    AreaBucket& area = areas[AreaOf(details)][month];
    DirectionBucket& side = row.action == "partner_query_sent" ? area.sent : area.received;
    ++side.requests;
    if (row.action == "refusal") {
      ++side.refused;
    } else if (row.outcome == "ok") {
      ++side.answered;
    }
    side.hits += hit;
    if (response_ms >= 0) side.response_ms.push_back(response_ms);
    return absl::OkStatus();
  }));
  partners = Json::object();
  for (auto& [partner, months] : buckets) {
    for (auto& [month, b] : months) {
      Json m = {{"hits", b.hits}};
      for (const auto& [action, n] : b.actions) m[action] = n;
      AddPercentiles(b.response_ms, m);
      if (!b.followup_response_ms.empty()) {
        std::vector<int64_t>& f = b.followup_response_ms;
        std::sort(f.begin(), f.end());
        m["followup_response_ms_median"] = f[(f.size() - 1) / 2];
      }
      partners[partner][month] = std::move(m);
    }
  }
  crime_areas = Json::object();
  for (auto& [area, months] : areas) {
    for (auto& [month, b] : months) {
      crime_areas[area][month] = {{"sent", b.sent.ToJson()}, {"received", b.received.ToJson()}};
    }
  }
  return absl::OkStatus();
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
    RETURN_IF_ERROR(
        PartnerFigures(tx, from_ms, to_ms, out["partners"], out["partner_queries_by_crime_area"]));
    audit::Event e = EventFor(actor, audit::Action::kView);
    e.details = {{"statistics", true}};
    return trail.Append(tx, std::move(e)).status();
  }));
  return out;
}

}  // namespace liaison::access
