// The in-memory person index: finds, among up to millions of persons, those
// the matcher would score at or above a threshold, without scoring them all.
//
//   PersonIndex index(matcher);
//   index.Upsert("per_01H…", *matcher.Prepare(input));      // or AddBatch
//   auto hits = index.Search(*matcher.Prepare(query), {.min_score = 0.66, .limit = 10});
//
// How it finds candidates without missing any the scorer would accept
// (docs/screening.md gives the argument in full):
// - Every person is filed under each of its name tokens, each of its
//   father's name tokens (separate lists) and each identity number. Each
//   list is sorted by date of birth (year, month, day), so the persons born
//   on one day, month or year are one run. A query's token reads the lists
//   of the held tokens it pairs with, found through their blocking keys
//   (Matcher::TokenKeys) and the scorer's similarity.
// - A query divides dates into regions by the most points the scorer's date
//   rule can give against the query's date: the same day (5), day and month
//   swapped (3.5), a year off (3), ..., undated (0), and everything else
//   (a conflict, -4.5).
// - A term's lists are read in groups by the share of the term's points a
//   pair earns at most (its similarity and the lighter token's weight). In
//   each region the groups with the most entries for their points are
//   skipped while a person sharing only skipped groups could not reach the
//   threshold even with the best date of the region and every other piece
//   of evidence (MaxScore). So "Muhammad" is read only among persons born
//   the same day, a rare surname everywhere, and a term's weak spellings
//   only where little else is needed. Identity numbers are always read.
// - Each person reached gets an upper bound of its score: the terms it
//   shares at their pairs' shares, its actual date, gender,
//   nationality and identity-number points (Matcher::EvidenceBound), and
//   its father's name; only persons whose bound reaches the threshold (or,
//   with a limit, the weakest hit held) are scored, with token similarities
//   memoised for the query.
// bench/screening measures the recall of this against scoring every person.
//
// Thread-safety: all methods may be called concurrently; searches share a
// reader lock, changes take a writer lock for the few microseconds a
// person's keys take to file, so queries continue while records change.
#ifndef LIAISON_SCREENING_PERSON_INDEX_H_
#define LIAISON_SCREENING_PERSON_INDEX_H_

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/synchronization/mutex.h"
#include "common/huge_page_allocator.h"
#include "match/matcher.h"
#include "match/token_pool.h"

