#include "access/record_access.h"

#include <algorithm>

#include "absl/time/time.h"
#include "access/permissions.h"
#include "common/absl_bridge.h"
#include "common/json_text.h"
#include "common/status_macros.h"
#include "records/validation.h"

namespace liaison::access {
namespace {

using records::Record;

bool IsProtectedCategory(const records::RecordMeta& m) {
  return m.subject_category == records::SubjectCategory::kVictim ||
         m.subject_category == records::SubjectCategory::kMissingPerson ||
         m.alert == records::AlertKind::kProtectedPerson ||
         m.alert == records::AlertKind::kTraffickingVictim ||
         m.alert == records::AlertKind::kMissingChild ||
         m.alert == records::AlertKind::kMissingAdult;
}

}  // namespace

RecordAccess::RecordAccess(store::Store& store, AuditTrail& trail, RecordPolicy policy,
                           Random& random)
    : store_(store), trail_(trail), policy_(std::move(policy)), random_(random) {}

std::string RecordAccess::DefaultReviewDate(const records::RecordMeta& meta) const {
  int days =
      IsProtectedCategory(meta) ? policy_.protected_review_period_days : policy_.review_period_days;
  absl::Time t = trail_.clock().Now() + absl::Hours(24) * days;
  return absl::FormatTime("%Y-%m-%d", t, absl::UTCTimeZone());
}

absl::Status RecordAccess::Deny(const Actor& actor, const Purpose& purpose, audit::Action attempted,
                                std::vector<std::string> ids, std::string_view why) {
  audit::Event e = EventFor(actor, audit::Action::kAccessDenied, purpose);
  e.object_ids = std::move(ids);
  e.outcome = audit::Outcome::kDenied;
  e.outcome_text = std::string(why);
  e.details = {{"attempted", std::string(audit::ActionName(attempted))}};
  absl::Status logged =
      store_.Write([&](store::Transaction& tx) { return trail_.Append(tx, e).status(); });
  if (!logged.ok()) return logged;  // never refuse silently: an unlogged refusal is an error
  return absl::PermissionDeniedError(AbslView(why));
}

absl::Status RecordAccess::CheckRole(const Actor& actor, const Purpose& purpose,
                                     std::string_view permission, audit::Action attempted,
                                     std::string_view id) {
  if (RoleHolds(actor.role, permission)) return absl::OkStatus();
  std::vector<std::string> ids;
  if (!id.empty()) ids.emplace_back(id);
  return Deny(actor, purpose, attempted, std::move(ids),
              StrCat("the ", RoleName(actor.role), " role does not hold ", permission));
}

absl::StatusOr<Record> RecordAccess::Create(const Actor& actor, const Purpose& purpose,
                                            Record record) {
  RETURN_IF_ERROR(CheckRole(actor, purpose, kRecordsWrite, audit::Action::kCreate, ""));
  RETURN_IF_ERROR(records::NormaliseRecord(record));
  RETURN_IF_ERROR(records::RequireHandlingNote(record.meta));
  if (!actor.clearance.Covers(record.meta)) {
    return Deny(actor, purpose, audit::Action::kCreate, {},
                "the record's handling code or crime area is above your clearance");
  }
  int64_t now = trail_.clock().NowMillis();
  record.meta.id = random_.NewTimeOrderedId(records::IdPrefix(record.type()), now);
  record.meta.owner = policy_.node_id;
  record.meta.version = 1;
  record.meta.created_ms = now;
  record.meta.updated_ms = now;
  if (record.meta.review_date.empty()) record.meta.review_date = DefaultReviewDate(record.meta);
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) -> absl::Status {
    if (!record.meta.source_id.empty()) {
      ASSIGN_OR_RETURN(std::optional<std::string> existing,
                       tx.FindBySourceId(record.type(), record.meta.owner, record.meta.source_id));
      if (existing) {
        return absl::AlreadyExistsError(
            StrCat("record ", *existing, " already has source id '", record.meta.source_id, "'"));
      }
    }
    RETURN_IF_ERROR(tx.InsertRecord(record));
    audit::Event e = EventFor(actor, audit::Action::kCreate, purpose);
    e.object_ids = {record.meta.id};
    e.details = {{"type", std::string(records::Name(record.type()))},
                 {"handling_code", std::string(records::Name(record.meta.handling_code))}};
    return trail_.Append(tx, std::move(e)).status();
  }));
  return record;
}

