/*
 * test_history_redis_store.c: server/history_redis.c against a real
 * redis-server, for what is its own: every field of an event back as it
 * went in, keys lowercased and escaped, history surviving a new store and
 * connection, the per-room cap exact in Redis, answers always later and
 * in call order, stats, refused adds counted, errors (not hangs) while
 * Redis is down, and freeing the store with answers still out.
 */
#include "history_redis_test.h"

static const char *const rooms[] = { "a", "b", "c" };

/* --- the store's own behaviour ----------------------------------------- */

static struct history_ref
none(void)
{
	return ref_none();
}

START_TEST(test_fields_round_trip)
{
	struct history *h, *m;
	struct ans a, b;
	struct ev ev = {
		.kind = EV_MESSAGE,
		.id = 7,
		.msgid = "m7",
		.time_ms = 1700000000123,
		.nick = "Alice",
		.user = NULL,
		.room = "Dev",
		.target = "t",
		.text = "caf\xc3\xa9\0bytes",
		.len = 11,
		.tags = "+draft/reply=m6;+x=y\\sz",
		.flags = EV_F_ACTION | EV_F_NOTICE,
	};

	if (!setup("test_fields_round_trip"))
		return;
	h = store(10);
	m = history_new(10, 1 << 20);
	ck_assert_int_eq(history_add(h, &ev), 0);
	ck_assert_int_eq(history_add(m, &ev), 0);
	ev.id = 8;
	ev.msgid = ev.target = ev.tags = NULL;
	ev.user = "alice";
	ev.flags = 0;
	ev.room = "a{b}:c";
	ev.text = "";
	ev.len = 0;
	ck_assert_int_eq(history_add(h, &ev), 0);
	ck_assert_int_eq(history_add(m, &ev), 0);
	/* Rooms compare ignoring case; the event keeps its own spelling. */
	query(h, HISTORY_LATEST, "DEV", none(), none(), 10, &a);
	ask(m,
	    &(struct history_query){
		.sel = HISTORY_LATEST, .room = "dev", .limit = 10 },
	    &b, 0);
	ck_assert_uint_eq(a.n, 1);
	ck_assert_str_eq(a.ev[0].str[0], "Dev");
	ans_same(&a, &b, __LINE__);
	query(h, HISTORY_LATEST, "A{B}:C", none(), none(), 10, &a);
	ask(m,
	    &(struct history_query){
		.sel = HISTORY_LATEST, .room = "a{b}:c", .limit = 10 },
	    &b, 0);
	ck_assert_uint_eq(a.n, 1);
	ans_same(&a, &b, __LINE__);
	/* The keys: lowercased, the hash tag escaped whole. */
	ck_assert_int_eq(
	    redis_srv_int(&R, "XLEN %s", "chatd:{dev}:history"), 1);
	ck_assert_int_eq(
	    redis_srv_int(&R, "HLEN %s", "chatd:{dev}:history:ids"), 1);
	ck_assert_int_eq(
	    redis_srv_int(&R, "XLEN %s", "chatd:{a%7bb%7d%3ac}:history"), 1);
	ck_assert_int_eq(redis_srv_int(&R, "EVAL %s 0",
			     "return #redis.call('XRANGE', "
			     "'chatd:{dev}:history', '1700000000123-7', "
			     "'1700000000123-7')"),
	    1);
	history_free(m);
	history_free(h);
	teardown();
}
END_TEST

START_TEST(test_restart_keeps_history)
{
	struct history *h;
	struct rlink *k2;
	const char *cause;
	struct ans a;
	unsigned i;
	static const unsigned want[] = { 3, 4, 5 };

	if (!setup("test_restart_keeps_history"))
		return;
	h = store(3);
	for (i = 1; i <= 5; i++)
		ck_assert_int_eq(add_msg(h, "lobby", i, 100 * i, "x"), 0);
	query(h, HISTORY_LATEST, "lobby", none(), none(), 10, &a);
	ans_ids(&a, 3, want, __LINE__);
	history_free(h);

	/* Another store, another connection, the same Redis: a node that
	 * restarted, or another node. */
	k2 = rlink_new(L, R.url, RLINK_COMMANDS, NULL, NULL, NULL, &cause);
	ck_assert_ptr_nonnull(k2);
	ck_assert(redis_loop_run(L, up, k2, WAIT_MS));
	h = history_redis_new(L, k2, 3);
	query(h, HISTORY_LATEST, "LOBBY", none(), none(), 10, &a);
	ans_ids(&a, 3, want, __LINE__);
	query(h, HISTORY_AFTER, "lobby", ref_id(3), none(), 10, &a);
	ans_ids(&a, 2, want + 1, __LINE__);
	/* It goes on where the other left off. */
	ck_assert_int_eq(add_msg(h, "lobby", 6, 600, "x"), 0);
	query(h, HISTORY_BEFORE, "lobby", ref_time(601), none(), 2, &a);
	ck_assert_uint_eq(a.n, 2);
	ck_assert_uint_eq(a.ev[0].id, 5);
	ck_assert_uint_eq(a.ev[1].id, 6);
	history_free(h);
	rlink_free(k2);
	teardown();
}
END_TEST

