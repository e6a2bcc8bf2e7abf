/* ircc_conn.c: the IRC test client's connections, reads and assertions. */
#define _DEFAULT_SOURCE

#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "ircc.h"

/* --- connections --- */

static struct ircc *
ircc_wrap(struct conn *c, const char *name)
{
	struct ircc *ic;

	if (c == NULL)
		return NULL;
	ic = calloc(1, sizeof *ic);
	ck_assert(ic != NULL);
	ic->c = c;
	snprintf(ic->name, sizeof ic->name, "%s", name);
	return ic;
}

struct ircc *
irc_open_at(const char *f, int l, int port, const char *name)
{
	struct ircc *ic = ircc_wrap(conn_open(port), name);

	if (ic == NULL)
		irc_fail_at(
		    f, l, "%s: cannot connect to 127.0.0.1:%d", name, port);
	return ic;
}

struct ircc *
irc_open_unix(const char *path, const char *name)
{
	struct ircc *ic = ircc_wrap(conn_open_unix(path), name);

	ck_assert_msg(ic != NULL, "%s: cannot connect to %s", name, path);
	return ic;
}

void
irc_close(struct ircc *ic)
{
	if (ic == NULL)
		return;
	conn_close(ic->c);
	free(ic);
}

void
irc_send_raw(struct ircc *ic, const void *p, size_t n)
{
	/* A write to a connection the server closed is the test's business
	 * (it reads the EOF next), not a failure here. */
	(void)conn_send_raw(ic->c, p, n);
}

