#include "api/http_server.h"

#include <httplib.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <exception>

#include "absl/strings/str_cat.h"
#include "api/errors.h"
#include "common/listen_backlog.h"
#include "spdlog/spdlog.h"

namespace liaison::api {
namespace {

// Log text for a client-supplied path: at most 200 bytes, control characters
// and non-ASCII escaped, so a request cannot forge or break log lines.
std::string LoggablePath(std::string_view path) {
  std::string out;
  for (unsigned char c : path.substr(0, 200)) {
    if (c < 0x20 || c >= 0x7f || c == '\\') {
      absl::StrAppend(&out, "\\x", absl::Hex(c, absl::kZeroPad2));
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (path.size() > 200) out += "...";
  return out;
}

// The query part of the request target ("" when there is none).
std::string_view QueryOf(const httplib::Request& req) {
  std::string_view target = req.target;
  size_t question = target.find('?');
  return question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
}

// Query parameter names only: their values may be names of people.
std::string LoggableQueryKeys(const QueryParams& params) {
  std::string out;
  const std::string* previous = nullptr;
  for (const auto& [key, value] : params) {
    if (previous != nullptr && key == *previous) continue;
    previous = &key;
    absl::StrAppend(&out, out.empty() ? "?" : "&", LoggablePath(key));
  }
  return out;
}

std::string PeerOf(const httplib::Request& req) {
  if (req.remote_addr.empty()) return "unknown";
  if (req.remote_addr.find(':') != std::string::npos) {
    return absl::StrCat("[", req.remote_addr, "]:", req.remote_port);
  }
  return absl::StrCat(req.remote_addr, ":", req.remote_port);
}

// The default httplib socket options set SO_REUSEPORT, which would let a
// second process bind the node's port and take half its connections. Only
// SO_REUSEADDR, so a restarted node can bind while old connections linger.
void SetSocketOptions(int sock) {
  int yes = 1;
  setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
}

std::string TransportErrorCode(int status) {
  switch (status) {
    case 400:
      return std::string(error_code::kBadRequest);
    case 404:
      return std::string(error_code::kRouteNotFound);
    case 408:
      return std::string(error_code::kTimeout);
    case 413:
      return std::string(error_code::kPayloadTooLarge);
    case 414:
      return std::string(error_code::kUriTooLong);
    case 416:
      return std::string(error_code::kBadRequest);
    case 431:
      return std::string(error_code::kHeadersTooLarge);
    default:
      return status >= 500 ? std::string(error_code::kInternal)
                           : std::string(error_code::kBadRequest);
  }
}

std::string TransportErrorMessage(int status) {
  switch (status) {
    case 413:
      return "the request body is larger than any route of this API accepts";
    case 414:
      return "the request URI is too long";
    case 400:
      return "malformed HTTP request";
    default:
      return status >= 500 ? "internal error" : "the request could not be processed";
  }
}

}  // namespace

HttpServer::HttpServer(ServerOptions options, std::shared_ptr<const Router> router)
    : options_(std::move(options)),
      router_(std::move(router)),
      random_(options_.random != nullptr ? *options_.random : SystemRandom()) {}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Create(
    ServerOptions options, std::shared_ptr<const Router> router) {
  if (router == nullptr) return absl::InvalidArgumentError("the HTTP server needs a router");
  if (options.port < 0 || options.port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("port ", options.port, " is out of range"));
  }
  if (options.worker_threads < 1 || options.worker_threads > 1024) {
    return absl::InvalidArgumentError("worker_threads must be from 1 to 1024");
  }
  if (options.read_timeout <= absl::ZeroDuration() ||
      options.write_timeout <= absl::ZeroDuration() ||
      options.keep_alive_timeout <= absl::ZeroDuration() || options.keep_alive_max_requests < 1) {
    return absl::InvalidArgumentError("timeouts and keep-alive limits must be positive");
  }
  std::unique_ptr<HttpServer> server(new HttpServer(std::move(options), std::move(router)));
  HttpServer* self = server.get();
  server->server_ = std::make_unique<httplib::SSLServer>([self](SSL_CTX& ctx) {
    ERR_clear_error();
    SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(
        &ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    const std::string& cert_pem = self->options_.tls_cert_pem;
    const std::string& key_pem = self->options_.tls_key_pem;
    BIO* cert_bio = BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size()));
    X509* cert = cert_bio ? PEM_read_bio_X509(cert_bio, nullptr, nullptr, nullptr) : nullptr;
    BIO_free(cert_bio);
    BIO* key_bio = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
    EVP_PKEY* key = key_bio ? PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr) : nullptr;
    BIO_free(key_bio);
    bool ok = false;
    if (cert == nullptr) {
      self->tls_error_ = "the TLS certificate is not a PEM certificate";
    } else if (key == nullptr) {
      self->tls_error_ = "the TLS key is not a PEM private key";
    } else if (SSL_CTX_use_certificate(&ctx, cert) != 1 || SSL_CTX_use_PrivateKey(&ctx, key) != 1 ||
               SSL_CTX_check_private_key(&ctx) != 1) {
      self->tls_error_ = "the TLS key does not match the certificate";
    } else {
      ok = true;
    }
    X509_free(cert);
    EVP_PKEY_free(key);
    ERR_clear_error();
    return ok;
  });
  if (!server->server_->is_valid()) {
    return absl::InvalidArgumentError(server->tls_error_.empty() ? "cannot set up TLS"
                                                                 : server->tls_error_);
  }
  server->InstallHandlers();
  return server;
}

