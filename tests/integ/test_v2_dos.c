/* test_v2_dos.c: two denial-of-service measurements on the real chatd:
 * an endless line costs at most --max-line, and a room's backlog for
 * members that stop reading is shared, not copied per member. */
#define _DEFAULT_SOURCE
#include <sys/socket.h>
#include <sys/wait.h>

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "harness.h"
#include "v2_util.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

#define MIB (1024L * 1024L)

/* RSS figures are only asserted without AddressSanitizer or valgrind,
 * whose shadow memory and quarantine are chatd's RSS too; they are
 * printed always. */
static void
rss_bound(long grew_kb, long bound_kb, const char *what)
{
	int shadowed = UNDER_ASAN || getenv("VALGRIND") != NULL;

	fprintf(stderr, "%s: RSS grew by %ld KiB (bound %ld KiB)%s\n", what,
	    grew_kb, bound_kb,
	    shadowed ? ", not asserted under ASan or valgrind" : "");
	if (!shadowed)
		ck_assert_msg(grew_kb <= bound_kb,
		    "PRODUCT: %s: chatd's RSS grew by %ld KiB, bound %ld KiB",
		    what, grew_kb, bound_kb);
}

/* In a child: send total bytes of 'x' (no LF) on fd, 1 MiB at a time
 * with a pause after each, so the stream lasts over a second. */
static pid_t
stream_no_lf(int fd, long total)
{
	pid_t pid = fork();
	static char chunk[1 << 20];
	long sent;

	ck_assert_int_ne(pid, -1);
	if (pid != 0)
		return pid;
	memset(chunk, 'x', sizeof chunk);
	for (sent = 0; sent < total; sent += (long)sizeof chunk) {
		size_t off = 0;

		while (off < sizeof chunk) {
			ssize_t w = send(
			    fd, chunk + off, sizeof chunk - off, MSG_NOSIGNAL);

			if (w <= 0)
				_exit(1);
			off += (size_t)w;
		}
		usleep(20000);
	}
	_exit(0);
}

/*
 * nstream clients each stream total bytes without a LF; meanwhile bob
 * and carol keep talking. chatd's RSS must stay within bound KiB of the
 * idle server's; each streamer then gets one "line too long" and goes on.
 */
static void
endless_lines(const char *const *args, int nstream, long total, long bound_kb,
    int maxline, const char *what)
{
	struct srv s;
	struct conn *st[8], *b, *c, *w;
	pid_t pid[8];
	char nick[16], line[512], want[128];
	long r0, rmax, r;
	int i, pings = 0, running, wst;

	srv_start_ok(&s, args);
	/* The streamers and a watcher in #flood, bob and carol in #lobby. */
	w = v2_login(s.port, "watch");
	v2_join(w, "watch", "flood");
	for (i = 0; i < nstream; i++) {
		snprintf(nick, sizeof nick, "stream%d", i);
		st[i] = v2_login(s.port, nick);
		v2_join(st[i], nick, "flood");
	}
	b = v2_login(s.port, "bob");
	c = v2_login(s.port, "carol");
	for (i = 0; i < nstream; i++)
		v2_sync(st[i]);
	v2_sync(b);
	v2_sync(w);
	usleep(200000);
	rmax = r0 = v2_rss_kb(s.pid);
	ck_assert(r0 > 0);
	for (i = 0; i < nstream; i++)
		pid[i] = stream_no_lf(st[i]->fd, total);
	/* Others are served meanwhile. */
	running = nstream;
	while (running > 0) {
		snprintf(line, sizeof line, "ping %d\n", pings);
		conn_send(b, line);
		snprintf(want, sizeof want, "<bob> ping %d", pings);
		ck_assert_msg(conn_next_is(c, want, V2_WAIT),
		    "PRODUCT: carol not served while %d streams run", running);
		if ((r = v2_rss_kb(s.pid)) > rmax)
			rmax = r;
		pings++;
		for (i = 0; i < nstream; i++)
			if (pid[i] > 0 &&
			    waitpid(pid[i], &wst, WNOHANG) == pid[i]) {
				ck_assert_msg(
				    WIFEXITED(wst) && WEXITSTATUS(wst) == 0,
				    "streamer %d failed to send", i);
				pid[i] = 0;
				running--;
			}
		usleep(10000);
	}
	if ((r = v2_rss_kb(s.pid)) > rmax)
		rmax = r;
	fprintf(stderr, "%s: idle %ld KiB, max %ld KiB, %d pings meanwhile\n",
	    what, r0, rmax, pings);
	ck_assert_msg(pings >= 3,
	    "the streams ended before bob and carol "
	    "could talk: %d pings",
	    pings);
	rss_bound(rmax - r0, bound_kb, what);
	/* Each streamer: one error for its one line, then it goes on. */
	snprintf(want, sizeof want,
	    "-!- error: line too long (max %d bytes), dropped", maxline);
	for (i = 0; i < nstream; i++) {
		conn_send(st[i], "\n");
		ck_assert_msg(conn_next_is(st[i], want, V2_WAIT),
		    "PRODUCT: stream%d: no line-too-long error", i);
	}
	for (i = 0; i < nstream; i++)
		ck_assert_msg(conn_quiet(st[i], i == 0 ? V2_QUIET : 0),
		    "PRODUCT: stream%d: more than one error for one line", i);
	for (i = 0; i < nstream; i++) {
		conn_send(st[i], "after\n");
		snprintf(line, sizeof line, "<stream%d> after", i);
		ck_assert_msg(conn_next_is(w, line, V2_WAIT),
		    "PRODUCT: the room got something else than %s", line);
	}
	ck_assert(conn_quiet(w, V2_QUIET));
	for (i = 0; i < nstream; i++)
		conn_close(st[i]);
	conn_close(b);
	conn_close(c);
	conn_close(w);
	srv_stop_ok(&s);
}

