#include "federation/case_messages.h"

#include <sodium.h>

#include <set>

#include "audit/hex.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "federation/body_reader.h"
#include "federation/canonical_bytes.h"
#include "federation/strict_object.h"

namespace liaison::federation {
namespace {

constexpr std::string_view kCrimeAreas[] = {
    "terrorism",       "narcotics",       "migrant_smuggling", "human_trafficking",
    "organised_crime", "missing_persons", "vehicle_crime",     "other"};
constexpr std::string_view kHandlingCodes[] = {"H0", "H1", "H2", "H3"};
constexpr std::string_view kPriorities[] = {"routine", "urgent", "immediate"};
constexpr std::string_view kReceipts[] = {"read", "answered"};
constexpr std::string_view kEntityTypes[] = {"person", "organisation", "vehicle", "document",
                                             "phone"};
constexpr std::string_view kUrgencies[] = {"urgent", "urgent_indirect", "normal"};
constexpr std::string_view kDecisions[] = {"approved", "approved_partial", "refused"};
constexpr std::string_view kErasureReasons[] = {"retention_ended"};

bool IsDay(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  return true;
}

constexpr int64_t kMaxMillis = (int64_t{1} << 53) - 1;

}  // namespace

absl::StatusOr<std::string> DecodeStandardBase64(std::string_view text, size_t max_decoded) {
  if (text.size() % 4 != 0) return absl::InvalidArgumentError("not padded base64");
  std::string out(text.size() / 4 * 3, '\0');
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return absl::InvalidArgumentError("not canonical standard base64");
  }
  if (len > max_decoded) {
    return absl::InvalidArgumentError(
        StrCat("decodes to ", len, " bytes; the limit is ", max_decoded));
  }
  out.resize(len);
  return out;
}

