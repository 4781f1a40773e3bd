#include "audit/entry.h"

#include <string>

#include "audit/test_chain.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace liaison::audit {
namespace {

using ::testing::HasSubstr;

Event GoldenEvent() {
  Event e;
  e.actor_id = "usr_01";
  e.actor_name = "Niccolò D'Angelo";
  e.actor_role = "analyst";
  e.action = Action::kSearch;
  e.object_ids = {"per_7", "per_9"};
  e.query_hash = std::string(64, '0');
  e.purpose = "narcotics \"Operation Indus\"";
  e.case_ref = "ROM-2026-17";
  e.outcome = Outcome::kOk;
  e.details = Json::parse(R"({"hits":2,"partners":["node-lhr-01"]})");
  e.origin = "api";
  return e;
}

// The worked example in docs/audit-format.md; an independent verifier must
// reproduce these bytes and this hash.
constexpr char kGoldenNode[] = "node-rom-01";
constexpr char kGoldenGenesis[] =
    "2c65052a779e610d99ef1e6274b4080395220e45791017cecdc8692f176f764f";
constexpr char kGoldenText[] =
    R"({"action":"search","actor_id":"usr_01","actor_name":"Niccolò D'Angelo",)"
    R"("actor_role":"analyst","case_ref":"ROM-2026-17","details":{"hits":2,)"
    R"("partners":["node-lhr-01"]},"object_ids":["per_7","per_9"],"origin":"api",)"
    R"("outcome":"ok","outcome_text":"",)"
    R"("prev_hash":"2c65052a779e610d99ef1e6274b4080395220e45791017cecdc8692f176f764f",)"
    R"("purpose":"narcotics \"Operation Indus\"",)"
    R"("query_hash":"0000000000000000000000000000000000000000000000000000000000000000",)"
    R"("seq":1,"time":1795000000123})";
constexpr char kGoldenHash[] = "46df803d712512cf71e76cb24118d893674626002c94ede6bf28c9a6a4b513dd";

TEST(EntryTest, GoldenCanonicalTextAndHash) {
  EXPECT_EQ(GenesisHash(kGoldenNode), kGoldenGenesis);
  Entry entry = *Seal(GenesisHead(kGoldenNode), 1, 1795000000123, GoldenEvent());
  EXPECT_EQ(CanonicalEntryText(entry, HashField::kWithoutHash), kGoldenText);
  EXPECT_EQ(entry.hash, kGoldenHash);
}

TEST(EntryTest, SealLinksToThePreviousHead) {
  ChainHead genesis = GenesisHead("n");
  Entry a = *Seal(genesis, 1, 10, GoldenEvent());
  Entry b = *Seal(HeadOf(a), 2, 20, GoldenEvent());
  EXPECT_EQ(a.prev_hash, genesis.hash);
  EXPECT_EQ(b.prev_hash, a.hash);
  EXPECT_NE(a.hash, b.hash);
  EXPECT_TRUE(VerifyLink(genesis, a).ok());
  EXPECT_TRUE(VerifyLink(HeadOf(a), b).ok());
}

TEST(EntryTest, SealRejectsBadSeqTimeAndEvent) {
  ChainHead genesis = GenesisHead("n");
  EXPECT_FALSE(Seal(genesis, 2, 10, GoldenEvent()).ok());
  EXPECT_FALSE(Seal(genesis, 1, -1, GoldenEvent()).ok());
  Event bad = GoldenEvent();
  bad.purpose = "\xff";
  EXPECT_FALSE(Seal(genesis, 1, 10, bad).ok());
  EXPECT_FALSE(Seal(ChainHead{0, "xyz"}, 1, 10, GoldenEvent()).ok());
}

TEST(EntryTest, SealRefusesEntriesLongerThanAnExportLine) {
  Event big = GoldenEvent();
  big.object_ids.assign(kMaxObjectIds, std::string(kMaxObjectIdBytes, 'x'));
  ASSERT_TRUE(ValidateEvent(big).ok());
  absl::StatusOr<Entry> sealed = Seal(GenesisHead("n"), 1, 10, big);
  EXPECT_EQ(sealed.status().code(), absl::StatusCode::kInvalidArgument);
  big.object_ids.resize(400);  // about 53 KB: fits
  sealed = Seal(GenesisHead("n"), 1, 10, big);
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_TRUE(ParseEntryLine(CanonicalEntryText(*sealed, HashField::kWithHash)).ok());
}

TEST(EntryTest, VerifyLinkNamesWhatIsWrong) {
  ChainHead genesis = GenesisHead("n");
  Entry a = *Seal(genesis, 1, 10, GoldenEvent());
  EXPECT_THAT(VerifyLink(ChainHead{5, genesis.hash}, a).message(), HasSubstr("does not follow"));
  EXPECT_THAT(VerifyLink(GenesisHead("m"), a).message(), HasSubstr("does not link"));
  Entry changed = a;
  changed.event.purpose = "other";
  EXPECT_THAT(VerifyLink(genesis, changed).message(), HasSubstr("recorded hash"));
  EXPECT_EQ(VerifyLink(genesis, changed).code(), absl::StatusCode::kDataLoss);
}

