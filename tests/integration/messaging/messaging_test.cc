// Case messaging between two real nodes, Lahore and Rome, each its own
// `liaison serve` process with its own data directory and keys, over pinned
// mutual TLS on loopback: messages committed to Lahore's outbox by
// `liaison message send` are delivered by Lahore's delivery worker and
// committed by Rome; nothing is lost or delivered twice when Rome is
// offline, when either node (or both) is killed with SIGKILL at random
// moments, when Rome's disk is full, when a request is truncated, or when
// something answering on Rome's address talks garbage.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "access/node_signer.h"
#include "child_process.h"
#include "common/json_text.h"
#include "federation/case_messages.h"
#include "federation/envelope.h"
#include "federation/tls_pinning.h"
#include "node/node_keys.h"

namespace liaison {
namespace {

using ::testing::HasSubstr;

using integration::ChildProcess;
using integration::ExitCode;

std::string Binary() { return integration::LiaisonBinary(); }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct RunResult {
  int exit_code = -1;
  std::string out;
};

struct Node {
  std::string name;
  std::string dir;
  std::string id;
  int partner_port = 0;
  std::string log;  // this node's serve stderr
  std::unique_ptr<ChildProcess> serve;
  std::string Endpoint() const { return "https://127.0.0.1:" + std::to_string(partner_port); }
};

// The content hash of a message as shown by `liaison case show --json`,
// recomputed from its content (docs/protocol.md 8.2).
std::string RecomputedHash(const Json& m) {
  federation::CaseMessageItem item;
  item.id = m["id"].get<std::string>();
  item.case_id = m["case_id"].get<std::string>();
  item.handling_code = m["handling_code"].get<std::string>();
  item.text = m["text"].get<std::string>();
  for (const Json& e : m["entities"]) {
    item.entities.push_back({e["type"].get<std::string>(), e["body"]});
  }
  for (const Json& a : m["attachments"]) {
    federation::AttachmentInfo info;
    info.sha256 = a["sha256"].get<std::string>();
    item.attachments.push_back(info);
  }
  return federation::CaseMessageContentHash(item);
}

class MessagingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(Binary().empty()) << "LIAISON_BINARY is not set";
    std::string pattern = ::testing::TempDir() + "/messaging_test_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    log_ = root_ + "/cli.log";
    Init(lahore_, "lahore", "Punjab Police", "PK");
    Init(rome_, "rome", "Polizia di Stato", "IT");
    ExchangeBundles();
    SetAgreement(rome_, lahore_);
    SetAgreement(lahore_, rome_);
    Serve(lahore_);
    Serve(rome_);
  }

  void TearDown() override {
    for (Node* n : {&lahore_, &rome_}) Stop(*n);
    if (HasFailure()) {
      for (const std::string& f : {log_, lahore_.log, rome_.log}) {
        std::cerr << "--- " << f << " ---\n" << ReadFile(f);
      }
    }
    std::filesystem::remove_all(root_);
  }

  RunResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), Binary());
    ChildProcess p(args, {.stderr_path = log_, .stdin_null = true});
    RunResult r;
    r.out = p.ReadAll();
    r.exit_code = ExitCode(p.Wait());
    return r;
  }

  Json RunJson(std::vector<std::string> args) {
    args.push_back("--json");
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    absl::StatusOr<Json> json = ParseJson(r.out, {.max_bytes = size_t{64} << 20});
    EXPECT_TRUE(json.ok()) << json.status() << " in " << r.out.substr(0, 200);
    return json.ok() ? *json : Json::object();
  }

  void Init(Node& node, std::string name, std::string agency, std::string country) {
    node.name = name;
    node.dir = root_ + "/" + name;
    node.log = root_ + "/" + name + ".log";
    node.partner_port = integration::FreeLoopbackPort();
    RunResult r = Run({"init", "--data", node.dir, "--agency", agency, "--country", country});
    ASSERT_EQ(r.exit_code, 0) << r.out;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.out, m, std::regex("created node (node_[0-9A-Z]{26})")));
    node.id = m[1].str();
  }

  void ExchangeBundles() {
    for (Node* n : {&lahore_, &rome_}) {
      ASSERT_EQ(Run({"partner", "export", "--data", n->dir, "--out",
                     root_ + "/" + n->name + ".bundle.json", "--endpoint", n->Endpoint()})
                    .exit_code,
                0);
    }
    for (auto [self, other] : {std::pair{&lahore_, &rome_}, std::pair{&rome_, &lahore_}}) {
      ASSERT_EQ(Run({"partner", "add", "--data", self->dir,
                     root_ + "/" + other->name + ".bundle.json", "--yes"})
                    .exit_code,
                0);
    }
  }

  void SetAgreement(Node& owner, Node& partner) {
    ASSERT_EQ(Run({"agreement", "set", "--data", owner.dir, "--partner", partner.id,
                   "--crime-areas", "narcotics,terrorism", "--max-handling-code", "H2"})
                  .exit_code,
              0);
  }

  // Starts `liaison serve` for `node` and waits for both address lines.
  void Serve(Node& node, ChildProcess::Options options = {}) {
    if (options.stderr_path.empty()) options.stderr_path = node.log;
    options.stdin_null = true;
    node.serve = std::make_unique<ChildProcess>(
        std::vector<std::string>{Binary(), "serve", "--data", node.dir, "--listen", "127.0.0.1:0",
                                 "--partner-listen",
                                 "127.0.0.1:" + std::to_string(node.partner_port)},
        options);
    std::optional<std::string> api = node.serve->ReadLine();
    ASSERT_TRUE(api.has_value()) << node.name << " did not start";
    std::optional<std::string> partner = node.serve->ReadLine();
    ASSERT_TRUE(partner.has_value()) << node.name << " has no partner endpoint";
    ASSERT_EQ(*partner, "partner endpoint listening on " + node.Endpoint());
  }

  void Stop(Node& node, int signal_number = SIGTERM) {
    if (!node.serve) return;
    node.serve->Signal(signal_number);
    node.serve->Wait();
    node.serve.reset();
  }

  std::string OpenCase(const std::string& title = "Courier network") {
    Json j =
        RunJson({"case", "open", "--data", lahore_.dir, "--partner", rome_.id, "--title", title,
                 "--crime-area", "narcotics", "--handling-code", "H2", "--our-ref", "LHR-2026-41"});
    return j["case"]["id"].get<std::string>();
  }

  // Sends `text` in `case_id` from Lahore; returns the message id.
  std::string Send(const std::string& case_id, const std::string& text) {
    Json j = RunJson({"message", "send", "--data", lahore_.dir, "--case", case_id, "--text", text});
    return j["message"]["id"].get<std::string>();
  }

  // The messages of `case_id` on `node`, in the order it committed them
  // (empty when the node does not have the case).
  Json Thread(Node& node, const std::string& case_id) {
    RunResult r = Run({"case", "show", "--data", node.dir, case_id, "--json"});
    if (r.exit_code != 0) return Json::array();
    absl::StatusOr<Json> json = ParseJson(r.out, {.max_bytes = size_t{64} << 20});
    EXPECT_TRUE(json.ok()) << json.status() << " in " << r.out.substr(0, 200);
    return json.ok() ? (*json)["case"]["messages"] : Json::array();
  }

  int64_t Pending(Node& node) {
    Json j = RunJson({"message", "outbox", "--data", node.dir});
    int64_t n = 0;
    for (const Json& p : j["outbox"]) n += p["pending"].get<int64_t>();
    return n;
  }

  // Waits until Lahore's outbox is empty and Rome holds `expected` messages
  // of the case; false after `limit`.
  bool WaitForDelivery(const std::string& case_id, size_t expected,
                       absl::Duration limit = absl::Seconds(60)) {
    const absl::Time deadline = absl::Now() + limit;
    while (absl::Now() < deadline) {
      if (Pending(lahore_) == 0 && Thread(rome_, case_id).size() == expected) return true;
      absl::SleepFor(absl::Milliseconds(200));
    }
    return false;
  }

  // Every message of `case_id` is on both nodes exactly once, delivered on
  // Lahore, with the same content hash, which is its content's; `ids` (the
  // messages the test was told were queued) are all among them. Rome holds
  // them in Lahore's order.
  void ExpectExactlyOnceOnBothSides(const std::string& case_id,
                                    const std::vector<std::string>& ids) {
    Json ours = Thread(lahore_, case_id);
    Json theirs = Thread(rome_, case_id);
    std::map<std::string, std::string> our_hash;
    std::vector<std::string> our_order;
    for (const Json& m : ours) {
      const std::string id = m["id"].get<std::string>();
      EXPECT_TRUE(our_hash.emplace(id, m["content_sha256"].get<std::string>()).second) << id;
      EXPECT_EQ(m["delivery"], "delivered") << id;
      EXPECT_EQ(m["content_sha256"].get<std::string>(), RecomputedHash(m)) << id;
      our_order.push_back(id);
    }
    std::set<std::string> seen;
    std::vector<std::string> their_order;
    for (const Json& m : theirs) {
      const std::string id = m["id"].get<std::string>();
      EXPECT_TRUE(seen.insert(id).second) << id << " is twice on Rome";
      ASSERT_TRUE(our_hash.contains(id)) << id << " is on Rome only";
      EXPECT_EQ(m["content_sha256"].get<std::string>(), our_hash[id]) << id;
      EXPECT_EQ(m["content_sha256"].get<std::string>(), RecomputedHash(m)) << id;
      their_order.push_back(id);
    }
    EXPECT_EQ(their_order, our_order) << "Rome holds the thread in another order";
    for (const std::string& id : ids) EXPECT_TRUE(seen.contains(id)) << id << " never arrived";
  }

  std::string root_;
  std::string log_;
  Node lahore_;
  Node rome_;
};

