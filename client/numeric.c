/* numeric.c: the server's numeric replies as chatd's plain-text notices and errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "irc.h"
#include "text.h"

#define NUMERIC_MOTD_PREFIX   "- "
#define NUMERIC_NAME_PREFIXES "@+%&~!"

/* A WHOIS being answered: 311 ... 318. */
struct client_whois {
	char nick[CLIENT_NICK_MAX];
	struct buf rooms;
	char *away;
	long long idle;
	long long signon;
	int irc;
};

struct numeric_error {
	const char *numeric;
	enum ev_code code;
	int arg; /* params[1] is 1: the nick, 2: the room, 3: the room as given */
};

/* The errors chatd has a sentence for, by numeric. */
static const struct numeric_error numeric_errors[] = {
	{ "401", E_NO_SUCH_NICK, 1 },
	{ "403", E_NO_SUCH_ROOM, 2 },
	{ "404", E_CANNOT_SEND, 2 },
	{ "405", E_TOO_MANY, 2 },
	{ "432", E_NICK_INVALID, 1 },
	{ "433", E_NICK_IN_USE, 1 },
	{ "442", E_NOT_MEMBER, 2 },
	{ "479", E_ROOM_INVALID, 3 },
	{ "482", E_NOT_OP, 2 },
};

/* Replies that say nothing a person needs: the rest of the welcome,
 * LUSERS, the ends of lists chat asked for in another way. */
static const char *const numeric_silent[] = { "002", "003", "004", "250", "251",
	"252", "253", "254", "255", "265", "266", "315", "312", "313", "321",
	"324", "329", "352", "375", "376", "422", "396" };

static void numeric_whois_free(struct client *);
static void numeric_names(struct client *, struct irc_msg *);
static void numeric_names_end(struct client *, struct irc_msg *, int64_t);
static void numeric_list_entry(struct client *, struct irc_msg *);
static void numeric_list_end(struct client *, int64_t);
static void numeric_topic(struct client *, struct irc_msg *, int64_t);
static void numeric_topic_flush(struct client *, const char *);
static void numeric_whois(struct client *, struct irc_msg *, int64_t);
static int numeric_error(struct client *, struct irc_msg *, int64_t);
static void numeric_generic(struct client *, struct irc_msg *, int64_t);
static int numeric_room_cmp(const void *, const void *);

static void
numeric_whois_free(struct client *c)
{
	if (c->whois == NULL)
		return;
	buf_free(&c->whois->rooms);
	free(c->whois->away);
	free(c->whois);
	c->whois = NULL;
}

void
numeric_reset(struct client *c)
{
	size_t i;

	numeric_whois_free(c);
	for (i = 0; i < c->nrooms; i++)
		free(c->rooms[i].topic);
	free(c->rooms);
	c->rooms = NULL;
	c->nrooms = c->roomscap = 0;
	c->list_head = c->list_n = 0;
	buf_truncate(&c->names, 0);
	c->nnames = 0;
	free(c->topic);
	c->topic = NULL;
	c->topic_room[0] = '\0';
}

/* 353 <n> = #room :[@]a [@]b ...: for a /who, "@a, b"; for the current
 * room, its members. */
static void
numeric_names(struct client *c, struct irc_msg *m)
{
	const char *room, *p;
	char nick[CLIENT_NICK_MAX];
	size_t n, skip;

	if (m->nparams < 3)
		return;
	room = m->params[m->nparams - 2];
	for (p = m->params[m->nparams - 1]; *p != '\0'; p += n) {
		p += strspn(p, " ");
		if ((n = strcspn(p, " ")) == 0)
			break;
		if (buf_printf(&c->names, "%s%.*s", c->nnames > 0 ? ", " : "",
			(int)n, p) == 0)
			c->nnames++;
		skip = strspn(p, NUMERIC_NAME_PREFIXES);
		if (skip < n && n - skip < sizeof nick &&
		    text_casecmp(room, c->room) == 0) {
			snprintf(nick, sizeof nick, "%.*s", (int)(n - skip),
			    p + skip);
			(void)members_add(&c->members, nick);
		}
	}
}

