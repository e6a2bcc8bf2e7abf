/* irc_render.c: events as IRC lines, once per variant (irc-v1 §3, §5, §9). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "chat.h"
#include "irc.h"
#include "proto.h"
#include "proto_irc.h"
#include "render.h"

/* A source: "nick!user@chatd" (a text user's user is its nick), or the
 * server's name. */
#define IRC_SOURCE_MAX  CHATD_SERVER_NAME_MAX
#define IRC_CTCP_ACTION "\001ACTION "
/* What an ACTION adds around its text: "\001ACTION " and "\001". */
#define IRC_ACTION_WRAP (sizeof IRC_CTCP_ACTION - 1 + 1)
#define IRC_CRLF_LEN    2
/* A part's msgid: the message's, then "-" and the part's number. */
#define IRC_PART_MSGID  (CHAT_MSGID_MAX + 12)

/* The server's name, the source of what the server says itself. */
static char irc_server_name[CHATD_SERVER_NAME_MAX + 1] = CHATD_SERVER_NAME;

/* How an event line is tagged: which server tags it may carry. */
enum irc_tagging {
	IRC_TAGS_TIME,  /* time only (MODE) */
	IRC_TAGS_MSGID, /* time and msgid */
	IRC_TAGS_ALL    /* time, msgid and the client-only tags */
};

void
irc_render_set_server(const char *name)
{
	snprintf(irc_server_name, sizeof irc_server_name, "%s",
	    name != NULL ? name : CHATD_SERVER_NAME);
}

int
irc_tag_time(struct buf *b, int64_t time_ms)
{
	char v[IRC_TIME_LEN + 1];

	irc_time_format(v, sizeof v, time_ms);
	return irc_tag_add(b, "time", v);
}

const char *
irc_quit_words(
    char *out, size_t outlen, enum ev_quit why, const char *text, size_t len)
{
	static const char *const words[EV_QUIT_NWHY] = {
		[EV_QUIT_REQUEST] = "Client Quit",
		[EV_QUIT_CLOSED] = "Connection closed",
		[EV_QUIT_RESET] = "Connection reset",
		[EV_QUIT_SLOW] = "too slow",
		[EV_QUIT_ERROR] = "Read error",
		[EV_QUIT_MEMORY] = "Out of memory",
		[EV_QUIT_TIMEOUT] = "Registration timed out",
		[EV_QUIT_PASSWORD] = "Password incorrect",
		[EV_QUIT_PING] = "Ping timeout",
		[EV_QUIT_KICKED] = "Kicked",
		[EV_QUIT_SHUTDOWN] = "Server shutting down",
		[EV_QUIT_LOST] = "Server lost",
	};

	if (text == NULL)
		len = 0;
	if (why == EV_QUIT_REQUEST && len > 0)
		snprintf(out, outlen, "Quit: %.*s", (int)len, text);
	else if (why == EV_QUIT_KICKED && len > 0)
		snprintf(out, outlen, "%.*s", (int)len, text);
	else if (why == EV_QUIT_PING)
		snprintf(out, outlen, "Ping timeout: %d seconds",
		    (CHATD_IRC_PING_IDLE_MS + CHATD_IRC_PING_WAIT_MS) / 1000);
	else
		snprintf(out, outlen, "%s",
		    (unsigned)why < EV_QUIT_NWHY ? words[why] : "Quit");
	return out;
}

/* The server's tags for ev in a variant, then the client-only ones;
 * msgid: the id to show (a part's), or NULL. */
static int
irc_tags(struct buf *b, const struct ev *ev, unsigned caps,
    enum irc_tagging tagging, const char *msgid)
{
	if ((caps & IRC_CAP_SERVER_TIME) && irc_tag_time(b, ev->time_ms) == -1)
		return -1;
	if (!(caps & IRC_CAP_MESSAGE_TAGS) || tagging == IRC_TAGS_TIME)
		return 0;
	if (msgid != NULL && irc_tag_add(b, "msgid", msgid) == -1)
		return -1;
	if (tagging == IRC_TAGS_ALL && ev->tags != NULL && *ev->tags != '\0' &&
	    ((buf_len(b) > 0 && buf_append(b, ";", 1) == -1) ||
		buf_append_str(b, ev->tags) == -1))
		return -1;
	return 0;
}

/* The tag section as a string for irc_format(): "" when empty. */
static const char *
irc_tags_str(struct buf *b)
{
	if (buf_append(b, "", 1) == -1)
		return NULL;
	return buf_data(b);
}

