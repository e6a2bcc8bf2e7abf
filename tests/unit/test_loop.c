/*
 * test_loop.c: the loop's fds on every backend: readiness, interest
 * changes, removal from inside handlers, growth, the fd limits, names.
 */
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "check_main.h"
#include "loop.h"
#include "loop_test.h"

/* An fd well above select()'s FD_SETSIZE (1024 on Linux). */
#define HIGH_FD 2000

struct hits {
	int reads, writes;
	int del_self;
	int last_fd;
};

static void
on_read(struct loop *l, int fd, void *arg)
{
	struct hits *h = arg;
	char c;

	h->reads++;
	h->last_fd = fd;
	(void)read(fd, &c, 1);
	if (h->del_self)
		loop_del(l, fd);
}

static void
on_write(struct loop *l, int fd, void *arg)
{
	struct hits *h = arg;

	(void)l;
	h->writes++;
	h->last_fd = fd;
}

START_TEST(test_read_and_write)
{
	struct loop *l = LOOP_TEST_NEW();
	struct hits h = { 0 };
	int p[2];

	if (l == NULL)
		return;
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(
	    loop_add(l, p[0], LOOP_READ, on_read, on_write, &h), 0);
	ck_assert_int_eq(
	    loop_add(l, p[1], LOOP_WRITE, on_read, on_write, &h), 0);
	ck_assert_int_eq(loop_maxfd(l), (p[0] > p[1] ? p[0] : p[1]) + 1);
	ck_assert_int_eq(loop_count(l), 2);
	/* Nothing to read yet: only the write end is ready. */
	ck_assert_int_eq(loop_poll(l, 0), 1);
	ck_assert_int_eq(h.writes, 1);
	ck_assert_int_eq(h.reads, 0);
	/* Without write interest, a writable fd is not reported. */
	ck_assert_int_eq(loop_set(l, p[1], 0), 0);
	ck_assert_int_eq(write(p[1], "x", 1), 1);
	ck_assert_int_eq(loop_poll(l, 1000), 1);
	ck_assert_int_eq(h.reads, 1);
	ck_assert_int_eq(h.last_fd, p[0]);
	ck_assert_int_eq(h.writes, 1);
	ck_assert_int_eq(loop_poll(l, 0), 0);
	close(p[0]);
	close(p[1]);
	loop_free(l);
}
END_TEST

START_TEST(test_interest_changes)
{
	struct loop *l = LOOP_TEST_NEW();
	struct hits h = { 0 }, h2 = { 0 };
	int p[2];

	if (l == NULL)
		return;
	ck_assert_int_eq(pipe(p), 0);
	/* Added with no interest: registered, silent. */
	ck_assert_int_eq(loop_add(l, p[1], 0, on_read, on_write, &h), 0);
	ck_assert_int_eq(loop_count(l), 1);
	ck_assert_int_eq(loop_poll(l, 0), 0);
	ck_assert_int_eq(loop_set(l, p[1], LOOP_WRITE), 0);
	ck_assert_int_eq(loop_poll(l, 0), 1);
	/* The same mask again changes nothing. */
	ck_assert_int_eq(loop_set(l, p[1], LOOP_WRITE), 0);
	ck_assert_int_eq(loop_poll(l, 0), 1);
	ck_assert_int_eq(h.writes, 2);
	ck_assert_int_eq(loop_set(l, p[1], 0), 0);
	ck_assert_int_eq(loop_poll(l, 0), 0);
	/* An fd nobody watches: nothing to change. */
	ck_assert_int_eq(write(p[1], "x", 1), 1);
	ck_assert_int_eq(loop_set(l, p[0], LOOP_READ), 0);
	ck_assert_int_eq(loop_poll(l, 0), 0);
	ck_assert_int_eq(h.reads, 0);
	/* Adding a watched fd again replaces its handlers and mask. */
	ck_assert_int_eq(
	    loop_add(l, p[1], LOOP_WRITE, on_read, on_write, &h2), 0);
	ck_assert_int_eq(loop_count(l), 1);
	ck_assert_int_eq(loop_poll(l, 0), 1);
	ck_assert_int_eq(h.writes, 2);
	ck_assert_int_eq(h2.writes, 1);
	/* Read and write interest at once: both handlers in one pass. */
	ck_assert_int_eq(
	    loop_add(l, p[0], LOOP_READ, on_read, on_write, &h), 0);
	ck_assert_int_eq(loop_poll(l, 1000), 2);
	ck_assert_int_eq(h.reads, 1);
	ck_assert_int_eq(h2.writes, 2);
	close(p[0]);
	close(p[1]);
	loop_free(l);
}
END_TEST

