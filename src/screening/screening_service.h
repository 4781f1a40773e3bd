// The node's screening service: owns the in-memory PersonIndex over the
// node's persons, builds it from the store at start-up and keeps it current
// as records change, without stopping searches.
//
// Refs. Every person the index holds is filed under a ref that says where
// it comes from: the node's own records under their record id ("per_...");
// entries of partners' shared watchlists (issue 6, store::SharedEntryRow)
// under "partner:<node_id>:<reference>" (PartnerRef below), so one index
// answers for every source and the access gate can tell, from a hit's ref
// alone, which rules decide whether the hit may be shown. Shared entries
// travel on the same change feed, under their partner refs.
//
// Keeping current. The hook is the store's record change feed
// (store::Reader::RecordChangesAfter): every insert, update and erasure of
// a record appends an entry in the same transaction as the change, whatever
// wrote it — the REST API, `liaison import` run from another process while
// the node serves, retention, or a future partner sync. The service applies
// the feed from a background thread every `follow_interval`, and callers
// that want read-your-writes (a search just after an edit) call CatchUp
// first. An observer on access::RecordAccess would have been narrower but
// blind to other processes writing the same database.
//
// Weights. Name weights come from the population present at start-up
// (PopulationMatcher); persons added later are weighed with that table.
//
// Nothing here checks who may see what: that is the access gate's job
// (access/person_search.h, access/screening_jobs.h). This service is below
// the gate, like ingest/: it reads the store but never answers a user.
//
// Thread-safety: all public methods are safe for concurrent use. Searches
// run concurrently with the follower applying changes (the index's own
// reader/writer lock); CatchUp calls are serialised among themselves.
#ifndef LIAISON_SCREENING_SCREENING_SERVICE_H_
#define LIAISON_SCREENING_SCREENING_SERVICE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "match/matcher.h"
#include "screening/person_index.h"
#include "store/store.h"

namespace liaison::screening {

// The ref of one of the node's own records: its record id.
inline std::string OwnRecordRef(std::string_view record_id) { return std::string(record_id); }
// True for refs of the node's own records ("per_...").
bool IsOwnRecordRef(std::string_view ref);
// The ref a partner's shared watchlist entry is filed under (issue 6):
// "partner:<node_id>:<reference>".
std::string PartnerRef(std::string_view node_id, std::string_view partner_ref);
// The matching fields of a shared watchlist entry as stored
// (store::SharedEntryRow::entry_json, docs/protocol.md 8.4); nullopt when it
// holds no name.
std::optional<match::PersonInput> PersonInputFromSharedEntry(std::string_view entry_json);

struct ServiceOptions {
  int build_threads = 0;  // 0: every core
  absl::Duration follow_interval = absl::Milliseconds(250);
  // Most change feed entries one CatchUp call applies; the rest wait for
  // the next call (the follower thread loops until the feed is drained).
  size_t catch_up_batch = 2000;
  // How often consumed feed entries are pruned from the store.
  absl::Duration prune_interval = absl::Minutes(5);
  // Entries kept behind this service's position when pruning, for other
  // processes sharing the database (PostgreSQL) that are a little behind. A
  // process that finds entries it has not applied pruned rebuilds its index.
  int64_t prune_keep = 10000;
};

// One search result, explained.
struct ExplainedHit {
  std::string ref;
  double score = 0;
  match::MatchResult result;  // Matcher::Compare(query, held person)
};

class ScreeningService {
 public:
  // `store` must outlive the service.
  explicit ScreeningService(store::Store& store, ServiceOptions options = {});
  ~ScreeningService();  // stops the follower thread
  ScreeningService(const ScreeningService&) = delete;
  ScreeningService& operator=(const ScreeningService&) = delete;

  // Builds the index on this thread from every person in the store (for the
  // command line and tests), then marks the service ready. Returns the
  // store's error. Persons whose names the matcher cannot use are left out
  // and counted (skipped()).
  absl::Status Build();

  // Builds the index on a background thread, then follows the change feed
  // there until the service is destroyed. ready() turns true once built;
  // a failed build is reported by build_status() and retried a minute later.
  void Start();

  bool ready() const { return ready_.load(std::memory_order_acquire); }
  absl::Status build_status() const;

  // Applies up to options.catch_up_batch pending change feed entries now.
  // Returns the number applied, or the store's error. FailedPrecondition
  // before the index is built.
  absl::StatusOr<size_t> CatchUp();

  // Prepares a query (a partial person) with the node's base matcher.
  // InvalidArgument naming the field for unusable input.
  absl::StatusOr<match::PreparedPerson> Prepare(const match::PersonInput& input) const;

  // The held persons scoring at least options.min_score against `query`,
  // best first, each with its explanation. Unavailable while the index is
  // being built.
  absl::StatusOr<std::vector<ExplainedHit>> Search(const match::PreparedPerson& query,
                                                   const SearchOptions& options) const;

  // Which of `refs` a caller may see (same length and order).
  using Visible =
      std::function<absl::StatusOr<std::vector<bool>>(const std::vector<std::string>& refs)>;

  // As Search, but only among the held persons `visible` admits: the others
  // are dropped before list-aware scores are computed, so they change
  // neither which persons are found nor their scores, exactly as if they
  // were not held. For answering partners under an agreement's scope.
  // Explain::kNo leaves each hit's `result` empty (no Matcher::Compare), for
  // callers that need only references and scores, such as a hit/no-hit
  // answer; which persons are found and their scores are the same.
  enum class Explain { kYes, kNo };
  absl::StatusOr<std::vector<ExplainedHit>> SearchVisible(const match::PreparedPerson& query,
                                                          const SearchOptions& options,
                                                          const Visible& visible,
                                                          Explain explain = Explain::kYes) const;

  // The matcher Prepare uses (built-in weights).
  const match::Matcher& matcher() const { return base_; }

  // Persons held; persons left out at build for unusable names.
  size_t size() const;
  size_t skipped() const { return skipped_.load(); }
  // The change feed position the index reflects.
  int64_t applied_seq() const;

 private:
  struct Built;

  std::shared_ptr<Built> Current() const;
  absl::Status BuildLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(follow_mu_);
  absl::StatusOr<size_t> CatchUpLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(follow_mu_);
  void Follow();

  store::Store& store_;
  const ServiceOptions options_;
  const match::Matcher base_;  // prepares persons and queries (built-in weights)

  std::atomic<bool> ready_{false};
  std::atomic<size_t> skipped_{0};

  mutable absl::Mutex state_mu_;
  std::shared_ptr<Built> built_ ABSL_GUARDED_BY(state_mu_);
  absl::Status build_status_ ABSL_GUARDED_BY(state_mu_);

  mutable absl::Mutex follow_mu_;        // serialises Build and CatchUp
  std::atomic<int64_t> applied_seq_{0};  // written under follow_mu_
  absl::Time last_prune_ ABSL_GUARDED_BY(follow_mu_) = absl::InfinitePast();

  absl::Mutex stop_mu_;
  bool stop_ ABSL_GUARDED_BY(stop_mu_) = false;
  std::thread follower_;
};

}  // namespace liaison::screening

#endif  // LIAISON_SCREENING_SCREENING_SERVICE_H_
