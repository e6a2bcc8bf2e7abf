/* ircc.h: a tiny IRC test client for the IRC conformance suites. */
#ifndef TEST_IRCC_H
#define TEST_IRCC_H

/*
 * Black-box on purpose: the parser here is the tests' own, written from
 * irc-v1.md and RFC 1459/2812, and shares no code with common/irc.c, so a
 * bug in the product's parser cannot hide itself in the tests.
 *
 * The assertion helpers are macros that pass __FILE__ and __LINE__ along:
 * a failure names the test's line, the client, what was wanted and what
 * came, and the tail of chatd's log.
 */

#include <stddef.h>

#include "harness.h"

/* ms: bound for anything expected to arrive: 3 s, or 20 s when chatd runs
 * under valgrind (make valgrind sets VALGRIND). */
#define IRC_WAIT      (irc_wait_ms())
#define IRC_QUIET     300  /* ms: how long "nothing more arrives" is watched */
#define IRC_LINEMAX   9216 /* bytes: a 4096-byte tag section, 512 more, slack */
#define IRC_MAXTAGS   64
#define IRC_MAXPARAMS 64 /* more than 15, so a server that sends more shows */

/* Wildcards in wanted lines: one param of any content (empty included),
 * and one param of decimal digits. */
#define ANY "{any}"
#define NUM "{num}"

struct irc_tag {
	char *key;   /* with its '+' or vendor prefix */
	char *value; /* raw (still escaped); "" when the tag had no '=' */
};

/* One parsed line. Pointers point into store. */
struct irc_msg {
	char line[IRC_LINEMAX]; /* as received, without CR LF */
	size_t len;             /* bytes of line (the whole line if longer) */
	int crlf;               /* it ended with CR LF, not a bare LF */
	int ntags;
	struct irc_tag tags[IRC_MAXTAGS];
	size_t tagsec; /* bytes of "@tags " (0 without tags) */
	char *source;  /* without ':'; NULL when none */
	char *command; /* "" when the line had none */
	int nparams;
	char *params[IRC_MAXPARAMS];
	int trailing; /* the last param was sent after " :" */
	char store[IRC_LINEMAX];
};

/* An IRC connection under test. */
struct ircc {
	struct conn *c;
	char name[64];    /* label in failure messages: the nick, or "irc" */
	struct irc_msg m; /* the last line read */
};

int irc_wait_ms(void);
/* 1 under make valgrind: timing checks are skipped, loudly. */
int irc_under_valgrind(const char *test);

/* --- the parser (no I/O) --- */

/* Parse line (len bytes, no CR LF) into m. 0, or -1 when it has no
 * command. */
int irc_parse(struct irc_msg *m, const char *line, size_t len);
/* The raw value of tag key, "" for a tag without value; NULL if absent. */
const char *irc_tag(const struct irc_msg *m, const char *key);
/* 1 if got matches want (source, command and every param exactly; ANY
 * and NUM as wildcards; tags ignored), else 0. */
int irc_match(const struct irc_msg *got, const struct irc_msg *want);
/* The line re-rendered param by param for messages: "[a] [b c] [d]". */
const char *irc_show(const struct irc_msg *m, char *buf, size_t len);

/* --- checks on values --- */

/* 1 if v is YYYY-MM-DDThh:mm:ss.sssZ and within 60 s of now (UTC). */
int irc_time_ok(const char *v);
/* 1 if v is 1-32 characters of [A-Za-z0-9_-]. */
int irc_msgid_ok(const char *v);
/* 1 if the n bytes at s are valid UTF-8. */
int irc_utf8_ok(const char *s, size_t n);
/* Bytes of the longest prefix of s (n bytes, UTF-8) that fits max bytes
 * and ends at a character boundary. */
size_t irc_utf8_cut(const char *s, size_t n, size_t max);

/* --- the server --- */

/*
 * Start $CHATD with "-p 0 -b 127.0.0.1" and args, wait (bounded) for it to
 * listen; fail the test at once, with its output, if it exits or does not
 * come up. With --irc-port among args, also wait for that listener.
 */
void irc_srv_start(struct srv *s, const char *const *args);
/* As irc_srv_start but returns chatd's exit status if it exited at
 * start-up (the log is in s->log), 0 if it runs, -1 if it hung. */
int irc_srv_try(struct srv *s, const char *const *args);
/* The port of the --irc-port listener found in the log, or 0. */
int irc_srv_irc_port(struct srv *s);
/* Write text to a new temporary file; returns its path (static buffer
 * per call slot 0-3). The next irc_srv_start removes it once chatd has
 * started (and read it). */
const char *irc_tmpfile(int slot, const char *text);

/* --- connections --- */

struct ircc *irc_open_at(const char *f, int l, int port, const char *name);
#define irc_open(port, name) irc_open_at(__FILE__, __LINE__, port, name)
/* The same on a Unix socket. */
struct ircc *irc_open_unix(const char *path, const char *name);
void irc_close(struct ircc *);

