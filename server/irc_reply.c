/* irc_reply.c: numerics and other lines to one IRC client, and cleaning its text. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "conn.h"
#include "irc.h"
#include "proto_irc.h"
#include "server.h"
#include "text.h"

#define IRC_REPLY_MID_MAX  (IRC_PARAMS_MAX - 2)
/* Formatted text before it is cut to fit: any reply's is shorter. */
#define IRC_REPLY_TEXT_MAX 4096

const char *
irc_nick(const struct irc_session *s)
{
	return s->user->held ? s->user->nick : "*";
}

const char *
irc_server(const struct irc_session *s)
{
	return s->srv->cfg.server_name != NULL ? s->srv->cfg.server_name :
						 CHATD_SERVER_NAME;
}

const char *
irc_username(const struct user *u)
{
	return u->irc ? u->username : u->nick;
}

/* Could p be sent as a middle param? */
static int
irc_middle_ok(const char *p)
{
	return *p != '\0' && *p != ':' && strpbrk(p, " \r\n") == NULL;
}

static void
irc_send_buf(struct irc_session *s, struct buf *b)
{
	if (buf_len(b) > 0 && s->ep.conn != NULL)
		conn_send(s->ep.conn, buf_data(b), buf_len(b));
}

/* A numeric whose first param is first (the client's nick, mostly), then
 * mid, then text (NULL: none) cut to fit. */
static void
irc_numeric(struct irc_session *s, const char *first, const char *code,
    const char *const *mid, char *text)
{
	const char *params[IRC_PARAMS_MAX];
	size_t n = 0, head, room, i;
	struct buf b;

	params[n++] = first;
	while (mid != NULL && *mid != NULL && n < IRC_REPLY_MID_MAX + 1) {
		params[n] = irc_middle_ok(*mid) ? *mid : "*";
		n++;
		mid++;
	}
	if (text != NULL) {
		/* ":S CODE mid... :" and CR LF around the text. */
		head = 1 + strlen(irc_server(s)) + 1 + strlen(code) + 2 + 2;
		for (i = 0; i < n; i++)
			head += 1 + strlen(params[i]);
		room = head < IRC_LINE_MAX ? IRC_LINE_MAX - head : 0;
		text[irc_utf8_cut(text, strlen(text), room)] = '\0';
		params[n++] = text;
	}
	buf_init(&b);
	if (irc_format(&b, NULL, irc_server(s), code, n, params,
		text != NULL ? IRC_FMT_TRAILING : 0) != -1)
		irc_send_buf(s, &b);
	buf_free(&b);
}

void
irc_reply(struct irc_session *s, const char *code, const char *const *mid,
    const char *fmt, ...)
{
	char text[IRC_REPLY_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(text, sizeof text, fmt, ap) < 0)
		text[0] = '\0';
	va_end(ap);
	irc_numeric(s, irc_nick(s), code, mid, text);
}

void
irc_reply_star(struct irc_session *s, const char *code, const char *fmt, ...)
{
	char text[IRC_REPLY_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(text, sizeof text, fmt, ap) < 0)
		text[0] = '\0';
	va_end(ap);
	irc_numeric(s, "*", code, NULL, text);
}

void
irc_reply_mid(struct irc_session *s, const char *code, const char *const *mid)
{
	irc_numeric(s, irc_nick(s), code, mid, NULL);
}

void
irc_reply1(struct irc_session *s, const char *code, const char *param,
    const char *text)
{
	const char *mid[2] = { param, NULL };

	irc_reply(s, code, mid, "%s", text);
}

void
irc_fail(struct irc_session *s, const char *command, const char *code,
    const char *const *context, const char *text)
{
	const char *mid[IRC_REPLY_MID_MAX + 1];
	char words[IRC_REPLY_TEXT_MAX];
	size_t n = 0;

	mid[n++] = code;
	for (; context != NULL && *context != NULL && n < IRC_REPLY_MID_MAX;
	     context++)
		mid[n++] =
		    strlen(*context) <= IRC_FAIL_CONTEXT_MAX ? *context : "*";
	mid[n] = NULL;
	snprintf(words, sizeof words, "%s", text);
	irc_numeric(s, command, "FAIL", mid, words);
}

void
irc_send_error(struct irc_session *s, const char *text)
{
	const char *params[1] = { text };
	struct buf b;

	buf_init(&b);
	if (irc_format(&b, NULL, NULL, "ERROR", 1, params, IRC_FMT_TRAILING) !=
	    -1)
		irc_send_buf(s, &b);
	buf_free(&b);
}

void
irc_need_more(struct irc_session *s, const struct irc_msg *m)
{
	irc_reply1(s, "461", m->command, "Not enough parameters");
}

size_t
irc_clean(char *out, const char *text, size_t len)
{
	return text_clean(out, text, len, TEXT_CLEAN_IRC);
}

char *
irc_clean_param(struct irc_session *s, const char *param)
{
	size_t len = strlen(param);
	char *out;

	if ((out = malloc(3 * len + 1)) == NULL) {
		irc_leave(
		    s, EV_QUIT_MEMORY, NULL, "Closing Link: out of memory");
		return NULL;
	}
	irc_clean(out, param, len);
	return out;
}
