/*
 * chat_rec.h: what test_chat*.c share: a chat core whose sink records
 * every call. Each emitted event is kept as one line of text that names
 * its kind, every field that is set and the users it reached (resolved
 * here from the recipients, by the rules chat.h gives them), so a test
 * states the exact events, in order, as strings. room_gone and kicked
 * are recorded in the same list, so their order against the events is
 * checked too. Every emit also checks what holds for all events: ids
 * increase, each msgid maps back to its id, times never go back.
 */
#ifndef TEST_CHAT_REC_H
#define TEST_CHAT_REC_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "check_main.h"
#include "history.h"
#include "log.h"

#define REC_MAX   256
#define REC_LINE  1024
#define REC_USERS 64

/* One sink call, and the raw event for the fields a line leaves out. */
struct rec_entry {
	char line[REC_LINE];
	uint64_t id;
	int64_t time_ms;
	char msgid[CHAT_MSGID_MAX + 1];
	const struct ev *evp; /* only to compare two emits */
};

struct rec {
	struct chat chat;
	struct history *history;
	struct rec_entry e[REC_MAX];
	int n;
	uint64_t last_id;
	const struct ev *last_ev;
	int64_t last_ms;
	int emits;
};

/* Checks' own tests fork: one recorder per test process. */
static struct rec R;

static const char *const rec_quit_names[EV_QUIT_NWHY] = { "request", "closed",
	"reset", "slow", "error", "memory", "timeout", "password", "ping",
	"kicked", "shutdown", "lost" };

static const char *const rec_kind_names[EV_NKINDS] = { "MESSAGE", "JOIN",
	"PART", "QUIT", "NICK", "TOPIC", "KICK", "MODE", "REPLY", "ERROR" };

static inline void rec_printf(char *, size_t *, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static inline void
rec_printf(char *out, size_t *at, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*at >= REC_LINE)
		return;
	va_start(ap, fmt);
	n = vsnprintf(out + *at, REC_LINE - *at, fmt, ap);
	va_end(ap);
	*at += n > 0 ? (size_t)n : 0;
}

static inline int
rec_user_cmp(const void *a, const void *b)
{
	const struct user *ua = *(struct user *const *)a;
	const struct user *ub = *(struct user *const *)b;

	return strcmp(ua->nick, ub->nick);
}

/* Add u to the set (each user once: the rules say "once"). */
static inline void
rec_add(struct user **set, int *n, struct user *u)
{
	int i;

	for (i = 0; i < *n; i++)
		if (set[i] == u)
			return;
	ck_assert_int_lt(*n, REC_USERS);
	set[(*n)++] = u;
}

/* The users rc reaches, sorted by nick; the actor marked with '+'. */
static inline void
rec_rcpt(char *out, size_t *at, const struct rcpt *rc)
{
	struct user *set[REC_USERS];
	struct member *m, *n;
	int count = 0, i;

	switch (rc->kind) {
	case RCPT_USER:
		rec_printf(out, at, " @user(%s)", rc->user->nick);
		rec_add(set, &count, rc->user);
		break;
	case RCPT_ROOM:
		rec_printf(out, at, " @room(%s)", rc->room->name);
		if (rc->except != NULL)
			rec_printf(out, at, " except(%s)", rc->except->nick);
		TAILQ_FOREACH(m, &rc->room->members, in_room)
			if (m->user != rc->except)
				rec_add(set, &count, m->user);
		break;
	case RCPT_NEIGHBOURS:
		rec_printf(out, at, " @neighbours(%s)", rc->user->nick);
		TAILQ_FOREACH(m, &rc->user->rooms, in_user)
			TAILQ_FOREACH(n, &m->room->members, in_room)
				if (n->user != rc->user)
					rec_add(set, &count, n->user);
		if (rc->self != NULL)
			rec_add(set, &count, rc->self);
		break;
	}
	/* self names a recipient, never someone outside the list. */
	if (rc->self != NULL) {
		for (i = 0; i < count && set[i] != rc->self; i++)
			;
		ck_assert_msg(
		    i < count, "self %s is not a recipient", rc->self->nick);
	}
	qsort(set, (size_t)count, sizeof set[0], rec_user_cmp);
	rec_printf(out, at, " ->");
	for (i = 0; i < count; i++)
		rec_printf(out, at, "%s%s%s", i > 0 ? "," : " ", set[i]->nick,
		    set[i] == rc->self ? "+" : "");
}

