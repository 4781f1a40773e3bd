#include "access/messaging.h"

#include <algorithm>
#include <map>

#include "access/identity.h"
#include "access/permissions.h"
#include "access/record_access.h"
#include "access/watchlists.h"
#include "audit/hex.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "common/time_format.h"
#include "federation/body_reader.h"
#include "federation/canonical_bytes.h"
#include "records/record_json.h"

namespace liaison::access {
namespace {

constexpr std::string_view kOut = "out";
constexpr std::string_view kIn = "in";
constexpr size_t kMaxAuditObjects = 1000;

using federation::HasControlCharacters;

absl::Status CheckText(std::string_view field, std::string_view value, size_t min, size_t max,
                       bool allow_newlines = false) {
  if (value.size() < min || value.size() > max) {
    return absl::InvalidArgumentError(StrCat("'", field, "' must be ", min, " to ", max, " bytes"));
  }
  if (!IsValidUtf8(value)) return absl::InvalidArgumentError(StrCat("'", field, "' is not UTF-8"));
  if (HasControlCharacters(value, allow_newlines)) {
    return absl::InvalidArgumentError(StrCat("'", field, "' must not contain control characters"));
  }
  return absl::OkStatus();
}

int CodeRank(std::string_view code) {
  absl::StatusOr<records::HandlingCode> c = records::ParseHandlingCode(code);
  return c.ok() ? static_cast<int>(*c) : 3;
}

std::string UtcDay(int64_t ms) { return FormatMillis(ms).substr(0, 10); }

audit::Event NodeEvent(audit::Action action, std::string_view partner) {
  audit::Event e;
  e.actor_id = StrCat("partner:", partner);
  e.actor_name = std::string(partner);
  e.actor_role = "partner";
  e.action = action;
  e.purpose = "case messaging";
  e.origin = StrCat("partner:", partner);
  return e;
}

Purpose CasePurpose(const Purpose& given, const store::CaseRow& c) {
  if (!given.text.empty()) return given;
  return Purpose{StrCat("case ", c.id, ": ", c.title).substr(0, 1000), c.id};
}

std::string Sha256Hex(std::string_view bytes) {
  return audit::HexEncode(federation::Sha256(bytes));
}

int64_t PartsOf(int64_t size) {
  const int64_t part = static_cast<int64_t>(federation::kAttachmentPartBytes);
  return std::max<int64_t>(1, (size + part - 1) / part);
}

Json AttachmentsJson(const std::vector<federation::AttachmentInfo>& infos) {
  Json out = Json::array();
  for (const auto& a : infos) {
    out.push_back({{"index", a.index},
                   {"name", a.name},
                   {"media_type", a.media_type},
                   {"size", a.size},
                   {"sha256", a.sha256}});
  }
  return out;
}

Json EntitiesJson(const std::vector<federation::MessageEntity>& entities) {
  Json out = Json::array();
  for (const auto& e : entities) out.push_back({{"type", e.type}, {"body", e.body}});
  return out;
}

// Checks an entity against the record model.
absl::Status CheckEntity(const federation::MessageEntity& e) {
  ASSIGN_OR_RETURN(records::RecordType type, records::ParseRecordType(e.type));
  if (type == records::RecordType::kCase) {
    return absl::InvalidArgumentError("an entity may not be a case record");
  }
  return records::BodyFromJson(type, e.body).status();
}

}  // namespace

Json CaseToJson(const store::CaseRow& c) {
  return {{"id", c.id},
          {"partner", c.partner},
          {"origin", c.origin},
          {"title", c.title},
          {"crime_area", c.crime_area},
          {"handling_code", c.handling_code},
          {"our_ref", c.our_ref},
          {"their_ref", c.their_ref},
          {"status", c.status},
          {"opened_by", c.opened_by_name},
          {"created_ms", c.created_ms}};
}

Json MessageToJson(const store::CaseMessageRow& m, bool overdue) {
  Json entities = Json::array();
  if (absl::StatusOr<Json> e = ParseJson(m.entities_json); e.ok()) entities = *e;
  Json attachments = Json::array();
  if (absl::StatusOr<Json> a = ParseJson(m.attachments_json); a.ok()) attachments = *a;
  return {{"id", m.id},
          {"case_id", m.case_id},
          {"direction", m.direction},
          {"thread_seq", m.thread_seq},
          {"author", m.author_name},
          {"priority", m.priority},
          {"answer_by", m.answer_by},
          {"overdue", overdue},
          {"handling_code", m.handling_code},
          {"in_reply_to", m.in_reply_to},
          {"text", m.text},
          {"entities", entities},
          {"attachments", attachments},
          {"content_sha256", m.content_sha256},
          {"sent_ms", m.sent_ms},
          {"received_ms", m.received_ms},
          {"delivery", m.delivery},
          {"delivery_error", m.delivery_error},
          {"delivered_ms", m.delivered_ms},
          {"read_ms", m.read_ms},
          {"answered_ms", m.answered_ms}};
}

Json MessageViewToJson(const MessageView& v) {
  Json j = MessageToJson(v.message, v.overdue);
  Json attachments = Json::array();
  for (const store::AttachmentRow& a : v.attachments) {
    attachments.push_back({{"index", a.idx},
                           {"name", a.name},
                           {"media_type", a.media_type},
                           {"size", a.size},
                           {"sha256", a.sha256},
                           {"state", a.state}});
  }
  j["attachments"] = std::move(attachments);
  Json links = Json::array();
  for (const store::MessageLinkRow& l : v.links) links.push_back(l.record_id);
  j["linked_records"] = std::move(links);
  Json forwards = Json::array();
  for (const store::MessageForwardRow& f : v.forwards) {
    forwards.push_back(
        {{"to_user", f.to_user_id}, {"by", f.by_user_id}, {"at_ms", f.forwarded_ms}});
  }
  j["forwards"] = std::move(forwards);
  return j;
}

Json CaseViewToJson(const CaseView& v) {
  Json messages = Json::array();
  for (const MessageView& m : v.messages) messages.push_back(MessageViewToJson(m));
  Json j = CaseToJson(v.case_row);
  j["pending"] = v.pending;
  j["messages"] = std::move(messages);
  return j;
}

Messaging::Messaging(store::Store& store, AuditTrail& trail, Random& random,
                     MessagingOptions options)
    : store_(store),
      trail_(trail),
      random_(random),
      options_(std::move(options)),
      group_commit_(store) {}

void Messaging::SetOutboxListener(std::function<void()> listener) {
  listener_ = std::move(listener);
}

absl::Status Messaging::CommitGrouped(const std::function<absl::Status(store::Transaction&)>& fn) {
  return group_commit_.Write(fn);
}

void Messaging::Notify() {
  if (listener_) listener_();
}

absl::Status Messaging::Deny(const Actor& actor, const Purpose& purpose, std::string_view why) {
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) {
    audit::Event e = EventFor(actor, audit::Action::kAccessDenied);
    e.purpose = purpose.text.substr(0, 1000);
    e.case_ref = purpose.case_ref.substr(0, 200);
    e.outcome = audit::Outcome::kDenied;
    e.outcome_text = std::string(why);
    return trail_.Append(tx, std::move(e)).status();
  }));
  return absl::PermissionDeniedError(AbslView(why));
}