START_TEST(test_del_inside_handler)
{
	struct loop *l = LOOP_TEST_NEW();
	struct hits h = { 0, 0, 1, 0 };
	int s[2];

	if (l == NULL)
		return;
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, s), 0);
	ck_assert_int_eq(
	    loop_add(l, s[0], LOOP_READ | LOOP_WRITE, on_read, on_write, &h),
	    0);
	ck_assert_int_eq(write(s[1], "xy", 2), 2);
	/* Readable and writable, but on_read removes it: no on_write. */
	ck_assert_int_eq(loop_poll(l, 1000), 1);
	ck_assert_int_eq(h.reads, 1);
	ck_assert_int_eq(h.writes, 0);
	ck_assert_int_eq(loop_count(l), 0);
	ck_assert_int_eq(loop_maxfd(l), 0);
	/* Removed: the byte still waiting is never reported. */
	ck_assert_int_eq(loop_poll(l, 0), 0);
	ck_assert_int_eq(h.reads, 1);
	close(s[0]);
	close(s[1]);
	loop_free(l);
}
END_TEST

/* Two readable fds whose handlers each remove the other, close it and
 * put a new readable file under its number. */
struct duel {
	int fd[2];
	int wr[2];
	int calls;
	int fresh_calls;
};

static void
on_fresh(struct loop *l, int fd, void *arg)
{
	struct duel *d = arg;
	char c;

	(void)l;
	d->fresh_calls++;
	(void)read(fd, &c, 1);
}

static void
on_duel(struct loop *l, int fd, void *arg)
{
	struct duel *d = arg;
	int k = fd == d->fd[0] ? 1 : 0, q[2];
	char c;

	d->calls++;
	(void)read(fd, &c, 1);
	ck_assert_int_eq(pipe(q), 0);
	ck_assert_int_eq(write(q[1], "n", 1), 1);
	loop_del(l, d->fd[k]);
	close(d->fd[k]);
	close(d->wr[k]);
	ck_assert_int_eq(dup2(q[0], d->fd[k]), d->fd[k]);
	close(q[0]);
	d->wr[k] = q[1];
	ck_assert_int_eq(
	    loop_add(l, d->fd[k], LOOP_READ, on_fresh, NULL, d), 0);
}

START_TEST(test_del_other_inside_handler)
{
	struct loop *l = LOOP_TEST_NEW();
	struct duel d = { { -1, -1 }, { -1, -1 }, 0, 0 };
	int p[2], i;

	if (l == NULL)
		return;
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(pipe(p), 0);
		d.fd[i] = p[0];
		d.wr[i] = p[1];
		ck_assert_int_eq(write(p[1], "x", 1), 1);
		ck_assert_int_eq(
		    loop_add(l, p[0], LOOP_READ, on_duel, NULL, &d), 0);
	}
	/* Whichever runs first removes the other; the new file under the
	 * other's number was not what the backend saw ready. */
	ck_assert_int_eq(loop_poll(l, 1000), 1);
	ck_assert_int_eq(d.calls, 1);
	ck_assert_int_eq(d.fresh_calls, 0);
	ck_assert_int_eq(loop_count(l), 2);
	/* From the next pass on, it is watched like any other. */
	ck_assert_int_eq(loop_poll(l, 1000), 1);
	ck_assert_int_eq(d.fresh_calls, 1);
	ck_assert_int_eq(d.calls, 1);
	for (i = 0; i < 2; i++) {
		loop_del(l, d.fd[i]);
		close(d.fd[i]);
		close(d.wr[i]);
	}
	loop_free(l);
}
END_TEST

