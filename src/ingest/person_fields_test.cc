#include "ingest/person_fields.h"

#include <gtest/gtest.h>

#include <sstream>

#include "absl/strings/match.h"

namespace liaison::ingest {
namespace {

using records::Person;

TEST(PersonFieldsTest, ParsesEveryContractColumn) {
  std::istringstream in(
      "name,id,aliases,father_name,dob,gender,nationality,id_numbers,crime_area,handling_code,"
      "alert,extra\n"
      "محمد آصف,L-1,Muhammad Asif|M. Asif,بشیر احمد,1985-03,m,pk,"
      "cnic:35202-1234567-1;passport:ab1234567,narcotics,H2,wanted,x\n");
  auto reader = *CsvReader::FromStream(in, "w.csv");
  auto cols = PersonColumns::Resolve(*reader, "", true);
  ASSERT_TRUE(cols.ok()) << cols.status();
  CsvRow row;
  ASSERT_TRUE(*reader->Next(row));
  auto rec = cols->Parse(*reader, row, {});
  ASSERT_TRUE(rec.ok()) << rec.status();
  const Person& p = std::get<Person>(rec->body);
  EXPECT_EQ(rec->meta.source_id, "L-1");
  EXPECT_EQ(p.name, "محمد آصف");
  EXPECT_EQ(p.aliases, (std::vector<std::string>{"Muhammad Asif", "M. Asif"}));
  EXPECT_EQ(p.dob, (records::PartialDate{1985, 3, 0}));
  EXPECT_EQ(p.gender, "M");
  EXPECT_EQ(p.nationalities, (std::vector<std::string>{"PK"}));
  ASSERT_EQ(p.id_numbers.size(), 2u);
  EXPECT_EQ(p.id_numbers[0].value, "3520212345671");
  EXPECT_EQ(p.id_numbers[1].value, "AB1234567");
  EXPECT_EQ(rec->meta.crime_area, records::CrimeArea::kNarcotics);
  EXPECT_EQ(rec->meta.handling_code, records::HandlingCode::kH2);
  EXPECT_EQ(rec->meta.alert, records::AlertKind::kWanted);
  EXPECT_EQ(rec->meta.subject_category, records::SubjectCategory::kSuspect);
}

TEST(PersonFieldsTest, AbsentColumnsTakeDefaults) {
  std::istringstream in("id,name\n7,Giulia Rossi\n");
  auto reader = *CsvReader::FromStream(in, "w.csv");
  auto cols = *PersonColumns::Resolve(*reader, "", true);
  CsvRow row;
  ASSERT_TRUE(*reader->Next(row));
  auto rec = cols.Parse(*reader, row,
                        {.crime_area = records::CrimeArea::kMissingPersons,
                         .handling_code = records::HandlingCode::kH0,
                         .alert = records::AlertKind::kMissingAdult});
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->meta.crime_area, records::CrimeArea::kMissingPersons);
  EXPECT_EQ(rec->meta.alert, records::AlertKind::kMissingAdult);
  EXPECT_EQ(rec->meta.subject_category, records::SubjectCategory::kMissingPerson);
  // Missing persons get the strictest handling unless the file gives a code.
  EXPECT_EQ(rec->meta.handling_code, records::HandlingCode::kH3);
  EXPECT_FALSE(rec->meta.handling_note.empty());
}

TEST(PersonFieldsTest, AGivenHandlingCodeWinsForVictims) {
  std::istringstream in("id,name,alert,handling_code\n1,A,trafficking_victim,H2\n");
  auto reader = *CsvReader::FromStream(in, "w.csv");
  auto cols = *PersonColumns::Resolve(*reader, "", true);
  CsvRow row;
  ASSERT_TRUE(*reader->Next(row));
  auto rec = cols.Parse(*reader, row, {});
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->meta.subject_category, records::SubjectCategory::kVictim);
  EXPECT_EQ(rec->meta.handling_code, records::HandlingCode::kH2);
}

TEST(PersonFieldsTest, BadValueNamesLineAndColumn) {
  std::istringstream in("id,name,dob\n1,A,1985-01-01\n2,B,31/12/1985\n");
  auto reader = *CsvReader::FromStream(in, "w.csv");
  auto cols = *PersonColumns::Resolve(*reader, "", true);
  CsvRow row;
  ASSERT_TRUE(*reader->Next(row));
  ASSERT_TRUE(cols.Parse(*reader, row, {}).ok());
  ASSERT_TRUE(*reader->Next(row));
  auto rec = cols.Parse(*reader, row, {});
  ASSERT_FALSE(rec.ok());
  EXPECT_TRUE(absl::StartsWith(rec.status().message(), "w.csv:3:3 (column 'dob')")) << rec.status();
}

TEST(PersonFieldsTest, UnknownIdSchemeIsAnError) {
  std::istringstream in("id,name,id_numbers\n1,A,ssn:123-45-6789\n");
  auto reader = *CsvReader::FromStream(in, "w.csv");
  auto cols = *PersonColumns::Resolve(*reader, "", true);
  CsvRow row;
  ASSERT_TRUE(*reader->Next(row));
  auto rec = cols.Parse(*reader, row, {});
  ASSERT_FALSE(rec.ok());
  EXPECT_TRUE(absl::StrContains(rec.status().message(), "column 'id_numbers'")) << rec.status();
  EXPECT_TRUE(absl::StrContains(rec.status().message(), "unknown scheme 'ssn'"));
}

TEST(PersonFieldsTest, SuffixedColumnsForPairFiles) {
  std::istringstream in("id,name_a,name_b,dob_b\n1,Asif,آصف,1985\n");
  auto reader = *CsvReader::FromStream(in, "p.csv");
  auto a = PersonColumns::Resolve(*reader, "_a", false);
  auto b = PersonColumns::Resolve(*reader, "_b", false);
  ASSERT_TRUE(a.ok() && b.ok());
  CsvRow row;
  ASSERT_TRUE(*reader->Next(row));
  EXPECT_EQ(std::get<Person>(a->Parse(*reader, row, {})->body).name, "Asif");
  EXPECT_EQ(std::get<Person>(b->Parse(*reader, row, {})->body).dob.year, 1985);
}

TEST(PersonFieldsTest, MissingNameColumnIsRefused) {
  std::istringstream in("id,full_name\n");
  auto reader = *CsvReader::FromStream(in, "w.csv");
  EXPECT_FALSE(PersonColumns::Resolve(*reader, "", true).ok());
}

TEST(PersonFlatJsonTest, AcceptsListsAndStrings) {
  Json j = {{"id", "9"},
            {"name", "Niccolò D'Angelo"},
            {"aliases", {"N. D'Angelo"}},
            {"nationality", "IT"},
            {"id_numbers", {{{"scheme", "passport"}, {"value", "YA1234567"}}}}};
  auto rec = PersonFromFlatJson(j, {});
  ASSERT_TRUE(rec.ok()) << rec.status();
  EXPECT_EQ(std::get<Person>(rec->body).aliases[0], "N. D'Angelo");
  EXPECT_EQ(std::get<Person>(rec->body).id_numbers[0].value, "YA1234567");
}

TEST(PersonFlatJsonTest, RejectsUnknownFieldsAndWrongTypes) {
  EXPECT_FALSE(PersonFromFlatJson({{"id", "1"}, {"name", "A"}, {"nick", "x"}}, {}).ok());
  EXPECT_FALSE(PersonFromFlatJson({{"id", "1"}, {"name", 5}}, {}).ok());
  EXPECT_FALSE(PersonFromFlatJson(Json::array(), {}).ok());
}

}  // namespace
}  // namespace liaison::ingest