absl::Status Messaging::Require(const Actor& actor, std::string_view permission,
                                std::string_view what) {
  if (RoleHolds(actor.role, permission)) return absl::OkStatus();
  return Deny(actor, Purpose{std::string(what), ""},
              StrCat("the ", RoleName(actor.role), " role may not ", what));
}

absl::Status Messaging::CheckCovers(const Actor& actor, const store::CaseRow& c,
                                    std::string_view handling_code, std::string_view what) {
  records::RecordMeta meta;
  absl::StatusOr<records::CrimeArea> area = records::ParseCrimeArea(c.crime_area);
  absl::StatusOr<records::HandlingCode> code = records::ParseHandlingCode(handling_code);
  if (!area.ok() || !code.ok()) {
    return absl::DataLossError(
        StrCat("case ", c.id, ": stored crime area or handling code is invalid"));
  }
  meta.crime_area = *area;
  meta.handling_code = *code;
  if (actor.clearance.Covers(meta)) return absl::OkStatus();
  return Deny(actor, Purpose{std::string(what), c.id},
              StrCat(actor.name, "'s clearance does not cover ", handling_code, " ", c.crime_area,
                     " material of case ", c.id));
}

absl::StatusOr<store::CaseRow> Messaging::CaseFor(const Actor& actor, std::string_view case_id,
                                                  std::string_view what) {
  std::optional<store::CaseRow> c;
  RETURN_IF_ERROR(store_.Read([&](store::Reader& r) -> absl::Status {
    ASSIGN_OR_RETURN(c, r.GetCase(case_id));
    return absl::OkStatus();
  }));
  if (!c) return absl::NotFoundError(StrCat("no case ", case_id));
  RETURN_IF_ERROR(CheckCovers(actor, *c, c->handling_code, what));
  return *c;
}

absl::StatusOr<std::pair<store::CaseRow, store::CaseMessageRow>> Messaging::MessageFor(
    const Actor& actor, std::string_view message_id, std::string_view what) {
  std::optional<store::CaseMessageRow> m;
  std::optional<store::CaseRow> c;
  RETURN_IF_ERROR(store_.Read([&](store::Reader& r) -> absl::Status {
    ASSIGN_OR_RETURN(m, r.GetCaseMessage(message_id));
    if (m) {
      ASSIGN_OR_RETURN(c, r.GetCase(m->case_id));
    }
    return absl::OkStatus();
  }));
  if (!m || !c) return absl::NotFoundError(StrCat("no message ", message_id));
  RETURN_IF_ERROR(CheckCovers(actor, *c, m->handling_code, what));
  return std::make_pair(*c, *m);
}

bool Messaging::Overdue(const store::CaseMessageRow& m, int64_t now) const {
  return !m.answer_by.empty() && m.answered_ms == 0 && m.answer_by < UtcDay(now);
}

absl::StatusOr<store::CaseRow> Messaging::OpenCase(const Actor& actor, const NewCase& nc) {
  RETURN_IF_ERROR(Require(actor, kCasesWrite, "open cases"));
  RETURN_IF_ERROR(CheckText("title", nc.title, 1, federation::kMaxCaseTitleBytes));
  RETURN_IF_ERROR(CheckText("our_ref", nc.our_ref, 0, federation::kMaxCaseRefBytesInCase));
  RETURN_IF_ERROR(CheckText("their_ref", nc.their_ref, 0, federation::kMaxCaseRefBytesInCase));
  const int64_t now = trail_.clock().NowMillis();
  store::CaseRow c;
  c.id = random_.NewTimeOrderedId("cas_", now);
  c.partner = nc.partner;
  c.origin = "local";
  c.title = nc.title;
  c.crime_area = std::string(records::Name(nc.crime_area));
  c.handling_code = std::string(records::Name(nc.handling_code));
  c.our_ref = nc.our_ref;
  c.their_ref = nc.their_ref;
  c.status = "open";
  c.opened_by_id = actor.id;
  c.opened_by_name = actor.name;
  c.created_ms = now;
  c.updated_ms = now;
  RETURN_IF_ERROR(CheckCovers(actor, c, c.handling_code, "open cases"));

  federation::CaseOpenItem item{c.id,
                                c.title,
                                c.crime_area,
                                c.handling_code,
                                c.our_ref,
                                c.their_ref,
                                actor.name.empty() ? actor.id : actor.name,
                                now};
  item.opened_by = item.opened_by.substr(0, federation::kMaxAuthorBytes);
  RETURN_IF_ERROR(federation::ValidateBatchItem(item));
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<store::PartnerRow> partner, tx.GetPartner(nc.partner));
    if (!partner || partner->status != "active") {
      return absl::NotFoundError(StrCat("'", nc.partner, "' is not an active partner"));
    }
    ASSIGN_OR_RETURN(std::optional<store::AgreementRow> agreement, tx.GetAgreement(nc.partner));
    if (!agreement) {
      return absl::FailedPreconditionError(
          StrCat("there is no sharing agreement with ", nc.partner, "; set one first"));
    }
    if (CodeRank(c.handling_code) > CodeRank(agreement->max_handling_code)) {
      return absl::FailedPreconditionError(
          StrCat("the agreement with ", nc.partner, " allows material up to ",
                 agreement->max_handling_code, ", not ", c.handling_code));
    }
    RETURN_IF_ERROR(tx.PutCase(c));
    store::OutboxRow row;
    row.partner = c.partner;
    row.item_id = c.id;
    row.kind = "case_open";
    row.case_id = c.id;
    row.body = DumpJson(federation::BatchItemToJson(item));
    row.created_ms = now;
    RETURN_IF_ERROR(tx.EnqueueOutbox(row).status());
    audit::Event e = EventFor(actor, audit::Action::kCaseOpened, {"opening a case", c.id});
    e.object_ids = {c.id};
    e.details = {
        {"partner", c.partner}, {"crime_area", c.crime_area}, {"handling_code", c.handling_code}};
    return trail_.Append(tx, std::move(e)).status();
  }));
  Notify();
  return c;
}

absl::StatusOr<std::vector<store::CaseRow>> Messaging::ListCases(const Actor& actor,
                                                                 const store::CaseFilter& filter) {
  RETURN_IF_ERROR(Require(actor, kCasesRead, "list cases"));
  std::vector<store::CaseRow> rows;
  RETURN_IF_ERROR(store_.Read([&](store::Reader& r) -> absl::Status {
    ASSIGN_OR_RETURN(rows, r.ListCases(filter));
    return absl::OkStatus();
  }));
  std::vector<store::CaseRow> out;
  for (store::CaseRow& c : rows) {
    records::RecordMeta meta;
    auto area = records::ParseCrimeArea(c.crime_area);
    auto code = records::ParseHandlingCode(c.handling_code);
    if (!area.ok() || !code.ok()) continue;
    meta.crime_area = *area;
    meta.handling_code = *code;
    if (actor.clearance.Covers(meta)) out.push_back(std::move(c));
  }
  return out;
}

