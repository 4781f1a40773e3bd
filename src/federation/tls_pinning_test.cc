#include "federation/tls_pinning.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <memory>
#include <thread>

#include "node/node_keys.h"

namespace liaison::federation {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kLahoreId = "node_01J9ZQ4M7K3T8V2W6X5Y0A1B2C";
constexpr std::string_view kRomeId = "node_01J9ZQ5N8P4V9W3X7Y6Z1B2C3D";
constexpr std::string_view kStrangerId = "node_01J9ZQ6P9Q5W0X4Y8Z7A2C3D4E";

struct CtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using CtxPtr = std::unique_ptr<SSL_CTX, CtxFree>;

node::NodeKeys MakeKeys(uint64_t seed, std::string_view node_id) {
  // Real time: OpenSSL checks nothing about dates here, but keep the
  // certificates ordinary.
  SeededRandom random(seed);
  node::CertificateSubject subject;
  subject.node_id = std::string(node_id);
  subject.agency = "Test Agency";
  subject.country = "PK";
  auto keys = node::NodeKeys::Generate(subject, RealClock(), random);
  EXPECT_TRUE(keys.ok()) << keys.status();
  return *std::move(keys);
}

TlsIdentity IdentityOf(const node::NodeKeys& keys) {
  return TlsIdentity{keys.tls_cert_pem(), keys.tls_key_pem()};
}

CertificateFingerprint FingerprintOf(const node::NodeKeys& keys) {
  auto fingerprint = FingerprintOfCertificatePem(keys.tls_cert_pem());
  EXPECT_TRUE(fingerprint.ok()) << fingerprint.status();
  return *fingerprint;
}

void SetTimeouts(int fd) {
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
}

// A TCP listener on 127.0.0.1, port chosen by the kernel.
class Listener {
 public:
  Listener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(listen(fd_, 4), 0);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~Listener() { close(fd_); }
  int fd() const { return fd_; }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

struct ServerOutcome {
  bool handshake_ok = false;
  std::string received;  // application bytes read from the client
  std::optional<std::string> peer_node;
};

// Accepts one connection and, if the handshake succeeds, reads one line and
// answers "pong\n".
ServerOutcome ServeOne(SSL_CTX* ctx, int listen_fd, const PinnedCertificates& pins) {
  ServerOutcome outcome;
  int conn = accept(listen_fd, nullptr, nullptr);
  if (conn < 0) return outcome;
  SetTimeouts(conn);
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, conn);
  if (SSL_accept(ssl) == 1) {
    outcome.handshake_ok = true;
    if (auto fingerprint = PeerFingerprint(ssl); fingerprint.ok()) {
      outcome.peer_node = pins.NodeIdOf(*fingerprint);
    }
    char buffer[64];
    int n = SSL_read(ssl, buffer, sizeof buffer);
    if (n > 0) outcome.received.assign(buffer, static_cast<size_t>(n));
    SSL_write(ssl, "pong\n", 5);
    SSL_shutdown(ssl);
  }
  ERR_clear_error();
  SSL_free(ssl);
  close(conn);
  return outcome;
}

struct ClientOutcome {
  bool handshake_ok = false;
  std::string reply;
};

ClientOutcome ConnectAndPing(SSL_CTX* ctx, int port) {
  ClientOutcome outcome;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  SetTimeouts(fd);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return outcome;
  }
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  if (SSL_connect(ssl) == 1) {
    outcome.handshake_ok = true;
    // In TLS 1.3 the client finishes its handshake before the server has
    // judged the client's certificate, so the write may "succeed"; the server
    // then refuses the connection without reading it.
    SSL_write(ssl, "ping\n", 5);
    char buffer[64];
    int n = SSL_read(ssl, buffer, sizeof buffer);
    if (n > 0) outcome.reply.assign(buffer, static_cast<size_t>(n));
  }
  ERR_clear_error();
  SSL_free(ssl);
  close(fd);
  return outcome;
}

class TlsPinningTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { std::signal(SIGPIPE, SIG_IGN); }

  void SetUp() override {
    // Lahore serves, Rome connects; each pins the other.
    lahore_pins_.Pin(FingerprintOf(rome_), std::string(kRomeId));
    rome_pins_.Pin(FingerprintOf(lahore_), std::string(kLahoreId));
  }

  static CtxPtr PinnedCtx(bool server, const node::NodeKeys& keys, const PinnedCertificates& pins) {
    CtxPtr ctx(SSL_CTX_new(server ? TLS_server_method() : TLS_client_method()));
    absl::Status status = ConfigurePinnedTls(ctx.get(), IdentityOf(keys), &pins);
    EXPECT_TRUE(status.ok()) << status;
    return ctx;
  }

  // One connection from `client` to `server` over loopback.
  std::pair<ServerOutcome, ClientOutcome> Exchange(SSL_CTX* server, SSL_CTX* client) {
    Listener listener;
    ServerOutcome server_outcome;
    std::thread serving([&] { server_outcome = ServeOne(server, listener.fd(), lahore_pins_); });
    ClientOutcome client_outcome = ConnectAndPing(client, listener.port());
    serving.join();
    return {server_outcome, client_outcome};
  }

  node::NodeKeys lahore_ = MakeKeys(1, kLahoreId);
  node::NodeKeys rome_ = MakeKeys(2, kRomeId);
  node::NodeKeys stranger_ = MakeKeys(3, kStrangerId);
  PinnedCertificates lahore_pins_;
  PinnedCertificates rome_pins_;
};

TEST_F(TlsPinningTest, PinnedPeersCompleteTheHandshakeAndKnowEachOther) {
  CtxPtr server = PinnedCtx(true, lahore_, lahore_pins_);
  CtxPtr client = PinnedCtx(false, rome_, rome_pins_);
  auto [served, connected] = Exchange(server.get(), client.get());
  EXPECT_TRUE(served.handshake_ok);
  EXPECT_TRUE(connected.handshake_ok);
  EXPECT_EQ(served.received, "ping\n");
  EXPECT_EQ(connected.reply, "pong\n");
  EXPECT_EQ(served.peer_node, kRomeId);
  EXPECT_EQ(lahore_pins_.refused_count(), 0u);
}

TEST_F(TlsPinningTest, UnpinnedClientCertificateIsRefusedBeforeAnyApplicationByte) {
  CtxPtr server = PinnedCtx(true, lahore_, lahore_pins_);
  CtxPtr client = PinnedCtx(false, stranger_, rome_pins_);  // trusts Lahore, is not trusted
  auto [served, connected] = Exchange(server.get(), client.get());
  EXPECT_FALSE(served.handshake_ok);
  EXPECT_EQ(served.received, "");
  EXPECT_EQ(connected.reply, "");
  EXPECT_EQ(lahore_pins_.refused_count(), 1u);
  ASSERT_TRUE(lahore_pins_.last_refused().has_value());
  EXPECT_EQ(*lahore_pins_.last_refused(), FingerprintOf(stranger_));
}

TEST_F(TlsPinningTest, UnpinnedServerCertificateIsRefusedByTheClient) {
  CtxPtr server = PinnedCtx(true, stranger_, lahore_pins_);  // impersonates Lahore's endpoint
  CtxPtr client = PinnedCtx(false, rome_, rome_pins_);
  auto [served, connected] = Exchange(server.get(), client.get());
  EXPECT_FALSE(connected.handshake_ok);
  EXPECT_FALSE(served.handshake_ok);
  EXPECT_EQ(served.received, "");
  EXPECT_EQ(rome_pins_.refused_count(), 1u);
}

TEST_F(TlsPinningTest, ClientWithoutCertificateIsRefused) {
  CtxPtr server = PinnedCtx(true, lahore_, lahore_pins_);
  CtxPtr client(SSL_CTX_new(TLS_client_method()));
  SSL_CTX_set_min_proto_version(client.get(), TLS1_3_VERSION);
  SSL_CTX_set_verify(client.get(), SSL_VERIFY_NONE, nullptr);
  auto [served, connected] = Exchange(server.get(), client.get());
  EXPECT_FALSE(served.handshake_ok);
  EXPECT_EQ(served.received, "");
  EXPECT_EQ(connected.reply, "");
}

TEST_F(TlsPinningTest, Tls12IsRefusedEvenWithAPinnedCertificate) {
  CtxPtr server = PinnedCtx(true, lahore_, lahore_pins_);
  CtxPtr client = PinnedCtx(false, rome_, rome_pins_);
  SSL_CTX_set_min_proto_version(client.get(), TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(client.get(), TLS1_2_VERSION);
  auto [served, connected] = Exchange(server.get(), client.get());
  EXPECT_FALSE(served.handshake_ok);
  EXPECT_FALSE(connected.handshake_ok);
  EXPECT_EQ(served.received, "");
}

TEST_F(TlsPinningTest, UnpinningTakesEffectForTheNextConnection) {
  CtxPtr server = PinnedCtx(true, lahore_, lahore_pins_);
  CtxPtr client = PinnedCtx(false, rome_, rome_pins_);
  EXPECT_TRUE(Exchange(server.get(), client.get()).first.handshake_ok);
  lahore_pins_.Unpin(FingerprintOf(rome_));
  auto [served, connected] = Exchange(server.get(), client.get());
  EXPECT_FALSE(served.handshake_ok);
  EXPECT_EQ(served.received, "");
}

TEST_F(TlsPinningTest, FingerprintMatchesTheNodeKeysColonForm) {
  EXPECT_EQ(ColonFingerprint(FingerprintOf(lahore_)), lahore_.tls_fingerprint());
}

TEST_F(TlsPinningTest, ConfigureRefusesAKeyThatIsNotTheCertificates) {
  CtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  TlsIdentity mixed{lahore_.tls_cert_pem(), rome_.tls_key_pem()};
  absl::Status status = ConfigurePinnedTls(ctx.get(), mixed, &lahore_pins_);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("do not belong together"));
  EXPECT_FALSE(ConfigurePinnedTls(ctx.get(), IdentityOf(lahore_), nullptr).ok());
}

