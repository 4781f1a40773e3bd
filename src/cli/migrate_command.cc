// `liaison migrate --data DIR`: brings the node's database (its SQLite file
// or its PostgreSQL database) to the schema this binary needs. Nodes on
// PostgreSQL never migrate on their own, so that when several processes
// share a database the operator upgrades it once, between stopping the old
// processes and starting the new ones (docs/operations.md).
#include <iostream>

#include "access/actor.h"
#include "cli/commands.h"
#include "cli/node_context.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "node/node_dir.h"
#include "store/migrations.h"

namespace liaison::cli {
namespace {

constexpr char kCommand[] = "migrate";

struct MigrateArgs {
  std::string data;
  bool check = false;
};

absl::Status RunMigrate(const MigrateArgs& args) {
  ASSIGN_OR_RETURN(node::NodeDir dir, node::OpenNodeDir(args.data));
  absl::StatusOr<std::unique_ptr<store::Store>> current =
      OpenNodeStore(dir, RealClock(), /*create=*/false, /*migrate=*/false);
  if (current.ok()) {
    ASSIGN_OR_RETURN(int version, (*current)->SchemaVersion());
    std::cout << "the database is up to date at schema version " << version << "\n";
    return absl::OkStatus();
  }
  if (current.status().code() != absl::StatusCode::kFailedPrecondition ||
      current.status().message().find("liaison migrate") == std::string_view::npos) {
    return current.status();  // unreachable, or newer than this binary
  }
  if (args.check) {
    return absl::FailedPreconditionError(
        StrCat("the database needs migrating to schema version ", store::LatestSchemaVersion()));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<store::Store> migrated,
                   OpenNodeStore(dir, RealClock(), /*create=*/false, /*migrate=*/true));
  ASSIGN_OR_RETURN(int version, migrated->SchemaVersion());
  migrated.reset();
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(args.data));
  access::Actor admin = access::Actor::LocalAdministrator();
  RETURN_IF_ERROR(ctx->store->Write([&](store::Transaction& tx) -> absl::Status {
    audit::Event e = access::EventFor(admin, audit::Action::kConfigChange, {"schema migrated", ""});
    e.details = {{"event", "migrate"}, {"schema_version", std::to_string(version)}};
    return ctx->trail->Append(tx, std::move(e)).status();
  }));
  std::cout << "migrated the database to schema version " << version << "\n";
  return absl::OkStatus();
}

}  // namespace

void AddMigrateCommand(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<MigrateArgs>();
  CLI::App* command =
      app.add_subcommand(kCommand, "Bring the node's database to this liaison's schema version");
  command->add_option("--data", args->data, "The node directory")->required();
  command->add_flag("--check", args->check,
                    "Only report; exit non-zero when the database needs migrating");
  command->callback([args, &ctx] {
    absl::Status s = RunMigrate(*args);
    ctx.exit_code = s.ok() ? 0 : Fail(kCommand, s);
  });
}

}  // namespace liaison::cli
