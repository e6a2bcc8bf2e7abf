/* render.c: an event as a plain-text line, and every sentence of the plain-text protocol. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proto.h"
#include "render.h"
#include "text.h"

static int render_text(struct buf *, const char *, size_t);
static int render_nick(struct buf *, const char *, const char *, const char *);
static int render_message(struct buf *, const struct ev *, int);
static int render_reply(struct buf *, const struct ev *);
static int render_error(struct buf *, const struct ev *);
static const char *render_plural(long long, const char *, const char *);

static const char *const render_quit_words[EV_QUIT_NWHY] = {
	[EV_QUIT_REQUEST] = "bye",
	[EV_QUIT_CLOSED] = "connection closed",
	[EV_QUIT_RESET] = "connection reset",
	[EV_QUIT_SLOW] = "too slow",
	[EV_QUIT_ERROR] = "read error",
	[EV_QUIT_MEMORY] = "out of memory",
	[EV_QUIT_TIMEOUT] = "login timeout",
	[EV_QUIT_PASSWORD] = "wrong password",
	[EV_QUIT_PING] = "ping timeout",
	[EV_QUIT_KICKED] = "kicked",
	[EV_QUIT_SHUTDOWN] = "server shutting down",
	[EV_QUIT_LOST] = "server lost",
};

const char *
render_quit_reason(enum ev_quit why, const char *text)
{
	/* A reason given with /quit (or a kick's) wins over the words. */
	if ((why == EV_QUIT_REQUEST || why == EV_QUIT_KICKED) && text != NULL &&
	    *text != '\0')
		return text;
	return render_quit_words[why];
}

/*
 * "[HH:MM:SS] " of a time in ms. localtime_r is costly next to the rest
 * of a line, and events come in bursts within one second: keep the last.
 */
int
render_stamp(struct buf *out, int64_t time_ms)
{
	static char stamp[CHAT_STAMP_LEN + 1];
	static time_t last = (time_t)-1;
	time_t t = (time_t)(time_ms / 1000);
	struct tm tm;

	if (t != last) {
		if (localtime_r(&t, &tm) == NULL ||
		    strftime(stamp, sizeof stamp, "[%H:%M:%S] ", &tm) !=
			CHAT_STAMP_LEN)
			memcpy(stamp, "[??:??:??] ", CHAT_STAMP_LEN);
		last = t;
	}
	return buf_append(out, stamp, CHAT_STAMP_LEN);
}

/*
 * Message text as plain-text users may see it: whatever the sender's
 * protocol let through (IRC keeps its formatting codes), without any
 * control character.
 */
static int
render_text(struct buf *out, const char *text, size_t len)
{
	char *dst;
	size_t i;

	/* Plain text came in cleaned: only IRC's formatting and CTCP bytes
	 * (all below 0x20) need work, so most lines are one copy. */
	for (i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x20 && text[i] != '\t')
			break;
	if (i == len)
		return buf_append(out, text, len);
	if ((dst = buf_reserve(out, len + 1)) == NULL)
		return -1;
	memcpy(dst, text, len);
	len = text_irc_strip(dst, len);
	buf_commit(out, text_sanitize(dst, len));
	return 0;
}

/* pre, nick and post, without printf: the line every message makes. */
static int
render_nick(
    struct buf *out, const char *pre, const char *nick, const char *post)
{
	if (buf_append_str(out, pre) == -1 || buf_append_str(out, nick) == -1 ||
	    buf_append_str(out, post) == -1)
		return -1;
	return 0;
}

static int
render_message(struct buf *out, const struct ev *ev, int self)
{
	int rv;

	if (ev->flags & (EV_F_CTCP | EV_F_TAGMSG))
		return 0;
	if (ev->room != NULL) {
		if (self)
			return 0;
		rv = (ev->flags & EV_F_ACTION) ?
		    render_nick(out, "* ", ev->nick, " ") :
		    render_nick(out, "<", ev->nick, "> ");
	} else if (self)
		rv = render_nick(out, "-> *", ev->target, "* ");
	else
		rv = render_nick(out, "*", ev->nick, "* ");
	/* A private action: "*bob* * bob waves". */
	if (rv == 0 && ev->room == NULL && (ev->flags & EV_F_ACTION))
		rv = render_nick(out, "* ", ev->nick, " ");
	if (rv == -1 || render_text(out, ev->text, ev->len) == -1)
		return -1;
	return 1;
}

