#include "federation/replay_guard.h"

#include <algorithm>

namespace liaison::federation {

void InMemoryReplayGuard::ForgetExpired(SenderMemory& memory, int64_t now_ms) {
  while (!memory.by_expiry.empty() && memory.by_expiry.begin()->first < now_ms) {
    memory.ids.erase(memory.by_expiry.begin()->second);
    memory.by_expiry.erase(memory.by_expiry.begin());
  }
}

absl::StatusOr<ReplayVerdict> InMemoryReplayGuard::CheckAndRemember(std::string_view sender,
                                                                    std::string_view message_id,
                                                                    int64_t expires_at_ms,
                                                                    int64_t now_ms) {
  absl::MutexLock lock(&mutex_);
  auto [it, inserted] = senders_.try_emplace(std::string(sender));
  SenderMemory& memory = it->second;
  if (inserted) memory.floor_ms = not_before_ms_;
  ForgetExpired(memory, now_ms);

  // Checked before the floor: a replay the guard still remembers is named as
  // such, which is the more useful audit entry.
  std::string id(message_id);
  if (memory.ids.contains(id)) return ReplayVerdict::kReplayed;
  if (expires_at_ms <= memory.floor_ms) return ReplayVerdict::kBeyondMemory;

  if (memory.ids.size() >= max_entries_per_sender_) {
    auto oldest = memory.by_expiry.begin();
    // The new entry would itself be the first to go: refuse it rather than
    // forget something that expires later.
    if (expires_at_ms <= oldest->first) return ReplayVerdict::kBeyondMemory;
    memory.floor_ms = std::max(memory.floor_ms, oldest->first);
    memory.ids.erase(oldest->second);
    memory.by_expiry.erase(oldest);
  }
  memory.ids.insert(id);
  memory.by_expiry.emplace(expires_at_ms, std::move(id));
  return ReplayVerdict::kFresh;
}

void InMemoryReplayGuard::ForgetExpired(int64_t now_ms) {
  absl::MutexLock lock(&mutex_);
  for (auto& [sender, memory] : senders_) ForgetExpired(memory, now_ms);
}

size_t InMemoryReplayGuard::size() const {
  absl::MutexLock lock(&mutex_);
  size_t n = 0;
  for (const auto& [sender, memory] : senders_) n += memory.ids.size();
  return n;
}

}  // namespace liaison::federation
