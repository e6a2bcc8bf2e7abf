/*
 * test_history_redis.c: server/history_redis.c, the history store in Redis
 * streams, against a real redis-server, answering as the memory store
 * does: every selection and TARGETS case of the memory store's tests
 * (history_cases.h) with the same answers, field for field, and thousands
 * of random adds, queries and TARGETS under random caps
 * (test_history_redis_store.c tests the rest).
 */
#include "history_redis_test.h"
#include "unit/history_cases.h"

#define BATCH 150

/* --- the memory store's cases ------------------------------------------ */

START_TEST(test_cases_as_memory)
{
	struct history *h, *m;
	static struct ans got[sizeof history_cases / sizeof history_cases[0]];
	struct ans mem, err;
	const struct history_case *c;
	size_t i, n = sizeof history_cases / sizeof history_cases[0];
	struct history_query q;

	if (!setup("test_cases_as_memory"))
		return;
	h = store(HISTORY_CASES_PER_ROOM);
	m = history_new(HISTORY_CASES_PER_ROOM, 1024 * 1024);
	history_cases_fixture(h);
	history_cases_fixture(m);
	/* All asked at once; each answered later, in order. */
	for (i = 0; i < n; i++) {
		c = &history_cases[i];
		q = (struct history_query){ .sel = c->sel,
			.room = c->room,
			.ref = c->ref,
			.ref2 = c->ref2,
			.limit = c->limit };
		ask(h, &q, &got[i], 1);
	}
	ck_assert(redis_loop_run(L, answered, &got[n - 1], WAIT_MS));
	for (i = 0; i < n; i++) {
		c = &history_cases[i];
		ck_assert_int_eq(got[i].calls, 1);
		ck_assert_int_eq(got[i].order, (int)i + 1);
		ans_ids(&got[i], c->n, c->ids, c->line);
		q = (struct history_query){ .sel = c->sel,
			.room = c->room,
			.ref = c->ref,
			.ref2 = c->ref2,
			.limit = c->limit };
		ask(m, &q, &mem, 0);
		ans_same(&got[i], &mem, c->line);
	}
	for (i = 0;
	     i < sizeof history_error_cases / sizeof history_error_cases[0];
	     i++) {
		const struct history_error_case *e = &history_error_cases[i];

		q = (struct history_query){ .sel = e->sel,
			.room = e->room,
			.ref = e->ref,
			.ref2 = e->ref2,
			.limit = 9 };
		ask(h, &q, &err, 1); /* even EINVAL comes later */
		wait_ans(&err);
		ck_assert_msg(err.error == e->error, "line %d: error %d",
		    e->line, err.error);
		ck_assert_uint_eq(err.n, 0);
	}
	history_free(m);
	history_free(h);
	teardown();
}
END_TEST

static void
targets_fixture_case(int fixture)
{
	struct history *h = store(HISTORY_TARGETS_PER_ROOM);
	struct history *m = history_new(HISTORY_TARGETS_PER_ROOM, 1024 * 1024);
	const struct history_targets_case *t;
	struct ans a, b;
	size_t i;

	flushall();
	history_targets_fixture(h, fixture);
	history_targets_fixture(m, fixture);
	for (i = 0;
	     i < sizeof history_targets_cases / sizeof history_targets_cases[0];
	     i++) {
		struct history_targets q;

		t = &history_targets_cases[i];
		if (t->fixture != fixture)
			continue;
		q = (struct history_targets){
			.rooms = history_targets_rooms[fixture] + t->first,
			.nrooms = t->nrooms,
			.from_ms = t->from,
			.to_ms = t->to,
			.limit = t->limit
		};
		memset(&a, 0, sizeof a);
		memset(&b, 0, sizeof b);
		history_targets(h, &q, on_ans, &a);
		ck_assert_int_eq(a.calls, 0);
		wait_ans(&a);
		history_targets(m, &q, on_ans, &b);
		ans_ids(&a, t->n, t->ids, t->line);
		ans_same(&a, &b, t->line);
	}
	history_free(m);
	history_free(h);
}