namespace liaison::screening {

struct IndexOptions {
  // Added to every candidate's score bound, in log-odds points, for the
  // scorer's smaller rules the bound does not model (a father's name
  // written into the name, joined compounds).
  double bound_margin = 0.6;
};

struct SearchOptions {
  double min_score = match::kDefaultThreshold;  // in [0, 1], on `score`
  size_t limit = 10;                            // best hits kept; 0: no limit
  // List-aware scores (docs/screening.md, "Deciding against a list"): a
  // hit's score is its share of the evidence among the query's hits and the
  // hypothesis "not listed", whose weight grows with the list's size
  // (NullLogOdds). Namesakes that the evidence cannot tell apart share their
  // probability instead of each being reported as the person. false: the
  // pairwise score of Matcher::Score.
  bool list_aware = true;
  // The null's weight in log-odds points; NaN: NullLogOdds(size()).
  double null_log_odds = std::numeric_limits<double>::quiet_NaN();
};

struct SearchHit {
  std::string ref;
  double score = 0;              // list-aware (or pairwise, per SearchOptions)
  double pair_score = 0;         // Matcher::Score of the query and this person
  match::PreparedPerson person;  // for explanations (Matcher::Compare)
};

// The weight of "not listed" against a list of `listed` persons, in
// log-odds points: 0 up to about 20,000 persons (a single clear hit then
// keeps its pairwise score), then growing by 1.5 points for each tenfold
// growth of the list (1 at 100,000, 2.5 at a million), as the prior that a
// given listed person is the one searched for falls. Tuned with
// bench/screening at 100k and 1M persons for precision near 0.95.
double NullLogOdds(size_t listed);

// Hits that are records of one identity (two records of the same person,
// a register's duplicate) must not dilute each other. Of `persons`, best
// first, returns for each the first earlier person it is the same identity
// as (Matcher score at least kSameIdentityScore, transitively), or itself.
// Only the first kMaxGroupedHits are compared with each other.
inline constexpr double kSameIdentityScore = 0.95;
inline constexpr size_t kMaxGroupedHits = 24;
std::vector<size_t> SameIdentityGroups(const match::Matcher& matcher,
                                       const std::vector<const match::PreparedPerson*>& persons);

// List-aware scores from pairwise scores (best first): each pair score's
// odds divided by e^null_log_odds plus the odds of every distinct identity
// (`same_as` from SameIdentityGroups; empty: each hit its own). Order is kept.
std::vector<double> ListAwareScores(const std::vector<double>& pair_scores, double null_log_odds,
                                    const std::vector<size_t>& same_as = {});

// What one search did, for benchmarks and tuning.
struct SearchStats {
  size_t postings_read = 0;   // list entries visited
  size_t candidates = 0;      // distinct persons reached
  size_t summaries_read = 0;  // of which bounded from their summaries (passed the hot bound)
  size_t scored = 0;          // of which scored (bound reached the threshold)
};

// A name-frequency table for a population: the built-in table, with the
// names that are common among `persons` weighted down (a name shared by
// thousands of listed persons says little about who a candidate is).
match::NameFrequencyTable PopulationFrequencies(const std::vector<match::PreparedPerson>& persons);

class PersonIndex {
 public:
  // `matcher` must outlive the index. Its frequency table sets the weight
  // of every name token held and searched for (PopulationMatcher below
  // builds one from the persons to be held); persons and queries may be
  // prepared by any matcher with the same parser.
  explicit PersonIndex(const match::Matcher& matcher, IndexOptions options = {});
  ~PersonIndex();
  PersonIndex(const PersonIndex&) = delete;
  PersonIndex& operator=(const PersonIndex&) = delete;

  // Adds the person under `ref`, replacing any person held under it.
  void Upsert(std::string_view ref, match::PreparedPerson person);
  // Removes the person held under `ref`; false if there was none.
  bool Remove(std::string_view ref);
  // Adds many persons at once (start-up), using `threads` threads for the
  // keys. A ref already held is replaced.
  void AddBatch(std::vector<std::pair<std::string, match::PreparedPerson>> persons, int threads);

  // The persons scoring at or above options.min_score, best first (ties by
  // ref), at most options.limit. List-aware scores are shares among the
  // hits found (at most `limit` of them), so a limit below the number of
  // close namesakes makes them optimistic, never pessimistic.
  std::vector<SearchHit> Search(const match::PreparedPerson& query, const SearchOptions& options,
                                SearchStats* stats = nullptr) const;

  // The person held under `ref`, if any.
  std::optional<match::PreparedPerson> Get(std::string_view ref) const;

  size_t size() const;
  // Distinct name tokens held (the vocabulary).
  size_t token_count() const { return tokens_.size(); }

  const match::Matcher& matcher() const { return matcher_; }

 private:
  struct Slot;
  struct Summary;
  struct Hot;
  struct Scratch;
  struct Filing;  // a person's keys, computed without the lock

