/* test_v2_backends.c: chatd-v2 §7 every backend behaves the same, poll
 * and epoll past FD_SETSIZE, and §9's statistics line, on the real
 * chatd. */
#define _DEFAULT_SOURCE
#include <sys/select.h>
#include <sys/socket.h>

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "harness.h"
#include "v2_util.h"

static const char *const backends[] = { "select", "poll", "epoll" };

/* n lines "tag-i xxx..." of len bytes of x each, malloc'd. */
static char *
make_lines(const char *tag, int first, int n, size_t len)
{
	char *s = malloc((size_t)n * (len + 32) + 1), *p = s;
	int i;

	for (i = first; i < first + n; i++) {
		p += sprintf(p, "%s-%d ", tag, i);
		memset(p, 'x', len);
		p += len;
		*p++ = '\n';
	}
	*p = '\0';
	return s;
}

/* The same session on each backend: messages, rooms, telnet, a slow
 * consumer dropped, EOF mid-line, a reset, shutdown. */
START_TEST(test_backend_behaviour)
{
	const char *args[] = { "--io", backends[_i], "--max-queue", "65536",
		"--rate", "0", NULL };
	struct linger lg = { 1, 0 };
	struct srv s;
	struct conn *a, *b, *slow, *t;
	char *lines, buf[64], want[64];
	int round, gone = 0, i, eof;

	srv_start_ok(&s, args);
	a = v2_login(s.port, "alice");
	slow = v2_login_rcvbuf(s.port, "slow", 2048);
	b = v2_login(s.port, "bob");
	v2_sync(a);
	conn_send(a, "hi bob\n");
	v2_next(b, "bob", "<alice> hi bob");
	v2_reply(b, "/topic on every backend\n",
	    "-!- error: you are not an operator of #lobby");
	/* Telnet. */
	conn_send(b, "\xff\xfd\x01");
	ck_assert_msg(v2_raw(b, buf, 3, 300, V2_WAIT, &eof) == 3 &&
		memcmp(buf, "\xff\xfc\x01", 3) == 0,
	    "PRODUCT? --io %s: no IAC WONT ECHO", backends[_i]);
	/* slow never reads again: it goes, and nobody else notices. */
	for (round = 0; round < 200 && !gone; round++) {
		lines = make_lines("bob", round * 16, 16, 2000);
		conn_send(b, lines);
		free(lines);
		for (i = 0; i < 16 && !gone;) {
			char line[4096];

			ck_assert_msg(
			    conn_line(a, line, sizeof line, V2_WAIT) >= 0,
			    "--io %s: alice missed a line", backends[_i]);
			if (strcmp(v2_body(line),
				"-!- slow has quit (too slow)") == 0) {
				gone = 1;
				continue;
			}
			snprintf(
			    want, sizeof want, "<bob> bob-%d ", round * 16 + i);
			ck_assert_msg(
			    strncmp(v2_body(line), want, strlen(want)) == 0,
			    "--io %s: want %s, got %.60s", backends[_i], want,
			    line);
			i++;
		}
	}
	ck_assert_msg(gone, "--io %s: slow never dropped", backends[_i]);
	v2_drain(a, V2_QUIET);
	/* EOF mid-line, then a reset. */
	t = v2_login(s.port, "tail");
	v2_sync(a);
	conn_send(t, "last words");
	shutdown(t->fd, SHUT_WR);
	v2_next(a, "alice", "<tail> last words");
	v2_next(a, "alice", "-!- tail has quit (connection closed)");
	setsockopt(b->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	v2_drain(b, 100);
	conn_close(b);
	ck_assert(conn_expect(
	    a, "-!- bob has quit (connection reset)", NULL, 0, V2_WAIT));
	v2_reply(a, "/who\n", "-!- 1 user in #lobby: @alice");
	conn_close(a);
	conn_close(slow);
	conn_close(t);
	srv_stop_ok(&s);
}
END_TEST

#define MANY 1100

/*
 * poll and epoll serve connections whose descriptors are past
 * FD_SETSIZE: 1100 locked connections (in no room, so they hear
 * nothing), then the first, a middle and the last one sign in and talk.
 */
START_TEST(test_past_fd_setsize)
{
	const char *io = backends[_i + 1];
	const char *args[] = { "--io", io, "-m", "1200", NULL };
	const int who[] = { 0, 600, MANY - 1 };
	struct srv s;
	struct conn **c;
	char line[512], cmd[64];
	int i, k;

	if (srv_fd_limits_virtualised())
		return;
	setenv("CHATD_PASSWORD", "pw", 1);
	c = calloc(MANY, sizeof *c);
	ck_assert_ptr_nonnull(c);
	srv_start_ok(&s, args);
	/* In batches of 100, well within the listen backlog. */
	for (i = 0; i < MANY; i++) {
		c[i] = conn_open(s.port);
		ck_assert_msg(
		    c[i] != NULL, "--io %s: connection %d failed", io, i);
		conn_send(c[i], "/help\n");
		srv_read_log(&s, 0); /* chatd must not block on its log */
		if (i % 100 != 99 && i != MANY - 1)
			continue;
		for (k = i - i % 100; k <= i; k++)
			ck_assert_msg(conn_expect(c[k], "-!- welcome to chatd",
					  NULL, 0, V2_WAIT),
			    "PRODUCT: --io %s: connection %d got no welcome",
			    io, k);
	}
	for (k = 0; k < 3; k++) {
		snprintf(cmd, sizeof cmd, "/pass pw\n/nick u%d\n", who[k]);
		conn_send(c[who[k]], cmd);
		snprintf(cmd, sizeof cmd, "is now known as u%d", who[k]);
		ck_assert_msg(conn_expect(c[who[k]], cmd, NULL, 0, V2_WAIT),
		    "PRODUCT: --io %s: connection %d cannot sign in", io,
		    who[k]);
	}
	for (k = 0; k < 3; k++)
		v2_sync(c[who[k]]);
	conn_send(c[MANY - 1], "from the far end\n");
	snprintf(line, sizeof line, "<u%d> from the far end", MANY - 1);
	v2_next(c[0], "u0", line);
	v2_next(c[600], "u600", line);
	conn_send(c[0], "/who\n");
	ck_assert(conn_expect(
	    c[0], "-!- 3 users in #lobby: @u0, u600, u1099", NULL, 0, V2_WAIT));
	for (i = 0; i < MANY; i++)
		conn_close(c[i]);
	free(c);
	srv_stop_ok(&s);
}
END_TEST

/* 1 if word occurs in line as a token (after ' ', '=' or ':' and before
 * ' ', ',' or the end). */
static int
has_token(const char *line, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = strstr(line, word); p != NULL; p = strstr(p + 1, word))
		if (p > line && strchr(" =:", p[-1]) != NULL &&
		    (p[n] == '\0' || p[n] == ' ' || p[n] == ','))
			return 1;
	return 0;
}

