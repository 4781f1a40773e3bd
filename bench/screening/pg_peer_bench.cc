// The peer of the screening benchmark (issue 5): what a police IT team would
// build first. The watchlist goes into PostgreSQL with a normalised name
// (lower case, accents and punctuation removed; Urdu names stay as written),
// a GIN trigram index (pg_trgm) on it and the year of birth; each candidate is
// one similarity query (`norm_name % $1`, year of birth within one year when
// the candidate has one), ten best rows. Prints load and index time,
// candidates per second over N client connections, and precision and recall
// against the data set's truth. The data are MakeWatchlist(N, S) and
// MakeCandidates(M, watchlist, S + 1) from dataset.h (default S 20261130), so
// liaison's side of the benchmark screens the same persons with the same seed.
//
// Normally started by bench/screening/run_pg_peer.sh, which provides a
// throwaway server with pg_trgm and unaccent:
//
//   pg_peer_bench --conninfo STR [--watchlist N] [--candidates M] [--seed S]
//                 [--threads T] [--threshold X] [--write-csv DIR] [--surname-tail F]
//
// --surname-tail F: share of Italian surnames from the long tail (default
// 0.85, as screening_bench; 0 for the small pools).
#include <libpq-fe.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dataset.h"

namespace {

using liaison::screening_bench::Candidate;
using liaison::screening_bench::Watchlist;

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

// What the IT team's normalisation does, in SQL so that the watchlist and
// the query go through the same function: unaccent, lower case, punctuation
// and runs of spaces to one space. Urdu letters pass through unchanged.
constexpr const char* kSchema = R"sql(
SET client_min_messages = warning;
CREATE OR REPLACE FUNCTION peer_norm(t text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
  $$ SELECT btrim(regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, t)),
                                 '[[:punct:][:space:]]+', ' ', 'g')) $$;
DROP TABLE IF EXISTS watchlist;
CREATE TABLE watchlist (
  id text PRIMARY KEY,
  name text NOT NULL,
  birth_year int,
  norm_name text GENERATED ALWAYS AS (peer_norm(name)) STORED
);
)sql";

constexpr const char* kQueryWithYear =
    "SELECT id, similarity(norm_name, peer_norm($1)) FROM watchlist "
    "WHERE norm_name % peer_norm($1) "
    "AND (birth_year IS NULL OR birth_year BETWEEN $2::int - 1 AND $2::int + 1) "
    "ORDER BY 2 DESC LIMIT 10";
constexpr const char* kQueryNoYear =
    "SELECT id, similarity(norm_name, peer_norm($1)) FROM watchlist "
    "WHERE norm_name % peer_norm($1) ORDER BY 2 DESC LIMIT 10";

struct ConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using Conn = std::unique_ptr<PGconn, ConnCloser>;
struct ResultCloser {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultCloser>;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "pg_peer_bench: %s\n", what.c_str());
  std::exit(1);
}

Conn Connect(const std::string& conninfo) {
  Conn conn(PQconnectdb(conninfo.c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    Fail(absl::StrCat("cannot connect (", conninfo, "): ", PQerrorMessage(conn.get())));
  }
  return conn;
}

// Runs `sql` (one or more statements without parameters); exits with the
// server's message and the statement's first line on error.
void Exec(PGconn* conn, const std::string& sql) {
  Result r(PQexec(conn, sql.c_str()));
  const ExecStatusType s = PQresultStatus(r.get());
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
    Fail(absl::StrCat("\"", sql.substr(0, sql.find('\n', 1)), "\": ", PQerrorMessage(conn)));
  }
}

std::string QueryValue(PGconn* conn, const std::string& sql) {
  Result r(PQexec(conn, sql.c_str()));
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK || PQntuples(r.get()) != 1) {
    Fail(absl::StrCat("\"", sql, "\": ", PQerrorMessage(conn)));
  }
  return PQgetvalue(r.get(), 0, 0);
}

// The year of a "YYYY[-MM[-DD]]" date of birth, if it has one.
std::optional<int> BirthYear(const std::string& dob) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (dob.size() < 4 || !std::all_of(dob.begin(), dob.begin() + 4, digit)) return std::nullopt;
  return std::stoi(dob.substr(0, 4));
}

