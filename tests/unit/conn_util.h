/*
 * conn_util.h: what test_conn*.c share: one connection on a socketpair,
 * served by a real loop, with a test owner that records every callback in
 * order ("L:text", "TOOLONG", "EOF", "FAIL:why:unsent", "RELEASE") and
 * checks where each may run: fail and release only from conn_reap (or the
 * teardown's conn_set_free), never from inside a conn_send.
 */
#ifndef TEST_CONN_UTIL_H
#define TEST_CONN_UTIL_H

#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "check_main.h"
#include "conn.h"
#include "log.h"
#include "loop.h"
#include "proto.h"

struct owner {
	struct buf log; /* the callbacks, space-separated */
	int lines;      /* line callbacks */
	int toolong, eof, fail, release;
	enum conn_why why;
	size_t unsent;
	/* What the owner does when told. */
	const char *fail_words; /* queue this from fail() */
	int fail_over;          /* or a line one byte over the room left */
	const char *eof_words;  /* queue this from eof(), then close */
	int pause_after;        /* pause after this many lines (0: never) */
};

/* The connection under test and its peer end. */
static struct loop *T_loop;
static struct conn_set T_set;
static struct conn *T_c;
static struct owner T_own;
static int T_peer = -1;
static int T_in_send, T_in_reap, T_tearing_down;