static const char *
render_plural(long long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static int
render_reply(struct buf *out, const struct ev *ev)
{
	const long long n = ev->num[0];
	char thousands[TEXT_THOUSANDS_LEN], idle[TEXT_DURATION_LEN];
	char since[TEXT_DURATION_LEN];

	switch (ev->code) {
	case R_WELCOME:
		return buf_printf(out,
		    "welcome to %s, %s! you are in #%s; type /help for commands",
		    ev->target != NULL ? ev->target : "chatd", ev->nick,
		    ev->room);
	case R_WELCOME_PASS:
		return buf_printf(out,
		    "welcome to chatd, %s! this server needs a password: /pass "
		    "PASSWORD",
		    ev->nick);
	case R_PASS_OK:
		return buf_printf(out,
		    "password accepted; you are in #%s; type /help for "
		    "commands",
		    ev->room);
	case R_NICK_SAME:
		return buf_printf(out, "you are already %s", ev->nick);
	case R_BYE:
		return buf_append_str(out, "bye");
	case R_SHUTDOWN:
		return buf_append_str(out, "server shutting down");
	case R_WHO:
		return buf_printf(out, "%lld %s in #%s: %s", n,
		    render_plural(n, "user", "users"), ev->room, ev->text);
	case R_ROOMS:
		return buf_printf(out, "%lld %s: %s", n,
		    render_plural(n, "room", "rooms"), ev->text);
	case R_TOPIC:
		/* Other IRC servers may not say who set it. */
		if (ev->target == NULL)
			return buf_printf(
			    out, "topic of #%s: %s", ev->room, ev->text);
		return buf_printf(out, "topic of #%s: %s (set by %s)", ev->room,
		    ev->text, ev->target);
	case R_NO_TOPIC:
		return buf_printf(out, "#%s has no topic", ev->room);
	case R_AWAY_ON:
		return buf_append_str(out, "you are marked away");
	case R_AWAY_OFF:
		return buf_append_str(out, "you are no longer marked away");
	case R_AWAY:
		return buf_printf(out, "%s is away: %s", ev->nick, ev->text);
	case R_WHOIS:
		text_duration(idle, sizeof idle,
		    (unsigned long long)(ev->num[0] > 0 ? ev->num[0] : 0));
		text_duration(since, sizeof since,
		    (unsigned long long)(ev->num[1] > 0 ? ev->num[1] : 0));
		return buf_printf(out,
		    "%s: in %s, idle %s, connected %s ago%s%s%s", ev->nick,
		    *ev->text != '\0' ? ev->text : "no room", idle, since,
		    ev->target != NULL ? ", away: " : "",
		    ev->target != NULL ? ev->target : "",
		    (ev->flags & EV_F_IRC) ? ", irc" : "");
	case R_LIST_HEAD:
		return buf_printf(
		    out, "%lld %s:", n, render_plural(n, "room", "rooms"));
	case R_LIST_ROOM:
		return *ev->text != '\0' ?
		    buf_printf(out, "#%s (%lld): %s", ev->room, n, ev->text) :
		    buf_printf(out, "#%s (%lld)", ev->room, n);
	case R_HISTORY_HEAD:
		return buf_printf(out, "last %lld %s in #%s:", n,
		    render_plural(n, "message", "messages"), ev->room);
	case R_HISTORY_END:
		return buf_append_str(out, "end of history");
	case R_NO_HISTORY:
		return buf_printf(out, "no history in #%s", ev->room);
	case R_QUITS:
		text_thousands(thousands, sizeof thousands,
		    (unsigned long long)(n > 0 ? n : 0));
		return buf_printf(out, "%s users have quit (%s)", thousands,
		    render_quit_reason(ev->quit, ev->text));
	case R_CLUSTER_LOST:
		return buf_append_str(
		    out, "cluster link lost: messages reach this server only");
	case R_CLUSTER_BACK:
		return buf_append_str(out, "cluster link restored");
	case R_CLUSTER_LOSS:
		return buf_printf(out,
		    "cluster link: %lld messages from this server did not "
		    "reach the others",
		    n);
	case R_NICK_SPLIT:
		return buf_printf(out,
		    "your nick %s was taken elsewhere while the cluster was "
		    "split; you are now %s",
		    ev->nick, ev->target);
	case R_IS_OP:
		return buf_printf(out, "%s is already an operator of #%s",
		    ev->nick, ev->room);
	case R_IS_NOT_OP:
		return buf_printf(
		    out, "%s is not an operator of #%s", ev->nick, ev->room);
	case R_NICK_TAKEN:
		return buf_printf(out,
		    "nickname %s is already in use; you are %s", ev->nick,
		    ev->target);
	case R_DISCONNECTED:
		return buf_printf(out, "disconnected: %s", ev->text);
	case R_RECONNECTING:
		return buf_printf(out,
		    "disconnected: %s; reconnecting in %llds", ev->text, n);
	case R_MODE:
		return buf_printf(
		    out, "%s set mode %s on #%s", ev->nick, ev->text, ev->room);
	default:
		return buf_append_str(out, ev->text != NULL ? ev->text : "");
	}
}

static int
render_error(struct buf *out, const struct ev *ev)
{
	if (buf_append_str(out, "error: ") == -1)
		return -1;
	switch (ev->code) {
	case E_PASS_NEEDED:
		return buf_append_str(
		    out, "password required (/pass PASSWORD)");
	case E_LINE_TOO_LONG:
		return buf_printf(
		    out, "line too long (max %lld bytes), dropped", ev->num[0]);
	case E_NICK_INVALID:
		return buf_printf(out,
		    "invalid nickname %s (1-%d characters: a letter, then "
		    "letters, digits, _ or -)",
		    ev->nick, CHAT_NICK_MAX);
	case E_NICK_IN_USE:
		return buf_printf(
		    out, "nickname %s is already in use", ev->nick);
	case E_ROOM_INVALID:
		return buf_printf(out,
		    "invalid room name %s (1-%d characters: letters, digits, _ "
		    "or -)",
		    ev->room, CHAT_ROOM_MAX);
	case E_ALREADY_IN:
		return buf_printf(out, "you are already in #%s", ev->room);
	case E_USAGE:
		return buf_printf(out, "usage: %s", ev->text);
	case E_NO_SUCH_NICK:
		return buf_printf(out, "no such nick %s", ev->nick);
	case E_NO_PASS:
		return buf_append_str(out, "no password is needed here");
	case E_AUTHED:
		return buf_append_str(out, "already authenticated");
	case E_PASS_WRONG:
		return buf_append_str(out, "wrong password");
	case E_PASS_CLOSING:
		return buf_append_str(
		    out, "wrong password, closing connection");
	case E_LOGIN_TIMEOUT:
		return buf_append_str(out, "login timeout");
	case E_SERVER_FULL:
		return buf_append_str(out, "server full");
	case E_PER_IP:
		return buf_append_str(
		    out, "too many connections from your address");
	case E_UNKNOWN_CMD:
		return buf_printf(
		    out, "unknown command /%s (try /help)", ev->text);
	case E_NOT_OP:
		return buf_printf(
		    out, "you are not an operator of #%s", ev->room);
	case E_NOT_IN_ROOM:
		return buf_printf(
		    out, "no such nick %s in #%s", ev->nick, ev->room);
	case E_NO_SUCH_ROOM:
		return buf_printf(out, "no such room #%s", ev->room);
	case E_NOT_MEMBER:
		return buf_printf(out, "you are not in #%s", ev->room);
	case E_CANNOT_SEND:
		return buf_printf(out, "cannot send to #%s", ev->room);
	case E_TOO_MANY:
		return buf_printf(
		    out, "you are in too many rooms to join #%s", ev->room);
	case E_TOO_SLOW:
		return buf_printf(out,
		    "disconnected: too slow (%lld bytes unsent)", ev->num[0]);
	case E_CLUSTER_DOWN:
		return buf_append_str(out, "cluster unavailable");
	case E_CLUSTER_LATER:
		return buf_append_str(
		    out, "cluster unavailable, try again later");
	case E_NO_ROOM:
		return buf_append_str(out, "you are in no room (/join ROOM)");
	case E_NOT_CONNECTED:
		return buf_append_str(
		    out, "not connected: the line was not sent");
	default:
		return buf_append_str(out, ev->text != NULL ? ev->text : "");
	}
}

int
render_body(struct buf *out, const struct ev *ev, int self)
{
	const char *pre = CHAT_NOTICE_PREFIX;
	int rv;

	switch (ev->kind) {
	case EV_MESSAGE:
		return render_message(out, ev, self);
	case EV_PART:
		/* A plain-text user leaves a room only to enter another, and
		 * hears of that instead. */
		if (self)
			return 0;
		break;
	case EV_QUIT:
		/* Told in one R_QUITS line with the others of its pass. */
		if (ev->flags & EV_F_FOLDED)
			return 0;
		break;
	default:
		break;
	}
	if (buf_append_str(out, pre) == -1)
		return -1;
	switch (ev->kind) {
	case EV_JOIN:
		rv = buf_printf(out, "%s has joined #%s", ev->nick, ev->room);
		break;
	case EV_PART:
		rv = ev->len > 0 ?
		    buf_printf(out, "%s has left #%s (%s)", ev->nick, ev->room,
			ev->text) :
		    buf_printf(out, "%s has left #%s", ev->nick, ev->room);
		break;
	case EV_QUIT:
		rv = buf_printf(out, "%s has quit (%s)", ev->nick,
		    render_quit_reason(ev->quit, ev->text));
		break;
	case EV_NICK:
		rv = buf_printf(
		    out, "%s is now known as %s", ev->nick, ev->target);
		break;
	case EV_TOPIC:
		rv = ev->len > 0 ?
		    buf_printf(out, "%s set the topic of #%s: %s", ev->nick,
			ev->room, ev->text) :
		    buf_printf(
			out, "%s cleared the topic of #%s", ev->nick, ev->room);
		break;
	case EV_KICK:
		rv = ev->len > 0 ?
		    buf_printf(out, "%s was kicked from #%s by %s (%s)",
			ev->target, ev->room, ev->nick, ev->text) :
		    buf_printf(out, "%s was kicked from #%s by %s", ev->target,
			ev->room, ev->nick);
		break;
	case EV_MODE:
		if (ev->nick == NULL)
			rv = buf_printf(out, "%s is now an operator of #%s",
			    ev->target, ev->room);
		else if (ev->flags & EV_F_OP)
			rv = buf_printf(out, "%s made %s an operator of #%s",
			    ev->nick, ev->target, ev->room);
		else
			rv = buf_printf(out,
			    "%s removed %s as an operator of #%s", ev->nick,
			    ev->target, ev->room);
		break;
	case EV_REPLY:
		rv = render_reply(out, ev);
		break;
	case EV_ERROR:
		rv = render_error(out, ev);
		break;
	default:
		errno = EINVAL;
		rv = -1;
		break;
	}
	return rv == -1 ? -1 : 1;
}

int
render_line(struct buf *out, const struct ev *ev, int self)
{
	size_t mark = buf_len(out);
	int rv;

	if (render_stamp(out, ev->time_ms) == -1)
		return -1;
	if ((rv = render_body(out, ev, self)) != 1 ||
	    buf_append(out, "\n", 1) == -1) {
		buf_truncate(out, mark);
		return rv == 0 ? 0 : -1;
	}
	return 1;
}

int
render_notice(struct buf *out, int64_t time_ms, int error, const char *text)
{
	struct ev ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = error ? EV_ERROR : EV_REPLY;
	ev.code = error ? E_TEXT : R_TEXT;
	ev.time_ms = time_ms;
	ev.text = text;
	return render_line(out, &ev, 0) == 1 ? 0 : -1;
}
