#include "names/string_metrics.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <vector>

#include "absl/container/inlined_vector.h"

namespace liaison::names {
namespace {

template <typename View>
View Clip(View v) {
  return v.size() > kMaxMetricLength ? v.substr(0, kMaxMetricLength) : v;
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
  // Names are short: flags live on the stack in the common case.
  uint8_t fa_small[64], fb_small[64];
  absl::InlinedVector<uint8_t, 1> fa_big, fb_big;
  uint8_t* fa = fa_small;
  uint8_t* fb = fb_small;
  if (la > 64 || lb > 64) {
    fa_big.assign(la, 0);
    fb_big.assign(lb, 0);
    fa = fa_big.data();
    fb = fb_big.data();
  } else {
    std::memset(fa_small, 0, la);
    std::memset(fb_small, 0, lb);
  }
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
