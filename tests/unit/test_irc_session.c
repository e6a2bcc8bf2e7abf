/*
 * test_irc_session.c: an IRC session's clocks without waiting for them:
 * the server built with server_setup() (no listeners), clients on
 * socketpairs, time moved with loop_skew(). Keepalive (PING after 90 s,
 * closed 120 s later), the registration timeout, the LIST pacing hook.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "check_main.h"
#include "conn.h"
#include "log.h"
#include "loop.h"
#include "proto.h"
#include "server.h"

struct peer {
	int fd;
	struct buf in; /* what it received, not yet taken */
};

static struct server srv;

/* The first needle in hay[0, len), or NULL. */
static const char *
find(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; i + n <= len; i++)
		if (memcmp(hay + i, needle, n) == 0)
			return hay + i;
	return NULL;
}

static void
setup(void)
{
	struct config cfg;

	signal(SIGPIPE, SIG_IGN);
	log_set_level(LOG_ERROR);
	memset(&cfg, 0, sizeof cfg);
	cfg.max_clients = CHATD_MAX_CLIENTS;
	cfg.max_queue = CHATD_MAX_QUEUE;
	cfg.max_line = CHAT_MAX_LINE;
	cfg.login_timeout = CHATD_LOGIN_TIMEOUT;
	cfg.history = CHATD_HISTORY;
	cfg.history_memory = CHATD_HISTORY_MEMORY;
	ck_assert_int_eq(server_setup(&srv, &cfg), 0);
}

static void
teardown(void)
{
	server_free(&srv);
}

static void
pass(void)
{
	int i;

	for (i = 0; i < 4; i++) {
		ck_assert_int_ne(loop_poll(srv.loop, 0), -1);
		server_pass(&srv);
	}
}

static void
peer_open(struct peer *p, enum server_proto proto)
{
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	p->fd = sv[0];
	buf_init(&p->in);
	ck_assert_ptr_nonnull(server_take(&srv, sv[1], "test", proto));
	pass();
}

static void
peer_close(struct peer *p)
{
	close(p->fd);
	buf_free(&p->in);
}

static void
peer_send(struct peer *p, const char *s)
{
	ck_assert_int_eq(write(p->fd, s, strlen(s)), (ssize_t)strlen(s));
	pass();
}

/* Read what is there; 1 when the server closed its side. */
static int
peer_read(struct peer *p)
{
	char tmp[4096];
	ssize_t n;

	while ((n = read(p->fd, tmp, sizeof tmp)) > 0)
		buf_append(&p->in, tmp, (size_t)n);
	return n == 0;
}

/* The next line received is want (without CR LF). */
static void
peer_is(struct peer *p, const char *want)
{
	const char *crlf;
	size_t n;

	peer_read(p);
	crlf = buf_len(&p->in) > 0 ?
	    memchr(buf_data(&p->in), '\n', buf_len(&p->in)) :
	    NULL;
	ck_assert_msg(crlf != NULL, "want %s, got nothing", want);
	n = (size_t)(crlf - buf_data(&p->in));
	ck_assert_msg(n == strlen(want) + 1 &&
		memcmp(buf_data(&p->in), want, strlen(want)) == 0 &&
		crlf[-1] == '\r',
	    "want %s\ngot  %.*s", want, (int)n, buf_data(&p->in));
	buf_consume(&p->in, n + 1);
}

/* Nothing more received (and still open). */
static void
peer_quiet(struct peer *p)
{
	ck_assert_int_eq(peer_read(p), 0);
	ck_assert_msg(buf_len(&p->in) == 0, "got %.*s", (int)buf_len(&p->in),
	    buf_data(&p->in));
}

/* Skip every line received so far. */
static void
peer_skip(struct peer *p)
{
	peer_read(p);
	buf_truncate(&p->in, 0);
}

static void
peer_closed(struct peer *p)
{
	ck_assert_msg(peer_read(p) == 1, "still open");
}

static void
reg(struct peer *p, const char *nick)
{
	char line[128];

	peer_open(p, SERVER_IRC);
	snprintf(
	    line, sizeof line, "NICK %s\r\nUSER %s 0 * :R\r\n", nick, nick);
	peer_send(p, line);
	peer_skip(p);
}