TEST(CertificatePemTest, OnlyOneCertificateAndNothingElse) {
  node::NodeKeys keys = MakeKeys(4, kLahoreId);
  EXPECT_TRUE(CertificateDerFromPem(keys.tls_cert_pem()).ok());
  EXPECT_FALSE(CertificateDerFromPem(keys.tls_cert_pem() + keys.tls_cert_pem()).ok());
  EXPECT_FALSE(CertificateDerFromPem("junk\n" + keys.tls_cert_pem()).ok());
  EXPECT_FALSE(CertificateDerFromPem(keys.tls_key_pem()).ok());
  EXPECT_FALSE(CertificateDerFromPem("").ok());
  std::string corrupt = keys.tls_cert_pem();
  corrupt[40] = corrupt[40] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(FingerprintOfCertificatePem(corrupt).ok() &&
               *FingerprintOfCertificatePem(corrupt) ==
                   *FingerprintOfCertificatePem(keys.tls_cert_pem()));
}

// The same pinning inside cpp-httplib, the node's HTTPS library: the
// SSLServer's SSL_CTX setup callback and the SSLClient's ssl_context().
class HttplibPinningTest : public TlsPinningTest {
 protected:
  void StartServer() {
    server_ = std::make_unique<httplib::SSLServer>([this](SSL_CTX& ctx) {
      return ConfigurePinnedTls(&ctx, IdentityOf(lahore_), &lahore_pins_).ok();
    });
    ASSERT_TRUE(server_->is_valid());
    server_->Post(
        "/federation/v1/messages", [this](const httplib::Request& req, httplib::Response& res) {
          handled_.fetch_add(1);
          auto fingerprint = PeerFingerprint(req.ssl);
          std::optional<std::string> peer =
              fingerprint.ok() ? lahore_pins_.NodeIdOf(*fingerprint) : std::nullopt;
          res.set_content("hello " + peer.value_or("nobody") + ", got " + req.body, "text/plain");
        });
    port_ = server_->bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }

  void TearDown() override {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
  }

  httplib::Result Post(const node::NodeKeys& keys, const PinnedCertificates& pins) {
    httplib::SSLClient client("127.0.0.1", port_);
    // httplib's own check wants a CA chain and a host name; the pin replaces it.
    client.enable_server_certificate_verification(false);
    absl::Status status = ConfigurePinnedTls(client.ssl_context(), IdentityOf(keys), &pins);
    EXPECT_TRUE(status.ok()) << status;
    client.set_connection_timeout(5);
    client.set_read_timeout(5);
    return client.Post("/federation/v1/messages", "ping", "application/octet-stream");
  }

  std::unique_ptr<httplib::SSLServer> server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> handled_{0};
};

TEST_F(HttplibPinningTest, PinnedClientIsServedAndIdentifiedByItsCertificate) {
  StartServer();
  httplib::Result result = Post(rome_, rome_pins_);
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, "hello " + std::string(kRomeId) + ", got ping");
}

TEST_F(HttplibPinningTest, UnpinnedClientNeverReachesAHandler) {
  StartServer();
  httplib::Result result = Post(stranger_, rome_pins_);
  EXPECT_FALSE(result && result->status == 200);
  EXPECT_EQ(handled_.load(), 0);
  EXPECT_EQ(lahore_pins_.refused_count(), 1u);
}

TEST_F(HttplibPinningTest, ClientRefusesAServerItHasNotPinned) {
  StartServer();
  PinnedCertificates trusts_only_stranger;
  trusts_only_stranger.Pin(FingerprintOf(stranger_), std::string(kStrangerId));
  httplib::Result result = Post(rome_, trusts_only_stranger);
  EXPECT_FALSE(result);
  EXPECT_EQ(handled_.load(), 0);
  EXPECT_EQ(trusts_only_stranger.refused_count(), 1u);
}

}  // namespace
}  // namespace liaison::federation
