/*
 * history_cases.h: the history selections at their bounds as tables, so
 * that one set of cases runs against every store: test_history_query.c
 * against the memory store, tests/integ/test_history_redis.c against
 * Redis streams and, answer for answer, against the memory store.
 */
#ifndef TEST_HISTORY_CASES_H
#define TEST_HISTORY_CASES_H

#include "history_util.h"

/*
 * Room r holds, oldest first (id@time):
 *   10@100 20@200 30@200 40@200 50@300 60@400
 * id 5@50 came first and was dropped by the cap of 6; id 35 is in room o.
 */
#define HISTORY_CASES_PER_ROOM 6

static inline void
history_cases_fixture(struct history *h)
{
	static const unsigned ids[] = { 5, 10, 20, 30, 40, 50, 60 };
	static const int times[] = { 50, 100, 200, 200, 200, 300, 400 };
	size_t i;

	for (i = 0; i < 7; i++) {
		ck_assert_int_eq(add_msg(h, "r", ids[i], times[i], "x"), 0);
		if (ids[i] == 30)
			ck_assert_int_eq(add_msg(h, "o", 35, 250, "y"), 0);
	}
}

/* Which test of test_history_query.c a case belongs to. */
enum hc_group {
	HC_LATEST,
	HC_BEFORE,
	HC_AFTER,
	HC_AROUND_MSGID,
	HC_AROUND_TIME,
	HC_BETWEEN
};

/* One query and the ids it must answer, oldest first. */
struct history_case {
	enum hc_group group;
	enum history_sel sel;
	const char *room;
	struct history_ref ref, ref2;
	size_t limit;
	size_t n;
	unsigned ids[HISTORY_CASES_PER_ROOM];
	int line;
};

#define HC_NONE                          \
	{                                \
		.kind = HISTORY_REF_NONE \
	}
#define HC_ID(x)                                  \
	{                                         \
		.kind = HISTORY_REF_ID, .id = (x) \
	}
#define HC_T(x)                                          \
	{                                                \
		.kind = HISTORY_REF_TIME, .time_ms = (x) \
	}
#define HC(g, sel, room, a, b, limit, n, ...)                           \
	{                                                               \
		g, sel, room, a, b, limit, n, { __VA_ARGS__ }, __LINE__ \
	}

