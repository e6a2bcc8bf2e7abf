/*
 * test_loop_hup.c: hang-ups, errors and fds closed behind the loop's
 * back, on every backend: what each kernel interface reports unasked
 * must reach the handlers, and never make the loop spin.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "loop.h"
#include "loop_test.h"

/* What the handlers saw: how often they ran, and the last result. */
struct seen {
	int reads, writes;
	ssize_t got; /* read() or write() */
	int err;     /* its errno, or SO_ERROR */
};

static void
on_read(struct loop *l, int fd, void *arg)
{
	struct seen *s = arg;
	char c;

	(void)l;
	s->reads++;
	s->got = read(fd, &c, 1);
	s->err = s->got == -1 ? errno : 0;
}

static void
on_write(struct loop *l, int fd, void *arg)
{
	struct seen *s = arg;

	(void)l;
	s->writes++;
	s->got = write(fd, "x", 1);
	s->err = s->got == -1 ? errno : 0;
}

/* on_write for a connecting socket: the outcome is in SO_ERROR. */
static void
on_connected(struct loop *l, int fd, void *arg)
{
	struct seen *s = arg;
	socklen_t len = sizeof s->err;

	(void)l;
	s->writes++;
	ck_assert_int_eq(
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &s->err, &len), 0);
}

START_TEST(test_hangup_without_interest_is_quiet)
{
	struct loop *l = LOOP_TEST_NEW();
	struct seen s = { 0 };
	int sp[2], p[2];

	if (l == NULL)
		return;
	/* A socket whose peer is gone: readable (EOF) and hung up. */
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	ck_assert_int_eq(
	    loop_add(l, sp[0], LOOP_READ, on_read, on_write, &s), 0);
	ck_assert_int_eq(loop_set(l, sp[0], 0), 0);
	close(sp[1]);
	/* A pipe whose writer is gone: hung up, nothing else (POLLHUP). */
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(loop_add(l, p[0], 0, on_read, on_write, &s), 0);
	close(p[1]);
	loop_test_idle(l);
	loop_test_idle(l);
	ck_assert_int_eq(s.reads + s.writes, 0);
	/* Interest back: the hang-up is reported again. */
	ck_assert_int_eq(loop_set(l, sp[0], LOOP_READ), 0);
	ck_assert_int_eq(loop_poll(l, 1000), 1);
	ck_assert_int_eq(s.reads, 1);
	ck_assert_int_eq(s.got, 0);
	ck_assert_int_eq(loop_set(l, sp[0], 0), 0);
	loop_test_idle(l);
	ck_assert_int_eq(s.reads, 1);
	loop_del(l, sp[0]);
	loop_del(l, p[0]);
	close(sp[0]);
	close(p[0]);
	loop_free(l);
}
END_TEST

START_TEST(test_hangup_runs_read_handler)
{
	struct loop *l = LOOP_TEST_NEW();
	struct seen s = { 0 };
	int sp[2], p[2];

	if (l == NULL)
		return;
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	ck_assert_int_eq(
	    loop_add(l, sp[0], LOOP_READ, on_read, on_write, &s), 0);
	close(sp[1]);
	ck_assert_int_eq(loop_poll(l, 1000), 1);
	ck_assert_int_eq(s.reads, 1);
	ck_assert_int_eq(s.got, 0);
	loop_del(l, sp[0]);
	close(sp[0]);
	/* An empty pipe with no writer: only POLLHUP/EPOLLHUP, no POLLIN,
	 * yet the read handler is what must see the end. */
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(
	    loop_add(l, p[0], LOOP_READ, on_read, on_write, &s), 0);
	close(p[1]);
	ck_assert_int_eq(loop_poll(l, 1000), 1);
	ck_assert_int_eq(s.reads, 2);
	ck_assert_int_eq(s.got, 0);
	loop_del(l, p[0]);
	close(p[0]);
	loop_free(l);
}
END_TEST

START_TEST(test_error_runs_write_handler)
{
	struct loop *l = LOOP_TEST_NEW();
	struct seen s = { 0 };
	int p[2], flags;

	if (l == NULL)
		return;
	signal(SIGPIPE, SIG_IGN);
	/* A full pipe: not writable. */
	ck_assert_int_eq(pipe(p), 0);
	flags = fcntl(p[1], F_GETFL);
	ck_assert_int_eq(fcntl(p[1], F_SETFL, flags | O_NONBLOCK), 0);
	while (write(p[1], "xxxxxxxxxxxxxxxx", 16) > 0)
		;
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_int_eq(
	    loop_add(l, p[1], LOOP_WRITE, on_read, on_write, &s), 0);
	ck_assert_int_eq(loop_poll(l, 0), 0);
	/* The reader goes: POLLERR/EPOLLERR and no POLLOUT (still full). */
	close(p[0]);
	ck_assert_int_eq(loop_poll(l, 1000), 1);
	ck_assert_int_eq(s.writes, 1);
	ck_assert_int_eq(s.got, -1);
	ck_assert_int_eq(s.err, EPIPE);
	ck_assert_int_eq(s.reads, 0);
	loop_del(l, p[1]);
	close(p[1]);
	loop_free(l);
}
END_TEST

/* A non-blocking TCP connect to a loopback port nobody listens on, or -1
 * when this system refuses at once (the test then has nothing to wait
 * for). */
static int
connect_refused(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	int fd;

	/* A port that was free a moment ago. */
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_ne(fd = socket(AF_INET, SOCK_STREAM, 0), -1);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	close(fd);
	ck_assert_int_ne(fd = socket(AF_INET, SOCK_STREAM, 0), -1);
	ck_assert_int_eq(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0 ||
	    errno != EINPROGRESS) {
		ck_assert_int_eq(errno, ECONNREFUSED);
		fprintf(stderr, "SKIP connect_refused: refused at once\n");
		close(fd);
		return -1;
	}
	return fd;
}

