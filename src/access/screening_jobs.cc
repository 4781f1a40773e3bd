#include "access/screening_jobs.h"

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "access/permissions.h"
#include "access/person_search.h"
#include "access/watchlists.h"
#include "audit/hex.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "common/time_format.h"
#include "ingest/csv_reader.h"
#include "ingest/person_fields.h"
#include "match/record_person.h"
#include "screening/population.h"
#include "spdlog/spdlog.h"

namespace liaison::access {
namespace {

constexpr char kQueued[] = "queued";
constexpr char kRunning[] = "running";
constexpr char kDone[] = "done";
constexpr char kFailed[] = "failed";
constexpr int kMaxTop = 100;
constexpr size_t kMaxAuditIds = 1000;

int64_t Micros(double score) { return static_cast<int64_t>(std::llround(score * 1e6)); }

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return audit::HexEncode(digest, sizeof digest);
}

std::string ClearanceAreas(const Clearance& c) {
  std::vector<std::string> areas;
  for (records::CrimeArea a : c.crime_areas) areas.emplace_back(records::Name(a));
  return absl::StrJoin(areas, ",");
}

// The clearance the submitter had, as recorded with the job.
absl::StatusOr<Clearance> JobClearance(const store::ScreeningJobRow& job) {
  Clearance c;
  ASSIGN_OR_RETURN(c.max_handling_code, records::ParseHandlingCode(job.max_handling_code));
  for (absl::string_view a : absl::StrSplit(job.crime_areas, ',', absl::SkipEmpty())) {
    ASSIGN_OR_RETURN(records::CrimeArea area, records::ParseCrimeArea(StdView(a)));
    c.crime_areas.insert(area);
  }
  return c;
}

// The job's submitter, for the audit entries of the worker's steps.
Actor JobActor(const store::ScreeningJobRow& job) {
  Actor a;
  a.id = job.submitter_id;
  a.name = job.submitter_name;
  auto role = ParseRole(job.submitter_role);
  a.role = role.ok() ? *role : Role::kAnalyst;
  a.origin = "node";
  return a;
}

bool SeesEveryJob(const Actor& actor) {
  return actor.role == Role::kSupervisor || actor.role == Role::kAdministrator;
}

}  // namespace

struct ScreeningJobs::Parsed {
  struct Candidate {
    int64_t line = 0;
    std::string id;
    std::string name;
    match::PreparedPerson person;
  };
  std::vector<Candidate> candidates;
};

ScreeningJobs::ScreeningJobs(store::Store& store, AuditTrail& trail,
                             screening::ScreeningService& screening, Random& random,
                             ScreeningJobsOptions options)
    : store_(store), trail_(trail), screening_(screening), random_(random), options_(options) {}

ScreeningJobs::~ScreeningJobs() {
  {
    absl::MutexLock lock(&stop_mu_);
    stop_ = true;
  }
  if (worker_.joinable()) worker_.join();
}

absl::StatusOr<std::shared_ptr<ScreeningJobs::Parsed>> ScreeningJobs::ParseList(
    const std::string& file_name, const std::string& csv) const {
  std::istringstream in(csv);
  ASSIGN_OR_RETURN(std::unique_ptr<ingest::CsvReader> reader,
                   ingest::CsvReader::FromStream(in, file_name));
  ASSIGN_OR_RETURN(ingest::PersonColumns cols,
                   ingest::PersonColumns::Resolve(*reader, "", /*require_id=*/true));
  const int id_column = *reader->Column("id");
  const int name_column = *reader->Column("name");
  auto parsed = std::make_shared<Parsed>();
  absl::flat_hash_map<std::string, int64_t> seen;  // id → line
  ingest::CsvRow row;
  while (true) {
    ASSIGN_OR_RETURN(bool more, reader->Next(row));
    if (!more) break;
    if (parsed->candidates.size() >= options_.max_candidates) {
      return reader->FieldError(row, id_column,
                                StrCat("more than ", options_.max_candidates,
                                       " candidates; split the list into several jobs"));
    }
    ASSIGN_OR_RETURN(records::Record record, cols.Parse(*reader, row, ingest::PersonDefaults()));
    const auto* person = std::get_if<records::Person>(&record.body);
    if (person == nullptr) return absl::InternalError("a person-list row is not a person");
    const std::string& id = row.fields[id_column];
    auto [it, inserted] = seen.emplace(id, row.line);
    if (!inserted) {
      return reader->FieldError(row, id_column,
                                StrCat("id '", id, "' repeats the one on line ", it->second));
    }
    absl::StatusOr<match::PreparedPerson> prepared =
        screening_.Prepare(match::PersonInputFromRecord(*person));
    if (!prepared.ok()) {
      return reader->FieldError(row, name_column, StdView(prepared.status().message()));
    }
    parsed->candidates.push_back({row.line, id, person->name, *std::move(prepared)});
  }
  if (parsed->candidates.empty()) {
    return absl::InvalidArgumentError(StrCat(file_name, ": no candidates (only a header)"));
  }
  return parsed;
}

