/* text_query.c: the plain-text commands that only ask: /who, /rooms, /whois, /list, /history. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "conf.h"
#include "conn.h"
#include "history.h"
#include "log.h"
#include "proto_text.h"
#include "render.h"
#include "server.h"
#include "text.h"

void
cmd_who(struct text_session *s, char *args)
{
	struct room *r = text_room(s);
	struct member *m;
	struct buf b;
	struct ev ev;

	(void)args;
	buf_init(&b);
	TAILQ_FOREACH(m, &r->members, in_room)
		if (buf_printf(&b, "%s%s%s", buf_len(&b) > 0 ? ", " : "",
			m->op ? "@" : "", m->user->nick) == -1)
			break;
	if (buf_append(&b, "", 1) == 0) {
		memset(&ev, 0, sizeof ev);
		ev.room = r->name;
		ev.num[0] = r->count;
		ev.text = buf_data(&b);
		text_send_code(s, EV_REPLY, R_WHO, &ev);
	}
	buf_free(&b);
}

void
cmd_rooms(struct text_session *s, char *args)
{
	struct chat *chat = (&s->srv->chat);
	struct room **v = chat_rooms_sorted(chat);
	struct buf b;
	struct ev ev;
	int i;

	(void)args;
	buf_init(&b);
	for (i = 0; v != NULL && i < chat->nrooms; i++)
		if (buf_printf(&b, "%s#%s (%d)", i > 0 ? ", " : "", v[i]->name,
			v[i]->count) == -1)
			break;
	if (buf_append(&b, "", 1) == 0) {
		memset(&ev, 0, sizeof ev);
		ev.num[0] = chat->nrooms;
		ev.text = buf_data(&b);
		text_send_code(s, EV_REPLY, R_ROOMS, &ev);
	}
	buf_free(&b);
	free(v);
}

void
cmd_whois(struct text_session *s, char *args)
{
	char *nick = text_trim(args);
	struct member *m;
	struct user *u;
	struct buf b;
	struct ev ev;
	int64_t now = chat_clock_ms();

	if (*nick == '\0') {
		text_usage(s, "whois");
		return;
	}
	if ((u = chat_find_user((&s->srv->chat), nick)) == NULL) {
		memset(&ev, 0, sizeof ev);
		ev.nick = nick;
		text_send_code(s, EV_ERROR, E_NO_SUCH_NICK, &ev);
		return;
	}
	buf_init(&b);
	TAILQ_FOREACH(m, &u->rooms, in_user)
		if (buf_printf(&b, "%s#%s", buf_len(&b) > 0 ? " " : "",
			m->room->name) == -1)
			break;
	if (buf_append(&b, "", 1) == 0) {
		memset(&ev, 0, sizeof ev);
		ev.nick = u->nick;
		ev.text = buf_data(&b);
		ev.num[0] = (now - u->active_ms) / 1000;
		ev.num[1] = (now - u->signon_ms) / 1000;
		ev.target = u->away;
		ev.flags = u->irc ? EV_F_IRC : 0;
		text_send_code(s, EV_REPLY, R_WHOIS, &ev);
	}
	buf_free(&b);
}

void
cmd_list(struct text_session *s, char *args)
{
	struct chat *chat = (&s->srv->chat);
	struct room **v = chat_rooms_sorted(chat);
	struct ev ev;
	int i;

	(void)args;
	memset(&ev, 0, sizeof ev);
	ev.num[0] = chat->nrooms;
	text_send_code(s, EV_REPLY, R_LIST_HEAD, &ev);
	for (i = 0; v != NULL && i < chat->nrooms; i++) {
		ev.room = v[i]->name;
		ev.num[0] = v[i]->count;
		ev.text = v[i]->topic != NULL ? v[i]->topic : "";
		text_send_code(s, EV_REPLY, R_LIST_ROOM, &ev);
	}
	free(v);
}
/* What a history query hands back, as the lines members saw. A store
 * may answer later (Redis): by then the user may be gone, so the answer
 * finds it again by its connection's id. */
struct text_replay {
	struct server *srv;
	unsigned id;
	char room[CHAT_ROOM_MAX + 1];
	int quiet; /* say nothing when there is no history */
};

static void
text_replay_cb(void *arg, int error, const struct ev *const *evs, size_t n)
{
	struct text_replay *tr = arg;
	struct text_session *s = proto_text_find(tr->srv, tr->id);
	struct ev ev;
	struct buf b;
	size_t i;

	if (s == NULL || s->gone) {
		free(tr);
		return;
	}
	memset(&ev, 0, sizeof ev);
	ev.room = tr->room;
	if (error != 0 || n == 0) {
		if (!tr->quiet)
			text_send_code(s, EV_REPLY, R_NO_HISTORY, &ev);
		free(tr);
		return;
	}
	ev.num[0] = (long long)n;
	text_send_code(s, EV_REPLY, R_HISTORY_HEAD, &ev);
	/* Each with its own time: byte for byte what the room saw. */
	buf_init(&b);
	for (i = 0; i < n; i++) {
		buf_truncate(&b, 0);
		if (render_line(&b, evs[i], 0) == 1)
			conn_send(s->ep.conn, buf_data(&b), buf_len(&b));
	}
	buf_free(&b);
	text_send_code(s, EV_REPLY, R_HISTORY_END, NULL);
	free(tr);
}

/* The last n events of room r, oldest first, between two notices; quiet:
 * nothing at all when the room has none (joining). */
void
text_replay(struct text_session *s, struct room *r, size_t n, int loud)
{
	struct history_query q;
	struct text_replay *tr;

	if (s->srv->history == NULL || (n == 0 && !loud))
		return;
	if ((tr = calloc(1, sizeof *tr)) == NULL) {
		log_warn("client %u: out of memory for a history query",
		    s->user->id);
		return;
	}
	memset(&q, 0, sizeof q);
	q.sel = HISTORY_LATEST;
	q.room = r->name;
	q.ref.kind = HISTORY_REF_NONE;
	q.limit = n;
	tr->srv = s->srv;
	tr->id = s->ep.conn->id;
	snprintf(tr->room, sizeof tr->room, "%s", r->name);
	tr->quiet = !loud;
	history_query(s->srv->history, &q, text_replay_cb, tr);
}

void
cmd_history(struct text_session *s, char *args)
{
	struct server *srv = s->srv;
	char *arg = text_trim(args);
	long long n = (long long)srv->cfg.replay;

	if (*arg != '\0' && (conf_number(arg, 1, LLONG_MAX, &n) == -1)) {
		text_usage(s, "history");
		return;
	}
	/* At most what a room keeps. */
	if ((size_t)n > srv->cfg.history)
		n = (long long)srv->cfg.history;
	text_replay(s, text_room(s), (size_t)n, 1);
}
