// Status propagation macros used throughout liaison.
//
// RETURN_IF_ERROR(expr): evaluates an absl::Status expression and returns it
// from the enclosing function when it is not OK.
// ASSIGN_OR_RETURN(lhs, expr): evaluates an absl::StatusOr<T>; on error
// returns its status, otherwise assigns (or declares) lhs from its value.
#ifndef LIAISON_COMMON_STATUS_MACROS_H_
#define LIAISON_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define LIAISON_CONCAT_INNER_(a, b) a##b
#define LIAISON_CONCAT_(a, b) LIAISON_CONCAT_INNER_(a, b)

// Each expansion gets its own variable name, so RETURN_IF_ERROR may appear
// inside a lambda that is itself the argument of a RETURN_IF_ERROR.
#define RETURN_IF_ERROR(expr) \
  LIAISON_RETURN_IF_ERROR_IMPL_(LIAISON_CONCAT_(liaison_status_, __COUNTER__), expr)

#define LIAISON_RETURN_IF_ERROR_IMPL_(status, expr) \
  do {                                              \
    ::absl::Status status = (expr);                 \
    if (!status.ok()) return status;                \
  } while (0)

#define ASSIGN_OR_RETURN(lhs, expr) \
  LIAISON_ASSIGN_OR_RETURN_IMPL_(LIAISON_CONCAT_(liaison_statusor_, __COUNTER__), lhs, expr)

#define LIAISON_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                   \
  if (!statusor.ok()) return statusor.status();             \
  lhs = std::move(statusor).value()

#endif  // LIAISON_COMMON_STATUS_MACROS_H_
