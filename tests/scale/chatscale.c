/* chatscale.c: make scale: 10,000 plain-text clients in 100 rooms on one chatd, checked for delivery, memory and idle CPU. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chatscale.h"

static void sc_note(struct sc *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
sc_note(struct sc *s, const char *fmt, ...)
{
	va_list ap;

	if (s->err.first[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(s->err.first, sizeof s->err.first, fmt, ap);
	va_end(ap);
}

void
sc_fail(struct sc *s, const char *fmt, ...)
{
	va_list ap;

	fputs("chatscale: FAIL: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	s->failed = 1;
}

/* The talker of room k is the first client put in it: client k. */
static int
sc_talker(const struct sc *s, int room)
{
	(void)s;
	return room;
}

/* "S<room>:<seq>:" then 'x' padding: one talk message. */
static void
sc_message(struct sc *s, struct sc_client *rc, const char *text,
    const char *nick, size_t nicklen, int self)
{
	const char *p = text;
	char *end;
	long room, seq;

	if (*p++ != 'S' || (room = strtol(p, &end, 10), *end != ':') ||
	    (seq = strtol(end + 1, &end, 10), *end != ':') || room < 0 ||
	    room >= s->o.rooms || seq < 0 || seq >= s->o.messages) {
		s->err.garbled++;
		sc_note(s, "garbled message: %.80s", text);
		return;
	}
	if (room != rc->room) {
		s->err.foreign++;
		sc_note(s, "%s in room %d got a message of room %ld", rc->nick,
		    rc->room, room);
		return;
	}
	if (self) {
		s->err.echo++;
		sc_note(s, "talker %s got its own message back", rc->nick);
		return;
	}
	if (strlen(s->cl[sc_talker(s, (int)room)].nick) != nicklen ||
	    memcmp(s->cl[sc_talker(s, (int)room)].nick, nick, nicklen) != 0) {
		s->err.misattributed++;
		sc_note(s, "message of room %ld shown as from <%.*s>", room,
		    (int)nicklen, nick);
	}
	if (seq < rc->next) {
		s->err.dup++;
		sc_note(s, "%s got message %ld of room %ld again (or late)",
		    rc->nick, seq, room);
		return;
	}
	if (seq > rc->next) {
		s->err.gap += seq - rc->next;
		sc_note(s, "%s got message %ld of room %ld, expected %ld",
		    rc->nick, seq, room, rc->next);
	}
	rc->next = seq + 1;
	s->delivered++;
}

/* A "-!- NICK has joined #ROOM" notice: the client's own (it is in) or
 * another's (counted for its room). */
static void
sc_join(struct sc *s, struct sw_conn *c, struct sc_client *cl, const char *body)
{
	const char *has = strstr(body, " has joined #" SC_ROOM_PREFIX);
	size_t nl = has != NULL ? (size_t)(has - body) : 0;
	long room;

	if (has == NULL)
		return; /* #lobby */
	room = strtol(has + strlen(" has joined #" SC_ROOM_PREFIX), NULL, 10);
	if (room != cl->room)
		return;
	if (cl->state == SC_WELCOMED && strlen(cl->nick) == nl &&
	    memcmp(cl->nick, body, nl) == 0) {
		cl->state = SC_IN_ROOM;
		s->in_room++;
		return;
	}
	if (cl->state == SC_IN_ROOM)
		cl->joins++;
	(void)c;
}

void
sc_line(struct swarm *sw, struct sw_conn *c, char *line, size_t len)
{
	struct sc *s = sw->arg;
	struct sc_client *cl = &s->cl[c->idx];
	const char *body, *gt, *bang;

	if (s->idle) {
		s->err.stray_idle++;
		sc_note(s, "while idle, %s got: %.80s", cl->nick, line);
	}
	if (len <= CHAT_STAMP_LEN)
		return;
	body = line + CHAT_STAMP_LEN;
	if (*body == '<') {
		if ((gt = strchr(body, '>')) == NULL || gt[1] != ' ') {
			s->err.garbled++;
			sc_note(s, "garbled line: %.80s", line);
			return;
		}
		sc_message(s, cl, gt + 2, body + 1, (size_t)(gt - body - 1),
		    c->idx == sc_talker(s, cl->room));
		return;
	}
	if (strncmp(body, CHAT_NOTICE_PREFIX, strlen(CHAT_NOTICE_PREFIX)) != 0)
		return;
	body += strlen(CHAT_NOTICE_PREFIX);
	if (strncmp(body, "welcome to chatd, ", 18) == 0 &&
	    cl->state == SC_NEW) {
		body += 18;
		if ((bang = strchr(body, '!')) == NULL ||
		    bang - body > CHAT_NICK_MAX) {
			sc_note(s, "odd welcome: %.80s", line);
			return;
		}
		memcpy(cl->nick, body, (size_t)(bang - body));
		cl->nick[bang - body] = '\0';
		cl->state = SC_WELCOMED;
		s->welcomed++;
		if (swarm_printf(
			sw, c, "/join " SC_ROOM_PREFIX "%d\n", cl->room) == -1)
			sc_note(s, "cannot send /join for %s", cl->nick);
	} else if (strncmp(body, "error: ", 7) == 0) {
		s->err.server_errors++;
		sc_note(s, "chatd said to %s: %.80s", cl->nick, line);
	} else if (strstr(body, " has joined #") != NULL) {
		sc_join(s, c, cl, body);
	} else if (strstr(body, " has quit (") != NULL) {
		s->err.quits++;
		sc_note(s, "%s got: %.80s", cl->nick, line);
	}
}

