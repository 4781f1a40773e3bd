#include "api/router.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "api/errors.h"
#include "api/health_routes.h"

namespace liaison::api {
namespace {

using ::testing::HasSubstr;

Route MakeRoute(Method method, std::string pattern, Handler handler,
                BodyKind body = BodyKind::kNone) {
  Route route;
  route.method = method;
  route.pattern = std::move(pattern);
  route.permission = "test.use";
  route.handler = std::move(handler);
  route.body = body;
  return route;
}

Handler Echo(std::string name) {
  return [name](const Request& r) -> absl::StatusOr<Response> {
    Json params = Json::object();
    for (const auto& [k, v] : r.path_params) params[k] = v;
    return Response::JsonBody({{"route", name}, {"params", params}});
  };
}

Request MakeRequest(std::string path, std::string body = "") {
  Request r;
  r.path = std::move(path);
  r.body = std::move(body);
  r.request_id = "req_test";
  r.peer = "127.0.0.1:1";
  return r;
}

Json BodyOf(const Response& response) {
  auto json = ParseJson(response.body);
  EXPECT_TRUE(json.ok()) << response.body;
  return json.ok() ? *json : Json();
}

std::string ErrorCodeOf(const Response& response) {
  return BodyOf(response)["error"]["code"].get<std::string>();
}

std::string HeaderOf(const Response& response, std::string_view name) {
  for (const auto& [k, v] : response.headers) {
    if (k == name) return v;
  }
  return "";
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(router_.Add(MakeRoute(Method::kGet, "/api/v1/persons/{id}", Echo("get"))).ok());
    ASSERT_TRUE(
        router_.Add(MakeRoute(Method::kGet, "/api/v1/persons/search", Echo("search"))).ok());
    ASSERT_TRUE(
        router_.Add(MakeRoute(Method::kDelete, "/api/v1/persons/{id}", Echo("delete"))).ok());
    ASSERT_TRUE(router_
                    .Add(MakeRoute(
                        Method::kPost, "/api/v1/persons",
                        [](const Request& r) -> absl::StatusOr<Response> {
                          // A handler that rejects unknown fields.
                          for (const auto& [key, value] : r.json->items()) {
                            if (key != "name") {
                              return Error("unknown_field", 400, "unknown field '" + key + "'");
                            }
                          }
                          return Response::JsonBody({{"created", (*r.json)["name"]}}, 201);
                        },
                        BodyKind::kJson))
                    .ok());
    ASSERT_TRUE(router_
                    .Add(MakeRoute(Method::kGet, "/api/v1/cases/{case_id}/messages/{message_id}",
                                   Echo("message")))
                    .ok());
  }

  Router router_{RouterOptions{.max_body_bytes = 1024, .max_upload_bytes = 4096}};
};

TEST_F(RouterTest, MatchesPathParameters) {
  Response response = router_.Handle("GET", MakeRequest("/api/v1/cases/c1/messages/m2"));
  EXPECT_EQ(response.status, 200);
  Json body = BodyOf(response);
  EXPECT_EQ(body["route"], "message");
  EXPECT_EQ(body["params"]["case_id"], "c1");
  EXPECT_EQ(body["params"]["message_id"], "m2");
  EXPECT_EQ(HeaderOf(response, "X-Request-Id"), "req_test");
  EXPECT_EQ(HeaderOf(response, "Cache-Control"), "no-store");
}

TEST_F(RouterTest, LiteralSegmentBeatsParameter) {
  EXPECT_EQ(BodyOf(router_.Handle("GET", MakeRequest("/api/v1/persons/search")))["route"],
            "search");
  EXPECT_EQ(BodyOf(router_.Handle("GET", MakeRequest("/api/v1/persons/per_1")))["route"], "get");
}

TEST_F(RouterTest, HeadIsTreatedAsGet) {
  EXPECT_EQ(router_.Handle("HEAD", MakeRequest("/api/v1/persons/per_1")).status, 200);
}

TEST_F(RouterTest, UnknownRouteIs404Json) {
  for (const char* path : {"/api/v1/nothing", "/api/v1/persons/a/b", "/", "", "/api/v1/persons/",
                           "no-slash", "/api/v1/persons//x"}) {
    Response response = router_.Handle("GET", MakeRequest(path));
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_EQ(ErrorCodeOf(response), "route_not_found") << path;
    EXPECT_EQ(BodyOf(response)["error"]["request_id"], "req_test");
  }
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  Response response = router_.Handle("PUT", MakeRequest("/api/v1/persons/per_1"));
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(ErrorCodeOf(response), "method_not_allowed");
  EXPECT_EQ(HeaderOf(response, "Allow"), "DELETE, GET");
  EXPECT_EQ(router_.Handle("OPTIONS", MakeRequest("/api/v1/persons/per_1")).status, 405);
  EXPECT_EQ(router_.Handle("OPTIONS", MakeRequest("/elsewhere")).status, 404);
}

TEST_F(RouterTest, JsonBodyIsParsedForHandlers) {
  Request request = MakeRequest("/api/v1/persons", R"({"name":"Muhammad Asif"})");
  request.headers.emplace("content-type", "application/json; charset=utf-8");
  Response response = router_.Handle("POST", std::move(request));
  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(BodyOf(response)["created"], "Muhammad Asif");
}

TEST_F(RouterTest, HandlersCanRejectUnknownFieldsWithTheirOwnCode) {
  Response response =
      router_.Handle("POST", MakeRequest("/api/v1/persons", R"({"name":"A","colour":"red"})"));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCodeOf(response), "unknown_field");
  EXPECT_THAT(BodyOf(response)["error"]["message"].get<std::string>(), HasSubstr("colour"));
}