absl::StatusOr<CaseView> Messaging::ShowCase(const Actor& actor, const Purpose& purpose,
                                             std::string_view case_id) {
  RETURN_IF_ERROR(Require(actor, kCasesRead, "read cases"));
  ASSIGN_OR_RETURN(store::CaseRow c, CaseFor(actor, case_id, "read cases"));
  CaseView view;
  view.case_row = c;
  const int64_t now = trail_.clock().NowMillis();
  std::vector<std::string> seen = {c.id};
  RETURN_IF_ERROR(store_.Read([&](store::Reader& r) -> absl::Status {
    store::CaseMessageFilter f;
    f.case_id = c.id;
    f.limit = 1000;
    while (true) {
      ASSIGN_OR_RETURN(std::vector<store::CaseMessageRow> page, r.ListCaseMessages(f));
      for (store::CaseMessageRow& m : page) {
        f.after_local_seq = m.local_seq;
        if (m.direction == kOut && m.delivery == "pending") ++view.pending;
        records::RecordMeta meta;
        meta.crime_area = *records::ParseCrimeArea(c.crime_area);
        auto code = records::ParseHandlingCode(m.handling_code);
        if (!code.ok()) continue;
        meta.handling_code = *code;
        if (!actor.clearance.Covers(meta)) continue;
        MessageView v;
        v.overdue = Overdue(m, now);
        ASSIGN_OR_RETURN(v.attachments, r.ListAttachments(m.id));
        ASSIGN_OR_RETURN(v.links, r.MessageLinks(m.id));
        ASSIGN_OR_RETURN(v.forwards, r.MessageForwards(m.id));
        if (seen.size() < kMaxAuditObjects) seen.push_back(m.id);
        v.message = std::move(m);
        view.messages.push_back(std::move(v));
      }
      if (page.size() < static_cast<size_t>(f.limit)) break;
    }
    return absl::OkStatus();
  }));
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) {
    audit::Event e = EventFor(actor, audit::Action::kView, CasePurpose(purpose, c));
    e.object_ids = seen;
    e.details = {{"event", "case_viewed"}, {"partner", c.partner}};
    return trail_.Append(tx, std::move(e)).status();
  }));
  return view;
}

absl::StatusOr<store::CaseMessageRow> Messaging::Send(const Actor& actor, const NewMessage& m) {
  RETURN_IF_ERROR(Require(actor, kCasesWrite, "send messages"));
  ASSIGN_OR_RETURN(store::CaseRow c, CaseFor(actor, m.case_id, "send messages"));
  return SendIn(actor, c, m, "", {});
}