int
irc_send_within(struct ircc *ic, const void *p, size_t n, int ms)
{
	struct pollfd pfd = { .fd = ic->c->fd, .events = POLLOUT };
	const char *b = p;
	long end = harness_now_ms() + ms;
	ssize_t w;
	int left;

	while (n > 0) {
		left = (int)(end - harness_now_ms());
		if (left < 0 || poll(&pfd, 1, left) <= 0)
			return -1;
		w = send(ic->c->fd, b, n, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w == -1 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

void
irc_send(struct ircc *ic, const char *fmt, ...)
{
	char line[IRC_LINEMAX + 16];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line - 2, fmt, ap);
	va_end(ap);
	ck_assert(n >= 0 && (size_t)n < sizeof line - 2);
	memcpy(line + n, "\r\n", 2);
	irc_send_raw(ic, line, (size_t)n + 2);
}

int
irc_read(struct ircc *ic, int ms)
{
	struct irc_msg *m = &ic->m;
	int n = conn_line(ic->c, m->line, sizeof m->line, ms);
	size_t k;

	if (n < 0)
		return n == -1 ? 0 : -1;
	k = (size_t)n < sizeof m->line - 1 ? (size_t)n : sizeof m->line - 1;
	m->crlf = k > 0 && m->line[k - 1] == '\r';
	if (m->crlf)
		m->line[--k] = '\0';
	m->len = (size_t)n - (size_t)m->crlf;
	if (irc_parse(m, m->line, k) == -1)
		m->command = m->store + strlen(m->store);
	return 1;
}

/* Read the next line or fail naming what was being waited for. */
static struct irc_msg *
ircc_next(const char *f, int l, struct ircc *ic, const char *what, int ms)
{
	char w[2048];
	int r = irc_read(ic, ms);

	if (r == 1)
		return &ic->m;
	irc_fail_at(f, l, "%s: want %s, got %s", ic->name,
	    irc_escape(what, strlen(what), w, sizeof w),
	    r == 0 ? "nothing (timeout)" : "EOF (connection closed)");
}

static void
ircc_vparse_want(struct irc_msg *want, const char *fmt, va_list ap)
{
	char line[IRC_LINEMAX];

	vsnprintf(line, sizeof line, fmt, ap);
	memset(want, 0, sizeof *want);
	ck_assert_msg(irc_parse(want, line, strlen(line)) == 0,
	    "bad wanted line %s", line);
	snprintf(want->line, sizeof want->line, "%s", line);
	want->len = strlen(line);
	want->crlf = 1;
}

struct irc_msg *
irc_want_at(const char *f, int l, struct ircc *ic, const char *fmt, ...)
{
	static struct irc_msg want;
	char w[IRC_LINEMAX], g[IRC_LINEMAX];
	struct irc_msg *m;
	va_list ap;

	va_start(ap, fmt);
	ircc_vparse_want(&want, fmt, ap);
	va_end(ap);
	m = ircc_next(f, l, ic, want.line, IRC_WAIT);
	if (!irc_match(m, &want))
		irc_fail_at(f, l, "%s:\n  want %s\n  got  %s", ic->name,
		    irc_show(&want, w, sizeof w), irc_show(m, g, sizeof g));
	return m;
}

struct irc_msg *
irc_find_at(const char *f, int l, struct ircc *ic, const char *fmt, ...)
{
	static struct irc_msg want;
	char w[IRC_LINEMAX], g[IRC_LINEMAX] = "(none)";
	long end = harness_now_ms() + IRC_WAIT;
	va_list ap;
	int r, left;

	va_start(ap, fmt);
	ircc_vparse_want(&want, fmt, ap);
	va_end(ap);
	while ((left = (int)(end - harness_now_ms())) >= 0) {
		if ((r = irc_read(ic, left)) != 1)
			break;
		if (irc_match(&ic->m, &want))
			return &ic->m;
		irc_show(&ic->m, g, sizeof g);
	}
	irc_fail_at(f, l, "%s: never got %s\n  last line: %s", ic->name,
	    irc_show(&want, w, sizeof w), g);
}

struct irc_msg *
irc_until_at(const char *f, int l, struct ircc *ic, const char *cmd)
{
	char g[IRC_LINEMAX] = "(none)";
	long end = harness_now_ms() + IRC_WAIT;
	int left;

	while ((left = (int)(end - harness_now_ms())) >= 0) {
		if (irc_read(ic, left) != 1)
			break;
		if (strcmp(ic->m.command, cmd) == 0)
			return &ic->m;
		irc_show(&ic->m, g, sizeof g);
	}
	irc_fail_at(
	    f, l, "%s: never got a %s line; last line: %s", ic->name, cmd, g);
}

void
irc_quiet_at(const char *f, int l, struct ircc *ic, int ms)
{
	char g[IRC_LINEMAX];
	int r = irc_read(ic, ms);

	if (r == 1)
		irc_fail_at(f, l, "%s: want nothing, got %s", ic->name,
		    irc_show(&ic->m, g, sizeof g));
	if (r == -1)
		irc_fail_at(f, l, "%s: want nothing, got EOF", ic->name);
}

void
irc_sync_at(const char *f, int l, struct ircc *ic, int exact)
{
	static int serial;
	char token[64], g[IRC_LINEMAX];
	struct irc_msg *m;
	long end = harness_now_ms() + IRC_WAIT;

	snprintf(token, sizeof token, "sync-%d-%d", (int)getpid(), ++serial);
	irc_send(ic, "PING %s", token);
	for (;;) {
		m = ircc_next(f, l, ic, "the PONG to a sync PING",
		    (int)(end - harness_now_ms()));
		if (strcmp(m->command, "PONG") == 0 && m->nparams > 0 &&
		    strcmp(m->params[m->nparams - 1], token) == 0)
			return;
		if (exact)
			irc_fail_at(f, l,
			    "%s: want nothing more (then the PONG %s), got %s",
			    ic->name, token, irc_show(m, g, sizeof g));
		if (harness_now_ms() >= end)
			irc_fail_at(f, l, "%s: no PONG %s", ic->name, token);
	}
}

void
irc_eof_at(const char *f, int l, struct ircc *ic, int ms, int exact)
{
	char g[IRC_LINEMAX];
	long end = harness_now_ms() + ms;
	int r;

	for (;;) {
		r = irc_read(ic, (int)(end - harness_now_ms()));
		if (r == -1)
			return;
		if (r == 0)
			irc_fail_at(f, l,
			    "%s: want the connection closed, "
			    "it stays open",
			    ic->name);
		if (exact)
			irc_fail_at(f, l,
			    "%s: want the connection closed, got %s", ic->name,
			    irc_show(&ic->m, g, sizeof g));
	}
}

struct irc_msg *
irc_collect_at(const char *f, int l, struct ircc *ic, const char *term, int *n)
{
	struct irc_msg *v = NULL, *m;
	char what[64];
	int cap = 0;
	long end = harness_now_ms() + 4 * IRC_WAIT;

	snprintf(what, sizeof what, "lines up to a %s", term);
	*n = 0;
	for (;;) {
		m = ircc_next(f, l, ic, what, (int)(end - harness_now_ms()));
		if (*n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			v = realloc(v, (size_t)cap * sizeof *v);
			ck_assert(v != NULL);
		}
		/* Re-parse into the copy: the pointers must point into it. */
		v[*n].len = m->len;
		v[*n].crlf = m->crlf;
		memcpy(v[*n].line, m->line, sizeof m->line);
		irc_parse(&v[*n], m->line, strlen(m->line));
		if (strcmp(v[(*n)++].command, term) == 0)
			return v;
	}
}

/* Read the welcome burst up to 376 or 422, failing at anything that shows
 * the registration went wrong. */
static void
ircc_burst(const char *f, int l, struct ircc *ic)
{
	char g[IRC_LINEMAX];
	struct irc_msg *m;
	long end = harness_now_ms() + IRC_WAIT;
	int got001 = 0, num;

	for (;;) {
		m = ircc_next(f, l, ic, "the welcome burst up to 376 or 422",
		    (int)(end - harness_now_ms()));
		if (strcmp(m->command, "376") == 0 ||
		    strcmp(m->command, "422") == 0)
			return;
		if (strcmp(m->command, "001") == 0)
			got001 = 1;
		num = atoi(m->command);
		if (m->line[0] == '[' || strcmp(m->command, "ERROR") == 0 ||
		    (!got001 && num >= 400))
			irc_fail_at(f, l, "%s: registration failed at %s",
			    ic->name, irc_show(m, g, sizeof g));
		if (harness_now_ms() >= end)
			irc_fail_at(f, l, "%s: no end of the burst", ic->name);
	}
}

struct ircc *
irc_register_at(const char *f, int l, int port, const char *nick, ...)
{
	char caps[1024] = "", g[IRC_LINEMAX];
	struct ircc *ic = irc_open_at(f, l, port, nick);
	struct irc_msg *m;
	const char *cap;
	va_list ap;
	int any = 0;

	va_start(ap, nick);
	while ((cap = va_arg(ap, const char *)) != NULL) {
		snprintf(caps + strlen(caps), sizeof caps - strlen(caps),
		    "%s%s", any ? " " : "", cap);
		any = 1;
	}
	va_end(ap);
	if (any)
		irc_send(ic, "CAP LS 302");
	irc_send(ic, "NICK %s", nick);
	irc_send(ic, "USER %s 0 * :Real %s", nick, nick);
	if (any) {
		for (;;) {
			m = ircc_next(f, l, ic, "the CAP LS reply", IRC_WAIT);
			if (strcmp(m->command, "CAP") == 0 && m->nparams >= 2 &&
			    strcmp(m->params[1], "LS") == 0)
				break;
			if (m->line[0] == '[' || atoi(m->command) >= 400)
				irc_fail_at(f, l, "%s: CAP LS failed at %s",
				    nick, irc_show(m, g, sizeof g));
		}
		irc_send(ic, "CAP REQ :%s", caps);
		for (;;) {
			m = ircc_next(f, l, ic, "the CAP ACK", IRC_WAIT);
			if (strcmp(m->command, "CAP") == 0 && m->nparams >= 2 &&
			    strcmp(m->params[1], "ACK") == 0)
				break;
			if (strcmp(m->command, "CAP") == 0 ||
			    atoi(m->command) >= 400)
				irc_fail_at(f, l,
				    "%s: CAP REQ :%s failed at %s", nick, caps,
				    irc_show(m, g, sizeof g));
		}
		irc_send(ic, "CAP END");
	}
	ircc_burst(f, l, ic);
	return ic;
}
