// The HTTP exchange between partner nodes (docs/protocol.md section 7): one
// route, POST /federation/v1/messages, over pinned mutual TLS 1.3, carrying
// one signed envelope each way.
//
// - PartnerDirectory: the registered partners the node's transport knows
//   (node id, endpoint, certificate pin, signing key), kept current by the
//   node; its PinnedCertificates decide every handshake.
// - PartnerServer: the partner listener. A peer whose certificate is not
//   pinned fails the handshake (no application code runs); an envelope is
//   opened with federation::Open, the connection's pinned partner as the
//   transport peer; refusals go to a RefusalObserver (the node audits them)
//   and are answered 4xx with the wire code; accepted envelopes go to a
//   MessageHandler, whose reply is sealed and answered 200.
// - PartnerClient: sends an envelope to one partner and opens its reply,
//   over connections pinned to that partner's certificate only.
//
// Thread-safety: all three are safe for concurrent use.
#ifndef LIAISON_FEDERATION_PARTNER_TRANSPORT_H_
#define LIAISON_FEDERATION_PARTNER_TRANSPORT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "audit/checkpoint.h"
#include "common/clock.h"
#include "common/random.h"
#include "federation/envelope.h"
#include "federation/replay_guard.h"
#include "federation/tls_pinning.h"

namespace httplib {
class SSLServer;
class SSLClient;
}  // namespace httplib

namespace liaison::federation {

inline constexpr std::string_view kMessagesPath = "/federation/v1/messages";

struct PartnerKeys {
  std::string node_id;
  std::string endpoint;            // "https://HOST[:PORT]"
  std::string signing_public_key;  // raw 32 bytes
  CertificateFingerprint fingerprint{};
};

class PartnerDirectory {
 public:
  // Replaces the set of partners (and the pins) with `partners`.
  void Replace(std::vector<PartnerKeys> partners);
  std::optional<PartnerKeys> Find(std::string_view node_id) const;
  std::vector<PartnerKeys> All() const;
  const PinnedCertificates& pins() const { return pins_; }

 private:
  mutable absl::Mutex mutex_;
  absl::flat_hash_map<std::string, PartnerKeys> partners_ ABSL_GUARDED_BY(mutex_);
  PinnedCertificates pins_;
};

// HTTP status for a refusal code (section 7).
int HttpStatusForRefusal(EnvelopeError error);

struct MessageReply {
  std::string message_type;
  std::string body;
};

// Handles an accepted envelope; returns the reply to seal, or an error
// (InvalidArgument: the body is not the documented form, answered 422 as
// "malformed_body"; Unimplemented: an unknown message type, 422
// "unsupported_message_type"; others 503 "unavailable").
using MessageHandler = std::function<absl::StatusOr<MessageReply>(const OpenedEnvelope& envelope,
                                                                  int64_t received_ms)>;

// Told about every refused envelope: the refusal, and the sender and message
// id the envelope named when they could be read ("" otherwise).
using RefusalObserver = std::function<void(const EnvelopeRefusal& refusal, std::string_view sender,
                                           std::string_view message_id)>;

struct PartnerServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string node_id;  // this node
  TlsIdentity identity;
  int worker_threads = 8;
  size_t max_body_bytes = 1 << 20;
  OpenOptions open;  // transport_peer is set per connection
};

class PartnerServer {
 public:
  // `directory`, `signer`, `clock`, `random` and `guard` must outlive the
  // server. InvalidArgument when the TLS identity cannot be used.
  static absl::StatusOr<std::unique_ptr<PartnerServer>> Create(
      PartnerServerOptions options, const PartnerDirectory& directory, const audit::Signer& signer,
      const Clock& clock, Random& random, ReplayGuard& guard, MessageHandler handler,
      RefusalObserver observer);
  ~PartnerServer();
  PartnerServer(const PartnerServer&) = delete;
  PartnerServer& operator=(const PartnerServer&) = delete;

  // Binds and serves on background threads; returns the port. Unavailable
  // when the address cannot be bound.
  absl::StatusOr<int> Start();
  // Stops accepting and lets requests in flight finish. Idempotent.
  void Shutdown();
  std::string url() const;

 private:
  PartnerServer(PartnerServerOptions options, const PartnerDirectory& directory,
                const audit::Signer& signer, const Clock& clock, Random& random, ReplayGuard& guard,
                MessageHandler handler, RefusalObserver observer);
  void Install();

  const PartnerServerOptions options_;
  const PartnerDirectory& directory_;
  const audit::Signer& signer_;
  const Clock& clock_;
  Random& random_;
  ReplayGuard& guard_;
  const MessageHandler handler_;
  const RefusalObserver observer_;
  std::unique_ptr<httplib::SSLServer> server_;
  std::thread listener_;
  int port_ = 0;
  // The socket httplib last created to listen on (set while Start binds).
  int listen_socket_ = -1;
  absl::Mutex lifecycle_mutex_;
};

// Why a send failed, for the officer and the audit log.
enum class SendFailure {
  kUnreachable,  // no connection, TLS refused, timeout
  kRefused,      // the partner answered with a refusal (4xx/5xx)
  kBadReply,     // the reply envelope failed our checks
};

struct PartnerClientOptions {
  std::string node_id;  // this node
  TlsIdentity identity;
  absl::Duration connect_timeout = absl::Seconds(5);
  absl::Duration read_timeout = absl::Seconds(10);
  OpenOptions open;  // for the replies
  size_t max_idle_connections_per_partner = 32;
  // Connections open to one partner at once. A send beyond it waits (up to
  // connect_timeout) for one to come free, so that a burst of officers'
  // queries never opens more connections than the partner's listener has
  // threads to serve (a connection it cannot serve would wait unanswered).
  size_t max_connections_per_partner = 32;
};

class PartnerClient {
 public:
  // Everything must outlive the client. `reply_guard` remembers replies.
  PartnerClient(PartnerClientOptions options, const PartnerDirectory& directory,
                const audit::Signer& signer, const Clock& clock, Random& random,
                ReplayGuard& reply_guard);
  ~PartnerClient();

  struct Sent {
    std::string message_id;  // of the envelope sent
    OpenedEnvelope reply;
  };
  // Seals `body` as `message_type` to `partner`, posts it, and opens the
  // reply. Errors: NotFound for a partner not in the directory;
  // Unavailable "partner ... is unreachable at ...: ..." when no answer came
  // (connection refused, TLS handshake refused, timeout); FailedPrecondition
  // "partner ... refused the message: <code> ..." when it answered a
  // refusal; Unauthenticated "the reply of partner ...: <code> ..." when the
  // reply failed our checks. `failure` (may be null) says which.
  absl::StatusOr<Sent> Send(std::string_view partner, std::string_view message_type,
                            std::string_view body, SendFailure* failure = nullptr);

 private:
  struct Pool;
  std::shared_ptr<Pool> PoolFor(const PartnerKeys& partner);

  const PartnerClientOptions options_;
  const PartnerDirectory& directory_;
  const audit::Signer& signer_;
  const Clock& clock_;
  Random& random_;
  ReplayGuard& reply_guard_;
  absl::Mutex mutex_;
  absl::flat_hash_map<std::string, std::shared_ptr<Pool>> pools_ ABSL_GUARDED_BY(mutex_);
};

// Splits "https://HOST[:PORT]" into host (without IPv6 brackets) and port
// (443 when absent). InvalidArgument otherwise.
absl::StatusOr<std::pair<std::string, int>> SplitEndpoint(std::string_view endpoint);

}  // namespace liaison::federation

#endif  // LIAISON_FEDERATION_PARTNER_TRANSPORT_H_
