/* flood.c: chatsoak's flooding clients and clients that send lines over --max-line. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "soak.h"

/* Keep this much queued towards the server while flooding. */
#define FLOOD_QUEUE        32768
#define FLOOD_TICK_MS      5
#define FLOOD_LINES_MIN    150
#define FLOOD_LINES_MAX    400
#define FLOOD_LIFE_MIN_MS  2000
#define FLOOD_LIFE_MAX_MS  8000
#define FLOOD_LEN_MIN      50
#define FLOOD_LEN_MAX      1000
/* Slack on the time flood control must take: timers are not exact. */
#define FLOOD_RATE_SLACK   0.8
#define FLOOD_ANSWER_MS    15000
#define OVERSIZE_MAX_LINES 4
/* Now and then a line far over the limit, to cross several reads. */
#define OVERSIZE_HUGE      (256 * 1024)
#define OVERSIZE_ANSWER_MS 20000

/*
 * Flood: send lines as fast as the socket takes them, reading (and
 * discarding) whatever comes back. Bounded floods send a fixed number of
 * lines and then /quit: the "-!- bye" must come, and no sooner than flood
 * control allows. Unbounded floods go on for a while and then reset.
 */
enum { FLOOD_BOUNDED, FLOOD_UNBOUNDED };
enum { FLOOD_SENDING, FLOOD_WAIT_BYE };

static void
flood_fill(struct soak *s, struct sconn *c)
{
	char line[FLOOD_LEN_MAX + 64];
	int64_t len, maxlen;
	int n;

	maxlen = s->cfg.max_line - 40 < FLOOD_LEN_MAX ? s->cfg.max_line - 40 :
							FLOOD_LEN_MAX;
	while (buf_len(&c->out) < FLOOD_QUEUE &&
	    (c->variant == FLOOD_UNBOUNDED || c->n < c->target)) {
		n = snprintf(line, sizeof line, "flood %u %llu ", c->id,
		    (unsigned long long)c->n);
		len = soak_between(s, FLOOD_LEN_MIN, maxlen);
		if (len < n)
			len = n;
		memset(line + n, 'f', (size_t)(len - n));
		line[len] = '\n';
		sconn_send(c, line, (size_t)len + 1);
		c->n++;
		s->count[c->kind].lines_sent++;
	}
	if (c->variant == FLOOD_BOUNDED && c->n == c->target) {
		sconn_printf(c, "/quit flood done\n");
		c->state = FLOOD_WAIT_BYE;
		c->next_ms = soak_now_ms() + FLOOD_ANSWER_MS +
		    (s->cfg.rate > 0 ? (int64_t)((double)c->target * 1000.0 /
					   s->cfg.rate) :
				       0);
	}
}

static void
flood_start(struct soak *s, struct sconn *c)
{
	c->variant = (int)soak_between(s, 0, 1);
	c->target = (uint64_t)soak_between(s, FLOOD_LINES_MIN, FLOOD_LINES_MAX);
	c->end_ms =
	    c->born_ms + soak_between(s, FLOOD_LIFE_MIN_MS, FLOOD_LIFE_MAX_MS);
	c->next_ms = c->born_ms + FLOOD_TICK_MS;
	flood_fill(s, c);
}

static void
flood_timer(struct soak *s, struct sconn *c)
{
	int64_t now = soak_now_ms();

	if (c->state == FLOOD_WAIT_BYE) {
		soak_violation(s, c,
		    "no bye and close after %llu lines and "
		    "/quit",
		    (unsigned long long)c->n);
		sconn_close(s, c, 1);
		return;
	}
	if (c->variant == FLOOD_UNBOUNDED && now >= c->end_ms) {
		s->count[c->kind].finished++;
		sconn_close(s, c, 1);
		return;
	}
	flood_fill(s, c);
	if (c->state == FLOOD_SENDING)
		c->next_ms = now + FLOOD_TICK_MS;
}

static void
flood_line(struct soak *s, struct sconn *c, char *line, size_t len)
{
	char *text = soak_unstamp(line, len);
	double min_ms;
	int64_t took;

	if (c->state != FLOOD_WAIT_BYE || text == NULL ||
	    strcmp(text, "-!- bye") != 0)
		return;
	c->m = 1;
	took = soak_now_ms() - c->born_ms;
	/* The bucket starts full (burst); each line after that, and the
	 * /quit, waits for a token. */
	min_ms = s->cfg.rate > 0 ?
	    ((double)c->target + 1.0 - (double)s->cfg.burst) * 1000.0 /
		s->cfg.rate :
	    0.0;
	if ((double)took < FLOOD_RATE_SLACK * min_ms)
		soak_violation(s, c,
		    "flood control: %llu lines and /quit "
		    "done in %lld ms, at least %.0f ms expected at --rate %g "
		    "--burst %d",
		    (unsigned long long)c->target, (long long)took, min_ms,
		    s->cfg.rate, s->cfg.burst);
	else
		s->count[c->kind].checked++;
}

