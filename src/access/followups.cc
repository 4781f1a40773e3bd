#include "access/followups.h"

#include <algorithm>
#include <set>

#include "access/partners.h"
#include "access/permissions.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "common/time_format.h"
#include "federation/body_reader.h"
#include "federation/strict_object.h"
#include "records/record_json.h"

namespace liaison::access {
namespace {

constexpr std::string_view kOut = "out";
constexpr std::string_view kIn = "in";
constexpr int64_t kHourMs = int64_t{3600} * 1000;
constexpr int64_t kDayMs = 24 * kHourMs;

using federation::HasControlCharacters;

absl::Status CheckText(std::string_view field, std::string_view value, size_t min, size_t max,
                       bool allow_newlines = false) {
  if (value.size() < min || value.size() > max) {
    return absl::InvalidArgumentError(
        min > 0 && value.empty() ? StrCat("'", field, "' is required")
                                 : StrCat("'", field, "' must be ", min, " to ", max, " bytes"));
  }
  if (!IsValidUtf8(value)) return absl::InvalidArgumentError(StrCat("'", field, "' is not UTF-8"));
  if (HasControlCharacters(value, allow_newlines)) {
    return absl::InvalidArgumentError(StrCat("'", field, "' must not contain control characters"));
  }
  return absl::OkStatus();
}

int CodeRank(std::string_view code) {
  absl::StatusOr<records::HandlingCode> c = records::ParseHandlingCode(code);
  return c.ok() ? static_cast<int>(*c) : 3;
}

// The audit event of a partner node acting on this node.
audit::Event PartnerEvent(audit::Action action, std::string_view partner,
                          std::string_view purpose) {
  audit::Event e;
  e.actor_id = StrCat("partner:", partner);
  e.actor_name = std::string(partner);
  e.actor_role = "partner";
  e.action = action;
  e.purpose = std::string(purpose.substr(0, 1000));
  e.origin = StrCat("partner:", partner);
  return e;
}

// The node acting by itself (an automatic decision, a purge).
Actor NodeActor(std::string_view name) {
  Actor a = Actor::LocalAdministrator();
  a.id = "node";
  a.name = std::string(name);
  a.origin = "node";
  return a;
}

Json StringArray(const std::vector<std::string>& values) {
  Json out = Json::array();
  for (const std::string& v : values) out.push_back(v);
  return out;
}

std::vector<std::string> StoredFields(std::string_view json) {
  std::vector<std::string> out;
  absl::StatusOr<Json> parsed = ParseJson(json);
  if (!parsed.ok() || !parsed->is_array()) return out;
  for (const Json& v : *parsed) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

bool Overdue(const store::FollowupRow& f, int64_t now) {
  return f.direction == kIn && f.state == "pending" && now > f.deadline_ms;
}

// The wire decision for a REST/CLI decision.
absl::StatusOr<std::string> WireDecision(std::string_view decision) {
  if (decision == "approve") return std::string("approved");
  if (decision == "approve_partial") return std::string("approved_partial");
  if (decision == "refuse") return std::string("refused");
  return absl::InvalidArgumentError(
      StrCat("'decision' must be approve, approve_partial or refuse, not '", decision, "'"));
}

records::RecordMeta MetaOf(std::string_view crime_area, std::string_view handling_code) {
  records::RecordMeta meta;
  meta.crime_area = records::ParseCrimeArea(crime_area).value_or(records::CrimeArea::kOther);
  meta.handling_code =
      records::ParseHandlingCode(handling_code).value_or(records::HandlingCode::kH3);
  return meta;
}

}  // namespace

absl::StatusOr<int64_t> FollowupDeadline(std::string_view urgency, int64_t from_ms) {
  if (urgency == "urgent") return from_ms + 8 * kHourMs;
  if (urgency == "urgent_indirect") return from_ms + 3 * kDayMs;
  if (urgency == "normal") return from_ms + 7 * kDayMs;
  return absl::InvalidArgumentError(
      StrCat("'urgency' must be urgent, urgent_indirect or normal, not '", urgency, "'"));
}

bool IsProtectedRecord(const records::RecordMeta& meta) {
  return meta.alert == records::AlertKind::kProtectedPerson ||
         meta.alert == records::AlertKind::kTraffickingVictim ||
         meta.subject_category == records::SubjectCategory::kVictim;
}

std::vector<std::string> WithheldFields(const records::Record& record) {
  if (!IsProtectedRecord(record.meta)) return {};
  switch (record.type()) {
    case records::RecordType::kPerson:
      return {"address", "contact"};
    case records::RecordType::kPhone:
      return {"number"};
    default:
      return {};
  }
}

std::vector<std::string> ReleasableFields(const records::Record& record) {
  if (record.type() == records::RecordType::kCase) return {};
  const std::vector<std::string> withheld = WithheldFields(record);
  std::vector<std::string> out;
  const Json body = records::BodyToJson(record.body);
  for (const auto& [key, value] : body.items()) {
    if (std::find(withheld.begin(), withheld.end(), key) == withheld.end()) out.push_back(key);
  }
  return out;
}

absl::StatusOr<Json> ReleaseData(const records::Record& record,
                                 const std::vector<std::string>& fields) {
  const Json body = records::BodyToJson(record.body);
  const std::vector<std::string> releasable = ReleasableFields(record);
  const std::vector<std::string> withheld = WithheldFields(record);
  Json out = Json::object();
  if (fields.empty()) {
    for (const std::string& f : releasable) out[f] = body[f];
    return out;
  }
  for (const std::string& f : fields) {
    if (std::find(withheld.begin(), withheld.end(), f) != withheld.end()) {
      return absl::InvalidArgumentError(
          StrCat("field '", f, "' of ", record.meta.id,
                 " is never released: the record is of a protected person or victim"));
    }
    if (std::find(releasable.begin(), releasable.end(), f) == releasable.end()) {
      return absl::InvalidArgumentError(
          StrCat("a ", records::Name(record.type()), " record has no releasable field '", f, "'"));
    }
    out[f] = body[f];
  }
  return out;
}

Json FollowupToJson(const store::FollowupRow& f, bool overdue) {
  return {{"id", f.id},
          {"direction", f.direction == kOut ? "outgoing" : "incoming"},
          {"partner", f.partner},
          {"reference", f.reference},
          {"record_id", f.record_id},
          {"purpose", f.purpose},
          {"legal_basis", f.legal_basis},
          {"urgency", f.urgency},
          {"note", f.note},
          {"requested_by", f.requested_by_name},
          {"requested_ms", f.requested_ms},
          {"received_ms", f.received_ms},
          {"deadline_ms", f.deadline_ms},
          {"overdue", overdue},
          {"state", f.state},
          {"decision_reason", f.decision_reason},
          {"decided_by", f.decided_by},
          {"decided_ms", f.decided_ms},
          {"crime_area", f.crime_area},
          {"handling_code", f.handling_code},
          {"released_fields", StringArray(StoredFields(f.released_fields))},
          {"erased_ms", f.erased_ms}};
}

Json FollowupViewToJson(const FollowupView& v) {
  Json j = FollowupToJson(v.followup, v.overdue);
  if (v.followup.direction == kOut) {
    if (v.received) {
      const store::FollowupDataRow& d = *v.received;
      Json data = nullptr;
      if (!d.data.empty()) {
        absl::StatusOr<Json> parsed = ParseJson(d.data);
        if (parsed.ok()) data = *parsed;
      }
      j["released"] = {{"owner", d.owner},
                       {"record_type", d.record_type},
                       {"crime_area", d.crime_area},
                       {"handling_code", d.handling_code},
                       {"handling_note", d.handling_note},
                       {"received_ms", d.received_ms},
                       {"retain_until_ms", d.retain_until_ms},
                       {"erased_ms", d.erased_ms},
                       {"data", data}};
    } else {
      j["released"] = nullptr;
    }
  } else {
    j["record"] = v.record ? records::RecordToJson(*v.record) : Json(nullptr);
    j["releasable_fields"] = StringArray(v.releasable_fields);
    j["withheld_fields"] = StringArray(v.withheld_fields);
  }
  return j;
}

Followups::Followups(store::Store& store, AuditTrail& trail, Random& random)
    : store_(store), trail_(trail), random_(random) {}

void Followups::SetOutboxListener(std::function<void()> listener) {
  listener_ = std::move(listener);
}

void Followups::Notify() {
  if (listener_) listener_();
}

absl::Status Followups::Deny(const Actor& actor, std::string_view why) {
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) {
    audit::Event e = EventFor(actor, audit::Action::kAccessDenied);
    e.purpose = "follow-up requests";
    e.outcome = audit::Outcome::kDenied;
    e.outcome_text = std::string(why);
    return trail_.Append(tx, std::move(e)).status();
  }));
  return absl::PermissionDeniedError(AbslView(why));
}

