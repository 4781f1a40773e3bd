// Search and screening as users meet them: the real `liaison` binary, a
// real node directory, `liaison serve` over TLS on a loopback port, users
// signed in over REST. Covers search with purpose and clearance, the index
// following edits and imports, screening jobs from upload to decision, a job
// resumed after the node is killed, `liaison search` and `liaison screen`.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/json_text.h"

namespace liaison {
namespace {

// Only stops a hung test; nothing asserts on time.
constexpr absl::Duration kPatience = absl::Seconds(120);
constexpr char kPassword[] = "correct horse battery staple";

std::string Binary() {
  const char* b = std::getenv("LIAISON_BINARY");
  return b != nullptr ? b : "";
}

std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// `liaison serve` as a child process whose first stdout line is its address.
class Server {
 public:
  explicit Server(const std::string& node) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      std::string bin = Binary();
      execl(bin.c_str(), bin.c_str(), "serve", "--data", node.c_str(), "--listen", "127.0.0.1:0",
            static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[1]);
    out_ = fds[0];
    std::string line;
    absl::Time deadline = absl::Now() + kPatience;
    char c;
    while (absl::Now() < deadline) {
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, 1000) <= 0) continue;
      if (read(out_, &c, 1) != 1) break;
      if (c == '\n') break;
      line += c;
    }
    std::smatch m;
    static const std::regex kForm("listening on https://127\\.0\\.0\\.1:([0-9]+)");
    if (std::regex_match(line, m, kForm)) port_ = std::stoi(m[1].str());
  }
  ~Server() {
    Stop(SIGTERM);
    if (out_ >= 0) close(out_);
  }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int port() const { return port_; }

  // Sends `signal_number` and waits for the process to end.
  void Stop(int signal_number) {
    if (pid_ <= 0) return;
    kill(pid_, signal_number);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  int port_ = 0;
};

class ScreeningIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(Binary().empty()) << "LIAISON_BINARY is not set";
    std::string pattern = ::testing::TempDir() + "/screening_test_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    node_ = root_ + "/lahore";
    Outcome init = Run({"init", "--data", node_, "--agency", "Punjab Police", "--country", "PK"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    AddUser("ayesha", "analyst", "H1");
    AddUser("rana", "supervisor", "H3");
    AddUser("audrey", "auditor", "H3");
    std::string persons = Write("persons.csv",
                                "id,name,dob,crime_area,handling_code,handling_note\n"
                                "L1,محمد آصف ولد بشیر احمد,1985-03-12,terrorism,H1,\n"
                                "L2,Giulia Rossi,1990-05-01,narcotics,H1,\n"
                                "L3,Giulia Rossi,1990-05-01,narcotics,H3,owner's consent\n"
                                "L4,Imran Qureshi,1971-07-07,human_trafficking,H0,\n");
    Outcome imported = Run({"import", "persons", persons, "--data", node_});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  Outcome Run(const std::vector<std::string>& args, const std::string& stdin_text = "") {
    std::string in = root_ + "/stdin", out = root_ + "/stdout", err = root_ + "/stderr";
    std::ofstream(in) << stdin_text;
    std::string cmd = Quote(Binary());
    for (const std::string& a : args) cmd += " " + Quote(a);
    cmd += " <" + in + " >" + out + " 2>" + err;
    int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, Slurp(out), Slurp(err)};
  }

  std::string Write(const std::string& name, const std::string& text) {
    std::string p = root_ + "/" + name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

  void AddUser(const std::string& username, const std::string& role, const std::string& clearance) {
    Outcome r = Run({"user", "add", "--data", node_, "--username", username, "--role", role,
                     "--clearance", clearance, "--password-stdin"},
                    std::string(kPassword) + "\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  std::unique_ptr<httplib::SSLClient> Client(int port) {
    auto c = std::make_unique<httplib::SSLClient>("127.0.0.1", port);
    c->set_ca_cert_path((node_ + "/keys/tls.crt").c_str());
    c->enable_server_certificate_verification(true);
    c->set_read_timeout(absl::ToInt64Seconds(kPatience), 0);
    return c;
  }

  // Signs in and returns headers carrying the session and a purpose.
  httplib::Headers SignIn(httplib::SSLClient& c, const std::string& username,
                          const std::string& purpose = "Operation Indus") {
    Json body = {{"username", username}, {"password", kPassword}};
    httplib::Result r = c.Post("/api/v1/session", DumpJson(body), "application/json");
    EXPECT_TRUE(r) << httplib::to_string(r.error());
    if (!r) return {};
    EXPECT_EQ(r->status, 200) << r->body;
    auto j = ParseJson(r->body);
    std::string token = j.ok() && j->contains("token") ? (*j)["token"].get<std::string>() : "";
    httplib::Headers h = {{"Authorization", "Bearer " + token}};
    if (!purpose.empty()) h.emplace("X-Purpose", purpose);
    return h;
  }

  static Json Body(const httplib::Result& r) {
    if (!r) return Json();
    auto j = ParseJson(r->body);
    return j.ok() ? *j : Json();
  }

  // Record ids of the hits of a GET search.
  std::vector<std::string> SearchIds(httplib::SSLClient& c, const httplib::Headers& h,
                                     const std::string& query) {
    httplib::Result r = c.Get("/api/v1/search/persons?" + query, h);
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, 200) << r->body;
    std::vector<std::string> ids;
    const Json body = Body(r);
    for (const Json& hit : body["hits"]) ids.push_back(hit["record_id"].get<std::string>());
    return ids;
  }

  // Polls a job until `done(job)` or kPatience.
  Json PollJob(httplib::SSLClient& c, const httplib::Headers& h, const std::string& id,
               const std::function<bool(const Json&)>& done) {
    absl::Time deadline = absl::Now() + kPatience;
    Json job;
    while (absl::Now() < deadline) {
      job = Body(c.Get("/api/v1/screening/jobs/" + id, h));
      if (done(job)) return job;
      absl::SleepFor(absl::Milliseconds(10));
    }
    ADD_FAILURE() << "job " << id << " stuck: " << job.dump();
    return job;
  }

  std::string root_;
  std::string node_;
};

TEST_F(ScreeningIntegrationTest, SearchOverRestNeedsAPurposeAndHonoursClearance) {
  Server server(node_);
  ASSERT_GT(server.port(), 0);
  auto c = Client(server.port());
  httplib::Headers analyst = SignIn(*c, "ayesha");

  httplib::Headers no_purpose = {{"Authorization", analyst.find("Authorization")->second}};
  httplib::Result refused = c->Get("/api/v1/search/persons?name=Giulia%20Rossi", no_purpose);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400) << refused->body;
  EXPECT_TRUE(absl::StrContains(refused->body, "purpose")) << refused->body;

  // Across scripts, with the explanation.
  httplib::Result found = c->Get(
      "/api/v1/search/persons?name=Mohammed%20Aasif%20s%2Fo%20Bashir&dob=1985-03-12", analyst);
  ASSERT_TRUE(found);
  ASSERT_EQ(found->status, 200) << found->body;
  Json hits = Body(found)["hits"];
  ASSERT_EQ(hits.size(), 1u) << found->body;
  EXPECT_EQ(hits[0]["record"]["dob"], "1985-03-12");
  EXPECT_FALSE(hits[0]["summary"].get<std::string>().empty());
  EXPECT_TRUE(hits[0]["explanation"]["tokens"].is_array());
  const std::string asif = hits[0]["record_id"];

  // Two Giulia Rossi records; the H3 one is above the analyst's H1.
  std::vector<std::string> giulia = SearchIds(*c, analyst, "name=Giulia%20Rossi&dob=1990-05-01");
  EXPECT_EQ(giulia.size(), 1u);
  httplib::Headers supervisor = SignIn(*c, "rana");
  EXPECT_EQ(SearchIds(*c, supervisor, "name=Giulia%20Rossi&dob=1990-05-01").size(), 2u);

  // The JSON form, with options.
  Json query = {{"name", "ROSSI Giulia"}, {"dob", "1990-05"}, {"min_score", 0.5}, {"limit", 5}};
  httplib::Result posted =
      c->Post("/api/v1/search/persons", analyst, DumpJson(query), "application/json");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 200) << posted->body;
  EXPECT_EQ(Body(posted)["hits"].size(), 1u) << posted->body;
  Json unknown = {{"name", "Giulia"}, {"shoe_size", "42"}};
  httplib::Result bad =
      c->Post("/api/v1/search/persons", analyst, DumpJson(unknown), "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_TRUE(absl::StrContains(bad->body, "shoe_size")) << bad->body;

  // Auditors read the log, they do not search.
  httplib::Headers auditor = SignIn(*c, "audrey");
  httplib::Result denied = c->Get("/api/v1/search/persons?name=Giulia%20Rossi", auditor);
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 403);

  // "Who saw this record" includes the search, with its purpose.
  httplib::Result history = c->Get("/api/v1/records/" + asif + "/audit", supervisor);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->status, 200) << history->body;
  bool searched = false;
  const Json entries = Body(history)["entries"];
  for (const Json& e : entries) {
    if (e["action"] == "search" && e["actor_id"].get<std::string>().starts_with("usr_")) {
      searched = true;
      EXPECT_EQ(e["purpose"], "Operation Indus");
    }
  }
  EXPECT_TRUE(searched) << history->body;
  EXPECT_FALSE(absl::StrContains(history->body, "Aasif"));  // only the query's hash
}

