// Follow-up requests between two real nodes, Lahore (asks) and Rome (owns
// the records), each its own `liaison serve` process with its own data
// directory and keys, over pinned mutual TLS on loopback: the whole flow
// from the agreement and a hit to the follow-up, the owner's partial
// approval, the release and its receipt marked with handling code, owner and
// retention limit; a protected person's address and contact withheld;
// approval by the agreement; refusals with their reasons; Lahore offline
// while Rome decides (the decisions wait and arrive when it returns); and
// the retention purge, whose erasure notices Rome audits.
//
// Officers use the REST API (the routes the web interface will call), the
// administrator the CLI. The purge runs `liaison followup purge` with the
// node's clock moved past the retention period
// (LIAISON_TEST_CLOCK_OFFSET_SECONDS, cli/node_context.h).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "child_process.h"
#include "common/json_text.h"

namespace liaison {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

using integration::ChildProcess;
using integration::ExitCode;

constexpr char kPassword[] = "correct horse battery staple";
constexpr int64_t kDayMs = int64_t{24} * 3600 * 1000;
// Only stops a hung test; nothing asserts on time.
constexpr absl::Duration kPatience = absl::Seconds(60);

std::string Binary() { return integration::LiaisonBinary(); }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
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

class FollowupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(Binary().empty()) << "LIAISON_BINARY is not set";
    std::string pattern = ::testing::TempDir() + "/followup_test_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    log_ = root_ + "/cli.log";
    Init(lahore_, "lahore", "Punjab Police", "PK");
    Init(rome_, "rome", "Polizia di Stato", "IT");
    std::ofstream csv(root_ + "/rome_persons.csv");
    csv << "id,name,dob,crime_area,handling_code,alert\n"
        << "r1,Muhammad Asif,1984-03-02,narcotics,H1,wanted\n"
        << "r2,Imran Qureshi,1971-07-07,human_trafficking,H1,wanted\n";
    csv.close();
    ASSERT_EQ(
        Run({"import", "persons", root_ + "/rome_persons.csv", "--data", rome_.dir}).exit_code, 0);
    AddUser(lahore_, "rana", "Rana Tariq");
    AddUser(rome_, "giulia", "Giulia Conti");
    ExchangeBundles();
    // Rome lets Lahore search narcotics and human trafficking up to H2, keep
    // released data 30 days, and have human-trafficking follow-ups approved
    // by the agreement itself.
    ASSERT_EQ(Run({"agreement", "set", "--data", rome_.dir, "--partner", lahore_.id,
                   "--crime-areas", "narcotics,human_trafficking", "--max-handling-code", "H2",
                   "--auto-approve", "human_trafficking", "--retention-days", "30"})
                  .exit_code,
              0);
    ASSERT_EQ(Run({"agreement", "set", "--data", lahore_.dir, "--partner", rome_.id,
                   "--crime-areas", "narcotics", "--max-handling-code", "H2"})
                  .exit_code,
              0);
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

  RunResult Run(std::vector<std::string> args, std::vector<std::string> env = {}) {
    args.insert(args.begin(), Binary());
    ChildProcess p(args, {.stderr_path = log_, .stdin_null = true, .env = std::move(env)});
    RunResult r;
    r.out = p.ReadAll();
    r.exit_code = ExitCode(p.Wait());
    return r;
  }

