#include "api/health_routes.h"

#include <memory>

namespace liaison::api {

std::string LiaisonVersion() { return LIAISON_VERSION; }

absl::Status RegisterHealthRoutes(Router& router, HealthInfo info) {
  auto shared = std::make_shared<const HealthInfo>(std::move(info));
  Route route;
  route.method = Method::kGet;
  route.pattern = "/api/v1/health";
  route.permission = std::string(kPublicPermission);
  route.summary = "Whether the node is ready to serve; its id and version.";
  route.handler = [shared](const Request&) -> absl::StatusOr<Response> {
    bool ready = !shared->ready || shared->ready();
    return Response::JsonBody({{"status", ready ? "ok" : "starting"},
                               {"node_id", shared->node_id},
                               {"version", shared->version}},
                              ready ? 200 : 503);
  };
  return router.Add(std::move(route));
}

}  // namespace liaison::api
