// Group commit: writers that arrive while a transaction is being made
// durable wait, and the next one among them commits all of their changes in
// one transaction, so N concurrent writers cost one fsync instead of N. The
// access gate uses it where many officers or partners write at once: case
// messages sent, partner queries sent and answered.
//
//   GroupCommit commit(store);
//   RETURN_IF_ERROR(commit.Write([&](store::Transaction& tx) { ... }));
//
// Write returns once the caller's changes are durable (or failed). When the
// shared transaction fails, each waiter's function runs again in a
// transaction of its own, so one caller's error is never another's. A
// function may therefore run twice (the first run rolled back): it must
// only change the transaction, and reset any output it fills.
//
// Thread-safety: safe for concurrent use.
#ifndef LIAISON_ACCESS_GROUP_COMMIT_H_
#define LIAISON_ACCESS_GROUP_COMMIT_H_

#include <functional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "store/store.h"

namespace liaison::access {

class GroupCommit {
 public:
  using WriteFn = std::function<absl::Status(store::Transaction&)>;

  // `store` must outlive this.
  explicit GroupCommit(store::Store& store) : store_(store) {}
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  absl::Status Write(const WriteFn& fn);

  // How many transactions committed groups of more than one writer, and
  // how many writers they carried (for tests and benchmarks).
  struct Counts {
    int64_t groups = 0;
    int64_t grouped_writers = 0;
  };
  Counts counts() const;
  // Writers queued behind the transaction being committed.
  size_t waiting() const;

 private:
  struct Waiter {
    const WriteFn* fn = nullptr;
    absl::Status result;
    bool done = false;
    // Each waiter sleeps on its own: a finished commit wakes the writers it
    // carried and the next leader, not every writer queued behind it.
    absl::CondVar wake;
  };

  store::Store& store_;
  mutable absl::Mutex mutex_;
  std::vector<Waiter*> queue_ ABSL_GUARDED_BY(mutex_);
  bool leading_ ABSL_GUARDED_BY(mutex_) = false;
  Counts counts_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace liaison::access

#endif  // LIAISON_ACCESS_GROUP_COMMIT_H_
