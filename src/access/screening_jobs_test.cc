#include "access/screening_jobs.h"

#include <gtest/gtest.h>

#include <set>

#include "access/record_access.h"
#include "access/test_node.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"

namespace liaison::access {
namespace {

constexpr char kGuests[] =
    "id,name,dob\n"
    "G1,Mohammed Aasif s/o Bashir Ahmed,1985-03-12\n"
    "G2,Salvatore La Rosa,1968\n"
    "G3,Giulia Rosi,1990-05-01\n"
    "G4,Imran Qureshi,1971-07-07\n"
    "G5,Muhammad Asif,1985-03-12\n";

class ScreeningJobsTest : public TestNode {
 protected:
  void SetUp() override {
    OpenNode();
    records_ = std::make_unique<RecordAccess>(*store_, *trail_,
                                              RecordPolicy{.node_id = "node_test"}, random_);
    screening_ = std::make_unique<screening::ScreeningService>(
        *store_, screening::ServiceOptions{.build_threads = 1});
    analyst_ = TestActor("usr_analyst", "Ayesha Malik", Role::kAnalyst);
    analyst_.clearance.max_handling_code = records::HandlingCode::kH2;
    asif_ = AddPerson("محمد آصف ولد بشیر احمد", "1985-03-12", records::HandlingCode::kH1);
    giulia_ = AddPerson("Giulia Rossi", "1990-05-01", records::HandlingCode::kH1);
    secret_ = AddPerson("Imran Qureshi", "1971-07-07", records::HandlingCode::kH3);
    ASSERT_TRUE(screening_->Build().ok());
    jobs_ = NewJobs(2);
  }
  void TearDown() override {
    jobs_.reset();
    screening_.reset();
    records_.reset();
    TestNode::TearDown();
  }

  std::unique_ptr<ScreeningJobs> NewJobs(size_t batch) {
    return std::make_unique<ScreeningJobs>(*store_, *trail_, *screening_, random_,
                                           ScreeningJobsOptions{.batch = batch});
  }

  std::string AddPerson(std::string name, std::string dob, records::HandlingCode code) {
    records::Record r;
    r.meta.crime_area = records::CrimeArea::kTerrorism;
    r.meta.handling_code = code;
    if (code == records::HandlingCode::kH3) r.meta.handling_note = "owner's consent needed";
    records::Person p;
    p.name = std::move(name);
    p.dob = *records::ParsePartialDate(dob);
    r.body = p;
    auto stored = records_->Create(admin_, {"loading test data", ""}, std::move(r));
    EXPECT_TRUE(stored.ok()) << stored.status();
    return stored.ok() ? stored->meta.id : "";
  }

  JobSubmission Guests(std::string csv = kGuests) {
    JobSubmission s;
    s.file_name = "guests.csv";
    s.csv = std::move(csv);
    s.min_score = 0.66;
    s.top = 5;
    return s;
  }

  void RunToEnd(ScreeningJobs& jobs) {
    for (int i = 0; i < 100; ++i) {
      auto worked = jobs.RunStep();
      ASSERT_TRUE(worked.ok()) << worked.status();
      if (!*worked) return;
    }
    FAIL() << "the job did not end";
  }

  // (candidate id, record id) of every hit the analyst can see.
  std::multiset<std::pair<std::string, std::string>> HitPairs(const std::string& job) {
    std::multiset<std::pair<std::string, std::string>> out;
    auto page = jobs_->Hits(analyst_, purpose_, job, 0, 500);
    EXPECT_TRUE(page.ok()) << page.status();
    if (page.ok()) {
      for (const JobHitView& v : page->hits) out.insert({v.hit.candidate_id, v.hit.record_ref});
    }
    return out;
  }

