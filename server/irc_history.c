/*
 * irc_history.c: where IRC meets the history store (history-v1 §3): the
 * CHATHISTORY command (draft/chathistory) and the replay after a JOIN to a
 * client with server-time but without draft/chathistory.
 *
 * The store (history.h) answers by callback, maybe later than the query
 * (a remote store): the answer carries the asker's connection id, not a
 * pointer, and finds the session again or is dropped. Until it comes the
 * client's next commands wait (its input is paused), so replies keep
 * their order (irc-v1 §2). Events go through proto_irc_render() as the
 * client's variant got them live, plus the batch tag: a split text line
 * replays split, a NOTICE as a NOTICE, an ACTION as an ACTION.
 *
 * CHATHISTORY is served whether or not draft/chathistory was negotiated:
 * the cap says "do not replay on JOIN", and a client that asks knows what
 * it asks for. Its answer is always a batch (the IRCv3 specification's
 * MUST), with batch= on every line; the other tags are the client's caps'.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chat.h"
#include "conf.h"
#include "conn.h"
#include "history.h"
#include "irc.h"
#include "log.h"
#include "proto_irc.h"
#include "server.h"
#include "text.h"

#define IRC_HIST_CMD     "CHATHISTORY"
#define IRC_HIST_SUB_MAX 8 /* "TARGETS" and its NUL */
#define IRC_BATCH_ID_MAX 16

/* What an answer is for. */
enum irc_hist_kind {
	IRC_HIST_QUERY,   /* CHATHISTORY LATEST ... BETWEEN */
	IRC_HIST_TARGETS, /* CHATHISTORY TARGETS */
	IRC_HIST_JOIN     /* the replay after a JOIN */
};

/* The subcommands: what each selects and how many references it takes. */
static const struct irc_hist_sub {
	const char *name;
	enum history_sel sel;
	int nrefs;
} irc_hist_subs[] = {
	{ "AFTER", HISTORY_AFTER, 1 },
	{ "AROUND", HISTORY_AROUND, 1 },
	{ "BEFORE", HISTORY_BEFORE, 1 },
	{ "BETWEEN", HISTORY_BETWEEN, 2 },
	{ "LATEST", HISTORY_LATEST, 1 },
};
#define IRC_HIST_NSUBS (sizeof irc_hist_subs / sizeof irc_hist_subs[0])

/* A question on its way to the store, and what its answer needs. */
struct irc_hist_ask {
	struct server *srv;
	unsigned id; /* the asker's connection */
	enum irc_hist_kind kind;
	int batch;                    /* wrap the answer in a batch */
	char sub[IRC_HIST_SUB_MAX];   /* the subcommand as sent */
	char chan[CHAT_ROOM_MAX + 2]; /* "#room", as the room spells it */
};

static history_cb irc_hist_answer;

/* FAIL CHATHISTORY <code> <sub> [<target>] :<text>. */
static void
irc_hist_fail(struct irc_session *s, const char *code, const char *sub,
    const char *target, const char *text)
{
	const char *context[3] = { sub != NULL ? sub : "*", target, NULL };

	irc_fail(s, IRC_HIST_CMD, code, context, text);
}

static void
irc_hist_send(struct irc_session *s, struct buf *b)
{
	if (buf_len(b) > 0)
		conn_send(s->ep.conn, buf_data(b), buf_len(b));
	buf_truncate(b, 0);
}

/* ":S BATCH +id type [param]" (param NULL: none) or ":S BATCH -id". */
static int
irc_batch_line(struct irc_session *s, struct buf *b, int open, const char *id,
    const char *type, const char *param)
{
	char ref[IRC_BATCH_ID_MAX + 1];
	const char *params[3] = { ref, type, param };

	snprintf(ref, sizeof ref, "%c%s", open ? '+' : '-', id);
	return irc_format(b, NULL, irc_server(s), "BATCH",
		   open ? (param != NULL ? 3 : 2) : 1, params, 0) == -1 ?
	    -1 :
	    0;
}

/* The events, oldest first, as history lines, inside batch id (NULL:
 * none, the JOIN replay to a client without the batch cap). */
static void
irc_hist_events(struct irc_session *s, struct buf *b, const char *id,
    const struct ev *const *evs, size_t n)
{
	size_t i;
	int rv;

	for (i = 0; i < n; i++) {
		rv = id != NULL ?
		    proto_irc_render_batch(b, evs[i], s->ep.variant, id) :
		    proto_irc_render(b, evs[i], 0, s->ep.variant);
		if (rv == -1)
			log_warn("client %u: cannot render a history event",
			    s->user->id);
	}
}

