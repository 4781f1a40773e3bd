#include "screening/person_index.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <thread>

namespace liaison::screening {
namespace {

using match::PreparedPerson;
using match::PreparedToken;
namespace points = match::points;

constexpr uint64_t kIdBit = uint64_t{1} << 63;
constexpr size_t kMaxQueryTokens = 63;  // one mask bit each; bit 63 is for ids

uint64_t KeyHash(std::string_view key) { return std::hash<std::string_view>()(key); }

// Date-of-birth bucket: year * 16 + month (0 when only the year is known);
// 0 when there is no date.
uint32_t BucketOf(const names::BirthDate& d) {
  if (d.empty()) return 0;
  return static_cast<uint32_t>(d.year) * 16 + static_cast<uint32_t>(d.month);
}

uint64_t Entry(uint32_t bucket, uint32_t slot) { return (uint64_t{bucket} << 32) | slot; }
uint32_t SlotOf(uint64_t entry) { return static_cast<uint32_t>(entry); }

struct BucketRange {
  uint32_t lo = 0, hi = 0;  // inclusive
};

// How far from the query's date of birth candidates must be looked for:
// the scorer's date points that a candidate with common names may still
// overcome.
enum class DateReach {
  kAgreeing,   // dates that agree (points > -1) or are unknown
  kSameYear,   // also the same year, another month (-1)
  kNearYears,  // also a year or two off (-2)
  kAnyDate,    // any date (-4.5): read common lists whole
};

// The date buckets to read for a query dated `d`, at `reach`. Empty when
// `d` is unknown or the reach is kAnyDate.
std::vector<BucketRange> BucketsToRead(const names::BirthDate& d, DateReach reach) {
  std::vector<BucketRange> r;
  if (d.empty() || reach == DateReach::kAnyDate) return r;
  r.push_back({0, 0});  // no date
  const uint32_t y = static_cast<uint32_t>(d.year);
  auto one = [&](uint32_t year, uint32_t month) {
    r.push_back({year * 16 + month, year * 16 + month});
  };
  auto year_all = [&](uint32_t year) { r.push_back({year * 16, year * 16 + 15}); };
  const bool placeholder = d.month == 1 && (d.day == 1 || d.day == 0);
  const uint32_t yy = y % 100;
  const uint32_t swapped = y - yy + (yy % 10) * 10 + yy / 10;
  if (d.month == 0 || placeholder || reach == DateReach::kNearYears) {
    year_all(y);
    year_all(y - 1);
    year_all(y + 1);
    if (reach == DateReach::kNearYears) {
      year_all(y - 2);
      year_all(y + 2);
    }
    if (d.month != 0 && swapped != y) one(swapped, static_cast<uint32_t>(d.month));
  } else {
    const uint32_t m = static_cast<uint32_t>(d.month);
    if (reach == DateReach::kSameYear) {
      year_all(y);
    } else {
      one(y, m);
      one(y, 0);
      one(y, 1);  // 01-01 placeholders of the same year
      if (d.day >= 1 && d.day <= 12 && static_cast<uint32_t>(d.day) != m) one(y, d.day);
    }
    for (uint32_t year : {y - 1, y + 1}) {
      one(year, m);
      one(year, 0);
    }
    if (swapped != y) one(swapped, m);
  }
  std::sort(r.begin(), r.end(),
            [](const BucketRange& a, const BucketRange& b) { return a.lo < b.lo; });
  // Merge overlaps so that no entry is read twice.
  std::vector<BucketRange> merged;
  for (const BucketRange& b : r) {
    if (!merged.empty() && b.lo <= merged.back().hi + 1) {
      merged.back().hi = std::max(merged.back().hi, b.hi);
    } else {
      merged.push_back(b);
    }
  }
  return merged;
}

bool InRanges(const std::vector<BucketRange>& ranges, uint32_t bucket) {
  for (const BucketRange& b : ranges) {
    if (bucket >= b.lo && bucket <= b.hi) return true;
  }
  return false;
}

double Logit(double p) {
  if (p <= 0) return -std::numeric_limits<double>::infinity();
  if (p >= 1) return std::numeric_limits<double>::infinity();
  return std::log(p / (1 - p));
}

}  // namespace

match::NameFrequencyTable PopulationFrequencies(const std::vector<PreparedPerson>& persons) {
  match::NameFrequencyBuilder builder;
  for (const PreparedPerson& p : persons) match::Matcher::AddTokens(p, &builder);
  return builder.BuildOver(match::NameFrequencyTable::BuiltIn());
}

struct PersonIndex::Slot {
  match::PreparedPerson person;
  std::string ref;
  uint32_t bucket = 0;
  bool alive = false;
};

struct PersonIndex::Filing {
  std::vector<uint64_t> keys;  // hashes of name and id keys
  uint32_t bucket = 0;
};

struct PersonIndex::Scratch {
  std::vector<uint32_t> epoch;
  std::vector<uint64_t> mask;
  std::vector<uint32_t> touched;
  uint32_t current = 0;
  // Father-token similarity memo: (query father token index, token) → sim.
  absl::flat_hash_map<std::pair<size_t, const void*>, float> father_sim;

