#include "access/retention.h"

#include "absl/time/time.h"
#include "access/permissions.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "records/record.h"

namespace liaison::access {

Retention::Retention(store::Store& store, AuditTrail& trail, RetentionPolicy policy)
    : store_(store), trail_(trail), policy_(policy) {}

std::string Retention::Today(int offset_days) const {
  return absl::FormatTime("%Y-%m-%d", trail_.clock().Now() + absl::Hours(24) * offset_days,
                          absl::UTCTimeZone());
}

absl::StatusOr<RetentionReport> Retention::Run(const Actor& actor, bool dry_run) {
  if (!RoleHolds(actor.role, kRetentionRun)) {
    return absl::PermissionDeniedError("retention runs need the retention.run permission");
  }
  RetentionReport report;
  report.dry_run = dry_run;
  std::string today = Today(0);
  std::string erase_before = Today(-policy_.grace_days);
  // Page through everything past review, then erase in one transaction per
  // page so a long run never holds the writer for long.
  store::RecordFilter filter{.review_before = today, .limit = 500};
  while (true) {
    store::RecordPage page;
    RETURN_IF_ERROR(store_.Read([&](store::Reader& r) -> absl::Status {
      ASSIGN_OR_RETURN(page, r.ListRecords(filter));
      return absl::OkStatus();
    }));
    std::vector<records::Record> to_erase;
    for (records::Record& rec : page.records) {
      RetentionItem item{rec.meta.id, rec.type(), rec.meta.review_date, rec.meta.crime_area};
      if (rec.meta.review_date < erase_before) {
        report.erased.push_back(item);
        to_erase.push_back(std::move(rec));
      } else {
        report.due.push_back(item);
      }
    }
    if (!dry_run && !to_erase.empty()) {
      RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) -> absl::Status {
        for (const records::Record& rec : to_erase) {
          store::Tombstone t{rec.meta.id,
                             rec.type(),
                             rec.meta.owner,
                             rec.meta.source_id,
                             trail_.clock().NowMillis(),
                             "retention"};
          absl::Status s = tx.EraseRecord(rec.meta.id, t);
          if (absl::IsNotFound(s)) continue;  // erased meanwhile
          RETURN_IF_ERROR(s);
          audit::Event e = EventFor(actor, audit::Action::kRetentionErase);
          e.object_ids = {rec.meta.id};
          e.purpose = "review date passed without confirmation";
          e.details = {{"review_date", rec.meta.review_date},
                       {"grace_days", policy_.grace_days},
                       {"type", std::string(records::Name(rec.type()))}};
          RETURN_IF_ERROR(trail_.Append(tx, std::move(e)).status());
        }
        return absl::OkStatus();
      }));
    }
    if (page.next_cursor.empty()) break;
    filter.after_id = page.next_cursor;
  }
  return report;
}

absl::Status Retention::Confirm(const Actor& actor, const Purpose& reason, std::string_view id,
                                std::string_view new_review_date) {
  RETURN_IF_ERROR(ValidatePurpose(reason));
  if (!RoleHolds(actor.role, kRecordsWrite)) {
    return absl::PermissionDeniedError("confirming a record needs records.write");
  }
  auto date = records::ParsePartialDate(new_review_date);
  if (!date.ok() || date->day == 0) {
    return absl::InvalidArgumentError("review_date: expected a YYYY-MM-DD date");
  }
  std::string date_text(new_review_date);
  if (date_text <= Today(0) || date_text > Today(policy_.max_extension_days)) {
    return absl::InvalidArgumentError(StrCat("review_date: must be after today and at most ",
                                             policy_.max_extension_days, " days ahead"));
  }
  return store_.Write([&](store::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(records::Record rec, tx.GetRecord(id));
    if (!actor.clearance.Covers(rec.meta)) {
      return absl::PermissionDeniedError("the record is above your clearance");
    }
    std::string old_date = rec.meta.review_date;
    int64_t version = rec.meta.version;
    rec.meta.review_date = date_text;
    rec.meta.version = version + 1;
    rec.meta.updated_ms = trail_.clock().NowMillis();
    RETURN_IF_ERROR(tx.UpdateRecord(rec, version));
    audit::Event e = EventFor(actor, audit::Action::kRetentionReview);
    e.object_ids = {std::string(id)};
    e.purpose = reason.text;
    e.case_ref = reason.case_ref;
    e.details = {{"old_review_date", old_date}, {"new_review_date", date_text}};
    return trail_.Append(tx, std::move(e)).status();
  });
}

}  // namespace liaison::access
