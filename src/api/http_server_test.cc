#include "api/http_server.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "api/errors.h"
#include "api/health_routes.h"
#include "common/listen_backlog.h"
#include "node/node_keys.h"
#include "spdlog/sinks/ostream_sink.h"
#include "spdlog/spdlog.h"

namespace liaison::api {
namespace {

using ::testing::HasSubstr;

// Node keys are slow-ish to make; one set for the whole suite.
const node::NodeKeys& TestKeys() {
  static const node::NodeKeys* keys = [] {
    FakeClock clock(absl::Now());
    SeededRandom random(5);
    node::CertificateSubject subject;
    subject.node_id = "node_0123456789ABCDEFGHJKMNPQRS";
    subject.agency = "Test Police";
    subject.country = "IT";
    return new node::NodeKeys(*node::NodeKeys::Generate(subject, clock, random));
  }();
  return *keys;
}

bool CanConnect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  bool connected = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return connected;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "/http_server_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    std::ofstream(dir_ + "/ca.pem") << TestKeys().tls_cert_pem();

    auto router =
        std::make_shared<Router>(RouterOptions{.max_body_bytes = 1024, .max_upload_bytes = 4096});
    ASSERT_TRUE(RegisterHealthRoutes(*router, {"node_test", "9.9.9", nullptr}).ok());
    Route echo;
    echo.method = Method::kPost;
    echo.pattern = "/echo/{thing}";
    echo.permission = "test";
    echo.body = BodyKind::kJson;
    echo.handler = [](const Request& r) -> absl::StatusOr<Response> {
      return Response::JsonBody({{"thing", r.PathParam("thing")}, {"json", *r.json}});
    };
    ASSERT_TRUE(router->Add(echo).ok());
    Route query;
    query.method = Method::kPost;
    query.pattern = "/query";
    query.permission = "test";
    query.handler = [](const Request& r) -> absl::StatusOr<Response> {
      Json params = Json::object();
      for (const auto& [k, v] : r.query) params[k] = v;
      return Response::JsonBody(params);
    };
    ASSERT_TRUE(router->Add(query).ok());
    Route upload;
    upload.method = Method::kPut;
    upload.pattern = "/upload";
    upload.permission = "test";
    upload.body = BodyKind::kUpload;
    upload.handler = [](const Request& r) -> absl::StatusOr<Response> {
      return Response::JsonBody({{"bytes", r.body.size()}});
    };
    ASSERT_TRUE(router->Add(upload).ok());
    Route slow;
    slow.method = Method::kGet;
    slow.pattern = "/slow";
    slow.permission = "test";
    slow.handler = [this](const Request&) -> absl::StatusOr<Response> {
      slow_entered_.Notify();
      slow_release_.WaitForNotification();
      return Response::JsonBody({{"slow", "done"}});
    };
    ASSERT_TRUE(router->Add(slow).ok());

    ServerOptions options;
    options.tls_cert_pem = TestKeys().tls_cert_pem();
    options.tls_key_pem = TestKeys().tls_key_pem();
    options.worker_threads = 4;
    options.keep_alive_timeout = absl::Seconds(1);
    auto server = HttpServer::Create(options, router);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    auto port = server_->Start();
    ASSERT_TRUE(port.ok()) << port.status();
    port_ = *port;
  }