absl::StatusOr<store::ScreeningJobRow> ScreeningJobs::Submit(const Actor& actor,
                                                             const Purpose& purpose,
                                                             JobSubmission submission) {
  if (!RoleHolds(actor.role, kScreeningJobs)) {
    return DenyAndAudit(
        store_, trail_, actor, purpose, audit::Action::kScreening, {},
        StrCat("the ", RoleName(actor.role), " role does not hold ", kScreeningJobs));
  }
  RETURN_IF_ERROR(ValidatePurpose(purpose));
  if (!(submission.min_score >= 0 && submission.min_score <= 1)) {
    return absl::InvalidArgumentError("threshold: expected a number from 0 to 1");
  }
  if (submission.top < 1 || submission.top > kMaxTop) {
    return absl::InvalidArgumentError(StrCat("top: expected 1 to ", kMaxTop));
  }
  if (submission.file_name.empty() || submission.file_name.size() > 200 ||
      !IsValidUtf8(submission.file_name)) {
    return absl::InvalidArgumentError("name: the file name must be 1 to 200 bytes of UTF-8");
  }
  ASSIGN_OR_RETURN(std::shared_ptr<Parsed> parsed, ParseList(submission.file_name, submission.csv));
  const int64_t now = trail_.clock().NowMillis();
  store::ScreeningJobRow job;
  job.id = random_.NewTimeOrderedId("scr_", now);
  job.submitter_id = actor.id;
  job.submitter_name = actor.name;
  job.submitter_role = std::string(RoleName(actor.role));
  job.max_handling_code = std::string(records::Name(actor.clearance.max_handling_code));
  job.crime_areas = ClearanceAreas(actor.clearance);
  job.purpose = purpose.text;
  job.case_ref = purpose.case_ref;
  job.file_name = submission.file_name;
  job.file_sha256 = Sha256Hex(submission.csv);
  job.min_score_micros = Micros(submission.min_score);
  job.top_hits = submission.top;
  job.state = kQueued;
  job.total = static_cast<int64_t>(parsed->candidates.size());
  job.created_ms = now;
  job.updated_ms = now;
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(tx.PutScreeningJob(job));
    RETURN_IF_ERROR(tx.PutScreeningJobInput(job.id, submission.csv));
    audit::Event e = EventFor(actor, audit::Action::kScreening, purpose);
    e.object_ids = {job.id};
    e.details = {{"job", job.id},
                 {"stage", "submitted"},
                 {"file_sha256", job.file_sha256},
                 {"candidates", job.total},
                 {"threshold_micros", job.min_score_micros},
                 {"top", job.top_hits}};
    return trail_.Append(tx, std::move(e)).status();
  }));
  {
    // The worker need not parse the list again.
    absl::MutexLock lock(&step_mu_);
    if (parsed_job_.empty() || parsed_ == nullptr) {
      parsed_job_ = job.id;
      parsed_ = std::move(parsed);
    }
  }
  return job;
}

absl::StatusOr<store::ScreeningJobRow> ScreeningJobs::Visible(const Actor& actor,
                                                              std::string_view job_id) {
  std::optional<store::ScreeningJobRow> job;
  RETURN_IF_ERROR(store_.Read([&](store::Reader& r) -> absl::Status {
    ASSIGN_OR_RETURN(job, r.GetScreeningJob(job_id));
    return absl::OkStatus();
  }));
  if (!job || (job->submitter_id != actor.id && !SeesEveryJob(actor))) {
    return absl::NotFoundError(StrCat("no screening job '", job_id, "'"));
  }
  return *job;
}