static inline void own_log(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static inline void
own_log(const char *fmt, ...)
{
	va_list ap;

	if (buf_len(&T_own.log) > 0)
		ck_assert_int_eq(buf_append(&T_own.log, " ", 1), 0);
	va_start(ap, fmt);
	ck_assert_int_eq(buf_vprintf(&T_own.log, fmt, ap), 0);
	va_end(ap);
}

static inline void
own_line(struct conn *c, void *owner, char *line, size_t len)
{
	ck_assert_ptr_eq(owner, &T_own);
	ck_assert_ptr_eq(c, T_c);
	ck_assert_uint_eq(strlen(line), len); /* NUL-terminated in place */
	T_own.lines++;
	if (len < 64)
		own_log("L:%s", line);
	else
		own_log("L:<%zu>", len);
	if (T_own.pause_after > 0 && T_own.lines == T_own.pause_after)
		conn_pause(c, 1);
}

static inline void
own_toolong(struct conn *c, void *owner)
{
	(void)c;
	(void)owner;
	T_own.toolong++;
	own_log("TOOLONG");
}

static inline void
own_eof(struct conn *c, void *owner)
{
	(void)owner;
	T_own.eof++;
	own_log("EOF");
	if (T_own.eof_words != NULL) {
		ck_assert_int_eq(
		    conn_send(c, T_own.eof_words, strlen(T_own.eof_words)), 0);
		conn_close(c);
	}
}

static inline void
own_fail(struct conn *c, void *owner, enum conn_why why, size_t unsent)
{
	(void)owner;
	ck_assert_msg(!T_in_send, "fail() called from inside conn_send");
	ck_assert_msg(T_in_reap || T_tearing_down, "fail() outside conn_reap");
	ck_assert_msg(T_own.fail == 0, "fail() told again (%d, unsent %zu)",
	    (int)why, unsent);
	T_own.fail++;
	T_own.why = why;
	T_own.unsent = unsent;
	own_log("FAIL:%d:%zu", (int)why, unsent);
	if (T_own.fail_words != NULL)
		ck_assert_int_eq(
		    conn_send(c, T_own.fail_words, strlen(T_own.fail_words)),
		    0);
	if (T_own.fail_over) {
		static char over[1 << 16];
		size_t n = c->set->lim.max_queue - conn_queued(c) + 1;

		ck_assert_uint_le(n, sizeof over);
		memset(over, 'o', n);
		over[n - 1] = '\n';
		/* Refused: it does not fit. */
		ck_assert_int_eq(conn_send(c, over, n), -1);
	}
}

static inline void
own_release(struct conn *c, void *owner)
{
	(void)owner;
	ck_assert_msg(!T_in_send, "release() called from inside conn_send");
	ck_assert_msg(
	    T_in_reap || T_tearing_down, "release() outside conn_reap");
	ck_assert_ptr_eq(c, T_c);
	T_own.release++;
	own_log("RELEASE");
	T_c = NULL;
}

static const struct conn_ops own_ops = {
	.line = own_line,
	.toolong = own_toolong,
	.eof = own_eof,
	.fail = own_fail,
	.release = own_release,
};

/* A fresh loop, set and connection: max_line, max_queue, rate, burst. */
static inline void
conn_up(size_t max_line, size_t max_queue, double rate, double burst)
{
	struct conn_limits lim = { max_queue, rate, burst };
	int sv[2];

	signal(SIGPIPE, SIG_IGN);
	log_set_level(LOG_ERROR);
	memset(&T_own, 0, sizeof T_own);
	buf_init(&T_own.log);
	T_in_send = T_in_reap = T_tearing_down = 0;
	ck_assert_ptr_nonnull(T_loop = loop_new(LOOP_POLL));
	conn_set_init(&T_set, T_loop, &lim);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_ne(fcntl(sv[0], F_SETFL, O_NONBLOCK), -1);
	ck_assert_int_ne(fcntl(sv[1], F_SETFL, O_NONBLOCK), -1);
	T_peer = sv[0];
	T_c = conn_new(&T_set, sv[1], "test", max_line, &own_ops, &T_own);
	ck_assert_ptr_nonnull(T_c);
}

static inline void
conn_down(void)
{
	T_tearing_down = 1;
	conn_set_free(&T_set);
	loop_free(T_loop);
	if (T_peer != -1)
		close(T_peer);
	T_peer = -1;
	buf_free(&T_own.log);
}

static inline void
reap(void)
{
	T_in_reap = 1;
	conn_reap(&T_set);
	T_in_reap = 0;
}

/* One pass, in server_run()'s order. */
static inline void
pass(void)
{
	ck_assert_int_ge(loop_poll(T_loop, 0), 0);
	reap();
	conn_run_waiting(&T_set);
	reap();
	conn_flush_all(&T_set);
	reap();
}

static inline void
passes(int n)
{
	while (n-- > 0)
		pass();
}

static inline int
t_send(const char *p, size_t n)
{
	int rv;

	T_in_send = 1;
	rv = conn_send(T_c, p, n);
	T_in_send = 0;
	return rv;
}

static inline void
peer_write(const void *p, size_t n)
{
	ck_assert_int_eq(write(T_peer, p, n), (ssize_t)n);
}

static inline void
peer_puts(const char *s)
{
	peer_write(s, strlen(s));
}

/*
 * Read what the peer has now into out (appending); returns 0 while the
 * server's side is open, PEER_EOF once it closed cleanly (FIN), PEER_RESET
 * when it was reset.
 */
#define PEER_EOF   1
#define PEER_RESET 2

static inline int
peer_read(struct buf *out)
{
	char tmp[65536];
	ssize_t n;

	for (;;) {
		n = read(T_peer, tmp, sizeof tmp);
		if (n > 0) {
			ck_assert_int_eq(buf_append(out, tmp, (size_t)n), 0);
			continue;
		}
		if (n == 0)
			return PEER_EOF;
		if (errno == ECONNRESET)
			return PEER_RESET;
		ck_assert_int_eq(errno, EAGAIN);
		return 0;
	}
}

/* Passes and reads until the peer sees the server close (about 5 s at
 * most: a bound for a failing test, never a speed asserted). */
static inline int
peer_read_to_eof(struct buf *out)
{
	int i, r;

	for (i = 0; i < 5000; i++) {
		pass();
		if ((r = peer_read(out)) != 0)
			return r;
		ck_assert_int_ge(loop_poll(T_loop, 1), 0);
	}
	ck_abort_msg("the server never closed");
	return 0;
}

/* The callbacks so far, as one string. */
static inline const char *
own_got(void)
{
	if (buf_len(&T_own.log) == 0)
		return "";
	ck_assert_int_eq(buf_append(&T_own.log, "", 1), 0);
	buf_truncate(&T_own.log, buf_len(&T_own.log) - 1);
	return buf_data(&T_own.log);
}

#define expect_log(want) ck_assert_str_eq(own_got(), (want))

#endif
