/*
 * redis_link_test.h: what the rlink test suites share: a redis-server,
 * and recorders for link states, replies and messages.
 */
#ifndef TEST_REDIS_LINK_TEST_H
#define TEST_REDIS_LINK_TEST_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "check_main.h"
#include "harness.h"
#include "log.h"
#include "loop.h"
#include "redis_link.h"
#include "redis_server.h"

/* What cluster-v1.md allows for "lost" and "restored" (§3). */
#define USER_DEADLINE_MS 5000
#define NCMDS            200

static struct redis_srv R;

/* --- recording --------------------------------------------------------- */

struct state {
	int up, ups, downs;
	long changed_at;
};

static inline void
on_state(struct rlink *link, int up, void *arg)
{
	struct state *s = arg;

	ck_assert_int_eq(rlink_is_up(link), up);
	ck_assert_int_ne(s->up, up); /* transitions only */
	s->up = up;
	if (up)
		s->ups++;
	else
		s->downs++;
	s->changed_at = harness_now_ms();
}

struct rec {
	int calls;
	int order;
	int err;  /* an err string came */
	int type; /* reply->type, or -1 for no reply */
	long long integer;
	char str[256];
	size_t len;
	long at;
};

static int seq;

static inline void
on_rec(void *arg, const struct redisReply *r, const char *err)
{
	struct rec *c = arg;

	c->calls++;
	c->order = ++seq;
	c->err = err != NULL;
	c->type = r != NULL ? r->type : -1;
	c->at = harness_now_ms();
	if (r != NULL && r->type == REDIS_REPLY_INTEGER)
		c->integer = r->integer;
	if (r != NULL && r->str != NULL) {
		c->len = r->len < sizeof c->str ? r->len : sizeof c->str - 1;
		memcpy(c->str, r->str, c->len);
	} else if (err != NULL) {
		snprintf(c->str, sizeof c->str, "%s", err);
		c->len = strlen(c->str);
	}
	c->str[c->len] = '\0';
}

struct msgs {
	int n;
	char channel[128];
	char data[64];
	size_t len;
};

static inline void
on_msg(void *arg, const char *channel, const char *data, size_t len)
{
	struct msgs *m = arg;

	m->n++;
	snprintf(m->channel, sizeof m->channel, "%s", channel);
	ck_assert_uint_lt(len, sizeof m->data);
	memcpy(m->data, data, len);
	m->len = len;
}

static inline int
is_up(void *arg)
{
	return ((struct state *)arg)->up;
}

static inline int
called(void *arg)
{
	return ((struct rec *)arg)->calls > 0;
}

static inline int
got_msg(void *arg)
{
	return ((struct msgs *)arg)->n > 0;
}

/* Both links up. */
struct two {
	struct state *a, *b;
};

static inline int
both_up(void *arg)
{
	struct two *t = arg;

	return t->a->up && t->b->up;
}

static inline int
both_down(void *arg)
{
	struct two *t = arg;

	return t->a->downs > 0 && !t->a->up && t->b->downs > 0 && !t->b->up;
}

/* --- fixtures ---------------------------------------------------------- */

static inline int
setup_redis(const char *test, const char *password)
{
	log_set_level(LOG_ERROR);
	seq = 0;
	if (!redis_srv_available(test))
		return 0;
	ck_assert_int_eq(redis_srv_start(&R, password), 0);
	return 1;
}

static inline struct rlink *
link_new(struct loop *l, const char *url, enum rlink_kind k,
    const struct rlink_opts *o, struct state *st)
{
	const char *cause = NULL;
	struct rlink *link;

	memset(st, 0, sizeof *st);
	link = rlink_new(l, url, k, o, on_state, st, &cause);
	ck_assert_msg(link != NULL, "rlink_new(%s): %s", url, cause);
	return link;
}

/* Publish from a command link until n subscribers get it (a subscription
 * on another connection takes effect when Redis has read it). */
static inline int
publish_until(struct loop *l, struct rlink *cmd, const char *channel,
    const char *data, size_t len, long long n)
{
	long end = harness_now_ms() + 5000;
	struct rec r;

	do {
		memset(&r, 0, sizeof r);
		ck_assert_int_eq(rlink_command(cmd, on_rec, &r, "PUBLISH %s %b",
				     channel, data, len),
		    0);
		ck_assert(redis_loop_run(l, called, &r, 2000));
		ck_assert_int_eq(r.err, 0);
		if (r.integer == n)
			return 1;
	} while (harness_now_ms() < end);
	return 0;
}

#endif