  Json RunJson(std::vector<std::string> args, std::vector<std::string> env = {}) {
    args.push_back("--json");
    RunResult r = Run(args, std::move(env));
    EXPECT_EQ(r.exit_code, 0) << r.out;
    absl::StatusOr<Json> json = ParseJson(r.out);
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

  // A liaison officer cleared for H2 in every crime area.
  void AddUser(Node& node, const std::string& username, const std::string& name) {
    std::string cmd = ShellQuote(Binary()) + " user add --data " + ShellQuote(node.dir) +
                      " --username " + username + " --name " + ShellQuote(name) +
                      " --role liaison_officer --clearance H2 --password-stdin";
    ChildProcess p({"/bin/sh", "-c", "echo " + ShellQuote(kPassword) + " | " + cmd + " >/dev/null"},
                   {.stderr_path = log_});
    ASSERT_EQ(ExitCode(p.Wait()), 0);
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
        std::vector<std::string>{Binary(), "serve", "--data", node.dir, "--listen", "127.0.0.1:0",
                                 "--partner-listen",
                                 "127.0.0.1:" + std::to_string(node.partner_port)},
        ChildProcess::Options{.stderr_path = node.log, .stdin_null = true});
    std::optional<std::string> api = node.serve->ReadLine();
    ASSERT_TRUE(api.has_value()) << node.name << " did not start";
    std::smatch m;
    ASSERT_TRUE(
        std::regex_match(*api, m, std::regex("listening on https://127\\.0\\.0\\.1:([0-9]+)")))
        << *api;
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

  // An HTTPS client of `node`'s API, signed in as `username`.
  struct Api {
    std::unique_ptr<httplib::SSLClient> client;
    httplib::Headers headers;
    httplib::Result Get(const std::string& path) { return client->Get(path, headers); }
    httplib::Result Post(const std::string& path, const Json& body) {
      return client->Post(path, headers, DumpJson(body), "application/json");
    }
  };
  Api SignIn(Node& node, const std::string& username) {
    Api api;
    api.client = std::make_unique<httplib::SSLClient>("127.0.0.1", node.api_port);
    api.client->set_ca_cert_path((node.dir + "/keys/tls.crt").c_str());
    api.client->enable_server_certificate_verification(true);
    api.client->set_read_timeout(absl::ToInt64Seconds(kPatience), 0);
    httplib::Result r = api.client->Post(
        "/api/v1/session", DumpJson({{"username", username}, {"password", kPassword}}),
        "application/json");
    EXPECT_TRUE(r) << httplib::to_string(r.error());
    if (!r) return api;
    EXPECT_EQ(r->status, 200) << r->body;
    Json j = Body(r);
    api.headers = {{"Authorization", "Bearer " + j.value("token", std::string())},
                   {"X-Purpose", "Operation Indus: courier network"}};
    return api;
  }

  static Json Body(const httplib::Result& r) {
    if (!r) return Json();
    absl::StatusOr<Json> j = ParseJson(r->body);
    return j.ok() ? *j : Json();
  }

  // Lahore's hit/no-hit query of Rome; the first reference of the answer.
  std::string HitReference(const std::string& name, const std::string& dob) {
    Json j = RunJson({"query", "--data", lahore_.dir, "--partner", rome_.id, "--name", name,
                      "--dob", dob, "--purpose", "Operation Indus: courier check"});
    const Json& result = j["results"][0];
    EXPECT_EQ(result["hit"], true) << j.dump();
    if (!result["hit"].is_boolean() || !result["hit"].get<bool>()) return "";
    return result["references"][0].get<std::string>();
  }

  // The follow-up as `node`'s CLI shows it.
  Json Show(Node& node, const std::string& id) {
    return RunJson({"followup", "show", "--data", node.dir, id})["followup"];
  }

  // Waits until `node` shows follow-up `id` in `state` (or with `field` set);
  // returns it.
  Json WaitFor(Node& node, const std::string& id, const std::string& state) {
    const absl::Time deadline = absl::Now() + kPatience;
    Json f;
    while (absl::Now() < deadline) {
      RunResult r = Run({"followup", "show", "--data", node.dir, id, "--json"});
      if (r.exit_code == 0) {
        absl::StatusOr<Json> j = ParseJson(r.out);
        if (j.ok()) f = (*j)["followup"];
        if (f.is_object() && f["state"] == state) return f;
      }
      absl::SleepFor(absl::Milliseconds(200));
    }
    ADD_FAILURE() << node.name << ": follow-up " << id << " never reached " << state << ": "
                  << f.dump();
    return f;
  }

  int64_t Pending(Node& node) {
    Json j = RunJson({"message", "outbox", "--data", node.dir});
    int64_t n = 0;
    for (const Json& p : j["outbox"]) n += p["pending"].get<int64_t>();
    return n;
  }

  std::string Audit(Node& node) {
    std::string file = root_ + "/" + node.name + "-audit-" + std::to_string(++exports_) + ".jsonl";
    EXPECT_EQ(Run({"audit", "export", "--data", node.dir, "--out", file}).exit_code, 0);
    EXPECT_EQ(Run({"audit", "verify", file}).exit_code, 0) << node.name;
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
  int exports_ = 0;
  Node lahore_;
  Node rome_;
};

TEST_F(FollowupTest, HitFollowUpDecisionsReleaseReceiptAndPurgeBetweenTwoNodes) {
  // Rome's officer registers a protected person, with an address and a
  // phone number that must never leave Rome.
  Api giulia = SignIn(rome_, "giulia");
  Json amina = {{"type", "person"},
                {"crime_area", "narcotics"},
                {"handling_code", "H1"},
                {"alert", "protected_person"},
                {"person",
                 {{"name", "Amina Bibi"},
                  {"dob", "1999-01-01"},
                  {"address", "Via dei Mille 7, Roma"},
                  {"contact", "+393331234567"}}}};
  httplib::Result created = giulia.Post("/api/v1/persons", amina);
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  // Rome's persons searchable by partners are loaded when it starts.
  Stop(rome_);
  Serve(rome_);
  giulia = SignIn(rome_, "giulia");

  // Hits: three of Rome's persons.
  const std::string asif = HitReference("Muhammad Asif", "1984-03-02");
  const std::string bibi = HitReference("Amina Bibi", "1999-01-01");
  const std::string imran = HitReference("Imran Qureshi", "1971-07-07");
  ASSERT_FALSE(asif.empty() || bibi.empty() || imran.empty());

  // Follow-ups from Lahore: over REST as the officer, and from the CLI.
  Api rana = SignIn(lahore_, "rana");
  httplib::Result no_purpose = rana.Post(
      "/api/v1/followups", {{"partner", rome_.id}, {"reference", asif}, {"legal_basis", "Art. 4"}});
  ASSERT_TRUE(no_purpose);
  EXPECT_EQ(no_purpose->status, 400) << no_purpose->body;
  httplib::Result asked =
      rana.Post("/api/v1/followups", {{"partner", rome_.id},
                                      {"reference", asif},
                                      {"purpose", "Operation Indus: identify the courier"},
                                      {"legal_basis", "Art. 4 of the cooperation agreement"},
                                      {"urgency", "urgent"},
                                      {"note", "Hearing on Monday"}});
  ASSERT_TRUE(asked);
  ASSERT_EQ(asked->status, 201) << asked->body;
  Json asif_req = Body(asked)["followup"];
  EXPECT_EQ(asif_req["state"], "sent");
  EXPECT_EQ(asif_req["direction"], "outgoing");
  EXPECT_EQ(asif_req["deadline_ms"].get<int64_t>() - asif_req["requested_ms"].get<int64_t>(),
            8 * 3600 * 1000);
  const std::string asif_id = asif_req["id"].get<std::string>();
  auto request = [&](const std::string& reference, const std::string& urgency) {
    return RunJson({"followup", "request", "--data", lahore_.dir, "--partner", rome_.id,
                    "--reference", reference, "--purpose", "Operation Indus: contacts",
                    "--legal-basis", "Art. 4", "--urgency", urgency})["followup"]["id"]
        .get<std::string>();
  };
  const std::string bibi_id = request(bibi, "normal");
  const std::string imran_id = request(imran, "urgent_indirect");
  const std::string again_id = request(asif, "normal");
  const std::string unknown_id = request("ref_01J9ZQ5N8P4V9W3X7Y6Z1B2C3D", "normal");

  // Rome: the agreement approved Imran (human trafficking); the unknown
  // reference was refused on arrival; the rest wait in the officers' queue.
  WaitFor(rome_, imran_id, "approved");
  Json refused_there = WaitFor(rome_, unknown_id, "refused");
  EXPECT_EQ(refused_there["decided_by"], "node");
  WaitFor(rome_, again_id, "pending");
  Json queue = Body(giulia.Get("/api/v1/followups?direction=incoming&state=pending"));
  std::map<std::string, Json> pending;
  for (const Json& f : queue["followups"]) pending[f["id"].get<std::string>()] = f;
  ASSERT_TRUE(pending.contains(asif_id) && pending.contains(bibi_id)) << queue.dump();
  EXPECT_EQ(pending[asif_id]["urgency"], "urgent");
  EXPECT_EQ(pending[asif_id]["deadline_ms"].get<int64_t>() -
                pending[asif_id]["received_ms"].get<int64_t>(),
            8 * 3600 * 1000);
  EXPECT_EQ(pending[bibi_id]["deadline_ms"].get<int64_t>() -
                pending[bibi_id]["received_ms"].get<int64_t>(),
            7 * kDayMs);
  EXPECT_EQ(pending[asif_id]["overdue"], false);
  EXPECT_EQ(pending[asif_id]["purpose"], "Operation Indus: identify the courier");

  // The deciding officer sees the record and what may be released.
  Json bibi_there = Body(giulia.Get("/api/v1/followups/" + bibi_id))["followup"];
  EXPECT_EQ(bibi_there["record"]["person"]["name"], "Amina Bibi");
  EXPECT_EQ(bibi_there["withheld_fields"], Json::array({"address", "contact"}));

  // Lahore goes offline; Rome decides meanwhile.
  Stop(lahore_);
  httplib::Result leak = giulia.Post("/api/v1/followups/" + bibi_id + "/decision",
                                     {{"decision", "approve_partial"},
                                      {"fields", Json::array({"name", "address"})},
                                      {"reason", "as asked"}});
  ASSERT_TRUE(leak);
  EXPECT_EQ(leak->status, 400);
  EXPECT_THAT(leak->body, HasSubstr("address"));
  httplib::Result partial = giulia.Post("/api/v1/followups/" + asif_id + "/decision",
                                        {{"decision", "approve_partial"},
                                         {"fields", Json::array({"name", "dob"})},
                                         {"reason", "the address is operational"}});
  ASSERT_TRUE(partial);
  ASSERT_EQ(partial->status, 200) << partial->body;
  EXPECT_EQ(Body(partial)["followup"]["state"], "approved_partial");
  httplib::Result full =
      giulia.Post("/api/v1/followups/" + bibi_id + "/decision", {{"decision", "approve"}});
  ASSERT_TRUE(full);
  ASSERT_EQ(full->status, 200) << full->body;
  httplib::Result refused =
      giulia.Post("/api/v1/followups/" + again_id + "/decision",
                  {{"decision", "refuse"}, {"reason", "answered in the earlier request"}});
  ASSERT_TRUE(refused);
  ASSERT_EQ(refused->status, 200) << refused->body;
  EXPECT_GE(Pending(rome_), 3);  // held for Lahore, nothing lost

  // Lahore returns: the decisions arrive.
  Serve(lahore_);
  rana = SignIn(lahore_, "rana");
  WaitFor(lahore_, asif_id, "approved_partial");
  WaitFor(lahore_, bibi_id, "approved");
  WaitFor(lahore_, imran_id, "approved");
  Json again_here = WaitFor(lahore_, again_id, "refused");
  EXPECT_EQ(again_here["decision_reason"], "answered in the earlier request");
  Json unknown_here = WaitFor(lahore_, unknown_id, "refused");
  EXPECT_THAT(unknown_here["decision_reason"].get<std::string>(), HasSubstr("unknown reference"));

  // Released data: marked with handling code, owner and retention limit,
  // only the approved fields, never a protected person's address.
  Json asif_here = Body(rana.Get("/api/v1/followups/" + asif_id))["followup"];
  const Json& released = asif_here["released"];
  EXPECT_EQ(released["owner"], rome_.id);
  EXPECT_EQ(released["handling_code"], "H1");
  EXPECT_EQ(released["record_type"], "person");
  EXPECT_EQ(released["retain_until_ms"].get<int64_t>() - released["received_ms"].get<int64_t>(),
            30 * kDayMs);
  EXPECT_EQ(released["data"], (Json{{"name", "Muhammad Asif"}, {"dob", "1984-03-02"}}));
  EXPECT_EQ(asif_here["decision_reason"], "the address is operational");
  EXPECT_EQ(asif_here["decided_by"], "Giulia Conti");
  Json bibi_here = Body(rana.Get("/api/v1/followups/" + bibi_id))["followup"];
  EXPECT_EQ(bibi_here["released"]["data"]["name"], "Amina Bibi");
  EXPECT_FALSE(bibi_here["released"]["data"].contains("address")) << bibi_here.dump();
  EXPECT_FALSE(bibi_here["released"]["data"].contains("contact")) << bibi_here.dump();
  Json imran_here = Body(rana.Get("/api/v1/followups/" + imran_id))["followup"];
  EXPECT_THAT(imran_here["decided_by"].get<std::string>(), HasSubstr("agreement v"));
  // Received data is kept apart from Lahore's own records.
  Json persons = Body(rana.Get("/api/v1/persons?limit=100"));
  EXPECT_THAT(persons.dump(), ::testing::Not(HasSubstr("Muhammad Asif")));
  Json outgoing = Body(rana.Get("/api/v1/followups?direction=outgoing"));
  EXPECT_EQ(outgoing["followups"].size(), 5u);

  // Thirty-one days later Lahore's purge erases the received data and tells
  // Rome; Lahore's running node delivers the erasure notices.
  Json purged = RunJson({"followup", "purge", "--data", lahore_.dir},
                        {"LIAISON_TEST_CLOCK_OFFSET_SECONDS=" + std::to_string(31 * 24 * 3600)});
  std::vector<std::string> erased;
  for (const Json& id : purged["erased"]) erased.push_back(id.get<std::string>());
  EXPECT_THAT(erased, UnorderedElementsAre(asif_id, bibi_id, imran_id));
  Json asif_after = Show(lahore_, asif_id);
  EXPECT_TRUE(asif_after["released"]["data"].is_null()) << asif_after.dump();
  EXPECT_GT(asif_after["released"]["erased_ms"].get<int64_t>(), 0);
  const absl::Time deadline = absl::Now() + kPatience;
  while (absl::Now() < deadline && Show(rome_, imran_id)["erased_ms"].get<int64_t>() == 0) {
    absl::SleepFor(absl::Milliseconds(200));
  }
  for (const std::string& id : {asif_id, bibi_id, imran_id}) {
    const absl::Time until = absl::Now() + kPatience;
    while (absl::Now() < until && Show(rome_, id)["erased_ms"].get<int64_t>() == 0) {
      absl::SleepFor(absl::Milliseconds(200));
    }
    EXPECT_GT(Show(rome_, id)["erased_ms"].get<int64_t>(), 0) << id;
  }

  // Both nodes audited every step (and their chains verify).
  std::string lahore_audit = Audit(lahore_);
  std::string rome_audit = Audit(rome_);
  EXPECT_EQ(CountLines(lahore_audit, "\"followup_requested\""), 5);
  EXPECT_EQ(CountLines(lahore_audit, "\"followup_decided\""), 5);
  EXPECT_EQ(CountLines(lahore_audit, "\"data_received\""), 3);
  EXPECT_EQ(CountLines(lahore_audit, "\"data_erased\""), 3);
  EXPECT_EQ(CountLines(rome_audit, "\"followup_requested\""), 5);
  EXPECT_EQ(CountLines(rome_audit, "\"followup_decided\""), 5);
  EXPECT_EQ(CountLines(rome_audit, "\"data_released\""), 3);
  EXPECT_EQ(CountLines(rome_audit, "\"data_erased\""), 3);
  // A released protected person's address is in no audit entry, and no
  // entry of Lahore's holds the received data.
  EXPECT_THAT(rome_audit, ::testing::Not(HasSubstr("Via dei Mille")));
  EXPECT_THAT(lahore_audit, ::testing::Not(HasSubstr("Amina Bibi")));
}

}  // namespace
}  // namespace liaison
