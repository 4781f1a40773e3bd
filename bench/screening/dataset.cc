#include "dataset.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "ingest/csv_writer.h"

namespace liaison::screening_bench {
namespace {

// Streams keep the generators of listed persons and candidates apart, so that
// a candidate seed equal to the watchlist seed does not replay listed persons.
constexpr uint64_t kWatchlistStream = 0x57a7c411a0000001ULL;
constexpr uint64_t kCandidateStream = 0xca4d1da7e0000002ULL;

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t ItemSeed(uint64_t seed, uint64_t stream, uint64_t index) {
  return SplitMix64(SplitMix64(seed ^ stream) + index);
}

// Runs body(begin, end) over [0, n) in contiguous chunks on up to the
// machine's hardware threads. Each index is written by exactly one chunk, so
// the result does not depend on the number of threads.
void ParallelChunks(size_t n, const std::function<void(size_t, size_t)>& body) {
  const size_t threads =
      std::clamp<size_t>(std::thread::hardware_concurrency(), 1, std::max<size_t>(1, n / 4096));
  if (threads <= 1) {
    body(0, n);
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (size_t t = 0; t < threads; ++t) {
    pool.emplace_back([&body, n, threads, t] { body(n * t / threads, n * (t + 1) / threads); });
  }
  for (auto& th : pool) th.join();
}

std::string Joined(const std::vector<std::string>& parts, size_t from, std::string_view sep) {
  std::string out;
  for (size_t i = from; i < parts.size(); ++i) {
    if (i > from) out.append(sep);
    out += parts[i];
  }
  return out;
}

template <typename Item>
absl::Status WriteCsv(const std::string& path, const std::vector<Item>& items) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    return absl::InternalError(absl::StrCat(path, ": cannot create: ", std::strerror(errno)));
  }
  out << kPersonListCsvHeader << "\n";
  for (const Item& item : items) out << PersonListCsvLine(item.id, item.person);
  out.flush();
  if (!out) {
    return absl::InternalError(absl::StrCat(path, ": write failed: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace

Watchlist MakeWatchlist(size_t n, uint64_t seed, const synth::GeneratorOptions& options) {
  Watchlist list;
  list.seed = seed;
  list.options = options;
  list.persons.resize(n);
  ParallelChunks(n, [&list, &options, seed](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      synth::PersonGenerator gen(ItemSeed(seed, kWatchlistStream, i), options);
      const synth::Identity id = gen.NewIdentity();
      ListedPerson& p = list.persons[i];
      p.id = absl::StrFormat("W%07u", i);
      p.person = gen.RecordAnyScript(id, /*variant=*/false);
    }
  });
  return list;
}

synth::Identity ListedIdentity(const Watchlist& watchlist, size_t index) {
  // The first draw of the person's own generator, as in MakeWatchlist.
  synth::PersonGenerator gen(ItemSeed(watchlist.seed, kWatchlistStream, index), watchlist.options);
  return gen.NewIdentity();
}

std::vector<Candidate> MakeCandidates(size_t m, const Watchlist& watchlist, uint64_t seed,
                                      double variant_share) {
  variant_share = std::clamp(variant_share, 0.0, 1.0);
  const size_t listed = watchlist.persons.size();
  std::vector<Candidate> out(m);
  ParallelChunks(m, [&](size_t begin, size_t end) {
    for (size_t j = begin; j < end; ++j) {
      // One stream for the choices made here, one for the generator, so the
      // generator's draws never depend on how the choice was made.
      uint64_t choice = ItemSeed(seed, kCandidateStream, 2 * j);
      synth::PersonGenerator gen(ItemSeed(seed, kCandidateStream, 2 * j + 1), watchlist.options);
      auto uniform = [&choice] {
        choice = SplitMix64(choice);
        return static_cast<double>(choice >> 11) * (1.0 / 9007199254740992.0);
      };
      auto pick_listed = [&] {
        return std::min(listed - 1, static_cast<size_t>(uniform() * static_cast<double>(listed)));
      };
      Candidate& c = out[j];
      c.id = absl::StrFormat("C%07u", j);
      const double r = uniform();
      synth::Identity id;
      if (listed > 0 && r < variant_share) {
        const size_t k = pick_listed();
        id = ListedIdentity(watchlist, k);
        c.truth = static_cast<int64_t>(k);
        c.kind = "variant";
      } else if (listed > 0 &&
                 r < variant_share + (1.0 - variant_share) * kHardNegativeShareOfRest) {
        id = gen.HardNegativeOf(ListedIdentity(watchlist, pick_listed()), &c.kind);
      } else {
        id = gen.NewIdentity();
        c.kind = "new";
      }
      c.person = gen.RecordAnyScript(id, /*variant=*/true);
    }
  });
  return out;
}

std::string PersonListCsvLine(std::string_view id, const match::PersonInput& person) {
  using ingest::CsvField;
  std::string ids;
  for (const auto& number : person.id_numbers) {
    absl::StrAppend(&ids, ids.empty() ? "" : ";", number.scheme, ":", number.value);
  }
  // The contract requires a name; the generator always writes one.
  const std::string name = person.names.empty() ? std::string() : person.names[0];
  return absl::StrCat(CsvField(id), ",", CsvField(name), ",",
                      CsvField(Joined(person.names, 1, "|")), ",", CsvField(person.father_name),
                      ",", CsvField(person.dob), ",", CsvField(person.gender), ",",
                      CsvField(Joined(person.nationalities, 0, "|")), ",", CsvField(ids), "\n");
}

absl::Status WritePersonListCsv(const std::string& path, const std::vector<ListedPerson>& persons) {
  return WriteCsv(path, persons);
}

absl::Status WritePersonListCsv(const std::string& path, const std::vector<Candidate>& candidates) {
  return WriteCsv(path, candidates);
}

absl::Status WriteTruthCsv(const std::string& path, const Watchlist& watchlist,
                           const std::vector<Candidate>& candidates) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    return absl::InternalError(absl::StrCat(path, ": cannot create: ", std::strerror(errno)));
  }
  out << "candidate_id,watchlist_id,kind\n";
  for (const Candidate& c : candidates) {
    const bool listed = c.truth >= 0 && static_cast<size_t>(c.truth) < watchlist.persons.size();
    out << ingest::CsvField(c.id) << ","
        << (listed ? ingest::CsvField(watchlist.persons[c.truth].id) : "") << ","
        << ingest::CsvField(c.kind) << "\n";
  }
  out.flush();
  if (!out) {
    return absl::InternalError(absl::StrCat(path, ": write failed: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace liaison::screening_bench
