// The access gate for federation: who the node's partners are, what each
// sharing agreement allows, and the hit/no-hit queries in both directions.
//
// Partners: registering (from a bundle whose fingerprints the administrator
// confirmed), removing and listing partners, and setting agreements, need
// node.admin and are audited as configuration changes. Agreements are
// versioned: a change adds a version, never rewrites one.
//
// Queries: an officer's query to partners needs partners.query and a stated
// purpose, and each partner asked is audited as partner_query_sent. A
// partner's query is answered under the newest agreement with that partner:
// only records within its crime areas, record types and handling codes are
// searched (the rest are invisible: the answer is the same as for no
// record), at most the daily quota of queries is answered, each hit is given
// a new random reference that only this node can map back to its record,
// and the answer is audited as partner_query_answered. Both audit entries
// carry {"partner", "response_ms", "hit"} in their details, and
// "crime_area" when the query named one, which the statistics read. Queries
// sent and answered at the same moment are committed together (GroupCommit).
//
// Thread-safety: safe for concurrent use.
#ifndef LIAISON_ACCESS_PARTNERS_H_
#define LIAISON_ACCESS_PARTNERS_H_

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "access/actor.h"
#include "access/audit_trail.h"
#include "access/group_commit.h"
#include "common/clock.h"
#include "common/random.h"
#include "records/record.h"
#include "store/store.h"

namespace liaison::access {

// What a partner may search and receive.
struct Agreement {
  std::set<records::CrimeArea> crime_areas;
  std::set<records::RecordType> record_types = {records::RecordType::kPerson};
  records::HandlingCode max_handling_code = records::HandlingCode::kH0;
  // Crime areas whose follow-up requests may be approved without a person.
  std::set<records::CrimeArea> auto_approve;
  int64_t retention_days = 90;  // 1..3650
  int64_t daily_quota = 1000;   // 0..10,000,000 queries per UTC day
};

// The agreement as stored, and back. Parsing returns DataLoss naming the
// column when a stored value is not valid.
store::AgreementRow AgreementToRow(const Agreement& agreement);
absl::StatusOr<Agreement> AgreementFromRow(const store::AgreementRow& row);
// "a,b,c" of crime areas (or record types), checked. InvalidArgument names
// the unknown value.
absl::StatusOr<std::set<records::CrimeArea>> ParseCrimeAreaList(std::string_view list);
absl::StatusOr<std::set<records::RecordType>> ParseRecordTypeList(std::string_view list);

// The reason a partner's query was refused ("" when it was answered).
inline constexpr std::string_view kRefusalQuotaExceeded = "quota_exceeded";
inline constexpr std::string_view kRefusalNoAgreement = "no_agreement";

// A partner's query, after its envelope passed every protocol check.
struct IncomingQuery {
  std::string partner;     // sender node id (authenticated)
  std::string message_id;  // of the query's envelope
  std::string query_id;
  Purpose purpose;
  std::string crime_area;          // requested area, "" for any the agreement allows
  std::vector<std::string> terms;  // the searched features, for the audit's keyed hash
  int64_t received_ms = 0;         // when the envelope arrived
};

// The part of the node a partner's query may reach.
struct AgreementScope {
  std::set<records::CrimeArea> crime_areas;
  std::set<records::RecordType> record_types;
  records::HandlingCode max_handling_code = records::HandlingCode::kH0;
};

// A record the local search found within the scope, and how strongly.
struct ScopedHit {
  std::string record_id;
  std::string band;  // "strong" or "possible"
};

using ScopedSearch =
    std::function<absl::StatusOr<std::vector<ScopedHit>>(const AgreementScope& scope)>;

struct AnsweredQuery {
  std::string refusal;  // "", kRefusalQuotaExceeded or kRefusalNoAgreement
  struct Result {
    std::string reference;
    std::string band;
  };
  std::vector<Result> results;  // empty when no hit or refused
  bool repeated = false;        // the same query id was answered before; same answer
};

// One partner's answer as the asking node saw it, or why there was none.
struct SentQueryOutcome {
  std::string partner;
  std::string query_id;
  int64_t response_ms = -1;  // -1 when no answer came
  bool hit = false;
  std::vector<std::string> references;
  std::string error;       // "" when answered; otherwise what went wrong (refusal or transport)
  std::string crime_area;  // the area asked about, "" for any (audited for the statistics)
};

class Partners {
 public:
  // Everything must outlive this object.
  Partners(store::Store& store, AuditTrail& trail, Random& random);