  void TearDown() override {
    if (!slow_release_.HasBeenNotified()) slow_release_.Notify();
    if (server_) server_->Shutdown();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<httplib::SSLClient> Client() {
    auto client = std::make_unique<httplib::SSLClient>("127.0.0.1", port_);
    client->set_ca_cert_path((dir_ + "/ca.pem").c_str());
    client->enable_server_certificate_verification(true);
    client->set_read_timeout(30, 0);
    return client;
  }

  static Json BodyOf(const httplib::Result& result) {
    auto json = ParseJson(result->body);
    EXPECT_TRUE(json.ok()) << result->body;
    return json.ok() ? *json : Json();
  }

  std::string dir_;
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
  absl::Notification slow_entered_;
  absl::Notification slow_release_;
};

TEST_F(HttpServerTest, HealthOverVerifiedTls) {
  EXPECT_GT(port_, 0);
  EXPECT_EQ(server_->url(), "https://127.0.0.1:" + std::to_string(port_));
  auto result = Client()->Get("/api/v1/health");
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(BodyOf(result)["status"], "ok");
  EXPECT_EQ(BodyOf(result)["node_id"], "node_test");
  EXPECT_EQ(BodyOf(result)["version"], "9.9.9");
  EXPECT_THAT(result->get_header_value("X-Request-Id"), ::testing::StartsWith("req_"));
  EXPECT_THAT(result->get_header_value("Content-Type"), HasSubstr("application/json"));
}

// Regression: the officers' listener kept cpp-httplib's backlog of 5, so
// officers connecting at once could wait a second for a SYN retransmission.
TEST_F(HttpServerTest, ListenerQueuesABurstOfNewConnections) {
  EXPECT_EQ(ListenBacklogOfPort(port_), kListenBacklog);
}

TEST_F(HttpServerTest, ClientThatDoesNotTrustTheCertIsRefused) {
  httplib::SSLClient client("127.0.0.1", port_);
  client.enable_server_certificate_verification(true);
  client.set_ca_cert_path("/nonexistent.pem");
  auto result = client.Get("/api/v1/health");
  EXPECT_FALSE(result);
  // And the server keeps serving others.
  EXPECT_EQ(Client()->Get("/api/v1/health")->status, 200);
}

TEST_F(HttpServerTest, PlainHttpDoesNotReachHandlers) {
  httplib::Client client("127.0.0.1", port_);
  client.set_read_timeout(5, 0);
  auto result = client.Get("/api/v1/health");
  EXPECT_TRUE(!result || result->status != 200);
  EXPECT_EQ(Client()->Get("/api/v1/health")->status, 200);
}

TEST_F(HttpServerTest, PathParamsAndJsonBody) {
  auto result = Client()->Post("/echo/abc", R"({"a":[1,2]})", "application/json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(BodyOf(result)["thing"], "abc");
  EXPECT_EQ(BodyOf(result)["json"]["a"][1], 2);
}

TEST_F(HttpServerTest, UnknownRouteAndWrongMethodAreJson) {
  auto client = Client();
  auto missing = client->Get("/api/v1/nope?name=Asif");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(BodyOf(missing)["error"]["code"], "route_not_found");
  EXPECT_EQ(BodyOf(missing)["error"]["request_id"], missing->get_header_value("X-Request-Id"));
  auto wrong = client->Delete("/api/v1/health");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(BodyOf(wrong)["error"]["code"], "method_not_allowed");
}

TEST_F(HttpServerTest, InvalidUtf8AndBadJsonAre400) {
  auto client = Client();
  auto bad_utf8 = client->Post("/echo/x", "{\"a\":\"\xff\"}", "application/json");
  ASSERT_TRUE(bad_utf8);
  EXPECT_EQ(bad_utf8->status, 400);
  EXPECT_EQ(BodyOf(bad_utf8)["error"]["code"], "invalid_utf8");
  auto bad_json = client->Post("/echo/x", "{\"a\":", "application/json");
  ASSERT_TRUE(bad_json);
  EXPECT_EQ(bad_json->status, 400);
  EXPECT_EQ(BodyOf(bad_json)["error"]["code"], "invalid_json");
}

TEST_F(HttpServerTest, BodyOverRouteLimitIs413AndTheConnectionStaysUsable) {
  auto client = Client();
  client->set_keep_alive(true);
  auto result = client->Post("/echo/x", std::string(2000, ' '), "application/json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 413);
  EXPECT_EQ(BodyOf(result)["error"]["code"], "payload_too_large");
  auto next = client->Post("/echo/y", "{}", "application/json");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(HttpServerTest, ChunkedBodyOverRouteLimitIs413) {
  bool done = false;
  auto result = Client()->Post(
      "/echo/x",
      [&done](size_t, httplib::DataSink& sink) {
        if (done) {
          sink.done();
          return true;
        }
        done = true;
        std::string chunk = "[" + std::string(1500, ' ') + "]";
        return sink.write(chunk.data(), chunk.size());
      },
      "application/json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 413);
  EXPECT_EQ(BodyOf(result)["error"]["code"], "payload_too_large");
}

TEST_F(HttpServerTest, ChunkedJsonUnderTheLimitIsAccepted) {
  bool done = false;
  auto result = Client()->Post(
      "/echo/x",
      [&done](size_t, httplib::DataSink& sink) {
        if (done) {
          sink.done();
          return true;
        }
        done = true;
        std::string chunk = R"({"chunked":true})";
        return sink.write(chunk.data(), chunk.size());
      },
      "application/json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(BodyOf(result)["json"]["chunked"], true);
}

TEST_F(HttpServerTest, MultipartIsUnsupported) {
  httplib::MultipartFormDataItems items = {{"file", "data", "a.txt", "text/plain"}};
  auto result = Client()->Put("/upload", items);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 415);
  EXPECT_EQ(BodyOf(result)["error"]["code"], "unsupported_media_type");
}

TEST_F(HttpServerTest, UploadRouteTakesMoreButNotUnlimited) {
  auto client = Client();
  auto fits = client->Put("/upload", std::string(4000, 'x'), "application/octet-stream");
  ASSERT_TRUE(fits);
  EXPECT_EQ(fits->status, 200);
  EXPECT_EQ(BodyOf(fits)["bytes"], 4000);
  // Over every route's limit: httplib refuses it before any handler runs,
  // and the answer is still our JSON.
  auto too_big = Client()->Put("/upload", std::string(100000, 'x'), "application/octet-stream");
  ASSERT_TRUE(too_big);
  EXPECT_EQ(too_big->status, 413);
  EXPECT_EQ(BodyOf(too_big)["error"]["code"], "payload_too_large");
  EXPECT_EQ(Client()->Get("/api/v1/health")->status, 200);
}

TEST_F(HttpServerTest, ChunkedBodyOverTheCapIsRefused) {
  size_t sent = 0;
  auto result = Client()->Put(
      "/upload",
      [&sent](size_t, httplib::DataSink& sink) {
        std::string chunk(1000, 'x');
        if (sent >= 100000) {
          sink.done();
          return true;
        }
        sent += chunk.size();
        return sink.write(chunk.data(), chunk.size());
      },
      "application/octet-stream");
  if (result) {
    EXPECT_EQ(result->status, 413);
    EXPECT_EQ(BodyOf(result)["error"]["code"], "payload_too_large");
  }
  EXPECT_EQ(Client()->Get("/api/v1/health")->status, 200);
}

TEST_F(HttpServerTest, GarbageInsteadOfTlsLeavesTheServerUp) {
  // Random bytes instead of a TLS handshake: the server must stay up.
  for (int i = 0; i < 3; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    std::string junk(4096, '\0');
    SeededRandom random(i);
    random.Fill(reinterpret_cast<uint8_t*>(junk.data()), junk.size());
    (void)!write(fd, junk.data(), junk.size());
    close(fd);
  }
  EXPECT_EQ(Client()->Get("/api/v1/health")->status, 200);
}

TEST_F(HttpServerTest, VeryLongPathIsAnsweredNotCrashed) {
  auto result = Client()->Get("/api/v1/" + std::string(7000, 'a'));
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 404);
  auto too_long = Client()->Get("/api/v1/" + std::string(20000, 'a'));
  if (too_long) {
    EXPECT_GE(too_long->status, 400);
  }
  EXPECT_EQ(Client()->Get("/api/v1/health")->status, 200);
}

TEST_F(HttpServerTest, FormBodyIsNotTakenForQueryParameters) {
  auto result =
      Client()->Post("/query?name=Asif", "secret=1&other=2", "application/x-www-form-urlencoded");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(BodyOf(result), (Json{{"name", "Asif"}}));
}

TEST_F(HttpServerTest, LogsNeitherBodiesNorQueryValues) {
  std::ostringstream captured;
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(captured)));
  auto client = Client();
  client->Post("/query?name=Muhammad%20Asif", "passport=AB1234567",
               "application/x-www-form-urlencoded");
  client->Post("/echo/x", R"({"name":"Niccolo D'Angelo"})", "application/json");
  client->Get("/api/v1/nothing?cnic=35202-1234567-1");
  spdlog::set_default_logger(previous);
  std::string log = captured.str();
  EXPECT_THAT(log, HasSubstr("path=/query?name status=200"));
  EXPECT_THAT(log, HasSubstr("path=/echo/x status=200"));
  EXPECT_THAT(log, HasSubstr("path=/api/v1/nothing?cnic status=404"));
  for (const char* secret : {"Asif", "AB1234567", "passport", "Niccolo", "35202"}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << secret << " leaked into:\n" << log;
  }
}

TEST_F(HttpServerTest, TooManyHeadersIs431) {
  httplib::Headers headers;
  for (int i = 0; i < 150; ++i) headers.emplace("X-Filler-" + std::to_string(i), "1");
  auto result = Client()->Get("/api/v1/health", headers);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 431);
  EXPECT_EQ(BodyOf(result)["error"]["code"], "headers_too_large");
}

TEST_F(HttpServerTest, ShutdownLetsTheRequestInFlightFinish) {
  std::optional<httplib::Result> slow_result;
  std::thread client_thread([&] { slow_result.emplace(Client()->Get("/slow")); });
  slow_entered_.WaitForNotification();

  std::thread shutdown_thread([&] { server_->Shutdown(); });
  // Wait until the listening socket is closed: no new connections.
  for (int i = 0; i < 10000 && CanConnect(port_); ++i) absl::SleepFor(absl::Milliseconds(1));
  EXPECT_FALSE(CanConnect(port_));
  slow_release_.Notify();
  client_thread.join();
  shutdown_thread.join();
  ASSERT_TRUE(slow_result.has_value());
  ASSERT_TRUE(*slow_result) << httplib::to_string(slow_result->error());
  EXPECT_EQ((*slow_result)->status, 200);
  EXPECT_FALSE(server_->IsServing());
  server_->Wait();  // returns at once: already stopped
}

TEST(HttpServerCreateTest, RejectsMismatchedKey) {
  FakeClock clock(absl::Now());
  SeededRandom random(9);
  node::CertificateSubject subject{"node_0123456789ABCDEFGHJKMNPQRS", "X", "IT", "", 365};
  auto other = node::NodeKeys::Generate(subject, clock, random);
  ASSERT_TRUE(other.ok());
  ServerOptions options;
  options.tls_cert_pem = TestKeys().tls_cert_pem();
  options.tls_key_pem = other->tls_key_pem();
  auto server = HttpServer::Create(options, std::make_shared<Router>());
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(server.status().message(), HasSubstr("does not match"));
  options.tls_cert_pem = "garbage";
  EXPECT_FALSE(HttpServer::Create(options, std::make_shared<Router>()).ok());
}

TEST(HttpServerCreateTest, PortInUseIsUnavailable) {
  ServerOptions options;
  options.tls_cert_pem = TestKeys().tls_cert_pem();
  options.tls_key_pem = TestKeys().tls_key_pem();
  auto first = HttpServer::Create(options, std::make_shared<Router>());
  ASSERT_TRUE(first.ok());
  auto port = (*first)->Start();
  ASSERT_TRUE(port.ok());
  options.port = *port;
  auto second = HttpServer::Create(options, std::make_shared<Router>());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ((*second)->Start().status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ((*first)->Start().status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(HttpServerCreateTest, ShutdownWithoutStartIsHarmless) {
  ServerOptions options;
  options.tls_cert_pem = TestKeys().tls_cert_pem();
  options.tls_key_pem = TestKeys().tls_key_pem();
  auto server = HttpServer::Create(options, std::make_shared<Router>());
  ASSERT_TRUE(server.ok());
  (*server)->Shutdown();
  (*server)->Shutdown();
}

}  // namespace
}  // namespace liaison::api
