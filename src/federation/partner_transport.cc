#include "federation/partner_transport.h"

#include <httplib.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>

#include "absl/time/time.h"
#include "common/absl_bridge.h"
#include "common/json_text.h"
#include "common/listen_backlog.h"
#include "common/status_macros.h"
#include "federation/strict_object.h"

namespace liaison::federation {
namespace {

// Only SO_REUSEADDR: httplib's default SO_REUSEPORT would let another process
// share the partner port.
void SetSocketOptions(int sock) {
  int yes = 1;
  setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
}

std::string RefusalBody(std::string_view code, std::string_view field, std::string_view message) {
  return DumpJson({{"error", std::string(code)},
                   {"field", std::string(field)},
                   {"message", std::string(message.substr(0, 500))}});
}

// The sender and message id an envelope names, when they can be read and
// have the documented form; for the refusal's audit entry only.
std::pair<std::string, std::string> NamedSenderAndId(std::string_view wire) {
  std::pair<std::string, std::string> out;
  absl::StatusOr<Json> json = ParseJson(wire, {.max_bytes = wire.size() + 1, .max_depth = 2});
  if (!json.ok() || !json->is_object()) return out;
  if (auto s = json->find("sender");
      s != json->end() && s->is_string() && IsLiaisonId(s->get<std::string>(), "node_")) {
    out.first = s->get<std::string>();
  }
  if (auto m = json->find("message_id");
      m != json->end() && m->is_string() && IsLiaisonId(m->get<std::string>(), "msg_")) {
    out.second = m->get<std::string>();
  }
  return out;
}

}  // namespace

void PartnerDirectory::Replace(std::vector<PartnerKeys> partners) {
  absl::MutexLock lock(&mutex_);
  absl::flat_hash_map<std::string, PartnerKeys> next;
  for (PartnerKeys& p : partners) next[p.node_id] = std::move(p);
  // Pin the new set first, then unpin what is gone, so that a partner that
  // stays is never briefly refused.
  for (const auto& [id, p] : next) pins_.Pin(p.fingerprint, id);
  for (const auto& [id, p] : partners_) {
    auto it = next.find(id);
    if (it == next.end() || it->second.fingerprint != p.fingerprint) pins_.Unpin(p.fingerprint);
  }
  // An unpinned fingerprint that another partner still uses must stay pinned.
  for (const auto& [id, p] : next) pins_.Pin(p.fingerprint, id);
  partners_ = std::move(next);
}

std::optional<PartnerKeys> PartnerDirectory::Find(std::string_view node_id) const {
  absl::MutexLock lock(&mutex_);
  auto it = partners_.find(std::string(node_id));
  if (it == partners_.end()) return std::nullopt;
  return it->second;
}

std::vector<PartnerKeys> PartnerDirectory::All() const {
  absl::MutexLock lock(&mutex_);
  std::vector<PartnerKeys> out;
  for (const auto& [id, p] : partners_) out.push_back(p);
  std::sort(out.begin(), out.end(),
            [](const PartnerKeys& a, const PartnerKeys& b) { return a.node_id < b.node_id; });
  return out;
}

int HttpStatusForRefusal(EnvelopeError error) {
  switch (error) {
    case EnvelopeError::kMalformed:
    case EnvelopeError::kUnsupportedVersion:
      return 400;
    case EnvelopeError::kUnknownSender:
    case EnvelopeError::kBadSignature:
    case EnvelopeError::kSenderMismatch:
      return 401;
    case EnvelopeError::kReplayed:
    case EnvelopeError::kReplayWindowExceeded:
      return 409;
    case EnvelopeError::kReplayGuardUnavailable:
      return 503;
    case EnvelopeError::kWrongRecipient:
    case EnvelopeError::kBodyHashMismatch:
    case EnvelopeError::kStale:
    case EnvelopeError::kFuture:
      return 422;
  }
  return 400;
}

absl::StatusOr<std::pair<std::string, int>> SplitEndpoint(std::string_view endpoint) {
  constexpr std::string_view kScheme = "https://";
  if (!endpoint.starts_with(kScheme)) {
    return absl::InvalidArgumentError(
        StrCat("endpoint '", endpoint, "' does not start with https://"));
  }
  std::string_view rest = endpoint.substr(kScheme.size());
  std::string host;
  std::string_view port_text;
  if (!rest.empty() && rest.front() == '[') {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) {
      return absl::InvalidArgumentError(StrCat("endpoint '", endpoint, "': unclosed ["));
    }
    host = std::string(rest.substr(1, close - 1));
    rest.remove_prefix(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        return absl::InvalidArgumentError(StrCat("endpoint '", endpoint, "': junk after host"));
      }
      port_text = rest.substr(1);
    }
  } else {
    size_t colon = rest.find(':');
    host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) port_text = rest.substr(colon + 1);
  }
  int port = 443;
  if (!port_text.empty() || endpoint.back() == ':') {
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 1 ||
        port > 65535) {
      return absl::InvalidArgumentError(StrCat("endpoint '", endpoint, "': bad port"));
    }
  }
  if (host.empty()) return absl::InvalidArgumentError(StrCat("endpoint '", endpoint, "': no host"));
  return std::make_pair(host, port);
}

