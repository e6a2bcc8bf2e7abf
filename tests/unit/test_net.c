/* test_net.c: unit tests for common/net.c: address parsing, loopback sockets. */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <dirent.h>
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

struct split {
	const char *spec;
	const char *host;
	const char *port; /* "-" when the port must stay untouched */
};

START_TEST(test_split_good)
{
	static const struct split cases[] = {
		{ "host", "host", "-" },
		{ "localhost", "localhost", "-" },
		{ "host:6667", "host", "6667" },
		{ "127.0.0.1:1", "127.0.0.1", "1" },
		{ "example.org:http", "example.org", "http" },
		{ "[::1]:6666", "::1", "6666" },
		{ "[::1]", "::1", "-" },
		{ "[fe80::1%eth0]:7", "fe80::1%eth0", "7" },
		{ "::1", "::1", "-" },
		{ "::", "::", "-" },
		{ "2001:db8::2", "2001:db8::2", "-" },
		{ "unix:/tmp/x", "unix:/tmp/x", "-" },
		{ "unix:/tmp/a:b", "unix:/tmp/a:b", "-" },
	};
	char host[NET_ADDRSTRLEN], port[32];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		strcpy(host, "junk");
		strcpy(port, "-");
		ck_assert_msg(net_split_hostport(cases[i].spec, host,
				  sizeof host, port, sizeof port) == 0,
		    "\"%s\" refused", cases[i].spec);
		ck_assert_msg(strcmp(host, cases[i].host) == 0 &&
			strcmp(port, cases[i].port) == 0,
		    "\"%s\": host \"%s\" port \"%s\"", cases[i].spec, host,
		    port);
	}
}
END_TEST

START_TEST(test_split_bad)
{
	static const char *const bad[] = {
		"",
		":",
		"host:",
		":6666",
		"[::1",
		"[]",
		"[]:6666",
		"[::1]:",
		"[::1]x",
		"[::1]6666",
		"[::1]]",
		"[",
	};
	char host[NET_ADDRSTRLEN], port[32];
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errno = 0;
		ck_assert_msg(net_split_hostport(bad[i], host, sizeof host,
				  port, sizeof port) == -1,
		    "\"%s\" accepted", bad[i]);
		ck_assert_msg(
		    errno == EINVAL, "\"%s\": errno %d", bad[i], errno);
	}
}
END_TEST

/* Outputs that do not fit are an error, never a truncation. */
START_TEST(test_split_too_long)
{
	char host[4], port[3];

	ck_assert_int_eq(
	    net_split_hostport("abc:66", host, sizeof host, port, sizeof port),
	    0);
	ck_assert_str_eq(host, "abc");
	ck_assert_str_eq(port, "66");
	errno = 0;
	ck_assert_int_eq(
	    net_split_hostport("abcd", host, sizeof host, port, sizeof port),
	    -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(
	    net_split_hostport("abc:666", host, sizeof host, port, sizeof port),
	    -1);
	ck_assert_int_eq(net_split_hostport(
			     "[::1]:66", host, sizeof host, port, sizeof port),
	    0);
	ck_assert_str_eq(host, "::1");
	ck_assert_int_eq(
	    net_split_hostport("[::12]", host, sizeof host, port, sizeof port),
	    -1);
	ck_assert_int_eq(
	    net_split_hostport("unix:/x", host, sizeof host, port, sizeof port),
	    -1);
}
END_TEST

/* Wait (bounded) until fd is readable; fails the test otherwise. */
static void
wait_readable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int n;

	do
		n = poll(&pfd, 1, WAIT_MS);
	while (n == -1 && errno == EINTR);
	ck_assert_msg(
	    n == 1, "fd %d not readable (poll %d, errno %d)", fd, n, errno);
}

static void
expect_flags(int fd, int nonblock)
{
	int fl = fcntl(fd, F_GETFL), fd_fl = fcntl(fd, F_GETFD);

	ck_assert_int_ne(fl, -1);
	ck_assert_int_ne(fd_fl, -1);
	ck_assert_msg(fd_fl & FD_CLOEXEC, "fd %d not close-on-exec", fd);
	ck_assert_int_eq((fl & O_NONBLOCK) != 0, nonblock);
}

