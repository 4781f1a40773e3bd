// The command-line contracts of ../shared/CONTRACTS.md, run against the real
// `liaison` binary: init refusing to overwrite, import (whole or nothing,
// --skip-bad-rows, errors with file/line/column), user administration, and
// the file forms of compare and screen.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace {

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("liaison_cli_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Result Run(const std::string& args, const std::string& stdin_text = "") {
    const char* binary = std::getenv("LIAISON_BINARY");
    EXPECT_NE(binary, nullptr);
    std::filesystem::path in = dir_ / "stdin", out = dir_ / "stdout", err = dir_ / "stderr";
    std::ofstream(in) << stdin_text;
    std::string cmd = std::string(binary) + " " + args + " <" + in.string() + " >" + out.string() +
                      " 2>" + err.string();
    int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, Slurp(out), Slurp(err)};
  }

  std::string Write(const std::string& name, const std::string& text) {
    std::filesystem::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

  std::string Node() {
    std::string node = (dir_ / "node").string();
    Result r = Run("init --data " + node + " --agency 'Punjab Police' --country PK");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return node;
  }

  std::filesystem::path dir_;
};

TEST_F(CliTest, InitRefusesToOverwriteANode) {
  std::string node = Node();
  Result again = Run("init --data " + node + " --agency X --country IT");
  EXPECT_NE(again.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(again.err, "refusing to overwrite")) << again.err;
}

TEST_F(CliTest, InitRejectsABadCountry) {
  Result r = Run("init --data " + (dir_ / "n").string() + " --agency X --country XX");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_FALSE(r.err.empty());
}

TEST_F(CliTest, ImportNamesTheBadRowAndImportsNothing) {
  std::string node = Node();
  std::string csv = Write("w.csv", "id,name,dob\n1,A,1985\n2,B,1985-13\n");
  Result r = Run("import persons " + csv + " --data " + node);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(r.err, "w.csv:3:3 (column 'dob')")) << r.err;
  Result ok = Run("import persons " + Write("v.csv", "id,name\n1,A\n") + " --data " + node);
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_TRUE(absl::StrContains(ok.out, "1 created")) << ok.out;  // nothing left from the bad file
}

TEST_F(CliTest, ImportWithSkipBadRowsReportsEverySkippedRow) {
  std::string node = Node();
  std::string csv = Write("w.csv", "id,name,dob\n1,A,1985\n2,B,1985-13\n3,C,x\n4,D,\n");
  Result r = Run("import persons " + csv + " --data " + node + " --skip-bad-rows");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(absl::StrContains(r.out, "2 created, 0 updated, 0 unchanged, 2 skipped")) << r.out;
  EXPECT_TRUE(absl::StrContains(r.err, "w.csv:3:3")) << r.err;
  EXPECT_TRUE(absl::StrContains(r.err, "w.csv:4:3")) << r.err;
}

TEST_F(CliTest, UserAddAndListNeverPrintThePassword) {
  std::string node = Node();
  Result add = Run("user add --data " + node +
                       " --username rana --role liaison_officer "
                       "--clearance H2 --password-stdin",
                   "a very long secret phrase\n");
  EXPECT_EQ(add.exit_code, 0) << add.err;
  Result list = Run("user list --data " + node);
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(list.out, "rana\tliaison_officer\tH2")) << list.out;
  EXPECT_FALSE(absl::StrContains(list.out + add.out + add.err, "secret phrase"));
}

TEST_F(CliTest, CompareWritesOneRowPerPairInInputOrder) {
  std::string pairs = Write("p.csv",
                            "id,name_a,name_b,dob_a,dob_b\n"
                            "p1,Muhammad Asif,محمد آصف,1985-03-12,1985\n"
                            "p2,Giulia Rossi,Niccolò D'Angelo,1990,1980\n");
  std::string out = (dir_ / "s.csv").string();
  Result r = Run("compare --pairs " + pairs + " --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = absl::StrSplit(Slurp(out), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "id,score,match,reasons");
  EXPECT_TRUE(absl::StartsWith(lines[1], "p1,"));
  EXPECT_TRUE(absl::StrContains(lines[1], ",true,")) << lines[1];
  EXPECT_TRUE(absl::StartsWith(lines[2], "p2,"));
  EXPECT_TRUE(absl::StrContains(lines[2], ",false,")) << lines[2];
}

TEST_F(CliTest, ScreenFindsTheListedPersonAcrossScripts) {
  std::string watch = Write("w.csv",
                            "id,name,dob,nationality\n"
                            "W1,محمد آصف ولد بشیر احمد,1985-03-12,PK\n"
                            "W2,Giulia Rossi,1990-05-01,IT\n");
  std::string cand = Write("c.csv",
                           "id,name,dob\n"
                           "C1,Mohammed Aasif s/o Bashir Ahmed,1985-03-12\n"
                           "C2,Salvatore La Rosa,1968\n");
  std::string out = (dir_ / "r.csv").string();
  Result r = Run("screen --watchlist " + watch + " --candidates " + cand + " --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string text = Slurp(out);
  EXPECT_TRUE(absl::StartsWith(text, "candidate_id,watchlist_id,score,reasons\n")) << text;
  EXPECT_TRUE(absl::StrContains(text, "C1,W1,")) << text;
  EXPECT_FALSE(absl::StrContains(text, "C2,")) << text;
}

TEST_F(CliTest, ScreenWithThresholdZeroAndTopKeepsKBestPerCandidate) {
  std::string watch = Write("w.csv", "id,name\nW1,Ali Khan\nW2,Ali Raza\nW3,Imran Khan\n");
  std::string cand = Write("c.csv", "id,name\nC1,Ali Khan\n");
  std::string out = (dir_ / "r.csv").string();
  Result r = Run("screen --watchlist " + watch + " --candidates " + cand + " --out " + out +
                 " --threshold 0 --top 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = absl::StrSplit(Slurp(out), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_TRUE(absl::StartsWith(lines[1], "C1,W1,")) << lines[1];
}

TEST_F(CliTest, ScreenRejectsBadInputWithALocatedError) {
  std::string watch = Write("w.csv", "id,name,dob\nW1,A,1985-13\n");
  std::string cand = Write("c.csv", "id,name\nC1,A\n");
  Result r = Run("screen --watchlist " + watch + " --candidates " + cand + " --out " +
                 (dir_ / "r.csv").string());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(r.err, "w.csv:2")) << r.err;
}

}  // namespace