START_TEST(test_cap_exact)
{
	struct history *h;
	struct history_stats st;
	struct ans a;
	unsigned i;
	static const unsigned want[] = { 46, 47, 48, 49, 50 };

	if (!setup("test_cap_exact"))
		return;
	h = store(5);
	for (i = 1; i <= 50; i++)
		ck_assert_int_eq(add_msg(h, "r", i, i / 3, "x"), 0);
	query(h, HISTORY_LATEST, "r", none(), none(), 100, &a);
	ans_ids(&a, 5, want, __LINE__);
	/* Exactly 5 in the stream and 5 in the index, not about 5. */
	ck_assert_int_eq(redis_srv_int(&R, "XLEN %s", "chatd:{r}:history"), 5);
	ck_assert_int_eq(
	    redis_srv_int(&R, "HLEN %s", "chatd:{r}:history:ids"), 5);
	/* An evicted id is unknown; the oldest kept one is not. */
	query(h, HISTORY_AFTER, "r", ref_id(45), none(), 10, &a);
	ans_ids(&a, 0, want, __LINE__);
	query(h, HISTORY_AFTER, "r", ref_id(46), none(), 10, &a);
	ans_ids(&a, 4, want + 1, __LINE__);
	history_stats(h, &st);
	ck_assert_uint_eq(st.events, 5);
	ck_assert_uint_eq(st.rooms, 1);
	/* A store with a smaller cap trims the room to it. */
	history_free(h);
	h = store(2);
	ck_assert_int_eq(add_msg(h, "R", 51, 20, "x"), 0);
	query(h, HISTORY_LATEST, "r", none(), none(), 100, &a);
	ck_assert_uint_eq(a.n, 2);
	ck_assert_int_eq(redis_srv_int(&R, "XLEN %s", "chatd:{r}:history"), 2);
	ck_assert_int_eq(
	    redis_srv_int(&R, "HLEN %s", "chatd:{r}:history:ids"), 2);
	history_free(h);
	teardown();
}
END_TEST

START_TEST(test_order_and_stats)
{
	struct history *h;
	struct history_stats st;
	struct ans a[6];
	struct history_query q[6] = {
		{ .sel = HISTORY_LATEST, .room = "r", .limit = 2 },
		{ .sel = HISTORY_BEFORE, .room = "r" }, /* EINVAL: no ref */
		{ .sel = HISTORY_LATEST, .room = "r", .limit = 0 },
		{ .sel = HISTORY_LATEST, .room = "nowhere", .limit = 5 },
		{ .sel = HISTORY_AFTER,
		    .room = "r",
		    .ref = { .kind = HISTORY_REF_ID, .id = 2 },
		    .limit = 5 },
		{ .sel = HISTORY_LATEST, .room = "o", .limit = 5 },
	};
	static const unsigned ids[] = { 3, 4 };
	size_t i;

	if (!setup("test_order_and_stats"))
		return;
	h = store(10);
	for (i = 1; i <= 4; i++)
		ck_assert_int_eq(add_msg(h, "r", i, 10, "x"), 0);
	ck_assert_int_eq(add_msg(h, "o", 5, 10, "y"), 0);
	/* Those that need no Redis still wait their turn. */
	for (i = 0; i < 6; i++)
		ask(h, &q[i], &a[i], 1);
	ck_assert(redis_loop_run(L, answered, &a[5], WAIT_MS));
	for (i = 0; i < 6; i++) {
		ck_assert_int_eq(a[i].calls, 1);
		ck_assert_int_eq(a[i].order, (int)i + 1);
	}
	ans_ids(&a[0], 2, ids, __LINE__);
	ck_assert_int_eq(a[1].error, EINVAL);
	ans_ids(&a[2], 0, ids, __LINE__);
	ans_ids(&a[3], 0, ids, __LINE__);
	ans_ids(&a[4], 2, ids, __LINE__);
	ck_assert_uint_eq(a[5].n, 1);

	/* Stats: what the adds said at once; the bytes after a refresh. */
	history_stats(h, &st);
	ck_assert_uint_eq(st.events, 5);
	ck_assert_uint_eq(st.rooms, 2);
	ck_assert_uint_gt(st.index_bytes, 0);
	query(h, HISTORY_LATEST, "r", none(), none(), 1, &a[0]);
	history_stats(h, &st);
	ck_assert_uint_eq(st.events, 5);
	ck_assert_uint_gt(st.bytes, 0);
	history_free(h);
	teardown();
}
END_TEST