absl::Status Followups::Require(const Actor& actor, std::string_view permission,
                                std::string_view what) {
  if (RoleHolds(actor.role, permission)) return absl::OkStatus();
  return Deny(actor, StrCat("the ", RoleName(actor.role), " role may not ", what));
}

absl::Status Followups::Enqueue(store::Transaction& tx, std::string_view partner,
                                const federation::BatchItem& item, int64_t now) {
  RETURN_IF_ERROR(federation::ValidateBatchItem(item));
  store::OutboxRow row;
  row.partner = std::string(partner);
  row.item_id = federation::BatchItemId(item);
  row.kind = std::string(federation::BatchItemKind(item));
  row.body = DumpJson(federation::BatchItemToJson(item));
  row.created_ms = now;
  return tx.EnqueueOutbox(row).status();
}

absl::StatusOr<store::FollowupRow> Followups::Request(const Actor& actor, const NewFollowup& r) {
  RETURN_IF_ERROR(Require(actor, kPartnersQuery, "request partners' data"));
  RETURN_IF_ERROR(ValidatePurpose(r.purpose));
  RETURN_IF_ERROR(CheckText("legal_basis", r.legal_basis, 1, federation::kMaxFollowupTextBytes));
  RETURN_IF_ERROR(CheckText("note", r.note, 0, federation::kMaxFollowupNoteBytes, true));
  if (!federation::IsLiaisonId(r.reference, "ref_")) {
    return absl::InvalidArgumentError(
        StrCat("'reference' must be a hit reference (ref_ and 26 characters), not '",
               r.reference.substr(0, 64), "'"));
  }
  const int64_t now = trail_.clock().NowMillis();
  ASSIGN_OR_RETURN(int64_t deadline, FollowupDeadline(r.urgency, now));
  store::FollowupRow f;
  f.id = random_.NewTimeOrderedId("fup_", now);
  f.direction = std::string(kOut);
  f.partner = r.partner;
  f.reference = r.reference;
  f.purpose = r.purpose.text;
  f.legal_basis = r.legal_basis;
  f.urgency = r.urgency;
  f.note = r.note;
  f.requested_by_id = actor.id;
  f.requested_by_name = actor.name.empty() ? actor.id : actor.name;
  f.requested_ms = now;
  f.deadline_ms = deadline;
  f.state = "sent";
  f.released_fields = "[]";
  f.created_ms = now;
  f.updated_ms = now;
  federation::FollowupRequestItem item{f.id,
                                       f.reference,
                                       f.purpose,
                                       f.legal_basis,
                                       f.urgency,
                                       f.note,
                                       f.requested_by_name.substr(0, federation::kMaxAuthorBytes),
                                       now};
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<store::PartnerRow> partner, tx.GetPartner(r.partner));
    if (!partner || partner->status != "active") {
      return absl::NotFoundError(StrCat("'", r.partner, "' is not an active partner"));
    }
    RETURN_IF_ERROR(tx.PutFollowup(f));
    RETURN_IF_ERROR(Enqueue(tx, f.partner, item, now));
    audit::Event e = EventFor(actor, audit::Action::kFollowupRequested, r.purpose);
    e.object_ids = {f.id};
    e.details = {{"partner", f.partner},
                 {"direction", "sent"},
                 {"reference", f.reference},
                 {"urgency", f.urgency},
                 {"legal_basis", f.legal_basis.substr(0, 200)}};
    return trail_.Append(tx, std::move(e)).status();
  }));
  Notify();
  return f;
}

