// Shared watchlists between two real nodes, Lahore and Rome, each its own
// `liaison serve` process with its own data directory and keys, over pinned
// mutual TLS on loopback (docs/protocol.md 8.4): Lahore publishes the alerts
// its agreement with Rome allows; Rome pulls them, screens against them
// (an Urdu-script listed name found by a Latin-script search) and Lahore is
// notified of the hit with the right record; records outside the agreement
// never reach Rome, nor do a protected person's address and contact; updates
// and erasures on Lahore arrive as deltas; Lahore going offline leaves Rome
// screening with what it holds, a clear error, and, once Lahore is back, the
// pull resumes and the notification queued meanwhile arrives.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "child_process.h"
#include "common/json_text.h"

namespace liaison {
namespace {

using integration::ChildProcess;
using integration::ExitCode;
using ::testing::HasSubstr;

constexpr char kPassword[] = "a long enough password";
constexpr absl::Duration kPatience = absl::Seconds(60);

std::string Binary() { return integration::LiaisonBinary(); }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
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
  int api_port = 0;
  std::string log;
  std::unique_ptr<ChildProcess> serve;
  std::string Endpoint() const { return "https://127.0.0.1:" + std::to_string(partner_port); }
};

// Lahore's persons: two within the agreement (narcotics, terrorism; up to
// H2) with alerts, one outside it, one without an alert.
constexpr char kLahorePersons[] =
    "id,name,father_name,dob,gender,nationality,id_numbers,crime_area,handling_code,alert\n"
    "L1,محمد آصف,بشیر احمد,1984-03-12,M,PK,cnic:35202-1234567-1,narcotics,H1,wanted\n"
    "L2,Tariq Mehmood Butt,,1979-07-01,M,PK,,organised_crime,H0,wanted\n"
    "L3,Zafar Iqbal Chaudhry,,1990-01-01,M,PK,,narcotics,H1,\n"
    "L4,Kamran Akmal Siddiqui,,1975-05-05,M,PK,,terrorism,H1,surveillance\n";

class WatchlistsIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(Binary().empty()) << "LIAISON_BINARY is not set";
    std::string pattern = ::testing::TempDir() + "/watchlists_test_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    log_ = root_ + "/cli.log";
    Init(lahore_, "lahore", "Punjab Police", "PK");
    Init(rome_, "rome", "Polizia di Stato", "IT");
    ExchangeBundles();
    // What Lahore publishes to Rome.
    ASSERT_EQ(Run({"agreement", "set", "--data", lahore_.dir, "--partner", rome_.id,
                   "--crime-areas", "narcotics,terrorism", "--max-handling-code", "H2"})
                  .exit_code,
              0);
    ASSERT_EQ(Run({"import", "persons", Write("lahore.csv", kLahorePersons), "--data", lahore_.dir})
                  .exit_code,
              0);
    ASSERT_EQ(Shell(Binary() + " user add --data " + lahore_.dir +
                    " --username officer --role administrator --clearance H3 --password-stdin"),
              0);
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

  std::string Write(const std::string& name, const std::string& text) {
    std::string p = root_ + "/" + name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

  // Runs `command` through the shell with the password on stdin.
  int Shell(const std::string& command) {
    std::string password = Write("password.txt", std::string(kPassword) + "\n");
    int status = std::system((command + " <" + password + " >>" + log_ + " 2>&1").c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  RunResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), Binary());
    ChildProcess p(args, {.stderr_path = log_, .stdin_null = true});
    RunResult r;
    r.out = p.ReadAll();
    r.exit_code = ExitCode(p.Wait());
    return r;
  }

  Json RunJson(std::vector<std::string> args, int expected_exit = 0) {
    args.push_back("--json");
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, expected_exit) << r.out;
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

