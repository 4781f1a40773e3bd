// The figures the joint committee reviews: records by crime area, and per
// month the searches, views, imports, screenings, partner queries sent and
// answered, disclosures, refusals and denied accesses, all counted from the
// audit log (so the statistics cannot disagree with it); and per partner and
// month the exchange actions, hits, and median and 90th-percentile response
// times, from the details the exchange layer writes into its audit entries
// ({"partner", "response_ms", "hit", "crime_area"}); and per crime area and
// month the hit/no-hit queries sent and received, with their answers, hits
// and response times.
//
// Thread-safety: safe for concurrent use.
#ifndef LIAISON_ACCESS_STATISTICS_H_
#define LIAISON_ACCESS_STATISTICS_H_

#include "absl/status/statusor.h"
#include "access/actor.h"
#include "access/audit_trail.h"
#include "common/json_text.h"
#include "store/store.h"

namespace liaison::access {

// {"records_by_crime_area": {...}, "months": {"2026-11": {"search": {"ok": n, "denied": m}, ...}},
//  "totals": {...}, "partners": {"node_...": {"2026-11": {"partner_query_answered": n,
//  "hits": h, "response_ms_median": m, "response_ms_p90": p, "followup_requested": n,
//  "followup_decided": n, "data_released": n, "data_received": n,
//  "followup_response_ms_median": m}}},
//  "partner_queries_by_crime_area": {"narcotics": {"2026-11": {
//    "sent": {"requests": n, "answered": a, "hits": h, "response_ms_median": m,
//             "response_ms_p90": p},
//    "received": {"requests": n, "answered": a, "refused": r, "hits": h, ...}}}},
//  "from": ..., "to": ...}. A query that named no crime area counts under "any", one
//  naming a value that is not a crime area under "unknown"; follow-ups are not counted
//  there. Requires stats.read; audited as a view.
absl::StatusOr<Json> Statistics(store::Store& store, AuditTrail& trail, const Actor& actor,
                                int64_t from_ms, int64_t to_ms);

}  // namespace liaison::access

#endif  // LIAISON_ACCESS_STATISTICS_H_
