#include "access/partners.h"

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "access/permissions.h"
#include "common/absl_bridge.h"
#include "common/json_text.h"
#include "common/status_macros.h"
#include "common/time_format.h"

namespace liaison::access {
namespace {

constexpr std::string_view kActive = "active";
constexpr std::string_view kRemoved = "removed";

template <typename T>
std::string JoinNames(const std::set<T>& values) {
  std::vector<std::string> names;
  for (const T& v : values) names.emplace_back(records::Name(v));
  return absl::StrJoin(names, ",");
}

std::vector<std::string> SplitList(std::string_view list) {
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(AbslView(list), ',', absl::SkipWhitespace())) {
    out.emplace_back(StripAscii(StdView(part)));
  }
  return out;
}

// The audit event of a partner node acting on this node.
audit::Event PartnerEvent(std::string_view partner, audit::Action action, const Purpose& purpose) {
  audit::Event e;
  e.actor_id = StrCat("partner:", partner);
  e.actor_name = std::string(partner);
  e.actor_role = "partner";
  e.action = action;
  e.purpose = purpose.text.substr(0, 1000);
  e.case_ref = purpose.case_ref.substr(0, 200);
  e.origin = StrCat("partner:", partner);
  return e;
}

std::string UtcDay(int64_t ms) { return FormatMillis(ms).substr(0, 10); }

// The stored form of an answer, so a retried query gets the same one.
std::string AnswerToStored(const AnsweredQuery& a) {
  Json results = Json::array();
  for (const auto& r : a.results) results.push_back({{"reference", r.reference}, {"band", r.band}});
  return DumpJson({{"refusal", a.refusal}, {"results", results}});
}

absl::StatusOr<AnsweredQuery> AnswerFromStored(std::string_view text) {
  absl::StatusOr<Json> json = ParseJson(text);
  if (!json.ok() || !json->is_object() || !(*json)["refusal"].is_string() ||
      !(*json)["results"].is_array()) {
    return absl::DataLossError("a stored partner answer is unreadable");
  }
  AnsweredQuery a;
  a.refusal = (*json)["refusal"].get<std::string>();
  for (const Json& r : (*json)["results"]) {
    if (!r.is_object() || !r["reference"].is_string() || !r["band"].is_string()) {
      return absl::DataLossError("a stored partner answer is unreadable");
    }
    a.results.push_back({r["reference"].get<std::string>(), r["band"].get<std::string>()});
  }
  a.repeated = true;
  return a;
}

}  // namespace

absl::StatusOr<std::set<records::CrimeArea>> ParseCrimeAreaList(std::string_view list) {
  std::set<records::CrimeArea> out;
  for (const std::string& name : SplitList(list)) {
    ASSIGN_OR_RETURN(records::CrimeArea area, records::ParseCrimeArea(name));
    out.insert(area);
  }
  return out;
}

absl::StatusOr<std::set<records::RecordType>> ParseRecordTypeList(std::string_view list) {
  std::set<records::RecordType> out;
  for (const std::string& name : SplitList(list)) {
    ASSIGN_OR_RETURN(records::RecordType type, records::ParseRecordType(name));
    out.insert(type);
  }
  return out;
}

store::AgreementRow AgreementToRow(const Agreement& a) {
  store::AgreementRow row;
  row.crime_areas = JoinNames(a.crime_areas);
  row.record_types = JoinNames(a.record_types);
  row.max_handling_code = std::string(records::Name(a.max_handling_code));
  row.auto_approve = JoinNames(a.auto_approve);
  row.retention_days = a.retention_days;
  row.daily_quota = a.daily_quota;
  return row;
}

absl::StatusOr<Agreement> AgreementFromRow(const store::AgreementRow& row) {
  auto corrupt = [&](std::string_view column, const absl::Status& s) {
    return absl::DataLossError(StrCat("agreement with ", row.partner, " version ", row.version,
                                      ": stored ", column, " is invalid: ", StdView(s.message())));
  };
  Agreement a;
  auto areas = ParseCrimeAreaList(row.crime_areas);
  if (!areas.ok()) return corrupt("crime_areas", areas.status());
  a.crime_areas = *areas;
  auto types = ParseRecordTypeList(row.record_types);
  if (!types.ok()) return corrupt("record_types", types.status());
  a.record_types = *types;
  auto code = records::ParseHandlingCode(row.max_handling_code);
  if (!code.ok()) return corrupt("max_handling_code", code.status());
  a.max_handling_code = *code;
  auto auto_approve = ParseCrimeAreaList(row.auto_approve);
  if (!auto_approve.ok()) return corrupt("auto_approve", auto_approve.status());
  a.auto_approve = *auto_approve;
  a.retention_days = row.retention_days;
  a.daily_quota = row.daily_quota;
  return a;
}

