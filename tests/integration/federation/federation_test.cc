// Two real nodes, Lahore and Rome, each its own `liaison` process with its
// own data directory and keys, on loopback ports: bundles exchanged both
// ways, agreements set, then hit/no-hit queries over pinned mutual TLS and
// the refusals the protocol promises.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "access/node_signer.h"
#include "child_process.h"
#include "common/json_text.h"
#include "federation/envelope.h"
#include "federation/hit_messages.h"
#include "federation/tls_pinning.h"
#include "node/node_keys.h"

namespace liaison {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using integration::ChildProcess;
using integration::ExitCode;

std::string Binary() { return integration::LiaisonBinary(); }

struct RunResult {
  int exit_code = -1;
  std::string out;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Node {
  std::string name;
  std::string dir;
  std::string id;
  int partner_port = 0;
  std::unique_ptr<ChildProcess> serve;
  std::string Endpoint() const { return "https://127.0.0.1:" + std::to_string(partner_port); }
};

class FederationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(Binary().empty()) << "LIAISON_BINARY is not set";
    std::string pattern = ::testing::TempDir() + "/federation_test_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    log_ = root_ + "/stderr.log";
    Init(lahore_, "lahore", "Punjab Police", "PK");
    Init(rome_, "rome", "Polizia di Stato", "IT");
    // Rome's own persons: one in the agreement, one outside its crime areas,
    // one above its highest handling code.
    std::ofstream csv(root_ + "/rome_persons.csv");
    csv << "id,name,dob,crime_area,handling_code\n"
        << "r1,Muhammad Asif,1984-03-02,narcotics,H1\n"
        << "r2,Niccolò D'Angelo,1979-11-20,human_trafficking,H1\n"
        << "r3,Bilal Mahmood Khan,1990-06-15,narcotics,H3\n";
    csv.close();
    ASSERT_EQ(
        Run({"import", "persons", root_ + "/rome_persons.csv", "--data", rome_.dir}).exit_code, 0);
    ExchangeBundles(lahore_, rome_);
    SetAgreement(rome_, lahore_, "10");
    SetAgreement(lahore_, rome_, "10");
    Serve(lahore_);
    Serve(rome_);
  }

