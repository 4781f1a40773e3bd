// Shared watchlists from the command line (docs/screening.md, "Shared
// watchlists"):
//
//   liaison watchlist pull --data DIR [--partner NODE_ID] [--json]
//   liaison watchlist list --data DIR [--json]
//   liaison watchlist hits --data DIR [--limit N] [--json]
//
// `pull` pulls partners' lists now (as `liaison serve` does every minute) and
// exits non-zero when any partner could not be pulled, naming it; `list`
// shows the partners' lists held (partner, version, entries, last pull, last
// error); `hits` shows the hits partners reported on this node's entries,
// with the record each reference stands for. All act as the node's local
// administrator.
#include <iostream>

#include "cli/commands.h"
#include "cli/node_context.h"
#include "common/json_text.h"
#include "common/status_macros.h"
#include "common/time_format.h"
#include "exchange/partner_service.h"
#include "exchange/watchlist_sync.h"

namespace liaison::cli {
namespace {

struct WatchlistArgs {
  std::string data;
  std::string partner;
  int limit = 100;
  bool json = false;
};

std::string When(int64_t ms) { return ms == 0 ? "never" : FormatMillis(ms); }

int RunPull(const WatchlistArgs& a) {
  constexpr std::string_view kCommand = "watchlist pull";
  absl::StatusOr<std::unique_ptr<NodeContext>> ctx = OpenNodeContext(a.data);
  if (!ctx.ok()) return Fail(kCommand, ctx.status());
  exchange::PartnerServiceOptions options;
  options.node_id = (*ctx)->dir.config.node_id;
  options.identity = {(*ctx)->dir.keys.tls_cert_pem(), (*ctx)->dir.keys.tls_key_pem()};
  exchange::PartnerService service(options, *(*ctx)->partners, *(*ctx)->signer, *(*ctx)->clock,
                                   *(*ctx)->random, nullptr);
  if (absl::Status s = service.Refresh(); !s.ok()) return Fail(kCommand, s);
  exchange::WatchlistSync sync(
      *(*ctx)->watchlists, *(*ctx)->partners,
      [&service](std::string_view partner, std::string_view type, std::string_view body) {
        return service.SendEnvelope(partner, type, body);
      });
  std::vector<exchange::PullOutcome> outcomes;
  if (a.partner.empty()) {
    outcomes = sync.PullAll();
    if (outcomes.empty()) {
      return Fail(kCommand, absl::FailedPreconditionError(
                                "no partners are registered; add one with liaison partner add"));
    }
  } else {
    outcomes.push_back(sync.PullFrom(a.partner));
  }
  bool all_ok = true;
  Json out = Json::array();
  for (const exchange::PullOutcome& o : outcomes) {
    all_ok = all_ok && o.ok;
    Json item = {{"partner", o.partner},   {"ok", o.ok},
                 {"pages", o.pages},       {"upserts", o.upserts},
                 {"removals", o.removals}, {"version", o.version}};
    if (!o.ok) {
      item["error"] = o.error;
      std::cerr << "liaison " << kCommand << ": " << o.error << "\n";
    } else if (!a.json) {
      std::cout << o.partner << "\tversion " << o.version << "\t" << o.upserts
                << " added or changed\t" << o.removals << " removed\n";
    }
    out.push_back(std::move(item));
  }
  if (a.json) std::cout << DumpJson({{"results", out}}) << "\n";
  return all_ok ? 0 : 1;
}

int RunList(const WatchlistArgs& a) {
  constexpr std::string_view kCommand = "watchlist list";
  auto run = [&]() -> absl::StatusOr<std::vector<store::SharedListRow>> {
    ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(a.data));
    return ctx->watchlists->ListShared(access::Actor::LocalAdministrator());
  };
  absl::StatusOr<std::vector<store::SharedListRow>> lists = run();
  if (!lists.ok()) return Fail(kCommand, lists.status());
  if (a.json) {
    Json out = Json::array();
    for (const store::SharedListRow& l : *lists)
      out.push_back(access::Watchlists::SharedListJson(l));
    std::cout << DumpJson({{"watchlists", out}}) << "\n";
    return 0;
  }
  std::cout << "partner\tversion\tentries\tlast pull\tlast success\tlast error\n";
  for (const store::SharedListRow& l : *lists) {
    std::cout << l.owner << "\t" << l.version << "\t" << l.entries << "\t" << When(l.last_pull_ms)
              << "\t" << When(l.last_success_ms) << "\t"
              << (l.last_error.empty() ? "-" : l.last_error) << "\n";
  }
  return 0;
}

int RunHits(const WatchlistArgs& a) {
  constexpr std::string_view kCommand = "watchlist hits";
  auto run = [&]() -> absl::StatusOr<std::vector<store::WatchlistHitRow>> {
    ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(a.data));
    return ctx->watchlists->ListHitsReceived(access::Actor::LocalAdministrator(), a.limit);
  };
  absl::StatusOr<std::vector<store::WatchlistHitRow>> hits = run();
  if (!hits.ok()) return Fail(kCommand, hits.status());
  if (a.json) {
    Json out = Json::array();
    for (const store::WatchlistHitRow& h : *hits) {
      out.push_back(access::Watchlists::HitReceivedJson(h));
    }
    std::cout << DumpJson({{"hits", out}}) << "\n";
    return 0;
  }
  std::cout << "received\tpartner\trecord\treference\tband\tsource\tpurpose\n";
  for (const store::WatchlistHitRow& h : *hits) {
    std::cout << When(h.received_ms) << "\t" << h.partner << "\t" << h.record_id << "\t"
              << h.reference << "\t" << h.band << "\t" << h.source << "\t" << h.purpose << "\n";
  }
  return 0;
}

}  // namespace

void AddWatchlistCommand(CLI::App& app, CommandContext& ctx) {
  auto a = std::make_shared<WatchlistArgs>();
  CLI::App* watchlist = app.add_subcommand("watchlist", "Shared watchlists with partners");
  watchlist->require_subcommand(1);

  CLI::App* pull = watchlist->add_subcommand("pull", "Pull partners' shared watchlists now");
  pull->add_option("--data", a->data, "Node directory")->required();
  pull->add_option("--partner", a->partner, "Only this partner (node id); default: every partner");
  pull->add_flag("--json", a->json, "Print one JSON object");
  pull->callback([a, &ctx] { ctx.exit_code = RunPull(*a); });

  CLI::App* list = watchlist->add_subcommand("list", "Partners' shared watchlists held here");
  list->add_option("--data", a->data, "Node directory")->required();
  list->add_flag("--json", a->json, "Print one JSON object");
  list->callback([a, &ctx] { ctx.exit_code = RunList(*a); });

  CLI::App* hits =
      watchlist->add_subcommand("hits", "Hits partners reported on this node's shared entries");
  hits->add_option("--data", a->data, "Node directory")->required();
  hits->add_option("--limit", a->limit, "At most this many, newest first (1..1000)");
  hits->add_flag("--json", a->json, "Print one JSON object");
  hits->callback([a, &ctx] { ctx.exit_code = RunHits(*a); });
}

}  // namespace liaison::cli
