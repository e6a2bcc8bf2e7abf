/*
 * test_irc_session.c: an IRC session's clocks without waiting for them:
 * the server built with server_setup() (no listeners), clients on
 * socketpairs, time moved with loop_skew(). Keepalive (PING after 90 s,
 * closed 120 s later), the registration timeout, the LIST pacing hook.
 */
#include "irc_peer.h"

static void
setup(void)
{
	irc_peer_setup();
}

static void
teardown(void)
{
	server_free(&srv);
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
