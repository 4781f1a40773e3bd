// The access gate for case messaging with partner nodes (issue 7): case
// threads, their messages, the inbox, receipts, forwards, links to records,
// attachments, and both ends of delivery.
//
// Officers: opening a case and sending, marking and forwarding messages
// need cases.write; reading threads and the inbox needs cases.read. Every
// case and message carries a handling code and the case a crime area; a user
// sees and acts on them only when their clearance covers both (otherwise
// PermissionDenied, audited as access_denied). A stated purpose is optional:
// working a case thread is its own purpose, so the case (its id and title)
// is audited as the purpose when the caller gives none.
//
// Store-and-forward: a message is inserted and its outbox item queued in one
// transaction, with the message_sent audit entry; the delivery worker
// (exchange/case_delivery.h) takes items from the outbox in order
// (PendingBatch), sends them in a case_batch, and records the partner's
// acknowledgement (RecordAck: delivered, audited message_delivered). The
// receiving side commits a whole batch in one transaction (Accept),
// idempotently on each item's id, audited message_received.
//
// Handling codes bind the receiving node: a message received at H2 or H3
// may not be forwarded to another partner (refused and audited); it may be
// forwarded inside the agency to a user whose clearance covers it.
//
// Thread-safety: safe for concurrent use.
#ifndef LIAISON_ACCESS_MESSAGING_H_
#define LIAISON_ACCESS_MESSAGING_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "access/actor.h"
#include "access/audit_trail.h"
#include "access/group_commit.h"
#include "common/clock.h"
#include "common/json_text.h"
#include "common/random.h"
#include "federation/case_messages.h"
#include "records/record.h"
#include "store/store.h"

namespace liaison::access {

class RecordAccess;

// Decides whether an attachment may be accepted (a virus scanner, a file
// type policy). Called before an attachment is stored, on the sending node
// when attached and on the receiving node when complete.
class AttachmentScanner {
 public:
  virtual ~AttachmentScanner() = default;
  // OK to accept; any error refuses the attachment with its message.
  virtual absl::Status Scan(std::string_view name, std::string_view media_type,
                            std::string_view content) = 0;
};

// The default scanner: accepts everything.
class AcceptingScanner final : public AttachmentScanner {
 public:
  absl::Status Scan(std::string_view, std::string_view, std::string_view) override {
    return absl::OkStatus();
  }
};

// Commits the items of a received batch that are not case messaging's own
// (follow-ups: access/followups.h), inside Accept's transaction, and learns
// how the partner acknowledged the ones this node sent (inside RecordAck's).
class BatchItemHandler {
 public:
  virtual ~BatchItemHandler() = default;
  // True for the item kinds it takes.
  virtual bool Handles(std::string_view kind) const = 0;
  // Commits `item` from `partner`; returns "" when accepted, otherwise the
  // refusal reason (nothing of the item committed). Errors only when the
  // store fails.
  virtual absl::StatusOr<std::string> AcceptItem(store::Transaction& tx, std::string_view partner,
                                                 const federation::BatchItem& item,
                                                 int64_t now_ms) = 0;
  // The partner acknowledged `row` (delivered, or refused with a reason).
  virtual absl::Status ItemAcknowledged(store::Transaction& tx, std::string_view partner,
                                        const store::OutboxRow& row,
                                        const federation::ItemResult& result, int64_t now_ms) = 0;
};

struct MessagingOptions {
  std::string node_id;  // this node
  int64_t max_attachment_bytes = int64_t{20} << 20;
  AttachmentScanner* scanner = nullptr;   // null: AcceptingScanner
  RecordAccess* records = nullptr;        // for ImportEntity and LinkToRecord; may be null
  BatchItemHandler* followups = nullptr;  // follow-up items; null: refused
};

struct NewCase {
  std::string partner;  // node id
  std::string title;
  records::CrimeArea crime_area = records::CrimeArea::kOther;
  records::HandlingCode handling_code = records::HandlingCode::kH1;
  std::string our_ref;
  std::string their_ref;
};

struct NewAttachment {
  std::string name;
  std::string media_type = "application/octet-stream";
  std::string content;
};

struct NewMessage {
  std::string case_id;
  std::string text;
  std::string priority = "routine";  // routine, urgent, immediate
  std::string answer_by;             // YYYY-MM-DD or ""
  // Empty: the case's handling code; otherwise at least the case's.
  std::optional<records::HandlingCode> handling_code;
  std::string in_reply_to;
  std::vector<federation::MessageEntity> entities;
  std::vector<NewAttachment> attachments;
};

// A message as a reader sees it, with what its handling code allows.
struct MessageView {
  store::CaseMessageRow message;
  std::vector<store::AttachmentRow> attachments;
  std::vector<store::MessageLinkRow> links;
  std::vector<store::MessageForwardRow> forwards;
  bool overdue = false;  // answer_by passed and not answered (received messages)
};

struct CaseView {
  store::CaseRow case_row;
  std::vector<MessageView> messages;
  int64_t pending = 0;  // messages of ours not yet delivered
};

struct InboxEntry {
  store::CaseRow case_row;
  store::CaseMessageRow message;
  bool overdue = false;
};

struct InboxOptions {
  bool unanswered_only = false;
  bool unread_only = false;
  int limit = 100;
};

// One pending outbox batch for a partner, ready to send.
struct OutboxBatch {
  std::vector<store::OutboxRow> rows;  // in seq order
  std::string batch_id;                // "bat_..."
  std::string body;                    // the case_batch body: the rows' items in order
};

// What Accept did with a batch.
struct AcceptedBatch {
  federation::CaseBatchAck ack;
  int64_t accepted = 0;
  int64_t duplicates = 0;
  int64_t refused = 0;
};

// The JSON forms the REST API and the CLI show (README.md, "Case
// messaging"). Message text, entities and attachment descriptions included;
// attachment content never.
Json CaseToJson(const store::CaseRow& c);
Json MessageToJson(const store::CaseMessageRow& m, bool overdue);
Json MessageViewToJson(const MessageView& v);
Json CaseViewToJson(const CaseView& v);

class Messaging {
 public:
  // Everything must outlive this object.
  Messaging(store::Store& store, AuditTrail& trail, Random& random, MessagingOptions options);

