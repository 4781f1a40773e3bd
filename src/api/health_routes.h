// GET /api/v1/health: whether the node is up and ready to serve, for load
// balancers, monitoring and the integration tests. Public (no sign-in); it
// reveals only the node id, which the node's certificate shows anyway.
//
// Thread-safety: the handler reads `ready` (which must be thread-safe) and
// immutable data.
#ifndef LIAISON_API_HEALTH_ROUTES_H_
#define LIAISON_API_HEALTH_ROUTES_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "api/router.h"

namespace liaison::api {

struct HealthInfo {
  std::string node_id;
  std::string version;  // liaison's version, e.g. "0.1.0"
  // True once the node can serve requests; null means always ready.
  std::function<bool()> ready;
};

// Adds the health route(s) to `router`. Returns the error Router::Add gives
// (only when a health route is already registered).
absl::Status RegisterHealthRoutes(Router& router, HealthInfo info);

// liaison's version string, from the build.
std::string LiaisonVersion();

}  // namespace liaison::api

#endif  // LIAISON_API_HEALTH_ROUTES_H_