absl::StatusOr<std::vector<FollowupView>> Followups::List(const Actor& actor,
                                                          std::string_view direction,
                                                          std::string_view state, int limit) {
  std::string dir;
  if (direction == "outgoing") {
    RETURN_IF_ERROR(Require(actor, kPartnersQuery, "list follow-up requests"));
    dir = std::string(kOut);
  } else if (direction == "incoming") {
    RETURN_IF_ERROR(Require(actor, kFollowupsDecide, "list partners' follow-up requests"));
    dir = std::string(kIn);
  } else {
    return absl::InvalidArgumentError(
        StrCat("'direction' must be outgoing or incoming, not '", direction, "'"));
  }
  store::FollowupFilter filter;
  filter.direction = dir;
  if (!state.empty()) filter.state = std::string(state);
  filter.limit = std::clamp(limit, 1, 1000);
  std::vector<store::FollowupRow> rows;
  RETURN_IF_ERROR(store_.Read([&](store::Reader& r) -> absl::Status {
    ASSIGN_OR_RETURN(rows, r.ListFollowups(filter));
    return absl::OkStatus();
  }));
  const int64_t now = trail_.clock().NowMillis();
  std::vector<FollowupView> out;
  for (store::FollowupRow& f : rows) {
    // Incoming requests show only to officers cleared for their record;
    // requests refused on arrival (no record) show to every decider.
    if (f.direction == kIn && !f.crime_area.empty() &&
        !actor.clearance.Covers(MetaOf(f.crime_area, f.handling_code))) {
      continue;
    }
    FollowupView v;
    v.overdue = Overdue(f, now);
    v.followup = std::move(f);
    out.push_back(std::move(v));
  }
  return out;
}

