#include "api/screening_routes.h"

#include "absl/strings/numbers.h"
#include "access/permissions.h"
#include "api/access_gate.h"
#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "ingest/person_fields.h"
#include "match/record_person.h"

namespace liaison::api {
namespace {

// Person-list fields a search may give (CONTRACTS.md), besides the options.
constexpr std::string_view kQueryFields[] = {"name",   "aliases",     "father_name", "dob",
                                             "gender", "nationality", "id_numbers"};

// A partial person from flat fields, validated as the importer validates
// a row (names the bad field).
absl::StatusOr<match::PersonInput> PersonOf(const Json& fields) {
  if (!fields.contains("name")) return absl::InvalidArgumentError("name: required");
  ASSIGN_OR_RETURN(records::Record record,
                   ingest::PersonFromFlatJson(fields, ingest::PersonDefaults()));
  const auto* person = std::get_if<records::Person>(&record.body);
  if (person == nullptr) return absl::InternalError("not a person");
  return match::PersonInputFromRecord(*person);
}

absl::StatusOr<double> ScoreOf(std::string_view field, const std::string& text) {
  double v = 0;
  if (!absl::SimpleAtod(text, &v) || !(v >= 0 && v <= 1)) {
    return absl::InvalidArgumentError(StrCat(field, ": expected a number from 0 to 1"));
  }
  return v;
}

absl::StatusOr<int64_t> IntOf(std::string_view field, const std::string& text, int64_t lo,
                              int64_t hi) {
  int64_t v = 0;
  if (!absl::SimpleAtoi(text, &v) || v < lo || v > hi) {
    return absl::InvalidArgumentError(StrCat(field, ": expected ", lo, " to ", hi));
  }
  return v;
}

absl::StatusOr<Response> RunSearch(access::PersonSearch& search, const Request& req,
                                   const access::PersonQuery& query) {
  ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
  ASSIGN_OR_RETURN(std::vector<access::PersonSearchHit> hits,
                   search.Search(actor, PurposeOf(req), query));
  Json out = Json::array();
  for (const access::PersonSearchHit& h : hits) out.push_back(access::SearchHitJson(h));
  return Response::JsonBody({{"hits", out}, {"min_score", query.min_score}});
}

absl::StatusOr<Response> SearchFromQueryString(access::PersonSearch& search, const Request& req) {
  Json fields = Json::object();
  access::PersonQuery query;
  for (const auto& [key, value] : req.query) {
    if (key == "purpose" || key == "case_ref") continue;
    if (key == "min_score") {
      ASSIGN_OR_RETURN(query.min_score, ScoreOf(key, value));
    } else if (key == "limit") {
      ASSIGN_OR_RETURN(int64_t limit, IntOf(key, value, 1, access::kMaxSearchLimit));
      query.limit = static_cast<size_t>(limit);
    } else if (std::find(std::begin(kQueryFields), std::end(kQueryFields), key) !=
               std::end(kQueryFields)) {
      if (fields.contains(key)) return absl::InvalidArgumentError(StrCat(key, ": given twice"));
      fields[key] = value;
    } else {
      return absl::InvalidArgumentError(StrCat(key, ": unknown parameter"));
    }
  }
  ASSIGN_OR_RETURN(query.person, PersonOf(fields));
  return RunSearch(search, req, query);
}

absl::StatusOr<Response> SearchFromJson(access::PersonSearch& search, const Request& req) {
  const Json& body = *req.json;
  if (!body.is_object()) return absl::InvalidArgumentError("expected a JSON object");
  Json fields = Json::object();
  access::PersonQuery query;
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (it.key() == "min_score") {
      if (!it->is_number() || !(it->get<double>() >= 0 && it->get<double>() <= 1)) {
        return absl::InvalidArgumentError("min_score: expected a number from 0 to 1");
      }
      query.min_score = it->get<double>();
    } else if (it.key() == "limit") {
      if (!it->is_number_integer() || it->get<int64_t>() < 1 ||
          it->get<int64_t>() > static_cast<int64_t>(access::kMaxSearchLimit)) {
        return absl::InvalidArgumentError(
            StrCat("limit: expected an integer from 1 to ", access::kMaxSearchLimit));
      }
      query.limit = it->get<size_t>();
    } else if (std::find(std::begin(kQueryFields), std::end(kQueryFields), it.key()) !=
               std::end(kQueryFields)) {
      fields[it.key()] = *it;
    } else {
      return absl::InvalidArgumentError(StrCat(it.key(), ": unknown field"));
    }
  }
  ASSIGN_OR_RETURN(query.person, PersonOf(fields));
  return RunSearch(search, req, query);
}

}  // namespace

