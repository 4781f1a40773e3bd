// Prints the figures of issue 4. See bench/results/match.md for the command
// lines and the figures last measured.
#include <cstdio>
#include <cstring>
#include <string>

#include "absl/strings/numbers.h"
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
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--shared-data") {
      shared = value();
    } else if (arg == "--only") {
      only = value();
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
    auto figures = MeasureTranslit(shared, threads);
    if (!figures.ok()) {
      std::fprintf(stderr, "match_quality: %s\n", figures.status().ToString().c_str());
      return 1;
    }
    std::printf("Urdu->Latin ranking on the 2,500 held-out Dakshina words:\n");
    PrintRanking(figures->liaison_model);
    PrintRanking(figures->liaison_matcher);
    PrintRanking(figures->peer);
  }
  return 0;
}

}  // namespace
}  // namespace liaison::bench

int main(int argc, char** argv) { return liaison::bench::Run(argc, argv); }