absl::StatusOr<FollowupView> Followups::Show(const Actor& actor, const Purpose& purpose,
                                             std::string_view id) {
  std::optional<store::FollowupRow> found;
  RETURN_IF_ERROR(store_.Read([&](store::Reader& r) -> absl::Status {
    ASSIGN_OR_RETURN(found, r.GetFollowup(id));
    return absl::OkStatus();
  }));
  if (!found) return absl::NotFoundError(StrCat("no follow-up ", id));
  const bool outgoing = found->direction == kOut;
  RETURN_IF_ERROR(outgoing ? Require(actor, kPartnersQuery, "read follow-up requests")
                           : Require(actor, kFollowupsDecide, "read partners' follow-up requests"));
  Purpose why = purpose;
  if (why.text.empty()) why.text = StrCat("follow-up ", found->id, " with ", found->partner);
  FollowupView view;
  absl::Status read = store_.Write([&](store::Transaction& tx) -> absl::Status {
    view = FollowupView{};
    ASSIGN_OR_RETURN(std::optional<store::FollowupRow> f, tx.GetFollowup(id));
    if (!f) return absl::NotFoundError(StrCat("no follow-up ", id));
    view.followup = *f;
    view.overdue = Overdue(*f, trail_.clock().NowMillis());
    audit::Event e = EventFor(actor, audit::Action::kView, why);
    e.object_ids = {f->id};
    if (outgoing) {
      ASSIGN_OR_RETURN(view.received, tx.GetFollowupData(f->id));
      if (view.received && !view.received->data.empty()) {
        if (!actor.clearance.Covers(
                MetaOf(view.received->crime_area, view.received->handling_code))) {
          // Without the clearance the data stays hidden; the follow-up's
          // state is still shown.
          view.received->data.clear();
          e.outcome = audit::Outcome::kDenied;
          e.outcome_text = StrCat(actor.name, "'s clearance does not cover ",
                                  view.received->handling_code, " ", view.received->crime_area);
        }
        e.details = {{"event", "received_data_viewed"},
                     {"partner", f->partner},
                     {"handling_code", view.received->handling_code}};
      } else {
        e.details = {{"event", "followup_viewed"}, {"partner", f->partner}};
      }
      return trail_.Append(tx, std::move(e)).status();
    }
    if (!f->crime_area.empty() &&
        !actor.clearance.Covers(MetaOf(f->crime_area, f->handling_code))) {
      return absl::PermissionDeniedError(
          StrCat(actor.name, "'s clearance does not cover the record of follow-up ", f->id));
    }
    if (!f->record_id.empty()) {
      absl::StatusOr<records::Record> record = tx.GetRecord(f->record_id);
      if (record.ok()) {
        view.releasable_fields = ReleasableFields(*record);
        view.withheld_fields = WithheldFields(*record);
        view.record = *std::move(record);
        e.object_ids.push_back(f->record_id);
      } else if (!absl::IsNotFound(record.status())) {
        return record.status();
      }
    }
    e.details = {{"event", "followup_viewed"}, {"partner", f->partner}};
    return trail_.Append(tx, std::move(e)).status();
  });
  if (absl::IsPermissionDenied(read)) return Deny(actor, StdView(read.message()));
  RETURN_IF_ERROR(read);
  return view;
}

