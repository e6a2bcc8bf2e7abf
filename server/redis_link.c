/*
 * redis_link.c: a Redis connection that keeps itself up (redis_link.h).
 *
 * A link is DOWN (no context; the retry timer is pending), CONNECTING
 * (a context, TCP not yet up), HANDSHAKE (AUTH, SELECT, the subscriptions
 * and the first probe sent) or UP. One deadline timer bounds CONNECTING
 * plus HANDSHAKE, and then each probe.
 *
 * Ownership of the hiredis context: hiredis frees it by itself after a
 * failed connect or a lost connection (on_connect, on_disconnect tell us);
 * we free it when we give up on it (link_drop) or on rlink_free. Either
 * way link->ac is cleared first, so that every callback hiredis still runs
 * for that context can tell it is stale. Inside one of hiredis's reply
 * callbacks redisAsyncFree only marks the context, which hiredis frees as
 * soon as the callback returns; never inside on_connect, where it would
 * free the context under hiredis's feet (we do not need to).
 *
 * Order of callbacks. A command made while the link is not up is failed
 * through a queue that a 0 ms timer empties; every queued failure is older
 * than every command still inside hiredis (commands reach hiredis only
 * while up, and hiredis fails them all when the connection goes), so the
 * queue is emptied before any hiredis answer is passed on, and answers
 * keep the order of the commands. Up and down are reported from the same
 * timer, outside hiredis's callbacks, after the failures they caused.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <hiredis/hiredis.h>
#include <hiredis/async.h>

#include "log.h"
#include "loop.h"
#include "redis_link.h"
#include "redis_link_impl.h"
#include "redis_loop.h"
#include "redis_url.h"

static void link_connect(struct rlink *);
static void link_down(struct rlink *);
static void probe_send(struct rlink *);

void
set_why(struct rlink *link, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(link->why, sizeof link->why, fmt, ap);
	va_end(ap);
}

static int
stale(const struct rlink *link, const redisAsyncContext *ac)
{
	return link == NULL || link->ac != ac;
}

/* --- going down, coming up -------------------------------------------- */

static void
on_retry(struct loop *l, struct loop_timer *t, void *arg)
{
	(void)l;
	(void)t;
	link_connect(arg);
}

/* The context is gone (or going): wait, then try again. */
static void
link_down(struct rlink *link)
{
	if (link->state == RL_UP)
		log_warn("redis %s: link down: %s", link->name, link->why);
	else
		log_debug("redis %s: %s", link->name, link->why);
	link->state = RL_DOWN;
	link->probing = 0;
	loop_timer_stop(link->loop, &link->probe);
	loop_timer_stop(link->loop, &link->deadline);
	if (!link->closing)
		loop_timer_start(
		    link->loop, &link->retry, link->backoff, 0, on_retry, link);
	link->backoff *= 2;
	if (link->backoff > link->o.backoff_max_ms)
		link->backoff = link->o.backoff_max_ms;
	link_kick(link);
}

/* Give up on the context. Its waiting commands fail with why; inside a
 * hiredis callback that happens as soon as the callback returns. */
void
link_drop(struct rlink *link, const char *why)
{
	redisAsyncContext *ac = link->ac;

	if (ac == NULL)
		return;
	link->ac = NULL;
	set_why(link, "%s", why);
	redisAsyncFree(ac);
	link_down(link);
}

static void
on_deadline(struct loop *l, struct loop_timer *t, void *arg)
{
	struct rlink *link = arg;
	char why[RLINK_WHY_MAX];

	(void)l;
	(void)t;
	snprintf(why, sizeof why, "no answer from Redis within %lld ms%s",
	    (long long)link->o.timeout_ms,
	    link->state == RL_UP ? "" : " of connecting");
	link_drop(link, why);
}

static void
on_probe(struct loop *l, struct loop_timer *t, void *arg)
{
	struct rlink *link = arg;

	(void)l;
	(void)t;
	if (link->state == RL_UP && !link->probing)
		probe_send(link);
}

static void
probe_ok(struct rlink *link)
{
	link->probing = 0;
	loop_timer_stop(link->loop, &link->deadline);
	if (link->state != RL_HANDSHAKE)
		return;
	link->state = RL_UP;
	link->gen++;
	link->backoff = link->o.backoff_min_ms;
	link->why[0] = '\0';
	loop_timer_start(link->loop, &link->probe, link->o.probe_ms,
	    link->o.probe_ms, on_probe, link);
	log_info("redis %s: link up", link->name);
	link_kick(link);
}

static void
probe_send(struct rlink *link)
{
	int rc;

	if (link->kind == RLINK_COMMANDS)
		rc = redisAsyncCommand(link->ac, cmd_reply, NULL, "PING");
	else
		rc = redisAsyncCommand(link->ac, cmd_reply, NULL,
		    "SUBSCRIBE %s", link->probe_chan);
	if (rc != REDIS_OK) {
		link_drop(link, "cannot send a probe");
		return;
	}
	link->probing = 1;
	/* While connecting, the connect deadline stands. */
	if (link->state == RL_UP)
		loop_timer_start(link->loop, &link->deadline,
		    link->o.timeout_ms, 0, on_deadline, link);
}

