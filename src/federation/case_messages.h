// The bodies of case messaging between partner nodes (docs/protocol.md
// section 8.2): `case_batch`, which carries one or more items from a node's
// outbox — a case opened (`case_open`), a message in a case thread
// (`case_message`), a receipt for a message (`receipt`: read, answered) or a
// part of an attachment (`attachment_part`), or a step of a follow-up request
// for a hit's data (`followup_request`, `followup_decision`,
// `erasure_notice`; issue 6) — and `case_batch_ack`, the
// receiver's answer, which says for each item whether it was committed
// (`accepted`), had been committed before (`duplicate`) or was refused.
//
// Every item carries its own identifier, which the receiver keeps under a
// unique constraint, so an item sent again (in a new envelope, after a lost
// answer or a restart) is committed once. Items are listed in the order the
// sender committed them, which keeps each thread in order.
//
// Parsing is strict as for hit_query: every member required and of its
// documented form, no unknown members, limits on every size; errors name the
// item and member.
//
// Thread-safety: plain values and pure functions.
#ifndef LIAISON_FEDERATION_CASE_MESSAGES_H_
#define LIAISON_FEDERATION_CASE_MESSAGES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "common/json_text.h"

namespace liaison::federation {

inline constexpr std::string_view kCaseBatchType = "case_batch";
inline constexpr std::string_view kCaseBatchAckType = "case_batch_ack";

// Limits a receiver enforces.
inline constexpr size_t kMaxBatchBodyBytes = 700 * 1024;  // fits the 1 MiB envelope in base64
inline constexpr size_t kMaxBatchItems = 1000;
inline constexpr size_t kMaxCaseTitleBytes = 300;
inline constexpr size_t kMaxCaseRefBytesInCase = 200;
inline constexpr size_t kMaxMessageTextBytes = 64 * 1024;
inline constexpr size_t kMaxMessageEntities = 20;
inline constexpr size_t kMaxEntityBytes = 16 * 1024;
inline constexpr size_t kMaxMessageAttachments = 20;
inline constexpr size_t kMaxAttachmentNameBytes = 255;
inline constexpr size_t kAttachmentPartBytes =
    256 * 1024;  // raw bytes per part (the last may be less)
inline constexpr size_t kMaxAuthorBytes = 200;
inline constexpr size_t kMaxRefusalReasonBytes = 500;

struct CaseOpenItem {
  std::string id;             // "cas_" + 26 Crockford base32: the case id on both nodes
  std::string title;          // 1..300 bytes
  std::string crime_area;     // a crime area name
  std::string handling_code;  // H0..H3, the case's
  std::string sender_ref;     // the opening agency's reference, 0..200 bytes
  std::string receiver_ref;   // the receiving agency's reference if known, 0..200 bytes
  std::string opened_by;      // display name of the officer, 1..200 bytes
  int64_t opened_at_ms = 0;
};

// A structured entity in a message: a record body of the node's record model
// (records/record_json.h BodyToJson), e.g. {"type": "person", "body": {...}}.
struct MessageEntity {
  std::string type;  // person, organisation, vehicle, document, phone
  Json body;         // an object; validated against the record model by the receiver
};

struct AttachmentInfo {
  int64_t index = 0;  // 0, 1, ... in the message
  std::string name;   // file name, 1..255 bytes, no '/' or control characters
  std::string media_type;
  int64_t size = 0;    // bytes
  std::string sha256;  // lowercase hex of the content
};

struct CaseMessageItem {
  std::string id;             // "cmsg_" + 26 Crockford base32
  std::string case_id;        // "cas_..."
  int64_t thread_seq = 0;     // 1, 2, ... per case and sending node
  std::string author;         // display name
  std::string priority;       // routine, urgent, immediate
  std::string answer_by;      // "YYYY-MM-DD" or ""
  std::string handling_code;  // H0..H3, binds the receiver
  std::string in_reply_to;    // a message id in the same case, or ""
  std::string text;           // 0..64 KiB
  std::vector<MessageEntity> entities;
  std::vector<AttachmentInfo> attachments;
  int64_t sent_at_ms = 0;      // when the sender committed it
  std::string content_sha256;  // CaseMessageContentHash, lowercase hex
};

struct ReceiptItem {
  std::string id;          // "rcp_" + 26 Crockford base32
  std::string message_id;  // the message it is about
  std::string receipt;     // read, answered
  int64_t at_ms = 0;
};

struct AttachmentPartItem {
  std::string id;          // "apt_" + 26 Crockford base32
  std::string message_id;  // the message the attachment belongs to
  int64_t index = 0;       // the attachment's index
  int64_t part = 0;        // 0 .. parts-1
  int64_t parts = 1;
  std::string data;  // raw bytes (base64 on the wire), at most kAttachmentPartBytes
};

// --- Follow-up requests for a hit's data (docs/protocol.md 8.3) ---
inline constexpr size_t kMaxFollowupTextBytes = 1000;  // purpose, legal basis, reason
inline constexpr size_t kMaxFollowupNoteBytes = 4000;
inline constexpr size_t kMaxReleasedDataBytes = 16 * 1024;
inline constexpr int64_t kMaxRetentionDays = 3650;

// An officer asks the owner of a hit for its data.
struct FollowupRequestItem {
  std::string id;            // "fup_" + 26 Crockford base32: the follow-up's id on both nodes
  std::string reference;     // "ref_" + 26: a reference of the owner's hit_answer
  std::string purpose;       // 1..1000 bytes
  std::string legal_basis;   // 1..1000 bytes
  std::string urgency;       // urgent, urgent_indirect, normal
  std::string note;          // 0..4000 bytes, newlines allowed
  std::string requested_by;  // display name of the officer, 1..200 bytes
  int64_t requested_at_ms = 0;
};

// The owner's decision, with the released data when approved.
struct FollowupDecisionItem {
  std::string id;           // "fdc_" + 26
  std::string followup_id;  // the request's "fup_" id
  std::string decision;     // approved, approved_partial, refused
  std::string reason;       // 0..1000 bytes; at least 1 for approved_partial and refused
  std::string decided_by;   // officer's name, "agreement vN" or "node", 1..200 bytes
  int64_t decided_at_ms = 0;
  // The release; empty (0, {}) when refused.
  std::string record_type;     // person, organisation, vehicle, document, phone
  std::string crime_area;      // the record's
  std::string handling_code;   // H0..H3: the record's; binds the receiver
  std::string handling_note;   // 0..1000 bytes
  std::string owner;           // node id of the owning node
  int64_t retention_days = 0;  // 1..3650: kept at most this long after receipt
  Json data = Json::object();  // the released fields of the record body, at most 16 KiB
};

// Released data was erased by the receiver.
struct ErasureNoticeItem {
  std::string id;           // "ern_" + 26
  std::string followup_id;  // the follow-up whose data was erased
  std::string reason;       // retention_ended
  int64_t erased_at_ms = 0;
};

// --- Shared watchlists (issue 6): a hit on an entry of the receiver's list.
// A search or screening hit at or above the strong band on an entry the
// receiver published (docs/protocol.md 8.4). The id is derived from the
// entry and the search or job, so repeated hits of one job are one item.
struct WatchlistHitItem {
  std::string id;              // "wlh_" + 26 Crockford base32
  std::string reference;       // the entry's "wle_..." reference
  int64_t list_version = 0;    // the version of the list the hitting node held
  std::string source;          // search, screening
  std::string purpose;         // the hitting officer's stated purpose, 1..1000 bytes
  std::string band;            // strong, possible
  int64_t score_permille = 0;  // 0..1000
  int64_t hit_at_ms = 0;
};
// --- end of shared watchlists

using BatchItem =
    std::variant<CaseOpenItem, CaseMessageItem, ReceiptItem, AttachmentPartItem,
                 FollowupRequestItem, FollowupDecisionItem, ErasureNoticeItem, WatchlistHitItem>;

// The item's "kind" and "id".
std::string_view BatchItemKind(const BatchItem& item);
const std::string& BatchItemId(const BatchItem& item);

struct CaseBatch {
  std::string batch_id;  // "bat_" + 26 Crockford base32
  std::vector<BatchItem> items;
};

enum class ItemStatus { kAccepted, kDuplicate, kRefused };
// "accepted", "duplicate", "refused".
std::string_view ItemStatusName(ItemStatus status);

struct ItemResult {
  std::string id;
  ItemStatus status = ItemStatus::kAccepted;
  std::string reason;  // why refused; "" otherwise
};

struct CaseBatchAck {
  std::string batch_id;
  std::string in_reply_to;          // the batch envelope's message id
  std::vector<ItemResult> results;  // one per item, in the batch's order
};

// The hash that identifies a message's content on both nodes: SHA-256
// (lowercase hex) over CanonicalBytes("liaison/case_message") of the message
// id, case id, handling code, text, the compact JSON of each entity and the
// sha256 of each attachment (docs/protocol.md 8.2).
std::string CaseMessageContentHash(const CaseMessageItem& message);

// One item as a JSON object, members in the documented order; its compact
// text size is what the sender counts against kMaxBatchBodyBytes.
Json BatchItemToJson(const BatchItem& item);
std::string CaseBatchToJson(const CaseBatch& batch);
std::string CaseBatchAckToJson(const CaseBatchAck& ack);

// Parse and check a received body. InvalidArgument "case_batch: item N:
// member '<name>': <problem>" for anything outside the documented form
// (including a case_message whose content_sha256 is not its content's
// hash), ResourceExhausted for a body over kMaxBatchBodyBytes.
absl::StatusOr<CaseBatch> ParseCaseBatch(std::string_view body);
absl::StatusOr<CaseBatchAck> ParseCaseBatchAck(std::string_view body);

// Checks an item built locally, the same way.
absl::Status ValidateBatchItem(const BatchItem& item);

// Decodes canonical standard padded base64 (RFC 4648 section 4) of at most
// `max_decoded` bytes; InvalidArgument otherwise.
absl::StatusOr<std::string> DecodeStandardBase64(std::string_view text, size_t max_decoded);

}  // namespace liaison::federation

#endif  // LIAISON_FEDERATION_CASE_MESSAGES_H_