absl::StatusOr<Record> RecordAccess::Get(const Actor& actor, const Purpose& purpose,
                                         std::string_view id) {
  RETURN_IF_ERROR(ValidatePurpose(purpose));
  RETURN_IF_ERROR(CheckRole(actor, purpose, kRecordsRead, audit::Action::kView, id));
  absl::StatusOr<Record> found;
  bool denied = false;
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) -> absl::Status {
    found = tx.GetRecord(id);
    if (absl::IsNotFound(found.status())) {
      ASSIGN_OR_RETURN(std::optional<store::Tombstone> t, tx.GetTombstone(id));
      if (t) {
        found = absl::NotFoundError(StrCat("record '", id, "' was erased (", t->reason, ")"));
      }
      return absl::OkStatus();
    }
    RETURN_IF_ERROR(found.status());
    if (!actor.clearance.Covers(found->meta)) {
      denied = true;
      return absl::OkStatus();
    }
    audit::Event e = EventFor(actor, audit::Action::kView, purpose);
    e.object_ids = {std::string(id)};
    return trail_.Append(tx, std::move(e)).status();
  }));
  if (denied) {
    return Deny(actor, purpose, audit::Action::kView, {std::string(id)},
                "the record's handling code or crime area is above your clearance");
  }
  return found;
}

absl::StatusOr<Record> RecordAccess::Update(const Actor& actor, const Purpose& purpose,
                                            std::string_view id, Record record,
                                            int64_t expected_version) {
  RETURN_IF_ERROR(CheckRole(actor, purpose, kRecordsWrite, audit::Action::kUpdate, id));
  RETURN_IF_ERROR(records::NormaliseRecord(record));
  RETURN_IF_ERROR(records::RequireHandlingNote(record.meta));
  bool denied = false;
  absl::Status s = store_.Write([&](store::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(Record old, tx.GetRecord(id));
    if (old.type() != record.type()) {
      return absl::InvalidArgumentError(
          StrCat("type: record '", id, "' is a ", records::Name(old.type()), "; it cannot change"));
    }
    if (!actor.clearance.Covers(old.meta) || !actor.clearance.Covers(record.meta)) {
      denied = true;
      return absl::OkStatus();
    }
    record.meta.id = old.meta.id;
    record.meta.owner = old.meta.owner;
    record.meta.created_ms = old.meta.created_ms;
    record.meta.updated_ms = trail_.clock().NowMillis();
    record.meta.version = old.meta.version + 1;
    if (record.meta.review_date.empty()) record.meta.review_date = old.meta.review_date;
    if (record.meta.source_id.empty()) record.meta.source_id = old.meta.source_id;
    RETURN_IF_ERROR(tx.UpdateRecord(record, expected_version));
    audit::Event e = EventFor(actor, audit::Action::kUpdate, purpose);
    e.object_ids = {std::string(id)};
    e.details = {{"version", record.meta.version}};
    return trail_.Append(tx, std::move(e)).status();
  });
  if (denied) {
    return Deny(actor, purpose, audit::Action::kUpdate, {std::string(id)},
                "the record's handling code or crime area is above your clearance");
  }
  RETURN_IF_ERROR(s);
  return record;
}

absl::Status RecordAccess::Delete(const Actor& actor, const Purpose& purpose, std::string_view id,
                                  int64_t expected_version) {
  RETURN_IF_ERROR(CheckRole(actor, purpose, kRecordsWrite, audit::Action::kDelete, id));
  bool denied = false;
  absl::Status s = store_.Write([&](store::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(Record old, tx.GetRecord(id));
    if (!actor.clearance.Covers(old.meta)) {
      denied = true;
      return absl::OkStatus();
    }
    if (expected_version != 0 && old.meta.version != expected_version) {
      return absl::AbortedError(
          StrCat("record '", id, "' is at version ", old.meta.version, ", not ", expected_version));
    }
    store::Tombstone t{
        old.meta.id, old.type(), old.meta.owner, old.meta.source_id, trail_.clock().NowMillis(),
        "deleted"};
    RETURN_IF_ERROR(tx.EraseRecord(id, t));
    audit::Event e = EventFor(actor, audit::Action::kDelete, purpose);
    e.object_ids = {std::string(id)};
    return trail_.Append(tx, std::move(e)).status();
  });
  if (denied) {
    return Deny(actor, purpose, audit::Action::kDelete, {std::string(id)},
                "the record's handling code or crime area is above your clearance");
  }
  return s;
}

