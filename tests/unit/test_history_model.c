/*
 * test_history_model.c: server/history.c against a brute-force model over
 * thousands of random adds and queries under random caps, and the memory
 * a full history takes (1000 rooms x 100 events of 200 bytes).
 */
#include <stdio.h>
#include <stdlib.h>

#include "history_util.h"
#include "text.h"

#define M_MAX   4096 /* events the model holds at most */
#define M_ROOMS 6

/* The model: every kept event in arrival order, with its room and size. */
struct mev {
	uint64_t id;
	int64_t time;
	int room; /* index into room_names, folded by case */
	size_t size;
};

struct model {
	size_t per_room, max_bytes;
	struct mev ev[M_MAX];
	size_t n, bytes;
};

/* The rooms, in several spellings; room i % M_ROOMS is the same room. */
static const char *const room_names[2 * M_ROOMS] = { "a", "bb", "lobby", "x-1",
	"dev", "q", "A", "BB", "Lobby", "X-1", "DEV", "Q" };

static unsigned long rng = 1;

static unsigned
rnd(unsigned n)
{
	rng = rng * 6364136223846793005ul + 1442695040888963407ul;
	return n == 0 ? 0 : (unsigned)((rng >> 33) % n);
}

static size_t
room_count(const struct model *m, int room)
{
	size_t i, c = 0;

	for (i = 0; i < m->n; i++)
		c += m->ev[i].room == room;
	return c;
}

static void
model_drop(struct model *m, size_t i)
{
	m->bytes -= m->ev[i].size;
	memmove(&m->ev[i], &m->ev[i + 1], (m->n - i - 1) * sizeof m->ev[0]);
	m->n--;
}

/* Keep, then drop: the room's oldest over per_room, then all rooms'
 * oldest over max_bytes. */
static void
model_add(struct model *m, uint64_t id, int64_t t, int room, size_t size)
{
	size_t i;

	if (m->per_room == 0 || size > m->max_bytes)
		return;
	ck_assert_uint_lt(m->n, M_MAX);
	m->ev[m->n++] = (struct mev){ id, t, room, size };
	m->bytes += size;
	if (room_count(m, room) > m->per_room) {
		for (i = 0; m->ev[i].room != room; i++)
			;
		model_drop(m, i);
	}
	while (m->bytes > m->max_bytes)
		model_drop(m, 0);
}

static int
m_before(const struct mev *e, const struct history_ref *r)
{
	return r->kind == HISTORY_REF_ID ? e->id < r->id : e->time < r->time_ms;
}

static int
m_after(const struct mev *e, const struct history_ref *r)
{
	return r->kind == HISTORY_REF_ID ? e->id > r->id : e->time > r->time_ms;
}

/* The ids the model answers q with: its room's events in v, then picked. */
static size_t
model_query(const struct model *m, const struct history_query *q, int room,
    uint64_t *out)
{
	const struct mev *v[M_MAX];
	size_t n = 0, i, k, p = 0, best = 0, s, e, c = 0, lim;
	long ideal, d, bestd = -1;
	int known_a = 0, known_b = 0;

	lim = q->limit < m->per_room ? q->limit : m->per_room;
	for (i = 0; i < m->n; i++)
		if (m->ev[i].room == room) {
			v[n] = &m->ev[i];
			known_a |= q->ref.kind == HISTORY_REF_ID &&
			    v[n]->id == q->ref.id;
			known_b |= q->ref2.kind == HISTORY_REF_ID &&
			    v[n]->id == q->ref2.id;
			n++;
		}
	if (q->ref.kind == HISTORY_REF_ID && !known_a)
		return 0;
	if (q->sel == HISTORY_BETWEEN && q->ref2.kind == HISTORY_REF_ID &&
	    !known_b)
		return 0;
	s = 0;
	e = 0;
	switch (q->sel) {
	case HISTORY_LATEST: /* the last lim of those after ref */
		for (i = 0; i < n; i++)
			if (q->ref.kind == HISTORY_REF_NONE ||
			    m_after(v[i], &q->ref))
				v[c++] = v[i];
		s = c > lim ? c - lim : 0;
		e = c;
		break;
	case HISTORY_BEFORE:
		for (i = 0; i < n; i++)
			if (m_before(v[i], &q->ref))
				v[c++] = v[i];
		s = c > lim ? c - lim : 0;
		e = c;
		break;
	case HISTORY_AFTER:
		for (i = 0; i < n; i++)
			if (m_after(v[i], &q->ref))
				v[c++] = v[i];
		e = c < lim ? c : lim;
		break;
	case HISTORY_BETWEEN:
		for (i = 0; i < n; i++)
			if (m_after(v[i], &q->ref) && m_before(v[i], &q->ref2))
				v[c++] = v[i];
		if (c > 0) {
			e = c < lim ? c : lim;
			break;
		}
		for (i = 0; i < n; i++)
			if (m_after(v[i], &q->ref2) && m_before(v[i], &q->ref))
				v[c++] = v[i];
		s = c > lim ? c - lim : 0;
		e = c;
		break;
	case HISTORY_AROUND:
		/* Of all windows of k that hold the reference (for an id),
		 * the one whose start is nearest the centred start. */
		k = lim < n ? lim : n;
		if (k == 0)
			break;
		for (p = 0; p < n && m_before(v[p], &q->ref); p++)
			;
		ideal = q->ref.kind == HISTORY_REF_ID ?
		    (long)p - (long)(lim - 1) / 2 :
		    (long)p - (long)lim / 2;
		for (i = 0; i + k <= n; i++) {
			if (q->ref.kind == HISTORY_REF_ID &&
			    (p < i || p >= i + k))
				continue;
			d = labs((long)i - ideal);
			if (bestd < 0 || d < bestd) {
				bestd = d;
				best = i;
			}
		}
		ck_assert_int_ge(bestd, 0);
		s = best;
		e = best + k;
		break;
	}
	for (i = s; i < e; i++)
		out[i - s] = v[i]->id;
	return e - s;
}

