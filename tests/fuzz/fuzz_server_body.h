/*
 * fuzz_server_body.h: one input through chatd's whole input path (read,
 * line framing, sanitising, commands, rooms, output queues), shared by the
 * libFuzzer target tests/fuzz/fuzz_server.c and by the Check test that
 * replays saved inputs without libFuzzer (tests/unit/test_fuzz_regressions.c).
 *
 * The server is built with server_setup() (no listeners) and 1-3 clients on
 * socketpair()s; the input drives the peer ends. Input layout:
 *
 *   byte 0   configuration: bits 0-1 max_line, 2-3 max_queue, 4-5 flood
 *            control, 6 password, 7 tiny socket send buffer (short writes)
 *   byte 1   number of clients (1 + byte % 3)
 *   then     operations, each followed by one pass of the server loop:
 *            op & 3 picks the client; (op >> 2) & 3 is the kind:
 *              0  write the next N bytes (N = the byte after op)
 *              1  write the next (op >> 4) + 1 bytes
 *              2  write dictionary token (op >> 4): commands, CRLF...
 *              3  control (op >> 4): half-close, close, stop/start
 *                 reading, time passing, login timeout, server_stop()
 *
 * At the end every peer half-closes and the loop runs until every client
 * is gone. Checked throughout: every queue <= max_queue, input buffers
 * bounded, room/nick/list bookkeeping consistent; in what the peers
 * receive: no C0 control but TAB/LF and no DEL, every line starts with
 * the time stamp, has a known form, message text is never longer than
 * max_line nor blank, and the stream ends with a LF (unless the client was
 * dropped with output still queued). Every client closes after EOF.
 */
#ifndef FUZZ_SERVER_BODY_H
#define FUZZ_SERVER_BODY_H

#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "chat.h"
#include "conn.h"
#include "log.h"
#include "loop.h"
#include "proto.h"
#include "proto_text.h"
#include "server.h"
#include "text.h"

/* Bigger inputs say nothing new and only slow the search down. */
#define FZS_INPUT_MAX         4096
#define FZS_CLIENTS_MAX       3
/* End of input: passes with flood control as configured, then without. */
#define FZS_DRAIN_PASSES      64
#define FZS_DRAIN_FREE_PASSES 256
#define FZS_DRAIN_STEP_MS     10000
/* A notice echoes at most one argument (at most max_line) in a fixed
 * sentence; /who and /rooms list at most FZS_CLIENTS_MAX names. */
#define FZS_NOTICE_SLACK      256

struct fzs_peer {
	int fd;          /* our end; -1 once closed */
	int wr_shut;     /* we sent EOF */
	int stalled;     /* not reading: output piles up */
	int eof;         /* the server closed its side */
	int blocked;     /* last seen: a short write pending */
	struct conn *c;  /* server side; NULL once freed */
	struct buf line; /* received, not yet a whole line */
};

struct fzs {
	struct server srv;
	struct fzs_peer peer[FZS_CLIENTS_MAX];
	int npeers;
	int failed;
	char why[512];
};

static char fzs_password[] = "pw";

static const size_t fzs_max_lines[] = { 8, 32, 64, 300 };
static const size_t fzs_max_queues[] = { 300, 1024, 4096, 65536 };
static const double fzs_rates[] = { 0, 0, 1, 20 };
static const double fzs_bursts[] = { 0, 0, 2, 5 };

static const char *const fzs_tokens[16] = {
	"/nick ",
	"/join #",
	"/who\n",
	"/rooms\n",
	"/me ",
	"/msg guest",
	"/quit",
	"/help\n",
	"/pass pw\n",
	"//",
	"\r\n",
	"\n",
	"guest2",
	"#lobby\n",
	"\033[31m",
	"\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80",
};

/* Once per process: what chatd's main() does that the server needs. */
static void
fuzz_server_init(void)
{
	signal(SIGPIPE, SIG_IGN);
	log_set_level(LOG_ERROR);
}

