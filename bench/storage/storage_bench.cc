// Storage benchmark (issue 9): on each backend given, imports the same seeded
// synthetic person list through the access gate exactly as `liaison import
// persons` does (one transaction), then measures single-record reads (each
// its own read transaction, as an API request makes one: p50/p99 over random
// ids) and the screening index start-up (ScreeningService::Build, which
// scans every person from the store). Prints one column per backend.
//
//   storage_bench [--rows N] [--reads K] [--seed S] [--dir DIR]
//                 [--postgres CONNINFO] [--no-sqlite]
//
// bench/storage/run_storage_bench.sh starts a throwaway PostgreSQL server and
// passes --postgres.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "access/audit_trail.h"
#include "access/record_access.h"
#include "ingest/csv_writer.h"
#include "person_generator.h"
#include "screening/screening_service.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

double PeakRssMiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

struct Figures {
  std::string backend;
  double import_s = 0;
  int64_t rows = 0;
  double read_p50_us = 0;
  double read_p99_us = 0;
  double index_s = 0;
  size_t indexed = 0;
  std::string error;
};

void WriteCsv(const std::string& path, int64_t rows, uint64_t seed) {
  std::ofstream out(path, std::ios::binary);
  out << "id,name,aliases,father_name,dob,gender,nationality,id_numbers,crime_area,alert\n";
  liaison::synth::PersonGenerator gen(seed);
  static const char* kAreas[] = {"terrorism", "narcotics", "migrant_smuggling", "human_trafficking",
                                 "organised_crime"};
  for (int64_t i = 0; i < rows; ++i) {
    liaison::synth::Identity id = gen.NewIdentity();
    liaison::match::PersonInput p = gen.RecordAnyScript(id, /*variant=*/false);
    std::string aliases;
    for (size_t k = 1; k < p.names.size(); ++k) aliases += (k > 1 ? "|" : "") + p.names[k];
    std::string ids;
    for (const auto& n : p.id_numbers) ids += (ids.empty() ? "" : ";") + n.scheme + ":" + n.value;
    std::string nat;
    for (const auto& n : p.nationalities) nat += (nat.empty() ? "" : "|") + n;
    out << "W" << i << "," << liaison::ingest::CsvField(p.names.empty() ? "x" : p.names[0]) << ","
        << liaison::ingest::CsvField(aliases) << "," << liaison::ingest::CsvField(p.father_name)
        << "," << p.dob << "," << p.gender << "," << nat << "," << ids << "," << kAreas[i % 5]
        << "," << (i % 7 == 0 ? "wanted" : "") << "\n";
  }
}

