// Import benchmark: writes a seeded synthetic person list (Pakistani and
// Italian people, some names in Urdu script, realistic name frequencies) as
// CSV, imports it into a fresh SQLite node through the access gate exactly as
// `liaison import persons` does, and prints rows/s and peak resident memory.
//
//   import_bench [--rows N] [--seed S] [--dir DIR]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "access/audit_trail.h"
#include "access/record_access.h"
#include "audit/checkpoint.h"
#include "ingest/csv_writer.h"
#include "person_generator.h"
#include "store/sqlite/sqlite_store.h"

namespace {

double PeakRssMiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t rows = 1'000'000;
  uint64_t seed = 20261128;
  std::string dir = (std::filesystem::temp_directory_path() / "liaison_import_bench").string();
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--rows") rows = std::stoll(argv[i + 1]);
    if (flag == "--seed") seed = std::stoull(argv[i + 1]);
    if (flag == "--dir") dir = argv[i + 1];
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string csv = dir + "/persons.csv";

  auto t0 = std::chrono::steady_clock::now();
  {
    std::ofstream out(csv, std::ios::binary);
    out << "id,name,aliases,father_name,dob,gender,nationality,id_numbers,crime_area,alert\n";
    liaison::synth::PersonGenerator gen(seed);
    static const char* kAreas[] = {"terrorism", "narcotics", "migrant_smuggling",
                                   "human_trafficking", "organised_crime"};
    for (int64_t i = 0; i < rows; ++i) {
      liaison::synth::Identity id = gen.NewIdentity();
      liaison::match::PersonInput p = gen.RecordAnyScript(id, /*variant=*/false);
      std::string aliases;
      for (size_t k = 1; k < p.names.size(); ++k) aliases += (k > 1 ? "|" : "") + p.names[k];
      std::string ids;
      for (const auto& n : p.id_numbers) {
        ids += (ids.empty() ? "" : ";") + n.scheme + ":" + n.value;
      }
      std::string nat;
      for (const auto& n : p.nationalities) nat += (nat.empty() ? "" : "|") + n;
      out << "W" << i << "," << liaison::ingest::CsvField(p.names.empty() ? "x" : p.names[0]) << ","
          << liaison::ingest::CsvField(aliases) << "," << liaison::ingest::CsvField(p.father_name)
          << "," << p.dob << "," << p.gender << "," << nat << "," << ids << "," << kAreas[i % 5]
          << "," << (i % 7 == 0 ? "wanted" : "") << "\n";
    }
  }
  auto t1 = std::chrono::steady_clock::now();
  auto bytes = std::filesystem::file_size(csv);

  liaison::SeededRandom random(seed);
  liaison::Clock& clock = liaison::RealClock();
  auto store = liaison::store::OpenSqliteStore(dir + "/liaison.db", clock, {.create = true});
  if (!store.ok()) {
    std::cerr << store.status() << "\n";
    return 1;
  }
  liaison::audit::SigningKey key = liaison::audit::SigningKey::Generate(random);
  liaison::access::AuditTrail trail("node_bench", key, std::string(32, 'q'), {}, clock);
  liaison::access::RecordAccess access(**store, trail, {.node_id = "node_bench"}, random);
  double rss_before = PeakRssMiB();
  auto t2 = std::chrono::steady_clock::now();
  auto report = access.ImportPersons(liaison::access::Actor::LocalAdministrator(),
                                     {"benchmark", ""}, csv, {});
  auto t3 = std::chrono::steady_clock::now();
  if (!report.ok()) {
    std::cerr << "import failed: " << report.status() << "\n";
    return 1;
  }
  double gen_s = std::chrono::duration<double>(t1 - t0).count();
  double imp_s = std::chrono::duration<double>(t3 - t2).count();
  std::printf("rows            %lld (%.1f MiB CSV, generated in %.1f s)\n",
              static_cast<long long>(report->rows), bytes / 1048576.0, gen_s);
  std::printf("created         %lld, skipped %zu\n", static_cast<long long>(report->created),
              report->skipped.size());
  std::printf("import time     %.2f s\n", imp_s);
  std::printf("rows/s          %.0f\n", report->rows / imp_s);
  std::printf("peak RSS        %.0f MiB (%.0f MiB before the import)\n", PeakRssMiB(), rss_before);
  std::printf("database        %.1f MiB\n",
              std::filesystem::file_size(dir + "/liaison.db") / 1048576.0);
  return 0;
}
