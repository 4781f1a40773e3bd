// A node on PostgreSQL as an operator runs one: `liaison init --storage URL`
// and `liaison migrate` against the real server the test setup started
// (tests/postgres), then two `liaison serve` processes of one agency sharing
// that database, as behind a load balancer: a record written through one is
// found by a search through the other, and the audit chain both processes
// wrote still verifies.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "child_process.h"
#include "common/json_text.h"
#include "tests/postgres/test_postgres.h"

namespace liaison {
namespace {

using ::testing::HasSubstr;

constexpr char kPassword[] = "correct horse battery staple";
// Only stops a hung test; nothing asserts on time.
constexpr absl::Duration kPatience = absl::Seconds(120);

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class PostgresNodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(integration::LiaisonBinary().empty()) << "LIAISON_BINARY is not set";
    std::string pattern = ::testing::TempDir() + "/postgres_node_test_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    node_ = root_ + "/lahore";
    absl::StatusOr<std::string> url = testing::FreshPostgresSchemaUrl("node");
    ASSERT_TRUE(url.ok()) << url.status();
    url_ = *url;
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  Outcome Run(const std::vector<std::string>& args, const std::string& stdin_text = "") {
    std::string in = root_ + "/stdin", out = root_ + "/stdout", err = root_ + "/stderr";
    std::ofstream(in) << stdin_text;
    std::string cmd = Quote(integration::LiaisonBinary());
    for (const std::string& a : args) cmd += " " + Quote(a);
    cmd += " <" + in + " >" + out + " 2>" + err;
    int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, Slurp(out), Slurp(err)};
  }

  void Init() {
    Outcome init = Run({"init", "--data", node_, "--agency", "Punjab Police", "--country", "PK",
                        "--storage", url_});
    ASSERT_EQ(init.exit_code, 0) << init.err;
  }

