/* ircc_text.c: plain-text users next to the IRC test client's ones. */
#define _DEFAULT_SOURCE

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "ircc.h"

/* --- plain-text users --- */

void
txt_send(struct conn *c, const char *fmt, ...)
{
	char line[65536];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line - 1, fmt, ap);
	va_end(ap);
	ck_assert(n >= 0 && (size_t)n < sizeof line - 1);
	line[n++] = '\n';
	(void)conn_send_raw(c, line, (size_t)n);
}

/* The next text line, or fail. */
static const char *
txt_next(const char *f, int l, struct conn *c, const char *what, char *line,
    size_t len, int ms)
{
	char w[2048];
	int r = conn_line(c, line, len, ms);

	if (r >= 0)
		return line;
	irc_fail_at(f, l, "text user: want \"%s\", got %s",
	    irc_escape(what, strlen(what), w, sizeof w),
	    r == -1 ? "nothing (timeout)" : "EOF");
}

struct conn *
txt_login_at(const char *f, int l, int port, const char *nick)
{
	struct conn *c = conn_open(port);
	char want[128];

	if (c == NULL)
		irc_fail_at(f, l, "text user: cannot connect to port %d", port);
	(void)conn_send(c, "\n");
	if (!conn_expect(c, "/help", NULL, 0, IRC_WAIT))
		irc_fail_at(f, l, "text user: no welcome");
	if (nick != NULL) {
		txt_send(c, "/nick %s", nick);
		snprintf(want, sizeof want, "is now known as %s", nick);
		if (!conn_expect(c, want, NULL, 0, IRC_WAIT))
			irc_fail_at(f, l, "text user: /nick %s failed", nick);
	}
	return c;
}

void
txt_want_at(const char *f, int l, struct conn *c, const char *fmt, ...)
{
	char want[8192], line[8192], w[8192], g[8192];
	const char *body;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof want, fmt, ap);
	va_end(ap);
	txt_next(f, l, c, want, line, sizeof line, IRC_WAIT);
	body = line_body(line);
	if (body == NULL || strcmp(body, want) != 0)
		irc_fail_at(f, l,
		    "text user:\n  want \"[HH:MM:SS] %s\"\n  got  \"%s\"",
		    irc_escape(want, strlen(want), w, sizeof w),
		    irc_escape(line, strlen(line), g, sizeof g));
}

void
txt_find_at(const char *f, int l, struct conn *c, const char *text)
{
	if (!conn_expect(c, text, NULL, 0, IRC_WAIT))
		irc_fail_at(
		    f, l, "text user: never got a line with \"%s\"", text);
}

void
txt_quiet_at(const char *f, int l, struct conn *c, int ms)
{
	char line[8192], g[8192];
	int r = conn_line(c, line, sizeof line, ms);

	if (r >= 0)
		irc_fail_at(f, l, "text user: want nothing, got \"%s\"",
		    irc_escape(line, strlen(line), g, sizeof g));
	if (r == -2)
		irc_fail_at(f, l, "text user: want nothing, got EOF");
}

/* 1 if body is a /rooms reply: "-!- N room(s): ..." */
static int
txt_is_rooms(const char *body)
{
	if (body == NULL || strncmp(body, "-!- ", 4) != 0)
		return 0;
	body += 4;
	if (!isdigit((unsigned char)*body))
		return 0;
	body += strspn(body, "0123456789");
	return strncmp(body, " room", 5) == 0;
}

void
txt_sync_at(const char *f, int l, struct conn *c, int exact)
{
	char line[8192], g[8192];
	long end = harness_now_ms() + IRC_WAIT;

	txt_send(c, "/rooms");
	for (;;) {
		txt_next(f, l, c, "the /rooms reply of a sync", line,
		    sizeof line, (int)(end - harness_now_ms()));
		if (txt_is_rooms(line_body(line)))
			return;
		if (exact)
			irc_fail_at(f, l,
			    "text user: want nothing more (then the /rooms "
			    "reply), got \"%s\"",
			    irc_escape(line, strlen(line), g, sizeof g));
	}
}

void
irc_skip(const char *test, const char *why)
{
	fprintf(stderr, "\n*** SKIP %s: %s ***\n\n", test, why);
	printf("*** SKIP %s: %s ***\n", test, why);
	fflush(stdout);
}
