/* server.c: listeners, accepting, the pass of the loop, shutdown, stats. */
#include <sys/socket.h>

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cluster.h"
#include "detect.h"
#include "history.h"
#include "log.h"
#include "proto_irc.h"
#include "proto_text.h"
#include "server.h"
#include "text.h"
#include "udp.h"

static void server_on_accept(struct loop *, int, void *);
static void server_on_signal(struct loop *, int, void *);
static void server_on_cron(struct loop *, struct loop_timer *, void *);
static void server_on_resume(struct loop *, struct loop_timer *, void *);
static void server_on_deadline(struct loop *, struct loop_timer *, void *);
static void server_conn_freed(void *, struct conn *);

int
server_setup(struct server *srv, const struct config *cfg)
{
	struct conn_limits lim;

	memset(srv, 0, sizeof *srv);
	srv->cfg = *cfg;
	srv->spare_fd = -1;
	/* A password that cannot be kept is a start-up error (chatd-v2 §5):
	 * never run without one by mistake. */
	if (cfg->password != NULL &&
	    (srv->cfg.password = strdup(cfg->password)) == NULL)
		return -1;
	hmap_init(&srv->addrs);
	if ((srv->loop = loop_new(cfg->io)) == NULL)
		return -1;
	lim.max_queue = cfg->max_queue;
	lim.rate = cfg->rate;
	lim.burst = cfg->burst;
	conn_set_init(&srv->conns, srv->loop, &lim);
	srv->conns.on_free = server_conn_freed;
	srv->conns.on_free_arg = srv;
#ifdef CHATD_CLUSTER
	if (cfg->cluster_url != NULL) {
		/* History lives in Redis, where every node sees it. */
		if ((srv->cluster = cluster_new(srv, &srv->cluster_error)) ==
		    NULL) {
			errno = EINVAL;
			return -1;
		}
		srv->history = cluster_history(srv->cluster, cfg->history);
	} else
#endif
		srv->history = history_new(cfg->history, cfg->history_memory);
	if (srv->history == NULL)
		return -1;
	srv->started_ms = chat_clock_ms();
	fanout_init(&srv->fanout);
	fanout_set_render(&srv->fanout, FANOUT_TEXT, 1, proto_text_render);
	proto_irc_setup(srv);
	chat_init(&srv->chat, &fanout_sink, &srv->fanout, srv->history);
#ifdef CHATD_CLUSTER
	if (srv->cluster != NULL)
		cluster_attach(srv->cluster);
#endif
	loop_timer_start(srv->loop, &srv->cron, CHATD_CRON_MS, CHATD_CRON_MS,
	    server_on_cron, srv);
	return 0;
}

static int
server_add_listener(struct server *srv, int fd, enum server_proto proto)
{
	char name[NET_ADDRSTRLEN];

	if (loop_add(srv->loop, fd, LOOP_READ, server_on_accept, NULL, srv) ==
	    -1) {
		close(fd);
		return -1;
	}
	srv->listener_proto[srv->nlisteners] = proto;
	srv->listeners[srv->nlisteners++] = fd;
	if (net_local_name(fd, name, sizeof name) == 0)
		log_info("listening on %s%s", name,
		    proto == SERVER_IRC ? " (IRC only)" : "");
	return 0;
}

/* The UDP timestamp service (chatd-v2 §8), on the address and the port the
 * TCP listener tfd actually got (-p 0 included). */
static int
server_add_udp(struct server *srv, int tfd, const char **cause)
{
	char name[NET_ADDRSTRLEN];
	const char *port;
	int fd;

	if (net_local_name(tfd, name, sizeof name) == -1 ||
	    (port = strrchr(name, ':')) == NULL) {
		*cause = strerror(errno);
		return -1;
	}
	if ((fd = net_bind_udp(srv->cfg.bind, port + 1, cause)) == -1)
		return -1;
	if ((srv->udp = udp_new(srv->loop, fd, NULL, NULL)) == NULL) {
		*cause = strerror(errno);
		close(fd);
		return -1;
	}
	log_info("UDP timestamp service on port %s", port + 1);
	return 0;
}