  Filing KeysOf(const match::PreparedPerson& p) const;
  void FileLocked(uint32_t slot, const Filing& f, bool keep_sorted)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void KeyTokensLocked(const match::PreparedPerson& p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The pool ids of the held tokens `t` pairs with (scoring at least the
  // pairing floor): name tokens sharing a blocking key with it (their lists
  // are read), and the held tokens that have no keys (initials, titles),
  // which a person's hot record must still credit.
  struct Expansion {
    struct Pair {
      uint32_t id = 0;
      float share = 0;  // of an exact pair's points, at most (PairShare)
      // The lengths of the token's own and father's lists when expanded: an
      // estimate, for the order in which a search skips lists.
      uint32_t own_entries = 0, father_entries = 0;
    };
    std::vector<Pair> keyed;
    std::vector<uint32_t> unkeyed;
  };
  // Expansions are shared by all searches, so they are computed without a
  // query's similarity memo.
  std::shared_ptr<const Expansion> ExpandLocked(const match::PreparedToken& t) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void UnfileLocked(uint32_t slot) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  uint32_t NewSlotLocked(std::string_view ref, match::PreparedPerson person)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::unique_ptr<Scratch> TakeScratch(size_t slots, size_t tokens) const;
  void ReturnScratch(std::unique_ptr<Scratch> s) const;

  const match::Matcher& matcher_;
  const IndexOptions options_;
  match::TokenPool tokens_;

  mutable absl::Mutex mu_;
  std::vector<Slot> slots_ ABSL_GUARDED_BY(mu_);
  // One per slot, in huge pages: a search reads hundreds of them at random.
  std::vector<Summary, HugePageAllocator<Summary>> summaries_ ABSL_GUARDED_BY(mu_);
  std::vector<Hot, HugePageAllocator<Hot>> hot_ ABSL_GUARDED_BY(mu_);  // one per slot
  std::vector<uint32_t> free_slots_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, uint32_t> by_ref_ ABSL_GUARDED_BY(mu_);
  // Identity-number schemes met, numbered from 1 (for person summaries).
  absl::flat_hash_map<std::string, uint8_t> id_schemes_ ABSL_GUARDED_BY(mu_);
  // Lists of entries (date bucket << 32 | slot), sorted: one per pooled
  // token as an own name and one as a father's name, by pool id (a search
  // reads dozens of them for each query term: an array, not a hash table),
  // and one per identity number, by key (OwnList, FatherList, IdList).
  // Most held spellings are rare: a list of up to two entries is kept in
  // place (no second cache miss for each of the dozens a term reads).
  using List = absl::InlinedVector<uint64_t, 2>;
  std::vector<List> name_lists_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<uint64_t, List> id_lists_ ABSL_GUARDED_BY(mu_);
  // The list under a key, created if absent; the list under it, or null.
  List& ListLocked(uint64_t key) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  const List* FindListLocked(uint64_t key) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // The vocabulary by blocking key: key hash → pool ids of the tokens held
  // with that key (Matcher::TokenKeys), for expanding a query's token into
  // the held tokens it pairs with.
  absl::flat_hash_map<uint64_t, std::vector<uint32_t>> key_tokens_ ABSL_GUARDED_BY(mu_);
  std::vector<bool> token_keyed_ ABSL_GUARDED_BY(mu_);  // by pool id: in key_tokens_
  // By pool id, for the tokens in key_tokens_: their letters, to dismiss
  // most dissimilar pairs without reading the tokens.
  std::vector<names::TokenSketch> sketches_ ABSL_GUARDED_BY(mu_);
  // Every pooled token a held person has, by pool id (null where none), so
  // that a search reads tokens without the pool's lock or reference counts.
  std::vector<match::PreparedToken> token_refs_ ABSL_GUARDED_BY(mu_);
  // The pool ids of the held tokens that are not names (no blocking keys).
  std::vector<uint32_t> unkeyed_ids_ ABSL_GUARDED_BY(mu_);
  // Expansions of query tokens. Those of held tokens, by pool id: all are
  // made when a batch is added, and a new held name token drops only those
  // of the tokens sharing a blocking key with it (the only ones it can join)
  // to be made again when next needed; a new title or initial drops all.
  // Those of other spellings, by role and folded text: dropped when any new
  // token is held, and when they reach kMaxExpansions.
  static constexpr size_t kMaxExpansions = 200'000;
  mutable absl::Mutex expansion_mu_ ABSL_ACQUIRED_AFTER(mu_);
  mutable std::vector<std::shared_ptr<const Expansion>> held_expansions_
      ABSL_GUARDED_BY(expansion_mu_);
  mutable absl::flat_hash_map<std::string, std::shared_ptr<const Expansion>> expansions_
      ABSL_GUARDED_BY(expansion_mu_);

  mutable absl::Mutex scratch_mu_;
  mutable std::vector<std::unique_ptr<Scratch>> scratch_ ABSL_GUARDED_BY(scratch_mu_);
};

}  // namespace liaison::screening

#endif  // LIAISON_SCREENING_PERSON_INDEX_H_
