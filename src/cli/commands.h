// The liaison command line. Each command lives in its own `*_command.cc` file
// and registers itself with CLI11 through an Add...Command function listed in
// commands.cc.
//
// Conventions every command follows:
// - errors go to stderr as one line "liaison <command>: <what and where>";
// - exit status 0 on success, 1 on bad input or failure, 2 on usage errors;
// - commands acting on a node directory act as its local administrator and
//   are audited as such.
#ifndef LIAISON_CLI_COMMANDS_H_
#define LIAISON_CLI_COMMANDS_H_

#include <string_view>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"

namespace liaison::cli {

// Shared state between CLI11 callbacks and RunMain.
struct CommandContext {
  int exit_code = 0;
};

// Prints "liaison <command>: <message>" to stderr and returns 1.
int Fail(std::string_view command, const absl::Status& status);

// Parses argv and runs the chosen command. Returns the process exit status.
int RunMain(int argc, char** argv);

// One per command file.
void AddInitCommand(CLI::App& app, CommandContext& ctx);
void AddMigrateCommand(CLI::App& app, CommandContext& ctx);
void AddExportCommand(CLI::App& app, CommandContext& ctx);
// `import node`, under the `import` command.
void AddImportNodeCommand(CLI::App& import, CommandContext& ctx);
void AddServeCommand(CLI::App& app, CommandContext& ctx);
void AddImportCommand(CLI::App& app, CommandContext& ctx);
void AddRecordCommand(CLI::App& app, CommandContext& ctx);
void AddCompareCommand(CLI::App& app, CommandContext& ctx);
void AddScreenCommand(CLI::App& app, CommandContext& ctx);
void AddPartnerCommands(CLI::App& app, CommandContext& ctx);  // partner, query, agreement
void AddCaseCommands(CLI::App& app, CommandContext& ctx);     // case, message
void AddFollowupCommand(CLI::App& app, CommandContext& ctx);
void AddWatchlistCommand(CLI::App& app, CommandContext& ctx);  // shared watchlists
void AddSearchCommand(CLI::App& app, CommandContext& ctx);
void AddAuditCommand(CLI::App& app, CommandContext& ctx);
void AddUserCommand(CLI::App& app, CommandContext& ctx);
void AddGovernanceCommands(CLI::App& app, CommandContext& ctx);  // retention, stats

}  // namespace liaison::cli

#endif  // LIAISON_CLI_COMMANDS_H_