absl::StatusOr<store::RecordPage> RecordAccess::List(const Actor& actor, const Purpose& purpose,
                                                     const store::RecordFilter& filter) {
  RETURN_IF_ERROR(ValidatePurpose(purpose));
  RETURN_IF_ERROR(CheckRole(actor, purpose, kRecordsRead, audit::Action::kSearch, ""));
  store::RecordPage page;
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::RecordPage raw, tx.ListRecords(filter));
    page.next_cursor = raw.next_cursor;
    int withheld = 0;
    for (Record& r : raw.records) {
      if (actor.clearance.Covers(r.meta)) {
        page.records.push_back(std::move(r));
      } else {
        ++withheld;
      }
    }
    audit::Event e = EventFor(actor, audit::Action::kSearch, purpose);
    for (const Record& r : page.records) e.object_ids.push_back(r.meta.id);
    Json f = Json::object();
    if (filter.type) f["type"] = std::string(records::Name(*filter.type));
    if (filter.crime_area) f["crime_area"] = std::string(records::Name(*filter.crime_area));
    if (filter.alert) f["alert"] = std::string(records::Name(*filter.alert));
    if (filter.owner) f["owner"] = *filter.owner;
    if (filter.review_before) f["review_before"] = *filter.review_before;
    if (filter.review_after) f["review_after"] = *filter.review_after;
    e.details = {{"list", f}, {"returned", page.records.size()}, {"withheld", withheld}};
    return trail_.Append(tx, std::move(e)).status();
  }));
  return page;
}

absl::StatusOr<ingest::ImportReport> RecordAccess::ImportPersons(const Actor& actor,
                                                                 const Purpose& purpose,
                                                                 const std::string& path,
                                                                 ingest::ImportOptions options) {
  RETURN_IF_ERROR(CheckRole(actor, purpose, kRecordsImport, audit::Action::kImport, ""));
  // An import updates the record with the same source id, whatever its
  // handling code or crime area: only a clearance that covers every record
  // may import.
  if (actor.clearance.max_handling_code != records::HandlingCode::kH3 ||
      !actor.clearance.crime_areas.empty()) {
    return Deny(actor, purpose, audit::Action::kImport, {},
                "importing needs a clearance covering every record (H3, every crime area), "
                "because an import may update any person record");
  }
  options.owner = policy_.node_id;
  options.now_ms = trail_.clock().NowMillis();
  if (options.random == nullptr) options.random = &random_;
  if (options.review_date.empty()) {
    records::RecordMeta m;
    m.alert = options.defaults.alert;
    options.review_date = DefaultReviewDate(m);
  }
  return ingest::ImportPersons(
      store_, path, options,
      [&](store::Transaction& tx, const ingest::ImportReport& report) -> absl::Status {
        audit::Event e = EventFor(actor, audit::Action::kImport, purpose);
        e.details = {{"file_sha256", report.file_sha256}, {"rows", report.rows},
                     {"created", report.created},         {"updated", report.updated},
                     {"unchanged", report.unchanged},     {"skipped", report.skipped.size()}};
        return trail_.Append(tx, std::move(e)).status();
      });
}

namespace {
constexpr std::string_view kLinkKinds[] = {"member_of", "owns",       "uses",
                                           "holds",     "related_to", "subject_of"};
}  // namespace

