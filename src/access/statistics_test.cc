#include "access/statistics.h"

#include <gtest/gtest.h>

#include "access/partners.h"
#include "access/test_node.h"
#include "common/json_text.h"

namespace liaison::access {
namespace {

using records::CrimeArea;
using records::HandlingCode;

constexpr char kRome[] = "node_01J9ZQ5N8P4V9W3X7Y6Z1B2C3D";

// Partner queries in both directions, audited by the real Partners gate,
// then counted by the statistics.
class StatisticsTest : public TestNode {
 protected:
  void SetUp() override {
    OpenNode();
    partners_ = std::make_unique<Partners>(*store_, *trail_, random_);
    store::PartnerRow p;
    p.node_id = kRome;
    p.agency = "Polizia di Stato";
    p.country = "IT";
    p.endpoint = "https://127.0.0.1:9444";
    p.tls_fingerprint = std::string(64, 'a');
    p.signing_public_key = std::string(64, 'b');
    p.bundle_json = "{}";
    ASSERT_TRUE(partners_->Register(admin_, p).ok());
    Agreement a;
    a.crime_areas = {CrimeArea::kNarcotics, CrimeArea::kTerrorism};
    a.max_handling_code = HandlingCode::kH2;
    a.daily_quota = 2;
    ASSERT_TRUE(partners_->SetAgreement(admin_, kRome, a).ok());
  }

  void Sent(std::string query_id, std::string crime_area, int64_t response_ms, bool hit,
            std::string error = "") {
    SentQueryOutcome o;
    o.partner = kRome;
    o.query_id = std::move(query_id);
    o.response_ms = response_ms;
    o.hit = hit;
    if (hit) o.references = {"ref_x"};
    o.error = std::move(error);
    o.crime_area = std::move(crime_area);
    ASSERT_TRUE(partners_->RecordSent(officer_, {"Operation Indus", ""}, {"asif"}, o).ok());
  }

  absl::StatusOr<AnsweredQuery> Received(std::string query_id, std::string crime_area, bool hit) {
    IncomingQuery q;
    q.partner = kRome;
    q.message_id = "msg_01KDVDNA00Q3JZXA1R2YB3KX7M";
    q.query_id = std::move(query_id);
    q.purpose = {"Operazione Tevere", ""};
    q.crime_area = std::move(crime_area);
    q.terms = {"muhammad asif"};
    q.received_ms = clock_.NowMillis() - 40;
    return partners_->Answer(q, [hit](const AgreementScope&) {
      return absl::StatusOr<std::vector<ScopedHit>>(
          hit ? std::vector<ScopedHit>{{"per_01", "strong"}} : std::vector<ScopedHit>{});
    });
  }