START_TEST(test_refused_connect_reaches_handlers)
{
	struct loop *l = LOOP_TEST_NEW();
	struct seen w = { 0 }, r = { 0 };
	int fd;

	if (l == NULL)
		return;
	/* Watched for write: the connect's outcome. */
	if ((fd = connect_refused()) == -1) {
		loop_free(l);
		return;
	}
	ck_assert_int_eq(
	    loop_add(l, fd, LOOP_WRITE, on_read, on_connected, &w), 0);
	loop_test_until(l, &w.writes, 1);
	ck_assert_int_eq(w.err, ECONNREFUSED);
	ck_assert_int_eq(w.reads, 0);
	loop_del(l, fd);
	close(fd);
	/* Watched for read only: read() gets the error. */
	if ((fd = connect_refused()) == -1) {
		loop_free(l);
		return;
	}
	ck_assert_int_eq(loop_add(l, fd, LOOP_READ, on_read, on_write, &r), 0);
	loop_test_until(l, &r.reads, 1);
	ck_assert_int_eq(r.got, -1);
	ck_assert_int_eq(r.err, ECONNREFUSED);
	ck_assert_int_eq(r.writes, 0);
	/* With no interest left, the dead socket keeps quiet. */
	ck_assert_int_eq(loop_set(l, fd, 0), 0);
	loop_test_idle(l);
	loop_del(l, fd);
	close(fd);
	loop_free(l);
}
END_TEST

START_TEST(test_closed_without_del)
{
	struct loop *l = LOOP_TEST_NEW();
	struct seen s = { 0 };
	int p[2], q[2], fd;

	if (l == NULL)
		return;
	ck_assert_int_eq(pipe(p), 0);
	fd = p[0];
	ck_assert_int_eq(loop_add(l, fd, LOOP_READ, on_read, on_write, &s), 0);
	/* The owner's bug: closed while watched. No error, no spin (select
	 * says EBADF, poll POLLNVAL; the loop drops the fd), no handler. */
	ck_assert_int_eq(pipe(q), 0);
	close(fd);
	ck_assert_int_eq(loop_poll(l, 0), 0);
	loop_test_idle(l);
	ck_assert_int_eq(s.reads, 0);
	/* The number comes back as a new file: adding it works. */
	ck_assert_int_eq(dup2(q[0], fd), fd);
	close(q[0]);
	ck_assert_int_eq(loop_add(l, fd, LOOP_READ, on_read, on_write, &s), 0);
	ck_assert_int_eq(loop_count(l), 1);
	ck_assert_int_eq(write(q[1], "x", 1), 1);
	ck_assert_int_eq(loop_poll(l, 1000), 1);
	ck_assert_int_eq(s.reads, 1);
	ck_assert_int_eq(s.got, 1);
	/* Changing its interest works too (epoll: MOD, not a stale ADD). */
	ck_assert_int_eq(loop_set(l, fd, 0), 0);
	ck_assert_int_eq(write(q[1], "y", 1), 1);
	loop_test_idle(l);
	ck_assert_int_eq(loop_set(l, fd, LOOP_READ), 0);
	ck_assert_int_eq(loop_poll(l, 1000), 1);
	ck_assert_int_eq(s.reads, 2);
	loop_del(l, fd);
	close(fd);
	close(p[1]);
	close(q[1]);
	loop_free(l);
}
END_TEST

START_TEST(test_closed_then_dup_back)
{
	struct loop *l = LOOP_TEST_NEW();
	struct seen s = { 0 };
	int p[2], a, b;

	if (l == NULL)
		return;
	ck_assert_int_eq(pipe(p), 0);
	a = p[0];
	ck_assert_int_eq(loop_add(l, a, LOOP_READ, on_read, on_write, &s), 0);
	/* Closed before loop_del while a dup keeps the file open: epoll's
	 * set still holds (a, file), which loop_del can no longer reach. */
	ck_assert_int_ne(b = dup(a), -1);
	close(a);
	loop_del(l, a);
	/* The same file under the same number again: epoll's ADD says
	 * EEXIST, and the loop must make do with MOD. */
	ck_assert_int_eq(dup2(b, a), a);
	close(b);
	ck_assert_int_eq(loop_add(l, a, LOOP_READ, on_read, on_write, &s), 0);
	ck_assert_int_eq(write(p[1], "x", 1), 1);
	ck_assert_int_eq(loop_poll(l, 1000), 1);
	ck_assert_int_eq(s.reads, 1);
	/* Now loop_del reaches it: the next byte is not reported. */
	loop_del(l, a);
	ck_assert_int_eq(write(p[1], "y", 1), 1);
	loop_test_idle(l);
	ck_assert_int_eq(s.reads, 1);
	close(a);
	close(p[1]);
	loop_free(l);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("loop_hup");
	TCase *tc = tcase_create("loop_hup");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	LOOP_TEST_ADD(tc, test_hangup_without_interest_is_quiet);
	LOOP_TEST_ADD(tc, test_hangup_runs_read_handler);
	LOOP_TEST_ADD(tc, test_error_runs_write_handler);
	LOOP_TEST_ADD(tc, test_refused_connect_reaches_handlers);
	LOOP_TEST_ADD(tc, test_closed_without_del);
	LOOP_TEST_ADD(tc, test_closed_then_dup_back);
	suite_add_tcase(s, tc);
	return s;
}
