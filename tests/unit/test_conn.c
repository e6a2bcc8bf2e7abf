/*
 * test_conn.c: one connection's input (server/conn.c) on a socketpair with
 * a real loop: framing, the line limit and the memory a long line costs,
 * fairness, flood control with the loop clock moved by loop_skew, telnet
 * filtering, pausing. The output side is in test_conn_out.c.
 */
#include "conn_util.h"

#define MAX_LINE 10

static void
setup(void)
{
	conn_up(MAX_LINE, 1 << 20, 0, 0);
}

START_TEST(test_lf_crlf)
{
	peer_puts("a\nb\r\nc\r\n\nlast\n");
	pass();
	expect_log("L:a L:b L:c L: L:last");
}
END_TEST

START_TEST(test_split_reads)
{
	peer_puts("hel");
	pass();
	expect_log("");
	peer_puts("lo\r");
	pass();
	expect_log("");
	peer_puts("\nwor");
	pass();
	expect_log("L:hello");
	peer_puts("ld\n");
	pass();
	expect_log("L:hello L:world");
}
END_TEST

/* The last line without its LF still counts, before the EOF; the owner
 * that does not close is closed for, and the peer sees FIN. */
START_TEST(test_last_line_at_eof)
{
	struct buf got;

	buf_init(&got);
	peer_puts("x\ny\r");
	pass();
	expect_log("L:x");
	ck_assert_int_eq(shutdown(T_peer, SHUT_WR), 0);
	ck_assert_int_eq(peer_read_to_eof(&got), PEER_EOF);
	expect_log("L:x L:y EOF RELEASE");
	ck_assert_uint_eq(buf_len(&got), 0);
	buf_free(&got);
}
END_TEST

/* At the limit, one over (dropped whole, the next line fine), a CR LF
 * around a line of exactly the limit. */
START_TEST(test_max_line)
{
	peer_puts("0123456789\n0123456789A\nnext\n0123456789\r\n");
	pass();
	expect_log("L:0123456789 TOOLONG L:next L:0123456789");
	/* Over the limit before its LF arrives: told once, at once. */
	peer_puts("0123456789AB");
	pass();
	ck_assert_int_eq(T_own.toolong, 2);
	peer_puts("CDEF\nok\n");
	pass();
	expect_log("L:0123456789 TOOLONG L:next L:0123456789 TOOLONG L:ok");
}
END_TEST

/* 1 MiB without a LF costs no more than the line limit and one read. */
START_TEST(test_long_tail_no_memory)
{
	static char chunk[8192];
	size_t sent = 0, peak = 0;
	ssize_t w;

	memset(chunk, 'x', sizeof chunk);
	while (sent < (1 << 20)) {
		w = write(T_peer, chunk, sizeof chunk);
		if (w > 0)
			sent += (size_t)w;
		else
			ck_assert_int_eq(errno, EAGAIN);
		pass();
		ck_assert_ptr_nonnull(T_c);
		ck_assert_uint_lt(
		    buf_len(&T_c->in.buf), MAX_LINE + CHATD_READ_CHUNK);
		if (T_c->in.buf.cap > peak)
			peak = T_c->in.buf.cap;
	}
	ck_assert_uint_le(peak, 2 * (MAX_LINE + CHATD_READ_CHUNK));
	peer_puts("\nafter\n");
	passes(3);
	expect_log("TOOLONG L:after");
}
END_TEST

/* At most CHATD_LINES_PER_PASS lines per pass; the rest wait (no reading
 * meanwhile) and come with the next conn_run_waiting. */