START_TEST(test_refused_adds)
{
	struct history *h;
	struct ans a;
	struct ev bad = { .kind = EV_MESSAGE, .id = 9, .room = "r" };
	static const unsigned ids[] = { 10, 12 };

	if (!setup("test_refused_adds"))
		return;
	h = store(10);
	ck_assert_int_eq(add_msg(h, "r", 10, 100, "x"), 0);
	ck_assert_int_eq(add_msg(h, "r", 5, 200, "x"), 0);  /* id too low */
	ck_assert_int_eq(add_msg(h, "r", 11, 50, "x"), 0);  /* time back */
	ck_assert_int_eq(add_msg(h, "r", 10, 100, "x"), 0); /* the same */
	ck_assert_int_eq(add_msg(h, "r", 12, 100, "x"), 0);
	query(h, HISTORY_LATEST, "r", none(), none(), 10, &a);
	ans_ids(&a, 2, ids, __LINE__);
	ck_assert_uint_eq(history_redis_lost(h), 3);
	/* What it can see at once is still EINVAL. */
	ck_assert_int_eq(history_add(h, &bad), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(add_msg(h, "r", 13, -1, "x"), -1);
	ck_assert_int_eq(add_msg(h, "", 14, 1, "x"), -1);
	history_free(h);

	/* History off: nothing stored, nothing answered but emptiness. */
	h = store(0);
	ck_assert_int_eq(add_msg(h, "off", 20, 100, "x"), 0);
	query(h, HISTORY_LATEST, "off", none(), none(), 10, &a);
	ck_assert_uint_eq(a.n, 0);
	ck_assert_int_eq(
	    redis_srv_int(&R, "EXISTS %s", "chatd:{off}:history"), 0);
	history_free(h);
	teardown();
}
END_TEST

START_TEST(test_redis_down)
{
	struct history *h;
	struct ans a, t;
	struct history_targets tq = { .rooms = rooms,
		.nrooms = 2,
		.from_ms = 0,
		.to_ms = 1000,
		.limit = 5 };
	long t0;

	if (!setup("test_redis_down"))
		return;
	h = store(10);
	ck_assert_int_eq(add_msg(h, "a", 1, 100, "x"), 0);
	query(h, HISTORY_LATEST, "a", none(), none(), 10, &a);
	ck_assert_uint_eq(a.n, 1);
	redis_srv_kill(&R);
	ck_assert(redis_loop_run(L, down, K, WAIT_MS));
	/* Down: an error at once, not a hang; adds are counted lost. */
	t0 = harness_now_ms();
	query(h, HISTORY_LATEST, "a", none(), none(), 10, &a);
	ck_assert_int_lt(harness_now_ms() - t0, 1000);
	ck_assert_int_eq(a.error, ENOTCONN);
	memset(&t, 0, sizeof t);
	history_targets(h, &tq, on_ans, &t);
	wait_ans(&t);
	ck_assert_int_eq(t.error, ENOTCONN);
	ck_assert_int_eq(add_msg(h, "a", 2, 200, "x"), 0);
	query(h, HISTORY_LATEST, "a", none(), none(), 10, &a);
	ck_assert_uint_eq(history_redis_lost(h), 1);
	/* Back (empty): answers again. */
	ck_assert_int_eq(redis_srv_restart(&R), 0);
	ck_assert(redis_loop_run(L, up, K, WAIT_MS));
	query(h, HISTORY_LATEST, "a", none(), none(), 10, &a);
	ck_assert_int_eq(a.error, 0);
	ck_assert_uint_eq(a.n, 0);
	history_free(h);
	teardown();
}
END_TEST

START_TEST(test_free_with_pending)
{
	struct history *h;
	struct ans a, t;
	struct history_targets tq = { .rooms = rooms,
		.nrooms = 3,
		.from_ms = 0,
		.to_ms = 1000,
		.limit = 5 };

	if (!setup("test_free_with_pending"))
		return;
	h = store(10);
	ck_assert_int_eq(add_msg(h, "a", 1, 100, "x"), 0);
	memset(&a, 0, sizeof a);
	memset(&t, 0, sizeof t);
	history_query(h,
	    &(struct history_query){
		.sel = HISTORY_LATEST, .room = "a", .limit = 5 },
	    on_ans, &a);
	history_targets(h, &tq, on_ans, &t);
	/* Freed with an add, a query and three rooms' TARGETS out: each
	 * callback runs inside history_free, in order... */
	history_free(h);
	ck_assert_int_eq(a.calls, 1);
	ck_assert_int_eq(a.error, ECANCELED);
	ck_assert_int_eq(t.calls, 1);
	ck_assert_int_eq(t.error, ECANCELED);
	ck_assert_int_lt(a.order, t.order);
	/* ...and Redis's late answers find what is left of the store. */
	while (rlink_pending(K) > 0)
		ck_assert_int_ge(loop_poll(L, 10), 0);
	ck_assert_int_eq(a.calls, 1);
	ck_assert_int_eq(t.calls, 1);
	teardown();
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("history_redis_store");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_unchecked_fixture(
	    tc, redis_srv_suite_setup, redis_srv_suite_teardown);
	tcase_add_test(tc, test_fields_round_trip);
	tcase_add_test(tc, test_restart_keeps_history);
	tcase_add_test(tc, test_cap_exact);
	tcase_add_test(tc, test_order_and_stats);
	tcase_add_test(tc, test_refused_adds);
	tcase_add_test(tc, test_redis_down);
	tcase_add_test(tc, test_free_with_pending);
	suite_add_tcase(s, tc);
	return s;
}