Figures Measure(const std::string& backend, liaison::store::Store& store, const std::string& csv,
                int reads, uint64_t seed) {
  Figures f;
  f.backend = backend;
  liaison::SeededRandom random(seed);
  liaison::Clock& clock = liaison::RealClock();
  liaison::audit::SigningKey key = liaison::audit::SigningKey::Generate(random);
  liaison::access::AuditTrail trail("node_bench", key, std::string(32, 'q'), {}, clock);
  liaison::access::RecordAccess access(store, trail, {.node_id = "node_bench"}, random);

  auto t0 = Clock::now();
  auto report = access.ImportPersons(liaison::access::Actor::LocalAdministrator(),
                                     {"benchmark", ""}, csv, {});
  auto t1 = Clock::now();
  if (!report.ok()) {
    f.error = "import: " + std::string(report.status().message());
    return f;
  }
  f.import_s = Seconds(t0, t1);
  f.rows = report->rows;

  // The ids to read, from the change feed (ids only, in insertion order).
  std::vector<std::string> ids;
  absl::Status listed = store.Read([&](liaison::store::Reader& r) -> absl::Status {
    int64_t after = 0;
    while (true) {
      auto changes = r.RecordChangesAfter(after, 100000);
      if (!changes.ok()) return changes.status();
      if (changes->empty()) return absl::OkStatus();
      for (const auto& c : *changes) ids.push_back(c.record_id);
      after = changes->back().seq;
    }
  });
  if (!listed.ok() || ids.empty()) {
    f.error = "listing ids: " + std::string(listed.message());
    return f;
  }
  std::mt19937_64 rng(seed);
  std::vector<double> us;
  us.reserve(static_cast<size_t>(reads));
  for (int i = 0; i < reads; ++i) {
    const std::string& id = ids[rng() % ids.size()];
    auto r0 = Clock::now();
    absl::Status s =
        store.Read([&](liaison::store::Reader& r) { return r.GetRecord(id).status(); });
    auto r1 = Clock::now();
    if (!s.ok()) {
      f.error = "read: " + std::string(s.message());
      return f;
    }
    us.push_back(Seconds(r0, r1) * 1e6);
  }
  std::sort(us.begin(), us.end());
  f.read_p50_us = us[us.size() / 2];
  f.read_p99_us = us[std::min(us.size() - 1, us.size() * 99 / 100)];

  liaison::screening::ScreeningService index(store);
  auto b0 = Clock::now();
  absl::Status built = index.Build();
  auto b1 = Clock::now();
  if (!built.ok()) {
    f.error = "index: " + std::string(built.message());
    return f;
  }
  f.index_s = Seconds(b0, b1);
  f.indexed = index.size();
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t rows = 1'000'000;
  int reads = 20'000;
  uint64_t seed = 20261128;
  bool sqlite = true;
  std::string postgres;
  std::string dir = (std::filesystem::temp_directory_path() / "liaison_storage_bench").string();
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--no-sqlite") {
      sqlite = false;
      continue;
    }
    if (i + 1 >= argc) {
      std::cerr << "storage_bench: " << flag << " needs a value\n";
      return 2;
    }
    std::string value = argv[++i];
    if (flag == "--rows") {
      rows = std::stoll(value);
    } else if (flag == "--reads") {
      reads = std::stoi(value);
    } else if (flag == "--seed") {
      seed = std::stoull(value);
    } else if (flag == "--dir") {
      dir = value;
    } else if (flag == "--postgres") {
      postgres = value;
    } else {
      std::cerr << "storage_bench: unknown flag " << flag << "\n";
      return 2;
    }
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string csv = dir + "/persons.csv";
  auto g0 = Clock::now();
  WriteCsv(csv, rows, seed);
  std::printf("persons         %lld (%.1f MiB CSV, generated in %.1f s), seed %llu\n",
              static_cast<long long>(rows), std::filesystem::file_size(csv) / 1048576.0,
              Seconds(g0, Clock::now()), static_cast<unsigned long long>(seed));

  std::vector<Figures> all;
  liaison::Clock& clock = liaison::RealClock();
  if (sqlite) {
    auto store = liaison::store::OpenSqliteStore(dir + "/liaison.db", clock, {.create = true});
    if (!store.ok()) {
      std::cerr << "sqlite: " << store.status() << "\n";
      return 1;
    }
    all.push_back(Measure("sqlite", **store, csv, reads, seed));
  }
  if (!postgres.empty()) {
    auto store = liaison::store::OpenPostgresStore(postgres, clock);
    if (!store.ok()) {
      std::cerr << "postgresql: " << store.status() << "\n";
      return 1;
    }
    all.push_back(Measure("postgresql", **store, csv, reads, seed));
  }
  std::printf("%-28s", "");
  for (const Figures& f : all) std::printf("%16s", f.backend.c_str());
  std::printf("\n");
  auto row = [&](const char* name, auto value) {
    std::printf("%-28s", name);
    for (const Figures& f : all) std::printf("%16s", f.error.empty() ? value(f).c_str() : "error");
    std::printf("\n");
  };
  auto fmt = [](const char* format, double v) {
    char b[64];
    std::snprintf(b, sizeof b, format, v);
    return std::string(b);
  };
  row("import time (s)", [&](const Figures& f) { return fmt("%.1f", f.import_s); });
  row("import rows/s", [&](const Figures& f) { return fmt("%.0f", f.rows / f.import_s); });
  row("record read p50 (us)", [&](const Figures& f) { return fmt("%.0f", f.read_p50_us); });
  row("record read p99 (us)", [&](const Figures& f) { return fmt("%.0f", f.read_p99_us); });
  row("index start-up (s)", [&](const Figures& f) { return fmt("%.1f", f.index_s); });
  row("persons indexed", [&](const Figures& f) { return fmt("%.0f", double(f.indexed)); });
  for (const Figures& f : all) {
    if (!f.error.empty()) std::printf("%s: %s\n", f.backend.c_str(), f.error.c_str());
  }
  std::printf("reads           %d random ids, one read transaction each\n", reads);
  std::printf("peak RSS        %.0f MiB (whole run)\n", PeakRssMiB());
  bool failed =
      std::any_of(all.begin(), all.end(), [](const Figures& f) { return !f.error.empty(); });
  return failed ? 1 : 0;
}