#define MISSING(what)                                                         \
	snprintf(missing + strlen(missing), sizeof missing - strlen(missing), \
	    " %s;", what)

/* §9: connections by protocol, history lines and bytes held, UDP
 * datagrams answered and dropped, and the backend in use. */
START_TEST(test_stats_v2)
{
	const char *args[] = { "--io", backends[_i], NULL };
	struct srv s;
	struct conn *a, *b;
	char stats[4096], missing[512] = "", *p;
	long events = -1, bytes = -1;

	srv_start_ok(&s, args);
	a = v2_login(s.port, "alice");
	b = v2_login(s.port, "bob");
	v2_sync(a);
	conn_send(a, "one\ntwo\n/me three\n");
	ck_assert(conn_expect(b, "* alice three", NULL, 0, V2_WAIT));
	kill(s.pid, SIGUSR1);
	ck_assert(srv_log_has(&s, " info stats: ", V2_WAIT));
	ck_assert(srv_log_has(&s, "shutdown=", V2_WAIT));
	p = strstr(s.log, " info stats: ");
	snprintf(stats, sizeof stats, "%.*s", (int)strcspn(p, "\n"), p);
	fprintf(stderr, "--io %s:%s\n", backends[_i], stats);
	/* Every missing part is named at once. */
	if (!has_token(stats, backends[_i]))
		MISSING("the backend in use");
	if (strstr(stats, "text=2") == NULL && strstr(stats, "plain=2") == NULL)
		MISSING("plain-text connections (text=2)");
	if (strstr(stats, "irc=0") == NULL)
		MISSING("IRC connections (irc=0)");
	p = strstr(stats, "history: ");
	if (p == NULL ||
	    sscanf(p, "history: %ld events, %ld bytes", &events, &bytes) != 2)
		MISSING("\"history: E events, B bytes in R rooms\"");
	else if (events != 3 || bytes < 11)
		MISSING("history of 3 events, at least 11 bytes");
	if (strstr(stats, "udp") == NULL || strstr(stats, "answered") == NULL ||
	    strstr(stats, "dropped") == NULL)
		MISSING("UDP datagrams answered and dropped");
	ck_assert_msg(missing[0] == '\0',
	    "PRODUCT: the stats line lacks:%s\n%s", missing, stats);
	conn_close(a);
	conn_close(b);
	srv_stop_ok(&s);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_v2_backends");
	TCase *tc = tcase_create("v2_backends");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_loop_test(tc, test_backend_behaviour, 0, 3);
	tcase_add_loop_test(tc, test_past_fd_setsize, 0, 2);
	tcase_add_loop_test(tc, test_stats_v2, 0, 3);
	suite_add_tcase(s, tc);
	return s;
}
