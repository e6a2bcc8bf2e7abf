/*
 * history_redis_ev.c: the Redis history store's keys, and its events made
 * back out of the stream entries Redis returns (history_redis.h has the
 * layout).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "history_redis_impl.h"
#include "redis_url.h"

/* The fields that hold strings, in the order struct hans copies them;
 * the first HREDIS_NEEDED every entry must have. */
enum { F_ROOM, F_NICK, F_TEXT, F_USER, F_MSGID, F_TARGET, F_TAGS, F_NSTR };
#define HREDIS_NEEDED 3

static const char *const str_field[F_NSTR] = { "room", "nick", "text", "user",
	"msgid", "target", "tags" };

int
hredis_keys(const char *room, char *stream, char *index)
{
	char part[HREDIS_ROOM_MAX * 3 + 1];

	if (room[0] == '\0' || strlen(room) > HREDIS_ROOM_MAX)
		return -1;
	redis_key_part(room, part);
	snprintf(stream, HREDIS_KEY_MAX, "chatd:{%s}:history", part);
	snprintf(index, HREDIS_KEY_MAX, "chatd:{%s}:history:ids", part);
	return 0;
}

static int
is_str(const redisReply *r)
{
	return r->type == REDIS_REPLY_STRING;
}

/* [id, [field, value, ...]] with strings throughout. */
static int
entry_ok(const redisReply *e)
{
	const redisReply *f;
	size_t i;

	if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
	    !is_str(e->element[0]) || e->element[1]->type != REDIS_REPLY_ARRAY)
		return 0;
	f = e->element[1];
	if (f->elements % 2 != 0)
		return 0;
	for (i = 0; i < f->elements; i++)
		if (!is_str(f->element[i]))
			return 0;
	return 1;
}

static const redisReply *
field(const redisReply *e, const char *name)
{
	const redisReply *f = e->element[1];
	size_t i;

	for (i = 0; i < f->elements; i += 2)
		if (strcmp(f->element[i]->str, name) == 0)
			return f->element[i + 1];
	return NULL;
}

/* "TIME-ID", both decimal, as the add script writes it. */
static int
parse_id(const char *s, int64_t *time_ms, uint64_t *id)
{
	unsigned long long t = 0, n = 0;
	const char *p;

	for (p = s;
	     *p >= '0' && *p <= '9' && t < (unsigned long long)HREDIS_NUM_MAX;
	     p++)
		t = t * 10 + (unsigned long long)(*p - '0');
	if (p == s || *p++ != '-' || t > (unsigned long long)HREDIS_NUM_MAX)
		return -1;
	s = p;
	for (; *p >= '0' && *p <= '9' && n < (unsigned long long)HREDIS_NUM_MAX;
	     p++)
		n = n * 10 + (unsigned long long)(*p - '0');
	if (p == s || *p != '\0' || n > (unsigned long long)HREDIS_NUM_MAX)
		return -1;
	*time_ms = (int64_t)t;
	*id = n;
	return 0;
}

static const char *
copy(char **p, const redisReply *v)
{
	char *d = *p;

	if (v == NULL)
		return NULL;
	memcpy(d, v->str, v->len);
	d[v->len] = '\0';
	*p = d + v->len + 1;
	return d;
}

/* One entry into ev, its strings at *p. */
static void
fill(struct ev *ev, const redisReply *e, char **p)
{
	const char **dst[F_NSTR] = { &ev->room, &ev->nick, &ev->text, &ev->user,
		&ev->msgid, &ev->target, &ev->tags };
	const redisReply *v;
	size_t i;

	memset(ev, 0, sizeof *ev);
	ev->kind = EV_MESSAGE;
	(void)parse_id(e->element[0]->str, &ev->time_ms, &ev->id);
	/* A shared store's entry ids are not the events' (history_redis.h):
	 * the fields are. Otherwise they say the same. */
	if ((v = field(e, "id")) != NULL)
		ev->id = strtoull(v->str, NULL, 10);
	if ((v = field(e, "time")) != NULL)
		ev->time_ms = strtoll(v->str, NULL, 10);
	for (i = 0; i < F_NSTR; i++)
		*dst[i] = copy(p, field(e, str_field[i]));
	ev->len = field(e, "text")->len;
	if ((v = field(e, "flags")) != NULL)
		ev->flags = (unsigned)strtoul(v->str, NULL, 10);
}

struct hans *
hredis_answer(const redisReply *r)
{
	const redisReply *e, *v;
	struct hans *a;
	size_t i, j, n, bytes;
	int64_t t;
	uint64_t id;
	char *p;

	if (r->type != REDIS_REPLY_ARRAY) {
		errno = EIO;
		return NULL;
	}
	n = r->elements;
	bytes = sizeof *a + n * (sizeof(struct ev) + sizeof(struct ev *));
	for (i = 0; i < n; i++) {
		e = r->element[i];
		if (!entry_ok(e) ||
		    parse_id(e->element[0]->str, &t, &id) == -1) {
			errno = EIO;
			return NULL;
		}
		for (j = 0; j < F_NSTR; j++) {
			if ((v = field(e, str_field[j])) != NULL)
				bytes += v->len + 1;
			else if (j < HREDIS_NEEDED) {
				errno = EIO;
				return NULL;
			}
		}
	}
	if ((a = malloc(bytes)) == NULL)
		return NULL;
	a->next = NULL;
	a->n = n;
	a->evs = (const struct ev **)(void *)(a->ev + n);
	p = (char *)(a->evs + n);
	for (i = 0; i < n; i++) {
		fill(&a->ev[i], r->element[i], &p);
		a->evs[i] = &a->ev[i];
	}
	return a;
}

void
hredis_answer_free(struct hans *a)
{
	free(a);
}