static void fzs_fail(struct fzs *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
fzs_fail(struct fzs *f, const char *fmt, ...)
{
	va_list ap;

	if (f->failed)
		return;
	f->failed = 1;
	va_start(ap, fmt);
	vsnprintf(f->why, sizeof f->why, fmt, ap);
	va_end(ap);
}

/* Length of a nick at s (n bytes), 0 if there is none. */
static size_t
fzs_nick_len(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && i <= CHAT_NICK_MAX; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			(c >= '0' && c <= '9') || c == '_' || c == '-'))
			break;
	}
	return i >= 1 && i <= CHAT_NICK_MAX ? i : 0;
}

/* "prefix nick sep" at s: the offset of the text after it, or 0. */
static size_t
fzs_match(const char *s, size_t n, const char *prefix, const char *sep)
{
	size_t p = strlen(prefix), q = strlen(sep), k;

	if (n < p || memcmp(s, prefix, p) != 0)
		return 0;
	if ((k = fzs_nick_len(s + p, n - p)) == 0)
		return 0;
	if (n - p - k < q || memcmp(s + p + k, sep, q) != 0)
		return 0;
	return p + k + q;
}

/* One complete line a client received, without its LF. */
static void
fzs_check_line(struct fzs *f, int who, const char *s, size_t n)
{
	size_t max = f->srv.cfg.max_line, at;
	const char *kind;

	if (n < CHAT_STAMP_LEN || s[0] != '[' || s[3] != ':' || s[6] != ':' ||
	    s[9] != ']' || s[10] != ' ') {
		fzs_fail(f, "client %d: line without a time stamp: %.*s", who,
		    (int)(n > 80 ? 80 : n), s);
		return;
	}
	s += CHAT_STAMP_LEN;
	n -= CHAT_STAMP_LEN;
	if (n >= strlen(CHAT_NOTICE_PREFIX) &&
	    memcmp(s, CHAT_NOTICE_PREFIX, strlen(CHAT_NOTICE_PREFIX)) == 0) {
		if (n > max + FZS_NOTICE_SLACK)
			fzs_fail(f,
			    "client %d: notice of %zu bytes (max_line "
			    "%zu)",
			    who, n, max);
		return;
	}
	if ((at = fzs_match(s, n, "<", "> ")) != 0)
		kind = "room message";
	else if ((at = fzs_match(s, n, "* ", " ")) != 0)
		kind = "action";
	else if ((at = fzs_match(s, n, "-> *", "* ")) != 0)
		kind = "private message sent";
	else if ((at = fzs_match(s, n, "*", "* ")) != 0)
		kind = "private message";
	else {
		fzs_fail(f, "client %d: line of no known kind: %.*s", who,
		    (int)(n > 80 ? 80 : n), s);
		return;
	}
	if (n - at > max)
		fzs_fail(f,
		    "client %d: %s text of %zu bytes passed max_line "
		    "%zu",
		    who, kind, n - at, max);
	else if (text_is_blank(s + at, n - at))
		fzs_fail(f, "client %d: blank %s", who, kind);
}

/* Bytes a client received: controls are checked per byte, the rest per
 * line. */
static void
fzs_received(struct fzs *f, int who, const char *p, size_t n)
{
	struct fzs_peer *pe = &f->peer[who];
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
			fzs_fail(
			    f, "client %d received control byte %#x", who, c);
			return;
		}
		if (c != '\n') {
			if (buf_append(&pe->line, p + i, 1) == -1)
				fzs_fail(f, "out of memory");
			continue;
		}
		/* An empty buffer may have no allocation at all. */
		fzs_check_line(f, who,
		    buf_len(&pe->line) > 0 ? buf_data(&pe->line) : "",
		    buf_len(&pe->line));
		buf_consume(&pe->line, buf_len(&pe->line));
	}
}

