#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "store/migrations.h"

namespace liaison::store {
namespace {

using records::AlertKind;
using records::CrimeArea;
using records::Person;
using records::Record;
using records::RecordType;

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("liaison_store_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "node.db").string();
    auto s = OpenSqliteStore(path_, clock_, {.create = true});
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
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
  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteStoreTest, NewDatabaseIsAtLatestSchemaVersion) {
  EXPECT_EQ(*store_->SchemaVersion(), LatestSchemaVersion());
  store_.reset();
  auto again = OpenSqliteStore(path_, clock_);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*(*again)->SchemaVersion(), LatestSchemaVersion());
}

TEST_F(SqliteStoreTest, NewDatabaseIsReadableByItsOwnerOnly) {
  auto perms = std::filesystem::status(path_).permissions();
  EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
            std::filesystem::perms::none);
}

TEST_F(SqliteStoreTest, MissingFileIsNotFoundUnlessCreating) {
  auto s = OpenSqliteStore((dir_ / "absent.db").string(), clock_);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, FileThatIsNotADatabaseIsDataLoss) {
  std::string junk = (dir_ / "junk.db").string();
  std::ofstream(junk) << std::string(4096, 'x');
  auto s = OpenSqliteStore(junk, clock_);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kDataLoss) << s.status();
}

TEST_F(SqliteStoreTest, DatabaseFromNewerLiaisonIsRefused) {
  ASSERT_TRUE(store_->Write([](Transaction&) { return absl::OkStatus(); }).ok());
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "INSERT INTO schema_migrations (version, description, applied_ms) "
                         "VALUES (999, 'future', 0)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto s = OpenSqliteStore(path_, clock_);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(SqliteStoreTest, InsertedRecordReadsBackEqual) {
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

TEST_F(SqliteStoreTest, DuplicateIdIsAlreadyExists) {
  ASSERT_TRUE(Insert(MakePerson("per_1", "A")).ok());
  EXPECT_EQ(Insert(MakePerson("per_1", "B")).code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(SqliteStoreTest, FailedWriteLeavesNothingBehind) {
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

TEST_F(SqliteStoreTest, UpdateWithStaleVersionIsAborted) {
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

TEST_F(SqliteStoreTest, ListFiltersAndPagesThroughEverything) {
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

TEST_F(SqliteStoreTest, EraseLeavesTombstoneAndDropsLinks) {
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

TEST_F(SqliteStoreTest, AuditRowsMustBeContiguous) {
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

TEST_F(SqliteStoreTest, ReaderSeesASnapshotWhileAWriteIsOpen) {
  ASSERT_TRUE(Insert(MakePerson("per_1", "A")).ok());
  // A second store on the same file plays another process writing.
  auto other = OpenSqliteStore(path_, clock_);
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

TEST_F(SqliteStoreTest, SettingsUpsert) {
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

TEST_F(SqliteStoreTest, CorruptBodyIsReportedAsDataLossNotACrash) {
  ASSERT_TRUE(Insert(MakePerson("per_1", "A")).ok());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE records SET body = '{\"name\": [' WHERE id = 'per_1'", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  absl::Status s = store_->Read([](Reader& rd) { return rd.GetRecord("per_1").status(); });
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "per_1"));
}

TEST_F(SqliteStoreTest, UsersSessionsAndTokensRoundTrip) {
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

}  // namespace
}  // namespace liaison::store
