#include "names/name_token.h"

#include <algorithm>
#include <cmath>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "names/string_metrics.h"

namespace liaison::names {
namespace {

std::array<uint8_t, 32> LetterCounts(std::string_view key) {
  std::array<uint8_t, 32> counts{};
  for (char c : key) {
    if (c >= 'a' && c <= 'z') ++counts[c - 'a'];
  }
  return counts;
}

// Upper bound on the Jaro-Winkler similarity of two keys: at most the
// letters they share (as multisets) can match.
inline __attribute__((always_inline)) unsigned SharedLetters(const std::array<uint8_t, 32>& ca,
                                                             const std::array<uint8_t, 32>& cb) {
#ifdef __SSE2__
  const __m128i a0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(ca.data()));
  const __m128i a1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(ca.data() + 16));
  const __m128i b0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(cb.data()));
  const __m128i b1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(cb.data() + 16));
  const __m128i sum = _mm_add_epi64(_mm_sad_epu8(_mm_min_epu8(a0, b0), _mm_setzero_si128()),
                                    _mm_sad_epu8(_mm_min_epu8(a1, b1), _mm_setzero_si128()));
  return static_cast<unsigned>(_mm_cvtsi128_si64(sum) + _mm_extract_epi16(sum, 4));
#else
  unsigned m = 0;
  for (int i = 0; i < 32; ++i) m += ca[i] < cb[i] ? ca[i] : cb[i];
  return m;
#endif
}

// The bound for keys of lengths la and lb sharing m letters.
inline __attribute__((always_inline)) double JaroWinklerBoundOf(size_t la, size_t lb, unsigned m) {
  if (la == 0 || lb == 0 || m == 0) return 0;
  const double dm = m;
  const double j = (dm / la + dm / lb + 1.0) / 3.0;
  return j > 0.7 ? j + 0.4 * (1.0 - j) : j;
}

inline __attribute__((always_inline)) double JaroWinklerBound(size_t la,
                                                              const std::array<uint8_t, 32>& ca,
                                                              size_t lb,
                                                              const std::array<uint8_t, 32>& cb) {
  if (la == 0 || lb == 0) return 0;
  return JaroWinklerBoundOf(la, lb, SharedLetters(ca, cb));
}

// Weight of the matching key against the consonant skeleton, within one
// script and across scripts.
constexpr double kKeyWeight = 0.75;
constexpr double kCrossKeyWeight = 0.4;
// Model refinement across scripts (see ModelSimilarity).
constexpr double kRefineFrom = 0.7;
constexpr double kModelSlope = 0.12;
constexpr double kModelSlack = 0.3;

bool IsVowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

}  // namespace

std::string LatinMatchingKey(std::string_view in) {
  std::string s;
  s.reserve(in.size());
  for (char c : in) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c >= 'a' && c <= 'z') s.push_back(c);
  }
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const char n = i + 1 < s.size() ? s[i + 1] : '\0';
    if (c == 'p' && n == 'h') {
      out.push_back('f');
      ++i;
    } else if (c == 'e' && n == 'e') {
      out.push_back('i');
      ++i;
    } else if (c == 'o' && (n == 'o' || n == 'u')) {
      out.push_back('u');
      ++i;
    } else if (c == 'c' && n == 'k') {
      out.push_back('k');
      ++i;
    } else if (c == 'q') {
      out.push_back('k');
    } else if (c == 'w' && (out.empty() || !IsVowel(out.back())) && n != 'h' && n != '\0' &&
               !IsVowel(n)) {
      out.push_back('u');  // "w" between consonants is a vowel
    } else if (c == 'y' && n == '\0' && !out.empty()) {
      out.push_back('i');  // final y sounds i: Aly, Chaudhry
    } else {
      out.push_back(c);
    }
  }
  // Collapse doubled letters (Muhammad/Muhamad, Hussain/Husain).
  std::string collapsed;
  collapsed.reserve(out.size());
  for (char c : out) {
    if (collapsed.empty() || collapsed.back() != c) collapsed.push_back(c);
  }
  return collapsed;
}

