// Case messaging with partners from the command line (README.md):
//
//   liaison case open --data DIR --partner NODE_ID --title T --crime-area A
//                     --handling-code H [--our-ref R] [--their-ref R] [--json]
//   liaison case list --data DIR [--partner NODE_ID] [--json]
//   liaison case show --data DIR CASE_ID [--json]
//   liaison message send --data DIR --case CASE_ID [--text T] [--priority P]
//                     [--answer-by YYYY-MM-DD] [--handling-code H] [--in-reply-to MSG]
//                     [--entities FILE.jsonl] [--attach FILE]... [--json]
//   liaison message list --data DIR --case CASE_ID [--json]      (the thread)
//   liaison message inbox --data DIR [--unanswered] [--unread] [--json]
//   liaison message read|answered --data DIR MSG_ID
//   liaison message forward --data DIR MSG_ID (--to-user NAME [--note N] | --to-case CASE_ID)
//   liaison message link --data DIR MSG_ID --record RECORD_ID
//   liaison message match --data DIR MSG_ID --entity N [--json]
//   liaison message import --data DIR MSG_ID --entity N
//   liaison message attachment --data DIR MSG_ID --index N --out FILE
//   liaison message outbox --data DIR [--json]
//
// Messages are committed to the outbox; `liaison serve` delivers them. All
// act as the node's local administrator and are audited as such.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "access/entity_match.h"
#include "access/messaging.h"
#include "cli/commands.h"
#include "cli/node_context.h"
#include "common/absl_bridge.h"
#include "common/json_text.h"
#include "common/status_macros.h"
#include "common/time_format.h"
#include "records/record_json.h"
#include "spdlog/sinks/stdout_color_sinks.h"
#include "spdlog/spdlog.h"

namespace liaison::cli {
namespace {

struct CaseArgs {
  std::string data;
  bool json = false;
  std::string partner;
  std::string title;
  std::string crime_area;
  std::string handling_code;
  std::string our_ref;
  std::string their_ref;
  std::string id;  // positional case or message id
  std::string case_id;
  std::string text;
  std::string priority = "routine";
  std::string answer_by;
  std::string in_reply_to;
  std::string entities_file;
  std::vector<std::string> attach;
  bool unanswered = false;
  bool unread = false;
  std::string to_user;
  std::string to_case;
  std::string note;
  std::string record;
  int entity = -1;
  int64_t index = 0;
  std::string out;
};

absl::StatusOr<std::string> ReadWholeFile(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(StrCat(path, ": cannot open"));
  std::string text(max_bytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(max_bytes + 1));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > max_bytes) {
    return absl::InvalidArgumentError(StrCat(path, ": larger than ", max_bytes, " bytes"));
  }
  return text;
}

std::string MediaTypeOf(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".pdf") return "application/pdf";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".png") return "image/png";
  if (ext == ".txt") return "text/plain";
  return "application/octet-stream";
}

std::string When(int64_t ms) { return ms == 0 ? "-" : FormatMillis(ms); }

void PrintCaseLine(const store::CaseRow& c) {
  std::cout << c.id << "  " << c.partner << "  " << c.crime_area << " " << c.handling_code << "  "
            << c.status << "  " << c.title << "\n";
}

void PrintMessage(const access::MessageView& v) {
  const store::CaseMessageRow& m = v.message;
  std::cout << (m.direction == "out" ? ">> " : "<< ") << m.id << "  #" << m.thread_seq << "  "
            << m.author_name << "  " << m.priority << " " << m.handling_code;
  if (!m.answer_by.empty()) std::cout << "  answer by " << m.answer_by;
  if (v.overdue) std::cout << " (OVERDUE)";
  std::cout << "\n   sent " << When(m.sent_ms) << "  ";
  if (m.direction == "out") {
    std::cout << m.delivery << (m.delivery == "delivered" ? " " + When(m.delivered_ms) : "")
              << (m.delivery_error.empty() ? "" : " (" + m.delivery_error + ")");
  } else {
    std::cout << "received " << When(m.received_ms);
  }
  std::cout << "  read " << When(m.read_ms) << "  answered " << When(m.answered_ms) << "\n";
  if (!m.text.empty()) std::cout << "   " << m.text << "\n";
  if (m.entities_json != "[]") std::cout << "   entities: " << m.entities_json << "\n";
  for (const store::AttachmentRow& a : v.attachments) {
    std::cout << "   attachment " << a.idx << ": " << a.name << " (" << a.media_type << ", "
              << a.size << " bytes, sha256 " << a.sha256 << ", " << a.state << ")\n";
  }
  for (const store::MessageLinkRow& l : v.links)
    std::cout << "   linked to " << l.record_id << "\n";
  std::cout << "   content sha256 " << m.content_sha256 << "\n";
}

