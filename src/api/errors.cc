#include "api/errors.h"

#include <cassert>
#include <charconv>
#include <optional>

#include "absl/strings/cord.h"
#include "common/absl_bridge.h"

namespace liaison::api {
namespace {

constexpr char kCodePayload[] = "type.liaison/api.error_code";
constexpr char kHttpStatusPayload[] = "type.liaison/api.http_status";

[[maybe_unused]] bool IsSnakeCase(std::string_view code) {
  if (code.empty() || code.front() == '_' || code.back() == '_') return false;
  for (char c : code) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

absl::StatusCode CanonicalCodeFor(int http_status) {
  switch (http_status) {
    case 400:
    case 415:
    case 422:
      return absl::StatusCode::kInvalidArgument;
    case 401:
      return absl::StatusCode::kUnauthenticated;
    case 403:
      return absl::StatusCode::kPermissionDenied;
    case 404:
    case 405:
      return absl::StatusCode::kNotFound;
    case 409:
      return absl::StatusCode::kAborted;
    case 412:
      return absl::StatusCode::kFailedPrecondition;
    case 413:
    case 414:
    case 429:
    case 431:
      return absl::StatusCode::kResourceExhausted;
    case 501:
      return absl::StatusCode::kUnimplemented;
    case 503:
      return absl::StatusCode::kUnavailable;
    case 408:
    case 504:
      return absl::StatusCode::kDeadlineExceeded;
    default:
      if (http_status >= 400 && http_status < 500) return absl::StatusCode::kInvalidArgument;
      return absl::StatusCode::kInternal;
  }
}

struct DefaultReply {
  int http_status;
  std::string_view code;
  bool internal;
};

DefaultReply DefaultFor(absl::StatusCode code) {
  using C = absl::StatusCode;
  switch (code) {
    case C::kInvalidArgument:
      return {400, error_code::kInvalidArgument, false};
    case C::kOutOfRange:
      return {400, error_code::kOutOfRange, false};
    case C::kNotFound:
      return {404, error_code::kNotFound, false};
    case C::kAlreadyExists:
      return {409, error_code::kAlreadyExists, false};
    case C::kFailedPrecondition:
      return {409, error_code::kFailedPrecondition, false};
    case C::kAborted:
      return {409, error_code::kConflict, false};
    case C::kUnauthenticated:
      return {401, error_code::kUnauthenticated, false};
    case C::kPermissionDenied:
      return {403, error_code::kPermissionDenied, false};
    case C::kResourceExhausted:
      return {429, error_code::kTooManyRequests, false};
    case C::kUnimplemented:
      return {501, error_code::kNotImplemented, false};
    case C::kUnavailable:
      return {503, error_code::kUnavailable, false};
    case C::kDeadlineExceeded:
      return {504, error_code::kTimeout, false};
    case C::kCancelled:
      return {503, error_code::kUnavailable, false};
    default:  // kInternal, kUnknown, kDataLoss
      return {500, error_code::kInternal, true};
  }
}

std::optional<std::string> PayloadText(const absl::Status& status, const char* type) {
  auto payload = status.GetPayload(type);
  if (!payload) return std::nullopt;
  return std::string(*payload);
}

}  // namespace

absl::Status Error(std::string_view code, int http_status, std::string_view message) {
  assert(IsSnakeCase(code) && "API error codes are snake_case");
  assert(http_status >= 400 && http_status <= 599 && "API errors are 4xx or 5xx");
  absl::Status status(CanonicalCodeFor(http_status), AbslView(message));
  status.SetPayload(kCodePayload, absl::Cord(AbslView(code)));
  status.SetPayload(kHttpStatusPayload, absl::Cord(std::to_string(http_status)));
  return status;
}

absl::Status WithErrorCode(absl::Status status, std::string_view code) {
  assert(IsSnakeCase(code) && "API error codes are snake_case");
  if (status.ok()) return status;
  status.SetPayload(kCodePayload, absl::Cord(AbslView(code)));
  return status;
}

ErrorReply DescribeError(const absl::Status& status) {
  DefaultReply fallback = DefaultFor(status.code());
  ErrorReply reply;
  reply.http_status = fallback.http_status;
  reply.code = std::string(fallback.code);
  reply.internal = fallback.internal;
  if (std::optional<std::string> http = PayloadText(status, kHttpStatusPayload)) {
    int value = 0;
    auto [end, error] = std::from_chars(http->data(), http->data() + http->size(), value);
    if (error == std::errc() && end == http->data() + http->size() && value >= 400 &&
        value <= 599) {
      reply.http_status = value;
      reply.internal = value >= 500 && value != 503 && value != 501 && value != 504;
    }
  }
  if (std::optional<std::string> code = PayloadText(status, kCodePayload)) {
    if (IsSnakeCase(*code)) reply.code = *code;
  }
  if (reply.internal) {
    reply.message = "internal error; the node's log has the details under this request id";
  } else {
    reply.message = std::string(status.message());
  }
  return reply;
}

Json ErrorBody(std::string_view code, std::string_view message, std::string_view request_id) {
  return Json{{"error",
               {{"code", std::string(code)},
                {"message", std::string(message)},
                {"request_id", std::string(request_id)}}}};
}

}  // namespace liaison::api