TEST_F(RouterTest, OversizedBodyIs413) {
  Response response =
      router_.Handle("POST", MakeRequest("/api/v1/persons", std::string(1025, ' ')));
  EXPECT_EQ(response.status, 413);
  EXPECT_EQ(ErrorCodeOf(response), "payload_too_large");
}

TEST_F(RouterTest, InvalidUtf8Is400) {
  Response response =
      router_.Handle("POST", MakeRequest("/api/v1/persons", "{\"name\":\"\xc3\x28\"}"));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCodeOf(response), "invalid_utf8");
}

TEST_F(RouterTest, MalformedJsonIs400) {
  Response response = router_.Handle("POST", MakeRequest("/api/v1/persons", "{\"name\":"));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCodeOf(response), "invalid_json");
}

TEST_F(RouterTest, DeepJsonIs400) {
  std::string deep = std::string(100, '[') + std::string(100, ']');
  Response response = router_.Handle("POST", MakeRequest("/api/v1/persons", deep));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCodeOf(response), "json_too_deep");
}

TEST_F(RouterTest, MissingJsonBodyIs400) {
  Response response = router_.Handle("POST", MakeRequest("/api/v1/persons"));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCodeOf(response), "missing_body");
}

TEST_F(RouterTest, WrongContentTypeIs415) {
  Request request = MakeRequest("/api/v1/persons", R"({"name":"A"})");
  request.headers.emplace("Content-Type", "text/plain");
  Response response = router_.Handle("POST", std::move(request));
  EXPECT_EQ(response.status, 415);
  EXPECT_EQ(ErrorCodeOf(response), "unsupported_media_type");
}

TEST(RouterExceptionTest, ThrowingHandlerBecomes500WithRequestId) {
  Router router;
  ASSERT_TRUE(router
                  .Add(MakeRoute(Method::kGet, "/boom",
                                 [](const Request&) -> absl::StatusOr<Response> {
                                   throw std::runtime_error("secret detail");
                                 }))
                  .ok());
  Response response = router.Handle("GET", MakeRequest("/boom"));
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(ErrorCodeOf(response), "internal");
  EXPECT_EQ(BodyOf(response)["error"]["request_id"], "req_test");
  EXPECT_EQ(response.body.find("secret detail"), std::string::npos);
}

TEST(RouterExceptionTest, InternalStatusHidesItsMessage) {
  Router router;
  ASSERT_TRUE(router
                  .Add(MakeRoute(Method::kGet, "/fail",
                                 [](const Request&) -> absl::StatusOr<Response> {
                                   return absl::InternalError("disk I/O error in /srv/db");
                                 }))
                  .ok());
  Response response = router.Handle("GET", MakeRequest("/fail"));
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body.find("/srv/db"), std::string::npos);
}