START_TEST(test_targets_as_memory)
{
	if (!setup("test_targets_as_memory"))
		return;
	targets_fixture_case(0);
	targets_fixture_case(1);
	teardown();
}
END_TEST

/* --- random adds and queries against the memory store ------------------ */

static unsigned long rng = 7;

static unsigned
rnd(unsigned n)
{
	rng = rng * 6364136223846793005ul + 1442695040888963407ul;
	return n == 0 ? 0 : (unsigned)((rng >> 33) % n);
}

static const char *const rooms[] = { "a", "B", "lobby", "x-1", "A", "b",
	"LOBBY", "X-1" };

/* Ids and times mostly near the newest, where the rooms' events are. */
static struct history_ref
rnd_ref(uint64_t max_id, int64_t max_time)
{
	struct history_ref r;
	unsigned near;

	switch (rnd(3)) {
	case 0:
		r.kind = HISTORY_REF_ID;
		near = rnd(40);
		r.id = rnd(2) == 0 && near <= max_id ?
		    max_id - near :
		    rnd((unsigned)max_id + 3);
		break;
	case 1:
		r.kind = HISTORY_REF_TIME;
		near = rnd(120);
		r.time_ms = rnd(2) == 0 ?
		    max_time - near + 2 :
		    (int64_t)rnd((unsigned)max_time + 4) - 2;
		break;
	default:
		r.kind = HISTORY_REF_NONE;
	}
	return r;
}

START_TEST(test_random_as_memory)
{
	static struct ans got[BATCH], mem[BATCH];
	struct history *h, *m;
	uint64_t id;
	int64_t t;
	size_t per_room, b, i, nq;
	int round;

	if (!setup("test_random_as_memory"))
		return;
	for (round = 0; round < 12; round++) {
		flushall();
		per_room = 1 + rnd(8);
		h = store(per_room);
		m = history_new(per_room, 1 << 30);
		id = 0;
		t = 0;
		for (b = 0; b < 4; b++) {
			nq = 0;
			while (nq < BATCH) {
				if (rnd(3) == 0) {
					struct history_query q;

					q.sel = (enum history_sel)rnd(5);
					q.room = rooms[rnd(8)];
					q.ref = rnd_ref(id, t);
					q.ref2 = rnd_ref(id, t);
					q.limit = rnd(per_room + 3);
					ask(h, &q, &got[nq], 1);
					ask(m, &q, &mem[nq], 0);
					nq++;
				} else if (rnd(8) == 0) {
					const char *const *set = rooms + rnd(5);
					struct history_targets q = { .rooms =
									 set,
						.nrooms = rnd(4),
						.from_ms =
						    (int64_t)rnd(
							(unsigned)t + 4) -
						    2,
						.to_ms = (int64_t)rnd(
							     (unsigned)t + 4) -
						    2,
						.limit = rnd(5) };

					memset(&got[nq], 0, sizeof got[nq]);
					memset(&mem[nq], 0, sizeof mem[nq]);
					history_targets(
					    h, &q, on_ans, &got[nq]);
					history_targets(
					    m, &q, on_ans, &mem[nq]);
					nq++;
				} else {
					const char *room = rooms[rnd(8)];

					id += 1 + rnd(2);
					t += rnd(3) == 0 ? rnd(50) : 0;
					ck_assert_int_eq(
					    add_msg(h, room, id, t, "m"), 0);
					ck_assert_int_eq(
					    add_msg(m, room, id, t, "m"), 0);
				}
			}
			ck_assert(
			    redis_loop_run(L, answered, &got[nq - 1], WAIT_MS));
			for (i = 0; i < nq; i++)
				ans_same(&got[i], &mem[i], (int)i);
		}
		history_free(m);
		history_free(h);
	}
	teardown();
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("history_redis");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_unchecked_fixture(
	    tc, redis_srv_suite_setup, redis_srv_suite_teardown);
	tcase_add_test(tc, test_cases_as_memory);
	tcase_add_test(tc, test_targets_as_memory);
	tcase_add_test(tc, test_random_as_memory);
	suite_add_tcase(s, tc);
	return s;
}