  // Registers `partner` (from a parsed, signature-checked bundle whose
  // fingerprints the administrator confirmed), or replaces the registration
  // of the same node. Needs node.admin. AlreadyExists when another partner
  // has the same certificate.
  absl::StatusOr<store::PartnerRow> Register(const Actor& actor, store::PartnerRow partner);
  // Marks the partner removed: its certificate is no longer accepted and its
  // envelopes are refused. NotFound when there is no such active partner.
  absl::Status Remove(const Actor& actor, std::string_view node_id);
  // Every partner, removed ones included. Needs node.admin or partners.query.
  absl::StatusOr<std::vector<store::PartnerRow>> List(const Actor& actor);
  // Adds a new agreement version. Needs node.admin; NotFound for an unknown
  // or removed partner; InvalidArgument for values out of range.
  absl::StatusOr<store::AgreementRow> SetAgreement(const Actor& actor, std::string_view node_id,
                                                   const Agreement& agreement);
  // Every version of the agreement with `node_id`, oldest first.
  absl::StatusOr<std::vector<store::AgreementRow>> AgreementHistory(const Actor& actor,
                                                                    std::string_view node_id);

  // Active partners, for the node's own transport (pins and keys). Not
  // personal data; no actor.
  absl::StatusOr<std::vector<store::PartnerRow>> ActivePartners();

  // Checks that `actor` may query partners with `purpose`: partners.query
  // and a valid purpose. Refusals are audited (access_denied) and returned
  // as PermissionDenied / InvalidArgument.
  absl::Status CheckMayQuery(const Actor& actor, const Purpose& purpose);
  // Audits one partner's part of an officer's query (partner_query_sent).
  absl::Status RecordSent(const Actor& actor, const Purpose& purpose,
                          const std::vector<std::string>& terms, const SentQueryOutcome& outcome);

  // Audits an envelope this node refused (action refusal, outcome denied):
  // the wire code, the member at fault, and the sender and message id the
  // envelope named ("" when unreadable).
  absl::Status RecordEnvelopeRefusal(std::string_view code, std::string_view field,
                                     std::string_view sender, std::string_view message_id,
                                     std::string_view message);

  // Answers a partner's query under its agreement (see the file comment).
  // `search` is called at most once, outside any transaction. Returns the
  // answer (possibly a refusal, which is audited as such); errors only when
  // the store fails.
  absl::StatusOr<AnsweredQuery> Answer(const IncomingQuery& query, const ScopedSearch& search);

  // How long a reference given to a partner stays valid for follow-up.
  static constexpr int64_t kReferenceValidityMs = int64_t{30} * 24 * 3600 * 1000;

 private:
  absl::Status Deny(const Actor& actor, const Purpose& purpose, std::string_view why);
  absl::Status RequireAdmin(const Actor& actor, std::string_view what);
  absl::StatusOr<AnsweredQuery> Refuse(const IncomingQuery& query, std::string_view refusal,
                                       int64_t quota);

  store::Store& store_;
  AuditTrail& trail_;
  Random& random_;
  // Queries sent and answered by many officers and partners at once share
  // transactions (one fsync for all of them).
  GroupCommit group_commit_;
};

}  // namespace liaison::access

#endif  // LIAISON_ACCESS_PARTNERS_H_
