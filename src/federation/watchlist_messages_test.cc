#include "federation/watchlist_messages.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "federation/case_messages.h"

namespace liaison::federation {
namespace {

using ::testing::HasSubstr;

WatchlistEntry SampleEntry(std::string reference) {
  WatchlistEntry e;
  e.reference = std::move(reference);
  e.crime_area = "narcotics";
  e.handling_code = "H1";
  e.alert = "wanted";
  e.person.names = {"محمد آصف", "Muhammad Asif"};
  e.person.father_name = "بشیر احمد";
  e.person.dob = "1984-03-12";
  e.person.gender = "M";
  e.person.nationalities = {"PK"};
  e.person.id_numbers = {"cnic:35202-1234567-1"};
  return e;
}

WatchlistPage SamplePage() {
  WatchlistPage p;
  p.pull_id = "wlp_01KDVDNA00Q3JZXA1R2YB3KX7M";
  p.in_reply_to = "msg_01KDVDNA00Q3JZXA1R2YB3KX7M";
  p.list_version = 4;
  p.retention_days = 90;
  p.upserts = {SampleEntry("wle_01KDVDNA00Q3JZXA1R2YB3KX7A")};
  p.removals = {"wle_01KDVDNA00Q3JZXA1R2YB3KX7B"};
  p.next_version = 4;
  p.next_reference = "wle_01KDVDNA00Q3JZXA1R2YB3KX7B";
  p.complete = true;
  return p;
}

TEST(WatchlistMessagesTest, PullRoundTrips) {
  WatchlistPull pull{"wlp_01KDVDNA00Q3JZXA1R2YB3KX7M", 3, "wle_01KDVDNA00Q3JZXA1R2YB3KX7A", true};
  auto parsed = ParseWatchlistPull(WatchlistPullToJson(pull));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->after_version, 3);
  EXPECT_EQ(parsed->after_reference, pull.after_reference);
  EXPECT_EQ(WatchlistPullToJson(pull),
            R"({"pull_id":"wlp_01KDVDNA00Q3JZXA1R2YB3KX7M","after_version":3,)"
            R"("after_reference":"wle_01KDVDNA00Q3JZXA1R2YB3KX7A","continuation":true})");
  EXPECT_TRUE(parsed->continuation);
}

TEST(WatchlistMessagesTest, PullRefusesUnknownMembersNegativeVersionsAndBadReferences) {
  EXPECT_THAT(
      ParseWatchlistPull(R"({"pull_id":"wlp_01KDVDNA00Q3JZXA1R2YB3KX7M",)"
                         R"("after_version":0,"after_reference":"","continuation":false,"x":1})")
          .status()
          .message(),
      HasSubstr("'x': unknown member"));
  EXPECT_THAT(ParseWatchlistPull(R"({"pull_id":"wlp_01KDVDNA00Q3JZXA1R2YB3KX7M",)"
                                 R"("after_version":-1,"after_reference":"","continuation":false})")
                  .status()
                  .message(),
              HasSubstr("'after_version'"));
  EXPECT_THAT(
      ParseWatchlistPull(R"({"pull_id":"wlp_01KDVDNA00Q3JZXA1R2YB3KX7M",)"
                         R"("after_version":1,"after_reference":"per_1","continuation":false})")
          .status()
          .message(),
      HasSubstr("'after_reference'"));
  EXPECT_EQ(ParseWatchlistPull(std::string(2000, ' ')).status().code(),
            absl::StatusCode::kResourceExhausted);
}

TEST(WatchlistMessagesTest, DeltaRoundTripsEveryMember) {
  WatchlistPage page = SamplePage();
  auto parsed = ParseWatchlistPage(kWatchlistDeltaType, WatchlistPageToJson(page));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_FALSE(parsed->snapshot);
  EXPECT_EQ(parsed->list_version, 4);
  EXPECT_EQ(parsed->retention_days, 90);
  ASSERT_EQ(parsed->upserts.size(), 1u);
  EXPECT_EQ(parsed->upserts[0].person.names, page.upserts[0].person.names);
  EXPECT_EQ(parsed->upserts[0].person.father_name, "بشیر احمد");
  EXPECT_EQ(parsed->upserts[0].person.id_numbers, page.upserts[0].person.id_numbers);
  EXPECT_EQ(parsed->removals, page.removals);
  EXPECT_TRUE(parsed->complete);
}

TEST(WatchlistMessagesTest, SnapshotMayNotCarryRemovals) {
  WatchlistPage page = SamplePage();
  EXPECT_THAT(
      ParseWatchlistPage(kWatchlistSnapshotType, WatchlistPageToJson(page)).status().message(),
      HasSubstr("'removals': must be empty in a snapshot"));
  page.removals.clear();
  auto parsed = ParseWatchlistPage(kWatchlistSnapshotType, WatchlistPageToJson(page));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->snapshot);
}