/* Send one line, formatted, CR LF added. */
void irc_send(struct ircc *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Send bytes exactly as given. */
void irc_send_raw(struct ircc *, const void *p, size_t n);
/* The same, giving up after ms if the server stops reading: 0 or -1. */
int irc_send_within(struct ircc *, const void *p, size_t n, int ms);

/* Read one line into ic->m within ms: 1, 0 on timeout, -1 on EOF. */
int irc_read(struct ircc *, int ms);

/*
 * Register with NICK and USER (user = nick, realname "Real <nick>"); with
 * caps (a NULL-terminated list, possibly empty after the first NULL), do
 * CAP LS 302 / CAP REQ / CAP END around them. Reads through the welcome
 * burst up to 376 or 422. Fails the test, with what came, if it cannot.
 */
struct ircc *irc_register_at(
    const char *f, int l, int port, const char *nick, ...);
#define irc_register(port, ...) \
	irc_register_at(__FILE__, __LINE__, port, __VA_ARGS__)
/* Register with no CAP at all. */
#define irc_user(port, nick) irc_register(port, nick, (char *)NULL)

/* The next line must match want (printf-formatted); returns it. */
struct irc_msg *irc_want_at(const char *f, int l, struct ircc *,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
#define irc_want(ic, ...) irc_want_at(__FILE__, __LINE__, ic, __VA_ARGS__)
/* Skip lines until one whose command is cmd ("366", "PONG"); returns it. */
struct irc_msg *irc_until_at(
    const char *f, int l, struct ircc *, const char *cmd);
#define irc_until(ic, cmd) irc_until_at(__FILE__, __LINE__, ic, cmd)
/* Skip lines until one matches want; returns it. */
struct irc_msg *irc_find_at(const char *f, int l, struct ircc *,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
#define irc_find(ic, ...) irc_find_at(__FILE__, __LINE__, ic, __VA_ARGS__)
/* Nothing may arrive within ms. */
void irc_quiet_at(const char *f, int l, struct ircc *, int ms);
#define irc_quiet(ic, ms) irc_quiet_at(__FILE__, __LINE__, ic, ms)
/*
 * A barrier: send PING with a fresh token; with exact, the very next line
 * must be its PONG (so nothing else was queued before it: irc-v1 §2's
 * order rule), else lines before it are skipped.
 */
void irc_sync_at(const char *f, int l, struct ircc *, int exact);
#define irc_sync(ic)    irc_sync_at(__FILE__, __LINE__, ic, 0)
#define irc_nothing(ic) irc_sync_at(__FILE__, __LINE__, ic, 1)
/* The server must close the connection within ms; with exact, without
 * any line first. */
void irc_eof_at(const char *f, int l, struct ircc *, int ms, int exact);
#define irc_eof(ic, ms) irc_eof_at(__FILE__, __LINE__, ic, ms, 1)
/*
 * Read lines up to and including one whose command is term; returns a
 * malloc'd array (free it) and its length in *n.
 */
struct irc_msg *irc_collect_at(
    const char *f, int l, struct ircc *, const char *term, int *n);
#define irc_collect(ic, term, n) irc_collect_at(__FILE__, __LINE__, ic, term, n)

/* --- plain-text users next to IRC ones --- */

/* A text user: connect, send an empty line (text at once, irc-v1 §1),
 * read the welcome, then /nick nick when not NULL. */
struct conn *txt_login_at(const char *f, int l, int port, const char *nick);
#define txt_login(port, nick) txt_login_at(__FILE__, __LINE__, port, nick)
/* The next line's body (after "[HH:MM:SS] ") must be want. */
void txt_want_at(const char *f, int l, struct conn *, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#define txt_want(c, ...) txt_want_at(__FILE__, __LINE__, c, __VA_ARGS__)
/* Skip lines until one contains text. */
void txt_find_at(const char *f, int l, struct conn *, const char *text);
#define txt_find(c, text) txt_find_at(__FILE__, __LINE__, c, text)
/* Nothing may arrive within ms. */
void txt_quiet_at(const char *f, int l, struct conn *, int ms);
#define txt_quiet(c, ms) txt_quiet_at(__FILE__, __LINE__, c, ms)
/* A barrier for text users: "/rooms"; with exact its reply must be the
 * next line. */
void txt_sync_at(const char *f, int l, struct conn *, int exact);
#define txt_sync(c)    txt_sync_at(__FILE__, __LINE__, c, 0)
#define txt_nothing(c) txt_sync_at(__FILE__, __LINE__, c, 1)
/* Send a line (LF added). */
void txt_send(struct conn *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The servers whose log tails a failure shows (a test that runs several:
 * a cluster's nodes), instead of the last one started; NULL: that one. */
void irc_log_servers(struct srv *const *s, int n);
/* Fail the test at file:line with the message, chatd's log tail too. */
void irc_fail_at(const char *f, int l, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));
/* s (n bytes) with control, non-ASCII and '\\' bytes as \xHH, in buf. */
const char *irc_escape(const char *s, size_t n, char *buf, size_t len);

/* A loud skip: printed to stderr and stdout so nobody misses it. */
void irc_skip(const char *test, const char *why);

#endif