static void
fzs_read_all(struct fzs *f)
{
	char tmp[4096];
	ssize_t n;
	int i;

	for (i = 0; i < f->npeers; i++) {
		struct fzs_peer *pe = &f->peer[i];

		while (pe->fd != -1 && !pe->stalled && !pe->eof) {
			n = read(pe->fd, tmp, sizeof tmp);
			if (n > 0)
				fzs_received(f, i, tmp, (size_t)n);
			else if (n == 0)
				pe->eof = 1;
			else if (errno == EINTR)
				continue;
			else
				break; /* EAGAIN, or reset: nothing more */
		}
	}
}

/* The core's bookkeeping: nicks, rooms and memberships agree. */
static void
fzs_observe_core(struct fzs *f)
{
	struct chat *chat = &f->srv.chat;
	struct member *m;
	struct user *u;
	struct room *r;
	int n = 0, members, ops;

	TAILQ_FOREACH(u, &chat->users, entry) {
		if (u->held && chat_nick_holder(chat, u->nick) != u)
			fzs_fail(f, "nick %s does not find its user", u->nick);
		if (u->visible)
			n++;
		members = 0;
		TAILQ_FOREACH(m, &u->rooms, in_user) {
			members++;
			if (m->user != u)
				fzs_fail(f, "a membership of %s is another's",
				    u->nick);
		}
		if (members != u->nrooms)
			fzs_fail(f, "%s counts %d rooms, is in %d", u->nick,
			    u->nrooms, members);
	}
	if (n != chat->nusers)
		fzs_fail(f, "nusers %d, %d visible", chat->nusers, n);
	n = 0;
	TAILQ_FOREACH(r, &chat->rooms, entry) {
		n++;
		members = ops = 0;
		TAILQ_FOREACH(m, &r->members, in_room) {
			members++;
			ops += m->op;
			if (m->room != r || chat_member(m->user, r) != m)
				fzs_fail(
				    f, "a member of #%s is elsewhere", r->name);
		}
		if (members != r->count || members == 0)
			fzs_fail(f, "#%s counts %d, has %d members", r->name,
			    r->count, members);
		if (ops != r->nops || ops == 0)
			fzs_fail(f, "#%s counts %d operators, has %d", r->name,
			    r->nops, ops);
		if (chat_find_room(chat, r->name) != r)
			fzs_fail(f, "#%s is not found by name", r->name);
	}
	if (n != chat->nrooms)
		fzs_fail(f, "nrooms %d, list holds %d", chat->nrooms, n);
}

/* The server's own bookkeeping, and which of our clients still exist. */
static void
fzs_observe(struct fzs *f)
{
	struct server *srv = &f->srv;
	const struct text_session *s;
	struct conn *c;
	int n = 0, i, found;
	size_t in_max = CHATD_READ_CHUNK + srv->cfg.max_line + 2;

	TAILQ_FOREACH(c, &srv->conns.all, entry) {
		n++;
		if (conn_queued(c) > srv->cfg.max_queue)
			fzs_fail(f, "client %u queues %zu bytes, max_queue %zu",
			    c->id, conn_queued(c), srv->cfg.max_queue);
		if (buf_len(&c->in.buf) > in_max)
			fzs_fail(f, "client %u holds %zu input bytes", c->id,
			    buf_len(&c->in.buf));
		if ((s = c->owner) == NULL || s->gone)
			continue;
		/* Signed in implies in exactly one room; not signed in,
		 * in none and seen by nobody. */
		if (s->authed && s->user->nrooms != 1 && conn_is_open(c))
			fzs_fail(f, "client %u is in %d rooms", c->id,
			    s->user->nrooms);
		if (!s->authed && (s->user->nrooms != 0 || s->user->visible))
			fzs_fail(f, "client %u is seen without /pass", c->id);
	}
	if (n != srv->conns.count)
		fzs_fail(f, "count %d, list holds %d", srv->conns.count, n);
	fzs_observe_core(f);
	/* Pointers are only compared until found in the list: no client is
	 * created after the start, so a freed address cannot come back. */
	for (i = 0; i < f->npeers; i++) {
		struct fzs_peer *pe = &f->peer[i];

		if (pe->c == NULL)
			continue;
		found = 0;
		TAILQ_FOREACH(c, &srv->conns.all, entry)
			if (c == pe->c)
				found = 1;
		if (!found)
			pe->c = NULL;
		else
			pe->blocked = pe->c->blocked;
	}
}

