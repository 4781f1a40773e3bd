#include "federation/watchlist_messages.h"

#include <set>

#include "common/absl_bridge.h"
#include "common/json_text.h"
#include "common/status_macros.h"
#include "federation/body_reader.h"
#include "federation/strict_object.h"

namespace liaison::federation {
namespace {

constexpr std::string_view kCrimeAreas[] = {
    "terrorism",       "narcotics",       "migrant_smuggling", "human_trafficking",
    "organised_crime", "missing_persons", "vehicle_crime",     "other"};
constexpr std::string_view kHandlingCodes[] = {"H0", "H1", "H2", "H3"};
// Alert kinds an entry may name; protected persons and victims are sent as "".
constexpr std::string_view kSharedAlerts[] = {"", "wanted", "surveillance", "missing_child",
                                              "missing_adult"};
constexpr int64_t kMaxVersion = (int64_t{1} << 53) - 1;
constexpr size_t kMaxEntryBytes = 8 * 1024;

bool IsDateForm(std::string_view d) {
  auto digits = [&](size_t from, size_t n) {
    for (size_t i = from; i < from + n; ++i) {
      if (d[i] < '0' || d[i] > '9') return false;
    }
    return true;
  };
  if (d.empty()) return true;
  if (d.size() == 4) return digits(0, 4);
  if (d.size() == 7) return digits(0, 4) && d[4] == '-' && digits(5, 2);
  if (d.size() == 10) {
    return digits(0, 4) && d[4] == '-' && digits(5, 2) && d[7] == '-' && digits(8, 2);
  }
  return false;
}

absl::StatusOr<Json> ParseObject(std::string_view body, std::string_view what, size_t max_bytes) {
  if (body.size() > max_bytes) {
    return absl::ResourceExhaustedError(
        StrCat(what, ": body of ", body.size(), " bytes is over the limit of ", max_bytes));
  }
  absl::StatusOr<Json> json = ParseJson(body, {.max_bytes = max_bytes, .max_depth = 5});
  if (!json.ok()) {
    return absl::InvalidArgumentError(StrCat(what, ": ", StdView(json.status().message())));
  }
  if (!json->is_object()) return absl::InvalidArgumentError(StrCat(what, ": not a JSON object"));
  return json;
}

nlohmann::ordered_json StringArray(const std::vector<std::string>& items) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const std::string& s : items) out.push_back(s);
  return out;
}

nlohmann::ordered_json EntryJson(const WatchlistEntry& e) {
  nlohmann::ordered_json j;
  j["reference"] = e.reference;
  j["crime_area"] = e.crime_area;
  j["handling_code"] = e.handling_code;
  j["alert"] = e.alert;
  j["names"] = StringArray(e.person.names);
  j["father_name"] = e.person.father_name;
  j["dob"] = e.person.dob;
  j["gender"] = e.person.gender;
  j["nationalities"] = StringArray(e.person.nationalities);
  j["id_numbers"] = StringArray(e.person.id_numbers);
  return j;
}

absl::StatusOr<WatchlistEntry> ReadEntry(const Json& json, std::string where) {
  if (!json.is_object()) return absl::InvalidArgumentError(StrCat(where, ": not an object"));
  BodyReader m(json, std::move(where));
  WatchlistEntry e;
  ASSIGN_OR_RETURN(e.reference, m.Id("reference", "wle_", /*allow_empty=*/false));
  ASSIGN_OR_RETURN(e.crime_area, m.Enum("crime_area", kCrimeAreas));
  ASSIGN_OR_RETURN(e.handling_code, m.Enum("handling_code", kHandlingCodes));
  ASSIGN_OR_RETURN(e.alert, m.Enum("alert", kSharedAlerts));
  ASSIGN_OR_RETURN(e.person.names, m.Strings("names", kMaxQueryNames, kMaxNameBytes));
  if (e.person.names.empty()) return m.Error("names", "must hold at least one name");
  ASSIGN_OR_RETURN(e.person.father_name, m.String("father_name", 0, kMaxNameBytes));
  ASSIGN_OR_RETURN(e.person.dob, m.String("dob", 0, 10));
  if (!IsDateForm(e.person.dob))
    return m.Error("dob", "must be YYYY-MM-DD, YYYY-MM, YYYY or empty");
  ASSIGN_OR_RETURN(e.person.gender, m.String("gender", 0, 1));
  if (!e.person.gender.empty() && e.person.gender != "M" && e.person.gender != "F" &&
      e.person.gender != "X") {
    return m.Error("gender", "must be M, F, X or empty");
  }
  ASSIGN_OR_RETURN(e.person.nationalities, m.Strings("nationalities", kMaxQueryNationalities, 2));
  for (const std::string& c : e.person.nationalities) {
    if (c.size() != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z') {
      return m.Error("nationalities", "items must be ISO 3166-1 alpha-2 codes");
    }
  }
  ASSIGN_OR_RETURN(e.person.id_numbers, m.Strings("id_numbers", kMaxQueryIdNumbers, 100));
  for (const std::string& id : e.person.id_numbers) {
    size_t colon = id.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == id.size()) {
      return m.Error("id_numbers", "items must be scheme:value");
    }
  }
  RETURN_IF_ERROR(m.NoOtherMembers());
  return e;
}

}  // namespace