static struct history_ref
random_ref(uint64_t maxid, int64_t maxt)
{
	if (rnd(2))
		return ref_id(1 + rnd((unsigned)maxid + 3));
	return ref_time((int64_t)rnd((unsigned)maxt + 4) - 2);
}

static void
check_query(
    struct history *h, const struct model *m, uint64_t maxid, int64_t maxt)
{
	struct history_query q = { .sel = (enum history_sel)rnd(5) };
	int room = (int)rnd(M_ROOMS);
	uint64_t want[M_MAX];
	struct got *g;
	size_t n, i;

	q.room = room_names[room + M_ROOMS * rnd(2)];
	q.ref = q.sel == HISTORY_LATEST && rnd(3) == 0 ?
	    ref_none() :
	    random_ref(maxid, maxt);
	if (q.sel == HISTORY_BETWEEN)
		q.ref2 = random_ref(maxid, maxt);
	q.limit = rnd(4) == 0 ? rnd(3) : rnd(60);
	n = model_query(m, &q, room, want);
	g = run(h, q.sel, q.room, q.ref, q.ref2, q.limit);
	ck_assert_int_eq(g->error, 0);
	ck_assert_uint_eq(g->n, n);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(g->ev[i]->id, want[i]);
		ck_assert_int_eq(text_casecmp(g->ev[i]->room, q.room), 0);
	}
}