START_TEST(test_keepalive)
{
	struct peer a, b;

	reg(&a, "alice");
	reg(&b, "bob");
	peer_send(&a, "JOIN #dev\r\n");
	peer_send(&b, "JOIN #dev\r\n");
	peer_skip(&a);
	peer_skip(&b);
	/* 90 s of silence, not less, then a PING. The margins: a line
	 * comes a few ms after the registration that started the clock. */
	loop_skew(srv.loop, 89000);
	pass();
	peer_quiet(&a);
	peer_quiet(&b);
	/* bob speaks at 89 s: its clock starts again. */
	peer_send(&b, "PONG :x\r\n");
	loop_skew(srv.loop, 2000);
	pass();
	peer_is(&a, "PING :chatd");
	peer_quiet(&b);
	/* alice has 120 s to say anything; at 151 s it does. */
	loop_skew(srv.loop, 60000);
	pass();
	peer_quiet(&a);
	peer_quiet(&b);
	peer_send(&a, "PONG :chatd\r\n");
	loop_skew(srv.loop, 35000);
	pass();
	peer_is(&b, "PING :chatd");
	peer_quiet(&a);
	loop_skew(srv.loop, 30000);
	pass();
	peer_quiet(&a);
	peer_quiet(&b);
	/* At 277 s: alice's next PING (quiet since 151 s); bob, pinged at
	 * 186 s, still has till 306 s. */
	loop_skew(srv.loop, 61000);
	pass();
	peer_is(&a, "PING :chatd");
	peer_quiet(&b);
	/* At 307 s bob, silent since, is gone, and alice is told why. */
	loop_skew(srv.loop, 30000);
	pass();
	peer_is(&b, "ERROR :Closing Link: Ping timeout");
	peer_closed(&b);
	peer_is(&a, ":bob!bob@chatd QUIT :Ping timeout: 210 seconds");
	peer_quiet(&a);
	peer_close(&a);
	peer_close(&b);
}
END_TEST

/* A client that answers at once is pinged again 90 s after its answer,
 * not when the 120 s it was given run out. */
START_TEST(test_keepalive_answered)
{
	struct peer c;

	reg(&c, "carol");
	loop_skew(srv.loop, CHATD_IRC_PING_IDLE_MS + 500);
	pass();
	peer_is(&c, "PING :chatd");
	peer_send(&c, "PONG :chatd\r\n");
	loop_skew(srv.loop, CHATD_IRC_PING_IDLE_MS - 1000);
	pass();
	peer_quiet(&c);
	loop_skew(srv.loop, 1500);
	pass();
	peer_is(&c, "PING :chatd");
	peer_close(&c);
}
END_TEST

START_TEST(test_registration_timeout)
{
	struct peer a, t;

	peer_open(&a, SERVER_IRC);
	peer_send(&a, "NICK slow\r\n");
	loop_skew(srv.loop, CHATD_LOGIN_TIMEOUT * 1000 - 1000);
	pass();
	peer_quiet(&a);
	loop_skew(srv.loop, 1000);
	pass();
	peer_is(&a, "ERROR :Closing Link: registration timeout");
	peer_closed(&a);
	peer_close(&a);
	/* Detection: silence is plain text after 500 ms. */
	peer_open(&t, SERVER_DETECT);
	peer_quiet(&t);
	ck_assert_int_eq(server_unknown(&srv), 1);
	loop_skew(srv.loop, CHATD_DETECT_MS);
	pass();
	peer_read(&t);
	ck_assert(buf_len(&t.in) > 0);
	ck_assert(find(buf_data(&t.in), buf_len(&t.in), "welcome") != NULL);
	ck_assert_int_eq(server_unknown(&srv), 0);
	peer_close(&t);
}
END_TEST

/* A LIST far bigger than the queue's mark goes out in pieces: the hook
 * fires as the queue drains, and nothing is lost. */
START_TEST(test_list_drained)
{
	struct peer a, b;
	char line[512];
	int i, rounds = 0;
	size_t n = 0;

	reg(&a, "alice");
	for (i = 0; i < 50; i++) {
		snprintf(line, sizeof line,
		    "JOIN #r%02d\r\nTOPIC #r%02d :%0280d\r\n", i, i, i);
		peer_send(&a, line);
		peer_skip(&a);
	}
	reg(&b, "bob");
	/* The mark is half of --max-queue when that is under 128 KiB. */
	srv.cfg.max_queue = 4096;
	srv.conns.lim.max_queue = 4096;
	peer_send(&b, "LIST\r\nPING :end\r\n");
	for (;;) {
		const char *p;

		peer_read(&b);
		for (p = buf_data(&b.in);
		     (p = find(p,
			  buf_len(&b.in) - (size_t)(p - buf_data(&b.in)),
			  " 322 ")) != NULL;
		     p++)
			n++;
		if (find(buf_data(&b.in), buf_len(&b.in), "PONG") != NULL)
			break;
		buf_truncate(&b.in, 0);
		pass();
		ck_assert_int_lt(++rounds, 1000);
	}
	/* All of it, though it is four times --max-queue, and the PING
	 * sent after LIST answered after its end. */
	ck_assert_uint_eq(n, 50);
	ck_assert_ptr_nonnull(find(buf_data(&b.in), buf_len(&b.in), " 323 "));
	ck_assert(find(buf_data(&b.in), buf_len(&b.in), " 323 ") <
	    find(buf_data(&b.in), buf_len(&b.in), "PONG"));
	peer_close(&a);
	peer_close(&b);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("irc_session");
	TCase *tc = tcase_create("session");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_keepalive);
	tcase_add_test(tc, test_keepalive_answered);
	tcase_add_test(tc, test_registration_timeout);
	tcase_add_test(tc, test_list_drained);
	suite_add_tcase(s, tc);
	return s;
}
