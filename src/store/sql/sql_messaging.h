// The case messaging tables (migration 5): cases, case messages, the
// outbox, received item ids, attachments and their parts, message links and
// forwards, written once for both backends (store/sql/sql_db.h). The shared
// transaction object (sql_access.cc) forwards to these functions.
// Attachment bytes are kept as base64 text, which both databases store as
// they are.
//
// Thread-safety: as Connection (one thread at a time, inside a transaction).
#ifndef LIAISON_STORE_SQL_SQL_MESSAGING_H_
#define LIAISON_STORE_SQL_SQL_MESSAGING_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/sql/sql_db.h"
#include "store/store.h"

namespace liaison::store::sql {

absl::StatusOr<std::optional<CaseRow>> GetCase(Connection& conn, std::string_view id);
absl::StatusOr<std::vector<CaseRow>> ListCases(Connection& conn, const CaseFilter& filter);
absl::StatusOr<std::optional<CaseMessageRow>> GetCaseMessage(Connection& conn, std::string_view id);
absl::StatusOr<std::vector<CaseMessageRow>> ListCaseMessages(Connection& conn,
                                                             const CaseMessageFilter& filter);
absl::StatusOr<int64_t> LastThreadSeq(Connection& conn, std::string_view case_id);
absl::StatusOr<std::vector<OutboxRow>> PendingOutbox(Connection& conn, std::string_view partner,
                                                     int64_t after_seq, int limit);
absl::StatusOr<std::vector<OutboxPartnerCount>> OutboxPartners(Connection& conn);
absl::StatusOr<bool> HasReceivedItem(Connection& conn, std::string_view item_id);
absl::StatusOr<std::vector<AttachmentRow>> ListAttachments(Connection& conn,
                                                           std::string_view message_id);
absl::StatusOr<std::optional<AttachmentRow>> GetAttachment(Connection& conn,
                                                           std::string_view message_id,
                                                           int64_t idx);
absl::StatusOr<std::vector<std::string>> AttachmentParts(Connection& conn,
                                                         std::string_view message_id, int64_t idx);
absl::StatusOr<std::vector<MessageLinkRow>> MessageLinks(Connection& conn,
                                                         std::string_view message_id);
absl::StatusOr<std::vector<MessageForwardRow>> MessageForwards(Connection& conn,
                                                               std::string_view message_id);

absl::Status PutCase(Connection& conn, const CaseRow& c);
absl::StatusOr<int64_t> InsertCaseMessage(Connection& conn, const CaseMessageRow& message);
absl::Status UpdateCaseMessageState(Connection& conn, const CaseMessageRow& message);
absl::StatusOr<int64_t> EnqueueOutbox(Connection& conn, const OutboxRow& item);
absl::Status DeleteOutbox(Connection& conn, int64_t seq);
absl::Status NoteOutboxAttempt(Connection& conn, int64_t seq, int64_t attempts,
                               std::string_view last_error);
absl::Status InsertReceivedItem(Connection& conn, std::string_view item_id,
                                std::string_view partner, std::string_view kind,
                                int64_t received_ms);
absl::Status PutAttachment(Connection& conn, const AttachmentRow& attachment);
absl::Status PutAttachmentPart(Connection& conn, std::string_view message_id, int64_t idx,
                               int64_t part, std::string_view data);
absl::Status DeleteAttachmentParts(Connection& conn, std::string_view message_id, int64_t idx);
absl::Status AddMessageLink(Connection& conn, const MessageLinkRow& link);
absl::Status AddMessageForward(Connection& conn, const MessageForwardRow& forward);

}  // namespace liaison::store::sql

#endif  // LIAISON_STORE_SQL_SQL_MESSAGING_H_
