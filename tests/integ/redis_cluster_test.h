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
	struct conn *c = txt_login(PORT(i), NULL);
	char want[128], line[8192], got[4096] = "";
	long end = harness_now_ms() + IRC_WAIT;
	int k;

	/* The nick change, showing what came instead when it does not. */
	txt_send(c, "/nick %s", nick);
	snprintf(want, sizeof want, "is now known as %s", nick);
	for (;;) {
		if (conn_line(c, line, sizeof line,
			(int)(end - harness_now_ms())) < 0)
			irc_fail_at(__FILE__, __LINE__,
			    "node %d: /nick %s: no answer; got:%s", i, nick,
			    got);
		if (strstr(line, want) != NULL)
			break;
		if (strlen(got) + strlen(line) + 4 < sizeof got) {
			strcat(got, "\n  ");
			strcat(got, line);
		}
	}
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

/* The next IRC line must carry text in its last param (what an IRC user
 * is told where cluster-v1.md gives only the plain-text words: the same
 * words, in a NOTICE or a numeric; this reading is the tests'). */
static inline void
irc_want_text_at(const char *f, int l, struct ircc *ic, const char *text)
{
	if (irc_read(ic, IRC_WAIT) != 1)
		irc_fail_at(f, l, "%s: want a line with \"%s\", got none",
		    ic->name, text);
	if (strstr(irc_last(&ic->m), text) == NULL)
		irc_fail_at(f, l, "%s: want a line with \"%s\", got %s",
		    ic->name, text, ic->m.line);
}
#define irc_want_text(ic, text) irc_want_text_at(__FILE__, __LINE__, ic, text)

/* c must be told line (a body) within ms of t0; returns when it was. */
static inline long
told_at(const char *f, int l, struct conn *c, const char *who, const char *line,
    long t0, long ms)
{
	long left = t0 + ms - harness_now_ms();

	if (left < 0 || cl_txt_wait(c, line, NULL, 0, (int)left) < 0)
		irc_fail_at(f, l, "%s was not told \"%s\" within %ld ms", who,
		    line, ms);
	return harness_now_ms() - t0;
}
#define TOLD(c, who, line, t0, ms) \
	told_at(__FILE__, __LINE__, c, who, line, t0, ms)

/* No line on c may hold text (within nothing: what is there now). */
static inline void
none_now(struct conn *c, const char *who, const char *text)
{
	char line[8192];

	while (conn_line(c, line, sizeof line, 0) >= 0)
		if (strstr(line, text) != NULL)
			irc_fail_at(__FILE__, __LINE__, "%s was told again: %s",
			    who, line);
}

/*
 * cluster-v1.md §3, Redis paused for secs seconds (SIGSTOP, SIGCONT),
 * with alice, al2 and dan (IRC) on node a and bob on node b: local lines
 * never wait for the stuck Redis; within 5 s everyone is told the link
 * is lost, once; local delivery goes on; a /msg to another node's nick
 * and a change to a nick not held here get "cluster unavailable"; within
 * 5 s of SIGCONT everyone is told it is restored, once; the room messages
 * said meanwhile reach bob, once each and in order; then /msg crosses
 * again.
 */
