// A learned channel model P(Latin spelling | Urdu word) for Urdu names.
//
// Urdu writes few vowels, and people romanise the same word in many ways
// (محمد → muhammad, mohammad, mohammed, muhammed). Hand rules cannot rank
// these well, so the model is estimated from human romanisations (the
// Dakshina lexicon, CC BY-SA 4.0) by tools/train_urdu_latin, which writes
// src/names/data/urdu_latin_model.tsv; the table is compiled into the
// library.
//
// The model: each Urdu letter, in its context (is the previous letter a
// vowel carrier or a consonant, or is it word-initial; is the next one a
// vowel carrier, a consonant, do-chashmi he, or the word end), emits a Latin
// string of 0 to kMaxEmission letters. A spelling's probability sums over all
// ways of cutting it into such emissions (a pair-HMM forward pass).
//
// Thread-safety: immutable after construction; all const methods are safe
// from any number of threads.
#ifndef LIAISON_NAMES_URDU_LATIN_MODEL_H_
#define LIAISON_NAMES_URDU_LATIN_MODEL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace liaison::names {

class UrduLatinModel {
 public:
  static constexpr int kMaxEmission = 3;
  static constexpr int kPrevClasses = 3;  // start, vowel carrier, consonant
  static constexpr int kNextClasses = 4;  // end, vowel carrier, consonant, do-chashmi he
  static constexpr int kMaxLetters = 64;
  // Longest Urdu and Latin strings scored; longer ones are truncated.
  static constexpr size_t kMaxUrdu = 32;
  static constexpr size_t kMaxLatin = 48;
  // Codes of Latin strings of length 0..3 over a-z.
  static constexpr int kCodesUpTo2 = 1 + 26 + 26 * 26;
  static constexpr int kCodes = kCodesUpTo2 + 26 * 26 * 26;

  // Parses a table written by tools/train_urdu_latin. Returns
  // InvalidArgument naming the line of a malformed entry.
  static absl::StatusOr<std::unique_ptr<UrduLatinModel>> FromTable(std::string_view tsv);

  // The model compiled into the library (built on first use, then shared).
  static const UrduLatinModel& Default();

  // Letter index of a folded Urdu code point in `letters` order (0 = unknown).
  int LetterId(char32_t cp) const;

  // The emission context of position `i` of `word` (folded Urdu letters).
  static int PrevClass(std::u32string_view word, size_t i);
  static int NextClass(std::u32string_view word, size_t i);
  static bool IsVowelCarrier(char32_t cp);

  // Code of a Latin string of length <= 3 (lowercase a-z), or -1.
  static int Code(std::string_view s);

  // Natural log of P(latin | urdu). `urdu` is folded Urdu letters, `latin`
  // lowercase a-z; other characters are skipped. Returns a large negative
  // number when the spelling is impossible under the model.
  double LogProb(std::u32string_view urdu, std::string_view latin) const;

  struct Romanisation {
    std::string latin;
    double log_prob = 0;
  };
  // The `n` most probable spellings (beam search), best first.
  std::vector<Romanisation> Romanise(std::u32string_view urdu, int n) const;

  // Smoothed emission log-probability.
  float EmissionLogProb(int context, int code) const;
  static int Context(int letter, int prev_class, int next_class) {
    return (letter * kPrevClasses + prev_class) * kNextClasses + next_class;
  }

 private:
  UrduLatinModel() = default;

  std::vector<char32_t> letters_;  // index -> code point (0 reserved)
  absl::flat_hash_map<char32_t, int> letter_ids_;
  std::vector<float> dense_;                   // context * kCodesUpTo2 + code
  absl::flat_hash_map<uint32_t, float> long_;  // (context << 16 | code - kCodesUpTo2)
  std::vector<float> floor_;                   // per context
  // Per context, the best emissions for beam search, sorted by probability.
  std::vector<std::vector<std::pair<int, float>>> top_;
};

// Decodes a code back to its Latin string.
std::string LatinOfCode(int code);

}  // namespace liaison::names

#endif  // LIAISON_NAMES_URDU_LATIN_MODEL_H_
