// `liaison import persons FILE --data DIR [--crime-area A] [--handling-code H]
//  [--alert K] [--skip-bad-rows] [--format csv|jsonl] [--purpose TEXT]`:
// imports a person list into the node, whole or not at all, as the node's
// local administrator (audited). Progress goes to stderr on a terminal.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "access/actor.h"
#include "cli/commands.h"
#include "cli/node_context.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"

namespace liaison::cli {
namespace {

constexpr char kCommand[] = "import persons";

struct ImportArgs {
  std::string data;
  std::string file;
  std::string crime_area;
  std::string handling_code;
  std::string alert;
  std::string format = "auto";
  std::string purpose = "bulk import";
  bool skip_bad_rows = false;
};

absl::Status RunImport(const ImportArgs& args) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(args.data));
  ingest::ImportOptions options;
  // Flags win over the node's defaults; columns in the file win over both.
  std::string area = args.crime_area.empty() ? ctx->dir.config.default_crime_area : args.crime_area;
  std::string code =
      args.handling_code.empty() ? ctx->dir.config.default_handling_code : args.handling_code;
  auto parsed_area = records::ParseCrimeArea(area);
  if (!parsed_area.ok()) {
    return absl::InvalidArgumentError(
        StrCat("--crime-area: ", StdView(parsed_area.status().message())));
  }
  auto parsed_code = records::ParseHandlingCode(code);
  if (!parsed_code.ok()) {
    return absl::InvalidArgumentError(
        StrCat("--handling-code: ", StdView(parsed_code.status().message())));
  }
  auto parsed_alert = records::ParseAlertKind(args.alert);
  if (!parsed_alert.ok()) {
    return absl::InvalidArgumentError(
        StrCat("--alert: ", StdView(parsed_alert.status().message())));
  }
  options.defaults = {*parsed_area, *parsed_code, *parsed_alert, !args.handling_code.empty()};
  if (args.format == "csv") {
    options.format = ingest::ImportFormat::kCsv;
  } else if (args.format == "jsonl") {
    options.format = ingest::ImportFormat::kJsonLines;
  } else if (args.format != "auto") {
    return absl::InvalidArgumentError("--format: expected csv, jsonl or auto");
  }
  options.skip_bad_rows = args.skip_bad_rows;

  bool terminal = isatty(STDERR_FILENO) != 0;
  auto start = std::chrono::steady_clock::now();
  if (terminal) {
    options.progress = [start](int64_t rows, int64_t bytes, int64_t total) {
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      int pct = total > 0 ? static_cast<int>(100.0 * static_cast<double>(bytes) / total) : 0;
      int filled = pct / 4;
      std::fprintf(stderr, "\r[%.*s%*s] %3d%%  %lld rows  %.0f rows/s ", filled,
                   "#########################", 25 - filled, "", pct, static_cast<long long>(rows),
                   secs > 0 ? rows / secs : 0.0);
      std::fflush(stderr);
    };
  }
  access::Purpose purpose{args.purpose, ""};
  absl::StatusOr<ingest::ImportReport> report =
      ctx->records->ImportPersons(access::Actor::LocalAdministrator(), purpose, args.file, options);
  if (terminal) std::fputs("\n", stderr);
  RETURN_IF_ERROR(report.status());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const std::string& skipped : report->skipped) {
    std::cerr << "skipped: " << skipped << "\n";
  }
  std::cout << "imported " << args.file << ": " << report->rows << " rows, " << report->created
            << " created, " << report->updated << " updated, " << report->unchanged
            << " unchanged, " << report->skipped.size() << " skipped in " << secs << " s\n";
  return absl::OkStatus();
}

}  // namespace

void AddImportCommand(CLI::App& app, CommandContext& ctx) {
  CLI::App* import = app.add_subcommand("import", "Import records into the node");
  import->require_subcommand(1);
  AddImportNodeCommand(*import, ctx);
  auto args = std::make_shared<ImportArgs>();
  CLI::App* persons = import->add_subcommand(
      "persons", "Import a person list (CSV per CONTRACTS.md, or JSON lines)");
  persons->add_option("file", args->file, "CSV or JSON-lines file")->required();
  persons->add_option("--data", args->data, "Node directory")->required();
  persons->add_option("--crime-area", args->crime_area, "Crime area for rows without one");
  persons->add_option("--handling-code", args->handling_code, "H0..H3 for rows without one");
  persons->add_option("--alert", args->alert, "Alert kind for rows without one");
  persons->add_option("--format", args->format, "csv, jsonl or auto (by file extension)");
  persons->add_option("--purpose", args->purpose, "Why the list is imported (audited)");
  persons->add_flag("--skip-bad-rows", args->skip_bad_rows,
                    "Import the good rows and report every bad one (default: import nothing)");
  persons->callback([args, &ctx] {
    absl::Status s = RunImport(*args);
    ctx.exit_code = s.ok() ? 0 : Fail(kCommand, s);
  });
}

}  // namespace liaison::cli