absl::Status RunOpen(const CaseArgs& a) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(a.data));
  access::NewCase c;
  c.partner = a.partner;
  c.title = a.title;
  ASSIGN_OR_RETURN(c.crime_area, records::ParseCrimeArea(a.crime_area));
  ASSIGN_OR_RETURN(c.handling_code, records::ParseHandlingCode(a.handling_code));
  c.our_ref = a.our_ref;
  c.their_ref = a.their_ref;
  ASSIGN_OR_RETURN(store::CaseRow row,
                   ctx->messaging->OpenCase(access::Actor::LocalAdministrator(), c));
  if (a.json) {
    std::cout << DumpJson({{"case", access::CaseToJson(row)}}) << "\n";
  } else {
    std::cout << "opened case " << row.id << " with " << row.partner << " (queued for delivery)\n";
  }
  return absl::OkStatus();
}

absl::Status RunList(const CaseArgs& a) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(a.data));
  store::CaseFilter filter;
  if (!a.partner.empty()) filter.partner = a.partner;
  filter.limit = 1000;
  ASSIGN_OR_RETURN(std::vector<store::CaseRow> rows,
                   ctx->messaging->ListCases(access::Actor::LocalAdministrator(), filter));
  if (a.json) {
    Json items = Json::array();
    for (const store::CaseRow& c : rows) items.push_back(access::CaseToJson(c));
    std::cout << DumpJson({{"cases", items}}) << "\n";
    return absl::OkStatus();
  }
  for (const store::CaseRow& c : rows) PrintCaseLine(c);
  if (rows.empty()) std::cout << "no cases\n";
  return absl::OkStatus();
}

absl::Status RunShow(const CaseArgs& a, const std::string& case_id) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(a.data));
  ASSIGN_OR_RETURN(access::CaseView view,
                   ctx->messaging->ShowCase(access::Actor::LocalAdministrator(), {}, case_id));
  if (a.json) {
    std::cout << DumpJson({{"case", access::CaseViewToJson(view)}}) << "\n";
    return absl::OkStatus();
  }
  const store::CaseRow& c = view.case_row;
  std::cout << "case " << c.id << " with " << c.partner << ": " << c.title << "\n"
            << "  " << c.crime_area << " " << c.handling_code << ", " << c.status << ", our ref '"
            << c.our_ref << "', their ref '" << c.their_ref << "', opened by " << c.opened_by_name
            << " " << When(c.created_ms) << "\n"
            << "  " << view.messages.size() << " message(s), " << view.pending
            << " not yet delivered\n";
  for (const access::MessageView& m : view.messages) PrintMessage(m);
  return absl::OkStatus();
}