namespace {

absl::StatusOr<CaseOpenItem> ReadCaseOpen(BodyReader& r) {
  CaseOpenItem c;
  ASSIGN_OR_RETURN(c.id, r.Id("id", "cas_"));
  ASSIGN_OR_RETURN(c.title, r.String("title", 1, kMaxCaseTitleBytes));
  ASSIGN_OR_RETURN(c.crime_area, r.Enum("crime_area", kCrimeAreas));
  ASSIGN_OR_RETURN(c.handling_code, r.Enum("handling_code", kHandlingCodes));
  ASSIGN_OR_RETURN(c.sender_ref, r.String("sender_ref", 0, kMaxCaseRefBytesInCase));
  ASSIGN_OR_RETURN(c.receiver_ref, r.String("receiver_ref", 0, kMaxCaseRefBytesInCase));
  ASSIGN_OR_RETURN(c.opened_by, r.String("opened_by", 1, kMaxAuthorBytes));
  ASSIGN_OR_RETURN(c.opened_at_ms, r.Integer("opened_at_ms", 0, kMaxMillis));
  return c;
}

absl::StatusOr<CaseMessageItem> ReadCaseMessage(BodyReader& r) {
  CaseMessageItem m;
  ASSIGN_OR_RETURN(m.id, r.Id("id", "cmsg_"));
  ASSIGN_OR_RETURN(m.case_id, r.Id("case_id", "cas_"));
  ASSIGN_OR_RETURN(m.thread_seq, r.Integer("thread_seq", 1, kMaxMillis));
  ASSIGN_OR_RETURN(m.author, r.String("author", 1, kMaxAuthorBytes));
  ASSIGN_OR_RETURN(m.priority, r.Enum("priority", kPriorities));
  ASSIGN_OR_RETURN(m.answer_by, r.String("answer_by", 0, 10));
  if (!m.answer_by.empty() && !IsDay(m.answer_by)) {
    return r.Error("answer_by", "must be YYYY-MM-DD or empty");
  }
  ASSIGN_OR_RETURN(m.handling_code, r.Enum("handling_code", kHandlingCodes));
  ASSIGN_OR_RETURN(m.in_reply_to, r.Id("in_reply_to", "cmsg_", /*allow_empty=*/true));
  ASSIGN_OR_RETURN(m.text, r.String("text", 0, kMaxMessageTextBytes, /*allow_newlines=*/true));
  ASSIGN_OR_RETURN(const Json* entities, r.Array("entities", kMaxMessageEntities));
  for (size_t i = 0; i < entities->size(); ++i) {
    const Json& e = (*entities)[i];
    if (!e.is_object()) return r.Error("entities", StrCat("item ", i, " must be an object"));
    BodyReader er(e, StrCat(r.where(), ": entities[", i, "]"));
    MessageEntity entity;
    ASSIGN_OR_RETURN(entity.type, er.Enum("type", kEntityTypes));
    const Json* body = er.Member("body");
    if (body == nullptr || !body->is_object()) return er.Error("body", "must be an object");
    if (DumpJson(*body).size() > kMaxEntityBytes) {
      return er.Error("body", StrCat("is over ", kMaxEntityBytes, " bytes"));
    }
    entity.body = *body;
    RETURN_IF_ERROR(er.NoOtherMembers());
    m.entities.push_back(std::move(entity));
  }
  ASSIGN_OR_RETURN(const Json* attachments, r.Array("attachments", kMaxMessageAttachments));
  for (size_t i = 0; i < attachments->size(); ++i) {
    const Json& a = (*attachments)[i];
    if (!a.is_object()) return r.Error("attachments", StrCat("item ", i, " must be an object"));
    BodyReader ar(a, StrCat(r.where(), ": attachments[", i, "]"));
    AttachmentInfo info;
    ASSIGN_OR_RETURN(info.index,
                     ar.Integer("index", static_cast<int64_t>(i), static_cast<int64_t>(i)));
    ASSIGN_OR_RETURN(info.name, ar.String("name", 1, kMaxAttachmentNameBytes));
    if (info.name.find('/') != std::string::npos || info.name == "." || info.name == "..") {
      return ar.Error("name", "must be a file name without '/'");
    }
    ASSIGN_OR_RETURN(info.media_type, ar.String("media_type", 1, 127));
    ASSIGN_OR_RETURN(info.size, ar.Integer("size", 0, int64_t{1} << 40));
    ASSIGN_OR_RETURN(info.sha256, ar.Sha256Hex("sha256"));
    RETURN_IF_ERROR(ar.NoOtherMembers());
    m.attachments.push_back(std::move(info));
  }
  ASSIGN_OR_RETURN(m.sent_at_ms, r.Integer("sent_at_ms", 0, kMaxMillis));
  ASSIGN_OR_RETURN(m.content_sha256, r.Sha256Hex("content_sha256"));
  if (m.content_sha256 != CaseMessageContentHash(m)) {
    return r.Error("content_sha256", "is not the hash of the message's content");
  }
  return m;
}

absl::StatusOr<ReceiptItem> ReadReceipt(BodyReader& r) {
  ReceiptItem c;
  ASSIGN_OR_RETURN(c.id, r.Id("id", "rcp_"));
  ASSIGN_OR_RETURN(c.message_id, r.Id("message_id", "cmsg_"));
  ASSIGN_OR_RETURN(c.receipt, r.Enum("receipt", kReceipts));
  ASSIGN_OR_RETURN(c.at_ms, r.Integer("at_ms", 0, kMaxMillis));
  return c;
}

absl::StatusOr<AttachmentPartItem> ReadAttachmentPart(BodyReader& r) {
  AttachmentPartItem p;
  ASSIGN_OR_RETURN(p.id, r.Id("id", "apt_"));
  ASSIGN_OR_RETURN(p.message_id, r.Id("message_id", "cmsg_"));
  ASSIGN_OR_RETURN(p.index, r.Integer("index", 0, kMaxMessageAttachments - 1));
  ASSIGN_OR_RETURN(p.parts, r.Integer("parts", 1, int64_t{1} << 20));
  ASSIGN_OR_RETURN(p.part, r.Integer("part", 0, p.parts - 1));
  ASSIGN_OR_RETURN(
      std::string data,
      r.String("data", 0,
               sodium_base64_ENCODED_LEN(kAttachmentPartBytes, sodium_base64_VARIANT_ORIGINAL)));
  absl::StatusOr<std::string> raw = DecodeStandardBase64(data, kAttachmentPartBytes);
  if (!raw.ok()) return r.Error("data", StdView(raw.status().message()));
  p.data = *std::move(raw);
  return p;
}

// --- Follow-up items ---

absl::StatusOr<FollowupRequestItem> ReadFollowupRequest(BodyReader& r) {
  FollowupRequestItem f;
  ASSIGN_OR_RETURN(f.id, r.Id("id", "fup_"));
  ASSIGN_OR_RETURN(f.reference, r.Id("reference", "ref_"));
  ASSIGN_OR_RETURN(f.purpose, r.String("purpose", 1, kMaxFollowupTextBytes));
  ASSIGN_OR_RETURN(f.legal_basis, r.String("legal_basis", 1, kMaxFollowupTextBytes));
  ASSIGN_OR_RETURN(f.urgency, r.Enum("urgency", kUrgencies));
  ASSIGN_OR_RETURN(f.note, r.String("note", 0, kMaxFollowupNoteBytes, /*allow_newlines=*/true));
  ASSIGN_OR_RETURN(f.requested_by, r.String("requested_by", 1, kMaxAuthorBytes));
  ASSIGN_OR_RETURN(f.requested_at_ms, r.Integer("requested_at_ms", 0, kMaxMillis));
  return f;
}

absl::StatusOr<FollowupDecisionItem> ReadFollowupDecision(BodyReader& r) {
  FollowupDecisionItem d;
  ASSIGN_OR_RETURN(d.id, r.Id("id", "fdc_"));
  ASSIGN_OR_RETURN(d.followup_id, r.Id("followup_id", "fup_"));
  ASSIGN_OR_RETURN(d.decision, r.Enum("decision", kDecisions));
  ASSIGN_OR_RETURN(d.reason, r.String("reason", 0, kMaxFollowupTextBytes));
  if (d.decision != "approved" && d.reason.empty()) {
    return r.Error("reason", StrCat("must not be empty when the decision is ", d.decision));
  }
  ASSIGN_OR_RETURN(d.decided_by, r.String("decided_by", 1, kMaxAuthorBytes));
  ASSIGN_OR_RETURN(d.decided_at_ms, r.Integer("decided_at_ms", 0, kMaxMillis));
  const bool released = d.decision != "refused";
  const Json* data = r.Member("data");
  if (data == nullptr || !data->is_object()) return r.Error("data", "must be an object");
  if (DumpJson(*data).size() > kMaxReleasedDataBytes) {
    return r.Error("data", StrCat("is over ", kMaxReleasedDataBytes, " bytes"));
  }
  d.data = *data;
  if (released) {
    ASSIGN_OR_RETURN(d.record_type, r.Enum("record_type", kEntityTypes));
    ASSIGN_OR_RETURN(d.crime_area, r.Enum("crime_area", kCrimeAreas));
    ASSIGN_OR_RETURN(d.handling_code, r.Enum("handling_code", kHandlingCodes));
    ASSIGN_OR_RETURN(d.handling_note, r.String("handling_note", 0, kMaxFollowupTextBytes));
    ASSIGN_OR_RETURN(d.owner, r.String("owner", 1, 64));
    if (!IsLiaisonId(d.owner, "node_")) {
      return r.Error("owner", "must be 'node_' and 26 Crockford base32 characters");
    }
    ASSIGN_OR_RETURN(d.retention_days, r.Integer("retention_days", 1, kMaxRetentionDays));
    if (d.data.empty()) return r.Error("data", "must release at least one field");
  } else {
    // A refusal releases nothing: the release members are present and empty.
    for (std::string_view key :
         {"record_type", "crime_area", "handling_code", "handling_note", "owner"}) {
      ASSIGN_OR_RETURN(std::string empty, r.String(key, 0, 0));
      (void)empty;
    }
    ASSIGN_OR_RETURN(d.retention_days, r.Integer("retention_days", 0, 0));
    if (!d.data.empty()) return r.Error("data", "must be empty when the decision is refused");
  }
  return d;
}

absl::StatusOr<ErasureNoticeItem> ReadErasureNotice(BodyReader& r) {
  ErasureNoticeItem e;
  ASSIGN_OR_RETURN(e.id, r.Id("id", "ern_"));
  ASSIGN_OR_RETURN(e.followup_id, r.Id("followup_id", "fup_"));
  ASSIGN_OR_RETURN(e.reason, r.Enum("reason", kErasureReasons));
  ASSIGN_OR_RETURN(e.erased_at_ms, r.Integer("erased_at_ms", 0, kMaxMillis));
  return e;
}

// --- Shared watchlists (issue 6).
constexpr std::string_view kHitSources[] = {"search", "screening"};
constexpr std::string_view kHitBands[] = {"strong", "possible"};

absl::StatusOr<WatchlistHitItem> ReadWatchlistHit(BodyReader& r) {
  WatchlistHitItem h;
  ASSIGN_OR_RETURN(h.id, r.Id("id", "wlh_"));
  ASSIGN_OR_RETURN(h.reference, r.Id("reference", "wle_"));
  ASSIGN_OR_RETURN(h.list_version, r.Integer("list_version", 0, kMaxMillis));
  ASSIGN_OR_RETURN(h.source, r.Enum("source", kHitSources));
  ASSIGN_OR_RETURN(h.purpose, r.String("purpose", 1, 1000));
  ASSIGN_OR_RETURN(h.band, r.Enum("band", kHitBands));
  ASSIGN_OR_RETURN(h.score_permille, r.Integer("score_permille", 0, 1000));
  ASSIGN_OR_RETURN(h.hit_at_ms, r.Integer("hit_at_ms", 0, kMaxMillis));
  return h;
}
// --- end of shared watchlists

absl::StatusOr<BatchItem> ReadItem(const Json& json, size_t index) {
  std::string where = StrCat("case_batch: item ", index);
  if (!json.is_object()) return absl::InvalidArgumentError(StrCat(where, ": not an object"));
  BodyReader r(json, where);
  ASSIGN_OR_RETURN(std::string kind, r.String("kind", 1, 32));
  BatchItem item;
  if (kind == "case_open") {
    ASSIGN_OR_RETURN(item, ReadCaseOpen(r));
  } else if (kind == "case_message") {
    ASSIGN_OR_RETURN(item, ReadCaseMessage(r));
  } else if (kind == "receipt") {
    ASSIGN_OR_RETURN(item, ReadReceipt(r));
  } else if (kind == "attachment_part") {
    ASSIGN_OR_RETURN(item, ReadAttachmentPart(r));
  } else if (kind == "followup_request") {
    ASSIGN_OR_RETURN(item, ReadFollowupRequest(r));
  } else if (kind == "followup_decision") {
    ASSIGN_OR_RETURN(item, ReadFollowupDecision(r));
  } else if (kind == "erasure_notice") {
    ASSIGN_OR_RETURN(item, ReadErasureNotice(r));
  } else if (kind == "watchlist_hit") {
    ASSIGN_OR_RETURN(item, ReadWatchlistHit(r));
  } else {
    return r.Error("kind",
                   "must be case_open, case_message, receipt, attachment_part, "
                   "followup_request, followup_decision, erasure_notice or watchlist_hit");
  }
  RETURN_IF_ERROR(r.NoOtherMembers());
  return item;
}

absl::StatusOr<Json> ParseBody(std::string_view body, std::string_view what, size_t max_bytes) {
  if (body.size() > max_bytes) {
    return absl::ResourceExhaustedError(
        StrCat(what, ": body of ", body.size(), " bytes is over the limit of ", max_bytes));
  }
  // Entities nest as records do (a person's names, addresses): depth 10.
  absl::StatusOr<Json> json = ParseJson(body, {.max_bytes = max_bytes, .max_depth = 10});
  if (!json.ok()) {
    return absl::InvalidArgumentError(StrCat(what, ": ", StdView(json.status().message())));
  }
  if (!json->is_object()) return absl::InvalidArgumentError(StrCat(what, ": not a JSON object"));
  return json;
}

}  // namespace

