// REST routes for records, one collection per record type:
//   POST   /api/v1/{persons|organisations|vehicles|documents|phones|cases}
//   GET    /api/v1/{collection}?crime_area=&alert=&owner=&review_before=&review_after=
//                               &limit=&cursor=            (purpose required)
//   GET    /api/v1/{collection}/{id}                        (purpose required)
//   PUT    /api/v1/{collection}/{id}     If-Match: "<version>"
//   DELETE /api/v1/{collection}/{id}     If-Match optional
//   GET    /api/v1/records/{id}/audit    who saw or changed it, when and why
// The purpose comes in X-Purpose / X-Case-Ref headers (or purpose / case_ref
// query parameters). Every route goes through access::RecordAccess.
//
// Thread-safety: handlers are safe for concurrent use.
#ifndef LIAISON_API_RECORD_ROUTES_H_
#define LIAISON_API_RECORD_ROUTES_H_

#include "absl/status/status.h"
#include "access/record_access.h"
#include "api/router.h"

namespace liaison::api {

absl::Status RegisterRecordRoutes(Router& router, access::RecordAccess& records);

}  // namespace liaison::api

#endif  // LIAISON_API_RECORD_ROUTES_H_
