#include "api/api_routes.h"

#include "api/access_gate.h"
#include "api/followup_routes.h"
#include "api/governance_routes.h"
#include "api/health_routes.h"
#include "api/import_routes.h"
#include "api/messaging_routes.h"
#include "api/partner_routes.h"
#include "api/record_routes.h"
#include "api/screening_routes.h"
#include "api/session_routes.h"
#include "api/watchlist_routes.h"
#include "common/status_macros.h"

namespace liaison::api {

absl::StatusOr<std::shared_ptr<Router>> BuildApiRouter(const ApiServices& services) {
  if (services.node == nullptr || services.store == nullptr || services.clock == nullptr) {
    return absl::InvalidArgumentError("BuildApiRouter needs the node, the store and a clock");
  }
  const node::NodeConfig& config = services.node->config;
  RouterOptions options;
  options.max_body_bytes = static_cast<size_t>(config.max_body_bytes);
  options.max_upload_bytes = static_cast<size_t>(config.max_upload_bytes);
  auto router = std::make_shared<Router>(options);

  RETURN_IF_ERROR(
      RegisterHealthRoutes(*router, HealthInfo{config.node_id, LiaisonVersion(), services.ready}));
  if (services.identity != nullptr && services.records != nullptr && services.trail != nullptr) {
    router->SetGate(MakeAccessGate(*services.identity, *services.store, *services.trail));
    RETURN_IF_ERROR(RegisterSessionRoutes(*router, *services.identity));
    RETURN_IF_ERROR(RegisterRecordRoutes(*router, *services.records));
    RETURN_IF_ERROR(RegisterImportRoutes(*router, *services.records, config));
    if (services.retention != nullptr) {
      RETURN_IF_ERROR(
          RegisterGovernanceRoutes(*router, *services.store, *services.trail, *services.retention));
    }
    if (services.partners != nullptr && services.partner_service != nullptr) {
      RETURN_IF_ERROR(
          RegisterPartnerRoutes(*router, *services.partners, *services.partner_service));
    }
    if (services.messaging != nullptr) {
      RETURN_IF_ERROR(RegisterMessagingRoutes(*router, *services.messaging, services.search));
    }
    if (services.followups != nullptr) {
      RETURN_IF_ERROR(RegisterFollowupRoutes(*router, *services.followups));
    }
    if (services.watchlists != nullptr) {
      RETURN_IF_ERROR(RegisterWatchlistRoutes(*router, *services.watchlists));
    }
    if (services.search != nullptr && services.screening_jobs != nullptr) {
      RETURN_IF_ERROR(RegisterScreeningRoutes(*router, *services.search, *services.screening_jobs));
    }
  }
  if (services.web_app != nullptr) RETURN_IF_ERROR(RegisterWebAppRoutes(*router, services.web_app));

  return router;
}

}  // namespace liaison::api
