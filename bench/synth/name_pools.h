// Name pools for the synthetic person generator: Pakistani names with their
// Urdu spelling and common romanisations, Italian names with their usual
// written forms. Each entry has a relative frequency, so that drawn
// populations have realistic common names (Muhammad, Khan, Rossi).
//
// Thread-safety: immutable data.
#ifndef LIAISON_BENCH_SYNTH_NAME_POOLS_H_
#define LIAISON_BENCH_SYNTH_NAME_POOLS_H_

#include <span>
#include <string_view>
#include <vector>

namespace liaison::synth {

struct PoolName {
  std::string_view urdu;                // empty for Italian names
  std::vector<std::string_view> latin;  // first = most common spelling
  double frequency = 1.0;               // relative, within its pool
};

std::span<const PoolName> PakistaniMaleNames();
std::span<const PoolName> PakistaniFemaleNames();
std::span<const PoolName> PakistaniFamilyNames();
std::span<const PoolName> ItalianMaleNames();
std::span<const PoolName> ItalianFemaleNames();
std::span<const PoolName> ItalianSurnames();

// The long tail of Italian surnames: some 37,000 composed surnames
// (root + middle + ending, e.g. "Carellini", "Zanotti") with Zipf-like
// frequencies, for populations whose surnames are as varied as a real
// country's (the 100 most common Italian surnames cover under a tenth of
// Italians; ItalianSurnames() alone would make everyone a namesake).
std::span<const PoolName> ItalianSurnameTail();
// Cumulative frequencies of ItalianSurnameTail(), for drawing by bisection.
std::span<const double> ItalianSurnameTailCdf();

}  // namespace liaison::synth

#endif  // LIAISON_BENCH_SYNTH_NAME_POOLS_H_
