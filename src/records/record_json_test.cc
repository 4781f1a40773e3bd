#include "records/record_json.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"

namespace liaison::records {
namespace {

TEST(RecordJsonTest, PersonRoundTrips) {
  Record r;
  r.meta.id = "per_1";
  r.meta.owner = "node_lahore";
  r.meta.crime_area = CrimeArea::kNarcotics;
  r.meta.handling_code = HandlingCode::kH2;
  r.meta.alert = AlertKind::kWanted;
  r.meta.version = 3;
  r.body = Person{.name = "محمد آصف",
                  .aliases = {"Muhammad Asif"},
                  .father_name = "بشیر احمد",
                  .dob = {1985, 3, 0},
                  .gender = "M",
                  .nationalities = {"PK"},
                  .id_numbers = {{"cnic", "3520212345671", "PK"}}};
  Json j = RecordToJson(r);
  EXPECT_EQ(j["type"], "person");
  EXPECT_EQ(j["person"]["dob"], "1985-03");
  auto back = RecordFromJson(j, {.allow_server_fields = true});
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->body, r.body);
  EXPECT_EQ(back->meta.handling_code, HandlingCode::kH2);
  EXPECT_EQ(back->meta.version, 3);
}

TEST(RecordJsonTest, RejectsUnknownFieldWithPath) {
  Json j = {{"type", "person"}, {"person", {{"name", "Asif"}, {"nick", "A"}}}};
  auto r = RecordFromJson(j);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "person.nick: unknown field");
}

TEST(RecordJsonTest, RejectsWrongTypes) {
  Json j = {{"type", "person"}, {"person", {{"name", 42}}}};
  auto r = RecordFromJson(j);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "person.name: expected a string");
  Json k = {{"type", "person"}, {"information_accuracy", "2"}, {"person", {{"name", "A"}}}};
  EXPECT_FALSE(RecordFromJson(k).ok());
}

TEST(RecordJsonTest, RejectsServerFieldsFromClients) {
  Json j = {{"type", "person"}, {"version", 7}, {"person", {{"name", "Asif"}}}};
  auto r = RecordFromJson(j);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(absl::StartsWith(r.status().message(), "version")) << r.status();
}

TEST(RecordJsonTest, TypeMustAgreeWithCollection) {
  Json j = {{"type", "vehicle"}, {"vehicle", {{"plate", "AB123"}}}};
  EXPECT_FALSE(RecordFromJson(j, {.expected_type = RecordType::kPerson}).ok());
  Json k = {{"person", {{"name", "Asif"}}}};
  EXPECT_TRUE(RecordFromJson(k, {.expected_type = RecordType::kPerson}).ok());
}

TEST(RecordJsonTest, BadDateNamesField) {
  Json j = {{"type", "person"}, {"person", {{"name", "Asif"}, {"dob", "21/03/1985"}}}};
  auto r = RecordFromJson(j);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(absl::StartsWith(r.status().message(), "person.dob")) << r.status();
}

}  // namespace
}  // namespace liaison::records
