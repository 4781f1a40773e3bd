// The person matcher: prepares persons once, then compares prepared persons
// quickly, with a score in [0,1] and an explanation an officer can check.
//
//   Matcher matcher;                                    // default options
//   ASSIGN_OR_RETURN(PreparedPerson a, matcher.Prepare(input_a));
//   ASSIGN_OR_RETURN(PreparedPerson b, matcher.Prepare(input_b));
//   double s = matcher.Score(a, b);                     // hot path
//   MatchResult r = matcher.Compare(a, b);              // with explanation
//   r.summary  → "name 0.93: asif~آصف (transliteration), muhammad=muhammad;
//                 dob same full date +2.5; father bashir ahmad~بشیر احمد +1.8"
//
// Scoring is additive evidence in log-odds "points": each name-token pair,
// the date of birth, gender, father's name, nationality, identity numbers
// and codice fiscale consistency add or remove points; the score is the
// logistic of the sum plus a bias. Name-token points scale with how rare the
// token is (name_frequency.h). docs/matching.md describes every rule.
//
// The index (issue 5) uses BlockingKeys() to retrieve candidates and
// Score() to rank them; NameFrequencyBuilder + AddTokens() recompute token
// weights from a population.
//
// Thread-safety: a Matcher is immutable after construction; Prepare, Score,
// Compare and BlockingKeys may be called concurrently from any number of
// threads. PreparedPerson is a value; share it read-only.
#ifndef LIAISON_MATCH_MATCHER_H_
#define LIAISON_MATCH_MATCHER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "match/name_frequency.h"
#include "match/person.h"
#include "names/birth_date.h"
#include "names/identity_number.h"
#include "names/name_parser.h"