absl::Status RunSend(const CaseArgs& a) {
  access::NewMessage m;
  m.case_id = a.case_id;
  m.text = a.text;
  m.priority = a.priority;
  m.answer_by = a.answer_by;
  m.in_reply_to = a.in_reply_to;
  if (!a.handling_code.empty()) {
    ASSIGN_OR_RETURN(m.handling_code, records::ParseHandlingCode(a.handling_code));
  }
  if (!a.entities_file.empty()) {
    ASSIGN_OR_RETURN(std::string text, ReadWholeFile(a.entities_file, 1 << 20));
    std::istringstream lines(text);
    int n = 0;
    for (std::string line; std::getline(lines, line);) {
      ++n;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      absl::StatusOr<Json> e = ParseJson(line);
      if (!e.ok() || !e->is_object() || !(*e)["type"].is_string() || !(*e)["body"].is_object()) {
        return absl::InvalidArgumentError(
            StrCat(a.entities_file, ":", n, ": expected {\"type\": ..., \"body\": {...}}"));
      }
      m.entities.push_back({(*e)["type"].get<std::string>(), (*e)["body"]});
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(a.data));
  for (const std::string& path : a.attach) {
    ASSIGN_OR_RETURN(
        std::string content,
        ReadWholeFile(path, static_cast<size_t>(ctx->dir.config.max_attachment_bytes)));
    m.attachments.push_back(
        {std::filesystem::path(path).filename().string(), MediaTypeOf(path), std::move(content)});
  }
  ASSIGN_OR_RETURN(store::CaseMessageRow row,
                   ctx->messaging->Send(access::Actor::LocalAdministrator(), m));
  if (a.json) {
    std::cout << DumpJson({{"message", access::MessageToJson(row, false)}}) << "\n";
  } else {
    std::cout << "queued message " << row.id << " in case " << row.case_id << " (#"
              << row.thread_seq << ", content sha256 " << row.content_sha256 << ")\n";
  }
  return absl::OkStatus();
}

absl::Status RunInbox(const CaseArgs& a) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(a.data));
  access::InboxOptions options;
  options.unanswered_only = a.unanswered;
  options.unread_only = a.unread;
  options.limit = 1000;
  ASSIGN_OR_RETURN(std::vector<access::InboxEntry> entries,
                   ctx->messaging->Inbox(access::Actor::LocalAdministrator(), options));
  if (a.json) {
    Json items = Json::array();
    for (const access::InboxEntry& e : entries) {
      Json j = access::MessageToJson(e.message, e.overdue);
      j["case_title"] = e.case_row.title;
      j["partner"] = e.case_row.partner;
      items.push_back(std::move(j));
    }
    std::cout << DumpJson({{"messages", items}}) << "\n";
    return absl::OkStatus();
  }
  int overdue = 0;
  for (const access::InboxEntry& e : entries) {
    overdue += e.overdue;
    std::cout << (e.overdue ? "OVERDUE " : "        ") << e.message.id << "  " << e.case_row.title
              << "  " << e.message.priority << "  from " << e.message.author_name << " ("
              << e.case_row.partner << ")"
              << (e.message.answer_by.empty() ? "" : "  answer by " + e.message.answer_by)
              << (e.message.read_ms ? "" : "  unread")
              << (e.message.answered_ms ? "  answered" : "") << "\n";
  }
  std::cout << entries.size() << " message(s), " << overdue << " overdue\n";
  return absl::OkStatus();
}

absl::Status RunMark(const CaseArgs& a, bool answered) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(a.data));
  const access::Actor admin = access::Actor::LocalAdministrator();
  ASSIGN_OR_RETURN(store::CaseMessageRow m, answered ? ctx->messaging->MarkAnswered(admin, a.id)
                                                     : ctx->messaging->MarkRead(admin, a.id));
  std::cout << "message " << m.id << (answered ? " marked answered" : " marked read")
            << " (receipt queued for the partner)\n";
  return absl::OkStatus();
}

absl::Status RunForward(const CaseArgs& a) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(a.data));
  const access::Actor admin = access::Actor::LocalAdministrator();
  if (!a.to_user.empty() == !a.to_case.empty()) {
    return absl::InvalidArgumentError("name one of --to-user or --to-case");
  }
  if (!a.to_user.empty()) {
    RETURN_IF_ERROR(ctx->messaging->ForwardToUser(admin, a.id, a.to_user, a.note));
    std::cout << "forwarded " << a.id << " to " << a.to_user << "\n";
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(store::CaseMessageRow m, ctx->messaging->ForwardToCase(admin, a.id, a.to_case));
  std::cout << "forwarded " << a.id << " to case " << a.to_case << " as message " << m.id << "\n";
  return absl::OkStatus();
}

absl::Status RunLink(const CaseArgs& a) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(a.data));
  RETURN_IF_ERROR(
      ctx->messaging->LinkToRecord(access::Actor::LocalAdministrator(), a.id, a.record));
  std::cout << "linked " << a.id << " to " << a.record << "\n";
  return absl::OkStatus();
}

absl::Status RunImport(const CaseArgs& a) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(a.data));
  ASSIGN_OR_RETURN(records::Record r, ctx->messaging->ImportEntity(
                                          access::Actor::LocalAdministrator(), {}, a.id, a.entity));
  std::cout << "imported entity " << a.entity << " of " << a.id << " as " << r.meta.id << "\n";
  return absl::OkStatus();
}