TEST_F(MessagingTest, AMessageIsDeliveredCommittedOnBothSidesAndReadReceiptsComeBack) {
  const std::string case_id = OpenCase();
  const std::string first = Send(case_id, "Please confirm the travel of the courier on 3 March.");
  const std::string second = Send(case_id, "Also the phone he used.");
  ASSERT_TRUE(WaitForDelivery(case_id, 2));
  ExpectExactlyOnceOnBothSides(case_id, {first, second});

  // Rome sees the case with Lahore's reference as theirs, and the messages
  // unread in its inbox.
  Json cases = RunJson({"case", "list", "--data", rome_.dir});
  ASSERT_EQ(cases["cases"].size(), 1u);
  EXPECT_EQ(cases["cases"][0]["their_ref"], "LHR-2026-41");
  EXPECT_EQ(cases["cases"][0]["origin"], "partner");
  Json inbox = RunJson({"message", "inbox", "--data", rome_.dir, "--unread"});
  EXPECT_EQ(inbox["messages"].size(), 2u);

  // Rome reads and answers the first; the receipts travel back to Lahore.
  ASSERT_EQ(Run({"message", "read", "--data", rome_.dir, first}).exit_code, 0);
  ASSERT_EQ(Run({"message", "answered", "--data", rome_.dir, first}).exit_code, 0);
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  Json mine;
  while (absl::Now() < deadline) {
    mine = Thread(lahore_, case_id);
    if (mine.size() == 2 && mine[0]["read_ms"].get<int64_t>() > 0 &&
        mine[0]["answered_ms"].get<int64_t>() > 0) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_GT(mine[0]["read_ms"].get<int64_t>(), 0);
  EXPECT_GT(mine[0]["answered_ms"].get<int64_t>(), 0);
  EXPECT_EQ(mine[1]["read_ms"].get<int64_t>(), 0);

  // Both sides audited: sent and delivered on Lahore, received and read on Rome.
  for (auto [node, actions] :
       {std::pair{&lahore_,
                  std::vector<std::string>{"case_opened", "message_sent", "message_delivered"}},
        std::pair{&rome_, std::vector<std::string>{"message_received", "message_read"}}}) {
    std::string file = root_ + "/" + node->name + "-audit.jsonl";
    ASSERT_EQ(Run({"audit", "export", "--data", node->dir, "--out", file}).exit_code, 0);
    std::string audit = ReadFile(file);
    for (const std::string& action : actions) {
      EXPECT_THAT(audit, HasSubstr("\"" + action + "\"")) << node->name;
    }
  }
}

TEST_F(MessagingTest, APartnerOfflineReceivesEverythingInOrderWhenItReturns) {
  const std::string case_id = OpenCase();
  // Let the case itself reach Rome first, so that what is pending below is
  // exactly what was sent while Rome was away (regression: the case item
  // was sometimes delivered before Rome stopped, sometimes not).
  const absl::Time until = absl::Now() + absl::Seconds(30);
  while (Pending(lahore_) != 0 && absl::Now() < until) absl::SleepFor(absl::Milliseconds(100));
  ASSERT_EQ(Pending(lahore_), 0);
  Stop(rome_);
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i)
    ids.push_back(Send(case_id, "while Rome was away #" + std::to_string(i)));
  absl::SleepFor(absl::Seconds(1));
  EXPECT_EQ(Pending(lahore_), 20);  // the 20 messages
  Serve(rome_);
  ASSERT_TRUE(WaitForDelivery(case_id, 20));
  ExpectExactlyOnceOnBothSides(case_id, ids);
  Json theirs = Thread(rome_, case_id);
  for (size_t i = 0; i < theirs.size(); ++i) {
    EXPECT_EQ(theirs[i]["thread_seq"].get<int64_t>(), static_cast<int64_t>(i + 1));
  }
  EXPECT_THAT(ReadFile(lahore_.log), HasSubstr("kept pending"));
}

