/* wire.c: the bytes chatd sends for each kind of line, in one place. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "proto.h"
#include "wire.h"

/* "[HH:MM:SS] " for now, formatted once a second. */
static const char *
wire_stamp(void)
{
	static char stamp[CHAT_STAMP_LEN + 1];
	static time_t last = -1;
	struct tm tm;
	time_t now = time(NULL);

	if (now != last) {
		localtime_r(&now, &tm);
		strftime(stamp, sizeof stamp, "[%H:%M:%S] ", &tm);
		last = now;
	}
	return stamp;
}

/* stamp + a + b + c + text + LF, replacing out's contents. */
static int
wire_line(struct buf *out, const char *a, const char *b, const char *c,
    const char *text, size_t len)
{
	buf_consume(out, buf_len(out));
	if (buf_append(out, wire_stamp(), CHAT_STAMP_LEN) == -1 ||
	    buf_append_str(out, a) == -1 || buf_append_str(out, b) == -1 ||
	    buf_append_str(out, c) == -1 || buf_append(out, text, len) == -1 ||
	    buf_append(out, "\n", 1) == -1)
		return -1;
	return 0;
}

int
wire_message(struct buf *out, const char *nick, const char *text, size_t len)
{
	return wire_line(out, "<", nick, "> ", text, len);
}

int
wire_action(struct buf *out, const char *nick, const char *text, size_t len)
{
	return wire_line(out, "* ", nick, " ", text, len);
}

int
wire_private_in(struct buf *out, const char *from, const char *text, size_t len)
{
	return wire_line(out, "*", from, "* ", text, len);
}

int
wire_private_out(struct buf *out, const char *to, const char *text, size_t len)
{
	return wire_line(out, "-> *", to, "* ", text, len);
}

int
wire_vnotice(struct buf *out, int error, const char *fmt, va_list ap)
{
	const char *prefix = error ? CHAT_ERROR_PREFIX : CHAT_NOTICE_PREFIX;
	char *dst;
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0 || wire_line(out, prefix, "", "", "", 0) == -1)
		return -1;
	/* Put the text between the prefix and the LF. */
	out->len--;
	if ((dst = buf_reserve(out, (size_t)n + 2)) == NULL)
		return -1;
	vsnprintf(dst, (size_t)n + 1, fmt, ap);
	dst[n] = '\n';
	buf_commit(out, (size_t)n + 1);
	return 0;
}

int
wire_notice(struct buf *out, int error, const char *fmt, ...)
{
	va_list ap;
	int rv;

	va_start(ap, fmt);
	rv = wire_vnotice(out, error, fmt, ap);
	va_end(ap);
	return rv;
}
