#include "access/retention.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "access/record_access.h"
#include "access/statistics.h"
#include "access/test_node.h"
#include "store/sqlite/sqlite_store.h"

namespace liaison::access {
namespace {

using records::Person;
using records::Record;

class RetentionTest : public TestNode {
 protected:
  void SetUp() override {
    OpenNode();
    records_ = std::make_unique<RecordAccess>(*store_, *trail_,
                                              RecordPolicy{.node_id = "node_test"}, random_);
    retention_ = std::make_unique<Retention>(*store_, *trail_, RetentionPolicy{.grace_days = 30});
  }

  std::string Create(std::string name, std::string review_date) {
    Record r;
    r.meta.review_date = std::move(review_date);
    r.body = Person{.name = std::move(name)};
    return records_->Create(admin_, {"test", ""}, r)->meta.id;
  }

  bool Exists(const std::string& id) {
    bool found = false;
    EXPECT_TRUE(store_
                    ->Read([&](store::Reader& r) {
                      found = r.GetRecord(id).ok();
                      return absl::OkStatus();
                    })
                    .ok());
    return found;
  }

  std::unique_ptr<RecordAccess> records_;
  std::unique_ptr<Retention> retention_;
};

TEST_F(RetentionTest, ErasesRecordsPastGraceAndListsThoseDue) {
  std::string old_id = Create("Old", "2026-10-01");      // past review and grace
  std::string due_id = Create("Due", "2027-01-01");      // past review, within grace
  std::string fresh_id = Create("Fresh", "2028-01-01");  // not yet due
  auto report = retention_->Run(admin_, /*dry_run=*/false);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->erased.size(), 1u);
  EXPECT_EQ(report->erased[0].id, old_id);
  ASSERT_EQ(report->due.size(), 1u);
  EXPECT_EQ(report->due[0].id, due_id);
  EXPECT_FALSE(Exists(old_id));
  EXPECT_TRUE(Exists(due_id));
  EXPECT_TRUE(Exists(fresh_id));
  ASSERT_TRUE(store_
                  ->Read([&](store::Reader& r) {
                    EXPECT_EQ((*r.GetTombstone(old_id))->reason, "retention");
                    EXPECT_EQ(r.AuditForObject(old_id)->back().action, "retention_erase");
                    return absl::OkStatus();
                  })
                  .ok());
}

TEST_F(RetentionTest, DryRunErasesNothing) {
  std::string old_id = Create("Old", "2026-10-01");
  auto report = retention_->Run(admin_, /*dry_run=*/true);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->erased.size(), 1u);
  EXPECT_TRUE(Exists(old_id));
}

TEST_F(RetentionTest, ConfirmationKeepsARecordAndIsAudited) {
  std::string due_id = Create("Due", "2026-10-01");
  EXPECT_FALSE(retention_->Confirm(admin_, {"", ""}, due_id, "2028-01-01").ok());  // no reason
  EXPECT_FALSE(retention_->Confirm(admin_, {"still wanted", ""}, due_id, "2026-01-01").ok());
  EXPECT_FALSE(retention_->Confirm(admin_, {"still wanted", ""}, due_id, "2040-01-01").ok());
  ASSERT_TRUE(retention_->Confirm(admin_, {"still wanted", "CASE-9"}, due_id, "2028-01-01").ok());
  auto report = retention_->Run(admin_, false);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->erased.empty());
  EXPECT_TRUE(Exists(due_id));
}

TEST_F(RetentionTest, OnlyRolesWithRetentionRunMayRun) {
  Actor analyst = TestActor("usr_a", "A", Role::kAnalyst);
  EXPECT_EQ(retention_->Run(analyst, true).status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(RetentionTest, StatisticsCountRecordsAndAuditedActions) {
  Create("A", "2028-01-01");
  Create("B", "2028-01-01");
  ASSERT_TRUE(retention_->Run(admin_, false).ok());
  auto stats = Statistics(*store_, *trail_, admin_, 0, clock_.NowMillis());
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ((*stats)["records_by_crime_area"]["other"], 2);
  EXPECT_EQ((*stats)["totals"]["create"], 2);
  EXPECT_EQ((*stats)["months"]["2027-01"]["create"]["ok"], 2);
  Actor analyst = TestActor("usr_a", "A", Role::kAnalyst);
  EXPECT_FALSE(Statistics(*store_, *trail_, analyst, 0, 1).ok());
}

TEST_F(RetentionTest, StatisticsGivePartnerResponseTimePercentiles) {
  for (int ms : {100, 200, 300, 400, 500, 600, 700, 800, 900, 1000}) {
    ASSERT_TRUE(
        store_
            ->Write([&](store::Transaction& tx) {
              audit::Event e;
              e.actor_id = "partner:node_rome";
              e.actor_role = "system";
              e.action = audit::Action::kPartnerQueryAnswered;
              e.origin = "partner:node_rome";
              e.details = {{"partner", "node_rome"}, {"response_ms", ms}, {"hit", ms > 800}};
              return trail_->Append(tx, std::move(e)).status();
            })
            .ok());
  }
  auto stats = Statistics(*store_, *trail_, admin_, 0, clock_.NowMillis());
  ASSERT_TRUE(stats.ok()) << stats.status();
  const Json& rome = (*stats)["partners"]["node_rome"]["2027-01"];
  EXPECT_EQ(rome["partner_query_answered"], 10);
  EXPECT_EQ(rome["hits"], 2);
  EXPECT_EQ(rome["response_ms_median"], 600);
  EXPECT_EQ(rome["response_ms_p90"], 900);
}

}  // namespace
}  // namespace liaison::access