/* --- hiredis's callbacks ----------------------------------------------- */

/*
 * Every reply comes here. privdata is the rcmd of an owner's command, or
 * NULL for the link's own (handshake, probes, subscriptions), which then
 * find the link through ac->data and ignore what a stale context says.
 */
static void
own_reply(redisAsyncContext *ac, const redisReply *r)
{
	struct rlink *link = ac->data;
	const char *type;
	struct rsub *s;
	size_t n;

	if (stale(link, ac) || r == NULL)
		return;
	if (r->type == REDIS_REPLY_ERROR) {
		char why[RLINK_WHY_MAX];

		snprintf(why, sizeof why, "Redis refused the link: %s", r->str);
		link_drop(link, why);
		return;
	}
	if (r->type == REDIS_REPLY_STATUS) { /* OK to AUTH or SELECT; PONG */
		if (strcasecmp(r->str, "PONG") == 0)
			probe_ok(link);
		return;
	}
	if (r->type != REDIS_REPLY_ARRAY || r->elements < 3 ||
	    r->element[0]->type != REDIS_REPLY_STRING ||
	    r->element[1]->type != REDIS_REPLY_STRING)
		return;
	type = r->element[0]->str;
	n = r->elements;
	if (r->element[n - 1]->type != REDIS_REPLY_STRING)
		n = 0; /* a confirmation: its last element is a count */
	if (strcasecmp(type, "subscribe") == 0) {
		if (strcmp(r->element[1]->str, link->probe_chan) == 0)
			probe_ok(link);
		return;
	}
	if (!((strcasecmp(type, "message") == 0 && n == 3) ||
		(strcasecmp(type, "pmessage") == 0 && n == 4 &&
		    r->element[2]->type == REDIS_REPLY_STRING)))
		return;
	TAILQ_FOREACH(s, &link->subs, entry) {
		if (s->pattern == (n == 4) &&
		    strcmp(s->name, r->element[1]->str) == 0)
			break;
	}
	if (s == NULL)
		return; /* unsubscribed meanwhile */
	link->depth++;
	s->fn(s->arg, r->element[n - 2]->str, r->element[n - 1]->str,
	    r->element[n - 1]->len);
	link->depth--;
}

void
cmd_reply(redisAsyncContext *ac, void *reply, void *privdata)
{
	const redisReply *r = reply;
	struct rcmd *c = privdata;
	struct rlink *link;
	const char *err = NULL;

	if (c == NULL) {
		own_reply(ac, r);
		return;
	}
	link = c->link;
	assert(link->pending > 0);
	link->pending--;
	flush_failed(link); /* older than this answer */
	if (r == NULL)
		err = ac->err    ? ac->errstr :
		    link->why[0] ? link->why :
				   ERR_LOST;
	else if (r->type == REDIS_REPLY_ERROR)
		err = r->str;
	link->depth++;
	c->fn(c->arg, r, err);
	link->depth--;
	free(c);
}

static void
on_connect(const redisAsyncContext *cac, int status)
{
	struct rlink *link = cac->data;
	const struct redis_url *u;
	const struct rsub *s;
	redisAsyncContext *ac;

	if (stale(link, cac))
		return;
	ac = link->ac; /* the same context, without const */
	if (status != REDIS_OK) {
		/* hiredis frees the context when this returns. */
		set_why(link, "cannot connect: %s", ac->errstr);
		link->ac = NULL;
		link_down(link);
		return;
	}
	link->state = RL_HANDSHAKE;
	u = &link->url;
	if (u->password != NULL && u->user != NULL)
		(void)redisAsyncCommand(
		    ac, cmd_reply, NULL, "AUTH %s %s", u->user, u->password);
	else if (u->password != NULL)
		(void)redisAsyncCommand(
		    ac, cmd_reply, NULL, "AUTH %s", u->password);
	if (link->kind == RLINK_COMMANDS && u->db != 0)
		(void)redisAsyncCommand(
		    ac, cmd_reply, NULL, "SELECT %d", u->db);
	TAILQ_FOREACH(s, &link->subs, entry) {
		sub_send(link, s, 1);
	}
	probe_send(link); /* its answer makes the link up */
}

static void
on_disconnect(const redisAsyncContext *ac, int status)
{
	struct rlink *link = ac->data;

	(void)status;
	if (stale(link, ac))
		return;
	/* hiredis frees the context when this returns. */
	set_why(link, "%s", ac->err ? ac->errstr : "connection closed");
	link->ac = NULL;
	link_down(link);
}

