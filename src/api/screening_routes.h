// Person search and bulk screening routes:
//   GET  /api/v1/search/persons?name=&dob=&father_name=&gender=&nationality=
//        &id_numbers=&min_score=&limit=                       (screening.search)
//   POST /api/v1/search/persons   {"name", ...person-list fields, "min_score", "limit"}
//   POST /api/v1/screening/jobs?name=F.csv&threshold=&top=    body: the person-list CSV
//   GET  /api/v1/screening/jobs?cursor=&limit=                jobs you may see
//   GET  /api/v1/screening/jobs/{id}                          status and progress
//   GET  /api/v1/screening/jobs/{id}/hits?cursor=&limit=      hits, paged
//   POST /api/v1/screening/jobs/{id}/hits/{hit}/decision      {"decision", "reason"}
// (the job routes need screening.jobs). Every route that shows personal
// data needs X-Purpose (and optionally X-Case-Ref); the access gate
// (access/person_search.h, access/screening_jobs.h) authorises and audits.
//
// Thread-safety: handlers are safe for concurrent use.
#ifndef LIAISON_API_SCREENING_ROUTES_H_
#define LIAISON_API_SCREENING_ROUTES_H_

#include "absl/status/status.h"
#include "access/person_search.h"
#include "access/screening_jobs.h"
#include "api/router.h"

namespace liaison::api {

absl::Status RegisterScreeningRoutes(Router& router, access::PersonSearch& search,
                                     access::ScreeningJobs& jobs);

}  // namespace liaison::api

#endif  // LIAISON_API_SCREENING_ROUTES_H_
