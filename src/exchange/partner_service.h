// The node's federation service: the glue between the wire protocol
// (federation/) and the access gate (access/partners.h).
//
// - Keeps the transport's partner directory (pins and signing keys) in step
//   with the registered partners (Refresh; `liaison serve` calls it every
//   few seconds, so `liaison partner add/remove` take effect while serving).
// - Runs the partner listener: a hit_query envelope that passed every
//   protocol check is answered by access::Partners::Answer, searching the
//   node's own persons through a federation::LocalPersonSearch within the
//   agreement's scope; refused envelopes are audited with their wire code.
// - Sends an officer's hit/no-hit query to one partner or all of them, in
//   parallel, and audits each partner's part (partner_query_sent).
//
// Thread-safety: safe for concurrent use after construction.
#ifndef LIAISON_EXCHANGE_PARTNER_SERVICE_H_
#define LIAISON_EXCHANGE_PARTNER_SERVICE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "access/actor.h"
#include "access/partners.h"
#include "audit/checkpoint.h"
#include "common/clock.h"
#include "common/random.h"
#include "federation/case_messages.h"
#include "federation/hit_messages.h"
#include "federation/local_person_search.h"
#include "federation/partner_transport.h"
#include "store/store.h"

namespace liaison::exchange {

// A score at or above this is answered as a "strong" match, below it (and at
// or above the matcher's threshold) as "possible".
inline constexpr double kStrongBandScore = 0.85;

struct PartnerServiceOptions {
  std::string node_id;
  federation::TlsIdentity identity;
  int worker_threads = 8;
  absl::Duration connect_timeout = absl::Seconds(5);
  absl::Duration read_timeout = absl::Seconds(10);
};

// An officer's query.
struct OutgoingQuery {
  access::Purpose purpose;
  std::string crime_area;  // "" for any the partner's agreement allows
  federation::QueriedPerson person;
  std::vector<std::string> partners;  // node ids; empty with all = true
  bool all = false;
};

struct PartnerQueryResult {
  std::string partner;
  bool answered = false;  // false: see error
  bool hit = false;
  std::vector<federation::HitResult> results;
  std::string error;  // what went wrong, naming the partner
  int64_t response_ms = -1;
};

class PartnerService {
 public:
  // Everything must outlive the service. `search` may be null (the node then
  // answers every query as no hit: it has nothing to search).
  PartnerService(PartnerServiceOptions options, access::Partners& partners,
                 const audit::Signer& signer, const Clock& clock, Random& random,
                 const federation::LocalPersonSearch* search);
  ~PartnerService();

  // Reloads the registered partners into the transport's directory.
  absl::Status Refresh();

  // Starts the partner listener on host:port (0: any free port). Returns the
  // port. Unavailable when it cannot bind.
  absl::StatusOr<int> StartListener(const std::string& host, int port);
  void StopListener();

  // Sends `query` to the partners it names (or all), in parallel. Returns
  // one result per partner; a partner that cannot be reached or refuses is a
  // result with an error, never a lost query. Errors: PermissionDenied or
  // InvalidArgument (no purpose, bad person, unknown partner) before
  // anything is sent.
  absl::StatusOr<std::vector<PartnerQueryResult>> Query(const access::Actor& actor,
                                                        const OutgoingQuery& query);

  // Hands case_batch envelopes to `handler` (the case delivery worker's
  // HandleBatch). Set before StartListener; without it they are answered
  // unsupported_message_type.
  void SetCaseBatchHandler(federation::MessageHandler handler);
  // Hands watchlist_pull envelopes to `handler` (WatchlistSync::HandlePull);
  // set before StartListener, as for case batches.
  void SetWatchlistPullHandler(federation::MessageHandler handler);

  // Sends one envelope to a registered partner over the pinned transport
  // and returns the opened reply (federation::PartnerClient::Send).
  absl::StatusOr<federation::PartnerClient::Sent> SendEnvelope(std::string_view partner,
                                                               std::string_view message_type,
                                                               std::string_view body);

  // Answers one hit_query body from `partner` (the listener's handler; public
  // for tests). InvalidArgument for a malformed body.
  absl::StatusOr<federation::MessageReply> HandleMessage(const federation::OpenedEnvelope& envelope,
                                                         int64_t received_ms);

 private:
  PartnerQueryResult SendOne(const access::Actor& actor, const OutgoingQuery& query,
                             const federation::HitQuery& hit_query, const std::string& partner);

  const PartnerServiceOptions options_;
  access::Partners& partners_;
  const audit::Signer& signer_;
  const Clock& clock_;
  Random& random_;
  const federation::LocalPersonSearch* search_;
  federation::PartnerDirectory directory_;
  // Restart-floored: envelopes sent before this node started are refused
  // (docs/protocol.md section 6); their senders retry with new envelopes.
  federation::InMemoryReplayGuard guard_;
  federation::InMemoryReplayGuard reply_guard_;
  std::unique_ptr<federation::PartnerClient> client_;
  std::unique_ptr<federation::PartnerServer> server_;
  federation::MessageHandler case_batch_handler_;
  federation::MessageHandler watchlist_pull_handler_;
};

// Loads the persons `store` holds that `owner` (this node) owns into
// `search`, for answering partners. Returns how many were loaded, or the
// store's error. Persons the matcher cannot use are skipped.
absl::StatusOr<size_t> LoadOwnPersons(store::Store& store, std::string_view owner,
                                      federation::IndexedPersonSearch& search);

// Search terms of a queried person, for the audit's keyed query hash.
std::vector<std::string> QueryTerms(const federation::QueriedPerson& person);

}  // namespace liaison::exchange

#endif  // LIAISON_EXCHANGE_PARTNER_SERVICE_H_