absl::StatusOr<store::ScreeningJobRow> ScreeningJobs::Get(const Actor& actor,
                                                          std::string_view job_id) {
  if (!RoleHolds(actor.role, kScreeningJobs)) {
    return absl::PermissionDeniedError(StrCat("screening jobs need ", kScreeningJobs));
  }
  return Visible(actor, job_id);
}

absl::StatusOr<std::vector<store::ScreeningJobRow>> ScreeningJobs::List(const Actor& actor,
                                                                        const std::string& before,
                                                                        int limit) {
  if (!RoleHolds(actor.role, kScreeningJobs)) {
    return absl::PermissionDeniedError(StrCat("screening jobs need ", kScreeningJobs));
  }
  store::ScreeningJobFilter filter;
  if (!SeesEveryJob(actor)) filter.submitter_id = actor.id;
  filter.before_id = before;
  filter.limit = limit;
  std::vector<store::ScreeningJobRow> jobs;
  RETURN_IF_ERROR(store_.Read([&](store::Reader& r) -> absl::Status {
    ASSIGN_OR_RETURN(jobs, r.ListScreeningJobs(filter));
    return absl::OkStatus();
  }));
  return jobs;
}

absl::StatusOr<JobHitPage> ScreeningJobs::Hits(const Actor& actor, const Purpose& purpose,
                                               std::string_view job_id, int64_t after, int limit) {
  if (!RoleHolds(actor.role, kScreeningJobs)) {
    return DenyAndAudit(
        store_, trail_, actor, purpose, audit::Action::kView, {std::string(job_id)},
        StrCat("the ", RoleName(actor.role), " role does not hold ", kScreeningJobs));
  }
  RETURN_IF_ERROR(ValidatePurpose(purpose));
  if (limit < 1 || limit > 500) return absl::InvalidArgumentError("limit: expected 1 to 500");
  if (after < 0) return absl::InvalidArgumentError("cursor: expected a hit number");
  ASSIGN_OR_RETURN(store::ScreeningJobRow job, Visible(actor, job_id));
  JobHitPage page;
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) -> absl::Status {
    page.hits.clear();
    ASSIGN_OR_RETURN(std::vector<store::ScreeningHitRow> rows,
                     tx.ListScreeningHits(job.id, after, limit));
    int withheld = 0;
    for (store::ScreeningHitRow& row : rows) {
      if (ParseSharedRef(row.record_ref)) {
        ASSIGN_OR_RETURN(std::optional<SharedListHit> shared, SharedHitFor(tx, row.record_ref));
        if (!shared || !actor.clearance.Covers(SharedHitMeta(*shared))) {
          ++withheld;
          continue;
        }
        page.hits.push_back({std::move(row), records::Record{}, *std::move(shared)});
        continue;
      }
      absl::StatusOr<records::Record> rec = tx.GetRecord(row.record_ref);
      if (absl::IsNotFound(rec.status())) {
        ++withheld;
        continue;
      }
      RETURN_IF_ERROR(rec.status());
      if (!actor.clearance.Covers(rec->meta)) {
        ++withheld;
        continue;
      }
      page.hits.push_back({std::move(row), *std::move(rec)});
    }
    page.next_cursor = static_cast<int>(rows.size()) == limit ? rows.back().hit : 0;
    audit::Event e = EventFor(actor, audit::Action::kView, purpose);
    e.object_ids.push_back(job.id);
    for (const JobHitView& v : page.hits) {
      if (!v.shared) e.object_ids.push_back(v.record.meta.id);
    }
    e.details = {{"job", job.id},
                 {"screening_hits", page.hits.size()},
                 {"withheld", withheld},
                 {"after", after}};
    return trail_.Append(tx, std::move(e)).status();
  }));
  return page;
}

