/* test_limits.c: chatd under slow, idle, flooding and too many clients. */
#define _DEFAULT_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "fixture.h"
#include "harness.h"

#define WAIT           5000 /* ms: generous bound for anything to arrive */
#define QUIET          300  /* ms: how long "nothing more arrives" is watched */
/* The spec's, not proto.h's (a test must not move with the code): "each
 * pass of the loop takes at most 16 KiB and 64 lines from each client"
 * (docs/PROTOCOL.md, Never stall, never lose). */
#define LINES_PER_PASS 64
#define BYTES_PER_PASS 16384

/*
 * Connect to 127.0.0.1:port from source address src (NULL: any) with a
 * receive buffer of rcvbuf bytes (0: default), so that a client that does
 * not read fills up after little data. NULL on failure.
 */
static struct conn *
open_with(int port, const char *src, int rcvbuf)
{
	struct sockaddr_in sin;
	int fd;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return NULL;
	if (rcvbuf > 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	if (src != NULL) {
		inet_pton(AF_INET, src, &sin.sin_addr);
		if (bind(fd, (struct sockaddr *)&sin, sizeof sin) == -1)
			goto fail;
	}
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) == -1)
		goto fail;
	return conn_from_fd(fd);
fail:
	close(fd);
	return NULL;
}

/* A logged-in client (welcome read) that will then never read again;
 * the fixture closes it. */
static struct conn *
deaf_login(struct fx *fx, const char *nick)
{
	struct conn *c = fx_adopt(fx, open_with(fx->port, NULL, 2048));
	char cmd[64];

	ck_assert(conn_expect(c, "/help", NULL, 0, WAIT));
	snprintf(cmd, sizeof cmd, "/nick %s\n", nick);
	conn_send(c, cmd);
	ck_assert(conn_expect(c, "is now known as", NULL, 0, WAIT));
	return c;
}

/* n lines "tag-i xxx..." of about len bytes each, in one malloc'd string. */
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

/* Send make_lines(tag, first, n, len) from c. */
static void
send_lines(struct conn *c, const char *tag, int first, int n, size_t len)
{
	char *lines = make_lines(tag, first, n, len);

	ck_assert_int_eq(conn_send(c, lines), 0);
	free(lines);
}

/*
 * Read the n lines of make_lines(nick, first, n) from c, in order. One
 * line with notice in it (if not NULL) may come among them: *notice_at
 * (which the caller sets to -1) gets how many of the n came before it.
 */
static void
read_lines(struct conn *c, const char *nick, int first, int n,
    const char *notice, int *notice_at)
{
	char line[8192], want[64];
	int i = first;

	while (i < first + n) {
		ck_assert_msg(conn_line(c, line, sizeof line, WAIT) >= 0,
		    "line %d from %s did not arrive", i, nick);
		if (notice != NULL && strstr(line, notice) != NULL) {
			ck_assert_msg(
			    *notice_at == -1, "\"%s\" came twice", notice);
			*notice_at = i - first;
			continue;
		}
		snprintf(want, sizeof want, "<%s> %s-%d x", nick, nick, i);
		ck_assert_msg(line_body(line) != NULL &&
			strncmp(line_body(line), want, strlen(want)) == 0,
		    "want %s..., got %.80s", want, line);
		i++;
	}
}

START_TEST(test_idle_client_never_blocks)
{
	const char *args[] = { "--rate", "0", NULL };
	struct fx fx;
	struct conn *part, *a, *b;
	char msg[64];
	int i;

	fx_start(&fx, args, NULL);
	deaf_login(&fx, "idle");
	part = deaf_login(&fx, "partial");
	conn_send(part, "half a line, never finished");
	a = fx_login(&fx, "alice");
	b = fx_login(&fx, "bob");
	ck_assert(conn_expect(a, "is now known as bob", NULL, 0, WAIT));
	/* 400 KB: far past what the idle clients' sockets can hold. */
	send_lines(a, "alice", 0, 2000, 200);
	read_lines(b, "alice", 0, 2000, NULL, NULL);
	for (i = 0; i < 20; i++) {
		snprintf(msg, sizeof msg, "ping %d\n", i);
		conn_send(a, msg);
		snprintf(msg, sizeof msg, "<alice> ping %d", i);
		ck_assert(conn_next_is(b, msg, WAIT));
		snprintf(msg, sizeof msg, "pong %d\n", i);
		conn_send(b, msg);
		snprintf(msg, sizeof msg, "<bob> pong %d", i);
		ck_assert(conn_next_is(a, msg, WAIT));
	}
	fx_stop(&fx);
}
END_TEST

