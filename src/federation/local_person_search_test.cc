#include "federation/local_person_search.h"

#include <gtest/gtest.h>

namespace liaison::federation {
namespace {

using records::CrimeArea;
using records::HandlingCode;

records::Record PersonRecord(std::string id, std::string name, std::string dob, CrimeArea area,
                             HandlingCode code) {
  records::Record r;
  r.meta.id = std::move(id);
  r.meta.crime_area = area;
  r.meta.handling_code = code;
  records::Person p;
  p.name = std::move(name);
  p.dob = *records::ParsePartialDate(dob);
  r.body = p;
  return r;
}

class LocalPersonSearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(search_
                    .Upsert(PersonRecord("per_narc", "Muhammad Asif", "1984-03-02",
                                         CrimeArea::kNarcotics, HandlingCode::kH1))
                    .ok());
    ASSERT_TRUE(search_
                    .Upsert(PersonRecord("per_terr", "Muhammad Asif", "1984-03-02",
                                         CrimeArea::kTerrorism, HandlingCode::kH3))
                    .ok());
    ASSERT_TRUE(search_
                    .Upsert(PersonRecord("per_other", "Niccolò D'Angelo", "1979-11-20",
                                         CrimeArea::kNarcotics, HandlingCode::kH0))
                    .ok());
  }

  std::vector<std::string> Find(std::string name, std::string dob, LocalSearchScope scope) {
    match::PersonInput input;
    input.names = {std::move(name)};
    input.dob = std::move(dob);
    auto query = matcher_.Prepare(input);
    EXPECT_TRUE(query.ok());
    auto hits = search_.Search(*query, scope);
    EXPECT_TRUE(hits.ok());
    std::vector<std::string> ids;
    for (const auto& h : *hits) ids.push_back(h.record_id);
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  static LocalSearchScope Scope(std::set<CrimeArea> areas, HandlingCode max) {
    LocalSearchScope s;
    s.crime_areas = std::move(areas);
    s.record_types = {records::RecordType::kPerson};
    s.max_handling_code = max;
    return s;
  }

  match::Matcher matcher_;
  IndexedPersonSearch search_{matcher_};
};

TEST_F(LocalPersonSearchTest, FindsWithinScopeOnly) {
  EXPECT_EQ(Find("Mohammad Asif", "1984-03-02",
                 Scope({CrimeArea::kNarcotics, CrimeArea::kTerrorism}, HandlingCode::kH3)),
            (std::vector<std::string>{"per_narc", "per_terr"}));
  EXPECT_EQ(Find("Mohammad Asif", "1984-03-02", Scope({CrimeArea::kNarcotics}, HandlingCode::kH3)),
            (std::vector<std::string>{"per_narc"}));
  // Above the handling code: invisible.
  EXPECT_EQ(Find("Mohammad Asif", "1984-03-02", Scope({CrimeArea::kTerrorism}, HandlingCode::kH2)),
            (std::vector<std::string>{}));
  EXPECT_EQ(Find("Mohammad Asif", "1984-03-02", Scope({}, HandlingCode::kH3)),
            (std::vector<std::string>{}));
}

TEST_F(LocalPersonSearchTest, NoRecordTypeNoSearch) {
  LocalSearchScope scope = Scope({CrimeArea::kNarcotics}, HandlingCode::kH3);
  scope.record_types = {records::RecordType::kVehicle};
  EXPECT_TRUE(Find("Muhammad Asif", "1984-03-02", scope).empty());
}

TEST_F(LocalPersonSearchTest, RemovedPersonsAreGone) {
  search_.Remove("per_narc");
  EXPECT_TRUE(Find("Muhammad Asif", "1984-03-02", Scope({CrimeArea::kNarcotics}, HandlingCode::kH3))
                  .empty());
  EXPECT_EQ(search_.size(), 2u);
}

}  // namespace
}  // namespace liaison::federation