// `s` as a field of COPY's text format.
void AppendCopyField(std::string* out, const std::string& s) {
  for (char c : s) {
    switch (c) {
      case '\\':
        out->append("\\\\");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      default:
        out->push_back(c);
    }
  }
}

void CopyWatchlist(PGconn* conn, const Watchlist& watchlist) {
  Result start(PQexec(conn, "COPY watchlist (id, name, birth_year) FROM STDIN"));
  if (PQresultStatus(start.get()) != PGRES_COPY_IN) {
    Fail(absl::StrCat("COPY watchlist: ", PQerrorMessage(conn)));
  }
  std::string buf;
  auto flush = [&] {
    if (PQputCopyData(conn, buf.data(), static_cast<int>(buf.size())) != 1) {
      Fail(absl::StrCat("COPY watchlist: sending rows: ", PQerrorMessage(conn)));
    }
    buf.clear();
  };
  for (const auto& p : watchlist.persons) {
    AppendCopyField(&buf, p.id);
    buf.push_back('\t');
    AppendCopyField(&buf, p.person.names.empty() ? std::string() : p.person.names[0]);
    buf.push_back('\t');
    const std::optional<int> year = BirthYear(p.person.dob);
    buf.append(year ? std::to_string(*year) : "\\N");
    buf.push_back('\n');
    if (buf.size() > (1 << 20)) flush();
  }
  if (!buf.empty()) flush();
  if (PQputCopyEnd(conn, nullptr) != 1) Fail(absl::StrCat("COPY end: ", PQerrorMessage(conn)));
  Result done(PQgetResult(conn));
  if (PQresultStatus(done.get()) != PGRES_COMMAND_OK) {
    Fail(absl::StrCat("COPY watchlist: ", PQerrorMessage(conn)));
  }
  while (Result more{PQgetResult(conn)}) {
  }
}

struct Hit {
  int64_t index;  // in the watchlist
  double similarity;
};

struct Screened {
  std::vector<Hit> hits;  // best first, at most 10
  double seconds = 0;
};

// Screens candidates [next, end) on its own connection, taking the next
// unscreened candidate from `next` until none is left.
void ScreenOnConnection(const std::string& conninfo, double threshold,
                        const std::vector<Candidate>& candidates, std::atomic<size_t>* next,
                        std::vector<Screened>* out) {
  Conn conn = Connect(conninfo);
  Exec(conn.get(), absl::StrFormat("SET pg_trgm.similarity_threshold = %g", threshold));
  Exec(conn.get(), "SET statement_timeout = '120s'");
  for (size_t i = next->fetch_add(1); i < candidates.size(); i = next->fetch_add(1)) {
    const Candidate& c = candidates[i];
    const std::string name = c.person.names.empty() ? std::string() : c.person.names[0];
    const std::optional<int> year = BirthYear(c.person.dob);
    const std::string year_text = year ? std::to_string(*year) : "";
    const char* values[2] = {name.c_str(), year_text.c_str()};
    const auto t0 = Clock::now();
    // Unnamed statements: planned with the values, so peer_norm($1) is
    // computed once by the planner instead of once per row.
    Result r(PQexecParams(conn.get(), year ? kQueryWithYear : kQueryNoYear, year ? 2 : 1, nullptr,
                          values, nullptr, nullptr, 0));
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
      Fail(absl::StrCat("candidate ", c.id, ": ", PQerrorMessage(conn.get())));
    }
    Screened& s = (*out)[i];
    s.seconds = Seconds(t0, Clock::now());
    for (int row = 0; row < PQntuples(r.get()); ++row) {
      const char* id = PQgetvalue(r.get(), row, 0);  // "W" + index
      s.hits.push_back(
          {std::strtoll(id + 1, nullptr, 10), std::strtod(PQgetvalue(r.get(), row, 1), nullptr)});
    }
  }
}

