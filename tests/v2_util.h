/* v2_util.h: helpers shared by the chatd-v2 integration suites. */
#ifndef TEST_V2_UTIL_H
#define TEST_V2_UTIL_H

#include <stddef.h>
#include <sys/types.h>

#include "harness.h"

#define V2_WAIT  5000 /* ms: generous bound for anything to arrive */
#define V2_QUIET 300  /* ms: how long "nothing more arrives" is watched */

/*
 * Connect and send "/nick nick" at once: the first line makes the welcome
 * come without the 500 ms wait. Wants the welcome as the very first line
 * and then the nick notice (lines between are skipped). Fails the test.
 */
struct conn *v2_login(int port, const char *nick);
/* The same with a receive buffer of rcvbuf bytes (a client that will
 * stop reading fills up after little data). */
struct conn *v2_login_rcvbuf(int port, const char *nick, int rcvbuf);
/* Connect to 127.0.0.1:port with SO_RCVBUF rcvbuf (0: default). */
struct conn *v2_open_rcvbuf(int port, int rcvbuf);
/* Send line from c; c's next line must be stamped with body want. */
void v2_reply(struct conn *, const char *line, const char *want);
/* c's next line must be want (a body); says who in the failure. */
void v2_next(struct conn *, const char *who, const char *want);
/* /join room as nick; skips c's lines up to its own join notice. */
void v2_join(struct conn *, const char *nick, const char *room);
/* Send /who and skip c's lines up to its reply: everything the server
 * queued for c before it is gone. */
void v2_sync(struct conn *);
/* Read and discard lines until none comes for ms. */
void v2_drain(struct conn *, int ms);
/*
 * Everything c receives (its buffered bytes first) until nothing has come
 * for quiet_ms or total_ms passed; returns the count (at most cap), and
 * sets *eof when the peer closed.
 */
size_t v2_raw(
    struct conn *, char *buf, size_t cap, int quiet_ms, int total_ms, int *eof);
/* How many times needle (n bytes) occurs in hay (len bytes). */
int v2_count(const char *hay, size_t len, const char *needle, size_t n);
/* chatd's resident set in KiB (VmRSS), or -1. */
long v2_rss_kb(pid_t);
/* The stamp-less body of line, or the line itself without a stamp. */
const char *v2_body(const char *line);
/* A printable copy of n bytes (\xNN for the others), in a static buffer. */
const char *v2_show(const char *p, size_t n);

#endif