/* One pass of the loop, in the order server_run() takes them. */
static void
fzs_pass(struct fzs *f)
{
	struct conn_set *set = &f->srv.conns;

	if (loop_poll(f->srv.loop, 0) == -1)
		fzs_fail(f, "loop_poll: %s", strerror(errno));
	fzs_observe(f);
	conn_reap(set);
	fzs_observe(f);
	conn_run_waiting(set);
	fzs_observe(f);
	conn_reap(set);
	fzs_observe(f);
	conn_flush_all(set);
	fzs_observe(f);
	conn_reap(set);
	fzs_observe(f);
	/* The loop must not sleep forever while lines wait. */
	if (!TAILQ_EMPTY(&set->waiting) && !loop_timer_pending(&set->wake))
		fzs_fail(f, "lines wait, and no timer will wake the loop");
	fzs_read_all(f);
}

static void
fzs_write(struct fzs_peer *pe, const uint8_t *p, size_t n)
{
	ssize_t w;

	while (n > 0 && pe->fd != -1 && !pe->wr_shut) {
		if ((w = write(pe->fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return; /* full (server not reading) or reset */
		}
		p += w;
		n -= (size_t)w;
	}
}

/* Time passes: the timers that became due run in the next pass. */
static void
fzs_time(struct fzs *f, int64_t ms)
{
	loop_skew(f->srv.loop, ms);
}

static void
fzs_control(struct fzs *f, struct fzs_peer *pe, int what)
{
	switch (what) {
	case 0:
		if (pe->fd != -1 && !pe->wr_shut)
			shutdown(pe->fd, SHUT_WR);
		pe->wr_shut = 1;
		break;
	case 1:
		if (pe->fd != -1)
			close(pe->fd);
		pe->fd = -1;
		break;
	case 2:
		pe->stalled = !pe->stalled;
		break;
	case 3:
		fzs_time(f, 50);
		break;
	case 4:
		fzs_time(f, 1000);
		break;
	case 5:
		fzs_time(f, (int64_t)f->srv.cfg.login_timeout * 1000 + 1);
		break;
	case 6:
		server_stop(&f->srv);
		break;
	default: /* just a pass */
		break;
	}
}

static int
fzs_start(struct fzs *f, uint8_t conf, uint8_t nclients)
{
	struct config cfg;
	int sv[2], i, tiny = 1;

	memset(&cfg, 0, sizeof cfg);
	cfg.max_clients = CHATD_MAX_CLIENTS;
	cfg.max_line = fzs_max_lines[conf & 3];
	cfg.max_queue = fzs_max_queues[(conf >> 2) & 3];
	cfg.rate = fzs_rates[(conf >> 4) & 3];
	cfg.burst = fzs_bursts[(conf >> 4) & 3];
	cfg.password = (conf & 0x40) ? fzs_password : NULL;
	cfg.login_timeout = CHATD_LOGIN_TIMEOUT;
	if (server_setup(&f->srv, &cfg) == -1) {
		fzs_fail(f, "server_setup: %s", strerror(errno));
		return -1;
	}
	f->npeers = 1 + nclients % FZS_CLIENTS_MAX;
	for (i = 0; i < f->npeers; i++) {
		f->peer[i].fd = -1;
		buf_init(&f->peer[i].line);
	}
	for (i = 0; i < f->npeers; i++) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1) {
			fzs_fail(f, "socketpair: %s", strerror(errno));
			return -1;
		}
		fcntl(sv[0], F_SETFL, O_NONBLOCK);
		fcntl(sv[1], F_SETFL, O_NONBLOCK);
		if (conf & 0x80)
			setsockopt(
			    sv[1], SOL_SOCKET, SO_SNDBUF, &tiny, sizeof tiny);
		f->peer[i].fd = sv[0];
		if ((f->peer[i].c = server_take(
			 &f->srv, sv[1], "fuzz", SERVER_TEXT)) == NULL) {
			fzs_fail(f, "server_take failed");
			return -1;
		}
		fzs_observe(f);
	}
	conn_flush_all(&f->srv.conns);
	conn_reap(&f->srv.conns);
	fzs_observe(f);
	fzs_read_all(f);
	return 0;
}