// ---------------------------------------------------------------- server

PartnerServer::PartnerServer(PartnerServerOptions options, const PartnerDirectory& directory,
                             const audit::Signer& signer, const Clock& clock, Random& random,
                             ReplayGuard& guard, MessageHandler handler, RefusalObserver observer)
    : options_(std::move(options)),
      directory_(directory),
      signer_(signer),
      clock_(clock),
      random_(random),
      guard_(guard),
      handler_(std::move(handler)),
      observer_(std::move(observer)) {}

absl::StatusOr<std::unique_ptr<PartnerServer>> PartnerServer::Create(
    PartnerServerOptions options, const PartnerDirectory& directory, const audit::Signer& signer,
    const Clock& clock, Random& random, ReplayGuard& guard, MessageHandler handler,
    RefusalObserver observer) {
  if (options.worker_threads < 1 || options.worker_threads > 1024) {
    return absl::InvalidArgumentError("partner listener: worker_threads must be 1 to 1024");
  }
  std::unique_ptr<PartnerServer> server(new PartnerServer(std::move(options), directory, signer,
                                                          clock, random, guard, std::move(handler),
                                                          std::move(observer)));
  PartnerServer* self = server.get();
  std::string tls_error;
  server->server_ = std::make_unique<httplib::SSLServer>([self, &tls_error](SSL_CTX& ctx) {
    absl::Status s = ConfigurePinnedTls(&ctx, self->options_.identity, &self->directory_.pins());
    if (!s.ok()) tls_error = std::string(s.message());
    ERR_clear_error();
    return s.ok();
  });
  if (!server->server_->is_valid()) {
    return absl::InvalidArgumentError(
        StrCat("partner listener: ", tls_error.empty() ? "cannot set up TLS" : tls_error));
  }
  server->Install();
  return server;
}

PartnerServer::~PartnerServer() { Shutdown(); }