  void Begin(size_t slots) {
    if (epoch.size() < slots) {
      epoch.resize(slots, 0);
      mask.resize(slots, 0);
    }
    touched.clear();
    father_sim.clear();
    if (++current == 0) {  // wrapped: forget every stamp
      std::fill(epoch.begin(), epoch.end(), 0);
      current = 1;
    }
  }
  void Visit(uint32_t slot, uint64_t bit) {
    if (epoch[slot] != current) {
      epoch[slot] = current;
      mask[slot] = 0;
      touched.push_back(slot);
    }
    mask[slot] |= bit;
  }
};

PersonIndex::PersonIndex(const match::Matcher& matcher, IndexOptions options)
    : matcher_(matcher), options_(options) {}

PersonIndex::~PersonIndex() = default;

PersonIndex::Filing PersonIndex::KeysOf(const PreparedPerson& p) const {
  Filing f;
  f.bucket = BucketOf(p.dob);
  std::vector<std::string> keys;
  for (const match::PreparedName& n : p.names) {
    for (const PreparedToken& t : n.tokens) match::Matcher::TokenKeys(t, &keys);
  }
  for (const match::PreparedId& id : p.ids) keys.push_back(match::Matcher::IdKey(id));
  f.keys.reserve(keys.size());
  for (const std::string& k : keys) f.keys.push_back(KeyHash(k));
  std::sort(f.keys.begin(), f.keys.end());
  f.keys.erase(std::unique(f.keys.begin(), f.keys.end()), f.keys.end());
  return f;
}

void PersonIndex::FileLocked(uint32_t slot, const Filing& f, bool keep_sorted) {
  const uint64_t e = Entry(f.bucket, slot);
  for (uint64_t k : f.keys) {
    std::vector<uint64_t>& list = postings_[k];
    if (keep_sorted) {
      list.insert(std::lower_bound(list.begin(), list.end(), e), e);
    } else {
      list.push_back(e);
    }
  }
}

void PersonIndex::UnfileLocked(uint32_t slot) {
  Slot& s = slots_[slot];
  const Filing f = KeysOf(s.person);
  const uint64_t e = Entry(f.bucket, slot);
  for (uint64_t k : f.keys) {
    auto it = postings_.find(k);
    if (it == postings_.end()) continue;
    std::vector<uint64_t>& list = it->second;
    auto pos = std::lower_bound(list.begin(), list.end(), e);
    if (pos != list.end() && *pos == e) list.erase(pos);
    if (list.empty()) postings_.erase(it);
  }
  s.alive = false;
  s.person = PreparedPerson();
  s.ref.clear();
  free_slots_.push_back(slot);
}

uint32_t PersonIndex::NewSlotLocked(std::string_view ref, PreparedPerson person) {
  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& s = slots_[slot];
  s.bucket = BucketOf(person.dob);
  s.person = std::move(person);
  s.ref = std::string(ref);
  s.alive = true;
  by_ref_[s.ref] = slot;
  return slot;
}

void PersonIndex::Upsert(std::string_view ref, PreparedPerson person) {
  tokens_.Intern(&person, &matcher_);
  const Filing f = KeysOf(person);
  absl::MutexLock lock(&mu_);
  if (auto it = by_ref_.find(std::string(ref)); it != by_ref_.end()) {
    const uint32_t old = it->second;
    by_ref_.erase(it);
    UnfileLocked(old);
  }
  const uint32_t slot = NewSlotLocked(ref, std::move(person));
  FileLocked(slot, f, /*keep_sorted=*/true);
}

bool PersonIndex::Remove(std::string_view ref) {
  absl::MutexLock lock(&mu_);
  auto it = by_ref_.find(std::string(ref));
  if (it == by_ref_.end()) return false;
  const uint32_t slot = it->second;
  by_ref_.erase(it);
  UnfileLocked(slot);
  return true;
}

void PersonIndex::AddBatch(std::vector<std::pair<std::string, PreparedPerson>> persons,
                           int threads) {
  threads = std::max(1, threads);
  std::vector<Filing> filings(persons.size());
  auto prepare = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      tokens_.Intern(&persons[i].second, &matcher_);
      filings[i] = KeysOf(persons[i].second);
    }
  };
  {
    std::vector<std::thread> pool;
    const size_t chunk = (persons.size() + threads - 1) / threads;
    for (int t = 0; t < threads; ++t) {
      const size_t begin = std::min(persons.size(), t * chunk);
      const size_t end = std::min(persons.size(), begin + chunk);
      pool.emplace_back(prepare, begin, end);
    }
    for (auto& t : pool) t.join();
  }
  absl::MutexLock lock(&mu_);
  postings_.reserve(postings_.size() + persons.size() / 8);
  for (size_t i = 0; i < persons.size(); ++i) {
    if (auto it = by_ref_.find(persons[i].first); it != by_ref_.end()) {
      const uint32_t old = it->second;
      by_ref_.erase(it);
      UnfileLocked(old);
    }
    const uint32_t slot = NewSlotLocked(persons[i].first, std::move(persons[i].second));
    FileLocked(slot, filings[i], /*keep_sorted=*/false);
  }
  persons.clear();
  // Sort every list, in parallel.
  std::vector<std::vector<uint64_t>*> lists;
  lists.reserve(postings_.size());
  for (auto& [k, list] : postings_) lists.push_back(&list);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&lists, t, threads] {
      for (size_t i = t; i < lists.size(); i += threads) {
        std::sort(lists[i]->begin(), lists[i]->end());
        lists[i]->shrink_to_fit();
      }
    });
  }
  for (auto& t : pool) t.join();
}

