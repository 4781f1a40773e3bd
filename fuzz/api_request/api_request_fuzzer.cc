// Fuzz target for the HTTP API's request dispatch (api::Router::Handle and
// ParseQueryString): everything a client controls once TLS and HTTP framing
// are done. Input: "METHOD\nTARGET\nCONTENT-TYPE\nBODY...".
// Must never crash or throw, and every response must be well formed: a
// status from 200 to 599, a JSON body for JSON responses, and for errors a
// snake_case code and the request's id.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "api/errors.h"
#include "api/health_routes.h"
#include "api/router.h"
#include "common/json_text.h"

namespace {

using liaison::Json;
using namespace liaison::api;

std::unique_ptr<Router> MakeRouter() {
  auto router =
      std::make_unique<Router>(RouterOptions{.max_body_bytes = 4096, .max_upload_bytes = 16384});
  if (!RegisterHealthRoutes(*router, {"node_fuzz", "0", nullptr}).ok()) std::abort();
  auto add = [&](Method method, const char* pattern, BodyKind body) {
    Route route;
    route.method = method;
    route.pattern = pattern;
    route.permission = "fuzz";
    route.body = body;
    route.handler = [](const Request& r) -> absl::StatusOr<Response> {
      if (r.json && r.json->is_object() && r.json->contains("fail")) {
        return Error("fuzz_failure", 422, (*r.json)["fail"].dump());
      }
      Json params = Json::object();
      for (const auto& [k, v] : r.path_params) params[k] = v;
      for (const auto& [k, v] : r.query) params["q_" + k] = v;
      return Response::JsonBody({{"params", params}, {"bytes", r.body.size()}});
    };
    if (!router->Add(std::move(route)).ok()) std::abort();
  };
  add(Method::kGet, "/api/v1/persons/{id}", BodyKind::kNone);
  add(Method::kGet, "/api/v1/persons/search", BodyKind::kNone);
  add(Method::kPost, "/api/v1/persons", BodyKind::kJson);
  add(Method::kPatch, "/api/v1/persons/{id}", BodyKind::kJson);
  add(Method::kPut, "/api/v1/cases/{case}/files/{file}", BodyKind::kUpload);
  return router;
}

std::string_view NextLine(std::string_view& rest) {
  size_t nl = rest.find('\n');
  std::string_view line = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  return line;
}

bool IsSnakeCase(const std::string& code) {
  if (code.empty()) return false;
  for (char c : code) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Router* router = MakeRouter().release();
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::string method(NextLine(rest));
  std::string_view target = NextLine(rest);
  std::string content_type(NextLine(rest));

  Request request;
  size_t question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) {
    request.query = ParseQueryString(target.substr(question + 1));
  }
  if (!content_type.empty()) request.headers.emplace("Content-Type", content_type);
  request.body = std::string(rest);
  request.request_id = "req_fuzz";
  request.peer = "127.0.0.1:1";

  Response response = router->Handle(method, std::move(request));
  if (response.status < 200 || response.status > 599) std::abort();
  if (response.content_type == "application/json") {
    absl::StatusOr<Json> body = liaison::ParseJson(response.body, {.max_bytes = 1 << 24});
    if (!body.ok()) std::abort();
    if (response.status >= 400) {
      const Json& error = (*body)["error"];
      if (!error.is_object() || !error["code"].is_string() ||
          !IsSnakeCase(error["code"].get<std::string>()) || error["request_id"] != "req_fuzz") {
        std::abort();
      }
    }
  }
  return 0;
}