  std::unique_ptr<RecordAccess> records_;
  std::unique_ptr<screening::ScreeningService> screening_;
  std::unique_ptr<ScreeningJobs> jobs_;
  Actor analyst_;
  Purpose purpose_{"hotel guest screening, Lahore, 14 Jan", ""};
  std::string asif_, giulia_, secret_;
};

TEST_F(ScreeningJobsTest, RunsAJobToTheEndWithExplainedHitsAndAuditedSteps) {
  auto job = jobs_->Submit(analyst_, purpose_, Guests());
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(job->state, "queued");
  EXPECT_EQ(job->total, 5);
  RunToEnd(*jobs_);
  auto done = jobs_->Get(analyst_, job->id);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->state, "done");
  EXPECT_EQ(done->done, 5);
  auto pairs = HitPairs(job->id);
  EXPECT_EQ(pairs.count({"G1", asif_}), 1u);
  EXPECT_EQ(pairs.count({"G5", asif_}), 1u);
  EXPECT_EQ(pairs.count({"G3", giulia_}), 1u);
  // Above the submitter's clearance (H3): dropped as if absent.
  for (const auto& p : pairs) EXPECT_NE(p.second, secret_);
  EXPECT_EQ(done->hits, static_cast<int64_t>(pairs.size()));

  auto page = jobs_->Hits(analyst_, purpose_, job->id, 0, 500);
  ASSERT_TRUE(page.ok());
  Json hit = JobHitJson(page->hits.front());
  EXPECT_FALSE(hit["summary"].get<std::string>().empty());
  EXPECT_TRUE(hit["explanation"]["features"].is_array());
  EXPECT_TRUE(hit["decision"].is_null());

