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

}  // namespace liaison::synth

#endif  // LIAISON_BENCH_SYNTH_NAME_POOLS_H_
