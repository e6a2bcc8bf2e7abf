/*
 * test_history_query.c: unit tests for server/history.c's selections
 * (LATEST, BEFORE, AFTER, AROUND, BETWEEN) at their bounds, and TARGETS.
 */
#include <stdlib.h>

#include "history_util.h"

#define ID   ref_id
#define T    ref_time
#define NONE ref_none()

/*
 * Room r holds, oldest first (id@time):
 *   10@100 20@200 30@200 40@200 50@300 60@400
 * id 5@50 came first and was dropped by the cap of 6; id 35 is in room o.
 */
static struct history *
fixture(void)
{
	struct history *h = history_new(6, 1024 * 1024);
	static const unsigned ids[] = { 5, 10, 20, 30, 40, 50, 60 };
	static const int times[] = { 50, 100, 200, 200, 200, 300, 400 };
	size_t i;

	ck_assert_ptr_nonnull(h);
	for (i = 0; i < 7; i++) {
		ck_assert_int_eq(add_msg(h, "r", ids[i], times[i], "x"), 0);
		if (ids[i] == 30)
			ck_assert_int_eq(add_msg(h, "o", 35, 250, "y"), 0);
	}
	return h;
}

START_TEST(test_latest)
{
	struct history *h = fixture();

	expect_ids(run(h, HISTORY_LATEST, "r", NONE, NONE, 0), 0);
	expect_ids(run(h, HISTORY_LATEST, "r", NONE, NONE, 1), 1, 60);
	expect_ids(run(h, HISTORY_LATEST, "r", NONE, NONE, 2), 2, 50, 60);
	expect_ids(run(h, HISTORY_LATEST, "r", NONE, NONE, 6), 6, 10, 20, 30,
	    40, 50, 60);
	expect_ids(run(h, HISTORY_LATEST, "R", NONE, NONE, 100), 6, 10, 20, 30,
	    40, 50, 60);
	/* With a ref: the newest of those strictly after it. */
	expect_ids(run(h, HISTORY_LATEST, "r", ID(30), NONE, 9), 3, 40, 50, 60);
	expect_ids(run(h, HISTORY_LATEST, "r", ID(30), NONE, 2), 2, 50, 60);
	expect_ids(run(h, HISTORY_LATEST, "r", ID(10), NONE, 9), 5, 20, 30, 40,
	    50, 60);
	expect_ids(run(h, HISTORY_LATEST, "r", ID(60), NONE, 9), 0);
	expect_ids(run(h, HISTORY_LATEST, "r", ID(5), NONE, 9), 0);
	expect_ids(run(h, HISTORY_LATEST, "r", ID(35), NONE, 9), 0);
	expect_ids(run(h, HISTORY_LATEST, "r", ID(999), NONE, 9), 0);
	expect_ids(run(h, HISTORY_LATEST, "r", T(200), NONE, 9), 2, 50, 60);
	expect_ids(run(h, HISTORY_LATEST, "r", T(199), NONE, 9), 5, 20, 30, 40,
	    50, 60);
	expect_ids(run(h, HISTORY_LATEST, "r", T(199), NONE, 1), 1, 60);
	expect_ids(run(h, HISTORY_LATEST, "r", T(0), NONE, 9), 6, 10, 20, 30,
	    40, 50, 60);
	expect_ids(run(h, HISTORY_LATEST, "r", T(400), NONE, 9), 0);
	expect_ids(run(h, HISTORY_LATEST, "r", T(1000), NONE, 9), 0);
	history_free(h);
}
END_TEST