/* 366: after our JOIN its list is only for Tab; otherwise a /who. */
static void
numeric_names_end(struct client *c, struct irc_msg *m, int64_t t)
{
	const char *room = m->nparams >= 2 ? m->params[1] : "";
	struct ev ev;

	if (c->names_for[0] != '\0' && text_casecmp(c->names_for, room) == 0)
		c->names_for[0] = '\0';
	else if (c->nnames > 0 || client_is_channel(c, room)) {
		memset(&ev, 0, sizeof ev);
		ev.time_ms = t;
		ev.room = client_room_name(room);
		ev.num[0] = c->nnames;
		(void)buf_append(&c->names, "", 1);
		ev.text = buf_data(&c->names);
		client_say(c, 0, R_WHO, &ev);
	}
	buf_truncate(&c->names, 0);
	c->nnames = 0;
}

/* 322 <n> #room count :topic */
static void
numeric_list_entry(struct client *c, struct irc_msg *m)
{
	struct client_room_info *r;
	size_t cap;

	/* chatd's sentences know #rooms; other servers' &local ones are
	 * left out. */
	if (m->nparams < 3 || m->params[1][0] != '#')
		return;
	if (c->nrooms == c->roomscap) {
		cap = c->roomscap > 0 ? c->roomscap * 2 : 16;
		if ((r = realloc(c->rooms, cap * sizeof *r)) == NULL)
			return;
		c->rooms = r;
		c->roomscap = cap;
	}
	r = &c->rooms[c->nrooms];
	client_copy(r->name, sizeof r->name, m->params[1]);
	r->count = strtoll(m->params[2], NULL, 10);
	if ((r->topic = strdup(m->nparams >= 4 ? m->params[3] : "")) == NULL)
		return;
	c->nrooms++;
}

static int
numeric_room_cmp(const void *a, const void *b)
{
	const struct client_room_info *x = a, *y = b;

	return text_casecmp(x->name, y->name);
}

/* 323: the rooms, sorted by name, as /rooms or as /list shows them. */
static void
numeric_list_end(struct client *c, int64_t t)
{
	enum client_list_kind kind = CLIENT_LIST_LIST;
	struct ev ev;
	struct buf b;
	size_t i;

	if (c->list_n > 0) {
		kind = c->list_q[c->list_head];
		c->list_head = (c->list_head + 1) % CLIENT_PENDING_MAX;
		c->list_n--;
	}
	if (c->nrooms > 1)
		qsort(c->rooms, c->nrooms, sizeof *c->rooms, numeric_room_cmp);
	memset(&ev, 0, sizeof ev);
	ev.time_ms = t;
	ev.num[0] = (long long)c->nrooms;
	if (kind == CLIENT_LIST_ROOMS) {
		buf_init(&b);
		for (i = 0; i < c->nrooms; i++)
			(void)buf_printf(&b, "%s%s (%lld)", i > 0 ? ", " : "",
			    c->rooms[i].name, c->rooms[i].count);
		(void)buf_append(&b, "", 1);
		ev.text = buf_data(&b);
		client_say(c, 0, R_ROOMS, &ev);
		buf_free(&b);
	} else {
		client_say(c, 0, R_LIST_HEAD, &ev);
		for (i = 0; i < c->nrooms; i++) {
			ev.room = client_room_name(c->rooms[i].name);
			ev.num[0] = c->rooms[i].count;
			ev.text = c->rooms[i].topic;
			client_say(c, 0, R_LIST_ROOM, &ev);
		}
	}
	for (i = 0; i < c->nrooms; i++)
		free(c->rooms[i].topic);
	c->nrooms = 0;
}

/* A 332 whose 333 did not follow: shown without its setter. */
static void
numeric_topic_flush(struct client *c, const char *by)
{
	struct ev ev;
	char setter[CLIENT_NICK_MAX];

	if (c->topic == NULL)
		return;
	memset(&ev, 0, sizeof ev);
	ev.time_ms = c->topic_ms;
	ev.room = client_room_name(c->topic_room);
	ev.text = c->topic;
	if (by != NULL) {
		/* Some servers name the setter as nick!user@host. */
		snprintf(
		    setter, sizeof setter, "%.*s", (int)strcspn(by, "!"), by);
		ev.target = setter;
	}
	client_say(c, 0, R_TOPIC, &ev);
	free(c->topic);
	c->topic = NULL;
	c->topic_room[0] = '\0';
}