TEST_F(MessagingTest, RandomSigkillsOfSenderReceiverOrBothLoseNothingAndDuplicateNothing) {
  const std::string case_id = OpenCase();
  const unsigned seed = static_cast<unsigned>(absl::ToUnixMicros(absl::Now()));
  std::cerr << "fault loop seed " << seed << "\n";
  std::mt19937 random(seed);
  std::vector<std::string> ids;
  int kills = 0;
  for (int i = 0; i < 40; ++i) {
    ids.push_back(Send(case_id, "fault loop message " + std::to_string(i)));
    absl::SleepFor(absl::Milliseconds(random() % 120));
    switch (random() % 6) {
      case 0:
        Stop(lahore_, SIGKILL);
        Serve(lahore_);
        ++kills;
        break;
      case 1:
        Stop(rome_, SIGKILL);
        Serve(rome_);
        ++kills;
        break;
      case 2:
        Stop(lahore_, SIGKILL);
        Stop(rome_, SIGKILL);
        Serve(rome_);
        Serve(lahore_);
        ++kills;
        break;
      default:
        break;
    }
  }
  std::cerr << kills << " kill rounds\n";
  ASSERT_TRUE(WaitForDelivery(case_id, ids.size()));
  ExpectExactlyOnceOnBothSides(case_id, ids);
}

TEST_F(MessagingTest, AFullDiskOnTheReceiverKeepsMessagesPendingUntilItHasRoom) {
  const std::string case_id = OpenCase();
  ASSERT_TRUE(WaitForDelivery(case_id, 0));
  // Rome restarts unable to write files past a little more than its
  // database: commits fail (EFBIG, as on a full disk).
  Stop(rome_);
  const auto db_size = std::filesystem::file_size(rome_.dir + "/liaison.db");
  const std::string full_log = root_ + "/rome-full.log";
  Serve(rome_,
        {.stderr_path = full_log, .max_file_bytes = static_cast<long long>(db_size) + 256 * 1024});
  std::vector<std::string> ids;
  const std::string big(30 * 1024, 'x');
  for (int i = 0; i < 40; ++i) ids.push_back(Send(case_id, "message " + std::to_string(i) + big));
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (absl::Now() < deadline && ReadFile(full_log).find("not committed") == std::string::npos) {
    absl::SleepFor(absl::Milliseconds(200));
  }
  EXPECT_THAT(ReadFile(full_log), HasSubstr("not committed"));
  EXPECT_GT(Pending(lahore_), 0);
  EXPECT_LT(Thread(rome_, case_id).size(), ids.size());
  EXPECT_THAT(ReadFile(lahore_.log), HasSubstr("kept pending"));

  // Room again: everything arrives, once.
  Stop(rome_);
  Serve(rome_);
  ASSERT_TRUE(WaitForDelivery(case_id, ids.size()));
  ExpectExactlyOnceOnBothSides(case_id, ids);
}

// Talks to Rome's partner port as Lahore (Lahore's certificate and key).
class RawPartner {
 public:
  RawPartner(const Node& lahore, const Node& rome) : rome_(rome), lahore_id_(lahore.id) {
    auto keys = node::NodeKeys::ReadFrom(lahore.dir + "/keys");
    EXPECT_TRUE(keys.ok()) << keys.status();
    keys_ = std::make_unique<node::NodeKeys>(*std::move(keys));
    signer_ = std::make_unique<access::NodeSigner>(*keys_);
    auto rome_keys = node::NodeKeys::ReadFrom(rome.dir + "/keys");
    EXPECT_TRUE(rome_keys.ok());
    pins_.Pin(*federation::FingerprintOfCertificatePem(rome_keys->tls_cert_pem()), rome.id);
  }

  std::string Seal(const std::string& type, const std::string& body) {
    auto sealed =
        federation::Seal(body, {type, lahore_id_, rome_.id}, *signer_, RealClock(), random_);
    EXPECT_TRUE(sealed.ok()) << sealed.status();
    return sealed->wire;
  }

