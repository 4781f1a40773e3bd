#include "api/router.h"

#include <algorithm>
#include <cassert>
#include <exception>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/errors.h"
#include "common/absl_bridge.h"
#include "spdlog/spdlog.h"

namespace liaison::api {
namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  // "/" alone is the root: no segments (the web interface's index page).
  if (path == "/") return segments;
  // The leading '/' is required and skipped.
  size_t start = 1;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    segments.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return segments;
}

bool IsParamName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

// "application/json; charset=utf-8" -> "application/json".
std::string MediaType(std::string_view content_type) {
  size_t semicolon = content_type.find(';');
  std::string_view type = content_type.substr(0, semicolon);
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  while (!type.empty() && type.front() == ' ') type.remove_prefix(1);
  std::string lower(type);
  for (char& c : lower) c = absl::ascii_tolower(static_cast<unsigned char>(c));
  return lower;
}

void AddStandardHeaders(Response& response, std::string_view request_id) {
  response.headers.emplace_back("X-Request-Id", std::string(request_id));
  // Responses may hold personal data: never cache them anywhere, unless the
  // handler chose a policy itself (the web interface's static files).
  bool has_cache_policy = false;
  for (const auto& [name, value] : response.headers) {
    has_cache_policy = has_cache_policy || absl::EqualsIgnoreCase(name, "Cache-Control");
  }
  if (!has_cache_policy) response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

}  // namespace

QueryParams ParseQueryString(std::string_view query) {
  QueryParams params;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    params.emplace(PercentDecode(key), PercentDecode(value));
  }
  return params;
}

std::string_view MethodName(Method method) {
  switch (method) {
    case Method::kGet:
      return "GET";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
  }
  return "GET";
}

std::optional<Method> ParseMethod(std::string_view name) {
  if (name == "GET" || name == "HEAD") return Method::kGet;
  if (name == "POST") return Method::kPost;
  if (name == "PUT") return Method::kPut;
  if (name == "PATCH") return Method::kPatch;
  if (name == "DELETE") return Method::kDelete;
  return std::nullopt;
}

bool HeaderNameLess::operator()(const std::string& a, const std::string& b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](unsigned char x, unsigned char y) {
                                        return absl::ascii_tolower(x) < absl::ascii_tolower(y);
                                      });
}

const std::string& Request::PathParam(std::string_view name) const {
  static const std::string* kEmpty = new std::string();
  auto it = path_params.find(std::string(name));
  return it == path_params.end() ? *kEmpty : it->second;
}

std::optional<std::string> Request::Query(std::string_view name) const {
  auto it = query.find(std::string(name));
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> Request::Header(std::string_view name) const {
  auto it = headers.find(std::string(name));
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

Response Response::JsonBody(const Json& value, int status) {
  Response response;
  response.status = status;
  response.body = DumpJson(value);
  return response;
}

Response Response::Bytes(std::string body, std::string content_type, int status) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  response.content_type = std::move(content_type);
  return response;
}

Response Response::Download(std::string body, std::string content_type,
                            std::string_view file_name) {
  // filename="..." for old clients: printable ASCII without quote or
  // backslash, anything else '_'. filename*=UTF-8''... (RFC 5987) carries
  // the name as written, so an Urdu or accented file name arrives intact.
  std::string fallback;
  std::string encoded;
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : file_name) {
    fallback += (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ? static_cast<char>(c) : '_';
    if (absl::ascii_isalnum(c) ||
        std::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos) {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 0xf];
    }
  }
  Response response = Bytes(std::move(body), std::move(content_type));
  response.headers.push_back({"Content-Disposition", StrCat("attachment; filename=\"", fallback,
                                                            "\"; filename*=UTF-8''", encoded)});
  return response;
}

