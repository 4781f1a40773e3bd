#include "exchange/watchlist_sync.h"

#include <algorithm>

#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "federation/watchlist_messages.h"
#include "spdlog/spdlog.h"

namespace liaison::exchange {

WatchlistSync::WatchlistSync(access::Watchlists& watchlists, access::Partners& partners,
                             EnvelopeSender sender, WatchlistSyncOptions options)
    : watchlists_(watchlists), partners_(partners), sender_(std::move(sender)), options_(options) {}

WatchlistSync::~WatchlistSync() { Stop(); }

void WatchlistSync::Start() {
  thread_ = std::thread([this] { Run(); });
}

void WatchlistSync::Stop() {
  {
    absl::MutexLock lock(&mutex_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

PullOutcome WatchlistSync::PullFrom(const std::string& partner) {
  PullOutcome out;
  out.partner = partner;
  auto fail = [&](const absl::Status& s) {
    out.error = std::string(s.message());
    // The list as held stays; remembering the error is for the list view.
    absl::Status noted = watchlists_.RecordPullFailure(partner, out.error);
    if (!noted.ok()) spdlog::warn("watchlist pull: noting the failure: {}", noted.ToString());
    return out;
  };
  for (out.pages = 0; out.pages < options_.max_pages;) {
    {
      absl::MutexLock lock(&mutex_);
      if (stop_) return fail(absl::CancelledError("the node is stopping"));
    }
    absl::StatusOr<federation::WatchlistPull> pull = watchlists_.NextPull(partner);
    if (!pull.ok()) return fail(pull.status());
    pull->continuation = out.pages > 0;
    absl::StatusOr<federation::PartnerClient::Sent> sent =
        sender_(partner, federation::kWatchlistPullType, federation::WatchlistPullToJson(*pull));
    if (!sent.ok()) {
      return fail(
          absl::Status(sent.status().code(), StrCat("pulling the shared watchlist of ", partner,
                                                    ": ", StdView(sent.status().message()))));
    }
    const std::string& type = sent->reply.header.message_type;
    if (type != federation::kWatchlistSnapshotType && type != federation::kWatchlistDeltaType) {
      return fail(absl::DataLossError(
          StrCat("partner ", partner, " answered a watchlist_pull with a '", type, "'")));
    }
    absl::StatusOr<federation::WatchlistPage> page =
        federation::ParseWatchlistPage(type, sent->reply.body);
    if (!page.ok()) {
      return fail(absl::DataLossError(StrCat(
          "partner ", partner, " sent an unreadable page: ", StdView(page.status().message()))));
    }
    if (page->in_reply_to != sent->message_id) {
      return fail(absl::DataLossError(StrCat("partner ", partner, " answered another envelope")));
    }
    absl::Status applied = watchlists_.ApplyPage(partner, *pull, *page);
    if (!applied.ok()) return fail(applied);
    ++out.pages;
    out.upserts += static_cast<int64_t>(page->upserts.size());
    out.removals += static_cast<int64_t>(page->removals.size());
    if (page->complete) {
      out.ok = true;
      out.version = page->list_version;
      return out;
    }
    if (page->upserts.empty() && page->removals.empty() &&
        page->next_version == pull->after_version &&
        page->next_reference == pull->after_reference) {
      return fail(absl::DataLossError(
          StrCat("partner ", partner, " sent an incomplete page that does not advance")));
    }
  }
  return fail(absl::ResourceExhaustedError(StrCat(
      "partner ", partner, "'s list did not complete within ", options_.max_pages, " pages")));
}

std::vector<PullOutcome> WatchlistSync::PullAll() {
  std::vector<PullOutcome> out;
  absl::StatusOr<std::vector<store::PartnerRow>> partners = partners_.ActivePartners();
  if (!partners.ok()) {
    out.push_back({.error = std::string(partners.status().message())});
    return out;
  }
  for (const store::PartnerRow& p : *partners) out.push_back(PullFrom(p.node_id));
  return out;
}

void WatchlistSync::Run() {
  absl::Time next_purge = absl::InfinitePast();
  while (true) {
    {
      absl::MutexLock lock(&mutex_);
      mutex_.AwaitWithTimeout(absl::Condition(&stop_), absl::Seconds(1));
      if (stop_) return;
    }
    if (absl::Now() >= next_purge) {
      // Retention limits are in days; looking every few minutes is enough.
      next_purge = absl::Now() + options_.purge_interval;
      absl::StatusOr<int64_t> purged = watchlists_.PurgeExpired();
      if (!purged.ok()) {
        spdlog::warn("shared watchlists: purging expired entries: {}", purged.status().ToString());
      } else if (*purged > 0) {
        spdlog::info("shared watchlists: {} entries past their owner's retention limit erased",
                     *purged);
      }
    }
    absl::StatusOr<std::vector<store::PartnerRow>> partners = partners_.ActivePartners();
    if (!partners.ok()) {
      spdlog::error("shared watchlists: reading partners failed: {}", partners.status().ToString());
      continue;
    }
    for (const store::PartnerRow& p : *partners) {
      Schedule& s = schedule_[p.node_id];
      if (absl::Now() < s.next) continue;
      PullOutcome o = PullFrom(p.node_id);
      if (o.ok) {
        if (s.backoff > absl::ZeroDuration()) {
          spdlog::info("shared watchlists: {} ({}) reachable again; list at version {}", p.node_id,
                       p.agency, o.version);
        }
        s.backoff = absl::ZeroDuration();
        s.next = absl::Now() + options_.interval;
        continue;
      }
      s.backoff = s.backoff == absl::ZeroDuration() ? options_.initial_backoff
                                                    : std::min(s.backoff * 2, options_.max_backoff);
      s.next = absl::Now() + std::min(s.backoff, options_.interval);
      spdlog::warn(
          "shared watchlists: pulling the list of {} ({}) failed; what is held is kept, "
          "retrying in {}: {}",
          p.node_id, p.agency, absl::FormatDuration(std::min(s.backoff, options_.interval)),
          o.error);
    }
  }
}

absl::StatusOr<federation::MessageReply> WatchlistSync::HandlePull(
    const federation::OpenedEnvelope& envelope) {
  ASSIGN_OR_RETURN(federation::WatchlistPull pull, federation::ParseWatchlistPull(envelope.body));
  absl::StatusOr<federation::WatchlistPage> page =
      watchlists_.AnswerPull(envelope.header.sender, envelope.header.message_id, pull);
  if (!page.ok()) {
    spdlog::error("watchlist pull from {} not answered: {}", envelope.header.sender,
                  page.status().ToString());
    return absl::UnavailableError(
        StrCat("watchlist not available: ", StdView(page.status().message())));
  }
  return federation::MessageReply{std::string(page->snapshot ? federation::kWatchlistSnapshotType
                                                             : federation::kWatchlistDeltaType),
                                  federation::WatchlistPageToJson(*page)};
}

}  // namespace liaison::exchange
