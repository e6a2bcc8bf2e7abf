/*
 * test_irc_history_async.c: CHATHISTORY and the JOIN replay on a history
 * store that answers later, as a remote one may (history.h): the client's
 * next commands wait for the answer, which then comes in order; an
 * answer whose asker is gone is dropped. The store here holds each query
 * until the test lets the memory store answer it.
 */
#include "history.h"
#include "irc_peer.h"

#define SLOW_MAX 8

/* A query held: a copy, its room too, and where the answer goes. */
struct held {
	struct history_query q;
	char room[CHAT_ROOM_MAX + 1];
	history_cb *cb;
	void *arg;
};

static struct slow {
	struct history h; /* first: what chatd holds */
	struct history *mem;
	int n;
	struct held held[SLOW_MAX];
} slow;

static int
slow_add(struct history *h, const struct ev *ev)
{
	(void)h;
	return history_add(slow.mem, ev);
}

static void
slow_query(
    struct history *h, const struct history_query *q, history_cb *cb, void *arg)
{
	struct held *w = &slow.held[slow.n++];

	(void)h;
	ck_assert_int_le(slow.n, SLOW_MAX);
	w->q = *q;
	snprintf(w->room, sizeof w->room, "%s", q->room);
	w->q.room = w->room;
	w->cb = cb;
	w->arg = arg;
}

static void
slow_targets(struct history *h, const struct history_targets *t, history_cb *cb,
    void *arg)
{
	(void)h;
	history_targets(slow.mem, t, cb, arg);
}

static void
slow_stats(struct history *h, struct history_stats *st)
{
	(void)h;
	history_stats(slow.mem, st);
}

static void
slow_free(struct history *h)
{
	(void)h;
	ck_assert_int_eq(slow.n, 0); /* every question was answered */
	history_free(slow.mem);
}

static const struct history_ops slow_ops = {
	.add = slow_add,
	.query = slow_query,
	.targets = slow_targets,
	.stats = slow_stats,
	.free = slow_free,
};

/* Answer every held query, oldest first, then run the server. */
static void
slow_answer(void)
{
	int i, n = slow.n;

	slow.n = 0;
	for (i = 0; i < n; i++)
		history_query(slow.mem, &slow.held[i].q, slow.held[i].cb,
		    slow.held[i].arg);
	pass();
}

static void
setup(void)
{
	irc_peer_setup();
	memset(&slow, 0, sizeof slow);
	slow.mem = srv.history;
	slow.h.ops = &slow_ops;
	slow.h.per_room = srv.history->per_room;
	srv.history = &slow.h;
	srv.chat.history = &slow.h;
}

static void
teardown(void)
{
	server_free(&srv);
}

/* bob says "one" in #r, where alice is. */
static void
room(struct peer *a, struct peer *b)
{
	reg(a, "alice");
	reg(b, "bob");
	peer_send(a, "JOIN #r\r\n");
	peer_send(b, "JOIN #r\r\n");
	peer_send(b, "PRIVMSG #r :one\r\n");
	peer_skip(a);
	peer_skip(b);
}

START_TEST(test_answer_later_in_order)
{
	struct peer a, b;

	room(&a, &b);
	peer_send(&a, "CHATHISTORY LATEST #r * 10\r\nPING :after\r\n");
	/* The PING waits for the answer. */
	peer_quiet(&a);
	ck_assert_int_eq(slow.n, 1);
	/* Meanwhile the room goes on. */
	peer_send(&b, "PRIVMSG #r :two\r\n");
	peer_is(&a, ":bob!bob@chatd PRIVMSG #r :two");
	slow_answer();
	peer_is(&a, ":chatd BATCH +h1 chathistory #r");
	peer_is(&a, "@batch=h1 :bob!bob@chatd PRIVMSG #r :one");
	peer_is(&a, "@batch=h1 :bob!bob@chatd PRIVMSG #r :two");
	peer_is(&a, ":chatd BATCH -h1");
	peer_is(&a, ":chatd PONG chatd :after");
	peer_quiet(&a);
	peer_close(&a);
	peer_close(&b);
}
END_TEST

START_TEST(test_join_replay_later)
{
	struct peer a, b, c;

	room(&a, &b);
	reg(&c, "carol");
	peer_send(&c, "CAP REQ :server-time\r\n");
	peer_skip(&c);
	peer_send(&c, "JOIN #r\r\nPING :after\r\n");
	peer_read(&c);
	ck_assert_ptr_nonnull(find(buf_data(&c.in), buf_len(&c.in), " 366 "));
	ck_assert_ptr_null(find(buf_data(&c.in), buf_len(&c.in), "PONG"));
	peer_skip(&c);
	slow_answer();
	peer_read(&c);
	ck_assert_ptr_nonnull(find(buf_data(&c.in), buf_len(&c.in),
	    " :bob!bob@chatd PRIVMSG #r :one\r\n:chatd PONG chatd :after\r\n"));
	ck_assert(strncmp(buf_data(&c.in), "@time=", 6) == 0);
	peer_close(&a);
	peer_close(&b);
	peer_close(&c);
}
END_TEST

/* The asker is gone before the answer (its input waits, so only a
 * timeout or an error can take it): nothing is sent, nothing leaks. */
START_TEST(test_asker_gone)
{
	struct peer a, b;

	room(&a, &b);
	peer_send(&a, "CHATHISTORY LATEST #r * 10\r\n");
	ck_assert_int_eq(slow.n, 1);
	loop_skew(srv.loop, 91000);
	pass();
	peer_is(&a, "PING :chatd");
	loop_skew(srv.loop, 121000);
	pass();
	peer_read(&b);
	ck_assert_ptr_nonnull(find(buf_data(&b.in), buf_len(&b.in),
	    ":alice!alice@chatd QUIT :Ping timeout: 210 seconds\r\n"));
	peer_closed(&a);
	peer_skip(&b);
	slow_answer();
	peer_read(&b);
	ck_assert_ptr_null(find(buf_data(&b.in), buf_len(&b.in), "BATCH"));
	peer_close(&a);
	peer_close(&b);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("irc_history_async");
	TCase *tc = tcase_create("async");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_answer_later_in_order);
	tcase_add_test(tc, test_join_replay_later);
	tcase_add_test(tc, test_asker_gone);
	suite_add_tcase(s, tc);
	return s;
}
