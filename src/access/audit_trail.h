// Appends audit events to the node's hash chain inside the caller's store
// transaction, so that an action and its audit entry commit together, and
// writes signed checkpoints when the policy says one is due.
//
// Thread-safety: safe for concurrent use; the store serialises transactions,
// and the chain head is always read inside the transaction.
#ifndef LIAISON_ACCESS_AUDIT_TRAIL_H_
#define LIAISON_ACCESS_AUDIT_TRAIL_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "access/actor.h"
#include "audit/checkpoint.h"
#include "audit/entry.h"
#include "audit/event.h"
#include "common/clock.h"
#include "store/store.h"

namespace liaison::access {

// A new event for `action` by `actor`, with the purpose (and case reference)
// they stated; the caller adds object ids, outcome and details.
audit::Event EventFor(const Actor& actor, audit::Action action, const Purpose& purpose = {});

class AuditTrail {
 public:
  // `signer` must outlive the trail. `query_key` keys the hashes of query
  // terms (audit::HashQueryTerms).
  AuditTrail(std::string node_id, const audit::Signer& signer, std::string query_key,
             audit::CheckpointPolicy policy, const Clock& clock);

  // Seals `event` as the next entry and appends it in `tx`, followed by a
  // checkpoint when one is due. Returns the sealed entry's seq. Returns
  // InvalidArgument for an event that fails audit::ValidateEvent, DataLoss
  // when the stored head is not a valid entry.
  absl::StatusOr<uint64_t> Append(store::Transaction& tx, audit::Event event);

  // Writes a checkpoint now if anything was appended since the last one.
  absl::Status CheckpointNow(store::Transaction& tx);

  // The keyed hash of query terms, for events that record a search.
  std::string HashQuery(const std::vector<std::string>& terms) const;

  const std::string& node_id() const { return node_id_; }
  const Clock& clock() const { return clock_; }

 private:
  absl::StatusOr<audit::Entry> AppendOne(store::Transaction& tx, const audit::ChainHead& prev,
                                         int64_t now_ms, audit::Event event);
  absl::StatusOr<audit::ChainHead> Head(store::Transaction& tx);
  absl::Status MaybeCheckpoint(store::Transaction& tx, const audit::Entry& last, int64_t now_ms,
                               bool force);

  const std::string node_id_;
  const audit::Signer& signer_;
  const std::string query_key_;
  const audit::CheckpointPolicy policy_;
  const Clock& clock_;
};

}  // namespace liaison::access

#endif  // LIAISON_ACCESS_AUDIT_TRAIL_H_
