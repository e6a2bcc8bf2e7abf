/* history_select.c: which events a history query selects. */
#include <assert.h>
#include <stdlib.h>

#include "history_select.h"

/* The first of v[0..n) at or after time t (strict: after t). */
static size_t
time_bound(const struct ev *const *v, size_t n, int64_t t, int strict)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (v[mid]->time_ms < t || (strict && v[mid]->time_ms == t))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Where id is in v[0..n): 0 and *pos, or -1. */
static int
id_find(const struct ev *const *v, size_t n, uint64_t id, size_t *pos)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (v[mid]->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == n || v[lo]->id != id)
		return -1;
	*pos = lo;
	return 0;
}

/*
 * Where ref cuts v[0..n): the events strictly before it are v[0..*end),
 * those strictly after it v[*start..n). -1 for an id v does not hold.
 */
static int
ref_cut(const struct ev *const *v, size_t n, const struct history_ref *ref,
    size_t *end, size_t *start)
{
	size_t p;

	if (ref->kind == HISTORY_REF_TIME) {
		*end = time_bound(v, n, ref->time_ms, 0);
		*start = time_bound(v, n, ref->time_ms, 1);
		return 0;
	}
	if (id_find(v, n, ref->id, &p) == -1)
		return -1;
	*end = p;
	*start = p + 1;
	return 0;
}

int
history_query_valid(const struct history_query *q)
{
	int has =
	    q->ref.kind == HISTORY_REF_ID || q->ref.kind == HISTORY_REF_TIME;
	int has2 =
	    q->ref2.kind == HISTORY_REF_ID || q->ref2.kind == HISTORY_REF_TIME;

	if (q->room == NULL)
		return 0;
	switch (q->sel) {
	case HISTORY_LATEST:
		return has || q->ref.kind == HISTORY_REF_NONE;
	case HISTORY_BEFORE:
	case HISTORY_AFTER:
	case HISTORY_AROUND:
		return has;
	case HISTORY_BETWEEN:
		return has && has2;
	}
	return 0;
}

/* AROUND as the header says: the window's start in v[0..n). */
static int
around(const struct ev *const *v, size_t n, const struct history_ref *ref,
    size_t limit, size_t *s)
{
	size_t p, before, k = limit < n ? limit : n;

	if (ref->kind == HISTORY_REF_ID) {
		if (id_find(v, n, ref->id, &p) == -1)
			return -1;
		before = (limit - 1) / 2;
	} else {
		p = time_bound(v, n, ref->time_ms, 0);
		before = limit / 2;
	}
	*s = p > before ? p - before : 0;
	if (*s > n - k)
		*s = n - k;
	return 0;
}

/* history_select(), or -1 for an id v does not hold. */
static int
select_slice(const struct ev *const *v, size_t n, const struct history_query *q,
    size_t limit, size_t *s, size_t *e)
{
	size_t ab, aa, bb, ba;

	switch (q->sel) {
	case HISTORY_LATEST:
		*s = 0;
		if (q->ref.kind != HISTORY_REF_NONE &&
		    ref_cut(v, n, &q->ref, &ab, s) == -1)
			return -1;
		*e = n;
		if (*e - *s > limit)
			*s = *e - limit;
		return 0;
	case HISTORY_BEFORE:
		if (ref_cut(v, n, &q->ref, e, &aa) == -1)
			return -1;
		*s = *e > limit ? *e - limit : 0;
		return 0;
	case HISTORY_AFTER:
		if (ref_cut(v, n, &q->ref, &ab, s) == -1)
			return -1;
		*e = n - *s > limit ? *s + limit : n;
		return 0;
	case HISTORY_AROUND:
		if (around(v, n, &q->ref, limit, s) == -1)
			return -1;
		*e = *s + (limit < n ? limit : n);
		return 0;
	case HISTORY_BETWEEN:
		if (ref_cut(v, n, &q->ref, &ab, &aa) == -1 ||
		    ref_cut(v, n, &q->ref2, &bb, &ba) == -1)
			return -1;
		/* Each cut has end <= start, so at most one way is non-empty. */
		if (aa < bb) {
			*s = aa;
			*e = bb - aa > limit ? aa + limit : bb;
		} else if (ba < ab) {
			*e = ab;
			*s = ab - ba > limit ? ab - limit : ba;
		} else
			*s = *e = 0;
		return 0;
	}
	return -1;
}

void
history_select(const struct ev *const *v, size_t n,
    const struct history_query *q, size_t limit, size_t *s, size_t *e)
{
	if (select_slice(v, n, q, limit, s, e) == -1)
		*s = *e = 0;
	assert(*s <= *e && *e <= n && *e - *s <= limit);
}

const struct ev *
history_latest_between(
    const struct ev *const *v, size_t n, int64_t lo, int64_t hi)
{
	size_t j = time_bound(v, n, hi, 0);

	return j > 0 && v[j - 1]->time_ms > lo ? v[j - 1] : NULL;
}

static int
by_time_id(const void *a, const void *b)
{
	const struct ev *x = *(const struct ev *const *)a;
	const struct ev *y = *(const struct ev *const *)b;

	if (x->time_ms != y->time_ms)
		return x->time_ms < y->time_ms ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

size_t
history_targets_pick(const struct ev **found, size_t n,
    const struct history_targets *t, size_t *s)
{
	qsort(found, n, sizeof *found, by_time_id);
	*s = 0;
	if (n <= t->limit)
		return n;
	if (t->from_ms > t->to_ms)
		*s = n - t->limit;
	return t->limit;
}