/* on_read that also makes the loop grow its table by watching a far
 * higher fd, before on_write of the same fd runs. */
struct grow {
	int high;
	int reads, writes;
};

static void
on_grow_read(struct loop *l, int fd, void *arg)
{
	struct grow *g = arg;
	char c;

	g->reads++;
	(void)read(fd, &c, 1);
	ck_assert_int_eq(dup2(fd, g->high), g->high);
	ck_assert_int_eq(
	    loop_add(l, g->high, LOOP_READ, on_grow_read, NULL, g), 0);
}

static void
on_grow_write(struct loop *l, int fd, void *arg)
{
	struct grow *g = arg;

	(void)l;
	(void)fd;
	g->writes++;
}

START_TEST(test_grow_inside_handler)
{
	struct loop *l = LOOP_TEST_NEW();
	struct grow g = { 200, 0, 0 }; /* past the first table size */
	int s[2];

	if (l == NULL)
		return;
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, s), 0);
	ck_assert_int_eq(write(s[1], "x", 1), 1);
	ck_assert_int_eq(loop_add(l, s[0], LOOP_READ | LOOP_WRITE, on_grow_read,
			     on_grow_write, &g),
	    0);
	ck_assert_int_eq(loop_poll(l, 1000), 2);
	ck_assert_int_eq(g.reads, 1);
	ck_assert_int_eq(g.writes, 1);
	ck_assert_int_eq(loop_maxfd(l), g.high + 1);
	ck_assert_int_eq(loop_count(l), 2);
	loop_del(l, g.high);
	close(g.high);
	loop_del(l, s[0]);
	ck_assert_int_eq(loop_maxfd(l), 0);
	close(s[0]);
	close(s[1]);
	loop_free(l);
}
END_TEST

START_TEST(test_many_fds)
{
	struct loop *l = LOOP_TEST_NEW();
	struct hits h = { 0 };
	int p[200][2], i, n = 200, ran = 0;

	if (l == NULL)
		return;
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(pipe(p[i]), 0);
		ck_assert_int_eq(write(p[i][1], "x", 1), 1);
		ck_assert_int_eq(
		    loop_add(l, p[i][0], LOOP_READ, on_read, on_write, &h), 0);
	}
	ck_assert_int_eq(loop_count(l), n);
	/* Every one reported once, in one pass or several. */
	while (ran < n)
		ran += loop_poll(l, 1000);
	ck_assert_int_eq(ran, n);
	ck_assert_int_eq(h.reads, n);
	ck_assert_int_eq(loop_poll(l, 0), 0);
	for (i = 0; i < n; i++) {
		loop_del(l, p[i][0]);
		close(p[i][0]);
		close(p[i][1]);
	}
	ck_assert_int_eq(loop_count(l), 0);
	loop_free(l);
}
END_TEST

START_TEST(test_fd_limits)
{
	struct loop *l = LOOP_TEST_NEW();
	enum loop_backend b = (enum loop_backend)_i;

	if (l == NULL)
		return;
	errno = 0;
	ck_assert_int_eq(
	    loop_add(l, -1, LOOP_READ, on_read, on_write, NULL), -1);
	ck_assert_int_eq(errno, EINVAL);
	if (b == LOOP_SELECT) {
		ck_assert_int_eq(loop_backend_fd_limit(b), FD_SETSIZE);
		errno = 0;
		ck_assert_int_eq(
		    loop_add(l, FD_SETSIZE, LOOP_READ, on_read, on_write, NULL),
		    -1);
		ck_assert_int_eq(errno, EINVAL);
	} else
		ck_assert_int_eq(loop_backend_fd_limit(b), INT_MAX);
	ck_assert_int_eq(loop_count(l), 0);
	ck_assert_int_eq(loop_maxfd(l), 0);
	loop_free(l);
}
END_TEST

/*
 * Room for fd HIGH_FD: the soft limit raised to the hard one. 0 when the
 * hard limit is too low, which fails under CI (where the runner must
 * allow it) and is a skip elsewhere.
 */