/* One byte each way between a connected pair. */
static void
exchange(int a, int b)
{
	char c = 0;

	ck_assert_int_eq(write(a, "p", 1), 1);
	wait_readable(b);
	ck_assert_int_eq(read(b, &c, 1), 1);
	ck_assert_int_eq(c, 'p');
	ck_assert_int_eq(write(b, "q", 1), 1);
	wait_readable(a);
	ck_assert_int_eq(read(a, &c, 1), 1);
	ck_assert_int_eq(c, 'q');
}

/* The port out of "127.0.0.1:N" or "[::1]:N". */
static const char *
name_port(const char *name)
{
	const char *colon = strrchr(name, ':');

	ck_assert_ptr_nonnull(colon);
	return colon + 1;
}

START_TEST(test_tcp_v4)
{
	const char *cause = NULL, *port;
	char name[NET_ADDRSTRLEN], peer[NET_ADDRSTRLEN];
	int lfd, cfd, afd;

	lfd = net_listen_tcp("127.0.0.1", "0", 8, &cause);
	ck_assert_msg(lfd != -1, "listen: %s", cause ? cause : "?");
	expect_flags(lfd, 1);
	ck_assert_int_eq(net_local_name(lfd, name, sizeof name), 0);
	ck_assert_msg(strncmp(name, "127.0.0.1:", 10) == 0, "%s", name);
	port = name_port(name);
	ck_assert_msg(atoi(port) > 0 && atoi(port) < 65536, "%s", name);

	/* Nobody waiting yet. */
	errno = 0;
	ck_assert_int_eq(net_accept(lfd, peer, sizeof peer), -1);
	ck_assert_msg(
	    errno == EAGAIN || errno == EWOULDBLOCK, "errno %d", errno);

	cfd = net_connect("127.0.0.1", port, &cause);
	ck_assert_msg(cfd != -1, "connect: %s", cause ? cause : "?");
	expect_flags(cfd, 0); /* net_connect is blocking */
	wait_readable(lfd);
	strcpy(peer, "junk");
	afd = net_accept(lfd, peer, sizeof peer);
	ck_assert_int_ne(afd, -1);
	ck_assert_str_eq(peer, "127.0.0.1");
	expect_flags(afd, 1);
	exchange(cfd, afd);

	/* The client's own name is a loopback address and a real port. */
	ck_assert_int_eq(net_local_name(cfd, name, sizeof name), 0);
	ck_assert_msg(
	    strncmp(name, "127.0.0.1:", 10) == 0 && atoi(name_port(name)) > 0,
	    "%s", name);

	/* Only one was waiting. */
	errno = 0;
	ck_assert_int_eq(net_accept(lfd, peer, sizeof peer), -1);
	ck_assert_msg(
	    errno == EAGAIN || errno == EWOULDBLOCK, "errno %d", errno);
	close(afd);
	close(cfd);
	close(lfd);
}
END_TEST

/* IPv6 loopback, where the machine has it; a counted skip otherwise
 * (a failure under CI, which has it). */
START_TEST(test_tcp_v6)
{
	const char *cause = NULL;
	char name[NET_ADDRSTRLEN], peer[NET_ADDRSTRLEN];
	int lfd, cfd, afd;

	TEST_NEED(test_have_ipv6(), "an IPv6 loopback");
	lfd = net_listen_tcp("::1", "0", 8, &cause);
	ck_assert_msg(lfd != -1, "listen on [::1]: %s", cause ? cause : "?");
	ck_assert_int_eq(net_local_name(lfd, name, sizeof name), 0);
	ck_assert_msg(
	    strncmp(name, "[::1]:", 6) == 0 && atoi(name_port(name)) > 0, "%s",
	    name);
	cfd = net_connect("::1", name_port(name), &cause);
	ck_assert_msg(cfd != -1, "connect: %s", cause ? cause : "?");
	wait_readable(lfd);
	afd = net_accept(lfd, peer, sizeof peer);
	ck_assert_int_ne(afd, -1);
	ck_assert_str_eq(peer, "::1");
	exchange(cfd, afd);
	close(afd);
	close(cfd);
	close(lfd);
}
END_TEST