absl::StatusOr<store::ScreeningHitRow> ScreeningJobs::Decide(const Actor& actor,
                                                             const Purpose& purpose,
                                                             std::string_view job_id, int64_t hit,
                                                             std::string_view decision,
                                                             std::string_view reason) {
  if (!RoleHolds(actor.role, kScreeningJobs)) {
    return DenyAndAudit(
        store_, trail_, actor, purpose, audit::Action::kScreening, {std::string(job_id)},
        StrCat("the ", RoleName(actor.role), " role does not hold ", kScreeningJobs));
  }
  RETURN_IF_ERROR(ValidatePurpose(purpose));
  if (decision != "confirmed" && decision != "dismissed" && decision != "needs_review") {
    return absl::InvalidArgumentError(
        "decision: expected \"confirmed\", \"dismissed\" or \"needs_review\"");
  }
  if (StripAscii(reason).empty() || reason.size() > 1000 || !IsValidUtf8(reason)) {
    return absl::InvalidArgumentError("reason: required, at most 1,000 bytes of UTF-8");
  }
  ASSIGN_OR_RETURN(store::ScreeningJobRow job, Visible(actor, job_id));
  store::ScreeningHitRow updated;
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<store::ScreeningHitRow> row, tx.GetScreeningHit(job.id, hit));
    bool visible = false;
    if (row && ParseSharedRef(row->record_ref)) {
      ASSIGN_OR_RETURN(std::optional<SharedListHit> shared, SharedHitFor(tx, row->record_ref));
      visible = shared && actor.clearance.Covers(SharedHitMeta(*shared));
    } else if (row) {
      absl::StatusOr<records::Record> rec = tx.GetRecord(row->record_ref);
      visible = rec.ok() && actor.clearance.Covers(rec->meta);
    }
    if (!visible) {
      return absl::NotFoundError(StrCat("screening job '", job.id, "' has no hit ", hit));
    }
    const std::string previous = row->decision;
    row->decision = std::string(decision);
    row->decision_reason = std::string(reason);
    row->reviewer_id = actor.id;
    row->decided_ms = trail_.clock().NowMillis();
    RETURN_IF_ERROR(tx.DecideScreeningHit(*row));
    audit::Event e = EventFor(actor, audit::Action::kScreening, purpose);
    e.object_ids = {job.id, row->record_ref};
    e.details = {{"job", job.id},
                 {"stage", "decision"},
                 {"hit", hit},
                 {"decision", row->decision},
                 {"previous", previous}};
    updated = *row;
    return trail_.Append(tx, std::move(e)).status();
  }));
  return updated;
}

absl::Status ScreeningJobs::Fail(const store::ScreeningJobRow& job, std::string_view why) {
  spdlog::error("screening job {} failed: {}", job.id, why);
  return store_.Write([&](store::Transaction& tx) -> absl::Status {
    store::ScreeningJobRow failed = job;
    failed.state = kFailed;
    failed.error = std::string(why);
    failed.updated_ms = trail_.clock().NowMillis();
    failed.finished_ms = failed.updated_ms;
    RETURN_IF_ERROR(tx.PutScreeningJob(failed));
    RETURN_IF_ERROR(tx.DeleteScreeningJobInput(job.id));
    audit::Event e =
        EventFor(JobActor(job), audit::Action::kScreening, Purpose{job.purpose, job.case_ref});
    e.object_ids = {job.id};
    e.outcome = audit::Outcome::kError;
    e.outcome_text = std::string(why).substr(0, 1000);
    e.details = {{"job", job.id}, {"stage", "failed"}, {"done", job.done}};
    return trail_.Append(tx, std::move(e)).status();
  });
}

