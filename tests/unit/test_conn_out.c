/*
 * test_conn_out.c: one connection's output (server/conn.c) on a socketpair
 * with a real loop: the slow-consumer limit at its exact bound, what the
 * owner hears of it and when, the last line after a half-written one;
 * half-close, the deferred close and its linger deadline, kill, reset.
 */
#include "conn_util.h"

#define MAX_LINE 100

/* A line of exactly n bytes (LF included) that names its number. */
static void
numbered(char *out, size_t n, int i)
{
	int k = snprintf(out, n, "%06d:", i);

	memset(out + k, 'a' + i % 26, n - (size_t)k - 1);
	out[n - 1] = '\n';
}

static void
slow_setup(void)
{
	conn_up(MAX_LINE, 1000, 0, 0);
}

/* Nothing written yet: 1000 bytes fit a max_queue of 1000, one more does
 * not; the owner hears of it at conn_reap, and only there. */
START_TEST(test_slow_exact_limit)
{
	char line[100];
	struct buf got;
	int i;

	buf_init(&got);
	T_own.fail_words = "LAST\n";
	for (i = 0; i < 10; i++) {
		numbered(line, sizeof line, i);
		ck_assert_int_eq(t_send(line, sizeof line), 0);
		ck_assert(conn_is_open(T_c));
	}
	ck_assert_uint_eq(conn_queued(T_c), 1000);
	ck_assert_int_eq(t_send("x", 1), -1);
	ck_assert(!conn_is_open(T_c));
	ck_assert_int_eq(T_own.fail, 0); /* not from inside the send */
	ck_assert_int_eq(t_send(line, sizeof line), -1);
	reap();
	expect_log("FAIL:2:1001");
	ck_assert_int_eq(T_own.why, CONN_SLOW);
	/* Nothing was half written: nothing of the queue goes, the last
	 * words do, then the close. */
	ck_assert_int_eq(peer_read_to_eof(&got), PEER_EOF);
	ck_assert_uint_eq(buf_len(&got), 5);
	ck_assert_int_eq(memcmp(buf_data(&got), "LAST\n", 5), 0);
	expect_log("FAIL:2:1001 RELEASE");
	buf_free(&got);
}
END_TEST

/* A share of a page counts the same. */
START_TEST(test_slow_push)
{
	static char big[1001];
	struct stream s;
	struct page *pg;
	uint32_t off;

	stream_init(&s);
	memset(big, 'p', sizeof big);
	ck_assert_int_eq(stream_put(&s, big, sizeof big, &pg, &off), 0);
	ck_assert_int_eq(conn_push(T_c, pg, off, 1000), 0);
	ck_assert_int_eq(pg->ref, 2);
	ck_assert_int_eq(conn_push(T_c, pg, off + 1000, 1), -1);
	ck_assert_int_eq(T_own.fail, 0);
	ck_assert_uint_eq(conn_queued(T_c), 0);
	ck_assert_int_eq(pg->ref, 1); /* the cut let go of it */
	reap();
	/* Nothing left to write: closed at once. */
	expect_log("FAIL:2:1001 RELEASE");
	stream_release(&s);
}
END_TEST

/*
 * The last line the owner queues from fail() may not fit what is left of
 * the queue (the rest of a half-written line plus a last line over
 * max_queue: --max-queue 1024 with long lines). It is refused; the owner
 * has been told, and must not be told again and again: conn_reap would
 * never return.
 */
START_TEST(test_slow_last_line_too_big)
{
	char line[100];
	struct buf got;
	int i;

	buf_init(&got);
	T_own.fail_over = 1;
	memset(line, 'l', sizeof line);
	for (i = 0; i < 10; i++)
		ck_assert_int_eq(t_send(line, sizeof line), 0);
	ck_assert_int_eq(t_send(line, 1), -1);
	reap();
	ck_assert_int_eq(T_own.fail, 1);
	ck_assert_int_eq(peer_read_to_eof(&got), PEER_EOF);
	ck_assert_int_eq(T_own.release, 1);
	buf_free(&got);
}
END_TEST

static void
big_setup(void)
{
	conn_up(MAX_LINE, 64 * 1024, 0, 0);
}

static void
close_setup(void)
{
	conn_up(MAX_LINE, 1 << 20, 0, 0);
}