START_TEST(test_before)
{
	struct history *h = fixture();

	expect_ids(run(h, HISTORY_BEFORE, "r", ID(10), NONE, 9), 0);
	expect_ids(run(h, HISTORY_BEFORE, "r", ID(20), NONE, 9), 1, 10);
	expect_ids(run(h, HISTORY_BEFORE, "r", ID(30), NONE, 9), 2, 10, 20);
	expect_ids(run(h, HISTORY_BEFORE, "r", ID(60), NONE, 2), 2, 40, 50);
	expect_ids(run(h, HISTORY_BEFORE, "r", ID(60), NONE, 5), 5, 10, 20, 30,
	    40, 50);
	expect_ids(run(h, HISTORY_BEFORE, "r", ID(60), NONE, 0), 0);
	expect_ids(run(h, HISTORY_BEFORE, "r", ID(5), NONE, 9), 0);
	expect_ids(run(h, HISTORY_BEFORE, "r", ID(35), NONE, 9), 0);
	/* Before time T: time < T, so none of the run at 200. */
	expect_ids(run(h, HISTORY_BEFORE, "r", T(200), NONE, 9), 1, 10);
	expect_ids(
	    run(h, HISTORY_BEFORE, "r", T(201), NONE, 9), 4, 10, 20, 30, 40);
	expect_ids(run(h, HISTORY_BEFORE, "r", T(201), NONE, 2), 2, 30, 40);
	expect_ids(run(h, HISTORY_BEFORE, "r", T(250), NONE, 1), 1, 40);
	expect_ids(run(h, HISTORY_BEFORE, "r", T(100), NONE, 9), 0);
	expect_ids(run(h, HISTORY_BEFORE, "r", T(99), NONE, 9), 0);
	expect_ids(
	    run(h, HISTORY_BEFORE, "r", T(1000), NONE, 3), 3, 40, 50, 60);
	history_free(h);
}
END_TEST

START_TEST(test_after)
{
	struct history *h = fixture();

	expect_ids(run(h, HISTORY_AFTER, "r", ID(60), NONE, 9), 0);
	expect_ids(run(h, HISTORY_AFTER, "r", ID(50), NONE, 9), 1, 60);
	expect_ids(
	    run(h, HISTORY_AFTER, "r", ID(10), NONE, 9), 5, 20, 30, 40, 50, 60);
	expect_ids(run(h, HISTORY_AFTER, "r", ID(10), NONE, 2), 2, 20, 30);
	/* Inside a run of equal times an id still cuts exactly. */
	expect_ids(
	    run(h, HISTORY_AFTER, "r", ID(20), NONE, 9), 4, 30, 40, 50, 60);
	expect_ids(run(h, HISTORY_AFTER, "r", ID(30), NONE, 1), 1, 40);
	expect_ids(run(h, HISTORY_AFTER, "r", ID(5), NONE, 9), 0);
	expect_ids(run(h, HISTORY_AFTER, "r", ID(35), NONE, 9), 0);
	expect_ids(run(h, HISTORY_AFTER, "r", ID(10), NONE, 0), 0);
	/* After time T: time > T. */
	expect_ids(run(h, HISTORY_AFTER, "r", T(200), NONE, 9), 2, 50, 60);
	expect_ids(run(h, HISTORY_AFTER, "r", T(199), NONE, 3), 3, 20, 30, 40);
	expect_ids(run(h, HISTORY_AFTER, "r", T(0), NONE, 2), 2, 10, 20);
	expect_ids(run(h, HISTORY_AFTER, "r", T(100), NONE, 1), 1, 20);
	expect_ids(run(h, HISTORY_AFTER, "r", T(400), NONE, 9), 0);
	expect_ids(run(h, HISTORY_AFTER, "r", T(1000), NONE, 9), 0);
	history_free(h);
}
END_TEST