  // Called after every commit that queued outbox items (the delivery worker
  // wakes up). Set before use; may be empty.
  void SetOutboxListener(std::function<void()> listener);

  // Opens a case with an active partner and queues its case_open item.
  // cases.write; clearance must cover the case's crime area and handling
  // code. NotFound for an unknown partner, InvalidArgument for bad fields.
  absl::StatusOr<store::CaseRow> OpenCase(const Actor& actor, const NewCase& c);

  // Cases the actor's clearance covers, newest first.
  absl::StatusOr<std::vector<store::CaseRow>> ListCases(const Actor& actor,
                                                        const store::CaseFilter& filter);

  // The case and its messages (oldest first) that the actor may see;
  // audited as a view. NotFound, PermissionDenied.
  absl::StatusOr<CaseView> ShowCase(const Actor& actor, const Purpose& purpose,
                                    std::string_view case_id);

  // Commits a message, its attachments and its outbox item in one
  // transaction, audited message_sent. InvalidArgument for bad fields or an
  // attachment over the size limit; FailedPrecondition for a closed case or
  // an attachment the scanner refused.
  absl::StatusOr<store::CaseMessageRow> Send(const Actor& actor, const NewMessage& message);

  // Received messages the actor may see, oldest first, with overdue flags
  // (an answer-by date before today, not answered).
  absl::StatusOr<std::vector<InboxEntry>> Inbox(const Actor& actor, const InboxOptions& options);

  // One message; audited as a view.
  absl::StatusOr<MessageView> GetMessage(const Actor& actor, const Purpose& purpose,
                                         std::string_view message_id);

  // Marks a received message read (the first time: read_ms, read_by, a
  // read receipt queued for the partner, audited message_read).
  absl::StatusOr<store::CaseMessageRow> MarkRead(const Actor& actor, std::string_view message_id);
  // Marks a received message answered (an answered receipt is queued).
  absl::StatusOr<store::CaseMessageRow> MarkAnswered(const Actor& actor,
                                                     std::string_view message_id);

  // Forwards a message inside the agency to user `username` (whose clearance
  // must cover it), audited message_forwarded.
  absl::Status ForwardToUser(const Actor& actor, std::string_view message_id,
                             std::string_view username, std::string_view note);
  // Forwards a message to another case thread (with another partner): a new
  // message quoting it. Refused (PermissionDenied, audited as refusal) when
  // the message was received from a partner at H2 or H3 and the target
  // case's partner is not that partner.
  absl::StatusOr<store::CaseMessageRow> ForwardToCase(const Actor& actor,
                                                      std::string_view message_id,
                                                      std::string_view target_case_id);