Response Response::NoContent() {
  Response response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

Router::Router(RouterOptions options) : options_(options) {}

absl::Status Router::Add(Route route) {
  const std::string& pattern = route.pattern;
  if (pattern.empty() || pattern.front() != '/') {
    return absl::InvalidArgumentError(absl::StrCat("route '", pattern, "' must start with '/'"));
  }
  if (route.permission.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("route ", AbslView(MethodName(route.method)),
                                                   " ", pattern, " has no permission"));
  }
  if (!route.handler) {
    return absl::InvalidArgumentError(absl::StrCat("route ", pattern, " has no handler"));
  }
  CompiledRoute compiled;
  std::set<std::string> names;
  for (std::string_view segment : SplitPath(pattern)) {
    if (segment.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("route '", pattern, "' has an empty segment"));
    }
    if (segment.front() == '{') {
      std::string_view name = segment.substr(1);
      if (name.empty() || name.back() != '}' || !IsParamName(name.substr(0, name.size() - 1))) {
        return absl::InvalidArgumentError(
            absl::StrCat("route '", pattern, "': a parameter is a whole segment like {id}, not '",
                         AbslView(segment), "'"));
      }
      std::string param(name.substr(0, name.size() - 1));
      if (!names.insert(param).second) {
        return absl::InvalidArgumentError(
            absl::StrCat("route '", pattern, "' repeats parameter {", param, "}"));
      }
      compiled.segments.emplace_back();
      compiled.params.push_back(std::move(param));
    } else {
      if (segment.find_first_of("{}") != std::string_view::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat("route '", pattern, "': a parameter is a whole segment like {id}, not '",
                         AbslView(segment), "'"));
      }
      compiled.segments.emplace_back(segment);
      compiled.params.emplace_back();
    }
  }
  for (size_t i = 0; i < routes_.size(); ++i) {
    if (routes_[i].method == route.method && compiled_[i].segments == compiled.segments &&
        compiled_[i].params.size() == compiled.params.size()) {
      bool same_shape = true;
      for (size_t j = 0; j < compiled.params.size(); ++j) {
        if (compiled_[i].params[j].empty() != compiled.params[j].empty()) same_shape = false;
      }
      if (same_shape) {
        return absl::AlreadyExistsError(absl::StrCat("route ", AbslView(MethodName(route.method)),
                                                     " ", pattern, " duplicates ",
                                                     routes_[i].pattern));
      }
    }
  }
  routes_.push_back(std::move(route));
  compiled_.push_back(std::move(compiled));
  return absl::OkStatus();
}

void Router::SetGate(Gate gate) { gate_ = std::move(gate); }

size_t Router::BodyLimit(const Route& route) const {
  if (route.max_body_bytes > 0) return route.max_body_bytes;
  return route.body == BodyKind::kUpload ? options_.max_upload_bytes : options_.max_body_bytes;
}

size_t Router::LargestBodyLimit() const {
  size_t largest = options_.max_body_bytes;
  for (const Route& route : routes_) largest = std::max(largest, BodyLimit(route));
  return largest;
}

size_t Router::BodyLimitFor(std::string_view http_method, std::string_view path) const {
  std::optional<Method> method = ParseMethod(http_method);
  if (!method) return options_.max_body_bytes;
  bool path_matched = false;
  std::vector<Method> allowed;
  std::map<std::string, std::string> params;
  std::optional<size_t> index = Match(*method, path, &path_matched, &allowed, &params);
  return index ? BodyLimit(routes_[*index]) : options_.max_body_bytes;
}

std::optional<size_t> Router::Match(Method method, std::string_view path, bool* path_matched,
                                    std::vector<Method>* allowed,
                                    std::map<std::string, std::string>* params) const {
  *path_matched = false;
  if (path.empty() || path.front() != '/') return std::nullopt;
  std::vector<std::string_view> segments = SplitPath(path);
  std::optional<size_t> best;
  for (size_t i = 0; i < routes_.size(); ++i) {
    const CompiledRoute& c = compiled_[i];
    if (c.segments.size() != segments.size()) continue;
    bool matches = true;
    for (size_t j = 0; j < segments.size() && matches; ++j) {
      if (c.params[j].empty()) {
        matches = c.segments[j] == segments[j];
      } else {
        matches = !segments[j].empty();
      }
    }
    if (!matches) continue;
    *path_matched = true;
    if (std::find(allowed->begin(), allowed->end(), routes_[i].method) == allowed->end()) {
      allowed->push_back(routes_[i].method);
    }
    if (routes_[i].method != method) continue;
    if (!best) {
      best = i;
      continue;
    }
    // Prefer the route with a literal where the other has a parameter at the
    // first segment they differ (/persons/search over /persons/{id}).
    const CompiledRoute& b = compiled_[*best];
    for (size_t j = 0; j < segments.size(); ++j) {
      bool literal_here = c.params[j].empty();
      bool literal_best = b.params[j].empty();
      if (literal_here != literal_best) {
        if (literal_here) best = i;
        break;
      }
    }
  }
  if (best) {
    const CompiledRoute& c = compiled_[*best];
    for (size_t j = 0; j < segments.size(); ++j) {
      if (!c.params[j].empty()) (*params)[c.params[j]] = std::string(segments[j]);
    }
  }
  return best;
}