  void AddUser(const std::string& username, const std::string& role) {
    Outcome r = Run({"user", "add", "--data", node_, "--username", username, "--role", role,
                     "--clearance", "H3", "--password-stdin"},
                    std::string(kPassword) + "\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // Starts `liaison serve` on a loopback port the OS picks; returns the port
  // (0 on failure) once the node answers its health check.
  int StartServe(integration::ChildProcess& serve) {
    std::optional<std::string> line = serve.ReadLine();
    std::smatch match;
    static const std::regex kForm("listening on https://127\\.0\\.0\\.1:([0-9]+)");
    if (!line || !std::regex_match(*line, match, kForm)) {
      ADD_FAILURE() << "liaison serve printed no address: " << line.value_or("(nothing)");
      return 0;
    }
    int port = std::stoi(match[1].str());
    auto c = Client(port);
    for (absl::Time deadline = absl::Now() + kPatience; absl::Now() < deadline;
         absl::SleepFor(absl::Milliseconds(20))) {
      httplib::Result health = c->Get("/api/v1/health");
      if (health && health->status == 200) return port;
    }
    ADD_FAILURE() << "the node on port " << port << " never became ready";
    return 0;
  }

  std::unique_ptr<httplib::SSLClient> Client(int port) {
    auto c = std::make_unique<httplib::SSLClient>("127.0.0.1", port);
    c->set_ca_cert_path((node_ + "/keys/tls.crt").c_str());
    c->enable_server_certificate_verification(true);
    c->set_read_timeout(absl::ToInt64Seconds(kPatience), 0);
    return c;
  }

  // Signs in and returns headers carrying the session and a purpose.
  httplib::Headers SignIn(httplib::SSLClient& c, const std::string& username) {
    Json body = {{"username", username}, {"password", kPassword}};
    httplib::Result r = c.Post("/api/v1/session", DumpJson(body), "application/json");
    EXPECT_TRUE(r) << httplib::to_string(r.error());
    if (!r) return {};
    EXPECT_EQ(r->status, 200) << r->body;
    auto j = ParseJson(r->body);
    std::string token = j.ok() && j->contains("token") ? (*j)["token"].get<std::string>() : "";
    return {{"Authorization", "Bearer " + token}, {"X-Purpose", "Operation Indus"}};
  }

  std::vector<std::string> SearchIds(httplib::SSLClient& c, const httplib::Headers& h,
                                     const std::string& query) {
    httplib::Result r = c.Get("/api/v1/search/persons?" + query, h);
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, 200) << r->body;
    std::vector<std::string> ids;
    auto body = ParseJson(r->body);
    if (!body.ok()) return ids;
    for (const Json& hit : (*body)["hits"]) ids.push_back(hit["record_id"].get<std::string>());
    return ids;
  }

  std::string root_;
  std::string node_;
  std::string url_;
};

TEST_F(PostgresNodeTest, InitWritesTheUrlAndMigrateFindsTheSchemaCurrent) {
  Init();
  std::string config = Slurp(node_ + "/liaison.toml");
  EXPECT_THAT(config, HasSubstr("engine = \"postgresql\""));
  EXPECT_THAT(config, HasSubstr(url_));
  EXPECT_FALSE(std::filesystem::exists(node_ + "/liaison.db"));
  Outcome migrate = Run({"migrate", "--data", node_});
  EXPECT_EQ(migrate.exit_code, 0) << migrate.err;
  EXPECT_THAT(migrate.out, HasSubstr("up to date"));
  // A second node may not take over a database that holds one.
  Outcome again = Run({"init", "--data", root_ + "/other", "--agency", "Punjab Police", "--country",
                       "PK", "--storage", url_});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_THAT(again.err, HasSubstr("already holds a liaison node"));
  EXPECT_FALSE(std::filesystem::exists(root_ + "/other/liaison.toml"));
}

TEST_F(PostgresNodeTest, UnreachableDatabaseIsAClearError) {
  Outcome init = Run({"init", "--data", node_, "--agency", "Punjab Police", "--country", "PK",
                      "--storage", "postgresql://liaison@127.0.0.1:1/none?connect_timeout=2"});
  EXPECT_NE(init.exit_code, 0);
  EXPECT_THAT(init.err, HasSubstr("cannot connect to PostgreSQL"));
  EXPECT_FALSE(std::filesystem::exists(node_ + "/liaison.toml"));
}

TEST_F(PostgresNodeTest, TwoServeProcessesOnOneDatabaseSeeEachOthersWrites) {
  Init();
  AddUser("ayesha", "analyst");
  integration::ChildProcess first(
      {integration::LiaisonBinary(), "serve", "--data", node_, "--listen", "127.0.0.1:0"});
  integration::ChildProcess second(
      {integration::LiaisonBinary(), "serve", "--data", node_, "--listen", "127.0.0.1:0"});
  ASSERT_TRUE(first.started() && second.started());
  int first_port = StartServe(first);
  int second_port = StartServe(second);
  ASSERT_GT(first_port, 0);
  ASSERT_GT(second_port, 0);
  auto a = Client(first_port);
  auto b = Client(second_port);
  // Sessions live in the database, so one sign-in serves both processes.
  httplib::Headers analyst = SignIn(*a, "ayesha");
  EXPECT_TRUE(SearchIds(*b, analyst, "name=Salvatore%20La%20Rosa&dob=1968-02-11").empty());

  Json person = {{"person", {{"name", "Salvatore La Rosa"}, {"dob", "1968-02-11"}}},
                 {"crime_area", "organised_crime"},
                 {"handling_code", "H1"}};
  httplib::Result created =
      a->Post("/api/v1/persons", analyst, DumpJson(person), "application/json");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  auto stored = ParseJson(created->body);
  ASSERT_TRUE(stored.ok());
  std::string id = (*stored)["id"].get<std::string>();
  EXPECT_EQ(SearchIds(*b, analyst, "name=Salvatore%20La%20Rosa&dob=1968-02-11"),
            std::vector<std::string>{id});

  // And back: erased through the second, gone from the first's index.
  httplib::Result deleted = b->Delete("/api/v1/persons/" + id, analyst);
  ASSERT_TRUE(deleted);
  ASSERT_EQ(deleted->status, 204) << deleted->body;
  EXPECT_TRUE(SearchIds(*a, analyst, "name=Salvatore%20La%20Rosa&dob=1968-02-11").empty());

  first.Signal(SIGTERM);
  second.Signal(SIGTERM);
  first.Wait();
  second.Wait();
  // Both processes appended to one audit chain; it verifies end to end.
  std::string exported = root_ + "/audit.jsonl";
  Outcome out = Run({"audit", "export", "--data", node_, "--out", exported});
  ASSERT_EQ(out.exit_code, 0) << out.err;
  Outcome verify = Run({"audit", "verify", exported});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

// The data lines of an export (without its header and end lines).
std::vector<std::string> DataLines(const std::string& path) {
  std::vector<std::string> lines;
  std::istringstream in(Slurp(path));
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("\"table\":") != std::string::npos) lines.push_back(line);
  }
  return lines;
}

// Points the node's liaison.toml at another database.
void SetStorage(const std::string& node, const std::string& storage) {
  std::string config = Slurp(node + "/liaison.toml");
  std::istringstream in(config);
  std::string out, line;
  while (std::getline(in, line)) {
    if (line.starts_with("engine = ") || line.starts_with("url = ") ||
        line.starts_with("database = ")) {
      continue;
    }
    out += line + "\n";
    if (line == "[storage]") out += storage;
  }
  std::ofstream(node + "/liaison.toml", std::ios::trunc) << out;
}

