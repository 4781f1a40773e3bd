#include "access/partners.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "access/test_node.h"
#include "common/json_text.h"

namespace liaison::access {
namespace {

using records::CrimeArea;
using records::HandlingCode;
using ::testing::HasSubstr;

constexpr char kRome[] = "node_01J9ZQ5N8P4V9W3X7Y6Z1B2C3D";

class PartnersTest : public TestNode {
 protected:
  void SetUp() override {
    OpenNode();
    partners_ = std::make_unique<Partners>(*store_, *trail_, random_);
  }

  store::PartnerRow Rome() {
    store::PartnerRow p;
    p.node_id = kRome;
    p.agency = "Polizia di Stato";
    p.country = "IT";
    p.endpoint = "https://127.0.0.1:9444";
    p.tls_fingerprint = std::string(64, 'a');
    p.signing_public_key = std::string(64, 'b');
    p.bundle_json = "{}";
    return p;
  }

  void RegisterRomeWithAgreement(int64_t quota) {
    ASSERT_TRUE(partners_->Register(admin_, Rome()).ok());
    Agreement a;
    a.crime_areas = {CrimeArea::kNarcotics, CrimeArea::kTerrorism};
    a.max_handling_code = HandlingCode::kH2;
    a.daily_quota = quota;
    ASSERT_TRUE(partners_->SetAgreement(admin_, kRome, a).ok());
  }

  IncomingQuery Query(std::string query_id, std::string crime_area = "") {
    IncomingQuery q;
    q.partner = kRome;
    q.message_id = "msg_01KDVDNA00Q3JZXA1R2YB3KX7M";
    q.query_id = std::move(query_id);
    q.purpose = {"Operation Indus", "CASE-1"};
    q.crime_area = std::move(crime_area);
    q.terms = {"muhammad asif"};
    q.received_ms = clock_.NowMillis();
    return q;
  }

  std::unique_ptr<Partners> partners_;
};

TEST_F(PartnersTest, RegisteringAndAgreementsAreAuditedAndVersioned) {
  RegisterRomeWithAgreement(10);
  Agreement narrower;
  narrower.crime_areas = {CrimeArea::kNarcotics};
  ASSERT_TRUE(partners_->SetAgreement(admin_, kRome, narrower).ok());
  auto history = partners_->AgreementHistory(admin_, kRome);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].version, 1);
  EXPECT_EQ((*history)[0].crime_areas, "terrorism,narcotics");
  EXPECT_EQ((*history)[1].version, 2);
  EXPECT_EQ((*history)[1].crime_areas, "narcotics");
  EXPECT_EQ((*history)[1].changed_by, "local-admin");
  EXPECT_EQ(CountAudit("config_change"), 3);
}