TEST(EntryTest, EveryFieldIsCoveredByTheHash) {
  Entry base = *Seal(GenesisHead("n"), 1, 10, GoldenEvent());
  auto changes = std::vector<void (*)(Entry&)>{
      [](Entry& e) { e.seq = 2; },
      [](Entry& e) { e.time_ms += 1; },
      [](Entry& e) { e.prev_hash[0] = 'f'; },
      [](Entry& e) { e.event.actor_id += "x"; },
      [](Entry& e) { e.event.actor_name += "x"; },
      [](Entry& e) { e.event.actor_role += "x"; },
      [](Entry& e) { e.event.action = Action::kView; },
      [](Entry& e) { e.event.object_ids.pop_back(); },
      [](Entry& e) { e.event.query_hash[0] = '1'; },
      [](Entry& e) { e.event.purpose += "x"; },
      [](Entry& e) { e.event.case_ref += "x"; },
      [](Entry& e) { e.event.outcome = Outcome::kDenied; },
      [](Entry& e) { e.event.outcome_text = "x"; },
      [](Entry& e) { e.event.details["hits"] = 3; },
      [](Entry& e) { e.event.origin = "cli"; },
  };
  for (size_t i = 0; i < changes.size(); ++i) {
    Entry e = base;
    changes[i](e);
    EXPECT_NE(ComputeEntryHash(e), base.hash) << "change " << i;
  }
}

TEST(EntryTest, ParseEntryLineRoundTrips) {
  Entry a = *Seal(GenesisHead("n"), 1, 10, GoldenEvent());
  std::string line = CanonicalEntryText(a, HashField::kWithHash);
  auto parsed = ParseEntryLine(line);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(CanonicalEntryText(*parsed, HashField::kWithHash), line);
  EXPECT_EQ(parsed->hash, a.hash);
}

TEST(EntryTest, ParseEntryLineNamesTheField) {
  Entry a = *Seal(GenesisHead("n"), 1, 10, GoldenEvent());
  std::string line = CanonicalEntryText(a, HashField::kWithHash);
  auto replace = [&](std::string_view from, std::string_view to) {
    std::string s = line;
    s.replace(s.find(from), from.size(), to);
    return ParseEntryLine(s).status();
  };
  EXPECT_THAT(replace("\"action\":\"search\"", "\"action\":\"peek\"").message(),
              HasSubstr("field 'action': unknown action 'peek'"));
  EXPECT_THAT(replace("\"time\":10", "\"time\":-10").message(), HasSubstr("field 'time'"));
  EXPECT_THAT(replace("\"origin\":\"api\"", "\"origin\":7").message(),
              HasSubstr("field 'origin': expected a string"));
  EXPECT_THAT(replace("\"origin\":\"api\",", "").message(), HasSubstr("field 'origin': missing"));
  EXPECT_THAT(replace("\"origin\"", "\"origin\":1,\"extra\"").message(),
              HasSubstr("field 'extra': unknown field"));
  EXPECT_THAT(replace("\"details\":{", "\"details\":{\"f\":1.5,").message(), HasSubstr("details"));
  EXPECT_EQ(ParseEntryLine(line, EntryLineLimits{.max_line_bytes = 10}).status().code(),
            absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace liaison::audit

namespace liaison::audit {
namespace {

TEST(CanonicalEntryLineTest, FastPathAgreesWithTheGeneralParser) {
  testing::ChainBuilder chain(3);
  chain.AppendSamples(30);
  Event odd = GoldenEvent();
  odd.purpose = std::string("tabs\tquotes\" back\\slash \x01 \x1f nul-free ✓ ") + "ڈ";
  odd.object_ids.clear();
  odd.details = Json::parse(R"({"a":{"b":[1,-2,null,true,"x\n"]},"hash":"not the hash"})");
  chain.Append(odd);
  for (const Entry& e : chain.entries()) {
    const std::string line = CanonicalEntryText(e, HashField::kWithHash);
    std::string contents_hash;
    std::optional<Entry> fast = ParseCanonicalEntryLine(line, &contents_hash);
    ASSERT_TRUE(fast.has_value()) << line;
    EXPECT_EQ(CanonicalEntryText(*fast, HashField::kWithHash), line);
    EXPECT_EQ(contents_hash, e.hash);
    EXPECT_EQ(contents_hash, ComputeEntryHash(*ParseEntryLine(line)));
  }
}

TEST(CanonicalEntryLineTest, FastPathRefusesAnythingNotCanonical) {
  Entry a = *Seal(GenesisHead("n"), 1, 10, GoldenEvent());
  const std::string line = CanonicalEntryText(a, HashField::kWithHash);
  std::string h;
  auto refuses = [&](std::string_view from, std::string_view to) {
    std::string s = line;
    size_t at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    s.replace(at, from.size(), to);
    return !ParseCanonicalEntryLine(s, &h).has_value();
  };
  EXPECT_TRUE(refuses("\"seq\":1", "\"seq\":01"));
  EXPECT_TRUE(refuses("\"seq\":1", "\"seq\":1.0"));
  EXPECT_TRUE(refuses(",\"origin\"", ", \"origin\""));
  EXPECT_TRUE(refuses("\"origin\":\"api\"", "\"origin\":\"\\u0061pi\""));
  EXPECT_TRUE(refuses("\"origin\":\"api\"", "\"origin\":\"a\\/pi\""));
  EXPECT_TRUE(refuses("\"hits\":2,\"partners\"", "\"partners\":[],\"hits\":2,\"partners\""));
  EXPECT_TRUE(refuses("{\"hits\":2", "{\"hits\":2.5"));
  EXPECT_TRUE(refuses("\"action\":\"search\"", "\"action\":\"searched\""));
  EXPECT_TRUE(refuses("\"outcome\":\"ok\"", "\"outcome\":\"OK\""));
  EXPECT_TRUE(refuses("Niccolò", "Niccol\xc3"));
  EXPECT_TRUE(refuses("\"time\":1", "\"time\":-1"));
  EXPECT_TRUE(refuses("\"seq\":1", "\"seq\":0"));
  EXPECT_FALSE(ParseCanonicalEntryLine(line + " ", &h).has_value());
  EXPECT_TRUE(ParseCanonicalEntryLine(line, &h).has_value());
}

}  // namespace
}  // namespace liaison::audit