START_TEST(test_many_clients)
{
	struct fx fx;
	struct conn *c[200];
	char want[64];
	int i, n = 200;

	fx_start(&fx, NULL, NULL);
	for (i = 0; i < n; i++) {
		c[i] = fx_open(&fx);
		ck_assert_msg(conn_expect(c[i], "/help", NULL, 0, WAIT),
		    "no welcome for connection %d", i);
		srv_read_log(&fx.srv, 0);
	}
	conn_send(c[0], "/nick first\n");
	ck_assert(conn_expect(c[0], "is now known as first", NULL, 0, WAIT));
	conn_send(c[0], "hello, all 200 of you\n");
	for (i = 1; i < n; i++)
		ck_assert_msg(conn_expect(c[i], "<first> hello, all 200 of you",
				  NULL, 0, WAIT),
		    "client %d missed the broadcast", i);
	snprintf(want, sizeof want, "-!- %d users in #lobby: ", n);
	conn_send(c[n - 1], "/who\n");
	ck_assert(conn_expect(c[n - 1], want, NULL, 0, WAIT));
	fx_stop(&fx);
}
END_TEST

/* SIGUSR1's "queued=" (all clients' unsent output, bytes), read from the
 * stats line chatd logs for it. */
static long
stats_queued(struct fx *fx)
{
	size_t mark = srv_log_mark(&fx->srv);
	const char *p;

	ck_assert_int_eq(kill(fx->srv.pid, SIGUSR1), 0);
	p = srv_log_find(&fx->srv, mark, " info stats: ", WAIT);
	ck_assert_msg(p != NULL, "no stats line after SIGUSR1");
	ck_assert_ptr_nonnull(p = strstr(p, " queued="));
	return strtol(p + strlen(" queued="), NULL, 10);
}

/*
 * --max-queue Q: a client that reads nothing is dropped when its queue
 * would pass Q, not before: chatd's log of the bytes queued at the drop
 * says so, and SIGUSR1's count showed it alive with well over Q/2 queued.
 * The kernel takes megabytes for it before chatd queues anything, so
 * that is filled 32 KB at a time; then one line (about 1 KB) at a time,
 * so that both checks are exact to a line.
 */
START_TEST(test_slow_consumer)
{
	const char *args[] = { "--max-queue", "131072", "--rate", "0", NULL };
	const long q = 131072, linelen = 1100; /* stamp, nick, text, LF */
	const int per = 32;
	struct fx fx;
	struct conn *slow, *obs, *talk;
	const char *p;
	long alive = 0, queued = 0, at_drop;
	int i = 0, gone = -1;

	fx_start(&fx, args, NULL);
	/* obs first: it is the room's operator, so slow's going moves no
	 * operator status (which would tell obs). */
	obs = fx_login(&fx, "obs");
	slow = deaf_login(&fx, "slow");
	talk = fx_login(&fx, "talk");
	ck_assert(conn_expect(obs, "is now known as talk", NULL, 0, WAIT));
	while (queued == 0 && i < 100000) {
		send_lines(talk, "talk", i, per, 1000);
		/* obs has them: chatd has queued them for slow too. */
		read_lines(obs, "talk", i, per, NULL, NULL);
		i += per;
		queued = stats_queued(&fx);
	}
	ck_assert_msg(queued > 0 && queued <= per * linelen,
	    "%ld bytes queued for slow after %d lines", queued, i);
	for (; i < 100000 && gone == -1; i++) {
		send_lines(talk, "talk", i, 1, 1000);
		read_lines(
		    obs, "talk", i, 1, "-!- slow has quit (too slow)", &gone);
		if (gone == -1 && (queued = stats_queued(&fx)) > alive)
			alive = queued;
	}
	ck_assert_msg(gone != -1, "slow was never disconnected");
	p = srv_log_find(&fx.srv, 0, "(slow) too slow: ", WAIT);
	ck_assert_msg(p != NULL, "no drop logged: %s", fx.srv.log);
	at_drop = strtol(p + strlen("(slow) too slow: "), NULL, 10);
	ck_assert_msg(at_drop > q - linelen && at_drop <= q,
	    "dropped with %ld bytes queued, want (%ld, %ld]", at_drop,
	    q - linelen, q);
	ck_assert_msg(alive >= q * 3 / 4,
	    "slow was dropped before %ld bytes were queued (most seen %ld)",
	    q * 3 / 4, alive);
	ck_assert(srv_log_has(&fx.srv, "(slow) disconnected: too slow", WAIT));
	ck_assert(conn_eof(slow, WAIT));
	/* The others lose nothing afterwards either. */
	send_lines(talk, "talk", i, 16, 2000);
	read_lines(obs, "talk", i, 16, NULL, NULL);
	conn_send(obs, "/who\n");
	ck_assert(conn_next_is(obs, "-!- 2 users in #lobby: @obs, talk", WAIT));
	fx_stop(&fx);
}
END_TEST