TEST(RouterAddTest, RejectsMalformedAndDuplicateRoutes) {
  Router router;
  auto ok = [](const Request&) -> absl::StatusOr<Response> { return Response::NoContent(); };
  EXPECT_TRUE(router.Add(MakeRoute(Method::kGet, "/a/{id}", ok)).ok());
  EXPECT_EQ(router.Add(MakeRoute(Method::kGet, "/a/{other}", ok)).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(router.Add(MakeRoute(Method::kPut, "/a/{id}", ok)).ok());
  EXPECT_FALSE(router.Add(MakeRoute(Method::kGet, "a", ok)).ok());
  EXPECT_FALSE(router.Add(MakeRoute(Method::kGet, "/a//b", ok)).ok());
  EXPECT_FALSE(router.Add(MakeRoute(Method::kGet, "/a/x{id}", ok)).ok());
  EXPECT_FALSE(router.Add(MakeRoute(Method::kGet, "/a/{id}/{id}", ok)).ok());
  EXPECT_FALSE(router.Add(MakeRoute(Method::kGet, "/a/{}", ok)).ok());
  Route no_permission = MakeRoute(Method::kGet, "/b", ok);
  no_permission.permission.clear();
  EXPECT_FALSE(router.Add(no_permission).ok());
  EXPECT_FALSE(router.Add(MakeRoute(Method::kGet, "/c", nullptr)).ok());
  EXPECT_EQ(router.routes().size(), 2u);
}

TEST(RouterGateTest, GateSeesEveryRouteAndCanRefuse) {
  Router router;
  ASSERT_TRUE(RegisterHealthRoutes(router, {"node_1", "0.1.0", nullptr}).ok());
  ASSERT_TRUE(router
                  .Add(MakeRoute(Method::kGet, "/secret",
                                 [](const Request& r) -> absl::StatusOr<Response> {
                                   return Response::JsonBody({{"who", r.principal}});
                                 }))
                  .ok());
  std::vector<std::string> seen;
  router.SetGate([&](const Route& route, Request& request) -> absl::Status {
    seen.push_back(route.permission);
    if (route.permission == kPublicPermission) return absl::OkStatus();
    if (!request.Header("Authorization")) return absl::UnauthenticatedError("sign in first");
    request.principal = "officer_1";
    return absl::OkStatus();
  });
  EXPECT_EQ(router.Handle("GET", MakeRequest("/api/v1/health")).status, 200);
  Response refused = router.Handle("GET", MakeRequest("/secret"));
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(ErrorCodeOf(refused), "unauthenticated");
  Request signed_in = MakeRequest("/secret");
  signed_in.headers.emplace("authorization", "Bearer x");
  Response allowed = router.Handle("GET", std::move(signed_in));
  EXPECT_EQ(BodyOf(allowed)["who"], "officer_1");
  EXPECT_EQ(seen, (std::vector<std::string>{"public", "test.use", "test.use"}));
}

TEST(RouterLimitTest, UploadRoutesHaveTheLargerLimit) {
  Router router(RouterOptions{.max_body_bytes = 10, .max_upload_bytes = 100});
  auto ok = [](const Request& r) -> absl::StatusOr<Response> {
    return Response::JsonBody({{"bytes", r.body.size()}});
  };
  ASSERT_TRUE(router.Add(MakeRoute(Method::kPost, "/upload", ok, BodyKind::kUpload)).ok());
  Route custom = MakeRoute(Method::kPost, "/custom", ok);
  custom.max_body_bytes = 200;
  ASSERT_TRUE(router.Add(custom).ok());
  EXPECT_EQ(router.LargestBodyLimit(), 200u);
  EXPECT_EQ(router.Handle("POST", MakeRequest("/upload", std::string(100, 'x'))).status, 200);
  EXPECT_EQ(router.Handle("POST", MakeRequest("/upload", std::string(101, 'x'))).status, 413);
}

TEST(QueryStringTest, DecodesKeysAndValues) {
  QueryParams params =
      ParseQueryString("name=Muhammad+Asif&dob=1980&x=%D9%85%D8%AD&flag&&bad=%zz&a=1&a=2");
  EXPECT_EQ(params.find("name")->second, "Muhammad Asif");
  EXPECT_EQ(params.find("dob")->second, "1980");
  EXPECT_EQ(params.find("x")->second, "\xD9\x85\xD8\xAD");
  EXPECT_EQ(params.find("flag")->second, "");
  EXPECT_EQ(params.find("bad")->second, "%zz");
  EXPECT_EQ(params.count("a"), 2u);
  EXPECT_TRUE(ParseQueryString("").empty());
  EXPECT_EQ(ParseQueryString("%").begin()->first, "%");
}

TEST(HealthRoutesTest, ReportsReadinessNodeAndVersion) {
  Router router;
  bool ready = false;
  ASSERT_TRUE(
      RegisterHealthRoutes(router, {"node_X", LiaisonVersion(), [&] { return ready; }}).ok());
  Response starting = router.Handle("GET", MakeRequest("/api/v1/health"));
  EXPECT_EQ(starting.status, 503);
  EXPECT_EQ(BodyOf(starting)["status"], "starting");
  ready = true;
  Response ok = router.Handle("GET", MakeRequest("/api/v1/health"));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(BodyOf(ok)["status"], "ok");
  EXPECT_EQ(BodyOf(ok)["node_id"], "node_X");
  EXPECT_FALSE(BodyOf(ok)["version"].get<std::string>().empty());
}

// Regression: the attachment route put a partner's file name raw in
// filename="...": a quote in it could add parameters of its own (the name
// x"; filename*=UTF-8''evil.exe; y=" made the browser save evil.exe), and
// non-ASCII bytes went raw into a header.
TEST(ResponseTest, DownloadNamesTheFileInAnyScriptWithAnAsciiFallback) {
  Response r = Response::Download("bytes", "text/plain", "سفر \"plan\".txt");
  EXPECT_EQ(r.body, "bytes");
  EXPECT_EQ(r.content_type, "text/plain");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "Content-Disposition");
  EXPECT_EQ(r.headers[0].second,
            "attachment; filename=\"______ _plan_.txt\"; "
            "filename*=UTF-8''%D8%B3%D9%81%D8%B1%20%22plan%22.txt");
  EXPECT_EQ(Response::Download("", "text/plain", "itinerary-3.txt").headers[0].second,
            "attachment; filename=\"itinerary-3.txt\"; filename*=UTF-8''itinerary-3.txt");
}

}  // namespace
}  // namespace liaison::api
