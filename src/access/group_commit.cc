#include "access/group_commit.h"

#include <utility>

#include "common/status_macros.h"

namespace liaison::access {

absl::Status GroupCommit::Write(const WriteFn& fn) {
  Waiter self{&fn};
  absl::MutexLock lock(&mutex_);
  queue_.push_back(&self);
  while (!self.done) {
    if (leading_) {
      self.wake.Wait(&mutex_);
      continue;
    }
    // Lead: commit everything queued so far in one transaction.
    leading_ = true;
    std::vector<Waiter*> group;
    group.swap(queue_);
    mutex_.Unlock();
    absl::Status all = store_.Write([&](store::Transaction& tx) -> absl::Status {
      for (Waiter* w : group) RETURN_IF_ERROR((*w->fn)(tx));
      return absl::OkStatus();
    });
    if (!all.ok() && group.size() > 1) {
      for (Waiter* w : group) w->result = store_.Write(*w->fn);
    } else {
      for (Waiter* w : group) w->result = all;
    }
    mutex_.Lock();
    if (group.size() > 1) {
      ++counts_.groups;
      counts_.grouped_writers += static_cast<int64_t>(group.size());
    }
    leading_ = false;
    for (Waiter* w : group) {
      w->done = true;
      if (w != &self) w->wake.Signal();
    }
    // The first writer queued meanwhile leads the next commit.
    if (!queue_.empty()) queue_.front()->wake.Signal();
  }
  return self.result;
}

size_t GroupCommit::waiting() const {
  absl::MutexLock lock(&mutex_);
  return queue_.size();
}

GroupCommit::Counts GroupCommit::counts() const {
  absl::MutexLock lock(&mutex_);
  return counts_;
}

}  // namespace liaison::access
