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
 *                 reading, time passing, login timeout, server_stop(),
 *                 7: a batch begins (no pass after the operations that
 *                 follow, so that the server takes several writes, of
 *                 several clients, in one pass) or ends
 *
 * At the end every peer half-closes and the loop runs until every client
 * is gone. Checked throughout: every queue <= max_queue, input buffers
 * bounded, room/nick/list bookkeeping consistent; in what the peers
 * receive: no C0 control but TAB/LF and no DEL (telnet answers apart, to
 * peers that sent IAC), every line starts with the time stamp, has a known
 * form, message text is never longer than 3 x max_line (U+FFFD for each
 * invalid byte) nor blank, and the stream ends with a LF (unless the
 * client was dropped with output still queued). Every client closes after
 * EOF. And delivery (fuzz_server_model.h): each line a peer sends comes
 * out whole and in order, each message line makes its room message, and
 * each peer reads every line the sink meant for it exactly once, in
 * order, unless it was dropped.
 */
#ifndef FUZZ_SERVER_BODY_H
#define FUZZ_SERVER_BODY_H

#include <poll.h>

#include "fuzz_server_check.h"

/* Every peer that reads takes all there is. One poll() says which have
 * anything (most passes, none has): a read() each would cost more. */
static void
fzs_read_all(struct fzs *f)
{
	struct pollfd pfd[FZS_CLIENTS_MAX];
	char tmp[16384];
	ssize_t n;
	int i, np = 0, who[FZS_CLIENTS_MAX];

	for (i = 0; i < f->npeers; i++) {
		struct fzs_peer *pe = &f->peer[i];

		if (pe->fd == -1 || pe->stalled || pe->eof)
			continue;
		pfd[np].fd = pe->fd;
		pfd[np].events = POLLIN;
		pfd[np].revents = 0;
		who[np++] = i;
	}
	if (np == 0 || poll(pfd, (nfds_t)np, 0) <= 0)
		return;
	for (i = 0; i < np; i++) {
		struct fzs_peer *pe = &f->peer[who[i]];

		if (pfd[i].revents == 0)
			continue;
		for (;;) {
			n = read(pe->fd, tmp, sizeof tmp);
			if (n > 0)
				fzs_received(f, who[i], tmp, (size_t)n);
			else if (n == 0)
				pe->eof = 1;
			else if (errno == EINTR)
				continue;
			/* Short: nothing more for now (EOF or a reset show
			 * in the next pass's poll). */
			if (n < (ssize_t)sizeof tmp)
				break;
		}
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
fzs_write(struct fzs *f, int i, const uint8_t *p, size_t n)
{
	struct fzs_peer *pe = &f->peer[i];
	ssize_t w;

	while (n > 0 && pe->fd != -1 && !pe->wr_shut) {
		if ((w = write(pe->fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return; /* full (server not reading) or reset */
		}
		if (memchr(p, TELNET_IAC, (size_t)w) != NULL)
			pe->sent_iac = 1;
		fzm_written(i, p, (size_t)w);
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
fzs_control(struct fzs *f, int i, int what)
{
	struct fzs_peer *pe = &f->peer[i];

	switch (what) {
	case 0:
		if (pe->fd != -1 && !pe->wr_shut)
			shutdown(pe->fd, SHUT_WR);
		pe->wr_shut = 1;
		fzm_ended(i, 0);
		break;
	case 1:
		if (pe->fd != -1)
			close(pe->fd);
		pe->fd = -1;
		fzm_ended(i, 1);
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
	case FZS_BATCH:
		f->batch = !f->batch;
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
	fzm_start(&f->srv, f->npeers, &f->failed, f->why, sizeof f->why);
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
		fzm_take(i, f->peer[i].c);
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
		fzs_control(f, i, 0);
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
	fzm_finish();
}

/*
 * Run one input. Returns NULL when every check held, or what failed
 * (valid until the next call). Everything is freed either way.
 */
static const char *
fuzz_server_one(const uint8_t *data, size_t size)
{
	static struct fzs f;
	size_t i, n;
	uint8_t op;
	int k, who;

	memset(&f, 0, sizeof f);
	if (size > FZS_INPUT_MAX)
		size = FZS_INPUT_MAX;
	if (fzs_start(&f, size > 0 ? data[0] : 0, size > 1 ? data[1] : 0) ==
	    0) {
		for (i = 2; i < size && !f.failed;) {
			op = data[i++];
			who = (op & 3) % f.npeers;
			switch ((op >> 2) & 3) {
			case 0:
				n = i < size ? data[i++] : 0;
				if (n > size - i)
					n = size - i;
				fzs_write(&f, who, data + i, n);
				i += n;
				break;
			case 1:
				n = (size_t)(op >> 4) + 1;
				if (n > size - i)
					n = size - i;
				fzs_write(&f, who, data + i, n);
				i += n;
				break;
			case 2:
				fzs_write(&f, who,
				    (const uint8_t *)fzs_tokens[op >> 4],
				    strlen(fzs_tokens[op >> 4]));
				break;
			case 3:
				fzs_control(&f, who, op >> 4);
				break;
			}
			if (!f.batch)
				fzs_pass(&f);
		}
		if (!f.failed)
			fzs_finish(&f);
	}
	if (f.srv.loop != NULL)
		server_free(&f.srv);
	fzm_stop();
	for (k = 0; k < f.npeers; k++) {
		if (f.peer[k].fd != -1)
			close(f.peer[k].fd);
		buf_free(&f.peer[k].line);
	}
	return f.failed ? f.why : NULL;
}

#endif