std::string ConsonantSkeleton(std::string_view key) {
  std::string out;
  for (size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    const char next = i + 1 < key.size() ? key[i + 1] : '\0';
    if (i > 0 && IsVowel(c)) continue;
    if (i == 0 && IsVowel(c)) c = 'a';  // initial vowel: one class
    if (c == 'h' && i > 0) {
      // Aspiration and Arabic-letter digraphs (th, dh, bh) and a final h
      // (Abdullah/Abdulla) carry little; kh, gh, sh, ch, zh stay.
      const char prev = key[i - 1];
      if (next == '\0' || prev == 't' || prev == 'd' || prev == 'b' || prev == 'p' || prev == 'j' ||
          prev == 'r' || IsVowel(prev)) {
        if (next == '\0' || !IsVowel(prev)) continue;
      }
    }
    if (c == 'w') c = 'v';
    if (c == 'c' && next != 'h') c = 'k';
    if (!out.empty() && out.back() == c) continue;
    out.push_back(c);
  }
  return out;
}

TokenForms TokenForms::FromLatin(std::string_view latin) {
  TokenForms t;
  const std::string key = LatinMatchingKey(latin);
  t.keys[0].Assign(key);
  t.raw.Assign(latin);
  t.skeletons[0].Assign(ConsonantSkeleton(key));
  t.counts[0] = LetterCounts(t.keys[0].view());
  t.max_counts = t.counts[0];
  t.min_length = static_cast<uint8_t>(t.keys[0].size());
  t.skel_max_counts = LetterCounts(t.skeletons[0].view());
  t.skel_min_length = static_cast<uint8_t>(t.skeletons[0].size());
  t.num_forms = 1;
  return t;
}

TokenForms TokenForms::FromUrdu(std::u32string_view folded, const UrduLatinModel& model) {
  TokenForms t;
  t.from_arabic_script = true;
  t.arabic.assign(folded.begin(), folded.end());
  const auto romanisations = model.Romanise(folded, kMaxForms * 2);
  if (romanisations.empty()) return t;
  const double best = romanisations[0].log_prob;
  t.best_log_prob = static_cast<float>(best);
  for (const auto& r : romanisations) {
    if (t.num_forms >= kMaxForms) break;
    const std::string key = LatinMatchingKey(r.latin);
    bool duplicate = false;
    for (int i = 0; i < t.num_forms; ++i) duplicate |= t.keys[i].view() == key;
    if (duplicate) continue;
    // Less probable readings count a little less.
    const double drop = best - r.log_prob;
    if (t.num_forms > 0 && drop > 4.0) break;
    t.keys[t.num_forms].Assign(key);
    t.skeletons[t.num_forms].Assign(ConsonantSkeleton(key));
    t.counts[t.num_forms] = LetterCounts(t.keys[t.num_forms].view());
    for (int k = 0; k < 32; ++k) {
      t.max_counts[k] = std::max(t.max_counts[k], t.counts[t.num_forms][k]);
    }
    t.min_length = t.num_forms == 0 ? static_cast<uint8_t>(t.keys[0].size())
                                    : std::min<uint8_t>(t.min_length, t.keys[t.num_forms].size());
    const auto skel_counts = LetterCounts(t.skeletons[t.num_forms].view());
    for (int k = 0; k < 32; ++k) {
      t.skel_max_counts[k] = std::max(t.skel_max_counts[k], skel_counts[k]);
    }
    t.skel_min_length = t.num_forms == 0
                            ? static_cast<uint8_t>(t.skeletons[0].size())
                            : std::min<uint8_t>(t.skel_min_length, t.skeletons[t.num_forms].size());
    t.penalty[t.num_forms] = static_cast<float>(std::min(0.05, 0.01 * drop));
    ++t.num_forms;
  }
  return t;
}

