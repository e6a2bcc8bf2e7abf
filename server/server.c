/* server.c: listeners, accepting, the pass of the loop, shutdown, stats. */
#include <sys/select.h>
#include <sys/socket.h>

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "log.h"
#include "loop.h"
#include "room.h"
#include "server.h"
#include "wire.h"

static void server_on_accept(struct loop *, int, void *);
static void server_on_signal(struct loop *, int, void *);

int64_t
server_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
server_add_listener(struct server *srv, int fd)
{
	char name[NET_ADDRSTRLEN];

	if (loop_add(srv->loop, fd, LOOP_READ, server_on_accept, NULL, srv) ==
	    -1) {
		close(fd);
		return -1;
	}
	srv->listeners[srv->nlisteners++] = fd;
	if (net_local_name(fd, name, sizeof name) == 0)
		log_info("listening on %s", name);
	return 0;
}

int
server_setup(struct server *srv, const struct config *cfg)
{
	memset(srv, 0, sizeof *srv);
	srv->cfg = *cfg;
	srv->spare_fd = -1;
	TAILQ_INIT(&srv->clients);
	TAILQ_INIT(&srv->flush);
	TAILQ_INIT(&srv->waiting);
	TAILQ_INIT(&srv->dead);
	TAILQ_INIT(&srv->rooms);
	buf_init(&srv->scratch);
	srv->now_ms = server_now_ms();
	srv->loop = loop_new(LOOP_SELECT);
	return srv->loop == NULL ? -1 : 0;
}

int
server_init(struct server *srv, const struct config *cfg, int sig_fd,
    const char **cause)
{
	int fd;

	if (server_setup(srv, cfg) == -1) {
		*cause = strerror(errno);
		return -1;
	}
	if (loop_add(srv->loop, sig_fd, LOOP_READ, server_on_signal, NULL,
		srv) == -1) {
		*cause = strerror(errno);
		return -1;
	}
	fd = net_listen_tcp(cfg->bind, cfg->port, CHATD_BACKLOG, cause);
	if (fd == -1 || server_add_listener(srv, fd) == -1)
		return -1;
	if (cfg->unix_path != NULL) {
		fd = net_listen_unix(cfg->unix_path, CHATD_BACKLOG, cause);
		if (fd == -1 || server_add_listener(srv, fd) == -1)
			return -1;
	}
	/* Held back so that accept() can still take (and refuse) a
	 * connection when every other descriptor is in use. */
	srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return 0;
}

void
server_free(struct server *srv)
{
	struct client *c;
	int i;

	while ((c = TAILQ_FIRST(&srv->clients)) != NULL) {
		room_leave(c);
		if (c->flushing)
			TAILQ_REMOVE(&srv->flush, c, flush_entry);
		if (c->waiting)
			TAILQ_REMOVE(&srv->waiting, c, wait_entry);
		if (c->dead)
			TAILQ_REMOVE(&srv->dead, c, dead_entry);
		client_free(c);
	}
	for (i = 0; i < srv->nlisteners; i++)
		close(srv->listeners[i]);
	if (srv->cfg.unix_path != NULL && srv->nlisteners > 1)
		unlink(srv->cfg.unix_path);
	srv->nlisteners = 0;
	if (srv->spare_fd != -1)
		close(srv->spare_fd);
	buf_free(&srv->scratch);
	loop_free(srv->loop);
	srv->loop = NULL;
}

/* Send one error line to a connection we will not keep, and close it. */
static void
server_refuse(struct server *srv, int fd, const char *why)
{
	struct buf b;
	ssize_t n;

	buf_init(&b);
	if (wire_notice(&b, 1, "%s", why) == 0) {
		n = write(fd, buf_data(&b), buf_len(&b));
		if (n > 0)
			srv->stats.bytes_out += (uint64_t)n;
	}
	buf_free(&b);
	shutdown(fd, SHUT_WR);
	close(fd);
}

static int
server_count_addr(struct server *srv, const char *addr)
{
	struct client *c;
	int n = 0;

	TAILQ_FOREACH(c, &srv->clients, entry)
	if (!c->dead && strcmp(c->addr, addr) == 0)
		n++;
	return n;
}

static void
server_pause_accept(struct server *srv, int on)
{
	int i;

	for (i = 0; i < srv->nlisteners; i++)
		loop_set(srv->loop, srv->listeners[i], on ? 0 : LOOP_READ);
	srv->accept_paused_until = on ? srv->now_ms + CHATD_ACCEPT_PAUSE_MS : 0;
}