void
sc_gone(struct swarm *sw, struct sw_conn *c, const char *why)
{
	struct sc *s = sw->arg;

	s->err.gone++;
	sc_note(s, "client %d (%s): %s", c->idx, s->cl[c->idx].nick, why);
}

double
sc_secs(int64_t from)
{
	return (double)(sw_now() - from) / 1e9;
}

/* Poll until done(s) or the phase's time is up; 0 or -1. */
static int
sc_wait(struct sc *s, int (*done)(const struct sc *), const char *what)
{
	int64_t start = sw_now(), last = start;
	long progress = -1, p;

	while (!done(s)) {
		if (swarm_poll(&s->sw, SC_POLL_MS) == -1) {
			sc_fail(s, "epoll_wait: %s", strerror(errno));
			return -1;
		}
		p = s->welcomed + s->in_room + s->delivered;
		if (p != progress) {
			progress = p;
			last = sw_now();
		}
		if (sc_secs(start) * 1000 > SC_PHASE_MS ||
		    sc_secs(last) * 1000 > SC_STALL_MS || s->err.gone > 0) {
			sc_fail(s,
			    "%s: gave up after %.1f s (%ld welcomed, %ld in "
			    "their rooms, %ld of %ld delivered, %ld "
			    "disconnected); first problem: %s",
			    what, sc_secs(start), s->welcomed, s->in_room,
			    s->delivered, s->expected, s->err.gone,
			    s->err.first[0] ? s->err.first : "none");
			return -1;
		}
	}
	return 0;
}

static long
sc_join_expected(const struct sc *s)
{
	long k, total = 0, per;

	for (k = 0; k < s->o.rooms; k++) {
		per = s->o.n / s->o.rooms + (k < s->o.n % s->o.rooms);
		total += per * (per - 1) / 2;
	}
	return total;
}

static int
sc_all_in(const struct sc *s)
{
	long joins = 0;
	int i;

	if (s->in_room < s->o.n)
		return 0;
	for (i = 0; i < s->o.n; i++)
		joins += s->cl[i].joins;
	return joins >= sc_join_expected(s);
}

static int
sc_all_delivered(const struct sc *s)
{
	return s->delivered >= s->expected;
}

/* Connect everyone, at most batch of them not yet in their room, so that
 * #lobby, which each passes through, never holds many. */
int
sc_connect_all(struct sc *s)
{
	const char *cause = "?";
	int64_t start = sw_now();
	int i;

	for (i = 0; i < s->o.n; i++) {
		s->cl[i].room = i % s->o.rooms;
		while (i - s->in_room >= s->o.batch) {
			if (swarm_poll(&s->sw, SC_POLL_MS) == -1 ||
			    s->err.gone > 0 ||
			    sc_secs(start) * 1000 > SC_PHASE_MS) {
				sc_fail(s,
				    "connecting: stuck at %d connected, %ld in "
				    "their rooms after %.1f s; first problem: %s",
				    i, s->in_room, sc_secs(start),
				    s->err.first[0] ? s->err.first : "none");
				return -1;
			}
		}
		if (swarm_connect(&s->sw, i, &cause) == -1) {
			sc_fail(s, "connection %d: %s", i, cause);
			return -1;
		}
		/* An empty line first: a v2 chatd then welcomes at once
		 * instead of waiting 500 ms to see whether it is IRC. */
		(void)swarm_send(&s->sw, &s->sw.c[i], "\n", 1);
	}
	if (sc_wait(s, sc_all_in, "joining") == -1)
		return -1;
	printf("connect: %d clients in %d rooms in %.2f s (%.0f/s), at most "
	       "%d in #lobby at once; %ld join notices in the rooms\n",
	    s->o.n, s->o.rooms, sc_secs(start), s->o.n / sc_secs(start),
	    s->o.batch, sc_join_expected(s));
	return 0;
}

/* Nothing may arrive while everyone is idle. */
void
sc_idle(struct sc *s, int ms)
{
	s->idle = 1;
	swarm_run_for(&s->sw, ms);
	s->idle = 0;
}

