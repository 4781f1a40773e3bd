#include "common/clock.h"

namespace liaison {

Clock& RealClock() {
  static SystemClock* clock = new SystemClock();
  return *clock;
}

absl::Time FakeClock::Now() const {
  absl::MutexLock lock(&mutex_);
  return now_;
}

void FakeClock::Advance(absl::Duration d) {
  absl::MutexLock lock(&mutex_);
  now_ += d;
}

void FakeClock::Set(absl::Time t) {
  absl::MutexLock lock(&mutex_);
  now_ = t;
}

}  // namespace liaison
