#include "api/web_app.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace liaison::api {
namespace {

namespace fs = std::filesystem;

class WebAppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("liaison_web_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "assets");
  }
  void TearDown() override { fs::remove_all(root_); }

  void Write(const std::string& relative, const std::string& text) {
    std::ofstream(root_ / relative, std::ios::binary) << text;
  }

  static std::string HeaderOf(const Response& response, std::string_view name) {
    for (const auto& [k, v] : response.headers) {
      if (k == name) return v;
    }
    return "";
  }

  static Request Get(std::string path) {
    Request r;
    r.path = std::move(path);
    r.request_id = "req_test";
    r.peer = "127.0.0.1:1";
    return r;
  }

  fs::path root_;
};

TEST_F(WebAppTest, ServesIndexAtTheRootAndAssetsWithTheirTypes) {
  Write("index.html", "<!doctype html><title>liaison</title>");
  Write("assets/index-abc123.js", "console.log(1)");
  Write("assets/index-abc123.css", "body{}");
  Write("favicon.svg", "<svg/>");
  absl::StatusOr<WebAppFiles> files = LoadWebApp(root_.string());
  ASSERT_TRUE(files.ok()) << files.status();
  Router router;
  ASSERT_TRUE(RegisterWebAppRoutes(router, std::make_shared<WebAppFiles>(*files)).ok());

  Response index = router.Handle("GET", Get("/"));
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(index.body, "<!doctype html><title>liaison</title>");
  EXPECT_EQ(HeaderOf(index, "Cache-Control"), "no-cache");
  EXPECT_EQ(HeaderOf(index, "Content-Security-Policy"), kWebContentSecurityPolicy);
  EXPECT_EQ(HeaderOf(index, "X-Frame-Options"), "DENY");
  EXPECT_EQ(HeaderOf(index, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(router.Handle("GET", Get("/index.html")).body, index.body);

  Response js = router.Handle("GET", Get("/assets/index-abc123.js"));
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(HeaderOf(js, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(router.Handle("GET", Get("/assets/index-abc123.css")).content_type,
            "text/css; charset=utf-8");
  EXPECT_EQ(router.Handle("GET", Get("/favicon.svg")).content_type, "image/svg+xml");
  EXPECT_EQ(router.Handle("GET", Get("/assets/missing.js")).status, 404);
  EXPECT_EQ(router.Handle("POST", Get("/")).status, 405);
}

TEST_F(WebAppTest, AnswersNotModifiedForTheCurrentETag) {
  Write("index.html", "<!doctype html>");
  absl::StatusOr<WebAppFiles> files = LoadWebApp(root_.string());
  ASSERT_TRUE(files.ok()) << files.status();
  Router router;
  ASSERT_TRUE(RegisterWebAppRoutes(router, std::make_shared<WebAppFiles>(*files)).ok());
  Response first = router.Handle("GET", Get("/"));
  std::string etag = HeaderOf(first, "ETag");
  ASSERT_FALSE(etag.empty());
  Request again = Get("/");
  again.headers.emplace("If-None-Match", etag);
  Response second = router.Handle("GET", std::move(again));
  EXPECT_EQ(second.status, 304);
  EXPECT_TRUE(second.body.empty());
}

TEST_F(WebAppTest, ApiResponsesStayUncacheable) {
  Write("index.html", "<!doctype html>");
  Router router;
  ASSERT_TRUE(
      RegisterWebAppRoutes(router, std::make_shared<WebAppFiles>(*LoadWebApp(root_.string())))
          .ok());
  ASSERT_TRUE(router
                  .Add({.method = Method::kGet,
                        .pattern = "/api/v1/thing",
                        .permission = "public",
                        .handler = [](const Request&) -> absl::StatusOr<Response> {
                          return Response::JsonBody({{"ok", true}});
                        }})
                  .ok());
  EXPECT_EQ(HeaderOf(router.Handle("GET", Get("/api/v1/thing")), "Cache-Control"), "no-store");
}

TEST_F(WebAppTest, RefusesADirectoryWithoutIndex) {
  Write("assets/app.js", "x");
  absl::StatusOr<WebAppFiles> files = LoadWebApp(root_.string());
  EXPECT_TRUE(absl::IsNotFound(files.status())) << files.status();
  EXPECT_TRUE(absl::IsNotFound(LoadWebApp((root_ / "nowhere").string()).status()));
}

TEST_F(WebAppTest, SkipsHiddenFilesAndRefusesUnservableNames) {
  Write("index.html", "<!doctype html>");
  Write(".secret", "x");
  absl::StatusOr<WebAppFiles> files = LoadWebApp(root_.string());
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_FALSE(files->files.contains("/.secret"));
  Write("assets/{id}.js", "x");
  EXPECT_TRUE(absl::IsInvalidArgument(LoadWebApp(root_.string()).status()));
}

TEST_F(WebAppTest, EnforcesItsSizeLimits) {
  Write("index.html", std::string(100, 'x'));
  Write("assets/a.js", std::string(100, 'y'));
  EXPECT_TRUE(absl::IsResourceExhausted(
      LoadWebApp(root_.string(), {.max_files = 10, .max_file_bytes = 50}).status()));
  EXPECT_TRUE(absl::IsResourceExhausted(
      LoadWebApp(root_.string(), {.max_files = 10, .max_total_bytes = 150}).status()));
  EXPECT_TRUE(absl::IsResourceExhausted(LoadWebApp(root_.string(), {.max_files = 1}).status()));
}

TEST(WebContentTypeTest, KnowsTheTypesViteWrites) {
  EXPECT_EQ(WebContentType("a.HTML"), "text/html; charset=utf-8");
  EXPECT_EQ(WebContentType("x.woff2"), "font/woff2");
  EXPECT_EQ(WebContentType("noext"), "application/octet-stream");
}

}  // namespace
}  // namespace liaison::api
