/* net.c: the only place that creates sockets: listen, accept, connect, UDP. */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net.h"

int
net_set_nonblock(int fd)
{
	int flags;

	if ((flags = fcntl(fd, F_GETFL)) == -1)
		return -1;
	if (fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
		return -1;
	return 0;
}

static int
net_set_cloexec(int fd)
{
	return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/*
 * Both programs gather what they send and write it in one go, so Nagle's
 * algorithm can only add delay: a small write queued behind an unacked one
 * would wait for the peer's delayed ACK (40 ms on Linux). Best effort.
 */
static void
net_set_nodelay(int fd, int family)
{
	int on = 1;

	if (family == AF_INET || family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

/* Close fd keeping errno, for error paths. */
static void
net_close_keep_errno(int fd)
{
	int saved = errno;

	close(fd);
	errno = saved;
}

/* A socket for ai, bound, and listening when it is a stream socket. */
static int
net_bind_ai(const struct addrinfo *ai, int backlog)
{
	int fd, on = 1, off = 0, stream = ai->ai_socktype == SOCK_STREAM;

	if ((fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol)) ==
	    -1)
		return -1;
	if (net_set_cloexec(fd) == -1 || net_set_nonblock(fd) == -1)
		goto fail;
	/* Not for UDP: there, on Linux, it would let a second socket share
	 * the port and take some of its datagrams. */
	if (stream &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == -1)
		goto fail;
	if (ai->ai_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) == -1)
		goto fail;
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
	    (stream && listen(fd, backlog) == -1))
		goto fail;
	return fd;
fail:
	net_close_keep_errno(fd);
	return -1;
}

/* net_listen_tcp() and net_bind_udp(): one set of address rules. */
static int
net_bind(const char *addr, const char *port, int socktype, int backlog,
    const char **cause)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1, rv;

	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = socktype;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	hints.ai_family = addr == NULL ? AF_INET6 : AF_UNSPEC;
	rv = getaddrinfo(addr, port, &hints, &res);
	if (rv != 0 && addr == NULL) {
		hints.ai_family = AF_INET;
		rv = getaddrinfo(addr, port, &hints, &res);
	}
	if (rv != 0) {
		*cause = gai_strerror(rv);
		errno = EINVAL;
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = net_bind_ai(ai, backlog)) != -1)
			break;
		*cause = strerror(errno);
	}
	freeaddrinfo(res);
	if (fd == -1 && addr == NULL &&
	    (errno == EAFNOSUPPORT || errno == EADDRNOTAVAIL)) {
		/* No IPv6 here: every interface on IPv4 only. */
		return net_bind("0.0.0.0", port, socktype, backlog, cause);
	}
	return fd;
}

int
net_listen_tcp(
    const char *addr, const char *port, int backlog, const char **cause)
{
	return net_bind(addr, port, SOCK_STREAM, backlog, cause);
}

int
net_bind_udp(const char *addr, const char *port, const char **cause)
{
	return net_bind(addr, port, SOCK_DGRAM, 0, cause);
}

ssize_t
net_recvfrom(int fd, void *buf, size_t len, struct sockaddr_storage *from,
    socklen_t *fromlen)
{
	ssize_t n;

	do {
		*fromlen = sizeof *from;
		n = recvfrom(fd, buf, len, 0, (struct sockaddr *)from, fromlen);
	} while (n == -1 && errno == EINTR);
	return n;
}

ssize_t
net_sendto(int fd, const void *buf, size_t len,
    const struct sockaddr_storage *to, socklen_t tolen)
{
	ssize_t n;

	do {
		n = sendto(fd, buf, len, 0, (const struct sockaddr *)to, tolen);
	} while (n == -1 && errno == EINTR);
	return n;
}

static int
net_unix_addr(const char *path, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof *sun);
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun->sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun->sun_path, path);
	return 0;
}

int
net_listen_unix(const char *path, int backlog, const char **cause)
{
	struct sockaddr_un sun;
	struct stat st;
	int fd;

	if (net_unix_addr(path, &sun) == -1)
		goto fail;
	/* A socket file left by an earlier run is replaced; anything else at
	 * that path is left alone and bind() reports it. */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		goto fail;
	if (net_set_cloexec(fd) == -1 || net_set_nonblock(fd) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof sun) == -1 ||
	    listen(fd, backlog) == -1) {
		net_close_keep_errno(fd);
		goto fail;
	}
	return fd;
fail:
	*cause = strerror(errno);
	return -1;
}