HttpServer::~HttpServer() { Shutdown(); }

void HttpServer::InstallHandlers() {
  httplib::SSLServer& s = *server_;
  auto to_seconds = [](absl::Duration d) { return absl::ToInt64Microseconds(d); };
  s.set_read_timeout(to_seconds(options_.read_timeout) / 1000000,
                     to_seconds(options_.read_timeout) % 1000000);
  s.set_write_timeout(to_seconds(options_.write_timeout) / 1000000,
                      to_seconds(options_.write_timeout) % 1000000);
  s.set_keep_alive_timeout(std::max<time_t>(1, absl::ToInt64Seconds(options_.keep_alive_timeout)));
  s.set_keep_alive_max_count(options_.keep_alive_max_requests);
  s.set_payload_max_length(router_->LargestBodyLimit());
  s.set_tcp_nodelay(true);
  s.set_socket_options([this](int sock) {
    SetSocketOptions(sock);
    listen_socket_ = sock;
  });
  const size_t threads = static_cast<size_t>(options_.worker_threads);
  s.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };

  // Every request goes to the Router, which does its own matching, so one
  // catch-all pattern per method. Methods with bodies use a content reader so
  // the body limit holds while reading: httplib enforces its payload limit
  // for Content-Length bodies but not for chunked ones.
  auto dispatch = [this](const httplib::Request& req, httplib::Response& res) {
    Dispatch(req, res, req.body, absl::OkStatus());
  };
  auto dispatch_with_body = httplib::Server::HandlerWithContentReader(
      [this](const httplib::Request& req, httplib::Response& res,
             const httplib::ContentReader& read_body) {
        ReadBodyAndDispatch(req, res, read_body);
      });
  s.Get(".*", dispatch);
  s.Options(".*", dispatch);
  s.Post(".*", dispatch_with_body);
  s.Put(".*", dispatch_with_body);
  s.Patch(".*", dispatch_with_body);
  s.Delete(".*", dispatch_with_body);

  // GET, HEAD and OPTIONS bodies would be read by httplib itself, without a
  // limit when chunked. The API has no use for them.
  s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    bool takes_body = req.method == "POST" || req.method == "PUT" || req.method == "PATCH" ||
                      req.method == "DELETE";
    if (takes_body || !req.has_header("Transfer-Encoding")) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    Dispatch(req, res, std::string(),
             Error(error_code::kBadRequest, 400,
                   absl::StrCat(req.method.substr(0, 16), " requests must not have a body")));
    return httplib::Server::HandlerResponse::Handled;
  });

  s.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) {
        return ReplyToTransportError(req, res) ? httplib::Server::HandlerResponse::Handled
                                               : httplib::Server::HandlerResponse::Unhandled;
      }));
  s.set_exception_handler(
      [this](const httplib::Request& req, httplib::Response& res, std::exception_ptr) {
        // Dispatch catches everything; this is the last line of defence.
        res.status = 500;
        ReplyToTransportError(req, res);
      });
}

