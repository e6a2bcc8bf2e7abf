/* test_net_udp.c: common/net.c's UDP: binding by net_listen_tcp's rules, receiving, sending. */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "net.h"

/* Bound on any wait for the kernel: generous, never a timing assertion. */
#define WAIT_MS 10000

static void
wait_readable(int fd)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	int n;

	do
		n = poll(&pfd, 1, WAIT_MS);
	while (n == -1 && errno == EINTR);
	ck_assert_msg(n == 1, "fd %d not readable", fd);
}

/* The port of a bound socket, as a string. */
static void
port_of(int fd, char *port, size_t len)
{
	char name[NET_ADDRSTRLEN];
	const char *colon;

	ck_assert_int_eq(net_local_name(fd, name, sizeof name), 0);
	ck_assert_ptr_nonnull(colon = strrchr(name, ':'));
	ck_assert_int_gt(atoi(colon + 1), 0);
	snprintf(port, len, "%s", colon + 1);
}

/* A client socket of family af connected to host:port. */
static int
client(int af, const char *host, const char *port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	memset(&ss, 0, sizeof ss);
	if (af == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons((unsigned short)atoi(port));
		ck_assert_int_eq(inet_pton(AF_INET, host, &sin->sin_addr), 1);
		len = sizeof *sin;
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((unsigned short)atoi(port));
		ck_assert_int_eq(
		    inet_pton(AF_INET6, host, &sin6->sin6_addr), 1);
		len = sizeof *sin6;
	}
	ck_assert_int_ne(fd = socket(af, SOCK_DGRAM, 0), -1);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&ss, len), 0);
	return fd;
}

/* A datagram from c reaches the bound socket fd with c's address, and the
 * answer sent there reaches c. */
static void
round_trip(int fd, int c)
{
	struct sockaddr_storage from, mine;
	socklen_t fromlen, minelen = sizeof mine;
	char buf[16];

	ck_assert_int_eq(send(c, "ping", 4, 0), 4);
	wait_readable(fd);
	ck_assert_int_eq(net_recvfrom(fd, buf, sizeof buf, &from, &fromlen), 4);
	ck_assert_mem_eq(buf, "ping", 4);
	ck_assert_int_eq(getsockname(c, (struct sockaddr *)&mine, &minelen), 0);
	if (from.ss_family == AF_INET)
		ck_assert_int_eq(((struct sockaddr_in *)&from)->sin_port,
		    ((struct sockaddr_in *)&mine)->sin_port);
	ck_assert_int_eq(net_sendto(fd, "pong", 4, &from, fromlen), 4);
	wait_readable(c);
	ck_assert_int_eq(recv(c, buf, sizeof buf, 0), 4);
	ck_assert_mem_eq(buf, "pong", 4);
}

START_TEST(test_udp_v4)
{
	struct sockaddr_storage from;
	socklen_t fromlen;
	const char *cause = NULL;
	char port[16], big[3000], buf[2049];
	int fd, c, type = 0;
	socklen_t tlen = sizeof type;

	fd = net_bind_udp("127.0.0.1", "0", &cause);
	ck_assert_msg(fd != -1, "bind: %s", cause ? cause : "?");
	ck_assert_int_ne(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
	ck_assert_int_ne(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	ck_assert_int_eq(getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen), 0);
	ck_assert_int_eq(type, SOCK_DGRAM);
	port_of(fd, port, sizeof port);
	errno = 0;
	ck_assert_int_eq(
	    net_recvfrom(fd, buf, sizeof buf, &from, &fromlen), -1);
	ck_assert(errno == EAGAIN || errno == EWOULDBLOCK);

	c = client(AF_INET, "127.0.0.1", port);
	round_trip(fd, c);
	/* Longer than the buffer: cut, and so seen as too long. */
	memset(big, 'b', sizeof big);
	ck_assert_int_eq(send(c, big, sizeof big, 0), (ssize_t)sizeof big);
	wait_readable(fd);
	ck_assert_int_eq(net_recvfrom(fd, buf, sizeof buf, &from, &fromlen),
	    (ssize_t)sizeof buf);
	/* An empty datagram is a datagram. */
	ck_assert_int_eq(send(c, "", 0, 0), 0);
	wait_readable(fd);
	ck_assert_int_eq(net_recvfrom(fd, buf, sizeof buf, &from, &fromlen), 0);
	close(c);
	close(fd);
}
END_TEST

START_TEST(test_udp_v6)
{
	const char *cause = NULL;
	char port[16];
	int fd, c;

	fd = net_bind_udp("::1", "0", &cause);
	if (fd == -1) {
		fprintf(stderr, "SKIP test_udp_v6: no IPv6 loopback (%s)\n",
		    cause ? cause : "?");
		return;
	}
	port_of(fd, port, sizeof port);
	c = client(AF_INET6, "::1", port);
	round_trip(fd, c);
	close(c);
	close(fd);
}
END_TEST

/* Every interface, dual-stack where there is IPv6: IPv4 gets through, on
 * the port the TCP listener got. */
START_TEST(test_udp_any_same_port)
{
	const char *cause = NULL;
	char port[16], uport[16];
	int lfd, fd, c, fd2;

	lfd = net_listen_tcp(NULL, "0", 8, &cause);
	ck_assert_int_ne(lfd, -1);
	port_of(lfd, port, sizeof port);
	fd = net_bind_udp(NULL, port, &cause);
	ck_assert_msg(fd != -1, "bind: %s", cause ? cause : "?");
	port_of(fd, uport, sizeof uport);
	ck_assert_str_eq(port, uport);
	c = client(AF_INET, "127.0.0.1", port);
	round_trip(fd, c);
	/* No SO_REUSEADDR: nobody else can bind the port and share it. */
	errno = 0;
	fd2 = net_bind_udp(NULL, port, &cause);
	ck_assert_int_eq(fd2, -1);
	ck_assert_int_eq(errno, EADDRINUSE);
	close(c);
	close(fd);
	close(lfd);
}
END_TEST

START_TEST(test_udp_bad)
{
	const char *cause = NULL;

	ck_assert_int_eq(net_bind_udp("no.such.host.invalid", "0", &cause), -1);
	ck_assert_ptr_nonnull(cause);
	cause = NULL;
	ck_assert_int_eq(net_bind_udp("127.0.0.1", "http", &cause), -1);
	ck_assert_ptr_nonnull(cause); /* numeric ports only */
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("net_udp");
	TCase *tc = tcase_create("udp");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_udp_v4);
	tcase_add_test(tc, test_udp_v6);
	tcase_add_test(tc, test_udp_any_same_port);
	tcase_add_test(tc, test_udp_bad);
	suite_add_tcase(s, tc);
	return s;
}
