// Durable case messages per second, and delivery latency, between two
// liaison nodes over pinned mutual TLS 1.3 on loopback.
//
// Two nodes (Lahore sends, Rome receives) are created in a temporary
// directory with their own keys and SQLite databases (synchronous=FULL: a
// commit is on disk before it returns), register each other and agree on
// narcotics up to H2. Each message takes the whole path: the officer's
// Send (clearance check, message row, outbox row and audit entry in one
// transaction), the delivery worker's case_batch (several messages per
// envelope when several are pending), TLS, Open with the replay guard,
// Rome's Accept (all the batch's messages and one audit entry in one
// transaction), the signed case_batch_ack, and Lahore's RecordAck (messages
// marked delivered and an audit entry in one transaction). A message counts
// once it is on disk on both sides and its ack is recorded.
//
// Two phases:
//  1. live: --senders officer threads send --messages messages in all, paced
//     at --rate messages per second in total (0: as fast as they can);
//     throughput is messages acknowledged per second of the phase, latency
//     is the sender's commit to the recorded ack (and to Rome's commit).
//  2. backlog: Rome is offline while --backlog messages are queued; then it
//     returns and the time to deliver them all is measured.
//
//   taskset -c 0,1 build/bench/messaging/messaging_bench --messages 20000 --rate 1000
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
#include "access/messaging.h"
#include "access/node_signer.h"
#include "access/partners.h"
#include "audit/hex.h"
#include "exchange/case_delivery.h"
#include "exchange/partner_service.h"
#include "federation/canonical_bytes.h"
#include "federation/tls_pinning.h"
#include "node/node_dir.h"
#include "store/sqlite/sqlite_store.h"

namespace liaison {
namespace {

struct Options {
  int64_t messages = 20'000;
  double rate = 1000;  // per second in total; 0: unpaced
  int senders = 4;
  int64_t backlog = 20'000;
  int64_t text_bytes = 300;
};

struct BenchNode {
  node::NodeDir dir;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<access::NodeSigner> signer;
  std::unique_ptr<access::AuditTrail> trail;
  std::unique_ptr<access::Partners> partners;
  std::unique_ptr<access::Messaging> messaging;
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
  n.messaging = std::make_unique<access::Messaging>(*n.store, *n.trail, SystemRandom(),
                                                    access::MessagingOptions{n.dir.config.node_id});
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
  if (!self.partners->SetAgreement(admin, row.node_id, agreement).ok()) exit(1);
}

// Every message Lahore sent, with its times.
std::vector<store::CaseMessageRow> Messages(store::Store& store, std::string_view direction) {
  std::vector<store::CaseMessageRow> out;
  (void)store.Read([&](store::Reader& r) -> absl::Status {
    store::CaseMessageFilter f;
    f.direction = std::string(direction);
    f.limit = 1000;
    while (true) {
      absl::StatusOr<std::vector<store::CaseMessageRow>> page = r.ListCaseMessages(f);
      if (!page.ok()) return page.status();
      for (auto& m : *page) {
        f.after_local_seq = m.local_seq;
        out.push_back(std::move(m));
      }
      if (page->size() < 1000) break;
    }
    return absl::OkStatus();
  });
  return out;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size() - 1)))];
}

int64_t Pending(access::Messaging& m) {
  absl::StatusOr<std::vector<store::OutboxPartnerCount>> counts = m.OutboxPartners();
  if (!counts.ok()) return -1;
  int64_t n = 0;
  for (const auto& p : *counts) n += p.pending;
  return n;
}