START_TEST(test_endless_line)
{
	endless_lines(NULL, 1, 64 * MIB, 4 * 1024, 2048,
	    "64 MiB without a LF (--max-line 2048)");
}
END_TEST

/* Four at once with --max-line 1M: at most about 1 MiB each. */
START_TEST(test_endless_lines_big_max)
{
	const char *args[] = { "--max-line", "1048576", NULL };

	endless_lines(args, 4, 32 * MIB, 4 * 1024 + 4 * 1024, 1048576,
	    "4 x 32 MiB without a LF (--max-line 1048576)");
}
END_TEST

#define MEMBERS 100
#define BACKLOG (8 * MIB)

/* Read member m's n lines of linelen bytes from talk, after the notices
 * from before them, in order, each exactly once. */
static void
read_backlog(
    struct conn *m, int who, int n, size_t linelen, char *buf, size_t cap)
{
	struct pollfd pfd = { .fd = m->fd, .events = POLLIN };
	size_t len = m->len, off = 0;
	char head[64];
	int next = 0;

	memcpy(buf, m->buf, len);
	m->len = 0;
	while (next < n) {
		char *lf = memchr(buf + off, '\n', len - off), *body;
		size_t h, blen, k;
		ssize_t r;

		if (lf == NULL) {
			memmove(buf, buf + off, len - off);
			len -= off;
			off = 0;
			ck_assert_msg(poll(&pfd, 1, V2_WAIT) == 1,
			    "PRODUCT: member %d: only %d of %d lines", who,
			    next, n);
			r = read(m->fd, buf + len, cap - len);
			ck_assert_msg(r > 0,
			    "PRODUCT: member %d: closed after "
			    "%d of %d lines",
			    who, next, n);
			len += (size_t)r;
			continue;
		}
		*lf = '\0';
		body = buf + off + 11;
		blen = (size_t)(lf - body);
		off = (size_t)(lf - buf) + 1;
		if (next == 0 && strncmp(body, "<talk> ", 7) != 0) {
			if (strncmp(body, "-!- ", 4) != 0)
				ck_abort_msg(
				    "member %d: %.60s before the backlog", who,
				    body);
			continue;
		}
		/* No ck_assert per line: each one is a write to Check's pipe. */
		h = (size_t)snprintf(
		    head, sizeof head, "<talk> talk-%d ", next);
		if (blen != 7 + linelen - 1 || memcmp(body, head, h) != 0)
			ck_abort_msg(
			    "PRODUCT: member %d: want line %d, got %.60s "
			    "(%zu bytes)",
			    who, next, body, blen);
		for (k = h; k < blen; k++)
			if (body[k] != 'x')
				ck_abort_msg(
				    "member %d: line %d garbled", who, next);
		next++;
	}
	ck_assert_msg(
	    off == len, "PRODUCT: member %d: more after the backlog", who);
}

