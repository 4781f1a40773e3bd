// `liaison screen --watchlist W.csv --candidates C.csv --out R.csv
//  [--threshold T] [--top K] [--threads N]`: screens every candidate against
// the watchlist (../shared/CONTRACTS.md) and writes
// candidate_id,watchlist_id,score,reasons for the pairs at or above the
// threshold, candidates in file order, best first per candidate (ties in
// watchlist file order), at most K per candidate.
//
// Uses the screening index (src/screening), as the node does: the watchlist
// is prepared once, name weights come from the watchlist's own population,
// and each candidate is a search of the index instead of a comparison with
// every listed person. The index reaches persons that share a name key or an
// identity number with the candidate; pairs sharing neither score near zero,
// so they matter only with --threshold 0, where the contract promises each
// candidate's K best: then candidates with fewer than K hits are completed
// by scoring the rest of the watchlist. Needs no node directory.
//
// Scores are list-aware (docs/screening.md, "Deciding against a list"): a
// pair's score is its share of the evidence among the candidate's hits and
// "not listed", so namesakes the evidence cannot tell apart share their
// probability; the reasons then give the pair's own score too.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "ingest/csv_reader.h"
#include "ingest/csv_writer.h"
#include "ingest/person_fields.h"
#include "match/matcher.h"
#include "match/record_person.h"
#include "screening/person_index.h"
#include "screening/population.h"

