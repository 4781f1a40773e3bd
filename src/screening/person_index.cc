#include "screening/person_index.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <thread>

namespace liaison::screening {
namespace {

using match::PreparedPerson;
using match::PreparedToken;
namespace points = match::points;

// Query term bits (the terms a token pairs with, the terms a region skips):
// one per query name token, then one per father's name token.
constexpr size_t kMaxNameTerms = 40;
constexpr size_t kFirstFatherBit = 40;
constexpr size_t kMaxFatherTerms = 16;
// A term's lists are read in up to this many groups by the points a pair
// earns (Search).
constexpr size_t kPairLevels = 4;

uint64_t KeyHash(std::string_view key) { return std::hash<std::string_view>()(key); }

// List keys: the top two bits say whose list it is.
constexpr uint64_t kTagMask = uint64_t{3} << 62;
uint64_t OwnList(uint32_t pool_id) { return (uint64_t{1} << 62) | pool_id; }
uint64_t FatherList(uint32_t pool_id) { return (uint64_t{2} << 62) | pool_id; }
uint64_t IdList(const match::PreparedId& id) {
  return KeyHash(match::Matcher::IdKey(id)) & ~kTagMask;
}
// Where a name list is kept in PersonIndex::name_lists_.
size_t NameListIndex(uint64_t key) {
  return 2 * static_cast<size_t>(static_cast<uint32_t>(key)) + ((key >> 63) & 1);
}
bool IsNameList(uint64_t key) { return (key & kTagMask) != 0; }

// The similarity at which the scorer pairs two tokens; a query term reads
// the lists of the held tokens at or above it.
constexpr double kPairFloor = 0.80;

// The date a person is filed under: the date of birth, or the one a
// codice fiscale encodes when there is none (the scorer compares that too).
names::BirthDate EffectiveDate(const PreparedPerson& p) {
  if (!p.dob.empty() || !p.codice_fiscale) return p.dob;
  const names::CodiceFiscale& cf = *p.codice_fiscale;
  // Century: the most recent one that does not put the birth in the future.
  const int year = cf.birth_year_2 <= 30 ? 2000 + cf.birth_year_2 : 1900 + cf.birth_year_2;
  return names::BirthDate{year, cf.birth_month, cf.birth_day};
}

// Date bucket: year * 512 + month * 32 + day, month and day 0 when unknown;
// 0 when there is no date. Lists are sorted by bucket, so one day, month
// or year is one contiguous run.
uint32_t BucketOf(const names::BirthDate& d) {
  if (d.empty()) return 0;
  return static_cast<uint32_t>(d.year) * 512 + static_cast<uint32_t>(d.month) * 32 +
         static_cast<uint32_t>(d.day);
}
constexpr uint32_t kYearBuckets = 512;

// The most points a pair of name tokens earns, as a share of an exact pair's
// for the query's token: the scorer gives kNameScale * the lighter weight *
// SimilarityShare(similarity), with the similarity rounded to a float (hence
// the margins).
float PairShare(float query_weight, float held_weight, double similarity) {
  if (query_weight <= 0) return 0.0f;
  return static_cast<float>(std::min(held_weight, query_weight) / query_weight *
                            match::Matcher::SimilarityShare(similarity + 1e-6)) +
         1e-6f;
}

uint64_t Entry(uint32_t bucket, uint32_t slot) { return (uint64_t{bucket} << 32) | slot; }

// A nationality's code in two bytes (ISO 3166-1 alpha-2 after
// normalisation); longer or empty codes map to a value no two-letter code
// has, so they never compare equal by accident.
uint16_t NationalityCode(const std::string& n) {
  if (n.size() != 2) return 0xFFFF;
  return static_cast<uint16_t>((static_cast<uint8_t>(n[0]) << 8) | static_cast<uint8_t>(n[1]));
}
uint32_t SlotOf(uint64_t entry) { return static_cast<uint32_t>(entry); }
uint32_t BucketOf(uint64_t entry) { return static_cast<uint32_t>(entry >> 32); }
// A list of at most this many entries per bucket range to read is read
// whole rather than searched for each range.
constexpr size_t kScanPerRange = 16;

// The first entry of the sorted [first, last) not below `value`, searched
// outwards from `first` (steps 1, 2, 4, ...): a query's bucket ranges are
// narrow and near each other, so each is found in a few reads near the
// last instead of a binary search of the whole list.
const uint64_t* Gallop(const uint64_t* first, const uint64_t* last, uint64_t value) {
  size_t step = 1;
  while (true) {
    const auto left = static_cast<size_t>(last - first);
    if (left <= step) return std::lower_bound(first, last, value);
    const auto probe = first + static_cast<std::ptrdiff_t>(step);
    if (*probe >= value) return std::lower_bound(first, probe, value);
    first = probe + 1;
    step *= 2;
  }
}

struct BucketRange {
  uint32_t lo = 0, hi = 0;  // inclusive
};

// Persons whose dates give the same most points against the query's date.
struct Region {
  double dob_most = 0;
  uint64_t skipped = 0;  // groups of a query's lists not read in this region (Search)
};

// How a query's date of birth divides the date buckets: every day within
// two years of the query's year (and of that year with its last two digits
// swapped) is put in the region of the most points the scorer's date rule
// gives it; undated persons form a region of 0 points; all other dates
// conflict. A query without a date has one region: everything, 0 points.
class DatePlan {
 public:
  explicit DatePlan(const names::BirthDate& q) {
    if (q.empty()) {
      regions_.push_back({.dob_most = 0});
      segments_.push_back({0, UINT32_MAX, 0});
      return;
    }
    regions_.push_back({.dob_most = match::points::kDobConflict});  // 0: the rest
    const size_t none = RegionFor(0.0);
    // The parts come in ascending order: each is appended at once, the gap
    // before it filled with the rest, neighbours of one region merged.
    segments_.reserve(256);
    uint32_t next = 0;
    auto emit = [&](const Segment& p) {
      if (p.lo > next) Append({next, p.lo - 1, 0});
      Append(p);
      next = p.hi + 1;
    };
    emit({0, 0, none});
    const int yy = q.year % 100;
    int swapped = q.year - yy + (yy % 10) * 10 + yy / 10;
    if (std::abs(swapped - q.year) <= 2) swapped = 0;
    auto add_year = [&](int year) {
      const uint32_t base = static_cast<uint32_t>(year) * kYearBuckets;
      for (int m = 0; m <= 12; ++m) {
        const uint32_t month = base + static_cast<uint32_t>(m) * 32;
        auto points = [&](int d) { return match::Matcher::DateOfBirthPoints(q, {year, m, d}); };
        if (m == 0) {  // year only
          emit({month, month + 31, RegionFor(points(0))});
          continue;
        }
        emit({month, month, RegionFor(points(0))});  // year and month only
        // Days differ in points only at the query's day, its month (a
        // swapped day and month) and the 1st (a 01-01 placeholder); the
        // days between them are one part each.
        std::array<int, 3> special = {q.day, q.month, 1};
        std::sort(special.begin(), special.end());
        int generic = 2;
        while (generic == q.day || generic == q.month) ++generic;
        const size_t other = RegionFor(points(generic));
        int next_day = 1;
        for (int d : special) {
          if (d < next_day || d > 31) continue;
          if (d > next_day) emit({month + next_day, month + d - 1, other});
          emit({month + d, month + d, RegionFor(points(d))});
          next_day = d + 1;
        }
        if (next_day <= 31) emit({month + next_day, month + 31, other});
      }
    };
    // Years in ascending order, so that the parts come out sorted.
    std::vector<int> years;
    for (int year = q.year - 2; year <= q.year + 2; ++year) years.push_back(year);
    if (swapped != 0) years.push_back(swapped);
    std::sort(years.begin(), years.end());
    for (int year : years) add_year(year);
    Append({next, UINT32_MAX, 0});
    // A direct table for the years around the query's (RegionOf is on the
    // path of every person reached).
    span_lo_ = static_cast<uint32_t>(years.front()) * kYearBuckets;
    const uint32_t span_hi = static_cast<uint32_t>(years.back()) * kYearBuckets + kYearBuckets - 1;
    table_.assign(span_hi - span_lo_ + 1, 0);
    for (const Segment& seg : segments_) {
      const uint32_t lo = std::max(seg.lo, span_lo_), hi = std::min(seg.hi, span_hi);
      if (lo > hi || seg.region == 0) continue;  // outside, or already 0 (the rest)
      std::fill(table_.begin() + (lo - span_lo_), table_.begin() + (hi - span_lo_) + 1,
                static_cast<uint8_t>(seg.region));
    }
    zero_region_ = none;
  }

