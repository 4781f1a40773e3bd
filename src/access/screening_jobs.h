// The access gate for bulk screening jobs (REST /api/v1/screening/jobs):
// an analyst uploads a person list with a purpose; a background worker
// screens every candidate against the node's index; the analyst follows
// its progress, pages through the hits and marks each confirmed, dismissed
// or needs review.
//
// - Submit validates the whole list first (CONTRACTS.md person-list CSV;
//   errors "FILE:LINE:COL (column 'x'): what", ids unique) and stores the
//   job, its list and an audited `screening` entry (stage "submitted", the
//   file's SHA-256 and row count) in one transaction.
// - The worker screens in steps of `batch` candidates. Each step commits its
//   hits, the job's progress and one `screening` audit entry (stage
//   "batch", the record ids hit as objects) together, so a job interrupted
//   by a crash or restart resumes from its last committed candidate with no
//   hit lost or repeated. Hits on records outside the submitter's clearance
//   (recorded with the job) or erased meanwhile are dropped as if absent.
//   When the job ends the uploaded list is deleted; hits keep the
//   candidate's id and name.
// - Reading hits is audited (`view`, the record ids shown); hits the reader
//   may not see, or whose record has been erased, are left out. A decision
//   is audited with the reviewer, purpose and decision (the reason text
//   stays in the hit, not the audit log).
// - Jobs are seen by their submitter and by supervisors and administrators.
//
// Thread-safety: safe for concurrent use. One worker thread per object.
#ifndef LIAISON_ACCESS_SCREENING_JOBS_H_
#define LIAISON_ACCESS_SCREENING_JOBS_H_

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "access/actor.h"
#include "access/audit_trail.h"
#include "access/person_search.h"
#include "common/json_text.h"
#include "common/random.h"
#include "screening/screening_service.h"
#include "store/store.h"

namespace liaison::access {

struct JobSubmission {
  std::string file_name = "upload.csv";  // for messages ("guests.csv:12:3: ...")
  std::string csv;
  double min_score = match::kDefaultThreshold;
  int top = 10;  // hits kept per candidate, 1..100
};

struct ScreeningJobsOptions {
  size_t batch = 200;                 // candidates per committed step
  size_t max_candidates = 2'000'000;  // per job
  absl::Duration idle_poll = absl::Milliseconds(200);
};

// One hit as shown to a reviewer: the stored hit and the record's summary.
struct JobHitView {
  store::ScreeningHitRow hit;
  records::Record record;               // own records
  std::optional<SharedListHit> shared;  // a hit on a partner's shared list
};

struct JobHitPage {
  std::vector<JobHitView> hits;
  int64_t next_cursor = 0;  // 0 on the last page
};

class ScreeningJobs {
 public:
  // Everything must outlive this object.
  ScreeningJobs(store::Store& store, AuditTrail& trail, screening::ScreeningService& screening,
                Random& random, ScreeningJobsOptions options = {});
  ~ScreeningJobs();  // stops the worker after its current step
  ScreeningJobs(const ScreeningJobs&) = delete;
  ScreeningJobs& operator=(const ScreeningJobs&) = delete;

  // Validates and queues a job. InvalidArgument with file, line and column
  // for a bad list; PermissionDenied (audited) without screening.jobs.
  absl::StatusOr<store::ScreeningJobRow> Submit(const Actor& actor, const Purpose& purpose,
                                                JobSubmission submission);

  // A job the actor may see; NotFound otherwise (whether or not it exists).
  absl::StatusOr<store::ScreeningJobRow> Get(const Actor& actor, std::string_view job_id);
  // Jobs the actor may see, newest first, ids below `before` when set.
  absl::StatusOr<std::vector<store::ScreeningJobRow>> List(const Actor& actor,
                                                           const std::string& before, int limit);

  // Hits after hit number `after`, at most `limit` (1..500). Requires a
  // purpose; audited as a view of the records shown.
  absl::StatusOr<JobHitPage> Hits(const Actor& actor, const Purpose& purpose,
                                  std::string_view job_id, int64_t after, int limit);

  // Records a review decision: "confirmed", "dismissed" or "needs_review",
  // with a reason (1..1000 bytes of UTF-8). Returns the updated hit.
  absl::StatusOr<store::ScreeningHitRow> Decide(const Actor& actor, const Purpose& purpose,
                                                std::string_view job_id, int64_t hit,
                                                std::string_view decision, std::string_view reason);

  // Runs one step of the oldest unfinished job. Returns false when there was
  // nothing to do (no job, or the index is not ready).
  absl::StatusOr<bool> RunStep();

  // Starts the background worker (RunStep in a loop).
  void Start();

 private:
  struct Parsed;  // a job's list, parsed and prepared

  absl::StatusOr<std::shared_ptr<Parsed>> ParseList(const std::string& file_name,
                                                    const std::string& csv) const;
  absl::StatusOr<store::ScreeningJobRow> Visible(const Actor& actor, std::string_view job_id);
  absl::Status Fail(const store::ScreeningJobRow& job, std::string_view why);
  void Work();

  store::Store& store_;
  AuditTrail& trail_;
  screening::ScreeningService& screening_;
  Random& random_;
  const ScreeningJobsOptions options_;

  absl::Mutex step_mu_;  // one step at a time
  std::string parsed_job_ ABSL_GUARDED_BY(step_mu_);
  std::shared_ptr<Parsed> parsed_ ABSL_GUARDED_BY(step_mu_);

  absl::Mutex stop_mu_;
  bool stop_ ABSL_GUARDED_BY(stop_mu_) = false;
  std::thread worker_;
};

// The job as JSON for the API: id, state, progress, counts, purpose,
// submitter, times, error.
Json ScreeningJobJson(const store::ScreeningJobRow& job);
// A hit as JSON: hit number, candidate, record summary, score, reasons,
// explanation, decision.
Json JobHitJson(const JobHitView& view);

}  // namespace liaison::access

#endif  // LIAISON_ACCESS_SCREENING_JOBS_H_