  void TearDown() override {
    for (Node* n : {&lahore_, &rome_}) {
      if (n->serve) {
        n->serve->Signal(SIGTERM);
        n->serve->Wait();
      }
    }
    if (HasFailure()) std::cerr << "--- liaison stderr ---\n" << ReadFile(log_);
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

  void Init(Node& node, std::string name, std::string agency, std::string country) {
    node.name = name;
    node.dir = root_ + "/" + name;
    node.partner_port = integration::FreeLoopbackPort();
    RunResult r = Run({"init", "--data", node.dir, "--agency", agency, "--country", country});
    ASSERT_EQ(r.exit_code, 0) << r.out;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.out, m, std::regex("created node (node_[0-9A-Z]{26})")))
        << r.out;
    node.id = m[1].str();
  }

  // Each node exports its bundle and registers the other's.
  void ExchangeBundles(Node& a, Node& b) {
    for (Node* n : {&a, &b}) {
      RunResult r = Run({"partner", "export", "--data", n->dir, "--out",
                         root_ + "/" + n->name + ".bundle.json", "--endpoint", n->Endpoint()});
      ASSERT_EQ(r.exit_code, 0) << r.out;
      EXPECT_THAT(r.out, HasSubstr("TLS certificate"));
    }
    for (auto [self, other] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
      RunResult r = Run({"partner", "add", "--data", self->dir,
                         root_ + "/" + other->name + ".bundle.json", "--yes"});
      ASSERT_EQ(r.exit_code, 0) << r.out;
      EXPECT_THAT(r.out, HasSubstr("signing key"));
    }
  }

  void SetAgreement(Node& owner, Node& partner, const std::string& quota) {
    RunResult r =
        Run({"agreement", "set", "--data", owner.dir, "--partner", partner.id, "--crime-areas",
             "narcotics,terrorism", "--max-handling-code", "H2", "--quota", quota});
    ASSERT_EQ(r.exit_code, 0) << r.out;
  }

  void Serve(Node& node) {
    node.serve = std::make_unique<ChildProcess>(
        std::vector<std::string>{Binary(), "serve", "--data", node.dir, "--listen", "127.0.0.1:0",
                                 "--partner-listen",
                                 "127.0.0.1:" + std::to_string(node.partner_port)},
        ChildProcess::Options{.stderr_path = log_, .stdin_null = true});
    std::optional<std::string> api = node.serve->ReadLine();
    ASSERT_TRUE(api.has_value()) << node.name << " did not start";
    ASSERT_THAT(*api, HasSubstr("listening on https://127.0.0.1:"));
    std::optional<std::string> partner = node.serve->ReadLine();
    ASSERT_TRUE(partner.has_value()) << node.name << " has no partner endpoint";
    ASSERT_EQ(*partner, "partner endpoint listening on " + node.Endpoint());
  }

  // `liaison query` from `from` to `to`, --json; the parsed results[0].
  Json Query(Node& from, Node& to, const std::string& name, const std::string& dob,
             int* exit_code = nullptr) {
    std::vector<std::string> args = {"query",     "--data",    from.dir,
                                     "--partner", to.id,       "--name",
                                     name,        "--purpose", "Operation Indus: courier check",
                                     "--json"};
    if (!dob.empty()) {
      args.push_back("--dob");
      args.push_back(dob);
    }
    RunResult r = Run(args);
    if (exit_code != nullptr) *exit_code = r.exit_code;
    absl::StatusOr<Json> json = ParseJson(r.out);
    EXPECT_TRUE(json.ok()) << r.out;
    if (!json.ok() || !(*json)["results"].is_array() || (*json)["results"].empty()) {
      ADD_FAILURE() << "no results in: " << r.out;
      return Json::object();
    }
    return (*json)["results"][0];
  }

  // The node's audit log as exported text.
  std::string Audit(Node& node) {
    std::string file = root_ + "/" + node.name + "-audit.jsonl";
    EXPECT_EQ(Run({"audit", "export", "--data", node.dir, "--out", file}).exit_code, 0);
    return ReadFile(file);
  }

  static int CountLines(const std::string& text, const std::string& needle) {
    int n = 0;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) n += line.find(needle) != std::string::npos;
    return n;
  }

  std::string root_;
  std::string log_;
  Node lahore_;
  Node rome_;
};

TEST_F(FederationTest, QueryFindsAHitAndGetsOnlyABandAndAnOpaqueReference) {
  int exit_code = -1;
  Json result = Query(lahore_, rome_, "Mohammad Asif", "1984-03-02", &exit_code);
  EXPECT_EQ(exit_code, 0);
  EXPECT_EQ(result["partner"], rome_.id);
  EXPECT_EQ(result["hit"], true);
  ASSERT_EQ(result["references"].size(), 1u);
  EXPECT_THAT(result["references"][0].get<std::string>(), ::testing::StartsWith("ref_"));
  EXPECT_THAT(result.dump(), Not(HasSubstr("Asif")));
  EXPECT_THAT(result.dump(), Not(HasSubstr("1984")));
  std::string band = result["matches"][0]["band"].get<std::string>();
  EXPECT_TRUE(band == "strong" || band == "possible") << band;

  // Both sides audited, with the statistics' detail keys.
  std::string rome_audit = Audit(rome_);
  EXPECT_EQ(CountLines(rome_audit, "\"partner_query_answered\""), 1);
  EXPECT_THAT(rome_audit, HasSubstr("\"response_ms\""));
  std::string lahore_audit = Audit(lahore_);
  EXPECT_EQ(CountLines(lahore_audit, "\"partner_query_sent\""), 1);
  EXPECT_THAT(lahore_audit, HasSubstr(result["references"][0].get<std::string>()));
  // The person's name never enters either log in clear.
  EXPECT_THAT(rome_audit + lahore_audit, Not(HasSubstr("Mohammad Asif")));
}