static const struct history_case history_cases[] = {
	/* LATEST */
	HC(HC_LATEST, HISTORY_LATEST, "r", HC_NONE, HC_NONE, 0, 0, 0),
	HC(HC_LATEST, HISTORY_LATEST, "r", HC_NONE, HC_NONE, 1, 1, 60),
	HC(HC_LATEST, HISTORY_LATEST, "r", HC_NONE, HC_NONE, 2, 2, 50, 60),
	HC(HC_LATEST, HISTORY_LATEST, "r", HC_NONE, HC_NONE, 6, 6, 10, 20, 30,
	    40, 50, 60),
	HC(HC_LATEST, HISTORY_LATEST, "R", HC_NONE, HC_NONE, 100, 6, 10, 20, 30,
	    40, 50, 60),
	/* With a ref: the newest of those strictly after it. */
	HC(HC_LATEST, HISTORY_LATEST, "r", HC_ID(30), HC_NONE, 9, 3, 40, 50,
	    60),
	HC(HC_LATEST, HISTORY_LATEST, "r", HC_ID(30), HC_NONE, 2, 2, 50, 60),
	HC(HC_LATEST, HISTORY_LATEST, "r", HC_ID(10), HC_NONE, 9, 5, 20, 30, 40,
	    50, 60),
	HC(HC_LATEST, HISTORY_LATEST, "r", HC_ID(60), HC_NONE, 9, 0, 0),
	HC(HC_LATEST, HISTORY_LATEST, "r", HC_ID(5), HC_NONE, 9, 0, 0),
	HC(HC_LATEST, HISTORY_LATEST, "r", HC_ID(35), HC_NONE, 9, 0, 0),
	HC(HC_LATEST, HISTORY_LATEST, "r", HC_ID(999), HC_NONE, 9, 0, 0),
	HC(HC_LATEST, HISTORY_LATEST, "r", HC_T(200), HC_NONE, 9, 2, 50, 60),
	HC(HC_LATEST, HISTORY_LATEST, "r", HC_T(199), HC_NONE, 9, 5, 20, 30, 40,
	    50, 60),
	HC(HC_LATEST, HISTORY_LATEST, "r", HC_T(199), HC_NONE, 1, 1, 60),
	HC(HC_LATEST, HISTORY_LATEST, "r", HC_T(0), HC_NONE, 9, 6, 10, 20, 30,
	    40, 50, 60),
	HC(HC_LATEST, HISTORY_LATEST, "r", HC_T(400), HC_NONE, 9, 0, 0),
	HC(HC_LATEST, HISTORY_LATEST, "r", HC_T(1000), HC_NONE, 9, 0, 0),
	/* BEFORE */
	HC(HC_BEFORE, HISTORY_BEFORE, "r", HC_ID(10), HC_NONE, 9, 0, 0),
	HC(HC_BEFORE, HISTORY_BEFORE, "r", HC_ID(20), HC_NONE, 9, 1, 10),
	HC(HC_BEFORE, HISTORY_BEFORE, "r", HC_ID(30), HC_NONE, 9, 2, 10, 20),
	HC(HC_BEFORE, HISTORY_BEFORE, "r", HC_ID(60), HC_NONE, 2, 2, 40, 50),
	HC(HC_BEFORE, HISTORY_BEFORE, "r", HC_ID(60), HC_NONE, 5, 5, 10, 20, 30,
	    40, 50),
	HC(HC_BEFORE, HISTORY_BEFORE, "r", HC_ID(60), HC_NONE, 0, 0, 0),
	HC(HC_BEFORE, HISTORY_BEFORE, "r", HC_ID(5), HC_NONE, 9, 0, 0),
	HC(HC_BEFORE, HISTORY_BEFORE, "r", HC_ID(35), HC_NONE, 9, 0, 0),
	/* Before time T: time < T, so none of the run at 200. */
	HC(HC_BEFORE, HISTORY_BEFORE, "r", HC_T(200), HC_NONE, 9, 1, 10),
	HC(HC_BEFORE, HISTORY_BEFORE, "r", HC_T(201), HC_NONE, 9, 4, 10, 20, 30,
	    40),
	HC(HC_BEFORE, HISTORY_BEFORE, "r", HC_T(201), HC_NONE, 2, 2, 30, 40),
	HC(HC_BEFORE, HISTORY_BEFORE, "r", HC_T(250), HC_NONE, 1, 1, 40),
	HC(HC_BEFORE, HISTORY_BEFORE, "r", HC_T(100), HC_NONE, 9, 0, 0),
	HC(HC_BEFORE, HISTORY_BEFORE, "r", HC_T(99), HC_NONE, 9, 0, 0),
	HC(HC_BEFORE, HISTORY_BEFORE, "r", HC_T(1000), HC_NONE, 3, 3, 40, 50,
	    60),
	/* AFTER */
	HC(HC_AFTER, HISTORY_AFTER, "r", HC_ID(60), HC_NONE, 9, 0, 0),
	HC(HC_AFTER, HISTORY_AFTER, "r", HC_ID(50), HC_NONE, 9, 1, 60),
	HC(HC_AFTER, HISTORY_AFTER, "r", HC_ID(10), HC_NONE, 9, 5, 20, 30, 40,
	    50, 60),
	HC(HC_AFTER, HISTORY_AFTER, "r", HC_ID(10), HC_NONE, 2, 2, 20, 30),
	/* Inside a run of equal times an id still cuts exactly. */
	HC(HC_AFTER, HISTORY_AFTER, "r", HC_ID(20), HC_NONE, 9, 4, 30, 40, 50,
	    60),
	HC(HC_AFTER, HISTORY_AFTER, "r", HC_ID(30), HC_NONE, 1, 1, 40),
	HC(HC_AFTER, HISTORY_AFTER, "r", HC_ID(5), HC_NONE, 9, 0, 0),
	HC(HC_AFTER, HISTORY_AFTER, "r", HC_ID(35), HC_NONE, 9, 0, 0),
	HC(HC_AFTER, HISTORY_AFTER, "r", HC_ID(10), HC_NONE, 0, 0, 0),
	/* After time T: time > T. */
	HC(HC_AFTER, HISTORY_AFTER, "r", HC_T(200), HC_NONE, 9, 2, 50, 60),
	HC(HC_AFTER, HISTORY_AFTER, "r", HC_T(199), HC_NONE, 3, 3, 20, 30, 40),
	HC(HC_AFTER, HISTORY_AFTER, "r", HC_T(0), HC_NONE, 2, 2, 10, 20),
	HC(HC_AFTER, HISTORY_AFTER, "r", HC_T(100), HC_NONE, 1, 1, 20),
	HC(HC_AFTER, HISTORY_AFTER, "r", HC_T(400), HC_NONE, 9, 0, 0),
	HC(HC_AFTER, HISTORY_AFTER, "r", HC_T(1000), HC_NONE, 9, 0, 0),
	/* AROUND MSGID */
	HC(HC_AROUND_MSGID, HISTORY_AROUND, "r", HC_ID(30), HC_NONE, 0, 0, 0),
	HC(HC_AROUND_MSGID, HISTORY_AROUND, "r", HC_ID(30), HC_NONE, 1, 1, 30),
	HC(HC_AROUND_MSGID, HISTORY_AROUND, "r", HC_ID(30), HC_NONE, 3, 3, 20,
	    30, 40),
	/* Even limits: the extra one is the later. */
	HC(HC_AROUND_MSGID, HISTORY_AROUND, "r", HC_ID(30), HC_NONE, 2, 2, 30,
	    40),
	HC(HC_AROUND_MSGID, HISTORY_AROUND, "r", HC_ID(30), HC_NONE, 4, 4, 20,
	    30, 40, 50),
	HC(HC_AROUND_MSGID, HISTORY_AROUND, "r", HC_ID(30), HC_NONE, 5, 5, 10,
	    20, 30, 40, 50),
	HC(HC_AROUND_MSGID, HISTORY_AROUND, "r", HC_ID(30), HC_NONE, 6, 6, 10,
	    20, 30, 40, 50, 60),
	HC(HC_AROUND_MSGID, HISTORY_AROUND, "r", HC_ID(30), HC_NONE, 100, 6, 10,
	    20, 30, 40, 50, 60),
	/* Near the ends the window takes more from the other side. */
	HC(HC_AROUND_MSGID, HISTORY_AROUND, "r", HC_ID(10), HC_NONE, 1, 1, 10),
	HC(HC_AROUND_MSGID, HISTORY_AROUND, "r", HC_ID(10), HC_NONE, 3, 3, 10,
	    20, 30),
	HC(HC_AROUND_MSGID, HISTORY_AROUND, "r", HC_ID(20), HC_NONE, 5, 5, 10,
	    20, 30, 40, 50),
	HC(HC_AROUND_MSGID, HISTORY_AROUND, "r", HC_ID(60), HC_NONE, 1, 1, 60),
	HC(HC_AROUND_MSGID, HISTORY_AROUND, "r", HC_ID(60), HC_NONE, 3, 3, 40,
	    50, 60),
	HC(HC_AROUND_MSGID, HISTORY_AROUND, "r", HC_ID(50), HC_NONE, 4, 4, 30,
	    40, 50, 60),
	/* Unknown and evicted ids. */
	HC(HC_AROUND_MSGID, HISTORY_AROUND, "r", HC_ID(5), HC_NONE, 3, 0, 0),
	HC(HC_AROUND_MSGID, HISTORY_AROUND, "r", HC_ID(35), HC_NONE, 3, 0, 0),
	HC(HC_AROUND_MSGID, HISTORY_AROUND, "r", HC_ID(61), HC_NONE, 3, 0, 0),
	/* AROUND TIME */
	/* limit / 2 from before T, the rest from T on. */
	HC(HC_AROUND_TIME, HISTORY_AROUND, "r", HC_T(200), HC_NONE, 1, 1, 20),
	HC(HC_AROUND_TIME, HISTORY_AROUND, "r", HC_T(200), HC_NONE, 2, 2, 10,
	    20),
	HC(HC_AROUND_TIME, HISTORY_AROUND, "r", HC_T(200), HC_NONE, 3, 3, 10,
	    20, 30),
	HC(HC_AROUND_TIME, HISTORY_AROUND, "r", HC_T(250), HC_NONE, 1, 1, 50),
	HC(HC_AROUND_TIME, HISTORY_AROUND, "r", HC_T(250), HC_NONE, 2, 2, 40,
	    50),
	HC(HC_AROUND_TIME, HISTORY_AROUND, "r", HC_T(250), HC_NONE, 4, 4, 30,
	    40, 50, 60),
	HC(HC_AROUND_TIME, HISTORY_AROUND, "r", HC_T(300), HC_NONE, 3, 3, 40,
	    50, 60),
	/* Before the first and after the last event. */
	HC(HC_AROUND_TIME, HISTORY_AROUND, "r", HC_T(0), HC_NONE, 2, 2, 10, 20),
	HC(HC_AROUND_TIME, HISTORY_AROUND, "r", HC_T(1000), HC_NONE, 1, 1, 60),
	HC(HC_AROUND_TIME, HISTORY_AROUND, "r", HC_T(1000), HC_NONE, 2, 2, 50,
	    60),
	HC(HC_AROUND_TIME, HISTORY_AROUND, "r", HC_T(1000), HC_NONE, 9, 6, 10,
	    20, 30, 40, 50, 60),
	HC(HC_AROUND_TIME, HISTORY_AROUND, "r", HC_T(200), HC_NONE, 0, 0, 0),
	/* BETWEEN */
	HC(HC_BETWEEN, HISTORY_BETWEEN, "r", HC_ID(10), HC_ID(60), 9, 4, 20, 30,
	    40, 50),
	HC(HC_BETWEEN, HISTORY_BETWEEN, "r", HC_ID(10), HC_ID(60), 2, 2, 20,
	    30),
	/* Backwards: the limit counts from the first ref, oldest first. */
	HC(HC_BETWEEN, HISTORY_BETWEEN, "r", HC_ID(60), HC_ID(10), 2, 2, 40,
	    50),
	HC(HC_BETWEEN, HISTORY_BETWEEN, "r", HC_ID(60), HC_ID(10), 9, 4, 20, 30,
	    40, 50),
	HC(HC_BETWEEN, HISTORY_BETWEEN, "r", HC_ID(20), HC_ID(30), 9, 0, 0),
	HC(HC_BETWEEN, HISTORY_BETWEEN, "r", HC_ID(30), HC_ID(20), 9, 0, 0),
	HC(HC_BETWEEN, HISTORY_BETWEEN, "r", HC_ID(30), HC_ID(30), 9, 0, 0),
	HC(HC_BETWEEN, HISTORY_BETWEEN, "r", HC_ID(10), HC_ID(60), 0, 0, 0),
	/* Times: strictly between, so a run at a bound is out. */
	HC(HC_BETWEEN, HISTORY_BETWEEN, "r", HC_T(100), HC_T(300), 9, 3, 20, 30,
	    40),
	HC(HC_BETWEEN, HISTORY_BETWEEN, "r", HC_T(300), HC_T(100), 2, 2, 30,
	    40),
	HC(HC_BETWEEN, HISTORY_BETWEEN, "r", HC_T(200), HC_T(300), 9, 0, 0),
	HC(HC_BETWEEN, HISTORY_BETWEEN, "r", HC_T(200), HC_T(200), 9, 0, 0),
	HC(HC_BETWEEN, HISTORY_BETWEEN, "r", HC_T(199), HC_T(201), 9, 3, 20, 30,
	    40),
	HC(HC_BETWEEN, HISTORY_BETWEEN, "r", HC_T(201), HC_T(199), 1, 1, 40),
	HC(HC_BETWEEN, HISTORY_BETWEEN, "r", HC_T(0), HC_T(1000), 9, 6, 10, 20,
	    30, 40, 50, 60),
	HC(HC_BETWEEN, HISTORY_BETWEEN, "r", HC_T(1000), HC_T(0), 9, 6, 10, 20,
	    30, 40, 50, 60),
	/* Mixed refs. */
	HC(HC_BETWEEN, HISTORY_BETWEEN, "r", HC_ID(20), HC_T(300), 9, 2, 30,
	    40),
	HC(HC_BETWEEN, HISTORY_BETWEEN, "r", HC_T(300), HC_ID(20), 1, 1, 40),
	HC(HC_BETWEEN, HISTORY_BETWEEN, "r", HC_ID(40), HC_T(200), 9, 0, 0),
	HC(HC_BETWEEN, HISTORY_BETWEEN, "r", HC_T(200), HC_ID(40), 9, 0, 0),
	HC(HC_BETWEEN, HISTORY_BETWEEN, "r", HC_T(100), HC_ID(40), 9, 2, 20,
	    30),
	/* An unknown or evicted id on either side: nothing. */
	HC(HC_BETWEEN, HISTORY_BETWEEN, "r", HC_ID(5), HC_ID(60), 9, 0, 0),
	HC(HC_BETWEEN, HISTORY_BETWEEN, "r", HC_ID(10), HC_ID(35), 9, 0, 0),
	HC(HC_BETWEEN, HISTORY_BETWEEN, "r", HC_T(0), HC_ID(999), 9, 0, 0),
};

