// `liaison audit export` and `liaison audit verify` as an auditor runs them:
// the real binary on a real node directory, then the database altered behind
// the node's back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace liaison {
namespace {

using ::testing::HasSubstr;

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs the liaison binary with `args` (already shell-quoted where needed).
CommandResult Liaison(const std::string& args, const std::filesystem::path& scratch) {
  const char* binary = std::getenv("LIAISON_BINARY");
  EXPECT_NE(binary, nullptr) << "LIAISON_BINARY is not set";
  const std::filesystem::path out = scratch / "output.txt";
  const std::string command =
      std::string("'") + (binary ? binary : "") + "' " + args + " > '" + out.string() + "' 2>&1";
  CommandResult run;
  const int status = std::system(command.c_str());
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(out);
  std::stringstream text;
  text << in.rdbuf();
  run.output = text.str();
  return run;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void ExecSql(const std::filesystem::path& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

class AuditCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    scratch_ = std::filesystem::path(::testing::TempDir()) /
               ("audit_cli_" + std::to_string(::getpid()) + "_" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(scratch_);
    std::filesystem::create_directories(scratch_);
    data_ = scratch_ / "node";
    CommandResult init = Liaison(
        "init --data '" + data_.string() + "' --agency 'Punjab Police' --country PK", scratch_);
    ASSERT_EQ(init.exit_code, 0) << init.output;
  }
  void TearDown() override { std::filesystem::remove_all(scratch_); }

  CommandResult Export(const std::string& name, const std::string& extra = "") {
    return Liaison("audit export --data '" + data_.string() + "' --out '" +
                       (scratch_ / name).string() + "' " + extra,
                   scratch_);
  }
  CommandResult Verify(const std::string& name, const std::string& extra = "") {
    return Liaison("audit verify '" + (scratch_ / name).string() + "' " + extra, scratch_);
  }

  std::filesystem::path scratch_;
  std::filesystem::path data_;
};

TEST_F(AuditCliTest, ExportOfAFreshNodeVerifiesWithItsPublishedKey) {
  CommandResult exported = Export("a.jsonl");
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  const std::string key = ReadFile(data_ / "keys" / "signing.pub");
  CommandResult verified = Verify("a.jsonl", "--public-key '" + key + "'");
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_THAT(verified.output, HasSubstr("result: intact"));
}

TEST_F(AuditCliTest, ExportIsItselfAudited) {
  ASSERT_EQ(Export("a.jsonl").exit_code, 0);
  ASSERT_EQ(Export("b.jsonl").exit_code, 0);
  EXPECT_THAT(ReadFile(scratch_ / "b.jsonl"), HasSubstr("\"action\":\"audit_export\""));
  EXPECT_EQ(Verify("b.jsonl").exit_code, 0);
}

TEST_F(AuditCliTest, VerifyNamesAnEntryAlteredInTheDatabase) {
  ExecSql(data_ / "liaison.db",
          "UPDATE audit SET entry = replace(entry, 'Punjab Police', 'Punjab Polize') "
          "WHERE seq = 1");
  ASSERT_EQ(Export("tampered.jsonl").exit_code, 0);
  CommandResult verified = Verify("tampered.jsonl");
  EXPECT_EQ(verified.exit_code, 1);
  EXPECT_THAT(verified.output, HasSubstr("first bad entry at line 2, seq 1: changed"));
}

TEST_F(AuditCliTest, VerifyNamesAnEntryDeletedFromTheDatabase) {
  // Log: 1 init, 2 checkpoint, 3 export, 4 checkpoint (before the second
  // export), 5 export. Seq 3 is then covered by checkpoint 4. (Deleting the
  // newest entries after the last checkpoint is not detectable from an export
  // alone; docs/audit-format.md says so.)
  ASSERT_EQ(Export("a.jsonl").exit_code, 0);
  ASSERT_EQ(Export("b.jsonl").exit_code, 0);
  ExecSql(data_ / "liaison.db", "DELETE FROM audit WHERE seq = 3");
  ASSERT_EQ(Export("c.jsonl").exit_code, 0);
  CommandResult verified = Verify("c.jsonl");
  EXPECT_EQ(verified.exit_code, 1);
  EXPECT_THAT(verified.output, HasSubstr("seq 3: removed"));
}

TEST_F(AuditCliTest, TailCutFromTheLogIsCaughtOnlyAgainstAnEarlierExport) {
  // Log after two exports: 1 init, 2 checkpoint, 3 export, 4 checkpoint,
  // 5 export. The first export ended at seq 2, the second at seq 4.
  ASSERT_EQ(Export("a.jsonl").exit_code, 0);
  ASSERT_EQ(Export("b.jsonl").exit_code, 0);
  // Cut everything after seq 2 behind the node's back, then export again.
  ExecSql(data_ / "liaison.db", "DELETE FROM audit WHERE seq > 2");
  ASSERT_EQ(Export("c.jsonl").exit_code, 0);
  EXPECT_EQ(Verify("c.jsonl").exit_code, 0);  // consistent and signed on its own
  CommandResult against = Verify("c.jsonl", "--against '" + (scratch_ / "b.jsonl").string() + "'");
  EXPECT_EQ(against.exit_code, 1) << against.output;
  EXPECT_THAT(against.output, HasSubstr("removed"));
  EXPECT_THAT(against.output, HasSubstr("seq 4 is known from elsewhere"));
  // Against the first export (which c.jsonl still contains) all is well.
  CommandResult older = Verify("c.jsonl", "--against '" + (scratch_ / "a.jsonl").string() + "'");
  EXPECT_EQ(older.exit_code, 0) << older.output;
}

TEST_F(AuditCliTest, VerifyRefusesAnotherNodesKey) {
  ASSERT_EQ(Export("a.jsonl").exit_code, 0);
  CommandResult verified = Verify("a.jsonl", "--public-key " + std::string(64, 'a'));
  EXPECT_EQ(verified.exit_code, 1);
  EXPECT_THAT(verified.output, HasSubstr("wrong_key"));
}

TEST_F(AuditCliTest, VerifyReportsAMissingFile) {
  CommandResult verified = Verify("missing.jsonl");
  EXPECT_EQ(verified.exit_code, 1);
  EXPECT_THAT(verified.output, HasSubstr("cannot open"));
}

TEST_F(AuditCliTest, RangeExportVerifiesAndRecordsItsPurpose) {
  ASSERT_EQ(Export("a.jsonl").exit_code, 0);
  CommandResult exported = Export("range.jsonl", "--from 2000-01-01 --purpose 'quarterly review'");
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  CommandResult verified = Verify("range.jsonl");
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  // The export is recorded after its snapshot, so the next export shows it.
  ASSERT_EQ(Export("later.jsonl").exit_code, 0);
  EXPECT_THAT(ReadFile(scratch_ / "later.jsonl"), HasSubstr("\"purpose\":\"quarterly review\""));
}

TEST_F(AuditCliTest, RangeBeforeTheLogIsAnEmptyButValidExport) {
  CommandResult exported = Export("none.jsonl", "--to 2001-01-01");
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  CommandResult verified = Verify("none.jsonl");
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_THAT(verified.output, HasSubstr("entries: 0"));
}

TEST_F(AuditCliTest, ExportRejectsABadTime) {
  CommandResult exported = Export("a.jsonl", "--from yesterday");
  EXPECT_EQ(exported.exit_code, 1);
  EXPECT_THAT(exported.output, HasSubstr("liaison audit export:"));
}

}  // namespace
}  // namespace liaison
