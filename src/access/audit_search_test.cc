#include "access/audit_search.h"

#include <gtest/gtest.h>

#include "access/record_access.h"
#include "access/test_node.h"

namespace liaison::access {
namespace {

using records::Person;
using records::Record;

class AuditSearchTest : public TestNode {
 protected:
  void SetUp() override {
    OpenNode();
    records_ = std::make_unique<RecordAccess>(*store_, *trail_,
                                              RecordPolicy{.node_id = "node_test"}, random_);
  }

  std::string Create(const std::string& name) {
    Record r;
    r.body = Person{.name = name};
    return records_->Create(admin_, {"setting up", ""}, r)->meta.id;
  }

  std::unique_ptr<RecordAccess> records_;
  Actor auditor_ = TestActor("usr_aud", "Internal Auditor", Role::kAuditor);
  Actor analyst_ = TestActor("usr_ana", "Niccolò D'Angelo", Role::kAnalyst);
  Purpose purpose_{"quarterly review", ""};
};

TEST_F(AuditSearchTest, FiltersByActorNameActionAndRecordNewestFirst) {
  std::string a = Create("Muhammad Asif");
  std::string b = Create("Giulia De Luca");
  analyst_.clearance.max_handling_code = records::HandlingCode::kH3;
  ASSERT_TRUE(records_->Get(analyst_, {"checking a courier", ""}, a).ok());
  ASSERT_TRUE(records_->Get(analyst_, {"checking a courier", ""}, b).ok());

  absl::StatusOr<AuditPage> page =
      SearchAudit(*store_, *trail_, auditor_, purpose_, {.actor = "d'angelo", .action = "view"});
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->rows.size(), 2u);
  EXPECT_GT(page->rows[0].seq, page->rows[1].seq);
  EXPECT_NE(page->rows[0].entry_json.find(b), std::string::npos);
  EXPECT_NE(page->rows[1].entry_json.find(a), std::string::npos);
  EXPECT_EQ(page->next_before_seq, 0);

  page = SearchAudit(*store_, *trail_, auditor_, purpose_, {.actor = "usr_ana", .object_id = a});
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->rows.size(), 1u);
  EXPECT_EQ(page->rows[0].action, "view");

  page = SearchAudit(*store_, *trail_, auditor_, purpose_, {.action = "create"});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->rows.size(), 2u);
}

TEST_F(AuditSearchTest, PagesWithACursor) {
  for (int i = 0; i < 5; ++i) Create("Person " + std::to_string(i));
  absl::StatusOr<AuditPage> first =
      SearchAudit(*store_, *trail_, auditor_, purpose_, {.action = "create", .limit = 3});
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->rows.size(), 3u);
  ASSERT_GT(first->next_before_seq, 0);
  absl::StatusOr<AuditPage> second =
      SearchAudit(*store_, *trail_, auditor_, purpose_,
                  {.action = "create", .before_seq = first->next_before_seq, .limit = 3});
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->rows.size(), 2u);
  EXPECT_LT(second->rows[0].seq, first->rows[2].seq);
  EXPECT_EQ(second->next_before_seq, 0);
}

TEST_F(AuditSearchTest, IsItselfAudited) {
  int before = CountAudit("view");
  ASSERT_TRUE(SearchAudit(*store_, *trail_, auditor_, purpose_, {}).ok());
  EXPECT_EQ(CountAudit("view"), before + 1);
  std::vector<store::AuditRow> rows = AuditRows();
  EXPECT_NE(rows.back().entry_json.find("audit_search"), std::string::npos);
}

TEST_F(AuditSearchTest, RefusesRolesWithoutAuditReadAndAuditsTheRefusal) {
  absl::StatusOr<AuditPage> page = SearchAudit(*store_, *trail_, analyst_, purpose_, {});
  EXPECT_TRUE(absl::IsPermissionDenied(page.status())) << page.status();
  EXPECT_EQ(CountAudit("access_denied"), 1);
}

TEST_F(AuditSearchTest, NeedsAPurposeAndSaneLimits) {
  EXPECT_TRUE(absl::IsInvalidArgument(SearchAudit(*store_, *trail_, auditor_, {}, {}).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(
      SearchAudit(*store_, *trail_, auditor_, purpose_, {.limit = 0}).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(
      SearchAudit(*store_, *trail_, auditor_, purpose_, {.from_ms = 10, .to_ms = 5}).status()));
}

}  // namespace
}  // namespace liaison::access
