#include "auth/lockout.h"

#include <algorithm>

namespace liaison::auth {

int64_t LockoutDelayMs(int consecutive, const LockoutPolicy& policy) {
  if (consecutive < policy.free_failures) return 0;
  int64_t delay = policy.first_delay_ms;
  // Double per failure past the free ones, stopping at the cap (and well
  // before int64 overflow).
  for (int i = policy.free_failures; i < consecutive && delay < policy.max_delay_ms; ++i) {
    delay *= 2;
  }
  return std::min(delay, policy.max_delay_ms);
}

SignInDecision SignInAllowed(const SignInFailures& failures, int64_t now_ms,
                             const LockoutPolicy& policy) {
  const int64_t delay = LockoutDelayMs(failures.consecutive, policy);
  if (delay == 0) return {true, now_ms};
  const int64_t next = failures.last_failure_ms + delay;
  return {now_ms >= next, std::max(next, now_ms)};
}

SignInFailures RecordFailure(SignInFailures failures, int64_t now_ms) {
  if (failures.consecutive < 1000000) ++failures.consecutive;
  failures.last_failure_ms = std::max(failures.last_failure_ms, now_ms);
  return failures;
}

SignInFailures RecordSuccess() { return SignInFailures{}; }

}  // namespace liaison::auth