START_TEST(test_max_clients)
{
	const char *args[] = { "-m", "3", NULL };
	struct fx fx;
	struct conn *a, *b, *c;

	fx_start(&fx, args,
	    FX_USERS({ "alice", &a }, { "bob", &b }, { "carol", &c }));
	fx_refused(&fx, "-!- error: server full");
	/* Nobody else noticed, and everyone still talks. */
	conn_send(a, "still here\n");
	ck_assert(conn_next_is(b, "<alice> still here", WAIT));
	ck_assert(conn_next_is(c, "<alice> still here", WAIT));
	ck_assert(conn_quiet(a, QUIET));
	/* A freed place can be taken again. */
	conn_send(c, "/quit\n");
	ck_assert(conn_expect(a, "carol has quit", NULL, 0, WAIT));
	fx_login(&fx, "dave");
	ck_assert(conn_expect(a, "is now known as dave", NULL, 0, WAIT));
	fx_stop(&fx);
}
END_TEST

START_TEST(test_max_per_ip)
{
	const char *args[] = { "--max-per-ip", "2", NULL };
	struct fx fx;
	struct conn *a, *b, *o;

	fx_start(&fx, args, FX_USERS({ "alice", &a }, { "bob", &b }));
	fx_refused(&fx, "-!- error: too many connections from your address");
	/* Another address is not affected. */
	o = open_with(fx.port, "127.0.0.2", 0);
	ck_assert_msg(o != NULL, "cannot connect from 127.0.0.2");
	fx_adopt(&fx, o);
	ck_assert(conn_expect(o, "/help", NULL, 0, WAIT));
	conn_send(o, "/nick other\n");
	ck_assert(conn_expect(a, "is now known as other", NULL, 0, WAIT));
	/* A place freed on the address can be taken again. */
	conn_send(b, "/quit\n");
	ck_assert(conn_expect(a, "bob has quit", NULL, 0, WAIT));
	fx_login(&fx, "carol");
	fx_stop(&fx);
}
END_TEST

/*
 * --rate R --burst B: of B + K lines sent at once, the first B pass at
 * once and the other K at R a second, so the last comes no sooner than
 * about K/R seconds after the first. 5/s and 10 + 25 lines: 5 s; a server
 * at twice the rate takes 2.5 s, at half of it 10 s. The log-in's two
 * lines (an empty one and a /nick) come out of the burst, so 8 of it are
 * left: they come at once, where a new client given no burst would take
 * 1.6 s for them (alice logs in last, so that her bucket does not refill
 * while the others do).
 */
START_TEST(test_flood_control)
{
	const char *args[] = { "--rate", "5", "--burst", "10", NULL };
	const long rate = 5, burst = 10, nlines = 35;
	const long need_ms = (nlines - burst) * 1000 / rate;
	struct fx fx;
	struct conn *a, *b, *c;
	long t0, took;
	int ping_at = -1;

	fx_start(&fx, args,
	    FX_USERS({ "carol", &c }, { "bob", &b }, { "alice", &a }));
	t0 = harness_now_ms();
	send_lines(a, "alice", 0, (int)nlines, 10);
	ck_assert(conn_expect(b, "<alice> alice-0 ", NULL, 0, WAIT));
	conn_send(c, "ping\n");
	/* What is left of the burst after the log-in (8) comes at once. */
	read_lines(b, "alice", 1, (int)burst - 3, "<carol> ping", &ping_at);
	took = harness_now_ms() - t0;
	ck_assert_msg(took <= 1000,
	    "the first %ld lines took %ld ms: no burst of %ld", burst - 2, took,
	    burst);
	read_lines(b, "alice", (int)burst - 2, (int)(nlines - burst + 2),
	    "<carol> ping", &ping_at);
	took = harness_now_ms() - t0;
	/* Not faster than the rate allows (less a fifth for clock and
	 * stamp rounding), and not grossly slower either. */
	ck_assert_msg(took >= need_ms * 4 / 5,
	    "%ld lines in %ld ms: faster than %ld/s with a burst of %ld",
	    nlines, took, rate, burst);
	ck_assert_msg(took <= need_ms * 3 / 2 + 1000,
	    "%ld lines in %ld ms: slower than %ld/s with a burst of %ld",
	    nlines, took, rate, burst);
	/* Slowing alice down must not hold up carol. */
	ck_assert_msg(ping_at != -1,
	    "carol's line came after all of alice's flood (or never)");
	ck_assert(conn_next_is(a, "<carol> ping", WAIT));
	ck_assert(conn_quiet(a, QUIET)); /* nothing was refused */
	fx_stop(&fx);
}
END_TEST

