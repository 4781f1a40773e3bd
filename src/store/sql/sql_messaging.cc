#include "store/sql/sql_messaging.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "store/sql/sql_query.h"

namespace liaison::store::sql {
namespace {

// Attachment bytes are stored as base64 text (portable across backends).
std::string FromBase64(std::string_view text) {
  std::string out;
  absl::Base64Unescape(absl::string_view(text.data(), text.size()), &out);
  return out;
}
std::string ToBase64(std::string_view bytes) {
  std::string out;
  absl::Base64Escape(absl::string_view(bytes.data(), bytes.size()), &out);
  return out;
}

constexpr char kCaseColumns[] =
    "id, partner, origin, title, crime_area, handling_code, our_ref, their_ref, status, "
    "opened_by_id, opened_by_name, created_ms, updated_ms";

CaseRow CaseFromRow(const Statement& st) {
  CaseRow c;
  c.id = st.String(0);
  c.partner = st.String(1);
  c.origin = st.String(2);
  c.title = st.String(3);
  c.crime_area = st.String(4);
  c.handling_code = st.String(5);
  c.our_ref = st.String(6);
  c.their_ref = st.String(7);
  c.status = st.String(8);
  c.opened_by_id = st.String(9);
  c.opened_by_name = st.String(10);
  c.created_ms = st.Int(11);
  c.updated_ms = st.Int(12);
  return c;
}

constexpr char kMessageColumns[] =
    "id, case_id, local_seq, direction, thread_seq, author_id, author_name, priority, answer_by, "
    "handling_code, in_reply_to, body_text, entities, attachments, content_sha256, sent_ms, "
    "received_ms, delivery, delivery_error, delivered_ms, read_ms, read_by, answered_ms";

CaseMessageRow MessageFromRow(const Statement& st) {
  CaseMessageRow m;
  m.id = st.String(0);
  m.case_id = st.String(1);
  m.local_seq = st.Int(2);
  m.direction = st.String(3);
  m.thread_seq = st.Int(4);
  m.author_id = st.String(5);
  m.author_name = st.String(6);
  m.priority = st.String(7);
  m.answer_by = st.String(8);
  m.handling_code = st.String(9);
  m.in_reply_to = st.String(10);
  m.text = st.String(11);
  m.entities_json = st.String(12);
  m.attachments_json = st.String(13);
  m.content_sha256 = st.String(14);
  m.sent_ms = st.Int(15);
  m.received_ms = st.Int(16);
  m.delivery = st.String(17);
  m.delivery_error = st.String(18);
  m.delivered_ms = st.Int(19);
  m.read_ms = st.Int(20);
  m.read_by = st.String(21);
  m.answered_ms = st.Int(22);
  return m;
}

constexpr char kOutboxColumns[] =
    "seq, partner, item_id, kind, case_id, body, created_ms, attempts, last_error";

OutboxRow OutboxFromRow(const Statement& st) {
  OutboxRow o;
  o.seq = st.Int(0);
  o.partner = st.String(1);
  o.item_id = st.String(2);
  o.kind = st.String(3);
  o.case_id = st.String(4);
  o.body = st.String(5);
  o.created_ms = st.Int(6);
  o.attempts = st.Int(7);
  o.last_error = st.String(8);
  return o;
}

constexpr char kAttachmentColumns[] =
    "message_id, idx, name, media_type, size, sha256, parts, parts_received, state";

AttachmentRow AttachmentFromRow(const Statement& st) {
  AttachmentRow a;
  a.message_id = st.String(0);
  a.idx = st.Int(1);
  a.name = st.String(2);
  a.media_type = st.String(3);
  a.size = st.Int(4);
  a.sha256 = st.String(5);
  a.parts = st.Int(6);
  a.parts_received = st.Int(7);
  a.state = st.String(8);
  return a;
}

int Limit(int limit, int max) { return std::clamp(limit, 1, max); }

}  // namespace

absl::StatusOr<std::optional<CaseRow>> GetCase(Connection& conn, std::string_view id) {
  return One<CaseRow>(
      conn, StrCat("SELECT ", kCaseColumns, " FROM cases WHERE id = ?"),
      [&](Statement& st) { st.Bind(1, id); }, CaseFromRow);
}

absl::StatusOr<std::vector<CaseRow>> ListCases(Connection& conn, const CaseFilter& f) {
  std::string sql = StrCat("SELECT ", kCaseColumns, " FROM cases WHERE 1 = 1");
  if (f.partner) sql += " AND partner = ?";
  if (!f.before_id.empty()) sql += " AND id < ?";
  sql += " ORDER BY id DESC LIMIT ?";
  return All<CaseRow>(
      conn, sql,
      [&](Statement& st) {
        int i = 1;
        if (f.partner) st.Bind(i++, *f.partner);
        if (!f.before_id.empty()) st.Bind(i++, f.before_id);
        st.Bind(i, Limit(f.limit, 1000));
      },
      CaseFromRow);
}

absl::StatusOr<std::optional<CaseMessageRow>> GetCaseMessage(Connection& conn,
                                                             std::string_view id) {
  return One<CaseMessageRow>(
      conn, StrCat("SELECT ", kMessageColumns, " FROM case_messages WHERE id = ?"),
      [&](Statement& st) { st.Bind(1, id); }, MessageFromRow);
}

absl::StatusOr<std::vector<CaseMessageRow>> ListCaseMessages(Connection& conn,
                                                             const CaseMessageFilter& f) {
  std::string sql = StrCat("SELECT ", kMessageColumns, " FROM case_messages WHERE local_seq > ?");
  if (f.case_id) sql += " AND case_id = ?";
  if (f.direction) sql += " AND direction = ?";
  if (f.unanswered_only) sql += " AND answered_ms = 0";
  if (f.unread_only) sql += " AND read_ms = 0";
  sql += " ORDER BY local_seq LIMIT ?";
  return All<CaseMessageRow>(
      conn, sql,
      [&](Statement& st) {
        int i = 1;
        st.Bind(i++, f.after_local_seq);
        if (f.case_id) st.Bind(i++, *f.case_id);
        if (f.direction) st.Bind(i++, *f.direction);
        st.Bind(i, Limit(f.limit, 1000));
      },
      MessageFromRow);
}

absl::StatusOr<int64_t> LastThreadSeq(Connection& conn, std::string_view case_id) {
  ASSIGN_OR_RETURN(std::optional<int64_t> n,
                   One<int64_t>(
                       conn,
                       "SELECT coalesce(max(thread_seq), 0) FROM case_messages WHERE case_id = ? "
                       "AND direction = 'out'",
                       [&](Statement& st) { st.Bind(1, case_id); },
                       [](const Statement& st) { return st.Int(0); }));
  return n.value_or(0);
}

absl::StatusOr<std::vector<OutboxRow>> PendingOutbox(Connection& conn, std::string_view partner,
                                                     int64_t after_seq, int limit) {
  return All<OutboxRow>(
      conn,
      StrCat("SELECT ", kOutboxColumns,
             " FROM outbox WHERE partner = ? AND seq > ? ORDER BY seq LIMIT ?"),
      [&](Statement& st) { st.Bind(1, partner).Bind(2, after_seq).Bind(3, Limit(limit, 10000)); },
      OutboxFromRow);
}

absl::StatusOr<std::vector<OutboxPartnerCount>> OutboxPartners(Connection& conn) {
  return All<OutboxPartnerCount>(
      conn, "SELECT partner, count(*) FROM outbox GROUP BY partner ORDER BY partner",
      [](Statement&) {},
      [](const Statement& st) {
        return OutboxPartnerCount{st.String(0), st.Int(1)};
      });
}

absl::StatusOr<bool> HasReceivedItem(Connection& conn, std::string_view item_id) {
  ASSIGN_OR_RETURN(std::optional<int64_t> n,
                   One<int64_t>(
                       conn, "SELECT 1 FROM received_items WHERE item_id = ?",
                       [&](Statement& st) { st.Bind(1, item_id); },
                       [](const Statement& st) { return st.Int(0); }));
  return n.has_value();
}

absl::StatusOr<std::vector<AttachmentRow>> ListAttachments(Connection& conn,
                                                           std::string_view message_id) {
  return All<AttachmentRow>(
      conn,
      StrCat("SELECT ", kAttachmentColumns,
             " FROM case_attachments WHERE message_id = ? ORDER BY idx"),
      [&](Statement& st) { st.Bind(1, message_id); }, AttachmentFromRow);
}

absl::StatusOr<std::optional<AttachmentRow>> GetAttachment(Connection& conn,
                                                           std::string_view message_id,
                                                           int64_t idx) {
  return One<AttachmentRow>(
      conn,
      StrCat("SELECT ", kAttachmentColumns,
             ", content FROM case_attachments WHERE message_id = ? AND idx = ?"),
      [&](Statement& st) { st.Bind(1, message_id).Bind(2, idx); },
      [](const Statement& st) {
        AttachmentRow a = AttachmentFromRow(st);
        a.content = FromBase64(st.Text(9));
        return a;
      });
}

absl::StatusOr<std::vector<std::string>> AttachmentParts(Connection& conn,
                                                         std::string_view message_id, int64_t idx) {
  return All<std::string>(
      conn, "SELECT data FROM case_attachment_parts WHERE message_id = ? AND idx = ? ORDER BY part",
      [&](Statement& st) { st.Bind(1, message_id).Bind(2, idx); },
      [](const Statement& st) { return FromBase64(st.Text(0)); });
}

absl::StatusOr<std::vector<MessageLinkRow>> MessageLinks(Connection& conn,
                                                         std::string_view message_id) {
  return All<MessageLinkRow>(
      conn,
      "SELECT message_id, record_id, linked_by, linked_ms FROM case_message_links WHERE "
      "message_id = ? ORDER BY linked_ms, record_id",
      [&](Statement& st) { st.Bind(1, message_id); },
      [](const Statement& st) {
        return MessageLinkRow{st.String(0), st.String(1), st.String(2), st.Int(3)};
      });
}

absl::StatusOr<std::vector<MessageForwardRow>> MessageForwards(Connection& conn,
                                                               std::string_view message_id) {
  return All<MessageForwardRow>(
      conn,
      "SELECT message_id, to_user_id, by_user_id, note, forwarded_ms FROM case_message_forwards "
      "WHERE message_id = ? ORDER BY forwarded_ms",
      [&](Statement& st) { st.Bind(1, message_id); },
      [](const Statement& st) {
        return MessageForwardRow{st.String(0), st.String(1), st.String(2), st.String(3), st.Int(4)};
      });
}

absl::Status PutCase(Connection& conn, const CaseRow& c) {
  return Run(conn,
             StrCat("INSERT INTO cases (", kCaseColumns,
                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE "
                    "SET title = excluded.title, crime_area = excluded.crime_area, "
                    "handling_code = excluded.handling_code, our_ref = excluded.our_ref, "
                    "their_ref = excluded.their_ref, status = excluded.status, updated_ms = "
                    "excluded.updated_ms"),
             [&](Statement& st) {
               st.Bind(1, c.id)
                   .Bind(2, c.partner)
                   .Bind(3, c.origin)
                   .Bind(4, c.title)
                   .Bind(5, c.crime_area)
                   .Bind(6, c.handling_code)
                   .Bind(7, c.our_ref)
                   .Bind(8, c.their_ref)
                   .Bind(9, c.status)
                   .Bind(10, c.opened_by_id)
                   .Bind(11, c.opened_by_name)
                   .Bind(12, c.created_ms)
                   .Bind(13, c.updated_ms);
             });
}

absl::StatusOr<int64_t> InsertCaseMessage(Connection& conn, const CaseMessageRow& m) {
  ASSIGN_OR_RETURN(std::optional<int64_t> last,
                   One<int64_t>(
                       conn, "SELECT coalesce(max(local_seq), 0) FROM case_messages",
                       [](Statement&) {}, [](const Statement& st) { return st.Int(0); }));
  const int64_t seq = last.value_or(0) + 1;
  absl::Status s =
      Run(conn,
          StrCat("INSERT INTO case_messages (", kMessageColumns,
                 ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
          [&](Statement& st) {
            st.Bind(1, m.id)
                .Bind(2, m.case_id)
                .Bind(3, seq)
                .Bind(4, m.direction)
                .Bind(5, m.thread_seq)
                .Bind(6, m.author_id)
                .Bind(7, m.author_name)
                .Bind(8, m.priority)
                .Bind(9, m.answer_by)
                .Bind(10, m.handling_code)
                .Bind(11, m.in_reply_to)
                .Bind(12, m.text)
                .Bind(13, m.entities_json)
                .Bind(14, m.attachments_json)
                .Bind(15, m.content_sha256)
                .Bind(16, m.sent_ms)
                .Bind(17, m.received_ms)
                .Bind(18, m.delivery)
                .Bind(19, m.delivery_error)
                .Bind(20, m.delivered_ms)
                .Bind(21, m.read_ms)
                .Bind(22, m.read_by)
                .Bind(23, m.answered_ms);
          });
  if (absl::IsAlreadyExists(s)) {
    return absl::AlreadyExistsError(StrCat("message ", m.id, " exists"));
  }
  RETURN_IF_ERROR(s);
  return seq;
}

absl::Status UpdateCaseMessageState(Connection& conn, const CaseMessageRow& m) {
  RETURN_IF_ERROR(Run(conn,
                      "UPDATE case_messages SET delivery = ?, delivery_error = ?, delivered_ms = "
                      "?, read_ms = ?, read_by = ?, answered_ms = ? WHERE id = ?",
                      [&](Statement& st) {
                        st.Bind(1, m.delivery)
                            .Bind(2, m.delivery_error)
                            .Bind(3, m.delivered_ms)
                            .Bind(4, m.read_ms)
                            .Bind(5, m.read_by)
                            .Bind(6, m.answered_ms)
                            .Bind(7, m.id);
                      }));
  if (conn.Changes() == 0) return absl::NotFoundError(StrCat("no message ", m.id));
  return absl::OkStatus();
}

absl::StatusOr<int64_t> EnqueueOutbox(Connection& conn, const OutboxRow& o) {
  ASSIGN_OR_RETURN(std::optional<int64_t> last,
                   One<int64_t>(
                       conn, "SELECT coalesce(max(seq), 0) FROM outbox", [](Statement&) {},
                       [](const Statement& st) { return st.Int(0); }));
  // Seqs continue after the highest ever used (kept in settings) so that a
  // drained outbox never reuses one.
  ASSIGN_OR_RETURN(std::optional<std::string> high,
                   One<std::string>(
                       conn, "SELECT value FROM settings WHERE key = 'outbox.last_seq'",
                       [](Statement&) {}, [](const Statement& st) { return st.String(0); }));
  int64_t seq = last.value_or(0);
  if (high) seq = std::max<int64_t>(seq, std::strtoll(high->c_str(), nullptr, 10));
  ++seq;
  absl::Status s = Run(
      conn, StrCat("INSERT INTO outbox (", kOutboxColumns, ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      [&](Statement& st) {
        st.Bind(1, seq)
            .Bind(2, o.partner)
            .Bind(3, o.item_id)
            .Bind(4, o.kind)
            .Bind(5, o.case_id)
            .Bind(6, o.body)
            .Bind(7, o.created_ms)
            .Bind(8, o.attempts)
            .Bind(9, o.last_error);
      });
  if (absl::IsAlreadyExists(s)) {
    return absl::AlreadyExistsError(StrCat("item ", o.item_id, " is already queued"));
  }
  RETURN_IF_ERROR(s);
  RETURN_IF_ERROR(Run(conn,
                      "INSERT INTO settings (key, value) VALUES ('outbox.last_seq', ?) ON "
                      "CONFLICT (key) DO UPDATE SET value = excluded.value",
                      [&](Statement& st) { st.Bind(1, StrCat(seq)); }));
  return seq;
}

absl::Status DeleteOutbox(Connection& conn, int64_t seq) {
  RETURN_IF_ERROR(
      Run(conn, "DELETE FROM outbox WHERE seq = ?", [&](Statement& st) { st.Bind(1, seq); }));
  if (conn.Changes() == 0) return absl::NotFoundError(StrCat("no outbox item ", seq));
  return absl::OkStatus();
}

absl::Status NoteOutboxAttempt(Connection& conn, int64_t seq, int64_t attempts,
                               std::string_view last_error) {
  return Run(conn, "UPDATE outbox SET attempts = ?, last_error = ? WHERE seq = ?",
             [&](Statement& st) { st.Bind(1, attempts).Bind(2, last_error).Bind(3, seq); });
}

absl::Status InsertReceivedItem(Connection& conn, std::string_view item_id,
                                std::string_view partner, std::string_view kind,
                                int64_t received_ms) {
  absl::Status s = Run(
      conn, "INSERT INTO received_items (item_id, partner, kind, received_ms) VALUES (?, ?, ?, ?)",
      [&](Statement& st) {
        st.Bind(1, item_id).Bind(2, partner).Bind(3, kind).Bind(4, received_ms);
      });
  if (absl::IsAlreadyExists(s)) {
    return absl::AlreadyExistsError(StrCat("item ", item_id, " was received before"));
  }
  return s;
}

absl::Status PutAttachment(Connection& conn, const AttachmentRow& a) {
  return Run(conn,
             StrCat("INSERT INTO case_attachments (", kAttachmentColumns,
                    ", content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (message_id, "
                    "idx) DO UPDATE SET parts_received = excluded.parts_received, state = "
                    "excluded.state, content = excluded.content"),
             [&](Statement& st) {
               st.Bind(1, a.message_id)
                   .Bind(2, a.idx)
                   .Bind(3, a.name)
                   .Bind(4, a.media_type)
                   .Bind(5, a.size)
                   .Bind(6, a.sha256)
                   .Bind(7, a.parts)
                   .Bind(8, a.parts_received)
                   .Bind(9, a.state)
                   .Bind(10, ToBase64(a.content));
             });
}

absl::Status PutAttachmentPart(Connection& conn, std::string_view message_id, int64_t idx,
                               int64_t part, std::string_view data) {
  return Run(conn,
             "INSERT INTO case_attachment_parts (message_id, idx, part, data) VALUES (?, ?, ?, ?)",
             [&](Statement& st) {
               st.Bind(1, message_id).Bind(2, idx).Bind(3, part).Bind(4, ToBase64(data));
             });
}

absl::Status DeleteAttachmentParts(Connection& conn, std::string_view message_id, int64_t idx) {
  return Run(conn, "DELETE FROM case_attachment_parts WHERE message_id = ? AND idx = ?",
             [&](Statement& st) { st.Bind(1, message_id).Bind(2, idx); });
}

absl::Status AddMessageLink(Connection& conn, const MessageLinkRow& l) {
  absl::Status s =
      Run(conn,
          "INSERT INTO case_message_links (message_id, record_id, linked_by, "
          "linked_ms) VALUES (?, ?, ?, ?)",
          [&](Statement& st) {
            st.Bind(1, l.message_id).Bind(2, l.record_id).Bind(3, l.linked_by).Bind(4, l.linked_ms);
          });
  if (absl::IsAlreadyExists(s)) {
    return absl::AlreadyExistsError(
        StrCat("message ", l.message_id, " is already linked to ", l.record_id));
  }
  return s;
}

absl::Status AddMessageForward(Connection& conn, const MessageForwardRow& f) {
  return Run(conn,
             "INSERT INTO case_message_forwards (message_id, to_user_id, by_user_id, note, "
             "forwarded_ms) VALUES (?, ?, ?, ?, ?)",
             [&](Statement& st) {
               st.Bind(1, f.message_id)
                   .Bind(2, f.to_user_id)
                   .Bind(3, f.by_user_id)
                   .Bind(4, f.note)
                   .Bind(5, f.forwarded_ms);
             });
}

}  // namespace liaison::store::sql
