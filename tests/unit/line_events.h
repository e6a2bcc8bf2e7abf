/* line_events.h: what test_line*.c feed line readers and expect back. */
#ifndef TEST_LINE_EVENTS_H
#define TEST_LINE_EVENTS_H

#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "line.h"

#define MAX_EVENTS 64
#define TOOLONG    "<TOOLONG>" /* how a LINE_TOOLONG verdict is recorded */

/* What came out of a reader, in order: each line, or TOOLONG. */
struct events {
	char *ev[MAX_EVENTS];
	size_t len[MAX_EVENTS];
	size_t n;
};

static inline void
events_add(struct events *e, const char *s, size_t len)
{
	ck_assert_uint_lt(e->n, MAX_EVENTS);
	e->ev[e->n] = malloc(len + 1);
	ck_assert_ptr_nonnull(e->ev[e->n]);
	memcpy(e->ev[e->n], s, len);
	e->ev[e->n][len] = '\0';
	e->len[e->n] = len;
	e->n++;
}

static inline void
events_free(struct events *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		free(e->ev[i]);
	e->n = 0;
}

/* Record one result; LINE_OK lines must be NUL-terminated at *len. */
static inline int
record(struct events *e, enum line_result r, const char *line, size_t len)
{
	switch (r) {
	case LINE_OK:
		ck_assert_ptr_nonnull(line);
		ck_assert_int_eq(line[len], '\0');
		events_add(e, line, len);
		return 1;
	case LINE_TOOLONG:
		events_add(e, TOOLONG, strlen(TOOLONG));
		return 1;
	case LINE_NONE:
		return 0;
	}
	ck_abort_msg("unknown line_result %d", (int)r);
	return 0;
}

/* Take every line that is ready. line_ready() must never say "nothing"
 * when line_next() then has something. */
static inline void
drain(struct line_reader *lr, struct events *e)
{
	enum line_result r;
	char *line = NULL;
	size_t len = 0;
	int ready;

	do {
		ready = line_ready(lr);
		r = line_next(lr, &line, &len);
		if (!ready)
			ck_assert_msg(r == LINE_NONE,
			    "line_ready() said 0 but line_next() gave %d", r);
	} while (record(e, r, line, len));
}

/* At EOF: the rest, through line_last(), until it says LINE_NONE. */
static inline void
drain_last(struct line_reader *lr, struct events *e)
{
	enum line_result r;
	char *line = NULL;
	size_t len = 0;
	int guard = 0;

	do {
		r = line_last(lr, &line, &len);
		ck_assert_int_lt(guard++, MAX_EVENTS);
	} while (record(e, r, line, len));
	ck_assert_int_eq(line_ready(lr), 0);
}

static inline void
feed_append(struct line_reader *lr, const char *p, size_t n)
{
	ck_assert_int_eq(buf_append(&lr->buf, p, n), 0);
}

/* The way a socket reader feeds it: reserve, write, commit. */
static inline void
feed_reserve(struct line_reader *lr, const char *p, size_t n)
{
	char *dst = buf_reserve(&lr->buf, n > 0 ? n : 1);

	ck_assert_ptr_nonnull(dst);
	memcpy(dst, p, n);
	buf_commit(&lr->buf, n);
}

static inline void
expect_events(const struct events *e, const char *const *want, size_t nwant,
    const char *what, size_t at)
{
	size_t i;

	ck_assert_msg(e->n == nwant, "%s at %zu: %zu events, want %zu", what,
	    at, e->n, nwant);
	for (i = 0; i < nwant; i++)
		ck_assert_msg(e->len[i] == strlen(want[i]) &&
			memcmp(e->ev[i], want[i], e->len[i]) == 0,
		    "%s at %zu: event %zu is \"%s\", want \"%s\"", what, at, i,
		    e->ev[i], want[i]);
}

/*
 * The split-point input, with a maximum of 8: CRLF and LF, empty lines, a
 * lone CR kept inside a line, lines exactly at the limit (with and without
 * CR), over it by one, over it with a CR that is content, and an
 * unterminated last line whose trailing CR goes.
 */
#define SPLIT_MAX 8
static const char split_input[] = "hello\r\n"
				  "\n"
				  "\r\n"
				  "a\rb\n"
				  "12345678\n"
				  "12345678\r\n"
				  "123456789\n"
				  "after\n"
				  "1234567\r\r\n"
				  "12345678\r\r\n"
				  "way too long line here\r\n"
				  "x\r"
				  "y\n"
				  "\t tab \n"
				  "tail\r";
static const char *const split_want[] = {
	"hello",
	"",
	"",
	"a\rb",
	"12345678",
	"12345678",
	TOOLONG,
	"after",
	"1234567\r",
	TOOLONG,
	TOOLONG,
	"x\ry",
	"\t tab ",
	"tail",
};
#define SPLIT_NWANT (sizeof split_want / sizeof split_want[0])
#define SPLIT_LEN   (sizeof split_input - 1)

static inline char *
repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	ck_assert_ptr_nonnull(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

#endif
