// bench/screening: liaison's person index on the issue-5 data set.
//
//   screening_bench [--watchlist N] [--candidates M] [--seed S] [--threads T]
//                   [--recall-watchlist R] [--recall-queries Q] [--latency-queries L]
//                   [--surname-tail F] [--threshold T] [--explain K] [--ambiguity 1]
//
// Prints, for a seeded synthetic watchlist of N persons (default 1,000,000)
// and M candidates (default 100,000, ~30% noisy variants of listed persons):
// - index build time (prepare + file) and resident memory after the build,
//   with the watchlist's input records released;
// - screening throughput on T threads (default: all cores), and precision and
//   recall against the data set's truth at the default threshold;
// - single-search latency (p50/p99/max, one thread, in-process);
// - the index's recall against scoring every person with the same scorer
//   (on an R-person watchlist, default 100,000, with Q candidates).
// --surname-tail F draws that share of Italian surnames from the long tail
// (default 0.85, as varied as real Italian surnames; 0 keeps the ~100-name
// pools of the matching benchmark, where everyone has many namesakes).
// run.sh runs this and the PostgreSQL pg_trgm peer on the same data.
#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "dataset.h"
#include "match/matcher.h"
#include "match/token_pool.h"
#include "screening/person_index.h"

namespace liaison::screening_bench {
namespace {

using Clock = std::chrono::steady_clock;

// CPU time used by the whole process, and by the calling thread.
double ProcessCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}
double ThreadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

double RssMiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

struct Options {
  size_t watchlist = 1'000'000;
  size_t candidates = 100'000;
  uint64_t seed = 20261130;  // the seed run_pg_peer.sh uses
  int threads = 0;
  size_t recall_watchlist = 100'000;
  size_t recall_queries = 1'000;
  size_t latency_queries = 10'000;
  size_t explain = 0;  // print this many wrong hit rows with their reasons
  size_t slowest = 0;
  // Search with pairwise scores and print the precision and recall of the
  // list-aware rule for a grid of null weights and thresholds (tuning).
  bool rule_grid = false;
  // Measure how many listed candidates the data set lets any rule single
  // out: pairwise search with no limit, compared with the true person's score.
  bool ambiguity = false;
  size_t limit = 10;  // hits kept per candidate  // print this many of the slowest single searches
  // Share of Italian surnames from the long tail (0: the small pools only).
  double surname_tail = 0.85;
  // The screening threshold (the index's search bar); the default is issue 4's.
  double threshold = match::kDefaultThreshold;
};

template <typename F>
void Parallel(int threads, size_t n, F&& body) {
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      while (true) {
        const size_t begin = next.fetch_add(256);
        if (begin >= n) return;
        for (size_t i = begin; i < std::min(n, begin + 256); ++i) body(i);
      }
    });
  }
  for (auto& t : pool) t.join();
}

// Prepares the watchlist (releasing its input records), sharing tokens
// through `pool` so that a million prepared persons fit in memory.
std::vector<std::pair<std::string, match::PreparedPerson>> PrepareWatchlist(
    Watchlist* list, const match::Matcher& matcher, match::TokenPool* pool, int threads) {
  std::vector<std::pair<std::string, match::PreparedPerson>> out(list->persons.size());
  Parallel(threads, list->persons.size(), [&](size_t i) {
    ListedPerson& lp = list->persons[i];
    auto p = matcher.Prepare(lp.person);
    if (!p.ok()) {
      std::fprintf(stderr, "%s: %s\n", lp.id.c_str(), std::string(p.status().message()).c_str());
      std::exit(1);
    }
    pool->Intern(&*p);
    out[i] = {std::move(lp.id), *std::move(p)};
    lp.person = match::PersonInput();
  });
  list->persons.clear();
  list->persons.shrink_to_fit();
  return out;
}

// The matcher of an index over `persons`: name weights from this population.
std::unique_ptr<match::Matcher> PopulationMatcher(
    const std::vector<std::pair<std::string, match::PreparedPerson>>& persons) {
  std::vector<match::PreparedPerson> people;
  match::NameFrequencyBuilder builder;
  for (const auto& [id, p] : persons) match::Matcher::AddTokens(p, &builder);
  return std::make_unique<match::Matcher>(match::MatcherOptions(),
                                          builder.BuildOver(match::NameFrequencyTable::BuiltIn()));
}

