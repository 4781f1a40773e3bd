// Figures 2 and 3 of issue 4: whole-person precision and recall on the
// synthetic benchmark at the default threshold, and speed per core.
#ifndef LIAISON_BENCH_MATCH_QUALITY_PERSON_FIGURE_H_
#define LIAISON_BENCH_MATCH_QUALITY_PERSON_FIGURE_H_

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace liaison::bench {

struct PersonFigures {
  size_t pairs = 0, positives = 0;
  size_t true_positives = 0, false_positives = 0;
  double precision = 0, recall = 0;
  double threshold = 0;
  size_t cross_script_positives = 0, cross_script_found = 0;
  std::map<std::string, std::pair<size_t, size_t>> by_kind;  // kind -> (pairs, above threshold)
  double blocking_recall = 0;                                // positives sharing a blocking key
  double hits_blocking_recall = 0;  // pairs at/above threshold sharing a key
  // (threshold, precision, recall) at other operating points.
  std::vector<std::tuple<double, double, double>> sweep;
};

// Generates `identities` identities with `seed` and scores their pairs.
// With `print_errors`, prints up to that many misclassified pairs.
PersonFigures MeasurePersons(uint64_t seed, size_t identities, int print_errors);

struct SpeedFigures {
  double compares_per_second = 0;        // prepared pairs, one core
  double compares_per_wall_second = 0;   // the same per wall-clock second
  double names_prepared_per_second = 0;  // names normalised + parsed, one core
  double names_uncached_per_second = 0;  // the same without the token cache
  double persons_prepared_per_second = 0;
};

// Measures speed on one thread for about `seconds` per figure; rates are
// per CPU-second of that thread (the machine may be shared).
SpeedFigures MeasureSpeed(uint64_t seed, double seconds);

}  // namespace liaison::bench

#endif  // LIAISON_BENCH_MATCH_QUALITY_PERSON_FIGURE_H_