TEST_F(ScreeningIntegrationTest, TheIndexFollowsAnUpdateADeleteAndAnImportFromAnotherProcess) {
  Server server(node_);
  ASSERT_GT(server.port(), 0);
  auto c = Client(server.port());
  httplib::Headers analyst = SignIn(*c, "ayesha");
  std::vector<std::string> ids = SearchIds(*c, analyst, "name=Imran%20Qureshi&dob=1971-07-07");
  ASSERT_EQ(ids.size(), 1u);
  const std::string id = ids[0];

  httplib::Result got = c->Get("/api/v1/persons/" + id, analyst);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->status, 200) << got->body;
  Json record = Body(got);
  record["person"]["name"] = "Tariq Mehmood";
  httplib::Headers put = analyst;
  put.emplace("If-Match", "\"" + std::to_string(record["version"].get<int64_t>()) + "\"");
  for (const char* owned : {"id", "owner", "version", "created_at", "updated_at"}) {
    record.erase(owned);
  }
  httplib::Result updated =
      c->Put("/api/v1/persons/" + id, put, DumpJson(record), "application/json");
  ASSERT_TRUE(updated);
  ASSERT_EQ(updated->status, 200) << updated->body;
  EXPECT_TRUE(SearchIds(*c, analyst, "name=Imran%20Qureshi&dob=1971-07-07").empty());
  EXPECT_EQ(SearchIds(*c, analyst, "name=Tariq%20Mehmood&dob=1971-07-07"),
            std::vector<std::string>{id});

  httplib::Result deleted = c->Delete("/api/v1/persons/" + id, analyst);
  ASSERT_TRUE(deleted);
  ASSERT_EQ(deleted->status, 204) << deleted->body;
  EXPECT_TRUE(SearchIds(*c, analyst, "name=Tariq%20Mehmood&dob=1971-07-07").empty());

  // `liaison import` from another process while the node serves.
  std::string more = Write("more.csv",
                           "id,name,dob,crime_area,handling_code\n"
                           "L9,Salvatore La Rosa,1968-02-11,organised_crime,H0\n");
  Outcome imported = Run({"import", "persons", more, "--data", node_});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_EQ(SearchIds(*c, analyst, "name=Salvatore%20La%20Rosa&dob=1968-02-11").size(), 1u);
}

