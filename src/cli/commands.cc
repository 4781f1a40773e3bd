#include "cli/commands.h"

#include <iostream>

#include "absl/strings/str_cat.h"

namespace liaison::cli {

int Fail(std::string_view command, const absl::Status& status) {
  std::cerr << "liaison " << command << ": " << status.message() << "\n";
  return 1;
}

int RunMain(int argc, char** argv) {
  CLI::App app{"liaison: a node for secure criminal-information exchange between police agencies"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "liaison 0.1.0");
  CommandContext ctx;
  // Keep this list sorted by command name.
  AddAuditCommand(app, ctx);
  AddCaseCommands(app, ctx);
  AddGovernanceCommands(app, ctx);
  AddCompareCommand(app, ctx);
  AddExportCommand(app, ctx);
  AddFollowupCommand(app, ctx);
  AddImportCommand(app, ctx);
  AddInitCommand(app, ctx);
  AddMigrateCommand(app, ctx);
  AddPartnerCommands(app, ctx);
  AddScreenCommand(app, ctx);
  AddSearchCommand(app, ctx);
  AddServeCommand(app, ctx);
  AddUserCommand(app, ctx);
  AddWatchlistCommand(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);  // prints help, or the usage error
    return code == 0 ? 0 : 2;
  }
  return ctx.exit_code;
}

}  // namespace liaison::cli
