/*
 * redis_link_cmd.c: what goes over a link (redis_link.h): the owner's
 * commands, the queue through which those made while the link is not up
 * fail, the up and down reports, and the subscriptions that each
 * connection makes again.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <hiredis/async.h>

#include "redis_link.h"
#include "redis_link_impl.h"

/* --- failures and reports, from the loop ------------------------------ */

void
flush_failed(struct rlink *link)
{
	struct rcmd *c;

	while ((c = STAILQ_FIRST(&link->failed)) != NULL) {
		STAILQ_REMOVE_HEAD(&link->failed, entry);
		link->depth++;
		c->fn(c->arg, NULL, c->err);
		link->depth--;
		free(c);
	}
}

/* Tell the owner every transition since the last report, in order: an up
 * and a down inside one turn of the loop still make a down and an up. */
static void
report(struct rlink *link)
{
	int up;

	for (;;) {
		up = link->state == RL_UP;
		if (link->reported_up &&
		    (!up || link->gen != link->reported_gen))
			link->reported_up = 0;
		else if (!link->reported_up && up) {
			link->reported_up = 1;
			link->reported_gen = link->gen;
		} else
			return;
		if (link->state_fn != NULL) {
			link->depth++;
			link->state_fn(
			    link, link->reported_up, link->state_arg);
			link->depth--;
		}
	}
}

static void
on_flush(struct loop *l, struct loop_timer *t, void *arg)
{
	struct rlink *link = arg;

	(void)l;
	(void)t;
	flush_failed(link);
	report(link);
}

void
link_kick(struct rlink *link)
{
	if (!loop_timer_pending(&link->flush))
		loop_timer_start(
		    link->loop, &link->flush, 0, 0, on_flush, link);
}

void
fail_cmd(struct rlink *link, struct rcmd *c, const char *err)
{
	c->err = err;
	STAILQ_INSERT_TAIL(&link->failed, c, entry);
	link_kick(link);
}

/* --- commands ---------------------------------------------------------- */

static struct rcmd *
cmd_new(struct rlink *link, rlink_reply_fn *fn, void *arg)
{
	struct rcmd *c;

	if ((c = calloc(1, sizeof *c)) == NULL)
		return NULL;
	c->link = link;
	c->fn = fn;
	c->arg = arg;
	return c;
}

/* Whether c may go to Redis now; if not, it is failed. */
static int
cmd_ready(struct rlink *link, struct rcmd *c)
{
	if (link->kind != RLINK_COMMANDS)
		fail_cmd(link, c, ERR_NOT_CMD);
	else if (link->closing)
		fail_cmd(link, c, ERR_CLOSED);
	else if (link->state != RL_UP)
		fail_cmd(link, c, ERR_DOWN);
	else
		return 1;
	return 0;
}

static void
cmd_sent(struct rlink *link, struct rcmd *c, int rc)
{
	if (rc == REDIS_OK)
		link->pending++;
	else
		fail_cmd(link, c, ERR_SEND);
}

int
rlink_command(
    struct rlink *link, rlink_reply_fn *cb, void *arg, const char *fmt, ...)
{
	struct rcmd *c;
	va_list ap;

	if ((c = cmd_new(link, cb, arg)) == NULL)
		return -1;
	if (cmd_ready(link, c)) {
		va_start(ap, fmt);
		cmd_sent(link, c,
		    redisvAsyncCommand(link->ac, cmd_reply, c, fmt, ap));
		va_end(ap);
	}
	return 0;
}

int
rlink_command_argv(struct rlink *link, rlink_reply_fn *cb, void *arg, int argc,
    const char **argv, const size_t *argvlen)
{
	struct rcmd *c;

	if ((c = cmd_new(link, cb, arg)) == NULL)
		return -1;
	if (cmd_ready(link, c))
		cmd_sent(link, c,
		    redisAsyncCommandArgv(
			link->ac, cmd_reply, c, argc, argv, argvlen));
	return 0;
}

/* --- subscriptions ----------------------------------------------------- */

void
sub_send(struct rlink *link, const struct rsub *s, int on)
{
	static const char *const cmd[2][2] = {
		{ "UNSUBSCRIBE %s", "PUNSUBSCRIBE %s" },
		{ "SUBSCRIBE %s", "PSUBSCRIBE %s" },
	};

	if (link->state != RL_HANDSHAKE && link->state != RL_UP)
		return;
	if (redisAsyncCommand(link->ac, cmd_reply, NULL,
		cmd[on != 0][s->pattern != 0], s->name) != REDIS_OK)
		link_drop(link, "cannot send a subscription");
}

static struct rsub *
sub_find(const struct rlink *link, const char *name, int pattern)
{
	struct rsub *s;

	TAILQ_FOREACH(s, &link->subs, entry) {
		if (s->pattern == pattern && strcmp(s->name, name) == 0)
			return s;
	}
	return NULL;
}

static int
sub_add(struct rlink *link, const char *name, int pattern, rlink_message_fn *fn,
    void *arg)
{
	struct rsub *s;
	size_t len = strlen(name);

	if (link->kind != RLINK_SUBSCRIBER) {
		errno = EINVAL;
		return -1;
	}
	if ((s = sub_find(link, name, pattern)) == NULL) {
		if ((s = malloc(sizeof *s + len + 1)) == NULL)
			return -1;
		memcpy(s->name, name, len + 1);
		s->pattern = pattern;
		TAILQ_INSERT_TAIL(&link->subs, s, entry);
		sub_send(link, s, 1);
	}
	s->fn = fn;
	s->arg = arg;
	return 0;
}

static int
sub_del(struct rlink *link, const char *name, int pattern)
{
	struct rsub *s;

	if ((s = sub_find(link, name, pattern)) == NULL) {
		errno = ENOENT;
		return -1;
	}
	sub_send(link, s, 0);
	TAILQ_REMOVE(&link->subs, s, entry);
	free(s);
	return 0;
}

int
rlink_subscribe(
    struct rlink *link, const char *channel, rlink_message_fn *fn, void *arg)
{
	return sub_add(link, channel, 0, fn, arg);
}

int
rlink_psubscribe(
    struct rlink *link, const char *pattern, rlink_message_fn *fn, void *arg)
{
	return sub_add(link, pattern, 1, fn, arg);
}

int
rlink_unsubscribe(struct rlink *link, const char *channel)
{
	return sub_del(link, channel, 0);
}

int
rlink_punsubscribe(struct rlink *link, const char *pattern)
{
	return sub_del(link, pattern, 1);
}