std::vector<match::PreparedPerson> PrepareCandidates(const std::vector<Candidate>& cands,
                                                     const match::Matcher& matcher, int threads) {
  std::vector<match::PreparedPerson> out(cands.size());
  Parallel(threads, cands.size(), [&](size_t i) {
    auto p = matcher.Prepare(cands[i].person);
    if (p.ok()) out[i] = *std::move(p);
  });
  return out;
}

size_t WatchlistIndex(const std::string& id) { return std::stoull(id.substr(1)); }

void ScreeningFigures(const Options& o, int threads) {
  match::Matcher matcher;
  std::printf(
      "== liaison index: %zu watchlist persons, %zu candidates, seed %llu, %d threads, "
      "Italian surname tail %.2f\n",
      o.watchlist, o.candidates, static_cast<unsigned long long>(o.seed), threads, o.surname_tail);
  auto t0 = Clock::now();
  synth::GeneratorOptions people;
  people.italian_surname_tail = o.surname_tail;
  Watchlist list = MakeWatchlist(o.watchlist, o.seed, people);
  std::vector<Candidate> cands = MakeCandidates(o.candidates, list, o.seed + 1);
  std::printf("data set generated in %.1f s (not counted)\n", Seconds(t0, Clock::now()));
  // Candidates are parsed and transliterated before they are searched (as
  // `liaison screen` and screening jobs do, row by row); timed apart.
  t0 = Clock::now();
  const double prep_cpu0 = ProcessCpuSeconds();
  const std::vector<match::PreparedPerson> queries = PrepareCandidates(cands, matcher, threads);
  const double prep_s = Seconds(t0, Clock::now());
  const double prep_cpu = ProcessCpuSeconds() - prep_cpu0;
  malloc_trim(0);
  const double rss_before = RssMiB();

  auto t_build = Clock::now();
  std::unique_ptr<match::Matcher> population;
  std::unique_ptr<screening::PersonIndex> index_holder;
  {
    match::TokenPool pool;
    auto persons = PrepareWatchlist(&list, matcher, &pool, threads);
    const double prepare_s = Seconds(t_build, Clock::now());
    population = PopulationMatcher(persons);
    index_holder = std::make_unique<screening::PersonIndex>(*population);
    index_holder->AddBatch(std::move(persons), threads);
    std::printf("  prepare %.1f s, weights and filing %.1f s\n", prepare_s,
                Seconds(t_build, Clock::now()) - prepare_s);
  }
  const double build_s = Seconds(t_build, Clock::now());
  screening::PersonIndex& index = *index_holder;
  malloc_trim(0);
  const double rss_after = RssMiB();
  std::printf("index build     %.1f s (%zu persons, %zu distinct name tokens)\n", build_s,
              index.size(), index.token_count());
  std::printf(
      "index memory    %.0f MiB resident for the index (process %.0f MiB; %.0f MiB before)\n",
      rss_after - rss_before, rss_after, rss_before);

  // Bulk screening: every candidate, best hits at the default threshold.
  std::vector<std::vector<screening::SearchHit>> hits(queries.size());
  std::atomic<size_t> scored{0}, reached{0}, read{0}, summaries{0};
  t0 = Clock::now();
  const double cpu0 = ProcessCpuSeconds();
  Parallel(threads, queries.size(), [&](size_t i) {
    if (queries[i].names.empty()) return;
    screening::SearchStats st;
    hits[i] = index.Search(
        queries[i], {.min_score = o.threshold, .limit = o.limit, .list_aware = !o.rule_grid}, &st);
    scored += st.scored;
    reached += st.candidates;
    summaries += st.summaries_read;
    read += st.postings_read;
  });
  const double screen_s = Seconds(t0, Clock::now());
  const double screen_cpu = ProcessCpuSeconds() - cpu0;
  size_t positives = 0, found = 0, hit_rows = 0, true_rows = 0, with_hits = 0, best_right = 0;
  for (size_t i = 0; i < cands.size(); ++i) {
    if (cands[i].truth >= 0) ++positives;
    if (!hits[i].empty()) {
      ++with_hits;
      best_right += static_cast<int64_t>(WatchlistIndex(hits[i][0].ref)) == cands[i].truth;
    }
    for (const auto& h : hits[i]) {
      ++hit_rows;
      const bool right = static_cast<int64_t>(WatchlistIndex(h.ref)) == cands[i].truth;
      true_rows += right;
      found += right;
      if (!right && o.explain > 0 && hit_rows - true_rows <= o.explain) {
        std::printf("  wrong hit %s (%s) ~ %s  %.3f  %s\n", cands[i].id.c_str(),
                    cands[i].kind.c_str(), h.ref.c_str(), h.score,
                    index.matcher().Compare(queries[i], h.person).summary.c_str());
      }
    }
  }
  const double n = static_cast<double>(queries.size());
  std::printf("screening       %.0f candidates/s (%zu in %.2f s)\n", n / screen_s, queries.size(),
              screen_s);
  std::printf(
      "  cpu           %.1f µs per candidate (%.0f candidates per CPU-second; "
      "on a busy machine the better guide)\n",
      screen_cpu / n * 1e6, n / screen_cpu);
  std::printf(
      "  with parsing  candidates parsed and transliterated at %.0f/s (%.1f CPU µs each); "
      "parse + search together %.0f candidates/s\n",
      n / prep_s, prep_cpu / n * 1e6, n / (prep_s + screen_s));
  std::printf(
      "  per candidate %.0f list entries read, %.0f persons reached, %.0f summaries read, %.1f "
      "scored\n",
      read / n, reached / n, summaries / n, scored / n);
  std::printf("  quality       precision %.3f, recall %.3f (%zu hit rows, %zu listed candidates)\n",
              hit_rows == 0 ? 0.0 : static_cast<double>(true_rows) / hit_rows,
              positives == 0 ? 0.0 : static_cast<double>(found) / positives, hit_rows, positives);
  std::printf("  best hit      right for %.3f of the %zu candidates with a hit\n",
              with_hits == 0 ? 0.0 : static_cast<double>(best_right) / with_hits, with_hits);

  std::printf("  by threshold ");
  for (double t : {0.66, 0.70, 0.75, 0.80, 0.85, 0.90, 0.95}) {
    size_t rows = 0, right = 0;
    for (size_t i = 0; i < cands.size(); ++i) {
      for (const auto& h : hits[i]) {
        if (h.score < t) continue;
        ++rows;
        right += static_cast<int64_t>(WatchlistIndex(h.ref)) == cands[i].truth;
      }
    }
    std::printf(" %.2f: P %.3f R %.3f;", t, rows == 0 ? 0.0 : static_cast<double>(right) / rows,
                positives == 0 ? 0.0 : static_cast<double>(right) / positives);
  }
  std::printf("\n");

  // What the data allows: for each listed candidate, its true person's
  // pairwise score against every listed person's. A candidate whose listed
  // person is matched at least as strongly by another listed person cannot
  // be told from that namesake by any rule reading these fields.
  if (o.ambiguity) {
    std::vector<int> outcome(cands.size(), -1);  // 0 below, 1 tied or beaten, 2 best
    Parallel(threads, queries.size(), [&](size_t i) {
      if (cands[i].truth < 0 || queries[i].names.empty()) return;
      const auto all =
          index.Search(queries[i], {.min_score = o.threshold, .limit = 0, .list_aware = false});
      double truth_score = -1, best_other = -1;
      for (const auto& h : all) {
        if (static_cast<int64_t>(WatchlistIndex(h.ref)) == cands[i].truth) {
          truth_score = h.pair_score;
        } else {
          best_other = std::max(best_other, h.pair_score);
        }
      }
      outcome[i] = truth_score < 0 ? 0 : best_other >= truth_score - 1e-9 ? 1 : 2;
    });
    size_t below = 0, tied = 0, best = 0;
    for (int x : outcome) {
      below += x == 0;
      tied += x == 1;
      best += x == 2;
    }
    const double pos = static_cast<double>(std::max<size_t>(1, below + tied + best));
    std::printf(
        "  data allows   of %zu listed candidates: %.3f the best pairwise match of their listed "
        "person (a ceiling for recall at high precision), %.3f matched at least as strongly by "
        "another listed person, %.3f below the threshold pairwise\n",
        below + tied + best, best / pos, tied / pos, below / pos);
  }

  // The list-aware decision: each hit's share of the evidence among the
  // candidate's hits and a null ("not listed") of weight e^c.
  if (o.rule_grid) {
    for (double c : {0.0, 0.5, 1.0, 1.5, 2.0, 2.5}) {
      std::printf("  rule c=%+.1f", c);
      for (double t : {0.4, 0.5, 0.66, 0.8}) {
        size_t rows = 0, right = 0;
        for (size_t i = 0; i < cands.size(); ++i) {
          double total = std::exp(c);
          for (const auto& h : hits[i]) total += h.score / (1 - std::min(h.score, 1 - 1e-9));
          for (const auto& h : hits[i]) {
            const double share = h.score / (1 - std::min(h.score, 1 - 1e-9)) / total;
            if (share < t) continue;
            ++rows;
            right += static_cast<int64_t>(WatchlistIndex(h.ref)) == cands[i].truth;
          }
        }
        std::printf("  t %.2f: P %.3f R %.3f;", t,
                    rows == 0 ? 0.0 : static_cast<double>(right) / rows,
                    positives == 0 ? 0.0 : static_cast<double>(right) / positives);
      }
      std::printf("\n");
    }
  }

  // Single-search latency, one thread.
  std::vector<double> us, cpu_us;
  std::vector<std::pair<double, size_t>> slowest;  // (µs, candidate)
  const size_t lq = std::min(o.latency_queries, queries.size());
  for (size_t i = 0; i < lq; ++i) {
    if (queries[i].names.empty()) continue;
    const auto a = Clock::now();
    const double c = ThreadCpuSeconds();
    auto h = index.Search(queries[i], {.min_score = o.threshold});
    cpu_us.push_back((ThreadCpuSeconds() - c) * 1e6);
    us.push_back(Seconds(a, Clock::now()) * 1e6);
    slowest.emplace_back(us.back(), i);
  }
  std::sort(slowest.rbegin(), slowest.rend());
  for (size_t k = 0; k < std::min(o.slowest, slowest.size()); ++k) {
    const size_t i = slowest[k].second;
    screening::SearchStats st;
    index.Search(queries[i], {.min_score = o.threshold}, &st);
    std::printf("  slow %s %.0f µs: %zu entries read, %zu reached, %zu summaries, %zu scored; %s",
                cands[i].id.c_str(), slowest[k].first, st.postings_read, st.candidates,
                st.summaries_read, st.scored,
                PersonListCsvLine(cands[i].id, cands[i].person).c_str());
  }
  std::sort(us.begin(), us.end());
  if (!us.empty()) {
    std::printf(
        "single search   p50 %.0f µs, p99 %.0f µs, max %.0f µs (%zu searches, one thread)\n",
        us[us.size() / 2], us[us.size() * 99 / 100], us.back(), us.size());
    std::sort(cpu_us.begin(), cpu_us.end());
    std::printf("  cpu time      p50 %.0f µs, p99 %.0f µs (the search's own thread CPU time)\n",
                cpu_us[cpu_us.size() / 2], cpu_us[cpu_us.size() * 99 / 100]);
  }
}

