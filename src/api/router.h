// The HTTP API's route table and request dispatch, independent of the HTTP
// library: the server (http_server.h) turns each HTTP request into an
// api::Request, and Router::Handle turns it into an api::Response.
//
// Every route carries metadata, so the table can be enumerated: a permission
// name that the access layer interprets (a test walks all routes to prove
// each one is authorised), a body kind and a body size limit.
//
// Handle does everything that is the same for all routes: path matching
// (404 route_not_found, 405 method_not_allowed), body limits (413), UTF-8 and
// JSON parsing with limits (400), the gate (authentication/authorisation hook),
// calling the handler, turning an error status into the JSON error body, and
// turning any exception a handler throws into a 500 that is logged.
//
// Thread-safety: Add and SetGate are not thread-safe and must happen before
// serving. Handle is const and safe to call concurrently (handlers and the
// gate must be too).
#ifndef LIAISON_API_ROUTER_H_
#define LIAISON_API_ROUTER_H_

#include <any>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/json_text.h"

namespace liaison::api {

enum class Method { kGet, kPost, kPut, kPatch, kDelete };

// "GET", "POST", ...
std::string_view MethodName(Method method);
// Parses an HTTP method; HEAD counts as GET. Returns nullopt for others.
std::optional<Method> ParseMethod(std::string_view name);

// Case-insensitive ordering for header names.
struct HeaderNameLess {
  bool operator()(const std::string& a, const std::string& b) const;
};
using Headers = std::multimap<std::string, std::string, HeaderNameLess>;
using QueryParams = std::multimap<std::string, std::string>;

// Parses the query part of a URL ("a=1&b=x%20y&flag"), percent-decoding keys
// and values and reading '+' as a space. Malformed escapes are kept as
// written. Values may be any bytes: handlers validate them.
QueryParams ParseQueryString(std::string_view query);

// Permission name for routes anyone may call without signing in.
inline constexpr std::string_view kPublicPermission = "public";

// What a route accepts as a request body.
enum class BodyKind {
  kNone,    // no body expected; a body is still size-limited but never parsed
  kJson,    // a JSON body is required (application/json), parsed into Request::json
  kUpload,  // raw bytes (files), with the larger upload limit
};

struct Request {
  Method method = Method::kGet;
  std::string path;                                // decoded path, without the query string
  std::map<std::string, std::string> path_params;  // {id} -> value
  QueryParams query;                               // decoded
  Headers headers;
  std::string body;
  std::optional<Json> json;  // set for BodyKind::kJson routes
  std::string request_id;    // "req_..." also sent back as X-Request-Id
  std::string peer;          // "127.0.0.1:54321"
  // Who the gate authenticated; empty until an authenticator is installed.
  std::string principal;
  // What the gate learnt about the caller (an access::Actor in liaison's
  // gate), for handlers to read back with std::any_cast.
  std::any identity;

  // The value of path parameter `name`; empty when there is none.
  const std::string& PathParam(std::string_view name) const;
  // The first value of query parameter `name`.
  std::optional<std::string> Query(std::string_view name) const;
  // The first value of header `name` (case-insensitive).
  std::optional<std::string> Header(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  // `value` serialised, with `status`.
  static Response JsonBody(const Json& value, int status = 200);
  // Raw bytes, e.g. a file download.
  static Response Bytes(std::string body, std::string content_type, int status = 200);
  // Raw bytes downloaded as the file `file_name` (any script): a
  // Content-Disposition with an ASCII fallback and the UTF-8 name (RFC 6266).
  static Response Download(std::string body, std::string content_type, std::string_view file_name);
  // 204 with no body.
  static Response NoContent();
};

using Handler = std::function<absl::StatusOr<Response>(const Request&)>;

struct Route {
  Method method = Method::kGet;
  // "/api/v1/persons/{id}": literal segments and {name} parameters, each a
  // whole segment.
  std::string pattern;
  // Permission name the access layer checks, e.g. "records.read", or
  // kPublicPermission. Must not be empty.
  std::string permission;
  Handler handler;
  BodyKind body = BodyKind::kNone;
  // 0: the router's default for `body`.
  size_t max_body_bytes = 0;
  // One line for people reading the route list (and later the OpenAPI document).
  std::string summary;
};

struct RouterOptions {
  size_t max_body_bytes = 8 << 20;     // kNone and kJson routes
  size_t max_upload_bytes = 64 << 20;  // kUpload routes
  int max_json_depth = 32;
};

// Called before every handler with the matched route. Returns OK to let the
// request through (it may set Request::principal), or an error status that
// becomes the response (401, 403, ...).
using Gate = std::function<absl::Status(const Route& route, Request& request)>;

class Router {
 public:
  explicit Router(RouterOptions options = {});

  // Adds a route. Returns InvalidArgument for a malformed pattern (not
  // starting with '/', empty segment, parameter not a whole segment, repeated
  // parameter name), an empty permission or a missing handler; AlreadyExists
  // when a route with the same method and the same shape (parameter names
  // aside) is already there.
  absl::Status Add(Route route);

  // Installs the gate. Without one, every route is let through.
  void SetGate(Gate gate);

  // Every route, in the order added.
  const std::vector<Route>& routes() const { return routes_; }

  // The largest body any route accepts: the HTTP server reads no more.
  size_t LargestBodyLimit() const;

  // The body limit of the route `http_method` and `path` would reach, or the
  // default limit when none matches; lets the server stop reading early.
  size_t BodyLimitFor(std::string_view http_method, std::string_view path) const;

  // Dispatches a request for `http_method` ("GET", "HEAD", "OPTIONS", ...)
  // with path, query, headers, body, request_id and peer filled in (method,
  // path_params and json are set here). Never throws; every failure becomes an
  // error response carrying the request id.
  Response Handle(std::string_view http_method, Request request) const;

  // The JSON error response for `status`, logging internal errors with the
  // request id.
  static Response ErrorResponse(const absl::Status& status, std::string_view request_id);

 private:
  struct CompiledRoute {
    std::vector<std::string> segments;  // literal text, or "" for a parameter
    std::vector<std::string> params;    // parameter name per segment, "" for literals
  };

  // Returns the index of the best route matching `path` for `method`, or
  // nullopt; `path_matched` tells whether any method matched the path, and
  // `allowed` collects the methods that did.
  std::optional<size_t> Match(Method method, std::string_view path, bool* path_matched,
                              std::vector<Method>* allowed,
                              std::map<std::string, std::string>* params) const;
  size_t BodyLimit(const Route& route) const;

  RouterOptions options_;
  std::vector<Route> routes_;
  std::vector<CompiledRoute> compiled_;
  Gate gate_;
};

}  // namespace liaison::api

#endif  // LIAISON_API_ROUTER_H_
