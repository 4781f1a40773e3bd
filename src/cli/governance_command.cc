// `liaison retention run --data DIR [--dry-run]` and
// `liaison stats --data DIR [--from T] [--to T]`: review and purge of stored
// data, and the joint committee's figures, as the node's local administrator.
#include <iostream>

#include "access/statistics.h"
#include "cli/commands.h"
#include "cli/node_context.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "common/time_format.h"

namespace liaison::cli {
namespace {

struct GovernanceArgs {
  std::string data;
  bool dry_run = false;
  std::string from;
  std::string to;
};

absl::Status RunRetention(const GovernanceArgs& a) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(a.data));
  ASSIGN_OR_RETURN(access::RetentionReport report,
                   ctx->retention->Run(access::Actor::LocalAdministrator(), a.dry_run));
  for (const auto& item : report.erased) {
    std::cout << (a.dry_run ? "would erase\t" : "erased\t") << item.id << "\t"
              << records::Name(item.type) << "\treview " << item.review_date << "\n";
  }
  for (const auto& item : report.due) {
    std::cout << "due\t" << item.id << "\t" << records::Name(item.type) << "\treview "
              << item.review_date << " (confirm or it will be erased)\n";
  }
  std::cout << report.erased.size() << (a.dry_run ? " to erase, " : " erased, ")
            << report.due.size() << " due for review\n";
  return absl::OkStatus();
}

absl::Status RunStats(const GovernanceArgs& a) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(a.data));
  int64_t from = 0;
  int64_t to = ctx->clock->NowMillis();
  if (!a.from.empty()) {
    ASSIGN_OR_RETURN(from, ParseTimestampMillis(a.from));
  }
  if (!a.to.empty()) {
    ASSIGN_OR_RETURN(to, ParseTimestampMillis(a.to));
  }
  ASSIGN_OR_RETURN(Json stats, access::Statistics(*ctx->store, *ctx->trail,
                                                  access::Actor::LocalAdministrator(), from, to));
  std::cout << stats.dump(2) << "\n";
  return absl::OkStatus();
}

}  // namespace

void AddGovernanceCommands(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<GovernanceArgs>();
  CLI::App* retention = app.add_subcommand("retention", "Review dates and purge");
  retention->require_subcommand(1);
  CLI::App* run = retention->add_subcommand(
      "run", "List records past review; erase those past the grace period");
  run->add_option("--data", args->data, "Node directory")->required();
  run->add_flag("--dry-run", args->dry_run, "Only list what would be erased");
  run->callback([args, &ctx] {
    absl::Status s = RunRetention(*args);
    ctx.exit_code = s.ok() ? 0 : Fail("retention run", s);
  });

  CLI::App* stats = app.add_subcommand("stats", "Figures for the joint committee (JSON)");
  stats->add_option("--data", args->data, "Node directory")->required();
  stats->add_option("--from", args->from, "From (RFC 3339 or YYYY-MM-DD)");
  stats->add_option("--to", args->to, "To (RFC 3339 or YYYY-MM-DD)");
  stats->callback([args, &ctx] {
    absl::Status s = RunStats(*args);
    ctx.exit_code = s.ok() ? 0 : Fail("stats", s);
  });
}

}  // namespace liaison::cli
