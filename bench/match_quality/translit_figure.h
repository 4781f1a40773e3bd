// Figure 1 of issue 4: how often the right romanisation of a held-out Urdu
// word ranks first (and in the top five) among all Latin forms of the
// held-out words, for liaison's model and for plain ICU Any-Latin +
// Jaro-Winkler, measured in the same run.
#ifndef LIAISON_BENCH_MATCH_QUALITY_TRANSLIT_FIGURE_H_
#define LIAISON_BENCH_MATCH_QUALITY_TRANSLIT_FIGURE_H_

#include <string>

#include "absl/status/statusor.h"

namespace liaison::bench {

struct RankingFigure {
  std::string system;
  size_t words = 0;
  size_t candidates = 0;
  double top1 = 0;
  double top5 = 0;
};

struct TranslitFigures {
  RankingFigure liaison_model;    // pair-model probability
  RankingFigure liaison_matcher;  // the token similarity the person matcher uses
  RankingFigure peer;             // ICU Any-Latin + Jaro-Winkler
  RankingFigure peer_ascii;       // ICU Any-Latin; Latin-ASCII + Jaro-Winkler
};

// Runs the ranking over the held-out words of the lexicon under
// `shared_data_dir`, with `threads` worker threads. With `dev`, uses 2,500
// training words instead (for development; never report these).
absl::StatusOr<TranslitFigures> MeasureTranslit(const std::string& shared_data_dir, int threads,
                                                bool dev = false);

}  // namespace liaison::bench

#endif  // LIAISON_BENCH_MATCH_QUALITY_TRANSLIT_FIGURE_H_