  httplib::Result Post(const std::string& wire) {
    httplib::SSLClient client("127.0.0.1", rome_.partner_port);
    client.enable_server_certificate_verification(false);
    EXPECT_TRUE(federation::ConfigurePinnedTls(
                    client.ssl_context(), {keys_->tls_cert_pem(), keys_->tls_key_pem()}, &pins_)
                    .ok());
    client.set_connection_timeout(10);
    client.set_read_timeout(10);
    return client.Post("/federation/v1/messages", wire, "application/json");
  }

  // Sends the headers of a POST announcing `wire`'s length and only its
  // first half, then closes the connection.
  void PostTruncated(const std::string& wire) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    ASSERT_TRUE(
        federation::ConfigurePinnedTls(ctx, {keys_->tls_cert_pem(), keys_->tls_key_pem()}, &pins_)
            .ok());
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(rome_.partner_port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    ASSERT_EQ(SSL_connect(ssl), 1);
    std::string request =
        "POST /federation/v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/json\r\nContent-Length: " +
        std::to_string(wire.size()) + "\r\n\r\n" + wire.substr(0, wire.size() / 2);
    ASSERT_GT(SSL_write(ssl, request.data(), static_cast<int>(request.size())), 0);
    SSL_shutdown(ssl);
    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(ctx);
  }

 private:
  const Node& rome_;
  std::string lahore_id_;
  std::unique_ptr<node::NodeKeys> keys_;
  std::unique_ptr<access::NodeSigner> signer_;
  federation::PinnedCertificates pins_;
  SeededRandom random_{7};
};

TEST_F(MessagingTest, TruncatedRequestsCommitNothingAndTheReceiverCarriesOn) {
  RawPartner raw(lahore_, rome_);
  federation::CaseBatch batch;
  batch.batch_id = "bat_01KDVDNA00Q3JZXA1R2YB3KX7M";
  federation::CaseOpenItem open{
      "cas_01KDVDNA00Q3JZXA1R2YB3KX7M", "Injected", "narcotics", "H1", "", "", "nobody", 1};
  batch.items.push_back(open);
  const std::string body = federation::CaseBatchToJson(batch);

  // An envelope cut in half: malformed.
  std::string wire = raw.Seal("case_batch", body);
  httplib::Result cut = raw.Post(wire.substr(0, wire.size() / 2));
  ASSERT_TRUE(cut) << httplib::to_string(cut.error());
  EXPECT_EQ(cut->status, 400);
  EXPECT_THAT(cut->body, HasSubstr("malformed"));
  // A whole envelope whose body is cut in half: malformed_body.
  httplib::Result cut_body = raw.Post(raw.Seal("case_batch", body.substr(0, body.size() / 2)));
  ASSERT_TRUE(cut_body);
  EXPECT_EQ(cut_body->status, 422);
  EXPECT_THAT(cut_body->body, HasSubstr("malformed_body"));
  // A request whose connection closes halfway through the body.
  raw.PostTruncated(raw.Seal("case_batch", body));

  Json cases = RunJson({"case", "list", "--data", rome_.dir});
  EXPECT_TRUE(cases["cases"].empty()) << cases.dump();
  // Rome carries on.
  const std::string case_id = OpenCase();
  const std::string id = Send(case_id, "after the truncated requests");
  ASSERT_TRUE(WaitForDelivery(case_id, 1));
  ExpectExactlyOnceOnBothSides(case_id, {id});
}

TEST_F(MessagingTest, APartnerAnsweringGarbageKeepsTheMessagePendingWithAClearError) {
  const std::string case_id = OpenCase();
  ASSERT_TRUE(WaitForDelivery(case_id, 0));
  Stop(rome_);
  // Something answers on Rome's address with Rome's certificate (so the pin
  // holds), but talks garbage.
  httplib::SSLServer fake((rome_.dir + "/keys/tls.crt").c_str(),
                          (rome_.dir + "/keys/tls.key").c_str());
  ASSERT_TRUE(fake.is_valid());
  std::atomic<int> hits{0};
  fake.Post("/federation/v1/messages", [&](const httplib::Request&, httplib::Response& res) {
    ++hits;
    res.status = 200;
    res.set_content("\x01garbage{{{ not an envelope", "application/json");
  });
  // As the node does: SO_REUSEADDR, so the port binds while Rome's closed
  // connections linger.
  fake.set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  ASSERT_TRUE(fake.bind_to_port("127.0.0.1", rome_.partner_port));
  std::thread server([&] { fake.listen_after_bind(); });
  const std::string id = Send(case_id, "to a partner that talks garbage");
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (absl::Now() < deadline && hits < 2) absl::SleepFor(absl::Milliseconds(100));
  fake.stop();
  server.join();
  EXPECT_GE(hits.load(), 2) << "the sender retried";
  EXPECT_EQ(Pending(lahore_), 1);
  Json ours = Thread(lahore_, case_id);
  ASSERT_EQ(ours.size(), 1u);
  EXPECT_EQ(ours[0]["delivery"], "pending");
  const std::string log = ReadFile(lahore_.log);
  EXPECT_THAT(log, HasSubstr("case delivery to " + rome_.id + " failed"));
  EXPECT_THAT(log, HasSubstr("the reply of partner"));

  Serve(rome_);
  ASSERT_TRUE(WaitForDelivery(case_id, 1));
  ExpectExactlyOnceOnBothSides(case_id, {id});
}

