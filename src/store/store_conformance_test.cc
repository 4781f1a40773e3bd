// The store conformance suite: every behaviour store.h promises, checked
// against each backend — SQLite on a real file, and PostgreSQL on the real
// server the test setup starts (tests/postgres). A backend passes when it
// passes all of these; behaviour only one backend has is tested beside it.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "absl/strings/match.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "store/migrations.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"
#include "tests/postgres/test_postgres.h"

namespace liaison::store {
namespace {

using records::AlertKind;
using records::CrimeArea;
using records::Person;
using records::Record;
using records::RecordType;

// One database of one backend: opened as often as a test likes (each Open is
// one more "process" on the same data), and reachable with raw SQL to play
// an outside hand (corruption, a newer liaison).
class Backend {
 public:
  virtual ~Backend() = default;
  virtual absl::StatusOr<std::unique_ptr<Store>> Open(Clock& clock) = 0;
  virtual absl::Status Exec(const std::string& sql) = 0;
};

class SqliteBackend final : public Backend {
 public:
  SqliteBackend() {
    dir_ = std::filesystem::temp_directory_path() /
           StrCat("liaison_conformance_", ::getpid(), "_",
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "node.db").string();
  }
  ~SqliteBackend() override { std::filesystem::remove_all(dir_); }

  absl::StatusOr<std::unique_ptr<Store>> Open(Clock& clock) override {
    return OpenSqliteStore(path_, clock, {.create = true});
  }
  absl::Status Exec(const std::string& sql) override {
    sqlite3* db = nullptr;
    int rc = sqlite3_open(path_.c_str(), &db);
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    sqlite3_close(db);
    return rc == SQLITE_OK ? absl::OkStatus() : absl::InternalError(sqlite3_errstr(rc));
  }

 private:
  std::filesystem::path dir_;
  std::string path_;
};

class PostgresBackend final : public Backend {
 public:
  explicit PostgresBackend(std::string conninfo) : conninfo_(std::move(conninfo)) {}

  absl::StatusOr<std::unique_ptr<Store>> Open(Clock& clock) override {
    return OpenPostgresStore(conninfo_, clock);
  }
  absl::Status Exec(const std::string& sql) override {
    PGconn* conn = PQconnectdb(conninfo_.c_str());
    PGresult* r = PQexec(conn, sql.c_str());
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    std::string why = PQresultErrorMessage(r);
    PQclear(r);
    PQfinish(conn);
    return ok ? absl::OkStatus() : absl::InternalError(why);
  }

 private:
  std::string conninfo_;
};

class StoreConformanceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      backend_ = std::make_unique<SqliteBackend>();
    } else {
      absl::StatusOr<std::string> conninfo = liaison::testing::FreshPostgresSchema(
          ::testing::UnitTest::GetInstance()->current_test_info()->name());
      ASSERT_TRUE(conninfo.ok()) << conninfo.status();
      backend_ = std::make_unique<PostgresBackend>(*conninfo);
    }
    auto s = backend_->Open(clock_);
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
  }
  void TearDown() override {
    store_.reset();
    backend_.reset();
  }

  static Record MakePerson(std::string id, std::string name, CrimeArea area = CrimeArea::kNarcotics,
                           AlertKind alert = AlertKind::kNone) {
    Record r;
    r.meta.id = std::move(id);
    r.meta.owner = "node_lhr";
    r.meta.crime_area = area;
    r.meta.alert = alert;
    r.meta.version = 1;
    r.meta.review_date = "2030-01-01";
    r.body = Person{.name = std::move(name), .dob = {1985, 3, 0}, .nationalities = {"PK"}};
    return r;
  }

  absl::Status Insert(const Record& r) {
    return store_->Write([&](Transaction& tx) { return tx.InsertRecord(r); });
  }

  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  std::unique_ptr<Backend> backend_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreConformanceTest, NewDatabaseIsAtLatestSchemaVersion) {
  EXPECT_EQ(*store_->SchemaVersion(), LatestSchemaVersion());
  store_.reset();
  auto again = backend_->Open(clock_);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*(*again)->SchemaVersion(), LatestSchemaVersion());
}