TEST(WatchlistMessagesTest, EntryRefusesMembersBeyondMatchingFields) {
  std::string entry = WatchlistEntryToJson(SampleEntry("wle_01KDVDNA00Q3JZXA1R2YB3KX7A"));
  std::string with_address = entry.substr(0, entry.size() - 1) + R"(,"address":"Lahore"})";
  EXPECT_THAT(ParseWatchlistEntry(with_address).status().message(),
              HasSubstr("'address': unknown member"));
  std::string with_record = entry.substr(0, entry.size() - 1) + R"(,"record_id":"per_1"})";
  EXPECT_THAT(ParseWatchlistEntry(with_record).status().message(),
              HasSubstr("'record_id': unknown member"));
}

TEST(WatchlistMessagesTest, EntryRefusesBadForms) {
  WatchlistEntry e = SampleEntry("wle_01KDVDNA00Q3JZXA1R2YB3KX7A");
  e.person.names.clear();
  EXPECT_THAT(ParseWatchlistEntry(WatchlistEntryToJson(e)).status().message(),
              HasSubstr("'names'"));
  e = SampleEntry("wle_01KDVDNA00Q3JZXA1R2YB3KX7A");
  e.alert = "protected_person";  // never shared as such
  EXPECT_THAT(ParseWatchlistEntry(WatchlistEntryToJson(e)).status().message(),
              HasSubstr("'alert'"));
  e = SampleEntry("wle_01KDVDNA00Q3JZXA1R2YB3KX7A");
  e.person.dob = "12/03/1984";
  EXPECT_THAT(ParseWatchlistEntry(WatchlistEntryToJson(e)).status().message(), HasSubstr("'dob'"));
  e = SampleEntry("wle_01KDVDNA00Q3JZXA1R2YB3KX7A");
  e.handling_code = "H4";
  EXPECT_THAT(ParseWatchlistEntry(WatchlistEntryToJson(e)).status().message(),
              HasSubstr("'handling_code'"));
}

TEST(WatchlistMessagesTest, PageRefusesRepeatedReferencesAndPositionsBeyondTheVersion) {
  WatchlistPage page = SamplePage();
  page.removals = {page.upserts[0].reference};
  EXPECT_THAT(ParseWatchlistPage(kWatchlistDeltaType, WatchlistPageToJson(page)).status().message(),
              HasSubstr("repeats reference"));
  page = SamplePage();
  page.next_version = 5;
  EXPECT_THAT(ParseWatchlistPage(kWatchlistDeltaType, WatchlistPageToJson(page)).status().message(),
              HasSubstr("'next_version'"));
  EXPECT_THAT(
      ParseWatchlistPage("watchlist_other", WatchlistPageToJson(SamplePage())).status().message(),
      HasSubstr("not a watchlist page type"));
}

TEST(WatchlistMessagesTest, OversizedPageIsResourceExhaustedNotACrash) {
  std::string body(kMaxWatchlistPageBytes + 1, ' ');
  EXPECT_EQ(ParseWatchlistPage(kWatchlistDeltaType, body).status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ParseWatchlistPage(kWatchlistDeltaType, "[1,2]").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(WatchlistMessagesTest, WatchlistHitTravelsInACaseBatch) {
  CaseBatch batch;
  batch.batch_id = "bat_01KDVDNA00Q3JZXA1R2YB3KX7M";
  WatchlistHitItem hit;
  hit.id = "wlh_01KDVDNA00Q3JZXA1R2YB3KX7M";
  hit.reference = "wle_01KDVDNA00Q3JZXA1R2YB3KX7A";
  hit.list_version = 4;
  hit.source = "search";
  hit.purpose = "Operation Indus";
  hit.band = "strong";
  hit.score_permille = 912;
  hit.hit_at_ms = 1767225600000;
  batch.items.push_back(hit);
  auto parsed = ParseCaseBatch(CaseBatchToJson(batch));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->items.size(), 1u);
  EXPECT_EQ(BatchItemKind(parsed->items[0]), "watchlist_hit");
  const auto& got = std::get<WatchlistHitItem>(parsed->items[0]);
  EXPECT_EQ(got.reference, hit.reference);
  EXPECT_EQ(got.score_permille, 912);
  hit.band = "certain";
  EXPECT_THAT(ValidateBatchItem(hit).message(), HasSubstr("'band'"));
}

}  // namespace
}  // namespace liaison::federation