/* Every peer says EOF; every client must then go, having sent all. */
static void
fzs_finish(struct fzs *f)
{
	int i;

	for (i = 0; i < f->npeers; i++) {
		f->peer[i].stalled = 0;
		fzs_control(f, &f->peer[i], 0);
	}
	for (i = 0; i < FZS_DRAIN_PASSES && f->srv.conns.count > 0; i++) {
		fzs_time(f, FZS_DRAIN_STEP_MS);
		fzs_pass(f);
	}
	/* Flood control only slows: let the rest through quickly. */
	f->srv.conns.lim.rate = 0;
	for (i = 0; i < FZS_DRAIN_FREE_PASSES && f->srv.conns.count > 0; i++) {
		fzs_time(f, FZS_DRAIN_STEP_MS);
		fzs_pass(f);
	}
	if (f->srv.conns.count > 0) {
		fzs_fail(
		    f, "%d clients still open after EOF", f->srv.conns.count);
		return;
	}
	fzs_read_all(f);
	for (i = 0; i < f->npeers; i++) {
		struct fzs_peer *pe = &f->peer[i];

		if (pe->fd != -1 && !pe->blocked && buf_len(&pe->line) > 0)
			fzs_fail(f, "client %d: last line has no LF: %.*s", i,
			    (int)(buf_len(&pe->line) > 80 ? 80 :
							    buf_len(&pe->line)),
			    buf_data(&pe->line));
	}
}

/*
 * Run one input. Returns NULL when every check held, or what failed
 * (valid until the next call). Everything is freed either way.
 */
static const char *
fuzz_server_one(const uint8_t *data, size_t size)
{
	static struct fzs f;
	struct fzs_peer *pe;
	size_t i, n;
	uint8_t op;
	int k;

	memset(&f, 0, sizeof f);
	if (size > FZS_INPUT_MAX)
		size = FZS_INPUT_MAX;
	if (fzs_start(&f, size > 0 ? data[0] : 0, size > 1 ? data[1] : 0) ==
	    0) {
		for (i = 2; i < size && !f.failed;) {
			op = data[i++];
			pe = &f.peer[(op & 3) % f.npeers];
			switch ((op >> 2) & 3) {
			case 0:
				n = i < size ? data[i++] : 0;
				if (n > size - i)
					n = size - i;
				fzs_write(pe, data + i, n);
				i += n;
				break;
			case 1:
				n = (size_t)(op >> 4) + 1;
				if (n > size - i)
					n = size - i;
				fzs_write(pe, data + i, n);
				i += n;
				break;
			case 2:
				fzs_write(pe,
				    (const uint8_t *)fzs_tokens[op >> 4],
				    strlen(fzs_tokens[op >> 4]));
				break;
			case 3:
				fzs_control(&f, pe, op >> 4);
				break;
			}
			fzs_pass(&f);
		}
		if (!f.failed)
			fzs_finish(&f);
	}
	if (f.srv.loop != NULL)
		server_free(&f.srv);
	for (k = 0; k < f.npeers; k++) {
		if (f.peer[k].fd != -1)
			close(f.peer[k].fd);
		buf_free(&f.peer[k].line);
	}
	return f.failed ? f.why : NULL;
}

#endif