/*
 * 100 members stop reading (SO_RCVBUF 16 KiB: smaller makes Linux's own
 * window handling stall for seconds once they read again, whatever the
 * server does) while talk sends 8 MiB of room lines of
 * linelen bytes; nobody may be dropped (--max-queue 16M), chatd's RSS may
 * grow by at most 64 MiB; then every member gets every line once, in
 * order.
 */
static void
shared_backlog(size_t linelen)
{
	const char *args[] = { "--max-queue", "16M", "--rate", "0", NULL };
	struct srv s;
	struct conn *talk, *m[MEMBERS];
	char nick[16], line[512], what[64], *payload, *p, *buf;
	int i, n = (int)(BACKLOG / (long)linelen), big = 1 << 20, wst;
	long r0, rmax, r;
	pid_t pid;

	srv_start_ok(&s, args);
	talk = v2_login(s.port, "talk");
	for (i = 0; i < MEMBERS; i++) {
		snprintf(nick, sizeof nick, "m%d", i);
		m[i] = v2_login_rcvbuf(s.port, nick, 16384);
	}
	v2_sync(talk);
	usleep(300000);
	rmax = r0 = v2_rss_kb(s.pid);
	p = payload = malloc((size_t)n * linelen);
	for (i = 0; i < n; i++) {
		int h = sprintf(p, "talk-%d ", i);

		memset(p + h, 'x', linelen - 1 - (size_t)h);
		p[linelen - 1] = '\n';
		p += linelen;
	}
	if ((pid = fork()) == 0)
		_exit(conn_send_raw(talk, payload, (size_t)n * linelen) == 0 ?
			0 :
			1);
	ck_assert_int_ne(pid, -1);
	while (waitpid(pid, &wst, WNOHANG) == 0) {
		if ((r = v2_rss_kb(s.pid)) > rmax)
			rmax = r;
		usleep(10000);
	}
	free(payload);
	ck_assert(WIFEXITED(wst) && WEXITSTATUS(wst) == 0);
	/* Its reply comes once all of it has been through chatd; nobody
	 * quit meanwhile. */
	conn_send(talk, "/who\n");
	for (;;) {
		ck_assert(conn_line(talk, line, sizeof line, 30000) >= 0);
		ck_assert_msg(strstr(line, " has quit") == NULL,
		    "PRODUCT: %s while members were behind", line);
		if (strstr(line, " users in #lobby: ") != NULL)
			break;
	}
	snprintf(what, sizeof what, "101 users in #lobby: @talk, m0, ");
	ck_assert_msg(strstr(line, what) != NULL, "PRODUCT? %s", line);
	for (i = 0; i < 50; i++) {
		if ((r = v2_rss_kb(s.pid)) > rmax)
			rmax = r;
		usleep(10000);
	}
	snprintf(what, sizeof what, "%d members behind %d lines of %zu bytes",
	    MEMBERS, n, linelen);
	fprintf(stderr, "%s: idle %ld KiB, max %ld KiB, grew %ld KiB\n", what,
	    r0, rmax, rmax - r0);
	rss_bound(rmax - r0, 64 * 1024, what);
	/* Now everyone reads. */
	buf = malloc((size_t)big);
	for (i = 0; i < MEMBERS; i++) {
		setsockopt(m[i]->fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
		read_backlog(m[i], i, n, linelen, buf, (size_t)big);
	}
	free(buf);
	usleep(200000);
	for (i = 0; i < MEMBERS; i++) {
		char extra[512] = "";

		if (conn_line(m[i], extra, sizeof extra, 0) != -1)
			ck_abort_msg("PRODUCT: member %d got more than the "
				     "backlog: %s",
			    i, extra);
	}
	for (i = 0; i < MEMBERS; i++)
		conn_close(m[i]);
	conn_close(talk);
	srv_stop_ok(&s);
}

START_TEST(test_shared_backlog_small_lines)
{
	shared_backlog(100);
}
END_TEST

START_TEST(test_shared_backlog_big_lines)
{
	shared_backlog(2000);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_v2_dos");
	TCase *tc = tcase_create("v2_dos");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_endless_line);
	tcase_add_test(tc, test_endless_lines_big_max);
	tcase_add_test(tc, test_shared_backlog_small_lines);
	tcase_add_test(tc, test_shared_backlog_big_lines);
	suite_add_tcase(s, tc);
	return s;
}
