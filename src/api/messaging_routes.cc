#include "api/messaging_routes.h"

#include "absl/strings/numbers.h"
#include "access/entity_match.h"
#include "access/permissions.h"
#include "api/access_gate.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "federation/case_messages.h"

namespace liaison::api {
namespace {

// Largest JSON body of a message with attachments (base64 takes 4/3).
constexpr size_t kMaxMessageBodyBytes = size_t{40} << 20;

absl::Status CheckMembers(const Json& body, std::initializer_list<std::string_view> known) {
  if (!body.is_object()) return absl::InvalidArgumentError("expected a JSON object");
  for (auto it = body.begin(); it != body.end(); ++it) {
    bool ok = false;
    for (std::string_view k : known) ok = ok || it.key() == k;
    if (!ok) return absl::InvalidArgumentError(StrCat("unknown member '", it.key(), "'"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Text(const Json& body, const char* key, bool required = false) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) {
    if (required) return absl::InvalidArgumentError(StrCat("'", key, "' is required"));
    return std::string();
  }
  if (!it->is_string()) return absl::InvalidArgumentError(StrCat("'", key, "' must be a string"));
  return it->get<std::string>();
}

absl::StatusOr<int64_t> Index(const Request& req, const char* name) {
  int64_t v = 0;
  auto it = req.path_params.find(name);
  if (it == req.path_params.end() || !absl::SimpleAtoi(it->second, &v) || v < 0 || v > 1000) {
    return absl::InvalidArgumentError(StrCat("'", name, "' must be a number"));
  }
  return v;
}

const std::string& Param(const Request& req, const char* name) {
  static const std::string kEmpty;
  auto it = req.path_params.find(name);
  return it == req.path_params.end() ? kEmpty : it->second;
}

bool Flag(const Request& req, const char* name) {
  std::optional<std::string> v = req.Query(name);
  return v && (*v == "1" || *v == "true" || v->empty());
}

absl::StatusOr<access::NewMessage> MessageFromJson(const Json& body, std::string case_id) {
  RETURN_IF_ERROR(CheckMembers(body, {"text", "priority", "answer_by", "handling_code",
                                      "in_reply_to", "entities", "attachments"}));
  access::NewMessage m;
  m.case_id = std::move(case_id);
  ASSIGN_OR_RETURN(m.text, Text(body, "text"));
  ASSIGN_OR_RETURN(std::string priority, Text(body, "priority"));
  if (!priority.empty()) m.priority = priority;
  ASSIGN_OR_RETURN(m.answer_by, Text(body, "answer_by"));
  ASSIGN_OR_RETURN(std::string code, Text(body, "handling_code"));
  if (!code.empty()) {
    ASSIGN_OR_RETURN(m.handling_code, records::ParseHandlingCode(code));
  }
  ASSIGN_OR_RETURN(m.in_reply_to, Text(body, "in_reply_to"));
  if (auto it = body.find("entities"); it != body.end() && !it->is_null()) {
    if (!it->is_array()) return absl::InvalidArgumentError("'entities' must be an array");
    for (const Json& e : *it) {
      if (!e.is_object() || !e.contains("type") || !e["type"].is_string() || !e.contains("body") ||
          !e["body"].is_object() || e.size() != 2) {
        return absl::InvalidArgumentError(
            "'entities' items must be {\"type\": \"person\"|..., \"body\": {...}}");
      }
      m.entities.push_back({e["type"].get<std::string>(), e["body"]});
    }
  }
  if (auto it = body.find("attachments"); it != body.end() && !it->is_null()) {
    if (!it->is_array()) return absl::InvalidArgumentError("'attachments' must be an array");
    for (const Json& a : *it) {
      if (!a.is_object()) return absl::InvalidArgumentError("'attachments' items must be objects");
      RETURN_IF_ERROR(CheckMembers(a, {"name", "media_type", "content_base64"}));
      access::NewAttachment att;
      ASSIGN_OR_RETURN(att.name, Text(a, "name", true));
      ASSIGN_OR_RETURN(std::string type, Text(a, "media_type"));
      if (!type.empty()) att.media_type = type;
      ASSIGN_OR_RETURN(std::string content, Text(a, "content_base64", true));
      absl::StatusOr<std::string> raw = federation::DecodeStandardBase64(content, 32 << 20);
      if (!raw.ok()) {
        return absl::InvalidArgumentError(StrCat(
            "attachment '", att.name, "': content_base64: ", StdView(raw.status().message())));
      }
      att.content = *std::move(raw);
      m.attachments.push_back(std::move(att));
    }
  }
  return m;
}

}  // namespace

absl::Status RegisterMessagingRoutes(Router& router, access::Messaging& messaging,
                                     access::PersonSearch* search) {
  const std::string read(access::kCasesRead);
  const std::string write(access::kCasesWrite);
  access::Messaging* m = &messaging;

  RETURN_IF_ERROR(router.Add(
      {.method = Method::kGet,
       .pattern = "/api/v1/messaging/cases",
       .permission = read,
       .handler = [m](const Request& req) -> absl::StatusOr<Response> {
         ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
         store::CaseFilter filter;
         if (auto p = req.Query("partner")) filter.partner = *p;
         if (auto b = req.Query("before")) filter.before_id = *b;
         if (auto l = req.Query("limit")) {
           if (!absl::SimpleAtoi(*l, &filter.limit) || filter.limit < 1 || filter.limit > 1000) {
             return absl::InvalidArgumentError("'limit' must be 1 to 1000");
           }
         }
         ASSIGN_OR_RETURN(std::vector<store::CaseRow> rows, m->ListCases(actor, filter));
         Json items = Json::array();
         for (const store::CaseRow& c : rows) items.push_back(access::CaseToJson(c));
         return Response::JsonBody({{"cases", items}});
       },
       .summary = "Case threads with partners the caller's clearance covers, newest first"}));

  RETURN_IF_ERROR(
      router.Add({.method = Method::kPost,
                  .pattern = "/api/v1/messaging/cases",
                  .permission = write,
                  .handler = [m](const Request& req) -> absl::StatusOr<Response> {
                    ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
                    const Json& body = *req.json;
                    RETURN_IF_ERROR(CheckMembers(body, {"partner", "title", "crime_area",
                                                        "handling_code", "our_ref", "their_ref"}));
                    access::NewCase c;
                    ASSIGN_OR_RETURN(c.partner, Text(body, "partner", true));
                    ASSIGN_OR_RETURN(c.title, Text(body, "title", true));
                    ASSIGN_OR_RETURN(std::string area, Text(body, "crime_area", true));
                    ASSIGN_OR_RETURN(c.crime_area, records::ParseCrimeArea(area));
                    ASSIGN_OR_RETURN(std::string code, Text(body, "handling_code", true));
                    ASSIGN_OR_RETURN(c.handling_code, records::ParseHandlingCode(code));
                    ASSIGN_OR_RETURN(c.our_ref, Text(body, "our_ref"));
                    ASSIGN_OR_RETURN(c.their_ref, Text(body, "their_ref"));
                    ASSIGN_OR_RETURN(store::CaseRow row, m->OpenCase(actor, c));
                    return Response::JsonBody({{"case", access::CaseToJson(row)}}, 201);
                  },
                  .body = BodyKind::kJson,
                  .max_body_bytes = 16 * 1024,
                  .summary = "Open a case with a partner (queued for delivery)"}));

  RETURN_IF_ERROR(
      router.Add({.method = Method::kGet,
                  .pattern = "/api/v1/messaging/cases/{id}",
                  .permission = read,
                  .handler = [m](const Request& req) -> absl::StatusOr<Response> {
                    ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
                    ASSIGN_OR_RETURN(access::CaseView view,
                                     m->ShowCase(actor, PurposeOf(req), Param(req, "id")));
                    return Response::JsonBody({{"case", access::CaseViewToJson(view)}});
                  },
                  .summary = "A case and its thread (messages the caller's clearance covers)"}));

  RETURN_IF_ERROR(router.Add(
      {.method = Method::kPost,
       .pattern = "/api/v1/messaging/cases/{id}/messages",
       .permission = write,
       .handler = [m](const Request& req) -> absl::StatusOr<Response> {
         ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
         ASSIGN_OR_RETURN(access::NewMessage message, MessageFromJson(*req.json, Param(req, "id")));
         ASSIGN_OR_RETURN(store::CaseMessageRow row, m->Send(actor, message));
         return Response::JsonBody({{"message", access::MessageToJson(row, false)}}, 201);
       },
       .body = BodyKind::kJson,
       .max_body_bytes = kMaxMessageBodyBytes,
       .summary = "Send a message in a case: committed to the outbox, delivered by the node"}));

  RETURN_IF_ERROR(router.Add(
      {.method = Method::kGet,
       .pattern = "/api/v1/messaging/inbox",
       .permission = read,
       .handler = [m](const Request& req) -> absl::StatusOr<Response> {
         ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
         access::InboxOptions options;
         options.unanswered_only = Flag(req, "unanswered");
         options.unread_only = Flag(req, "unread");
         ASSIGN_OR_RETURN(std::vector<access::InboxEntry> entries, m->Inbox(actor, options));
         Json items = Json::array();
         int64_t overdue = 0;
         for (const access::InboxEntry& e : entries) {
           Json j = access::MessageToJson(e.message, e.overdue);
           j["case_title"] = e.case_row.title;
           j["partner"] = e.case_row.partner;
           overdue += e.overdue;
           items.push_back(std::move(j));
         }
         return Response::JsonBody({{"messages", items}, {"overdue", overdue}});
       },
       .summary = "Received messages, overdue ones flagged (?unanswered, ?unread)"}));

  RETURN_IF_ERROR(
      router.Add({.method = Method::kGet,
                  .pattern = "/api/v1/messaging/messages/{id}",
                  .permission = read,
                  .handler = [m](const Request& req) -> absl::StatusOr<Response> {
                    ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
                    ASSIGN_OR_RETURN(access::MessageView v,
                                     m->GetMessage(actor, PurposeOf(req), Param(req, "id")));
                    return Response::JsonBody({{"message", access::MessageViewToJson(v)}});
                  },
                  .summary = "One message with its attachments, links and forwards"}));

  for (bool answered : {false, true}) {
    RETURN_IF_ERROR(router.Add(
        {.method = Method::kPost,
         .pattern = answered ? "/api/v1/messaging/messages/{id}/answered"
                             : "/api/v1/messaging/messages/{id}/read",
         .permission = answered ? write : read,
         .handler = [m, answered](const Request& req) -> absl::StatusOr<Response> {
           ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
           ASSIGN_OR_RETURN(store::CaseMessageRow row,
                            answered ? m->MarkAnswered(actor, Param(req, "id"))
                                     : m->MarkRead(actor, Param(req, "id")));
           return Response::JsonBody({{"message", access::MessageToJson(row, false)}});
         },
         .summary = answered ? "Mark a received message answered (receipt sent to the partner)"
                             : "Mark a received message read (read receipt sent to the partner)"}));
  }

  RETURN_IF_ERROR(router.Add(
      {.method = Method::kPost,
       .pattern = "/api/v1/messaging/messages/{id}/forward",
       .permission = write,
       .handler = [m](const Request& req) -> absl::StatusOr<Response> {
         ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
         const Json& body = *req.json;
         RETURN_IF_ERROR(CheckMembers(body, {"to_user", "note", "to_case"}));
         ASSIGN_OR_RETURN(std::string to_user, Text(body, "to_user"));
         ASSIGN_OR_RETURN(std::string note, Text(body, "note"));
         ASSIGN_OR_RETURN(std::string to_case, Text(body, "to_case"));
         if (to_user.empty() == to_case.empty()) {
           return absl::InvalidArgumentError("give one of 'to_user' or 'to_case'");
         }
         if (!to_user.empty()) {
           RETURN_IF_ERROR(m->ForwardToUser(actor, Param(req, "id"), to_user, note));
           return Response::JsonBody({{"forwarded_to_user", to_user}});
         }
         ASSIGN_OR_RETURN(store::CaseMessageRow row,
                          m->ForwardToCase(actor, Param(req, "id"), to_case));
         return Response::JsonBody({{"message", access::MessageToJson(row, false)}}, 201);
       },
       .body = BodyKind::kJson,
       .max_body_bytes = 8 * 1024,
       .summary = "Forward to a user of this node, or to another case (H2/H3 from a partner: "
                  "not to another partner)"}));

  RETURN_IF_ERROR(router.Add(
      {.method = Method::kPost,
       .pattern = "/api/v1/messaging/messages/{id}/links",
       .permission = write,
       .handler = [m](const Request& req) -> absl::StatusOr<Response> {
         ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
         RETURN_IF_ERROR(CheckMembers(*req.json, {"record_id"}));
         ASSIGN_OR_RETURN(std::string record, Text(*req.json, "record_id", true));
         RETURN_IF_ERROR(m->LinkToRecord(actor, Param(req, "id"), record));
         return Response::JsonBody({{"message_id", Param(req, "id")}, {"record_id", record}}, 201);
       },
       .body = BodyKind::kJson,
       .max_body_bytes = 4 * 1024,
       .summary = "Link a message to a record of this node"}));

  RETURN_IF_ERROR(router.Add(
      {.method = Method::kPost,
       .pattern = "/api/v1/messaging/messages/{id}/entities/{index}/import",
       .permission = read,
       .handler = [m](const Request& req) -> absl::StatusOr<Response> {
         ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
         ASSIGN_OR_RETURN(int64_t index, Index(req, "index"));
         ASSIGN_OR_RETURN(
             records::Record r,
             m->ImportEntity(actor, PurposeOf(req), Param(req, "id"), static_cast<int>(index)));
         return Response::JsonBody({{"record_id", r.meta.id}}, 201);
       },
       .summary = "Import an entity of a message as a new record (records.write too), linked"}));

  if (search != nullptr) {
    RETURN_IF_ERROR(router.Add(
        {.method = Method::kPost,
         .pattern = "/api/v1/messaging/messages/{id}/entities/{index}/match",
         .permission = read,
         .handler = [m, search](const Request& req) -> absl::StatusOr<Response> {
           ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
           ASSIGN_OR_RETURN(int64_t index, Index(req, "index"));
           ASSIGN_OR_RETURN(std::vector<access::PersonSearchHit> hits,
                            access::MatchMessageEntity(*m, *search, actor, PurposeOf(req),
                                                       Param(req, "id"), static_cast<int>(index)));
           Json out = Json::array();
           for (const access::PersonSearchHit& h : hits) out.push_back(access::SearchHitJson(h));
           return Response::JsonBody({{"hits", out}});
         },
         .summary = "The node's persons matching a received person entity (screening.search "
                    "too), before importing it"}));
  }

  return router.Add({.method = Method::kGet,
                     .pattern = "/api/v1/messaging/messages/{id}/attachments/{index}",
                     .permission = read,
                     .handler = [m](const Request& req) -> absl::StatusOr<Response> {
                       ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
                       ASSIGN_OR_RETURN(int64_t index, Index(req, "index"));
                       ASSIGN_OR_RETURN(store::AttachmentRow a,
                                        m->GetAttachment(actor, Param(req, "id"), index));
                       Response r = Response::Download(std::move(a.content), a.media_type, a.name);
                       r.headers.push_back({"X-Content-SHA256", a.sha256});
                       return r;
                     },
                     .summary = "An attachment's bytes (its SHA-256 in X-Content-SHA256)"});
}

}  // namespace liaison::api