/*
 * A peer that reads nothing: once the socket is full (the kernel took
 * part of a line), the queue may hold exactly max_queue unsent bytes.
 * The send that would pass it fails the connection; the cut keeps the
 * rest of the half-written line, the last words follow it, and the peer
 * gets whole lines only, then the last words, then EOF. unsent is what
 * was cut plus what was refused: with what arrived, all that was sent.
 */
START_TEST(test_slow_half_written_line)
{
	const size_t len = 997; /* not a divisor of any buffer size */
	char line[997];
	struct buf got;
	size_t offered = 0, at, lines;
	int i, tiny = 1;

	buf_init(&got);
	T_own.fail_words = "LAST\n";
	ck_assert_int_eq(
	    setsockopt(T_c->fd, SOL_SOCKET, SO_SNDBUF, &tiny, sizeof tiny), 0);
	/* Fill the socket until it stops in the middle of a line: several
	 * lines per write, so that the kernel can take part of one. */
	for (i = 0; !(T_c->blocked && T_c->out.mid_line); i++) {
		ck_assert_int_lt(i, 1000);
		numbered(line, len, i);
		ck_assert_int_eq(t_send(line, len), 0);
		offered += len;
		if (i % 8 != 7)
			continue;
		if (T_c->blocked)
			(void)peer_read(&got); /* stopped at a boundary */
		ck_assert_int_ge(loop_poll(T_loop, 0), 0);
		conn_flush_all(&T_set);
		ck_assert(conn_is_open(T_c));
	}
	/* Exactly max_queue bytes unsent are fine. */
	while (conn_queued(T_c) + len <= T_set.lim.max_queue) {
		numbered(line, len, i++);
		ck_assert_int_eq(t_send(line, len), 0);
		offered += len;
	}
	at = T_set.lim.max_queue - conn_queued(T_c);
	ck_assert_int_eq(t_send(line, at), 0);
	offered += at;
	ck_assert_uint_eq(conn_queued(T_c), T_set.lim.max_queue);
	ck_assert(conn_is_open(T_c));
	/* One byte more is too much. */
	numbered(line, len, i++);
	ck_assert_int_eq(t_send(line, len), -1);
	offered += len;
	ck_assert_int_eq(T_own.fail, 0);
	ck_assert_uint_lt(conn_queued(T_c), len);
	ck_assert_uint_gt(conn_queued(T_c), 0);
	reap();
	ck_assert_int_eq(T_own.fail, 1);
	ck_assert_int_eq(T_own.why, CONN_SLOW);
	ck_assert_int_eq(peer_read_to_eof(&got), PEER_EOF);
	ck_assert_int_eq(T_own.release, 1);
	/* Whole lines, in order, then the last words. */
	ck_assert_uint_ge(buf_len(&got), 5);
	ck_assert_int_eq(
	    memcmp(buf_data(&got) + buf_len(&got) - 5, "LAST\n", 5), 0);
	lines = (buf_len(&got) - 5) / len;
	ck_assert_uint_eq(lines * len, buf_len(&got) - 5);
	for (at = 0; at < lines; at++) {
		numbered(line, len, (int)at);
		ck_assert_msg(memcmp(buf_data(&got) + at * len, line, len) == 0,
		    "line %zu arrived damaged", at);
	}
	ck_assert_uint_eq(buf_len(&got) - 5 + T_own.unsent, offered);
	buf_free(&got);
}
END_TEST

/* The peer closes its side: every line, then eof; what the owner queues
 * then is written in full before the close, which the peer sees as FIN. */
START_TEST(test_half_close)
{
	static char words[200 * 1024];
	struct buf got;
	size_t i;

	buf_init(&got);
	for (i = 0; i < sizeof words - 1; i++)
		words[i] = i % 50 == 49 ? '\n' : 'w';
	T_own.eof_words = words;
	peer_puts("a\nb\n");
	ck_assert_int_eq(shutdown(T_peer, SHUT_WR), 0);
	ck_assert_int_eq(peer_read_to_eof(&got), PEER_EOF);
	expect_log("L:a L:b EOF RELEASE");
	ck_assert_uint_eq(buf_len(&got), sizeof words - 1);
	ck_assert_int_eq(memcmp(buf_data(&got), words, sizeof words - 1), 0);
	buf_free(&got);
}
END_TEST

/* conn_close with a queue: no more lines are handed over, the queue is
 * written as the peer reads, then the close. */
