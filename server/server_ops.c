/*
 * server_ops.c: the server's parts beside the pass: what an operator asks
 * of a running chatd (SIGUSR1's one line of statistics, chatd-v1 §7,
 * chatd-v2 §9; SIGHUP's re-reading of the password file, never failing
 * open), the connections per address that -max-per-ip counts, and the
 * cluster's hooks in the server (a command held until the node is in
 * step, what a pass made leaving first, what shutdown waits for).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "conf.h"
#include "history.h"
#include "log.h"
#include "server.h"
#include "text.h"
#include "udp.h"

#ifdef CHATD_CLUSTER
/* The cluster's line: users= above counts every node's users. */
static void
server_log_cluster(const struct cluster *c)
{
	struct cluster_stats cs;

	cluster_stats(c, &cs);
	log_info("stats: cluster: node=%s link=%s nodes=%d remote_users=%d "
		 "published=%llu received=%llu buffered=%zu dropped=%llu "
		 "lost=%llu nodes_lost=%llu nick_clashes=%llu",
	    cluster_node_id(c), cs.up ? "up" : "down", cs.nodes, cs.remote,
	    (unsigned long long)cs.published, (unsigned long long)cs.received,
	    cs.buffered, (unsigned long long)cs.dropped,
	    (unsigned long long)cs.lost, (unsigned long long)cs.nodes_lost,
	    (unsigned long long)cs.nick_clashes);
}
#endif

void
server_log_stats(struct server *srv)
{
	static const struct udp_stats udp_off;
	const struct server_stats *st = &srv->stats;
	const struct conn_stats *cs = &srv->conns.stats;
	const struct udp_stats *us =
	    srv->udp != NULL ? udp_stats(srv->udp) : &udp_off;
	const uint64_t *q = st->quits;
	struct history_stats hs;
	struct conn *c;
	size_t queued = 0;

	TAILQ_FOREACH(c, &srv->conns.all, entry)
		queued += conn_queued(c);
	history_stats(srv->history, &hs);
	/* One line (chatd-v1 §7), as key=value pairs. */
	log_info("stats: clients=%d users=%d rooms=%d lines_in=%llu "
		 "lines_out=%llu bytes_in=%llu bytes_out=%llu queued=%zu "
		 "shared_pages=%zu shared_bytes=%zu renders=%llu "
		 "deliveries=%llu backend=%s protocols: text=%llu irc=%llu "
		 "undetected=%llu history: %zu events, %zu bytes in %zu rooms "
		 "udp: %s answered=%llu dropped=%llu ignored=%llu "
		 "disconnects: quit=%llu closed=%llu reset=%llu slow=%llu "
		 "error=%llu timeout=%llu password=%llu full=%llu "
		 "per_ip=%llu shutdown=%llu",
	    srv->conns.count, srv->chat.nusers, srv->chat.nrooms,
	    (unsigned long long)cs->lines_in, (unsigned long long)cs->lines_out,
	    (unsigned long long)cs->bytes_in, (unsigned long long)cs->bytes_out,
	    queued, page_stats.pages, page_stats.bytes,
	    (unsigned long long)srv->fanout.stats.renders,
	    (unsigned long long)srv->fanout.stats.deliveries,
	    loop_backend_name(srv->cfg.io), (unsigned long long)st->text,
	    (unsigned long long)st->irc, (unsigned long long)st->undetected,
	    hs.events, hs.bytes, hs.rooms, srv->udp != NULL ? "on" : "off",
	    us->answered,
	    us->dropped_source + us->dropped_global + us->dropped_table +
		us->dropped_send,
	    us->ignored, (unsigned long long)q[EV_QUIT_REQUEST],
	    (unsigned long long)q[EV_QUIT_CLOSED],
	    (unsigned long long)q[EV_QUIT_RESET],
	    (unsigned long long)q[EV_QUIT_SLOW],
	    (unsigned long long)(q[EV_QUIT_ERROR] + q[EV_QUIT_MEMORY]),
	    (unsigned long long)(q[EV_QUIT_TIMEOUT] + q[EV_QUIT_PING]),
	    (unsigned long long)q[EV_QUIT_PASSWORD],
	    (unsigned long long)st->rejected_full,
	    (unsigned long long)st->rejected_ip,
	    (unsigned long long)q[EV_QUIT_SHUTDOWN]);
#ifdef CHATD_CLUSTER
	if (srv->cluster != NULL)
		server_log_cluster(srv->cluster);
#endif
}