static void
flood_closed(struct soak *s, struct sconn *c, int err)
{
	if (c->state == FLOOD_WAIT_BYE && c->m && err == 0) {
		s->count[c->kind].finished++;
		return;
	}
	s->count[c->kind].dropped++;
	if (c->state == FLOOD_WAIT_BYE)
		soak_violation(s, c,
		    "closed after %llu lines and /quit "
		    "without a bye (%s)",
		    (unsigned long long)c->n, err ? strerror(err) : "EOF");
}

static void
flood_stop(struct soak *s, struct sconn *c)
{
	if (c->state == FLOOD_WAIT_BYE)
		return;
	s->count[c->kind].cut++;
	sconn_close(s, c, 1);
}

const struct soak_kind_ops soak_flood_ops = { "flood", flood_start, flood_timer,
	flood_line, flood_closed, flood_stop };

/*
 * Oversize: lines over --max-line (some CRLF-terminated, now and then a
 * huge one) between normal ones, a line of exactly --max-line bytes that
 * must pass, then /quit. Each long line must get exactly one "line too
 * long" error, the connection must stay, and "-!- bye" must come.
 */
static void
oversize_long(struct soak *s, struct sconn *c, size_t len, const char *end)
{
	char chunk[4096];
	size_t n;

	memset(chunk, 'o', sizeof chunk);
	for (; len > 0; len -= n) {
		n = len < sizeof chunk ? len : sizeof chunk;
		sconn_send(c, chunk, n);
	}
	sconn_send(c, end, strlen(end));
	s->count[c->kind].lines_sent++;
}

static void
oversize_start(struct soak *s, struct sconn *c)
{
	size_t max = (size_t)s->cfg.max_line, len;
	int i;

	c->target = (uint64_t)soak_between(s, 1, OVERSIZE_MAX_LINES);
	for (i = 0; i < (int)c->target; i++) {
		sconn_printf(c, "oversize %u ok %d\n", c->id, i);
		if (soak_between(s, 0, 7) == 0)
			len = OVERSIZE_HUGE;
		else
			len = max + 1 +
			    (size_t)soak_between(s, 0, 3 * (int64_t)max);
		oversize_long(s, c, len, i % 2 ? "\r\n" : "\n");
	}
	/* Exactly the limit, with CR LF: the CR does not count. */
	oversize_long(s, c, max, "\r\n");
	sconn_printf(c, "/quit oversize done\n");
	s->count[c->kind].lines_sent += c->target + 1;
	c->next_ms = c->born_ms + OVERSIZE_ANSWER_MS;
}

static void
oversize_timer(struct soak *s, struct sconn *c)
{
	soak_violation(
	    s, c, "no bye and close within %d ms", OVERSIZE_ANSWER_MS);
	sconn_close(s, c, 1);
}

static void
oversize_line(struct soak *s, struct sconn *c, char *line, size_t len)
{
	char *text = soak_unstamp(line, len);

	if (text == NULL)
		return;
	if (strncmp(text, "-!- error: line too long", 24) == 0)
		c->n++;
	else if (strncmp(text, "-!- error:", 10) == 0)
		soak_violation(s, c, "unexpected %s", text);
	else if (strcmp(text, "-!- bye") == 0)
		c->m = 1;
}

static void
oversize_closed(struct soak *s, struct sconn *c, int err)
{
	if (!c->m || err != 0) {
		s->count[c->kind].dropped++;
		soak_violation(s, c, "closed without a bye (%s)",
		    err ? strerror(err) : "EOF");
		return;
	}
	if (c->n != c->target) {
		soak_violation(s, c,
		    "%llu \"line too long\" errors for %llu "
		    "long lines",
		    (unsigned long long)c->n, (unsigned long long)c->target);
		return;
	}
	s->count[c->kind].finished++;
	s->count[c->kind].checked += c->target;
}

static void
oversize_stop(struct soak *s, struct sconn *c)
{
	(void)s;
	(void)c;
}

const struct soak_kind_ops soak_oversize_ops = { "oversize", oversize_start,
	oversize_timer, oversize_line, oversize_closed, oversize_stop };