void
sc_memory(struct sc *s, long rss0)
{
	long rss1;
	double per;

	sc_idle(s, s->o.idle_ms);
	rss1 = proc_status_kib(s->d.pid, "VmRSS");
	per = (double)(rss1 - rss0) / s->o.n;
	printf("memory: chatd VmRSS %ld KiB before any client, %ld KiB with "
	       "%d idle clients: %.2f KiB per client (at most %.2f)\n",
	    rss0, rss1, s->o.n, per, s->o.max_kib);
	if (rss0 < 0 || rss1 < 0)
		sc_fail(s, "cannot read chatd's VmRSS");
	else if (per > s->o.max_kib)
		sc_fail(s, "%.2f KiB per idle client, more than %.2f", per,
		    s->o.max_kib);
}

void
sc_idle_cpu(struct sc *s)
{
	uint64_t u0, k0, u1, k1;
	long hz = sysconf(_SC_CLK_TCK);
	int64_t t0;
	double secs, pct;

	if (proc_cpu_ticks(s->d.pid, &u0, &k0) == -1) {
		sc_fail(s, "cannot read chatd's CPU time");
		return;
	}
	t0 = sw_now();
	sc_idle(s, s->o.cpu_secs * 1000);
	secs = sc_secs(t0);
	if (proc_cpu_ticks(s->d.pid, &u1, &k1) == -1) {
		sc_fail(s, "cannot read chatd's CPU time");
		return;
	}
	pct = 100.0 * (double)(u1 - u0 + k1 - k0) / (double)hz / secs;
	printf("idle CPU: %llu ticks user, %llu system in %.2f s with %d idle "
	       "clients: %.2f%% of one CPU (at most %.2f%%)\n",
	    (unsigned long long)(u1 - u0), (unsigned long long)(k1 - k0), secs,
	    s->o.n, pct, s->o.max_cpu);
	if (pct > s->o.max_cpu)
		sc_fail(s, "chatd used %.2f%% of a CPU while idle", pct);
	if (s->err.stray_idle > 0)
		sc_fail(s,
		    "%ld lines arrived while everyone was idle; first: %s",
		    s->err.stray_idle, s->err.first);
}

void
sc_talk(struct sc *s)
{
	char text[128];
	int64_t t0;
	double secs;
	long seq, room;
	int len;

	s->expected = 0;
	for (room = 0; room < s->o.rooms; room++)
		s->expected += s->o.messages *
		    (s->o.n / s->o.rooms + (room < s->o.n % s->o.rooms) - 1);
	t0 = sw_now();
	for (seq = 0; seq < s->o.messages; seq++)
		for (room = 0; room < s->o.rooms; room++) {
			len = snprintf(text, sizeof text, "S%ld:%ld:%.*s\n",
			    room, seq, SC_PAD,
			    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
			if (swarm_send(&s->sw,
				&s->sw.c[sc_talker(s, (int)room)], text,
				(size_t)len) == -1) {
				sc_fail(s, "cannot send as talker %ld", room);
				return;
			}
		}
	if (sc_wait(s, sc_all_delivered, "talking") == -1)
		return;
	secs = sc_secs(t0);
	/* Anything more (a duplicate, a stray) would come right behind. */
	swarm_run_for(&s->sw, 500);
	printf("talk: %d talkers (one per room) x %ld messages: %ld "
	       "deliveries expected, %ld delivered in %.2f s; %ld lost, %ld "
	       "duplicated or late, %ld to other rooms, %ld echoed, %ld "
	       "misattributed, %ld garbled\n",
	    s->o.rooms, s->o.messages, s->expected, s->delivered, secs,
	    s->err.gap, s->err.dup, s->err.foreign, s->err.echo,
	    s->err.misattributed, s->err.garbled);
}

void
sc_check_counts(struct sc *s)
{
	long short_ = 0;
	int i;

	for (i = 0; i < s->o.n; i++)
		if (i != sc_talker(s, s->cl[i].room) &&
		    s->cl[i].next != s->o.messages)
			short_++;
	if (short_ > 0)
		sc_fail(s, "%ld receivers did not get all %ld messages", short_,
		    s->o.messages);
	if (s->delivered != s->expected || s->err.gap || s->err.dup ||
	    s->err.foreign || s->err.echo || s->err.misattributed ||
	    s->err.garbled)
		sc_fail(s,
		    "delivery was not exactly once, in order, to the "
		    "room only; first problem: %s",
		    s->err.first);
	if (s->err.server_errors || s->err.quits || s->err.gone)
		sc_fail(s,
		    "%ld errors from chatd, %ld quit notices, %ld "
		    "disconnects; first problem: %s",
		    s->err.server_errors, s->err.quits, s->err.gone,
		    s->err.first);
}