TEST_P(StoreConformanceTest, DatabaseFromNewerLiaisonIsRefused) {
  ASSERT_TRUE(store_->Write([](Transaction&) { return absl::OkStatus(); }).ok());
  store_.reset();
  ASSERT_TRUE(backend_
                  ->Exec("INSERT INTO schema_migrations (version, description, applied_ms) "
                         "VALUES (999, 'future', 0)")
                  .ok());
  auto s = backend_->Open(clock_);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_P(StoreConformanceTest, InsertedRecordReadsBackEqual) {
  Record r = MakePerson("per_1", "محمد آصف");
  ASSERT_TRUE(Insert(r).ok());
  absl::StatusOr<Record> got;
  ASSERT_TRUE(store_
                  ->Read([&](Reader& rd) {
                    got = rd.GetRecord("per_1");
                    return got.status();
                  })
                  .ok());
  EXPECT_EQ(*got, r);
}

TEST_P(StoreConformanceTest, DuplicateIdIsAlreadyExists) {
  ASSERT_TRUE(Insert(MakePerson("per_1", "A")).ok());
  EXPECT_EQ(Insert(MakePerson("per_1", "B")).code(), absl::StatusCode::kAlreadyExists);
}

TEST_P(StoreConformanceTest, FailedWriteLeavesNothingBehind) {
  absl::Status s = store_->Write([&](Transaction& tx) {
    EXPECT_TRUE(tx.InsertRecord(MakePerson("per_1", "A")).ok());
    EXPECT_TRUE(tx.InsertRecord(MakePerson("per_2", "B")).ok());
    return absl::InvalidArgumentError("row 3 is bad");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(store_
                  ->Read([](Reader& rd) {
                    EXPECT_EQ(*rd.CountRecords(std::nullopt), 0);
                    return absl::OkStatus();
                  })
                  .ok());
}

TEST_P(StoreConformanceTest, UpdateWithStaleVersionIsAborted) {
  Record r = MakePerson("per_1", "A");
  ASSERT_TRUE(Insert(r).ok());
  r.meta.version = 2;
  std::get<Person>(r.body).name = "B";
  ASSERT_TRUE(store_->Write([&](Transaction& tx) { return tx.UpdateRecord(r, 1); }).ok());
  r.meta.version = 3;
  absl::Status stale = store_->Write([&](Transaction& tx) { return tx.UpdateRecord(r, 1); });
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted) << stale;
  Record missing = MakePerson("per_9", "C");
  EXPECT_EQ(store_->Write([&](Transaction& tx) { return tx.UpdateRecord(missing, 1); }).code(),
            absl::StatusCode::kNotFound);
}

TEST_P(StoreConformanceTest, ListFiltersAndPagesThroughEverything) {
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) {
                    for (int i = 0; i < 25; ++i) {
                      char id[16];
                      snprintf(id, sizeof id, "per_%03d", i);
                      auto area = i % 2 == 0 ? CrimeArea::kNarcotics : CrimeArea::kTerrorism;
                      auto alert = i % 5 == 0 ? AlertKind::kWanted : AlertKind::kNone;
                      absl::Status s = tx.InsertRecord(MakePerson(id, "P", area, alert));
                      if (!s.ok()) return s;
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  RecordFilter f{.crime_area = CrimeArea::kNarcotics, .limit = 5};
  int seen = 0;
  std::string last;
  for (int page_no = 0; page_no < 10; ++page_no) {
    absl::StatusOr<RecordPage> page;
    ASSERT_TRUE(store_
                    ->Read([&](Reader& rd) {
                      page = rd.ListRecords(f);
                      return page.status();
                    })
                    .ok());
    for (const Record& r : page->records) {
      EXPECT_EQ(r.meta.crime_area, CrimeArea::kNarcotics);
      EXPECT_GT(r.meta.id, last);
      last = r.meta.id;
      ++seen;
    }
    if (page->next_cursor.empty()) break;
    f.after_id = page->next_cursor;
  }
  EXPECT_EQ(seen, 13);
  RecordFilter wanted{.alert = AlertKind::kWanted, .limit = 100};
  ASSERT_TRUE(store_
                  ->Read([&](Reader& rd) {
                    auto page = rd.ListRecords(wanted);
                    EXPECT_EQ(page->records.size(), 5u);
                    EXPECT_TRUE(page->next_cursor.empty());
                    return page.status();
                  })
                  .ok());
}

TEST_P(StoreConformanceTest, EraseLeavesTombstoneAndDropsLinks) {
  ASSERT_TRUE(Insert(MakePerson("per_1", "A")).ok());
  ASSERT_TRUE(Insert(MakePerson("per_2", "B")).ok());
  ASSERT_TRUE(store_
                  ->Write([](Transaction& tx) {
                    return tx.AddLink({"per_1", "per_2", "related_to", "", 1});
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Write([](Transaction& tx) {
                    return tx.EraseRecord("per_1", {"per_1", RecordType::kPerson, "node_lhr",
                                                    "src-1", 42, "retention"});
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Read([](Reader& rd) {
                    EXPECT_EQ(rd.GetRecord("per_1").status().code(), absl::StatusCode::kNotFound);
                    auto t = rd.GetTombstone("per_1");
                    EXPECT_TRUE(t.ok() && t->has_value());
                    EXPECT_EQ((*t)->reason, "retention");
                    EXPECT_TRUE(rd.LinksOf("per_2")->empty());
                    return absl::OkStatus();
                  })
                  .ok());
}

TEST_P(StoreConformanceTest, AuditRowsMustBeContiguous) {
  AuditRow row{.seq = 1,
               .time_ms = 5,
               .actor = "admin",
               .action = "view",
               .outcome = "ok",
               .entry_json = "{}",
               .hash = "h1",
               .object_ids = {"per_1"}};
  ASSERT_TRUE(store_->Write([&](Transaction& tx) { return tx.AppendAudit(row); }).ok());
  row.seq = 3;
  EXPECT_EQ(store_->Write([&](Transaction& tx) { return tx.AppendAudit(row); }).code(),
            absl::StatusCode::kFailedPrecondition);
  row.seq = 2;
  row.object_ids = {"per_2"};
  ASSERT_TRUE(store_->Write([&](Transaction& tx) { return tx.AppendAudit(row); }).ok());
  ASSERT_TRUE(store_
                  ->Read([](Reader& rd) {
                    auto rows = rd.AuditForObject("per_1");
                    EXPECT_EQ(rows->size(), 1u);
                    EXPECT_EQ((*rd.AuditHead())->seq, 2);
                    int n = 0;
                    EXPECT_TRUE(rd.ScanAudit(1, 0, [&](const AuditRow&) {
                                    ++n;
                                    return absl::OkStatus();
                                  }).ok());
                    EXPECT_EQ(n, 2);
                    return absl::OkStatus();
                  })
                  .ok());
}

TEST_P(StoreConformanceTest, ReaderSeesASnapshotWhileAWriteIsOpen) {
  ASSERT_TRUE(Insert(MakePerson("per_1", "A")).ok());
  // A second store on the same database plays another process writing.
  auto other = backend_->Open(clock_);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(store_
                  ->Read([&](Reader& rd) {
                    EXPECT_EQ(*rd.CountRecords(RecordType::kPerson), 1);
                    EXPECT_TRUE((*other)
                                    ->Write([](Transaction& tx) {
                                      return tx.InsertRecord(MakePerson("per_2", "B"));
                                    })
                                    .ok());
                    EXPECT_EQ(*rd.CountRecords(RecordType::kPerson), 1);
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Read([](Reader& rd) {
                    EXPECT_EQ(*rd.CountRecords(RecordType::kPerson), 2);
                    return absl::OkStatus();
                  })
                  .ok());
}

TEST_P(StoreConformanceTest, SettingsUpsert) {
  ASSERT_TRUE(store_->Write([](Transaction& tx) { return tx.PutSetting("k", "v1"); }).ok());
  ASSERT_TRUE(store_->Write([](Transaction& tx) { return tx.PutSetting("k", "v2"); }).ok());
  ASSERT_TRUE(store_
                  ->Read([](Reader& rd) {
                    EXPECT_EQ(**rd.GetSetting("k"), "v2");
                    EXPECT_FALSE(rd.GetSetting("absent")->has_value());
                    return absl::OkStatus();
                  })
                  .ok());
}

TEST_P(StoreConformanceTest, CorruptBodyIsReportedAsDataLossNotACrash) {
  ASSERT_TRUE(Insert(MakePerson("per_1", "A")).ok());
  ASSERT_TRUE(backend_->Exec("UPDATE records SET body = '{\"name\": [' WHERE id = 'per_1'").ok());
  absl::Status s = store_->Read([](Reader& rd) { return rd.GetRecord("per_1").status(); });
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "per_1"));
}

TEST_P(StoreConformanceTest, UsersSessionsAndTokensRoundTrip) {
  UserRow u{.id = "usr_1",
            .username = "asif",
            .display_name = "Asif",
            .role = "analyst",
            .max_handling_code = "H1",
            .password_hash = "$argon2id$...",
            .created_ms = 1};
  ASSERT_TRUE(store_->Write([&](Transaction& tx) { return tx.PutUser(u); }).ok());
  UserRow clash = u;
  clash.id = "usr_2";
  EXPECT_EQ(store_->Write([&](Transaction& tx) { return tx.PutUser(clash); }).code(),
            absl::StatusCode::kAlreadyExists);
  u.failed_sign_ins = 3;
  ASSERT_TRUE(store_->Write([&](Transaction& tx) { return tx.PutUser(u); }).ok());
  SessionRow s{"hash1", "usr_1", 1, 1, 100, false};
  ApiTokenRow t{"tok1", "hash2", "usr_1", "nightly import", 1, false};
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) {
                    absl::Status st = tx.PutSession(s);
                    if (st.ok()) st = tx.PutApiToken(t);
                    return st;
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Read([](Reader& rd) {
                    auto user = rd.FindUserByName("asif");
                    EXPECT_EQ((*user)->failed_sign_ins, 3);
                    EXPECT_EQ(rd.ListUsers()->size(), 1u);
                    EXPECT_EQ((*rd.GetSession("hash1"))->user_id, "usr_1");
                    EXPECT_EQ((*rd.GetApiToken("tok1"))->label, "nightly import");
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_TRUE(store_->Write([](Transaction& tx) { return tx.PurgeSessions(1000); }).ok());
  ASSERT_TRUE(store_
                  ->Read([](Reader& rd) {
                    EXPECT_FALSE(rd.GetSession("hash1")->has_value());
                    return absl::OkStatus();
                  })
                  .ok());
}

TEST_P(StoreConformanceTest, ScanVisitsEveryRecordInOrderAndMayReadMeanwhile) {
  // More than one scan batch (2000), so the batch boundary is crossed.
  constexpr int kCount = 4500;
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) {
                    for (int i = 0; i < kCount; ++i) {
                      char id[16];
                      snprintf(id, sizeof id, "per_%05d", i);
                      absl::Status s = tx.InsertRecord(MakePerson(id, StrCat("P ", i)));
                      if (!s.ok()) return s;
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  int seen = 0;
  std::string last;
  absl::Status s = store_->Read([&](Reader& rd) {
    return rd.ScanRecords(RecordType::kPerson, [&](Record&& r) -> absl::Status {
      EXPECT_GT(r.meta.id, last);
      last = r.meta.id;
      ++seen;
      if (seen % 1000 == 0) {
        absl::StatusOr<Record> again = rd.GetRecord(r.meta.id);
        if (!again.ok()) return again.status();
        EXPECT_EQ(*again, r);
      }
      return absl::OkStatus();
    });
  });
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(seen, kCount);
  absl::Status stop = store_->Read([&](Reader& rd) {
    return rd.ScanRecords(RecordType::kPerson,
                          [](Record&&) { return absl::CancelledError("enough"); });
  });
  EXPECT_EQ(stop.code(), absl::StatusCode::kCancelled);
}

TEST_P(StoreConformanceTest, ChangeFeedRecordsEveryWriteInOrder) {
  Record r = MakePerson("per_1", "A");
  ASSERT_TRUE(Insert(r).ok());
  r.meta.version = 2;
  ASSERT_TRUE(store_->Write([&](Transaction& tx) { return tx.UpdateRecord(r, 1); }).ok());
  ASSERT_TRUE(Insert(MakePerson("per_2", "B")).ok());
  ASSERT_TRUE(store_
                  ->Write([](Transaction& tx) {
                    return tx.EraseRecord(
                        "per_1", {"per_1", RecordType::kPerson, "node_lhr", "s1", 9, "deleted"});
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Read([](Reader& rd) {
                    auto changes = rd.RecordChangesAfter(0, 100);
                    EXPECT_TRUE(changes.ok()) << changes.status();
                    EXPECT_EQ(changes->size(), 4u);
                    std::vector<std::string> ids;
                    for (size_t i = 0; i < changes->size(); ++i) {
                      EXPECT_EQ((*changes)[i].seq, static_cast<int64_t>(i + 1));
                      ids.push_back((*changes)[i].record_id);
                    }
                    EXPECT_EQ(ids, (std::vector<std::string>{"per_1", "per_1", "per_2", "per_1"}));
                    EXPECT_TRUE(changes->back().erased);
                    EXPECT_FALSE(changes->front().erased);
                    EXPECT_EQ(*rd.LastRecordChange(), 4);
                    EXPECT_EQ(rd.RecordChangesAfter(2, 1)->front().seq, 3);
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_TRUE(store_->Write([](Transaction& tx) { return tx.PruneRecordChanges(100); }).ok());
  ASSERT_TRUE(store_
                  ->Read([](Reader& rd) {
                    auto changes = rd.RecordChangesAfter(0, 100);
                    EXPECT_EQ(changes->size(), 1u);  // the newest stays
                    EXPECT_EQ(*rd.LastRecordChange(), 4);
                    return absl::OkStatus();
                  })
                  .ok());
}

TEST_P(StoreConformanceTest, WritersFromTwoHandlesKeepOneAuditChain) {
  // Two store handles play two node processes; each appends entries that
  // follow the head it reads inside its own write transaction.
  auto other = backend_->Open(clock_);
  ASSERT_TRUE(other.ok()) << other.status();
  constexpr int kPerThread = 40;
  std::atomic<int> failures{0};
  auto append = [&](Store& store, std::string actor) {
    for (int i = 0; i < kPerThread; ++i) {
      absl::Status s = store.Write([&](Transaction& tx) -> absl::Status {
        auto head = tx.AuditHead();
        if (!head.ok()) return head.status();
        int64_t seq = head->has_value() ? (*head)->seq + 1 : 1;
        return tx.AppendAudit({.seq = seq,
                               .time_ms = seq,
                               .actor = actor,
                               .action = "view",
                               .outcome = "ok",
                               .entry_json = "{}",
                               .hash = StrCat("h", seq),
                               .object_ids = {"per_1"}});
      });
      if (!s.ok()) {
        ++failures;
        ADD_FAILURE() << s;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back(append, std::ref(*store_), StrCat("a", t));
    threads.emplace_back(append, std::ref(**other), StrCat("b", t));
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_TRUE(store_
                  ->Read([&](Reader& rd) {
                    int64_t expected = 1;
                    EXPECT_TRUE(rd.ScanAudit(1, 0, [&](const AuditRow& row) {
                                    EXPECT_EQ(row.seq, expected);
                                    ++expected;
                                    return absl::OkStatus();
                                  }).ok());
                    EXPECT_EQ(expected - 1, 4 * kPerThread);
                    EXPECT_EQ(rd.AuditForObject("per_1")->size(), 4u * kPerThread);
                    return absl::OkStatus();
                  })
                  .ok());
}

TEST_P(StoreConformanceTest, CountsByCrimeAreaAndAuditMonth) {
  ASSERT_TRUE(Insert(MakePerson("per_1", "A", CrimeArea::kNarcotics)).ok());
  ASSERT_TRUE(Insert(MakePerson("per_2", "B", CrimeArea::kNarcotics)).ok());
  ASSERT_TRUE(Insert(MakePerson("per_3", "C", CrimeArea::kTerrorism)).ok());
  // 2026-11-01T00:00:00Z and a day later; one in December.
  const int64_t nov = 1'793'491'200'000;
  const int64_t dec = nov + 31LL * 86'400'000;
  int64_t seq = 0;
  for (int64_t t : {nov, nov + 86'400'000, dec}) {
    ++seq;
    ASSERT_TRUE(store_
                    ->Write([&](Transaction& tx) {
                      return tx.AppendAudit({.seq = seq,
                                             .time_ms = t,
                                             .actor = "admin",
                                             .action = "search",
                                             .outcome = "ok",
                                             .entry_json = "{}",
                                             .hash = "h"});
                    })
                    .ok());
  }
  ASSERT_TRUE(store_
                  ->Read([&](Reader& rd) {
                    auto areas = rd.CountRecordsByCrimeArea();
                    EXPECT_EQ(areas->size(), 2u);
                    EXPECT_EQ((*areas)[0].key, "narcotics");
                    EXPECT_EQ((*areas)[0].count, 2);
                    EXPECT_EQ((*areas)[1].count, 1);
                    auto months = rd.CountAuditByMonth(nov, dec);
                    EXPECT_EQ(months->size(), 2u);
                    EXPECT_EQ((*months)[0].key, "2026-11|search|ok");
                    EXPECT_EQ((*months)[0].count, 2);
                    EXPECT_EQ((*months)[1].key, "2026-12|search|ok");
                    EXPECT_EQ(*rd.CountRecords(RecordType::kPerson), 3);
                    EXPECT_EQ(*rd.CountRecords(std::nullopt), 3);
                    return absl::OkStatus();
                  })
                  .ok());
}

TEST_P(StoreConformanceTest, PartnersAgreementsQuotasAnswersAndReferencesRoundTrip) {
  PartnerRow p{.node_id = "node_rome",
               .agency = "Polizia di Stato",
               .country = "IT",
               .endpoint = "https://127.0.0.1:9443",
               .tls_fingerprint = "ab",
               .signing_public_key = "cd",
               .bundle_json = "{}",
               .status = "active",
               .added_ms = 1,
               .updated_ms = 1};
  AgreementRow a{.partner = "node_rome",
                 .version = 1,
                 .crime_areas = "narcotics",
                 .record_types = "person",
                 .max_handling_code = "H1",
                 .daily_quota = 100,
                 .changed_by = "admin",
                 .changed_ms = 2};
  ASSERT_TRUE(
      store_
          ->Write([&](Transaction& tx) -> absl::Status {
            RETURN_IF_ERROR(tx.PutPartner(p));
            RETURN_IF_ERROR(tx.AddAgreement(a));
            a.version = 2;
            a.crime_areas = "narcotics,terrorism";
            RETURN_IF_ERROR(tx.AddAgreement(a));
            RETURN_IF_ERROR(tx.PutPartnerAnswer("node_rome", "q1", "{\"hit\":true}", 3));
            return tx.PutPartnerReference({"ref_1", "node_rome", "per_1", "q1", "strong", 3, 1000});
          })
          .ok());
  EXPECT_EQ(store_->Write([&](Transaction& tx) { return tx.AddAgreement(a); }).code(),
            absl::StatusCode::kAlreadyExists);
  for (int i = 1; i <= 3; ++i) {
    absl::StatusOr<int64_t> n;
    ASSERT_TRUE(store_
                    ->Write([&](Transaction& tx) {
                      n = tx.IncrementPartnerQueryCount("node_rome", "2026-11-29");
                      return n.status();
                    })
                    .ok());
    EXPECT_EQ(*n, i);
  }
  p.status = "removed";
  ASSERT_TRUE(store_->Write([&](Transaction& tx) { return tx.PutPartner(p); }).ok());
  ASSERT_TRUE(store_
                  ->Read([](Reader& rd) {
                    EXPECT_EQ((*rd.GetPartner("node_rome"))->status, "removed");
                    EXPECT_EQ(rd.ListPartners()->size(), 1u);
                    EXPECT_EQ((*rd.GetAgreement("node_rome"))->version, 2);
                    EXPECT_EQ((*rd.GetAgreement("node_rome"))->crime_areas, "narcotics,terrorism");
                    EXPECT_EQ(rd.AgreementHistory("node_rome")->size(), 2u);
                    EXPECT_EQ(*rd.PartnerQueryCount("node_rome", "2026-11-29"), 3);
                    EXPECT_EQ(*rd.PartnerQueryCount("node_rome", "2026-11-30"), 0);
                    EXPECT_EQ(**rd.GetPartnerAnswer("node_rome", "q1"), "{\"hit\":true}");
                    EXPECT_FALSE(rd.GetPartnerAnswer("node_rome", "q2")->has_value());
                    EXPECT_EQ((*rd.GetPartnerReference("ref_1"))->record_id, "per_1");
                    return absl::OkStatus();
                  })
                  .ok());
}

TEST_P(StoreConformanceTest, WatchlistsPublishedSharedAndHitsRoundTrip) {
  ASSERT_TRUE(
      store_
          ->Write([&](Transaction& tx) -> absl::Status {
            RETURN_IF_ERROR(tx.PutPublishedList({"node_rome", 2, 1, 10}));
            RETURN_IF_ERROR(tx.PutPublishedEntry({"node_rome", "wle_b", "per_1", "{}", 1, false}));
            RETURN_IF_ERROR(tx.PutPublishedEntry({"node_rome", "wle_a", "per_2", "", 2, true}));
            RETURN_IF_ERROR(tx.PutPublishedEntry({"node_rome", "wle_c", "per_3", "{}", 2, false}));
            RETURN_IF_ERROR(tx.PutSharedList({"node_lahore", 3, 3, "wle_z", 2, 90, 100, 100, ""}));
            RETURN_IF_ERROR(tx.PutSharedEntry(
                {"node_lahore", "wle_y", 3, "narcotics", "H1", "{\"names\":[]}", 100, 900}));
            RETURN_IF_ERROR(
                tx.PutSharedEntry({"node_lahore", "wle_x", 2, "terrorism", "H0", "{}", 100, 900}));
            return tx.InsertWatchlistHit({"wlh_1", "node_rome", "wle_b", "per_1", 2, "search",
                                          "Operation Indus", "strong", 910, 50, 60});
          })
          .ok());
  // The same record under another reference for the same partner is refused.
  EXPECT_EQ(store_
                ->Write([&](Transaction& tx) {
                  return tx.PutPublishedEntry({"node_rome", "wle_d", "per_1", "{}", 3, false});
                })
                .code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_
                ->Write([&](Transaction& tx) {
                  return tx.InsertWatchlistHit({"wlh_1", "node_rome", "wle_b", "per_1", 2, "search",
                                                "again", "strong", 910, 50, 61});
                })
                .code(),
            absl::StatusCode::kAlreadyExists);
  int64_t feed_before = 0;
  ASSERT_TRUE(store_
                  ->Read([&](Reader& rd) -> absl::Status {
                    ASSIGN_OR_RETURN(feed_before, rd.LastRecordChange());
                    return absl::OkStatus();
                  })
                  .ok());
  absl::StatusOr<bool> deleted;
  absl::StatusOr<bool> deleted_again;
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) -> absl::Status {
                    deleted = tx.DeleteSharedEntry("node_lahore", "wle_x");
                    deleted_again = tx.DeleteSharedEntry("node_lahore", "wle_x");
                    return deleted.status();
                  })
                  .ok());
  EXPECT_TRUE(*deleted);
  EXPECT_FALSE(*deleted_again);
  ASSERT_TRUE(
      store_
          ->Read([&](Reader& rd) {
            EXPECT_EQ((*rd.GetPublishedList("node_rome"))->version, 2);
            EXPECT_FALSE(rd.GetPublishedList("node_paris")->has_value());
            EXPECT_EQ(rd.PublishedEntries("node_rome")->size(), 3u);
            // Changes after (1, "wle_b"), in (version, reference) order.
            auto after = rd.PublishedEntriesAfter("node_rome", 1, "wle_b", 10);
            EXPECT_EQ(after->size(), 2u);
            EXPECT_EQ((*after)[0].reference, "wle_a");
            EXPECT_TRUE((*after)[0].removed);
            EXPECT_EQ((*after)[1].reference, "wle_c");
            EXPECT_EQ(rd.PublishedEntriesAfter("node_rome", 0, "", 1)->front().reference, "wle_b");
            EXPECT_EQ((*rd.GetPublishedEntry("node_rome", "wle_b"))->record_id, "per_1");
            EXPECT_EQ((*rd.GetSharedList("node_lahore"))->cursor_reference, "wle_z");
            EXPECT_EQ(rd.ListSharedLists()->size(), 1u);
            EXPECT_EQ((*rd.GetSharedEntry("node_lahore", "wle_y"))->entry_json, "{\"names\":[]}");
            EXPECT_FALSE(rd.GetSharedEntry("node_lahore", "wle_x")->has_value());
            std::vector<std::string> refs;
            EXPECT_TRUE(rd.ScanSharedEntries("", [&](SharedEntryRow&& e) {
                            refs.push_back(e.reference);
                            return absl::OkStatus();
                          }).ok());
            EXPECT_EQ(refs, std::vector<std::string>{"wle_y"});
            auto hits = rd.ListWatchlistHits(10);
            EXPECT_EQ(hits->size(), 1u);
            EXPECT_EQ(hits->front().purpose, "Operation Indus");
            // Every shared entry change is on the record change feed under its
            // partner ref, so screening indexes follow it.
            auto feed = rd.RecordChangesAfter(feed_before, 10);
            EXPECT_EQ(feed->size(), 1u);
            EXPECT_EQ(feed->front().record_id, "partner:node_lahore:wle_x");
            EXPECT_TRUE(feed->front().erased);
            return absl::OkStatus();
          })
          .ok());
}

TEST_P(StoreConformanceTest, CasesMessagesOutboxAndBinaryAttachmentsRoundTrip) {
  CaseRow c{.id = "cas_1",
            .partner = "node_rome",
            .origin = "local",
            .title = "Operazione Indo",
            .crime_area = "narcotics",
            .handling_code = "H2",
            .our_ref = "LHR-1",
            .their_ref = "",
            .status = "open",
            .opened_by_id = "usr_1",
            .opened_by_name = "Rana Tariq",
            .created_ms = 1,
            .updated_ms = 1};
  CaseMessageRow m{.id = "cmsg_1", .case_id = "cas_1", .direction = "out", .thread_seq = 1};
  m.author_id = "usr_1";
  m.priority = "urgent";
  m.handling_code = "H2";
  m.text = "محمد آصف — see the attached photo";
  m.delivery = "pending";
  // Every byte value, NUL and invalid UTF-8 included: attachments are bytes.
  std::string bytes;
  for (int i = 0; i < 512; ++i) bytes.push_back(static_cast<char>(i % 256));
  int64_t first_seq = 0;
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) -> absl::Status {
                    RETURN_IF_ERROR(tx.PutCase(c));
                    ASSIGN_OR_RETURN(int64_t local, tx.InsertCaseMessage(m));
                    EXPECT_GT(local, 0);
                    ASSIGN_OR_RETURN(first_seq, tx.EnqueueOutbox({.partner = "node_rome",
                                                                  .item_id = "itm_1",
                                                                  .kind = "case_message",
                                                                  .case_id = "cas_1",
                                                                  .body = "{}",
                                                                  .created_ms = 2}));
                    ASSIGN_OR_RETURN(int64_t second, tx.EnqueueOutbox({.partner = "node_rome",
                                                                       .item_id = "itm_2",
                                                                       .kind = "attachment_part",
                                                                       .case_id = "cas_1",
                                                                       .body = "{}",
                                                                       .created_ms = 2}));
                    EXPECT_GT(second, first_seq);
                    RETURN_IF_ERROR(tx.PutAttachment({.message_id = "cmsg_1",
                                                      .idx = 0,
                                                      .name = "photo.jpg",
                                                      .media_type = "image/jpeg",
                                                      .size = static_cast<int64_t>(bytes.size()),
                                                      .sha256 = "00",
                                                      .state = "complete",
                                                      .content = bytes}));
                    RETURN_IF_ERROR(tx.PutAttachmentPart("cmsg_1", 0, 0, bytes));
                    return tx.InsertReceivedItem("itm_rome_1", "node_rome", "case_message", 3);
                  })
                  .ok());
  // A received item is committed once.
  EXPECT_EQ(store_
                ->Write([&](Transaction& tx) {
                  return tx.InsertReceivedItem("itm_rome_1", "node_rome", "case_message", 4);
                })
                .code(),
            absl::StatusCode::kAlreadyExists);
  ASSERT_TRUE(store_->Write([&](Transaction& tx) { return tx.DeleteOutbox(first_seq); }).ok());
  EXPECT_EQ(store_->Write([&](Transaction& tx) { return tx.DeleteOutbox(first_seq); }).code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(store_
                  ->Read([&](Reader& rd) {
                    EXPECT_EQ((*rd.GetCase("cas_1"))->title, "Operazione Indo");
                    EXPECT_EQ((*rd.GetCaseMessage("cmsg_1"))->text, m.text);
                    EXPECT_EQ(*rd.LastThreadSeq("cas_1"), 1);
                    const auto pending = rd.PendingOutbox("node_rome", 0, 10);
                    EXPECT_EQ(pending->size(), 1u);
                    EXPECT_EQ(pending->front().item_id, "itm_2");
                    EXPECT_TRUE(*rd.HasReceivedItem("itm_rome_1"));
                    EXPECT_FALSE(*rd.HasReceivedItem("itm_rome_2"));
                    EXPECT_EQ((*rd.GetAttachment("cmsg_1", 0))->content, bytes);
                    EXPECT_EQ(*rd.AttachmentParts("cmsg_1", 0), std::vector<std::string>{bytes});
                    return absl::OkStatus();
                  })
                  .ok());
}

TEST_P(StoreConformanceTest, FollowupsAndReceivedDataRoundTripAndComeDueForErasure) {
  FollowupRow out{.id = "fup_1", .direction = "out", .partner = "node_rome", .reference = "ref_1"};
  out.purpose = "Operazione Indo — identità del corriere";
  out.legal_basis = "Art. 4";
  out.urgency = "urgent";
  out.note = "line one\nline two";
  out.requested_by_id = "usr_1";
  out.requested_by_name = "Rana Tariq";
  out.requested_ms = 10;
  out.deadline_ms = 20;
  out.state = "sent";
  out.released_fields = "[]";
  out.created_ms = 10;
  out.updated_ms = 10;
  FollowupRow in = out;
  in.id = "fup_2";
  in.direction = "in";
  in.record_id = "per_1";
  in.state = "pending";
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) -> absl::Status {
                    RETURN_IF_ERROR(tx.PutFollowup(out));
                    RETURN_IF_ERROR(tx.PutFollowup(in));
                    // A decision replaces the state columns.
                    out.state = "approved_partial";
                    out.decision_reason = "address withheld";
                    out.decided_by = "Giulia Conti";
                    out.decided_ms = 15;
                    out.crime_area = "narcotics";
                    out.handling_code = "H2";
                    out.released_fields = "[\"name\"]";
                    out.updated_ms = 15;
                    RETURN_IF_ERROR(tx.PutFollowup(out));
                    RETURN_IF_ERROR(tx.PutFollowupData({.followup_id = "fup_1",
                                                        .owner = "node_rome",
                                                        .record_type = "person",
                                                        .crime_area = "narcotics",
                                                        .handling_code = "H2",
                                                        .data = "{\"name\":\"محمد آصف\"}",
                                                        .received_ms = 15,
                                                        .retain_until_ms = 100}));
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Read([&](Reader& rd) {
                    std::optional<FollowupRow> got = *rd.GetFollowup("fup_1");
                    EXPECT_TRUE(got.has_value());
                    if (got) {
                      EXPECT_EQ(got->state, "approved_partial");
                      EXPECT_EQ(got->purpose, out.purpose);
                      EXPECT_EQ(got->note, out.note);
                      EXPECT_EQ(got->released_fields, "[\"name\"]");
                      EXPECT_EQ(got->decided_ms, 15);
                    }
                    EXPECT_FALSE(rd.GetFollowup("fup_3")->has_value());
                    auto incoming = *rd.ListFollowups({.direction = "in"});
                    EXPECT_EQ(incoming.size(), 1u);
                    EXPECT_EQ(rd.ListFollowups({.state = "pending"})->size(), 1u);
                    auto all = *rd.ListFollowups({});
                    EXPECT_EQ(all.size(), 2u);
                    if (all.size() == 2) {
                      EXPECT_EQ(all[0].id, "fup_2");  // newest first
                    }
                    EXPECT_EQ(rd.ListFollowups({.before_id = "fup_2"})->size(), 1u);
                    EXPECT_EQ((*rd.GetFollowupData("fup_1"))->data, "{\"name\":\"محمد آصف\"}");
                    EXPECT_TRUE(rd.FollowupDataDue(99, 10)->empty());
                    EXPECT_EQ(rd.FollowupDataDue(100, 10)->size(), 1u);
                    return absl::OkStatus();
                  })
                  .ok());
  // Erased data is no longer due.
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) -> absl::Status {
                    ASSIGN_OR_RETURN(std::optional<FollowupDataRow> d, tx.GetFollowupData("fup_1"));
                    d->data = "";
                    d->erased_ms = 101;
                    return tx.PutFollowupData(*d);
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Read([&](Reader& rd) {
                    EXPECT_TRUE(rd.FollowupDataDue(1000, 10)->empty());
                    EXPECT_EQ((*rd.GetFollowupData("fup_1"))->data, "");
                    return absl::OkStatus();
                  })
                  .ok());
}

TEST_P(StoreConformanceTest, ScreeningJobsInputsAndHitsRoundTrip) {
  ScreeningJobRow job{.id = "scr_1",
                      .submitter_id = "usr_1",
                      .submitter_name = "Asif",
                      .submitter_role = "analyst",
                      .max_handling_code = "H1",
                      .purpose = "border check",
                      .file_name = "list.csv",
                      .min_score_micros = 800000,
                      .state = "queued",
                      .total = 2,
                      .created_ms = 1};
  ScreeningHitRow hit{.job_id = "scr_1",
                      .hit = 1,
                      .candidate_line = 2,
                      .candidate_id = "c1",
                      .candidate_name = "محمد آصف",
                      .record_ref = "per_1",
                      .score_micros = 912345,
                      .reasons = "name",
                      .explanation_json = "{}"};
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) -> absl::Status {
                    RETURN_IF_ERROR(tx.PutScreeningJob(job));
                    RETURN_IF_ERROR(tx.PutScreeningJobInput("scr_1", "id,name\nc1,A\n"));
                    return tx.InsertScreeningHit(hit);
                  })
                  .ok());
  EXPECT_EQ(store_->Write([&](Transaction& tx) { return tx.InsertScreeningHit(hit); }).code(),
            absl::StatusCode::kAlreadyExists);
  job.state = "done";
  job.done = 2;
  job.hits = 1;
  hit.decision = "confirmed";
  hit.reviewer_id = "usr_2";
  ScreeningHitRow absent = hit;
  absent.hit = 7;
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) -> absl::Status {
                    RETURN_IF_ERROR(tx.PutScreeningJob(job));
                    RETURN_IF_ERROR(tx.DeleteScreeningJobInput("scr_1"));
                    return tx.DecideScreeningHit(hit);
                  })
                  .ok());
  EXPECT_EQ(store_->Write([&](Transaction& tx) { return tx.DecideScreeningHit(absent); }).code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(store_
                  ->Read([](Reader& rd) {
                    auto got = rd.GetScreeningJob("scr_1");
                    EXPECT_EQ((*got)->state, "done");
                    EXPECT_EQ((*got)->hits, 1);
                    EXPECT_FALSE(rd.GetScreeningJobInput("scr_1")->has_value());
                    auto jobs = rd.ListScreeningJobs({.states = {"done"}});
                    EXPECT_EQ(jobs->size(), 1u);
                    EXPECT_TRUE(rd.ListScreeningJobs({.states = {"queued"}})->empty());
                    auto hits = rd.ListScreeningHits("scr_1", 0, 10);
                    EXPECT_EQ(hits->size(), 1u);
                    EXPECT_EQ(hits->front().candidate_name, "محمد آصف");
                    EXPECT_EQ(hits->front().score_micros, 912345);
                    EXPECT_EQ((*rd.GetScreeningHit("scr_1", 1))->decision, "confirmed");
                    return absl::OkStatus();
                  })
                  .ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformanceTest,
                         ::testing::Values(std::string("sqlite"), std::string("postgres")),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });

}  // namespace
}  // namespace liaison::store