bool IsUrdu(const liaison::match::PersonInput& p) {
  // Arabic-script letters are U+0600..U+06FF, UTF-8 lead bytes 0xD8..0xDB.
  for (const std::string& n : p.names) {
    for (unsigned char c : n) {
      if (c >= 0xD8 && c <= 0xDB) return true;
    }
  }
  return false;
}

struct Quality {
  int64_t returned = 0, correct = 0;
  double Precision() const { return returned == 0 ? 0 : static_cast<double>(correct) / returned; }
};

// Returned pairs at or above `cut` (only the best one per candidate when
// `top1`), and how many are the candidate's true identity.
Quality Evaluate(const std::vector<Candidate>& candidates, const std::vector<Screened>& screened,
                 double cut, bool top1) {
  Quality q;
  for (size_t i = 0; i < candidates.size(); ++i) {
    for (const Hit& h : screened[i].hits) {
      if (h.similarity < cut) break;
      ++q.returned;
      if (h.index == candidates[i].truth) ++q.correct;
      if (top1) break;
    }
  }
  return q;
}

// Field `field` (1-based, as in proc(5)) of /proc/PID/stat, or -1.
long long ProcStatField(long long pid, int field) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string line;
  if (!std::getline(in, line)) return -1;
  // The command name (field 2) is in parentheses and may hold spaces.
  const size_t close = line.rfind(')');
  if (close == std::string::npos || field < 3) return -1;
  std::istringstream rest(line.substr(close + 1));
  std::string token;
  for (int f = 3; f <= field; ++f) {
    if (!(rest >> token)) return -1;
  }
  return std::strtoll(token.c_str(), nullptr, 10);
}