absl::StatusOr<store::CaseMessageRow> Messaging::SendIn(
    const Actor& actor, const store::CaseRow& c, const NewMessage& m, std::string_view event,
    const std::vector<std::string>& extra_objects) {
  RETURN_IF_ERROR(CheckText("text", m.text, 0, federation::kMaxMessageTextBytes, true));
  if (m.priority != "routine" && m.priority != "urgent" && m.priority != "immediate") {
    return absl::InvalidArgumentError("'priority' must be routine, urgent or immediate");
  }
  if (!m.answer_by.empty()) {
    absl::StatusOr<records::PartialDate> d = records::ParsePartialDate(m.answer_by);
    if (!d.ok() || m.answer_by.size() != 10) {
      return absl::InvalidArgumentError("'answer_by' must be a date YYYY-MM-DD");
    }
  }
  std::string code =
      m.handling_code ? std::string(records::Name(*m.handling_code)) : c.handling_code;
  if (CodeRank(code) < CodeRank(c.handling_code)) {
    return absl::InvalidArgumentError(
        StrCat("a message in case ", c.id, " is at least ", c.handling_code, ", not ", code));
  }
  RETURN_IF_ERROR(CheckCovers(actor, c, code, "send messages"));
  if (m.text.empty() && m.entities.empty() && m.attachments.empty()) {
    return absl::InvalidArgumentError("a message needs text, an entity or an attachment");
  }
  if (m.entities.size() > federation::kMaxMessageEntities) {
    return absl::InvalidArgumentError(
        StrCat("a message has at most ", federation::kMaxMessageEntities, " entities"));
  }
  for (size_t i = 0; i < m.entities.size(); ++i) {
    if (absl::Status s = CheckEntity(m.entities[i]); !s.ok()) {
      return absl::InvalidArgumentError(StrCat("entity ", i, ": ", StdView(s.message())));
    }
  }
  if (m.attachments.size() > federation::kMaxMessageAttachments) {
    return absl::InvalidArgumentError(
        StrCat("a message has at most ", federation::kMaxMessageAttachments, " attachments"));
  }
  AttachmentScanner& scanner = options_.scanner ? *options_.scanner : default_scanner_;
  for (const NewAttachment& a : m.attachments) {
    RETURN_IF_ERROR(CheckText("attachment name", a.name, 1, federation::kMaxAttachmentNameBytes));
    if (a.name.find('/') != std::string::npos) {
      return absl::InvalidArgumentError("an attachment name must not contain '/'");
    }
    RETURN_IF_ERROR(CheckText("media type", a.media_type, 1, 127));
    if (static_cast<int64_t>(a.content.size()) > options_.max_attachment_bytes) {
      return absl::InvalidArgumentError(StrCat("attachment '", a.name, "' is ", a.content.size(),
                                               " bytes; the limit is ",
                                               options_.max_attachment_bytes));
    }
    if (absl::Status s = scanner.Scan(a.name, a.media_type, a.content); !s.ok()) {
      return absl::FailedPreconditionError(
          StrCat("attachment '", a.name, "' was refused: ", StdView(s.message())));
    }
  }

  const int64_t now = trail_.clock().NowMillis();
  federation::CaseMessageItem item;
  item.id = random_.NewTimeOrderedId("cmsg_", now);
  item.case_id = c.id;
  item.author = (actor.name.empty() ? actor.id : actor.name).substr(0, federation::kMaxAuthorBytes);
  item.priority = m.priority;
  item.answer_by = m.answer_by;
  item.handling_code = code;
  item.in_reply_to = m.in_reply_to;
  item.text = m.text;
  item.entities = m.entities;
  for (size_t i = 0; i < m.attachments.size(); ++i) {
    const NewAttachment& a = m.attachments[i];
    item.attachments.push_back({static_cast<int64_t>(i), a.name, a.media_type,
                                static_cast<int64_t>(a.content.size()), Sha256Hex(a.content)});
  }
  item.sent_at_ms = now;

  store::CaseMessageRow row;
  RETURN_IF_ERROR(CommitGrouped([&](store::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<store::CaseRow> current, tx.GetCase(c.id));
    if (!current || current->status != "open") {
      return absl::FailedPreconditionError(StrCat("case ", c.id, " is not open"));
    }
    if (!m.in_reply_to.empty()) {
      ASSIGN_OR_RETURN(std::optional<store::CaseMessageRow> replied,
                       tx.GetCaseMessage(m.in_reply_to));
      if (!replied || replied->case_id != c.id) {
        return absl::InvalidArgumentError(
            StrCat("'in_reply_to': no message ", m.in_reply_to, " in case ", c.id));
      }
    }
    ASSIGN_OR_RETURN(int64_t last, tx.LastThreadSeq(c.id));
    item.thread_seq = last + 1;
    item.content_sha256 = federation::CaseMessageContentHash(item);
    RETURN_IF_ERROR(federation::ValidateBatchItem(item));

    row.id = item.id;
    row.case_id = c.id;
    row.direction = std::string(kOut);
    row.thread_seq = item.thread_seq;
    row.author_id = actor.id;
    row.author_name = item.author;
    row.priority = item.priority;
    row.answer_by = item.answer_by;
    row.handling_code = code;
    row.in_reply_to = item.in_reply_to;
    row.text = item.text;
    row.entities_json = DumpJson(EntitiesJson(item.entities));
    row.attachments_json = DumpJson(AttachmentsJson(item.attachments));
    row.content_sha256 = item.content_sha256;
    row.sent_ms = now;
    row.received_ms = now;
    row.delivery = "pending";
    ASSIGN_OR_RETURN(row.local_seq, tx.InsertCaseMessage(row));

    store::OutboxRow out;
    out.partner = c.partner;
    out.item_id = item.id;
    out.kind = "case_message";
    out.case_id = c.id;
    out.body = DumpJson(federation::BatchItemToJson(item));
    out.created_ms = now;
    RETURN_IF_ERROR(tx.EnqueueOutbox(out).status());
    for (size_t i = 0; i < m.attachments.size(); ++i) {
      const std::string& content = m.attachments[i].content;
      store::AttachmentRow a;
      a.message_id = item.id;
      a.idx = static_cast<int64_t>(i);
      a.name = m.attachments[i].name;
      a.media_type = m.attachments[i].media_type;
      a.size = static_cast<int64_t>(content.size());
      a.sha256 = item.attachments[i].sha256;
      a.parts = PartsOf(a.size);
      a.parts_received = a.parts;
      a.state = "complete";
      a.content = content;
      RETURN_IF_ERROR(tx.PutAttachment(a));
      for (int64_t p = 0; p < a.parts; ++p) {
        federation::AttachmentPartItem part;
        part.id = random_.NewTimeOrderedId("apt_", now);
        part.message_id = item.id;
        part.index = a.idx;
        part.part = p;
        part.parts = a.parts;
        const size_t from = static_cast<size_t>(p) * federation::kAttachmentPartBytes;
        part.data =
            content.substr(std::min(from, content.size()), federation::kAttachmentPartBytes);
        store::OutboxRow po;
        po.partner = c.partner;
        po.item_id = part.id;
        po.kind = "attachment_part";
        po.case_id = c.id;
        po.body = DumpJson(federation::BatchItemToJson(part));
        po.created_ms = now;
        RETURN_IF_ERROR(tx.EnqueueOutbox(po).status());
      }
    }
    audit::Event e = EventFor(actor, audit::Action::kMessageSent,
                              {StrCat("case ", c.id, ": ", c.title).substr(0, 1000), c.id});
    e.object_ids = {item.id, c.id};
    for (const std::string& o : extra_objects) e.object_ids.push_back(o);
    e.details = {{"partner", c.partner},
                 {"priority", item.priority},
                 {"handling_code", code},
                 {"entities", static_cast<int64_t>(item.entities.size())},
                 {"attachments", static_cast<int64_t>(item.attachments.size())},
                 {"content_sha256", item.content_sha256}};
    if (!event.empty()) e.details["event"] = std::string(event);
    return trail_.Append(tx, std::move(e)).status();
  }));
  Notify();
  return row;
}

absl::StatusOr<std::vector<InboxEntry>> Messaging::Inbox(const Actor& actor,
                                                         const InboxOptions& options) {
  RETURN_IF_ERROR(Require(actor, kCasesRead, "read the inbox"));
  const int64_t now = trail_.clock().NowMillis();
  std::vector<InboxEntry> out;
  const size_t limit = static_cast<size_t>(std::clamp(options.limit, 1, 1000));
  RETURN_IF_ERROR(store_.Read([&](store::Reader& r) -> absl::Status {
    std::map<std::string, std::optional<store::CaseRow>> cases;
    store::CaseMessageFilter f;
    f.direction = std::string(kIn);
    f.unanswered_only = options.unanswered_only;
    f.unread_only = options.unread_only;
    f.limit = 1000;
    while (out.size() < limit) {
      ASSIGN_OR_RETURN(std::vector<store::CaseMessageRow> page, r.ListCaseMessages(f));
      for (store::CaseMessageRow& m : page) {
        f.after_local_seq = m.local_seq;
        auto it = cases.find(m.case_id);
        if (it == cases.end()) {
          ASSIGN_OR_RETURN(std::optional<store::CaseRow> c, r.GetCase(m.case_id));
          it = cases.emplace(m.case_id, std::move(c)).first;
        }
        if (!it->second) continue;
        records::RecordMeta meta;
        auto area = records::ParseCrimeArea(it->second->crime_area);
        auto code = records::ParseHandlingCode(m.handling_code);
        if (!area.ok() || !code.ok()) continue;
        meta.crime_area = *area;
        meta.handling_code = *code;
        if (!actor.clearance.Covers(meta)) continue;
        InboxEntry entry;
        entry.case_row = *it->second;
        entry.overdue = Overdue(m, now);
        entry.message = std::move(m);
        out.push_back(std::move(entry));
        if (out.size() >= limit) break;
      }
      if (page.size() < static_cast<size_t>(f.limit)) break;
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<MessageView> Messaging::GetMessage(const Actor& actor, const Purpose& purpose,
                                                  std::string_view message_id) {
  RETURN_IF_ERROR(Require(actor, kCasesRead, "read messages"));
  ASSIGN_OR_RETURN(auto found, MessageFor(actor, message_id, "read messages"));
  auto& [c, m] = found;
  MessageView v;
  RETURN_IF_ERROR(store_.Read([&](store::Reader& r) -> absl::Status {
    ASSIGN_OR_RETURN(v.attachments, r.ListAttachments(m.id));
    ASSIGN_OR_RETURN(v.links, r.MessageLinks(m.id));
    ASSIGN_OR_RETURN(v.forwards, r.MessageForwards(m.id));
    return absl::OkStatus();
  }));
  v.overdue = Overdue(m, trail_.clock().NowMillis());
  v.message = m;
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) {
    audit::Event e = EventFor(actor, audit::Action::kView, CasePurpose(purpose, c));
    e.object_ids = {m.id, c.id};
    e.details = {{"event", "message_viewed"}, {"partner", c.partner}};
    return trail_.Append(tx, std::move(e)).status();
  }));
  return v;
}

absl::Status Messaging::QueueReceipt(store::Transaction& tx, const store::CaseRow& c,
                                     std::string_view message_id, std::string_view receipt,
                                     int64_t now) {
  federation::ReceiptItem item{random_.NewTimeOrderedId("rcp_", now), std::string(message_id),
                               std::string(receipt), now};
  store::OutboxRow row;
  row.partner = c.partner;
  row.item_id = item.id;
  row.kind = "receipt";
  row.case_id = c.id;
  row.body = DumpJson(federation::BatchItemToJson(item));
  row.created_ms = now;
  return tx.EnqueueOutbox(row).status();
}

absl::StatusOr<store::CaseMessageRow> Messaging::MarkRead(const Actor& actor,
                                                          std::string_view message_id) {
  RETURN_IF_ERROR(Require(actor, kCasesRead, "read messages"));
  ASSIGN_OR_RETURN(auto found, MessageFor(actor, message_id, "read messages"));
  auto& [c, m] = found;
  if (m.direction != kIn) {
    return absl::FailedPreconditionError(StrCat("message ", m.id, " was sent by this node"));
  }
  bool queued = false;
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<store::CaseMessageRow> current, tx.GetCaseMessage(m.id));
    if (!current) return absl::NotFoundError(StrCat("no message ", m.id));
    m = *current;
    if (m.read_ms != 0) return absl::OkStatus();
    const int64_t now = trail_.clock().NowMillis();
    m.read_ms = now;
    m.read_by = actor.id;
    RETURN_IF_ERROR(tx.UpdateCaseMessageState(m));
    RETURN_IF_ERROR(QueueReceipt(tx, c, m.id, "read", now));
    queued = true;
    audit::Event e = EventFor(actor, audit::Action::kMessageRead, CasePurpose({}, c));
    e.object_ids = {m.id, c.id};
    e.details = {{"partner", c.partner}};
    return trail_.Append(tx, std::move(e)).status();
  }));
  if (queued) Notify();
  return m;
}