static inline struct rec_entry *
rec_next(void)
{
	ck_assert_int_lt(R.n, REC_MAX);
	memset(&R.e[R.n], 0, sizeof R.e[R.n]);
	return &R.e[R.n++];
}

static inline void
rec_emit(void *arg, const struct ev *ev, const struct rcpt *rc)
{
	struct rec_entry *e;
	char with_part[CHAT_MSGID_MAX + 8];
	size_t at = 0;

	ck_assert_ptr_eq(arg, &R);
	R.emits++;
	/* Every event has an id above the last one, except when one event
	 * is handed over twice (a private message: recipient and sender). */
	ck_assert_msg(
	    ev->id > R.last_id || (ev->id == R.last_id && ev == R.last_ev),
	    "id %" PRIu64 " after %" PRIu64, ev->id, R.last_id);
	ck_assert_ptr_nonnull(ev->msgid);
	ck_assert_uint_eq(chat_msgid_id(&R.chat, ev->msgid), ev->id);
	snprintf(with_part, sizeof with_part, "%s-3", ev->msgid);
	ck_assert_uint_eq(chat_msgid_id(&R.chat, with_part), ev->id);
	ck_assert_int_ge(ev->time_ms, R.last_ms);
	ck_assert_int_le(ev->time_ms, R.chat.last_ms);
	R.last_id = ev->id;
	R.last_ev = ev;
	R.last_ms = ev->time_ms;

	e = rec_next();
	e->id = ev->id;
	e->time_ms = ev->time_ms;
	e->evp = ev;
	snprintf(e->msgid, sizeof e->msgid, "%s", ev->msgid);
	rec_printf(e->line, &at, "%s",
	    ev->kind < EV_NKINDS ? rec_kind_names[ev->kind] : "?");
	if (ev->nick != NULL)
		rec_printf(e->line, &at, " nick=%s", ev->nick);
	if (ev->user != NULL)
		rec_printf(e->line, &at, " user=%s", ev->user);
	if (ev->room != NULL)
		rec_printf(e->line, &at, " room=%s", ev->room);
	if (ev->target != NULL)
		rec_printf(e->line, &at, " target=%s", ev->target);
	if (ev->text != NULL)
		rec_printf(
		    e->line, &at, " text=\"%.*s\"", (int)ev->len, ev->text);
	else
		ck_assert_uint_eq(ev->len, 0);
	if (ev->tags != NULL)
		rec_printf(e->line, &at, " tags=%s", ev->tags);
	if (ev->flags != 0)
		rec_printf(e->line, &at, " flags=%#x", ev->flags);
	if (ev->kind == EV_QUIT)
		rec_printf(e->line, &at, " quit=%s",
		    ev->quit < EV_QUIT_NWHY ? rec_quit_names[ev->quit] : "?");
	else
		ck_assert_int_eq(ev->quit, 0);
	if (ev->kind == EV_REPLY || ev->kind == EV_ERROR)
		rec_printf(e->line, &at, " code=%d", (int)ev->code);
	else
		ck_assert_int_eq(ev->code, 0);
	rec_rcpt(e->line, &at, rc);
}

static inline void
rec_room_gone(void *arg, struct room *r)
{
	struct rec_entry *e;

	ck_assert_ptr_eq(arg, &R);
	/* Its last member is gone already. */
	ck_assert_int_eq(r->count, 0);
	ck_assert(TAILQ_EMPTY(&r->members));
	e = rec_next();
	snprintf(e->line, sizeof e->line, "GONE %s", r->name);
}