absl::Status RecordAccess::AddLink(const Actor& actor, const Purpose& purpose,
                                   const records::Link& link) {
  RETURN_IF_ERROR(CheckRole(actor, purpose, kRecordsWrite, audit::Action::kUpdate, link.from_id));
  if (std::find(std::begin(kLinkKinds), std::end(kLinkKinds), link.kind) == std::end(kLinkKinds)) {
    return absl::InvalidArgumentError(
        "kind: expected member_of, owns, uses, holds, related_to or subject_of");
  }
  if (link.from_id == link.to_id)
    return absl::InvalidArgumentError("to: a record cannot link to itself");
  if (link.note.size() > 1000 || !IsValidUtf8(link.note)) {
    return absl::InvalidArgumentError("note: at most 1,000 bytes of UTF-8");
  }
  bool denied = false;
  absl::Status s = store_.Write([&](store::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(Record from, tx.GetRecord(link.from_id));
    ASSIGN_OR_RETURN(Record to, tx.GetRecord(link.to_id));
    if (!actor.clearance.Covers(from.meta) || !actor.clearance.Covers(to.meta)) {
      denied = true;
      return absl::OkStatus();
    }
    records::Link stored = link;
    stored.created_ms = trail_.clock().NowMillis();
    RETURN_IF_ERROR(tx.AddLink(stored));
    audit::Event e = EventFor(actor, audit::Action::kUpdate, purpose);
    e.object_ids = {link.from_id, link.to_id};
    e.details = {{"link_added", link.kind}};
    return trail_.Append(tx, std::move(e)).status();
  });
  if (denied) {
    return Deny(actor, purpose, audit::Action::kUpdate, {link.from_id, link.to_id},
                "a linked record is above your clearance");
  }
  return s;
}

absl::Status RecordAccess::RemoveLink(const Actor& actor, const Purpose& purpose,
                                      std::string_view from_id, std::string_view to_id,
                                      std::string_view kind) {
  RETURN_IF_ERROR(CheckRole(actor, purpose, kRecordsWrite, audit::Action::kUpdate, from_id));
  return store_.Write([&](store::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(Record from, tx.GetRecord(from_id));
    if (!actor.clearance.Covers(from.meta)) {
      return absl::PermissionDeniedError("the record is above your clearance");
    }
    RETURN_IF_ERROR(tx.RemoveLink(from_id, to_id, kind));
    audit::Event e = EventFor(actor, audit::Action::kUpdate, purpose);
    e.object_ids = {std::string(from_id), std::string(to_id)};
    e.details = {{"link_removed", std::string(kind)}};
    return trail_.Append(tx, std::move(e)).status();
  });
}

absl::StatusOr<std::vector<records::Link>> RecordAccess::Links(const Actor& actor,
                                                               const Purpose& purpose,
                                                               std::string_view id) {
  RETURN_IF_ERROR(ValidatePurpose(purpose));
  RETURN_IF_ERROR(CheckRole(actor, purpose, kRecordsRead, audit::Action::kView, id));
  std::vector<records::Link> visible;
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(Record rec, tx.GetRecord(id));
    if (!actor.clearance.Covers(rec.meta)) {
      return absl::PermissionDeniedError("the record is above your clearance");
    }
    ASSIGN_OR_RETURN(std::vector<records::Link> links, tx.LinksOf(id));
    audit::Event e = EventFor(actor, audit::Action::kView, purpose);
    e.object_ids = {std::string(id)};
    for (records::Link& l : links) {
      // The other end is shown only when the actor may see it.
      const std::string& other = l.from_id == id ? l.to_id : l.from_id;
      absl::StatusOr<Record> o = tx.GetRecord(other);
      if (!o.ok() || !actor.clearance.Covers(o->meta)) continue;
      e.object_ids.push_back(other);
      visible.push_back(std::move(l));
    }
    e.details = {{"links", visible.size()}};
    return trail_.Append(tx, std::move(e)).status();
  }));
  return visible;
}

absl::StatusOr<std::vector<store::AuditRow>> RecordAccess::History(const Actor& actor,
                                                                   const Purpose& purpose,
                                                                   std::string_view id) {
  RETURN_IF_ERROR(ValidatePurpose(purpose));
  RETURN_IF_ERROR(CheckRole(actor, purpose, kAuditRead, audit::Action::kView, id));
  std::vector<store::AuditRow> rows;
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(rows, tx.AuditForObject(id));
    audit::Event e = EventFor(actor, audit::Action::kView, purpose);
    e.object_ids = {std::string(id)};
    e.details = {{"audit_history", true}, {"entries", rows.size()}};
    return trail_.Append(tx, std::move(e)).status();
  }));
  return rows;
}

}  // namespace liaison::access