  Actor officer_ = TestActor("usr_3", "Rana Tariq", Role::kLiaisonOfficer);
  std::unique_ptr<Partners> partners_;
};

TEST_F(StatisticsTest, PartnerQueriesAreAuditedWithTheirCrimeArea) {
  Sent("qry_01KDVDNA00Q3JZXA1R2YB3KX80", "narcotics", 120, true);
  auto sent = ParseJson(AuditRows().back().entry_json);
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ((*sent)["details"]["crime_area"], "narcotics");
  ASSERT_TRUE(Received("qry_01KDVDNA00Q3JZXA1R2YB3KX81", "terrorism", false).ok());
  auto answered = ParseJson(AuditRows().back().entry_json);
  ASSERT_TRUE(answered.ok());
  EXPECT_EQ((*answered)["action"], "partner_query_answered");
  EXPECT_EQ((*answered)["details"]["crime_area"], "terrorism");
  // A query for any area carries none.
  Sent("qry_01KDVDNA00Q3JZXA1R2YB3KX82", "", 80, false);
  auto any = ParseJson(AuditRows().back().entry_json);
  ASSERT_TRUE(any.ok());
  EXPECT_FALSE((*any)["details"].contains("crime_area"));
}

TEST_F(StatisticsTest, CountRequestsHitsAndResponseTimesByCrimeAreaAndMonth) {
  Sent("qry_01KDVDNA00Q3JZXA1R2YB3KX90", "narcotics", 100, true);
  Sent("qry_01KDVDNA00Q3JZXA1R2YB3KX91", "narcotics", 300, false);
  Sent("qry_01KDVDNA00Q3JZXA1R2YB3KX92", "terrorism", -1, false, "partner unreachable");
  Sent("qry_01KDVDNA00Q3JZXA1R2YB3KX93", "", 50, false);
  ASSERT_EQ(Received("qry_01KDVDNA00Q3JZXA1R2YB3KX94", "narcotics", true)->refusal, "");
  ASSERT_EQ(Received("qry_01KDVDNA00Q3JZXA1R2YB3KX95", "narcotics", false)->refusal, "");
  // Over the daily quota of 2: refused, still a request received.
  ASSERT_EQ(Received("qry_01KDVDNA00Q3JZXA1R2YB3KX96", "narcotics", true)->refusal,
            kRefusalQuotaExceeded);
  // An envelope refusal is not a query of any crime area.
  ASSERT_TRUE(partners_
                  ->RecordEnvelopeRefusal("bad_signature", "signature", kRome,
                                          "msg_01KDVDNA00Q3JZXA1R2YB3KX7N", "no")
                  .ok());
  // A month later: another month's bucket.
  clock_.Advance(absl::Hours(24 * 31));
  Sent("qry_01KDVDNA00Q3JZXA1R2YB3KX97", "narcotics", 700, true);

  auto stats = Statistics(*store_, *trail_, admin_, 0, clock_.NowMillis());
  ASSERT_TRUE(stats.ok()) << stats.status();
  const Json& areas = (*stats)["partner_queries_by_crime_area"];

  const Json& jan = areas["narcotics"]["2027-01"];
  EXPECT_EQ(jan["sent"]["requests"], 2);
  EXPECT_EQ(jan["sent"]["answered"], 2);
  EXPECT_EQ(jan["sent"]["hits"], 1);
  EXPECT_EQ(jan["sent"]["response_ms_median"], 300);
  EXPECT_EQ(jan["sent"]["response_ms_p90"], 300);
  EXPECT_FALSE(jan["sent"].contains("refused"));
  EXPECT_EQ(jan["received"]["requests"], 3);
  EXPECT_EQ(jan["received"]["answered"], 2);
  EXPECT_EQ(jan["received"]["refused"], 1);
  EXPECT_EQ(jan["received"]["hits"], 1);
  EXPECT_EQ(jan["received"]["response_ms_median"], 40);

  const Json& feb = areas["narcotics"]["2027-02"];
  EXPECT_EQ(feb["sent"]["requests"], 1);
  EXPECT_EQ(feb["sent"]["hits"], 1);
  EXPECT_EQ(feb["sent"]["response_ms_median"], 700);
  EXPECT_EQ(feb["received"]["requests"], 0);

  const Json& terrorism = areas["terrorism"]["2027-01"]["sent"];
  EXPECT_EQ(terrorism["requests"], 1);
  EXPECT_EQ(terrorism["answered"], 0);
  EXPECT_FALSE(terrorism.contains("response_ms_median"));
  EXPECT_EQ(areas["any"]["2027-01"]["sent"]["requests"], 1);
  EXPECT_EQ(areas.size(), 3u);  // narcotics, terrorism, any: no bucket for the envelope refusal

  // The per-partner figures still count every exchange action.
  EXPECT_EQ((*stats)["partners"][kRome]["2027-01"]["partner_query_sent"], 4);
  EXPECT_EQ((*stats)["partners"][kRome]["2027-01"]["refusal"], 2);
}

TEST_F(StatisticsTest, AQueryForAValueThatIsNotACrimeAreaCountsAsUnknown) {
  ASSERT_EQ(Received("qry_01KDVDNA00Q3JZXA1R2YB3KX98", "smuggling of cheese", false)->refusal, "");
  auto stats = Statistics(*store_, *trail_, admin_, 0, clock_.NowMillis());
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ((*stats)["partner_queries_by_crime_area"]["unknown"]["2027-01"]["received"]["requests"],
            1);
}

}  // namespace
}  // namespace liaison::access
