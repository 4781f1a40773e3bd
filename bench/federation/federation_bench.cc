// Hit/no-hit throughput and latency between two liaison nodes over pinned
// mutual TLS 1.3 on loopback.
//
// Two nodes (Lahore asks, Rome answers) are created in a temporary
// directory with their own keys and SQLite databases, register each other
// and agree on narcotics up to H2. Rome holds --persons seeded synthetic
// persons. --clients officer threads on Lahore then send queries for
// --seconds: half for a variant spelling of a person Rome holds (a hit),
// half for a person it does not (no hit). Each query is the whole path:
// purpose check, sealed envelope, TLS, Open with the replay guard,
// agreement and quota, search of the screening index with the agreement's
// scope read from the store (as `liaison serve` answers partners),
// references and durable audit entries on
// both nodes (SQLite, synchronous=FULL), sealed answer, Open.
//
//   taskset -c 0,1 build/bench/federation/federation_bench --persons 100000 --seconds 20
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "access/audit_trail.h"
#include "access/node_signer.h"
#include "access/partners.h"
#include "audit/hex.h"
#include "exchange/own_person_search.h"
#include "exchange/partner_service.h"
#include "federation/canonical_bytes.h"
#include "federation/tls_pinning.h"
#include "node/node_dir.h"
#include "person_generator.h"
#include "screening/screening_service.h"
#include "store/sqlite/sqlite_store.h"

namespace liaison {
namespace {

struct Options {
  size_t persons = 100'000;
  double seconds = 10;
  int clients = 16;
  int server_threads = 128;  // as `liaison serve` gives the partner listener
};

struct BenchNode {
  node::NodeDir dir;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<access::NodeSigner> signer;
  std::unique_ptr<access::AuditTrail> trail;
  std::unique_ptr<access::Partners> partners;
};

BenchNode MakeNode(const std::string& path, const char* agency, const char* country) {
  node::CreateNodeOptions create;
  create.initialize_database = [](const std::string& db) {
    return store::OpenSqliteStore(db, RealClock(), {.create = true}).status();
  };
  auto dir = node::CreateNodeDir(path, agency, country, RealClock(), SystemRandom(), create);
  if (!dir.ok()) {
    fprintf(stderr, "create %s: %s\n", path.c_str(), dir.status().ToString().c_str());
    exit(1);
  }
  BenchNode n{*std::move(dir)};
  n.store = *store::OpenSqliteStore(n.dir.DatabasePath(), RealClock());
  n.signer = std::make_unique<access::NodeSigner>(n.dir.keys);
  n.trail = std::make_unique<access::AuditTrail>(n.dir.config.node_id, *n.signer,
                                                 n.signer->QueryHashKey(),
                                                 audit::CheckpointPolicy{}, RealClock());
  n.partners = std::make_unique<access::Partners>(*n.store, *n.trail, SystemRandom());
  return n;
}

void Register(BenchNode& self, const BenchNode& other, int port) {
  store::PartnerRow row;
  row.node_id = other.dir.config.node_id;
  row.agency = other.dir.config.agency;
  row.country = other.dir.config.country;
  row.endpoint = "https://127.0.0.1:" + std::to_string(port);
  auto der = federation::CertificateDerFromPem(other.dir.keys.tls_cert_pem());
  row.tls_fingerprint = audit::HexEncode(federation::Sha256(*der));
  row.signing_public_key = audit::HexEncode(other.dir.keys.signing_public_key());
  row.bundle_json = "{}";
  access::Actor admin = access::Actor::LocalAdministrator();
  if (!self.partners->Register(admin, row).ok()) exit(1);
  access::Agreement agreement;
  agreement.crime_areas = {records::CrimeArea::kNarcotics};
  agreement.max_handling_code = records::HandlingCode::kH2;
  agreement.daily_quota = 10'000'000;
  if (!self.partners->SetAgreement(admin, row.node_id, agreement).ok()) exit(1);
}

records::Record RecordOf(const match::PersonInput& in, size_t i) {
  records::Record r;
  r.meta.id = "per_" + std::to_string(i);
  r.meta.crime_area = records::CrimeArea::kNarcotics;
  r.meta.handling_code = records::HandlingCode::kH1;
  r.meta.version = 1;
  r.meta.review_date = "2030-01-01";
  records::Person p;
  p.name = in.names.empty() ? "" : in.names[0];
  for (size_t k = 1; k < in.names.size(); ++k) p.aliases.push_back(in.names[k]);
  p.father_name = in.father_name;
  if (auto d = records::ParsePartialDate(in.dob); d.ok()) p.dob = *d;
  p.gender = in.gender;
  r.body = p;
  return r;
}

federation::QueriedPerson QueryOf(const match::PersonInput& in) {
  federation::QueriedPerson q;
  q.names = in.names;
  q.father_name = in.father_name;
  q.dob = in.dob.size() == 10 || in.dob.size() == 7 || in.dob.size() == 4 ? in.dob : "";
  return q;
}

// CPU time (user and system, all threads) this process has used, in seconds.
double ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

int Main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    std::string value = argv[i + 1];
    double d = 0;
    if (!absl::SimpleAtod(value, &d)) {
      fprintf(stderr, "bad value for %s\n", flag.c_str());
      return 2;
    }
    if (flag == "--persons") {
      o.persons = static_cast<size_t>(d);
    } else if (flag == "--seconds") {
      o.seconds = d;
    } else if (flag == "--clients") {
      o.clients = static_cast<int>(d);
    } else if (flag == "--server-threads") {
      o.server_threads = static_cast<int>(d);
    } else {
      fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  std::string root =
      (std::filesystem::temp_directory_path() / ("federation_bench_" + std::to_string(getpid())))
          .string();
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root);
  BenchNode lahore = MakeNode(root + "/lahore", "Punjab Police", "PK");
  BenchNode rome = MakeNode(root + "/rome", "Polizia di Stato", "IT");

