// The access gate for follow-up requests (issue 6): after a hit, an officer
// asks the owning partner for the record's data; the owner's liaison
// officers approve, approve in part or refuse; released data travels back
// marked with its handling code, owner and retention limit, is kept apart
// from the node's own records, and is erased when its retention ends, with
// the owner told.
//
// Both directions ride the case messaging outbox (access/messaging.h): each
// step is an item (followup_request, followup_decision, erasure_notice;
// docs/protocol.md 8.3) committed in the same transaction as the state it
// reports, and delivered, acknowledged and retried like case messages. The
// receiving node commits these items through Messaging::Accept, which hands
// them to AcceptItem in the batch's transaction.
//
// Requester: Request needs partners.query and a purpose and legal basis.
// Received data is readable by roles holding partners.query whose clearance
// covers its handling code and crime area; every read is audited.
//
// Owner: a request is matched to the record through the reference this node
// gave in its hit_answer (unknown or expired: refused at once, the reason
// sent back). It waits in the queue with a deadline computed from receipt
// (urgent 8 hours, urgent_indirect 3 days, normal 7 days: Directive (EU)
// 2023/977). Deciding needs followups.decide and a clearance covering the
// record. The release follows the agreement as it is at the decision: never
// a record outside its crime areas or record types or above its highest
// handling code, and never a location, address or contact field of a
// protected person or victim (ReleaseData), whatever the officer or the
// agreement chooses. When the agreement lists the record's crime area in
// auto_approve, the request is approved on arrival ("agreement vN").
//
// Audit, both nodes: followup_requested (sent / received),
// followup_decided, data_released (owner), data_received (requester),
// data_erased (requester: the erasure; owner: the partner's notice).
//
// Thread-safety: safe for concurrent use.
#ifndef LIAISON_ACCESS_FOLLOWUPS_H_
#define LIAISON_ACCESS_FOLLOWUPS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "access/actor.h"
#include "access/audit_trail.h"
#include "access/messaging.h"
#include "common/json_text.h"
#include "common/random.h"
#include "federation/case_messages.h"
#include "records/record.h"
#include "store/store.h"

namespace liaison::access {

// The deadline of a request received at `from_ms`: urgent 8 hours,
// urgent_indirect 3 days, normal 7 days. InvalidArgument for another urgency.
absl::StatusOr<int64_t> FollowupDeadline(std::string_view urgency, int64_t from_ms);

// True for records whose location, address and contact details are never
// released to a partner: protected persons and victims (alert
// protected_person or trafficking_victim, or subject category victim).
bool IsProtectedRecord(const records::RecordMeta& meta);

// The fields of a record's body (records/record_json.h names) that may be
// released to a partner, and those that never may (for protected persons
// and victims: a person's address and contact, a phone's number). Case
// records release nothing.
std::vector<std::string> ReleasableFields(const records::Record& record);
std::vector<std::string> WithheldFields(const records::Record& record);

// The released data: the chosen fields of the record's body (all releasable
// fields when `fields` is empty). InvalidArgument naming a field that the
// record type does not have or that is withheld.
absl::StatusOr<Json> ReleaseData(const records::Record& record,
                                 const std::vector<std::string>& fields);

struct NewFollowup {
  std::string partner;    // node id of the record's owner
  std::string reference;  // "ref_..." from its hit answer
  Purpose purpose;        // required
  std::string legal_basis;
  std::string urgency = "normal";  // urgent, urgent_indirect, normal
  std::string note;
};

struct FollowupDecision {
  std::string decision;             // approve, approve_partial, refuse
  std::vector<std::string> fields;  // approve_partial: the fields to release
  std::string reason;               // required for approve_partial and refuse
};

struct FollowupView {
  store::FollowupRow followup;
  bool overdue = false;
  // Outgoing: the released data, when some arrived (data "" once erased).
  std::optional<store::FollowupDataRow> received;
  // Incoming: the record (when still held), what may be released and what
  // never may.
  std::optional<records::Record> record;
  std::vector<std::string> releasable_fields;
  std::vector<std::string> withheld_fields;
};

struct PurgeReport {
  std::vector<std::string> erased;  // follow-up ids whose received data was erased
};

// The JSON forms of the REST API and the CLI (docs/followups in README.md).
Json FollowupToJson(const store::FollowupRow& f, bool overdue);
Json FollowupViewToJson(const FollowupView& v);

class Followups final : public BatchItemHandler {
 public:
  // Everything must outlive this object.
  Followups(store::Store& store, AuditTrail& trail, Random& random);