/* Malformed queries, and an unknown room (no error, no events). */
struct history_error_case {
	enum history_sel sel;
	const char *room;
	struct history_ref ref, ref2;
	int error;
	int line;
};

#define HE(sel, room, a, b, error)               \
	{                                        \
		sel, room, a, b, error, __LINE__ \
	}

static const struct history_error_case history_error_cases[] = {
	HE(HISTORY_BEFORE, "r", HC_NONE, HC_NONE, EINVAL),
	HE(HISTORY_AFTER, "r", HC_NONE, HC_NONE, EINVAL),
	HE(HISTORY_AROUND, "r", HC_NONE, HC_NONE, EINVAL),
	HE(HISTORY_BETWEEN, "r", HC_ID(10), HC_NONE, EINVAL),
	HE(HISTORY_BETWEEN, "r", HC_NONE, HC_ID(10), EINVAL),
	HE(HISTORY_LATEST, NULL, HC_NONE, HC_NONE, EINVAL),
	HE((enum history_sel)99, "r", HC_ID(10), HC_NONE, EINVAL),
	HE(HISTORY_LATEST, "nowhere", HC_NONE, HC_NONE, 0),
};

/*
 * TARGETS. Fixture 0, per-room cap 10:
 *   a: 1@100 4@300, b: 2@200, c: 3@150 6@500, d: 5@400, e: 7@600
 * asked about a, b, C, d, zz, A (a named twice, zz empty); fixture 1:
 *   e: 8@600, f: 9@600, g: 10@600 11@700
 * asked about f, e, g.
 */