absl::Status RegisterScreeningRoutes(Router& router, access::PersonSearch& search,
                                     access::ScreeningJobs& jobs) {
  const std::string search_permission(access::kScreeningSearch);
  const std::string jobs_permission(access::kScreeningJobs);
  RETURN_IF_ERROR(router.Add(
      {.method = Method::kGet,
       .pattern = "/api/v1/search/persons",
       .permission = search_permission,
       .handler = [&search](const Request& req) { return SearchFromQueryString(search, req); },
       .summary = "Search persons by name (any script), date of birth, father's name, ..."}));
  RETURN_IF_ERROR(
      router.Add({.method = Method::kPost,
                  .pattern = "/api/v1/search/persons",
                  .permission = search_permission,
                  .handler = [&search](const Request& req) { return SearchFromJson(search, req); },
                  .body = BodyKind::kJson,
                  .max_body_bytes = 64 * 1024,
                  .summary = "Search persons with a partial person (JSON), min_score and limit"}));

  RETURN_IF_ERROR(router.Add(
      {.method = Method::kPost,
       .pattern = "/api/v1/screening/jobs",
       .permission = jobs_permission,
       .handler = [&jobs](const Request& req) -> absl::StatusOr<Response> {
         ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
         access::JobSubmission submission;
         if (auto v = req.Query("name")) submission.file_name = *v;
         if (auto v = req.Query("threshold")) {
           ASSIGN_OR_RETURN(submission.min_score, ScoreOf("threshold", *v));
         }
         if (auto v = req.Query("top")) {
           ASSIGN_OR_RETURN(int64_t top, IntOf("top", *v, 1, 100));
           submission.top = static_cast<int>(top);
         }
         submission.csv = req.body;
         ASSIGN_OR_RETURN(store::ScreeningJobRow job,
                          jobs.Submit(actor, PurposeOf(req), std::move(submission)));
         Response resp = Response::JsonBody(access::ScreeningJobJson(job), 202);
         resp.headers.push_back({"Location", StrCat("/api/v1/screening/jobs/", job.id)});
         return resp;
       },
       .body = BodyKind::kUpload,
       .summary =
           "Screen a person list (CSV body) against the node's persons, in the background"}));
  RETURN_IF_ERROR(
      router.Add({.method = Method::kGet,
                  .pattern = "/api/v1/screening/jobs",
                  .permission = jobs_permission,
                  .handler = [&jobs](const Request& req) -> absl::StatusOr<Response> {
                    ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
                    int64_t limit = 50;
                    if (auto v = req.Query("limit")) {
                      ASSIGN_OR_RETURN(limit, IntOf("limit", *v, 1, 1000));
                    }
                    ASSIGN_OR_RETURN(std::vector<store::ScreeningJobRow> list,
                                     jobs.List(actor, req.Query("cursor").value_or(""),
                                               static_cast<int>(limit)));
                    Json items = Json::array();
                    for (const auto& j : list) items.push_back(access::ScreeningJobJson(j));
                    Json body = {{"items", items}};
                    body["next_cursor"] =
                        static_cast<int64_t>(list.size()) == limit ? Json(list.back().id) : Json();
                    return Response::JsonBody(body);
                  },
                  .summary = "Screening jobs you submitted (supervisors: all), newest first"}));
  RETURN_IF_ERROR(router.Add({.method = Method::kGet,
                              .pattern = "/api/v1/screening/jobs/{id}",
                              .permission = jobs_permission,
                              .handler = [&jobs](const Request& req) -> absl::StatusOr<Response> {
                                ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
                                ASSIGN_OR_RETURN(store::ScreeningJobRow job,
                                                 jobs.Get(actor, req.PathParam("id")));
                                return Response::JsonBody(access::ScreeningJobJson(job));
                              },
                              .summary = "A screening job's state and progress"}));
  RETURN_IF_ERROR(
      router.Add({.method = Method::kGet,
                  .pattern = "/api/v1/screening/jobs/{id}/hits",
                  .permission = jobs_permission,
                  .handler = [&jobs](const Request& req) -> absl::StatusOr<Response> {
                    ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
                    int64_t after = 0, limit = 100;
                    if (auto v = req.Query("cursor")) {
                      ASSIGN_OR_RETURN(after, IntOf("cursor", *v, 0, INT64_MAX));
                    }
                    if (auto v = req.Query("limit")) {
                      ASSIGN_OR_RETURN(limit, IntOf("limit", *v, 1, 500));
                    }
                    ASSIGN_OR_RETURN(access::JobHitPage page,
                                     jobs.Hits(actor, PurposeOf(req), req.PathParam("id"), after,
                                               static_cast<int>(limit)));
                    Json items = Json::array();
                    for (const auto& h : page.hits) items.push_back(access::JobHitJson(h));
                    Json body = {{"items", items}};
                    body["next_cursor"] =
                        page.next_cursor > 0 ? Json(std::to_string(page.next_cursor)) : Json();
                    return Response::JsonBody(body);
                  },
                  .summary = "A screening job's hits with explanations and decisions, paged"}));
  return router.Add(
      {.method = Method::kPost,
       .pattern = "/api/v1/screening/jobs/{id}/hits/{hit}/decision",
       .permission = jobs_permission,
       .handler = [&jobs](const Request& req) -> absl::StatusOr<Response> {
         ASSIGN_OR_RETURN(access::Actor actor, ActorOf(req));
         ASSIGN_OR_RETURN(int64_t hit, IntOf("hit", req.PathParam("hit"), 1, INT64_MAX));
         const Json& b = *req.json;
         if (!b.is_object() || !b.contains("decision") || !b["decision"].is_string() ||
             !b.contains("reason") || !b["reason"].is_string() || b.size() != 2) {
           return absl::InvalidArgumentError(
               "expected {\"decision\": \"confirmed\"|\"dismissed\"|\"needs_review\", "
               "\"reason\": \"...\"}");
         }
         ASSIGN_OR_RETURN(
             store::ScreeningHitRow row,
             jobs.Decide(actor, PurposeOf(req), req.PathParam("id"), hit,
                         b["decision"].get<std::string>(), b["reason"].get<std::string>()));
         return Response::JsonBody({{"job", row.job_id},
                                    {"hit", row.hit},
                                    {"decision", row.decision},
                                    {"reason", row.decision_reason},
                                    {"reviewer", row.reviewer_id}});
       },
       .body = BodyKind::kJson,
       .max_body_bytes = 8192,
       .summary = "Mark a hit confirmed, dismissed or needs_review, with a reason"});
}

}  // namespace liaison::api
