/*
 * irc_hist.h: what the CHATHISTORY suites share (test_irc_history.c,
 * test_irc_replay.c): the events of a room as one member got them live
 * (lines, msgids, times), and the batches that replay them, each line
 * checked to be the live one with batch= first in its tags. Times are
 * read and written here with the tests' own code, not chatd's.
 */
#ifndef TEST_IRC_HIST_H
#define TEST_IRC_HIST_H

#define _DEFAULT_SOURCE /* timegm */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check_main.h"
#include "ircc.h"

#define HIST_LINE   1024 /* a line with its tags: a 512-byte part, tags */
#define HIST_EVENTS 300
#define HIST_PARTS  4 /* lines of one event (a split text line) */
/* A reader that asks for itself: no replay on JOIN. */
#define HIST_CAPS   "server-time", "message-tags", "batch", "draft/chathistory"

struct hist_ev {
	int nlines;
	char line[HIST_PARTS][HIST_LINE]; /* as received, tags and all */
	char msgid[64];
	long long ms; /* its time tag */
};

/* The events of one room, oldest first. */
struct hist_log {
	int n;
	struct hist_ev ev[HIST_EVENTS];
};

/* The lines of one batch, each without its batch tag. */
struct hist_batch {
	int n, cap;
	char (*line)[HIST_LINE];
	char id[64];
	char target[64];
};

/* "YYYY-MM-DDThh:mm:ss.sssZ" in ms; the test fails on anything else. */
static inline long long
hist_ms(const char *v)
{
	struct tm tm;
	int ms = -1, n = 0;

	memset(&tm, 0, sizeof tm);
	ck_assert_msg(v != NULL &&
		sscanf(v, "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ%n", &tm.tm_year,
		    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
		    &tm.tm_sec, &ms, &n) == 7 &&
		n == 24,
	    "bad time %s", v != NULL ? v : "(none)");
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long long)timegm(&tm) * 1000 + ms;
}

/* "timestamp=YYYY-MM-DDThh:mm:ss.sssZ" of ms, into buf (64 bytes);
 * without_ms: the form without milliseconds (ms must be whole). */
static inline const char *
hist_ts(char *buf, long long ms, int without_ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char day[32];

	gmtime_r(&t, &tm);
	strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
	if (without_ms)
		snprintf(buf, 64, "timestamp=%sZ", day);
	else
		snprintf(buf, 64, "timestamp=%s.%03dZ", day, (int)(ms % 1000));
	return buf;
}

/* The next line on r, or the test fails. */
static inline struct irc_msg *
hist_next_at(const char *f, int l, struct ircc *r, const char *what)
{
	if (irc_read(r, IRC_WAIT) != 1)
		irc_fail_at(f, l, "%s: want %s, got nothing", r->name, what);
	return &r->m;
}

/* The reader r got an event of nlines lines: keep it. */
static inline void
hist_record_at(
    const char *f, int l, struct hist_log *L, struct ircc *r, int nlines)
{
	struct hist_ev *e = &L->ev[L->n];
	struct irc_msg *m;
	int k;

	ck_assert_int_lt(L->n, HIST_EVENTS);
	ck_assert_int_le(nlines, HIST_PARTS);
	for (k = 0; k < nlines; k++) {
		m = hist_next_at(f, l, r, "an event line");
		if (strcmp(m->command, "PRIVMSG") != 0 &&
		    strcmp(m->command, "NOTICE") != 0)
			irc_fail_at(f, l, "%s: want an event, got %s", r->name,
			    m->line);
		snprintf(e->line[k], HIST_LINE, "%s", m->line);
		if (k == 0) {
			ck_assert_ptr_nonnull(irc_tag(m, "msgid"));
			snprintf(e->msgid, sizeof e->msgid, "%s",
			    irc_tag(m, "msgid"));
			e->ms = hist_ms(irc_tag(m, "time"));
		}
	}
	e->nlines = nlines;
	L->n++;
}
#define hist_record(L, r, n) hist_record_at(__FILE__, __LINE__, L, r, n)

/* s says n messages "tag-i" to room, one at a time; r records each. With
 * gap, each comes gap ms after r got the one before, so their times
 * differ by at least that. */
static inline void
hist_say_at(const char *f, int l, struct hist_log *L, struct ircc *s,
    struct ircc *r, const char *room, const char *tag, int n, int gap)
{
	int i;