// The index's recall against scoring every listed person.
void RecallFigure(const Options& o, int threads) {
  match::Matcher matcher;
  synth::GeneratorOptions population_options;
  population_options.italian_surname_tail = o.surname_tail;
  Watchlist list = MakeWatchlist(o.recall_watchlist, o.seed, population_options);
  std::vector<Candidate> cands = MakeCandidates(o.recall_queries, list, o.seed + 1);
  const std::vector<match::PreparedPerson> queries = PrepareCandidates(cands, matcher, threads);
  match::TokenPool pool;
  auto persons = PrepareWatchlist(&list, matcher, &pool, threads);
  std::unique_ptr<match::Matcher> population = PopulationMatcher(persons);
  std::vector<std::string> ids;
  for (const auto& [id, p] : persons) ids.push_back(id);
  screening::PersonIndex index(*population);
  index.AddBatch(std::move(persons), threads);
  // The persons as the index holds them (with the population's weights).
  std::vector<match::PreparedPerson> listed;
  for (const std::string& id : ids) listed.push_back(*index.Get(id));
  auto reweigh = [&](match::PreparedPerson p) {
    for (auto* v : {&p.father, &p.spouse}) {
      for (auto& t : *v) t = population->Reweigh(t);
    }
    for (auto& n : p.names) {
      for (auto* v : {&n.tokens, &n.relative}) {
        for (auto& t : *v) t = population->Reweigh(t);
      }
    }
    return p;
  };
  std::atomic<size_t> expected{0}, found{0}, extra{0};
  const auto t0 = Clock::now();
  Parallel(threads, queries.size(), [&](size_t q) {
    if (queries[q].names.empty()) return;
    const match::PreparedPerson query = reweigh(queries[q]);
    std::set<std::string> truth;
    for (size_t i = 0; i < listed.size(); ++i) {
      if (population->Score(query, listed[i]) >= match::kDefaultThreshold) truth.insert(ids[i]);
    }
    std::set<std::string> got;
    for (const auto& h : index.Search(queries[q], {.limit = 0, .list_aware = false})) {
      got.insert(h.ref);
    }
    expected += truth.size();
    for (const auto& t : truth) {
      found += got.count(t);
      if (o.explain > 0 && got.count(t) == 0) {
        const size_t i = WatchlistIndex(t);
        std::printf("  missed %s ~ %s  %s\n", cands[q].id.c_str(), t.c_str(),
                    population->Compare(query, listed[i]).summary.c_str());
      }
    }
    for (const auto& g : got) extra += truth.count(g) == 0;
  });
  std::printf("== index recall against exhaustive scoring: %zu watchlist persons, %zu candidates\n",
              listed.size(), queries.size());
  std::printf(
      "recall          %.4f (%zu of %zu pairs at or above %.2f; %zu hits exhaustive "
      "scoring does not make; %.0f s)\n",
      expected == 0 ? 1.0 : static_cast<double>(found) / expected, found.load(), expected.load(),
      match::kDefaultThreshold, extra.load(), Seconds(t0, Clock::now()));
}

}  // namespace
}  // namespace liaison::screening_bench