absl::Status Followups::DecideIn(store::Transaction& tx, const Actor& actor, store::FollowupRow& f,
                                 std::string_view decision, const std::vector<std::string>& fields,
                                 std::string_view reason, std::string_view decided_by,
                                 int64_t now) {
  federation::FollowupDecisionItem item;
  item.id = random_.NewTimeOrderedId("fdc_", now);
  item.followup_id = f.id;
  item.decision = std::string(decision);
  item.reason = std::string(reason);
  item.decided_by = std::string(decided_by.substr(0, federation::kMaxAuthorBytes));
  item.decided_at_ms = now;
  std::vector<std::string> released;
  std::optional<records::Record> record;
  if (decision != "refused") {
    absl::StatusOr<records::Record> r = tx.GetRecord(f.record_id);
    if (absl::IsNotFound(r.status())) {
      return absl::FailedPreconditionError(
          StrCat("the record of follow-up ", f.id, " is no longer held; refuse the request"));
    }
    RETURN_IF_ERROR(r.status());
    record = *std::move(r);
    ASSIGN_OR_RETURN(std::optional<store::AgreementRow> agreement, tx.GetAgreement(f.partner));
    if (!agreement) {
      return absl::FailedPreconditionError(
          StrCat("there is no sharing agreement with ", f.partner, "; nothing may be released"));
    }
    // The agreement as it is now decides, not as it was at the hit: a
    // crime area or record type it no longer covers is not released.
    ASSIGN_OR_RETURN(Agreement terms, AgreementFromRow(*agreement));
    if (!terms.crime_areas.contains(record->meta.crime_area) ||
        !terms.record_types.contains(record->type())) {
      return absl::FailedPreconditionError(StrCat(
          "the agreement with ", f.partner, " (version ", agreement->version, ") no longer covers ",
          records::Name(record->type()), " records of ", records::Name(record->meta.crime_area)));
    }
    const std::string code(records::Name(record->meta.handling_code));
    if (CodeRank(code) > CodeRank(agreement->max_handling_code)) {
      return absl::FailedPreconditionError(
          StrCat("the agreement with ", f.partner, " allows releases up to ",
                 agreement->max_handling_code, "; the record is ", code));
    }
    ASSIGN_OR_RETURN(item.data, ReleaseData(*record, fields));
    if (item.data.empty()) {
      return absl::FailedPreconditionError(
          StrCat("the record of follow-up ", f.id, " has no field that may be released"));
    }
    for (const auto& [key, value] : item.data.items()) released.push_back(key);
    item.record_type = std::string(records::Name(record->type()));
    item.crime_area = std::string(records::Name(record->meta.crime_area));
    item.handling_code = code;
    item.handling_note = record->meta.handling_note.substr(0, federation::kMaxFollowupTextBytes);
    item.owner = record->meta.owner.empty() ? trail_.node_id() : record->meta.owner;
    item.retention_days =
        std::clamp<int64_t>(agreement->retention_days, 1, federation::kMaxRetentionDays);
  }
  f.state = std::string(decision);
  f.decision_reason = std::string(reason);
  f.decided_by = item.decided_by;
  f.decided_ms = now;
  f.released_fields = DumpJson(StringArray(released));
  f.updated_ms = now;
  RETURN_IF_ERROR(tx.PutFollowup(f));
  RETURN_IF_ERROR(Enqueue(tx, f.partner, item, now));
  const Purpose why{f.purpose, ""};
  audit::Event e = EventFor(actor, audit::Action::kFollowupDecided, why);
  e.object_ids = {f.id};
  if (!f.record_id.empty()) e.object_ids.push_back(f.record_id);
  e.details = {
      {"partner", f.partner},       {"decision", f.state},
      {"decided_by", f.decided_by}, {"response_ms", std::max<int64_t>(0, now - f.received_ms)},
      {"urgency", f.urgency},       {"overdue", now > f.deadline_ms}};
  if (!reason.empty()) e.outcome_text = std::string(reason.substr(0, 1000));
  RETURN_IF_ERROR(trail_.Append(tx, std::move(e)).status());
  if (!record) return absl::OkStatus();
  audit::Event d = EventFor(actor, audit::Action::kDataReleased, why);
  d.object_ids = {record->meta.id, f.id};
  d.details = {{"partner", f.partner},
               {"fields", StringArray(released)},
               {"handling_code", item.handling_code},
               {"retention_days", item.retention_days},
               {"withheld", StringArray(WithheldFields(*record))}};
  return trail_.Append(tx, std::move(d)).status();
}