  void Serve(Node& node) {
    node.serve = std::make_unique<ChildProcess>(
        std::vector<std::string>{
            Binary(), "serve", "--data", node.dir, "--listen", "127.0.0.1:0", "--partner-listen",
            "127.0.0.1:" + std::to_string(node.partner_port), "--watchlist-pull-interval", "3600"},
        ChildProcess::Options{.stderr_path = node.log, .stdin_null = true});
    std::optional<std::string> api = node.serve->ReadLine();
    ASSERT_TRUE(api.has_value()) << node.name << " did not start";
    std::smatch m;
    ASSERT_TRUE(std::regex_search(*api, m, std::regex(":([0-9]+)$"))) << *api;
    node.api_port = std::stoi(m[1].str());
    std::optional<std::string> partner = node.serve->ReadLine();
    ASSERT_TRUE(partner.has_value()) << node.name << " has no partner endpoint";
    ASSERT_EQ(*partner, "partner endpoint listening on " + node.Endpoint());
  }

  void Stop(Node& node) {
    if (!node.serve) return;
    node.serve->Signal(SIGTERM);
    node.serve->Wait();
    node.serve.reset();
  }

  std::unique_ptr<httplib::SSLClient> Client(const Node& node) {
    auto c = std::make_unique<httplib::SSLClient>("127.0.0.1", node.api_port);
    c->set_ca_cert_path((node.dir + "/keys/tls.crt").c_str());
    c->enable_server_certificate_verification(true);
    c->set_read_timeout(absl::ToInt64Seconds(kPatience), 0);
    return c;
  }

  httplib::Headers SignIn(httplib::SSLClient& c) {
    Json body = {{"username", "officer"}, {"password", kPassword}};
    httplib::Result r = c.Post("/api/v1/session", DumpJson(body), "application/json");
    EXPECT_TRUE(r) << httplib::to_string(r.error());
    if (!r) return {};
    EXPECT_EQ(r->status, 200) << r->body;
    auto j = ParseJson(r->body);
    std::string token = j.ok() && j->contains("token") ? (*j)["token"].get<std::string>() : "";
    return {{"Authorization", "Bearer " + token}, {"X-Purpose", "protection register"}};
  }

  // Creates, over Lahore's REST API, a protected person with an address and
  // a contact; returns its record id.
  std::string CreateProtectedPerson(httplib::SSLClient& c, const httplib::Headers& h) {
    Json person = {{"person",
                    {{"name", "Ayesha Bibi Rashid"},
                     {"dob", "1995-06-01"},
                     {"gender", "F"},
                     {"address", "House 12, Street 4, Gulberg III, Lahore"},
                     {"contact", "+923001234567"}}},
                   {"crime_area", "narcotics"},
                   {"handling_code", "H1"},
                   {"alert", "protected_person"}};
    httplib::Result r = c.Post("/api/v1/persons", h, DumpJson(person), "application/json");
    EXPECT_TRUE(r);
    if (!r) return "";
    EXPECT_EQ(r->status, 201) << r->body;
    auto j = ParseJson(r->body);
    return j.ok() && j->contains("id") ? (*j)["id"].get<std::string>() : "";
  }

  // Everything Rome keeps on disk, as one string.
  std::string RomeFiles() {
    std::string all;
    for (const auto& e : std::filesystem::recursive_directory_iterator(rome_.dir)) {
      if (e.is_regular_file()) all += ReadFile(e.path().string());
    }
    return all;
  }

  Json Watchlist(const Node& node) {
    Json j = RunJson({"watchlist", "list", "--data", node.dir});
    for (const Json& l : j["watchlists"]) {
      if (l["partner"] == lahore_.id) return l;
    }
    return Json::object();
  }

  Json Search(const std::string& name, const std::string& dob, const std::string& father) {
    std::vector<std::string> args = {
        "search", "--data",    rome_.dir,
        "--name", name,        "--dob",
        dob,      "--purpose", "Operation Indus: courier at Fiumicino"};
    if (!father.empty()) {
      args.push_back("--father-name");
      args.push_back(father);
    }
    return RunJson(args);
  }

  // The first shared-list hit of a search result, or null.
  static Json SharedHit(const Json& result) {
    for (const Json& h : result["hits"]) {
      if (h.value("source", "") == "shared_watchlist") return h;
    }
    return Json();
  }

  // Polls Lahore's received hits until there are `n`.
  Json WaitForHits(size_t n) {
    absl::Time deadline = absl::Now() + kPatience;
    Json hits;
    while (absl::Now() < deadline) {
      hits = RunJson({"watchlist", "hits", "--data", lahore_.dir})["hits"];
      if (hits.size() >= n) return hits;
      absl::SleepFor(absl::Milliseconds(200));
    }
    ADD_FAILURE() << "Lahore did not receive " << n << " hit(s): " << hits.dump();
    return hits;
  }

