/* irc_cmd.c: IRC's PING, PONG, NICK, QUIT, PRIVMSG, NOTICE, TAGMSG and AWAY as core actions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "irc.h"
#include "proto_irc.h"
#include "server.h"
#include "text.h"

/* The client-only tags relayed from one message, at most (IRCv3: the
 * tag data a client may send). */
#define IRC_CLIENT_TAGS_MAX (IRC_TAGS_MAX - 2)

static struct chat *
irc_chat(const struct irc_session *s)
{
	return &s->srv->chat;
}

void
irc_cmd_ping(struct irc_session *s, struct irc_msg *m)
{
	const char *params[2] = { irc_server(s), NULL };
	struct buf b;

	if (m->nparams < 1) {
		irc_reply(s, "409", NULL, "No origin specified");
		return;
	}
	params[1] = m->params[0];
	buf_init(&b);
	if (irc_format(&b, NULL, irc_server(s), "PONG", 2, params,
		IRC_FMT_TRAILING) != -1)
		conn_send(s->ep.conn, buf_data(&b), buf_len(&b));
	buf_free(&b);
}

void
irc_cmd_pong(struct irc_session *s, struct irc_msg *m)
{
	/* Any line keeps the connection alive; a PONG says nothing more. */
	(void)s;
	(void)m;
}

void
irc_cmd_nick(struct irc_session *s, struct irc_msg *m)
{
	const char *nick = m->nparams > 0 ? m->params[0] : "";
	int rv;

	if (*nick == '\0') {
		irc_reply(s, "431", NULL, "No nickname given");
		return;
	}
	/* Before registration this only claims the nick. */
	rv = chat_nick(irc_chat(s), s->user, nick);
	if (rv == E_NICK_INVALID)
		irc_reply1(s, "432", nick, "Erroneous nickname");
	else if (rv == E_NICK_IN_USE)
		irc_reply1(s, "433", nick, "Nickname is already in use");
	else if (rv == E_CLUSTER_DOWN)
		irc_reply1(s, "400", "NICK", "cluster unavailable");
	else if (rv == 0)
		irc_try_register(s);
}

void
irc_cmd_quit(struct irc_session *s, struct irc_msg *m)
{
	char words[IRC_LINE_MAX + 32], error[IRC_LINE_MAX + 64];
	char *reason = NULL;

	if (m->nparams > 0 && *m->params[0] != '\0' &&
	    (reason = irc_clean_param(s, m->params[0])) == NULL)
		return;
	irc_quit_words(words, sizeof words, EV_QUIT_REQUEST, reason,
	    reason != NULL ? strlen(reason) : 0);
	snprintf(error, sizeof error, "Closing Link: %s", words);
	/* "ERROR :" and CR LF around it make a line of at most 512. */
	error[irc_utf8_cut(error, strlen(error), IRC_LINE_MAX - 10)] = '\0';
	irc_leave(s, EV_QUIT_REQUEST,
	    reason != NULL && *reason != '\0' ? reason : NULL, error);
	free(reason);
}

/*
 * The client-only tags of a message (irc-v1 §5), each value unescaped,
 * cleaned as text and escaped again, into b as a tag section; the rest
 * are dropped, and so are those past IRC_CLIENT_TAGS_MAX. 0, or -1 out of
 * memory.
 */
static int
irc_client_tags(struct buf *b, const char *tags)
{
	struct buf one, only;
	struct irc_tag t;
	size_t pos = 0;
	char *raw, *clean;
	ssize_t n;
	int rv = 0;

	buf_init(&only);
	buf_init(&one);
	/* The well-formed client-only ones first, exactly as sent. */
	if (irc_tags_client_only(&only, tags) == -1 ||
	    buf_append(&only, "", 1) == -1) {
		buf_free(&only);
		return -1;
	}
	while (rv == 0 && irc_tag_next(buf_data(&only), &pos, &t)) {
		raw = malloc(t.valuelen + 1);
		clean = malloc(3 * t.valuelen + 1);
		buf_truncate(&one, 0);
		if (raw == NULL || clean == NULL ||
		    (n = irc_tag_unescape(
			 raw, t.valuelen + 1, t.value, t.valuelen)) == -1)
			rv = -1;
		else {
			irc_clean(clean, raw, (size_t)n);
			if (buf_append(&one, t.key, t.keylen) == -1 ||
			    (t.value != NULL &&
				(buf_append(&one, "=", 1) == -1 ||
				    irc_tag_escape(
					&one, clean, strlen(clean)) == -1)))
				rv = -1;
		}
		if (rv == 0 &&
		    buf_len(b) + 1 + buf_len(&one) <= IRC_CLIENT_TAGS_MAX &&
		    ((buf_len(b) > 0 && buf_append(b, ";", 1) == -1) ||
			buf_append(b, buf_data(&one), buf_len(&one)) == -1))
			rv = -1;
		free(raw);
		free(clean);
	}
	buf_free(&one);
	buf_free(&only);
	return rv;
}