/* 331, 332 and 333. */
static void
numeric_topic(struct client *c, struct irc_msg *m, int64_t t)
{
	struct ev ev;

	if (m->nparams < 3)
		return;
	if (strcmp(m->command, "331") == 0) {
		memset(&ev, 0, sizeof ev);
		ev.time_ms = t;
		ev.room = client_room_name(m->params[1]);
		client_say(c, 0, R_NO_TOPIC, &ev);
	} else if (strcmp(m->command, "332") == 0) {
		numeric_topic_flush(c, NULL);
		client_copy(c->topic_room, sizeof c->topic_room, m->params[1]);
		c->topic = strdup(m->params[2]);
		c->topic_ms = t;
	} else if (c->topic != NULL &&
	    text_casecmp(c->topic_room, m->params[1]) == 0)
		numeric_topic_flush(c, m->params[2]);
}

/* 311 starts a WHOIS, 319, 301 and 317 fill it, 318 shows it in one line:
 * "bob: in #dev, idle 42s, connected 10m ago". */
static void
numeric_whois(struct client *c, struct irc_msg *m, int64_t t)
{
	struct client_whois *w = c->whois;
	const char *cmd = m->command, *p;
	struct ev ev;
	size_t n, skip;

	if (strcmp(cmd, "311") == 0 && m->nparams >= 6) {
		numeric_whois_free(c);
		if ((w = calloc(1, sizeof *w)) == NULL)
			return;
		buf_init(&w->rooms);
		client_copy(w->nick, sizeof w->nick, m->params[1]);
		/* chatd names its plain-text users so; everyone else is IRC. */
		w->irc =
		    strcmp(m->params[m->nparams - 1], "plain-text user") != 0;
		c->whois = w;
		return;
	}
	if (w == NULL || m->nparams < 3 || text_casecmp(w->nick, m->params[1]))
		return;
	if (strcmp(cmd, "319") == 0) {
		for (p = m->params[2]; *p != '\0'; p += n) {
			p += strspn(p, " ");
			if ((n = strcspn(p, " ")) == 0)
				break;
			skip = strspn(p, NUMERIC_NAME_PREFIXES);
			(void)buf_printf(&w->rooms, "%s%.*s",
			    buf_len(&w->rooms) > 0 ? " " : "", (int)(n - skip),
			    p + skip);
		}
	} else if (strcmp(cmd, "301") == 0) {
		free(w->away);
		w->away = strdup(m->params[2]);
	} else if (strcmp(cmd, "317") == 0) {
		w->idle = strtoll(m->params[2], NULL, 10);
		if (m->nparams >= 5)
			w->signon = strtoll(m->params[3], NULL, 10);
	} else if (strcmp(cmd, "318") == 0) {
		memset(&ev, 0, sizeof ev);
		ev.time_ms = t;
		ev.nick = w->nick;
		(void)buf_append(&w->rooms, "", 1);
		ev.text = buf_data(&w->rooms);
		ev.num[0] = w->idle;
		ev.num[1] = w->signon > 0 ? t / 1000 - w->signon : 0;
		ev.target = w->away;
		ev.flags = w->irc ? EV_F_IRC : 0;
		client_say(c, 0, R_WHOIS, &ev);
		numeric_whois_free(c);
	}
}

/* An error chatd has a sentence for: 1 when m was one. */
static int
numeric_error(struct client *c, struct irc_msg *m, int64_t t)
{
	const struct numeric_error *e;
	struct ev ev;
	size_t i;

	for (i = 0; i < sizeof numeric_errors / sizeof numeric_errors[0]; i++)
		if (strcmp(m->command, numeric_errors[i].numeric) == 0)
			break;
	if (i == sizeof numeric_errors / sizeof numeric_errors[0] ||
	    m->nparams < 2)
		return 0;
	e = &numeric_errors[i];
	memset(&ev, 0, sizeof ev);
	ev.time_ms = t;
	if (e->arg == 1)
		ev.nick = m->params[1];
	else if (e->arg == 2)
		ev.room = client_room_name(m->params[1]);
	else
		ev.room = m->params[1];
	client_say(c, 1, e->code, &ev);
	return 1;
}

