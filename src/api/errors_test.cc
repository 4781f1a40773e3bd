#include "api/errors.h"

#include <gtest/gtest.h>

namespace liaison::api {
namespace {

TEST(ErrorsTest, CanonicalCodesMapToHttpStatusesAndCodes) {
  struct Case {
    absl::Status status;
    int http;
    std::string code;
  } cases[] = {
      {absl::InvalidArgumentError("x"), 400, "invalid_argument"},
      {absl::NotFoundError("x"), 404, "not_found"},
      {absl::AlreadyExistsError("x"), 409, "already_exists"},
      {absl::FailedPreconditionError("x"), 409, "failed_precondition"},
      {absl::AbortedError("x"), 409, "conflict"},
      {absl::PermissionDeniedError("x"), 403, "permission_denied"},
      {absl::UnauthenticatedError("x"), 401, "unauthenticated"},
      {absl::ResourceExhaustedError("x"), 429, "too_many_requests"},
      {absl::UnimplementedError("x"), 501, "not_implemented"},
      {absl::UnavailableError("x"), 503, "unavailable"},
      {absl::DeadlineExceededError("x"), 504, "timeout"},
      {absl::InternalError("x"), 500, "internal"},
      {absl::DataLossError("x"), 500, "internal"},
      {absl::UnknownError("x"), 500, "internal"},
  };
  for (const Case& c : cases) {
    ErrorReply reply = DescribeError(c.status);
    EXPECT_EQ(reply.http_status, c.http) << c.status;
    EXPECT_EQ(reply.code, c.code) << c.status;
  }
}

TEST(ErrorsTest, AttachedCodeAndStatusWin) {
  absl::Status status = Error("person_not_found", 404, "no person per_123");
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  ErrorReply reply = DescribeError(status);
  EXPECT_EQ(reply.http_status, 404);
  EXPECT_EQ(reply.code, "person_not_found");
  EXPECT_EQ(reply.message, "no person per_123");

  ErrorReply too_large = DescribeError(Error("payload_too_large", 413, "big"));
  EXPECT_EQ(too_large.http_status, 413);
  EXPECT_EQ(too_large.code, "payload_too_large");
}

TEST(ErrorsTest, WithErrorCodeKeepsStatusMapping) {
  absl::Status status = WithErrorCode(absl::AlreadyExistsError("dup"), "duplicate_record");
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  ErrorReply reply = DescribeError(status);
  EXPECT_EQ(reply.http_status, 409);
  EXPECT_EQ(reply.code, "duplicate_record");
  EXPECT_TRUE(WithErrorCode(absl::OkStatus(), "x").ok());
}

TEST(ErrorsTest, InternalMessagesAreNotShown) {
  ErrorReply reply = DescribeError(absl::InternalError("sqlite: disk I/O error at /srv/x.db"));
  EXPECT_TRUE(reply.internal);
  EXPECT_EQ(reply.message.find("sqlite"), std::string::npos);
}

TEST(ErrorsTest, ErrorBodyShape) {
  Json body = ErrorBody("not_found", "gone", "req_1");
  EXPECT_EQ(body["error"]["code"], "not_found");
  EXPECT_EQ(body["error"]["message"], "gone");
  EXPECT_EQ(body["error"]["request_id"], "req_1");
}

}  // namespace
}  // namespace liaison::api
