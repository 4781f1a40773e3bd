#include "access/record_access.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "access/test_node.h"
#include "audit/checkpoint.h"
#include "store/sqlite/sqlite_store.h"

namespace liaison::access {
namespace {

using records::HandlingCode;
using records::Person;
using records::Record;

class RecordAccessTest : public TestNode {
 protected:
  void SetUp() override {
    OpenNode(audit::CheckpointPolicy{.every_entries = 5});
    access_ = std::make_unique<RecordAccess>(*store_, *trail_, RecordPolicy{.node_id = "node_test"},
                                             random_);
    analyst_.id = "usr_analyst";
    analyst_.name = "A. Analyst";
    analyst_.role = Role::kAnalyst;
    analyst_.clearance.max_handling_code = HandlingCode::kH1;
    analyst_.origin = "api";
  }

  static Record NewPerson(std::string name, HandlingCode code = HandlingCode::kH1) {
    Record r;
    r.meta.handling_code = code;
    r.meta.crime_area = records::CrimeArea::kNarcotics;
    r.body = Person{.name = std::move(name)};
    return r;
  }

  std::unique_ptr<RecordAccess> access_;
  Actor analyst_;
  Purpose purpose_{"Operation Indus: checking a suspect", "CASE-42"};
};

TEST_F(RecordAccessTest, CreateAssignsWhatTheNodeOwns) {
  auto rec = access_->Create(admin_, purpose_, NewPerson("Muhammad Asif"));
  ASSERT_TRUE(rec.ok()) << rec.status();
  EXPECT_TRUE(rec->meta.id.starts_with("per_"));
  EXPECT_EQ(rec->meta.owner, "node_test");
  EXPECT_EQ(rec->meta.version, 1);
  EXPECT_EQ(rec->meta.review_date, "2030-01-14");  // three years after the fake clock
}

TEST_F(RecordAccessTest, ViewNeedsAPurposeAndIsAudited) {
  auto rec = *access_->Create(admin_, purpose_, NewPerson("Muhammad Asif"));
  auto no_purpose = access_->Get(analyst_, {}, rec.meta.id);
  EXPECT_EQ(no_purpose.status().code(), absl::StatusCode::kInvalidArgument);
  auto seen = access_->Get(analyst_, purpose_, rec.meta.id);
  ASSERT_TRUE(seen.ok()) << seen.status();
  Actor auditor = TestActor("usr_aud", "Auditor", Role::kAuditor);
  auto history = access_->History(auditor, {"quarterly review", ""}, rec.meta.id);
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->size(), 2u);  // create, view
  EXPECT_EQ((*history)[1].actor, "usr_analyst");
  EXPECT_EQ((*history)[1].action, "view");
  EXPECT_TRUE(absl::StrContains((*history)[1].entry_json, "Operation Indus"));
}

TEST_F(RecordAccessTest, ClearanceBelowHandlingCodeIsDeniedAndAudited) {
  auto rec = *access_->Create(admin_, purpose_, NewPerson("Protected", HandlingCode::kH2));
  auto denied = access_->Get(analyst_, purpose_, rec.meta.id);
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  auto rows = AuditRows();
  bool logged = false;
  for (const auto& r : rows) {
    if (r.action == "access_denied" && r.actor == "usr_analyst") logged = true;
  }
  EXPECT_TRUE(logged);
}

TEST_F(RecordAccessTest, RoleWithoutPermissionIsDenied) {
  Actor auditor = TestActor("usr_aud", "Auditor", Role::kAuditor);
  auditor.clearance.max_handling_code = HandlingCode::kH3;
  auto rec = *access_->Create(admin_, purpose_, NewPerson("Asif"));
  EXPECT_EQ(access_->Get(auditor, purpose_, rec.meta.id).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(access_->Create(auditor, purpose_, NewPerson("X")).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(access_->History(analyst_, purpose_, rec.meta.id).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(RecordAccessTest, ListWithholdsRecordsAboveClearance) {
  ASSERT_TRUE(access_->Create(admin_, purpose_, NewPerson("A", HandlingCode::kH0)).ok());
  ASSERT_TRUE(
      access_->Create(admin_, purpose_, NewPerson("B", HandlingCode::kH3)).status().code() ==
      absl::StatusCode::kInvalidArgument);  // H3 without a stated restriction
  Record h3 = NewPerson("C", HandlingCode::kH3);
  h3.meta.handling_note = "not for customs";
  ASSERT_TRUE(access_->Create(admin_, purpose_, h3).ok());
  auto page = access_->List(analyst_, purpose_, {.limit = 10});
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  EXPECT_EQ(std::get<Person>(page->records[0].body).name, "A");
}

TEST_F(RecordAccessTest, UpdateChecksVersionAndDeleteLeavesTombstone) {
  auto rec = *access_->Create(admin_, purpose_, NewPerson("Asif"));
  Record change = NewPerson("Muhammad Asif");
  auto updated = access_->Update(analyst_, purpose_, rec.meta.id, change, 1);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->meta.version, 2);
  EXPECT_EQ(access_->Update(analyst_, purpose_, rec.meta.id, change, 1).status().code(),
            absl::StatusCode::kAborted);
  ASSERT_TRUE(access_->Delete(analyst_, purpose_, rec.meta.id, 2).ok());
  auto gone = access_->Get(analyst_, purpose_, rec.meta.id);
  EXPECT_EQ(gone.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(gone.status().message(), "erased (deleted)"));
}

TEST_F(RecordAccessTest, ChainLinksAndSignedCheckpointsAreWritten) {
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(access_->Create(admin_, purpose_, NewPerson("P" + std::to_string(i))).ok());
  }
  auto rows = AuditRows();
  ASSERT_GE(rows.size(), 7u);
  audit::ChainHead prev = audit::GenesisHead("node_test");
  int checkpoints = 0;
  for (const auto& row : rows) {
    auto entry = audit::ParseEntryLine(row.entry_json);
    ASSERT_TRUE(entry.ok()) << entry.status();
    EXPECT_TRUE(audit::VerifyLink(prev, *entry).ok()) << row.seq;
    if (entry->event.action == audit::Action::kCheckpoint) {
      ++checkpoints;
      EXPECT_TRUE(audit::VerifyCheckpoint(*entry, "node_test", key_.public_key()).ok());
    }
    prev = audit::HeadOf(*entry);
  }
  EXPECT_EQ(checkpoints, 1);
  EXPECT_EQ(rows[5].action, "checkpoint");
}

TEST_F(RecordAccessTest, LinksJoinRecordsAndHideEndsAboveClearance) {
  auto a = *access_->Create(admin_, purpose_, NewPerson("Asif"));
  auto b = *access_->Create(admin_, purpose_, NewPerson("Imran"));
  auto secret = *access_->Create(admin_, purpose_, NewPerson("Informant", HandlingCode::kH2));
  ASSERT_TRUE(
      access_->AddLink(admin_, purpose_, {a.meta.id, b.meta.id, "related_to", "brothers"}).ok());
  ASSERT_TRUE(
      access_->AddLink(admin_, purpose_, {secret.meta.id, a.meta.id, "related_to", ""}).ok());
  EXPECT_EQ(access_->AddLink(admin_, purpose_, {a.meta.id, b.meta.id, "related_to", ""}).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(access_->AddLink(admin_, purpose_, {a.meta.id, b.meta.id, "cousin_of", ""}).code(),
            absl::StatusCode::kInvalidArgument);
  auto links = access_->Links(analyst_, purpose_, a.meta.id);
  ASSERT_TRUE(links.ok()) << links.status();
  ASSERT_EQ(links->size(), 1u);  // the link to the H2 record is withheld from an H1 analyst
  EXPECT_EQ((*links)[0].note, "brothers");
  ASSERT_TRUE(access_->RemoveLink(analyst_, purpose_, a.meta.id, b.meta.id, "related_to").ok());
  EXPECT_TRUE(access_->Links(admin_, purpose_, b.meta.id)->empty());
}

TEST_F(RecordAccessTest, ImportIsOneAuditedEntry) {
  std::string path = (dir_ / "w.csv").string();
  std::ofstream(path) << "id,name\n1,A\n2,B\n";
  auto report = access_->ImportPersons(admin_, purpose_, path, {});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->created, 2);
  auto rows = AuditRows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].action, "import");
  EXPECT_TRUE(absl::StrContains(rows[0].entry_json, report->file_sha256));
}

TEST_F(RecordAccessTest, ImportNeedsAClearanceCoveringEveryRecord) {
  std::string path = (dir_ / "w.csv").string();
  std::ofstream(path) << "id,name,handling_code\n1,A,H3\n";
  // The analyst holds records.import, but an H1 clearance could overwrite
  // H3 records with the same source id.
  auto report = access_->ImportPersons(analyst_, purpose_, path, {});
  EXPECT_EQ(report.status().code(), absl::StatusCode::kPermissionDenied) << report.status();
  EXPECT_EQ(CountAudit("access_denied"), 1);
  Actor narrow = admin_;
  narrow.clearance.crime_areas = {records::CrimeArea::kNarcotics};
  EXPECT_EQ(access_->ImportPersons(narrow, purpose_, path, {}).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(access_->ImportPersons(admin_, purpose_, path, {}).ok());
}

}  // namespace
}  // namespace liaison::access