int
server_init(struct server *srv, const struct config *cfg, int sig_fd,
    const char **cause)
{
	int fd;

	if (server_setup(srv, cfg) == -1 ||
	    loop_add(srv->loop, sig_fd, LOOP_READ, server_on_signal, NULL,
		srv) == -1) {
		*cause = srv->cluster_error != NULL ? srv->cluster_error :
						      strerror(errno);
		return -1;
	}
	fd = net_listen_tcp(cfg->bind, cfg->port, CHATD_BACKLOG, cause);
	if (fd == -1 || server_add_listener(srv, fd, SERVER_DETECT) == -1)
		return -1;
	/* UDP takes the port the shared listener got (-p 0 too). */
	if (cfg->udp && server_add_udp(srv, fd, cause) == -1)
		return -1;
	if (cfg->irc_port != NULL) {
		fd = net_listen_tcp(
		    cfg->bind, cfg->irc_port, CHATD_BACKLOG, cause);
		if (fd == -1 || server_add_listener(srv, fd, SERVER_IRC) == -1)
			return -1;
	}
	if (cfg->unix_path != NULL) {
		fd = net_listen_unix(cfg->unix_path, CHATD_BACKLOG, cause);
		if (fd == -1 ||
		    server_add_listener(srv, fd, SERVER_DETECT) == -1)
			return -1;
		srv->made_unix = 1;
	}
	/* Held back so that accept() can still take (and refuse) a
	 * connection when every other descriptor is in use. */
	srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return 0;
}

static void
server_close_listeners(struct server *srv)
{
	int i;

	for (i = 0; i < srv->nlisteners; i++) {
		loop_del(srv->loop, srv->listeners[i]);
		close(srv->listeners[i]);
	}
	srv->nlisteners = 0;
	if (srv->made_unix)
		unlink(srv->cfg.unix_path);
	srv->made_unix = 0;
}

void
server_free(struct server *srv)
{
	if (srv->loop == NULL) {
		free(srv->cfg.password);
		srv->cfg.password = NULL;
		return;
	}
	conn_set_free(&srv->conns);
	udp_free(srv->udp);
	srv->udp = NULL;
	chat_free(&srv->chat);
	fanout_free(&srv->fanout);
	history_free(srv->history);
	srv->history = NULL;
#ifdef CHATD_CLUSTER
	cluster_free(srv->cluster);
	srv->cluster = NULL;
#endif
	server_close_listeners(srv);
	if (srv->spare_fd != -1)
		close(srv->spare_fd);
	hmap_free(&srv->addrs);
	free(srv->cfg.password);
	srv->cfg.password = NULL;
	loop_timer_stop(srv->loop, &srv->cron);
	loop_timer_stop(srv->loop, &srv->accept_pause);
	loop_timer_stop(srv->loop, &srv->shutdown);
	loop_timer_stop(srv->loop, &srv->tell);
	loop_free(srv->loop);
	srv->loop = NULL;
}

/* Send one error line, in proto's words (plain text when it is not known
 * yet), to a connection we will not keep, and close it. */
static void
server_refuse(
    struct server *srv, int fd, enum server_proto proto, enum ev_code code)
{
	struct buf b;
	ssize_t n;
	int rv;

	buf_init(&b);
	rv = proto == SERVER_IRC ? proto_irc_refusal(&b, code) :
				   proto_text_refusal(&b, code);
	if (rv == 0) {
		n = write(fd, buf_data(&b), buf_len(&b));
		if (n > 0)
			srv->conns.stats.bytes_out += (uint64_t)n;
	}
	buf_free(&b);
	shutdown(fd, SHUT_WR);
	close(fd);
}

static void
server_conn_freed(void *arg, struct conn *c)
{
	server_addr_drop(arg, c->addr);
}

static void
server_pause_accept(struct server *srv, int on)
{
	int i;

	for (i = 0; i < srv->nlisteners; i++)
		loop_set(srv->loop, srv->listeners[i], on ? 0 : LOOP_READ);
	if (on)
		loop_timer_start(srv->loop, &srv->accept_pause,
		    CHATD_ACCEPT_PAUSE_MS, 0, server_on_resume, srv);
}

static void
server_on_resume(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)l;
	(void)t;
	server_pause_accept(arg, 0);
}

