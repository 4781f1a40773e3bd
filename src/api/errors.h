// How the HTTP API reports failure. Every error response has the body
//   {"error":{"code":"<stable_snake_case_code>","message":"<for a person>",
//             "request_id":"req_..."}}
// and an HTTP status. `code` values are a promise to API clients; they are
// listed in docs/api-errors.md and never change meaning.
//
// Handlers return absl::Status. A plain status maps by its canonical code
// (InvalidArgument -> 400 invalid_argument, NotFound -> 404 not_found, ...);
// a handler that knows better attaches a stable code and HTTP status with
// api::Error(...) or api::WithErrorCode(...), carried as absl::Status payloads
// so they survive being passed up through other layers.
//
// Internal errors (Internal, Unknown, DataLoss) never show their message to
// the client; it goes to the log with the request id instead.
//
// Thread-safety: pure functions.
#ifndef LIAISON_API_ERRORS_H_
#define LIAISON_API_ERRORS_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "common/json_text.h"

namespace liaison::api {

// Stable error codes used by the HTTP layer itself. Route handlers may add
// their own (document them in docs/api-errors.md).
namespace error_code {
inline constexpr std::string_view kBadRequest = "bad_request";
inline constexpr std::string_view kInvalidArgument = "invalid_argument";
inline constexpr std::string_view kInvalidJson = "invalid_json";
inline constexpr std::string_view kInvalidUtf8 = "invalid_utf8";
inline constexpr std::string_view kJsonTooDeep = "json_too_deep";
inline constexpr std::string_view kMissingBody = "missing_body";
inline constexpr std::string_view kUnsupportedMediaType = "unsupported_media_type";
inline constexpr std::string_view kPayloadTooLarge = "payload_too_large";
inline constexpr std::string_view kUriTooLong = "uri_too_long";
inline constexpr std::string_view kHeadersTooLarge = "headers_too_large";
inline constexpr std::string_view kRouteNotFound = "route_not_found";
inline constexpr std::string_view kMethodNotAllowed = "method_not_allowed";
inline constexpr std::string_view kNotFound = "not_found";
inline constexpr std::string_view kAlreadyExists = "already_exists";
inline constexpr std::string_view kFailedPrecondition = "failed_precondition";
inline constexpr std::string_view kConflict = "conflict";
inline constexpr std::string_view kOutOfRange = "out_of_range";
inline constexpr std::string_view kUnauthenticated = "unauthenticated";
inline constexpr std::string_view kPermissionDenied = "permission_denied";
inline constexpr std::string_view kTooManyRequests = "too_many_requests";
inline constexpr std::string_view kNotImplemented = "not_implemented";
inline constexpr std::string_view kUnavailable = "unavailable";
inline constexpr std::string_view kTimeout = "timeout";
inline constexpr std::string_view kInternal = "internal";
}  // namespace error_code

// A status whose canonical code follows `http_status` (400 InvalidArgument,
// 401 Unauthenticated, 403 PermissionDenied, 404 NotFound, 409 Aborted,
// 413/429 ResourceExhausted, 5xx Internal/Unavailable, ...) and which carries
// `code` and `http_status` for the response. `code` must be snake_case
// (a debug assertion checks it).
absl::Status Error(std::string_view code, int http_status, std::string_view message);

// `status` with `code` attached; its canonical code, message and HTTP status
// mapping are unchanged. OK stays OK.
absl::Status WithErrorCode(absl::Status status, std::string_view code);

// What the client is told about a non-OK status.
struct ErrorReply {
  int http_status = 500;
  std::string code;       // stable snake_case
  std::string message;    // safe to show: internal details are replaced
  bool internal = false;  // true when the real message must go to the log only
};

// Maps `status` (not OK) to its reply: an attached code and HTTP status when
// present, otherwise by canonical code.
ErrorReply DescribeError(const absl::Status& status);

// The JSON error body.
Json ErrorBody(std::string_view code, std::string_view message, std::string_view request_id);

}  // namespace liaison::api

#endif  // LIAISON_API_ERRORS_H_