START_TEST(test_fairness)
{
	char line[16];
	int i;

	for (i = 0; i < 3 * CHATD_LINES_PER_PASS + 8; i++) {
		snprintf(line, sizeof line, "%d\n", i);
		peer_puts(line);
	}
	ck_assert_int_ge(loop_poll(T_loop, 1000), 1);
	ck_assert_int_eq(T_own.lines, CHATD_LINES_PER_PASS);
	ck_assert_int_eq(loop_poll(T_loop, 0), 0); /* not read meanwhile */
	ck_assert_int_eq(T_own.lines, CHATD_LINES_PER_PASS);
	conn_run_waiting(&T_set);
	ck_assert_int_eq(T_own.lines, 2 * CHATD_LINES_PER_PASS);
	/* The loop must not sleep while lines wait: the wake-up is due now
	 * (the clock read afresh, as the timer's start did). */
	ck_assert(loop_timer_pending(&T_set.wake));
	loop_update_time(T_loop);
	ck_assert_int_le(T_set.wake.when, loop_now(T_loop));
	conn_run_waiting(&T_set);
	ck_assert_int_eq(T_own.lines, 3 * CHATD_LINES_PER_PASS);
	conn_run_waiting(&T_set);
	ck_assert_int_eq(T_own.lines, 3 * CHATD_LINES_PER_PASS + 8);
	ck_assert(TAILQ_EMPTY(&T_set.waiting));
	ck_assert(strstr(own_got(), "L:197 L:198 L:199") != NULL);
}
END_TEST

/* Rate R = 1/8 lines per second (8 s a line: real time adds nothing),
 * burst B = 3. */
#define FLOOD_RATE  0.125
#define FLOOD_BURST 3
#define FLOOD_MS    8000

static void
flood_setup(void)
{
	conn_up(MAX_LINE, 1 << 20, FLOOD_RATE, FLOOD_BURST);
}

START_TEST(test_flood_burst_then_rate)
{
	int i;

	for (i = 0; i < 12; i++)
		peer_puts("line\n");
	passes(5);
	ck_assert_int_eq(T_own.lines, FLOOD_BURST);
	/* The wake-up is set for when the next token is there: at most
	 * 1/R from the clock read now (the timer's start read it earlier). */
	ck_assert(loop_timer_pending(&T_set.wake));
	loop_update_time(T_loop);
	ck_assert_int_gt(T_set.wake.when, loop_now(T_loop));
	ck_assert_int_le(T_set.wake.when, loop_now(T_loop) + FLOOD_MS + 1);
	/* k/R seconds later, exactly k more. */
	loop_skew(T_loop, 2 * FLOOD_MS);
	passes(3);
	ck_assert_int_eq(T_own.lines, FLOOD_BURST + 2);
	loop_skew(T_loop, FLOOD_MS);
	passes(3);
	ck_assert_int_eq(T_own.lines, FLOOD_BURST + 3);
	/* A long pause refills at most the burst. */
	loop_skew(T_loop, 100 * FLOOD_MS);
	passes(3);
	ck_assert_int_eq(T_own.lines, 2 * FLOOD_BURST + 3);
	loop_skew(T_loop, 100 * FLOOD_MS);
	passes(3);
	ck_assert_int_eq(T_own.lines, 12);
	ck_assert(!loop_timer_pending(&T_set.wake));
}
END_TEST

/* A line read while the bucket is empty waits; nothing is dropped. */
START_TEST(test_flood_nothing_dropped)
{
	int i;

	for (i = 0; i < FLOOD_BURST; i++)
		peer_puts("a\n");
	passes(2);
	ck_assert_int_eq(T_own.lines, FLOOD_BURST);
	peer_puts("b\n");
	passes(3);
	ck_assert_int_eq(T_own.lines, FLOOD_BURST);
	loop_skew(T_loop, FLOOD_MS);
	passes(2);
	expect_log("L:a L:a L:a L:b");
}
END_TEST

/* A tiny rate must not overflow the wake-up time: it is pending, in the
 * future, within a day. */
START_TEST(test_flood_tiny_rate)
{
	static const double rates[] = { 1e-9, 1e-300, 4.9e-324 };
	const int64_t day = 24 * 3600 * 1000;
	size_t i;

	for (i = 0; i < sizeof rates / sizeof rates[0]; i++) {
		conn_down();
		conn_up(MAX_LINE, 1 << 20, rates[i], 1);
		peer_puts("one\ntwo\nthree\n");
		passes(3);
		ck_assert_int_eq(T_own.lines, 1);
		ck_assert(loop_timer_pending(&T_set.wake));
		loop_update_time(T_loop);
		ck_assert_int_gt(T_set.wake.when, loop_now(T_loop));
		ck_assert_int_le(T_set.wake.when, loop_now(T_loop) + day + 1);
	}
}
END_TEST