START_TEST(test_around_msgid)
{
	struct history *h = fixture();

	expect_ids(run(h, HISTORY_AROUND, "r", ID(30), NONE, 0), 0);
	expect_ids(run(h, HISTORY_AROUND, "r", ID(30), NONE, 1), 1, 30);
	expect_ids(run(h, HISTORY_AROUND, "r", ID(30), NONE, 3), 3, 20, 30, 40);
	/* Even limits: the extra one is the later. */
	expect_ids(run(h, HISTORY_AROUND, "r", ID(30), NONE, 2), 2, 30, 40);
	expect_ids(
	    run(h, HISTORY_AROUND, "r", ID(30), NONE, 4), 4, 20, 30, 40, 50);
	expect_ids(run(h, HISTORY_AROUND, "r", ID(30), NONE, 5), 5, 10, 20, 30,
	    40, 50);
	expect_ids(run(h, HISTORY_AROUND, "r", ID(30), NONE, 6), 6, 10, 20, 30,
	    40, 50, 60);
	expect_ids(run(h, HISTORY_AROUND, "r", ID(30), NONE, 100), 6, 10, 20,
	    30, 40, 50, 60);
	/* Near the ends the window takes more from the other side. */
	expect_ids(run(h, HISTORY_AROUND, "r", ID(10), NONE, 1), 1, 10);
	expect_ids(run(h, HISTORY_AROUND, "r", ID(10), NONE, 3), 3, 10, 20, 30);
	expect_ids(run(h, HISTORY_AROUND, "r", ID(20), NONE, 5), 5, 10, 20, 30,
	    40, 50);
	expect_ids(run(h, HISTORY_AROUND, "r", ID(60), NONE, 1), 1, 60);
	expect_ids(run(h, HISTORY_AROUND, "r", ID(60), NONE, 3), 3, 40, 50, 60);
	expect_ids(
	    run(h, HISTORY_AROUND, "r", ID(50), NONE, 4), 4, 30, 40, 50, 60);
	/* Unknown and evicted ids. */
	expect_ids(run(h, HISTORY_AROUND, "r", ID(5), NONE, 3), 0);
	expect_ids(run(h, HISTORY_AROUND, "r", ID(35), NONE, 3), 0);
	expect_ids(run(h, HISTORY_AROUND, "r", ID(61), NONE, 3), 0);
	history_free(h);
}
END_TEST

START_TEST(test_around_time)
{
	struct history *h = fixture();

	/* limit / 2 from before T, the rest from T on. */
	expect_ids(run(h, HISTORY_AROUND, "r", T(200), NONE, 1), 1, 20);
	expect_ids(run(h, HISTORY_AROUND, "r", T(200), NONE, 2), 2, 10, 20);
	expect_ids(run(h, HISTORY_AROUND, "r", T(200), NONE, 3), 3, 10, 20, 30);
	expect_ids(run(h, HISTORY_AROUND, "r", T(250), NONE, 1), 1, 50);
	expect_ids(run(h, HISTORY_AROUND, "r", T(250), NONE, 2), 2, 40, 50);
	expect_ids(
	    run(h, HISTORY_AROUND, "r", T(250), NONE, 4), 4, 30, 40, 50, 60);
	expect_ids(run(h, HISTORY_AROUND, "r", T(300), NONE, 3), 3, 40, 50, 60);
	/* Before the first and after the last event. */
	expect_ids(run(h, HISTORY_AROUND, "r", T(0), NONE, 2), 2, 10, 20);
	expect_ids(run(h, HISTORY_AROUND, "r", T(1000), NONE, 1), 1, 60);
	expect_ids(run(h, HISTORY_AROUND, "r", T(1000), NONE, 2), 2, 50, 60);
	expect_ids(run(h, HISTORY_AROUND, "r", T(1000), NONE, 9), 6, 10, 20, 30,
	    40, 50, 60);
	expect_ids(run(h, HISTORY_AROUND, "r", T(200), NONE, 0), 0);
	history_free(h);
}
END_TEST

