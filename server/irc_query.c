/* irc_query.c: IRC's questions (WHO, WHOIS, USERHOST, ISON, LUSERS...) and the welcome burst. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chat.h"
#include "irc.h"
#include "proto.h"
#include "proto_irc.h"
#include "server.h"
#include "text.h"

#define IRC_STR_(x)       #x
#define IRC_STR(x)        IRC_STR_(x)
#define IRC_VERSION       "chatd-" CHAT_VERSION
#define IRC_ISUPPORT_TEXT "are supported by this server"
/* USERHOST answers at most this many nicks (RFC 2812). */
#define IRC_USERHOST_MAX  5

static struct chat *
irc_chat(const struct irc_session *s)
{
	return &s->srv->chat;
}

/* "Y-m-d H:M:S UTC" of a wall-clock time in ms. */
static void
irc_utc(char *out, size_t len, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, len, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(out, len, "?");
}

void
irc_send_isupport(struct irc_session *s)
{
	char history[48];
	const char *first[] = { "CASEMAPPING=ascii", "CHANTYPES=#",
		"PREFIX=(o)@", "CHANMODES=,,,nt", "MODES=1",
		"NICKLEN=" IRC_STR(CHAT_NICK_MAX),
		/* With its '#'. */
		"CHANNELLEN=33", "TOPICLEN=" IRC_STR(CHAT_TOPIC_MAX),
		"KICKLEN=" IRC_STR(CHAT_KICK_MAX),
		"AWAYLEN=" IRC_STR(CHAT_AWAY_MAX),
		"USERLEN=" IRC_STR(CHAT_IRC_USER_MAX),
		"CHANLIMIT=#:" IRC_STR(CHAT_ROOMS_MAX), NULL };
	const char *second[] = { "NETWORK=chatd", "SAFELIST",
		"TARGMAX=JOIN:,PART:,NAMES:1,WHOIS:1,PRIVMSG:1,NOTICE:1,"
		"TAGMSG:1,KICK:1",
		NULL };
	const char *third[] = { history, "MSGREFTYPES=msgid,timestamp", NULL };

	irc_reply(s, "005", first, IRC_ISUPPORT_TEXT);
	irc_reply(s, "005", second, IRC_ISUPPORT_TEXT);
	if (s->srv->cfg.history > 0) {
		snprintf(history, sizeof history, "CHATHISTORY=%zu",
		    s->srv->cfg.history);
		irc_reply(s, "005", third, IRC_ISUPPORT_TEXT);
	}
}

