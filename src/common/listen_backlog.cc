#include "common/listen_backlog.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <exception>
#include <filesystem>
#include <string>
#include <system_error>

namespace liaison {

bool WidenListenBacklog(int fd) { return fd >= 0 && ::listen(fd, kListenBacklog) == 0; }

int ListenBacklogOfPort(int port) {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", error)) {
    int fd = -1;
    try {
      fd = std::stoi(entry.path().filename().string());
    } catch (const std::exception&) {
      continue;
    }
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) continue;
    int bound_port = -1;
    if (addr.ss_family == AF_INET) {
      bound_port = ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
    } else if (addr.ss_family == AF_INET6) {
      bound_port = ntohs(reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_port);
    }
    int listening = 0;
    socklen_t size = sizeof listening;
    if (bound_port != port || getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) != 0 ||
        listening == 0) {
      continue;
    }
    // For a listening socket, tcpi_sacked holds its backlog.
    tcp_info info{};
    socklen_t info_size = sizeof info;
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &info_size) != 0) return -1;
    return static_cast<int>(info.tcpi_sacked);
  }
  return -1;
}

}  // namespace liaison