absl::StatusOr<store::CaseMessageRow> Messaging::MarkAnswered(const Actor& actor,
                                                              std::string_view message_id) {
  RETURN_IF_ERROR(Require(actor, kCasesWrite, "mark messages answered"));
  ASSIGN_OR_RETURN(auto found, MessageFor(actor, message_id, "mark messages answered"));
  auto& [c, m] = found;
  if (m.direction != kIn) {
    return absl::FailedPreconditionError(StrCat("message ", m.id, " was sent by this node"));
  }
  bool queued = false;
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<store::CaseMessageRow> current, tx.GetCaseMessage(m.id));
    if (!current) return absl::NotFoundError(StrCat("no message ", m.id));
    m = *current;
    if (m.answered_ms != 0) return absl::OkStatus();
    const int64_t now = trail_.clock().NowMillis();
    m.answered_ms = now;
    if (m.read_ms == 0) {
      m.read_ms = now;
      m.read_by = actor.id;
      RETURN_IF_ERROR(QueueReceipt(tx, c, m.id, "read", now));
    }
    RETURN_IF_ERROR(tx.UpdateCaseMessageState(m));
    RETURN_IF_ERROR(QueueReceipt(tx, c, m.id, "answered", now));
    queued = true;
    audit::Event e = EventFor(actor, audit::Action::kUpdate, CasePurpose({}, c));
    e.object_ids = {m.id, c.id};
    e.details = {{"event", "message_answered"}, {"partner", c.partner}};
    return trail_.Append(tx, std::move(e)).status();
  }));
  if (queued) Notify();
  return m;
}

absl::Status Messaging::ForwardToUser(const Actor& actor, std::string_view message_id,
                                      std::string_view username, std::string_view note) {
  RETURN_IF_ERROR(Require(actor, kCasesWrite, "forward messages"));
  RETURN_IF_ERROR(CheckText("note", note, 0, 1000, true));
  ASSIGN_OR_RETURN(auto found, MessageFor(actor, message_id, "forward messages"));
  auto& [c, m] = found;
  std::optional<store::UserRow> user;
  RETURN_IF_ERROR(store_.Read([&](store::Reader& r) -> absl::Status {
    ASSIGN_OR_RETURN(user, r.FindUserByName(username));
    return absl::OkStatus();
  }));
  if (!user || user->disabled)
    return absl::NotFoundError(StrCat("no active user '", username, "'"));
  ASSIGN_OR_RETURN(Actor to, ActorFromUser(*user, "api"));
  records::RecordMeta meta;
  meta.crime_area = *records::ParseCrimeArea(c.crime_area);
  meta.handling_code = *records::ParseHandlingCode(m.handling_code);
  if (!RoleHolds(to.role, kCasesRead) || !to.clearance.Covers(meta)) {
    return Deny(actor, CasePurpose({}, c),
                StrCat("user '", username, "' may not read ", m.handling_code, " ", c.crime_area,
                       " messages of case ", c.id));
  }
  return store_.Write([&](store::Transaction& tx) -> absl::Status {
    const int64_t now = trail_.clock().NowMillis();
    RETURN_IF_ERROR(tx.AddMessageForward({m.id, user->id, actor.id, std::string(note), now}));
    audit::Event e = EventFor(actor, audit::Action::kMessageForwarded, CasePurpose({}, c));
    e.object_ids = {m.id, c.id};
    e.details = {{"to_user", user->id}, {"partner", c.partner}};
    return trail_.Append(tx, std::move(e)).status();
  });
}

