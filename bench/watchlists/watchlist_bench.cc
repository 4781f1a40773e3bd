// The cost of shared watchlists on one machine, without the network: the
// owner (Lahore) holds --persons alert persons within the agreement in a
// SQLite database (synchronous=FULL) and answers a partner's pulls
// (access::Watchlists::AnswerPull: the list recomputed from the records
// and compared with what was published, then one page); the subscriber
// (Rome, its own database) applies each page (ApplyPage: entries, position
// and audit entry in one transaction). Three phases:
//  1. first pull: the whole list, page after page (a snapshot);
//  2. a pull with nothing changed (what every periodic pull costs);
//  3. a pull after --changed records were updated (a delta).
//
//   build/bench/watchlists/watchlist_bench --persons 100000 --changed 1000
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "absl/strings/numbers.h"
#include "access/audit_trail.h"
#include "access/partners.h"
#include "access/watchlists.h"
#include "audit/checkpoint.h"
#include "common/clock.h"
#include "common/random.h"
#include "store/sqlite/sqlite_store.h"

namespace liaison {
namespace {

constexpr char kRome[] = "node_01J9ZQ5N8P4V9W3X7Y6Z1B2C3D";
constexpr char kLahore[] = "node_01J9ZQ4M7K3T8V2W6X5Y0A1B2C";
constexpr char kMessageId[] = "msg_01KDVDNA00Q3JZXA1R2YB3KX7M";

const char* const kGiven[] = {"Muhammad", "Ahmed", "Ali",    "Hassan", "Bilal",
                              "Imran",    "Tariq", "Kamran", "Asif",   "Nadeem"};
const char* const kFamily[] = {"Khan",   "Butt", "Chaudhry", "Qureshi", "Malik",
                               "Sheikh", "Awan", "Siddiqui", "Mirza",   "Rana"};

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

records::Record Person(int64_t i, int64_t version) {
  records::Record r;
  r.meta.id = "per_" + std::to_string(1'000'000'000 + i);
  r.meta.owner = kLahore;
  r.meta.alert = records::AlertKind::kWanted;
  r.meta.crime_area = records::CrimeArea::kNarcotics;
  r.meta.handling_code = records::HandlingCode::kH1;
  r.meta.version = version;
  records::Person p;
  p.name = std::string(kGiven[i % 10]) + " " + kGiven[(i / 10) % 10] + " " +
           kFamily[(i / 100) % 10] + " " + std::to_string(i) + (version > 1 ? " Jr" : "");
  p.father_name = std::string(kGiven[(i / 7) % 10]) + " " + kFamily[(i / 3) % 10];
  p.dob = {1950 + static_cast<int>(i % 50), 1 + static_cast<int>(i % 12),
           1 + static_cast<int>(i % 28)};
  p.gender = "M";
  p.nationalities = {"PK"};
  p.id_numbers = {{"cnic", std::to_string(3520200000000 + i), "PK"}};
  r.body = p;
  return r;
}

struct Side {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<access::AuditTrail> trail;
};

int Run(int64_t persons, int64_t changed) {
  const std::string root = std::filesystem::temp_directory_path() /
                           ("liaison_watchlist_bench_" + std::to_string(::getpid()));
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root);
  SystemClock clock;
  SecureRandom random;
  audit::SigningKey key = audit::SigningKey::Generate(random);
  auto open = [&](const std::string& name, const std::string& node) {
    Side s;
    s.store = *store::OpenSqliteStore(root + "/" + name + ".db", clock, {.create = true});
    s.trail = std::make_unique<access::AuditTrail>(node, key, std::string(32, 'k'),
                                                   audit::CheckpointPolicy{}, clock);
    return s;
  };
  Side lahore = open("lahore", kLahore);
  Side rome = open("rome", kRome);
  access::Partners partners(*lahore.store, *lahore.trail, random);
  store::PartnerRow p;
  p.node_id = kRome;
  p.agency = "Polizia di Stato";
  p.country = "IT";
  p.endpoint = "https://127.0.0.1:9444";
  p.tls_fingerprint = std::string(64, 'a');
  p.signing_public_key = std::string(64, 'b');
  p.bundle_json = "{}";
  access::Actor admin = access::Actor::LocalAdministrator();
  if (!partners.Register(admin, p).ok()) return 1;
  access::Agreement agreement;
  agreement.crime_areas = {records::CrimeArea::kNarcotics};
  agreement.max_handling_code = records::HandlingCode::kH2;
  if (!partners.SetAgreement(admin, kRome, agreement).ok()) return 1;
  auto load = lahore.store->Write([&](store::Transaction& tx) -> absl::Status {
    for (int64_t i = 0; i < persons; ++i) {
      if (absl::Status s = tx.InsertRecord(Person(i, 1)); !s.ok()) return s;
    }
    return absl::OkStatus();
  });
  if (!load.ok()) return 1;
  access::Watchlists owner(*lahore.store, *lahore.trail, random);
  access::Watchlists subscriber(*rome.store, *rome.trail, random);

  auto pull_all = [&](const char* phase) {
    int64_t pages = 0;
    int64_t entries = 0;
    double answer_s = 0;
    double apply_s = 0;
    double first_page_s = 0;
    while (true) {
      federation::WatchlistPull pull = *subscriber.NextPull(kLahore);
      pull.continuation = pages > 0;
      auto t0 = std::chrono::steady_clock::now();
      absl::StatusOr<federation::WatchlistPage> page = owner.AnswerPull(kRome, kMessageId, pull);
      if (!page.ok()) {
        std::fprintf(stderr, "answer: %s\n", page.status().ToString().c_str());
        return;
      }
      const double answered = Seconds(t0);
      answer_s += answered;
      if (pages == 0) first_page_s = answered;
      auto t1 = std::chrono::steady_clock::now();
      if (absl::Status s = subscriber.ApplyPage(kLahore, pull, *page); !s.ok()) {
        std::fprintf(stderr, "apply: %s\n", s.ToString().c_str());
        return;
      }
      apply_s += Seconds(t1);
      ++pages;
      entries += static_cast<int64_t>(page->upserts.size() + page->removals.size());
      if (page->complete) break;
    }
    std::printf(
        "%-16s pages %5lld  entries %8lld  owner answering %7.3f s (first page %.3f s)  "
        "subscriber applying %7.3f s\n",
        phase, static_cast<long long>(pages), static_cast<long long>(entries), answer_s,
        first_page_s, apply_s);
  };
  std::printf("%lld alert persons within the agreement, SQLite synchronous=FULL\n",
              static_cast<long long>(persons));
  pull_all("first pull");
  pull_all("nothing changed");
  auto update = lahore.store->Write([&](store::Transaction& tx) -> absl::Status {
    for (int64_t i = 0; i < changed; ++i) {
      if (absl::Status s = tx.UpdateRecord(Person(i * (persons / changed), 2), 1); !s.ok()) {
        return s;
      }
    }
    return absl::OkStatus();
  });
  if (!update.ok()) return 1;
  pull_all("after changes");
  std::filesystem::remove_all(root);
  return 0;
}

}  // namespace
}  // namespace liaison

int main(int argc, char** argv) {
  int64_t persons = 100'000;
  int64_t changed = 1000;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    int64_t v = 0;
    if (!absl::SimpleAtoi(argv[i + 1], &v) || v < 1) {
      std::fprintf(stderr, "%s: expected a positive integer\n", argv[i]);
      return 2;
    }
    if (flag == "--persons") {
      persons = v;
    } else if (flag == "--changed") {
      changed = v;
    } else {
      std::fprintf(stderr, "unknown flag %s (--persons N --changed N)\n", argv[i]);
      return 2;
    }
  }
  if (changed > persons) changed = persons;
  return liaison::Run(persons, changed);
}