void PartnerServer::Install() {
  httplib::SSLServer& s = *server_;
  s.set_read_timeout(10, 0);
  s.set_write_timeout(10, 0);
  s.set_keep_alive_timeout(5);
  s.set_keep_alive_max_count(1000);
  s.set_payload_max_length(options_.max_body_bytes);
  s.set_tcp_nodelay(true);
  s.set_socket_options([this](int sock) {
    SetSocketOptions(sock);
    listen_socket_ = sock;
  });
  const size_t threads = static_cast<size_t>(options_.worker_threads);
  s.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  s.Post(std::string(kMessagesPath), [this](const httplib::Request& req, httplib::Response& res) {
    const int64_t received_ms = clock_.NowMillis();
    // The partner the handshake authenticated. Checked again per request, so
    // a partner removed while its connection stays open is refused too.
    std::optional<std::string> peer;
    if (absl::StatusOr<CertificateFingerprint> f = PeerFingerprint(req.ssl); f.ok()) {
      peer = directory_.pins().NodeIdOf(*f);
    }
    auto refuse = [&](const EnvelopeRefusal& refusal) {
      auto [sender, message_id] = NamedSenderAndId(req.body);
      if (observer_) observer_(refusal, sender, message_id);
      res.status = HttpStatusForRefusal(refusal.error);
      res.set_content(RefusalBody(EnvelopeErrorCode(refusal.error), refusal.field, refusal.message),
                      "application/json");
    };
    if (!peer) {
      refuse({EnvelopeError::kSenderMismatch, "sender",
              "the TLS certificate is no longer a registered partner's"});
      return;
    }
    OpenOptions open = options_.open;
    open.transport_peer = *peer;
    auto lookup = [this](std::string_view node_id) -> std::optional<std::string> {
      std::optional<PartnerKeys> p = directory_.Find(node_id);
      if (!p) return std::nullopt;
      return p->signing_public_key;
    };
    OpenResult opened = Open(req.body, options_.node_id, lookup, clock_, guard_, open);
    if (!opened.ok()) {
      refuse(opened.refusal());
      return;
    }
    absl::StatusOr<MessageReply> reply = handler_(opened.envelope(), received_ms);
    if (!reply.ok()) {
      std::string code = "unavailable";
      res.status = 503;
      if (absl::IsInvalidArgument(reply.status())) {
        code = "malformed_body";
        res.status = 422;
      } else if (absl::IsUnimplemented(reply.status())) {
        code = "unsupported_message_type";
        res.status = 422;
      }
      res.set_content(RefusalBody(code, "body", StdView(reply.status().message())),
                      "application/json");
      return;
    }
    absl::StatusOr<SealedEnvelope> sealed =
        Seal(reply->body,
             Addressing{reply->message_type, options_.node_id, opened.envelope().header.sender},
             signer_, clock_, random_);
    if (!sealed.ok()) {
      res.status = 500;
      res.set_content(RefusalBody("internal", "", "the reply could not be sealed"),
                      "application/json");
      return;
    }
    res.status = 200;
    res.set_content(sealed->wire, "application/json");
  });
}

absl::StatusOr<int> PartnerServer::Start() {
  absl::MutexLock lock(&lifecycle_mutex_);
  if (listener_.joinable())
    return absl::FailedPreconditionError("partner listener already started");
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
    return absl::UnavailableError(StrCat("cannot listen for partners on ", options_.host, ":",
                                         options_.port,
                                         error != 0 ? StrCat(": ", std::strerror(error)) : ""));
  }
  // A burst of first queries must not overflow httplib's backlog of 5.
  // Should widening fail, the listener still serves, only slower in a burst.
  (void)WidenListenBacklog(listen_socket_);
  port_ = port;
  listener_ = std::thread([this] { server_->listen_after_bind(); });
  while (!server_->is_running()) absl::SleepFor(absl::Milliseconds(1));
  return port;
}

void PartnerServer::Shutdown() {
  absl::MutexLock lock(&lifecycle_mutex_);
  if (!listener_.joinable()) return;
  server_->stop();
  listener_.join();
}

std::string PartnerServer::url() const {
  if (options_.host.find(':') != std::string::npos) {
    return StrCat("https://[", options_.host, "]:", port_);
  }
  return StrCat("https://", options_.host, ":", port_);
}

// ---------------------------------------------------------------- client

