// `liaison export --data DIR --out FILE` and `liaison import node FILE --data
// DIR`: move a whole node between storage backends (access/node_transfer.h).
// To move a node from SQLite to PostgreSQL: export, stop the node, point
// liaison.toml's [storage] at the new database, `liaison import node`, start
// the node (docs/operations.md). Keys stay in the node directory.
#include <fstream>
#include <iostream>

#include "access/actor.h"
#include "access/node_transfer.h"
#include "cli/commands.h"
#include "cli/node_context.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"

namespace liaison::cli {
namespace {

struct TransferArgs {
  std::string data;
  std::string file;
};

void PrintReport(const access::TransferReport& report, std::string_view verb) {
  std::cout << verb << " " << report.total << " rows:";
  for (const auto& [table, rows] : report.rows) {
    if (rows > 0) std::cout << " " << table << " " << rows;
  }
  std::cout << "\n";
}

absl::Status RunExport(const TransferArgs& args) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(args.data));
  std::ofstream out(args.file, std::ios::binary | std::ios::trunc);
  if (!out) return absl::FailedPreconditionError(StrCat("cannot create ", args.file));
  ASSIGN_OR_RETURN(
      access::TransferReport report,
      access::ExportNode(*ctx->store, *ctx->trail, access::Actor::LocalAdministrator(), out));
  out.close();
  if (!out) return absl::UnavailableError(StrCat("writing ", args.file, " failed"));
  PrintReport(report, StrCat("exported to ", args.file, ":"));
  return absl::OkStatus();
}

absl::Status RunImportNode(const TransferArgs& args) {
  std::ifstream in(args.file, std::ios::binary);
  if (!in) return absl::NotFoundError(StrCat("cannot open ", args.file));
  {
    // The database the configuration names: created (SQLite) and migrated.
    ASSIGN_OR_RETURN(node::NodeDir dir, node::OpenNodeDir(args.data));
    RETURN_IF_ERROR(OpenNodeStore(dir, RealClock(), /*create=*/true, /*migrate=*/true).status());
  }
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(args.data));
  ASSIGN_OR_RETURN(access::TransferReport report,
                   access::ImportNode(*ctx->store, *ctx->trail, access::Actor::LocalAdministrator(),
                                      in, args.file));
  PrintReport(report, "imported");
  return absl::OkStatus();
}

}  // namespace

void AddExportCommand(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<TransferArgs>();
  CLI::App* command = app.add_subcommand(
      "export",
      "Write the whole node (all data, no keys) to a file, to move it to another "
      "storage backend with 'liaison import node'");
  command->add_option("--data", args->data, "The node directory")->required();
  command->add_option("--out", args->file, "The file to write (JSON lines)")->required();
  command->callback([args, &ctx] {
    absl::Status s = RunExport(*args);
    ctx.exit_code = s.ok() ? 0 : Fail("export", s);
  });
}

void AddImportNodeCommand(CLI::App& import, CommandContext& ctx) {
  auto args = std::make_shared<TransferArgs>();
  CLI::App* command = import.add_subcommand(
      "node", "Load a whole-node export into the (empty) database the node's liaison.toml names");
  command->add_option("file", args->file, "A file written by 'liaison export'")->required();
  command->add_option("--data", args->data, "The node directory")->required();
  command->callback([args, &ctx] {
    absl::Status s = RunImportNode(*args);
    ctx.exit_code = s.ok() ? 0 : Fail("import node", s);
  });
}

}  // namespace liaison::cli
