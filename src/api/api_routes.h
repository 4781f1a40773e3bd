// The node's whole HTTP API: every route group, registered on one Router.
// This is the one place that knows which groups exist, so `liaison serve`
// and the test that walks every route for authorisation see the same table.
//
// Adding a route group: write src/api/<group>_routes.{h,cc} with a
// Register<Group>Routes(Router&, ...) function, and call it from
// BuildApiRouter.
//
// Thread-safety: BuildApiRouter is called once before serving; the router it
// returns is then read-only (see router.h).
#ifndef LIAISON_API_API_ROUTES_H_
#define LIAISON_API_API_ROUTES_H_

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "api/router.h"
#include "api/web_app.h"
#include "common/clock.h"
#include "node/node_dir.h"
#include "store/store.h"

namespace liaison::access {
class AuditTrail;
class Followups;
class Identity;
class Messaging;
class Partners;
class RecordAccess;
class Retention;
class PersonSearch;
class ScreeningJobs;
class Watchlists;
}  // namespace liaison::access

namespace liaison::exchange {
class PartnerService;
}  // namespace liaison::exchange

namespace liaison::api {

// What route handlers may use. Everything must outlive the router.
struct ApiServices {
  const node::NodeDir* node = nullptr;
  store::Store* store = nullptr;
  Clock* clock = nullptr;
  // True once the node is ready to serve (health reports 503 before).
  std::function<bool()> ready;
  // The access gate. When set, every non-public route requires a credential
  // and the permission it declares, and the record and session routes are
  // registered.
  access::Identity* identity = nullptr;
  access::RecordAccess* records = nullptr;
  access::AuditTrail* trail = nullptr;
  access::Retention* retention = nullptr;
  // Partner hit/no-hit search (registered when both are set).
  access::Partners* partners = nullptr;
  exchange::PartnerService* partner_service = nullptr;
  // Case messaging with partners (registered when set).
  access::Messaging* messaging = nullptr;
  // Follow-up requests for a hit's data (registered when set).
  access::Followups* followups = nullptr;
  // Shared watchlists (registered when set).
  access::Watchlists* watchlists = nullptr;
  // Person search and bulk screening (registered when both are set).
  access::PersonSearch* search = nullptr;
  access::ScreeningJobs* screening_jobs = nullptr;
  // The officers' web interface (served at / when set).
  std::shared_ptr<const WebAppFiles> web_app;
};

// Builds the router with every route group, using the node's configured body
// limits. Returns InvalidArgument when a service is missing, or the error of a
// route group that fails to register (a programming error, e.g. a duplicate
// route).
absl::StatusOr<std::shared_ptr<Router>> BuildApiRouter(const ApiServices& services);

}  // namespace liaison::api

#endif  // LIAISON_API_API_ROUTES_H_
