#include "screening/screening_service.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>
#include <utility>

#include "common/absl_bridge.h"
#include "common/json_text.h"
#include "common/status_macros.h"
#include "match/record_person.h"
#include "screening/population.h"
#include "spdlog/spdlog.h"

namespace liaison::screening {
namespace {

constexpr size_t kScanChunk = 8192;
constexpr char kPartnerPrefix[] = "partner:";

int Threads(int wanted) {
  if (wanted > 0) return wanted;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// Runs fn(i) for i in [0, n) on `threads` threads.
template <typename Fn>
void ParallelFor(int threads, size_t n, const Fn& fn) {
  if (threads <= 1 || n < 64) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) fn(i);
    });
  }
  for (std::thread& th : pool) th.join();
}

// The store's change feed names a shared entry by its partner ref.
std::optional<std::pair<std::string, std::string>> SplitPartnerRef(std::string_view ref) {
  if (!ref.starts_with(kPartnerPrefix)) return std::nullopt;
  ref.remove_prefix(sizeof(kPartnerPrefix) - 1);
  size_t colon = ref.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  return std::make_pair(std::string(ref.substr(0, colon)), std::string(ref.substr(colon + 1)));
}

}  // namespace

std::optional<match::PersonInput> PersonInputFromSharedEntry(std::string_view entry_json) {
  absl::StatusOr<Json> j = ParseJson(entry_json, {.max_bytes = 64 * 1024, .max_depth = 4});
  if (!j.ok() || !j->is_object()) return std::nullopt;
  auto text = [&](const char* key) -> std::string {
    auto it = j->find(key);
    return it != j->end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto texts = [&](const char* key) {
    std::vector<std::string> out;
    auto it = j->find(key);
    if (it == j->end() || !it->is_array()) return out;
    for (const Json& v : *it) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
    return out;
  };
  match::PersonInput in;
  in.names = texts("names");
  if (in.names.empty()) return std::nullopt;
  in.father_name = text("father_name");
  in.dob = text("dob");
  in.gender = text("gender");
  in.nationalities = texts("nationalities");
  for (const std::string& id : texts("id_numbers")) {
    size_t colon = id.find(':');
    if (colon != std::string::npos)
      in.id_numbers.push_back({id.substr(0, colon), id.substr(colon + 1)});
  }
  return in;
}

bool IsOwnRecordRef(std::string_view ref) { return ref.starts_with("per_"); }

std::string PartnerRef(std::string_view node_id, std::string_view partner_ref) {
  return StrCat(kPartnerPrefix, node_id, ":", partner_ref);
}

struct ScreeningService::Built {
  std::unique_ptr<match::Matcher> population;  // the index's weights
  std::unique_ptr<PersonIndex> index;
};

ScreeningService::ScreeningService(store::Store& store, ServiceOptions options)
    : store_(store), options_(options) {}

ScreeningService::~ScreeningService() {
  {
    absl::MutexLock lock(&stop_mu_);
    stop_ = true;
  }
  if (follower_.joinable()) follower_.join();
}

std::shared_ptr<ScreeningService::Built> ScreeningService::Current() const {
  absl::MutexLock lock(&state_mu_);
  return built_;
}

absl::Status ScreeningService::build_status() const {
  absl::MutexLock lock(&state_mu_);
  return build_status_;
}

size_t ScreeningService::size() const {
  std::shared_ptr<Built> b = Current();
  return b ? b->index->size() : 0;
}

int64_t ScreeningService::applied_seq() const { return applied_seq_.load(); }

absl::StatusOr<match::PreparedPerson> ScreeningService::Prepare(
    const match::PersonInput& input) const {
  return base_.Prepare(input);
}

absl::Status ScreeningService::Build() {
  absl::MutexLock lock(&follow_mu_);
  return BuildLocked();
}

absl::Status ScreeningService::BuildLocked() {
  const int threads = Threads(options_.build_threads);
  std::vector<std::pair<std::string, match::PreparedPerson>> persons;
  int64_t seq = 0;
  size_t skipped = 0;
  std::vector<std::pair<std::string, match::PersonInput>> chunk;
  std::vector<std::optional<match::PreparedPerson>> prepared;
  auto flush = [&] {
    prepared.assign(chunk.size(), std::nullopt);
    ParallelFor(threads, chunk.size(), [&](size_t i) {
      absl::StatusOr<match::PreparedPerson> p = base_.Prepare(chunk[i].second);
      if (p.ok()) prepared[i] = *std::move(p);
    });
    for (size_t i = 0; i < chunk.size(); ++i) {
      if (prepared[i]) {
        persons.emplace_back(std::move(chunk[i].first), *std::move(prepared[i]));
      } else {
        ++skipped;
      }
    }
    chunk.clear();
  };
  // One snapshot: the persons and the feed position they reflect.
  RETURN_IF_ERROR(store_.Read([&](store::Reader& r) -> absl::Status {
    ASSIGN_OR_RETURN(seq, r.LastRecordChange());
    RETURN_IF_ERROR(r.ScanRecords(records::RecordType::kPerson, [&](records::Record&& rec) {
      const auto* person = std::get_if<records::Person>(&rec.body);
      if (person == nullptr) return absl::OkStatus();
      chunk.emplace_back(OwnRecordRef(rec.meta.id), match::PersonInputFromRecord(*person));
      if (chunk.size() >= kScanChunk) flush();
      return absl::OkStatus();
    }));
    // Partners' shared watchlists, under their partner refs.
    return r.ScanSharedEntries("", [&](store::SharedEntryRow&& e) {
      std::optional<match::PersonInput> input = PersonInputFromSharedEntry(e.entry_json);
      if (!input) {
        ++skipped;
        return absl::OkStatus();
      }
      chunk.emplace_back(PartnerRef(e.owner, e.reference), *std::move(input));
      if (chunk.size() >= kScanChunk) flush();
      return absl::OkStatus();
    });
  }));
  flush();
  auto built = std::make_shared<Built>();
  built->population = PopulationMatcher(persons);
  built->index = std::make_unique<PersonIndex>(*built->population);
  const size_t held = persons.size();
  built->index->AddBatch(std::move(persons), threads);
  applied_seq_ = seq;
  skipped_ = skipped;
  {
    absl::MutexLock lock(&state_mu_);
    built_ = std::move(built);
    build_status_ = absl::OkStatus();
  }
  ready_.store(true, std::memory_order_release);
  if (skipped > 0) {
    spdlog::warn("screening index: {} persons left out (no usable name)", skipped);
  }
  spdlog::info("screening index built: {} persons, change feed at {}", held, seq);
  return absl::OkStatus();
}

absl::StatusOr<size_t> ScreeningService::CatchUp() {
  absl::MutexLock lock(&follow_mu_);
  return CatchUpLocked();
}

absl::StatusOr<size_t> ScreeningService::CatchUpLocked() {
  std::shared_ptr<Built> built = Current();
  if (!built) return absl::FailedPreconditionError("the screening index is not built yet");
  struct Change {
    std::string ref;
    std::optional<match::PersonInput> input;  // nullopt: remove
  };
  std::vector<Change> changes;
  int64_t last = applied_seq_.load();
  bool pruned_past_us = false;
  RETURN_IF_ERROR(store_.Read([&](store::Reader& r) -> absl::Status {
    ASSIGN_OR_RETURN(
        std::vector<store::RecordChange> feed,
        r.RecordChangesAfter(last, static_cast<int>(std::max<size_t>(1, options_.catch_up_batch))));
    // Sequence numbers have no gaps, so a gap means another process sharing
    // the database pruned entries this one had not applied yet.
    if (!feed.empty() && feed.front().seq > last + 1) {
      pruned_past_us = true;
      return absl::OkStatus();
    }
    for (const store::RecordChange& c : feed) {
      last = c.seq;
      if (c.type != records::RecordType::kPerson) continue;
      if (auto shared = SplitPartnerRef(c.record_id)) {
        Change change{c.record_id, std::nullopt};
        if (!c.erased) {
          ASSIGN_OR_RETURN(std::optional<store::SharedEntryRow> e,
                           r.GetSharedEntry(shared->first, shared->second));
          if (e) change.input = PersonInputFromSharedEntry(e->entry_json);
        }
        changes.push_back(std::move(change));
        continue;
      }
      Change change{OwnRecordRef(c.record_id), std::nullopt};
      if (!c.erased) {
        absl::StatusOr<records::Record> rec = r.GetRecord(c.record_id);
        if (rec.ok()) {
          if (const auto* p = std::get_if<records::Person>(&rec->body)) {
            change.input = match::PersonInputFromRecord(*p);
          }
        } else if (!absl::IsNotFound(rec.status())) {
          return rec.status();
        }
      }
      changes.push_back(std::move(change));
    }
    return absl::OkStatus();
  }));
  if (pruned_past_us) {
    // The index can no longer be patched: rebuild it from the store.
    spdlog::warn(
        "screening index: change feed entries after {} were pruned by another process; "
        "rebuilding the index",
        last);
    RETURN_IF_ERROR(BuildLocked());
    return static_cast<size_t>(std::max<int64_t>(0, applied_seq_.load() - last));
  }
  const size_t applied = static_cast<size_t>(last - applied_seq_.load());
  for (Change& c : changes) {
    if (c.input) {
      absl::StatusOr<match::PreparedPerson> p = base_.Prepare(*c.input);
      if (p.ok()) {
        built->index->Upsert(c.ref, *std::move(p));
        continue;
      }
    }
    built->index->Remove(c.ref);
  }
  applied_seq_ = last;
  if (applied > 0 && absl::Now() - last_prune_ >= options_.prune_interval) {
    last_prune_ = absl::Now();
    absl::Status pruned = store_.Write([&](store::Transaction& tx) {
      return tx.PruneRecordChanges(last - std::max<int64_t>(0, options_.prune_keep));
    });
    if (!pruned.ok()) spdlog::warn("pruning the record change feed: {}", pruned.ToString());
  }
  return applied;
}

void ScreeningService::Start() {
  if (follower_.joinable()) return;
  follower_ = std::thread([this] { Follow(); });
}

void ScreeningService::Follow() {
  auto stopped_within = [this](absl::Duration d) {
    absl::MutexLock lock(&stop_mu_);
    stop_mu_.AwaitWithTimeout(absl::Condition(&stop_), d);
    return stop_;
  };
  while (!ready()) {
    absl::Status s;
    {
      absl::MutexLock lock(&follow_mu_);
      s = BuildLocked();
    }
    if (s.ok()) break;
    spdlog::error("building the screening index failed (retrying in a minute): {}", s.ToString());
    {
      absl::MutexLock lock(&state_mu_);
      build_status_ = s;
    }
    if (stopped_within(absl::Minutes(1))) return;
  }
  while (true) {
    absl::StatusOr<size_t> n = CatchUp();
    if (!n.ok()) spdlog::warn("screening index: following changes: {}", n.status().ToString());
    // A full batch means more are waiting: go on at once.
    const bool more = n.ok() && *n >= options_.catch_up_batch;
    if (stopped_within(more ? absl::ZeroDuration() : options_.follow_interval)) return;
  }
}

absl::StatusOr<std::vector<ExplainedHit>> ScreeningService::Search(
    const match::PreparedPerson& query, const SearchOptions& options) const {
  std::shared_ptr<Built> built = Current();
  if (!built) {
    return absl::UnavailableError("the screening index is being built; try again shortly");
  }
  std::vector<SearchHit> hits = built->index->Search(query, options);
  std::vector<ExplainedHit> out;
  out.reserve(hits.size());
  if (hits.empty()) return out;
  const match::PreparedPerson q = Reweighed(*built->population, query);
  for (SearchHit& h : hits) {
    ExplainedHit e;
    e.ref = std::move(h.ref);
    e.score = h.score;
    e.result = built->population->Compare(q, h.person);
    out.push_back(std::move(e));
  }
  return out;
}

absl::StatusOr<std::vector<ExplainedHit>> ScreeningService::SearchVisible(
    const match::PreparedPerson& query, const SearchOptions& options, const Visible& visible,
    Explain explain) const {
  std::shared_ptr<Built> built = Current();
  if (!built) {
    return absl::UnavailableError("the screening index is being built; try again shortly");
  }
  // A list-aware score never exceeds the pair score (the null's weight is
  // at least 0), so every person that could end at or above min_score is
  // among the pairwise hits at min_score.
  SearchOptions pairwise = options;
  pairwise.list_aware = false;
  pairwise.limit = 0;
  std::vector<SearchHit> hits = built->index->Search(query, pairwise);
  std::vector<std::string> refs;
  refs.reserve(hits.size());
  for (const SearchHit& h : hits) refs.push_back(h.ref);
  ASSIGN_OR_RETURN(std::vector<bool> keep, visible(refs));
  if (keep.size() != hits.size()) {
    return absl::InternalError("the visibility check answered for the wrong number of persons");
  }
  std::vector<SearchHit> seen;
  for (size_t i = 0; i < hits.size(); ++i) {
    if (keep[i]) seen.push_back(std::move(hits[i]));
  }
  if (options.list_aware && !seen.empty()) {
    std::vector<double> pair_scores;
    std::vector<const match::PreparedPerson*> persons;
    for (const SearchHit& h : seen) {
      pair_scores.push_back(h.pair_score);
      persons.push_back(&h.person);
    }
    const double null_log_odds = std::isnan(options.null_log_odds)
                                     ? NullLogOdds(built->index->size())
                                     : options.null_log_odds;
    std::vector<double> scores = ListAwareScores(pair_scores, null_log_odds,
                                                 SameIdentityGroups(*built->population, persons));
    for (size_t i = 0; i < seen.size(); ++i) seen[i].score = scores[i];
    std::vector<SearchHit> kept;
    for (SearchHit& h : seen) {
      if (h.score >= options.min_score) kept.push_back(std::move(h));
    }
    std::stable_sort(kept.begin(), kept.end(), [](const SearchHit& a, const SearchHit& b) {
      if (a.score != b.score) return a.score > b.score;
      return a.ref < b.ref;
    });
    seen = std::move(kept);
  }
  if (options.limit > 0 && seen.size() > options.limit) seen.resize(options.limit);
  std::vector<ExplainedHit> out;
  out.reserve(seen.size());
  if (explain == Explain::kNo) {
    for (SearchHit& h : seen) out.push_back({std::move(h.ref), h.score, {}});
    return out;
  }
  const match::PreparedPerson q = Reweighed(*built->population, query);
  for (SearchHit& h : seen) {
    ExplainedHit e;
    e.ref = std::move(h.ref);
    e.score = h.score;
    e.result = built->population->Compare(q, h.person);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace liaison::screening
