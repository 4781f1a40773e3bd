// Follow-up requests for a hit's data from the command line (README.md):
//
//   liaison followup request --data DIR --partner NODE_ID --reference REF --purpose P
//                    --legal-basis B [--urgency urgent|urgent_indirect|normal] [--note N] [--json]
//   liaison followup list --data DIR [--direction outgoing|incoming] [--state S] [--json]
//   liaison followup show --data DIR FOLLOWUP_ID [--purpose P] [--json]
//   liaison followup decide --data DIR FOLLOWUP_ID --decision approve|approve_partial|refuse
//                    [--fields a,b,c] [--reason R] [--json]
//   liaison followup purge --data DIR [--json]
//
// Requests and decisions are committed to the outbox; `liaison serve`
// delivers them (and runs the purge periodically). All act as the node's
// local administrator and are audited as such.
#include <iostream>

#include "absl/strings/str_split.h"
#include "access/followups.h"
#include "cli/commands.h"
#include "cli/node_context.h"
#include "common/absl_bridge.h"
#include "common/json_text.h"
#include "common/status_macros.h"
#include "common/time_format.h"

namespace liaison::cli {
namespace {

struct FollowupArgs {
  std::string data;
  bool json = false;
  std::string id;
  std::string partner;
  std::string reference;
  std::string purpose;
  std::string legal_basis;
  std::string urgency = "normal";
  std::string note;
  std::string direction = "outgoing";
  std::string state;
  std::string decision;
  std::string fields;
  std::string reason;
};

std::string When(int64_t ms) { return ms == 0 ? "-" : FormatMillis(ms); }

void PrintLine(const store::FollowupRow& f, bool overdue) {
  std::cout << f.id << "  " << (f.direction == "out" ? "to " : "from ") << f.partner << "  "
            << f.urgency << "  " << f.state;
  if (f.direction == "in" && f.state == "pending") {
    std::cout << "  deadline " << When(f.deadline_ms) << (overdue ? " (OVERDUE)" : "");
  }
  std::cout << "  " << f.reference << "\n";
}

absl::Status RunRequest(const FollowupArgs& a) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(a.data));
  access::NewFollowup r;
  r.partner = a.partner;
  r.reference = a.reference;
  r.purpose = {a.purpose, ""};
  r.legal_basis = a.legal_basis;
  r.urgency = a.urgency;
  r.note = a.note;
  ASSIGN_OR_RETURN(store::FollowupRow row,
                   ctx->followups->Request(access::Actor::LocalAdministrator(), r));
  if (a.json) {
    std::cout << DumpJson({{"followup", access::FollowupToJson(row, false)}}) << "\n";
  } else {
    std::cout << "follow-up " << row.id << " to " << row.partner << " queued for delivery\n";
  }
  return absl::OkStatus();
}

absl::Status RunList(const FollowupArgs& a) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(a.data));
  ASSIGN_OR_RETURN(
      std::vector<access::FollowupView> rows,
      ctx->followups->List(access::Actor::LocalAdministrator(), a.direction, a.state, 1000));
  if (a.json) {
    Json items = Json::array();
    for (const access::FollowupView& v : rows) {
      items.push_back(access::FollowupToJson(v.followup, v.overdue));
    }
    std::cout << DumpJson({{"followups", items}}) << "\n";
    return absl::OkStatus();
  }
  for (const access::FollowupView& v : rows) PrintLine(v.followup, v.overdue);
  if (rows.empty()) std::cout << "no " << a.direction << " follow-ups\n";
  return absl::OkStatus();
}

absl::Status RunShow(const FollowupArgs& a) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(a.data));
  ASSIGN_OR_RETURN(access::FollowupView v, ctx->followups->Show(access::Actor::LocalAdministrator(),
                                                                {a.purpose, ""}, a.id));
  Json j = access::FollowupViewToJson(v);
  if (a.json) {
    std::cout << DumpJson({{"followup", j}}) << "\n";
    return absl::OkStatus();
  }
  const store::FollowupRow& f = v.followup;
  PrintLine(f, v.overdue);
  std::cout << "   purpose: " << f.purpose << "\n   legal basis: " << f.legal_basis << "\n";
  if (!f.note.empty()) std::cout << "   note: " << f.note << "\n";
  if (f.state != "sent" && f.state != "pending") {
    std::cout << "   decided " << When(f.decided_ms) << " by " << f.decided_by
              << (f.decision_reason.empty() ? "" : ": " + f.decision_reason) << "\n";
  }
  if (v.received) {
    const store::FollowupDataRow& d = *v.received;
    std::cout << "   released by " << d.owner << ": " << d.record_type << " " << d.crime_area << " "
              << d.handling_code << (d.handling_note.empty() ? "" : " (" + d.handling_note + ")")
              << ", received " << When(d.received_ms) << ", keep until " << When(d.retain_until_ms)
              << "\n";
    if (d.erased_ms != 0) {
      std::cout << "   erased " << When(d.erased_ms) << "\n";
    } else if (!d.data.empty()) {
      std::cout << "   data: " << d.data << "\n";
    }
  }
  if (v.record) std::cout << "   record: " << v.record->meta.id << "\n";
  if (f.direction == "in") {
    std::cout << "   releasable: " << DumpJson(j["releasable_fields"])
              << "  never released: " << DumpJson(j["withheld_fields"]) << "\n";
  }
  return absl::OkStatus();
}