static int
by_time_id(const void *a, const void *b)
{
	const struct mev *x = *(const struct mev *const *)a;
	const struct mev *y = *(const struct mev *const *)b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static void
check_targets(struct history *h, const struct model *m, int64_t maxt)
{
	const char *names[4];
	const struct mev *latest[M_ROOMS] = { 0 }, *list[M_ROOMS] = { 0 };
	struct history_targets t;
	struct got g = { 0 };
	int64_t lo, hi;
	size_t nn = 1 + rnd(4), i, n = 0, s = 0;
	int seen[M_ROOMS] = { 0 }, r;

	t.from_ms = (int64_t)rnd((unsigned)maxt + 4) - 2;
	t.to_ms = (int64_t)rnd((unsigned)maxt + 4) - 2;
	t.limit = rnd(5);
	lo = t.from_ms < t.to_ms ? t.from_ms : t.to_ms;
	hi = t.from_ms < t.to_ms ? t.to_ms : t.from_ms;
	for (i = 0; i < nn; i++) {
		r = (int)rnd(M_ROOMS);
		names[i] = room_names[r + M_ROOMS * rnd(2)];
		seen[r] = 1;
	}
	for (i = 0; i < m->n; i++)
		if (seen[m->ev[i].room] && m->ev[i].time > lo &&
		    m->ev[i].time < hi)
			latest[m->ev[i].room] = &m->ev[i];
	for (r = 0; r < M_ROOMS; r++)
		if (latest[r] != NULL)
			list[n++] = latest[r];
	qsort(list, n, sizeof list[0], by_time_id);
	if (n > t.limit) {
		s = t.from_ms > t.to_ms ? n - t.limit : 0;
		n = t.limit;
	}
	t.rooms = names;
	t.nrooms = nn;
	history_targets(h, &t, got_cb, &g);
	ck_assert_int_eq(g.calls, 1);
	ck_assert_int_eq(g.error, 0);
	ck_assert_uint_eq(g.n, n);
	for (i = 0; i < n; i++)
		ck_assert_uint_eq(g.ev[i]->id, list[s + i]->id);
}

static void
check_stats(struct history *h, const struct model *m)
{
	struct history_stats st = stats(h);
	int rooms = 0, r;

	for (r = 0; r < M_ROOMS; r++)
		rooms += room_count(m, r) > 0;
	ck_assert_uint_eq(st.events, m->n);
	ck_assert_uint_eq(st.bytes, m->bytes);
	ck_assert_uint_eq(st.rooms, (size_t)rooms);
	ck_assert_uint_le(st.bytes, m->max_bytes);
}

START_TEST(test_random_against_model)
{
	static const size_t per_rooms[] = { 0, 1, 2, 3, 7, 50 };
	static struct model m;
	static char text[400];
	struct history *h;
	struct ev ev;
	uint64_t id;
	int64_t t;
	int round, i, room;

	memset(text, 'y', sizeof text - 1);
	rng = 1 + (unsigned long)_i;
	for (round = 0; round < 4; round++) {
		memset(&m, 0, sizeof m);
		m.per_room = per_rooms[rnd(6)];
		m.max_bytes = rnd(4) == 0 ? rnd(300) : 300 + rnd(30000);
		h = history_new(m.per_room, m.max_bytes);
		ck_assert_ptr_nonnull(h);
		id = 0;
		t = 0;
		for (i = 0; i < 1500; i++) {
			id += 1 + rnd(3) / 2;          /* gaps: unknown ids */
			t += rnd(3) == 0 ? rnd(5) : 0; /* runs of one time */
			room = (int)rnd(M_ROOMS);
			ev = (struct ev){ .kind = EV_MESSAGE,
				.id = id,
				.time_ms = t,
				.nick = "n",
				.user = "u",
				.room = room_names[room + M_ROOMS * rnd(2)],
				.text = text + rnd(sizeof text),
				.flags = rnd(3) == 0 ? EV_F_ACTION : 0 };
			ev.len = strlen(ev.text);
			if (rnd(2))
				ev.msgid = "msgid";
			/* Counted apart from history_ev_bytes(): "n", "u". */
			model_add(&m, id, t, room,
			    HISTORY_MEM_EV_OVERHEAD + 2 + 2 + strlen(ev.room) +
				1 + ev.len + 1 +
				(ev.msgid ? sizeof "msgid" : 0));
			ck_assert_int_eq(history_add(h, &ev), 0);
			check_query(h, &m, id, t);
			check_query(h, &m, id, t);
			if (i % 8 == 0) {
				check_targets(h, &m, t);
				check_stats(h, &m);
			}
		}
		check_stats(h, &m);
		history_free(h);
	}
}
END_TEST

START_TEST(test_full_history_fits)
{
	/* 1000 rooms x 100 events whose strings take 200 bytes each. */
	size_t cap = 32 * 1024 * 1024, each = HISTORY_MEM_EV_OVERHEAD + 200;
	struct history *h = history_new(100, cap);
	struct history_stats st;
	struct got *g;
	char room[8], text[200];
	struct ev ev = { .kind = EV_MESSAGE,
		.nick = "alice",
		.user = "alice",
		.room = room,
		.text = text,
		.msgid = "m0000000" };
	unsigned r, i;

	ck_assert_ptr_nonnull(h);
	for (i = 0; i < 100; i++)
		for (r = 0; r < 1000; r++) {
			snprintf(room, sizeof room, "r%04u", r);
			ev.id = (uint64_t)i * 1000 + r + 1;
			ev.time_ms = ev.id;
			/* 6 + 6 + 6 + 9 = 27 bytes of names, 173 of text. */
			ev.len = 172;
			memset(text, 'a' + r % 26, ev.len);
			text[ev.len] = '\0';
			ck_assert_uint_eq(history_ev_bytes(&ev), each);
			ck_assert_int_eq(history_add(h, &ev), 0);
		}
	st = stats(h);
	ck_assert_uint_eq(st.events, 100000);
	ck_assert_uint_eq(st.rooms, 1000);
	ck_assert_uint_eq(st.bytes, 100000 * each);
	ck_assert_uint_le(st.bytes, cap);
	fprintf(stderr,
	    "full history: %zu events, %zu bytes (%zu per event: %zu "
	    "overhead + 200) in %zu rooms, under %zu; index %zu bytes\n",
	    st.events, st.bytes, each, (size_t)HISTORY_MEM_EV_OVERHEAD,
	    st.rooms, cap, st.index_bytes);
	/* Nothing was evicted: the last room still has its first event. */
	g = run(h, HISTORY_LATEST, "R0999", ref_none(), ref_none(), 100);
	ck_assert_uint_eq(g->n, 100);
	ck_assert_uint_eq(g->ev[0]->id, 1000);
	ck_assert_uint_eq(g->ev[99]->id, 100000);
	history_free(h);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("history_model");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_loop_test(tc, test_random_against_model, 0, 3);
	tcase_add_test(tc, test_full_history_fits);
	suite_add_tcase(s, tc);
	return s;
}
