// The shared data set of the screening benchmark (issue 5): a seeded
// synthetic watchlist (Pakistani and Italian persons with realistic name
// frequencies, Pakistani records in Urdu or Latin script) and a seeded list of
// candidates to screen against it, with the truth for every candidate. Both
// liaison's screening benchmark and the PostgreSQL pg_trgm peer read the same
// data, and the CSV writers let `liaison screen` read it too.
//
// Every listed person and every candidate is drawn from its own generator,
// seeded from (seed, index). The result therefore depends only on the seed and
// the size, not on how many threads made it, and the identity behind a listed
// person can be drawn again from its index (ListedIdentity) instead of being
// kept in memory beside a million records.
//
// Thread-safety: all functions are pure; the returned values are plain data.
#ifndef LIAISON_BENCH_SCREENING_DATASET_H_
#define LIAISON_BENCH_SCREENING_DATASET_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "match/person.h"
#include "person_generator.h"

namespace liaison::screening_bench {

// One record of the watchlist. `id` is "W" followed by the person's index in
// the watchlist, zero-padded to at least 7 digits ("W0000000", "W0000001", ...).
struct ListedPerson {
  std::string id;
  match::PersonInput person;
};

// A seeded watchlist: one record per distinct identity, written as the
// listing register would (variant = false, Urdu or Latin script).
struct Watchlist {
  uint64_t seed = 0;
  synth::GeneratorOptions options;  // how its persons (and candidates) are drawn
  std::vector<ListedPerson> persons;
};

// The watchlist of `n` persons for `seed`. Fast (made in parallel, about a
// second per million on two cores) and deterministic: the same (n, seed)
// always gives the same persons, and a longer list begins with a shorter one.
// `options` chooses the population (e.g. italian_surname_tail for
// realistically varied surnames); candidates are drawn with the same.
Watchlist MakeWatchlist(size_t n, uint64_t seed, const synth::GeneratorOptions& options = {});

// The identity behind watchlist.persons[index], drawn again from its seed.
// `index` must be below watchlist.persons.size().
synth::Identity ListedIdentity(const Watchlist& watchlist, size_t index);

// A record to screen. `truth` is the index in the watchlist of the same
// identity, or -1 when the candidate is not a listed person. `kind` says how
// it was made: "variant" (a listed person as a second register records them),
// "hard:namesake", "hard:sibling", "hard:same-given", "hard:shared-token"
// (another person who shares names with a listed one, from
// synth::PersonGenerator::HardNegativeOf) or "new" (a random person).
struct Candidate {
  std::string id;  // "C" followed by the zero-padded candidate index
  match::PersonInput person;
  int64_t truth = -1;
  std::string kind;
};

// Share of the candidates that are not listed persons but hard negatives of
// listed ones; the rest of the non-listed candidates are new random persons.
inline constexpr double kHardNegativeShareOfRest = 0.2;

// `m` candidates against `watchlist`, deterministic for `seed`. A share of
// `variant_share` (clamped to [0, 1]) are records of uniformly chosen listed
// identities; of the others, kHardNegativeShareOfRest are hard negatives of
// uniformly chosen listed identities, and the rest new random identities. All
// candidate records carry the variation of an independent second register
// (variant = true, Urdu or Latin script as that register would write them), so
// that positives and negatives look alike. With an empty watchlist every
// candidate is a new identity.
std::vector<Candidate> MakeCandidates(size_t m, const Watchlist& watchlist, uint64_t seed,
                                      double variant_share = 0.3);

// The column header of the person-list CSV written below
// (../shared/CONTRACTS.md): "id,name,aliases,father_name,dob,gender,nationality,id_numbers".
inline constexpr std::string_view kPersonListCsvHeader =
    "id,name,aliases,father_name,dob,gender,nationality,id_numbers";

// One CSV line (with its trailing "\n") in the person-list format.
std::string PersonListCsvLine(std::string_view id, const match::PersonInput& person);

// Writes the watchlist or the candidates as a person-list CSV at `path`,
// which `liaison import persons` and `liaison screen` read. Returns an error
// naming the path when the file cannot be created or written.
absl::Status WritePersonListCsv(const std::string& path, const std::vector<ListedPerson>& persons);
absl::Status WritePersonListCsv(const std::string& path, const std::vector<Candidate>& candidates);

// Writes the truth for `candidates` as CSV with header
// "candidate_id,watchlist_id,kind"; watchlist_id is empty for candidates who
// are not listed. Returns an error naming the path when writing fails.
absl::Status WriteTruthCsv(const std::string& path, const Watchlist& watchlist,
                           const std::vector<Candidate>& candidates);

}  // namespace liaison::screening_bench

#endif  // LIAISON_BENCH_SCREENING_DATASET_H_
