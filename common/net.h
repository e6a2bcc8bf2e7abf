/* net.h: the only place that creates sockets: listen, accept, connect, UDP. */
#ifndef CHAT_NET_H
#define CHAT_NET_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/socket.h>

/* Long enough for "[v6-address]:port" and "unix:" plus a socket path. */
#define NET_ADDRSTRLEN 128

/*
 * Functions return a descriptor or 0 on success, and -1 on failure with
 * errno set and, where a cause argument is given, *cause pointing at a
 * static string that says why (strerror or gai_strerror). They never print.
 * Every descriptor they return is close-on-exec.
 */

/* Listen on TCP. addr NULL means every interface, dual-stack ("::" with
 * IPV6_V6ONLY off), falling back to 0.0.0.0 where IPv6 is unavailable.
 * port "0" picks a free port. The socket is non-blocking. */
int net_listen_tcp(
    const char *addr, const char *port, int backlog, const char **cause);
/* A UDP socket bound by net_listen_tcp()'s rules for addr and port (NULL:
 * "::" dual-stack, else 0.0.0.0), non-blocking. Give it the port the TCP
 * listener got to serve UDP on the same one. */
int net_bind_udp(const char *addr, const char *port, const char **cause);

/* One datagram into buf (a longer one is cut to len bytes: pass one byte
 * more than the longest wanted to see it), its sender in *from, retrying
 * EINTR. Returns its length, or -1 (EAGAIN: none waiting). */
ssize_t net_recvfrom(int fd, void *buf, size_t len,
    struct sockaddr_storage *from, socklen_t *fromlen);
/* Send one datagram to to, retrying EINTR; the length sent, or -1. */
ssize_t net_sendto(int fd, const void *buf, size_t len,
    const struct sockaddr_storage *to, socklen_t tolen);

/* Listen on a Unix stream socket at path, replacing a stale socket file. */
int net_listen_unix(const char *path, int backlog, const char **cause);

/* Accept one connection, non-blocking; peer gets the client's address
 * ("127.0.0.1", "::1", or "unix"). EAGAIN when none is waiting. */
int net_accept(int lfd, char *peer, size_t peerlen);

/* Connect (blocking) to host:port over whatever getaddrinfo offers, or to
 * a Unix socket when host is "unix:/path" (port is then ignored). */
int net_connect(const char *host, const char *port, const char **cause);

int net_set_nonblock(int fd);

/* The address a socket is bound to, as "127.0.0.1:6666", "[::]:6666" or
 * "unix:/path". */
int net_local_name(int fd, char *out, size_t outlen);

/*
 * Split "host", "host:port", "[v6]", "[v6]:port", a bare IPv6 address or
 * "unix:/path" into host and port; port stays untouched when none is
 * given. Returns -1 (EINVAL) on a malformed or over-long spec.
 */
int net_split_hostport(
    const char *spec, char *host, size_t hostlen, char *port, size_t portlen);

#endif