static void
irc_source(char *out, const struct ev *ev)
{
	snprintf(out, IRC_SOURCE_MAX + 1, "%s!%s@chatd", ev->nick,
	    ev->user != NULL ? ev->user : ev->nick);
}

/*
 * One line: tags, source, command, the middle params, then text (NULL:
 * none) as the last param after " :", cut at a character boundary so the
 * line without its tags fits IRC_LINE_MAX (irc-v1 §2). pre and post wrap
 * the text (a CTCP ACTION's), and are never cut.
 */
static int
irc_line(struct buf *out, const char *tags, const char *source, const char *cmd,
    size_t nmid, const char **mid, const char *pre, const char *text,
    size_t len, const char *post)
{
	char last[IRC_LINE_MAX + 1];
	const char *params[IRC_PARAMS_MAX];
	size_t head, room, i, n, lpre, lpost;

	for (i = 0; i < nmid; i++)
		params[i] = mid[i];
	if (text == NULL)
		return irc_format(out, tags, source, cmd, nmid, params, 0) ==
			-1 ?
		    -1 :
		    0;
	/* ":source CMD mid... :" then the text, then CR LF. */
	head = 1 + strlen(source) + 1 + strlen(cmd) + 2 + IRC_CRLF_LEN;
	for (i = 0; i < nmid; i++)
		head += 1 + strlen(mid[i]);
	head += strlen(pre) + strlen(post);
	room = head < IRC_LINE_MAX ? IRC_LINE_MAX - head : 0;
	n = irc_utf8_cut(text, len, room);
	/* pre, text, post: at most IRC_LINE_MAX, as head counts pre and
	 * post (by hand, as printf costs more than the rest of the line). */
	lpre = strlen(pre);
	lpost = strlen(post);
	if (lpre + n + lpost > IRC_LINE_MAX)
		n = 0;
	memcpy(last, pre, lpre);
	memcpy(last + lpre, text, n);
	memcpy(last + lpre + n, post, lpost);
	last[lpre + n + lpost] = '\0';
	params[nmid] = last;
	return irc_format(out, tags, source, cmd, nmid + 1, params,
		   IRC_FMT_TRAILING) == -1 ?
	    -1 :
	    0;
}

/* An event line about a user, with its tags for this variant. */
static int
irc_event_line(struct buf *out, const struct ev *ev, unsigned caps,
    enum irc_tagging tagging, const char *cmd, size_t nmid, const char **mid,
    const char *text, size_t len)
{
	char source[IRC_SOURCE_MAX + 1];
	struct buf tags;
	const char *t;
	int rv = -1;

	buf_init(&tags);
	if (ev->nick != NULL)
		irc_source(source, ev);
	else
		snprintf(source, sizeof source, "%s", irc_server_name);
	if (irc_tags(&tags, ev, caps, tagging, ev->msgid) == 0 &&
	    (t = irc_tags_str(&tags)) != NULL)
		rv =
		    irc_line(out, t, source, cmd, nmid, mid, "", text, len, "");
	buf_free(&tags);
	return rv;
}

/* The bytes a text part may take in a PRIVMSG from source to target. */
static size_t
irc_part_room(
    const char *source, const char *cmd, const char *target, int action)
{
	size_t head = 1 + strlen(source) + 1 + strlen(cmd) + 1 +
	    strlen(target) + 2 + IRC_CRLF_LEN + (action ? IRC_ACTION_WRAP : 0);

	return head < IRC_LINE_MAX ? IRC_LINE_MAX - head : 0;
}

/*
 * A message. A plain-text user's long line becomes several PRIVMSGs, each
 * at most IRC_LINE_MAX, split at character boundaries (each part of an
 * action an ACTION); part k >= 2 has msgid "<msgid>-<k>". An IRC user's
 * line is cut instead (it is over only by its prefix).
 */
static int
irc_render_message(
    struct buf *out, const struct ev *ev, int self, unsigned caps)
{
	char source[IRC_SOURCE_MAX + 1], target[CHAT_ROOM_MAX + 2];
	char msgid[IRC_PART_MSGID + 1];
	const char *cmd = "PRIVMSG", *mid[1], *piece, *t;
	int action = (ev->flags & EV_F_ACTION) != 0, k;
	struct irc_split sp;
	struct buf tags;
	size_t room, n;