/* CHATHISTORY TARGETS lines: each event is its room's latest. */
static void
irc_hist_targets(struct irc_session *s, struct buf *b, const char *id,
    const struct ev *const *evs, size_t n)
{
	char tags[IRC_BATCH_ID_MAX + 8], chan[CHAT_ROOM_MAX + 2];
	char when[IRC_TIME_LEN + 1];
	const char *params[3] = { "TARGETS", chan, when };
	struct room *r;
	size_t i;

	snprintf(tags, sizeof tags, "batch=%s", id);
	for (i = 0; i < n; i++) {
		r = chat_find_room(&s->srv->chat, evs[i]->room);
		snprintf(chan, sizeof chan, "#%s",
		    r != NULL ? r->name : evs[i]->room);
		irc_time_format(when, sizeof when, evs[i]->time_ms);
		if (irc_format(b, tags, irc_server(s), IRC_HIST_CMD, 3, params,
			0) == -1)
			log_warn(
			    "client %u: cannot render a target", s->user->id);
	}
}

static void
irc_hist_answer(void *arg, int error, const struct ev *const *evs, size_t n)
{
	struct irc_hist_ask *a = arg;
	struct irc_session *s = irc_session_find(a->srv, a->id);
	char id[IRC_BATCH_ID_MAX];
	struct buf b;

	if (s == NULL) {
		free(a);
		return;
	}
	s->asking--;
	if (s->asking == 0 && s->list == NULL && s->ep.conn->paused)
		conn_pause(s->ep.conn, 0);
	if (s->gone || (a->kind == IRC_HIST_JOIN && (error != 0 || n == 0))) {
		free(a);
		return;
	}
	if (error != 0) {
		irc_hist_fail(s, "MESSAGE_ERROR", a->sub,
		    a->kind == IRC_HIST_QUERY ? a->chan : NULL,
		    "Messages could not be retrieved");
		free(a);
		return;
	}
	snprintf(id, sizeof id, "h%u", ++s->batches);
	buf_init(&b);
	if (a->batch)
		irc_batch_line(s, &b, 1, id,
		    a->kind == IRC_HIST_TARGETS ? "draft/chathistory-targets" :
						  "chathistory",
		    a->kind == IRC_HIST_TARGETS ? NULL : a->chan);
	if (a->kind == IRC_HIST_TARGETS)
		irc_hist_targets(s, &b, id, evs, n);
	else
		irc_hist_events(s, &b, a->batch ? id : NULL, evs, n);
	if (a->batch)
		irc_batch_line(s, &b, 0, id, NULL, NULL);
	irc_hist_send(s, &b);
	buf_free(&b);
	free(a);
}

/* A new question from s, or NULL (out of memory: s was told, or left). */
static struct irc_hist_ask *
irc_hist_new(struct irc_session *s, enum irc_hist_kind kind, const char *sub,
    const struct room *r)
{
	struct irc_hist_ask *a;

	if ((a = calloc(1, sizeof *a)) == NULL) {
		if (kind != IRC_HIST_JOIN)
			irc_hist_fail(
			    s, "MESSAGE_ERROR", sub, NULL, "Out of memory");
		return NULL;
	}
	a->srv = s->srv;
	a->id = s->ep.conn->id;
	a->kind = kind;
	a->batch = 1;
	snprintf(a->sub, sizeof a->sub, "%s", sub);
	if (r != NULL)
		snprintf(a->chan, sizeof a->chan, "#%s", r->name);
	return a;
}

/* Ask; a store that answers later holds the client's next commands. */
static void
irc_hist_ask(struct irc_session *s, struct irc_hist_ask *a,
    const struct history_query *q, const struct history_targets *t)
{
	s->asking++;
	if (q != NULL)
		history_query(s->srv->history, q, irc_hist_answer, a);
	else
		history_targets(s->srv->history, t, irc_hist_answer, a);
	if (s->asking > 0 && !s->gone && conn_is_open(s->ep.conn))
		conn_pause(s->ep.conn, 1);
}

/*
 * A message reference: "msgid=ID", "timestamp=YYYY-MM-DDThh:mm:ss[.sss]Z"
 * or, where star allows, "*". An id that is not one of this server's
 * (an old one, another server's) stands for no event: the answer is
 * empty. 0, or -1 (malformed).
 */
static int
irc_hist_ref(const struct irc_session *s, const char *p, int star,
    struct history_ref *ref)
{
	memset(ref, 0, sizeof *ref);
	if (star && strcmp(p, "*") == 0) {
		ref->kind = HISTORY_REF_NONE;
		return 0;
	}
	if (strncmp(p, "msgid=", 6) == 0 && p[6] != '\0') {
		ref->kind = HISTORY_REF_ID;
		ref->id = chat_msgid_id(&s->srv->chat, p + 6);
		/* A part of a split message ("<msgid>-<part>") names it. */
		snprintf(ref->msgid, sizeof ref->msgid, "%.*s",
		    (int)strcspn(p + 6, "-"), p + 6);
		return 0;
	}
	if (strncmp(p, "timestamp=", 10) == 0) {
		ref->kind = HISTORY_REF_TIME;
		return irc_time_parse(p + 10, &ref->time_ms);
	}
	return -1;
}

static int
irc_hist_limit(const char *p, size_t *limit)
{
	long long n;

	if (*p < '0' || *p > '9' || conf_number(p, 0, LLONG_MAX, &n) == -1)
		return -1;
	*limit = (unsigned long long)n > SIZE_MAX ? SIZE_MAX : (size_t)n;
	return 0;
}