TEST_F(FederationTest, NoRecordIsNoHit) {
  int exit_code = -1;
  Json result = Query(lahore_, rome_, "Giuseppe Verdi", "1950-01-01", &exit_code);
  EXPECT_EQ(exit_code, 0);
  EXPECT_EQ(result["hit"], false);
  EXPECT_TRUE(result["references"].empty());
}

TEST_F(FederationTest, RecordsOutsideTheAgreementAnswerExactlyAsNoRecord) {
  Json none = Query(lahore_, rome_, "Giuseppe Verdi", "1950-01-01");
  Json other_area = Query(lahore_, rome_, "Niccolò D'Angelo", "1979-11-20");
  Json above_code = Query(lahore_, rome_, "Bilal Mahmood Khan", "1990-06-15");
  for (Json* j : {&none, &other_area, &above_code}) j->erase("response_ms");
  EXPECT_EQ(other_area, none);
  EXPECT_EQ(above_code, none);
}

// Partners are answered from the screening index, which applies every
// committed change before it answers: a person imported (by another process)
// while Rome serves is found by the very next query, without a restart.
// (Partners used to be answered from a copy loaded at start-up, which missed
// it.)
TEST_F(FederationTest, APersonImportedWhileServingIsFoundByPartners) {
  Json before = Query(lahore_, rome_, "Salvatore Esposito", "1975-04-09");
  EXPECT_EQ(before["hit"], false);
  std::ofstream csv(root_ + "/rome_more.csv");
  csv << "id,name,dob,crime_area,handling_code\n"
      << "r4,Salvatore Esposito,1975-04-09,narcotics,H1\n";
  csv.close();
  ASSERT_EQ(Run({"import", "persons", root_ + "/rome_more.csv", "--data", rome_.dir}).exit_code, 0);
  Json after = Query(lahore_, rome_, "Salvatore Esposito", "1975-04-09");
  EXPECT_EQ(after["hit"], true);
}

TEST_F(FederationTest, QuotaExceededIsAClearRefusal) {
  SetAgreement(rome_, lahore_, "1");
  int first = -1;
  Query(lahore_, rome_, "Giuseppe Verdi", "", &first);
  EXPECT_EQ(first, 0);
  int second = -1;
  Json refused = Query(lahore_, rome_, "Mohammad Asif", "1984-03-02", &second);
  EXPECT_EQ(second, 1);
  EXPECT_EQ(refused["answered"], false);
  EXPECT_THAT(refused["error"].get<std::string>(), HasSubstr("quota_exceeded"));
  EXPECT_EQ(CountLines(Audit(rome_), "quota_exceeded"), 1);
}

TEST_F(FederationTest, UnknownCertificateIsRefusedBeforeApplicationCode) {
  Node stranger;
  Init(stranger, "stranger", "Unknown Agency", "FR");
  // The stranger trusts Rome; Rome has never heard of it.
  ASSERT_EQ(Run({"partner", "add", "--data", stranger.dir, root_ + "/rome.bundle.json", "--yes"})
                .exit_code,
            0);
  const std::string before = Audit(rome_);
  int exit_code = -1;
  Json result = Query(stranger, rome_, "Mohammad Asif", "1984-03-02", &exit_code);
  EXPECT_EQ(exit_code, 1);
  EXPECT_EQ(result["answered"], false);
  EXPECT_THAT(result["error"].get<std::string>(), HasSubstr("unreachable"));
  // Nothing reached Rome's application code, so Rome's log has nothing new
  // but the export entries of the two audit exports.
  const std::string after = Audit(rome_);
  EXPECT_EQ(CountLines(after, "\"refusal\""), CountLines(before, "\"refusal\""));
  EXPECT_EQ(CountLines(after, "partner_query_answered"), 0);
}