/* EMFILE: give up the spare descriptor, take the connection, refuse it
 * at once: there is no descriptor to keep it waiting with. */
static void
server_accept_emfile(struct server *srv, int lfd, enum server_proto proto)
{
	char peer[NET_ADDRSTRLEN];
	int fd;

	close(srv->spare_fd);
	srv->spare_fd = -1;
	if ((fd = net_accept(lfd, peer, sizeof peer)) != -1) {
		srv->stats.rejected_full++;
		server_refuse(srv, fd, proto, E_SERVER_FULL);
	}
	srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

/* Take fd; refuse (0 or a code): it is over a limit and waits only to be
 * refused in its protocol's words (SERVER_DETECT only). */
static struct conn *
server_admit(struct server *srv, int fd, const char *addr,
    enum server_proto proto, enum ev_code refuse)
{
	int64_t now = loop_now(srv->loop);
	struct conn *c;

	if (server_addr_add(srv, addr) == -1) {
		log_warn("out of memory for a new client from %s", addr);
		close(fd);
		return NULL;
	}
	c = conn_new(&srv->conns, fd, addr, srv->cfg.max_line, NULL, NULL);
	if (c == NULL) {
		log_warn("cannot take a new client from %s: %s", addr,
		    strerror(errno));
		server_addr_drop(srv, addr);
		return NULL;
	}
	switch (proto) {
	case SERVER_DETECT:
		detect_start(srv, c, now, refuse);
		break;
	case SERVER_TEXT:
		proto_text_start(srv, c, now);
		break;
	case SERVER_IRC:
		proto_irc_start(srv, c, now);
		break;
	}
	return c;
}

struct conn *
server_take(
    struct server *srv, int fd, const char *addr, enum server_proto proto)
{
	return server_admit(srv, fd, addr, proto, 0);
}

int
server_unknown(const struct server *srv)
{
	return srv->ndetecting + srv->chat.npending;
}

static enum server_proto
server_listener_proto(const struct server *srv, int lfd)
{
	int i;

	for (i = 0; i < srv->nlisteners; i++)
		if (srv->listeners[i] == lfd)
			return srv->listener_proto[i];
	return SERVER_DETECT;
}

/* What limit a new connection from peer is over: 0, E_SERVER_FULL or
 * E_PER_IP. Those waiting to be refused do not count against -m. */
static enum ev_code
server_over(struct server *srv, const char *peer)
{
#ifdef CHATD_CLUSTER
	if (srv->cluster != NULL && cluster_refusing(srv->cluster)) {
		log_info("cluster unavailable: refusing %s", peer);
		return E_CLUSTER_LATER;
	}
#endif
	if (srv->conns.count - srv->nover >= srv->cfg.max_clients) {
		log_warn("server full: refusing %s", peer);
		srv->stats.rejected_full++;
		return E_SERVER_FULL;
	}
	if (srv->cfg.max_per_ip > 0 &&
	    server_addr_count(srv, peer) >= srv->cfg.max_per_ip) {
		log_warn("too many connections from %s", peer);
		srv->stats.rejected_ip++;
		return E_PER_IP;
	}
	return 0;
}

/*
 * A connection over a limit (irc-v1 §9): on --irc-port it is refused at
 * once; on a shared listener it waits until its protocol is known, to be
 * refused in its words, unless too many wait already.
 */
static void
server_over_limit(struct server *srv, int fd, const char *peer,
    enum server_proto proto, enum ev_code code)
{
	if (proto != SERVER_DETECT) {
		server_refuse(srv, fd, proto, code);
		return;
	}
	if (srv->nover >= CHATD_OVER_WAIT) {
		close(fd);
		return;
	}
	server_admit(srv, fd, peer, SERVER_DETECT, code);
}

static void
server_on_accept(struct loop *l, int lfd, void *arg)
{
	struct server *srv = arg;
	enum server_proto proto = server_listener_proto(srv, lfd);
	char peer[NET_ADDRSTRLEN];
	enum ev_code over;
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
				server_accept_emfile(srv, lfd, proto);
				continue;
			}
			/* ENFILE, ENOBUFS, ENOMEM: retrying at once would
			 * only spin. */
			log_warn(
			    "accept: %s; pausing new connections for %d ms",
			    strerror(errno), CHATD_ACCEPT_PAUSE_MS);
			server_pause_accept(srv, 1);
			return;
		}
		if (fd >= loop_backend_fd_limit(srv->cfg.io)) {
			/* The loop cannot watch it, not even to wait. */
			log_warn("server full: refusing %s", peer);
			srv->stats.rejected_full++;
			server_refuse(srv, fd, proto, E_SERVER_FULL);
			continue;
		}
		if ((over = server_over(srv, peer)) != 0) {
			server_over_limit(srv, fd, peer, proto, over);
			continue;
		}
		server_admit(srv, fd, peer, proto, 0);
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
		else if (sigs[i] == SERVER_SIG_RELOAD)
			server_reload(srv);
		else
			server_stop(srv);
	}
}