Partners::Partners(store::Store& store, AuditTrail& trail, Random& random)
    : store_(store), trail_(trail), random_(random), group_commit_(store) {}

absl::Status Partners::RequireAdmin(const Actor& actor, std::string_view what) {
  if (RoleHolds(actor.role, kNodeAdmin)) return absl::OkStatus();
  return Deny(actor, Purpose{std::string(what), ""},
              StrCat("the ", RoleName(actor.role), " role may not ", what));
}

absl::Status Partners::Deny(const Actor& actor, const Purpose& purpose, std::string_view why) {
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) {
    audit::Event e = EventFor(actor, audit::Action::kAccessDenied);
    e.purpose = purpose.text.substr(0, 1000);
    e.case_ref = purpose.case_ref.substr(0, 200);
    e.outcome = audit::Outcome::kDenied;
    e.outcome_text = std::string(why);
    return trail_.Append(tx, std::move(e)).status();
  }));
  return absl::PermissionDeniedError(AbslView(why));
}

absl::StatusOr<store::PartnerRow> Partners::Register(const Actor& actor,
                                                     store::PartnerRow partner) {
  RETURN_IF_ERROR(RequireAdmin(actor, "register partners"));
  const int64_t now = trail_.clock().NowMillis();
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<store::PartnerRow> all, tx.ListPartners());
    bool replacing = false;
    for (const store::PartnerRow& other : all) {
      if (other.node_id == partner.node_id) {
        replacing = other.status == kActive;
        partner.added_ms = other.added_ms;
        continue;
      }
      if (other.status == kActive && other.tls_fingerprint == partner.tls_fingerprint) {
        return absl::AlreadyExistsError(
            StrCat("partner ", other.node_id, " already uses that TLS certificate"));
      }
    }
    if (partner.added_ms == 0) partner.added_ms = now;
    partner.updated_ms = now;
    partner.status = std::string(kActive);
    RETURN_IF_ERROR(tx.PutPartner(partner));
    audit::Event e = EventFor(actor, audit::Action::kConfigChange, {"partner registration", ""});
    e.details = {{"event", replacing ? "partner_updated" : "partner_added"},
                 {"partner", partner.node_id},
                 {"agency", partner.agency},
                 {"country", partner.country},
                 {"endpoint", partner.endpoint},
                 {"tls_fingerprint", partner.tls_fingerprint},
                 {"signing_public_key", partner.signing_public_key}};
    return trail_.Append(tx, std::move(e)).status();
  }));
  return partner;
}

absl::Status Partners::Remove(const Actor& actor, std::string_view node_id) {
  RETURN_IF_ERROR(RequireAdmin(actor, "remove partners"));
  return store_.Write([&](store::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<store::PartnerRow> partner, tx.GetPartner(node_id));
    if (!partner || partner->status != kActive) {
      return absl::NotFoundError(StrCat("no active partner ", node_id));
    }
    partner->status = std::string(kRemoved);
    partner->updated_ms = trail_.clock().NowMillis();
    RETURN_IF_ERROR(tx.PutPartner(*partner));
    audit::Event e = EventFor(actor, audit::Action::kConfigChange, {"partner removal", ""});
    e.details = {{"event", "partner_removed"}, {"partner", partner->node_id}};
    return trail_.Append(tx, std::move(e)).status();
  });
}

