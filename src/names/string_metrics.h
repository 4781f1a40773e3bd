// String similarity and distance metrics used to compare name tokens.
//
// Each metric works on code points (std::u32string_view) and on bytes
// (std::string_view, meant for the ASCII matching forms the matcher keeps).
// Results agree with the widely used jellyfish reference vectors for the
// metrics of the same name. Inputs longer than kMaxMetricLength code points
// are truncated to that length, so cost stays bounded on hostile input.
//
// Thread-safety: pure functions, safe from any thread.
#ifndef LIAISON_NAMES_STRING_METRICS_H_
#define LIAISON_NAMES_STRING_METRICS_H_

#include <cstddef>
#include <string_view>

namespace liaison::names {

inline constexpr size_t kMaxMetricLength = 256;

// Jaro similarity in [0,1]; 0 when either string is empty.
double JaroSimilarity(std::string_view a, std::string_view b);
double JaroSimilarity(std::u32string_view a, std::u32string_view b);

// Jaro-Winkler similarity in [0,1] (prefix scale 0.1, prefix up to 4, applied
// when Jaro > 0.7). With `long_tolerance`, adds the adjustment for long
// strings that agree beyond the prefix, as in the reference vectors.
double JaroWinklerSimilarity(std::string_view a, std::string_view b, bool long_tolerance = false);
double JaroWinklerSimilarity(std::u32string_view a, std::u32string_view b,
                             bool long_tolerance = false);

// Levenshtein distance: insertions, deletions, substitutions, each cost 1.
size_t LevenshteinDistance(std::string_view a, std::string_view b);
size_t LevenshteinDistance(std::u32string_view a, std::u32string_view b);

// Damerau-Levenshtein distance (unrestricted: adjacent transpositions may be
// edited further), each operation cost 1.
size_t DamerauLevenshteinDistance(std::string_view a, std::string_view b);
size_t DamerauLevenshteinDistance(std::u32string_view a, std::u32string_view b);

}  // namespace liaison::names

#endif  // LIAISON_NAMES_STRING_METRICS_H_
