// Prints the figures of issue 4. See bench/RESULTS.md for the command
// lines and the figures last measured.
#include <cstdio>
#include <cstring>
#include <string>

#include "absl/strings/numbers.h"
#include "match/matcher.h"
#include "person_figure.h"
#include "translit_figure.h"

namespace liaison::bench {
namespace {

void PrintRanking(const RankingFigure& f) {
  std::printf("  %-45s top-1 %.4f  top-5 %.4f  (%zu words, %zu candidates)\n", f.system.c_str(),
              f.top1, f.top5, f.words, f.candidates);
}

int Run(int argc, char** argv) {
  std::string shared = LIAISON_SHARED_DATA_DIR;
  std::string only;
  int threads = 1;
  bool dev = false;
  uint64_t seed = 20261129;  // the reported figures; constants were tuned with other seeds
  size_t identities = 3000;
  int print_errors = 0;
  double speed_seconds = 2.0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--shared-data") {
      shared = value();
    } else if (arg == "--only") {
      only = value();
    } else if (arg == "--explain") {
      // Development aid: match_quality --explain NAME_A NAME_B [NAME_A NAME_B ...]
      match::Matcher matcher;
      for (int k = i + 1; k + 1 < argc; k += 2) {
        match::PersonInput in_a, in_b;
        in_a.names.push_back(argv[k]);
        in_b.names.push_back(argv[k + 1]);
        auto a = matcher.Prepare(in_a);
        auto b = matcher.Prepare(in_b);
        if (!a.ok() || !b.ok()) {
          std::printf("error: %s %s\n", a.status().ToString().c_str(),
                      b.status().ToString().c_str());
          continue;
        }
        const match::MatchResult r = matcher.Compare(*a, *b);
        std::printf("%.3f  %s | %s\n       %s\n", r.score, argv[k], argv[k + 1], r.summary.c_str());
      }
      return 0;
    } else if (arg == "--dev") {
      dev = true;
    } else if (arg == "--seed") {
      if (!absl::SimpleAtoi(value(), &seed)) seed = 20261129;
    } else if (arg == "--identities") {
      if (!absl::SimpleAtoi(value(), &identities)) identities = 3000;
    } else if (arg == "--print-errors") {
      if (!absl::SimpleAtoi(value(), &print_errors)) print_errors = 0;
    } else if (arg == "--speed-seconds") {
      if (!absl::SimpleAtod(value(), &speed_seconds)) speed_seconds = 2.0;
    } else if (arg == "--threads") {
      if (!absl::SimpleAtoi(value(), &threads) || threads < 1) threads = 1;
    } else {
      std::fprintf(stderr,
                   "usage: match_quality [--shared-data DIR] [--only translit|persons|speed] "
                   "[--threads N]\n");
      return 2;
    }
  }
  if (only.empty() || only == "translit") {
    auto figures = MeasureTranslit(shared, threads, dev);
    if (!figures.ok()) {
      std::fprintf(stderr, "match_quality: %s\n", figures.status().ToString().c_str());
      return 1;
    }
    std::printf("Urdu->Latin ranking on %s:\n", dev ? "2,500 TRAINING words (--dev; not a result)"
                                                    : "the 2,500 held-out Dakshina words");
    PrintRanking(figures->liaison_model);
    PrintRanking(figures->liaison_matcher);
    if (!dev) {
      PrintRanking(figures->peer);
      PrintRanking(figures->peer_ascii);
    }
  }
  if (only.empty() || only == "persons") {
    const PersonFigures f = MeasurePersons(seed, identities, print_errors);
    std::printf("Whole persons (seed %llu, %zu pairs, %zu positives) at threshold %.2f:\n",
                static_cast<unsigned long long>(seed), f.pairs, f.positives, f.threshold);
    std::printf("  precision %.4f  recall %.4f  (cross-script recall %.4f over %zu)\n", f.precision,
                f.recall,
                f.cross_script_positives
                    ? static_cast<double>(f.cross_script_found) / f.cross_script_positives
                    : 0.0,
                f.cross_script_positives);
    std::printf(
        "  positives sharing a blocking key: %.4f; pairs at or above threshold sharing one: %.4f\n",
        f.blocking_recall, f.hits_blocking_recall);
    std::printf("  other thresholds:");
    for (const auto& [t, p, r] : f.sweep) std::printf("  %.2f: P %.3f R %.3f", t, p, r);
    std::printf("\n");
    for (const auto& [kind, counts] : f.by_kind) {
      std::printf("    %-20s %6zu pairs, %6zu at or above threshold\n", kind.c_str(), counts.first,
                  counts.second);
    }
  }
  if (only.empty() || only == "speed") {
    const SpeedFigures f = MeasureSpeed(seed, speed_seconds);
    std::printf("Speed, one thread, per CPU-second:\n");
    std::printf("  prepared person-pair comparisons/s: %.0f  (per wall second: %.0f)\n",
                f.compares_per_second, f.compares_per_wall_second);
    std::printf("  names normalised+parsed/s:          %.0f  (token cache off: %.0f)\n",
                f.names_prepared_per_second, f.names_uncached_per_second);
    std::printf("  persons prepared/s:                 %.0f\n", f.persons_prepared_per_second);
  }
  return 0;
}

}  // namespace
}  // namespace liaison::bench

int main(int argc, char** argv) { return liaison::bench::Run(argc, argv); }