/* A port bound but not listening refuses connections, and nobody else can
 * take it while the test holds it: a deterministic ECONNREFUSED. */
START_TEST(test_connect_refused)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	const char *cause = NULL;
	char port[16];
	int s, fd;

	s = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ne(s, -1);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sin, sizeof sin), 0);
	ck_assert_int_eq(getsockname(s, (struct sockaddr *)&sin, &len), 0);
	snprintf(port, sizeof port, "%d", ntohs(sin.sin_port));

	errno = 0;
	fd = net_connect("127.0.0.1", port, &cause);
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(errno, ECONNREFUSED);
	ck_assert_ptr_nonnull(cause);
	ck_assert_str_eq(cause, strerror(ECONNREFUSED));
	close(s);
}
END_TEST

START_TEST(test_bad_addresses)
{
	const char *cause = NULL;
	int fd;

	/* Not a number: the port must be numeric for listening. */
	fd = net_listen_tcp("127.0.0.1", "notaport", 8, &cause);
	ck_assert_int_eq(fd, -1);
	ck_assert_ptr_nonnull(cause);
	ck_assert_str_ne(cause, "");
	/* Not an address of this machine. */
	cause = NULL;
	fd = net_listen_tcp("192.0.2.1", "0", 8, &cause);
	ck_assert_int_eq(fd, -1);
	ck_assert_ptr_nonnull(cause);
	/* A port in use by a listener. */
	{
		char name[NET_ADDRSTRLEN];
		int lfd = net_listen_tcp("127.0.0.1", "0", 8, &cause);

		ck_assert_int_ne(lfd, -1);
		ck_assert_int_eq(net_local_name(lfd, name, sizeof name), 0);
		cause = NULL;
		errno = 0;
		fd = net_listen_tcp("127.0.0.1", name_port(name), 8, &cause);
		ck_assert_int_eq(fd, -1);
		ck_assert_int_eq(errno, EADDRINUSE);
		ck_assert_ptr_nonnull(cause);
		close(lfd);
	}
}
END_TEST

/* Unix sockets live in a private directory made before the tests run and
 * removed afterwards, in the parent process, even when a test fails. */
static char tmpdir[64];

static void
unix_setup(void)
{
	strcpy(tmpdir, "/tmp/chat-test-net-XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		abort();
	}
}