/* EMFILE: give up the spare descriptor, take the connection, refuse it. */
static void
server_accept_emfile(struct server *srv, int lfd)
{
	char peer[NET_ADDRSTRLEN];
	int fd;

	close(srv->spare_fd);
	srv->spare_fd = -1;
	if ((fd = net_accept(lfd, peer, sizeof peer)) != -1) {
		srv->stats.rejected_full++;
		server_refuse(srv, fd, "server full");
	}
	srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static void
server_on_accept(struct loop *l, int lfd, void *arg)
{
	struct server *srv = arg;
	char peer[NET_ADDRSTRLEN];
	int fd, i;

	(void)l;
	for (i = 0; i < CHATD_ACCEPTS_PER_PASS; i++) {
		if ((fd = net_accept(lfd, peer, sizeof peer)) == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (errno == ECONNABORTED || errno == EPROTO ||
			    errno == EPERM)
				continue;
			if (errno == EMFILE && srv->spare_fd != -1) {
				log_warn(
				    "accept: %s; refusing", strerror(errno));
				server_accept_emfile(srv, lfd);
				continue;
			}
			/* ENFILE, ENOBUFS, ENOMEM: retrying at once would
			 * only spin. */
			log_warn("accept: %s; pausing new connections for "
				 "%d ms",
			    strerror(errno), CHATD_ACCEPT_PAUSE_MS);
			server_pause_accept(srv, 1);
			return;
		}
		if (srv->nclients >= srv->cfg.max_clients || fd >= FD_SETSIZE) {
			log_warn("server full: refusing %s", peer);
			srv->stats.rejected_full++;
			server_refuse(srv, fd, "server full");
			continue;
		}
		if (srv->cfg.max_per_ip > 0 &&
		    server_count_addr(srv, peer) >= srv->cfg.max_per_ip) {
			log_warn("too many connections from %s", peer);
			srv->stats.rejected_ip++;
			server_refuse(
			    srv, fd, "too many connections from your address");
			continue;
		}
		client_new(srv, fd, peer);
	}
}

static void
server_on_signal(struct loop *l, int fd, void *arg)
{
	struct server *srv = arg;
	unsigned char sigs[64];
	ssize_t n, i;

	(void)l;
	if ((n = read(fd, sigs, sizeof sigs)) <= 0)
		return;
	for (i = 0; i < n; i++) {
		if (sigs[i] == SERVER_SIG_STATS)
			server_log_stats(srv);
		else
			server_stop(srv);
	}
}

void
server_stop(struct server *srv)
{
	struct client *c;
	int i;

	if (srv->stopping)
		return;
	srv->stopping = 1;
	srv->shutdown_deadline = srv->now_ms + CHATD_SHUTDOWN_FLUSH_MS;
	log_info("shutting down: %d clients", srv->nclients);
	for (i = 0; i < srv->nlisteners; i++) {
		loop_del(srv->loop, srv->listeners[i]);
		close(srv->listeners[i]);
	}
	if (srv->cfg.unix_path != NULL && srv->nlisteners > 1)
		unlink(srv->cfg.unix_path);
	srv->nlisteners = 0;
	/* Everyone goes at once: no quit notices, just the one line. */
	TAILQ_FOREACH(c, &srv->clients, entry)
	{
		if (c->dead || c->closing)
			continue;
		room_leave(c);
		client_notice(c, "server shutting down");
		client_close_after_flush(c, QUIT_SHUTDOWN, NULL);
	}
}

void
server_log_stats(struct server *srv)
{
	const struct stats *st = &srv->stats;
	struct client *c;
	size_t queued = 0;

	TAILQ_FOREACH(c, &srv->clients, entry)
	queued += buf_len(&c->out);
	log_info(
	    "stats: clients=%d rooms=%d lines_in=%llu lines_out=%llu "
	    "bytes_in=%llu bytes_out=%llu queued=%zu disconnects: quit=%llu "
	    "closed=%llu reset=%llu slow=%llu error=%llu timeout=%llu "
	    "password=%llu full=%llu per_ip=%llu shutdown=%llu",
	    srv->nclients, srv->nrooms, (unsigned long long)st->lines_in,
	    (unsigned long long)st->lines_out, (unsigned long long)st->bytes_in,
	    (unsigned long long)st->bytes_out, queued,
	    (unsigned long long)st->quits[QUIT_REQUEST],
	    (unsigned long long)st->quits[QUIT_CLOSED],
	    (unsigned long long)st->quits[QUIT_RESET],
	    (unsigned long long)st->quits[QUIT_SLOW],
	    (unsigned long long)st->quits[QUIT_ERROR],
	    (unsigned long long)st->quits[QUIT_TIMEOUT],
	    (unsigned long long)st->quits[QUIT_PASSWORD],
	    (unsigned long long)st->rejected_full,
	    (unsigned long long)st->rejected_ip,
	    (unsigned long long)st->quits[QUIT_SHUTDOWN]);
}

/*
 * Once everyone has left, give the heap their buffers used back to the
 * system: glibc keeps freed memory in its arenas, so without this a server
 * that once had a thousand busy clients would hold their memory forever.
 */
static void
server_trim(struct server *srv)
{
	if (srv->nclients > 0) {
		srv->trimmed = 0;
		return;
	}
	if (srv->trimmed)
		return;
	srv->trimmed = 1;
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

/* How long select() may sleep: until the next timer, or not at all when
 * some client still has lines to process. */
static int
server_timeout(struct server *srv)
{
	int64_t t = srv->next_cron_ms - srv->now_ms;
	int w;

	if ((w = client_wait_ms(srv)) >= 0 && w < t)
		t = w;
	if (srv->accept_paused_until != 0 &&
	    srv->accept_paused_until - srv->now_ms < t)
		t = srv->accept_paused_until - srv->now_ms;
	if (srv->stopping && srv->shutdown_deadline - srv->now_ms < t)
		t = srv->shutdown_deadline - srv->now_ms;
	return t < 0 ? 0 : (int)t;
}

int
server_run(struct server *srv)
{
	for (;;) {
		srv->now_ms = server_now_ms();
		if (srv->accept_paused_until != 0 &&
		    srv->now_ms >= srv->accept_paused_until)
			server_pause_accept(srv, 0);
		if (srv->now_ms >= srv->next_cron_ms) {
			client_cron(srv);
			server_trim(srv);
			srv->next_cron_ms = srv->now_ms + CHATD_CRON_MS;
		}
		client_run_waiting(srv);
		client_reap(srv);
		client_flush_all(srv);
		client_reap(srv);
		if (srv->stopping &&
		    (TAILQ_EMPTY(&srv->clients) ||
			srv->now_ms >= srv->shutdown_deadline))
			break;
		if (loop_poll(srv->loop, server_timeout(srv)) == -1) {
			log_error("select: %s", strerror(errno));
			return -1;
		}
		client_reap(srv);
	}
	log_info("stopped");
	return 0;
}