  std::vector<Region>& regions() { return regions_; }

  // The region of a person filed under `bucket`.
  const Region& RegionOf(uint32_t bucket) const {
    if (!table_.empty()) {
      if (bucket - span_lo_ < table_.size()) return regions_[table_[bucket - span_lo_]];
      return regions_[bucket == 0 ? zero_region_ : 0];
    }
    auto it = std::upper_bound(segments_.begin(), segments_.end(), bucket,
                               [](uint32_t b, const Segment& s) { return b < s.lo; });
    return regions_[std::prev(it)->region];
  }

  // The bucket ranges in which the group of lists with mask bit `bit` is read: those of
  // the regions that do not skip it, merged.
  void RangesToRead(uint64_t bit, std::vector<BucketRange>* out) const {
    out->clear();
    for (const Segment& s : segments_) {
      if (regions_[s.region].skipped & bit) continue;
      if (!out->empty() && out->back().hi != UINT32_MAX && out->back().hi + 1 == s.lo) {
        out->back().hi = s.hi;
      } else {
        out->push_back({s.lo, s.hi});
      }
    }
  }

 private:
  struct Segment {
    uint32_t lo = 0, hi = 0;  // inclusive
    size_t region = 0;
  };

  size_t RegionFor(double most) {
    if (most <= match::points::kDobConflict) return 0;
    for (size_t i = 0; i < regions_.size(); ++i) {
      if (regions_[i].dob_most == most) return i;
    }
    regions_.push_back({.dob_most = most});
    return regions_.size() - 1;
  }

  void Append(const Segment& s) {
    if (!segments_.empty() && segments_.back().region == s.region &&
        segments_.back().hi + 1 == s.lo) {
      segments_.back().hi = s.hi;
    } else {
      segments_.push_back(s);
    }
  }

  std::vector<Region> regions_;
  std::vector<Segment> segments_;  // sorted, covering every bucket
  uint32_t span_lo_ = 0;           // first bucket of table_
  std::vector<uint8_t> table_;     // region of each bucket near the query's date
  size_t zero_region_ = 0;         // region of undated persons
};

double Logit(double p) {
  if (p <= 0) return -std::numeric_limits<double>::infinity();
  if (p >= 1) return std::numeric_limits<double>::infinity();
  return std::log(p / (1 - p));
}

double Odds(double p) {
  constexpr double kMost = 1 - 1e-12;
  const double q = std::clamp(p, 0.0, kMost);
  return q / (1 - q);
}

}  // namespace

double NullLogOdds(size_t listed) {
  if (listed == 0) return 0;
  return std::max(0.0, 1.0 + 1.5 * std::log10(static_cast<double>(listed) / 1e5));
}

std::vector<size_t> SameIdentityGroups(const match::Matcher& matcher,
                                       const std::vector<const PreparedPerson*>& persons) {
  std::vector<size_t> same_as(persons.size());
  for (size_t i = 0; i < persons.size(); ++i) {
    same_as[i] = i;
    if (i >= kMaxGroupedHits) continue;
    for (size_t j = 0; j < i; ++j) {
      if (matcher.Score(*persons[i], *persons[j]) >= kSameIdentityScore) {
        same_as[i] = same_as[j];
        break;
      }
    }
  }
  return same_as;
}

std::vector<double> ListAwareScores(const std::vector<double>& pair_scores, double null_log_odds,
                                    const std::vector<size_t>& same_as) {
  double total = std::exp(null_log_odds);
  for (size_t i = 0; i < pair_scores.size(); ++i) {
    if (same_as.empty() || same_as[i] == i) total += Odds(pair_scores[i]);
  }
  std::vector<double> out;
  out.reserve(pair_scores.size());
  for (double p : pair_scores) out.push_back(Odds(p) / total);
  return out;
}

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

namespace {

// Identity numbers packed into 64 bits for a person's summary: all digits,
// up to 19, in base 10; otherwise digits and capital letters, up to 12, in
// base 37. `len` keeps the length (bits 0-6) and the base (bit 7: digits).
struct PackedId {
  uint64_t value = 0;
  uint8_t len = 0;
};

std::optional<PackedId> PackId(std::string_view v) {
  const bool digits = std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
  PackedId p;
  if (digits) {
    if (v.size() > 19) return std::nullopt;
    for (char c : v) p.value = p.value * 10 + static_cast<uint64_t>(c - '0');
    p.len = static_cast<uint8_t>(v.size() | 0x80);
    return p;
  }
  if (v.size() > 12) return std::nullopt;
  for (char c : v) {
    uint64_t d;
    if (c >= '0' && c <= '9') {
      d = static_cast<uint64_t>(c - '0') + 1;
    } else if (c >= 'A' && c <= 'Z') {
      d = static_cast<uint64_t>(c - 'A') + 11;
    } else {
      return std::nullopt;
    }
    p.value = p.value * 37 + d;
  }
  p.len = static_cast<uint8_t>(v.size());
  return p;
}

// The identity number `p` packs, written into `buf` (at least 19 chars).
std::string_view UnpackId(const PackedId& p, char* buf) {
  const size_t n = p.len & 0x7F;
  uint64_t v = p.value;
  for (size_t i = n; i-- > 0;) {
    if (p.len & 0x80) {
      buf[i] = static_cast<char>('0' + v % 10);
      v /= 10;
    } else {
      const uint64_t d = v % 37;
      v /= 37;
      buf[i] = d <= 10 ? static_cast<char>('0' + d - 1) : static_cast<char>('A' + d - 11);
    }
  }
  return std::string_view(buf, n);
}

}  // namespace

// What the bound of a candidate needs, in two adjacent cache lines, so that
// the thousands of persons a query reaches cost one memory read each: the
// pool ids of its tokens, and its date, gender, nationality and identity
// numbers as Matcher::EvidenceBound reads them from the person.
struct alignas(64) PersonIndex::Summary {
  static constexpr size_t kOwn = 12, kFather = 6, kNationalities = 2, kIds = 2;
  uint32_t bucket = 0;
  uint8_t own_count = 0, father_count = 0;
  bool complete : 1 = true;  // every token fits below
  bool has_father : 1 = false, has_spouse : 1 = false, has_ids : 1 = false, has_cf : 1 = false;
  bool more_nationalities : 1 = false;  // more than kNationalities
  bool dob_empty : 1 = true;            // no date of birth (the bucket may be a codice fiscale's)
  bool ids_complete : 1 = true;         // every identity number is below
  char gender = 0;                      // as the scorer reads it (or the id's sex); 0: unknown
  uint8_t id_count = 0;
  std::array<uint8_t, kIds> id_scheme{};  // the index's code of its scheme
  // Its first nationalities, two letters packed (NationalityCode); 0: none.
  std::array<uint16_t, kNationalities> nationality{};
  std::array<PackedId, kIds> id{};
  std::array<uint32_t, kOwn> own{};        // pool ids of its own names' tokens
  std::array<uint32_t, kFather> father{};  // and of its father's name