/*
 * Any other numeric, as "-!- text" (an error for 4xx and 5xx): its params
 * after our nick, the middle ones first ("FOO: Unknown command").
 */
static void
numeric_generic(struct client *c, struct irc_msg *m, int64_t t)
{
	struct ev ev;
	struct buf b;
	size_t i;
	int err = m->command[0] == '4' || m->command[0] == '5';

	if (m->nparams < 2)
		return;
	buf_init(&b);
	for (i = 1; i + 1 < m->nparams; i++)
		(void)buf_printf(&b, "%s%s", i > 1 ? " " : "", m->params[i]);
	(void)buf_printf(
	    &b, "%s%s", buf_len(&b) > 0 ? ": " : "", m->params[m->nparams - 1]);
	(void)buf_append(&b, "", 1);
	memset(&ev, 0, sizeof ev);
	ev.time_ms = t;
	ev.text = buf_data(&b);
	client_say(c, err, err ? E_TEXT : R_TEXT, &ev);
	buf_free(&b);
}

void
numeric_reply(struct client *c, struct irc_msg *m, int64_t t)
{
	const char *cmd = m->command;
	struct ev ev;
	size_t i;

	/* A JOIN refused (403, 405, 471, 479 ...): the old room stays. */
	if ((cmd[0] == '4' || cmd[0] == '5') && m->nparams >= 2 &&
	    c->joining[0] != '\0' &&
	    text_casecmp(m->params[1], c->joining) == 0) {
		c->joining[0] = c->leaving[0] = '\0';
		c->settled = 1;
	}
	/* A topic's setter comes in the next line, if at all. */
	if (c->topic != NULL && strcmp(cmd, "333") != 0)
		numeric_topic_flush(c, NULL);
	for (i = 0; i < sizeof numeric_silent / sizeof numeric_silent[0]; i++)
		if (strcmp(cmd, numeric_silent[i]) == 0)
			return;
	memset(&ev, 0, sizeof ev);
	ev.time_ms = t;
	if (strcmp(cmd, "353") == 0)
		numeric_names(c, m);
	else if (strcmp(cmd, "366") == 0)
		numeric_names_end(c, m, t);
	else if (strcmp(cmd, "322") == 0)
		numeric_list_entry(c, m);
	else if (strcmp(cmd, "323") == 0)
		numeric_list_end(c, t);
	else if (strcmp(cmd, "331") == 0 || strcmp(cmd, "332") == 0 ||
	    strcmp(cmd, "333") == 0)
		numeric_topic(c, m, t);
	else if (strcmp(cmd, "305") == 0)
		client_say(c, 0, R_AWAY_OFF, &ev);
	else if (strcmp(cmd, "306") == 0)
		client_say(c, 0, R_AWAY_ON, &ev);
	else if (strcmp(cmd, "301") == 0 && m->nparams >= 3 &&
	    (c->whois == NULL || text_casecmp(c->whois->nick, m->params[1]))) {
		ev.nick = m->params[1];
		ev.text = m->params[2];
		client_say(c, 0, R_AWAY, &ev);
	} else if (strcmp(cmd, "311") == 0 || strcmp(cmd, "319") == 0 ||
	    strcmp(cmd, "301") == 0 || strcmp(cmd, "317") == 0 ||
	    strcmp(cmd, "318") == 0)
		numeric_whois(c, m, t);
	else if (strcmp(cmd, "372") == 0 && m->nparams >= 2) {
		ev.text = m->params[1];
		if (strncmp(ev.text, NUMERIC_MOTD_PREFIX, 2) == 0)
			ev.text += 2;
		client_say(c, 0, R_TEXT, &ev);
	} else if (strcmp(cmd, "417") == 0) {
		ev.num[0] = IRC_LINE_MAX;
		client_say(c, 1, E_LINE_TOO_LONG, &ev);
	} else if (c->whois != NULL && m->nparams >= 2 &&
	    text_casecmp(c->whois->nick, m->params[1]) == 0)
		return; /* the rest of a WHOIS: 378, 379, 671 ... */
	else if (!numeric_error(c, m, t))
		numeric_generic(c, m, t);
}