TEST_F(PartnersTest, OnlyAdministratorsManagePartnersAndRefusalsAreAudited) {
  Actor analyst = TestActor("usr_1", "Analyst", Role::kAnalyst);
  EXPECT_EQ(partners_->Register(analyst, Rome()).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CountAudit("access_denied"), 1);
  EXPECT_TRUE(partners_->List(analyst).ok());  // analysts may see whom they can ask
  Actor auditor = TestActor("usr_2", "Auditor", Role::kAuditor);
  EXPECT_EQ(partners_->List(auditor).status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(PartnersTest, AgreementNeedsAnActivePartner) {
  EXPECT_EQ(partners_->SetAgreement(admin_, kRome, Agreement{}).status().code(),
            absl::StatusCode::kNotFound);
  RegisterRomeWithAgreement(5);
  ASSERT_TRUE(partners_->Remove(admin_, kRome).ok());
  EXPECT_EQ(partners_->SetAgreement(admin_, kRome, Agreement{}).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(partners_->ActivePartners()->empty());
}

TEST_F(PartnersTest, AnswerSearchesOnlyWithinTheAgreementAndGivesOpaqueReferences) {
  RegisterRomeWithAgreement(10);
  AgreementScope seen;
  auto search = [&](const AgreementScope& scope) -> absl::StatusOr<std::vector<ScopedHit>> {
    seen = scope;
    return std::vector<ScopedHit>{{"per_01", "strong"}};
  };
  auto answer = partners_->Answer(Query("qry_01KDVDNA00Q3JZXA1R2YB3KX70"), search);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->refusal, "");
  ASSERT_EQ(answer->results.size(), 1u);
  EXPECT_TRUE(answer->results[0].reference.starts_with("ref_"));
  EXPECT_EQ(answer->results[0].band, "strong");
  EXPECT_EQ(seen.max_handling_code, HandlingCode::kH2);
  EXPECT_EQ(seen.crime_areas, (std::set<CrimeArea>{CrimeArea::kNarcotics, CrimeArea::kTerrorism}));

  // The reference maps back to the record only here.
  std::optional<store::PartnerReferenceRow> ref;
  ASSERT_TRUE(store_
                  ->Read([&](store::Reader& r) -> absl::Status {
                    auto got = r.GetPartnerReference(answer->results[0].reference);
                    if (!got.ok()) return got.status();
                    ref = *got;
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_TRUE(ref.has_value());
  EXPECT_EQ(ref->record_id, "per_01");
  EXPECT_EQ(ref->partner, kRome);

  // The audit entry: the statistics' detail keys, the record that was reached.
  auto rows = AuditRows();
  const store::AuditRow& last = rows.back();
  EXPECT_EQ(last.action, "partner_query_answered");
  auto entry = ParseJson(last.entry_json);
  ASSERT_TRUE(entry.ok());
  EXPECT_EQ((*entry)["details"]["partner"], kRome);
  EXPECT_EQ((*entry)["details"]["hit"], true);
  EXPECT_TRUE((*entry)["details"]["response_ms"].is_number_integer());
  EXPECT_THAT(last.entry_json, HasSubstr("per_01"));
}

TEST_F(PartnersTest, ARequestedAreaOutsideTheAgreementSearchesNothing) {
  RegisterRomeWithAgreement(10);
  bool searched = false;
  auto search = [&](const AgreementScope&) -> absl::StatusOr<std::vector<ScopedHit>> {
    searched = true;
    return std::vector<ScopedHit>{{"per_01", "strong"}};
  };
  auto answer =
      partners_->Answer(Query("qry_01KDVDNA00Q3JZXA1R2YB3KX71", "human_trafficking"), search);
  ASSERT_TRUE(answer.ok());
  EXPECT_FALSE(searched);
  EXPECT_EQ(answer->refusal, "");
  EXPECT_TRUE(answer->results.empty());
}

TEST_F(PartnersTest, QuotaIsEnforcedPerDayAndRefusalsAudited) {
  RegisterRomeWithAgreement(2);
  auto none = [](const AgreementScope&) -> absl::StatusOr<std::vector<ScopedHit>> {
    return std::vector<ScopedHit>{};
  };
  EXPECT_EQ(partners_->Answer(Query("qry_01KDVDNA00Q3JZXA1R2YB3KX72"), none)->refusal, "");
  EXPECT_EQ(partners_->Answer(Query("qry_01KDVDNA00Q3JZXA1R2YB3KX73"), none)->refusal, "");
  EXPECT_EQ(partners_->Answer(Query("qry_01KDVDNA00Q3JZXA1R2YB3KX74"), none)->refusal,
            kRefusalQuotaExceeded);
  EXPECT_EQ(CountAudit("refusal"), 1);
  clock_.Advance(absl::Hours(24));
  EXPECT_EQ(partners_->Answer(Query("qry_01KDVDNA00Q3JZXA1R2YB3KX75"), none)->refusal, "");
}

TEST_F(PartnersTest, ARetriedQueryGetsTheSameAnswerWithoutCountingTwice) {
  RegisterRomeWithAgreement(1);
  int searches = 0;
  auto search = [&](const AgreementScope&) -> absl::StatusOr<std::vector<ScopedHit>> {
    ++searches;
    return std::vector<ScopedHit>{{"per_01", "possible"}};
  };
  auto first = partners_->Answer(Query("qry_01KDVDNA00Q3JZXA1R2YB3KX76"), search);
  auto again = partners_->Answer(Query("qry_01KDVDNA00Q3JZXA1R2YB3KX76"), search);
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(searches, 1);
  EXPECT_TRUE(again->repeated);
  ASSERT_EQ(again->results.size(), 1u);
  EXPECT_EQ(again->results[0].reference, first->results[0].reference);
}

TEST_F(PartnersTest, UnknownPartnerOrNoAgreementIsRefused) {
  auto search = [](const AgreementScope&) -> absl::StatusOr<std::vector<ScopedHit>> {
    return std::vector<ScopedHit>{};
  };
  EXPECT_EQ(partners_->Answer(Query("qry_01KDVDNA00Q3JZXA1R2YB3KX77"), search)->refusal,
            kRefusalNoAgreement);
}

TEST_F(PartnersTest, SendingNeedsThePermissionAndAPurpose) {
  Actor auditor = TestActor("usr_2", "Auditor", Role::kAuditor);
  EXPECT_EQ(partners_->CheckMayQuery(auditor, {"x", ""}).code(),
            absl::StatusCode::kPermissionDenied);
  Actor officer = TestActor("usr_3", "Officer", Role::kLiaisonOfficer);
  EXPECT_EQ(partners_->CheckMayQuery(officer, {"", ""}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(partners_->CheckMayQuery(officer, {"Operation Indus", ""}).ok());
  SentQueryOutcome outcome{kRome, "qry_01KDVDNA00Q3JZXA1R2YB3KX78", 12, true, {"ref_x"}, "", ""};
  ASSERT_TRUE(partners_->RecordSent(officer, {"Operation Indus", ""}, {"asif"}, outcome).ok());
  auto rows = AuditRows();
  EXPECT_EQ(rows.back().action, "partner_query_sent");
  auto entry = ParseJson(rows.back().entry_json);
  EXPECT_EQ((*entry)["details"]["response_ms"], 12);
  EXPECT_EQ((*entry)["details"]["partner"], kRome);
  EXPECT_EQ((*entry)["details"]["hit"], true);
}

}  // namespace
}  // namespace liaison::access