namespace liaison::match {

// The operating point the project recommends: chosen on synthetic data with
// seeds 7, 11, 13 and 17 (bench/match_quality), reported on another seed in
// bench/results/match.md.
inline constexpr double kDefaultThreshold = 0.66;

// The scoring model's largest contributions, for indexes that skip
// candidates which cannot reach a threshold (src/screening). Points are
// log-odds units; docs/matching.md explains each.
namespace points {
inline constexpr double kBias = -4.0;
inline constexpr double kNameScale = 0.35;  // per unit of token weight, exact pair
inline constexpr double kInitialPoints = 0.4;
inline constexpr double kTitlePoints = 0.3;
inline constexpr double kFatherMax = 4.0;         // father's (or husband's) name, at most
inline constexpr double kRelativeInName = 0.35;   // a name token matching the other's father
inline constexpr double kRelativeScale = 0.8;     // a father's name pair, relative to a name pair
inline constexpr double kDobMax = 5.0;            // same full date
inline constexpr double kDobMonthDiffers = -1.0;  // same year, another month
inline constexpr double kDobNearYear = -2.0;      // a year or two off, day or month differ
inline constexpr double kDobConflict = -4.5;
inline constexpr double kIdIdentical = 7.0;
inline constexpr double kIdOneEdit = 2.0;
// Gender, nationality and codice fiscale letters together, at most.
inline constexpr double kSmallFeaturesMax = 0.3;
}  // namespace points

// Limits on one person; extra names, ids or nationalities are ignored.
inline constexpr size_t kMaxNamesPerPerson = 8;
inline constexpr size_t kMaxIdsPerPerson = 8;
inline constexpr size_t kMaxNationalities = 4;

// One prepared name token. Tokens are immutable once prepared and shared:
// persons hold them by pointer, so an index can keep one copy of each
// distinct token (TokenPool) instead of one per person.
struct TokenData {
  names::TokenForms forms;
  names::TokenRole role = names::TokenRole::kName;
  float weight = 1.0f;  // information weight from the frequency table
  std::string text;     // folded token as written, for explanations
  // Codice fiscale letter codes of this token read as surname / given name.
  char cf_surname[3] = {0, 0, 0};
  char cf_name[3] = {0, 0, 0};
  // Dense number of the token in its TokenPool; kNotPooled otherwise.
  uint32_t pool_id = kNotPooled;
  static constexpr uint32_t kNotPooled = UINT32_MAX;
};
using PreparedToken = std::shared_ptr<const TokenData>;

struct PreparedName {
  std::vector<PreparedToken> tokens;    // own name
  std::vector<PreparedToken> relative;  // after s/o, d/o, w/o, bin ...
  names::Relation relation = names::Relation::kNone;
};

struct PreparedId {
  std::string scheme;  // canonical (names::CanonicalIdScheme)
  std::string value;   // canonical (names::CanonicalIdValue)
};

struct PreparedPerson {
  std::vector<PreparedName> names;    // primary first, then aliases
  std::vector<PreparedToken> father;  // father's name (field or s/o, d/o, bin)
  std::vector<PreparedToken> spouse;  // husband's name (w/o)
  names::BirthDate dob;
  char gender = 0;                         // 'M', 'F' or 0 when unknown (X counts as unknown)
  std::vector<std::string> nationalities;  // upper case, sorted
  std::vector<PreparedId> ids;
  std::optional<names::CodiceFiscale> codice_fiscale;  // first valid one
  char id_sex = 0;  // sex implied by a CNIC or codice fiscale, if any
};

// One name-token pairing in an explanation.
struct TokenMatch {
  std::string a;  // token of the first person (folded form)
  std::string b;  // token of the second person
  double similarity = 0;
  std::string how;  // "exact", "spelling variant", "transliteration", "initial", "title", ...
  double points = 0;
};

// One piece of non-name evidence.
struct FeatureEvidence {
  std::string feature;  // "dob", "gender", "father", "spouse", "nationality", "id:cnic", ...
  std::string detail;   // "same full date", "1985-03-07 vs 1985-07-03", ...
  double points = 0;
};

struct MatchExplanation {
  size_t name_a = 0;  // which of the first person's names (0 = primary) was used
  size_t name_b = 0;
  std::vector<TokenMatch> tokens;        // paired tokens
  std::vector<std::string> unmatched_a;  // own-name tokens left unpaired
  std::vector<std::string> unmatched_b;
  double name_points = 0;
  std::vector<FeatureEvidence> features;
  double bias = 0;
  double total_points = 0;
};

struct MatchResult {
  double score = 0;    // in [0,1]
  bool match = false;  // score >= the matcher's threshold
  MatchExplanation explanation;
  // One line for a CSV "reasons" column.
  std::string summary;
};

struct MatcherOptions {
  double threshold = kDefaultThreshold;
};

// A candidate-retrieval key: persons sharing no key are unlikely to match.
// `weight` is the token's information weight (common-name keys retrieve
// many candidates and may be treated differently by an index).
struct BlockingKey {
  std::string key;
  float weight = 0;
};

// A memo of token-pair similarities, for scoring one query against many
// persons whose tokens are shared (TokenPool): the same pairs of tokens come
// back again and again. Keys are token addresses, so a cache must not
// outlive the tokens it has seen (use one per query, or clear it).
//
// Thread-safety: not thread-safe; use one per thread.
class SimilarityCache {
 public:
  void Clear() { map_.clear(); }
  size_t size() const { return map_.size(); }

  // The similarity of (a, b) computed with threshold `at_least`, computing
  // it with `compute` unless a value computed with a threshold no higher is
  // held (below its threshold a value is only known to be below it).
  template <typename F>
  float Get(const void* a, const void* b, float at_least, F&& compute) {
    if (b < a) std::swap(a, b);
    auto [it, inserted] = map_.try_emplace(std::make_pair(a, b), Entry{});
    if (inserted || it->second.at_least > at_least) it->second = {compute(), at_least};
    return it->second.value;
  }

 private:
  struct Entry {
    float value = 0;
    float at_least = 0;
  };
  absl::flat_hash_map<std::pair<const void*, const void*>, Entry> map_;
};

class Matcher {
 public:
  // Built-in frequency table and the built-in Urdu model.
  Matcher();
  explicit Matcher(MatcherOptions options);
  Matcher(MatcherOptions options, NameFrequencyTable frequencies,
          const names::UrduLatinModel* model = &names::UrduLatinModel::Default());
  ~Matcher();
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;

