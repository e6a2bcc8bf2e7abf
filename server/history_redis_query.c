/*
 * history_redis_query.c: the Redis history store's queries (one script
 * each, history_redis_lua.c) and TARGETS (one XREVRANGE per room).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "history_redis_impl.h"
#include "history_select.h"
#include "text.h"

#define HREDIS_MAXSEQ "18446744073709551615" /* an entry id's largest seq */

/* --- queries ----------------------------------------------------------- */

static const char *
sel_name(enum history_sel sel)
{
	switch (sel) {
	case HISTORY_LATEST:
		return "latest";
	case HISTORY_BEFORE:
		return "before";
	case HISTORY_AFTER:
		return "after";
	case HISTORY_AROUND:
		return "around";
	case HISTORY_BETWEEN:
		return "between";
	}
	return "";
}

/*
 * A reference as the query script takes it: its kind, then an id, or a
 * time's three bounds (history_redis_lua.c). Times below 0 hold nothing
 * before them; times past HREDIS_NUM_MAX, which no event has, are as one
 * just past it.
 */
static void
ref_args(const struct history_ref *r, int shared,
    char buf[3][HREDIS_NUM_LEN * 2], const char **argv)
{
	int64_t t;

	buf[0][0] = buf[1][0] = buf[2][0] = '\0';
	argv[0] = "n";
	if (r->kind == HISTORY_REF_ID) {
		argv[0] = "i";
		/* A shared store's index is by msgid (history_redis.h). */
		if (shared)
			snprintf(buf[0], sizeof buf[0], "%s", r->msgid);
		else
			snprintf(buf[0], sizeof buf[0], "%" PRIu64, r->id);
	} else if (r->kind == HISTORY_REF_TIME) {
		argv[0] = "t";
		t = r->time_ms > HREDIS_NUM_MAX ? HREDIS_NUM_MAX + 1 :
						  r->time_ms;
		if (t < 0) {
			strcpy(buf[1], "-");
			strcpy(buf[2], "-");
		} else {
			if (t > 0)
				snprintf(buf[0], sizeof buf[0],
				    "%" PRId64 "-" HREDIS_MAXSEQ, t - 1);
			snprintf(buf[1], sizeof buf[1], "%" PRId64 "-0", t + 1);
			snprintf(buf[2], sizeof buf[2], "%" PRId64 "-0", t);
		}
	}
	argv[1] = buf[0];
	argv[2] = buf[1];
	argv[3] = buf[2];
}

void
hredis_query(struct history *h, const struct history_query *hq, history_cb *cb,
    void *arg)
{
	struct hredis *s = (struct hredis *)h;
	char stream[HREDIS_KEY_MAX], index[HREDIS_KEY_MAX];
	char lim[HREDIS_NUM_LEN], refs[2][3][HREDIS_NUM_LEN * 2];
	size_t limit = hq->limit < h->per_room ? hq->limit : h->per_room;
	const char *argv[15];
	struct hreq *q;

	if ((q = hredis_req_new(s, HREQ_QUERY, cb, arg)) == NULL) {
		/* Cannot even queue it: answer now, out of turn, rather than
		 * never. */
		s->busy++;
		cb(arg, ENOMEM, NULL, 0);
		s->busy--;
		return;
	}
	if (!history_query_valid(hq))
		q->error = EINVAL;
	else if (limit > 0 && hredis_keys(hq->room, stream, index) == 0) {
		snprintf(lim, sizeof lim, "%zu", limit);
		argv[0] = "EVAL";
		argv[1] = history_redis_query_lua;
		argv[2] = "2";
		argv[3] = stream;
		argv[4] = index;
		argv[5] = sel_name(hq->sel);
		argv[6] = lim;
		ref_args(&hq->ref, s->shared, refs[0], argv + 7);
		ref_args(&hq->ref2, s->shared, refs[1], argv + 11);
		hredis_send(s, q, 15, argv, NULL);
	}
	if (q->waiting == 0)
		hredis_turn_soon(s);
}

/* The XREVRANGE bounds of lo < time < hi; 0 when no time can be. */
static int
window(int64_t lo, int64_t hi, char *end, char *start, size_t size)
{
	if (hi > HREDIS_NUM_MAX)
		hi = HREDIS_NUM_MAX + 1;
	if (lo > HREDIS_NUM_MAX)
		lo = HREDIS_NUM_MAX;
	if (hi <= 0)
		return 0;
	snprintf(end, size, "%" PRId64 "-" HREDIS_MAXSEQ, hi - 1);
	if (lo < 0)
		snprintf(start, size, "-");
	else
		snprintf(start, size, "%" PRId64 "-0", lo + 1);
	return 1;
}

void
hredis_targets(struct history *h, const struct history_targets *t,
    history_cb *cb, void *arg)
{
	struct hredis *s = (struct hredis *)h;
	char stream[HREDIS_KEY_MAX], index[HREDIS_KEY_MAX];
	char end[HREDIS_NUM_LEN * 2], start[HREDIS_NUM_LEN * 2];
	int64_t lo = t->from_ms < t->to_ms ? t->from_ms : t->to_ms;
	int64_t hi = t->from_ms < t->to_ms ? t->to_ms : t->from_ms;
	const char *argv[6];
	struct hreq *q;
	size_t i, j;

	if ((q = hredis_req_new(s, HREQ_TARGETS, cb, arg)) == NULL) {
		s->busy++;
		cb(arg, ENOMEM, NULL, 0);
		s->busy--;
		return;
	}
	q->t = *t;
	q->t.rooms = NULL;
	if (h->per_room == 0 || t->limit == 0 ||
	    !window(lo, hi, end, start, sizeof end))
		goto out;
	argv[0] = "XREVRANGE";
	argv[1] = stream;
	argv[2] = end;
	argv[3] = start;
	argv[4] = "COUNT";
	argv[5] = "1";
	for (i = 0; i < t->nrooms && q->error == 0; i++) {
		for (j = 0; j < i; j++) /* a room named twice: once */
			if (text_casecmp(t->rooms[j], t->rooms[i]) == 0)
				break;
		if (j == i && hredis_keys(t->rooms[i], stream, index) == 0)
			hredis_send(s, q, 6, argv, NULL);
	}
out:
	if (q->waiting == 0)
		hredis_turn_soon(s);
}