static void
server_on_deadline(struct loop *l, struct loop_timer *t, void *arg)
{
	struct server *srv = arg;

	(void)l;
	(void)t;
	srv->done = 1;
}

void
server_stop(struct server *srv)
{
	struct conn *c, *next;

	if (srv->stopping)
		return;
	srv->stopping = 1;
	loop_timer_start(srv->loop, &srv->shutdown, CHATD_SHUTDOWN_FLUSH_MS, 0,
	    server_on_deadline, srv);
	log_info("shutting down: %d clients", srv->conns.count);
	server_close_listeners(srv);
#ifdef CHATD_CLUSTER
	if (srv->cluster != NULL)
		cluster_stop(srv->cluster);
#endif
	/* Everyone goes at once: no quit notices, just the protocol's
	 * words. */
	for (c = TAILQ_FIRST(&srv->conns.all); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (!conn_is_open(c))
			continue;
		if (c->ops != NULL && c->ops->stop != NULL)
			c->ops->stop(c, c->owner);
		else
			conn_close(c);
	}
}

/*
 * Once everyone has left, give the heap their buffers used back to the
 * system: glibc keeps freed memory in its arenas, so without this a server
 * that once had a thousand busy clients would hold their memory forever.
 */
static void
server_trim(struct server *srv)
{
	if (srv->conns.count > 0) {
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

static void
server_on_cron(struct loop *l, struct loop_timer *t, void *arg)
{
	struct server *srv = arg;

	(void)l;
	(void)t;
	conn_trim_all(&srv->conns);
	fanout_trim(&srv->fanout, &srv->chat);
	server_trim(srv);
}

static void
server_on_tell(struct loop *l, struct loop_timer *t, void *arg)
{
	/* Waking the loop is the point: the next pass tells. */
	(void)l;
	(void)t;
	(void)arg;
}

void
server_pass(struct server *srv)
{
	struct conn_set *set = &srv->conns;

	conn_run_waiting(set);
	conn_reap(set);
	server_cluster_flush(srv);
	conn_flush_all(set);
	conn_reap(set);
	/* Everything the network did since the last pass (EOFs, resets,
	 * writes that failed just now) is told at once: quits room by room,
	 * folded when many. Then it is written. */
	chat_batch_end(&srv->chat);
	chat_batch_begin(&srv->chat);
	server_cluster_flush(srv);
	conn_flush_all(set);
	conn_reap(set);
	/* That writing may have found more: the next pass tells them, and
	 * must not wait for a socket to be ready first. */
	if (!TAILQ_EMPTY(&srv->chat.quitting))
		loop_timer_start(
		    srv->loop, &srv->tell, 0, 0, server_on_tell, srv);
}

int
server_run(struct server *srv)
{
	int rv = 0;

	chat_batch_begin(&srv->chat);
	for (;;) {
		server_pass(srv);
		if (srv->stopping &&
		    ((srv->conns.count == 0 && !server_cluster_busy(srv)) ||
			srv->done))
			break;
		if (loop_poll(srv->loop, -1) == -1) {
			log_error("%s: %s", loop_backend_name(srv->cfg.io),
			    strerror(errno));
			rv = -1;
			break;
		}
		conn_reap(&srv->conns);
	}
	chat_batch_end(&srv->chat);
	if (rv == 0)
		log_info("stopped");
	return rv;
}