Response Router::ErrorResponse(const absl::Status& status, std::string_view request_id) {
  ErrorReply reply = DescribeError(status);
  if (reply.internal) {
    spdlog::error("request {}: internal error: {}", request_id, std::string(status.message()));
  }
  Response response =
      Response::JsonBody(ErrorBody(reply.code, reply.message, request_id), reply.http_status);
  AddStandardHeaders(response, request_id);
  return response;
}

Response Router::Handle(std::string_view http_method, Request request) const {
  const std::string request_id = request.request_id;
  try {
    std::optional<Method> method = ParseMethod(http_method);
    bool path_matched = false;
    std::vector<Method> allowed;
    std::optional<size_t> index;
    if (method) {
      index = Match(*method, request.path, &path_matched, &allowed, &request.path_params);
    } else {
      Match(Method::kGet, request.path, &path_matched, &allowed, &request.path_params);
      request.path_params.clear();
    }
    if (!index) {
      if (!path_matched) {
        return ErrorResponse(
            Error(error_code::kRouteNotFound, 404, "no such API route; see the API documentation"),
            request_id);
      }
      std::vector<std::string> names;
      for (Method m : allowed) names.emplace_back(MethodName(m));
      std::sort(names.begin(), names.end());
      std::string allow = absl::StrJoin(names, ", ");
      Response response = ErrorResponse(
          Error(error_code::kMethodNotAllowed, 405,
                absl::StrCat("this route does not accept ", std::string(http_method.substr(0, 16)),
                             "; it accepts ", allow)),
          request_id);
      response.headers.emplace_back("Allow", allow);
      return response;
    }
    const Route& route = routes_[*index];
    request.method = route.method;

    size_t limit = BodyLimit(route);
    if (request.body.size() > limit) {
      return ErrorResponse(Error(error_code::kPayloadTooLarge, 413,
                                 absl::StrCat("the request body is ", request.body.size(),
                                              " bytes; this route accepts at most ", limit)),
                           request_id);
    }
    if (route.body == BodyKind::kJson) {
      if (request.body.empty()) {
        return ErrorResponse(
            Error(error_code::kMissingBody, 400, "this route needs a JSON request body"),
            request_id);
      }
      if (std::optional<std::string> type = request.Header("Content-Type")) {
        std::string media = MediaType(*type);
        if (media != "application/json" && !(media.size() > 5 && media.ends_with("+json"))) {
          return ErrorResponse(
              Error(error_code::kUnsupportedMediaType, 415, "send the body as application/json"),
              request_id);
        }
      }
      if (!IsValidUtf8(request.body)) {
        return ErrorResponse(
            Error(error_code::kInvalidUtf8, 400, "the request body is not valid UTF-8"),
            request_id);
      }
      JsonLimits limits;
      limits.max_bytes = limit;
      limits.max_depth = options_.max_json_depth;
      absl::StatusOr<Json> json = ParseJson(request.body, limits);
      if (!json.ok()) {
        bool too_deep = absl::IsResourceExhausted(json.status());
        return ErrorResponse(Error(too_deep ? error_code::kJsonTooDeep : error_code::kInvalidJson,
                                   400, std::string(json.status().message())),
                             request_id);
      }
      request.json = *std::move(json);
    }

    if (gate_) {
      absl::Status allowed_by_gate = gate_(route, request);
      if (!allowed_by_gate.ok()) return ErrorResponse(allowed_by_gate, request_id);
    }

    absl::StatusOr<Response> result = route.handler(request);
    if (!result.ok()) return ErrorResponse(result.status(), request_id);
    Response response = *std::move(result);
    AddStandardHeaders(response, request_id);
    return response;
  } catch (const std::exception& e) {
    spdlog::error("request {}: handler threw: {}", request_id, e.what());
  } catch (...) {
    spdlog::error("request {}: handler threw a non-standard exception", request_id);
  }
  try {
    return ErrorResponse(Error(error_code::kInternal, 500,
                               "internal error; the node's log has the details under this "
                               "request id"),
                         request_id);
  } catch (...) {
    // Building the error itself failed (out of memory): answer with a
    // fixed body rather than let the exception escape.
    Response response;
    response.status = 500;
    response.body = R"({"error":{"code":"internal","message":"internal error","request_id":""}})";
    return response;
  }
}

}  // namespace liaison::api
