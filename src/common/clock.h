// The node's source of time. Everything that reads the time takes a Clock so
// tests can stop it or move it forward.
//
// Thread-safety: SystemClock is stateless; FakeClock is safe for concurrent use.
#ifndef LIAISON_COMMON_CLOCK_H_
#define LIAISON_COMMON_CLOCK_H_

#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace liaison {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;

  // Milliseconds since the Unix epoch, the unit liaison stores times in.
  int64_t NowMillis() const { return absl::ToUnixMillis(Now()); }
};

// The real wall clock. Use Clock::Real() rather than constructing one.
class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

// Returns a process-wide SystemClock.
Clock& RealClock();

// A clock that only moves when told to.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override;
  void Advance(absl::Duration d);
  void Set(absl::Time t);

 private:
  mutable absl::Mutex mutex_;
  absl::Time now_ ABSL_GUARDED_BY(mutex_);
};

// Another clock moved by a fixed offset. Tests of long periods on real
// processes use it (retention of released data: days, not seconds), through
// the LIAISON_TEST_CLOCK_OFFSET_SECONDS variable that cli/node_context.cc
// reads; nothing else does.
class OffsetClock final : public Clock {
 public:
  // `base` must outlive this clock.
  OffsetClock(const Clock& base, absl::Duration offset) : base_(base), offset_(offset) {}
  absl::Time Now() const override { return base_.Now() + offset_; }

 private:
  const Clock& base_;
  const absl::Duration offset_;
};

}  // namespace liaison

#endif  // LIAISON_COMMON_CLOCK_H_