  // Links a message to a record of this node (records.read on it too).
  absl::Status LinkToRecord(const Actor& actor, std::string_view message_id,
                            std::string_view record_id);
  // Imports entity `index` of a received message as a new record of this
  // node (the partner as its source, the message's handling code, the
  // case's crime area) and links the message to it. Needs records.write.
  absl::StatusOr<records::Record> ImportEntity(const Actor& actor, const Purpose& purpose,
                                               std::string_view message_id, int index);

  // An attachment with its content; NotFound, FailedPrecondition while it
  // is still arriving or when it was refused.
  absl::StatusOr<store::AttachmentRow> GetAttachment(const Actor& actor,
                                                     std::string_view message_id, int64_t index);

  // --- Delivery (node-internal; no actor) ---

  // Partners with pending outbox items.
  absl::StatusOr<std::vector<store::OutboxPartnerCount>> OutboxPartners();
  // The oldest pending items for `partner`: at most `max_items`, and at most
  // `max_bytes` of item JSON (always at least one item).
  absl::StatusOr<OutboxBatch> PendingBatch(std::string_view partner, size_t max_items,
                                           size_t max_bytes);
  // Records the partner's acknowledgement of `sent`: accepted and duplicate
  // items are delivered (removed from the outbox; messages marked delivered
  // at `now`), refused ones removed and marked refused. One transaction,
  // audited message_delivered. InvalidArgument when the ack does not answer
  // the batch.
  absl::Status RecordAck(std::string_view partner, const OutboxBatch& sent,
                         const federation::CaseBatchAck& ack);
  // Notes a failed attempt on the first item of `sent` (for the outbox view).
  absl::Status RecordAttempt(const OutboxBatch& sent, std::string_view error);

  // Commits a batch received from `partner` in one transaction: each item
  // once (a repeated id is a duplicate), refusing items that do not fit
  // (unknown case, a case of another partner, an entity that is not a valid
  // record body, an attachment over the limit or refused by the scanner).
  // Errors only when the store fails (Unavailable, ResourceExhausted when
  // the disk is full): then nothing was committed.
  absl::StatusOr<AcceptedBatch> Accept(std::string_view partner,
                                       std::string_view envelope_message_id,
                                       const federation::CaseBatch& batch);

 private:
  absl::Status Deny(const Actor& actor, const Purpose& purpose, std::string_view why);
  absl::Status Require(const Actor& actor, std::string_view permission, std::string_view what);
  absl::Status CheckCovers(const Actor& actor, const store::CaseRow& c,
                           std::string_view handling_code, std::string_view what);
  absl::StatusOr<store::CaseRow> CaseFor(const Actor& actor, std::string_view case_id,
                                         std::string_view what);
  absl::StatusOr<std::pair<store::CaseRow, store::CaseMessageRow>> MessageFor(
      const Actor& actor, std::string_view message_id, std::string_view what);
  absl::StatusOr<store::CaseMessageRow> SendIn(const Actor& actor, const store::CaseRow& c,
                                               const NewMessage& m, std::string_view event,
                                               const std::vector<std::string>& extra_objects);
  absl::Status QueueReceipt(store::Transaction& tx, const store::CaseRow& c,
                            std::string_view message_id, std::string_view receipt, int64_t now);
  // Runs `fn` in a write transaction shared with the other callers waiting
  // at the same time (group commit: one fsync for all of them), and returns
  // once it is durable. When the shared transaction fails, each waiter's fn
  // runs again in a transaction of its own, so errors stay with their
  // caller. `fn` may run twice (the first run rolled back).
  absl::Status CommitGrouped(const std::function<absl::Status(store::Transaction&)>& fn);
  void Notify();
  bool Overdue(const store::CaseMessageRow& m, int64_t now) const;

  store::Store& store_;
  AuditTrail& trail_;
  Random& random_;
  const MessagingOptions options_;
  AcceptingScanner default_scanner_;
  std::function<void()> listener_;

  GroupCommit group_commit_;
};

}  // namespace liaison::access

#endif  // LIAISON_ACCESS_MESSAGING_H_