namespace {

double QuickSimilarity(const TokenForms& a, const TokenForms& b) {
  if (a.from_arabic_script && b.from_arabic_script && !a.arabic.empty() && a.arabic == b.arabic) {
    return 1.0;
  }
  // Romanised Urdu guesses its vowels, so across scripts the consonant
  // skeleton carries more of the evidence.
  const double wk = a.from_arabic_script != b.from_arabic_script ? kCrossKeyWeight : kKeyWeight;
  double best = 0;
  for (int i = 0; i < a.num_forms; ++i) {
    for (int j = 0; j < b.num_forms; ++j) {
      const double key_sim = JaroWinklerSimilarity(a.keys[i].view(), b.keys[j].view());
      const double skel_sim = JaroWinklerSimilarity(a.skeletons[i].view(), b.skeletons[j].view());
      const double s = wk * key_sim + (1 - wk) * skel_sim - a.penalty[i] - b.penalty[j];
      best = std::max(best, s);
    }
  }
  return std::clamp(best, 0.0, 1.0);
}

double QuickSimilarityAtLeast(const TokenForms& a, const TokenForms& b, double at_least) {
  const bool both_arabic = a.from_arabic_script && b.from_arabic_script;
  if (both_arabic && !a.arabic.empty() && a.arabic == b.arabic) return 1.0;
  // Two Urdu spellings are compared letter by letter by the caller; their
  // best readings are enough here.
  const double wk = a.from_arabic_script != b.from_arabic_script ? kCrossKeyWeight : kKeyWeight;
  // One bound for all forms at once, from letter counts of keys and skeletons.
  if (wk * JaroWinklerBound(a.min_length, a.max_counts, b.min_length, b.max_counts) +
          (1 - wk) * JaroWinklerBound(a.skel_min_length, a.skel_max_counts, b.skel_min_length,
                                      b.skel_max_counts) <
      at_least) {
    return 0.0;
  }
  const int na = both_arabic ? std::min<int>(a.num_forms, 1) : a.num_forms;
  const int nb = both_arabic ? std::min<int>(b.num_forms, 1) : b.num_forms;
  double best = 0;
  for (int i = 0; i < na; ++i) {
    for (int j = 0; j < nb; ++j) {
      // Skeletons are short: compare them first, then bound the key part.
      const double skel_sim = JaroWinklerSimilarity(a.skeletons[i].view(), b.skeletons[j].view());
      const double bound =
          wk * JaroWinklerBound(a.keys[i].size(), a.counts[i], b.keys[j].size(), b.counts[j]) +
          (1 - wk) * skel_sim - a.penalty[i] - b.penalty[j];
      if (bound < at_least || bound <= best) continue;
      const double key_sim = JaroWinklerSimilarity(a.keys[i].view(), b.keys[j].view());
      best = std::max(best, wk * key_sim + (1 - wk) * skel_sim - a.penalty[i] - b.penalty[j]);
    }
  }
  return std::clamp(best, 0.0, 1.0);
}

// How probable the Latin spelling is as a romanisation of the Urdu word,
// relative to the word's most probable reading, per Latin letter, mapped to
// [0,1]: the word's usual spellings score about 0.9-1.0.
double ModelSimilarity(const TokenForms& urdu, const TokenForms& latin,
                       const UrduLatinModel& model) {
  const std::string_view text = latin.raw.empty() ? latin.keys[0].view() : latin.raw.view();
  if (urdu.arabic.empty() || text.empty()) return 0;
  const double lp = model.LogProb(urdu.arabic, text);
  const double per_letter = (urdu.best_log_prob - lp) / (static_cast<double>(text.size()) + 1.0);
  return std::clamp(1.0 - kModelSlope * std::max(0.0, per_letter - kModelSlack), 0.0, 1.0);
}

double Refine(const TokenForms& a, const TokenForms& b, double quick, const UrduLatinModel* model) {
  if (model == nullptr || a.from_arabic_script == b.from_arabic_script || quick < kRefineFrom) {
    return quick;
  }
  const double m =
      a.from_arabic_script ? ModelSimilarity(a, b, *model) : ModelSimilarity(b, a, *model);
  return 0.5 * (quick + m);
}

}  // namespace

