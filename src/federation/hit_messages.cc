#include "federation/hit_messages.h"

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

bool IsCrimeAreaName(std::string_view s) {
  for (std::string_view a : kCrimeAreas) {
    if (a == s) return true;
  }
  return false;
}

absl::StatusOr<Json> ParseBody(std::string_view body, std::string_view what, size_t max_bytes) {
  if (body.size() > max_bytes) {
    return absl::ResourceExhaustedError(
        StrCat(what, ": body of ", body.size(), " bytes is over the limit of ", max_bytes));
  }
  absl::StatusOr<Json> json = ParseJson(body, {.max_bytes = max_bytes, .max_depth = 4});
  if (!json.ok()) {
    return absl::InvalidArgumentError(StrCat(what, ": ", StdView(json.status().message())));
  }
  if (!json->is_object()) return absl::InvalidArgumentError(StrCat(what, ": not a JSON object"));
  return json;
}

bool IsDateForm(std::string_view d) {
  if (d.empty()) return true;
  auto digits = [&](size_t from, size_t n) {
    for (size_t i = from; i < from + n; ++i) {
      if (d[i] < '0' || d[i] > '9') return false;
    }
    return true;
  };
  if (d.size() == 4) return digits(0, 4);
  if (d.size() == 7) return digits(0, 4) && d[4] == '-' && digits(5, 2);
  if (d.size() == 10)
    return digits(0, 4) && d[4] == '-' && digits(5, 2) && d[7] == '-' && digits(8, 2);
  return false;
}

absl::Status CheckQuery(const HitQuery& q, BodyReader& r) {
  if (!IsLiaisonId(q.query_id, "qry_")) {
    return r.Error("query_id", "must be qry_ followed by 26 Crockford base32 characters");
  }
  if (!q.crime_area.empty() && !IsCrimeAreaName(q.crime_area)) {
    return r.Error("crime_area", "must be a crime area of the person-list format, or empty");
  }
  if (q.person.names.empty()) return r.Error("names", "must hold at least one name");
  if (!IsDateForm(q.person.dob))
    return r.Error("dob", "must be YYYY-MM-DD, YYYY-MM, YYYY or empty");
  if (q.person.gender != "" && q.person.gender != "M" && q.person.gender != "F" &&
      q.person.gender != "X") {
    return r.Error("gender", "must be M, F, X or empty");
  }
  for (const std::string& c : q.person.nationalities) {
    if (c.size() != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z') {
      return r.Error("nationalities", "items must be ISO 3166-1 alpha-2 codes");
    }
  }
  for (const std::string& id : q.person.id_numbers) {
    size_t colon = id.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == id.size()) {
      return r.Error("id_numbers", "items must be scheme:value");
    }
  }
  return absl::OkStatus();
}

Json StringArray(const std::vector<std::string>& items) {
  Json out = Json::array();
  for (const std::string& s : items) out.push_back(s);
  return out;
}

}  // namespace

std::string_view MatchBandName(MatchBand band) {
  return band == MatchBand::kStrong ? "strong" : "possible";
}

std::string HitQueryToJson(const HitQuery& q) {
  nlohmann::ordered_json j;
  j["query_id"] = q.query_id;
  j["purpose"] = q.purpose;
  j["case_ref"] = q.case_ref;
  j["crime_area"] = q.crime_area;
  j["names"] = StringArray(q.person.names);
  j["father_name"] = q.person.father_name;
  j["dob"] = q.person.dob;
  j["gender"] = q.person.gender;
  j["nationalities"] = StringArray(q.person.nationalities);
  j["id_numbers"] = StringArray(q.person.id_numbers);
  return j.dump();
}

std::string HitAnswerToJson(const HitAnswer& a) {
  nlohmann::ordered_json j;
  j["query_id"] = a.query_id;
  j["in_reply_to"] = a.in_reply_to;
  j["status"] = a.status;
  j["refusal"] = a.refusal;
  j["hit"] = a.hit;
  nlohmann::ordered_json results = nlohmann::ordered_json::array();
  for (const HitResult& r : a.results) {
    nlohmann::ordered_json item;
    item["reference"] = r.reference;
    item["band"] = std::string(MatchBandName(r.band));
    results.push_back(std::move(item));
  }
  j["results"] = std::move(results);
  return j.dump();
}

absl::Status ValidateHitQuery(const HitQuery& query) {
  ASSIGN_OR_RETURN(HitQuery parsed, ParseHitQuery(HitQueryToJson(query)));
  (void)parsed;
  return absl::OkStatus();
}