std::string_view BatchItemKind(const BatchItem& item) {
  switch (item.index()) {
    case 0:
      return "case_open";
    case 1:
      return "case_message";
    case 2:
      return "receipt";
    case 3:
      return "attachment_part";
    case 4:
      return "followup_request";
    case 5:
      return "followup_decision";
    case 6:
      return "erasure_notice";
    default:
      return "watchlist_hit";
  }
}

const std::string& BatchItemId(const BatchItem& item) {
  return std::visit([](const auto& v) -> const std::string& { return v.id; }, item);
}

std::string_view ItemStatusName(ItemStatus status) {
  switch (status) {
    case ItemStatus::kAccepted:
      return "accepted";
    case ItemStatus::kDuplicate:
      return "duplicate";
    case ItemStatus::kRefused:
      return "refused";
  }
  return "refused";
}

std::string CaseMessageContentHash(const CaseMessageItem& m) {
  CanonicalBytes b("liaison/case_message");
  b.AddBytes(m.id);
  b.AddBytes(m.case_id);
  b.AddBytes(m.handling_code);
  b.AddBytes(m.text);
  b.AddU32(static_cast<uint32_t>(m.entities.size()));
  for (const MessageEntity& e : m.entities) {
    b.AddBytes(e.type);
    b.AddBytes(DumpJson(e.body));
  }
  b.AddU32(static_cast<uint32_t>(m.attachments.size()));
  for (const AttachmentInfo& a : m.attachments) b.AddBytes(a.sha256);
  return audit::HexEncode(Sha256(b.bytes()));
}

