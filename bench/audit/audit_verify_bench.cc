// Verification speed of a large audit export: generates a chain of N entries
// from a seed straight to a temporary export file (sealing, checkpoint
// signing and writing, streamed in constant memory), then times VerifyExport
// on it and prints entries/s, MB/s and peak RSS.
//
//   audit_verify_bench [--entries N] [--checkpoint-every K] [--seed S]
//                      [--dir DIR] [--keep]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "audit/checkpoint.h"
#include "audit/entry.h"
#include "audit/export.h"
#include "audit/test_chain.h"
#include "audit/verify.h"
#include "common/random.h"

namespace {

using liaison::audit::Entry;
using liaison::audit::Event;

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// User + system CPU seconds of this process so far: on a shared machine the
// wall-clock figures depend on the neighbours, CPU time much less.
double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

long PeakRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t entries = 10'000'000;
  uint64_t checkpoint_every = 1000;
  uint64_t seed = 1;
  std::string dir = std::filesystem::temp_directory_path().string();
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    bool ok = true;
    if (arg == "--entries") {
      ok = absl::SimpleAtoi(next(), &entries);
    } else if (arg == "--checkpoint-every") {
      ok = absl::SimpleAtoi(next(), &checkpoint_every);
    } else if (arg == "--seed") {
      ok = absl::SimpleAtoi(next(), &seed);
    } else if (arg == "--dir") {
      dir = next();
    } else if (arg == "--keep") {
      keep = true;
    } else {
      ok = false;
    }
    if (!ok) {
      std::cerr << "usage: audit_verify_bench [--entries N] [--checkpoint-every K] [--seed S] "
                   "[--dir DIR] [--keep]\n";
      return 2;
    }
  }

  const std::string path =
      (std::filesystem::path(dir) / absl::StrCat("audit_bench_", entries, ".jsonl")).string();
  liaison::SeededRandom random(seed);
  const liaison::audit::SigningKey key = liaison::audit::SigningKey::Generate(random);
  const std::string node_id = "node-bench-01";

  // Generate: seal every entry and stream it out.
  auto start = std::chrono::steady_clock::now();
  double cpu_start = CpuSeconds();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    liaison::audit::ExportHeader header;
    header.node_id = node_id;
    header.agency = "Punjab Police";
    header.public_key = key.PublicKeyHex();
    header.exported_at = liaison::audit::testing::kTestStartMs;
    liaison::audit::ExportWriter writer(out, header, key);
    if (!writer.Begin().ok()) return 1;
    liaison::audit::ChainHead head = liaison::audit::GenesisHead(node_id);
    int64_t t = liaison::audit::testing::kTestStartMs - static_cast<int64_t>(entries) * 50;
    for (uint64_t seq = 1; seq <= entries; ++seq) {
      t += static_cast<int64_t>(random.Next() % 100);
      Event event = (checkpoint_every > 0 && seq % checkpoint_every == 0)
                        ? liaison::audit::MakeCheckpointEvent(key, node_id, head, t)
                        : liaison::audit::testing::SampleEvent(random.Next());
      absl::StatusOr<Entry> entry = liaison::audit::Seal(head, seq, t, std::move(event));
      if (!entry.ok() || !writer.Add(*entry).ok()) {
        std::cerr << "generation failed at seq " << seq << "\n";
        return 1;
      }
      head = liaison::audit::HeadOf(*entry);
    }
    if (!writer.Finish().ok()) return 1;
  }
  const double gen_s = Seconds(start);
  const double gen_cpu = CpuSeconds() - cpu_start;
  const double bytes = static_cast<double>(std::filesystem::file_size(path));
  const long rss_after_gen = PeakRssKb();

  // Verify.
  start = std::chrono::steady_clock::now();
  cpu_start = CpuSeconds();
  absl::StatusOr<liaison::audit::VerifyReport> report = liaison::audit::VerifyExportFile(path);
  const double verify_s = Seconds(start);
  const double verify_cpu = CpuSeconds() - cpu_start;
  if (!report.ok() || !report->ok()) {
    std::cerr << "verification failed: "
              << (report.ok() ? report->ToText() : std::string(report.status().message())) << "\n";
    return 1;
  }

  std::printf("entries:            %llu (checkpoint every %llu)\n",
              static_cast<unsigned long long>(entries),
              static_cast<unsigned long long>(checkpoint_every));
  std::printf("export size:        %.1f MB (%.0f bytes/entry)\n", bytes / 1e6,
              bytes / static_cast<double>(entries));
  std::printf("generate+seal+write: %.2f s wall, %.0f entries/s; %.2f s CPU, %.0f entries/CPU-s\n",
              gen_s, static_cast<double>(entries) / gen_s, gen_cpu,
              static_cast<double>(entries) / gen_cpu);
  std::printf(
      "verify:             %.2f s wall, %.0f entries/s, %.1f MB/s; %.2f s CPU, %.0f "
      "entries/CPU-s, %.1f MB/CPU-s\n",
      verify_s, static_cast<double>(entries) / verify_s, bytes / 1e6 / verify_s, verify_cpu,
      static_cast<double>(entries) / verify_cpu, bytes / 1e6 / verify_cpu);
  std::printf("checkpoints verified: %llu\n", static_cast<unsigned long long>(report->checkpoints));
  std::printf("peak RSS:           %.1f MB after generation, %.1f MB after verification\n",
              rss_after_gen / 1024.0, PeakRssKb() / 1024.0);
  if (!keep) std::filesystem::remove(path);
  return 0;
}