TEST_F(ScreeningIntegrationTest, AJobGoesFromUploadThroughProgressAndHitsToADecision) {
  Server server(node_);
  ASSERT_GT(server.port(), 0);
  auto c = Client(server.port());
  httplib::Headers analyst = SignIn(*c, "ayesha", "hotel guests, Lahore, 14 January");

  std::string bad_csv = "id,name,dob\nG1,Ali Khan,1985-01-01\nG2,Ali Raza,1985-13-01\n";
  httplib::Result rejected =
      c->Post("/api/v1/screening/jobs?name=guests.csv", analyst, bad_csv, "text/csv");
  ASSERT_TRUE(rejected);
  EXPECT_EQ(rejected->status, 400);
  EXPECT_TRUE(absl::StrContains(rejected->body, "guests.csv:3:")) << rejected->body;

  std::string guests =
      "id,name,dob\n"
      "G1,Mohammed Aasif s/o Bashir Ahmed,1985-03-12\n"
      "G2,Salvatore Esposito,1968\n"
      "G3,Giulia Rosi,1990-05-01\n";
  httplib::Result submitted =
      c->Post("/api/v1/screening/jobs?name=guests.csv&top=3", analyst, guests, "text/csv");
  ASSERT_TRUE(submitted);
  ASSERT_EQ(submitted->status, 202) << submitted->body;
  const std::string job_id = Body(submitted)["id"];
  Json job = PollJob(*c, analyst, job_id, [](const Json& j) { return j["state"] == "done"; });
  EXPECT_EQ(job["screened"], 3);
  EXPECT_EQ(job["candidates"], 3);

  httplib::Result listed = c->Get("/api/v1/screening/jobs", analyst);
  ASSERT_TRUE(listed);
  EXPECT_EQ(Body(listed)["items"][0]["id"], job_id);

  httplib::Result first = c->Get("/api/v1/screening/jobs/" + job_id + "/hits?limit=1", analyst);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  Json page = Body(first);
  ASSERT_EQ(page["items"].size(), 1u) << first->body;
  EXPECT_EQ(page["items"][0]["candidate"]["id"], "G1");
  EXPECT_FALSE(page["items"][0]["summary"].get<std::string>().empty());
  ASSERT_TRUE(page["next_cursor"].is_string());
  httplib::Result rest = c->Get(
      "/api/v1/screening/jobs/" + job_id + "/hits?cursor=" + page["next_cursor"].get<std::string>(),
      analyst);
  ASSERT_TRUE(rest);
  Json rest_items = Body(rest)["items"];
  ASSERT_EQ(rest_items.size(), 1u) << rest->body;  // G3 → the H1 Giulia Rossi only
  EXPECT_EQ(rest_items[0]["candidate"]["id"], "G3");

  const std::string hit = std::to_string(page["items"][0]["hit"].get<int64_t>());
  Json decision = {{"decision", "confirmed"}, {"reason", "father's name and full date agree"}};
  httplib::Result decided =
      c->Post("/api/v1/screening/jobs/" + job_id + "/hits/" + hit + "/decision", analyst,
              DumpJson(decision), "application/json");
  ASSERT_TRUE(decided);
  ASSERT_EQ(decided->status, 200) << decided->body;
  Json again = Body(c->Get("/api/v1/screening/jobs/" + job_id + "/hits", analyst));
  EXPECT_EQ(again["items"][0]["decision"]["decision"], "confirmed");
  EXPECT_TRUE(again["items"][0]["decision"]["reviewer"].get<std::string>().starts_with("usr_"));

  // Another analyst sees neither the job nor its hits; the auditor may not ask.
  AddUser("bilal", "analyst", "H3");
  httplib::Headers colleague = SignIn(*c, "bilal");
  EXPECT_EQ(c->Get("/api/v1/screening/jobs/" + job_id, colleague)->status, 404);
  EXPECT_EQ(c->Get("/api/v1/screening/jobs/" + job_id, SignIn(*c, "audrey"))->status, 403);
}