Json BatchItemToJson(const BatchItem& item) {
  Json j = Json::object();
  j["kind"] = std::string(BatchItemKind(item));
  if (const auto* c = std::get_if<CaseOpenItem>(&item)) {
    j["id"] = c->id;
    j["title"] = c->title;
    j["crime_area"] = c->crime_area;
    j["handling_code"] = c->handling_code;
    j["sender_ref"] = c->sender_ref;
    j["receiver_ref"] = c->receiver_ref;
    j["opened_by"] = c->opened_by;
    j["opened_at_ms"] = c->opened_at_ms;
  } else if (const auto* m = std::get_if<CaseMessageItem>(&item)) {
    j["id"] = m->id;
    j["case_id"] = m->case_id;
    j["thread_seq"] = m->thread_seq;
    j["author"] = m->author;
    j["priority"] = m->priority;
    j["answer_by"] = m->answer_by;
    j["handling_code"] = m->handling_code;
    j["in_reply_to"] = m->in_reply_to;
    j["text"] = m->text;
    Json entities = Json::array();
    for (const MessageEntity& e : m->entities) {
      entities.push_back({{"type", e.type}, {"body", e.body}});
    }
    j["entities"] = std::move(entities);
    Json attachments = Json::array();
    for (const AttachmentInfo& a : m->attachments) {
      attachments.push_back({{"index", a.index},
                             {"name", a.name},
                             {"media_type", a.media_type},
                             {"size", a.size},
                             {"sha256", a.sha256}});
    }
    j["attachments"] = std::move(attachments);
    j["sent_at_ms"] = m->sent_at_ms;
    j["content_sha256"] = m->content_sha256;
  } else if (const auto* r = std::get_if<ReceiptItem>(&item)) {
    j["id"] = r->id;
    j["message_id"] = r->message_id;
    j["receipt"] = r->receipt;
    j["at_ms"] = r->at_ms;
  } else if (const auto* p = std::get_if<AttachmentPartItem>(&item)) {
    j["id"] = p->id;
    j["message_id"] = p->message_id;
    j["index"] = p->index;
    j["part"] = p->part;
    j["parts"] = p->parts;
    j["data"] = EncodeBase64(p->data);
  } else if (const auto* f = std::get_if<FollowupRequestItem>(&item)) {
    j["id"] = f->id;
    j["reference"] = f->reference;
    j["purpose"] = f->purpose;
    j["legal_basis"] = f->legal_basis;
    j["urgency"] = f->urgency;
    j["note"] = f->note;
    j["requested_by"] = f->requested_by;
    j["requested_at_ms"] = f->requested_at_ms;
  } else if (const auto* d = std::get_if<FollowupDecisionItem>(&item)) {
    j["id"] = d->id;
    j["followup_id"] = d->followup_id;
    j["decision"] = d->decision;
    j["reason"] = d->reason;
    j["decided_by"] = d->decided_by;
    j["decided_at_ms"] = d->decided_at_ms;
    j["record_type"] = d->record_type;
    j["crime_area"] = d->crime_area;
    j["handling_code"] = d->handling_code;
    j["handling_note"] = d->handling_note;
    j["owner"] = d->owner;
    j["retention_days"] = d->retention_days;
    j["data"] = d->data;
  } else if (const auto* e = std::get_if<ErasureNoticeItem>(&item)) {
    j["id"] = e->id;
    j["followup_id"] = e->followup_id;
    j["reason"] = e->reason;
    j["erased_at_ms"] = e->erased_at_ms;
  } else if (const auto* w = std::get_if<WatchlistHitItem>(&item)) {
    j["id"] = w->id;
    j["reference"] = w->reference;
    j["list_version"] = w->list_version;
    j["source"] = w->source;
    j["purpose"] = w->purpose;
    j["band"] = w->band;
    j["score_permille"] = w->score_permille;
    j["hit_at_ms"] = w->hit_at_ms;
  }
  return j;
}

