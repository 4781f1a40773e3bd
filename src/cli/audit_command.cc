// `liaison audit verify` and `liaison audit export`: the auditor's view of the
// node's tamper-evident log (src/audit/, docs/audit-format.md).
#include <cctype>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "access/actor.h"
#include "audit/checkpoint.h"
#include "audit/entry.h"
#include "audit/export.h"
#include "audit/verify.h"
#include "cli/commands.h"
#include "cli/node_context.h"
#include "common/clock.h"
#include "common/json_text.h"
#include "common/status_macros.h"
#include "common/time_format.h"
#include "store/store.h"

namespace liaison::cli {
namespace {

struct VerifyArgs {
  std::string file;
  std::string public_key;
  std::string against;
  std::string known_head;
  bool json = false;
};

// "SEQ:HASH", e.g. from a checkpoint a partner holds.
absl::StatusOr<audit::ChainHead> ParseKnownHead(const std::string& text) {
  const size_t colon = text.find(':');
  audit::ChainHead head;
  if (colon == std::string::npos || !absl::SimpleAtoi(text.substr(0, colon), &head.seq) ||
      head.seq == 0 || text.size() - colon - 1 != 64) {
    return absl::InvalidArgumentError("--known-head must be SEQ:HASH (HASH 64 hex digits)");
  }
  head.hash = text.substr(colon + 1);
  for (char& c : head.hash) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return head;
}

struct ExportArgs {
  std::string data;
  std::string out;
  std::string from;
  std::string to;
  std::string purpose;
};

int RunVerify(const VerifyArgs& args) {
  audit::VerifyOptions options;
  if (!args.public_key.empty()) {
    absl::StatusOr<audit::PublicKey> key = audit::ParsePublicKey(args.public_key);
    if (!key.ok()) return Fail("audit verify", key.status());
    options.expected_key = *key;
  }
  if (!args.known_head.empty()) {
    absl::StatusOr<audit::ChainHead> head = ParseKnownHead(args.known_head);
    if (!head.ok()) return Fail("audit verify", head.status());
    options.known_head = *head;
  }
  if (!args.against.empty()) {
    // The earlier export must itself be intact; its last entry is then the
    // head the new export must still contain.
    absl::StatusOr<audit::VerifyReport> earlier = audit::VerifyExportFile(args.against, options);
    if (!earlier.ok()) return Fail("audit verify", earlier.status());
    if (!earlier->ok()) {
      return Fail("audit verify",
                  absl::FailedPreconditionError(absl::StrCat(
                      "the earlier export ", args.against, " does not verify itself: ",
                      std::string(audit::FindingName(earlier->finding)), ": ", earlier->reason)));
    }
    if (earlier->entries > 0) {
      options.known_head = audit::ChainHead{earlier->last_seq, earlier->last_hash};
    }
  }
  absl::StatusOr<audit::VerifyReport> report = audit::VerifyExportFile(args.file, options);
  if (!report.ok()) return Fail("audit verify", report.status());
  std::cout << (args.json ? DumpJson(report->ToJson()) + "\n" : report->ToText());
  if (report->ok()) return 0;
  std::string where =
      report->line > 0 ? absl::StrCat("line ", report->line) : std::string("the end of the export");
  if (report->seq > 0) absl::StrAppend(&where, ", seq ", report->seq);
  return Fail("audit verify",
              absl::DataLossError(absl::StrCat(args.file, ": first bad entry at ", where, ": ",
                                               std::string(audit::FindingName(report->finding)),
                                               ": ", report->reason)));
}

absl::Status RunExport(const ExportArgs& args) {
  std::optional<int64_t> from_time;
  std::optional<int64_t> to_time;
  if (!args.from.empty()) {
    ASSIGN_OR_RETURN(int64_t t, ParseTimestampMillis(args.from));
    from_time = t;
  }
  if (!args.to.empty()) {
    ASSIGN_OR_RETURN(int64_t t, ParseTimestampMillis(args.to));
    to_time = t;
  }
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> node, OpenNodeContext(args.data));
  // Sign the head first, so that everything exported is covered by a
  // checkpoint held in the node's own log as well.
  RETURN_IF_ERROR(
      node->store->Write([&](store::Transaction& tx) { return node->trail->CheckpointNow(tx); }));