  std::string LahoreRecordId(const std::string& name) {
    Json j = RunJson({"search", "--data", lahore_.dir, "--name", name, "--purpose", "lookup"});
    for (const Json& h : j["hits"]) {
      if (h.value("source", "") == "own") return h["record_id"].get<std::string>();
    }
    return "";
  }

  std::string root_;
  std::string log_;
  Node lahore_;
  Node rome_;
};

TEST_F(WatchlistsIntegrationTest, RomeScreensLahoresListAcrossScriptsAndLahoreIsNotified) {
  Serve(lahore_);
  Serve(rome_);
  auto lahore_api = Client(lahore_);
  httplib::Headers officer = SignIn(*lahore_api);
  std::string protected_id = CreateProtectedPerson(*lahore_api, officer);
  ASSERT_FALSE(protected_id.empty());

  Json pulled = RunJson({"watchlist", "pull", "--data", rome_.dir, "--partner", lahore_.id});
  ASSERT_TRUE(pulled["results"][0]["ok"].get<bool>()) << pulled.dump();
  Json list = Watchlist(rome_);
  EXPECT_EQ(list["entries"], 3) << list.dump();  // L1, L4 and the protected person
  EXPECT_EQ(list["last_error"], "");
  const int64_t version = list["version"].get<int64_t>();
  EXPECT_GE(version, 1);

  // What reached Rome: the listed names, nothing outside the agreement or
  // without an alert, and no address or contact of the protected person.
  const std::string rome_files = RomeFiles();
  EXPECT_TRUE(absl::StrContains(rome_files, "Ayesha Bibi Rashid"));
  EXPECT_TRUE(absl::StrContains(rome_files, "Kamran Akmal Siddiqui"));
  EXPECT_FALSE(absl::StrContains(rome_files, "Tariq Mehmood Butt"));
  EXPECT_FALSE(absl::StrContains(rome_files, "Zafar Iqbal Chaudhry"));
  EXPECT_FALSE(absl::StrContains(rome_files, "Gulberg"));
  EXPECT_FALSE(absl::StrContains(rome_files, "+923001234567"));
  EXPECT_FALSE(absl::StrContains(rome_files, "protected_person"));
  EXPECT_FALSE(absl::StrContains(rome_files, protected_id));

  // Rome searches in Latin script; Lahore listed the person in Urdu.
  Json result = Search("Muhammad Asif", "1984-03-12", "Bashir Ahmed");
  Json hit = SharedHit(result);
  ASSERT_FALSE(hit.is_null()) << result.dump();
  EXPECT_EQ(hit["shared"]["owner"], lahore_.id);
  EXPECT_EQ(hit["shared"]["agency"], "Punjab Police");
  EXPECT_EQ(hit["shared"]["crime_area"], "narcotics");
  EXPECT_EQ(hit["shared"]["alert"], "wanted");
  EXPECT_FALSE(hit.contains("record_id"));
  EXPECT_GE(hit["score"].get<double>(), 0.85);
  EXPECT_TRUE(hit["shared"]["notified"].get<bool>());

  // Rome's delivery worker takes the notification to Lahore, which maps the
  // reference to its record.
  Json hits = WaitForHits(1);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0]["partner"], rome_.id);
  EXPECT_EQ(hits[0]["reference"], hit["shared"]["reference"]);
  EXPECT_EQ(hits[0]["record_id"], LahoreRecordId("محمد آصف"));
  EXPECT_EQ(hits[0]["purpose"], "Operation Indus: courier at Fiumicino");
  EXPECT_EQ(hits[0]["band"], "strong");

  // An update and an erasure on Lahore arrive as a delta.
  ASSERT_EQ(Run({"import", "persons",
                 Write("update.csv",
                       "id,name,dob,gender,nationality,crime_area,handling_code,alert\n"
                       "L4,Kamran Akmal Siddiqi,1975-05-05,M,PK,terrorism,H1,surveillance\n"),
                 "--data", lahore_.dir})
                .exit_code,
            0);
  httplib::Headers erase = officer;
  erase.emplace("If-Match", "\"1\"");
  httplib::Result erased = lahore_api->Delete("/api/v1/persons/" + protected_id, erase);
  ASSERT_TRUE(erased);
  ASSERT_LT(erased->status, 300) << erased->body;
  pulled = RunJson({"watchlist", "pull", "--data", rome_.dir, "--partner", lahore_.id});
  ASSERT_TRUE(pulled["results"][0]["ok"].get<bool>()) << pulled.dump();
  list = Watchlist(rome_);
  EXPECT_EQ(list["entries"], 2) << list.dump();
  EXPECT_GT(list["version"].get<int64_t>(), version);
  Json renamed = SharedHit(Search("Kamran Akmal Siddiqi", "1975-05-05", ""));
  ASSERT_FALSE(renamed.is_null());
  EXPECT_EQ(renamed["shared"]["alert"], "surveillance");
  EXPECT_TRUE(SharedHit(Search("Ayesha Bibi Rashid", "1995-06-01", "")).is_null());
}