// CPU seconds used by the server's backends that have exited and been
// reaped by the postmaster (cutime + cstime), or a negative value when
// /proc is not readable (server on another host or user).
double ReapedBackendCpuSeconds(long long postmaster_pid) {
  const long long cutime = ProcStatField(postmaster_pid, 16);
  const long long cstime = ProcStatField(postmaster_pid, 17);
  if (cutime < 0 || cstime < 0) return -1;
  return static_cast<double>(cutime + cstime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  size_t watchlist_size = 100000;
  size_t candidate_count = 0;  // 0: chosen from the watchlist size below
  uint64_t seed = 20261130;
  int threads = 2;
  double threshold = 0.3;  // pg_trgm's default similarity_threshold
  std::string conninfo, csv_dir;
  double surname_tail = 0.85;  // as screening_bench: realistic Italian surnames
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) Fail(absl::StrCat("flag ", flag, " needs a value"));
    const std::string value = argv[++i];
    try {
      if (flag == "--watchlist") {
        watchlist_size = std::stoull(value);
      } else if (flag == "--candidates") {
        candidate_count = std::stoull(value);
      } else if (flag == "--seed") {
        seed = std::stoull(value);
      } else if (flag == "--threads") {
        threads = std::max(1, std::stoi(value));
      } else if (flag == "--threshold") {
        threshold = std::stod(value);
      } else if (flag == "--conninfo") {
        conninfo = value;
      } else if (flag == "--write-csv") {
        csv_dir = value;
      } else if (flag == "--surname-tail") {
        surname_tail = std::stod(value);
      } else {
        Fail(absl::StrCat("unknown flag ", flag));
      }
    } catch (const std::exception&) {
      Fail(absl::StrCat("bad value for ", flag, ": ", value));
    }
  }
  if (candidate_count == 0) candidate_count = watchlist_size <= 200000 ? 2000 : 300;

  const auto g0 = Clock::now();
  liaison::synth::GeneratorOptions people;
  people.italian_surname_tail = surname_tail;
  const Watchlist watchlist = liaison::screening_bench::MakeWatchlist(watchlist_size, seed, people);
  const std::vector<Candidate> candidates =
      liaison::screening_bench::MakeCandidates(candidate_count, watchlist, seed + 1);
  const auto g1 = Clock::now();
  if (!csv_dir.empty()) {
    std::filesystem::create_directories(csv_dir);
    for (const absl::Status& s :
         {liaison::screening_bench::WritePersonListCsv(csv_dir + "/watchlist.csv",
                                                       watchlist.persons),
          liaison::screening_bench::WritePersonListCsv(csv_dir + "/candidates.csv", candidates),
          liaison::screening_bench::WriteTruthCsv(csv_dir + "/truth.csv", watchlist, candidates)}) {
      if (!s.ok()) Fail(std::string(s.message()));
    }
  }

  Conn conn = Connect(conninfo);
  Exec(conn.get(), kSchema);
  const auto l0 = Clock::now();
  CopyWatchlist(conn.get(), watchlist);
  const auto l1 = Clock::now();
  Exec(conn.get(), "CREATE INDEX watchlist_trgm ON watchlist USING gin (norm_name gin_trgm_ops)");
  const auto l2 = Clock::now();
  // As a team would after a bulk load; it also leaves autovacuum nothing to
  // do while the candidates are screened.
  Exec(conn.get(), "VACUUM (ANALYZE) watchlist");
  const auto l3 = Clock::now();
  const std::string table_size =
      QueryValue(conn.get(), "SELECT pg_size_pretty(pg_table_size('watchlist'))");
  const std::string trgm_size =
      QueryValue(conn.get(), "SELECT pg_size_pretty(pg_relation_size('watchlist_trgm'))");
  // One Latin and one Urdu record as the peer sees them, to show what the
  // normalisation does.
  std::vector<std::string> examples;
  for (bool urdu : {false, true}) {
    for (const auto& p : watchlist.persons) {
      if (IsUrdu(p.person) != urdu) continue;
      examples.push_back(QueryValue(
          conn.get(),
          absl::StrCat(
              "SELECT name || '  ->  ' || norm_name || '  (' || show_trgm(norm_name)::text "
              "|| ')' FROM watchlist WHERE id = '",
              p.id, "'")));
      break;
    }
  }

  // The screening connections' backends are children of the postmaster; the
  // CPU time they used is added to its cutime/cstime once they exit.
  const long long postmaster_pid =
      ProcStatField(std::stoll(QueryValue(conn.get(), "SELECT pg_backend_pid()")), 4);
  const double cpu0 = ReapedBackendCpuSeconds(postmaster_pid);

  std::vector<Screened> screened(candidates.size());
  std::atomic<size_t> next{0};
  const auto s0 = Clock::now();
  {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back(ScreenOnConnection, conninfo, threshold, std::cref(candidates), &next,
                        &screened);
    }
    for (auto& th : pool) th.join();
  }
  const auto s1 = Clock::now();
  const double screen_s = Seconds(s0, s1);
  // Wait until the screening backends (and any background worker) have gone.
  for (int i = 0; i < 100; ++i) {
    const std::string others =
        QueryValue(conn.get(),
                   "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND "
                   "(backend_type = 'client backend' OR backend_type LIKE '%worker%')");
    if (others == "0") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const double cpu1 = ReapedBackendCpuSeconds(postmaster_pid);
  const double server_cpu_s = cpu0 >= 0 && cpu1 >= 0 ? cpu1 - cpu0 : -1;

  int64_t truth_pairs = 0, listed_urdu = 0;
  for (const auto& p : watchlist.persons) listed_urdu += IsUrdu(p.person);
  for (const auto& c : candidates) truth_pairs += c.truth >= 0;
  std::vector<double> latencies;
  for (const auto& s : screened) latencies.push_back(s.seconds * 1000);

  std::printf("watchlist       %zu persons (seed %llu; %.1f%% of records in Urdu script)\n",
              watchlist.persons.size(), static_cast<unsigned long long>(seed),
              100.0 * listed_urdu / std::max<size_t>(1, watchlist.persons.size()));
  std::printf(
      "candidates      %zu screened (a sample; seed %llu): %lld variants of listed "
      "persons, the rest hard negatives and new persons\n",
      candidates.size(), static_cast<unsigned long long>(seed + 1),
      static_cast<long long>(truth_pairs));
  std::printf("data generated  %.2f s\n", Seconds(g0, g1));
  std::printf("load (COPY)     %.2f s (table with primary key, normalised name generated)\n",
              Seconds(l0, l1));
  std::printf(
      "trigram index   %.2f s (GIN gin_trgm_ops on the normalised name), VACUUM ANALYZE %.2f s\n",
      Seconds(l1, l2), Seconds(l2, l3));
  std::printf("load + index    %.2f s; table %s, trigram index %s\n", Seconds(l0, l3),
              table_size.c_str(), trgm_size.c_str());
  for (const std::string& e : examples) std::printf("normalised      %s\n", e.c_str());
  std::printf(
      "query           norm_name %% peer_norm($1) [AND year of birth within 1], best 10, "
      "pg_trgm.similarity_threshold %.2f\n",
      threshold);
  std::printf("screening       %.2f s on %d connections: %.1f candidates/s\n", screen_s, threads,
              candidates.size() / screen_s);
  if (server_cpu_s > 0) {
    std::printf(
        "server CPU      %.2f s for the screening backends: %.1f candidates per CPU-second\n",
        server_cpu_s, candidates.size() / server_cpu_s);
  }
  std::printf("latency         p50 %.1f ms, p99 %.1f ms, max %.1f ms per candidate\n",
              Percentile(latencies, 0.5), Percentile(latencies, 0.99), Percentile(latencies, 1.0));

  std::printf(
      "\nquality (a returned pair is right when it is the candidate's own identity; "
      "recall = right pairs / %lld listed candidates)\n",
      static_cast<long long>(truth_pairs));
  std::printf("  %-22s %9s %8s %9s %7s\n", "similarity cut-off", "returned", "right", "precision",
              "recall");
  auto row = [&](const std::string& label, const Quality& q) {
    std::printf("  %-22s %9lld %8lld %9.4f %7.4f\n", label.c_str(),
                static_cast<long long>(q.returned), static_cast<long long>(q.correct),
                q.Precision(),
                truth_pairs == 0 ? 0.0 : static_cast<double>(q.correct) / truth_pairs);
  };
  for (double cut : {threshold, 0.4, 0.5, 0.6, 0.7, 0.8}) {
    if (cut < threshold) continue;
    row(absl::StrFormat(">= %.2f (best 10)", cut), Evaluate(candidates, screened, cut, false));
  }
  row(absl::StrFormat(">= %.2f (best 1)", threshold),
      Evaluate(candidates, screened, threshold, true));

  // Recall by the scripts of the two records: the peer compares letters, so
  // an Urdu record and a Latin record of the same person share no trigram.
  std::printf("\nrecall by script (listed record / candidate record), cut-off %.2f, best 10\n",
              threshold);
  for (int listed_script = 0; listed_script < 2; ++listed_script) {
    for (int cand_script = 0; cand_script < 2; ++cand_script) {
      int64_t n = 0, found = 0;
      for (size_t i = 0; i < candidates.size(); ++i) {
        const Candidate& c = candidates[i];
        if (c.truth < 0) continue;
        if (IsUrdu(watchlist.persons[c.truth].person) != (listed_script == 1)) continue;
        if (IsUrdu(c.person) != (cand_script == 1)) continue;
        ++n;
        for (const Hit& h : screened[i].hits) found += h.index == c.truth;
      }
      std::printf("  %-5s / %-5s %6lld pairs, recall %.4f\n", listed_script ? "Urdu" : "Latin",
                  cand_script ? "Urdu" : "Latin", static_cast<long long>(n),
                  n == 0 ? 0.0 : static_cast<double>(found) / n);
    }
  }
  int64_t negatives = 0, alarmed = 0;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (candidates[i].truth >= 0) continue;
    ++negatives;
    alarmed += !screened[i].hits.empty();
  }
  std::printf("\nunlisted candidates with at least one hit: %lld of %lld (%.1f%%)\n",
              static_cast<long long>(alarmed), static_cast<long long>(negatives),
              negatives == 0 ? 0.0 : 100.0 * alarmed / negatives);
  std::printf(
      "note: Urdu names are kept as written, as such a team would; trigrams of Urdu and "
      "Latin letters never meet, so cross-script pairs are missed.\n");
  return 0;
}