/*
 * Fairness: alice's flood of n lines of about len bytes piles up in
 * chatd's socket while it is stopped, then carol sends one line. Once
 * chatd goes on, carol's line must pass after at most two passes' worth
 * of the lines alice had waiting (bound), not after all of them. And
 * alice loses nothing: every line comes, in order, and her whole send
 * succeeds.
 */
static void
fairness(int n, size_t len, int bound)
{
	const char *args[] = { "--rate", "0", "--max-queue", "67108864", NULL };
	struct fx fx;
	struct conn *a, *b, *c;
	char *lines;
	size_t all, sent = 0;
	ssize_t w = 0;
	int i = 0, waiting = 0, ping_at = -1;

	fx_start(&fx, args,
	    FX_USERS({ "alice", &a }, { "carol", &c }, { "bob", &b }));
	lines = make_lines("alice", 0, n, len);
	all = strlen(lines);
	srv_freeze(&fx.srv);
	while (sent < all &&
	    (w = send(a->fd, lines + sent, all - sent,
		 MSG_DONTWAIT | MSG_NOSIGNAL)) > 0)
		sent += (size_t)w;
	ck_assert_msg(sent == all || errno == EAGAIN || errno == EWOULDBLOCK,
	    "send: %s", strerror(errno));
	for (i = 0; (size_t)i < sent; i++)
		waiting += lines[i] == '\n';
	ck_assert_msg(waiting > 2 * bound,
	    "only %d lines fit in the sockets: too few to tell", waiting);
	ck_assert_int_eq(conn_send(c, "ping\n"), 0);
	srv_thaw(&fx.srv);
	ck_assert_msg(conn_send_raw(a, lines + sent, all - sent) == 0,
	    "alice could not send the rest of her lines");
	free(lines);
	read_lines(b, "alice", 0, n, "<carol> ping", &ping_at);
	if (ping_at == -1)
		ck_assert(conn_next_is(b, "<carol> ping", WAIT));
	ck_assert_msg(ping_at != -1 && ping_at <= bound,
	    "carol's line came after %d of the %d lines of %zu bytes alice "
	    "had waiting, want at most %d",
	    ping_at == -1 ? n : ping_at, waiting, len, bound);
	fx_stop(&fx);
}

/* Short lines: the 64 lines a pass bound it. */
START_TEST(test_fairness)
{
	fairness(5000, 200, 2 * LINES_PER_PASS);
}
END_TEST

/* Long lines: the 16 KiB a pass bound it, to the lines ending in one
 * read of that much (a line cut at its start completes in the next). */
START_TEST(test_fairness_bytes)
{
	const size_t len = 1000;

	fairness(2000, len, 2 * (int)(BYTES_PER_PASS / len + 1));
}
END_TEST

START_TEST(test_reset_while_writing)
{
	const char *args[] = { "--rate", "0", NULL };
	struct linger lg = { 1, 0 };
	struct fx fx;
	struct conn *r, *o, *t;

	fx_start(&fx, args, NULL);
	r = deaf_login(&fx, "reset");
	o = fx_login(&fx, "obs");
	t = fx_login(&fx, "talk");
	ck_assert(conn_expect(o, "is now known as talk", NULL, 0, WAIT));
	/* 300 KB: most of it sits in chatd's queue for r. */
	send_lines(t, "talk", 0, 300, 1000);
	read_lines(o, "talk", 0, 300, NULL, NULL);
	setsockopt(r->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	fx_close(&fx, r);
	send_lines(t, "talk", 300, 10, 1000);
	ck_assert(conn_expect(
	    o, "-!- reset has quit (connection reset)", NULL, 0, WAIT));
	conn_send(t, "after the reset\n");
	ck_assert(conn_expect(o, "<talk> after the reset", NULL, 0, WAIT));
	fx_stop(&fx);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_limits");
	TCase *tc = tcase_create("limits");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_idle_client_never_blocks);
	tcase_add_test(tc, test_many_clients);
	tcase_add_test(tc, test_slow_consumer);
	tcase_add_test(tc, test_max_clients);
	tcase_add_test(tc, test_max_per_ip);
	tcase_add_test(tc, test_flood_control);
	tcase_add_test(tc, test_fairness);
	tcase_add_test(tc, test_fairness_bytes);
	tcase_add_test(tc, test_reset_while_writing);
	suite_add_tcase(s, tc);
	return s;
}
