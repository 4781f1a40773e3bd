#include "api/web_app.h"

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <system_error>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"

namespace liaison::api {
namespace {

namespace fs = std::filesystem;

// A file name a route segment can carry: printable ASCII, no braces (route
// parameters), no empty segment. Vite names its output this way.
bool IsServableName(std::string_view segment) {
  if (segment.empty() || segment == "." || segment == "..") return false;
  for (unsigned char c : segment) {
    if (c <= 0x20 || c >= 0x7f || c == '{' || c == '}' || c == '%' || c == '?' || c == '#') {
      return false;
    }
  }
  return true;
}

absl::StatusOr<std::string> ReadWhole(const fs::path& path, size_t max_bytes) {
  std::error_code ec;
  uintmax_t size = fs::file_size(path, ec);
  if (ec) return absl::NotFoundError(absl::StrCat(path.string(), ": ", ec.message()));
  if (size > max_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        path.string(), " is ", size, " bytes; a web file may have at most ", max_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path.string()));
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat("cannot read ", path.string()));
  return std::move(out).str();
}

Response FileResponse(const WebFile& file, const Request& request) {
  Response response;
  if (std::optional<std::string> match = request.Header("If-None-Match");
      match && absl::StrContains(*match, file.etag)) {
    response.status = 304;
    response.content_type.clear();
  } else {
    response = Response::Bytes(file.body, file.content_type);
  }
  response.headers.emplace_back("ETag", file.etag);
  response.headers.emplace_back("Cache-Control", file.cache_control);
  response.headers.emplace_back("Content-Security-Policy", std::string(kWebContentSecurityPolicy));
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
  response.headers.emplace_back("Cross-Origin-Resource-Policy", "same-origin");
  return response;
}

}  // namespace

std::string WebContentType(std::string_view file_name) {
  size_t dot = file_name.rfind('.');
  std::string ext =
      dot == std::string_view::npos ? "" : absl::AsciiStrToLower(AbslView(file_name.substr(dot)));
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const auto& [suffix, type] : kTypes) {
    if (ext == suffix) return type;
  }
  return "application/octet-stream";
}

absl::StatusOr<WebAppFiles> LoadWebApp(const std::string& root, WebAppLimits limits) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    return absl::NotFoundError(
        absl::StrCat("the web interface directory ", root,
                     " does not exist; build it with `npm ci && npm run build` in web/"));
  }
  WebAppFiles out;
  out.root = root;
  size_t total = 0;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec);
  if (ec) return absl::NotFoundError(absl::StrCat(root, ": ", ec.message()));
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return absl::NotFoundError(absl::StrCat(root, ": ", ec.message()));
    const fs::directory_entry& entry = *it;
    std::string name = entry.path().filename().string();
    if (name.starts_with(".")) {
      if (entry.is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (entry.is_symlink() || !entry.is_regular_file()) continue;
    std::string relative = entry.path().lexically_relative(root).generic_string();
    std::string url;
    for (absl::string_view piece : absl::StrSplit(relative, '/')) {
      std::string_view segment = StdView(piece);
      if (!IsServableName(segment)) {
        return absl::InvalidArgumentError(
            absl::StrCat("web file ", relative, ": the name cannot be served as a URL path"));
      }
      absl::StrAppend(&url, "/", piece);
    }
    if (out.files.size() >= limits.max_files) {
      return absl::ResourceExhaustedError(
          absl::StrCat(root, " has more than ", limits.max_files, " files"));
    }
    ASSIGN_OR_RETURN(std::string body, ReadWhole(entry.path(), limits.max_file_bytes));
    total += body.size();
    if (total > limits.max_total_bytes) {
      return absl::ResourceExhaustedError(
          absl::StrCat(root, " holds more than ", limits.max_total_bytes, " bytes"));
    }
    WebFile file;
    file.content_type = WebContentType(name);
    file.etag =
        absl::StrCat("\"", absl::Hex(std::hash<std::string>{}(body)), "-", body.size(), "\"");
    // Vite names what it writes under assets/ by content hash: safe to keep.
    file.cache_control =
        relative.starts_with("assets/") ? "public, max-age=31536000, immutable" : "no-cache";
    file.body = std::move(body);
    out.files.emplace(std::move(url), std::move(file));
  }
  if (!out.files.contains("/index.html")) {
    return absl::NotFoundError(absl::StrCat(root, " has no index.html"));
  }
  return out;
}

absl::Status RegisterWebAppRoutes(Router& router, std::shared_ptr<const WebAppFiles> files) {
  if (files == nullptr) return absl::InvalidArgumentError("no web interface files");
  const WebFile* index = &files->files.at("/index.html");
  RETURN_IF_ERROR(
      router.Add({.method = Method::kGet,
                  .pattern = "/",
                  .permission = std::string(kPublicPermission),
                  .handler = [files, index](const Request& req) -> absl::StatusOr<Response> {
                    return FileResponse(*index, req);
                  },
                  .summary = "The officers' web interface"}));
  for (const auto& [path, file] : files->files) {
    const WebFile* f = &file;
    RETURN_IF_ERROR(
        router.Add({.method = Method::kGet,
                    .pattern = path,
                    .permission = std::string(kPublicPermission),
                    .handler = [files, f](const Request& req) -> absl::StatusOr<Response> {
                      return FileResponse(*f, req);
                    },
                    .summary = "A file of the web interface"}));
  }
  return absl::OkStatus();
}

}  // namespace liaison::api
