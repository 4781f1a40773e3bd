#include "cli/node_context.h"

#include <cstdlib>
#include <iostream>

#include "absl/strings/numbers.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace liaison::cli {

absl::StatusOr<std::unique_ptr<store::Store>> OpenNodeStore(const node::NodeDir& dir, Clock& clock,
                                                            bool create, bool migrate) {
  absl::StatusOr<std::unique_ptr<store::Store>> store;
  std::string where;
  if (dir.config.storage == node::StorageEngine::kPostgres) {
    where = "PostgreSQL database of " + dir.ConfigPath();
    store = store::OpenPostgresStore(dir.config.storage_url, clock, {.migrate = migrate});
  } else {
    where = dir.DatabasePath();
    store = store::OpenSqliteStore(where, clock, {.create = create, .migrate = migrate});
  }
  if (!store.ok()) {
    return absl::Status(store.status().code(),
                        StrCat(where, ": ", StdView(store.status().message())));
  }
  return store;
}

absl::StatusOr<std::unique_ptr<NodeContext>> OpenNodeContext(const std::string& data_dir) {
  ASSIGN_OR_RETURN(node::NodeDir dir, node::OpenNodeDir(data_dir));
  auto ctx = std::make_unique<NodeContext>(std::move(dir));
  ctx->clock = &RealClock();
  if (const char* offset = std::getenv("LIAISON_TEST_CLOCK_OFFSET_SECONDS");
      offset != nullptr && *offset != '\0') {
    int64_t seconds = 0;
    if (!absl::SimpleAtoi(offset, &seconds)) {
      return absl::InvalidArgumentError(
          StrCat("LIAISON_TEST_CLOCK_OFFSET_SECONDS must be an integer, not '", offset, "'"));
    }
    std::cerr << "liaison: warning: LIAISON_TEST_CLOCK_OFFSET_SECONDS is set: this node's clock "
                 "runs "
              << seconds << " s from the real one (for tests only)\n";
    ctx->test_clock = std::make_unique<OffsetClock>(RealClock(), absl::Seconds(seconds));
    ctx->clock = ctx->test_clock.get();
  }
  ctx->random = &SystemRandom();
  // SQLite nodes upgrade their file on open, as they always have; processes
  // sharing a PostgreSQL database wait for an explicit `liaison migrate`, so
  // that an upgrade happens once, when the operator chooses.
  bool migrate = ctx->dir.config.storage == node::StorageEngine::kSqlite;
  ASSIGN_OR_RETURN(ctx->store, OpenNodeStore(ctx->dir, *ctx->clock, /*create=*/false, migrate));
  ctx->signer = std::make_unique<access::NodeSigner>(ctx->dir.keys);
  ctx->trail = std::make_unique<access::AuditTrail>(ctx->dir.config.node_id, *ctx->signer,
                                                    ctx->signer->QueryHashKey(),
                                                    audit::CheckpointPolicy{}, *ctx->clock);
  access::RecordPolicy policy;
  policy.node_id = ctx->dir.config.node_id;
  policy.review_period_days = ctx->dir.config.review_period_days;
  policy.protected_review_period_days = ctx->dir.config.protected_review_period_days;
  ctx->records =
      std::make_unique<access::RecordAccess>(*ctx->store, *ctx->trail, policy, *ctx->random);
  access::IdentityPolicy identity;
  identity.totp_sealing_key = ctx->signer->TotpSealingKey();
  identity.totp_issuer = StrCat("liaison ", ctx->dir.config.agency);
  identity.sessions.idle_timeout_ms = int64_t{ctx->dir.config.session_idle_minutes} * 60'000;
  identity.sessions.lifetime_ms = int64_t{ctx->dir.config.session_max_hours} * 3'600'000;
  identity.lockout.free_failures = ctx->dir.config.max_failed_logins;
  ctx->identity =
      std::make_unique<access::Identity>(*ctx->store, *ctx->trail, identity, *ctx->random);
  ctx->retention =
      std::make_unique<access::Retention>(*ctx->store, *ctx->trail, access::RetentionPolicy{});
  ctx->partners = std::make_unique<access::Partners>(*ctx->store, *ctx->trail, *ctx->random);
  ctx->followups = std::make_unique<access::Followups>(*ctx->store, *ctx->trail, *ctx->random);
  access::MessagingOptions messaging;
  messaging.followups = ctx->followups.get();
  messaging.node_id = ctx->dir.config.node_id;
  messaging.max_attachment_bytes = ctx->dir.config.max_attachment_bytes;
  messaging.records = ctx->records.get();
  ctx->messaging =
      std::make_unique<access::Messaging>(*ctx->store, *ctx->trail, *ctx->random, messaging);
  ctx->watchlists = std::make_unique<access::Watchlists>(*ctx->store, *ctx->trail, *ctx->random);
  ctx->screening = std::make_unique<screening::ScreeningService>(*ctx->store);
  ctx->search = std::make_unique<access::PersonSearch>(*ctx->store, *ctx->trail, *ctx->screening);
  ctx->screening_jobs = std::make_unique<access::ScreeningJobs>(*ctx->store, *ctx->trail,
                                                                *ctx->screening, *ctx->random);
  return ctx;
}

}  // namespace liaison::cli