std::string CaseBatchToJson(const CaseBatch& batch) {
  // Items are dumped one by one so that the sender's size count (the sum of
  // BatchItemToJson sizes) is the body's size less a few bytes.
  std::string out = StrCat("{\"batch_id\":", DumpJson(batch.batch_id), ",\"items\":[");
  for (size_t i = 0; i < batch.items.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += DumpJson(BatchItemToJson(batch.items[i]));
  }
  out += "]}";
  return out;
}

std::string CaseBatchAckToJson(const CaseBatchAck& ack) {
  Json results = Json::array();
  for (const ItemResult& r : ack.results) {
    results.push_back(
        {{"id", r.id}, {"status", std::string(ItemStatusName(r.status))}, {"reason", r.reason}});
  }
  Json j = Json::object();
  j["batch_id"] = ack.batch_id;
  j["in_reply_to"] = ack.in_reply_to;
  j["results"] = std::move(results);
  return DumpJson(j);
}

absl::StatusOr<CaseBatch> ParseCaseBatch(std::string_view body) {
  ASSIGN_OR_RETURN(Json json, ParseBody(body, "case_batch", kMaxBatchBodyBytes));
  BodyReader r(json, "case_batch");
  CaseBatch batch;
  ASSIGN_OR_RETURN(batch.batch_id, r.Id("batch_id", "bat_"));
  ASSIGN_OR_RETURN(const Json* items, r.Array("items", kMaxBatchItems));
  if (items->empty()) return r.Error("items", "must not be empty");
  std::set<std::string> seen;
  for (size_t i = 0; i < items->size(); ++i) {
    ASSIGN_OR_RETURN(BatchItem item, ReadItem((*items)[i], i));
    if (!seen.insert(BatchItemId(item)).second) {
      return absl::InvalidArgumentError(
          StrCat("case_batch: item ", i, ": member 'id': repeats an earlier item's id"));
    }
    batch.items.push_back(std::move(item));
  }
  RETURN_IF_ERROR(r.NoOtherMembers());
  return batch;
}