TokenSketch TokenSketch::Of(const TokenForms& t) {
  TokenSketch s;
  std::copy_n(t.max_counts.begin(), 26, s.bytes.begin());
  s.bytes[26] = t.min_length;
  s.bytes[27] = t.skel_min_length;
  s.bytes[28] = t.from_arabic_script ? kArabicScript : 0;
  std::copy_n(t.skel_max_counts.begin(), 26, s.bytes.begin() + 32);
  return s;
}

bool SimilarityMayReach(const TokenSketch& a, const TokenSketch& b, double at_least,
                        bool with_model) {
  const bool arabic_a = a.bytes[28] & TokenSketch::kArabicScript;
  const bool arabic_b = b.bytes[28] & TokenSketch::kArabicScript;
  if (arabic_a && arabic_b) return true;
  // As TokenSimilarityAtLeast and QuickSimilarityAtLeast decide: across
  // scripts with a model, the quick similarity needs less.
  const double floor = with_model && arabic_a != arabic_b
                           ? std::min(at_least, std::max(kRefineFrom, 2 * at_least - 1))
                           : at_least;
  const double wk = arabic_a != arabic_b ? kCrossKeyWeight : kKeyWeight;
  unsigned keys = 0, skeletons = 0;
#ifdef __SSE2__
  // Letters shared by the keys (bytes 0-25) and by the skeletons (32-57).
  const __m128i* va = reinterpret_cast<const __m128i*>(a.bytes.data());
  const __m128i* vb = reinterpret_cast<const __m128i*>(b.bytes.data());
  const __m128i letters = _mm_set_epi8(0, 0, 0, 0, 0, 0, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
  const __m128i zero = _mm_setzero_si128();
  const __m128i k = _mm_add_epi64(
      _mm_sad_epu8(_mm_min_epu8(_mm_load_si128(va), _mm_load_si128(vb)), zero),
      _mm_sad_epu8(
          _mm_and_si128(_mm_min_epu8(_mm_load_si128(va + 1), _mm_load_si128(vb + 1)), letters),
          zero));
  const __m128i sk = _mm_add_epi64(
      _mm_sad_epu8(_mm_min_epu8(_mm_load_si128(va + 2), _mm_load_si128(vb + 2)), zero),
      _mm_sad_epu8(_mm_min_epu8(_mm_load_si128(va + 3), _mm_load_si128(vb + 3)), zero));
  keys = static_cast<unsigned>(_mm_cvtsi128_si64(k) + _mm_extract_epi16(k, 4));
  skeletons = static_cast<unsigned>(_mm_cvtsi128_si64(sk) + _mm_extract_epi16(sk, 4));
#else
  for (int i = 0; i < 26; ++i) {
    keys += std::min(a.bytes[i], b.bytes[i]);
    skeletons += std::min(a.bytes[32 + i], b.bytes[32 + i]);
  }
#endif
  return wk * JaroWinklerBoundOf(a.bytes[26], b.bytes[26], keys) +
             (1 - wk) * JaroWinklerBoundOf(a.bytes[27], b.bytes[27], skeletons) >=
         floor;
}

double TokenSimilarity(const TokenForms& a, const TokenForms& b, const UrduLatinModel* model) {
  return Refine(a, b, QuickSimilarity(a, b), model);
}

double TokenSimilarityAtLeast(const TokenForms& a, const TokenForms& b, double at_least,
                              const UrduLatinModel* model) {
  if (model == nullptr || a.from_arabic_script == b.from_arabic_script) {
    return QuickSimilarityAtLeast(a, b, at_least);
  }
  // The average with the model's view reaches `at_least` only if the quick
  // similarity reaches 2 * at_least - 1.
  const double quick =
      QuickSimilarityAtLeast(a, b, std::min(at_least, std::max(kRefineFrom, 2 * at_least - 1)));
  return Refine(a, b, quick, model);
}

}  // namespace liaison::names