static void
unix_teardown(void)
{
	DIR *d;
	struct dirent *de;
	char path[sizeof tmpdir + 300];

	if ((d = opendir(tmpdir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(
			    path, sizeof path, "%s/%s", tmpdir, de->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(tmpdir);
}

static void
tmp_path(char *out, size_t outlen, const char *name)
{
	ck_assert_int_lt(
	    snprintf(out, outlen, "%s/%s", tmpdir, name), (int)outlen);
}

START_TEST(test_unix)
{
	const char *cause = NULL;
	char path[128], want[160], name[NET_ADDRSTRLEN];
	char peer[NET_ADDRSTRLEN], spec[160];
	int lfd, cfd, afd;

	tmp_path(path, sizeof path, "chat.sock");
	lfd = net_listen_unix(path, 8, &cause);
	ck_assert_msg(lfd != -1, "listen: %s", cause ? cause : "?");
	expect_flags(lfd, 1);
	ck_assert_int_eq(net_local_name(lfd, name, sizeof name), 0);
	snprintf(want, sizeof want, "unix:%s", path);
	ck_assert_str_eq(name, want);

	errno = 0;
	ck_assert_int_eq(net_accept(lfd, peer, sizeof peer), -1);
	ck_assert_msg(
	    errno == EAGAIN || errno == EWOULDBLOCK, "errno %d", errno);

	/* The port is ignored for a Unix socket. */
	snprintf(spec, sizeof spec, "unix:%s", path);
	cfd = net_connect(spec, "6666", &cause);
	ck_assert_msg(cfd != -1, "connect: %s", cause ? cause : "?");
	expect_flags(cfd, 0);
	wait_readable(lfd);
	afd = net_accept(lfd, peer, sizeof peer);
	ck_assert_int_ne(afd, -1);
	ck_assert_str_eq(peer, "unix");
	expect_flags(afd, 1);
	exchange(cfd, afd);
	close(afd);
	close(cfd);
	close(lfd);
}
END_TEST

/* A socket file left behind by an earlier run is replaced; a regular file
 * at the path is left alone and listening there fails with a cause. */
START_TEST(test_unix_stale_and_file)
{
	const char *cause = NULL;
	char path[128], file[128], spec[160];
	struct stat st;
	int lfd, cfd, fd;

	tmp_path(path, sizeof path, "stale.sock");
	lfd = net_listen_unix(path, 8, &cause);
	ck_assert_int_ne(lfd, -1);
	close(lfd); /* the socket file stays */
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	lfd = net_listen_unix(path, 8, &cause);
	ck_assert_msg(lfd != -1, "relisten: %s", cause ? cause : "?");
	snprintf(spec, sizeof spec, "unix:%s", path);
	cfd = net_connect(spec, NULL, &cause);
	ck_assert_int_ne(cfd, -1);
	close(cfd);
	close(lfd);

	tmp_path(file, sizeof file, "regular");
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, "keep", 4), 4);
	close(fd);
	cause = NULL;
	ck_assert_int_eq(net_listen_unix(file, 8, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	ck_assert_int_eq(lstat(file, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(st.st_size, 4);
}
END_TEST

START_TEST(test_unix_errors)
{
	const char *cause = NULL;
	char path[300], spec[320];
	int fd;

	/* Nobody listening there. */
	tmp_path(path, sizeof path, "nobody.sock");
	snprintf(spec, sizeof spec, "unix:%s", path);
	errno = 0;
	fd = net_connect(spec, NULL, &cause);
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_nonnull(cause);
	ck_assert_str_eq(cause, strerror(ENOENT));

	/* Longer than sun_path holds. */
	memset(path, 'p', 250);
	path[0] = '/';
	path[250] = '\0';
	cause = NULL;
	errno = 0;
	ck_assert_int_eq(net_listen_unix(path, 8, &cause), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
	ck_assert_ptr_nonnull(cause);
	snprintf(spec, sizeof spec, "unix:%s", path);
	cause = NULL;
	ck_assert_int_eq(net_connect(spec, NULL, &cause), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
	ck_assert_ptr_nonnull(cause);

	/* A directory that does not exist. */
	tmp_path(path, sizeof path, "no/such/dir.sock");
	cause = NULL;
	ck_assert_int_eq(net_listen_unix(path, 8, &cause), -1);
	ck_assert_ptr_nonnull(cause);
}
END_TEST

START_TEST(test_set_nonblock)
{
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(fcntl(sv[0], F_GETFL) & O_NONBLOCK, 0);
	ck_assert_int_eq(net_set_nonblock(sv[0]), 0);
	ck_assert_int_ne(fcntl(sv[0], F_GETFL) & O_NONBLOCK, 0);
	close(sv[0]);
	close(sv[1]);
	errno = 0;
	ck_assert_int_eq(net_set_nonblock(sv[0]), -1);
	ck_assert_int_eq(errno, EBADF);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("net");
	TCase *tc = tcase_create("split");
	TCase *tt = tcase_create("tcp");
	TCase *tu = tcase_create("unix");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_split_good);
	tcase_add_test(tc, test_split_bad);
	tcase_add_test(tc, test_split_too_long);
	suite_add_tcase(s, tc);

	tcase_set_timeout(tt, TEST_TIMEOUT);
	tcase_add_test(tt, test_tcp_v4);
	tcase_add_test(tt, test_tcp_v6);
	tcase_add_test(tt, test_connect_refused);
	tcase_add_test(tt, test_bad_addresses);
	tcase_add_test(tt, test_set_nonblock);
	suite_add_tcase(s, tt);

	tcase_set_timeout(tu, TEST_TIMEOUT);
	tcase_add_unchecked_fixture(tu, unix_setup, unix_teardown);
	tcase_add_test(tu, test_unix);
	tcase_add_test(tu, test_unix_stale_and_file);
	tcase_add_test(tu, test_unix_errors);
	suite_add_tcase(s, tu);
	return s;
}