std::unique_ptr<PersonIndex::Scratch> PersonIndex::TakeScratch(size_t slots) const {
  std::unique_ptr<Scratch> s;
  {
    absl::MutexLock lock(&scratch_mu_);
    if (!scratch_.empty()) {
      s = std::move(scratch_.back());
      scratch_.pop_back();
    }
  }
  if (s == nullptr) s = std::make_unique<Scratch>();
  s->Begin(slots);
  return s;
}

void PersonIndex::ReturnScratch(std::unique_ptr<Scratch> s) const {
  absl::MutexLock lock(&scratch_mu_);
  scratch_.push_back(std::move(s));
}

std::vector<SearchHit> PersonIndex::Search(const PreparedPerson& query,
                                           const SearchOptions& options, SearchStats* stats) const {
  // The query's tokens with the index's weights (it may have been prepared
  // by a matcher with another frequency table).
  PreparedPerson q = query;
  tokens_.Share(&q, matcher_);
  SearchStats local;
  SearchStats& st = stats != nullptr ? *stats : local;
  st = SearchStats();
  const double needed = Logit(options.min_score);

  // The query's name tokens, each with its keys and the most it can add.
  struct QueryToken {
    size_t name = 0;
    double most = 0;  // points if paired exactly
    std::vector<uint64_t> keys;
    bool common = false;
    size_t entries = 0;
    bool read = true;
  };
  std::vector<QueryToken> qt;
  std::vector<double> fixed(q.names.size(), 0.0);  // titles and initials per name
  std::vector<std::string> keys;
  for (size_t n = 0; n < q.names.size(); ++n) {
    for (const PreparedToken& t : q.names[n].tokens) {
      if (t->role == names::TokenRole::kInitial) fixed[n] += points::kInitialPoints;
      if (t->role == names::TokenRole::kTitle) fixed[n] += points::kTitlePoints;
      if (t->role != names::TokenRole::kName || qt.size() >= kMaxQueryTokens) continue;
      keys.clear();
      match::Matcher::TokenKeys(t, &keys);
      QueryToken x;
      x.name = n;
      x.most = points::kNameScale * t->weight;
      for (const std::string& k : keys) x.keys.push_back(KeyHash(k));
      qt.push_back(std::move(x));
    }
  }
  std::vector<uint64_t> id_keys;
  for (const match::PreparedId& id : q.ids) id_keys.push_back(KeyHash(match::Matcher::IdKey(id)));

  // Evidence other than names a candidate may bring, at most (identity
  // numbers found by their keys are read whole and not counted here).
  double other_most = points::kSmallFeaturesMax + options_.bound_margin;
  if (!q.father.empty()) other_most += points::kFatherMax;
  if (!q.spouse.empty()) other_most += points::kFatherMax;
  if (!q.ids.empty()) other_most += points::kIdOneEdit;
  if (q.codice_fiscale) other_most += points::kDobMax;

  // How far from the query's date common names must be read: as far as
  // the best the names and the other evidence could still overcome.
  double names_most = 0;
  {
    std::vector<double> per_name(fixed);
    for (const QueryToken& x : qt) per_name[x.name] += x.most;
    for (double v : per_name) names_most = std::max(names_most, v);
  }
  const double best_case = points::kBias + names_most + other_most;
  DateReach reach = DateReach::kAgreeing;
  if (best_case + points::kDobMonthDiffers >= needed) reach = DateReach::kSameYear;
  if (best_case + points::kDobNearYear >= needed) reach = DateReach::kNearYears;
  if (best_case + points::kDobConflict >= needed) reach = DateReach::kAnyDate;
  const std::vector<BucketRange> ranges = BucketsToRead(q.dob, reach);
  const bool q_dated = !ranges.empty();

  absl::ReaderMutexLock lock(&mu_);
  std::unique_ptr<Scratch> scratch = TakeScratch(slots_.size());
  Scratch& sc = *scratch;

  auto list_of = [this](uint64_t k) -> const std::vector<uint64_t>* {
    auto it = postings_.find(k);
    return it == postings_.end() ? nullptr : &it->second;
  };
  for (QueryToken& x : qt) {
    for (uint64_t k : x.keys) {
      if (const auto* l = list_of(k)) x.entries += l->size();
    }
    x.common = x.entries > options_.common_key_entries;
  }
  // Without a date, common tokens are read whole, except those that cannot
  // lift a candidate over the threshold even together (most common first).
  if (!q_dated) {
    std::vector<size_t> order;
    for (size_t i = 0; i < qt.size(); ++i) {
      if (qt[i].common) order.push_back(i);
    }
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return qt[a].entries > qt[b].entries; });
    double fixed_most = 0;
    for (double f : fixed) fixed_most = std::max(fixed_most, f);
    double skipped = 0;
    for (size_t i : order) {
      if (points::kBias + skipped + qt[i].most + fixed_most + other_most >= needed) break;
      skipped += qt[i].most;
      qt[i].read = false;
    }
  }
  for (size_t i = 0; i < qt.size(); ++i) {
    const QueryToken& x = qt[i];
    if (!x.read) continue;
    const uint64_t bit = uint64_t{1} << i;
    for (uint64_t k : x.keys) {
      const auto* l = list_of(k);
      if (l == nullptr) continue;
      if (!x.common || !q_dated) {
        for (uint64_t e : *l) sc.Visit(SlotOf(e), bit);
        st.postings_read += l->size();
        continue;
      }
      for (const BucketRange& r : ranges) {
        auto lo = std::lower_bound(l->begin(), l->end(), Entry(r.lo, 0));
        auto hi = std::lower_bound(lo, l->end(), Entry(r.hi + 1, 0));
        for (auto it = lo; it != hi; ++it) sc.Visit(SlotOf(*it), bit);
        st.postings_read += static_cast<size_t>(hi - lo);
      }
    }
  }
  for (uint64_t k : id_keys) {
    if (const auto* l = list_of(k)) {
      for (uint64_t e : *l) sc.Visit(SlotOf(e), kIdBit);
      st.postings_read += l->size();
    }
  }
  st.candidates = sc.touched.size();

  std::vector<std::pair<double, uint32_t>> found;
  std::vector<double> name_most(q.names.size());
  for (uint32_t slot : sc.touched) {
    const Slot& s = slots_[slot];
    const PreparedPerson& c = s.person;
    const uint64_t mask = sc.mask[slot];
    if (needed > -std::numeric_limits<double>::infinity()) {
      // Upper bound of the candidate's score, in points.
      const bool outside = q_dated && !InRanges(ranges, s.bucket);
      std::copy(fixed.begin(), fixed.end(), name_most.begin());
      for (size_t i = 0; i < qt.size(); ++i) {
        // A common token's buckets were not all read: assume it pairs.
        if ((mask >> i) & 1 || (outside && qt[i].common) || !qt[i].read) {
          name_most[qt[i].name] += qt[i].most;
        }
      }
      double bound = points::kBias + *std::max_element(name_most.begin(), name_most.end()) +
                     points::kSmallFeaturesMax + options_.bound_margin;
      if ((q.dob.empty() || c.dob.empty()) && (q.codice_fiscale || c.codice_fiscale)) {
        bound += points::kDobMax;
      } else {
        bound += match::Matcher::DateOfBirthPoints(q.dob, c.dob);
      }
      if (!q.spouse.empty() && !c.spouse.empty()) bound += points::kFatherMax;
      for (const match::PreparedId& x : q.ids) {
        for (const match::PreparedId& y : c.ids) {
          if (x.scheme != y.scheme) continue;
          bound += x.value == y.value ? points::kIdIdentical : points::kIdOneEdit;
        }
      }
      const bool fathers = !q.father.empty() && !c.father.empty();
      if (bound + (fathers ? points::kFatherMax : 0.0) < needed) continue;
      if (fathers) {
        double father = 0;
        for (size_t f = 0; f < q.father.size(); ++f) {
          const PreparedToken& ft = q.father[f];
          for (const PreparedToken& g : c.father) {
            auto [it, inserted] = sc.father_sim.try_emplace({f, g.get()}, 0.0f);
            if (inserted) it->second = static_cast<float>(matcher_.TokenSimilarity(ft, g));
            if (it->second >= 0.80f) {
              father += points::kNameScale * ft->weight;
              break;
            }
          }
        }
        bound += std::min(father, points::kFatherMax);
      }
      if (bound < needed) continue;
    }
    ++st.scored;
    const double score = matcher_.Score(q, c);
    if (score >= options.min_score) found.push_back({score, slot});
  }
  ReturnScratch(std::move(scratch));

  auto better = [this](const std::pair<double, uint32_t>& a, const std::pair<double, uint32_t>& b) {
    if (a.first != b.first) return a.first > b.first;
    return slots_[a.second].ref < slots_[b.second].ref;
  };
  if (options.limit != 0 && found.size() > options.limit) {
    std::partial_sort(found.begin(), found.begin() + options.limit, found.end(), better);
    found.resize(options.limit);
  } else {
    std::sort(found.begin(), found.end(), better);
  }
  std::vector<SearchHit> hits;
  hits.reserve(found.size());
  for (const auto& [score, slot] : found) {
    hits.push_back({slots_[slot].ref, score, slots_[slot].person});
  }
  return hits;
}

std::optional<PreparedPerson> PersonIndex::Get(std::string_view ref) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = by_ref_.find(std::string(ref));
  if (it == by_ref_.end()) return std::nullopt;
  return slots_[it->second].person;
}

size_t PersonIndex::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return by_ref_.size();
}

}  // namespace liaison::screening