TEST_F(PostgresNodeTest, ExportAndImportMoveANodeToPostgresAndBackWithoutLoss) {
  Outcome init = Run({"init", "--data", node_, "--agency", "Punjab Police", "--country", "PK"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  AddUser("ayesha", "analyst");
  std::string persons = root_ + "/persons.csv";
  std::ofstream(persons) << "id,name,dob,crime_area,handling_code,alert\n"
                            "L1,محمد آصف ولد بشیر احمد,1985-03-12,terrorism,H1,wanted\n"
                            "L2,Giulia Rossi,1990-05-01,narcotics,H1,\n"
                            "L3,Imran Qureshi,1971-07-07,human_trafficking,H0,\n";
  Outcome imported = Run({"import", "persons", persons, "--data", node_});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;

  const std::string from_sqlite = root_ + "/from_sqlite.jsonl";
  Outcome exported = Run({"export", "--data", node_, "--out", from_sqlite});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  std::vector<std::string> first = DataLines(from_sqlite);
  ASSERT_GT(first.size(), 10u);

  SetStorage(node_, "engine = \"postgresql\"\nurl = \"" + url_ + "\"\n");
  Outcome loaded = Run({"import", "node", from_sqlite, "--data", node_});
  ASSERT_EQ(loaded.exit_code, 0) << loaded.err;
  // Loading twice is refused: the database now holds the node.
  Outcome twice = Run({"import", "node", from_sqlite, "--data", node_});
  EXPECT_NE(twice.exit_code, 0);
  EXPECT_THAT(twice.err, HasSubstr("not empty"));

  const std::string from_postgres = root_ + "/from_postgres.jsonl";
  exported = Run({"export", "--data", node_, "--out", from_postgres});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  std::vector<std::string> second = DataLines(from_postgres);
  // Every row arrived unchanged; what is new is the audit of the import and
  // of the second export.
  std::set<std::string> second_set(second.begin(), second.end());
  for (const std::string& row : first) EXPECT_TRUE(second_set.count(row)) << row;
  std::set<std::string> first_set(first.begin(), first.end());
  for (const std::string& row : second) {
    if (!first_set.count(row)) {
      EXPECT_THAT(row, HasSubstr("\"table\":\"audit\"")) << row;
    }
  }
  Outcome audit = Run({"audit", "export", "--data", node_, "--out", root_ + "/audit_pg.jsonl"});
  ASSERT_EQ(audit.exit_code, 0) << audit.err;
  Outcome verify = Run({"audit", "verify", root_ + "/audit_pg.jsonl"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;

  // And back to a new SQLite file.
  SetStorage(node_, "engine = \"sqlite\"\ndatabase = \"moved.db\"\n");
  loaded = Run({"import", "node", from_postgres, "--data", node_});
  ASSERT_EQ(loaded.exit_code, 0) << loaded.err;
  const std::string back = root_ + "/back.jsonl";
  exported = Run({"export", "--data", node_, "--out", back});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  std::vector<std::string> third = DataLines(back);
  std::set<std::string> third_set(third.begin(), third.end());
  for (const std::string& row : second) EXPECT_TRUE(third_set.count(row)) << row;
  audit = Run({"audit", "export", "--data", node_, "--out", root_ + "/audit_back.jsonl"});
  ASSERT_EQ(audit.exit_code, 0) << audit.err;
  verify = Run({"audit", "verify", root_ + "/audit_back.jsonl"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  // The moved node answers searches from its records.
  Outcome search = Run({"search", "--data", node_, "--name", "Giulia Rossi", "--dob", "1990-05-01",
                        "--purpose", "Operation Indus"});
  EXPECT_EQ(search.exit_code, 0) << search.err;
  EXPECT_THAT(search.out, HasSubstr("Giulia Rossi"));
}

TEST_F(PostgresNodeTest, ImportOfACutOrForeignFileIsRefusedAndLeavesTheDatabaseEmpty) {
  Outcome init = Run({"init", "--data", node_, "--agency", "Punjab Police", "--country", "PK"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  const std::string whole = root_ + "/whole.jsonl";
  ASSERT_EQ(Run({"export", "--data", node_, "--out", whole}).exit_code, 0);
  std::string text = Slurp(whole);
  // Without its end line, as when a copy is cut short.
  std::string cut_text = text.substr(0, text.rfind("{\"end\""));
  const std::string cut = root_ + "/cut.jsonl";
  std::ofstream(cut) << cut_text;
  SetStorage(node_, "engine = \"postgresql\"\nurl = \"" + url_ + "\"\n");
  Outcome refused = Run({"import", "node", cut, "--data", node_});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.err, HasSubstr("ends early"));
  // A node of another agency may not be loaded into this one.
  const std::string other = root_ + "/rome";
  ASSERT_EQ(
      Run({"init", "--data", other, "--agency", "Polizia di Stato", "--country", "IT"}).exit_code,
      0);
  const std::string foreign = root_ + "/foreign.jsonl";
  ASSERT_EQ(Run({"export", "--data", other, "--out", foreign}).exit_code, 0);
  refused = Run({"import", "node", foreign, "--data", node_});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.err, HasSubstr("not of node"));
  // Nothing was left behind: the whole file still loads.
  Outcome loaded = Run({"import", "node", whole, "--data", node_});
  EXPECT_EQ(loaded.exit_code, 0) << loaded.err;
}

}  // namespace
}  // namespace liaison