absl::StatusOr<HitQuery> ParseHitQuery(std::string_view body) {
  constexpr std::string_view kWhat = "hit_query";
  ASSIGN_OR_RETURN(Json json, ParseBody(body, kWhat, kMaxQueryBodyBytes));
  BodyReader r(json, std::string(kWhat));
  HitQuery q;
  ASSIGN_OR_RETURN(q.query_id, r.String("query_id", 30, 30));
  ASSIGN_OR_RETURN(q.purpose, r.String("purpose", 1, kMaxPurposeBytes));
  ASSIGN_OR_RETURN(q.case_ref, r.String("case_ref", 0, kMaxCaseRefBytes));
  ASSIGN_OR_RETURN(q.crime_area, r.String("crime_area", 0, 32));
  ASSIGN_OR_RETURN(q.person.names, r.Strings("names", kMaxQueryNames, kMaxNameBytes));
  ASSIGN_OR_RETURN(q.person.father_name, r.String("father_name", 0, kMaxNameBytes));
  ASSIGN_OR_RETURN(q.person.dob, r.String("dob", 0, 10));
  ASSIGN_OR_RETURN(q.person.gender, r.String("gender", 0, 1));
  ASSIGN_OR_RETURN(q.person.nationalities, r.Strings("nationalities", kMaxQueryNationalities, 2));
  ASSIGN_OR_RETURN(q.person.id_numbers, r.Strings("id_numbers", kMaxQueryIdNumbers, 100));
  RETURN_IF_ERROR(r.NoOtherMembers());
  RETURN_IF_ERROR(CheckQuery(q, r));
  return q;
}

absl::StatusOr<HitAnswer> ParseHitAnswer(std::string_view body) {
  constexpr std::string_view kWhat = "hit_answer";
  ASSIGN_OR_RETURN(Json json, ParseBody(body, kWhat, 64 * 1024));
  BodyReader r(json, std::string(kWhat));
  HitAnswer a;
  ASSIGN_OR_RETURN(a.query_id, r.String("query_id", 30, 30));
  ASSIGN_OR_RETURN(a.in_reply_to, r.String("in_reply_to", 30, 30));
  ASSIGN_OR_RETURN(a.status, r.String("status", 1, 16));
  ASSIGN_OR_RETURN(a.refusal, r.String("refusal", 0, 64));
  ASSIGN_OR_RETURN(a.hit, r.Bool("hit"));
  const Json* results = r.Member("results");
  if (results == nullptr) return r.Error("results", "missing");
  if (!results->is_array() || results->size() > kMaxAnswerResults) {
    return r.Error("results", StrCat("must be an array of at most ", kMaxAnswerResults, " hits"));
  }
  for (const Json& item : *results) {
    if (!item.is_object()) return r.Error("results", "items must be objects");
    BodyReader ir(item, "hit_answer: results item");
    HitResult hr;
    ASSIGN_OR_RETURN(hr.reference, ir.String("reference", 30, 30));
    if (!IsLiaisonId(hr.reference, "ref_")) {
      return ir.Error("reference", "must be ref_ followed by 26 Crockford base32 characters");
    }
    ASSIGN_OR_RETURN(std::string band, ir.String("band", 1, 16));
    if (band == "strong") {
      hr.band = MatchBand::kStrong;
    } else if (band == "possible") {
      hr.band = MatchBand::kPossible;
    } else {
      return ir.Error("band", "must be strong or possible");
    }
    RETURN_IF_ERROR(ir.NoOtherMembers());
    a.results.push_back(std::move(hr));
  }
  RETURN_IF_ERROR(r.NoOtherMembers());
  if (!IsLiaisonId(a.query_id, "qry_")) return r.Error("query_id", "not a query id");
  if (!IsLiaisonId(a.in_reply_to, "msg_")) return r.Error("in_reply_to", "not a message id");
  if (a.status == "answered") {
    if (!a.refusal.empty()) return r.Error("refusal", "must be empty when status is answered");
    if (a.hit != !a.results.empty())
      return r.Error("hit", "must be true exactly when results are given");
  } else if (a.status == "refused") {
    if (a.refusal.empty()) return r.Error("refusal", "must name the reason when refused");
    if (a.hit || !a.results.empty()) return r.Error("hit", "a refusal reports no hit");
  } else {
    return r.Error("status", "must be answered or refused");
  }
  return a;
}

}  // namespace liaison::federation
