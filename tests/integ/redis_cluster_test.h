/*
 * redis_cluster_test.h: what the cluster suites (cluster-v1.md) share:
 * the cluster, and users on its nodes that wait until the other nodes'
 * users have seen them arrive.
 */
#ifndef TEST_REDIS_CLUSTER_TEST_H
#define TEST_REDIS_CLUSTER_TEST_H

#define _DEFAULT_SOURCE
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "ircc.h"
#include "redis_cluster.h"

/* Lines users are told when the link goes and comes back (§3). */
#define LINK_LOST     "-!- cluster link lost: messages reach this server only"
#define LINK_RESTORED "-!- cluster link restored"
#define UNAVAILABLE   "-!- error: cluster unavailable"

static struct cl C;

#define PORT(i) cl_port(&C, (i))

/*
 * A text user nick logs in on node i; every connection in seen (n of
 * them, in #lobby, on any node) must see it arrive as its nick change:
 * what a user sees of another node's user is the proof it is there.
 */
static inline struct conn *
cl_txt_user(int i, const char *nick, struct conn *const *seen, int n)
{
	struct conn *c = txt_login(PORT(i), nick);
	char want[128];
	int k;

	snprintf(want, sizeof want, "is now known as %s", nick);
	for (k = 0; k < n; k++)
		txt_find(seen[k], want);
	return c;
}

/* The text in an IRC line's last param, or "". */
static inline const char *
irc_last(const struct irc_msg *m)
{
	return m->nparams > 0 ? m->params[m->nparams - 1] : "";
}

/*
 * Read IRC lines until one whose last param contains text, within ms;
 * 1 if one came, 0 if not (EOF or time).
 */
static inline int
irc_wait_text(struct ircc *ic, const char *text, int ms)
{
	long end = harness_now_ms() + ms;
	long left;

	while ((left = end - harness_now_ms()) > 0)
		if (irc_read(ic, (int)left) != 1)
			return 0;
		else if (strstr(irc_last(&ic->m), text) != NULL)
			return 1;
	return 0;
}

/* IRC user nick on node i joins room (from no room or another). */
static inline struct ircc *
cl_irc_join(int i, const char *nick, const char *room)
{
	struct ircc *ic = irc_user(PORT(i), nick);

	irc_send(ic, "JOIN %s", room);
	irc_want(ic, ":%s!%s@chatd JOIN %s", nick, nick, room);
	irc_until(ic, "366");
	return ic;
}

/*
 * Read text lines on c for ms and count those whose body contains text;
 * with stop set, return as soon as a line contains stop (that line is
 * not counted unless it also holds text).
 */
static inline int
txt_count(struct conn *c, const char *text, const char *stop, int ms)
{
	char line[8192];
	long end = harness_now_ms() + ms;
	long left;
	int n = 0;

	while ((left = end - harness_now_ms()) > 0) {
		if (conn_line(c, line, sizeof line, (int)left) < 0)
			break;
		if (strstr(line, text) != NULL)
			n++;
		if (stop != NULL && strstr(line, stop) != NULL)
			break;
	}
	return n;
}

#endif