namespace liaison::cli {
namespace {

using ingest::CsvField;

constexpr char kCommand[] = "screen";
constexpr int kMaxThreads = 256;

struct ScreenArgs {
  std::string watchlist;
  std::string candidates;
  std::string out;
  double threshold = match::kDefaultThreshold;
  int top = 0;      // 0: no limit
  int threads = 0;  // 0: all cores
};

struct Listed {
  std::string id;
  match::PreparedPerson person;
};

// Reads and prepares a person list. Errors name the file, line and column.
absl::StatusOr<std::vector<Listed>> ReadList(const std::string& path,
                                             const match::Matcher& matcher) {
  ASSIGN_OR_RETURN(std::unique_ptr<ingest::CsvReader> reader, ingest::CsvReader::Open(path));
  ASSIGN_OR_RETURN(ingest::PersonColumns cols,
                   ingest::PersonColumns::Resolve(*reader, "", /*require_id=*/true));
  const int id_column = *reader->Column("id");
  const int name_column = *reader->Column("name");
  std::vector<Listed> out;
  ingest::CsvRow row;
  while (true) {
    ASSIGN_OR_RETURN(bool more, reader->Next(row));
    if (!more) break;
    ASSIGN_OR_RETURN(records::Record record, cols.Parse(*reader, row, ingest::PersonDefaults()));
    const auto* person = std::get_if<records::Person>(&record.body);
    if (person == nullptr) return absl::InternalError("not a person");
    auto prepared = matcher.Prepare(match::PersonInputFromRecord(*person));
    if (!prepared.ok()) {
      return reader->FieldError(row, name_column, StdView(prepared.status().message()));
    }
    out.push_back({row.fields[id_column], *std::move(prepared)});
  }
  return out;
}

// The index ref of watchlist row `i`: fixed-width, so the index's tie order
// (by ref) is the file order.
std::string RefOf(size_t i) { return absl::StrFormat("%012d", i); }
size_t RowOf(const std::string& ref) { return std::stoull(ref); }

// One output row of a candidate.
struct Row {
  double score = 0;  // against the list (list-aware)
  size_t watchlist_row = 0;
  std::string reasons;
  double pair_score = 0;  // the pair alone (Matcher::Score)
};

absl::Status RunScreen(const ScreenArgs& args) {
  const match::Matcher matcher;  // prepares both lists
  ASSIGN_OR_RETURN(std::vector<Listed> watchlist, ReadList(args.watchlist, matcher));
  ASSIGN_OR_RETURN(std::vector<Listed> candidates, ReadList(args.candidates, matcher));
  std::ofstream out(args.out, std::ios::binary | std::ios::trunc);
  if (!out) return absl::InvalidArgumentError(StrCat("cannot write ", args.out));

  int threads = args.threads > 0
                    ? args.threads
                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = std::min(threads, kMaxThreads);

  std::vector<std::pair<std::string, match::PreparedPerson>> persons;
  persons.reserve(watchlist.size());
  for (size_t i = 0; i < watchlist.size(); ++i) {
    persons.emplace_back(RefOf(i), std::move(watchlist[i].person));
  }
  const std::unique_ptr<match::Matcher> population =
      screening::PopulationMatcher(persons, match::MatcherOptions{.threshold = args.threshold});
  screening::PersonIndex index(*population);
  index.AddBatch(std::move(persons), threads);
  // Only --threshold 0 scores pairs the index does not reach: it needs every
  // listed person as the index holds it.
  const bool complete = args.threshold <= 0;
  std::vector<match::PreparedPerson> held;
  if (complete) {
    held.reserve(watchlist.size());
    for (size_t i = 0; i < watchlist.size(); ++i) held.push_back(*index.Get(RefOf(i)));
  }
  const size_t top = static_cast<size_t>(args.top);
  // The weight of "not listed" against this watchlist (list-aware scores).
  const double null = screening::NullLogOdds(watchlist.size());

  std::vector<std::vector<Row>> rows(candidates.size());
  std::atomic<size_t> next{0};
  std::atomic<size_t> done{0};
  const bool terminal = isatty(STDERR_FILENO) != 0;
  const auto start = std::chrono::steady_clock::now();
  auto work = [&] {
    while (true) {
      const size_t c = next.fetch_add(1);
      if (c >= candidates.size()) break;
      const match::PreparedPerson& cand = candidates[c].person;
      const match::PreparedPerson query = screening::Reweighed(*population, cand);
      std::vector<screening::SearchHit> hits =
          index.Search(cand, {.min_score = args.threshold, .limit = top, .null_log_odds = null});
      std::vector<Row>& mine = rows[c];
      for (const screening::SearchHit& h : hits) {
        mine.push_back(
            {h.score, RowOf(h.ref), population->Compare(query, h.person).summary, h.pair_score});
      }
      if (complete && (top == 0 || mine.size() < top) && mine.size() < held.size()) {
        absl::flat_hash_set<size_t> seen;
        for (const Row& r : mine) seen.insert(r.watchlist_row);
        std::vector<std::pair<double, size_t>> rest;
        for (size_t w = 0; w < held.size(); ++w) {
          if (!seen.contains(w)) rest.emplace_back(population->Score(query, held[w]), w);
        }
        std::sort(rest.begin(), rest.end(), [](const auto& x, const auto& y) {
          return x.first != y.first ? x.first > y.first : x.second < y.second;
        });
        for (const auto& [score, w] : rest) {
          if (top != 0 && mine.size() >= top) break;
          mine.push_back({0, w, population->Compare(query, held[w]).summary, score});
        }
        // Scores against the list over every row kept, as the index gives
        // them over the hits it found.
        std::sort(mine.begin(), mine.end(), [](const Row& x, const Row& y) {
          return x.pair_score != y.pair_score ? x.pair_score > y.pair_score
                                              : x.watchlist_row < y.watchlist_row;
        });
        std::vector<double> pair(mine.size());
        std::vector<const match::PreparedPerson*> kept(mine.size());
        for (size_t i = 0; i < mine.size(); ++i) {
          pair[i] = mine[i].pair_score;
          kept[i] = &held[mine[i].watchlist_row];
        }
        const std::vector<double> shares = screening::ListAwareScores(
            pair, null, screening::SameIdentityGroups(*population, kept));
        for (size_t i = 0; i < mine.size(); ++i) mine[i].score = shares[i];
      }
      std::sort(mine.begin(), mine.end(), [](const Row& x, const Row& y) {
        return x.score != y.score ? x.score > y.score : x.watchlist_row < y.watchlist_row;
      });
      for (Row& r : mine) {
        if (r.score < r.pair_score - 0.005) {
          r.reasons += absl::StrFormat(
              "; %.2f for the pair alone, less against the list (%d hit%s)", r.pair_score,
              static_cast<int>(mine.size()), mine.size() == 1 ? "" : "s");
        }
      }
      done.fetch_add(1);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(work);
  if (terminal) {
    while (done.load() < candidates.size()) {
      const double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::fprintf(stderr, "\rscreened %zu / %zu candidates (%.0f/s) ", done.load(),
                   candidates.size(), secs > 0 ? done.load() / secs : 0.0);
      std::fflush(stderr);
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    std::fprintf(stderr, "\n");
  }
  for (auto& th : pool) th.join();

  out << "candidate_id,watchlist_id,score,reasons\n";
  for (size_t c = 0; c < candidates.size(); ++c) {
    for (const Row& r : rows[c]) {
      out << CsvField(candidates[c].id) << "," << CsvField(watchlist[r.watchlist_row].id) << ","
          << absl::StrFormat("%.4f", r.score) << "," << CsvField(r.reasons) << "\n";
    }
  }
  out.flush();
  if (!out) return absl::InternalError(StrCat("write failed: ", args.out));
  return absl::OkStatus();
}

}  // namespace

void AddScreenCommand(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<ScreenArgs>();
  CLI::App* cmd = app.add_subcommand(
      "screen", "Screen a candidate list against a watchlist (person-list CSV files)");
  cmd->add_option("--watchlist", args->watchlist, "watchlist person list (CSV)")->required();
  cmd->add_option("--candidates", args->candidates, "candidate person list (CSV)")->required();
  cmd->add_option("--out", args->out, "result CSV: candidate_id,watchlist_id,score,reasons")
      ->required();
  cmd->add_option("--threshold", args->threshold, "keep pairs scoring at least this")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--top", args->top, "keep at most K rows per candidate (0: all)")
      ->check(CLI::Range(0, 1000000));
  cmd->add_option("--threads", args->threads, "worker threads (default: all cores)")
      ->check(CLI::Range(0, kMaxThreads));
  cmd->callback([args, &ctx] {
    const absl::Status status = RunScreen(*args);
    if (!status.ok()) ctx.exit_code = Fail(kCommand, status);
  });
}

}  // namespace liaison::cli