  audit::ExportHeader header;
  header.node_id = node->dir.config.node_id;
  header.agency = node->dir.config.agency;
  header.public_key = node->signer->PublicKeyHex();
  header.from_time = from_time;
  header.to_time = to_time;
  header.exported_at = node->clock->NowMillis();
  uint64_t exported = 0;
  uint64_t last_seq = 0;
  RETURN_IF_ERROR(audit::WriteExport(
      header, *node->signer,
      [&](const audit::EntrySink& sink) -> absl::Status {
        // The range is contiguous in seq, from the first entry at or after
        // --from to the last before the first entry after --to, so that a
        // clock set back cannot punch holes in an export.
        bool started = !from_time.has_value();
        bool past_end = false;
        absl::Status scanned = node->store->Read([&](store::Reader& reader) -> absl::Status {
          return reader.ScanAudit(1, 0, [&](const store::AuditRow& row) -> absl::Status {
            if (!started && row.time_ms < *from_time) return absl::OkStatus();
            started = true;
            if (to_time && row.time_ms > *to_time) {
              past_end = true;
              return absl::CancelledError("end of the export range");
            }
            absl::StatusOr<audit::Entry> entry = audit::ParseEntryLine(row.entry_json);
            if (!entry.ok()) {
              return absl::DataLossError(absl::StrCat(
                  "audit entry seq ", row.seq, " in the database is not a valid entry (",
                  std::string(entry.status().message()), "): the database was altered"));
            }
            ++exported;
            last_seq = entry->seq;
            return sink(*entry);
          });
        });
        return past_end ? absl::OkStatus() : scanned;
      },
      args.out));

  // The export itself is audited (after the snapshot, so it is in the next
  // export).
  const access::Actor admin = access::Actor::LocalAdministrator();
  audit::Event event;
  event.actor_id = admin.id;
  event.actor_name = admin.name;
  event.actor_role = std::string(access::RoleName(admin.role));
  event.origin = admin.origin;
  event.action = audit::Action::kAuditExport;
  event.purpose = args.purpose;
  event.details = Json::object();
  event.details["entries"] = exported;
  event.details["last_seq"] = last_seq;
  event.details["from_time"] = from_time ? Json(*from_time) : Json(nullptr);
  event.details["to_time"] = to_time ? Json(*to_time) : Json(nullptr);
  return node->store->Write([&](store::Transaction& tx) -> absl::Status {
    return node->trail->Append(tx, event).status();
  });
}

}  // namespace

void AddAuditCommand(CLI::App& app, CommandContext& ctx) {
  CLI::App* audit = app.add_subcommand("audit", "Export and verify the tamper-evident audit log");
  audit->require_subcommand(1);

  auto verify_args = std::make_shared<VerifyArgs>();
  CLI::App* verify = audit->add_subcommand(
      "verify",
      "Check an audit export offline: hashes, links, seq, checkpoint and trailer signatures. "
      "Exit 0 when intact; 1 naming the first bad entry");
  verify->add_option("FILE", verify_args->file, "The export (JSON lines)")->required();
  verify->add_option("--public-key", verify_args->public_key,
                     "The node's Ed25519 public key obtained out of band: 64 hex digits or "
                     "\"ed25519:<base64>\" (the node's keys/signing.pub)");
  verify->add_option("--against", verify_args->against,
                     "An earlier export of the same node: its last entry must still be in "
                     "FILE (catches entries cut from the end of the log)");
  verify->add_option("--known-head", verify_args->known_head,
                     "SEQ:HASH of an entry known from elsewhere (e.g. a checkpoint a partner "
                     "holds) that FILE must contain");
  verify->add_flag("--json", verify_args->json, "Print the report as one JSON object");
  verify->callback([&ctx, verify_args] { ctx.exit_code = RunVerify(*verify_args); });

  auto export_args = std::make_shared<ExportArgs>();
  CLI::App* exp = audit->add_subcommand(
      "export", "Write the node's audit log (or a time range of it) as JSON lines");
  exp->add_option("--data", export_args->data, "The node directory")->required();
  exp->add_option("--out", export_args->out, "The export file to write")->required();
  exp->add_option("--from", export_args->from,
                  "First time to include (RFC 3339 or YYYY-MM-DD, inclusive)");
  exp->add_option("--purpose", export_args->purpose, "Why the log is exported (recorded in it)")
      ->default_val("audit export");
  exp->add_option("--to", export_args->to,
                  "Last time to include (RFC 3339 or YYYY-MM-DD, inclusive)");
  exp->callback([&ctx, export_args] {
    absl::Status s = RunExport(*export_args);
    ctx.exit_code = s.ok() ? 0 : Fail("audit export", s);
    if (s.ok()) std::cerr << "liaison audit export: wrote " << export_args->out << "\n";
  });
}

}  // namespace liaison::cli