  // Rome's persons, and the queries: variants of held persons and new ones.
  synth::PersonGenerator generator(20260101);
  std::vector<records::Record> rome_records;
  std::vector<federation::QueriedPerson> hits;
  std::vector<federation::QueriedPerson> misses;
  auto t0 = std::chrono::steady_clock::now();
  for (size_t i = 0; i < o.persons; ++i) {
    synth::Identity id = generator.NewIdentity();
    rome_records.push_back(RecordOf(generator.Record(id, false, false), i));
    rome_records.back().meta.owner = rome.dir.config.node_id;
    if (i % 50 == 0 && hits.size() < 2000)
      hits.push_back(QueryOf(generator.Record(id, true, false)));
  }
  for (int i = 0; i < 2000; ++i)
    misses.push_back(QueryOf(generator.Record(generator.NewIdentity(), false, false)));
  // As `liaison serve` does: the persons are records in Rome's store, the
  // screening service indexes them, and partners are answered from it.
  if (absl::Status s = rome.store->Write([&](store::Transaction& tx) -> absl::Status {
        for (const records::Record& r : rome_records) {
          if (absl::Status st = tx.InsertRecord(r); !st.ok()) return st;
        }
        return absl::OkStatus();
      });
      !s.ok()) {
    fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  rome_records.clear();
  screening::ScreeningService rome_index(*rome.store);
  if (absl::Status s = rome_index.Build(); !s.ok()) {
    fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  exchange::OwnPersonSearch rome_persons(rome_index, *rome.store, rome.dir.config.node_id);
  double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  exchange::PartnerServiceOptions ro;
  ro.node_id = rome.dir.config.node_id;
  ro.identity = {rome.dir.keys.tls_cert_pem(), rome.dir.keys.tls_key_pem()};
  ro.worker_threads = o.server_threads;
  exchange::PartnerService rome_service(ro, *rome.partners, *rome.signer, RealClock(),
                                        SystemRandom(), &rome_persons);
  auto port = rome_service.StartListener("127.0.0.1", 0);
  if (!port.ok()) {
    fprintf(stderr, "%s\n", port.status().ToString().c_str());
    return 1;
  }
  Register(rome, lahore, 1);
  Register(lahore, rome, *port);
  if (!rome_service.Refresh().ok()) return 1;
  exchange::PartnerServiceOptions lo;
  lo.node_id = lahore.dir.config.node_id;
  lo.identity = {lahore.dir.keys.tls_cert_pem(), lahore.dir.keys.tls_key_pem()};
  exchange::PartnerService lahore_service(lo, *lahore.partners, *lahore.signer, RealClock(),
                                          SystemRandom(), nullptr);
  if (!lahore_service.Refresh().ok()) return 1;

  access::Actor officer;
  officer.id = "usr_bench";
  officer.name = "bench officer";
  officer.role = access::Role::kLiaisonOfficer;
  officer.origin = "bench";

  std::atomic<bool> stop{false};
  std::atomic<int64_t> answered{0}, hit_count{0}, errors{0}, expected_hits{0}, found_expected{0};
  std::vector<std::vector<double>> latencies(static_cast<size_t>(o.clients));
  std::vector<std::thread> threads;
  const double cpu_start = ProcessCpuSeconds();
  auto start = std::chrono::steady_clock::now();
  for (int c = 0; c < o.clients; ++c) {
    threads.emplace_back([&, c] {
      size_t n = static_cast<size_t>(c);
      while (!stop.load()) {
        bool want_hit = n % 2 == 0;
        exchange::OutgoingQuery q;
        q.purpose = {"benchmark", ""};
        q.partners = {rome.dir.config.node_id};
        q.person = want_hit ? hits[n / 2 % hits.size()] : misses[n / 2 % misses.size()];
        auto t = std::chrono::steady_clock::now();
        auto results = lahore_service.Query(officer, q);
        double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
        if (!results.ok() || !(*results)[0].answered) {
          if (errors.fetch_add(1) < 3) {
            fprintf(
                stderr, "error: %s\n",
                results.ok() ? (*results)[0].error.c_str() : results.status().ToString().c_str());
          }
        } else {
          answered.fetch_add(1);
          latencies[static_cast<size_t>(c)].push_back(ms);
          if ((*results)[0].hit) hit_count.fetch_add(1);
          if (want_hit) {
            expected_hits.fetch_add(1);
            if ((*results)[0].hit) found_expected.fetch_add(1);
          }
        }
        n += static_cast<size_t>(o.clients);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
  stop = true;
  for (auto& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = ProcessCpuSeconds() - cpu_start;
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0.0
                       : all[std::min(all.size() - 1, static_cast<size_t>(p * (all.size() - 1)))];
  };
  printf("persons held by the answering node: %zu (loaded in %.1f s)\n", rome_index.size(), load_s);
  printf("clients: %d, server threads: %d, duration: %.1f s\n", o.clients, o.server_threads,
         elapsed);
  printf("queries answered: %lld (%.0f q/s), errors: %lld\n",
         static_cast<long long>(answered.load()), static_cast<double>(answered.load()) / elapsed,
         static_cast<long long>(errors.load()));
  // Both nodes' work per query, in CPU time: unlike queries per second, it
  // barely moves when other programs share the cores.
  printf("cpu: %.3f ms per query (both nodes, user and system)\n",
         answered.load() > 0 ? 1000 * cpu / static_cast<double>(answered.load()) : 0.0);
  printf("latency ms: p50 %.2f, p90 %.2f, p99 %.2f, max %.2f\n", pct(0.5), pct(0.9), pct(0.99),
         all.empty() ? 0.0 : all.back());
  printf("hits: %lld of %lld answers; variant queries of held persons answered hit: %lld of %lld\n",
         static_cast<long long>(hit_count.load()), static_cast<long long>(answered.load()),
         static_cast<long long>(found_expected.load()),
         static_cast<long long>(expected_hits.load()));
  rome_service.StopListener();
  std::filesystem::remove_all(root);
  return 0;
}

}  // namespace
}  // namespace liaison

int main(int argc, char** argv) { return liaison::Main(argc, argv); }