int main(int argc, char** argv) {
  liaison::screening_bench::Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const char* v = argv[i + 1];
    if (flag == "--watchlist") {
      o.watchlist = std::stoull(v);
    } else if (flag == "--candidates") {
      o.candidates = std::stoull(v);
    } else if (flag == "--seed") {
      o.seed = std::stoull(v);
    } else if (flag == "--threads") {
      o.threads = std::stoi(v);
    } else if (flag == "--recall-watchlist") {
      o.recall_watchlist = std::stoull(v);
    } else if (flag == "--recall-queries") {
      o.recall_queries = std::stoull(v);
    } else if (flag == "--surname-tail") {
      o.surname_tail = std::stod(v);
    } else if (flag == "--threshold") {
      o.threshold = std::stod(v);
    } else if (flag == "--ambiguity") {
      o.ambiguity = std::stoi(v) != 0;
    } else if (flag == "--rule-grid") {
      o.rule_grid = std::stoi(v) != 0;
    } else if (flag == "--limit") {
      o.limit = std::stoull(v);
    } else if (flag == "--slowest") {
      o.slowest = std::stoull(v);
    } else if (flag == "--explain") {
      o.explain = std::stoull(v);
    } else if (flag == "--latency-queries") {
      o.latency_queries = std::stoull(v);
    } else {
      std::fprintf(stderr, "unknown flag %s\n", argv[i]);
      return 2;
    }
  }
  const int threads = o.threads > 0
                          ? o.threads
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  if (o.watchlist > 0) liaison::screening_bench::ScreeningFigures(o, threads);
  if (o.recall_queries > 0 && o.recall_watchlist > 0) {
    liaison::screening_bench::RecallFigure(o, threads);
  }
  return 0;
}
