// The officers' web interface, served by the node itself: the built files of
// web/ (web/dist, or any directory given to `liaison serve --web-root`) are
// loaded into memory once at start-up and answered at `/` and their own
// paths, next to the API under /api/v1.
//
// Every file is public (it holds no personal data: the interface fetches that
// from the API after sign-in) and goes out with a strict Content-Security-
// Policy (same-origin scripts, styles, images and fetches only; no inline
// script, no framing), an ETag, and a cache policy: content-hashed files
// under assets/ are cached for a year, everything else is revalidated.
//
// Thread-safety: WebAppFiles is immutable after LoadWebApp; the routes only
// read it.
#ifndef LIAISON_API_WEB_APP_H_
#define LIAISON_API_WEB_APP_H_

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "api/router.h"

namespace liaison::api {

// The policy every web interface file is served with.
inline constexpr std::string_view kWebContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

struct WebFile {
  std::string content_type;
  std::string body;
  std::string etag;           // quoted, e.g. "\"3f2a...-1234\""
  std::string cache_control;  // "no-cache" or a long max-age for hashed assets
};

struct WebAppFiles {
  std::string root;                      // the directory the files came from
  std::map<std::string, WebFile> files;  // "/index.html", "/assets/index-abc.js", ...
};

struct WebAppLimits {
  size_t max_files = 2000;
  size_t max_file_bytes = 16 << 20;
  size_t max_total_bytes = 64 << 20;
};

// The content type for a file name, by its extension (text types with
// charset=utf-8); application/octet-stream when unknown.
std::string WebContentType(std::string_view file_name);

// Reads every regular file under `root` (recursively; hidden files and
// symbolic links are skipped). Returns NotFound when `root` is not a
// directory or has no index.html, ResourceExhausted when a limit is passed,
// InvalidArgument for a file name a route cannot carry, and the I/O error
// when a file cannot be read.
absl::StatusOr<WebAppFiles> LoadWebApp(const std::string& root, WebAppLimits limits = {});

// Adds a public GET route for each file and for `/` (index.html). Returns
// the error Router::Add gives (a file path that clashes with another route).
absl::Status RegisterWebAppRoutes(Router& router, std::shared_ptr<const WebAppFiles> files);

}  // namespace liaison::api

#endif  // LIAISON_API_WEB_APP_H_
