#include "access/person_search.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "access/permissions.h"
#include "access/watchlists.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "screening/population.h"

namespace liaison::access {
namespace {

// The query's terms for the audit hash, normalised so that the same query
// hashes the same way: each field labelled, ASCII case folded, runs of
// white space collapsed.
std::vector<std::string> QueryTerms(const PersonQuery& q) {
  auto norm = [](std::string_view label, std::string_view v) {
    std::string out = StrCat(label, ":");
    bool space = false;
    for (char c : StripAscii(v)) {
      if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
        space = true;
        continue;
      }
      if (space) out += ' ';
      space = false;
      out += absl::ascii_tolower(static_cast<unsigned char>(c));
    }
    return out;
  };
  const match::PersonInput& p = q.person;
  std::vector<std::string> terms;
  for (const std::string& n : p.names) terms.push_back(norm("name", n));
  if (!p.father_name.empty()) terms.push_back(norm("father_name", p.father_name));
  if (!p.dob.empty()) terms.push_back(norm("dob", p.dob));
  if (!p.gender.empty()) terms.push_back(norm("gender", p.gender));
  for (const std::string& n : p.nationalities) terms.push_back(norm("nationality", n));
  for (const match::IdentityNumber& id : p.id_numbers) {
    terms.push_back(norm("id", StrCat(id.scheme, ":", id.value)));
  }
  return terms;
}

}  // namespace

absl::Status DenyAndAudit(store::Store& store, AuditTrail& trail, const Actor& actor,
                          const Purpose& purpose, audit::Action attempted,
                          std::vector<std::string> ids, std::string_view why) {
  audit::Event e = EventFor(actor, audit::Action::kAccessDenied, purpose);
  e.purpose = e.purpose.substr(0, 1000);
  e.case_ref = e.case_ref.substr(0, 200);
  e.object_ids = std::move(ids);
  e.outcome = audit::Outcome::kDenied;
  e.outcome_text = std::string(why);
  e.details = {{"attempted", std::string(audit::ActionName(attempted))}};
  RETURN_IF_ERROR(
      store.Write([&](store::Transaction& tx) { return trail.Append(tx, e).status(); }));
  return absl::PermissionDeniedError(AbslView(why));
}

PersonSearch::PersonSearch(store::Store& store, AuditTrail& trail,
                           screening::ScreeningService& screening)
    : store_(store), trail_(trail), screening_(screening) {}

