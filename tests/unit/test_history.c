/*
 * test_history.c: unit tests for server/history.c, the per-room event
 * store: what is kept, the two caps, rooms, accounting. The selections are
 * in test_history_query.c, the model checks in test_history_model.c.
 */
#include <stdio.h>
#include <stdlib.h>

#include "history_util.h"

#define K 1024

/* What an add_msg() event costs, counted by hand. */
static size_t
msg_bytes(const char *room, const char *text)
{
	return HISTORY_MEM_EV_OVERHEAD + sizeof "alice" + sizeof "alice" +
	    strlen(room) + 1 + strlen(text) + 1;
}

START_TEST(test_copy_in_one_allocation)
{
	struct history *h = history_new(10, 16 * K);
	char nick[] = "bob", user[] = "bobu", room[] = "Dev", target[] = "x";
	char text[] = "hi\tthere", msgid[] = "m7", tags[] = "+draft/reply=m6";
	struct ev ev = { .kind = EV_MESSAGE,
		.id = 7,
		.time_ms = 1000,
		.nick = nick,
		.user = user,
		.room = room,
		.target = target,
		.text = text,
		.len = strlen(text),
		.msgid = msgid,
		.tags = tags,
		.flags = EV_F_ACTION };
	const char *strs[7], *base;
	struct got *g;
	size_t size, i;

	ck_assert_ptr_nonnull(h);
	size = HISTORY_MEM_EV_OVERHEAD + 4 + 5 + 4 + 2 + 9 + 3 + 16;
	ck_assert_uint_eq(history_ev_bytes(&ev), size);
	ck_assert_int_eq(history_add(h, &ev), 0);
	/* The store keeps its own copy. */
	memset(nick, 'z', 3);
	memset(text, 'z', 8);
	g = run(h, HISTORY_LATEST, "dev", ref_none(), ref_none(), 10);
	expect_ids(g, 1, 7);
	ck_assert_int_eq(g->ev[0]->kind, EV_MESSAGE);
	ck_assert_int_eq(g->ev[0]->time_ms, 1000);
	ck_assert_uint_eq(g->ev[0]->flags, EV_F_ACTION);
	ck_assert_str_eq(g->ev[0]->nick, "bob");
	ck_assert_str_eq(g->ev[0]->user, "bobu");
	ck_assert_str_eq(g->ev[0]->room, "Dev");
	ck_assert_str_eq(g->ev[0]->target, "x");
	ck_assert_str_eq(g->ev[0]->text, "hi\tthere");
	ck_assert_uint_eq(g->ev[0]->len, 8);
	ck_assert_str_eq(g->ev[0]->msgid, "m7");
	ck_assert_str_eq(g->ev[0]->tags, "+draft/reply=m6");
	/* Every string lies inside the event's one allocation. */
	base = (const char *)g->ev[0];
	strs[0] = g->ev[0]->nick;
	strs[1] = g->ev[0]->user;
	strs[2] = g->ev[0]->room;
	strs[3] = g->ev[0]->target;
	strs[4] = g->ev[0]->text;
	strs[5] = g->ev[0]->msgid;
	strs[6] = g->ev[0]->tags;
	for (i = 0; i < 7; i++) {
		ck_assert(strs[i] >= base + sizeof(struct ev));
		ck_assert(strs[i] + strlen(strs[i]) < base + size);
	}
	ck_assert_uint_eq(stats(h).bytes, size);
	history_free(h);
}
END_TEST

START_TEST(test_null_strings_kept_null)
{
	struct history *h = history_new(10, 16 * K);
	struct ev ev = { .kind = EV_MESSAGE,
		.id = 1,
		.nick = "a",
		.room = "r",
		.text = "",
		.len = 0,
		.flags = EV_F_NOTICE };
	struct got *g;

	ck_assert_uint_eq(history_ev_bytes(&ev), HISTORY_MEM_EV_OVERHEAD + 5);
	ck_assert_int_eq(history_add(h, &ev), 0);
	g = run(h, HISTORY_LATEST, "r", ref_none(), ref_none(), 1);
	expect_ids(g, 1, 1);
	ck_assert_ptr_null(g->ev[0]->user);
	ck_assert_ptr_null(g->ev[0]->msgid);
	ck_assert_ptr_null(g->ev[0]->tags);
	ck_assert_ptr_null(g->ev[0]->target);
	ck_assert_str_eq(g->ev[0]->text, "");
	ck_assert_uint_eq(g->ev[0]->flags, EV_F_NOTICE);
	history_free(h);
}
END_TEST