absl::StatusOr<bool> ScreeningJobs::RunStep() {
  absl::MutexLock lock(&step_mu_);
  if (!screening_.ready()) return false;
  // The oldest job not finished (jobs are listed newest first).
  std::optional<store::ScreeningJobRow> job;
  RETURN_IF_ERROR(store_.Read([&](store::Reader& r) -> absl::Status {
    store::ScreeningJobFilter filter;
    filter.states = {kQueued, kRunning};
    filter.limit = 1000;
    ASSIGN_OR_RETURN(std::vector<store::ScreeningJobRow> jobs, r.ListScreeningJobs(filter));
    if (!jobs.empty()) job = jobs.back();
    return absl::OkStatus();
  }));
  if (!job) return false;

  if (parsed_job_ != job->id || parsed_ == nullptr) {
    parsed_job_.clear();
    parsed_.reset();
    std::optional<std::string> csv;
    RETURN_IF_ERROR(store_.Read([&](store::Reader& r) -> absl::Status {
      ASSIGN_OR_RETURN(csv, r.GetScreeningJobInput(job->id));
      return absl::OkStatus();
    }));
    if (!csv) {
      RETURN_IF_ERROR(Fail(*job, "the uploaded list is no longer stored; submit it again"));
      return true;
    }
    absl::StatusOr<std::shared_ptr<Parsed>> parsed = ParseList(job->file_name, *csv);
    if (!parsed.ok()) {
      RETURN_IF_ERROR(Fail(
          *job, StrCat("the stored list no longer reads: ", StdView(parsed.status().message()))));
      return true;
    }
    if (static_cast<int64_t>((*parsed)->candidates.size()) != job->total) {
      RETURN_IF_ERROR(Fail(*job, "the stored list does not match the job"));
      return true;
    }
    parsed_job_ = job->id;
    parsed_ = *std::move(parsed);
  }
  absl::StatusOr<Clearance> clearance = JobClearance(*job);
  if (!clearance.ok()) {
    RETURN_IF_ERROR(Fail(*job, StrCat("the job's recorded clearance is invalid: ",
                                      StdView(clearance.status().message()))));
    return true;
  }

  // Screen the next batch outside the write transaction.
  RETURN_IF_ERROR(screening_.CatchUp().status());
  const size_t from = static_cast<size_t>(job->done);
  const size_t to = std::min(parsed_->candidates.size(), from + options_.batch);
  struct Found {
    size_t candidate;
    screening::ExplainedHit hit;
  };
  std::vector<Found> found;
  const screening::SearchOptions search{.min_score = job->min_score_micros / 1e6,
                                        .limit = static_cast<size_t>(job->top_hits)};
  for (size_t c = from; c < to; ++c) {
    ASSIGN_OR_RETURN(std::vector<screening::ExplainedHit> hits,
                     screening_.Search(parsed_->candidates[c].person, search));
    for (screening::ExplainedHit& h : hits) found.push_back({c, std::move(h)});
  }

  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<store::ScreeningJobRow> current, tx.GetScreeningJob(job->id));
    if (!current || current->done != job->done || current->state == kDone ||
        current->state == kFailed) {
      return absl::AbortedError("the job changed under the worker");
    }
    store::ScreeningJobRow next = *current;
    std::vector<std::string> ids;
    int withheld = 0;
    std::vector<WatchlistHitNotice> notices;
    for (Found& f : found) {
      if (ParseSharedRef(f.hit.ref)) {
        ASSIGN_OR_RETURN(std::optional<SharedListHit> shared, SharedHitFor(tx, f.hit.ref));
        if (!shared) continue;  // removed since the index saw it
        if (!clearance->Covers(SharedHitMeta(*shared))) {
          ++withheld;
          continue;
        }
        WatchlistHitNotice n;
        n.owner = shared->owner;
        n.reference = shared->reference;
        n.list_version = shared->list_version;
        n.source = "screening";
        n.source_id = job->id;  // one notice per entry and job
        n.purpose = next.purpose;
        n.score = f.hit.score;
        notices.push_back(std::move(n));
      } else if (!screening::IsOwnRecordRef(f.hit.ref)) {
        continue;
      } else {
        absl::StatusOr<records::Record> rec = tx.GetRecord(f.hit.ref);
        if (absl::IsNotFound(rec.status())) continue;
        RETURN_IF_ERROR(rec.status());
        if (!clearance->Covers(rec->meta)) {
          ++withheld;
          continue;
        }
      }
      const Parsed::Candidate& cand = parsed_->candidates[f.candidate];
      store::ScreeningHitRow row;
      row.job_id = job->id;
      row.hit = ++next.hits;
      row.candidate_line = cand.line;
      row.candidate_id = cand.id;
      row.candidate_name = cand.name;
      row.record_ref = f.hit.ref;
      row.score_micros = Micros(f.hit.score);
      row.reasons = f.hit.result.summary;
      row.explanation_json = DumpJson(screening::ExplanationToJson(f.hit.result));
      RETURN_IF_ERROR(tx.InsertScreeningHit(row));
      if (ids.size() < kMaxAuditIds && std::find(ids.begin(), ids.end(), f.hit.ref) == ids.end()) {
        ids.push_back(f.hit.ref);
      }
    }
    next.done = static_cast<int64_t>(to);
    next.updated_ms = trail_.clock().NowMillis();
    next.state = next.done >= next.total ? kDone : kRunning;
    if (next.state == kDone) {
      next.finished_ms = next.updated_ms;
      RETURN_IF_ERROR(tx.DeleteScreeningJobInput(job->id));
    }
    RETURN_IF_ERROR(tx.PutScreeningJob(next));
    audit::Event e =
        EventFor(JobActor(next), audit::Action::kScreening, Purpose{next.purpose, next.case_ref});
    e.object_ids = std::move(ids);
    e.object_ids.insert(e.object_ids.begin(), job->id);
    e.details = {{"job", job->id},
                 {"stage", "batch"},
                 {"from", static_cast<int64_t>(from) + 1},
                 {"to", static_cast<int64_t>(to)},
                 {"hits", next.hits - current->hits},
                 {"withheld", withheld}};
    RETURN_IF_ERROR(trail_.Append(tx, std::move(e)).status());
    for (const WatchlistHitNotice& n : notices) {
      RETURN_IF_ERROR(Watchlists::NotifyHit(tx, trail_, JobActor(next), n).status());
    }
    return absl::OkStatus();
  }));
  if (static_cast<int64_t>(to) >= job->total) {
    parsed_job_.clear();
    parsed_.reset();
  }
  return true;
}

