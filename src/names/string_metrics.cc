#include "names/string_metrics.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string_view>
#include <vector>

#include "absl/container/inlined_vector.h"

namespace liaison::names {
namespace {

template <typename View>
View Clip(View v) {
  return v.size() > kMaxMetricLength ? v.substr(0, kMaxMetricLength) : v;
}

// The Jaro score from the matching step's counts, and the Winkler prefix and
// long-string adjustments. Every path of JaroImpl ends here, so the order of
// the floating-point operations, and with it every result bit, is the same
// whichever way `common` and `trans` were counted.
template <typename View>
double JaroScore(View a, View b, size_t common, size_t trans, bool winklerize,
                 bool long_tolerance) {
  const size_t la = a.size();
  const size_t lb = b.size();
  const double c = static_cast<double>(common);
  double w = (c / la + c / lb + (c - trans) / c) / 3.0;
  if (winklerize && w > 0.7) {
    const size_t min_len = std::min(la, lb);
    const size_t limit = std::min<size_t>(min_len, 4);
    size_t p = 0;
    while (p < limit && a[p] == b[p]) ++p;
    if (p) w += p * 0.1 * (1.0 - w);
    if (long_tolerance && min_len > 4 && common > p + 1 && 2 * common >= min_len + p) {
      w += (1.0 - w) * ((c - p - 1) / (static_cast<double>(la + lb) - 2.0 * p + 2.0));
    }
  }
  return w;
}

// Pattern-match vectors of up to 64 bytes: bit j of Mask(c) is set when
// b[j] == c. Only the entries of bytes that occur in `a` or `b` are written
// (cleared, then set for `b`), so building one costs O(la + lb), not 256
// stores; Mask() may be asked only about bytes of `a` or `b`. Both strings
// must be non-empty.
class BytePatternTable {
 public:
  BytePatternTable(std::string_view a, std::string_view b) {
    // One loop clears both (a shorter string's last byte is cleared again),
    // saving a loop exit, which the branch predictor gets wrong as often
    // as not on names of varying lengths.
    const size_t la = a.size();
    const size_t lb = b.size();
    for (size_t k = 0; k < std::max(la, lb); ++k) {
      masks_[Index(a[std::min(k, la - 1)])] = 0;
      masks_[Index(b[std::min(k, lb - 1)])] = 0;
    }
    for (size_t j = 0; j < b.size(); ++j) masks_[Index(b[j])] |= uint64_t{1} << j;
  }
  uint64_t Mask(char ch) const { return masks_[Index(ch)]; }

 private:
  static size_t Index(char ch) { return static_cast<unsigned char>(ch); }
  uint64_t masks_[256];
};

// The same for code points: a small open-addressed table (128 slots, at most
// 64 distinct code points of `b`, so at most half full). A code point absent
// from `b` gets 0.
class CodePointPatternTable {
 public:
  CodePointPatternTable(std::u32string_view /*a*/, std::u32string_view b) {
    for (size_t j = 0; j < b.size(); ++j) {
      size_t slot = Slot(b[j]);
      while (used_[slot] && keys_[slot] != b[j]) slot = (slot + 1) % kSlots;
      if (!used_[slot]) {
        used_[slot] = true;
        keys_[slot] = b[j];
        masks_[slot] = 0;
      }
      masks_[slot] |= uint64_t{1} << j;
    }
  }
  uint64_t Mask(char32_t ch) const {
    for (size_t slot = Slot(ch); used_[slot]; slot = (slot + 1) % kSlots) {
      if (keys_[slot] == ch) return masks_[slot];
    }
    return 0;
  }