START_TEST(test_add_refuses)
{
	struct history *h = history_new(10, 16 * K);
	struct ev ok = { .kind = EV_MESSAGE,
		.id = 5,
		.time_ms = 50,
		.nick = "a",
		.room = "r",
		.text = "t",
		.len = 1 };
	struct ev bad;
	int i;

	for (i = 0; i < 7; i++) {
		bad = ok;
		switch (i) {
		case 0:
			bad.kind = EV_JOIN;
			break;
		case 1:
			bad.room = NULL;
			break;
		case 2:
			bad.id = 0;
			break;
		case 3:
			bad.nick = NULL;
			break;
		case 4:
			bad.text = NULL;
			break;
		case 5:
			bad.flags = EV_F_CTCP;
			break;
		case 6:
			bad.flags = EV_F_TAGMSG;
			break;
		}
		errno = 0;
		ck_assert_int_eq(history_add(h, &bad), -1);
		ck_assert_int_eq(errno, EINVAL);
	}
	ck_assert_uint_eq(stats(h).events, 0);
	ck_assert_uint_eq(stats(h).rooms, 0);
	ck_assert_int_eq(history_add(h, &ok), 0);
	/* In a room, ids rise and times never fall. */
	ck_assert_int_eq(add_msg(h, "R", 5, 50, "same id"), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(add_msg(h, "r", 4, 60, "older id"), -1);
	ck_assert_int_eq(add_msg(h, "r", 6, 49, "earlier"), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(add_msg(h, "r", 6, 50, "same time"), 0);
	/* Another room has its own order. */
	ck_assert_int_eq(add_msg(h, "s", 2, 10, "elsewhere"), 0);
	ck_assert_uint_eq(stats(h).events, 3);
	expect_ids(
	    run(h, HISTORY_LATEST, "r", ref_none(), ref_none(), 9), 2, 5, 6);
	history_free(h);
}
END_TEST

START_TEST(test_per_room_cap)
{
	struct history *h = history_new(3, 1024 * K);
	unsigned i;

	for (i = 1; i <= 3; i++)
		ck_assert_int_eq(add_msg(h, "a", i, i, "x"), 0);
	ck_assert_int_eq(add_msg(h, "b", 10, 10, "other"), 0);
	/* Exactly at the cap: nothing gone. */
	expect_ids(
	    run(h, HISTORY_LATEST, "a", ref_none(), ref_none(), 9), 3, 1, 2, 3);
	ck_assert_int_eq(add_msg(h, "a", 11, 11, "x"), 0);
	expect_ids(run(h, HISTORY_LATEST, "a", ref_none(), ref_none(), 9), 3, 2,
	    3, 11);
	ck_assert_int_eq(add_msg(h, "A", 12, 12, "x"), 0);
	ck_assert_int_eq(add_msg(h, "a", 13, 13, "x"), 0);
	expect_ids(run(h, HISTORY_LATEST, "a", ref_none(), ref_none(), 9), 3,
	    11, 12, 13);
	/* The other room lost nothing. */
	expect_ids(
	    run(h, HISTORY_LATEST, "b", ref_none(), ref_none(), 9), 1, 10);
	ck_assert_uint_eq(stats(h).events, 4);
	ck_assert_uint_eq(
	    stats(h).bytes, 3 * msg_bytes("a", "x") + msg_bytes("b", "other"));
	history_free(h);
}
END_TEST

START_TEST(test_memory_cap_exact)
{
	size_t s = msg_bytes("a", "0123456789");
	struct history *h = history_new(100, 3 * s);
	struct history *h1 = history_new(100, 3 * s - 1);
	unsigned i;

	for (i = 1; i <= 3; i++) {
		ck_assert_int_eq(add_msg(h, "a", i, i, "0123456789"), 0);
		ck_assert_int_eq(add_msg(h1, "a", i, i, "0123456789"), 0);
	}
	/* 3 * s fits 3 exactly; one byte less holds only 2. */
	ck_assert_uint_eq(stats(h).events, 3);
	ck_assert_uint_eq(stats(h).bytes, 3 * s);
	ck_assert_uint_eq(stats(h1).events, 2);
	ck_assert_uint_eq(stats(h1).bytes, 2 * s);
	expect_ids(
	    run(h1, HISTORY_LATEST, "a", ref_none(), ref_none(), 9), 2, 2, 3);
	ck_assert_int_eq(add_msg(h, "a", 4, 4, "0123456789"), 0);
	expect_ids(
	    run(h, HISTORY_LATEST, "a", ref_none(), ref_none(), 9), 3, 2, 3, 4);
	/* One byte more than an old event frees two of them. */
	ck_assert_int_eq(add_msg(h, "a", 5, 5, "0123456789A"), 0);
	expect_ids(
	    run(h, HISTORY_LATEST, "a", ref_none(), ref_none(), 9), 2, 4, 5);
	ck_assert_uint_eq(stats(h).bytes, 2 * s + 1);
	history_free(h);
	history_free(h1);
}
END_TEST

START_TEST(test_memory_cap_oldest_across_rooms)
{
	size_t s = msg_bytes("a", "xx");
	struct history *h = history_new(100, 4 * s);
	struct got *g;

	/* Arrival order a1 b2 c3 a4, then b5, c6: the oldest of all go. */
	ck_assert_int_eq(add_msg(h, "a", 1, 1, "xx"), 0);
	ck_assert_int_eq(add_msg(h, "b", 2, 2, "xx"), 0);
	ck_assert_int_eq(add_msg(h, "c", 3, 3, "xx"), 0);
	ck_assert_int_eq(add_msg(h, "a", 4, 4, "xx"), 0);
	ck_assert_int_eq(add_msg(h, "b", 5, 5, "xx"), 0);
	expect_ids(
	    run(h, HISTORY_LATEST, "a", ref_none(), ref_none(), 9), 1, 4);
	ck_assert_int_eq(add_msg(h, "c", 6, 6, "xx"), 0);
	g = run(h, HISTORY_LATEST, "b", ref_none(), ref_none(), 9);
	expect_ids(g, 1, 5);
	expect_ids(
	    run(h, HISTORY_LATEST, "c", ref_none(), ref_none(), 9), 2, 3, 6);
	ck_assert_uint_eq(stats(h).rooms, 3);
	/* 40 bytes more than the others: c3 and a4, the two oldest, go. */
	ck_assert_int_eq(
	    add_msg(h, "a", 7, 7, "xx0123456789012345678901234567890123456789"),
	    0);
	ck_assert_uint_eq(stats(h).bytes, 3 * s + 40);
	expect_ids(
	    run(h, HISTORY_LATEST, "a", ref_none(), ref_none(), 9), 1, 7);
	expect_ids(
	    run(h, HISTORY_LATEST, "b", ref_none(), ref_none(), 9), 1, 5);
	expect_ids(
	    run(h, HISTORY_LATEST, "c", ref_none(), ref_none(), 9), 1, 6);
	history_free(h);
}
END_TEST

START_TEST(test_event_larger_than_cap)
{
	size_t s = msg_bytes("a", "xx");
	struct history *h = history_new(100, 2 * s);
	size_t n = 2 * s - msg_bytes("a", ""); /* text of an event of 2 s */
	char *big = malloc(n + 2);

	ck_assert_ptr_nonnull(big);
	memset(big, 'y', n + 1);
	big[n + 1] = '\0';
	ck_assert_uint_eq(msg_bytes("a", big), 2 * s + 1);
	ck_assert_int_eq(add_msg(h, "a", 1, 1, "xx"), 0);
	ck_assert_int_eq(add_msg(h, "b", 2, 2, "xx"), 0);
	/* One byte over the cap: not kept, and nothing evicted for it. */
	ck_assert_int_eq(add_msg(h, "c", 3, 3, big), 0);
	ck_assert_uint_eq(stats(h).events, 2);
	ck_assert_uint_eq(stats(h).rooms, 2);
	expect_ids(run(h, HISTORY_LATEST, "c", ref_none(), ref_none(), 9), 0);
	expect_ids(
	    run(h, HISTORY_LATEST, "a", ref_none(), ref_none(), 9), 1, 1);
	/* Exactly the cap: kept, alone; the other rooms go, its own too. */
	big[n] = '\0';
	ck_assert_int_eq(add_msg(h, "a", 4, 4, big), 0);
	ck_assert_uint_eq(stats(h).events, 1);
	ck_assert_uint_eq(stats(h).rooms, 1);
	ck_assert_uint_eq(stats(h).bytes, 2 * s);
	expect_ids(
	    run(h, HISTORY_LATEST, "a", ref_none(), ref_none(), 9), 1, 4);
	expect_ids(run(h, HISTORY_LATEST, "b", ref_none(), ref_none(), 9), 0);
	/* The next one, however small, evicts it. */
	ck_assert_int_eq(add_msg(h, "b", 5, 5, ""), 0);
	ck_assert_uint_eq(stats(h).events, 1);
	ck_assert_uint_eq(stats(h).rooms, 1);
	history_free(h);
	free(big);

	h = history_new(100, 0);
	ck_assert_int_eq(add_msg(h, "a", 1, 1, ""), 0);
	ck_assert_uint_eq(stats(h).events, 0);
	history_free(h);
}
END_TEST

START_TEST(test_rooms_ignore_case_and_outlive)
{
	struct history *h = history_new(100, 1024 * K);
	struct got *g;

	ck_assert_int_eq(add_msg(h, "Dev", 1, 1, "one"), 0);
	ck_assert_int_eq(add_msg(h, "dEV", 2, 2, "two"), 0);
	ck_assert_int_eq(add_msg(h, "lobby", 3, 3, "three"), 0);
	ck_assert_uint_eq(stats(h).rooms, 2);
	/* No notion of members: what was said is there for whoever asks. */
	g = run(h, HISTORY_LATEST, "DEV", ref_none(), ref_none(), 10);
	expect_ids(g, 2, 1, 2);
	ck_assert_str_eq(g->ev[0]->room, "Dev");
	ck_assert_str_eq(g->ev[1]->room, "dEV");
	expect_ids(
	    run(h, HISTORY_LATEST, "dev", ref_none(), ref_none(), 10), 2, 1, 2);
	expect_ids(run(h, HISTORY_LATEST, "de", ref_none(), ref_none(), 10), 0);
	expect_ids(
	    run(h, HISTORY_LATEST, "devv", ref_none(), ref_none(), 10), 0);
	expect_ids(
	    run(h, HISTORY_LATEST, "nowhere", ref_none(), ref_none(), 10), 0);
	history_free(h);
}
END_TEST

START_TEST(test_many_rooms_come_and_go)
{
	size_t s = msg_bytes("r0000", "x");
	struct history *h = history_new(1000, 500 * s);
	char room[16];
	unsigned i;
	struct history_stats st;

	/* 5000 rooms through a cap of 500 events: the table grows, shrinks. */
	for (i = 1; i <= 5000; i++) {
		snprintf(room, sizeof room, "r%04u", i);
		ck_assert_int_eq(add_msg(h, room, i, i, "x"), 0);
		st = stats(h);
		ck_assert_uint_eq(st.events, i < 500 ? i : 500);
		ck_assert_uint_eq(st.rooms, st.events);
	}
	expect_ids(run(h, HISTORY_LATEST, "R4501", ref_none(), ref_none(), 9),
	    1, 4501);
	expect_ids(
	    run(h, HISTORY_LATEST, "r4500", ref_none(), ref_none(), 9), 0);
	/* Now one room takes it all, and the others go. */
	for (i = 5001; i <= 5600; i++)
		ck_assert_int_eq(add_msg(h, "R4501", i, i, "x"), 0);
	st = stats(h);
	ck_assert_uint_eq(st.events, 500);
	ck_assert_uint_eq(st.rooms, 1);
	history_free(h);
}
END_TEST

START_TEST(test_history_off)
{
	struct history *h = history_new(0, 1024 * K);
	const char *rooms[] = { "a" };
	struct history_targets t = { .rooms = rooms,
		.nrooms = 1,
		.from_ms = 0,
		.to_ms = 100,
		.limit = 10 };
	struct got g = { 0 };
	struct history_stats st;

	ck_assert_uint_eq(h->per_room, 0);
	ck_assert_int_eq(add_msg(h, "a", 1, 1, "x"), 0);
	st = stats(h);
	ck_assert_uint_eq(st.events, 0);
	ck_assert_uint_eq(st.bytes, 0);
	ck_assert_uint_eq(st.rooms, 0);
	expect_ids(run(h, HISTORY_LATEST, "a", ref_none(), ref_none(), 10), 0);
	expect_ids(run(h, HISTORY_AROUND, "a", ref_id(1), ref_none(), 10), 0);
	history_targets(h, &t, got_cb, &g);
	ck_assert_int_eq(g.calls, 1);
	ck_assert_uint_eq(g.n, 0);
	history_free(h);
}
END_TEST

START_TEST(test_stats)
{
	struct history *h = history_new(2, 1024 * K);
	struct history_stats st;
	size_t empty;

	st = stats(h);
	ck_assert_uint_eq(st.events, 0);
	ck_assert_uint_eq(st.bytes, 0);
	ck_assert_uint_eq(st.rooms, 0);
	empty = st.index_bytes;
	ck_assert_int_eq(add_msg(h, "a", 1, 1, "one"), 0);
	ck_assert_int_eq(add_msg(h, "b", 2, 2, "two!"), 0);
	ck_assert_int_eq(add_msg(h, "a", 3, 3, "three"), 0);
	ck_assert_int_eq(add_msg(h, "a", 4, 4, "four"), 0);
	st = stats(h);
	ck_assert_uint_eq(st.events, 3);
	ck_assert_uint_eq(st.rooms, 2);
	ck_assert_uint_eq(st.bytes,
	    msg_bytes("b", "two!") + msg_bytes("a", "three") +
		msg_bytes("a", "four"));
	ck_assert_uint_gt(st.index_bytes, empty);
	history_free(h);
	history_free(NULL);
}
END_TEST

START_TEST(test_stale_ring_stays_small)
{
	struct history *h = history_new(1, 64 * 1024 * K);
	struct history_stats st;
	unsigned i;

	/*
	 * Room a's one event stays oldest while room b's cap drops each of
	 * b's in turn: the store's bookkeeping must not grow with the adds.
	 */
	ck_assert_int_eq(add_msg(h, "a", 1, 1, "first"), 0);
	for (i = 2; i < 100000; i++)
		ck_assert_int_eq(add_msg(h, "b", i, i, "again"), 0);
	st = stats(h);
	ck_assert_uint_eq(st.events, 2);
	ck_assert_uint_lt(st.index_bytes, 4 * K);
	expect_ids(
	    run(h, HISTORY_LATEST, "a", ref_none(), ref_none(), 9), 1, 1);
	expect_ids(
	    run(h, HISTORY_LATEST, "b", ref_none(), ref_none(), 9), 1, 99999);
	history_free(h);
}
END_TEST

/* Events handed out stay valid after the answer, until the next add. */
START_TEST(test_results_outlive_the_callback)
{
	struct history *h = history_new(10, 1024 * K);
	const struct ev *kept;

	ck_assert_int_eq(add_msg(h, "a", 1, 1, "still here"), 0);
	kept = run(h, HISTORY_LATEST, "a", ref_none(), ref_none(), 1)->ev[0];
	ck_assert_str_eq(kept->text, "still here");
	ck_assert_str_eq(kept->room, "a");
	history_free(h);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("history");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_copy_in_one_allocation);
	tcase_add_test(tc, test_null_strings_kept_null);
	tcase_add_test(tc, test_add_refuses);
	tcase_add_test(tc, test_per_room_cap);
	tcase_add_test(tc, test_memory_cap_exact);
	tcase_add_test(tc, test_memory_cap_oldest_across_rooms);
	tcase_add_test(tc, test_event_larger_than_cap);
	tcase_add_test(tc, test_rooms_ignore_case_and_outlive);
	tcase_add_test(tc, test_many_rooms_come_and_go);
	tcase_add_test(tc, test_history_off);
	tcase_add_test(tc, test_stats);
	tcase_add_test(tc, test_stale_ring_stays_small);
	tcase_add_test(tc, test_results_outlive_the_callback);
	suite_add_tcase(s, tc);
	return s;
}