int
server_hold(struct server *srv, struct conn *c, struct held_line *h,
    const char *line, size_t len, const char *nick, cluster_sync_fn *resume)
{
#ifdef CHATD_CLUSTER
	if (srv->cluster == NULL || h->line != NULL ||
	    (h->line = malloc(len + 1)) == NULL)
		return 0;
	memcpy(h->line, line, len);
	h->line[len] = '\0';
	h->len = len;
	if ((nick != NULL ? cluster_claim(srv->cluster, c->id, nick, resume) :
			    cluster_sync(srv->cluster, c->id, resume)) == -1) {
		free(h->line);
		h->line = NULL;
		return 0;
	}
	conn_pause(c, 1);
	return 1;
#else
	(void)srv;
	(void)c;
	(void)h;
	(void)line;
	(void)len;
	(void)nick;
	(void)resume;
	return 0;
#endif
}

void
server_held_done(struct server *srv, struct conn *c)
{
#ifdef CHATD_CLUSTER
	if (srv->cluster != NULL)
		cluster_claim_done(srv->cluster, c->id);
#else
	(void)srv;
	(void)c;
#endif
}

void
server_reload(struct server *srv)
{
	char line[CHATD_PASSWORD_MAX + 2], *p;
	const char *path = srv->cfg.password_file;

	if (path == NULL) {
		log_info("SIGHUP: no password file to re-read");
		return;
	}
	if (conf_first_line(path, line, sizeof line) == -1) {
		log_error(
		    "cannot re-read password file %s: %s; keeping the old password",
		    path,
		    errno == EINVAL ? "first line too long" : strerror(errno));
		return;
	}
	if (line[0] == '\0') {
		log_error("password file %s is empty; keeping the old password",
		    path);
		return;
	}
	if ((p = strdup(line)) == NULL) {
		log_error(
		    "out of memory re-reading %s; keeping the old password",
		    path);
		return;
	}
	free(srv->cfg.password);
	srv->cfg.password = p;
	log_info("password re-read from %s", path);
}

/* Connections from one address. */
struct server_addr {
	struct hnode node;
	int n;
	char addr[NET_ADDRSTRLEN];
};

/* The per-address count of connections, O(1). */
static struct server_addr *
server_addr_find(struct server *srv, const char *addr)
{
	uint32_t h = text_casehash(addr);
	struct server_addr *a;
	struct hnode *n;

	for (n = hmap_first(&srv->addrs, h); n != NULL; n = hmap_next(n, h)) {
		a = HMAP_ENTRY(n, struct server_addr, node);
		if (strcmp(a->addr, addr) == 0)
			return a;
	}
	return NULL;
}

int
server_addr_count(struct server *srv, const char *addr)
{
	struct server_addr *a = server_addr_find(srv, addr);

	return a != NULL ? a->n : 0;
}

int
server_addr_add(struct server *srv, const char *addr)
{
	struct server_addr *a;

	if ((a = server_addr_find(srv, addr)) == NULL) {
		if ((a = calloc(1, sizeof *a)) == NULL)
			return -1;
		snprintf(a->addr, sizeof a->addr, "%s", addr);
		if (hmap_insert(&srv->addrs, &a->node, text_casehash(addr)) ==
		    -1) {
			free(a);
			return -1;
		}
	}
	a->n++;
	return 0;
}

void
server_addr_drop(struct server *srv, const char *addr)
{
	struct server_addr *a = server_addr_find(srv, addr);

	if (a != NULL && --a->n == 0) {
		hmap_remove(&srv->addrs, &a->node);
		free(a);
	}
}

/* What this pass made for the other nodes leaves before its users
 * hear of it (cluster_flush). */
void
server_cluster_flush(struct server *srv)
{
#ifdef CHATD_CLUSTER
	if (srv->cluster != NULL)
		cluster_flush(srv->cluster);
#else
	(void)srv;
#endif
}

/* At shutdown, what the other nodes must still hear (BYE). */
int
server_cluster_busy(const struct server *srv)
{
#ifdef CHATD_CLUSTER
	return srv->cluster != NULL && cluster_busy(srv->cluster);
#else
	(void)srv;
	return 0;
#endif
}