int Main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    double d = 0;
    if (!absl::SimpleAtod(argv[i + 1], &d)) {
      fprintf(stderr, "bad value for %s\n", flag.c_str());
      return 2;
    }
    if (flag == "--messages") {
      o.messages = static_cast<int64_t>(d);
    } else if (flag == "--rate") {
      o.rate = d;
    } else if (flag == "--senders") {
      o.senders = std::max(1, static_cast<int>(d));
    } else if (flag == "--backlog") {
      o.backlog = static_cast<int64_t>(d);
    } else if (flag == "--text-bytes") {
      o.text_bytes = static_cast<int64_t>(d);
    } else {
      fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  std::string root =
      (std::filesystem::temp_directory_path() / ("messaging_bench_" + std::to_string(getpid())))
          .string();
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root);
  BenchNode lahore = MakeNode(root + "/lahore", "Punjab Police", "PK");
  BenchNode rome = MakeNode(root + "/rome", "Polizia di Stato", "IT");

  // Rome: the partner listener, its case batches handled by its delivery
  // object (whose worker is not needed: Rome sends nothing here).
  exchange::PartnerServiceOptions ro;
  ro.node_id = rome.dir.config.node_id;
  ro.identity = {rome.dir.keys.tls_cert_pem(), rome.dir.keys.tls_key_pem()};
  auto rome_service = std::make_unique<exchange::PartnerService>(
      ro, *rome.partners, *rome.signer, RealClock(), SystemRandom(), nullptr);
  exchange::CaseDelivery rome_delivery(*rome.messaging, nullptr);
  rome_service->SetCaseBatchHandler(
      [&](const federation::OpenedEnvelope& e, int64_t) { return rome_delivery.HandleBatch(e); });
  auto port = rome_service->StartListener("127.0.0.1", 0);
  if (!port.ok()) {
    fprintf(stderr, "%s\n", port.status().ToString().c_str());
    return 1;
  }
  Register(rome, lahore, 1);
  Register(lahore, rome, *port);
  if (!rome_service->Refresh().ok()) return 1;

  // Lahore: its transport and delivery worker.
  exchange::PartnerServiceOptions lo;
  lo.node_id = lahore.dir.config.node_id;
  lo.identity = {lahore.dir.keys.tls_cert_pem(), lahore.dir.keys.tls_key_pem()};
  exchange::PartnerService lahore_service(lo, *lahore.partners, *lahore.signer, RealClock(),
                                          SystemRandom(), nullptr);
  if (!lahore_service.Refresh().ok()) return 1;
  exchange::CaseDeliveryOptions delivery_options;
  delivery_options.max_backoff = absl::Milliseconds(200);
  exchange::CaseDelivery delivery(
      *lahore.messaging,
      [&](std::string_view partner, std::string_view type, std::string_view body) {
        return lahore_service.SendEnvelope(partner, type, body);
      },
      delivery_options);
  delivery.Start();

  access::Actor officer = access::Actor::LocalAdministrator();
  officer.id = "usr_bench";
  officer.name = "bench officer";
  officer.role = access::Role::kLiaisonOfficer;
  std::vector<std::string> cases;
  for (int s = 0; s < o.senders; ++s) {
    access::NewCase c;
    c.partner = rome.dir.config.node_id;
    c.title = "bench case " + std::to_string(s);
    c.crime_area = records::CrimeArea::kNarcotics;
    c.handling_code = records::HandlingCode::kH1;
    auto row = lahore.messaging->OpenCase(officer, c);
    if (!row.ok()) {
      fprintf(stderr, "open case: %s\n", row.status().ToString().c_str());
      return 1;
    }
    cases.push_back(row->id);
  }
  const std::string text(static_cast<size_t>(o.text_bytes), 'm');

  // Phase 1: live.
  std::atomic<int64_t> send_errors{0};
  auto send_loop = [&](int s, int64_t count, double rate) {
    const auto start = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < count; ++i) {
      if (rate > 0) {
        std::this_thread::sleep_until(
            start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                        std::chrono::duration<double>(static_cast<double>(i) / rate)));
      }
      access::NewMessage m;
      m.case_id = cases[static_cast<size_t>(s)];
      m.text = text + " #" + std::to_string(i);
      if (!lahore.messaging->Send(officer, m).ok() && send_errors.fetch_add(1) < 3) {
        fprintf(stderr, "send failed\n");
      }
    }
  };
  const auto live_start = std::chrono::steady_clock::now();
  {
    std::vector<std::thread> threads;
    for (int s = 0; s < o.senders; ++s) {
      threads.emplace_back(send_loop, s, o.messages / o.senders, o.rate / o.senders);
    }
    for (auto& t : threads) t.join();
  }
  const double sends_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - live_start).count();
  while (Pending(*lahore.messaging) != 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  const double live_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - live_start).count();

  std::vector<store::CaseMessageRow> sent = Messages(*lahore.store, "out");
  std::vector<store::CaseMessageRow> received = Messages(*rome.store, "in");
  std::vector<double> ack_ms;
  int64_t delivered = 0;
  for (const auto& m : sent) {
    if (m.delivery != "delivered") continue;
    ++delivered;
    ack_ms.push_back(static_cast<double>(m.delivered_ms - m.sent_ms));
  }
  std::vector<double> commit_ms;
  for (const auto& m : received)
    commit_ms.push_back(static_cast<double>(m.received_ms - m.sent_ms));
  printf("live: %d senders, %lld messages of %lld bytes of text, paced at %.0f/s\n", o.senders,
         static_cast<long long>(sent.size()), static_cast<long long>(o.text_bytes), o.rate);
  printf("  sender commits: %.0f msg/s (%.2f s); send errors: %lld\n",
         static_cast<double>(sent.size()) / sends_s, sends_s,
         static_cast<long long>(send_errors.load()));
  printf("  durable on both sides and acknowledged: %lld in %.2f s = %.0f msg/s\n",
         static_cast<long long>(delivered), live_s, static_cast<double>(delivered) / live_s);
  printf("  received by Rome: %zu (distinct by id, committed once)\n", received.size());
  printf("  latency sender commit -> ack recorded, ms: p50 %.0f, p90 %.0f, p99 %.0f, max %.0f\n",
         Percentile(ack_ms, 0.5), Percentile(ack_ms, 0.9), Percentile(ack_ms, 0.99),
         Percentile(ack_ms, 1.0));
  printf("  latency sender commit -> receiver commit, ms: p50 %.0f, p99 %.0f\n",
         Percentile(commit_ms, 0.5), Percentile(commit_ms, 0.99));

  // Phase 2: backlog while Rome is offline.
  if (o.backlog > 0) {
    rome_service->StopListener();
    rome_service.reset();
    {
      std::vector<std::thread> threads;
      for (int s = 0; s < o.senders; ++s)
        threads.emplace_back(send_loop, s, o.backlog / o.senders, 0);
      for (auto& t : threads) t.join();
    }
    const int64_t queued = Pending(*lahore.messaging);
    rome_service = std::make_unique<exchange::PartnerService>(ro, *rome.partners, *rome.signer,
                                                              RealClock(), SystemRandom(), nullptr);
    rome_service->SetCaseBatchHandler(
        [&](const federation::OpenedEnvelope& e, int64_t) { return rome_delivery.HandleBatch(e); });
    if (!rome_service->Refresh().ok()) return 1;
    const auto back = std::chrono::steady_clock::now();
    if (!rome_service->StartListener("127.0.0.1", *port).ok()) {
      fprintf(stderr, "could not listen again on %d\n", *port);
      return 1;
    }
    delivery.Wake();
    while (Pending(*lahore.messaging) != 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    const double drain_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - back).count();
    printf(
        "backlog: %lld items queued while Rome was offline, delivered in %.2f s after it "
        "returned = %.0f msg/s (the first retry waits for the backoff, at most 200 ms here)\n",
        static_cast<long long>(queued), drain_s, static_cast<double>(queued) / drain_s);
    printf("  Rome holds %zu messages in all\n", Messages(*rome.store, "in").size());
  }
  delivery.Stop();
  if (rome_service) rome_service->StopListener();
  std::filesystem::remove_all(root);
  return 0;
}

}  // namespace
}  // namespace liaison

int main(int argc, char** argv) { return liaison::Main(argc, argv); }
