// The composition root for commands that act on a node directory: opens the
// configuration and keys, the store, the audit trail and the access gate,
// in that order, and owns them for the command's lifetime.
//
// Thread-safety: the objects it holds are safe for concurrent use as their
// own headers say; NodeContext itself is built once and then only read.
#ifndef LIAISON_CLI_NODE_CONTEXT_H_
#define LIAISON_CLI_NODE_CONTEXT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "access/audit_trail.h"
#include "access/followups.h"
#include "access/identity.h"
#include "access/messaging.h"
#include "access/node_signer.h"
#include "access/partners.h"
#include "access/person_search.h"
#include "access/record_access.h"
#include "access/retention.h"
#include "access/screening_jobs.h"
#include "access/watchlists.h"
#include "common/clock.h"
#include "common/random.h"
#include "node/node_dir.h"
#include "store/store.h"

namespace liaison::cli {

// Opens the store the node's configuration names: its SQLite file (created
// when `create`) or its PostgreSQL database. Pending migrations are applied
// when `migrate`; otherwise a database that is behind is FailedPrecondition
// ("run liaison migrate"). Errors name the database.
absl::StatusOr<std::unique_ptr<store::Store>> OpenNodeStore(const node::NodeDir& dir, Clock& clock,
                                                            bool create, bool migrate);

struct NodeContext {
  explicit NodeContext(node::NodeDir d) : dir(std::move(d)) {}
  node::NodeDir dir;
  Clock* clock = nullptr;
  std::unique_ptr<Clock> test_clock;  // when LIAISON_TEST_CLOCK_OFFSET_SECONDS is set
  Random* random = nullptr;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<access::NodeSigner> signer;
  std::unique_ptr<access::AuditTrail> trail;
  std::unique_ptr<access::RecordAccess> records;
  std::unique_ptr<access::Identity> identity;
  std::unique_ptr<access::Retention> retention;
  std::unique_ptr<access::Partners> partners;      // registry, agreements, hit/no-hit gate
  std::unique_ptr<access::Followups> followups;    // follow-up requests, released data
  std::unique_ptr<access::Messaging> messaging;    // case threads, outbox, receipts
  std::unique_ptr<access::Watchlists> watchlists;  // shared watchlists, both directions
  // The screening index is not built until a command asks (serve: Start;
  // search: Build); the jobs worker runs only under serve.
  std::unique_ptr<screening::ScreeningService> screening;
  std::unique_ptr<access::PersonSearch> search;
  std::unique_ptr<access::ScreeningJobs> screening_jobs;
};

// Opens the node at `data_dir` with the real clock and randomness. Returns
// the error of whichever part fails, prefixed with what was being opened.
//
// For tests only: when the environment variable
// LIAISON_TEST_CLOCK_OFFSET_SECONDS holds an integer, the node's clock runs
// that many seconds ahead of the real one (behind when negative), and a
// warning says so on stderr. Integration tests use it to reach the end of a
// retention period measured in days.
absl::StatusOr<std::unique_ptr<NodeContext>> OpenNodeContext(const std::string& data_dir);

}  // namespace liaison::cli

#endif  // LIAISON_CLI_NODE_CONTEXT_H_
