/* history_util.h: what test_history*.c add to a store and read back. */
#ifndef TEST_HISTORY_UTIL_H
#define TEST_HISTORY_UTIL_H

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "check_main.h"
#include "history.h"

#define GOT_MAX 4096

/* One answer: how often the callback ran, and what it was given. */
struct got {
	int calls;
	int error;
	size_t n;
	const struct ev *ev[GOT_MAX];
};

static inline void
got_cb(void *arg, int error, const struct ev *const *evs, size_t n)
{
	struct got *g = arg;
	size_t i;

	g->calls++;
	g->error = error;
	g->n = n;
	ck_assert_uint_le(n, GOT_MAX);
	if (n > 0)
		ck_assert_ptr_nonnull(evs);
	for (i = 0; i < n; i++)
		g->ev[i] = evs[i];
}

static inline struct history_ref
ref_none(void)
{
	struct history_ref r = { .kind = HISTORY_REF_NONE };

	return r;
}

static inline struct history_ref
ref_id(uint64_t id)
{
	struct history_ref r = { .kind = HISTORY_REF_ID, .id = id };

	return r;
}

static inline struct history_ref
ref_time(int64_t t)
{
	struct history_ref r = { .kind = HISTORY_REF_TIME, .time_ms = t };

	return r;
}

/* Run one query; the memory store answers exactly once, before returning. */
static inline struct got *
run(struct history *h, enum history_sel sel, const char *room,
    struct history_ref a, struct history_ref b, size_t limit)
{
	static struct got g;
	struct history_query q = {
		.sel = sel, .room = room, .ref = a, .ref2 = b, .limit = limit
	};

	memset(&g, 0, sizeof g);
	history_query(h, &q, got_cb, &g);
	ck_assert_int_eq(g.calls, 1);
	return &g;
}

/* A room message; text is the nick's line, user the nick. */
static inline int
add_msg(struct history *h, const char *room, uint64_t id, int64_t t,
    const char *text)
{
	struct ev ev = {
		.kind = EV_MESSAGE,
		.id = id,
		.time_ms = t,
		.nick = "alice",
		.user = "alice",
		.room = room,
		.text = text,
		.len = strlen(text),
	};

	return history_add(h, &ev);
}

/* The answer's ids are exactly the n given, in order. */
static inline void
expect_ids(const struct got *g, size_t n, ...)
{
	va_list ap;
	size_t i;

	ck_assert_int_eq(g->error, 0);
	ck_assert_uint_eq(g->n, n);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		ck_assert_uint_eq(g->ev[i]->id, va_arg(ap, unsigned));
	va_end(ap);
}

static inline struct history_stats
stats(struct history *h)
{
	struct history_stats st;

	history_stats(h, &st);
	return st;
}

#endif
