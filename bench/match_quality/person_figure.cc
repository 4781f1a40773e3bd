#include "person_figure.h"

#include <time.h>

#include <chrono>
#include <cstdio>
#include <vector>

#include "match/matcher.h"
#include "person_generator.h"

namespace liaison::bench {
namespace {

// CPU time of the calling thread: the machine is shared, so wall time
// undercounts what one core does.
double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec * 1e-9;
}

bool HasUrdu(const match::PersonInput& p) {
  for (unsigned char c : p.names[0]) {
    if (c == 0xD8 || c == 0xD9 || c == 0xDA || c == 0xDB) return true;
  }
  return false;
}

std::string Describe(const match::PersonInput& p) {
  std::string s = p.names[0];
  if (!p.father_name.empty()) s += " | father " + p.father_name;
  if (!p.dob.empty()) s += " | " + p.dob;
  if (!p.gender.empty()) s += " | " + p.gender;
  for (const auto& id : p.id_numbers) s += " | " + id.scheme + ":" + id.value;
  return s;
}

}  // namespace

PersonFigures MeasurePersons(uint64_t seed, size_t identities, int print_errors) {
  synth::PersonGenerator gen(seed);
  const auto pairs = gen.LabeledPairs(identities);
  match::Matcher matcher;
  PersonFigures f;
  f.threshold = matcher.threshold();
  size_t blocked = 0;
  size_t hits_scored = 0, hits_blocked = 0;
  std::vector<std::pair<double, bool>> scored;
  int printed = 0;
  for (const auto& pair : pairs) {
    auto a = matcher.Prepare(pair.a);
    auto b = matcher.Prepare(pair.b);
    if (!a.ok() || !b.ok()) {
      std::fprintf(stderr, "prepare failed: %s / %s\n", a.status().ToString().c_str(),
                   b.status().ToString().c_str());
      continue;
    }
    const double s = matcher.Score(*a, *b);
    const bool hit = s >= f.threshold;
    scored.emplace_back(s, pair.same_person);
    ++f.pairs;
    auto& k = f.by_kind[pair.kind];
    ++k.first;
    k.second += hit;
    const auto ka = matcher.BlockingKeys(*a);
    const auto kb = matcher.BlockingKeys(*b);
    bool shared = false;
    for (const auto& x : ka) {
      for (const auto& y : kb) shared |= x.key == y.key;
    }
    if (hit) {
      ++hits_scored;
      hits_blocked += shared;
    }
    if (pair.same_person) {
      ++f.positives;
      f.true_positives += hit;
      if (HasUrdu(pair.a) != HasUrdu(pair.b)) {
        ++f.cross_script_positives;
        f.cross_script_found += hit;
      }
      blocked += shared;
    } else {
      f.false_positives += hit;
    }
    if (hit != pair.same_person && printed < print_errors) {
      ++printed;
      const auto r = matcher.Compare(*a, *b);
      std::printf("%s %s %.3f\n  A: %s\n  B: %s\n  %s\n", pair.same_person ? "MISS" : "FALSE",
                  pair.kind.c_str(), s, Describe(pair.a).c_str(), Describe(pair.b).c_str(),
                  r.summary.c_str());
    }
  }
  const size_t hits = f.true_positives + f.false_positives;
  f.precision = hits == 0 ? 1.0 : static_cast<double>(f.true_positives) / hits;
  f.recall = f.positives == 0 ? 0.0 : static_cast<double>(f.true_positives) / f.positives;
  for (double t : {0.5, 0.55, 0.6, 0.65, 0.66, 0.7, 0.75, 0.8, 0.85, 0.9}) {
    size_t tp = 0, fp = 0;
    for (const auto& [s, same] : scored) {
      if (s >= t) (same ? tp : fp) += 1;
    }
    f.sweep.emplace_back(t, tp + fp ? static_cast<double>(tp) / (tp + fp) : 1.0,
                         f.positives ? static_cast<double>(tp) / f.positives : 0.0);
  }
  f.hits_blocking_recall = hits_scored == 0 ? 1.0 : static_cast<double>(hits_blocked) / hits_scored;
  f.blocking_recall = f.positives == 0 ? 0.0 : static_cast<double>(blocked) / f.positives;
  return f;
}

SpeedFigures MeasureSpeed(uint64_t seed, double seconds) {
  using Clock = std::chrono::steady_clock;
  synth::PersonGenerator gen(seed);
  match::Matcher matcher;
  std::vector<match::PersonInput> inputs;
  for (int i = 0; i < 2000; ++i) {
    const auto id = gen.NewIdentity();
    inputs.push_back(gen.RecordAnyScript(id, i % 2 == 1));
  }
  SpeedFigures f;
  // Names normalised and parsed: one pass over a list of 50,000 records
  // (about 30% in Urdu script), with a fresh parser whose token cache starts
  // empty, and again with the cache disabled.
  {
    synth::PersonGenerator list_gen(seed + 1);
    std::vector<std::string> names;
    for (int i = 0; i < 50000; ++i) {
      names.push_back(list_gen.RecordAnyScript(list_gen.NewIdentity(), i % 2 == 1).names[0]);
    }
    for (const bool cached : {true, false}) {
      names::NameParserOptions options;
      if (!cached) options.token_cache_capacity = 0;
      names::NameParser parser(&names::UrduLatinModel::Default(), options);
      size_t done = 0;
      const double start = ThreadCpuSeconds();
      for (const auto& n : names) done += parser.Parse(n).ok();
      const double rate = done / (ThreadCpuSeconds() - start);
      (cached ? f.names_prepared_per_second : f.names_uncached_per_second) = rate;
    }
  }
  std::vector<match::PreparedPerson> prepared;
  {
    const double start = ThreadCpuSeconds();
    for (const auto& p : inputs) {
      auto pp = matcher.Prepare(p);
      if (pp.ok()) prepared.push_back(*std::move(pp));
    }
    f.persons_prepared_per_second = prepared.size() / (ThreadCpuSeconds() - start);
  }
  // Pairs as screening meets them: every record against every other.
  {
    size_t done = 0;
    double sink = 0;
    const auto start = Clock::now();
    const double cpu_start = ThreadCpuSeconds();
    double elapsed = 0;
    const size_t n = prepared.size();
    size_t i = 0;
    while (elapsed < seconds) {
      const auto& a = prepared[i % n];
      for (size_t j = 0; j < n; ++j) sink += matcher.Score(a, prepared[j]);
      done += n;
      ++i;
      if (i % 16 == 0) elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    }
    f.compares_per_second = done / (ThreadCpuSeconds() - cpu_start);
    f.compares_per_wall_second = done / elapsed;
    if (sink < 0) std::printf("%f", sink);
  }
  return f;
}

}  // namespace liaison::bench