static int
raise_fd_limit(void)
{
	struct rlimit rl;
	const char *ci = getenv("CI");

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max <= HIGH_FD) {
		ck_assert_msg(ci == NULL || strcmp(ci, "true") != 0,
		    "the hard RLIMIT_NOFILE (%llu) is too low to test fd %d",
		    (unsigned long long)rl.rlim_max, HIGH_FD);
		fprintf(stderr,
		    "SKIP test_high_fd: the hard RLIMIT_NOFILE (%llu) is too "
		    "low to test fd %d\n",
		    (unsigned long long)rl.rlim_max, HIGH_FD);
		return 0;
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur <= HIGH_FD) {
		/* Linux refuses an infinite soft limit. */
		rl.rlim_cur =
		    rl.rlim_max == RLIM_INFINITY ? HIGH_FD + 1 : rl.rlim_max;
		ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	}
	return 1;
}

START_TEST(test_high_fd)
{
	struct loop *l = LOOP_TEST_NEW();
	struct hits h = { 0 };
	int p[2];

	if (l == NULL || !raise_fd_limit()) {
		loop_free(l);
		return;
	}
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(dup2(p[0], HIGH_FD), HIGH_FD);
	if (loop_backend(l) == LOOP_SELECT) {
		/* As in v1: select() cannot watch it, and says so. */
		errno = 0;
		ck_assert_int_eq(
		    loop_add(l, HIGH_FD, LOOP_READ, on_read, on_write, &h), -1);
		ck_assert_int_eq(errno, EINVAL);
		ck_assert_int_eq(loop_count(l), 0);
	} else {
		ck_assert_int_eq(
		    loop_add(l, HIGH_FD, LOOP_READ, on_read, on_write, &h), 0);
		ck_assert_int_eq(loop_maxfd(l), HIGH_FD + 1);
		ck_assert_int_eq(loop_count(l), 1);
		ck_assert_int_eq(write(p[1], "x", 1), 1);
		ck_assert_int_eq(loop_poll(l, 1000), 1);
		ck_assert_int_eq(h.reads, 1);
		ck_assert_int_eq(h.last_fd, HIGH_FD);
		loop_del(l, HIGH_FD);
		ck_assert_int_eq(loop_maxfd(l), 0);
	}
	close(HIGH_FD);
	close(p[0]);
	close(p[1]);
	loop_free(l);
}
END_TEST

START_TEST(test_backend_names)
{
	enum loop_backend b = (enum loop_backend)_i, got;
	const char *name = loop_backend_name(b);

	got = (enum loop_backend) - 1;
	errno = 0;
	if (loop_backend_parse(name, &got) == -1) {
		ck_assert_int_eq(errno, ENOSYS);
		ck_assert_int_eq(loop_backend_fd_limit(b), 0);
		fprintf(stderr,
		    "SKIP test_backend_names on %s: not on this system\n",
		    name);
		return;
	}
	ck_assert_int_eq(got, b);
	ck_assert_int_gt(loop_backend_fd_limit(b), 0);
	errno = 0;
	ck_assert_int_eq(loop_backend_parse("kqueue", &got), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(loop_backend_parse("", &got), -1);
	ck_assert_int_eq(loop_backend_parse("Select", &got), -1);
	ck_assert_int_eq(got, b);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("loop");
	TCase *tc = tcase_create("loop");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	LOOP_TEST_ADD(tc, test_read_and_write);
	LOOP_TEST_ADD(tc, test_interest_changes);
	LOOP_TEST_ADD(tc, test_del_inside_handler);
	LOOP_TEST_ADD(tc, test_del_other_inside_handler);
	LOOP_TEST_ADD(tc, test_grow_inside_handler);
	LOOP_TEST_ADD(tc, test_many_fds);
	LOOP_TEST_ADD(tc, test_fd_limits);
	LOOP_TEST_ADD(tc, test_high_fd);
	LOOP_TEST_ADD(tc, test_backend_names);
	suite_add_tcase(s, tc);
	return s;
}