static inline void
pause_scenario(const char *test, int secs)
{
	struct conn *a, *a2, *b;
	struct ircc *d;
	char line[8192], got[16][64];
	int i, n = 0, lost = 0, restored = 0, tick = 0;
	long t0, t, end;

	if (!cl_start(&C, test, 2, NULL))
		return;
	a = cl_txt_user(0, "alice", NULL, 0);
	a2 = cl_txt_user(0, "al2", (struct conn *[]){ a }, 1);
	d = cl_irc_join(0, "dan", "#lobby");
	txt_find(a, "dan has joined #lobby");
	txt_find(a2, "dan has joined #lobby");
	b = cl_txt_user(1, "bob", (struct conn *[]){ a, a2 }, 2);
	irc_until(d, "NICK");

	t0 = harness_now_ms();
	redis_srv_pause(&C.redis);
	/* A node never blocks on Redis: before anyone knows it is stuck,
	 * a local line is delivered at once. */
	txt_send(a, "quick");
	ck_assert_msg(cl_txt_wait(a2, "<alice> quick", NULL, 0, 1000) >= 0,
	    "a local line waited for the stuck Redis");
	irc_want(d, ":alice!alice@chatd PRIVMSG #lobby :quick");
	t = TOLD(a, "alice", LINK_LOST, t0, CL_LINK_MS + CL_SLACK);
	fprintf(stderr, "%s: link lost told after %ld ms\n", test, t);
	TOLD(a2, "al2", LINK_LOST, t0, CL_LINK_MS + CL_SLACK);
	TOLD(b, "bob (node b)", LINK_LOST, t0, CL_LINK_MS + CL_SLACK);
	if (!irc_wait_text(d,
		"cluster link lost: messages reach this "
		"server only",
		(int)(t0 + CL_LINK_MS + CL_SLACK - harness_now_ms())))
		irc_fail_at(__FILE__, __LINE__,
		    "dan (IRC) was not told the "
		    "link is lost");

	/* Down: local delivery goes on. */
	for (i = 1; i <= 5; i++)
		txt_send(a, "m%d", i);
	for (i = 1; i <= 5; i++) {
		txt_want(a2, "<alice> m%d", i);
		irc_want(d, ":alice!alice@chatd PRIVMSG #lobby :m%d", i);
	}
	txt_send(a, "/msg al2 local");
	txt_want(a, "-> *al2* local");
	txt_want(a2, "*alice* local");
	/* What needs the other nodes is refused. */
	txt_send(a, "/msg bob hello");
	txt_want(a, UNAVAILABLE);
	txt_send(a, "/nick alicia");
	txt_want(a, UNAVAILABLE);
	txt_send(b, "/msg alice hello");
	txt_want(b, UNAVAILABLE);
	irc_send(d, "PRIVMSG bob :hello");
	irc_want_text(d, "cluster unavailable");
	irc_send(d, "NICK danny");
	irc_want_text(d, "cluster unavailable");
	/* A nick held on this node is still known to be in use. */
	txt_send(a, "/nick AL2");
	txt_want(a, "-!- error: nickname AL2 is already in use");

	/* Paused for secs in all; told once, however long; lines go on. */
	end = t0 + secs * 1000L;
	while (harness_now_ms() < end) {
		none_now(a, "alice", "cluster link");
		none_now(a2, "al2", "cluster link");
		none_now(b, "bob", "cluster link");
		while (irc_read(d, 0) == 1)
			if (strstr(irc_last(&d->m), "cluster link") != NULL ||
			    strcmp(d->m.command, "PRIVMSG") != 0)
				irc_fail_at(__FILE__, __LINE__,
				    "dan got, while down: %s", d->m.line);
		if (harness_now_ms() - t0 >= (tick + 1) * 5000L) {
			tick++;
			txt_send(a2, "tick %d", tick);
			txt_want(a, "<al2> tick %d", tick);
		}
		usleep(100000);
	}
	t0 = harness_now_ms();
	redis_srv_resume(&C.redis);
	t = TOLD(a, "alice", LINK_RESTORED, t0, CL_LINK_MS + CL_SLACK);
	fprintf(stderr, "%s: link restored told after %ld ms\n", test, t);
	TOLD(a2, "al2", LINK_RESTORED, t0, CL_LINK_MS + CL_SLACK);
	if (!irc_wait_text(d, "cluster link restored",
		(int)(t0 + CL_LINK_MS + CL_SLACK - harness_now_ms())))
		irc_fail_at(__FILE__, __LINE__,
		    "dan (IRC) was not told the "
		    "link is restored");

	/* bob: restored, and alice's lines said while down (quick was
	 * said after the SIGSTOP, so it is one of them), once, in order. */
	end = t0 + CL_LINK_MS + CL_SLACK + 3000;
	while (harness_now_ms() < end &&
	    conn_line(b, line, sizeof line, (int)(end - harness_now_ms())) >=
		0) {
		if (strstr(line, LINK_RESTORED) != NULL)
			restored++;
		else if (strstr(line, "cluster link lost") != NULL)
			lost++;
		else if (line_body(line) != NULL &&
		    strncmp(line_body(line), "<alice> ", 8) == 0 && n < 16)
			snprintf(
			    got[n++], sizeof got[0], "%s", line_body(line) + 8);
		if (restored > 0 && n >= 6)
			end = harness_now_ms() + 500; /* and nothing more */
	}
	ck_assert_msg(restored == 1 && lost == 0,
	    "bob (node b) was told restored %d times, lost %d more", restored,
	    lost);
	{
		static const char *const want[] = { "quick", "m1", "m2", "m3",
			"m4", "m5" };
		char all[16 * 64 + 16] = "";

		for (i = 0; i < n; i++) {
			strcat(all, " ");
			strcat(all, got[i]);
		}
		ck_assert_msg(n == 6,
		    "bob got alice's lines:%s (want: quick "
		    "m1 m2 m3 m4 m5)",
		    all);
		for (i = 0; i < 6; i++)
			ck_assert_msg(strcmp(got[i], want[i]) == 0,
			    "bob got alice's lines:%s (want: quick m1 m2 m3 "
			    "m4 m5)",
			    all);
	}
	/* Told once: nothing more about the link. */
	ck_assert_int_eq(txt_count(a, "cluster link", NULL, 1000), 0);
	ck_assert_int_eq(txt_count(a2, "cluster link", NULL, 10), 0);
	/* Across nodes again. */
	txt_send(a, "/msg bob back");
	txt_want(b, "*alice* back");
	txt_want(a, "-> *bob* back");
	txt_send(b, "/nick bobby");
	txt_want(b, "-!- bob is now known as bobby");
	txt_find(a, "-!- bob is now known as bobby");
	irc_close(d);
	conn_close(a);
	conn_close(a2);
	conn_close(b);
	cl_stop(&C);
}

#endif
