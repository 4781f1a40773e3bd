#include "access/audit_trail.h"

#include "common/absl_bridge.h"
#include "common/status_macros.h"

namespace liaison::access {
namespace {

// Settings key holding "<seq> <time_ms>" of the last checkpoint.
constexpr char kLastCheckpointKey[] = "audit.last_checkpoint";

}  // namespace

audit::Event EventFor(const Actor& actor, audit::Action action, const Purpose& purpose) {
  audit::Event e;
  e.actor_id = actor.id;
  e.actor_name = actor.name;
  e.actor_role = std::string(RoleName(actor.role));
  e.action = action;
  e.purpose = purpose.text;
  e.case_ref = purpose.case_ref;
  e.origin = actor.origin;
  return e;
}

AuditTrail::AuditTrail(std::string node_id, const audit::Signer& signer, std::string query_key,
                       audit::CheckpointPolicy policy, const Clock& clock)
    : node_id_(std::move(node_id)),
      signer_(signer),
      query_key_(std::move(query_key)),
      policy_(policy),
      clock_(clock) {}

std::string AuditTrail::HashQuery(const std::vector<std::string>& terms) const {
  auto h = audit::HashQueryTerms(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(query_key_.data()),
                               query_key_.size()),
      terms);
  return h.ok() ? *h : std::string();
}

absl::StatusOr<audit::ChainHead> AuditTrail::Head(store::Transaction& tx) {
  ASSIGN_OR_RETURN(std::optional<store::AuditRow> row, tx.AuditHead());
  if (!row) return audit::GenesisHead(node_id_);
  return audit::ChainHead{static_cast<uint64_t>(row->seq), row->hash};
}

absl::StatusOr<audit::Entry> AuditTrail::AppendOne(store::Transaction& tx,
                                                   const audit::ChainHead& prev, int64_t now_ms,
                                                   audit::Event event) {
  ASSIGN_OR_RETURN(audit::Entry entry, audit::Seal(prev, prev.seq + 1, now_ms, std::move(event)));
  store::AuditRow row;
  row.seq = static_cast<int64_t>(entry.seq);
  row.time_ms = entry.time_ms;
  row.actor = entry.event.actor_id;
  row.action = std::string(audit::ActionName(entry.event.action));
  row.outcome = std::string(audit::OutcomeName(entry.event.outcome));
  row.entry_json = audit::CanonicalEntryText(entry, audit::HashField::kWithHash);
  row.hash = entry.hash;
  row.object_ids = entry.event.object_ids;
  RETURN_IF_ERROR(tx.AppendAudit(row));
  return entry;
}

absl::Status AuditTrail::MaybeCheckpoint(store::Transaction& tx, const audit::Entry& last,
                                         int64_t now_ms, bool force) {
  uint64_t cp_seq = 0;
  int64_t cp_ms = -1;
  ASSIGN_OR_RETURN(std::optional<std::string> state, tx.GetSetting(kLastCheckpointKey));
  if (state) {
    long long s = 0, t = 0;
    if (sscanf(state->c_str(), "%lld %lld", &s, &t) == 2) {
      cp_seq = static_cast<uint64_t>(s);
      cp_ms = t;
    }
  }
  if (cp_ms < 0) cp_ms = now_ms;  // no checkpoint yet: count time from the first entry
  if (last.event.action == audit::Action::kCheckpoint) return absl::OkStatus();
  if (!force && !policy_.Due(cp_seq, cp_ms, last.seq, now_ms)) {
    if (!state) RETURN_IF_ERROR(tx.PutSetting(kLastCheckpointKey, StrCat(0, " ", cp_ms)));
    return absl::OkStatus();
  }
  audit::Event cp = audit::MakeCheckpointEvent(signer_, node_id_, audit::HeadOf(last), now_ms);
  ASSIGN_OR_RETURN(audit::Entry written, AppendOne(tx, audit::HeadOf(last), now_ms, std::move(cp)));
  return tx.PutSetting(kLastCheckpointKey, StrCat(written.seq, " ", now_ms));
}

absl::StatusOr<uint64_t> AuditTrail::Append(store::Transaction& tx, audit::Event event) {
  int64_t now_ms = clock_.NowMillis();
  ASSIGN_OR_RETURN(audit::ChainHead prev, Head(tx));
  ASSIGN_OR_RETURN(audit::Entry entry, AppendOne(tx, prev, now_ms, std::move(event)));
  RETURN_IF_ERROR(MaybeCheckpoint(tx, entry, now_ms, /*force=*/false));
  return entry.seq;
}

absl::Status AuditTrail::CheckpointNow(store::Transaction& tx) {
  ASSIGN_OR_RETURN(std::optional<store::AuditRow> row, tx.AuditHead());
  if (!row) return absl::OkStatus();
  ASSIGN_OR_RETURN(audit::Entry last, audit::ParseEntryLine(row->entry_json));
  return MaybeCheckpoint(tx, last, clock_.NowMillis(), /*force=*/true);
}

}  // namespace liaison::access