 private:
  static constexpr size_t kSlots = 128;
  static size_t Slot(char32_t ch) { return (static_cast<uint32_t>(ch) * 0x9E3779B1u) >> 25; }
  bool used_[kSlots] = {};
  char32_t keys_[kSlots];
  uint64_t masks_[kSlots];
};

template <typename View>
struct PatternTableFor;
template <>
struct PatternTableFor<std::string_view> {
  using Type = BytePatternTable;
};
template <>
struct PatternTableFor<std::u32string_view> {
  using Type = CodePointPatternTable;
};

// The matching step for strings of at most 64 elements, bit-parallel. For
// each a[i] in order it takes the lowest position of b that holds a[i], lies
// in the window [i - range, i + range] and is not matched yet: the same
// greedy first-unmatched-within-window rule as the scan in JaroImpl, so
// `common` and the matched positions are identical. The transpositions pair
// the k-th matched position of `a` with the k-th of `b`, as the scan does.
template <typename View>
double JaroBitParallel(View a, View b, size_t range, bool winklerize, bool long_tolerance) {
  const size_t la = a.size();
  const size_t lb = b.size();
  const typename PatternTableFor<View>::Type table(a, b);
  // Positions of b: all lb bits (lb <= 64).
  const uint64_t b_positions = lb == 64 ? ~uint64_t{0} : (uint64_t{1} << lb) - 1;
  uint64_t matched_a = 0;
  uint64_t matched_b = 0;
  size_t common = 0;
  for (size_t i = 0; i < la; ++i) {
    // Window [lo, i + range], clipped to b. range <= 31, so the shifts
    // below stay under 64.
    const size_t lo = i > range ? i - range : 0;
    if (lo >= lb) break;  // Later windows start further right still.
    const size_t end = i + range + 1;
    const uint64_t upto = end >= 64 ? ~uint64_t{0} : (uint64_t{1} << end) - 1;
    const uint64_t window = upto & b_positions & ~((uint64_t{1} << lo) - 1);
    const uint64_t candidates = table.Mask(a[i]) & window & ~matched_b;
    // Without a branch: whether a[i] matches is as good as random.
    const uint64_t lowest = candidates & (~candidates + 1);
    matched_b |= lowest;
    matched_a |= static_cast<uint64_t>(lowest != 0) << i;
    common += lowest != 0;
  }
  if (common == 0) return 0.0;
  size_t trans = 0;
  while (matched_a != 0) {
    const int i = __builtin_ctzll(matched_a);
    const int j = __builtin_ctzll(matched_b);
    trans += a[i] != b[j];
    matched_a &= matched_a - 1;
    matched_b &= matched_b - 1;
  }
  trans /= 2;
  return JaroScore(a, b, common, trans, winklerize, long_tolerance);
}

template <typename View>
double JaroImpl(View a, View b, bool winklerize, bool long_tolerance) {
  a = Clip(a);
  b = Clip(b);
  const size_t la = a.size();
  const size_t lb = b.size();
  if (la == 0 || lb == 0) return 0.0;
  const size_t longer = std::max(la, lb);
  const size_t range = longer / 2 >= 1 ? longer / 2 - 1 : 0;
  // Name keys are short: one 64-bit mask per string holds the whole match.
  if (longer <= 64) return JaroBitParallel(a, b, range, winklerize, long_tolerance);
  // Longer strings (up to kMaxMetricLength): the textbook scan with flags.
  std::vector<uint8_t> fa(la, 0);
  std::vector<uint8_t> fb(lb, 0);
  size_t common = 0;
  for (size_t i = 0; i < la; ++i) {
    const size_t lo = i > range ? i - range : 0;
    const size_t hi = std::min(i + range, lb - 1);
    for (size_t j = lo; j <= hi && j < lb; ++j) {
      if (!fb[j] && b[j] == a[i]) {
        fa[i] = fb[j] = 1;
        ++common;
        break;
      }
    }
  }
  if (common == 0) return 0.0;
  size_t k = 0;
  size_t trans = 0;
  for (size_t i = 0; i < la; ++i) {
    if (!fa[i]) continue;
    size_t j = k;
    for (; j < lb; ++j) {
      if (fb[j]) {
        k = j + 1;
        break;
      }
    }
    if (j < lb && a[i] != b[j]) ++trans;
  }
  trans /= 2;
  return JaroScore(a, b, common, trans, winklerize, long_tolerance);
}

template <typename View>
size_t LevenshteinImpl(View a, View b) {
  a = Clip(a);
  b = Clip(b);
  if (a.empty()) return b.size();
  if (b.empty()) return a.size();
  absl::InlinedVector<size_t, 64> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// Lowrance-Wagner algorithm for the unrestricted Damerau-Levenshtein distance.
template <typename View>
size_t DamerauImpl(View a, View b) {
  a = Clip(a);
  b = Clip(b);
  const size_t la = a.size();
  const size_t lb = b.size();
  const size_t inf = la + lb;
  std::vector<size_t> d((la + 2) * (lb + 2));
  auto at = [&](size_t i, size_t j) -> size_t& { return d[i * (lb + 2) + j]; };
  at(0, 0) = inf;
  for (size_t i = 0; i <= la; ++i) {
    at(i + 1, 0) = inf;
    at(i + 1, 1) = i;
  }
  for (size_t j = 0; j <= lb; ++j) {
    at(0, j + 1) = inf;
    at(1, j + 1) = j;
  }
  std::map<typename View::value_type, size_t> last_row;
  for (size_t i = 1; i <= la; ++i) {
    size_t last_match_col = 0;
    for (size_t j = 1; j <= lb; ++j) {
      auto it = last_row.find(b[j - 1]);
      const size_t i1 = it == last_row.end() ? 0 : it->second;
      const size_t j1 = last_match_col;
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      if (cost == 0) last_match_col = j;
      at(i + 1, j + 1) = std::min({at(i, j) + cost, at(i + 1, j) + 1, at(i, j + 1) + 1,
                                   at(i1, j1) + (i - i1 - 1) + 1 + (j - j1 - 1)});
    }
    last_row[a[i - 1]] = i;
  }
  return at(la + 1, lb + 1);
}

}  // namespace

double JaroSimilarity(std::string_view a, std::string_view b) {
  return JaroImpl(a, b, false, false);
}
double JaroSimilarity(std::u32string_view a, std::u32string_view b) {
  return JaroImpl(a, b, false, false);
}
double JaroWinklerSimilarity(std::string_view a, std::string_view b, bool long_tolerance) {
  return JaroImpl(a, b, true, long_tolerance);
}
double JaroWinklerSimilarity(std::u32string_view a, std::u32string_view b, bool long_tolerance) {
  return JaroImpl(a, b, true, long_tolerance);
}
size_t LevenshteinDistance(std::string_view a, std::string_view b) { return LevenshteinImpl(a, b); }
size_t LevenshteinDistance(std::u32string_view a, std::u32string_view b) {
  return LevenshteinImpl(a, b);
}
size_t DamerauLevenshteinDistance(std::string_view a, std::string_view b) {
  return DamerauImpl(a, b);
}
size_t DamerauLevenshteinDistance(std::u32string_view a, std::u32string_view b) {
  return DamerauImpl(a, b);
}

}  // namespace liaison::names
