#include "records/validation.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"

namespace liaison::records {
namespace {

Record PersonRecord(Person p) {
  Record r;
  r.body = std::move(p);
  return r;
}

TEST(NormaliseIdNumberTest, CnicWithOrWithoutDashes) {
  EXPECT_EQ(*NormaliseIdNumber("cnic", "35202-1234567-1"), "3520212345671");
  EXPECT_EQ(*NormaliseIdNumber("cnic", "3520212345671"), "3520212345671");
  EXPECT_FALSE(NormaliseIdNumber("cnic", "35202-123456-1").ok());
  EXPECT_FALSE(NormaliseIdNumber("cnic", "35202-12345A7-1").ok());
}

TEST(NormaliseIdNumberTest, CodiceFiscaleCheckCharacter) {
  EXPECT_EQ(*NormaliseIdNumber("codice_fiscale", "rssmra85t10a562s"), "RSSMRA85T10A562S");
  auto bad = NormaliseIdNumber("codice_fiscale", "RSSMRA85T10A562T");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("expected S"), std::string::npos);
}

TEST(NormaliseIdNumberTest, PassportUpperCaseWithoutSeparators) {
  EXPECT_EQ(*NormaliseIdNumber("passport", "ab 123 4567"), "AB1234567");
  EXPECT_FALSE(NormaliseIdNumber("passport", "AB<1234567").ok());
}

TEST(NormalisePhoneTest, PakistaniAndItalianNationalForms) {
  EXPECT_EQ(*NormalisePhone("0300-1234567", "PK"), "+923001234567");
  EXPECT_EQ(*NormalisePhone("06 1234 5678", "IT"), "+390612345678");
  EXPECT_EQ(*NormalisePhone("0092 300 1234567", ""), "+923001234567");
  EXPECT_EQ(*NormalisePhone("+39 333 123 4567", ""), "+393331234567");
  EXPECT_FALSE(NormalisePhone("0300 1234567", "").ok());
  EXPECT_FALSE(NormalisePhone("call me", "PK").ok());
}

TEST(NormaliseRecordTest, PersonFieldsAreNormalised) {
  Person p;
  p.name = "  Muhammad Asif  ";
  p.gender = "m";
  p.nationalities = {"pk"};
  p.id_numbers = {{"CNIC", "35202-1234567-1", ""}};
  Record r = PersonRecord(p);
  ASSERT_TRUE(NormaliseRecord(r).ok());
  const Person& out = std::get<Person>(r.body);
  EXPECT_EQ(out.name, "Muhammad Asif");
  EXPECT_EQ(out.gender, "M");
  EXPECT_EQ(out.nationalities[0], "PK");
  EXPECT_EQ(out.id_numbers[0].scheme, "cnic");
  EXPECT_EQ(out.id_numbers[0].value, "3520212345671");
}

TEST(NormaliseRecordTest, ErrorsNameTheField) {
  Person p;
  p.name = "Asif";
  p.nationalities = {"PK", "XX"};
  Record r = PersonRecord(p);
  auto s = NormaliseRecord(r);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(absl::StartsWith(s.message(), "person.nationalities[1]")) << s.message();

  Person q;
  q.name = "Asif";
  q.id_numbers = {{"ssn", "123", ""}};
  Record r2 = PersonRecord(q);
  s = NormaliseRecord(r2);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(absl::StartsWith(s.message(), "person.id_numbers[0].scheme")) << s.message();
}

TEST(NormaliseRecordTest, RejectsInvalidUtf8AndControlCharacters) {
  Record r = PersonRecord(Person{.name = "Asif\xff"});
  EXPECT_FALSE(NormaliseRecord(r).ok());
  Record r2 = PersonRecord(Person{.name = "Asif\x01"});
  EXPECT_FALSE(NormaliseRecord(r2).ok());
}

TEST(RequireHandlingNoteTest, H3NeedsItsRestrictionsInText) {
  RecordMeta m;
  m.handling_code = HandlingCode::kH3;
  EXPECT_FALSE(RequireHandlingNote(m).ok());
  m.handling_note = "Not to be shared with customs.";
  EXPECT_TRUE(RequireHandlingNote(m).ok());
  m.handling_code = HandlingCode::kH2;
  m.handling_note.clear();
  EXPECT_TRUE(RequireHandlingNote(m).ok());
}

TEST(NormaliseRecordTest, VehicleNeedsPlateOrValidVin) {
  Record r;
  r.body = Vehicle{.plate = "lea-1234", .plate_country = "pk"};
  ASSERT_TRUE(NormaliseRecord(r).ok());
  EXPECT_EQ(std::get<Vehicle>(r.body).plate, "LEA1234");
  r.body = Vehicle{.vin = "1HGCM82633A00435O"};
  EXPECT_FALSE(NormaliseRecord(r).ok());
  r.body = Vehicle{};
  EXPECT_FALSE(NormaliseRecord(r).ok());
}

}  // namespace
}  // namespace liaison::records
