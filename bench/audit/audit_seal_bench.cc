// Microbenchmarks of the audit chain in memory: sealing (canonical text +
// SHA-256), hashing alone, parsing an export line, and checkpoint signing and
// verification.
#include <string>
#include <vector>

#include "audit/checkpoint.h"
#include "audit/entry.h"
#include "audit/test_chain.h"
#include "benchmark/benchmark.h"

namespace liaison::audit {
namespace {

void BM_SealChain(benchmark::State& state) {
  std::vector<Event> events;
  for (uint64_t i = 0; i < 1024; ++i) events.push_back(testing::SampleEvent(i));
  ChainHead head = GenesisHead("node-bench-01");
  int64_t t = testing::kTestStartMs;
  size_t i = 0;
  for (auto _ : state) {
    absl::StatusOr<Entry> e = Seal(head, head.seq + 1, ++t, events[i++ & 1023]);
    head = HeadOf(*e);
    benchmark::DoNotOptimize(head);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SealChain);

void BM_ComputeEntryHash(benchmark::State& state) {
  Entry e = *Seal(GenesisHead("n"), 1, testing::kTestStartMs, testing::SampleEvent(3));
  for (auto _ : state) benchmark::DoNotOptimize(ComputeEntryHash(e));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ComputeEntryHash);

void BM_ParseEntryLine(benchmark::State& state) {
  Entry e = *Seal(GenesisHead("n"), 1, testing::kTestStartMs, testing::SampleEvent(3));
  const std::string line = CanonicalEntryText(e, HashField::kWithHash);
  for (auto _ : state) benchmark::DoNotOptimize(ParseEntryLine(line));
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(line.size()));
}
BENCHMARK(BM_ParseEntryLine);

void BM_ParseCanonicalEntryLine(benchmark::State& state) {
  Entry e = *Seal(GenesisHead("n"), 1, testing::kTestStartMs, testing::SampleEvent(3));
  const std::string line = CanonicalEntryText(e, HashField::kWithHash);
  std::string hash;
  for (auto _ : state) benchmark::DoNotOptimize(ParseCanonicalEntryLine(line, &hash));
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(line.size()));
}
BENCHMARK(BM_ParseCanonicalEntryLine);

void BM_MakeCheckpoint(benchmark::State& state) {
  SigningKey key = testing::TestKey();
  ChainHead head{1000, std::string(64, 'a')};
  for (auto _ : state) {
    benchmark::DoNotOptimize(MakeCheckpointEvent(key, "node-bench-01", head, 1));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MakeCheckpoint);

void BM_VerifyCheckpoint(benchmark::State& state) {
  SigningKey key = testing::TestKey();
  ChainHead head{1000, std::string(64, 'a')};
  Entry cp = *Seal(head, 1001, 5, MakeCheckpointEvent(key, "node-bench-01", head, 5));
  for (auto _ : state) {
    benchmark::DoNotOptimize(VerifyCheckpoint(cp, "node-bench-01", key.public_key()));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VerifyCheckpoint);

}  // namespace
}  // namespace liaison::audit

BENCHMARK_MAIN();