#define HISTORY_TARGETS_PER_ROOM 10

static inline void
history_targets_fixture(struct history *h, int which)
{
	static const char *const room[2][7] = {
		{ "a", "b", "c", "a", "d", "c", "e" },
		{ "e", "f", "g", "g" },
	};
	static const int times[2][7] = {
		{ 100, 200, 150, 300, 400, 500, 600 },
		{ 600, 600, 600, 700 },
	};
	static const unsigned first[2] = { 1, 8 }, count[2] = { 7, 4 };
	unsigned i;

	for (i = 0; i < count[which]; i++)
		ck_assert_int_eq(add_msg(h, room[which][i], first[which] + i,
				     times[which][i], "x"),
		    0);
}

static const char *const history_targets_rooms[2][6] = {
	{ "a", "b", "C", "d", "zz", "A" },
	{ "f", "e", "g" },
};

struct history_targets_case {
	int fixture;
	size_t first, nrooms; /* of history_targets_rooms[fixture] */
	int64_t from, to;
	size_t limit;
	size_t n;
	unsigned ids[6];
	int line;
};

#define HT(f, first, nrooms, from, to, limit, n, ...)                  \
	{                                                              \
		f, first, nrooms, from, to, limit, n, { __VA_ARGS__ }, \
		    __LINE__                                           \
	}

