// Sign-in throttling with exponential backoff, as a pure policy over the
// failure history of one account (or one source address). The caller stores
// SignInFailures beside the account, asks SignInAllowed before checking a
// password, and records the result.
//
// Default: the first 5 consecutive failures are free; after that each
// attempt must wait 30 s, doubling with every further failure, up to 1 h. A
// success resets the count. Nothing locks an account for good: a locked-out
// attacker only slows down, and a real user can always try again later.
//
// Thread-safety: plain data and pure functions; time is passed in.
#ifndef LIAISON_AUTH_LOCKOUT_H_
#define LIAISON_AUTH_LOCKOUT_H_

#include <cstdint>

namespace liaison::auth {

struct LockoutPolicy {
  int free_failures = 5;
  int64_t first_delay_ms = 30 * 1000;
  int64_t max_delay_ms = 3600 * 1000;
};

struct SignInFailures {
  int consecutive = 0;
  int64_t last_failure_ms = 0;
};

struct SignInDecision {
  bool allowed = true;
  int64_t next_attempt_ms = 0;  // earliest time an attempt is allowed
};

// Whether a sign-in attempt may be checked at `now_ms`, and if not, when.
SignInDecision SignInAllowed(const SignInFailures& failures, int64_t now_ms,
                             const LockoutPolicy& policy = {});

// The delay the policy imposes after `consecutive` failures (0 while free).
int64_t LockoutDelayMs(int consecutive, const LockoutPolicy& policy = {});

// The history after a failed attempt at `now_ms`.
SignInFailures RecordFailure(SignInFailures failures, int64_t now_ms);

// The history after a successful sign-in: empty.
SignInFailures RecordSuccess();

}  // namespace liaison::auth

#endif  // LIAISON_AUTH_LOCKOUT_H_
