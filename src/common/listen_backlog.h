// The kernel's queue of connections a listening socket has not yet accepted.
//
// Debian's cpp-httplib listens with a backlog of 5. When more clients than
// that open connections at once (officers signing in together, a partner's
// burst of first queries), the kernel drops the extra SYNs and each of those
// clients waits for its SYN retransmission, a whole second. Both HTTPS
// listeners (the officers' API and the partner endpoint) widen it:
//
//   server.set_socket_options([&](int fd) { ...; listen_fd = fd; });
//   server.bind_to_port(host, port);
//   WidenListenBacklog(listen_fd);
#ifndef LIAISON_COMMON_LISTEN_BACKLOG_H_
#define LIAISON_COMMON_LISTEN_BACKLOG_H_

namespace liaison {

inline constexpr int kListenBacklog = 1024;

// Listens again on the listening socket `fd` with kListenBacklog (Linux
// updates a listening socket's backlog this way). false if it could not;
// the socket then keeps serving with its old backlog.
bool WidenListenBacklog(int fd);

// The backlog of the socket this process listens on at TCP `port` (Linux
// reports it in TCP_INFO), or -1 if there is none. For tests and
// diagnostics.
int ListenBacklogOfPort(int port);

}  // namespace liaison

#endif  // LIAISON_COMMON_LISTEN_BACKLOG_H_