  int submitted = 0, batches = 0;
  for (const store::AuditRow& row : AuditRows()) {
    if (row.action != "screening") continue;
    auto e = ParseJson(row.entry_json);
    ASSERT_TRUE(e.ok());
    EXPECT_EQ((*e)["purpose"], purpose_.text);
    EXPECT_EQ(row.actor, "usr_analyst");
    submitted += (*e)["details"]["stage"] == "submitted";
    batches += (*e)["details"]["stage"] == "batch";
  }
  EXPECT_EQ(submitted, 1);
  EXPECT_EQ(batches, 3);  // 5 candidates, 2 per step
  // The uploaded list is gone once the job has ended.
  std::optional<std::string> input;
  ASSERT_TRUE(store_
                  ->Read([&](store::Reader& r) -> absl::Status {
                    ASSIGN_OR_RETURN(input, r.GetScreeningJobInput(job->id));
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_FALSE(input.has_value());
}

TEST_F(ScreeningJobsTest, ResumesFromTheLastCommittedCandidateAfterARestart) {
  auto job = jobs_->Submit(analyst_, purpose_, Guests());
  ASSERT_TRUE(job.ok());
  ASSERT_TRUE(*jobs_->RunStep());  // candidates 1-2 committed
  EXPECT_EQ(jobs_->Get(analyst_, job->id)->done, 2);
  // The node restarts: a new worker with nothing in memory.
  jobs_ = NewJobs(2);
  RunToEnd(*jobs_);
  auto resumed = jobs_->Get(analyst_, job->id);
  EXPECT_EQ(resumed->state, "done");
  EXPECT_EQ(resumed->done, 5);
  // Exactly the hits of an uninterrupted run: none lost, none repeated.
  auto again = jobs_->Submit(analyst_, purpose_, Guests());
  ASSERT_TRUE(again.ok());
  RunToEnd(*jobs_);
  EXPECT_EQ(HitPairs(job->id), HitPairs(again->id));
  EXPECT_EQ(resumed->hits, jobs_->Get(analyst_, again->id)->hits);
}

TEST_F(ScreeningJobsTest, AJobWhoseListIsGoneFailsWithAClearReason) {
  auto job = jobs_->Submit(analyst_, purpose_, Guests());
  ASSERT_TRUE(job.ok());
  ASSERT_TRUE(
      store_->Write([&](store::Transaction& tx) { return tx.DeleteScreeningJobInput(job->id); })
          .ok());
  jobs_ = NewJobs(2);
  RunToEnd(*jobs_);
  auto failed = jobs_->Get(analyst_, job->id);
  EXPECT_EQ(failed->state, "failed");
  EXPECT_NE(failed->error.find("no longer stored"), std::string::npos) << failed->error;
}

TEST_F(ScreeningJobsTest, RejectsABadListWithFileLineAndColumn) {
  auto bad_date =
      jobs_->Submit(analyst_, purpose_, Guests("id,name,dob\nG1,Ali Khan,1985-13-01\n"));
  EXPECT_EQ(bad_date.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad_date.status().message().find("guests.csv:2:"), std::string::npos)
      << bad_date.status();
  auto repeated = jobs_->Submit(analyst_, purpose_, Guests("id,name\nG1,Ali Khan\nG1,Ali Raza\n"));
  EXPECT_NE(repeated.status().message().find("guests.csv:3:"), std::string::npos)
      << repeated.status();
  EXPECT_NE(repeated.status().message().find("line 2"), std::string::npos) << repeated.status();
  auto no_name = jobs_->Submit(analyst_, purpose_, Guests("id,dob\nG1,1985\n"));
  EXPECT_EQ(no_name.status().code(), absl::StatusCode::kInvalidArgument);
  auto empty = jobs_->Submit(analyst_, purpose_, Guests("id,name\n"));
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(jobs_->List(analyst_, "", 100)->empty());
}

TEST_F(ScreeningJobsTest, DecisionsAreRecordedWithTheReviewerAndAudited) {
  auto job = jobs_->Submit(analyst_, purpose_, Guests());
  ASSERT_TRUE(job.ok());
  RunToEnd(*jobs_);
  auto page = jobs_->Hits(analyst_, purpose_, job->id, 0, 500);
  ASSERT_TRUE(page.ok());
  ASSERT_FALSE(page->hits.empty());
  const int64_t hit = page->hits.front().hit.hit;
  Actor supervisor = TestActor("usr_sup", "Rana Tariq", Role::kSupervisor);
  supervisor.clearance.max_handling_code = records::HandlingCode::kH3;
  auto decided = jobs_->Decide(supervisor, {"guest review", "CASE-9"}, job->id, hit, "confirmed",
                               "same person: father's name and date of birth agree");
  ASSERT_TRUE(decided.ok()) << decided.status();
  EXPECT_EQ(decided->decision, "confirmed");
  EXPECT_EQ(decided->reviewer_id, "usr_sup");
  const store::AuditRow last = AuditRows().back();
  EXPECT_EQ(last.action, "screening");
  EXPECT_EQ(last.actor, "usr_sup");
  EXPECT_NE(last.entry_json.find("\"decision\":\"confirmed\""), std::string::npos);
  EXPECT_NE(last.entry_json.find("guest review"), std::string::npos);
  EXPECT_EQ(last.entry_json.find("father's name"), std::string::npos);  // reason stays in the hit

  EXPECT_EQ(jobs_->Decide(analyst_, purpose_, job->id, hit, "maybe", "x").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(jobs_->Decide(analyst_, purpose_, job->id, hit, "dismissed", "").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(jobs_->Decide(analyst_, purpose_, job->id, 999, "dismissed", "x").status().code(),
            absl::StatusCode::kNotFound);
  auto view = jobs_->Hits(analyst_, purpose_, job->id, 0, 500);
  EXPECT_EQ(JobHitJson(view->hits.front())["decision"]["decision"], "confirmed");
}

TEST_F(ScreeningJobsTest, OnlyTheSubmitterSupervisorsAndAdministratorsSeeAJob) {
  auto job = jobs_->Submit(analyst_, purpose_, Guests());
  ASSERT_TRUE(job.ok());
  Actor colleague = TestActor("usr_other", "Other Analyst", Role::kAnalyst);
  EXPECT_EQ(jobs_->Get(colleague, job->id).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(jobs_->List(colleague, "", 100)->empty());
  EXPECT_EQ(jobs_->Hits(colleague, purpose_, job->id, 0, 10).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(jobs_->Get(TestActor("usr_sup", "S", Role::kSupervisor), job->id).ok());
  EXPECT_EQ(jobs_->List(analyst_, "", 100)->size(), 1u);
  auto denied = jobs_->Submit(TestActor("usr_aud", "A", Role::kAuditor), purpose_, Guests());
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CountAudit("access_denied"), 1);
}

TEST_F(ScreeningJobsTest, HitsPageWithACursor) {
  auto job = jobs_->Submit(analyst_, purpose_, Guests());
  ASSERT_TRUE(job.ok());
  RunToEnd(*jobs_);
  auto first = jobs_->Hits(analyst_, purpose_, job->id, 0, 1);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->hits.size(), 1u);
  EXPECT_EQ(first->next_cursor, first->hits[0].hit.hit);
  auto second = jobs_->Hits(analyst_, purpose_, job->id, first->next_cursor, 1);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->hits.size(), 1u);
  EXPECT_GT(second->hits[0].hit.hit, first->hits[0].hit.hit);
}

}  // namespace
}  // namespace liaison::access