TEST_F(MessagingTest, AReceivedPersonIsMatchedAgainstOwnPersonsThenImportedAndLinked) {
  {
    std::ofstream csv(root_ + "/rome_persons.csv");
    csv << "id,name,dob,crime_area,handling_code\n"
        << "r1,Muhammad Asif,1984-03-02,narcotics,H1\n";
  }
  ASSERT_EQ(Run({"import", "persons", root_ + "/rome_persons.csv", "--data", rome_.dir}).exit_code,
            0);
  {
    std::ofstream entities(root_ + "/entities.jsonl");
    entities << R"({"type": "person", "body": {"name": "Mohammad Asif", "dob": "1984-03-02"}})"
             << "\n";
  }
  const std::string case_id = OpenCase();
  Json sent = RunJson({"message", "send", "--data", lahore_.dir, "--case", case_id, "--text",
                       "Is this your man?", "--entities", root_ + "/entities.jsonl"});
  const std::string id = sent["message"]["id"].get<std::string>();
  ASSERT_TRUE(WaitForDelivery(case_id, 1));
  ExpectExactlyOnceOnBothSides(case_id, {id});

  Json hits = RunJson({"message", "match", "--data", rome_.dir, id, "--entity", "0"});
  ASSERT_EQ(hits["hits"].size(), 1u) << hits.dump();
  RunResult imported = Run({"message", "import", "--data", rome_.dir, id, "--entity", "0"});
  ASSERT_EQ(imported.exit_code, 0) << imported.out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(imported.out, m, std::regex("as (per_[0-9A-Z]{26})")))
      << imported.out;
  Json thread = Thread(rome_, case_id);
  ASSERT_EQ(thread.size(), 1u);
  ASSERT_EQ(thread[0]["linked_records"].size(), 1u);
  EXPECT_EQ(thread[0]["linked_records"][0], m[1].str());
}

TEST_F(MessagingTest, AnH2MessageCannotBeForwardedToAThirdPartner) {
  // A third partner for Rome.
  Node third;
  Init(third, "third", "Bundespolizei", "DE");
  ASSERT_EQ(Run({"partner", "export", "--data", third.dir, "--out", root_ + "/third.bundle.json",
                 "--endpoint", third.Endpoint()})
                .exit_code,
            0);
  ASSERT_EQ(
      Run({"partner", "add", "--data", rome_.dir, root_ + "/third.bundle.json", "--yes"}).exit_code,
      0);
  SetAgreement(rome_, third);
  const std::string case_id = OpenCase();
  const std::string id = Send(case_id, "not for anyone else");
  ASSERT_TRUE(WaitForDelivery(case_id, 1));
  Json other = RunJson({"case", "open", "--data", rome_.dir, "--partner", third.id, "--title",
                        "Onward", "--crime-area", "narcotics", "--handling-code", "H2"});
  RunResult refused = Run({"message", "forward", "--data", rome_.dir, id, "--to-case",
                           other["case"]["id"].get<std::string>()});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(ReadFile(log_), HasSubstr("may not be forwarded to another partner"));
  // Inside the agency it may go to a colleague cleared for it.
  {
    ChildProcess add({"/bin/sh", "-c",
                      "echo 'correct horse battery staple 42' | \"$0\" user add --data \"$1\" "
                      "--username marco --name Marco --role liaison_officer --clearance H2 "
                      "--password-stdin",
                      Binary(), rome_.dir},
                     {.stderr_path = log_});
    add.ReadAll();
    ASSERT_EQ(ExitCode(add.Wait()), 0);
  }
  EXPECT_EQ(Run({"message", "forward", "--data", rome_.dir, id, "--to-user", "marco"}).exit_code,
            0);
}

}  // namespace
}  // namespace liaison