absl::StatusOr<std::vector<PersonSearchHit>> PersonSearch::Search(const Actor& actor,
                                                                  const Purpose& purpose,
                                                                  const PersonQuery& query) {
  if (!RoleHolds(actor.role, kScreeningSearch)) {
    return DenyAndAudit(
        store_, trail_, actor, purpose, audit::Action::kSearch, {},
        StrCat("the ", RoleName(actor.role), " role does not hold ", kScreeningSearch));
  }
  RETURN_IF_ERROR(ValidatePurpose(purpose));
  if (!(query.min_score >= 0 && query.min_score <= 1)) {
    return absl::InvalidArgumentError("min_score: expected a number from 0 to 1");
  }
  if (query.limit < 1 || query.limit > kMaxSearchLimit) {
    return absl::InvalidArgumentError(StrCat("limit: expected 1 to ", kMaxSearchLimit));
  }
  if (query.person.names.empty() || StripAscii(query.person.names.front()).empty()) {
    return absl::InvalidArgumentError("name: required");
  }
  ASSIGN_OR_RETURN(match::PreparedPerson prepared, screening_.Prepare(query.person));
  if (!screening_.ready()) {
    return absl::UnavailableError("the screening index is being built; try again shortly");
  }
  // Read-your-writes: changes committed before this search are in the index.
  absl::StatusOr<size_t> caught_up = screening_.CatchUp();
  if (!caught_up.ok()) return caught_up.status();

  std::vector<PersonSearchHit> out;
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) -> absl::Status {
    out.clear();
    int withheld = 0;
    // Hits the actor may not see must not take the places of those they may:
    // ask the index for more until `limit` visible hits or no more hits.
    size_t fetch = query.limit * 2 + 8;
    std::vector<screening::ExplainedHit> hits;
    while (true) {
      ASSIGN_OR_RETURN(hits,
                       screening_.Search(prepared, {.min_score = query.min_score, .limit = fetch}));
      out.clear();
      withheld = 0;
      for (screening::ExplainedHit& h : hits) {
        if (out.size() == query.limit) break;
        if (ParseSharedRef(h.ref)) {
          ASSIGN_OR_RETURN(std::optional<SharedListHit> shared, SharedHitFor(tx, h.ref));
          if (!shared) continue;  // removed since the index saw it
          if (!actor.clearance.Covers(SharedHitMeta(*shared))) {
            ++withheld;
            continue;
          }
          PersonSearchHit hit;
          hit.score = h.score;
          hit.result = std::move(h.result);
          hit.shared = *std::move(shared);
          out.push_back(std::move(hit));
          continue;
        }
        if (!screening::IsOwnRecordRef(h.ref)) continue;
        absl::StatusOr<records::Record> rec = tx.GetRecord(h.ref);
        if (absl::IsNotFound(rec.status())) continue;  // erased since the index saw it
        RETURN_IF_ERROR(rec.status());
        if (!actor.clearance.Covers(rec->meta)) {
          ++withheld;
          continue;
        }
        out.push_back({h.ref, h.score, std::move(h.result), *std::move(rec)});
      }
      if (out.size() == query.limit || hits.size() < fetch || fetch == 0) break;
      fetch = fetch >= 4096 ? 0 : fetch * 4;  // 0: every hit above min_score
    }
    audit::Event e = EventFor(actor, audit::Action::kSearch, purpose);
    e.query_hash = trail_.HashQuery(QueryTerms(query));
    Json shared_hits = Json::array();
    for (const PersonSearchHit& h : out) {
      if (h.shared) {
        shared_hits.push_back({{"partner", h.shared->owner}, {"reference", h.shared->reference}});
      } else {
        e.object_ids.push_back(h.record_id);
      }
    }
    e.details = {{"search", "persons"},
                 {"returned", out.size()},
                 {"withheld", withheld},
                 {"min_score_permille", static_cast<int64_t>(std::lround(query.min_score * 1000))},
                 {"limit", query.limit}};
    if (!shared_hits.empty()) e.details["shared_hits"] = std::move(shared_hits);
    const std::string search_id = StrCat(e.query_hash, "@", trail_.clock().NowMillis());
    RETURN_IF_ERROR(trail_.Append(tx, std::move(e)).status());
    // Strong hits on shared entries notify their owners, after the search's
    // own entry so the log reads in order.
    for (PersonSearchHit& h : out) {
      if (!h.shared) continue;
      WatchlistHitNotice notice;
      notice.owner = h.shared->owner;
      notice.reference = h.shared->reference;
      notice.list_version = h.shared->list_version;
      notice.source = "search";
      notice.source_id = search_id;
      notice.purpose = purpose.text;
      notice.score = h.score;
      ASSIGN_OR_RETURN(h.shared->notified, Watchlists::NotifyHit(tx, trail_, actor, notice));
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::optional<SharedListHit>> SharedHitFor(store::Reader& reader,
                                                          std::string_view ref) {
  std::optional<SharedHitSource> src = ParseSharedRef(ref);
  if (!src) return std::nullopt;
  ASSIGN_OR_RETURN(std::optional<store::SharedEntryRow> entry,
                   reader.GetSharedEntry(src->owner, src->reference));
  if (!entry) return std::nullopt;
  absl::StatusOr<records::CrimeArea> area = records::ParseCrimeArea(entry->crime_area);
  absl::StatusOr<records::HandlingCode> code = records::ParseHandlingCode(entry->handling_code);
  if (!area.ok() || !code.ok()) return std::nullopt;
  SharedListHit shared;
  shared.owner = src->owner;
  shared.reference = src->reference;
  shared.list_version = entry->version;
  shared.crime_area = *area;
  shared.handling_code = *code;
  absl::StatusOr<Json> entry_json = ParseJson(entry->entry_json);
  if (entry_json.ok() && entry_json->is_object() && entry_json->contains("alert") &&
      (*entry_json)["alert"].is_string()) {
    shared.alert = (*entry_json)["alert"].get<std::string>();
  }
  ASSIGN_OR_RETURN(std::optional<store::PartnerRow> partner, reader.GetPartner(src->owner));
  if (partner) shared.agency = partner->agency;
  return shared;
}

records::RecordMeta SharedHitMeta(const SharedListHit& hit) {
  records::RecordMeta meta;
  meta.owner = hit.owner;
  meta.crime_area = hit.crime_area;
  meta.handling_code = hit.handling_code;
  return meta;
}

Json SharedListHitJson(const SharedListHit& s) {
  return {{"owner", s.owner},
          {"agency", s.agency},
          {"reference", s.reference},
          {"list_version", s.list_version},
          {"crime_area", records::Name(s.crime_area)},
          {"handling_code", records::Name(s.handling_code)},
          {"alert", s.alert},
          {"notified", s.notified}};
}

Json PersonSummaryJson(const records::Record& record) {
  Json j = {{"id", record.meta.id},
            {"owner", record.meta.owner},
            {"crime_area", records::Name(record.meta.crime_area)},
            {"handling_code", records::Name(record.meta.handling_code)},
            {"alert", records::Name(record.meta.alert)}};
  if (!record.meta.handling_note.empty()) j["handling_note"] = record.meta.handling_note;
  if (const auto* p = std::get_if<records::Person>(&record.body)) {
    j["name"] = p->name;
    if (!p->aliases.empty()) j["aliases"] = p->aliases;
    if (!p->father_name.empty()) j["father_name"] = p->father_name;
    if (!p->dob.empty()) j["dob"] = records::FormatPartialDate(p->dob);
    if (!p->gender.empty()) j["gender"] = p->gender;
    if (!p->nationalities.empty()) j["nationalities"] = p->nationalities;
  }
  return j;
}

Json SearchHitJson(const PersonSearchHit& hit) {
  if (hit.shared) {
    return {{"source", "shared_watchlist"},
            {"score", std::round(hit.score * 10000) / 10000},
            {"summary", hit.result.summary},
            {"explanation", screening::ExplanationToJson(hit.result)},
            {"shared", SharedListHitJson(*hit.shared)}};
  }
  return {{"source", "own"},
          {"record_id", hit.record_id},
          {"score", std::round(hit.score * 10000) / 10000},
          {"summary", hit.result.summary},
          {"explanation", screening::ExplanationToJson(hit.result)},
          {"record", PersonSummaryJson(hit.record)}};
}

}  // namespace liaison::access