absl::StatusOr<store::FollowupRow> Followups::Decide(const Actor& actor, std::string_view id,
                                                     const FollowupDecision& decision) {
  RETURN_IF_ERROR(Require(actor, kFollowupsDecide, "decide partners' follow-up requests"));
  ASSIGN_OR_RETURN(std::string wire, WireDecision(decision.decision));
  if (wire != "approved") {
    RETURN_IF_ERROR(CheckText("reason", decision.reason, 1, federation::kMaxFollowupTextBytes));
  } else {
    RETURN_IF_ERROR(CheckText("reason", decision.reason, 0, federation::kMaxFollowupTextBytes));
  }
  if (wire == "approved_partial" && decision.fields.empty()) {
    return absl::InvalidArgumentError("'fields' must name the fields to release in part");
  }
  if (wire != "approved_partial" && !decision.fields.empty()) {
    return absl::InvalidArgumentError("'fields' is only for approve_partial");
  }
  store::FollowupRow decided;
  absl::Status written = store_.Write([&](store::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<store::FollowupRow> f, tx.GetFollowup(id));
    if (!f || f->direction != kIn) return absl::NotFoundError(StrCat("no incoming follow-up ", id));
    if (f->state != "pending") {
      return absl::FailedPreconditionError(
          StrCat("follow-up ", f->id, " was already decided (", f->state, ")"));
    }
    if (!actor.clearance.Covers(MetaOf(f->crime_area, f->handling_code))) {
      return absl::PermissionDeniedError(
          StrCat(actor.name, "'s clearance does not cover the record of follow-up ", f->id));
    }
    RETURN_IF_ERROR(DecideIn(tx, actor, *f, wire, decision.fields, decision.reason,
                             actor.name.empty() ? actor.id : actor.name,
                             trail_.clock().NowMillis()));
    decided = *f;
    return absl::OkStatus();
  });
  if (absl::IsPermissionDenied(written)) return Deny(actor, StdView(written.message()));
  RETURN_IF_ERROR(written);
  Notify();
  return decided;
}

absl::StatusOr<PurgeReport> Followups::Purge(const Actor& actor) {
  RETURN_IF_ERROR(Require(actor, kRetentionRun, "erase received data"));
  PurgeReport report;
  while (true) {
    std::vector<std::string> batch;
    RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) -> absl::Status {
      batch.clear();
      const int64_t now = trail_.clock().NowMillis();
      ASSIGN_OR_RETURN(std::vector<store::FollowupDataRow> due, tx.FollowupDataDue(now, 100));
      for (store::FollowupDataRow& d : due) {
        ASSIGN_OR_RETURN(std::optional<store::FollowupRow> f, tx.GetFollowup(d.followup_id));
        d.data.clear();
        d.erased_ms = now;
        RETURN_IF_ERROR(tx.PutFollowupData(d));
        std::string partner = f ? f->partner : d.owner;
        if (f) {
          f->erased_ms = now;
          f->updated_ms = now;
          RETURN_IF_ERROR(tx.PutFollowup(*f));
        }
        federation::ErasureNoticeItem notice{random_.NewTimeOrderedId("ern_", now), d.followup_id,
                                             "retention_ended", now};
        RETURN_IF_ERROR(Enqueue(tx, partner, notice, now));
        audit::Event e = EventFor(actor, audit::Action::kDataErased,
                                  {"retention of data received from a partner", ""});
        e.object_ids = {d.followup_id};
        e.details = {{"partner", partner},
                     {"reason", "retention_ended"},
                     {"retain_until_ms", d.retain_until_ms},
                     {"notice", "sent"}};
        RETURN_IF_ERROR(trail_.Append(tx, std::move(e)).status());
        batch.push_back(d.followup_id);
      }
      return absl::OkStatus();
    }));
    if (batch.empty()) break;
    report.erased.insert(report.erased.end(), batch.begin(), batch.end());
    Notify();
  }
  return report;
}

bool Followups::Handles(std::string_view kind) const {
  return kind == "followup_request" || kind == "followup_decision" || kind == "erasure_notice";
}

absl::StatusOr<std::string> Followups::AcceptItem(store::Transaction& tx, std::string_view partner,
                                                  const federation::BatchItem& item,
                                                  int64_t now_ms) {
  if (const auto* r = std::get_if<federation::FollowupRequestItem>(&item)) {
    return AcceptRequest(tx, partner, *r, now_ms);
  }
  if (const auto* d = std::get_if<federation::FollowupDecisionItem>(&item)) {
    return AcceptDecision(tx, partner, *d, now_ms);
  }
  if (const auto* e = std::get_if<federation::ErasureNoticeItem>(&item)) {
    return AcceptErasure(tx, partner, *e, now_ms);
  }
  return StrCat("this node does not take ", federation::BatchItemKind(item), " items");
}