	for (i = 0; i < n; i++) {
		if (gap > 0)
			usleep((useconds_t)gap * 1000);
		irc_send(s, "PRIVMSG %s :%s-%d", room, tag, L->n);
		hist_record_at(f, l, L, r, 1);
	}
}
#define hist_say(L, s, r, room, tag, n, gap) \
	hist_say_at(__FILE__, __LINE__, L, s, r, room, tag, n, gap)

static inline void
hist_batch_free(struct hist_batch *b)
{
	free(b->line);
	memset(b, 0, sizeof *b);
}

/*
 * Send "CHATHISTORY <fmt...>" on c and read its answer: one chathistory
 * batch (type, when not NULL, instead), whose every line carries batch=
 * as its first tag; kept without it, as the line went out live.
 */
static inline void
hist_ask_type_at(const char *f, int l, struct ircc *c, struct hist_batch *b,
    const char *type, const char *fmt, ...)
{
	char cmd[1024], open[80];
	struct irc_msg *m;
	const char *p;
	size_t k;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	free(b->line);
	memset(b, 0, sizeof *b);
	irc_send(c, "CHATHISTORY %s", cmd);
	m = hist_next_at(f, l, c, "BATCH +id");
	if (type == NULL)
		type = "chathistory";
	if (strcmp(m->command, "BATCH") != 0 || m->nparams < 2 ||
	    m->params[0][0] != '+' || strcmp(m->params[1], type) != 0 ||
	    m->ntags != 0 || m->source == NULL ||
	    strcmp(m->source, "chatd") != 0)
		irc_fail_at(f, l,
		    "%s: CHATHISTORY %s: want :chatd BATCH +id %s, "
		    "got %s",
		    c->name, cmd, type, m->line);
	snprintf(b->id, sizeof b->id, "%s", m->params[0] + 1);
	snprintf(b->target, sizeof b->target, "%s",
	    m->nparams > 2 ? m->params[2] : "");
	snprintf(open, sizeof open, "@batch=%s", b->id);
	for (;;) {
		m = hist_next_at(f, l, c, "a line of the batch, or its end");
		if (strcmp(m->command, "BATCH") == 0) {
			if (m->nparams != 1 || m->params[0][0] != '-' ||
			    strcmp(m->params[0] + 1, b->id) != 0)
				irc_fail_at(f, l, "%s: want BATCH -%s, got %s",
				    c->name, b->id, m->line);
			return;
		}
		k = strlen(open);
		p = m->line;
		if (strncmp(p, open, k) != 0 || (p[k] != ';' && p[k] != ' '))
			irc_fail_at(f, l, "%s: want batch=%s first, got %s",
			    c->name, b->id, m->line);
		if (b->n == b->cap) {
			b->cap = b->cap == 0 ? 64 : 2 * b->cap;
			b->line = realloc(b->line, (size_t)b->cap * HIST_LINE);
			ck_assert_ptr_nonnull(b->line);
		}
		/* "@batch=ID;rest" is "@rest" live, "@batch=ID rest" "rest". */
		snprintf(b->line[b->n++], HIST_LINE, "%s%s",
		    p[k] == ';' ? "@" : "", p + k + 1);
	}
}
#define hist_ask(c, b, ...) \
	hist_ask_type_at(__FILE__, __LINE__, c, b, NULL, __VA_ARGS__)

/* The batch holds exactly the events [s, e) of L, line for line. */
static inline void
hist_is_at(const char *f, int l, const struct hist_batch *b,
    const struct hist_log *L, int s, int e)
{
	int i, k, j = 0;

	for (i = s; i < e; i++)
		for (k = 0; k < L->ev[i].nlines; k++, j++)
			if (j >= b->n ||
			    strcmp(b->line[j], L->ev[i].line[k]) != 0)
				irc_fail_at(f, l,
				    "batch line %d: want event %d (of [%d, %d)) "
				    "line %d:\n  %s\ngot\n  %s",
				    j, i, s, e, k, L->ev[i].line[k],
				    j < b->n ? b->line[j] : "(the end)");
	if (j != b->n)
		irc_fail_at(f, l,
		    "batch: want %d lines (events [%d, %d)), got "
		    "%d; the next: %s",
		    j, s, e, b->n, b->line[j]);
}
#define hist_is(b, L, s, e) hist_is_at(__FILE__, __LINE__, b, L, s, e)

#endif