absl::StatusOr<store::CaseMessageRow> Messaging::ForwardToCase(const Actor& actor,
                                                               std::string_view message_id,
                                                               std::string_view target_case_id) {
  RETURN_IF_ERROR(Require(actor, kCasesWrite, "forward messages"));
  ASSIGN_OR_RETURN(auto found, MessageFor(actor, message_id, "forward messages"));
  auto& [c, m] = found;
  ASSIGN_OR_RETURN(store::CaseRow target, CaseFor(actor, target_case_id, "forward messages"));
  if (target.id == c.id) {
    return absl::InvalidArgumentError("a message is forwarded to another case");
  }
  if (m.direction == kIn && CodeRank(m.handling_code) >= 2 && target.partner != c.partner) {
    const std::string why =
        StrCat("message ", m.id, " is ", m.handling_code, " material of partner ", c.partner,
               ": it may not be forwarded to another partner (", target.partner, ")");
    RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) {
      audit::Event e = EventFor(actor, audit::Action::kRefusal, CasePurpose({}, c));
      e.object_ids = {m.id, c.id, target.id};
      e.outcome = audit::Outcome::kDenied;
      e.outcome_text = why;
      e.details = {{"event", "forward_refused"},
                   {"partner", c.partner},
                   {"to_partner", target.partner},
                   {"handling_code", m.handling_code}};
      return trail_.Append(tx, std::move(e)).status();
    }));
    return absl::PermissionDeniedError(why);
  }
  NewMessage fwd;
  fwd.case_id = target.id;
  fwd.text = StrCat("Forwarded from case ", c.id, " (", m.author_name, "):\n", m.text)
                 .substr(0, federation::kMaxMessageTextBytes);
  fwd.priority = m.priority;
  std::string code = CodeRank(m.handling_code) > CodeRank(target.handling_code)
                         ? m.handling_code
                         : target.handling_code;
  fwd.handling_code = *records::ParseHandlingCode(code);
  absl::StatusOr<Json> entities = ParseJson(m.entities_json);
  if (entities.ok() && entities->is_array()) {
    for (const Json& e : *entities) {
      if (e.is_object() && e.contains("type") && e["type"].is_string() && e.contains("body")) {
        fwd.entities.push_back({e["type"].get<std::string>(), e["body"]});
      }
    }
  }
  RETURN_IF_ERROR(store_.Read([&](store::Reader& r) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<store::AttachmentRow> list, r.ListAttachments(m.id));
    for (const store::AttachmentRow& a : list) {
      if (a.state != "complete") continue;
      ASSIGN_OR_RETURN(std::optional<store::AttachmentRow> full, r.GetAttachment(m.id, a.idx));
      if (full) fwd.attachments.push_back({full->name, full->media_type, full->content});
    }
    return absl::OkStatus();
  }));
  return SendIn(actor, target, fwd, "message_forwarded", {m.id});
}

absl::Status Messaging::LinkToRecord(const Actor& actor, std::string_view message_id,
                                     std::string_view record_id) {
  RETURN_IF_ERROR(Require(actor, kCasesWrite, "link messages to records"));
  ASSIGN_OR_RETURN(auto found, MessageFor(actor, message_id, "link messages to records"));
  auto& [c, m] = found;
  if (options_.records == nullptr) {
    return absl::FailedPreconditionError("records are not available to this command");
  }
  RETURN_IF_ERROR(options_.records->Get(actor, CasePurpose({}, c), record_id).status());
  return store_.Write([&](store::Transaction& tx) -> absl::Status {
    const int64_t now = trail_.clock().NowMillis();
    RETURN_IF_ERROR(tx.AddMessageLink({m.id, std::string(record_id), actor.id, now}));
    audit::Event e = EventFor(actor, audit::Action::kUpdate, CasePurpose({}, c));
    e.object_ids = {m.id, std::string(record_id), c.id};
    e.details = {{"event", "message_linked"}, {"partner", c.partner}};
    return trail_.Append(tx, std::move(e)).status();
  });
}

absl::StatusOr<records::Record> Messaging::ImportEntity(const Actor& actor, const Purpose& purpose,
                                                        std::string_view message_id, int index) {
  RETURN_IF_ERROR(Require(actor, kCasesRead, "import entities from messages"));
  ASSIGN_OR_RETURN(auto found, MessageFor(actor, message_id, "import entities from messages"));
  auto& [c, m] = found;
  if (options_.records == nullptr) {
    return absl::FailedPreconditionError("records are not available to this command");
  }
  ASSIGN_OR_RETURN(Json entities, ParseJson(m.entities_json));
  if (!entities.is_array() || index < 0 || static_cast<size_t>(index) >= entities.size()) {
    return absl::NotFoundError(StrCat("message ", m.id, " has no entity ", index));
  }
  const Json& e = entities[static_cast<size_t>(index)];
  ASSIGN_OR_RETURN(records::RecordType type,
                   records::ParseRecordType(e.value("type", std::string())));
  records::Record record;
  ASSIGN_OR_RETURN(record.body, records::BodyFromJson(type, e["body"]));
  record.meta.source_id = StrCat(m.id, "#", index);
  record.meta.crime_area = *records::ParseCrimeArea(c.crime_area);
  record.meta.handling_code = *records::ParseHandlingCode(m.handling_code);
  record.meta.handling_note =
      StrCat("received from partner ", c.partner, " in case ", c.id, " (message ", m.id, ")");
  ASSIGN_OR_RETURN(records::Record created,
                   options_.records->Create(actor, CasePurpose(purpose, c), std::move(record)));
  absl::Status linked = store_.Write([&](store::Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(
        tx.AddMessageLink({m.id, created.meta.id, actor.id, trail_.clock().NowMillis()}));
    audit::Event ev = EventFor(actor, audit::Action::kImport, CasePurpose(purpose, c));
    ev.object_ids = {created.meta.id, m.id, c.id};
    ev.details = {{"event", "entity_imported"}, {"partner", c.partner}, {"index", index}};
    return trail_.Append(tx, std::move(ev)).status();
  });
  RETURN_IF_ERROR(linked);
  return created;
}

absl::StatusOr<store::AttachmentRow> Messaging::GetAttachment(const Actor& actor,
                                                              std::string_view message_id,
                                                              int64_t index) {
  RETURN_IF_ERROR(Require(actor, kCasesRead, "read attachments"));
  ASSIGN_OR_RETURN(auto found, MessageFor(actor, message_id, "read attachments"));
  auto& [c, m] = found;
  std::optional<store::AttachmentRow> a;
  RETURN_IF_ERROR(store_.Read([&](store::Reader& r) -> absl::Status {
    ASSIGN_OR_RETURN(a, r.GetAttachment(m.id, index));
    return absl::OkStatus();
  }));
  if (!a) return absl::NotFoundError(StrCat("message ", m.id, " has no attachment ", index));
  if (a->state != "complete") {
    return absl::FailedPreconditionError(
        StrCat("attachment ", index, " of message ", m.id, " is ", a->state));
  }
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) {
    audit::Event e = EventFor(actor, audit::Action::kView, CasePurpose({}, c));
    e.object_ids = {m.id, c.id};
    e.details = {{"event", "attachment_viewed"}, {"index", index}, {"sha256", a->sha256}};
    return trail_.Append(tx, std::move(e)).status();
  }));
  return *a;
}