absl::Status RunMatch(const CaseArgs& a) {
  // stdout carries the answer only: the index build's log lines go to stderr.
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "liaison", std::make_shared<spdlog::sinks::stderr_color_sink_mt>()));
  spdlog::set_level(spdlog::level::warn);
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(a.data));
  RETURN_IF_ERROR(ctx->screening->Build());
  ASSIGN_OR_RETURN(
      std::vector<access::PersonSearchHit> hits,
      access::MatchMessageEntity(*ctx->messaging, *ctx->search, access::Actor::LocalAdministrator(),
                                 {}, a.id, a.entity));
  if (a.json) {
    Json out = Json::array();
    for (const access::PersonSearchHit& h : hits) out.push_back(access::SearchHitJson(h));
    std::cout << DumpJson({{"hits", out}}) << "\n";
    return absl::OkStatus();
  }
  for (const access::PersonSearchHit& h : hits) {
    std::cout << h.record_id << "  " << h.score << "  " << h.result.summary << "\n";
  }
  std::cout << hits.size() << " of this node's persons match entity " << a.entity << " of " << a.id
            << "\n";
  return absl::OkStatus();
}

absl::Status RunAttachment(const CaseArgs& a) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(a.data));
  ASSIGN_OR_RETURN(
      store::AttachmentRow att,
      ctx->messaging->GetAttachment(access::Actor::LocalAdministrator(), a.id, a.index));
  std::ofstream out(a.out, std::ios::binary | std::ios::trunc);
  out << att.content;
  if (!out) return absl::UnavailableError(StrCat(a.out, ": cannot write"));
  std::cout << "wrote " << a.out << " (" << att.name << ", " << att.content.size()
            << " bytes, sha256 " << att.sha256 << ")\n";
  return absl::OkStatus();
}

absl::Status RunOutbox(const CaseArgs& a) {
  ASSIGN_OR_RETURN(std::unique_ptr<NodeContext> ctx, OpenNodeContext(a.data));
  ASSIGN_OR_RETURN(std::vector<store::OutboxPartnerCount> counts, ctx->messaging->OutboxPartners());
  if (a.json) {
    Json items = Json::array();
    for (const auto& c : counts) items.push_back({{"partner", c.partner}, {"pending", c.pending}});
    std::cout << DumpJson({{"outbox", items}}) << "\n";
    return absl::OkStatus();
  }
  for (const auto& c : counts) std::cout << c.partner << "  " << c.pending << " pending\n";
  if (counts.empty()) std::cout << "the outbox is empty\n";
  return absl::OkStatus();
}

}  // namespace