template <typename ContentReader>
void HttpServer::ReadBodyAndDispatch(const httplib::Request& req, httplib::Response& res,
                                     const ContentReader& read_body) {
  absl::Status body_error;
  std::string body;
  try {
    const size_t route_limit = router_->BodyLimitFor(req.method, req.path);
    const size_t cap = std::max(route_limit, router_->LargestBodyLimit());
    size_t total = 0;
    // Keep at most `route_limit` bytes, but go on reading (and discarding)
    // up to `cap`, so a moderately oversized request leaves the connection
    // in a state where the next request can be read.
    auto receive = [&](const char* data, size_t n) {
      total += n;
      if (total > route_limit) {
        std::string().swap(body);
        return total <= cap;
      }
      body.append(data, n);
      return true;
    };
    bool complete;
    bool multipart = req.is_multipart_form_data();
    if (multipart) {
      complete = read_body([](const httplib::MultipartFormData&) { return true; }, receive);
    } else {
      complete = read_body(receive);
    }
    if (total > route_limit || (!complete && res.status == 413)) {
      body_error = Error(error_code::kPayloadTooLarge, 413,
                         absl::StrCat("the request body is larger than this route's limit of ",
                                      route_limit, " bytes"));
    } else if (!complete) {
      body_error = Error(error_code::kBadRequest, 400, "the request body could not be read");
    } else if (multipart) {
      body_error = Error(error_code::kUnsupportedMediaType, 415,
                         "multipart/form-data is not accepted; send JSON or the raw file");
    }
  } catch (const std::exception& e) {
    spdlog::error("reading a request body failed: {}", e.what());
    body_error = Error(error_code::kInternal, 500, "reading the request body failed");
  }
  if (!body_error.ok()) body.clear();
  Dispatch(req, res, std::move(body), body_error);
}

void HttpServer::Dispatch(const httplib::Request& req, httplib::Response& res, std::string body,
                          const absl::Status& body_error) {
  const auto start = std::chrono::steady_clock::now();
  std::string request_id;
  std::string method = req.method;
  // From the URL only: httplib also merges form-encoded bodies into
  // req.params, and bodies must neither pass for query parameters nor be
  // logged.
  QueryParams query;
  try {
    query = ParseQueryString(QueryOf(req));
    request_id = random_.NewId("req_");
    Response out;
    if (!body_error.ok()) {
      out = Router::ErrorResponse(body_error, request_id);
    } else if (req.headers.size() > options_.max_header_count) {
      out = Router::ErrorResponse(
          Error(error_code::kHeadersTooLarge, 431,
                absl::StrCat("the request has more than ", options_.max_header_count, " headers")),
          request_id);
    } else {
      Request request;
      request.path = req.path;
      request.query = query;
      request.headers.insert(req.headers.begin(), req.headers.end());
      request.body = std::move(body);
      request.request_id = request_id;
      request.peer = PeerOf(req);
      out = router_->Handle(req.method, std::move(request));
    }
    res.status = out.status;
    for (const auto& [name, value] : out.headers) res.set_header(name.c_str(), value);
    if (out.status != 204 && out.status != 304) {
      res.set_content(out.body, out.content_type.c_str());
    }
  } catch (...) {
    // Only allocation failures get here; answer without allocating much.
    res.status = 500;
    res.set_content(R"({"error":{"code":"internal","message":"internal error","request_id":""}})",
                    "application/json");
    res.set_header("X-Request-Id", request_id);
  }
  const double millis =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  spdlog::info("http method={} path={}{} status={} duration_ms={:.1f} request_id={} peer={}",
               LoggablePath(method), LoggablePath(req.path), LoggableQueryKeys(query), res.status,
               millis, request_id, PeerOf(req));
}

