/*
 * irc_peer.h: what the unit suites of IRC sessions share: a server built
 * with server_setup() (no listeners, the default limits), clients on
 * socketpairs handed to it with server_take(), passes of its loop run by
 * hand, and what a client received checked line by line.
 */
#ifndef TEST_IRC_PEER_H
#define TEST_IRC_PEER_H

#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
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
#include "server.h"

struct peer {
	int fd;
	struct buf in; /* what it received, not yet taken */
};

static struct server srv;

/* The first needle in hay[0, len), or NULL. */
static inline const char *
find(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; i + n <= len; i++)
		if (memcmp(hay + i, needle, n) == 0)
			return hay + i;
	return NULL;
}

static inline void
irc_peer_setup(void)
{
	struct config cfg;

	signal(SIGPIPE, SIG_IGN);
	log_set_level(LOG_ERROR);
	memset(&cfg, 0, sizeof cfg);
	cfg.max_clients = CHATD_MAX_CLIENTS;
	cfg.max_queue = CHATD_MAX_QUEUE;
	cfg.max_line = CHAT_MAX_LINE;
	cfg.login_timeout = CHATD_LOGIN_TIMEOUT;
	cfg.history = CHATD_HISTORY;
	cfg.replay = CHATD_REPLAY;
	cfg.history_memory = CHATD_HISTORY_MEMORY;
	ck_assert_int_eq(server_setup(&srv, &cfg), 0);
}

static inline void
pass(void)
{
	int i;

	for (i = 0; i < 4; i++) {
		ck_assert_int_ne(loop_poll(srv.loop, 0), -1);
		server_pass(&srv);
	}
}

static inline void
peer_open(struct peer *p, enum server_proto proto)
{
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	p->fd = sv[0];
	buf_init(&p->in);
	ck_assert_ptr_nonnull(server_take(&srv, sv[1], "test", proto));
	pass();
}

static inline void
peer_close(struct peer *p)
{
	close(p->fd);
	buf_free(&p->in);
}

static inline void
peer_send(struct peer *p, const char *s)
{
	ck_assert_int_eq(write(p->fd, s, strlen(s)), (ssize_t)strlen(s));
	pass();
}

/* Read what is there; 1 when the server closed its side. */
static inline int
peer_read(struct peer *p)
{
	char tmp[4096];
	ssize_t n;

	while ((n = read(p->fd, tmp, sizeof tmp)) > 0)
		buf_append(&p->in, tmp, (size_t)n);
	return n == 0;
}

/* The next line received is want (without CR LF). */
static inline void
peer_is(struct peer *p, const char *want)
{
	const char *crlf;
	size_t n;

	peer_read(p);
	crlf = buf_len(&p->in) > 0 ?
	    memchr(buf_data(&p->in), '\n', buf_len(&p->in)) :
	    NULL;
	ck_assert_msg(crlf != NULL, "want %s, got nothing", want);
	n = (size_t)(crlf - buf_data(&p->in));
	ck_assert_msg(n == strlen(want) + 1 &&
		memcmp(buf_data(&p->in), want, strlen(want)) == 0 &&
		crlf[-1] == '\r',
	    "want %s\ngot  %.*s", want, (int)n, buf_data(&p->in));
	buf_consume(&p->in, n + 1);
}

/* Nothing more received (and still open). */
static inline void
peer_quiet(struct peer *p)
{
	ck_assert_int_eq(peer_read(p), 0);
	ck_assert_msg(buf_len(&p->in) == 0, "got %.*s", (int)buf_len(&p->in),
	    buf_data(&p->in));
}

/* Skip every line received so far. */
static inline void
peer_skip(struct peer *p)
{
	peer_read(p);
	buf_truncate(&p->in, 0);
}

static inline void
peer_closed(struct peer *p)
{
	ck_assert_msg(peer_read(p) == 1, "still open");
}

static inline void
reg(struct peer *p, const char *nick)
{
	char line[128];

	peer_open(p, SERVER_IRC);
	snprintf(
	    line, sizeof line, "NICK %s\r\nUSER %s 0 * :R\r\n", nick, nick);
	peer_send(p, line);
	peer_skip(p);
}

#endif
