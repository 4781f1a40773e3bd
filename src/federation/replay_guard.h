// Remembers which envelopes have been accepted, so that an envelope replayed
// while its time is still inside the skew window is refused. Once the window
// has passed, the envelope's time makes it stale, and the guard may forget it:
// together, the time check and the guard refuse every replay.
//
// An entry is remembered until its `expires_at_ms` (envelope::Open passes the
// envelope's sent-at time plus the allowed skew). Memory is bounded: when a
// sender has `max_entries_per_sender` entries, the entry that expires first is
// forgotten and the sender's floor rises to its expiry; from then on every
// envelope of that sender expiring at or before the floor is answered
// kBeyondMemory (refused: the guard can no longer prove it is new). A flood
// from one partner therefore costs only that partner's delayed messages,
// never a replay.
//
// ReplayGuard is an interface so that the node can keep the guard in its
// database (one row per sender and message id, with the expiry; the floor per
// sender), surviving restarts. InMemoryReplayGuard forgets on restart; build
// it with AfterRestart(start time, allowed skew) so that every envelope sent
// before the restart is refused rather than possibly replayed (its sender
// retries with a new envelope).
//
// Thread-safety: implementations are safe for concurrent use.
#ifndef LIAISON_FEDERATION_REPLAY_GUARD_H_
#define LIAISON_FEDERATION_REPLAY_GUARD_H_

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace liaison::federation {

enum class ReplayVerdict {
  kFresh,         // not seen before; now remembered
  kReplayed,      // this sender's message id was already accepted
  kBeyondMemory,  // older than what the guard still remembers for the sender
};

class ReplayGuard {
 public:
  virtual ~ReplayGuard() = default;

  // Decides whether (`sender`, `message_id`) is new and, when it is,
  // remembers it until `expires_at_ms`. Entries whose expiry is before
  // `now_ms` may be forgotten. Only call this for envelopes whose signature
  // has been verified, so the senders are known partners. Returns an error
  // only when a persistent implementation cannot read or write its storage
  // (the caller must then refuse the envelope).
  virtual absl::StatusOr<ReplayVerdict> CheckAndRemember(std::string_view sender,
                                                         std::string_view message_id,
                                                         int64_t expires_at_ms, int64_t now_ms) = 0;
};

class InMemoryReplayGuard final : public ReplayGuard {
 public:
  struct Options {
    size_t max_entries_per_sender = 200'000;  // at least 1
    // Every sender starts with this floor: envelopes expiring at or before it
    // are kBeyondMemory.
    int64_t not_before_ms = 0;
  };

  // Options for a guard that starts empty at `started_ms` while envelopes
  // are accepted up to `max_skew_ms` away from the clock. An envelope the
  // node accepted before it started again was sent before `started_ms`, so
  // it expires (sent time + skew) at or before started_ms + max_skew_ms:
  // that is the floor. A floor of `started_ms` alone would let an envelope
  // accepted in the last skew interval before a restart be replayed after
  // it. The cost: for at most the skew after a start, envelopes from a
  // partner whose clock is behind are refused as kBeyondMemory, and retried.
  static Options AfterRestart(int64_t started_ms, int64_t max_skew_ms) {
    Options o;
    o.not_before_ms = started_ms + max_skew_ms;
    return o;
  }

  InMemoryReplayGuard() : InMemoryReplayGuard(Options()) {}
  explicit InMemoryReplayGuard(const Options& options)
      : max_entries_per_sender_(options.max_entries_per_sender > 0 ? options.max_entries_per_sender
                                                                   : 1),
        not_before_ms_(options.not_before_ms) {}

  absl::StatusOr<ReplayVerdict> CheckAndRemember(std::string_view sender,
                                                 std::string_view message_id, int64_t expires_at_ms,
                                                 int64_t now_ms) override;

  // Forgets every entry that expired before `now_ms`, for all senders (calls
  // of CheckAndRemember only tidy the sender they are about).
  void ForgetExpired(int64_t now_ms);

  // Entries currently remembered, all senders together.
  size_t size() const;

 private:
  struct SenderMemory {
    absl::flat_hash_set<std::string> ids;
    std::set<std::pair<int64_t, std::string>> by_expiry;
    int64_t floor_ms = 0;
  };
  static void ForgetExpired(SenderMemory& memory, int64_t now_ms);

  const size_t max_entries_per_sender_;
  const int64_t not_before_ms_;
  mutable absl::Mutex mutex_;
  absl::flat_hash_map<std::string, SenderMemory> senders_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace liaison::federation

#endif  // LIAISON_FEDERATION_REPLAY_GUARD_H_