  // `scheme_code` gives the index's code of an identity scheme (0: none).
  template <typename SchemeCode>
  static Summary Of(const PreparedPerson& p, uint32_t bucket_of, SchemeCode scheme_code) {
    static_assert(sizeof(Summary) == 128, "a person's summary is two cache lines");
    Summary m;
    m.bucket = bucket_of;
    m.has_father = !p.father.empty();
    m.has_spouse = !p.spouse.empty();
    m.has_ids = !p.ids.empty();
    m.has_cf = p.codice_fiscale.has_value();
    m.dob_empty = p.dob.empty();
    m.gender = p.gender != 0 ? p.gender : p.id_sex;
    for (size_t i = 0; i < p.nationalities.size(); ++i) {
      if (i == kNationalities) {
        m.more_nationalities = true;
        break;
      }
      m.nationality[i] = NationalityCode(p.nationalities[i]);
    }
    for (const match::PreparedId& id : p.ids) {
      const uint8_t code = scheme_code(id.scheme);
      const std::optional<PackedId> packed = PackId(id.value);
      if (m.id_count == kIds || code == 0 || !packed) {
        m.ids_complete = false;
        break;
      }
      m.id_scheme[m.id_count] = code;
      m.id[m.id_count++] = *packed;
    }
    for (const match::PreparedName& n : p.names) {
      for (const PreparedToken& t : n.tokens) {
        if (m.own_count == kOwn || t->pool_id == match::TokenData::kNotPooled) {
          m.complete = false;
        } else {
          m.own[m.own_count++] = t->pool_id;
        }
      }
    }
    for (const PreparedToken& t : p.father) {
      if (m.father_count == kFather || t->pool_id == match::TokenData::kNotPooled) {
        m.complete = false;
      } else {
        m.father[m.father_count++] = t->pool_id;
      }
    }
    return m;
  }
};

// The first thing a search reads of each person it reaches: 16 bytes, so
// that a million persons' hot records (16 MB) stay in the processor's cache,
// where their summaries (128 MB) cannot. From it a search bounds the
// person's score with its nationality and identity numbers taken at their
// best and its names known by 8-bit hashes of their tokens' pool ids: a
// query maps each hash to the terms whose held tokens have it, so a hash
// collision can only credit a term the person lacks (a looser bound), never
// miss one it has.
struct PersonIndex::Hot {
  static constexpr size_t kOwn = 7, kFather = 3;
  static constexpr uint16_t kHasFather = 1, kHasSpouse = 2, kDobEmpty = 4, kHasCf = 8,
                            kOwnAll = 16,  // more own tokens than kOwn, or one not pooled
      kFatherAll = 32;                     // likewise for the father's name
  static constexpr int kIdCountShift = 6;  // bits 6-8: identity numbers, 7 meaning 7 or more
  static constexpr int kGenderShift = 9;   // bits 9-10: 0 unknown, 1 'M', 2 'F', 3 other
  uint32_t bucket = 0;
  uint16_t flags = 0;
  // Hashes of its own tokens and its father's, unused places repeating the
  // first (so that they add nothing).
  std::array<uint8_t, kOwn> own{};
  std::array<uint8_t, kFather> father{};

  static uint8_t Hash(uint32_t pool_id) {
    return static_cast<uint8_t>((pool_id * 0x9E3779B1u) >> 24);
  }
  size_t id_count() const {
    const size_t n = (flags >> kIdCountShift) & 7;
    return n == 7 ? match::kMaxIdsPerPerson : n;
  }
  // As the summary's, except that a code other than M and F is taken at its
  // best against `query_gender`.
  char gender(char query_gender) const {
    switch ((flags >> kGenderShift) & 3) {
      case 1:
        return 'M';
      case 2:
        return 'F';
      case 3:
        return query_gender;
      default:
        return 0;
    }
  }

  template <size_t N>
  static bool HashTokens(const std::vector<PreparedToken>& tokens, size_t* count,
                         std::array<uint8_t, N>* out) {
    for (const PreparedToken& t : tokens) {
      if (*count == N || t->pool_id == match::TokenData::kNotPooled) return false;
      (*out)[(*count)++] = Hash(t->pool_id);
    }
    return true;
  }

  static Hot Of(const PreparedPerson& p, uint32_t bucket_of) {
    static_assert(sizeof(Hot) == 16, "a person's hot record is 16 bytes");
    Hot h;
    h.bucket = bucket_of;
    if (!p.father.empty()) h.flags |= kHasFather;
    if (!p.spouse.empty()) h.flags |= kHasSpouse;
    if (p.dob.empty()) h.flags |= kDobEmpty;
    if (p.codice_fiscale.has_value()) h.flags |= kHasCf;
    h.flags |= static_cast<uint16_t>(std::min<size_t>(p.ids.size(), 7) << kIdCountShift);
    const char g = p.gender != 0 ? p.gender : p.id_sex;
    const uint16_t code = g == 0 ? 0 : g == 'M' ? 1 : g == 'F' ? 2 : 3;
    h.flags |= static_cast<uint16_t>(code << kGenderShift);
    size_t own_count = 0, father_count = 0;
    bool own_fits = true;
    for (const match::PreparedName& n : p.names) {
      own_fits = own_fits && HashTokens(n.tokens, &own_count, &h.own);
    }
    if (!own_fits || own_count == 0) h.flags |= kOwnAll;
    if (!HashTokens(p.father, &father_count, &h.father)) h.flags |= kFatherAll;
    for (size_t i = std::max<size_t>(own_count, 1); i < kOwn; ++i) h.own[i] = h.own[0];
    for (size_t i = std::max<size_t>(father_count, 1); i < kFather; ++i) h.father[i] = h.father[0];
    return h;
  }
};

struct PersonIndex::Filing {
  std::vector<uint64_t> keys;  // hashes of name and id keys
  uint32_t bucket = 0;
};

namespace {
// Asks for both cache lines of a person's summary, to be read soon.
void PrefetchSummary(const void* summary) {
  __builtin_prefetch(summary, 0, 3);
  __builtin_prefetch(static_cast<const char*>(summary) + 64, 0, 3);
}
}  // namespace

struct PersonIndex::Scratch {
  // A bit per slot, set for the persons reached (`touched`) and cleared
  // again by End: 128 KB at a million persons, which stays in cache where
  // a stamp per slot (4 MB) did not.
  std::vector<uint64_t> seen;
  std::vector<uint32_t> touched;
  std::vector<uint32_t> kept;  // of those, the ones whose hot bound reaches the bar
  // By token hash (Hot::Hash): the query terms some held token with that
  // hash pairs with.
  std::array<uint64_t, 256> hash_terms{};
  // By level l (1 to kPairLevels - 1) and token hash: the query terms some
  // held token with that hash pairs with, earning more than l / kPairLevels
  // of the term's points.
  std::array<std::array<uint64_t, 256>, kPairLevels - 1> hash_levels{};
  uint32_t current = 0;
  // For each pooled token met in the summaries read (by pool id): the query
  // terms it pairs with, valid when its stamp is `current`.
  std::vector<uint64_t> token_terms;
  std::vector<uint32_t> token_stamp;
  // For a token that pairs with some term: where its pairs' shares start in
  // `shares`, one per term (the most points the pair earns, as a share of
  // the term's; see Search), valid with its stamp.
  std::vector<uint32_t> token_shares_at;
  std::vector<float> shares;
  size_t terms = 0;
  // Buffers of a search, kept for the next: the ids of each group of lists,
  // and a group's bucket ranges.
  std::vector<std::vector<uint32_t>> group_ids;
  std::vector<BucketRange> ranges;
  match::SimilarityCache similarities;  // token pairs scored for this query