std::string WatchlistPullToJson(const WatchlistPull& p) {
  nlohmann::ordered_json j;
  j["pull_id"] = p.pull_id;
  j["after_version"] = p.after_version;
  j["after_reference"] = p.after_reference;
  j["continuation"] = p.continuation;
  return j.dump();
}

std::string WatchlistEntryToJson(const WatchlistEntry& e) { return EntryJson(e).dump(); }

std::string WatchlistPageToJson(const WatchlistPage& p) {
  nlohmann::ordered_json j;
  j["pull_id"] = p.pull_id;
  j["in_reply_to"] = p.in_reply_to;
  j["list_version"] = p.list_version;
  j["retention_days"] = p.retention_days;
  nlohmann::ordered_json upserts = nlohmann::ordered_json::array();
  for (const WatchlistEntry& e : p.upserts) upserts.push_back(EntryJson(e));
  j["upserts"] = std::move(upserts);
  j["removals"] = StringArray(p.removals);
  j["next_version"] = p.next_version;
  j["next_reference"] = p.next_reference;
  j["complete"] = p.complete;
  return j.dump();
}

absl::StatusOr<WatchlistPull> ParseWatchlistPull(std::string_view body) {
  constexpr std::string_view kWhat = "watchlist_pull";
  ASSIGN_OR_RETURN(Json json, ParseObject(body, kWhat, kMaxWatchlistPullBytes));
  BodyReader m(json, std::string(kWhat));
  WatchlistPull p;
  ASSIGN_OR_RETURN(p.pull_id, m.Id("pull_id", "wlp_", /*allow_empty=*/false));
  ASSIGN_OR_RETURN(p.after_version, m.Integer("after_version", 0, kMaxVersion));
  ASSIGN_OR_RETURN(p.after_reference, m.Id("after_reference", "wle_", /*allow_empty=*/true));
  ASSIGN_OR_RETURN(p.continuation, m.Bool("continuation"));
  RETURN_IF_ERROR(m.NoOtherMembers());
  return p;
}

absl::StatusOr<WatchlistPage> ParseWatchlistPage(std::string_view message_type,
                                                 std::string_view body) {
  WatchlistPage p;
  if (message_type == kWatchlistSnapshotType) {
    p.snapshot = true;
  } else if (message_type != kWatchlistDeltaType) {
    return absl::InvalidArgumentError(StrCat("'", message_type, "' is not a watchlist page type"));
  }
  const std::string what(message_type);
  ASSIGN_OR_RETURN(Json json, ParseObject(body, what, kMaxWatchlistPageBytes));
  BodyReader m(json, what);
  ASSIGN_OR_RETURN(p.pull_id, m.Id("pull_id", "wlp_", /*allow_empty=*/false));
  ASSIGN_OR_RETURN(p.in_reply_to, m.Id("in_reply_to", "msg_", /*allow_empty=*/false));
  ASSIGN_OR_RETURN(p.list_version, m.Integer("list_version", 0, kMaxVersion));
  ASSIGN_OR_RETURN(p.retention_days, m.Integer("retention_days", 1, 3650));
  const Json* upserts = m.Member("upserts");
  if (upserts == nullptr) return m.Error("upserts", "missing");
  if (!upserts->is_array()) return m.Error("upserts", "must be an array of entries");
  if (upserts->size() > kMaxWatchlistPageEntries) {
    return m.Error("upserts", StrCat("has more than ", kMaxWatchlistPageEntries, " entries"));
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < upserts->size(); ++i) {
    ASSIGN_OR_RETURN(WatchlistEntry e,
                     ReadEntry((*upserts)[i], StrCat(what, ": upserts[", i, "]")));
    if (!seen.insert(e.reference).second) {
      return m.Error("upserts", StrCat("entry ", i, " repeats reference ", e.reference));
    }
    p.upserts.push_back(std::move(e));
  }
  ASSIGN_OR_RETURN(p.removals, m.Strings("removals", kMaxWatchlistPageEntries, 30));
  if (p.snapshot && !p.removals.empty()) {
    return m.Error("removals", "must be empty in a snapshot");
  }
  for (const std::string& r : p.removals) {
    if (!IsLiaisonId(r, "wle_")) return m.Error("removals", "items must be wle_ references");
    if (!seen.insert(r).second) return m.Error("removals", StrCat("repeats reference ", r));
  }
  if (p.upserts.size() + p.removals.size() > kMaxWatchlistPageEntries) {
    return m.Error("removals", StrCat("a page holds at most ", kMaxWatchlistPageEntries,
                                      " entries and removals"));
  }
  ASSIGN_OR_RETURN(p.next_version, m.Integer("next_version", 0, kMaxVersion));
  ASSIGN_OR_RETURN(p.next_reference, m.Id("next_reference", "wle_", /*allow_empty=*/true));
  ASSIGN_OR_RETURN(p.complete, m.Bool("complete"));
  if (p.next_version > p.list_version) {
    return m.Error("next_version", "must not be above list_version");
  }
  RETURN_IF_ERROR(m.NoOtherMembers());
  return p;
}

absl::StatusOr<WatchlistEntry> ParseWatchlistEntry(std::string_view json) {
  ASSIGN_OR_RETURN(Json parsed, ParseObject(json, "watchlist entry", kMaxEntryBytes));
  return ReadEntry(parsed, "watchlist entry");
}

}  // namespace liaison::federation
