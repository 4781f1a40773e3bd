// One name token prepared for fast comparison, and the similarity between
// two prepared tokens.
//
// Every token, whatever its script, is compared through Latin "matching
// keys": lowercase ASCII with the spelling variation of romanised South
// Asian and Italian names folded away (ph→f, ee→i, oo→u, q→k, ck→k, doubled
// letters collapsed, ...). A Latin token has one key. An Urdu/Arabic-script
// token has up to kMaxForms keys: the most probable romanisations under the
// learned UrduLatinModel, each with its log-probability. The consonant
// skeleton of each key (vowels dropped after the first letter) is kept too.
//
// Thread-safety: TokenForms is a value type; functions are pure.
#ifndef LIAISON_NAMES_NAME_TOKEN_H_
#define LIAISON_NAMES_NAME_TOKEN_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "names/urdu_latin_model.h"

namespace liaison::names {

// A short ASCII string stored inline (no allocation in the hot path).
class ShortKey {
 public:
  static constexpr size_t kCapacity = 23;
  ShortKey() = default;
  explicit ShortKey(std::string_view s) { Assign(s); }
  void Assign(std::string_view s) {
    len_ = static_cast<uint8_t>(s.size() < kCapacity ? s.size() : kCapacity);
    for (size_t i = 0; i < len_; ++i) data_[i] = s[i];
  }
  std::string_view view() const { return std::string_view(data_.data(), len_); }
  size_t size() const { return len_; }
  bool empty() const { return len_ == 0; }
  bool operator==(const ShortKey& o) const { return view() == o.view(); }

 private:
  std::array<char, kCapacity> data_{};
  uint8_t len_ = 0;
};

// Folds a lowercase a-z romanisation into its matching key (see above).
// Characters other than a-z are dropped.
std::string LatinMatchingKey(std::string_view latin);

// The consonant skeleton of a matching key: first letter kept, later vowels
// (a e i o u y) dropped, runs collapsed. "muhamad" → "mhmd".
std::string ConsonantSkeleton(std::string_view key);

struct TokenForms {
  static constexpr int kMaxForms = 4;
  std::array<ShortKey, kMaxForms> keys;
  std::array<ShortKey, kMaxForms> skeletons;
  std::array<float, kMaxForms> penalty{};  // subtracted from similarity (less likely forms)
  // Letter counts of each key (a-z, padded to 32), for a cheap upper bound
  // on Jaro-Winkler before computing it.
  std::array<std::array<uint8_t, 32>, kMaxForms> counts{};
  // Element-wise maximum of `counts` and the shortest key length: one bound
  // for all forms at once.
  std::array<uint8_t, 32> max_counts{};
  uint8_t min_length = 0;
  std::array<uint8_t, 32> skel_max_counts{};  // the same for the skeletons
  uint8_t skel_min_length = 0;
  uint8_t num_forms = 0;
  bool from_arabic_script = false;
  ShortKey raw;             // Latin token: its letters as written (folded)
  float best_log_prob = 0;  // Urdu token: log P of its most probable reading
  // Folded Arabic-script letters when the token was written in that script
  // (compared directly when both tokens are).
  std::u32string arabic;

  // A Latin token (already folded to lowercase ASCII letters).
  static TokenForms FromLatin(std::string_view latin);
  // An Urdu/Arabic-script token (folded letters), romanised by `model`.
  static TokenForms FromUrdu(std::u32string_view folded, const UrduLatinModel& model);
};

// Similarity in [0,1] of two prepared tokens: the best agreement over their
// forms, from Jaro-Winkler on matching keys and on consonant skeletons
// (the skeleton weighs more across scripts). With `model`, an Urdu token and
// a Latin one that look alike are also scored by how probable the Latin
// spelling is as a romanisation of the Urdu word (UrduLatinModel::LogProb),
// and the two views are averaged.
double TokenSimilarity(const TokenForms& a, const TokenForms& b,
                       const UrduLatinModel* model = nullptr);

// TokenSimilarity when it can reach `at_least`; otherwise a value below
// `at_least` (possibly 0) found cheaply from the letters the keys share.
// The matcher uses it to skip most dissimilar pairs without Jaro-Winkler.
double TokenSimilarityAtLeast(const TokenForms& a, const TokenForms& b, double at_least,
                              const UrduLatinModel* model = nullptr);

// What the cheapest bound on TokenSimilarityAtLeast reads of a token, in
// one cache line: an index keeps one per held token in an array, so that
// most dissimilar pairs are dismissed without touching the tokens.
struct alignas(64) TokenSketch {
  // Bytes 0-25: TokenForms::max_counts (a-z); 26: min_length; 27:
  // skel_min_length; 28: flags. Bytes 32-57: skel_max_counts; the rest 0.
  std::array<uint8_t, 64> bytes{};
  static constexpr uint8_t kArabicScript = 1;

  static TokenSketch Of(const TokenForms& t);
};

// False only if TokenSimilarityAtLeast(a, b, at_least, model) is certainly
// below `at_least` (`with_model`: a model is passed). Pairs of two
// Arabic-script tokens are never dismissed (they are also compared letter
// by letter).
bool SimilarityMayReach(const TokenSketch& a, const TokenSketch& b, double at_least,
                        bool with_model);

}  // namespace liaison::names

#endif  // LIAISON_NAMES_NAME_TOKEN_H_