  void Begin(size_t slots, size_t tokens) {
    if (seen.size() * 64 < slots) seen.resize((slots + 63) / 64, 0);
    if (token_stamp.size() < tokens) {
      token_stamp.resize(tokens, 0);
      token_terms.resize(tokens, 0);
      token_shares_at.resize(tokens, 0);
    }
    shares.clear();
    touched.clear();
    hash_terms.fill(0);
    for (auto& level : hash_levels) level.fill(0);
    similarities.Clear();
    if (++current == 0) {  // wrapped: forget every stamp
      std::fill(token_stamp.begin(), token_stamp.end(), 0);
      current = 1;
    }
  }
  // Notes that the pooled token `id` pairs with the query's term number
  // `term` (mask bit `bit`), earning at most `share` of its points.
  void MarkTerm(uint32_t id, size_t term, uint64_t bit, float share) {
    if (id >= token_stamp.size()) return;
    if (token_stamp[id] != current) {
      token_stamp[id] = current;
      token_terms[id] = 0;
    }
    if (token_terms[id] == 0) {
      token_shares_at[id] = static_cast<uint32_t>(shares.size());
      shares.resize(shares.size() + terms, 0.0f);
    }
    token_terms[id] |= bit;
    float& s = shares[token_shares_at[id] + term];
    s = std::max(s, share);
  }
  // Notes that a held token with hash `hash` pairs with the term `bit`,
  // earning at most `share` of its points.
  void MarkHash(uint8_t hash, uint64_t bit, float share) {
    hash_terms[hash] |= bit;
    const size_t level = std::min(kPairLevels - 1, static_cast<size_t>(share * kPairLevels));
    for (size_t l = 1; l <= level; ++l) hash_levels[l - 1][hash] |= bit;
  }
  // Adds to `levels` (by level, from 0) the terms a held token with hash
  // `hash` pairs with at each level.
  void AddLevels(uint8_t hash, std::array<uint64_t, kPairLevels>* levels) const {
    (*levels)[0] |= hash_terms[hash];
    for (size_t l = 1; l < kPairLevels; ++l) (*levels)[l] |= hash_levels[l - 1][hash];
  }
  // The share noted for a token and term (0 if it does not pair).
  float ShareOf(uint32_t id, size_t term) const {
    if (id >= token_stamp.size() || token_stamp[id] != current || token_terms[id] == 0) return 0;
    return shares[token_shares_at[id] + term];
  }
  // Notes a person reached (once per query).
  void Visit(uint32_t slot) {
    uint64_t& word = seen[slot >> 6];
    const uint64_t bit = uint64_t{1} << (slot & 63);
    if (!(word & bit)) {
      word |= bit;
      touched.push_back(slot);
    }
  }
  // Forgets the persons reached (before the scratch is used again).
  void End() {
    for (uint32_t slot : touched) seen[slot >> 6] = 0;
    touched.clear();
  }
};

PersonIndex::PersonIndex(const match::Matcher& matcher, IndexOptions options)
    : matcher_(matcher), options_(options) {}

PersonIndex::~PersonIndex() = default;

PersonIndex::Filing PersonIndex::KeysOf(const PreparedPerson& p) const {
  Filing f;
  f.bucket = BucketOf(EffectiveDate(p));
  for (const match::PreparedName& n : p.names) {
    for (const PreparedToken& t : n.tokens) {
      if (t->role == names::TokenRole::kName && t->pool_id != match::TokenData::kNotPooled) {
        f.keys.push_back(OwnList(t->pool_id));
      }
    }
  }
  for (const PreparedToken& t : p.father) {
    if (t->role == names::TokenRole::kName && t->pool_id != match::TokenData::kNotPooled) {
      f.keys.push_back(FatherList(t->pool_id));
    }
  }
  for (const match::PreparedId& id : p.ids) f.keys.push_back(IdList(id));
  std::sort(f.keys.begin(), f.keys.end());
  f.keys.erase(std::unique(f.keys.begin(), f.keys.end()), f.keys.end());
  return f;
}

void PersonIndex::KeyTokensLocked(const PreparedPerson& p) {
  std::vector<std::string> keys;
  auto key = [&](const PreparedToken& t) {
    const uint32_t id = t->pool_id;
    if (id == match::TokenData::kNotPooled) return;
    if (id >= token_refs_.size()) token_refs_.resize(id + 1);
    if (token_refs_[id] == nullptr) {
      token_refs_[id] = t;
      if (t->role != names::TokenRole::kName) {
        unkeyed_ids_.push_back(id);
        absl::MutexLock lock(&expansion_mu_);
        expansions_.clear();
        held_expansions_.clear();
      }
    }
    if (t->role != names::TokenRole::kName) return;
    if (id >= token_keyed_.size()) token_keyed_.resize(id + 1, false);
    if (token_keyed_[id]) return;
    token_keyed_[id] = true;
    if (id >= sketches_.size()) sketches_.resize(id + 1);
    sketches_[id] = names::TokenSketch::Of(t->forms);
    keys.clear();
    match::Matcher::TokenKeys(t, &keys);
    absl::MutexLock lock(&expansion_mu_);
    expansions_.clear();
    for (const std::string& k : keys) {
      std::vector<uint32_t>& with_key = key_tokens_[KeyHash(k)];
      for (uint32_t other : with_key) {
        if (other < held_expansions_.size()) held_expansions_[other] = nullptr;
      }
      with_key.push_back(id);
    }
  };
  for (const match::PreparedName& n : p.names) {
    for (const PreparedToken& t : n.tokens) key(t);
  }
  for (const PreparedToken& t : p.father) key(t);
}

std::shared_ptr<const PersonIndex::Expansion> PersonIndex::ExpandLocked(
    const PreparedToken& t) const {
  // A held token is its pool id; another, its role and folded text.
  const uint32_t self = t->pool_id;
  const bool is_held = self < token_refs_.size() && token_refs_[self].get() == t.get();
  std::string memo_key;
  if (!is_held) {
    memo_key.push_back(static_cast<char>(t->role));
    memo_key += t->text;
  }
  {
    absl::ReaderMutexLock lock(&expansion_mu_);  // searches on other threads look up too
    if (is_held) {
      if (self < held_expansions_.size() && held_expansions_[self] != nullptr) {
        return held_expansions_[self];
      }
    } else if (auto it = expansions_.find(memo_key); it != expansions_.end()) {
      return it->second;
    }
  }
  std::vector<std::string> keys;
  match::Matcher::TokenKeys(t, &keys);
  std::vector<uint32_t> met;
  for (const std::string& k : keys) {
    if (auto it = key_tokens_.find(KeyHash(k)); it != key_tokens_.end()) {
      met.insert(met.end(), it->second.begin(), it->second.end());
    }
  }
  std::sort(met.begin(), met.end());
  met.erase(std::unique(met.begin(), met.end()), met.end());
  auto paired = std::make_shared<Expansion>();
  // Most of the tokens met do not pair: their sketches (an array read in
  // order, asked for ahead) dismiss them without reading the tokens.
  const names::TokenSketch sketch = names::TokenSketch::Of(t->forms);
  constexpr size_t kSketchesAhead = 8;
  for (size_t k = 0; k < met.size(); ++k) {
    if (k + kSketchesAhead < met.size() && met[k + kSketchesAhead] < sketches_.size()) {
      __builtin_prefetch(&sketches_[met[k + kSketchesAhead]], 0, 3);
    }
    const uint32_t id = met[k];
    if (id >= token_refs_.size() || token_refs_[id] == nullptr || id >= sketches_.size()) continue;
    if (!match::Matcher::NameTokensMayPair(sketch, sketches_[id])) continue;
    const match::PreparedToken& held = token_refs_[id];
    const double s = matcher_.TokenSimilarity(t, held);
    if (s < kPairFloor) continue;
    auto entries = [this](uint64_t key) {
      const List* l = FindListLocked(key);
      return l == nullptr ? uint32_t{0} : static_cast<uint32_t>(l->size());
    };
    paired->keyed.push_back({.id = id,
                             .share = PairShare(t->weight, held->weight, s),
                             .own_entries = entries(OwnList(id)),
                             .father_entries = entries(FatherList(id))});
  }
  for (uint32_t id : unkeyed_ids_) {
    if (matcher_.TokenSimilarity(t, token_refs_[id]) >= kPairFloor) {
      paired->unkeyed.push_back(id);
    }
  }
  {
    absl::MutexLock lock(&expansion_mu_);
    if (is_held) {
      if (self >= held_expansions_.size()) held_expansions_.resize(token_refs_.size());
      held_expansions_[self] = paired;
    } else {
      if (expansions_.size() >= kMaxExpansions) expansions_.clear();
      expansions_.emplace(std::move(memo_key), paired);
    }
  }
  return paired;
}

PersonIndex::List& PersonIndex::ListLocked(uint64_t key) {
  if (!IsNameList(key)) return id_lists_[key];
  const size_t at = NameListIndex(key);
  if (at >= name_lists_.size()) name_lists_.resize(std::max(at + 1, name_lists_.size() * 3 / 2));
  return name_lists_[at];
}

const PersonIndex::List* PersonIndex::FindListLocked(uint64_t key) const {
  if (IsNameList(key)) {
    const size_t at = NameListIndex(key);
    return at < name_lists_.size() && !name_lists_[at].empty() ? &name_lists_[at] : nullptr;
  }
  auto it = id_lists_.find(key);
  return it == id_lists_.end() ? nullptr : &it->second;
}

void PersonIndex::FileLocked(uint32_t slot, const Filing& f, bool keep_sorted) {
  const uint64_t e = Entry(f.bucket, slot);
  for (uint64_t k : f.keys) {
    List& list = ListLocked(k);
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
  auto erase = [e](List* list) {
    auto pos = std::lower_bound(list->begin(), list->end(), e);
    if (pos != list->end() && *pos == e) list->erase(pos);
  };
  for (uint64_t k : f.keys) {
    if (IsNameList(k)) {
      if (NameListIndex(k) < name_lists_.size()) erase(&name_lists_[NameListIndex(k)]);
      continue;
    }
    auto it = id_lists_.find(k);
    if (it == id_lists_.end()) continue;
    erase(&it->second);
    if (it->second.empty()) id_lists_.erase(it);
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
    summaries_.emplace_back();
    hot_.emplace_back();
  }
  Slot& s = slots_[slot];
  s.bucket = BucketOf(EffectiveDate(person));
  hot_[slot] = Hot::Of(person, s.bucket);
  summaries_[slot] = Summary::Of(person, s.bucket, [this](const std::string& scheme) -> uint8_t {
    auto it = id_schemes_.find(scheme);
    if (it != id_schemes_.end()) return it->second;
    if (id_schemes_.size() >= 255) return 0;
    const auto code = static_cast<uint8_t>(id_schemes_.size() + 1);
    id_schemes_.emplace(scheme, code);
    return code;
  });
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
  KeyTokensLocked(person);
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
  // Tokens are pooled in the batch's order, on one thread (the pool's lock
  // serialises interning anyway): their pool numbers, and so the hot
  // records' hashes and what a search reaches, are the same however the
  // threads below run.
  for (auto& [ref, person] : persons) tokens_.Intern(&person, &matcher_);
  std::vector<Filing> filings(persons.size());
  auto prepare = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) filings[i] = KeysOf(persons[i].second);
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
  id_lists_.reserve(id_lists_.size() + persons.size() / 8);
  name_lists_.reserve(2 * tokens_.size() + 2);
  for (size_t i = 0; i < persons.size(); ++i) {
    if (auto it = by_ref_.find(persons[i].first); it != by_ref_.end()) {
      const uint32_t old = it->second;
      by_ref_.erase(it);
      UnfileLocked(old);
    }
    KeyTokensLocked(persons[i].second);
    const uint32_t slot = NewSlotLocked(persons[i].first, std::move(persons[i].second));
    FileLocked(slot, filings[i], /*keep_sorted=*/false);
  }
  persons.clear();
  // Sort every list, in parallel.
  std::vector<List*> lists;
  lists.reserve(name_lists_.size() + id_lists_.size());
  for (auto& list : name_lists_) lists.push_back(&list);
  for (auto& [k, list] : id_lists_) lists.push_back(&list);
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
  pool.clear();
  // Expand every held name token now, in parallel (the workers read the
  // index under this thread's writer lock): most tokens of the
  // persons screened are held spellings, whose expansions are then ready
  // (a common one takes a few hundred microseconds). Those of spellings
  // not held are made as searches meet them.
  std::vector<uint32_t> held;
  for (uint32_t id = 0; id < token_keyed_.size() && id < token_refs_.size(); ++id) {
    if (token_keyed_[id] && token_refs_[id] != nullptr) held.push_back(id);
  }
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([this, &held, t, threads] {
      for (size_t i = t; i < held.size(); i += threads) ExpandLocked(token_refs_[held[i]]);
    });
  }
  for (auto& t : pool) t.join();
}