  // Parses and prepares a person. Returns InvalidArgument (naming the field)
  // for invalid UTF-8 or over-long names, or a malformed date of birth; a
  // person must have at least one name with a usable token.
  absl::StatusOr<PreparedPerson> Prepare(const PersonInput& person) const;

  // At least the points Score gives for everything but names and fathers'
  // (or husbands') names: date of birth, gender, nationality, identity
  // numbers, codice fiscale. Cheap; for indexes that skip candidates.
  static double EvidenceBound(const PreparedPerson& a, const PreparedPerson& b);

  // Points the date-of-birth rule gives two dates (0 when either is unknown).
  static double DateOfBirthPoints(const names::BirthDate& a, const names::BirthDate& b);
  // The points of two identity numbers of one scheme (canonical values):
  // identical, one edit apart (a typo), or different.
  static double IdPairPoints(std::string_view scheme, std::string_view a, std::string_view b);

  // The most points a pair of name tokens earns, as a share of an exact
  // pair's (kNameScale times the lighter token's weight): 0 at the pairing
  // floor, 1 from a similarity of 0.94. Indexes bound a pair's points by it.
  static double SimilarityShare(double similarity);

  // False only if TokenSimilarity of two name tokens (not titles or
  // initials), given by their names::TokenSketch::Of, is certainly below the
  // pairing floor. Reads one cache line of each.
  static bool NameTokensMayPair(const names::TokenSketch& a, const names::TokenSketch& b);

  // Similarity in [0,1] of two name tokens as the scorer sees them; values
  // below the pairing floor (0.80) are reported as they fall, or 0.
  double TokenSimilarity(const PreparedToken& a, const PreparedToken& b,
                         SimilarityCache* cache = nullptr) const;

  // Score in [0,1]; symmetric. No allocation in the common case.
  double Score(const PreparedPerson& a, const PreparedPerson& b) const;
  // The same, remembering token similarities in `cache` (see above).
  double Score(const PreparedPerson& a, const PreparedPerson& b, SimilarityCache* cache) const;

  // Score with its explanation and one-line summary.
  MatchResult Compare(const PreparedPerson& a, const PreparedPerson& b) const;

  // Candidate-retrieval keys of a person (deduplicated): for every name
  // token (own names, aliases; not titles or initials), for each of its
  // romanised forms, its TokenKeys (below); plus "id:" + scheme + ":" + value for each
  // identity number. Two persons whose names match under Score share at
  // least one key in all but rare cases (bench/match_quality reports the
  // recall).
  std::vector<BlockingKey> BlockingKeys(const PreparedPerson& p) const;

  // The blocking keys of one name token, for each of its romanised forms:
  // "s:" consonant skeleton without h, "p:" first three letters, "q:" skeleton letters
  // sorted, "e:" last four letters of longer names; none for titles and
  // initials. Appended to `keys` without duplicates.
  static void TokenKeys(const PreparedToken& t, std::vector<std::string>* keys);
  // The blocking key of an identity number.
  static std::string IdKey(const PreparedId& id);

  // `t` with the weight this matcher's frequency table gives it (a token
  // prepared by another matcher, e.g. before a population table was built).
  PreparedToken Reweigh(const PreparedToken& t) const;

  // Adds the tokens of a prepared person to a frequency builder.
  static void AddTokens(const PreparedPerson& p, NameFrequencyBuilder* builder);

  double threshold() const { return options_.threshold; }
  const names::NameParser& parser() const { return *parser_; }
  const NameFrequencyTable& frequencies() const { return frequencies_; }

 private:
  double Evaluate(const PreparedPerson& a, const PreparedPerson& b, MatchExplanation* ex,
                  SimilarityCache* cache) const;
  absl::StatusOr<std::vector<PreparedToken>> PrepareTokens(
      const std::vector<names::ParsedToken>& tokens) const;
  PreparedToken PrepareToken(const names::ParsedToken& t) const;
  float WeightOf(const names::TokenForms& forms, names::TokenRole role) const;

  MatcherOptions options_;
  NameFrequencyTable frequencies_;
  std::unique_ptr<names::NameParser> parser_;
};

}  // namespace liaison::match

#endif  // LIAISON_MATCH_MATCHER_H_
