/* resume.c: losing nothing across a reconnect: msgids printed, history replies, held lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "resume.h"
#include "text.h"

#define RESUME_MS_PER_S 1000

static uint32_t resume_hash(const char *);
static struct resume_seen *resume_lookup(const struct resume *, const char *);
static void resume_copy(char *, size_t, const char *);

void
resume_init(struct resume *r)
{
	memset(r, 0, sizeof *r);
	hmap_init(&r->map);
	buf_init(&r->held);
}

void
resume_free(struct resume *r)
{
	resume_drop(r);
	hmap_free(&r->map);
	free(r->ring);
	buf_free(&r->held);
	r->ring = NULL;
	r->n = 0;
}

static void
resume_copy(char *dst, size_t dstlen, const char *src)
{
	snprintf(dst, dstlen, "%s", src != NULL ? src : "");
}

/* msgids are opaque and compared exactly (FNV-1a of the bytes). */
static uint32_t
resume_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

static struct resume_seen *
resume_lookup(const struct resume *r, const char *id)
{
	uint32_t h = resume_hash(id);
	struct hnode *n;
	struct resume_seen *e;

	for (n = hmap_first(&r->map, h); n != NULL; n = hmap_next(n, h)) {
		e = HMAP_ENTRY(n, struct resume_seen, node);
		if (strcmp(e->id, id) == 0)
			return e;
	}
	return NULL;
}

int
resume_seen(const struct resume *r, const char *id)
{
	return id != NULL && *id != '\0' && resume_lookup(r, id) != NULL;
}

/* The newest RESUME_SEEN_MAX ids, in a ring: the oldest makes room. */
void
resume_add(struct resume *r, const char *id)
{
	struct resume_seen *e;
	size_t slot;

	if (id == NULL || *id == '\0' || strlen(id) >= RESUME_MSGID_MAX ||
	    resume_seen(r, id))
		return;
	if (r->ring == NULL &&
	    (r->ring = calloc(RESUME_SEEN_MAX, sizeof *r->ring)) == NULL)
		return; /* without memory, duplicates are possible, no more */
	if (r->n == RESUME_SEEN_MAX) {
		hmap_remove(&r->map, &r->ring[r->head].node);
		r->head = (r->head + 1) % RESUME_SEEN_MAX;
		r->n--;
	}
	slot = (r->head + r->n) % RESUME_SEEN_MAX;
	e = &r->ring[slot];
	resume_copy(e->id, sizeof e->id, id);
	if (hmap_insert(&r->map, &e->node, resume_hash(id)) == 0)
		r->n++;
}

void
resume_note(
    struct resume *r, const char *room, const char *msgid, int64_t time_ms)
{
	if (text_casecmp(room, r->room) != 0) {
		resume_copy(r->room, sizeof r->room, room);
		r->last[0] = '\0';
	}
	if (msgid != NULL && *msgid != '\0' && strlen(msgid) < sizeof r->last)
		resume_copy(r->last, sizeof r->last, msgid);
	if (time_ms > r->last_ms)
		r->last_ms = time_ms;
}

void
resume_joined(struct resume *r, const char *room, int64_t time_ms)
{
	if (text_casecmp(room, r->room) == 0)
		return;
	resume_copy(r->room, sizeof r->room, room);
	r->last[0] = '\0';
	r->last_ms = time_ms;
}