static inline void
rec_kicked(void *arg, struct user *u, const struct ev *ev)
{
	struct rec_entry *e;

	ck_assert_ptr_eq(arg, &R);
	ck_assert_int_eq(ev->kind, EV_KICK);
	/* The kicked user is out of the room already. */
	ck_assert_ptr_eq(
	    chat_member(u, chat_find_room(&R.chat, ev->room)), NULL);
	e = rec_next();
	snprintf(e->line, sizeof e->line, "KICKED %s from %s by %s", u->nick,
	    ev->room, ev->nick);
}

static const struct chat_sink rec_sink = {
	.emit = rec_emit,
	.room_gone = rec_room_gone,
	.kicked = rec_kicked,
};

/* A fresh core; history_new(per_room, max) when per_room > 0. */
static inline void
rec_setup_history(size_t per_room, size_t max_bytes)
{
	memset(&R, 0, sizeof R);
	log_set_level(LOG_ERROR);
	if (per_room > 0)
		ck_assert_ptr_nonnull(
		    R.history = history_new(per_room, max_bytes));
	chat_init(&R.chat, &rec_sink, &R, R.history);
}

static inline void
rec_setup(void)
{
	rec_setup_history(0, 0);
}

static inline void
rec_teardown(void)
{
	chat_free(&R.chat);
	history_free(R.history);
}

/* Forget what was recorded so far. */
static inline void
rec_clear(void)
{
	R.n = 0;
}

/* A user holding nick, not yet visible. */
static inline struct user *
rec_guest(const char *nick)
{
	struct user *u = chat_user_new(&R.chat, 0, NULL);

	ck_assert_ptr_nonnull(u);
	ck_assert_int_eq(chat_claim_nick(&R.chat, u, nick), 0);
	return u;
}

/* A visible plain-text user. */
static inline struct user *
rec_user(const char *nick)
{
	struct user *u = rec_guest(nick);

	chat_enter(&R.chat, u);
	return u;
}

/* A visible IRC user with an IRC username. */
static inline struct user *
rec_irc_user(const char *nick, const char *username)
{
	struct user *u = rec_guest(nick);

	u->irc = 1;
	snprintf(u->username, sizeof u->username, "%s", username);
	chat_enter(&R.chat, u);
	return u;
}

/* u joins each room, NULL-terminated, and what that said is forgotten. */
static inline void
rec_joins(struct user *u, ...)
{
	const char *room;
	va_list ap;

	va_start(ap, u);
	while ((room = va_arg(ap, const char *)) != NULL)
		ck_assert_int_eq(chat_join(&R.chat, u, room, 0), 0);
	va_end(ap);
	rec_clear();
}

static inline struct room *
rec_room(const char *name)
{
	struct room *r = chat_find_room(&R.chat, name);

	ck_assert_msg(r != NULL, "no room %s", name);
	return r;
}

static inline int
rec_is_op(struct user *u, const char *room)
{
	struct member *m = chat_member(u, rec_room(room));

	ck_assert_ptr_nonnull(m);
	return m->op;
}

/* Exactly these lines were recorded, in this order (NULL-terminated). */
#define rec_expect(...) rec_expect_at(__LINE__, __VA_ARGS__, (const char *)NULL)

static inline void
rec_expect_at(int line, ...)
{
	const char *want;
	va_list ap;
	int i = 0;

	va_start(ap, line);
	while ((want = va_arg(ap, const char *)) != NULL) {
		ck_assert_msg(
		    i < R.n, "line %d: event %d missing: %s", line, i, want);
		ck_assert_msg(strcmp(R.e[i].line, want) == 0,
		    "line %d: event %d:\n  got  %s\n  want %s", line, i,
		    R.e[i].line, want);
		i++;
	}
	va_end(ap);
	ck_assert_msg(i == R.n, "line %d: %d events, want %d; extra: %s", line,
	    R.n, i, R.e[i < R.n ? i : 0].line);
}

/* Nothing was recorded. */
static inline void
rec_expect_none(void)
{
	ck_assert_msg(R.n == 0, "%d events, the first: %s", R.n, R.e[0].line);
}

#endif
