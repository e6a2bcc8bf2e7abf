/*
 * test_history_query.c: unit tests for server/history.c's selections
 * (LATEST, BEFORE, AFTER, AROUND, BETWEEN) at their bounds, and TARGETS:
 * the cases are tables (history_cases.h), which the Redis store's tests
 * run too.
 */
#include <stdlib.h>

#include "history_cases.h"

static struct history *
fixture(void)
{
	struct history *h = history_new(HISTORY_CASES_PER_ROOM, 1024 * 1024);

	ck_assert_ptr_nonnull(h);
	history_cases_fixture(h);
	return h;
}

/* Every case of group g (history_cases.h) against the memory store. */
static void
run_group(enum hc_group g)
{
	struct history *h = fixture();
	const struct history_case *c;
	size_t i, ran = 0;
	struct got *got;

	for (i = 0; i < sizeof history_cases / sizeof history_cases[0]; i++) {
		c = &history_cases[i];
		if (c->group != g)
			continue;
		got = history_case_run(h, c);
		history_case_expect(got, c->n, c->ids, c->line);
		ran++;
	}
	ck_assert_uint_gt(ran, 0);
	history_free(h);
}

START_TEST(test_latest)
{
	run_group(HC_LATEST);
}
END_TEST

START_TEST(test_before)
{
	run_group(HC_BEFORE);
}
END_TEST

START_TEST(test_after)
{
	run_group(HC_AFTER);
}
END_TEST

START_TEST(test_around_msgid)
{
	run_group(HC_AROUND_MSGID);
}
END_TEST

START_TEST(test_around_time)
{
	run_group(HC_AROUND_TIME);
}
END_TEST

START_TEST(test_between)
{
	run_group(HC_BETWEEN);
}
END_TEST

START_TEST(test_query_errors)
{
	struct history *h = fixture();
	const struct history_error_case *c;
	struct got *g;
	size_t i;

	for (i = 0;
	     i < sizeof history_error_cases / sizeof history_error_cases[0];
	     i++) {
		c = &history_error_cases[i];
		g = run(h, c->sel, c->room, c->ref, c->ref2, 9);
		ck_assert_msg(g->error == c->error, "case at line %d: error %d",
		    c->line, g->error);
		ck_assert_uint_eq(g->n, 0);
	}
	history_free(h);
}
END_TEST

/* The TARGETS cases of one fixture against the memory store. */
static void
run_targets(int fixture_no)
{
	struct history *h = history_new(HISTORY_TARGETS_PER_ROOM, 1024 * 1024);
	const struct history_targets_case *t;
	struct got *g;
	size_t i;

	ck_assert_ptr_nonnull(h);
	history_targets_fixture(h, fixture_no);
	for (i = 0;
	     i < sizeof history_targets_cases / sizeof history_targets_cases[0];
	     i++) {
		t = &history_targets_cases[i];
		if (t->fixture != fixture_no)
			continue;
		g = history_targets_run(h, t);
		ck_assert_int_eq(g->calls, 1);
		history_case_expect(g, t->n, t->ids, t->line);
		if (t->line == history_targets_cases[0].line) {
			/* Each target is its room's latest event in the window. */
			ck_assert_str_eq(g->ev[0]->room, "b");
			ck_assert_int_eq(g->ev[0]->time_ms, 200);
			ck_assert_str_eq(g->ev[3]->room, "c");
			ck_assert_int_eq(g->ev[3]->time_ms, 500);
		}
	}
	history_free(h);
}

START_TEST(test_targets)
{
	run_targets(0);
}
END_TEST

START_TEST(test_targets_equal_times)
{
	run_targets(1);
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
