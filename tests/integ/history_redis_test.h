/*
 * history_redis_test.h: what the Redis history store's test suites share:
 * a redis-server, a loop and a link to it, and answers copied out of
 * their callbacks (the store keeps its events only briefly).
 */
#ifndef TEST_HISTORY_REDIS_TEST_H
#define TEST_HISTORY_REDIS_TEST_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "harness.h"
#include "history_redis.h"
#include "log.h"
#include "loop.h"
#include "redis_link.h"
#include "redis_server.h"
#include "unit/history_util.h"

#define ANS_MAX 16
#define STR_MAX 48
#define WAIT_MS 5000

static struct redis_srv R;
static struct loop *L;
static struct rlink *K;
static int seq;

/* --- answers, copied out of the callback --------------------------------- */

struct evc {
	uint64_t id;
	int64_t time;
	unsigned flags;
	int kind;
	size_t len;
	char text[STR_MAX];
	char str[6][STR_MAX]; /* room, nick, user, msgid, target, tags */
	int has[6];
};

struct ans {
	int calls;
	int order;
	int error;
	size_t n;
	struct evc ev[ANS_MAX];
};

static inline void
copy_str(struct evc *c, int i, const char *s)
{
	c->has[i] = s != NULL;
	if (s != NULL) {
		ck_assert_uint_lt(strlen(s), STR_MAX);
		strcpy(c->str[i], s);
	}
}

static inline void
on_ans(void *arg, int error, const struct ev *const *evs, size_t n)
{
	struct ans *a = arg;
	struct evc *c;
	size_t i;

	a->calls++;
	a->order = ++seq;
	a->error = error;
	a->n = n;
	ck_assert_uint_le(n, ANS_MAX);
	if (n > 0)
		ck_assert_ptr_nonnull(evs);
	for (i = 0; i < n; i++) {
		c = &a->ev[i];
		memset(c, 0, sizeof *c);
		c->id = evs[i]->id;
		c->time = evs[i]->time_ms;
		c->flags = evs[i]->flags;
		c->kind = evs[i]->kind;
		c->len = evs[i]->len;
		ck_assert_uint_lt(c->len, STR_MAX);
		memcpy(c->text, evs[i]->text, c->len);
		copy_str(c, 0, evs[i]->room);
		copy_str(c, 1, evs[i]->nick);
		copy_str(c, 2, evs[i]->user);
		copy_str(c, 3, evs[i]->msgid);
		copy_str(c, 4, evs[i]->target);
		copy_str(c, 5, evs[i]->tags);
	}
}

static inline int
answered(void *arg)
{
	return ((struct ans *)arg)->calls > 0;
}

static inline void
wait_ans(struct ans *a)
{
	ck_assert_msg(redis_loop_run(L, answered, a, WAIT_MS),
	    "no answer within %d ms", WAIT_MS);
	ck_assert_int_eq(a->calls, 1);
}

/* a and b hold the same events, every field. */
static inline void
ans_same(const struct ans *a, const struct ans *b, int line)
{
	size_t i, k;

	ck_assert_msg(a->error == b->error, "line %d: error %d, not %d", line,
	    a->error, b->error);
	ck_assert_msg(
	    a->n == b->n, "line %d: %zu events, not %zu", line, a->n, b->n);
	for (i = 0; i < a->n; i++) {
		const struct evc *x = &a->ev[i], *y = &b->ev[i];

		ck_assert_msg(x->id == y->id && x->time == y->time &&
			x->flags == y->flags && x->kind == y->kind &&
			x->len == y->len &&
			memcmp(x->text, y->text, x->len) == 0,
		    "line %d: event %zu: id %llu@%lld, not %llu@%lld", line, i,
		    (unsigned long long)x->id, (long long)x->time,
		    (unsigned long long)y->id, (long long)y->time);
		for (k = 0; k < 6; k++)
			ck_assert_msg(x->has[k] == y->has[k] &&
				(!x->has[k] ||
				    strcmp(x->str[k], y->str[k]) == 0),
			    "line %d: event %zu: string %zu differs", line, i,
			    k);
	}
}

static inline void
ans_ids(const struct ans *a, size_t n, const unsigned *ids, int line)
{
	size_t i;

	ck_assert_msg(a->error == 0, "line %d: error %d", line, a->error);
	ck_assert_msg(a->n == n, "line %d: %zu events, not %zu", line, a->n, n);
	for (i = 0; i < n; i++)
		ck_assert_msg(a->ev[i].id == ids[i],
		    "line %d: event %zu is %llu, not %u", line, i,
		    (unsigned long long)a->ev[i].id, ids[i]);
}

/* --- fixtures ---------------------------------------------------------- */

static inline int
up(void *arg)
{
	return rlink_is_up(arg);
}

static inline int
down(void *arg)
{
	return !rlink_is_up(arg);
}

static inline int
setup(const char *test)
{
	const char *cause = NULL;

	log_set_level(LOG_ERROR);
	seq = 0;
	if (!redis_srv_available(test))
		return 0;
	ck_assert_int_eq(redis_srv_start(&R, NULL), 0);
	ck_assert_ptr_nonnull(L = loop_new(LOOP_POLL));
	K = rlink_new(L, R.url, RLINK_COMMANDS, NULL, NULL, NULL, &cause);
	ck_assert_msg(K != NULL, "rlink_new: %s", cause);
	ck_assert(redis_loop_run(L, up, K, WAIT_MS));
	return 1;
}

static inline void
teardown(void)
{
	rlink_free(K);
	ck_assert_int_eq(loop_count(L), 0);
	loop_free(L);
	redis_srv_stop(&R);
}

static inline struct history *
store(size_t per_room)
{
	struct history *h = history_redis_new(L, K, per_room);

	ck_assert_ptr_nonnull(h);
	return h;
}

static inline void
flushall(void)
{
	ck_assert_int_eq(
	    redis_srv_int(&R, "EVAL %s 0", "redis.call('FLUSHALL') return 1"),
	    1);
}

/* Ask h; with must_wait, the answer must not come before this returns. */
static inline void
ask(struct history *h, const struct history_query *q, struct ans *a,
    int must_wait)
{
	memset(a, 0, sizeof *a);
	history_query(h, q, on_ans, a);
	if (must_wait)
		ck_assert_int_eq(a->calls, 0);
}

static inline void
query(struct history *h, enum history_sel sel, const char *room,
    struct history_ref r1, struct history_ref r2, size_t limit, struct ans *a)
{
	struct history_query q = {
		.sel = sel, .room = room, .ref = r1, .ref2 = r2, .limit = limit
	};

	ask(h, &q, a, 1);
	wait_ans(a);
}

#endif