static void
net_addr_string(
    const struct sockaddr *sa, char *out, size_t outlen, int with_port)
{
	char host[INET6_ADDRSTRLEN];
	int port;

	switch (sa->sa_family) {
	case AF_INET: {
		const struct sockaddr_in *sin = (const void *)sa;

		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof host);
		port = ntohs(sin->sin_port);
		if (with_port)
			snprintf(out, outlen, "%s:%d", host, port);
		else
			snprintf(out, outlen, "%s", host);
		break;
	}
	case AF_INET6: {
		const struct sockaddr_in6 *sin6 = (const void *)sa;

		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof host);
		port = ntohs(sin6->sin6_port);
		/* An IPv4 client on a dual-stack socket reads as plain IPv4. */
		if (!with_port && strncmp(host, "::ffff:", 7) == 0 &&
		    strchr(host + 7, '.') != NULL)
			snprintf(out, outlen, "%s", host + 7);
		else if (with_port)
			snprintf(out, outlen, "[%s]:%d", host, port);
		else
			snprintf(out, outlen, "%s", host);
		break;
	}
	case AF_UNIX: {
		const struct sockaddr_un *sun = (const void *)sa;

		if (with_port)
			snprintf(out, outlen, "unix:%s", sun->sun_path);
		else
			snprintf(out, outlen, "unix");
		break;
	}
	default:
		snprintf(out, outlen, "unknown");
	}
}

int
net_accept(int lfd, char *peer, size_t peerlen)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	for (;;) {
		len = sizeof ss;
		fd = accept(lfd, (struct sockaddr *)&ss, &len);
		if (fd != -1)
			break;
		if (errno != EINTR)
			return -1;
	}
	if (net_set_cloexec(fd) == -1 || net_set_nonblock(fd) == -1) {
		net_close_keep_errno(fd);
		return -1;
	}
	net_set_nodelay(fd, ss.ss_family);
	if (len == 0 || ss.ss_family == AF_UNIX)
		snprintf(peer, peerlen, "unix");
	else
		net_addr_string((struct sockaddr *)&ss, peer, peerlen, 0);
	return fd;
}

int
net_local_name(int fd, char *out, size_t outlen)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return -1;
	net_addr_string((struct sockaddr *)&ss, out, outlen, 1);
	return 0;
}

static int
net_connect_unix(const char *path, const char **cause)
{
	struct sockaddr_un sun;
	int fd;

	if (net_unix_addr(path, &sun) == -1)
		goto fail;
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		goto fail;
	if (net_set_cloexec(fd) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		net_close_keep_errno(fd);
		goto fail;
	}
	return fd;
fail:
	*cause = strerror(errno);
	return -1;
}

int
net_connect(const char *host, const char *port, const char **cause)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1, rv;

	if (strncmp(host, "unix:", 5) == 0)
		return net_connect_unix(host + 5, cause);
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rv = getaddrinfo(host, port, &hints, &res)) != 0) {
		*cause = gai_strerror(rv);
		errno = EINVAL;
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd == -1) {
			*cause = strerror(errno);
			continue;
		}
		if (net_set_cloexec(fd) == 0) {
			while ((rv = connect(
				    fd, ai->ai_addr, ai->ai_addrlen)) == -1 &&
			    errno == EINTR)
				;
			if (rv == 0) {
				net_set_nodelay(fd, ai->ai_family);
				break;
			}
		}
		*cause = strerror(errno);
		net_close_keep_errno(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

static int
net_copy(char *dst, size_t dstlen, const char *src, size_t n)
{
	if (n >= dstlen) {
		errno = EINVAL;
		return -1;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
	return 0;
}

int
net_split_hostport(
    const char *spec, char *host, size_t hostlen, char *port, size_t portlen)
{
	const char *colon, *end;

	if (strncmp(spec, "unix:", 5) == 0)
		return net_copy(host, hostlen, spec, strlen(spec));
	if (spec[0] == '[') {
		if ((end = strchr(spec, ']')) == NULL || end == spec + 1)
			goto bad;
		if (net_copy(host, hostlen, spec + 1, (size_t)(end - spec - 1)))
			return -1;
		if (end[1] == '\0')
			return 0;
		if (end[1] != ':' || end[2] == '\0')
			goto bad;
		return net_copy(port, portlen, end + 2, strlen(end + 2));
	}
	colon = strchr(spec, ':');
	if (colon == NULL || strchr(colon + 1, ':') != NULL) /* bare IPv6 */
		return spec[0] == '\0' ?
		    (errno = EINVAL, -1) :
		    net_copy(host, hostlen, spec, strlen(spec));
	if (colon == spec || colon[1] == '\0')
		goto bad;
	if (net_copy(host, hostlen, spec, (size_t)(colon - spec)))
		return -1;
	return net_copy(port, portlen, colon + 1, strlen(colon + 1));
bad:
	errno = EINVAL;
	return -1;
}