static const struct history_targets_case history_targets_cases[] = {
	/* By the time of each one's latest event; a named twice, once. */
	HT(0, 0, 6, 0, 1000, 10, 4, 2, 4, 5, 6),
	/* The latest in the window, bounds exclusive. */
	HT(0, 0, 6, 100, 400, 10, 3, 3, 2, 4),
	HT(0, 0, 6, 150, 300, 10, 1, 2),
	HT(0, 0, 6, 600, 1000, 10, 0, 0),
	HT(0, 0, 6, 300, 300, 10, 0, 0),
	/* Limits: forwards from the first time, or backwards from it. */
	HT(0, 0, 6, 0, 1000, 2, 2, 2, 4),
	HT(0, 0, 6, 1000, 0, 2, 2, 5, 6),
	HT(0, 0, 6, 1000, 0, 10, 4, 2, 4, 5, 6),
	HT(0, 0, 6, 0, 1000, 4, 4, 2, 4, 5, 6),
	HT(0, 0, 6, 0, 1000, 0, 0, 0),
	HT(0, 0, 0, 0, 1000, 10, 0, 0),
	HT(0, 4, 1, 0, 1000, 10, 0, 0),
	/* Equal latest times are ordered by id. */
	HT(1, 0, 3, 0, 700, 10, 3, 8, 9, 10),
	HT(1, 0, 3, 0, 701, 10, 3, 8, 9, 11),
	HT(1, 0, 3, 701, 0, 1, 1, 11),
};

