// `liaison screen --watchlist W.csv --candidates C.csv --out R.csv
//  [--threshold T] [--top K] [--threads N]`: scores every candidate against
// every watchlist person (../shared/CONTRACTS.md) and writes
// candidate_id,watchlist_id,score,reasons for the pairs at or above the
// threshold, best first per candidate, at most K per candidate.
//
// Exhaustive for now (issue 5 brings the index): both lists are prepared
// once, candidates are shared among threads, and the scorer skips most
// dissimilar name tokens from letter counts before any string metric. Only
// the rows written are explained. Needs no node directory.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "ingest/csv_reader.h"
#include "ingest/csv_writer.h"
#include "ingest/person_fields.h"
#include "match/matcher.h"
#include "match/record_person.h"

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

absl::Status RunScreen(const ScreenArgs& args) {
  match::Matcher matcher(match::MatcherOptions{.threshold = args.threshold});
  ASSIGN_OR_RETURN(std::vector<Listed> watchlist, ReadList(args.watchlist, matcher));
  ASSIGN_OR_RETURN(std::vector<Listed> candidates, ReadList(args.candidates, matcher));
  std::ofstream out(args.out, std::ios::binary | std::ios::trunc);
  if (!out) return absl::InvalidArgumentError(StrCat("cannot write ", args.out));

  int threads = args.threads > 0
                    ? args.threads
                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = std::min(threads, kMaxThreads);
  // Per candidate: the (score, watchlist index) pairs kept.
  std::vector<std::vector<std::pair<double, size_t>>> hits(candidates.size());
  std::atomic<size_t> next{0};
  std::atomic<size_t> done{0};
  const bool terminal = isatty(STDERR_FILENO) != 0;
  const auto start = std::chrono::steady_clock::now();
  auto work = [&] {
    std::vector<std::pair<double, size_t>> row;
    while (true) {
      const size_t c = next.fetch_add(1);
      if (c >= candidates.size()) break;
      row.clear();
      for (size_t w = 0; w < watchlist.size(); ++w) {
        const double s = matcher.Score(candidates[c].person, watchlist[w].person);
        if (s >= args.threshold) row.emplace_back(s, w);
      }
      std::sort(row.begin(), row.end(), [](const auto& x, const auto& y) {
        return x.first != y.first ? x.first > y.first : x.second < y.second;
      });
      if (args.top > 0 && row.size() > static_cast<size_t>(args.top)) row.resize(args.top);
      hits[c] = row;
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
    for (const auto& [score, w] : hits[c]) {
      const match::MatchResult r = matcher.Compare(candidates[c].person, watchlist[w].person);
      out << CsvField(candidates[c].id) << "," << CsvField(watchlist[w].id) << ","
          << absl::StrFormat("%.4f", score) << "," << CsvField(r.summary) << "\n";
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