void
irc_send_motd(struct irc_session *s)
{
	const char *p = s->srv->cfg.motd, *e;
	char *clean;
	size_t n;

	if (p == NULL) {
		irc_reply(s, "422", NULL, "MOTD File is missing");
		return;
	}
	irc_reply(s, "375", NULL, "- %s Message of the day - ", irc_server(s));
	while (*p != '\0') {
		e = p + strcspn(p, "\n");
		n = (size_t)(e - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if ((clean = malloc(3 * n + 1)) == NULL)
			break;
		irc_clean(clean, p, n);
		irc_reply(s, "372", NULL, "- %s", clean);
		free(clean);
		p = *e != '\0' ? e + 1 : e;
	}
	irc_reply(s, "376", NULL, "End of /MOTD command.");
}

void
irc_send_welcome(struct irc_session *s)
{
	const char *my[] = { irc_server(s), IRC_VERSION, "i", "not", "o",
		NULL };
	char created[64];

	irc_utc(created, sizeof created, s->srv->started_ms);
	irc_reply(s, "001", NULL, "Welcome to chatd, %s", irc_nick(s));
	irc_reply(s, "002", NULL, "Your host is %s, running version %s",
	    irc_server(s), IRC_VERSION);
	irc_reply(s, "003", NULL, "This server was created %s", created);
	irc_reply_mid(s, "004", my);
	irc_send_isupport(s);
	irc_send_motd(s);
}

/* One 352 about u; chan is "#room" or "*"; op: "@" or "". */
static void
irc_who_one(
    struct irc_session *s, const char *chan, const struct user *u, int op)
{
	char flags[4];
	const char *mid[] = { chan, irc_username(u), "chatd", irc_server(s),
		u->nick, flags, NULL };

	snprintf(flags, sizeof flags, "%s%s", u->away != NULL ? "G" : "H",
	    op ? "@" : "");
	irc_reply(s, "352", mid, "0 %s", u->realname);
}

void
irc_cmd_who(struct irc_session *s, struct irc_msg *m)
{
	const char *mask = m->nparams > 0 ? m->params[0] : "*";
	char chan[CHAT_ROOM_MAX + 2];
	struct member *mb;
	struct room *r;
	struct user *u;

	if (mask[0] == '#' && (r = irc_room(s, mask)) != NULL) {
		snprintf(chan, sizeof chan, "#%s", r->name);
		TAILQ_FOREACH(mb, &r->members, in_room)
			irc_who_one(s, chan, mb->user, mb->op);
	} else if ((u = chat_find_user(irc_chat(s), mask)) != NULL)
		irc_who_one(s, "*", u, 0);
	irc_reply1(s, "315", mask, "End of WHO list");
}

/* 319: u's rooms, as many lines as they take. */
static void
irc_whois_rooms(struct irc_session *s, const struct user *u)
{
	const char *mid[] = { u->nick, NULL };
	/* What a 319 line around its list takes, and one "@#room ". */
	size_t room = IRC_LINE_MAX -
	    (strlen(irc_server(s)) + strlen(irc_nick(s)) + strlen(u->nick) +
		16) -
	    (CHAT_ROOM_MAX + 3);
	struct member *m;
	struct buf b;

	buf_init(&b);
	TAILQ_FOREACH(m, &u->rooms, in_user) {
		if (buf_printf(&b, "%s%s#%s", buf_len(&b) > 0 ? " " : "",
			m->op ? "@" : "", m->room->name) == -1)
			break;
		if (buf_len(&b) >= room || TAILQ_NEXT(m, in_user) == NULL) {
			irc_reply(s, "319", mid, "%.*s", (int)buf_len(&b),
			    buf_data(&b));
			buf_truncate(&b, 0);
		}
	}
	buf_free(&b);
}

void
irc_cmd_whois(struct irc_session *s, struct irc_msg *m)
{
	/* WHOIS <server> <nick>: the server is this one, whatever it says. */
	const char *nick = m->nparams > 1 ? m->params[1] :
	    m->nparams > 0                ? m->params[0] :
					    "";
	int64_t now = chat_clock_ms();
	char idle[24], signon[24];
	struct user *u;

	if (*nick == '\0') {
		irc_reply(s, "431", NULL, "No nickname given");
		return;
	}
	if ((u = chat_find_user(irc_chat(s), nick)) == NULL) {
		irc_reply1(s, "401", nick, "No such nick/channel");
		irc_reply1(s, "318", nick, "End of /WHOIS list");
		return;
	}
	snprintf(idle, sizeof idle, "%lld",
	    (long long)((now - u->active_ms) / 1000));
	snprintf(
	    signon, sizeof signon, "%lld", (long long)(u->signon_ms / 1000));
	irc_reply(s, "311",
	    (const char *[]){ u->nick, irc_username(u), "chatd", "*", NULL },
	    "%s", u->realname);
	irc_whois_rooms(s, u);
	irc_reply(s, "312", (const char *[]){ u->nick, irc_server(s), NULL },
	    "chatd");
	if (u->away != NULL)
		irc_reply1(s, "301", u->nick, u->away);
	irc_reply(s, "317", (const char *[]){ u->nick, idle, signon, NULL },
	    "seconds idle, signon time");
	irc_reply1(s, "318", nick, "End of /WHOIS list");
}

void
irc_cmd_whowas(struct irc_session *s, struct irc_msg *m)
{
	if (m->nparams < 1 || *m->params[0] == '\0') {
		irc_reply(s, "431", NULL, "No nickname given");
		return;
	}
	irc_reply1(s, "406", m->params[0], "There was no such nickname");
	irc_reply1(s, "369", m->params[0], "End of WHOWAS");
}

void
irc_cmd_userhost(struct irc_session *s, struct irc_msg *m)
{
	struct user *u;
	struct buf b;
	size_t i;

	buf_init(&b);
	for (i = 0; i < m->nparams && i < IRC_USERHOST_MAX; i++)
		if ((u = chat_find_user(irc_chat(s), m->params[i])) != NULL &&
		    buf_printf(&b, "%s%s=%c%s@chatd",
			buf_len(&b) > 0 ? " " : "", u->nick,
			u->away != NULL ? '-' : '+', irc_username(u)) == -1)
			break;
	irc_reply(s, "302", NULL, "%.*s", (int)buf_len(&b), buf_data(&b));
	buf_free(&b);
}

void
irc_cmd_ison(struct irc_session *s, struct irc_msg *m)
{
	char word[IRC_LINE_MAX];
	const char *p, *e;
	struct user *u;
	struct buf b;
	size_t i, n;

	buf_init(&b);
	for (i = 0; i < m->nparams; i++)
		for (p = m->params[i]; *p != '\0'; p = e) {
			p += strspn(p, " ");
			e = p + strcspn(p, " ");
			if ((n = (size_t)(e - p)) == 0 || n >= sizeof word)
				continue;
			memcpy(word, p, n);
			word[n] = '\0';
			if ((u = chat_find_user(irc_chat(s), word)) != NULL &&
			    buf_printf(&b, "%s%s", buf_len(&b) > 0 ? " " : "",
				u->nick) == -1)
				break;
		}
	irc_reply(s, "303", NULL, "%.*s", (int)buf_len(&b), buf_data(&b));
	buf_free(&b);
}

void
irc_cmd_motd(struct irc_session *s, struct irc_msg *m)
{
	(void)m;
	irc_send_motd(s);
}

void
irc_cmd_lusers(struct irc_session *s, struct irc_msg *m)
{
	const struct chat *chat = irc_chat(s);
	int u = chat->nusers, k = server_unknown(s->srv);
	char num[3][24];
	const char *mid[3] = { num[0], NULL, NULL };

	(void)m;
	irc_reply(s, "251", NULL,
	    "There are 0 users and %d invisible on 1 servers", u);
	if (k > 0) {
		snprintf(num[0], sizeof num[0], "%d", k);
		irc_reply(s, "253", mid, "unknown connection(s)");
	}
	snprintf(num[0], sizeof num[0], "%d", chat->nrooms);
	irc_reply(s, "254", mid, "channels formed");
	irc_reply(s, "255", NULL, "I have %d clients and 0 servers", u);
	snprintf(num[1], sizeof num[1], "%d", u);
	snprintf(num[2], sizeof num[2], "%d", chat->max_users);
	mid[0] = num[1];
	mid[1] = num[2];
	irc_reply(s, "265", mid, "Current local users %d, max %d", u,
	    chat->max_users);
	irc_reply(s, "266", mid, "Current global users %d, max %d", u,
	    chat->max_users);
}

void
irc_cmd_time(struct irc_session *s, struct irc_msg *m)
{
	const char *mid[] = { irc_server(s), NULL };
	char when[64];
	time_t t = time(NULL);
	struct tm tm;

	(void)m;
	if (localtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof when, "%A %B %d %Y -- %H:%M:%S %z", &tm) == 0)
		snprintf(when, sizeof when, "%lld", (long long)t);
	irc_reply(s, "391", mid, "%s", when);
}

void
irc_cmd_version(struct irc_session *s, struct irc_msg *m)
{
	const char *mid[] = { IRC_VERSION, irc_server(s), NULL };

	(void)m;
	irc_reply(s, "351", mid, "chatd: plain text and IRC on one port");
	irc_send_isupport(s);
}