START_TEST(test_between)
{
	struct history *h = fixture();

	expect_ids(
	    run(h, HISTORY_BETWEEN, "r", ID(10), ID(60), 9), 4, 20, 30, 40, 50);
	expect_ids(run(h, HISTORY_BETWEEN, "r", ID(10), ID(60), 2), 2, 20, 30);
	/* Backwards: the limit counts from the first ref, oldest first. */
	expect_ids(run(h, HISTORY_BETWEEN, "r", ID(60), ID(10), 2), 2, 40, 50);
	expect_ids(
	    run(h, HISTORY_BETWEEN, "r", ID(60), ID(10), 9), 4, 20, 30, 40, 50);
	expect_ids(run(h, HISTORY_BETWEEN, "r", ID(20), ID(30), 9), 0);
	expect_ids(run(h, HISTORY_BETWEEN, "r", ID(30), ID(20), 9), 0);
	expect_ids(run(h, HISTORY_BETWEEN, "r", ID(30), ID(30), 9), 0);
	expect_ids(run(h, HISTORY_BETWEEN, "r", ID(10), ID(60), 0), 0);
	/* Times: strictly between, so a run at a bound is out. */
	expect_ids(
	    run(h, HISTORY_BETWEEN, "r", T(100), T(300), 9), 3, 20, 30, 40);
	expect_ids(run(h, HISTORY_BETWEEN, "r", T(300), T(100), 2), 2, 30, 40);
	expect_ids(run(h, HISTORY_BETWEEN, "r", T(200), T(300), 9), 0);
	expect_ids(run(h, HISTORY_BETWEEN, "r", T(200), T(200), 9), 0);
	expect_ids(
	    run(h, HISTORY_BETWEEN, "r", T(199), T(201), 9), 3, 20, 30, 40);
	expect_ids(run(h, HISTORY_BETWEEN, "r", T(201), T(199), 1), 1, 40);
	expect_ids(run(h, HISTORY_BETWEEN, "r", T(0), T(1000), 9), 6, 10, 20,
	    30, 40, 50, 60);
	expect_ids(run(h, HISTORY_BETWEEN, "r", T(1000), T(0), 9), 6, 10, 20,
	    30, 40, 50, 60);
	/* Mixed refs. */
	expect_ids(run(h, HISTORY_BETWEEN, "r", ID(20), T(300), 9), 2, 30, 40);
	expect_ids(run(h, HISTORY_BETWEEN, "r", T(300), ID(20), 1), 1, 40);
	expect_ids(run(h, HISTORY_BETWEEN, "r", ID(40), T(200), 9), 0);
	expect_ids(run(h, HISTORY_BETWEEN, "r", T(200), ID(40), 9), 0);
	expect_ids(run(h, HISTORY_BETWEEN, "r", T(100), ID(40), 9), 2, 20, 30);
	/* An unknown or evicted id on either side: nothing. */
	expect_ids(run(h, HISTORY_BETWEEN, "r", ID(5), ID(60), 9), 0);
	expect_ids(run(h, HISTORY_BETWEEN, "r", ID(10), ID(35), 9), 0);
	expect_ids(run(h, HISTORY_BETWEEN, "r", T(0), ID(999), 9), 0);
	history_free(h);
}
END_TEST

START_TEST(test_query_errors)
{
	struct history *h = fixture();
	struct got *g;

	g = run(h, HISTORY_BEFORE, "r", NONE, NONE, 9);
	ck_assert_int_eq(g->error, EINVAL);
	ck_assert_uint_eq(g->n, 0);
	ck_assert_int_eq(
	    run(h, HISTORY_AFTER, "r", NONE, NONE, 9)->error, EINVAL);
	ck_assert_int_eq(
	    run(h, HISTORY_AROUND, "r", NONE, NONE, 9)->error, EINVAL);
	ck_assert_int_eq(
	    run(h, HISTORY_BETWEEN, "r", ID(10), NONE, 9)->error, EINVAL);
	ck_assert_int_eq(
	    run(h, HISTORY_BETWEEN, "r", NONE, ID(10), 9)->error, EINVAL);
	ck_assert_int_eq(
	    run(h, HISTORY_LATEST, NULL, NONE, NONE, 9)->error, EINVAL);
	ck_assert_int_eq(
	    run(h, (enum history_sel)99, "r", ID(10), NONE, 9)->error, EINVAL);
	/* An unknown room is no error, just empty. */
	g = run(h, HISTORY_LATEST, "nowhere", NONE, NONE, 9);
	expect_ids(g, 0);
	history_free(h);
}
END_TEST

static struct got *
targets(struct history *h, const char *const *rooms, size_t n, int64_t from,
    int64_t to, size_t limit)
{
	static struct got g;
	struct history_targets t = { .rooms = rooms,
		.nrooms = n,
		.from_ms = from,
		.to_ms = to,
		.limit = limit };

	memset(&g, 0, sizeof g);
	history_targets(h, &t, got_cb, &g);
	ck_assert_int_eq(g.calls, 1);
	return &g;
}