/*
 * PRIVMSG, NOTICE and TAGMSG (irc-v1 §5, §6): one target, a room or a
 * nick. flags: EV_F_NOTICE (no reply of any kind) or EV_F_TAGMSG (no
 * text).
 */
static void
irc_message(struct irc_session *s, struct irc_msg *m, unsigned flags)
{
	const char *target, *text, *arg;
	int quiet = (flags & EV_F_NOTICE) != 0;
	size_t len, arglen;
	struct buf tags;
	char *clean;
	int rv;

	if (m->nparams < 1 || *m->params[0] == '\0') {
		if (!quiet)
			irc_reply(s, "411", NULL, "No recipient given (%s)",
			    m->command);
		return;
	}
	target = m->params[0];
	text = m->nparams > 1 ? m->params[1] : "";
	len = strlen(text);
	if (!(flags & EV_F_TAGMSG) && len == 0) {
		if (!quiet)
			irc_reply(s, "412", NULL, "No text to send");
		return;
	}
	buf_init(&tags);
	if ((clean = malloc(3 * len + 1)) == NULL ||
	    (m->tags != NULL && irc_client_tags(&tags, m->tags) == -1) ||
	    buf_append(&tags, "", 1) == -1) {
		free(clean);
		buf_free(&tags);
		irc_leave(
		    s, EV_QUIT_MEMORY, NULL, "Closing Link: out of memory");
		return;
	}
	len = irc_clean(clean, text, len);
	text = clean;
	if (!(flags & EV_F_TAGMSG) && len == 0) {
		if (!quiet)
			irc_reply(s, "412", NULL, "No text to send");
		goto out;
	}
	/* An ACTION is a message with a flag to the core, so that text
	 * users see "* nick text"; other CTCPs are for IRC users only. */
	if (irc_ctcp_action(clean, len, &arg, &arglen)) {
		flags |= EV_F_ACTION;
		/* Its text ends at its closing \001: a string of its own (arg
		 * is a literal "" when there is none). */
		if (arglen > 0)
			clean[(size_t)(arg - clean) + arglen] = '\0';
		text = arglen > 0 ? arg : "";
		len = arglen;
	} else if (len > 0 && text[0] == '\001')
		flags |= EV_F_CTCP;
	if (target[0] == '#') {
		rv = chat_say(irc_chat(s), s->user, target + 1, text, len,
		    flags, buf_len(&tags) > 1 ? buf_data(&tags) : NULL);
		if (rv == E_NO_SUCH_ROOM && !quiet)
			irc_reply1(s, "403", target, "No such channel");
		else if (rv == E_CANNOT_SEND && !quiet) {
			char room[CHAT_ROOM_MAX + 2];

			snprintf(room, sizeof room, "#%s",
			    irc_room(s, target)->name);
			irc_reply1(s, "404", room, "Cannot send to channel");
		}
	} else {
		rv = chat_tell(irc_chat(s), s->user, target, text, len, flags,
		    buf_len(&tags) > 1 ? buf_data(&tags) : NULL);
		if (rv == E_NO_SUCH_NICK && !quiet)
			irc_reply1(s, "401", target, "No such nick/channel");
		else if (rv == E_CLUSTER_DOWN && !quiet)
			irc_reply1(s, "400", m->command, "cluster unavailable");
	}
out:
	free(clean);
	buf_free(&tags);
}

void
irc_cmd_privmsg(struct irc_session *s, struct irc_msg *m)
{
	irc_message(s, m, 0);
}

void
irc_cmd_notice(struct irc_session *s, struct irc_msg *m)
{
	irc_message(s, m, EV_F_NOTICE);
}

void
irc_cmd_tagmsg(struct irc_session *s, struct irc_msg *m)
{
	irc_message(s, m, EV_F_TAGMSG);
}

void
irc_cmd_away(struct irc_session *s, struct irc_msg *m)
{
	char *text = NULL;

	if (m->nparams > 0 && *m->params[0] != '\0' &&
	    (text = irc_clean_param(s, m->params[0])) == NULL)
		return;
	/* The core answers (305, 306) through the renderer. */
	chat_away(irc_chat(s), s->user, text);
	free(text);
}