absl::StatusOr<std::vector<store::PartnerRow>> Partners::List(const Actor& actor) {
  if (!RoleHolds(actor.role, kNodeAdmin) && !RoleHolds(actor.role, kPartnersQuery)) {
    RETURN_IF_ERROR(RequireAdmin(actor, "list partners"));
  }
  std::vector<store::PartnerRow> out;
  RETURN_IF_ERROR(store_.Read([&](store::Reader& r) -> absl::Status {
    ASSIGN_OR_RETURN(out, r.ListPartners());
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<store::PartnerRow>> Partners::ActivePartners() {
  std::vector<store::PartnerRow> out;
  RETURN_IF_ERROR(store_.Read([&](store::Reader& r) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<store::PartnerRow> all, r.ListPartners());
    for (store::PartnerRow& p : all) {
      if (p.status == kActive) out.push_back(std::move(p));
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<store::AgreementRow> Partners::SetAgreement(const Actor& actor,
                                                           std::string_view node_id,
                                                           const Agreement& agreement) {
  RETURN_IF_ERROR(RequireAdmin(actor, "set sharing agreements"));
  if (agreement.retention_days < 1 || agreement.retention_days > 3650) {
    return absl::InvalidArgumentError("retention days must be from 1 to 3650");
  }
  if (agreement.daily_quota < 0 || agreement.daily_quota > 10'000'000) {
    return absl::InvalidArgumentError("the daily quota must be from 0 to 10,000,000");
  }
  store::AgreementRow row = AgreementToRow(agreement);
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<store::PartnerRow> partner, tx.GetPartner(node_id));
    if (!partner || partner->status != kActive) {
      return absl::NotFoundError(
          StrCat("no active partner ", node_id, "; register it first with liaison partner add"));
    }
    ASSIGN_OR_RETURN(std::optional<store::AgreementRow> previous, tx.GetAgreement(node_id));
    row.partner = std::string(node_id);
    row.version = previous ? previous->version + 1 : 1;
    row.changed_by = actor.id;
    row.changed_ms = trail_.clock().NowMillis();
    RETURN_IF_ERROR(tx.AddAgreement(row));
    audit::Event e = EventFor(actor, audit::Action::kConfigChange, {"sharing agreement", ""});
    e.details = {{"event", "agreement_set"},         {"partner", row.partner},
                 {"version", row.version},           {"crime_areas", row.crime_areas},
                 {"record_types", row.record_types}, {"max_handling_code", row.max_handling_code},
                 {"auto_approve", row.auto_approve}, {"retention_days", row.retention_days},
                 {"daily_quota", row.daily_quota}};
    return trail_.Append(tx, std::move(e)).status();
  }));
  return row;
}

absl::StatusOr<std::vector<store::AgreementRow>> Partners::AgreementHistory(
    const Actor& actor, std::string_view node_id) {
  RETURN_IF_ERROR(RequireAdmin(actor, "read sharing agreements"));
  std::vector<store::AgreementRow> out;
  RETURN_IF_ERROR(store_.Read([&](store::Reader& r) -> absl::Status {
    ASSIGN_OR_RETURN(out, r.AgreementHistory(node_id));
    return absl::OkStatus();
  }));
  return out;
}

absl::Status Partners::CheckMayQuery(const Actor& actor, const Purpose& purpose) {
  if (!RoleHolds(actor.role, kPartnersQuery)) {
    return Deny(actor, purpose,
                StrCat("the ", RoleName(actor.role), " role may not query partners"));
  }
  return ValidatePurpose(purpose);
}

absl::Status Partners::RecordSent(const Actor& actor, const Purpose& purpose,
                                  const std::vector<std::string>& terms,
                                  const SentQueryOutcome& outcome) {
  return group_commit_.Write([&](store::Transaction& tx) {
    audit::Event e = EventFor(actor, audit::Action::kPartnerQuerySent, purpose);
    e.query_hash = trail_.HashQuery(terms);
    Json references = Json::array();
    for (const std::string& r : outcome.references) references.push_back(r);
    e.details = {{"partner", outcome.partner},
                 {"query_id", outcome.query_id},
                 {"hit", outcome.hit},
                 {"references", references}};
    if (outcome.response_ms >= 0) e.details["response_ms"] = outcome.response_ms;
    if (!outcome.crime_area.empty()) e.details["crime_area"] = outcome.crime_area;
    if (!outcome.error.empty()) {
      e.outcome = audit::Outcome::kError;
      e.outcome_text = outcome.error.substr(0, 1000);
    }
    return trail_.Append(tx, std::move(e)).status();
  });
}

absl::Status Partners::RecordEnvelopeRefusal(std::string_view code, std::string_view field,
                                             std::string_view sender, std::string_view message_id,
                                             std::string_view message) {
  return store_.Write([&](store::Transaction& tx) {
    audit::Event e = PartnerEvent(sender.empty() ? "unknown" : sender, audit::Action::kRefusal, {});
    e.outcome = audit::Outcome::kDenied;
    e.outcome_text = StrCat("envelope refused: ", code, ": ", message.substr(0, 500));
    e.details = {{"partner", std::string(sender.empty() ? "unknown" : sender)},
                 {"code", std::string(code)},
                 {"field", std::string(field)},
                 {"message_id", std::string(message_id)}};
    return trail_.Append(tx, std::move(e)).status();
  });
}

absl::StatusOr<AnsweredQuery> Partners::Refuse(const IncomingQuery& query, std::string_view refusal,
                                               int64_t quota) {
  AnsweredQuery answer;
  answer.refusal = std::string(refusal);
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) {
    audit::Event e = PartnerEvent(query.partner, audit::Action::kRefusal, query.purpose);
    e.query_hash = trail_.HashQuery(query.terms);
    e.outcome = audit::Outcome::kDenied;
    e.outcome_text = std::string(refusal);
    e.details = {{"partner", query.partner},
                 {"query_id", query.query_id},
                 {"message_id", query.message_id},
                 {"code", std::string(refusal)},
                 {"hit", false}};
    if (quota >= 0) e.details["daily_quota"] = quota;
    if (!query.crime_area.empty()) e.details["crime_area"] = query.crime_area;
    return trail_.Append(tx, std::move(e)).status();
  }));
  return answer;
}

