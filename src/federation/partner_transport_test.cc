#include "federation/partner_transport.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>

#include "common/listen_backlog.h"
#include "node/node_keys.h"

namespace liaison::federation {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kLahore = "node_01J9ZQ4M7K3T8V2W6X5Y0A1B2C";
constexpr std::string_view kRome = "node_01J9ZQ5N8P4V9W3X7Y6Z1B2C3D";
constexpr std::string_view kStranger = "node_01J9ZQ6P9Q5W0X4Y8Z7A2C3D4E";

node::NodeKeys MakeKeys(std::string_view node_id, Random& random) {
  node::CertificateSubject subject;
  subject.node_id = std::string(node_id);
  subject.agency = "Test Agency";
  subject.country = "PK";
  return *node::NodeKeys::Generate(subject, RealClock(), random);
}

struct TestNode {
  TestNode(uint64_t seed, std::string_view node_id)
      : id(node_id),
        random(seed),
        keys(MakeKeys(node_id, random)),
        signing(audit::SigningKey::Generate(random)) {}
  TlsIdentity Identity() const { return {keys.tls_cert_pem(), keys.tls_key_pem()}; }
  PartnerKeys AsPartner(int port) const {
    PartnerKeys p;
    p.node_id = id;
    p.endpoint = "https://127.0.0.1:" + std::to_string(port);
    auto pk = signing.public_key();
    p.signing_public_key.assign(reinterpret_cast<const char*>(pk.data()), pk.size());
    p.fingerprint = *FingerprintOfCertificatePem(keys.tls_cert_pem());
    return p;
  }
  std::string id;
  SeededRandom random;
  node::NodeKeys keys;
  audit::SigningKey signing;
};

// Rome listens; Lahore (and a stranger) send.
class PartnerTransportTest : public ::testing::Test {
 protected:
  void StartRome() {
    PartnerServerOptions options;
    options.node_id = rome_.id;
    options.identity = rome_.Identity();
    options.worker_threads = 2;
    auto server = PartnerServer::Create(
        options, rome_directory_, rome_.signing, RealClock(), rome_.random, rome_guard_,
        [this](const OpenedEnvelope& envelope, int64_t) -> absl::StatusOr<MessageReply> {
          handled_.fetch_add(1);
          if (envelope.header.message_type != "echo") return absl::UnimplementedError("no");
          return MessageReply{"echo_reply", "got " + envelope.body};
        },
        [this](const EnvelopeRefusal& refusal, std::string_view, std::string_view) {
          refusals_.push_back(std::string(EnvelopeErrorCode(refusal.error)));
        });
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    auto port = server_->Start();
    ASSERT_TRUE(port.ok()) << port.status();
    port_ = *port;
    rome_directory_.Replace({lahore_.AsPartner(1)});
    lahore_directory_.Replace({rome_.AsPartner(port_)});
  }

  std::unique_ptr<PartnerClient> ClientOf(TestNode& node, PartnerDirectory& directory,
                                          size_t max_connections = 2) {
    PartnerClientOptions options;
    options.node_id = node.id;
    options.identity = node.Identity();
    options.connect_timeout = absl::Seconds(5);
    options.read_timeout = absl::Seconds(3);
    // Rome's listener has 2 threads; a kept-alive connection holds one.
    options.max_connections_per_partner = max_connections;
    return std::make_unique<PartnerClient>(options, directory, node.signing, RealClock(),
                                           node.random, reply_guard_);
  }

  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  TestNode lahore_{1, kLahore};
  TestNode rome_{2, kRome};
  TestNode stranger_{3, kStranger};
  PartnerDirectory rome_directory_;
  PartnerDirectory lahore_directory_;
  InMemoryReplayGuard rome_guard_;
  InMemoryReplayGuard reply_guard_;
  std::unique_ptr<PartnerServer> server_;
  int port_ = 0;
  std::atomic<int> handled_{0};
  std::vector<std::string> refusals_;
};

TEST_F(PartnerTransportTest, SignedMessageAndSignedReplyOverPinnedTls) {
  StartRome();
  auto client = ClientOf(lahore_, lahore_directory_);
  auto sent = client->Send(kRome, "echo", "hello");
  ASSERT_TRUE(sent.ok()) << sent.status();
  EXPECT_EQ(sent->reply.body, "got hello");
  EXPECT_EQ(sent->reply.header.sender, kRome);
  EXPECT_EQ(sent->reply.header.message_type, "echo_reply");
  // A second message reuses the connection and still works.
  EXPECT_TRUE(client->Send(kRome, "echo", "again").ok());
  EXPECT_EQ(handled_.load(), 2);
}

// Regression: with more officers sending at once than the partner's
// listener had threads, the extra kept-alive connections were never served
// and their sends failed after the timeout. Sends now wait for one of at
// most max_connections_per_partner connections (with 16 here, this fails).
TEST_F(PartnerTransportTest, MoreConcurrentSendsThanListenerThreadsAllSucceed) {
  StartRome();
  auto client = ClientOf(lahore_, lahore_directory_, /*max_connections=*/2);
  constexpr int kSenders = 8, kEach = 5;
  std::vector<std::thread> senders;
  std::atomic<int> failed{0};
  std::vector<std::string> errors(kSenders);
  for (int t = 0; t < kSenders; ++t) {
    senders.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto sent = client->Send(kRome, "echo", "m" + std::to_string(t * kEach + i));
        if (!sent.ok()) {
          ++failed;
          errors[t] = std::string(sent.status().message());
        }
      }
    });
  }
  for (std::thread& t : senders) t.join();
  EXPECT_EQ(failed.load(), 0) << errors[0] << " " << errors[kSenders - 1];
  EXPECT_EQ(handled_.load(), kSenders * kEach);
}