absl::StatusOr<std::string> Followups::AcceptRequest(store::Transaction& tx,
                                                     std::string_view partner,
                                                     const federation::FollowupRequestItem& item,
                                                     int64_t now) {
  ASSIGN_OR_RETURN(std::optional<store::FollowupRow> existing, tx.GetFollowup(item.id));
  if (existing) return std::string("the follow-up id is in use");
  store::FollowupRow f;
  f.id = item.id;
  f.direction = std::string(kIn);
  f.partner = std::string(partner);
  f.reference = item.reference;
  f.purpose = item.purpose;
  f.legal_basis = item.legal_basis;
  f.urgency = item.urgency;
  f.note = item.note;
  f.requested_by_id = StrCat("partner:", partner);
  f.requested_by_name = item.requested_by;
  f.requested_ms = item.requested_at_ms;
  f.received_ms = now;
  ASSIGN_OR_RETURN(f.deadline_ms, FollowupDeadline(item.urgency, now));
  f.state = "pending";
  f.released_fields = "[]";
  f.created_ms = now;
  f.updated_ms = now;

  // The reference decides which record is asked for; anything wrong with it
  // is refused at once, and the reason goes back to the partner.
  std::string refusal;
  ASSIGN_OR_RETURN(std::optional<store::PartnerReferenceRow> ref,
                   tx.GetPartnerReference(item.reference));
  std::optional<records::Record> record;
  if (!ref || ref->partner != partner) {
    refusal = StrCat("unknown reference ", item.reference);
  } else if (ref->expires_ms < now) {
    refusal = StrCat("reference ", item.reference, " expired at ", FormatMillis(ref->expires_ms));
  } else {
    absl::StatusOr<records::Record> r = tx.GetRecord(ref->record_id);
    if (absl::IsNotFound(r.status())) {
      refusal = StrCat("the record behind reference ", item.reference, " is no longer held");
    } else {
      RETURN_IF_ERROR(r.status());
      record = *std::move(r);
    }
  }
  ASSIGN_OR_RETURN(std::optional<store::AgreementRow> agreement, tx.GetAgreement(partner));
  if (refusal.empty() && !agreement) refusal = "there is no sharing agreement with this node";
  if (record) {
    f.record_id = record->meta.id;
    f.crime_area = std::string(records::Name(record->meta.crime_area));
    f.handling_code = std::string(records::Name(record->meta.handling_code));
  }
  RETURN_IF_ERROR(tx.PutFollowup(f));
  audit::Event e = PartnerEvent(audit::Action::kFollowupRequested, partner, f.purpose);
  e.object_ids = {f.id};
  if (record) e.object_ids.push_back(record->meta.id);
  e.details = {{"partner", std::string(partner)}, {"direction", "received"},
               {"reference", f.reference},        {"urgency", f.urgency},
               {"deadline_ms", f.deadline_ms},    {"legal_basis", f.legal_basis.substr(0, 200)}};
  if (!refusal.empty()) e.outcome_text = refusal;
  RETURN_IF_ERROR(trail_.Append(tx, std::move(e)).status());

  const Actor node = NodeActor(StrCat("node ", trail_.node_id()));
  if (!refusal.empty()) {
    RETURN_IF_ERROR(DecideIn(tx, node, f, "refused", {}, refusal, "node", now));
  } else {
    ASSIGN_OR_RETURN(Agreement terms, AgreementFromRow(*agreement));
    if (terms.auto_approve.contains(record->meta.crime_area)) {
      // The agreement decides; a release it would not allow (a handling
      // code above its highest) waits for an officer instead.
      const std::string by = StrCat("agreement v", agreement->version);
      absl::Status decided = DecideIn(tx, NodeActor(by), f, "approved", {}, "", by, now);
      if (!decided.ok() && !absl::IsFailedPrecondition(decided)) return decided;
    }
  }
  // A refusal or an automatic approval queued here is found by the delivery
  // worker's poll of the outbox.
  return std::string();
}