	if (self && !(caps & IRC_CAP_ECHO))
		return 0;
	if (ev->flags & EV_F_TAGMSG)
		cmd = "TAGMSG";
	else if (ev->flags & EV_F_NOTICE)
		cmd = "NOTICE";
	if ((ev->flags & EV_F_TAGMSG) && !(caps & IRC_CAP_MESSAGE_TAGS))
		return 0;
	if (ev->room != NULL)
		snprintf(target, sizeof target, "#%s", ev->room);
	else
		snprintf(target, sizeof target, "%s", ev->target);
	mid[0] = target;
	if (ev->flags & EV_F_TAGMSG)
		return irc_event_line(out, ev, caps, IRC_TAGS_ALL, cmd, 1, mid,
			   NULL, 0) == -1 ?
		    -1 :
		    1;
	irc_source(source, ev);
	room = irc_part_room(source, cmd, target, action);
	if ((ev->flags & EV_F_IRC) || ev->len <= room)
		room = ev->len > room ? room : ev->len;
	irc_split_init(&sp, ev->text, ev->len, room);
	buf_init(&tags);
	for (k = 1; irc_split_next(&sp, &piece, &n); k++) {
		if (k > 1)
			snprintf(msgid, sizeof msgid, "%s-%d",
			    ev->msgid != NULL ? ev->msgid : "", k);
		buf_truncate(&tags, 0);
		if (irc_tags(&tags, ev, caps, IRC_TAGS_ALL,
			k > 1 && ev->msgid != NULL ? msgid : ev->msgid) == -1 ||
		    (t = irc_tags_str(&tags)) == NULL ||
		    irc_line(out, t, source, cmd, 1, mid,
			action ? IRC_CTCP_ACTION : "", piece, n,
			action ? "\001" : "") == -1) {
			buf_free(&tags);
			return -1;
		}
		/* An IRC user's line is one, cut. */
		if (ev->flags & EV_F_IRC) {
			k++;
			break;
		}
	}
	/* An empty text (an ACTION without words) is still one line. */
	if (k == 1 &&
	    (irc_tags(&tags, ev, caps, IRC_TAGS_ALL, ev->msgid) == -1 ||
		(t = irc_tags_str(&tags)) == NULL ||
		irc_line(out, t, source, cmd, 1, mid,
		    action ? "\001ACTION" : "", "", 0,
		    action ? "\001" : "") == -1)) {
		buf_free(&tags);
		return -1;
	}
	buf_free(&tags);
	return 1;
}

/* What the cluster tells users, as a server NOTICE in the plain-text
 * words: to the user (R_NICK_SPLIT: its new nick), or to the channel. */
static int
irc_render_notice(struct buf *out, const struct ev *ev)
{
	char room[CHAT_ROOM_MAX + 2];
	const char *params[2];
	struct buf text;
	int rv;

	buf_init(&text);
	if (render_body(&text, ev, 1) != 1 || buf_append(&text, "", 1) == -1) {
		buf_free(&text);
		return -1;
	}
	if (ev->code == R_CLUSTER_LOSS && ev->room != NULL) {
		snprintf(room, sizeof room, "#%s", ev->room);
		params[0] = room;
	} else if (ev->code == R_NICK_SPLIT)
		params[0] = ev->target;
	else
		params[0] = ev->nick != NULL ? ev->nick : "*";
	params[1] = buf_data(&text);
	rv = irc_format(out, NULL, irc_server_name, "NOTICE", 2, params,
		 IRC_FMT_TRAILING) == -1 ?
	    -1 :
	    1;
	buf_free(&text);
	return rv;
}

/* A numeric the core sends a user (it is the actor: its own nick is in
 * the event). */
static int
irc_render_reply(struct buf *out, const struct ev *ev)
{
	const char *params[3];
	char text[IRC_LINE_MAX];

	switch (ev->code) {
	case R_AWAY_ON:
		params[0] = ev->nick;
		params[1] = "You have been marked as being away";
		return irc_format(out, NULL, irc_server_name, "306", 2, params,
			   IRC_FMT_TRAILING) == -1 ?
		    -1 :
		    1;
	case R_AWAY_OFF:
		params[0] = ev->nick;
		params[1] = "You are no longer marked as being away";
		return irc_format(out, NULL, irc_server_name, "305", 2, params,
			   IRC_FMT_TRAILING) == -1 ?
		    -1 :
		    1;
	case R_AWAY:
		params[0] = ev->target != NULL ? ev->target : "*";
		params[1] = ev->nick;
		snprintf(text, sizeof text, "%.*s", (int)ev->len, ev->text);
		params[2] = text;
		return irc_format(out, NULL, irc_server_name, "301", 3, params,
			   IRC_FMT_TRAILING) == -1 ?
		    -1 :
		    1;
	case R_CLUSTER_LOST:
	case R_CLUSTER_BACK:
	case R_CLUSTER_LOSS:
	case R_NICK_SPLIT:
		return irc_render_notice(out, ev);
	default:
		return 0;
	}
}