  // Called after every commit that queued outbox items. May be empty.
  void SetOutboxListener(std::function<void()> listener);

  // Sends a follow-up request for a hit's data: committed with its outbox
  // item and the followup_requested audit entry. PermissionDenied (audited)
  // without partners.query; InvalidArgument for a missing purpose or legal
  // basis, a bad reference or urgency; NotFound for a partner that is not
  // active.
  absl::StatusOr<store::FollowupRow> Request(const Actor& actor, const NewFollowup& request);

  // Follow-ups of one direction ("outgoing": partners.query; "incoming":
  // followups.decide, only those whose record the actor's clearance
  // covers), newest first, optionally in one state.
  absl::StatusOr<std::vector<FollowupView>> List(const Actor& actor, std::string_view direction,
                                                 std::string_view state, int limit = 100);

  // One follow-up. Outgoing: with the received data when the actor's
  // clearance covers it (audited as a view). Incoming: with the record and
  // its releasable and withheld fields (audited as a view). NotFound,
  // PermissionDenied.
  absl::StatusOr<FollowupView> Show(const Actor& actor, const Purpose& purpose,
                                    std::string_view id);

  // Decides a pending incoming request and queues the decision (with the
  // released data) for the partner, audited followup_decided and
  // data_released. InvalidArgument for a bad decision, a missing reason or
  // field list, or a field that may not be released; FailedPrecondition
  // when already decided, the record is gone or above the agreement's
  // highest handling code.
  absl::StatusOr<store::FollowupRow> Decide(const Actor& actor, std::string_view id,
                                            const FollowupDecision& decision);

  // Erases received data whose retention ended, audits data_erased for each
  // and queues an erasure_notice to its owner. Needs retention.run.
  absl::StatusOr<PurgeReport> Purge(const Actor& actor);

  // BatchItemHandler: commits a received followup_request,
  // followup_decision or erasure_notice in `tx`.
  bool Handles(std::string_view kind) const override;
  absl::StatusOr<std::string> AcceptItem(store::Transaction& tx, std::string_view partner,
                                         const federation::BatchItem& item,
                                         int64_t now_ms) override;
  absl::Status ItemAcknowledged(store::Transaction& tx, std::string_view partner,
                                const store::OutboxRow& row, const federation::ItemResult& result,
                                int64_t now_ms) override;

 private:
  absl::Status Deny(const Actor& actor, std::string_view why);
  absl::Status Require(const Actor& actor, std::string_view permission, std::string_view what);
  // Releases (or refuses) incoming follow-up `f` in `tx`: updates it,
  // queues the decision item and audits. `actor` is who decided.
  absl::Status DecideIn(store::Transaction& tx, const Actor& actor, store::FollowupRow& f,
                        std::string_view decision, const std::vector<std::string>& fields,
                        std::string_view reason, std::string_view decided_by, int64_t now);
  absl::Status Enqueue(store::Transaction& tx, std::string_view partner,
                       const federation::BatchItem& item, int64_t now);
  absl::StatusOr<std::string> AcceptRequest(store::Transaction& tx, std::string_view partner,
                                            const federation::FollowupRequestItem& item,
                                            int64_t now);
  absl::StatusOr<std::string> AcceptDecision(store::Transaction& tx, std::string_view partner,
                                             const federation::FollowupDecisionItem& item,
                                             int64_t now);
  absl::StatusOr<std::string> AcceptErasure(store::Transaction& tx, std::string_view partner,
                                            const federation::ErasureNoticeItem& item, int64_t now);
  void Notify();

  store::Store& store_;
  AuditTrail& trail_;
  Random& random_;
  std::function<void()> listener_;
};

}  // namespace liaison::access

#endif  // LIAISON_ACCESS_FOLLOWUPS_H_