absl::StatusOr<std::string> Followups::AcceptDecision(store::Transaction& tx,
                                                      std::string_view partner,
                                                      const federation::FollowupDecisionItem& item,
                                                      int64_t now) {
  ASSIGN_OR_RETURN(std::optional<store::FollowupRow> f, tx.GetFollowup(item.followup_id));
  if (!f || f->direction != kOut || f->partner != partner) {
    return StrCat("no follow-up ", item.followup_id, " was sent to this node");
  }
  if (f->state != "sent" && f->state != "undeliverable") {
    return StrCat("follow-up ", f->id, " was already decided (", f->state, ")");
  }
  f->state = item.decision;
  f->decision_reason = item.reason;
  f->decided_by = item.decided_by;
  f->decided_ms = item.decided_at_ms;
  f->updated_ms = now;
  std::vector<std::string> fields;
  for (const auto& [key, value] : item.data.items()) fields.push_back(key);
  f->released_fields = DumpJson(StringArray(fields));
  const bool released = item.decision != "refused";
  if (released) {
    f->crime_area = item.crime_area;
    f->handling_code = item.handling_code;
  }
  RETURN_IF_ERROR(tx.PutFollowup(*f));
  audit::Event e = PartnerEvent(audit::Action::kFollowupDecided, partner, f->purpose);
  e.object_ids = {f->id};
  e.details = {{"partner", std::string(partner)},
               {"decision", item.decision},
               {"decided_by", item.decided_by},
               {"response_ms", std::max<int64_t>(0, now - f->requested_ms)}};
  if (!item.reason.empty()) e.outcome_text = item.reason;
  RETURN_IF_ERROR(trail_.Append(tx, std::move(e)).status());
  if (!released) return std::string();
  store::FollowupDataRow d;
  d.followup_id = f->id;
  d.owner = item.owner;
  d.record_type = item.record_type;
  d.crime_area = item.crime_area;
  d.handling_code = item.handling_code;
  d.handling_note = item.handling_note;
  d.data = DumpJson(item.data);
  d.received_ms = now;
  d.retain_until_ms = now + item.retention_days * kDayMs;
  RETURN_IF_ERROR(tx.PutFollowupData(d));
  audit::Event r = PartnerEvent(audit::Action::kDataReceived, partner, f->purpose);
  r.object_ids = {f->id};
  r.details = {{"partner", std::string(partner)},
               {"owner", d.owner},
               {"fields", StringArray(fields)},
               {"handling_code", d.handling_code},
               {"retain_until_ms", d.retain_until_ms}};
  RETURN_IF_ERROR(trail_.Append(tx, std::move(r)).status());
  return std::string();
}

absl::StatusOr<std::string> Followups::AcceptErasure(store::Transaction& tx,
                                                     std::string_view partner,
                                                     const federation::ErasureNoticeItem& item,
                                                     int64_t now) {
  ASSIGN_OR_RETURN(std::optional<store::FollowupRow> f, tx.GetFollowup(item.followup_id));
  if (!f || f->direction != kIn || f->partner != partner) {
    return StrCat("no follow-up ", item.followup_id, " from this node");
  }
  if (f->state != "approved" && f->state != "approved_partial") {
    return StrCat("follow-up ", f->id, " released nothing");
  }
  f->erased_ms = item.erased_at_ms;
  f->updated_ms = now;
  RETURN_IF_ERROR(tx.PutFollowup(*f));
  audit::Event e = PartnerEvent(audit::Action::kDataErased, partner, f->purpose);
  e.object_ids = {f->id};
  if (!f->record_id.empty()) e.object_ids.push_back(f->record_id);
  e.details = {{"partner", std::string(partner)},
               {"reason", item.reason},
               {"erased_at_ms", item.erased_at_ms},
               {"notice", "received"}};
  RETURN_IF_ERROR(trail_.Append(tx, std::move(e)).status());
  return std::string();
}

absl::Status Followups::ItemAcknowledged(store::Transaction& tx, std::string_view partner,
                                         const store::OutboxRow& row,
                                         const federation::ItemResult& result, int64_t now_ms) {
  if (result.status != federation::ItemStatus::kRefused || row.kind != "followup_request") {
    return absl::OkStatus();
  }
  // The partner would not take the request at all (e.g. an older node):
  // the officer sees why.
  ASSIGN_OR_RETURN(std::optional<store::FollowupRow> f, tx.GetFollowup(row.item_id));
  if (!f || f->partner != partner || f->state != "sent") return absl::OkStatus();
  f->state = "undeliverable";
  f->decision_reason = result.reason;
  f->updated_ms = now_ms;
  return tx.PutFollowup(*f);
}

}  // namespace liaison::access