absl::StatusOr<AnsweredQuery> Partners::Answer(const IncomingQuery& query,
                                               const ScopedSearch& search) {
  std::optional<store::AgreementRow> row;
  std::optional<std::string> earlier;
  bool active = false;
  RETURN_IF_ERROR(store_.Read([&](store::Reader& r) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<store::PartnerRow> partner, r.GetPartner(query.partner));
    active = partner && partner->status == kActive;
    ASSIGN_OR_RETURN(row, r.GetAgreement(query.partner));
    ASSIGN_OR_RETURN(earlier, r.GetPartnerAnswer(query.partner, query.query_id));
    return absl::OkStatus();
  }));
  if (earlier) return AnswerFromStored(*earlier);
  if (!active || !row) return Refuse(query, kRefusalNoAgreement, -1);
  ASSIGN_OR_RETURN(Agreement agreement, AgreementFromRow(*row));

  // The scope: the agreement, narrowed to the requested crime area. A
  // requested area outside the agreement leaves nothing to search, which
  // answers exactly as a search that found nothing.
  AgreementScope scope;
  scope.record_types = agreement.record_types;
  scope.max_handling_code = agreement.max_handling_code;
  scope.crime_areas = agreement.crime_areas;
  if (!query.crime_area.empty()) {
    absl::StatusOr<records::CrimeArea> wanted = records::ParseCrimeArea(query.crime_area);
    scope.crime_areas.clear();
    if (wanted.ok() && agreement.crime_areas.count(*wanted) > 0) scope.crime_areas = {*wanted};
  }
  std::vector<ScopedHit> hits;
  if (!scope.crime_areas.empty() && agreement.daily_quota > 0) {
    ASSIGN_OR_RETURN(hits, search(scope));
  }

  AnsweredQuery answer;
  bool over_quota = false;
  RETURN_IF_ERROR(group_commit_.Write([&](store::Transaction& tx) -> absl::Status {
    // May run twice (GroupCommit): start from nothing.
    answer = AnsweredQuery();
    over_quota = false;
    const int64_t now = trail_.clock().NowMillis();
    const std::string day = UtcDay(now);
    ASSIGN_OR_RETURN(int64_t used, tx.PartnerQueryCount(query.partner, day));
    if (used >= agreement.daily_quota) {
      over_quota = true;
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(int64_t count, tx.IncrementPartnerQueryCount(query.partner, day));
    (void)count;
    std::vector<std::string> record_ids;
    Json bands = Json::array();
    for (const ScopedHit& hit : hits) {
      store::PartnerReferenceRow ref;
      ref.reference = random_.NewId("ref_");
      ref.partner = query.partner;
      ref.record_id = hit.record_id;
      ref.query_id = query.query_id;
      ref.band = hit.band;
      ref.created_ms = now;
      ref.expires_ms = now + kReferenceValidityMs;
      RETURN_IF_ERROR(tx.PutPartnerReference(ref));
      answer.results.push_back({ref.reference, ref.band});
      record_ids.push_back(hit.record_id);
      bands.push_back(hit.band);
    }
    RETURN_IF_ERROR(
        tx.PutPartnerAnswer(query.partner, query.query_id, AnswerToStored(answer), now));
    audit::Event e =
        PartnerEvent(query.partner, audit::Action::kPartnerQueryAnswered, query.purpose);
    e.object_ids = record_ids;
    e.query_hash = trail_.HashQuery(query.terms);
    e.details = {{"partner", query.partner},
                 {"response_ms", std::max<int64_t>(0, now - query.received_ms)},
                 {"hit", !answer.results.empty()},
                 {"query_id", query.query_id},
                 {"message_id", query.message_id},
                 {"agreement_version", row->version},
                 {"bands", bands}};
    if (!query.crime_area.empty()) e.details["crime_area"] = query.crime_area;
    return trail_.Append(tx, std::move(e)).status();
  }));
  if (over_quota) return Refuse(query, kRefusalQuotaExceeded, agreement.daily_quota);
  return answer;
}

}  // namespace liaison::access
