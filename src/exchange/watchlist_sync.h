// Shared watchlists over the wire (docs/protocol.md 8.4): the owner's side
// answers `watchlist_pull` envelopes (the partner listener's handler) with
// pages of the list the partner's agreement allows; the subscriber's side
// pulls every active partner's list periodically (`liaison serve`, every
// `interval`) or on demand (`liaison watchlist pull`), page after page from
// the position it last applied, so that after being offline it resumes
// where it stopped. A partner that cannot be reached, or answers something
// that is not a valid page, leaves what is held as it was; the error is
// logged, remembered for `liaison watchlist list`, and the partner is tried
// again after a backoff that doubles up to `max_backoff`.
//
// Thread-safety: safe for concurrent use; Start and Stop from one thread.
#ifndef LIAISON_EXCHANGE_WATCHLIST_SYNC_H_
#define LIAISON_EXCHANGE_WATCHLIST_SYNC_H_

#include <cstdint>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "access/partners.h"
#include "access/watchlists.h"
#include "exchange/case_delivery.h"
#include "federation/envelope.h"
#include "federation/partner_transport.h"

namespace liaison::exchange {

struct WatchlistSyncOptions {
  absl::Duration interval = absl::Seconds(60);  // between pulls of one partner
  absl::Duration initial_backoff = absl::Seconds(1);
  absl::Duration max_backoff = absl::Minutes(10);
  int64_t max_pages = 100000;  // per pull: a partner that never completes is an error
  absl::Duration purge_interval = absl::Minutes(5);  // entries past retention erased this often
};

// What one pull did.
struct PullOutcome {
  std::string partner;
  bool ok = false;
  int64_t pages = 0;
  int64_t upserts = 0;
  int64_t removals = 0;
  int64_t version = 0;  // the owner's list version now held (when ok)
  std::string error;    // what went wrong, naming the partner
};

class WatchlistSync {
 public:
  // Everything must outlive the worker.
  WatchlistSync(access::Watchlists& watchlists, access::Partners& partners, EnvelopeSender sender,
                WatchlistSyncOptions options = {});
  ~WatchlistSync();
  WatchlistSync(const WatchlistSync&) = delete;
  WatchlistSync& operator=(const WatchlistSync&) = delete;

  void Start();
  void Stop();  // idempotent

  // Pulls `partner`'s list until it is complete (or a page fails: then what
  // was applied stays, the failure is recorded, and the next pull resumes).
  PullOutcome PullFrom(const std::string& partner);
  // PullFrom every active partner, in node id order.
  std::vector<PullOutcome> PullAll();

  // The partner listener's handler for a watchlist_pull envelope: parses
  // the body (InvalidArgument: malformed) and answers one page.
  absl::StatusOr<federation::MessageReply> HandlePull(const federation::OpenedEnvelope& envelope);

 private:
  void Run();

  access::Watchlists& watchlists_;
  access::Partners& partners_;
  const EnvelopeSender sender_;
  const WatchlistSyncOptions options_;
  absl::Mutex mutex_;
  bool stop_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread thread_;
  struct Schedule {
    absl::Time next = absl::InfinitePast();
    absl::Duration backoff = absl::ZeroDuration();
  };
  std::map<std::string, Schedule> schedule_;  // worker thread only
};

}  // namespace liaison::exchange

#endif  // LIAISON_EXCHANGE_WATCHLIST_SYNC_H_