START_TEST(test_telnet_on)
{
	struct buf got;

	buf_init(&got);
	conn_set_telnet(T_c, 1);
	peer_puts("hi\n");
	pass();
	/* No IAC yet: no telnet state. */
	ck_assert_ptr_null(T_c->telnet);
	peer_write("a\xff\xfd\x18"
		   "b\n",
	    6);
	pass();
	expect_log("L:hi L:ab");
	ck_assert_ptr_nonnull(T_c->telnet);
	(void)peer_read(&got);
	ck_assert_uint_eq(buf_len(&got), 3);
	ck_assert_int_eq(memcmp(buf_data(&got), "\xff\xfc\x18", 3), 0);
	conn_set_telnet(T_c, 0);
	ck_assert_ptr_null(T_c->telnet);
	buf_free(&got);
}
END_TEST

/* Off (the default): IAC is a byte like any other, never answered. */
START_TEST(test_telnet_off)
{
	struct buf got;

	buf_init(&got);
	peer_write("a\xff\xfd\x18"
		   "b\n",
	    6);
	pass();
	ck_assert_int_eq(T_own.lines, 1);
	expect_log("L:a\xff\xfd\x18"
		   "b");
	ck_assert_ptr_null(T_c->telnet);
	(void)peer_read(&got);
	ck_assert_uint_eq(buf_len(&got), 0);
	buf_free(&got);
}
END_TEST

/* Paused: lines wait in the socket; resumed, they come. */
START_TEST(test_pause)
{
	conn_pause(T_c, 1);
	peer_puts("x\ny\n");
	passes(3);
	expect_log("");
	conn_pause(T_c, 0);
	passes(2);
	expect_log("L:x L:y");
}
END_TEST

/* Paused from inside a line callback: the lines already read wait in the
 * buffer, and come on the pass after the resume. */
START_TEST(test_pause_from_line)
{
	T_own.pause_after = 1;
	peer_puts("1\n2\n3\n");
	passes(3);
	expect_log("L:1");
	conn_pause(T_c, 0);
	conn_run_waiting(&T_set);
	expect_log("L:1 L:2 L:3");
}
END_TEST

/* EOF while paused: told only once resumed, after the lines. */
START_TEST(test_pause_eof)
{
	conn_pause(T_c, 1);
	peer_puts("z");
	ck_assert_int_eq(shutdown(T_peer, SHUT_WR), 0);
	passes(3);
	expect_log("");
	conn_pause(T_c, 0);
	passes(3);
	expect_log("L:z EOF RELEASE");
}
END_TEST

/* conn_find: a connection by its id while it lives, then never again. */
START_TEST(test_find_by_id)
{
	unsigned id = T_c->id;

	ck_assert_ptr_eq(conn_find(&T_set, id), T_c);
	ck_assert_ptr_null(conn_find(&T_set, id + 1));
	ck_assert_ptr_null(conn_find(&T_set, 0));
	conn_kill(T_c);
	passes(2);
	ck_assert_ptr_null(T_c);
	ck_assert_ptr_null(conn_find(&T_set, id));
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("conn");
	TCase *tc = tcase_create("input");
	TCase *tf = tcase_create("flood");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_checked_fixture(tc, setup, conn_down);
	tcase_add_test(tc, test_lf_crlf);
	tcase_add_test(tc, test_split_reads);
	tcase_add_test(tc, test_last_line_at_eof);
	tcase_add_test(tc, test_max_line);
	tcase_add_test(tc, test_long_tail_no_memory);
	tcase_add_test(tc, test_fairness);
	tcase_add_test(tc, test_telnet_on);
	tcase_add_test(tc, test_telnet_off);
	tcase_add_test(tc, test_pause);
	tcase_add_test(tc, test_pause_from_line);
	tcase_add_test(tc, test_pause_eof);
	tcase_add_test(tc, test_find_by_id);
	suite_add_tcase(s, tc);
	tcase_set_timeout(tf, TEST_TIMEOUT);
	tcase_add_checked_fixture(tf, flood_setup, conn_down);
	tcase_add_test(tf, test_flood_burst_then_rate);
	tcase_add_test(tf, test_flood_nothing_dropped);
	tcase_add_test(tf, test_flood_tiny_rate);
	suite_add_tcase(s, tf);
	return s;
}
