#include "common/listen_backlog.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace liaison {
namespace {

// A loopback socket listening with `backlog`; its port in *port.
int ListenOnLoopback(int backlog, int* port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(fd, backlog) != 0) {
    return -1;
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *port = ntohs(addr.sin_port);
  return fd;
}

TEST(ListenBacklogTest, WidensTheBacklogOfAListeningSocket) {
  int port = 0;
  const int fd = ListenOnLoopback(5, &port);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(ListenBacklogOfPort(port), 5);
  EXPECT_TRUE(WidenListenBacklog(fd));
  EXPECT_EQ(ListenBacklogOfPort(port), kListenBacklog);
  close(fd);
}

TEST(ListenBacklogTest, APortNobodyListensOnHasNone) {
  int port = 0;
  const int fd = ListenOnLoopback(5, &port);
  ASSERT_GE(fd, 0);
  close(fd);
  EXPECT_EQ(ListenBacklogOfPort(port), -1);
  EXPECT_FALSE(WidenListenBacklog(-1));
}

}  // namespace
}  // namespace liaison
