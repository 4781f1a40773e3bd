// How common each name token is, turned into the weight its agreement
// carries: agreeing on "Muhammad" or "Rossi" says little, on "Zarghoon" a
// lot. Weight = -ln(relative frequency), clamped to [kMinWeight, kMaxWeight].
//
// The built-in table holds approximate token frequencies for the names of
// the first deployment (Pakistan and Italy), written down from public name
// statistics; a node can recompute the table from its own data with
// NameFrequencyBuilder (the index of issue 5 does this for its population).
//
// Thread-safety: NameFrequencyTable is immutable and safe to share;
// NameFrequencyBuilder is not thread-safe.
#ifndef LIAISON_MATCH_NAME_FREQUENCY_H_
#define LIAISON_MATCH_NAME_FREQUENCY_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "names/name_parser.h"

namespace liaison::match {

inline constexpr float kMinWeight = 1.0f;
inline constexpr float kMaxWeight = 11.0f;

class NameFrequencyTable {
 public:
  // A table with no entries: every token gets the unknown-token weight.
  NameFrequencyTable() = default;

  // The built-in table.
  static NameFrequencyTable BuiltIn();

  // From token counts keyed by matching key (names::LatinMatchingKey) over a
  // population of `total_tokens` tokens. Tokens never seen get the weight of
  // a token seen `unseen_count` times (default 0.5).
  static NameFrequencyTable FromCounts(absl::flat_hash_map<std::string, uint64_t> counts,
                                       uint64_t total_tokens, double unseen_count = 0.5);

  // Weight of a token by its matching key.
  float Weight(std::string_view key) const;
  // Relative frequency of a token (0 when unknown).
  double Frequency(std::string_view key) const;
  float unknown_weight() const { return unknown_weight_; }
  size_t size() const { return weights_.size(); }

 private:
  friend class NameFrequencyBuilder;
  absl::flat_hash_map<std::string, float> weights_;
  absl::flat_hash_map<std::string, double> frequency_;
  float unknown_weight_ = 10.0f;
};

// Counts tokens over a population, e.g. every name of a node's persons.
class NameFrequencyBuilder {
 public:
  // Adds one occurrence of the token with matching key `key`.
  void Add(std::string_view key);
  // Adds every token of a parsed name (own name and relative).
  void AddName(const names::ParsedName& name);
  NameFrequencyTable Build() const;
  // `prior` adjusted to this population: a token counted at least
  // `min_count` times takes the smaller of its prior weight and its weight
  // here, so names common among the persons searched count for less; other
  // tokens keep their prior weight (a few occurrences say nothing reliable).
  NameFrequencyTable BuildOver(const NameFrequencyTable& prior, uint64_t min_count = 25) const;
  uint64_t total() const { return total_; }

 private:
  absl::flat_hash_map<std::string, uint64_t> counts_;
  uint64_t total_ = 0;
};

}  // namespace liaison::match

#endif  // LIAISON_MATCH_NAME_FREQUENCY_H_