// Regression: the listener kept cpp-httplib's backlog of 5, so a burst of
// officers' first queries overflowed it and some waited a second for the
// client's SYN retransmission.
TEST_F(PartnerTransportTest, ListenerQueuesABurstOfNewConnections) {
  StartRome();
  EXPECT_GE(ListenBacklogOfPort(port_), 128);
}

TEST_F(PartnerTransportTest, UnregisteredCertificateNeverReachesTheHandler) {
  StartRome();
  // The stranger knows Rome's pin, but Rome does not know the stranger.
  PartnerDirectory stranger_directory;
  stranger_directory.Replace({rome_.AsPartner(port_)});
  auto client = ClientOf(stranger_, stranger_directory);
  SendFailure failure;
  auto sent = client->Send(kRome, "echo", "hello", &failure);
  EXPECT_FALSE(sent.ok());
  EXPECT_EQ(failure, SendFailure::kUnreachable);
  EXPECT_EQ(handled_.load(), 0);
  EXPECT_GE(rome_directory_.pins().refused_count(), 1u);
}

TEST_F(PartnerTransportTest, ARemovedPartnerIsRefused) {
  StartRome();
  auto client = ClientOf(lahore_, lahore_directory_);
  ASSERT_TRUE(client->Send(kRome, "echo", "hello").ok());
  rome_directory_.Replace({});
  auto sent = client->Send(kRome, "echo", "hello");
  EXPECT_FALSE(sent.ok());
  EXPECT_EQ(handled_.load(), 1);
}

TEST_F(PartnerTransportTest, UnknownMessageTypeIsAClearRefusal) {
  StartRome();
  auto client = ClientOf(lahore_, lahore_directory_);
  SendFailure failure;
  auto sent = client->Send(kRome, "mystery", "x", &failure);
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(failure, SendFailure::kRefused);
  EXPECT_THAT(sent.status().message(), HasSubstr("unsupported_message_type"));
}

TEST_F(PartnerTransportTest, OfflinePartnerIsUnreachable) {
  lahore_directory_.Replace({rome_.AsPartner(1)});  // nothing listens on port 1
  auto client = ClientOf(lahore_, lahore_directory_);
  SendFailure failure;
  auto sent = client->Send(kRome, "echo", "x", &failure);
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(failure, SendFailure::kUnreachable);
  EXPECT_THAT(sent.status().message(), HasSubstr("unreachable"));
}

TEST(SplitEndpointTest, HostsAndPorts) {
  EXPECT_EQ(*SplitEndpoint("https://lahore.example:8444"),
            std::make_pair(std::string("lahore.example"), 8444));
  EXPECT_EQ(*SplitEndpoint("https://[::1]:9000"), std::make_pair(std::string("::1"), 9000));
  EXPECT_EQ(*SplitEndpoint("https://rome.example"),
            std::make_pair(std::string("rome.example"), 443));
  EXPECT_FALSE(SplitEndpoint("http://x:1").ok());
  EXPECT_FALSE(SplitEndpoint("https://x:0").ok());
  EXPECT_FALSE(SplitEndpoint("https://x:").ok());
}

TEST(RefusalStatusTest, DocumentedHttpStatuses) {
  EXPECT_EQ(HttpStatusForRefusal(EnvelopeError::kMalformed), 400);
  EXPECT_EQ(HttpStatusForRefusal(EnvelopeError::kBadSignature), 401);
  EXPECT_EQ(HttpStatusForRefusal(EnvelopeError::kReplayed), 409);
  EXPECT_EQ(HttpStatusForRefusal(EnvelopeError::kStale), 422);
  EXPECT_EQ(HttpStatusForRefusal(EnvelopeError::kReplayGuardUnavailable), 503);
}

}  // namespace
}  // namespace liaison::federation
