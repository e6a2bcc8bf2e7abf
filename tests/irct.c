/* irct.c: the small IRC client of chatd's own IRC integration tests. */
#define _DEFAULT_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "irct.h"

struct conn *
irct_open(int port)
{
	struct conn *c = conn_open(port);

	ck_assert_msg(c != NULL, "cannot connect to port %d", port);
	return c;
}

void
irct_send(struct conn *c, const char *fmt, ...)
{
	char line[IRCT_LINE];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line - 2, fmt, ap);
	va_end(ap);
	ck_assert(n >= 0 && (size_t)n < sizeof line - 2);
	memcpy(line + n, "\r\n", 3);
	/* A closed connection is the test's to find out by reading. */
	(void)conn_send(c, line);
}

int
irct_line(struct conn *c, char *out, size_t outlen, int ms)
{
	int n = conn_line(c, out, outlen, ms);

	if (n < 0)
		return n == -1 ? 0 : -1;
	ck_assert_msg(
	    n > 0 && out[n - 1] == '\r', "line without CR LF: %s", out);
	out[n - 1] = '\0';
	return 1;
}

const char *
irct_untag(const char *line)
{
	const char *sp;

	if (line[0] != '@')
		return line;
	return (sp = strchr(line, ' ')) != NULL ? sp + 1 : "";
}

int
irct_tag(const char *line, const char *key, char *out, size_t outlen)
{
	size_t klen = strlen(key), n;
	const char *p, *end;

	if (line[0] != '@')
		return 0;
	end = line + strcspn(line, " ");
	for (p = line + 1; p < end; p += n + 1) {
		n = strcspn(p, "; ");
		if (n >= klen && strncmp(p, key, klen) == 0 &&
		    (n == klen || p[klen] == '=')) {
			snprintf(out, outlen, "%.*s",
			    (int)(n > klen ? n - klen - 1 : 0),
			    n > klen ? p + klen + 1 : "");
			return 1;
		}
	}
	return 0;
}

void
irct_is_at(const char *f, int l, struct conn *c, int tags, const char *fmt, ...)
{
	char want[IRCT_LINE], got[IRCT_LINE];
	va_list ap;
	int r;

	va_start(ap, fmt);
	vsnprintf(want, sizeof want, fmt, ap);
	va_end(ap);
	r = irct_line(c, got, sizeof got, IRCT_WAIT);
	ck_assert_msg(r == 1, "%s:%d: want \"%s\", got %s", f, l, want,
	    r == 0 ? "nothing" : "EOF");
	ck_assert_msg(strcmp(tags ? got : irct_untag(got), want) == 0,
	    "%s:%d:\n want \"%s\"\n got  \"%s\"", f, l, want, got);
}

const char *
irct_find_at(const char *f, int l, struct conn *c, const char *text)
{
	static char got[IRCT_LINE];
	long end = harness_now_ms() + IRCT_WAIT;

	while (
	    irct_line(c, got, sizeof got, (int)(end - harness_now_ms())) == 1)
		if (strstr(got, text) != NULL)
			return got;
	ck_abort_msg("%s:%d: never got a line with \"%s\"", f, l, text);
	return NULL;
}

void
irct_quiet_at(const char *f, int l, struct conn *c)
{
	char got[IRCT_LINE];
	int r = irct_line(c, got, sizeof got, IRCT_QUIET);

	ck_assert_msg(
	    r == 0, "%s:%d: want nothing, got %s", f, l, r == 1 ? got : "EOF");
}

void
irct_sync_at(const char *f, int l, struct conn *c, int exact)
{
	static int serial;
	char token[64], got[IRCT_LINE];
	long end = harness_now_ms() + IRCT_WAIT;
	size_t n;

	snprintf(token, sizeof token, "sync-%d-%d", (int)getpid(), ++serial);
	irct_send(c, "PING %s", token);
	for (;;) {

		ck_assert_msg(irct_line(c, got, sizeof got,
				  (int)(end - harness_now_ms())) == 1,
		    "%s:%d: no PONG %s", f, l, token);
		if (getenv("IRCT_DEBUG"))
			fprintf(stderr, "got %.60s\n", got);
		n = strlen(got);
		if (strstr(irct_untag(got), " PONG ") != NULL &&
		    n > strlen(token) &&
		    strcmp(got + n - strlen(token), token) == 0)
			return;
		ck_assert_msg(
		    !exact, "%s:%d: want nothing more, got \"%s\"", f, l, got);
	}
}

void
irct_eof_at(const char *f, int l, struct conn *c)
{
	ck_assert_msg(conn_eof(c, IRCT_WAIT), "%s:%d: still open", f, l);
}

struct conn *
irct_reg(int port, const char *nick, const char *caps)
{
	struct conn *c = irct_open(port);
	char got[IRCT_LINE];
	long end = harness_now_ms() + IRCT_WAIT;

	if (caps != NULL)
		irct_send(c, "CAP LS 302");
	irct_send(c, "NICK %s", nick);
	irct_send(c, "USER %s 0 * :Real %s", nick, nick);
	if (caps != NULL) {
		irct_find(c, " CAP * LS :");
		irct_send(c, "CAP REQ :%s", caps);
		irct_find(c, " CAP ");
		irct_send(c, "CAP END");
	}
	for (;;) {
		ck_assert_msg(irct_line(c, got, sizeof got,
				  (int)(end - harness_now_ms())) == 1,
		    "%s: no end of the welcome burst", nick);
		if (strstr(got, " 422 ") != NULL ||
		    strstr(got, " 376 ") != NULL)
			return c;
		ck_assert_msg(strncmp(got, "ERROR", 5) != 0 &&
			strstr(got, " 433 ") == NULL,
		    "%s: registration failed: %s", nick, got);
	}
}

struct conn *
irct_text(int port, const char *nick)
{
	return login_ok(port, nick);
}

int
irct_irc_port(struct srv *s)
{
	char line[512];
	const char *p;

	srv_log_has(s, "(IRC only)", IRCT_WAIT);
	for (p = s->log; (p = strstr(p, "listening on 127.0.0.1:")) != NULL;
	     p++) {
		snprintf(line, sizeof line, "%.*s", (int)strcspn(p, "\n"), p);
		if (strstr(line, "(IRC only)") != NULL)
			return atoi(p + strlen("listening on 127.0.0.1:"));
	}
	ck_abort_msg("no IRC-only listener in the log: %s", s->log);
	return -1;
}