absl::StatusOr<std::vector<store::OutboxPartnerCount>> Messaging::OutboxPartners() {
  std::vector<store::OutboxPartnerCount> out;
  RETURN_IF_ERROR(store_.Read([&](store::Reader& r) -> absl::Status {
    ASSIGN_OR_RETURN(out, r.OutboxPartners());
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<OutboxBatch> Messaging::PendingBatch(std::string_view partner, size_t max_items,
                                                    size_t max_bytes) {
  OutboxBatch batch;
  RETURN_IF_ERROR(store_.Read([&](store::Reader& r) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<store::OutboxRow> rows,
                     r.PendingOutbox(partner, 0, static_cast<int>(std::max<size_t>(1, max_items))));
    size_t bytes = 0;
    for (store::OutboxRow& row : rows) {
      if (!batch.rows.empty() && bytes + row.body.size() + 1 > max_bytes) break;
      bytes += row.body.size() + 1;
      batch.rows.push_back(std::move(row));
    }
    return absl::OkStatus();
  }));
  if (batch.rows.empty()) return batch;
  batch.batch_id = random_.NewTimeOrderedId("bat_", trail_.clock().NowMillis());
  batch.body = StrCat("{\"batch_id\":\"", batch.batch_id, "\",\"items\":[");
  for (size_t i = 0; i < batch.rows.size(); ++i) {
    if (i > 0) batch.body.push_back(',');
    batch.body += batch.rows[i].body;
  }
  batch.body += "]}";
  return batch;
}

absl::Status Messaging::RecordAck(std::string_view partner, const OutboxBatch& sent,
                                  const federation::CaseBatchAck& ack) {
  if (ack.batch_id != sent.batch_id || ack.results.size() != sent.rows.size()) {
    return absl::InvalidArgumentError(
        StrCat("partner ", partner, " acknowledged another batch than ", sent.batch_id));
  }
  for (size_t i = 0; i < sent.rows.size(); ++i) {
    if (ack.results[i].id != sent.rows[i].item_id) {
      return absl::InvalidArgumentError(StrCat("partner ", partner, " acknowledged item ",
                                               ack.results[i].id, " in place of ",
                                               sent.rows[i].item_id));
    }
  }
  // Shares a transaction (and fsync) with officers sending at the moment.
  return CommitGrouped([&](store::Transaction& tx) -> absl::Status {
    const int64_t now = trail_.clock().NowMillis();
    std::vector<std::string> delivered;
    Json refused = Json::array();
    int64_t items = 0;
    for (size_t i = 0; i < sent.rows.size(); ++i) {
      const store::OutboxRow& row = sent.rows[i];
      const federation::ItemResult& result = ack.results[i];
      absl::Status removed = tx.DeleteOutbox(row.seq);
      if (absl::IsNotFound(removed)) continue;  // acknowledged before
      RETURN_IF_ERROR(removed);
      ++items;
      const bool ok = result.status != federation::ItemStatus::kRefused;
      if (!ok && refused.size() < 20) {
        refused.push_back(
            {{"id", row.item_id}, {"kind", row.kind}, {"reason", result.reason.substr(0, 200)}});
      }
      if (options_.followups != nullptr && options_.followups->Handles(row.kind)) {
        RETURN_IF_ERROR(options_.followups->ItemAcknowledged(tx, partner, row, result, now));
        continue;
      }
      if (row.kind != "case_message") continue;
      ASSIGN_OR_RETURN(std::optional<store::CaseMessageRow> m, tx.GetCaseMessage(row.item_id));
      if (!m) continue;
      m->delivery = ok ? "delivered" : "refused";
      m->delivery_error = ok ? "" : result.reason;
      m->delivered_ms = now;
      RETURN_IF_ERROR(tx.UpdateCaseMessageState(*m));
      if (ok && delivered.size() < kMaxAuditObjects) delivered.push_back(m->id);
    }
    if (items == 0) return absl::OkStatus();
    audit::Event e = NodeEvent(audit::Action::kMessageDelivered, partner);
    e.actor_id = "node";
    e.actor_name = trail_.node_id();
    e.actor_role = "node";
    e.origin = "node";
    e.object_ids = delivered;
    e.details = {{"partner", std::string(partner)},
                 {"batch_id", sent.batch_id},
                 {"items", items},
                 {"refused", refused}};
    if (!refused.empty())
      e.outcome_text = StrCat(refused.size(), " item(s) refused by the partner");
    return trail_.Append(tx, std::move(e)).status();
  });
}

absl::Status Messaging::RecordAttempt(const OutboxBatch& sent, std::string_view error) {
  if (sent.rows.empty()) return absl::OkStatus();
  const store::OutboxRow& first = sent.rows.front();
  return store_.Write([&](store::Transaction& tx) {
    return tx.NoteOutboxAttempt(first.seq, first.attempts + 1, error.substr(0, 1000));
  });
}

absl::StatusOr<AcceptedBatch> Messaging::Accept(std::string_view partner,
                                                std::string_view envelope_message_id,
                                                const federation::CaseBatch& batch) {
  AttachmentScanner& scanner = options_.scanner ? *options_.scanner : default_scanner_;
  AcceptedBatch out;
  RETURN_IF_ERROR(store_.Write([&](store::Transaction& tx) -> absl::Status {
    out = AcceptedBatch{};
    out.ack.batch_id = batch.batch_id;
    out.ack.in_reply_to = std::string(envelope_message_id);
    const int64_t now = trail_.clock().NowMillis();
    std::vector<std::string> objects;
    Json refused = Json::array();
    for (const federation::BatchItem& item : batch.items) {
      federation::ItemResult result;
      result.id = federation::BatchItemId(item);
      const std::string_view kind = federation::BatchItemKind(item);
      ASSIGN_OR_RETURN(bool seen, tx.HasReceivedItem(result.id));
      if (seen) {
        result.status = federation::ItemStatus::kDuplicate;
        ++out.duplicates;
        out.ack.results.push_back(std::move(result));
        continue;
      }
      std::string refusal;
      if (const auto* co = std::get_if<federation::CaseOpenItem>(&item)) {
        ASSIGN_OR_RETURN(std::optional<store::CaseRow> existing, tx.GetCase(co->id));
        if (existing && existing->partner != partner) {
          refusal = "the case id is in use";
        } else if (!existing) {
          store::CaseRow c;
          c.id = co->id;
          c.partner = std::string(partner);
          c.origin = "partner";
          c.title = co->title;
          c.crime_area = co->crime_area;
          c.handling_code = co->handling_code;
          c.our_ref = co->receiver_ref;
          c.their_ref = co->sender_ref;
          c.status = "open";
          c.opened_by_id = StrCat("partner:", partner);
          c.opened_by_name = co->opened_by;
          c.created_ms = now;
          c.updated_ms = now;
          RETURN_IF_ERROR(tx.PutCase(c));
          if (objects.size() < kMaxAuditObjects) objects.push_back(c.id);
        }
      } else if (const auto* m = std::get_if<federation::CaseMessageItem>(&item)) {
        ASSIGN_OR_RETURN(std::optional<store::CaseRow> c, tx.GetCase(m->case_id));
        if (!c || c->partner != partner) {
          refusal = StrCat("no case ", m->case_id, " with this node");
        } else if (CodeRank(m->handling_code) < CodeRank(c->handling_code)) {
          refusal = StrCat("a message in case ", c->id, " is at least ", c->handling_code);
        }
        for (size_t i = 0; refusal.empty() && i < m->entities.size(); ++i) {
          if (absl::Status s = CheckEntity(m->entities[i]); !s.ok()) {
            refusal = StrCat("entity ", i, ": ", StdView(s.message())).substr(0, 400);
          }
        }
        if (refusal.empty()) {
          ASSIGN_OR_RETURN(std::optional<store::CaseMessageRow> existing, tx.GetCaseMessage(m->id));
          if (existing) refusal = "the message id is in use";
        }
        if (refusal.empty()) {
          store::CaseMessageRow row;
          row.id = m->id;
          row.case_id = m->case_id;
          row.direction = std::string(kIn);
          row.thread_seq = m->thread_seq;
          row.author_id = StrCat("partner:", partner);
          row.author_name = m->author;
          row.priority = m->priority;
          row.answer_by = m->answer_by;
          row.handling_code = m->handling_code;
          row.in_reply_to = m->in_reply_to;
          row.text = m->text;
          row.entities_json = DumpJson(EntitiesJson(m->entities));
          row.attachments_json = DumpJson(AttachmentsJson(m->attachments));
          row.content_sha256 = m->content_sha256;
          row.sent_ms = m->sent_at_ms;
          row.received_ms = now;
          row.delivery = "received";
          RETURN_IF_ERROR(tx.InsertCaseMessage(row).status());
          for (const federation::AttachmentInfo& info : m->attachments) {
            store::AttachmentRow a;
            a.message_id = m->id;
            a.idx = info.index;
            a.name = info.name;
            a.media_type = info.media_type;
            a.size = info.size;
            a.sha256 = info.sha256;
            a.parts = PartsOf(info.size);
            a.state = info.size > options_.max_attachment_bytes ? "refused" : "receiving";
            if (a.state == "receiving" && info.size == 0) {
              a.state = Sha256Hex("") == info.sha256 && scanner.Scan(a.name, a.media_type, "").ok()
                            ? "complete"
                            : "refused";
              a.parts_received = a.parts;
            }
            RETURN_IF_ERROR(tx.PutAttachment(a));
          }
          if (objects.size() < kMaxAuditObjects) objects.push_back(m->id);
        }
      } else if (const auto* r = std::get_if<federation::ReceiptItem>(&item)) {
        ASSIGN_OR_RETURN(std::optional<store::CaseMessageRow> target,
                         tx.GetCaseMessage(r->message_id));
        std::optional<store::CaseRow> c;
        if (target) {
          ASSIGN_OR_RETURN(c, tx.GetCase(target->case_id));
        }
        if (!target || target->direction != kOut || !c || c->partner != partner) {
          refusal = StrCat("no message ", r->message_id, " sent to this node");
        } else {
          if (r->receipt == "read" && target->read_ms == 0) target->read_ms = r->at_ms;
          if (r->receipt == "answered" && target->answered_ms == 0) target->answered_ms = r->at_ms;
          // A receipt can overtake the ack of the batch that carried the
          // message (the ack was lost): the receipt proves delivery.
          if (target->delivery == "pending") {
            target->delivery = "delivered";
            target->delivered_ms = now;
          }
          RETURN_IF_ERROR(tx.UpdateCaseMessageState(*target));
        }
      } else if (const auto* p = std::get_if<federation::AttachmentPartItem>(&item)) {
        ASSIGN_OR_RETURN(std::optional<store::CaseMessageRow> target,
                         tx.GetCaseMessage(p->message_id));
        std::optional<store::CaseRow> c;
        if (target) {
          ASSIGN_OR_RETURN(c, tx.GetCase(target->case_id));
        }
        std::optional<store::AttachmentRow> a;
        if (target && c && c->partner == partner && target->direction == kIn) {
          ASSIGN_OR_RETURN(a, tx.GetAttachment(p->message_id, p->index));
        }
        if (!a) {
          refusal = StrCat("no attachment ", p->index, " of message ", p->message_id);
        } else if (a->parts != p->parts) {
          refusal = StrCat("attachment ", p->index, " has ", a->parts, " parts, not ", p->parts);
        } else if (a->state == "receiving") {
          absl::Status put = tx.PutAttachmentPart(a->message_id, a->idx, p->part, p->data);
          if (!absl::IsAlreadyExists(put)) {
            RETURN_IF_ERROR(put);
            ++a->parts_received;
          }
          if (a->parts_received >= a->parts) {
            ASSIGN_OR_RETURN(std::vector<std::string> parts,
                             tx.AttachmentParts(a->message_id, a->idx));
            std::string content;
            for (const std::string& part : parts) content += part;
            const bool intact =
                static_cast<int64_t>(content.size()) == a->size && Sha256Hex(content) == a->sha256;
            absl::Status scanned = intact ? scanner.Scan(a->name, a->media_type, content)
                                          : absl::DataLossError("content hash mismatch");
            a->state = scanned.ok() ? "complete" : "refused";
            if (scanned.ok()) a->content = std::move(content);
            RETURN_IF_ERROR(tx.DeleteAttachmentParts(a->message_id, a->idx));
          } else {
            a->content.clear();
          }
          RETURN_IF_ERROR(tx.PutAttachment(*a));
        }
      } else if (const auto* w = std::get_if<federation::WatchlistHitItem>(&item)) {
        // Shared watchlists (issue 6): a hit on an entry this node published.
        ASSIGN_OR_RETURN(refusal, Watchlists::AcceptHit(tx, trail_, partner, *w, now));
      } else if (options_.followups != nullptr && options_.followups->Handles(kind)) {
        ASSIGN_OR_RETURN(refusal, options_.followups->AcceptItem(tx, partner, item, now));
      } else {
        refusal = StrCat("this node does not take ", kind, " items");
      }
      if (refusal.empty()) {
        RETURN_IF_ERROR(tx.InsertReceivedItem(result.id, partner, kind, now));
        result.status = federation::ItemStatus::kAccepted;
        ++out.accepted;
      } else {
        result.status = federation::ItemStatus::kRefused;
        result.reason = refusal.substr(0, federation::kMaxRefusalReasonBytes);
        ++out.refused;
        if (refused.size() < 20) {
          refused.push_back(
              {{"id", result.id}, {"kind", std::string(kind)}, {"reason", refusal.substr(0, 200)}});
        }
      }
      out.ack.results.push_back(std::move(result));
    }
    if (out.accepted + out.refused == 0) return absl::OkStatus();
    audit::Event e = NodeEvent(audit::Action::kMessageReceived, partner);
    e.object_ids = std::move(objects);
    e.details = {{"partner", std::string(partner)},
                 {"batch_id", batch.batch_id},
                 {"message_id", std::string(envelope_message_id)},
                 {"accepted", out.accepted},
                 {"duplicates", out.duplicates},
                 {"refused", refused}};
    return trail_.Append(tx, std::move(e)).status();
  }));
  return out;
}

}  // namespace liaison::access