absl::Status RunDecide(const FollowupArgs& a) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(a.data));
  access::FollowupDecision d;
  d.decision = a.decision;
  d.reason = a.reason;
  for (absl::string_view field : absl::StrSplit(AbslView(a.fields), ',', absl::SkipWhitespace())) {
    d.fields.emplace_back(StripAscii(StdView(field)));
  }
  ASSIGN_OR_RETURN(store::FollowupRow row,
                   ctx->followups->Decide(access::Actor::LocalAdministrator(), a.id, d));
  if (a.json) {
    std::cout << DumpJson({{"followup", access::FollowupToJson(row, false)}}) << "\n";
  } else {
    std::cout << "follow-up " << row.id << " " << row.state << "; the decision is queued for "
              << row.partner << "\n";
  }
  return absl::OkStatus();
}

absl::Status RunPurge(const FollowupArgs& a) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(a.data));
  ASSIGN_OR_RETURN(access::PurgeReport report,
                   ctx->followups->Purge(access::Actor::LocalAdministrator()));
  if (a.json) {
    Json erased = Json::array();
    for (const std::string& id : report.erased) erased.push_back(id);
    std::cout << DumpJson({{"erased", erased}}) << "\n";
  } else {
    std::cout << report.erased.size()
              << " received release(s) erased; erasure notices queued for their owners\n";
  }
  return absl::OkStatus();
}

}  // namespace

void AddFollowupCommand(CLI::App& app, CommandContext& ctx) {
  auto a = std::make_shared<FollowupArgs>();
  auto done = [&ctx](const char* name, const absl::Status& s) {
    ctx.exit_code = s.ok() ? 0 : Fail(name, s);
  };
  CLI::App* followup =
      app.add_subcommand("followup", "Follow-up requests for a hit's data, both directions");
  followup->require_subcommand(1);

  CLI::App* request = followup->add_subcommand("request", "Ask a partner for a hit's data");
  request->add_option("--data", a->data, "Node directory")->required();
  request->add_option("--partner", a->partner, "Partner node id (the hit's owner)")->required();
  request->add_option("--reference", a->reference, "The hit's reference (ref_...)")->required();
  request->add_option("--purpose", a->purpose, "Purpose of the request")->required();
  request->add_option("--legal-basis", a->legal_basis, "Legal basis")->required();
  request->add_option("--urgency", a->urgency, "urgent, urgent_indirect or normal (default)");
  request->add_option("--note", a->note, "Note for the partner's officer");
  request->add_flag("--json", a->json, "JSON output");
  request->callback([a, done] { done("followup request", RunRequest(*a)); });

  CLI::App* list = followup->add_subcommand("list", "Follow-ups sent or received");
  list->add_option("--data", a->data, "Node directory")->required();
  list->add_option("--direction", a->direction, "outgoing (default) or incoming");
  list->add_option("--state", a->state, "Only this state (sent, pending, approved, ...)");
  list->add_flag("--json", a->json, "JSON output");
  list->callback([a, done] { done("followup list", RunList(*a)); });

  CLI::App* show = followup->add_subcommand("show", "One follow-up (audited)");
  show->add_option("--data", a->data, "Node directory")->required();
  show->add_option("followup_id", a->id, "Follow-up id")->required();
  show->add_option("--purpose", a->purpose, "Purpose of this reading");
  show->add_flag("--json", a->json, "JSON output");
  show->callback([a, done] { done("followup show", RunShow(*a)); });

  CLI::App* decide = followup->add_subcommand("decide", "Decide a partner's follow-up request");
  decide->add_option("--data", a->data, "Node directory")->required();
  decide->add_option("followup_id", a->id, "Follow-up id")->required();
  decide->add_option("--decision", a->decision, "approve, approve_partial or refuse")->required();
  decide->add_option("--fields", a->fields, "Fields to release, comma-separated (approve_partial)");
  decide->add_option("--reason", a->reason, "Reason (required to refuse or approve in part)");
  decide->add_flag("--json", a->json, "JSON output");
  decide->callback([a, done] { done("followup decide", RunDecide(*a)); });

  CLI::App* purge = followup->add_subcommand("purge", "Erase received data whose retention ended");
  purge->add_option("--data", a->data, "Node directory")->required();
  purge->add_flag("--json", a->json, "JSON output");
  purge->callback([a, done] { done("followup purge", RunPurge(*a)); });
}

}  // namespace liaison::cli