// Idle connections to one partner, pinned to that partner's certificate only.
struct PartnerClient::Pool {
  PartnerKeys partner;
  std::string host;
  int port = 0;
  PinnedCertificates pins;  // declared before the clients that point at it
  absl::Mutex mutex;
  std::vector<std::unique_ptr<httplib::SSLClient>> idle ABSL_GUARDED_BY(mutex);
  size_t in_use ABSL_GUARDED_BY(mutex) = 0;  // connections taken by sends
};

namespace {

// A send's claim on one of a partner's connections, given back when it ends.
class ConnectionSlot {
 public:
  ConnectionSlot(absl::Mutex& mutex, size_t& in_use) : mutex_(mutex), in_use_(in_use) {}
  ~ConnectionSlot() {
    if (!held_) return;
    absl::MutexLock lock(&mutex_);
    --in_use_;
  }
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;

  // Waits until fewer than `max` are in use, then takes one; false on timeout.
  bool Acquire(size_t max, absl::Duration timeout) {
    absl::MutexLock lock(&mutex_);
    auto free = [this, max] { return in_use_ < max; };
    if (!mutex_.AwaitWithTimeout(absl::Condition(&free), timeout)) return false;
    ++in_use_;
    held_ = true;
    return true;
  }

 private:
  absl::Mutex& mutex_;
  size_t& in_use_;
  bool held_ = false;
};

}  // namespace

PartnerClient::PartnerClient(PartnerClientOptions options, const PartnerDirectory& directory,
                             const audit::Signer& signer, const Clock& clock, Random& random,
                             ReplayGuard& reply_guard)
    : options_(std::move(options)),
      directory_(directory),
      signer_(signer),
      clock_(clock),
      random_(random),
      reply_guard_(reply_guard) {
  std::signal(SIGPIPE, SIG_IGN);
}

PartnerClient::~PartnerClient() = default;

std::shared_ptr<PartnerClient::Pool> PartnerClient::PoolFor(const PartnerKeys& partner) {
  absl::MutexLock lock(&mutex_);
  std::shared_ptr<Pool>& pool = pools_[partner.node_id];
  if (pool == nullptr || pool->partner.endpoint != partner.endpoint ||
      pool->partner.fingerprint != partner.fingerprint) {
    auto fresh = std::make_shared<Pool>();
    fresh->partner = partner;
    fresh->pins.Pin(partner.fingerprint, partner.node_id);
    if (auto split = SplitEndpoint(partner.endpoint); split.ok()) {
      fresh->host = split->first;
      fresh->port = split->second;
    }
    pool = std::move(fresh);
  }
  return pool;
}