// A list long enough that the node is killed with screening under way.
std::string GeneratedList(char prefix, int rows, int offset) {
  static const char* kFirst[] = {"Muhammad", "Ali",    "Imran",   "Bilal",  "Usman",
                                 "Giulia",   "Marco",  "Lorenzo", "Ayesha", "Fatima",
                                 "Hamza",    "Zainab", "Sofia",   "Omar",   "Hassan"};
  static const char* kLast[] = {"Khan",     "Qureshi", "Butt",     "Rossi",  "Bianchi",
                                "Esposito", "Malik",   "Chaudhry", "Ricci",  "Sheikh",
                                "Mirza",    "Gallo",   "Shah",     "Bhatti", "Romano"};
  std::string csv = "id,name,dob\n";
  for (int i = 0; i < rows; ++i) {
    const int k = i + offset;
    absl::StrAppend(&csv, std::string(1, prefix), i, ",", kFirst[k % 15], " ", kLast[(k / 15) % 15],
                    absl::StrFormat(",%04d-%02d-%02d\n", 1950 + k % 45, 1 + k % 12, 1 + k % 28));
  }
  return csv;
}

TEST_F(ScreeningIntegrationTest, AJobResumesAfterTheNodeIsKilled) {
  Outcome imported = Run({"import", "persons", Write("listed.csv", GeneratedList('W', 600, 0)),
                          "--data", node_, "--handling-code", "H0"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  const std::string candidates = GeneratedList('C', 3000, 7);

  std::string job_id;
  {
    Server server(node_);
    ASSERT_GT(server.port(), 0);
    auto c = Client(server.port());
    httplib::Headers analyst = SignIn(*c, "rana", "passenger list, flight PK-711");
    httplib::Result submitted =
        c->Post("/api/v1/screening/jobs?name=passengers.csv", analyst, candidates, "text/csv");
    ASSERT_TRUE(submitted);
    ASSERT_EQ(submitted->status, 202) << submitted->body;
    job_id = Body(submitted)["id"];
    Json job = PollJob(*c, analyst, job_id, [](const Json& j) {
      return j["state"] == "done" || (j.contains("screened") && j["screened"] > 0);
    });
    if (job["state"] == "done") {
      GTEST_SKIP() << "the job ended before the node could be killed mid-way";
    }
    server.Stop(SIGKILL);
  }
  Server restarted(node_);
  ASSERT_GT(restarted.port(), 0);
  auto c = Client(restarted.port());
  httplib::Headers supervisor = SignIn(*c, "rana", "passenger list, flight PK-711");
  Json job = PollJob(*c, supervisor, job_id, [](const Json& j) {
    return j["state"] != "running" && j["state"] != "queued";
  });
  ASSERT_EQ(job["state"], "done") << job.dump();
  EXPECT_EQ(job["screened"], 3000);

  // The same list screened without interruption gives the same hits.
  httplib::Result again =
      c->Post("/api/v1/screening/jobs?name=passengers.csv", supervisor, candidates, "text/csv");
  ASSERT_TRUE(again);
  const std::string again_id = Body(again)["id"];
  Json reference =
      PollJob(*c, supervisor, again_id, [](const Json& j) { return j["state"] == "done"; });
  EXPECT_EQ(job["hits"], reference["hits"]);
  auto pairs = [&](const std::string& id) {
    std::multiset<std::string> out;
    std::string cursor = "0";
    while (true) {
      Json page = Body(
          c->Get("/api/v1/screening/jobs/" + id + "/hits?limit=500&cursor=" + cursor, supervisor));
      for (const Json& h : page["items"]) {
        out.insert(h["candidate"]["id"].get<std::string>() + ">" +
                   h["record_id"].get<std::string>());
      }
      if (!page["next_cursor"].is_string()) break;
      cursor = page["next_cursor"];
    }
    return out;
  };
  EXPECT_EQ(pairs(job_id), pairs(again_id));
}

TEST_F(ScreeningIntegrationTest, SearchFromTheCommandLineNeedsAPurposeAndIsAudited) {
  Outcome no_purpose = Run({"search", "--data", node_, "--name", "Giulia Rossi"});
  EXPECT_NE(no_purpose.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(no_purpose.err, "purpose")) << no_purpose.err;

  Outcome found = Run({"search", "--data", node_, "--name", "ROSSI Giulia", "--dob", "1990-05-01",
                       "--purpose", "checking a name for the Rome office", "--json"});
  ASSERT_EQ(found.exit_code, 0) << found.err;
  auto j = ParseJson(found.out);
  ASSERT_TRUE(j.ok()) << found.out;
  EXPECT_EQ((*j)["hits"].size(), 2u);  // the local administrator holds H3

  Outcome text = Run({"search", "--data", node_, "--name", "Mohammed Aasif", "--father-name",
                      "Bashir Ahmed", "--dob", "1985-03-12", "--purpose", "check"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_TRUE(absl::StrContains(text.out, "محمد آصف")) << text.out;

  std::string log = root_ + "/audit.jsonl";
  ASSERT_EQ(Run({"audit", "export", "--data", node_, "--out", log}).exit_code, 0);
  int searches = 0;
  for (absl::string_view line : absl::StrSplit(Slurp(log), '\n', absl::SkipEmpty())) {
    if (absl::StrContains(line, "\"action\":\"search\"") &&
        absl::StrContains(line, "\"actor_id\":\"local-admin\"")) {
      ++searches;
    }
  }
  EXPECT_EQ(searches, 2);
}

TEST_F(ScreeningIntegrationTest, ScreenFromFilesKeepsTheContractOrder) {
  std::string watch = Write("w.csv",
                            "id,name,dob\n"
                            "W1,Ali Khan,1980-01-01\n"
                            "W2,Ali Khan,1980-01-01\n"
                            "W3,Giulia Rossi,1990-05-01\n");
  std::string cand = Write("c.csv",
                           "id,name,dob\n"
                           "C2,Giulia Rossi,1990-05-01\n"
                           "C1,Ali Khan,1980-01-01\n"
                           "C3,Niccolò D'Angelo,1975\n");
  std::string one = root_ + "/one.csv", four = root_ + "/four.csv";
  ASSERT_EQ(
      Run({"screen", "--watchlist", watch, "--candidates", cand, "--out", one, "--threads", "1"})
          .exit_code,
      0);
  ASSERT_EQ(
      Run({"screen", "--watchlist", watch, "--candidates", cand, "--out", four, "--threads", "4"})
          .exit_code,
      0);
  EXPECT_EQ(Slurp(one), Slurp(four));
  std::vector<std::string> lines = absl::StrSplit(Slurp(one), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 4u) << Slurp(one);
  EXPECT_EQ(lines[0], "candidate_id,watchlist_id,score,reasons");
  EXPECT_TRUE(absl::StartsWith(lines[1], "C2,W3,")) << lines[1];  // candidates in file order
  EXPECT_TRUE(absl::StartsWith(lines[2], "C1,W1,")) << lines[2];  // ties in watchlist order
  EXPECT_TRUE(absl::StartsWith(lines[3], "C1,W2,")) << lines[3];

  // --threshold 0 --top K: each candidate's K best, even with no name in common.
  std::string all = root_ + "/all.csv";
  ASSERT_EQ(Run({"screen", "--watchlist", watch, "--candidates", cand, "--out", all, "--threshold",
                 "0", "--top", "3"})
                .exit_code,
            0);
  std::vector<std::string> every = absl::StrSplit(Slurp(all), '\n', absl::SkipEmpty());
  EXPECT_EQ(every.size(), 10u) << Slurp(all);
}

}  // namespace
}  // namespace liaison