TEST_F(WatchlistsIntegrationTest, LahoreOfflineThenBackLosesNothing) {
  Serve(lahore_);
  Serve(rome_);
  Json pulled = RunJson({"watchlist", "pull", "--data", rome_.dir, "--partner", lahore_.id});
  ASSERT_TRUE(pulled["results"][0]["ok"].get<bool>()) << pulled.dump();
  const int64_t version = Watchlist(rome_)["version"].get<int64_t>();

  Stop(lahore_);
  // A clear error naming Lahore; what Rome holds stays, and stays searchable.
  Json failed = RunJson({"watchlist", "pull", "--data", rome_.dir, "--partner", lahore_.id},
                        /*expected_exit=*/1);
  EXPECT_FALSE(failed["results"][0]["ok"].get<bool>());
  EXPECT_THAT(failed["results"][0]["error"].get<std::string>(), HasSubstr(lahore_.id));
  Json list = Watchlist(rome_);
  EXPECT_EQ(list["entries"], 2);
  EXPECT_NE(list["last_error"], "");
  Json hit = SharedHit(Search("Muhammad Asif", "1984-03-12", "Bashir Ahmed"));
  ASSERT_FALSE(hit.is_null());
  EXPECT_TRUE(hit["shared"]["notified"].get<bool>());  // queued while Lahore is down

  // Lahore lists someone new while offline, then comes back.
  ASSERT_EQ(Run({"import", "persons",
                 Write("new.csv",
                       "id,name,dob,gender,nationality,crime_area,handling_code,alert\n"
                       "L5,Shahid Nawaz Qureshi,1988-08-08,M,PK,narcotics,H0,wanted\n"),
                 "--data", lahore_.dir})
                .exit_code,
            0);
  Serve(lahore_);
  pulled = RunJson({"watchlist", "pull", "--data", rome_.dir, "--partner", lahore_.id});
  ASSERT_TRUE(pulled["results"][0]["ok"].get<bool>()) << pulled.dump();
  list = Watchlist(rome_);
  EXPECT_EQ(list["entries"], 3);
  EXPECT_EQ(list["version"].get<int64_t>(), version + 1);
  EXPECT_EQ(list["last_error"], "");
  Json shahid = SharedHit(Search("Shahid Nawaz Qureshi", "1988-08-08", ""));
  ASSERT_FALSE(shahid.is_null());
  // Both notifications arrive: the one queued while Lahore was down, and the
  // one for the new entry; each maps to its own record.
  Json hits = WaitForHits(2);
  ASSERT_EQ(hits.size(), 2u);
  std::map<std::string, std::string> record_of;
  for (const Json& h : hits) {
    record_of[h["reference"].get<std::string>()] = h["record_id"].get<std::string>();
  }
  EXPECT_EQ(record_of[hit["shared"]["reference"].get<std::string>()], LahoreRecordId("محمد آصف"));
  EXPECT_EQ(record_of[shahid["shared"]["reference"].get<std::string>()],
            LahoreRecordId("Shahid Nawaz Qureshi"));
}

}  // namespace
}  // namespace liaison