static void
link_connect(struct rlink *link)
{
	redisAsyncContext *ac;

	if (link->url.path != NULL)
		ac = redisAsyncConnectUnix(link->url.path);
	else
		ac = redisAsyncConnect(link->addr, link->url.port);
	if (ac == NULL || ac->err) {
		set_why(link, "cannot connect: %s",
		    ac == NULL ? strerror(ENOMEM) : ac->errstr);
		if (ac != NULL)
			redisAsyncFree(ac);
		link_down(link);
		return;
	}
	/* chatd never runs anything, but its tests do. */
	(void)fcntl(ac->c.fd, F_SETFD, FD_CLOEXEC);
	if (redis_loop_attach(ac, link->loop) == -1) {
		set_why(
		    link, "cannot watch the connection: %s", strerror(errno));
		redisAsyncFree(ac);
		link_down(link);
		return;
	}
	ac->data = link;
	link->ac = ac;
	link->state = RL_CONNECTING;
	(void)redisAsyncSetDisconnectCallback(ac, on_disconnect);
	/* Last: it asks for write interest, which is how the connect ends. */
	(void)redisAsyncSetConnectCallback(ac, on_connect);
	loop_timer_start(link->loop, &link->deadline, link->o.timeout_ms, 0,
	    on_deadline, link);
}

/* --- the link ---------------------------------------------------------- */

/* The host as an address, so that reconnecting never waits for DNS. */
static int
resolve(struct rlink *link, const char **cause)
{
	struct addrinfo hints, *res;
	const void *a;

	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(link->url.host, NULL, &hints, &res) != 0) {
		*cause = "cannot resolve the Redis host";
		errno = ENOENT;
		return -1;
	}
	if (res->ai_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)(void *)res->ai_addr)
			 ->sin6_addr;
	else
		a = &((const struct sockaddr_in *)(void *)res->ai_addr)
			 ->sin_addr;
	if (inet_ntop(res->ai_family, a, link->addr, sizeof link->addr) ==
	    NULL) {
		freeaddrinfo(res);
		*cause = "cannot resolve the Redis host";
		errno = ENOENT;
		return -1;
	}
	freeaddrinfo(res);
	return 0;
}

static int64_t
opt(int64_t v, int64_t dflt)
{
	return v > 0 ? v : dflt;
}

struct rlink *
rlink_new(struct loop *l, const char *url, enum rlink_kind k,
    const struct rlink_opts *opts, rlink_state_fn *state, void *arg,
    const char **cause)
{
	struct rlink *link;
	struct rlink_opts none = { 0 };

	if ((link = calloc(1, sizeof *link)) == NULL) {
		*cause = "out of memory";
		return NULL;
	}
	if (redis_url_parse(url, &link->url, cause) == -1 ||
	    (link->url.host != NULL && resolve(link, cause) == -1)) {
		if (errno == ENOMEM)
			*cause = "out of memory";
		redis_url_free(&link->url);
		free(link);
		return NULL;
	}
	if (opts == NULL)
		opts = &none;
	link->o.probe_ms = opt(opts->probe_ms, RLINK_PROBE_MS);
	link->o.timeout_ms = opt(opts->timeout_ms, RLINK_TIMEOUT_MS);
	link->o.backoff_min_ms =
	    opt(opts->backoff_min_ms, RLINK_BACKOFF_MIN_MS);
	link->o.backoff_max_ms =
	    opt(opts->backoff_max_ms, RLINK_BACKOFF_MAX_MS);
	if (link->o.backoff_max_ms < link->o.backoff_min_ms)
		link->o.backoff_max_ms = link->o.backoff_min_ms;
	link->backoff = link->o.backoff_min_ms;
	link->loop = l;
	link->kind = k;
	link->state_fn = state;
	link->state_arg = arg;
	STAILQ_INIT(&link->failed);
	TAILQ_INIT(&link->subs);
	if (link->url.path != NULL)
		snprintf(
		    link->name, sizeof link->name, "unix:%s", link->url.path);
	else
		snprintf(link->name, sizeof link->name,
		    strchr(link->addr, ':') != NULL ? "[%s]:%d" : "%s:%d",
		    link->addr, link->url.port);
	snprintf(link->probe_chan, sizeof link->probe_chan,
	    "chatd:probe:%ld:%p", (long)getpid(), (void *)link);
	link_connect(link);
	return link;
}

void
rlink_free(struct rlink *link)
{
	redisAsyncContext *ac;
	struct rsub *s;

	if (link == NULL)
		return;
	assert(link->depth == 0);
	link->closing = 1;
	if ((ac = link->ac) != NULL) {
		link->ac = NULL;
		set_why(link, ERR_CLOSED);
		redisAsyncFree(ac); /* each waiting command's callback */
	}
	flush_failed(link); /* and those made meanwhile */
	loop_timer_stop(link->loop, &link->retry);
	loop_timer_stop(link->loop, &link->probe);
	loop_timer_stop(link->loop, &link->deadline);
	loop_timer_stop(link->loop, &link->flush);
	while ((s = TAILQ_FIRST(&link->subs)) != NULL) {
		TAILQ_REMOVE(&link->subs, s, entry);
		free(s);
	}
	redis_url_free(&link->url);
	free(link);
}

int
rlink_is_up(const struct rlink *link)
{
	return link->state == RL_UP;
}

const char *
rlink_error(const struct rlink *link)
{
	return link->why;
}

size_t
rlink_pending(const struct rlink *link)
{
	return link->pending;
}

void
rlink_flush(struct rlink *link)
{
	/* A socket that is full keeps the rest for its writable event. */
	if (link->state == RL_UP && link->ac != NULL && link->depth == 0)
		redisAsyncHandleWrite(link->ac);
}
