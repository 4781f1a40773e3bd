// Speed of JaroWinklerSimilarity on name keys: generates a seeded list of
// name-like key pairs (lowercase Latin, 3-12 letters; half typo variants of
// each other, half unrelated; a quarter of all pairs reduced to their
// consonant skeletons, as the matcher compares them), then times the library
// function and, as the peer, a copy of the textbook scan it replaced, on the
// same pairs, for the byte overload and then the code-point overload. Prints
// CPU and wall nanoseconds per call (median of the repetitions) and the
// ratio, and checks that both give the same bits (exit status 1 if not).
//
//   string_metrics_bench [--pairs N] [--repetitions R] [--seed S]
//
// Run it niced on one thread: it is single-threaded.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "names/string_metrics.h"

namespace {

// The peer: the implementation before the bit-parallel matching (75851cb),
// byte strings only, kept here verbatim in behaviour.
template <typename View>
__attribute__((noinline)) double PeerJaroWinkler(View a, View b) {
  constexpr size_t kMax = liaison::names::kMaxMetricLength;
  if (a.size() > kMax) a = a.substr(0, kMax);
  if (b.size() > kMax) b = b.substr(0, kMax);
  const size_t la = a.size();
  const size_t lb = b.size();
  if (la == 0 || lb == 0) return 0.0;
  const size_t longer = std::max(la, lb);
  const size_t range = longer / 2 >= 1 ? longer / 2 - 1 : 0;
  uint8_t fa_small[64], fb_small[64];
  std::vector<uint8_t> fa_big, fb_big;
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
  if (w > 0.7) {
    const size_t limit = std::min<size_t>(std::min(la, lb), 4);
    size_t p = 0;
    while (p < limit && a[p] == b[p]) ++p;
    if (p) w += p * 0.1 * (1.0 - w);
  }
  return w;
}

template <typename View>
__attribute__((noinline)) double LibraryJaroWinkler(View a, View b) {
  return liaison::names::JaroWinklerSimilarity(a, b);
}

// Name-like keys: syllables of a consonant (or cluster) and a vowel.
std::string NameKey(std::mt19937_64& rng) {
  static constexpr const char* kOnsets[] = {"b",  "d",  "f",  "g",  "h",  "j",  "k",  "l",
                                            "m",  "n",  "p",  "r",  "s",  "t",  "v",  "z",
                                            "sh", "ch", "kh", "gh", "br", "tr", "st", "qu"};
  static constexpr const char* kVowels[] = {"a", "e", "i", "o", "u", "aa", "ee", "ia", "y"};
  const size_t target = std::uniform_int_distribution<size_t>(3, 12)(rng);
  std::string key;
  while (key.size() < target) {
    key += kOnsets[rng() % std::size(kOnsets)];
    key += kVowels[rng() % std::size(kVowels)];
    if (rng() % 4 == 0) key += kOnsets[rng() % 16];  // Closed syllable.
  }
  key.resize(target);
  return key;
}

// One or two typing errors: substitution, adjacent swap, deletion, insertion.
std::string TypoVariant(std::string key, std::mt19937_64& rng) {
  const int edits = 1 + static_cast<int>(rng() % 2);
  for (int e = 0; e < edits && key.size() > 2; ++e) {
    const size_t at = rng() % key.size();
    const char letter = static_cast<char>('a' + rng() % 26);
    switch (rng() % 4) {
      case 0:
        key[at] = letter;
        break;
      case 1:
        if (at + 1 < key.size()) std::swap(key[at], key[at + 1]);
        break;
      case 2:
        key.erase(at, 1);
        break;
      default:
        key.insert(key.begin() + static_cast<long>(at), letter);
        break;
    }
  }
  return key;
}

std::string Skeleton(const std::string& key) {
  std::string out;
  for (const char ch : key) {
    if (std::strchr("aeiouy", ch) == nullptr && (out.empty() || out.back() != ch)) out += ch;
  }
  return out.empty() ? key.substr(0, 1) : out;
}

double ThreadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

struct Timing {
  double cpu_ns_per_call;
  double wall_ns_per_call;
};

template <typename String, typename Fn>
Timing TimeOnce(const std::vector<std::pair<String, String>>& pairs, Fn fn, double* checksum) {
  const double cpu_start = ThreadCpuNs();
  const auto wall_start = std::chrono::steady_clock::now();
  double sum = 0;
  for (const auto& [a, b] : pairs) sum += fn(a, b);
  const double wall_ns =
      std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - wall_start)
          .count();
  const double cpu_ns = ThreadCpuNs() - cpu_start;
  *checksum = sum;
  const double n = static_cast<double>(pairs.size());
  return {cpu_ns / n, wall_ns / n};
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Checks both sides give the same bits on every pair, then times them,
// alternating which goes first. Prints the medians; returns the number of
// pairs whose results differ.
template <typename String>
size_t Compare(const char* title, const std::vector<std::pair<String, String>>& pairs,
               uint64_t repetitions) {
  using View = std::basic_string_view<typename String::value_type>;
  size_t differing = 0;
  for (const auto& [a, b] : pairs) {
    const double x = LibraryJaroWinkler<View>(a, b);
    const double y = PeerJaroWinkler<View>(a, b);
    if (std::memcmp(&x, &y, sizeof x) != 0) ++differing;
  }
  std::vector<double> lib_cpu, lib_wall, peer_cpu, peer_wall;
  double lib_sum = 0;
  double peer_sum = 0;
  for (uint64_t r = 0; r < repetitions; ++r) {
    const bool library_first = r % 2 == 0;
    Timing lib{};
    Timing peer{};
    if (library_first) lib = TimeOnce(pairs, LibraryJaroWinkler<View>, &lib_sum);
    peer = TimeOnce(pairs, PeerJaroWinkler<View>, &peer_sum);
    if (!library_first) lib = TimeOnce(pairs, LibraryJaroWinkler<View>, &lib_sum);
    lib_cpu.push_back(lib.cpu_ns_per_call);
    lib_wall.push_back(lib.wall_ns_per_call);
    peer_cpu.push_back(peer.cpu_ns_per_call);
    peer_wall.push_back(peer.wall_ns_per_call);
  }
  std::printf("%s: results differing from the peer: %zu (checksums %.6f / %.6f)\n", title,
              differing, lib_sum, peer_sum);
  std::printf("  median of %llu repetitions, ns per call:\n",
              static_cast<unsigned long long>(repetitions));
  std::printf("    bit-parallel (library)  cpu %6.1f   wall %6.1f\n", Median(lib_cpu),
              Median(lib_wall));
  std::printf("    scan (peer, 75851cb)    cpu %6.1f   wall %6.1f\n", Median(peer_cpu),
              Median(peer_wall));
  std::printf("    peer / library          cpu %6.2fx  wall %6.2fx\n",
              Median(peer_cpu) / Median(lib_cpu), Median(peer_wall) / Median(lib_wall));
  return differing;
}

bool ParseFlag(int argc, char** argv, int* i, const char* name, uint64_t* out) {
  if (std::strcmp(argv[*i], name) != 0) return false;
  if (*i + 1 >= argc || !absl::SimpleAtoi(argv[*i + 1], out)) {
    std::fprintf(stderr, "%s needs a non-negative integer\n", name);
    std::exit(2);
  }
  ++*i;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t pairs_wanted = 1'000'000;
  uint64_t repetitions = 5;
  uint64_t seed = 20261129;
  for (int i = 1; i < argc; ++i) {
    if (ParseFlag(argc, argv, &i, "--pairs", &pairs_wanted) ||
        ParseFlag(argc, argv, &i, "--repetitions", &repetitions) ||
        ParseFlag(argc, argv, &i, "--seed", &seed)) {
      continue;
    }
    std::fprintf(stderr, "usage: %s [--pairs N] [--repetitions R] [--seed S]\n", argv[0]);
    return 2;
  }
  if (pairs_wanted == 0 || repetitions == 0) {
    std::fprintf(stderr, "--pairs and --repetitions must be positive\n");
    return 2;
  }

  std::mt19937_64 rng(seed);
  std::vector<std::pair<std::string, std::string>> pairs;
  pairs.reserve(pairs_wanted);
  size_t total_length = 0;
  for (uint64_t n = 0; n < pairs_wanted; ++n) {
    std::string a = NameKey(rng);
    std::string b = rng() % 2 == 0 ? TypoVariant(a, rng) : NameKey(rng);
    if (rng() % 4 == 0) {
      a = Skeleton(a);
      b = Skeleton(b);
    }
    total_length += a.size() + b.size();
    pairs.emplace_back(std::move(a), std::move(b));
  }

  std::printf("== JaroWinklerSimilarity on %llu name-key pairs (seed %llu, mean key length %.1f)\n",
              static_cast<unsigned long long>(pairs.size()), static_cast<unsigned long long>(seed),
              static_cast<double>(total_length) / (2.0 * static_cast<double>(pairs.size())));
  size_t differing = Compare("bytes (std::string_view)", pairs, repetitions);
  // The code-point overload on the same keys, as the matcher's forms would
  // give them after decoding.
  std::vector<std::pair<std::u32string, std::u32string>> wide;
  wide.reserve(pairs.size());
  for (const auto& [a, b] : pairs) {
    wide.emplace_back(std::u32string(a.begin(), a.end()), std::u32string(b.begin(), b.end()));
  }
  differing += Compare("code points (std::u32string_view)", wide, repetitions);
  return differing == 0 ? 0 : 1;
}