START_TEST(test_close_flushes)
{
	static char words[900 * 1024];
	struct buf got;

	buf_init(&got);
	memset(words, 'q', sizeof words);
	words[sizeof words - 1] = '\n';
	ck_assert_int_eq(t_send(words, sizeof words), 0);
	conn_close(T_c);
	ck_assert(!conn_is_open(T_c));
	/* Closing still takes last words (as a slow one's last line). */
	ck_assert_int_eq(t_send("more\n", 5), 0);
	peer_puts("late\n");
	passes(5);
	ck_assert_ptr_nonnull(T_c); /* still writing */
	ck_assert_int_eq(peer_read_to_eof(&got), PEER_EOF);
	ck_assert_uint_eq(buf_len(&got), sizeof words + 5);
	ck_assert_int_eq(memcmp(buf_data(&got), words, sizeof words), 0);
	ck_assert_int_eq(memcmp(buf_data(&got) + sizeof words, "more\n", 5), 0);
	expect_log("RELEASE");
	buf_free(&got);
}
END_TEST

/* Nothing queued: closed at once. */
START_TEST(test_close_empty)
{
	struct buf got;

	buf_init(&got);
	conn_close(T_c);
	reap();
	expect_log("RELEASE");
	ck_assert_int_eq(peer_read(&got), PEER_EOF);
	buf_free(&got);
}
END_TEST

/* A closing connection whose peer never reads is killed after
 * CHATD_LINGER_MS of loop time, not before, and not as a failure. */
START_TEST(test_close_linger_deadline)
{
	static char words[512 * 1024];

	memset(words, 'z', sizeof words);
	ck_assert_int_eq(t_send(words, sizeof words), 0);
	conn_close(T_c);
	passes(5);
	ck_assert_int_eq(T_own.release, 0);
	ck_assert_uint_gt(conn_queued(T_c), 0);
	/* Half the deadline: real time would need 5 s more to matter. */
	loop_skew(T_loop, CHATD_LINGER_MS / 2);
	passes(3);
	ck_assert_int_eq(T_own.release, 0);
	loop_skew(T_loop, CHATD_LINGER_MS - CHATD_LINGER_MS / 2);
	passes(3);
	expect_log("RELEASE");
}
END_TEST

/* Killed: nothing more is written, the owner is released at the next
 * reap, not before. */
START_TEST(test_kill)
{
	struct buf got;

	buf_init(&got);
	ck_assert_int_eq(t_send("queued\n", 7), 0);
	conn_kill(T_c);
	ck_assert(!conn_is_open(T_c));
	ck_assert_int_eq(t_send("more\n", 5), -1);
	ck_assert_int_eq(T_own.release, 0);
	pass();
	expect_log("RELEASE");
	ck_assert_int_ne(peer_read(&got), 0);
	ck_assert_uint_eq(buf_len(&got), 0);
	buf_free(&got);
}
END_TEST

/* The peer went away: the write fails, the owner hears CONN_RESET with
 * nothing counted as unsent, at the reap. */
START_TEST(test_reset)
{
	close(T_peer);
	T_peer = -1;
	ck_assert_int_eq(t_send("x\n", 2), 0);
	conn_flush_all(&T_set); /* fails it; tells nobody yet */
	ck_assert_int_eq(T_own.fail, 0);
	ck_assert(!conn_is_open(T_c));
	reap();
	expect_log("FAIL:0:0 RELEASE");
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("conn_out");
	TCase *tc = tcase_create("slow");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_checked_fixture(tc, slow_setup, conn_down);
	tcase_add_test(tc, test_slow_exact_limit);
	tcase_add_test(tc, test_slow_push);
	tcase_add_test(tc, test_slow_last_line_too_big);
	suite_add_tcase(s, tc);
	tc = tcase_create("half written");
	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_checked_fixture(tc, big_setup, conn_down);
	tcase_add_test(tc, test_slow_half_written_line);
	suite_add_tcase(s, tc);
	tc = tcase_create("closing");
	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_checked_fixture(tc, close_setup, conn_down);
	tcase_add_test(tc, test_half_close);
	tcase_add_test(tc, test_close_flushes);
	tcase_add_test(tc, test_close_empty);
	tcase_add_test(tc, test_close_linger_deadline);
	tcase_add_test(tc, test_kill);
	tcase_add_test(tc, test_reset);
	suite_add_tcase(s, tc);
	return s;
}