START_TEST(test_targets)
{
	struct history *h = history_new(10, 1024 * 1024);
	const char *rooms[] = { "a", "b", "C", "d", "zz", "A" };
	struct got *g;

	/* a: 1@100 4@300, b: 2@200, c: 3@150 6@500, d: 5@400, e: 7@600 */
	ck_assert_int_eq(add_msg(h, "a", 1, 100, "x"), 0);
	ck_assert_int_eq(add_msg(h, "b", 2, 200, "x"), 0);
	ck_assert_int_eq(add_msg(h, "c", 3, 150, "x"), 0);
	ck_assert_int_eq(add_msg(h, "a", 4, 300, "x"), 0);
	ck_assert_int_eq(add_msg(h, "d", 5, 400, "x"), 0);
	ck_assert_int_eq(add_msg(h, "c", 6, 500, "x"), 0);
	ck_assert_int_eq(add_msg(h, "e", 7, 600, "x"), 0);

	/* By the time of each one's latest event; a named twice, once. */
	g = targets(h, rooms, 6, 0, 1000, 10);
	expect_ids(g, 4, 2, 4, 5, 6);
	ck_assert_str_eq(g->ev[0]->room, "b");
	ck_assert_int_eq(g->ev[0]->time_ms, 200);
	ck_assert_str_eq(g->ev[3]->room, "c");
	ck_assert_int_eq(g->ev[3]->time_ms, 500);
	/* The latest in the window, bounds exclusive. */
	expect_ids(targets(h, rooms, 6, 100, 400, 10), 3, 3, 2, 4);
	expect_ids(targets(h, rooms, 6, 150, 300, 10), 1, 2);
	expect_ids(targets(h, rooms, 6, 600, 1000, 10), 0);
	expect_ids(targets(h, rooms, 6, 300, 300, 10), 0);
	/* Limits: forwards from the first time, or backwards from it. */
	expect_ids(targets(h, rooms, 6, 0, 1000, 2), 2, 2, 4);
	expect_ids(targets(h, rooms, 6, 1000, 0, 2), 2, 5, 6);
	expect_ids(targets(h, rooms, 6, 1000, 0, 10), 4, 2, 4, 5, 6);
	expect_ids(targets(h, rooms, 6, 0, 1000, 4), 4, 2, 4, 5, 6);
	expect_ids(targets(h, rooms, 6, 0, 1000, 0), 0);
	expect_ids(targets(h, rooms, 0, 0, 1000, 10), 0);
	expect_ids(targets(h, rooms + 4, 1, 0, 1000, 10), 0);
	history_free(h);
}
END_TEST

START_TEST(test_targets_equal_times)
{
	struct history *h = history_new(10, 1024 * 1024);
	const char *rooms[] = { "f", "e", "g" };

	/* Equal latest times are ordered by id. */
	ck_assert_int_eq(add_msg(h, "e", 8, 600, "x"), 0);
	ck_assert_int_eq(add_msg(h, "f", 9, 600, "x"), 0);
	ck_assert_int_eq(add_msg(h, "g", 10, 600, "x"), 0);
	ck_assert_int_eq(add_msg(h, "g", 11, 700, "x"), 0);
	expect_ids(targets(h, rooms, 3, 0, 700, 10), 3, 8, 9, 10);
	expect_ids(targets(h, rooms, 3, 0, 701, 10), 3, 8, 9, 11);
	expect_ids(targets(h, rooms, 3, 701, 0, 1), 1, 11);
	history_free(h);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("history_query");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_latest);
	tcase_add_test(tc, test_before);
	tcase_add_test(tc, test_after);
	tcase_add_test(tc, test_around_msgid);
	tcase_add_test(tc, test_around_time);
	tcase_add_test(tc, test_between);
	tcase_add_test(tc, test_query_errors);
	tcase_add_test(tc, test_targets);
	tcase_add_test(tc, test_targets_equal_times);
	suite_add_tcase(s, tc);
	return s;
}