static int
irc_render_event(struct buf *out, const struct ev *ev, unsigned caps)
{
	char room[CHAT_ROOM_MAX + 2], words[IRC_LINE_MAX];
	const char *mid[3];

	if (ev->room != NULL)
		snprintf(room, sizeof room, "#%s", ev->room);
	mid[0] = room;
	switch (ev->kind) {
	case EV_JOIN:
		return irc_event_line(
		    out, ev, caps, IRC_TAGS_MSGID, "JOIN", 1, mid, NULL, 0);
	case EV_PART:
		return irc_event_line(out, ev, caps, IRC_TAGS_MSGID, "PART", 1,
		    mid, ev->len > 0 ? ev->text : NULL, ev->len);
	case EV_QUIT:
		irc_quit_words(
		    words, sizeof words, ev->quit, ev->text, ev->len);
		return irc_event_line(out, ev, caps, IRC_TAGS_MSGID, "QUIT", 0,
		    mid, words, strlen(words));
	case EV_NICK:
		mid[0] = ev->target;
		return irc_event_line(
		    out, ev, caps, IRC_TAGS_MSGID, "NICK", 1, mid, NULL, 0);
	case EV_TOPIC:
		return irc_event_line(out, ev, caps, IRC_TAGS_MSGID, "TOPIC", 1,
		    mid, ev->text, ev->len);
	case EV_KICK:
		/* Without a reason, the kicker's nick is the reason. */
		mid[1] = ev->target;
		return irc_event_line(out, ev, caps, IRC_TAGS_MSGID, "KICK", 2,
		    mid, ev->len > 0 ? ev->text : ev->nick,
		    ev->len > 0 ? ev->len : strlen(ev->nick));
	case EV_MODE:
		/* nick NULL: the server promoted the longest-present. */
		mid[1] = (ev->flags & EV_F_OP) ? "+o" : "-o";
		mid[2] = ev->target;
		return irc_event_line(
		    out, ev, caps, IRC_TAGS_TIME, "MODE", 3, mid, NULL, 0);
	default:
		errno = EINVAL;
		return -1;
	}
}

int
proto_irc_render(struct buf *out, const struct ev *ev, int self, unsigned v)
{
	unsigned caps =
	    v >= FANOUT_IRC ? (v - FANOUT_IRC) & IRC_CAP_VARIANT : 0;
	size_t mark = buf_len(out);
	int rv;

	switch (ev->kind) {
	case EV_MESSAGE:
		rv = irc_render_message(out, ev, self, caps);
		break;
	case EV_REPLY:
		rv = irc_render_reply(out, ev);
		break;
	case EV_ERROR:
		/* The core's errors to users are the protocols' own. */
		rv = 0;
		break;
	default:
		/* Every other self view is the line everyone gets. */
		rv = irc_render_event(out, ev, caps) == -1 ? -1 : 1;
		break;
	}
	if (rv != 1)
		buf_truncate(out, mark);
	return rv;
}

int
proto_irc_render_batch(
    struct buf *out, const struct ev *ev, unsigned v, const char *batch)
{
	const char *p, *end, *eol;
	size_t mark = buf_len(out);
	struct buf one;
	int rv;

	buf_init(&one);
	if ((rv = proto_irc_render(&one, ev, 0, v)) != 1) {
		buf_free(&one);
		return rv;
	}
	/* Each line (a split message has several) as it was, with batch=
	 * first in its tag section, or as its tag section. */
	p = buf_data(&one);
	for (end = p + buf_len(&one); p < end && rv == 1; p = eol) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		else
			eol++;
		if (buf_append(out, "@batch=", 7) == -1 ||
		    buf_append_str(out, batch) == -1 ||
		    buf_append(out, *p == '@' ? ";" : " ", 1) == -1 ||
		    buf_append(out, p + (*p == '@'),
			(size_t)(eol - p) - (*p == '@')) == -1)
			rv = -1;
	}
	if (rv != 1)
		buf_truncate(out, mark);
	buf_free(&one);
	return rv;
}