void AddCaseCommands(CLI::App& app, CommandContext& ctx) {
  auto a = std::make_shared<CaseArgs>();
  auto done = [&ctx](std::string_view name, const absl::Status& s) {
    ctx.exit_code = s.ok() ? 0 : Fail(name, s);
  };

  CLI::App* kase = app.add_subcommand("case", "Case threads with partners");
  kase->require_subcommand(1);
  CLI::App* open = kase->add_subcommand("open", "Open a case with a partner");
  open->add_option("--data", a->data, "Node directory")->required();
  open->add_option("--partner", a->partner, "Partner node id")->required();
  open->add_option("--title", a->title, "Title")->required();
  open->add_option("--crime-area", a->crime_area, "Crime area")->required();
  open->add_option("--handling-code", a->handling_code, "H0..H3")->required();
  open->add_option("--our-ref", a->our_ref, "Our reference");
  open->add_option("--their-ref", a->their_ref, "The partner's reference");
  open->add_flag("--json", a->json, "JSON output");
  open->callback([a, done] { done("case open", RunOpen(*a)); });

  CLI::App* list = kase->add_subcommand("list", "List cases");
  list->add_option("--data", a->data, "Node directory")->required();
  list->add_option("--partner", a->partner, "Only cases with this partner");
  list->add_flag("--json", a->json, "JSON output");
  list->callback([a, done] { done("case list", RunList(*a)); });

  CLI::App* show = kase->add_subcommand("show", "Show a case and its thread");
  show->add_option("--data", a->data, "Node directory")->required();
  show->add_option("case_id", a->id, "Case id")->required();
  show->add_flag("--json", a->json, "JSON output");
  show->callback([a, done] { done("case show", RunShow(*a, a->id)); });

  CLI::App* message = app.add_subcommand("message", "Messages in case threads");
  message->require_subcommand(1);
  CLI::App* send = message->add_subcommand("send", "Send a message in a case (queued)");
  send->add_option("--data", a->data, "Node directory")->required();
  send->add_option("--case", a->case_id, "Case id")->required();
  send->add_option("--text", a->text, "Text");
  send->add_option("--priority", a->priority, "routine, urgent or immediate");
  send->add_option("--answer-by", a->answer_by, "Answer-by date YYYY-MM-DD");
  send->add_option("--handling-code", a->handling_code, "H0..H3 (default: the case's)");
  send->add_option("--in-reply-to", a->in_reply_to, "Message id answered");
  send->add_option("--entities", a->entities_file,
                   "JSON lines of entities {\"type\": \"person\", \"body\": {...}}");
  send->add_option("--attach", a->attach, "File to attach (repeatable)");
  send->add_flag("--json", a->json, "JSON output");
  send->callback([a, done] { done("message send", RunSend(*a)); });

  CLI::App* thread = message->add_subcommand("list", "The messages of a case");
  thread->add_option("--data", a->data, "Node directory")->required();
  thread->add_option("--case", a->case_id, "Case id")->required();
  thread->add_flag("--json", a->json, "JSON output");
  thread->callback([a, done] { done("message list", RunShow(*a, a->case_id)); });

  CLI::App* inbox = message->add_subcommand("inbox", "Received messages, overdue ones marked");
  inbox->add_option("--data", a->data, "Node directory")->required();
  inbox->add_flag("--unanswered", a->unanswered, "Only those not answered");
  inbox->add_flag("--unread", a->unread, "Only those not read");
  inbox->add_flag("--json", a->json, "JSON output");
  inbox->callback([a, done] { done("message inbox", RunInbox(*a)); });

  for (bool answered : {false, true}) {
    CLI::App* mark = message->add_subcommand(
        answered ? "answered" : "read",
        answered ? "Mark a received message answered" : "Mark a received message read");
    mark->add_option("--data", a->data, "Node directory")->required();
    mark->add_option("message_id", a->id, "Message id")->required();
    mark->callback([a, done, answered] {
      done(answered ? "message answered" : "message read", RunMark(*a, answered));
    });
  }

  CLI::App* forward = message->add_subcommand("forward", "Forward a message");
  forward->add_option("--data", a->data, "Node directory")->required();
  forward->add_option("message_id", a->id, "Message id")->required();
  forward->add_option("--to-user", a->to_user, "A user of this node");
  forward->add_option("--note", a->note, "Note for the user");
  forward->add_option("--to-case", a->to_case, "Another case thread");
  forward->callback([a, done] { done("message forward", RunForward(*a)); });

  CLI::App* link = message->add_subcommand("link", "Link a message to a record");
  link->add_option("--data", a->data, "Node directory")->required();
  link->add_option("message_id", a->id, "Message id")->required();
  link->add_option("--record", a->record, "Record id")->required();
  link->callback([a, done] { done("message link", RunLink(*a)); });

  CLI::App* importing =
      message->add_subcommand("import", "Import an entity of a message as a record");
  importing->add_option("--data", a->data, "Node directory")->required();
  importing->add_option("message_id", a->id, "Message id")->required();
  importing->add_option("--entity", a->entity, "Entity index (0, 1, ...)")->required();
  importing->callback([a, done] { done("message import", RunImport(*a)); });

  CLI::App* matching =
      message->add_subcommand("match", "This node's persons matching a received person entity");
  matching->add_option("--data", a->data, "Node directory")->required();
  matching->add_option("message_id", a->id, "Message id")->required();
  matching->add_option("--entity", a->entity, "Entity index (0, 1, ...)")->required();
  matching->add_flag("--json", a->json, "JSON output");
  matching->callback([a, done] { done("message match", RunMatch(*a)); });

  CLI::App* attachment = message->add_subcommand("attachment", "Save an attachment to a file");
  attachment->add_option("--data", a->data, "Node directory")->required();
  attachment->add_option("message_id", a->id, "Message id")->required();
  attachment->add_option("--index", a->index, "Attachment index (default 0)");
  attachment->add_option("--out", a->out, "File to write")->required();
  attachment->callback([a, done] { done("message attachment", RunAttachment(*a)); });

  CLI::App* outbox = message->add_subcommand("outbox", "Items waiting for delivery, per partner");
  outbox->add_option("--data", a->data, "Node directory")->required();
  outbox->add_flag("--json", a->json, "JSON output");
  outbox->callback([a, done] { done("message outbox", RunOutbox(*a)); });
}

}  // namespace liaison::cli