// Sends raw envelopes to Rome as Lahore (Lahore's certificate and key).
class RawSender {
 public:
  RawSender(const Node& lahore, const Node& rome) : rome_(rome) {
    auto keys = node::NodeKeys::ReadFrom(lahore.dir + "/keys");
    EXPECT_TRUE(keys.ok()) << keys.status();
    keys_ = std::make_unique<node::NodeKeys>(*std::move(keys));
    signer_ = std::make_unique<access::NodeSigner>(*keys_);
    lahore_id_ = lahore.id;
    auto rome_keys = node::NodeKeys::ReadFrom(rome.dir + "/keys");
    EXPECT_TRUE(rome_keys.ok());
    pins_.Pin(*federation::FingerprintOfCertificatePem(rome_keys->tls_cert_pem()), rome.id);
  }

  std::string SealQuery(const std::string& query_id) {
    federation::HitQuery q;
    q.query_id = query_id;
    q.purpose = "raw envelope test";
    q.person.names = {"Muhammad Asif"};
    auto sealed =
        federation::Seal(federation::HitQueryToJson(q), {"hit_query", lahore_id_, rome_.id},
                         *signer_, RealClock(), random_);
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

 private:
  const Node& rome_;
  std::string lahore_id_;
  std::unique_ptr<node::NodeKeys> keys_;
  std::unique_ptr<access::NodeSigner> signer_;
  federation::PinnedCertificates pins_;
  SeededRandom random_{99};
};

TEST_F(FederationTest, TamperedAndReplayedEnvelopesAreRefusedAndAudited) {
  RawSender sender(lahore_, rome_);
  std::string wire = sender.SealQuery("qry_01KDVDNA00Q3JZXA1R2YB3KX7M");
  httplib::Result ok = sender.Post(wire);
  ASSERT_TRUE(ok) << httplib::to_string(ok.error());
  EXPECT_EQ(ok->status, 200) << ok->body;

  httplib::Result replayed = sender.Post(wire);
  ASSERT_TRUE(replayed);
  EXPECT_EQ(replayed->status, 409);
  EXPECT_THAT(replayed->body, HasSubstr("\"error\":\"replayed\""));

  std::string tampered = sender.SealQuery("qry_01KDVDNA00Q3JZXA1R2YB3KX7N");
  size_t at = tampered.find("\"signature\":\"") + 13;
  tampered[at] = tampered[at] == '0' ? '1' : '0';
  httplib::Result bad = sender.Post(tampered);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 401);
  EXPECT_THAT(bad->body, HasSubstr("\"error\":\"bad_signature\""));

  std::string audit = Audit(rome_);
  EXPECT_EQ(CountLines(audit, "\"code\":\"replayed\""), 1);
  EXPECT_EQ(CountLines(audit, "\"code\":\"bad_signature\""), 1);
  EXPECT_EQ(CountLines(audit, "partner_query_answered"), 1);
}

TEST_F(FederationTest, PartnerOfflineIsAClearErrorAndTheQueryCanBeRetried) {
  rome_.serve->Signal(SIGTERM);
  EXPECT_EQ(ExitCode(rome_.serve->Wait()), 0);
  rome_.serve.reset();
  int exit_code = -1;
  Json result = Query(lahore_, rome_, "Mohammad Asif", "1984-03-02", &exit_code);
  EXPECT_EQ(exit_code, 1);
  EXPECT_EQ(result["answered"], false);
  EXPECT_THAT(result["error"].get<std::string>(), HasSubstr("unreachable"));
  // The attempt is on record, with its error.
  std::string lahore_audit = Audit(lahore_);
  EXPECT_EQ(CountLines(lahore_audit, "\"partner_query_sent\""), 1);
  EXPECT_THAT(lahore_audit, HasSubstr("unreachable"));

  Serve(rome_);
  Json retried = Query(lahore_, rome_, "Mohammad Asif", "1984-03-02", &exit_code);
  EXPECT_EQ(exit_code, 0);
  EXPECT_EQ(retried["hit"], true);
}

}  // namespace
}  // namespace liaison
