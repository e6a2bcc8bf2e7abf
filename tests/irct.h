/*
 * irct.h: a small IRC client for chatd's own IRC integration tests
 * (tests/integ/test_irc_*.c): whole lines compared byte for byte, with or
 * without their tags. Plain string work on purpose: it shares no code
 * with common/irc.c, so a bug there cannot hide itself here.
 */
#ifndef TEST_IRCT_H
#define TEST_IRCT_H

#include <stddef.h>

#include "harness.h"

#define IRCT_WAIT  5000 /* ms: bound for anything expected to arrive */
#define IRCT_QUIET 300  /* ms: how long "nothing more" is watched */
#define IRCT_LINE  16384

/* Connect to the port (the shared one or --irc-port), failing the test
 * if it cannot. */
struct conn *irct_open(int port);
/* Register as nick (USER nick 0 * :Real nick); with caps (a space list,
 * NULL: no CAP at all) CAP LS 302 / CAP REQ / CAP END around it. Reads
 * up to and including the 422 or 376 that ends the burst. */
struct conn *irct_reg(int port, const char *nick, const char *caps);

/* Send one line, formatted; CR LF is added. */
void irct_send(struct conn *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The next line within ms into out, without its CR LF (which it must
 * have); 1, 0 on timeout, -1 on EOF. */
int irct_line(struct conn *, char *out, size_t outlen, int ms);
/* The line without its tag section. */
const char *irct_untag(const char *line);
/* The raw value of tag key in a line, into out; 1 if present. */
int irct_tag(const char *line, const char *key, char *out, size_t outlen);

/* The checks, failing the test at the caller's line. */
void irct_is_at(const char *f, int l, struct conn *, int tags, const char *fmt,
    ...) __attribute__((format(printf, 5, 6)));
/* The next line is exactly want, tags and all. */
#define irct_is(c, ...)   irct_is_at(__FILE__, __LINE__, c, 1, __VA_ARGS__)
/* The next line, without its tags, is exactly want. */
#define irct_body(c, ...) irct_is_at(__FILE__, __LINE__, c, 0, __VA_ARGS__)
/* Skip lines until one contains text; returns it (static buffer). */
const char *irct_find_at(const char *f, int l, struct conn *, const char *text);
#define irct_find(c, text) irct_find_at(__FILE__, __LINE__, c, text)
/* Nothing arrives within IRCT_QUIET. */
void irct_quiet_at(const char *f, int l, struct conn *);
#define irct_quiet(c) irct_quiet_at(__FILE__, __LINE__, c)
/* A barrier: PING a token; the next line must be its PONG (exact: so
 * nothing else was queued), or lines before it are skipped. */
void irct_sync_at(const char *f, int l, struct conn *, int exact);
#define irct_nothing(c) irct_sync_at(__FILE__, __LINE__, c, 1)
#define irct_sync(c)    irct_sync_at(__FILE__, __LINE__, c, 0)
/* The server closes the connection within IRCT_WAIT (lines skipped). */
void irct_eof_at(const char *f, int l, struct conn *);
#define irct_eof(c) irct_eof_at(__FILE__, __LINE__, c)

/* A plain-text user next to IRC ones: connect, empty line, welcome,
 * /nick when nick is not NULL. */
struct conn *irct_text(int port, const char *nick);
/* The next text line's body (after the stamp) is exactly want. */
#define irct_text_is(c, want) \
	ck_assert_msg(conn_next_is(c, want, IRCT_WAIT), "line %d", __LINE__)

/* Skip text lines until one contains text. */
#define irct_text_find(c, text)                                 \
	ck_assert_msg(conn_expect(c, text, NULL, 0, IRCT_WAIT), \
	    "line %d: never got \"%s\"", __LINE__, text)

/* The IRC-only port from chatd's log ("listening on ... (IRC only)"). */
int irct_irc_port(struct srv *);

#endif