absl::StatusOr<PartnerClient::Sent> PartnerClient::Send(std::string_view partner_id,
                                                        std::string_view message_type,
                                                        std::string_view body,
                                                        SendFailure* failure) {
  SendFailure ignored;
  if (failure == nullptr) failure = &ignored;
  *failure = SendFailure::kUnreachable;
  std::optional<PartnerKeys> partner = directory_.Find(partner_id);
  if (!partner) return absl::NotFoundError(StrCat("no registered partner ", partner_id));
  std::shared_ptr<Pool> pool = PoolFor(*partner);
  if (pool->host.empty()) {
    return absl::FailedPreconditionError(
        StrCat("partner ", partner_id, " has an unusable endpoint '", partner->endpoint, "'"));
  }
  ConnectionSlot slot(pool->mutex, pool->in_use);
  if (!slot.Acquire(std::max<size_t>(1, options_.max_connections_per_partner),
                    options_.connect_timeout)) {
    return absl::UnavailableError(
        StrCat("partner ", partner_id, ": all ", options_.max_connections_per_partner,
               " connections stayed busy for ", absl::FormatDuration(options_.connect_timeout)));
  }
  // One attempt: a new envelope (a retry is never the same envelope, section
  // 4.3) on an idle kept-alive connection if there is one, else a new one.
  SealedEnvelope sealed;
  std::unique_ptr<httplib::SSLClient> client;
  bool reused = false;
  auto attempt = [&]() -> absl::StatusOr<httplib::Result> {
    ASSIGN_OR_RETURN(
        sealed,
        Seal(body, Addressing{std::string(message_type), options_.node_id, std::string(partner_id)},
             signer_, clock_, random_));
    client.reset();
    reused = false;
    {
      absl::MutexLock lock(&pool->mutex);
      if (!pool->idle.empty()) {
        client = std::move(pool->idle.back());
        pool->idle.pop_back();
        reused = true;
      }
    }
    if (client == nullptr) {
      client = std::make_unique<httplib::SSLClient>(pool->host, pool->port);
      // httplib's own verification wants a CA chain and a host name; the pin
      // (ConfigurePinnedTls) replaces it.
      client->enable_server_certificate_verification(false);
      RETURN_IF_ERROR(ConfigurePinnedTls(client->ssl_context(), options_.identity, &pool->pins));
      auto usec = [](absl::Duration d) { return absl::ToInt64Microseconds(d); };
      client->set_connection_timeout(usec(options_.connect_timeout) / 1000000,
                                     usec(options_.connect_timeout) % 1000000);
      client->set_read_timeout(usec(options_.read_timeout) / 1000000,
                               usec(options_.read_timeout) % 1000000);
      client->set_write_timeout(usec(options_.read_timeout) / 1000000,
                                usec(options_.read_timeout) % 1000000);
      client->set_keep_alive(true);
      client->set_tcp_nodelay(true);
    }
    httplib::Result r = client->Post(std::string(kMessagesPath), sealed.wire, "application/json");
    ERR_clear_error();
    return r;
  };
  ASSIGN_OR_RETURN(httplib::Result result, attempt());
  // A kept-alive connection the partner closed meanwhile (idle timeout,
  // request limit) fails at once; one new connection is tried.
  if (!result && reused) {
    ASSIGN_OR_RETURN(result, attempt());
  }
  if (!result) {
    return absl::UnavailableError(StrCat("partner ", partner_id, " is unreachable at ",
                                         partner->endpoint, ": ",
                                         httplib::to_string(result.error())));
  }
  const int status = result->status;
  std::string reply_text = std::move(result->body);
  {
    absl::MutexLock lock(&pool->mutex);
    if (pool->idle.size() < options_.max_idle_connections_per_partner) {
      pool->idle.push_back(std::move(client));
    }
  }
  if (status != 200) {
    *failure = SendFailure::kRefused;
    std::string code = "unknown";
    std::string message;
    if (absl::StatusOr<Json> j = ParseJson(reply_text, {.max_bytes = 64 * 1024, .max_depth = 4});
        j.ok() && j->is_object()) {
      if (auto c = j->find("error"); c != j->end() && c->is_string()) code = c->get<std::string>();
      if (auto m = j->find("message"); m != j->end() && m->is_string()) {
        message = m->get<std::string>().substr(0, 300);
      }
    }
    return absl::FailedPreconditionError(StrCat("partner ", partner_id,
                                                " refused the message: ", code, " (HTTP ", status,
                                                ")", message.empty() ? "" : ": ", message));
  }
  OpenOptions open = options_.open;
  open.transport_peer = std::string(partner_id);
  auto lookup = [&](std::string_view node_id) -> std::optional<std::string> {
    if (node_id != partner_id) return std::nullopt;
    return partner->signing_public_key;
  };
  OpenResult opened = Open(reply_text, options_.node_id, lookup, clock_, reply_guard_, open);
  if (!opened.ok()) {
    *failure = SendFailure::kBadReply;
    return absl::UnauthenticatedError(StrCat("the reply of partner ", partner_id, " was refused: ",
                                             EnvelopeErrorCode(opened.refusal().error), ": ",
                                             opened.refusal().message));
  }
  return Sent{sealed.header.message_id, std::move(opened.envelope())};
}

}  // namespace liaison::federation