/* The room a CHATHISTORY target names, when s is in it; else NULL and
 * INVALID_TARGET. */
static struct room *
irc_hist_target(struct irc_session *s, const char *sub, const char *target)
{
	struct room *r = irc_room(s, target);

	if (r == NULL || chat_member(s->user, r) == NULL) {
		irc_hist_fail(s, "INVALID_TARGET", sub, target,
		    "Messages could not be retrieved");
		return NULL;
	}
	return r;
}

/* CHATHISTORY TARGETS timestamp=A timestamp=B LIMIT: the rooms s is in
 * with events strictly between A and B. */
static void
irc_hist_cmd_targets(struct irc_session *s, struct irc_msg *m)
{
	const char *sub = m->params[0], **names;
	struct history_ref from, to;
	struct history_targets t;
	struct irc_hist_ask *a;
	struct member *mb;
	size_t n = 0;

	memset(&t, 0, sizeof t);
	if (m->nparams != 4 || irc_hist_ref(s, m->params[1], 0, &from) == -1 ||
	    irc_hist_ref(s, m->params[2], 0, &to) == -1 ||
	    from.kind != HISTORY_REF_TIME || to.kind != HISTORY_REF_TIME ||
	    irc_hist_limit(m->params[3], &t.limit) == -1) {
		irc_hist_fail(
		    s, "INVALID_PARAMS", sub, NULL, "Invalid parameters");
		return;
	}
	if ((a = irc_hist_new(s, IRC_HIST_TARGETS, sub, NULL)) == NULL)
		return;
	if ((names = calloc((size_t)s->user->nrooms + 1, sizeof *names)) ==
	    NULL) {
		irc_hist_fail(s, "MESSAGE_ERROR", sub, NULL, "Out of memory");
		free(a);
		return;
	}
	TAILQ_FOREACH(mb, &s->user->rooms, in_user)
		names[n++] = mb->room->name;
	t.rooms = names;
	t.nrooms = n;
	t.from_ms = from.time_ms;
	t.to_ms = to.time_ms;
	irc_hist_ask(s, a, NULL, &t);
	free(names);
}

void
irc_cmd_chathistory(struct irc_session *s, struct irc_msg *m)
{
	const struct irc_hist_sub *sub = NULL;
	struct history_query q;
	struct irc_hist_ask *a;
	struct room *r;
	size_t i;

	/* No history, no command (irc-v1 §5). */
	if (s->srv->cfg.history == 0) {
		irc_reply1(s, "421", s->verb, "Unknown command");
		return;
	}
	if (m->nparams < 1) {
		irc_hist_fail(
		    s, "INVALID_PARAMS", NULL, NULL, "Missing parameters");
		return;
	}
	if (strcasecmp(m->params[0], "TARGETS") == 0) {
		irc_hist_cmd_targets(s, m);
		return;
	}
	for (i = 0; i < IRC_HIST_NSUBS && sub == NULL; i++)
		if (strcasecmp(m->params[0], irc_hist_subs[i].name) == 0)
			sub = &irc_hist_subs[i];
	if (sub == NULL) {
		irc_hist_fail(s, "INVALID_COMMAND", m->params[0], NULL,
		    "Unknown subcommand");
		return;
	}
	memset(&q, 0, sizeof q);
	q.sel = sub->sel;
	if (m->nparams != (size_t)(3 + sub->nrefs) ||
	    irc_hist_ref(s, m->params[2], sub->sel == HISTORY_LATEST, &q.ref) ==
		-1 ||
	    (sub->nrefs == 2 &&
		irc_hist_ref(s, m->params[3], 0, &q.ref2) == -1) ||
	    irc_hist_limit(m->params[2 + sub->nrefs], &q.limit) == -1) {
		irc_hist_fail(s, "INVALID_PARAMS", m->params[0], NULL,
		    "Invalid parameters");
		return;
	}
	if ((r = irc_hist_target(s, m->params[0], m->params[1])) == NULL ||
	    (a = irc_hist_new(s, IRC_HIST_QUERY, m->params[0], r)) == NULL)
		return;
	q.room = r->name;
	irc_hist_ask(s, a, &q, NULL);
}

void
irc_history_joined(struct irc_session *s, struct room *r)
{
	struct history_query q;
	struct irc_hist_ask *a;
	const struct config *cfg = &s->srv->cfg;

	/* Without server-time its times would be wrong; with
	 * draft/chathistory it asks for itself. */
	if (cfg->history == 0 || cfg->replay == 0 ||
	    !(s->caps & IRC_CAP_SERVER_TIME) ||
	    (s->caps & IRC_CAP_CHATHISTORY) ||
	    (a = irc_hist_new(s, IRC_HIST_JOIN, "LATEST", r)) == NULL)
		return;
	a->batch = (s->caps & IRC_CAP_BATCH) != 0;
	memset(&q, 0, sizeof q);
	q.sel = HISTORY_LATEST;
	q.room = r->name;
	q.ref.kind = HISTORY_REF_NONE;
	q.limit = cfg->replay;
	irc_hist_ask(s, a, &q, NULL);
}