bool HttpServer::ReplyToTransportError(const httplib::Request& req, httplib::Response& res) {
  // Responses that went through Dispatch already carry their JSON body.
  if (res.has_header("X-Request-Id")) return false;
  try {
    std::string request_id = random_.NewId("req_");
    int status = res.status >= 400 ? res.status : 500;
    Response out = Router::ErrorResponse(
        Error(TransportErrorCode(status), status, TransportErrorMessage(status)), request_id);
    res.status = out.status;
    for (const auto& [name, value] : out.headers) res.set_header(name.c_str(), value);
    res.set_content(out.body, out.content_type.c_str());
    spdlog::info("http method={} path={} status={} request_id={} peer={} (rejected by transport)",
                 LoggablePath(req.method), LoggablePath(req.path), res.status, request_id,
                 PeerOf(req));
  } catch (...) {
    res.set_content(R"({"error":{"code":"internal","message":"internal error","request_id":""}})",
                    "application/json");
  }
  return true;
}

absl::StatusOr<int> HttpServer::Start() {
  absl::MutexLock lifecycle(&lifecycle_mutex_);
  if (started_) return absl::FailedPreconditionError("the HTTP server was already started");
  // A client that hangs up mid-response must not kill the node.
  std::signal(SIGPIPE, SIG_IGN);
  errno = 0;
  int port = -1;
  if (options_.port == 0) {
    port = server_->bind_to_any_port(options_.host);
  } else if (server_->bind_to_port(options_.host, options_.port)) {
    port = options_.port;
  }
  if (port <= 0) {
    int error = errno;
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options_.host, ":", options_.port,
                     error != 0 ? absl::StrCat(": ", std::strerror(error)) : std::string()));
  }
  // Officers signing in at once must not overflow httplib's backlog of 5
  // (each dropped connection waits a second); should widening fail, the
  // server still serves, only slower in a burst.
  (void)WidenListenBacklog(listen_socket_);
  started_ = true;
  {
    absl::MutexLock state(&state_mutex_);
    port_ = port;
    serving_ = true;
  }
  listener_ = std::thread([this] {
    bool clean = server_->listen_after_bind();
    if (!clean) spdlog::error("the HTTPS server stopped accepting connections unexpectedly");
    absl::MutexLock state(&state_mutex_);
    serving_ = false;
  });
  // httplib's stop() does nothing until the accept loop has started, so do not
  // return (and let anyone call Shutdown) before it has.
  while (!server_->is_running()) {
    {
      absl::MutexLock state(&state_mutex_);
      if (!serving_) break;
    }
    absl::SleepFor(absl::Milliseconds(1));
  }
  return port;
}

int HttpServer::port() const {
  absl::MutexLock state(&state_mutex_);
  return port_;
}

std::string HttpServer::url() const {
  int bound = port();
  if (options_.host.find(':') != std::string::npos) {
    return absl::StrCat("https://[", options_.host, "]:", bound);
  }
  return absl::StrCat("https://", options_.host, ":", bound);
}

bool HttpServer::IsServing() const {
  absl::MutexLock state(&state_mutex_);
  return serving_;
}

void HttpServer::Shutdown() {
  absl::MutexLock lifecycle(&lifecycle_mutex_);
  if (!started_ || !listener_.joinable()) return;
  // stop() closes the listening socket; the accept loop then shuts down the
  // thread pool, which runs every queued connection to completion before its
  // workers exit. Connections already being served finish their current
  // request and are not offered another.
  server_->stop();
  listener_.join();
  absl::MutexLock state(&state_mutex_);
  serving_ = false;
}

void HttpServer::Wait() {
  absl::MutexLock state(&state_mutex_);
  state_mutex_.Await(absl::Condition(
      +[](bool* serving) { return !*serving; }, &serving_));
}

}  // namespace liaison::api