#undef HC
#undef HE
#undef HT

/* Run case c (or targets case t) on h: the answer, as run() gives it. */
static inline struct got *
history_case_run(struct history *h, const struct history_case *c)
{
	return run(h, c->sel, c->room, c->ref, c->ref2, c->limit);
}

static inline struct got *
history_targets_run(struct history *h, const struct history_targets_case *t)
{
	static struct got g;
	struct history_targets q = {
		.rooms = history_targets_rooms[t->fixture] + t->first,
		.nrooms = t->nrooms,
		.from_ms = t->from,
		.to_ms = t->to,
		.limit = t->limit
	};

	memset(&g, 0, sizeof g);
	history_targets(h, &q, got_cb, &g);
	return &g;
}

/* g answered exactly the ids of a case from line. */
static inline void
history_case_expect(
    const struct got *g, size_t n, const unsigned *ids, int line)
{
	size_t i;

	ck_assert_msg(
	    g->error == 0, "case at line %d: error %d", line, g->error);
	ck_assert_msg(
	    g->n == n, "case at line %d: %zu events, not %zu", line, g->n, n);
	for (i = 0; i < n; i++)
		ck_assert_msg(g->ev[i]->id == ids[i],
		    "case at line %d: event %zu is id %llu, not %u", line, i,
		    (unsigned long long)g->ev[i]->id, ids[i]);
}

#endif
