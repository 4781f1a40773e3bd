// `liaison init` then `liaison serve` as a user runs them: the real binary, a
// real node directory, real TLS on a loopback port the OS picks.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
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
using ::testing::StartsWith;

using integration::kHangLimit;
using Subprocess = integration::ChildProcess;

std::string Binary() { return integration::LiaisonBinary(); }

// Runs a command to completion; returns its exit code (-1 if it did not exit
// normally).
int RunToExit(const std::vector<std::string>& argv) {
  Subprocess process(argv);
  if (!process.started()) return -1;
  while (process.ReadLine()) {
  }
  int status = process.Wait();
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool CanConnect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  bool connected = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return connected;
}

// A hand-driven TLS connection, for sending a request in pieces.
class TlsConnection {
 public:
  ~TlsConnection() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (ctx_ != nullptr) SSL_CTX_free(ctx_);
    if (fd_ >= 0) close(fd_);
  }

  // Connects to 127.0.0.1:`port`, trusting only `ca_file`.
  bool Connect(int port, const std::string& ca_file) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    timeval timeout{static_cast<time_t>(absl::ToInt64Seconds(kHangLimit)), 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return false;
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (SSL_CTX_load_verify_locations(ctx_, ca_file.c_str(), nullptr) != 1) return false;
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    ssl_ = SSL_new(ctx_);
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), "127.0.0.1");
    SSL_set_fd(ssl_, fd_);
    return SSL_connect(ssl_) == 1;
  }

  bool Write(std::string_view data) {
    return SSL_write(ssl_, data.data(), static_cast<int>(data.size())) ==
           static_cast<int>(data.size());
  }

  // Reads until `terminator` has been seen (or the connection ends).
  std::string ReadUntil(std::string_view terminator) {
    std::string out;
    char c;
    while (out.find(terminator) == std::string::npos && SSL_read(ssl_, &c, 1) == 1) {
      out.push_back(c);
    }
    return out;
  }

  // Reads until the server closes the connection.
  std::string ReadToEnd() {
    std::string out;
    char chunk[1024];
    int n;
    while ((n = SSL_read(ssl_, chunk, sizeof chunk)) > 0) out.append(chunk, static_cast<size_t>(n));
    return out;
  }

 private:
  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
};

class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(Binary().empty()) << "LIAISON_BINARY is not set";
    std::string pattern = ::testing::TempDir() + "/serve_test_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    node_ = root_ + "/punjab";
    ASSERT_EQ(RunToExit({Binary(), "init", "--data", node_, "--agency", "Punjab Police",
                         "--country", "PK"}),
              0)
        << "liaison init failed";
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  // Starts `liaison serve` on a free loopback port and returns the port from
  // its "listening on" line (0 on failure).
  int StartServe(Subprocess& serve) {
    std::optional<std::string> line = serve.ReadLine();
    if (!line) {
      ADD_FAILURE() << "liaison serve printed no address";
      return 0;
    }
    std::smatch match;
    std::regex form("listening on https://127\\.0\\.0\\.1:([0-9]+)");
    if (!std::regex_match(*line, match, form)) {
      ADD_FAILURE() << "unexpected first line: " << *line;
      return 0;
    }
    return std::stoi(match[1].str());
  }

  std::string CertFile() const { return node_ + "/keys/tls.crt"; }

  std::vector<std::string> ServeArgs() const {
    return {Binary(), "serve", "--data", node_, "--listen", "127.0.0.1:0"};
  }

  std::string root_;
  std::string node_;
};

TEST_F(ServeTest, HealthAnswersOverTlsAndSigtermFinishesTheRequestInFlight) {
  Subprocess serve(ServeArgs());
  ASSERT_TRUE(serve.started());
  int port = StartServe(serve);
  ASSERT_GT(port, 0);

  httplib::SSLClient client("127.0.0.1", port);
  client.set_ca_cert_path(CertFile().c_str());
  client.enable_server_certificate_verification(true);
  httplib::Result health = client.Get("/api/v1/health");
  ASSERT_TRUE(health) << httplib::to_string(health.error());
  EXPECT_EQ(health->status, 200);
  absl::StatusOr<Json> body = ParseJson(health->body);
  ASSERT_TRUE(body.ok()) << health->body;
  EXPECT_EQ((*body)["status"], "ok");
  EXPECT_THAT((*body)["node_id"].get<std::string>(), StartsWith("node_"));
  std::ifstream config_file(node_ + "/liaison.toml");
  std::stringstream config;
  config << config_file.rdbuf();
  EXPECT_THAT(config.str(), HasSubstr((*body)["node_id"].get<std::string>()));
  EXPECT_FALSE((*body)["version"].get<std::string>().empty());

  // A request the server has started on (it has read the headers and
  // answered "100 Continue") when SIGTERM arrives.
  TlsConnection in_flight;
  ASSERT_TRUE(in_flight.Connect(port, CertFile()));
  ASSERT_TRUE(in_flight.Write(
      "POST /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Content-Length: 2\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"));
  EXPECT_THAT(in_flight.ReadUntil("\r\n\r\n"), StartsWith("HTTP/1.1 100"));

  serve.Signal(SIGTERM);
  // The node stops accepting new connections...
  absl::Time deadline = absl::Now() + kHangLimit;
  while (CanConnect(port) && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(5));
  EXPECT_FALSE(CanConnect(port));
  // ...but the request in flight still gets its answer (405: health is GET
  // only; what matters is that it is a complete JSON response).
  ASSERT_TRUE(in_flight.Write("{}"));
  std::string response = in_flight.ReadToEnd();
  EXPECT_THAT(response, StartsWith("HTTP/1.1 405"));
  EXPECT_THAT(response, HasSubstr("\"code\":\"method_not_allowed\""));

  int status = serve.Wait();
  ASSERT_TRUE(WIFEXITED(status)) << "serve did not exit normally: " << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(ServeTest, SigintAlsoStopsCleanly) {
  Subprocess serve(ServeArgs());
  ASSERT_TRUE(serve.started());
  ASSERT_GT(StartServe(serve), 0);
  serve.Signal(SIGINT);
  int status = serve.Wait();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_FALSE(serve.ReadLine().has_value());  // the address was the only stdout line
}

TEST_F(ServeTest, RefusesADirectoryThatIsNotANode) {
  std::filesystem::create_directory(root_ + "/empty");
  EXPECT_EQ(RunToExit({Binary(), "serve", "--data", root_ + "/empty", "--listen", "127.0.0.1:0"}),
            1);
}

TEST_F(ServeTest, RefusesABadListenAddress) {
  EXPECT_EQ(RunToExit({Binary(), "serve", "--data", node_, "--listen", "127.0.0.1"}), 1);
}

}  // namespace
}  // namespace liaison