std::unique_ptr<PersonIndex::Scratch> PersonIndex::TakeScratch(size_t slots, size_t tokens) const {
  std::unique_ptr<Scratch> s;
  {
    absl::MutexLock lock(&scratch_mu_);
    if (!scratch_.empty()) {
      s = std::move(scratch_.back());
      scratch_.pop_back();
    }
  }
  if (s == nullptr) s = std::make_unique<Scratch>();
  s->Begin(slots, tokens);
  return s;
}

void PersonIndex::ReturnScratch(std::unique_ptr<Scratch> s) const {
  s->End();
  absl::MutexLock lock(&scratch_mu_);
  scratch_.push_back(std::move(s));
}

std::vector<SearchHit> PersonIndex::Search(const PreparedPerson& query,
                                           const SearchOptions& options, SearchStats* stats) const {
  SearchStats local;
  SearchStats& st = stats != nullptr ? *stats : local;
  st = SearchStats();
  // The query's tokens with the index's weights (it may have been prepared
  // by a matcher with another frequency table).
  PreparedPerson q = query;
  tokens_.Share(&q, matcher_);

  // The query's terms: its name tokens and its father's name tokens, each
  // with its blocking keys and the most points it can bring.
  struct Term {
    bool father = false;
    size_t name = 0;  // which of the query's names (name tokens)
    double most = 0;
    uint64_t bit = 0;
    const PreparedToken* token = nullptr;        // the query's token
    std::shared_ptr<const Expansion> expansion;  // the held tokens it pairs with
    names::TokenSketch sketch;
  };
  std::vector<Term> terms;
  std::vector<double> fixed(q.names.size(), 0.0);  // titles and initials per name
  size_t name_terms = 0;
  for (size_t n = 0; n < q.names.size(); ++n) {
    for (const PreparedToken& t : q.names[n].tokens) {
      if (t->role == names::TokenRole::kInitial) fixed[n] += points::kInitialPoints;
      if (t->role == names::TokenRole::kTitle) fixed[n] += points::kTitlePoints;
      if (t->role != names::TokenRole::kName || name_terms >= kMaxNameTerms) continue;
      Term x;
      x.name = n;
      x.token = &t;
      x.most = points::kNameScale * t->weight;
      x.bit = uint64_t{1} << name_terms++;
      terms.push_back(std::move(x));
    }
  }
  size_t father_terms = 0;
  for (const PreparedToken& t : q.father) {
    if (t->role != names::TokenRole::kName || father_terms >= kMaxFatherTerms) continue;
    Term x;
    x.father = true;
    x.token = &t;
    x.most = points::kRelativeScale * points::kNameScale * t->weight;
    x.bit = uint64_t{1} << (kFirstFatherBit + father_terms++);
    terms.push_back(std::move(x));
  }
  std::vector<uint64_t> id_keys;
  for (const match::PreparedId& id : q.ids) id_keys.push_back(IdList(id));
  const double fixed_most = fixed.empty() ? 0.0 : *std::max_element(fixed.begin(), fixed.end());
  // Evidence besides names, fathers and dates a candidate may bring, at
  // most. Equal identity numbers are read by their keys; a number with a
  // typo (+2 points) is not planned for: such a candidate is found through
  // its names in any region where names and date together may suffice.
  double extra = points::kSmallFeaturesMax + options_.bound_margin;
  if (!q.spouse.empty()) extra += points::kFatherMax;
  {
    // One name token matching the other's father's name written in the name.
    double rel = 0;
    for (const Term& t : terms)
      rel = std::max(rel, t.most / (t.father ? points::kRelativeScale : 1.0));
    extra += points::kRelativeInName * rel;
  }

  DatePlan plan(EffectiveDate(q));

  absl::ReaderMutexLock lock(&mu_);
  // The pairwise bar: a hit's list-aware score is at most its pairwise odds
  // over (its odds + e^null), so it needs pairwise log-odds of at least
  // logit(min_score) + null.
  double null_log_odds = 0;
  if (options.list_aware) {
    null_log_odds = std::isnan(options.null_log_odds)
                        ? NullLogOdds(slots_.size() - free_slots_.size())
                        : options.null_log_odds;
  }
  const double needed = Logit(options.min_score) + null_log_odds;
  const double pair_min = 1 / (1 + std::exp(-needed));
  auto list_of = [this](uint64_t k) { return FindListLocked(k); };
  std::unique_ptr<Scratch> scratch = TakeScratch(slots_.size(), tokens_.size());
  Scratch& sc = *scratch;
  // Each term reads the lists of the held tokens it pairs with. A pair earns
  // a share of the term's points that falls with its similarity and with
  // the held token's weight, so a term's lists are read in groups by the
  // most a pair in them earns: a region can skip a term's weak pairs (most
  // of the dozens a term has) and still read its strong ones.
  struct Group {
    size_t term = 0;
    double most = 0;
    uint64_t bit = 0;                      // in Region::skipped
    std::vector<uint32_t>* ids = nullptr;  // of the held tokens whose lists it reads (scratch)
    size_t entries = 0;                    // in those lists (an estimate)
  };
  sc.terms = terms.size();
  const size_t levels = std::clamp<size_t>(64 / std::max<size_t>(terms.size(), 1), 1, kPairLevels);
  std::vector<Group> groups;
  groups.reserve(terms.size() * levels);
  if (sc.group_ids.size() < terms.size() * levels) sc.group_ids.resize(terms.size() * levels);
  for (size_t i = 0; i < terms.size(); ++i) {
    Term& t = terms[i];
    const size_t first = groups.size();
    for (size_t l = 0; l < levels; ++l) {
      std::vector<uint32_t>* ids = &sc.group_ids[groups.size()];
      ids->clear();
      groups.push_back({.term = i, .bit = uint64_t{1} << groups.size(), .ids = ids});
    }
    t.expansion = ExpandLocked(*t.token);
    t.sketch = names::TokenSketch::Of((*t.token)->forms);
    const Expansion* expansion = t.expansion.get();
    for (uint32_t id : expansion->unkeyed) {  // initials and titles: their own points
      sc.MarkHash(Hot::Hash(id), t.bit, 1.0f);
    }
    for (const Expansion::Pair& p : expansion->keyed) {
      sc.MarkHash(Hot::Hash(p.id), t.bit, p.share);
      Group& g = groups[first + std::min(levels - 1, static_cast<size_t>(p.share * levels))];
      g.most = std::max(g.most, t.most * p.share);
      g.ids->push_back(p.id);
      g.entries += t.father ? p.father_entries : p.own_entries;
    }
  }
  // In each date region, skip the groups with the most entries for their
  // points while the candidates sharing only skipped groups cannot reach the
  // threshold (MaxScore).
  std::vector<size_t> order;
  for (size_t i = 0; i < groups.size(); ++i) {
    if (!groups[i].ids->empty()) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    // entries / most, descending, without dividing by zero
    return groups[a].entries * groups[b].most > groups[b].entries * groups[a].most;
  });
  // A person pairs each query token with one of its own at most, so a term
  // brings the most of its skipped groups, not their sum.
  std::vector<double> name_sum(q.names.size());
  std::vector<double> term_skipped(terms.size());
  for (Region& r : plan.regions()) {
    const double need = needed - points::kBias - r.dob_most - extra;  // from names and fathers
    std::fill(name_sum.begin(), name_sum.end(), 0.0);
    std::fill(term_skipped.begin(), term_skipped.end(), 0.0);
    double father_sum = 0;
    for (size_t i : order) {
      const Group& g = groups[i];
      const Term& t = terms[g.term];
      const double more = std::max(0.0, g.most - term_skipped[g.term]);
      double best_name = 0;
      for (size_t n = 0; n < name_sum.size(); ++n) {
        best_name = std::max(best_name, name_sum[n] + (!t.father && t.name == n ? more : 0.0));
      }
      const double fathers = std::min(father_sum + (t.father ? more : 0.0), points::kFatherMax);
      if (best_name + fixed_most + fathers >= need) continue;  // must be read here
      r.skipped |= g.bit;
      term_skipped[g.term] += more;
      if (t.father) {
        father_sum += more;
      } else {
        name_sum[t.name] += more;
      }
    }
  }

  for (const Group& g : groups) {
    if (g.ids->empty()) continue;
    std::vector<BucketRange>& ranges = sc.ranges;
    plan.RangesToRead(g.bit, &ranges);
    if (ranges.empty()) continue;
    const bool father = terms[g.term].father;
    // Each list is a cache miss of its own (and a second one for its
    // entries when they are not in place): ask for them ahead.
    auto header = [&](size_t k) -> const List* {
      const size_t at = NameListIndex(father ? FatherList((*g.ids)[k]) : OwnList((*g.ids)[k]));
      return at < name_lists_.size() ? &name_lists_[at] : nullptr;
    };
    constexpr size_t kHeadersAhead = 8, kEntriesAhead = 4;
    for (size_t k = 0; k < g.ids->size(); ++k) {
      if (k + kHeadersAhead < g.ids->size()) {
        if (const List* ahead = header(k + kHeadersAhead)) __builtin_prefetch(ahead, 0, 3);
      }
      if (k + kEntriesAhead < g.ids->size()) {
        if (const List* ahead = header(k + kEntriesAhead)) __builtin_prefetch(ahead->data(), 0, 3);
      }
      const List* l = header(k);
      if (l == nullptr || l->empty()) continue;
      if (l->size() <= kScanPerRange * ranges.size()) {
        // A short list (most are: a term pairs with dozens of rare
        // spellings) is read whole, walking the ranges alongside, which
        // costs less than searching it for each range.
        size_t r = 0;
        for (uint64_t e : *l) {
          const uint32_t bucket = BucketOf(e);
          while (r < ranges.size() && ranges[r].hi < bucket) ++r;
          if (r == ranges.size()) break;
          if (bucket >= ranges[r].lo) {
            sc.Visit(SlotOf(e));
            ++st.postings_read;
          }
        }
        continue;
      }
      // The ranges ascend: each search starts where the last one ended.
      auto from = l->begin();
      for (const BucketRange& b : ranges) {
        auto lo = b.lo == 0 ? from : Gallop(from, l->end(), Entry(b.lo, 0));
        auto hi = b.hi == UINT32_MAX ? l->end() : Gallop(lo, l->end(), Entry(b.hi + 1, 0));
        for (auto it = lo; it != hi; ++it) sc.Visit(SlotOf(*it));
        st.postings_read += static_cast<size_t>(hi - lo);
        from = hi;
        if (from == l->end()) break;
      }
    }
  }
  // Persons holding one of the query's identity numbers: bounded by their
  // summaries only (the hot records do not know which numbers they hold).
  std::vector<uint32_t> by_id;
  for (uint64_t k : id_keys) {
    if (const auto* l = list_of(k)) {
      for (uint64_t e : *l) {
        sc.Visit(SlotOf(e));
        by_id.push_back(SlotOf(e));
      }
      st.postings_read += l->size();
    }
  }
  std::sort(by_id.begin(), by_id.end());
  st.candidates = sc.touched.size();

  // Candidates are scored only if the upper bound of their score reaches
  // the threshold, or, once `limit` hits are held, the weakest of them.
  std::vector<std::pair<double, uint32_t>> found;  // a min-heap by score when limited
  auto weaker = [](const std::pair<double, uint32_t>& a, const std::pair<double, uint32_t>& b) {
    return a.first > b.first;
  };
  double bar = needed;  // in points
  const char query_gender = q.gender != 0 ? q.gender : q.id_sex;
  const bool q_dob_empty = q.dob.empty(), q_cf = q.codice_fiscale.has_value();
  std::vector<uint8_t> query_id_schemes;  // 0: a scheme no listed person has
  for (const match::PreparedId& id : q.ids) {
    auto it = id_schemes_.find(id.scheme);
    query_id_schemes.push_back(it == id_schemes_.end() ? 0 : it->second);
  }
  std::vector<uint16_t> query_nationalities;
  for (const std::string& n : q.nationalities) query_nationalities.push_back(NationalityCode(n));
  std::vector<double> name_most(q.names.size());
  // Which query terms a held token pairs with, and the share of each term's
  // points, memoised for the query. A token in a term's expansion is looked
  // up there; any other is compared with the term, so that a pair the
  // blocking keys miss still counts in the bound.
  auto terms_of = [&](uint32_t id, const PreparedToken* token) -> uint64_t {
    const bool memo = id < sc.token_stamp.size();
    uint64_t m = 0;
    if (memo && sc.token_stamp[id] == sc.current) return sc.token_terms[id];
    const PreparedToken* held = token;
    if (held == nullptr && id < token_refs_.size() && token_refs_[id] != nullptr) {
      held = &token_refs_[id];
    }
    if (held != nullptr) {
      // A held name token has a sketch (the terms are name tokens).
      const bool keyed_name = id < sketches_.size() && id < token_keyed_.size() && token_keyed_[id];
      for (size_t i = 0; i < terms.size(); ++i) {
        const Term& t = terms[i];
        // In the term's expansion (sorted by id), or compared here.
        float share = -1;
        const auto& keyed = t.expansion->keyed;
        auto it =
            std::lower_bound(keyed.begin(), keyed.end(), id,
                             [](const Expansion::Pair& p, uint32_t value) { return p.id < value; });
        if (it != keyed.end() && it->id == id) {
          share = it->share;
        } else if (std::find(t.expansion->unkeyed.begin(), t.expansion->unkeyed.end(), id) !=
                   t.expansion->unkeyed.end()) {
          share = 1.0f;  // initials and titles: their own points
        } else if (!keyed_name || match::Matcher::NameTokensMayPair(t.sketch, sketches_[id])) {
          const double similarity = matcher_.TokenSimilarity(*t.token, *held, &sc.similarities);
          if (similarity >= kPairFloor) {
            share = PairShare((*t.token)->weight, (*held)->weight, similarity);
          }
        }
        if (share < 0) continue;
        m |= t.bit;
        if (memo) sc.MarkTerm(id, i, t.bit, share);
      }
    }
    if (memo && sc.token_stamp[id] != sc.current) {  // pairs with no term
      sc.token_stamp[id] = sc.current;
      sc.token_terms[id] = 0;
    }
    return m;
  };
  // The terms by mask bit, for reading a held token's shares.
  std::array<uint8_t, 64> term_of_bit{};
  for (size_t i = 0; i < terms.size(); ++i) {
    term_of_bit[static_cast<size_t>(__builtin_ctzll(terms[i].bit))] = static_cast<uint8_t>(i);
  }
  // Adds to `share` (by term) the shares of a held token's pairs `m`.
  auto add_shares = [&](uint32_t id, uint64_t m, float* share) {
    const bool memo = id < sc.token_stamp.size();
    for (; m != 0; m &= m - 1) {
      const size_t i = term_of_bit[static_cast<size_t>(__builtin_ctzll(m))];
      share[i] = std::max(share[i], memo ? sc.ShareOf(id, i) : 1.0f);
    }
  };
  // A bound from the names: the query terms its own and its father's tokens
  // pair with (bits of Term::bit) and, when known, the share of a term's
  // points the pairs earn at most (by term; null: all of them); and whether
  // it has a father's and a spouse's name.
  // `own_share(i)` and `father_share(i)` give the share for term number i
  // when its bit is set. Only the terms met are visited (a person reached
  // usually pairs with one or two).
  auto names_bound = [&](uint64_t own, uint64_t of_father, const auto& own_share,
                         const auto& father_share, bool has_father, bool has_spouse)
      __attribute__((always_inline)) {
    std::copy(fixed.begin(), fixed.end(), name_most.begin());
    double father_points = 0, father_in_own = 0;
    for (uint64_t met = own | of_father; met != 0; met &= met - 1) {
      const size_t i = term_of_bit[static_cast<size_t>(__builtin_ctzll(met))];
      const Term& t = terms[i];
      if (t.father) {
        if (of_father & t.bit) father_points += t.most * father_share(i);
        if (own & t.bit) {
          father_in_own += points::kRelativeInName * t.most / points::kRelativeScale;
        }
        continue;
      }
      // A name token paired with one of the person's, or else matching its
      // father's name written in the name.
      double share = (own & t.bit) ? own_share(i) : 0.0;
      if (q.father.empty() && (of_father & t.bit)) share = std::max(share, points::kRelativeInName);
      name_most[t.name] += share * t.most;
    }
    if (!has_father) {
      for (double& v : name_most) v += father_in_own;
    }
    double bound = points::kBias + *std::max_element(name_most.begin(), name_most.end()) +
                   options_.bound_margin;
    if (!q.father.empty() && has_father) bound += std::min(father_points, points::kFatherMax);
    if (!q.spouse.empty() && has_spouse) bound += points::kFatherMax;
    return bound;
  };
  // Date, codice fiscale and gender points, as Matcher::EvidenceBound reads
  // them from the person. The date points of its bucket are its own: the
  // plan's regions are exact per bucket.
  auto date_gender_points = [&](uint32_t bucket, bool dob_empty, bool has_cf, char gender) {
    double rest = 0;
    if (!q_dob_empty && !dob_empty) rest += plan.RegionOf(bucket).dob_most;
    if (has_cf && !q_cf) rest += (dob_empty && !q_dob_empty ? points::kDobMax : 0.0) + 0.1;
    if (q_cf && !has_cf) rest += (q_dob_empty && !dob_empty ? points::kDobMax : 0.0) + 0.1;
    if (query_gender != 0 && gender != 0) rest += query_gender == gender ? 0.1 : -4.5;
    return rest;
  };

  // First the hot records (in cache): the persons whose bound from them
  // cannot reach the bar are dropped without reading their summaries.
  // Those found by an identity number always go on to their summaries.
  std::vector<uint32_t>& kept = sc.kept;
  kept.clear();
  if (std::isfinite(bar)) {
    const bool q_nationality = !q.nationalities.empty();
    // Identity numbers not equal to any of the query's (those are in
    // by_id): at most a typo's points for each pair.
    const double id_pair_most = q.ids.empty() ? 0.0 : points::kIdOneEdit * q.ids.size();
    uint64_t all_terms = 0;
    for (const Term& t : terms) all_terms |= t.bit;
    constexpr size_t kHotAhead = 16;
    const size_t n = sc.touched.size();
    for (size_t i = 0; i < std::min(kHotAhead, n); ++i) {
      __builtin_prefetch(&hot_[sc.touched[i]], 0, 3);
    }
    for (size_t at = 0; at < n; ++at) {
      const uint32_t slot = sc.touched[at];
      if (at + kHotAhead < n) __builtin_prefetch(&hot_[sc.touched[at + kHotAhead]], 0, 3);
      if (!by_id.empty() && std::binary_search(by_id.begin(), by_id.end(), slot)) {
        kept.push_back(slot);
        continue;
      }
      const Hot& h = hot_[slot];
      // The terms the tokens' hashes pair with, and at which levels.
      std::array<uint64_t, kPairLevels> own{}, of_father{};
      if (h.flags & Hot::kOwnAll) {
        own.fill(all_terms);
      } else {
        for (uint8_t x : h.own) sc.AddLevels(x, &own);
      }
      if (h.flags & Hot::kHasFather) {
        if (h.flags & Hot::kFatherAll) {
          of_father.fill(all_terms);
        } else {
          for (uint8_t x : h.father) sc.AddLevels(x, &of_father);
        }
      }
      // A term's share is at most (the levels its bit is set at) / kPairLevels.
      auto share_of = [&terms](const std::array<uint64_t, kPairLevels>& at_level, size_t i)
          __attribute__((always_inline)) {
        size_t set = 0;
        for (uint64_t m : at_level) set += (m & terms[i].bit) != 0;
        return static_cast<double>(set) / kPairLevels;
      };
      double bound = names_bound(
                         own[0], of_father[0], [&](size_t i) { return share_of(own, i); },
                         [&](size_t i) { return share_of(of_father, i); },
                         h.flags & Hot::kHasFather, h.flags & Hot::kHasSpouse) +
                     date_gender_points(h.bucket, h.flags & Hot::kDobEmpty, h.flags & Hot::kHasCf,
                                        h.gender(query_gender));
      if (q_nationality) bound += 0.1;
      bound += id_pair_most * static_cast<double>(h.id_count());
      if (bound >= bar) kept.push_back(slot);
    }
  } else {
    kept = sc.touched;
  }
  st.summaries_read = kept.size();

  // The summaries are spread over the whole index (128 bytes a person), so
  // reading them one after another waits on memory for each: the loop asks
  // for those a few persons ahead while it bounds the current one.
  std::array<float, 64> own_share{}, father_share{};  // by term
  constexpr size_t kPrefetchAhead = 12;
  const size_t reached = kept.size();
  for (size_t i = 0; i < std::min(kPrefetchAhead, reached); ++i) {
    PrefetchSummary(&summaries_[kept[i]]);
  }
  for (size_t at = 0; at < reached; ++at) {
    const uint32_t slot = kept[at];
    if (at + kPrefetchAhead < reached) {
      PrefetchSummary(&summaries_[kept[at + kPrefetchAhead]]);
    }
    if (std::isfinite(bar)) {
      // Upper bound of the candidate's score, in points, from its summary:
      // the query terms its own and father's tokens pair with (memoised
      // per pooled token), then its other evidence.
      const Summary& m = summaries_[slot];
      uint64_t own = 0, of_father = 0;
      std::fill_n(own_share.begin(), terms.size(), 0.0f);
      std::fill_n(father_share.begin(), terms.size(), 0.0f);
      auto read = [&](uint32_t id, const PreparedToken* token, uint64_t* bits, float* share) {
        const uint64_t pairs = terms_of(id, token);
        *bits |= pairs;
        add_shares(id, pairs, share);
      };
      if (m.complete) {
        for (size_t i = 0; i < m.own_count; ++i) read(m.own[i], nullptr, &own, own_share.data());
        for (size_t i = 0; i < m.father_count; ++i) {
          read(m.father[i], nullptr, &of_father, father_share.data());
        }
      } else {
        const PreparedPerson& c = slots_[slot].person;
        for (const match::PreparedName& n : c.names) {
          for (const PreparedToken& g : n.tokens) read(g->pool_id, &g, &own, own_share.data());
        }
        for (const PreparedToken& g : c.father) {
          read(g->pool_id, &g, &of_father, father_share.data());
        }
      }
      double bound = names_bound(
          own, of_father, [&](size_t i) { return static_cast<double>(own_share[i]); },
          [&](size_t i) { return static_cast<double>(father_share[i]); }, m.has_father,
          m.has_spouse);
      double rest = date_gender_points(m.bucket, m.dob_empty, m.has_cf, m.gender);
      if (!q.nationalities.empty() && m.nationality[0] != 0) {
        bool shared = m.more_nationalities;
        for (uint16_t n : m.nationality) {
          for (uint16_t x : query_nationalities) shared |= n != 0 && n == x;
        }
        rest += shared ? 0.1 : -0.6;
      }
      bool exact_ids = true;
      if (!q.ids.empty() && m.has_ids) {
        if (m.ids_complete) {
          char buf[20];
          for (size_t i = 0; i < q.ids.size(); ++i) {
            for (size_t j = 0; j < m.id_count; ++j) {
              if (query_id_schemes[i] == 0 || m.id_scheme[j] != query_id_schemes[i]) continue;
              rest += match::Matcher::IdPairPoints(q.ids[i].scheme, q.ids[i].value,
                                                   UnpackId(m.id[j], buf));
            }
          }
        } else {
          exact_ids = false;
          rest += points::kIdIdentical * static_cast<double>(q.ids.size());
        }
      }
      if (bound + rest < bar) continue;
      if (!exact_ids) {
        bound += match::Matcher::EvidenceBound(q, slots_[slot].person);
        if (bound < bar) continue;
      }
    }
    ++st.scored;
    const double score = matcher_.Score(q, slots_[slot].person, &sc.similarities);
    if (score < pair_min) continue;
    found.push_back({score, slot});
    if (options.limit != 0) {
      std::push_heap(found.begin(), found.end(), weaker);
      if (found.size() > options.limit) {
        std::pop_heap(found.begin(), found.end(), weaker);
        found.pop_back();
      }
      if (found.size() == options.limit) bar = std::max(bar, Logit(found.front().first));
    }
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
  std::vector<double> shares;
  if (options.list_aware) {
    std::vector<double> pair(found.size());
    std::vector<const PreparedPerson*> persons(found.size());
    for (size_t i = 0; i < found.size(); ++i) {
      pair[i] = found[i].first;
      persons[i] = &slots_[found[i].second].person;
    }
    shares = ListAwareScores(pair, null_log_odds, SameIdentityGroups(matcher_, persons));
  }
  std::vector<SearchHit> hits;
  hits.reserve(found.size());
  for (size_t i = 0; i < found.size(); ++i) {
    const auto& [score, slot] = found[i];
    const double shown = options.list_aware ? shares[i] : score;
    if (shown < options.min_score) continue;
    hits.push_back({slots_[slot].ref, shown, score, slots_[slot].person});
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