void ScreeningJobs::Start() {
  if (worker_.joinable()) return;
  worker_ = std::thread([this] { Work(); });
}

void ScreeningJobs::Work() {
  while (true) {
    absl::StatusOr<bool> worked = RunStep();
    if (!worked.ok()) spdlog::warn("screening jobs: {}", worked.status().ToString());
    const absl::Duration wait = worked.ok() && *worked ? absl::ZeroDuration() : options_.idle_poll;
    absl::MutexLock lock(&stop_mu_);
    stop_mu_.AwaitWithTimeout(absl::Condition(&stop_), wait);
    if (stop_) return;
  }
}

Json ScreeningJobJson(const store::ScreeningJobRow& job) {
  Json j = {{"id", job.id},
            {"state", job.state},
            {"file_name", job.file_name},
            {"file_sha256", job.file_sha256},
            {"candidates", job.total},
            {"screened", job.done},
            {"hits", job.hits},
            {"threshold", job.min_score_micros / 1e6},
            {"top", job.top_hits},
            {"purpose", job.purpose},
            {"case_ref", job.case_ref},
            {"submitter", job.submitter_id},
            {"created_at", FormatMillis(job.created_ms)},
            {"updated_at", FormatMillis(job.updated_ms)}};
  j["finished_at"] = job.finished_ms > 0 ? Json(FormatMillis(job.finished_ms)) : Json();
  j["error"] = job.error.empty() ? Json() : Json(job.error);
  return j;
}

Json JobHitJson(const JobHitView& view) {
  const store::ScreeningHitRow& h = view.hit;
  absl::StatusOr<Json> explanation =
      ParseJson(h.explanation_json, {.max_bytes = 1 << 20, .max_depth = 16});
  Json j = {{"hit", h.hit},
            {"candidate",
             {{"id", h.candidate_id}, {"name", h.candidate_name}, {"line", h.candidate_line}}},
            {"score", h.score_micros / 1e6},
            {"summary", h.reasons},
            {"explanation", explanation.ok() ? *explanation : Json()}};
  if (view.shared) {
    j["source"] = "shared_watchlist";
    j["shared"] = SharedListHitJson(*view.shared);
  } else {
    j["source"] = "own";
    j["record_id"] = h.record_ref;
    j["record"] = PersonSummaryJson(view.record);
  }
  if (h.decision.empty()) {
    j["decision"] = Json();
  } else {
    j["decision"] = {{"decision", h.decision},
                     {"reason", h.decision_reason},
                     {"reviewer", h.reviewer_id},
                     {"decided_at", FormatMillis(h.decided_ms)}};
  }
  return j;
}

}  // namespace liaison::access