int
resume_ref(const struct resume *r, const char *room, char *out, size_t outlen)
{
	struct tm tm;
	time_t t;
	int n;

	if (text_casecmp(room, r->room) != 0)
		return 0;
	if (r->last[0] != '\0') {
		n = snprintf(out, outlen, "msgid=%s", r->last);
		return n > 0 && (size_t)n < outlen;
	}
	if (r->last_ms <= 0)
		return 0;
	t = (time_t)(r->last_ms / RESUME_MS_PER_S);
	if (gmtime_r(&t, &tm) == NULL)
		return 0;
	n = snprintf(out, outlen,
	    "timestamp=%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    (int)(r->last_ms % RESUME_MS_PER_S));
	return n > 0 && (size_t)n < outlen;
}

int
resume_request(struct resume *r, enum resume_kind kind, const char *room,
    size_t limit, int64_t now)
{
	struct resume_req *q;

	if (r->nreq == RESUME_PENDING_MAX)
		return -1;
	q = &r->req[r->nreq++];
	q->kind = kind;
	q->limit = limit;
	resume_copy(q->room, sizeof q->room, room);
	if (kind == RESUME_MISSED && !r->holding) {
		r->holding = 1;
		r->since = now;
	}
	return 0;
}

int
resume_missing(const struct resume *r)
{
	size_t i;

	for (i = 0; i < r->nreq; i++)
		if (r->req[i].kind == RESUME_MISSED)
			return 1;
	for (i = 0; i < r->nbatch; i++)
		if (r->batch[i].req.kind == RESUME_MISSED)
			return 1;
	return 0;
}

struct resume_batch *
resume_batch_open(struct resume *r, const char *id, const char *type)
{
	struct resume_batch *b;

	if (strcmp(type, "chathistory") != 0 || r->nreq == 0 ||
	    r->nbatch == RESUME_BATCHES_MAX || strlen(id) >= sizeof b->id ||
	    resume_batch_find(r, id) != NULL)
		return NULL;
	b = &r->batch[r->nbatch++];
	memset(b, 0, sizeof *b);
	resume_copy(b->id, sizeof b->id, id);
	b->req = r->req[0];
	buf_init(&b->lines);
	memmove(r->req, r->req + 1, --r->nreq * sizeof r->req[0]);
	return b;
}

struct resume_batch *
resume_batch_find(struct resume *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->nbatch; i++)
		if (strcmp(r->batch[i].id, id) == 0)
			return &r->batch[i];
	return NULL;
}

void
resume_batch_close(struct resume *r, struct resume_batch *b)
{
	size_t i = (size_t)(b - r->batch);

	buf_free(&b->lines);
	memmove(r->batch + i, r->batch + i + 1,
	    (r->nbatch - i - 1) * sizeof r->batch[0]);
	r->nbatch--;
}

int
resume_fail(struct resume *r, struct resume_req *req)
{
	if (r->nreq == 0)
		return -1;
	*req = r->req[0];
	memmove(r->req, r->req + 1, --r->nreq * sizeof r->req[0]);
	return 0;
}

void
resume_drop(struct resume *r)
{
	while (r->nbatch > 0)
		resume_batch_close(r, &r->batch[r->nbatch - 1]);
	r->nreq = 0;
	r->holding = 0;
}

int
resume_hold(struct resume *r, const char *line, size_t len)
{
	if (buf_len(&r->held) + len + 1 > RESUME_HELD_MAX ||
	    buf_append(&r->held, line, len) == -1 ||
	    buf_append(&r->held, "\n", 1) == -1)
		return -1;
	return 0;
}

int
resume_take(struct resume *r, struct buf *out)
{
	const char *p = buf_data(&r->held), *nl;
	size_t n;

	if (buf_len(&r->held) == 0)
		return 0;
	nl = memchr(p, '\n', buf_len(&r->held));
	n = nl != NULL ? (size_t)(nl - p) : buf_len(&r->held);
	buf_truncate(out, 0);
	if (buf_append(out, p, n) == -1 || buf_append(out, "", 1) == -1) {
		buf_consume(&r->held, buf_len(&r->held));
		return 0;
	}
	buf_truncate(out, n); /* the NUL stays after the end */
	buf_consume(&r->held, n + (nl != NULL));
	return 1;
}

int
resume_overdue(const struct resume *r, int64_t now)
{
	return r->holding && now - r->since > RESUME_WAIT_MS;
}
