// The node's HTTPS server: cpp-httplib's SSLServer in front of a Router.
//
// It owns the transport concerns: TLS with the node's certificate, bind and
// accept, read/write/keep-alive timeouts, the global body cap (the largest
// limit any route allows), the worker thread pool, request ids, the access
// log, and turning httplib's own failures (malformed request, body over the
// cap, URI too long) into the same JSON error bodies the Router produces.
// It never logs bodies, query values or headers.
//
// Lifecycle: Create -> Start (binds, serves on background threads, returns
// the port) -> Shutdown (stops accepting; requests in flight complete; joins
// every thread). Shutdown is also what the destructor does.
//
// Thread-safety: Start, Shutdown, Wait and the accessors may be called from
// any thread; Shutdown and Wait block. None of them is async-signal-safe: a
// signal handler must hand over to a normal thread (see serve_command.cc).
#ifndef LIAISON_API_HTTP_SERVER_H_
#define LIAISON_API_HTTP_SERVER_H_

#include <cstddef>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "api/router.h"
#include "common/random.h"

namespace httplib {
class SSLServer;
struct Request;
struct Response;
}  // namespace httplib

namespace liaison::api {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: the operating system picks a free port
  std::string tls_cert_pem;
  std::string tls_key_pem;
  int worker_threads = 8;
  absl::Duration read_timeout = absl::Seconds(30);
  absl::Duration write_timeout = absl::Seconds(30);
  // An idle keep-alive connection is closed after this; it is also the
  // longest an idle connection can delay Shutdown.
  absl::Duration keep_alive_timeout = absl::Seconds(5);
  size_t keep_alive_max_requests = 100;
  size_t max_header_count = 100;
  // Source of request ids; must be safe for concurrent use. Null: the
  // system's secure random.
  Random* random = nullptr;
};

class HttpServer {
 public:
  // Prepares a server for `router` (which must not change afterwards).
  // Returns InvalidArgument when the certificate or key cannot be used
  // (unparseable, or the key does not match the certificate) or an option is
  // out of range.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Create(ServerOptions options,
                                                            std::shared_ptr<const Router> router);

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();

  // Binds the address and starts serving on background threads. Returns the
  // bound port; Unavailable when the address cannot be bound (in use, not a
  // local address), FailedPrecondition when called twice.
  absl::StatusOr<int> Start();

  // "https://HOST:PORT" once started.
  std::string url() const;
  int port() const;

  // True from a successful Start until the server stops (by Shutdown or
  // because accepting failed).
  bool IsServing() const;

  // Stops accepting connections, lets requests in flight finish, and joins
  // the server's threads. Idle keep-alive connections close within
  // keep_alive_timeout. Idempotent.
  void Shutdown();

  // Blocks until the server has stopped serving.
  void Wait();

 private:
  HttpServer(ServerOptions options, std::shared_ptr<const Router> router);

  void InstallHandlers();
  // Reads the body of a POST/PUT/PATCH/DELETE through `read_body` (a
  // httplib::ContentReader), never keeping more than the route's limit, then
  // dispatches.
  template <typename ContentReader>
  void ReadBodyAndDispatch(const httplib::Request& req, httplib::Response& res,
                           const ContentReader& read_body);
  // `body_error`, when not OK, is answered instead of dispatching.
  void Dispatch(const httplib::Request& req, httplib::Response& res, std::string body,
                const absl::Status& body_error);
  // Replaces an error httplib produced by itself with a JSON error body.
  bool ReplyToTransportError(const httplib::Request& req, httplib::Response& res);

  const ServerOptions options_;
  const std::shared_ptr<const Router> router_;
  Random& random_;
  std::unique_ptr<httplib::SSLServer> server_;
  std::string tls_error_;  // set by the TLS setup callback

  absl::Mutex lifecycle_mutex_;  // serialises Start and Shutdown
  std::thread listener_ ABSL_GUARDED_BY(lifecycle_mutex_);
  // The socket httplib listens on (set while Start binds).
  int listen_socket_ = -1;
  bool started_ ABSL_GUARDED_BY(lifecycle_mutex_) = false;

  mutable absl::Mutex state_mutex_;
  int port_ ABSL_GUARDED_BY(state_mutex_) = -1;
  bool serving_ ABSL_GUARDED_BY(state_mutex_) = false;
};

}  // namespace liaison::api

#endif  // LIAISON_API_HTTP_SERVER_H_
