// Durable audit appends per second: every entry is sealed into the hash chain
// (with a signed checkpoint every 1,000 entries) and committed to a real
// SQLite file (WAL, synchronous=FULL) in its own transaction, as a view or a
// search is; and, for comparison, 100 entries per transaction, as an import
// or a retention run writes them.
//
//   audit_append_bench [--entries N] [--dir DIR]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "access/audit_trail.h"
#include "audit/checkpoint.h"
#include "store/sqlite/sqlite_store.h"

namespace {

liaison::audit::Event SampleEvent(int i) {
  liaison::audit::Event e;
  e.actor_id = "usr_01M8BENCHANALYST00000000";
  e.actor_name = "Bench Analyst";
  e.actor_role = "analyst";
  e.action = liaison::audit::Action::kView;
  e.object_ids = {"per_01M8JATNSW6PJQGJ3PNX" + std::to_string(1000 + i % 9000)};
  e.purpose = "Operation Indus: checking a suspect's contacts";
  e.case_ref = "CASE-2026-0042";
  e.origin = "api";
  return e;
}

}  // namespace

int main(int argc, char** argv) {
  int entries = 5000;
  std::string dir = (std::filesystem::temp_directory_path() / "liaison_audit_append").string();
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--entries") entries = std::stoi(argv[i + 1]);
    if (flag == "--dir") dir = argv[i + 1];
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  liaison::Clock& clock = liaison::RealClock();
  auto store = liaison::store::OpenSqliteStore(dir + "/liaison.db", clock, {.create = true});
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", std::string(store.status().message()).c_str());
    return 1;
  }
  liaison::SeededRandom random(1);
  liaison::audit::SigningKey key = liaison::audit::SigningKey::Generate(random);
  liaison::access::AuditTrail trail("node_bench", key, std::string(32, 'q'), {}, clock);

  std::vector<double> latencies_us;
  latencies_us.reserve(entries);
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < entries; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    absl::Status s = (*store)->Write(
        [&](liaison::store::Transaction& tx) { return trail.Append(tx, SampleEvent(i)).status(); });
    if (!s.ok()) {
      std::fprintf(stderr, "append failed: %s\n", std::string(s.message()).c_str());
      return 1;
    }
    latencies_us.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
  }
  double single_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::sort(latencies_us.begin(), latencies_us.end());

  const int kBatch = 100;
  int batches = std::max(1, entries / kBatch);
  auto bstart = std::chrono::steady_clock::now();
  for (int b = 0; b < batches; ++b) {
    absl::Status s = (*store)->Write([&](liaison::store::Transaction& tx) -> absl::Status {
      for (int i = 0; i < kBatch; ++i) {
        absl::StatusOr<uint64_t> seq = trail.Append(tx, SampleEvent(i));
        if (!seq.ok()) return seq.status();
      }
      return absl::OkStatus();
    });
    if (!s.ok()) return 1;
  }
  double batch_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - bstart).count();

  std::printf(
      "durable appends, one per transaction: %d in %.2f s = %.0f/s; latency p50 %.0f us, "
      "p99 %.0f us\n",
      entries, single_s, entries / single_s, latencies_us[latencies_us.size() / 2],
      latencies_us[latencies_us.size() * 99 / 100]);
  std::printf("durable appends, %d per transaction:  %d in %.2f s = %.0f/s\n", kBatch,
              batches * kBatch, batch_s, batches * kBatch / batch_s);
  return 0;
}