absl::StatusOr<CaseBatchAck> ParseCaseBatchAck(std::string_view body) {
  ASSIGN_OR_RETURN(Json json, ParseBody(body, "case_batch_ack", kMaxBatchBodyBytes));
  BodyReader r(json, "case_batch_ack");
  CaseBatchAck ack;
  ASSIGN_OR_RETURN(ack.batch_id, r.Id("batch_id", "bat_"));
  ASSIGN_OR_RETURN(ack.in_reply_to, r.Id("in_reply_to", "msg_"));
  ASSIGN_OR_RETURN(const Json* results, r.Array("results", kMaxBatchItems));
  for (size_t i = 0; i < results->size(); ++i) {
    const Json& item = (*results)[i];
    if (!item.is_object()) return r.Error("results", StrCat("item ", i, " must be an object"));
    BodyReader ir(item, StrCat("case_batch_ack: results[", i, "]"));
    ItemResult result;
    ASSIGN_OR_RETURN(result.id, ir.String("id", 1, 64));
    ASSIGN_OR_RETURN(std::string status, ir.String("status", 1, 16));
    if (status == "accepted") {
      result.status = ItemStatus::kAccepted;
    } else if (status == "duplicate") {
      result.status = ItemStatus::kDuplicate;
    } else if (status == "refused") {
      result.status = ItemStatus::kRefused;
    } else {
      return ir.Error("status", "must be accepted, duplicate or refused");
    }
    ASSIGN_OR_RETURN(result.reason, ir.String("reason", 0, kMaxRefusalReasonBytes));
    RETURN_IF_ERROR(ir.NoOtherMembers());
    ack.results.push_back(std::move(result));
  }
  RETURN_IF_ERROR(r.NoOtherMembers());
  return ack;
}

absl::Status ValidateBatchItem(const BatchItem& item) {
  Json json = BatchItemToJson(item);
  return ReadItem(json, 0).status();
}

}  // namespace liaison::federation
