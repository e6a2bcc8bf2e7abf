/* wire.c: chatbench's wire forms: the token, chatd lines and Redis RESP. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "proto.h"

/*
 * A message's text is its token, "B<sender>:<seq>:<sent ns>:", padded
 * with 'x' to exactly --size bytes, so a truncated or merged message
 * cannot pass as a good one.
 */
static size_t
wire_token(const struct bench *b, char *out, int sender, long seq, int64_t now)
{
	int n;

	n = snprintf(
	    out, b->o->size + 1, "B%d:%ld:%" PRId64 ":", sender, seq, now);
	if (n < 0 || (size_t)n >= b->o->size)
		return 0;
	memset(out + n, 'x', b->o->size - (size_t)n);
	return b->o->size;
}

/* Parse a decimal number ending at sep; advances *p past sep. */
static int
wire_number(const char **p, const char *end, char sep, int64_t *v)
{
	const char *s = *p;
	int64_t n = 0;

	if (s >= end || *s < '0' || *s > '9')
		return -1;
	while (s < end && *s >= '0' && *s <= '9') {
		if (n > (INT64_MAX - 9) / 10)
			return -1;
		n = n * 10 + (*s++ - '0');
	}
	if (s >= end || *s != sep)
		return -1;
	*p = s + 1;
	*v = n;
	return 0;
}

void
wire_deliver(struct bench *b, struct conn *c, const char *text, size_t len,
    const char *nick, size_t nicklen, int64_t now)
{
	const char *p = text, *end = text + len;
	int64_t sender, seq, ts;
	struct conn *sc;

	if (len != b->o->size || *p++ != 'B' ||
	    wire_number(&p, end, ':', &sender) == -1 ||
	    wire_number(&p, end, ':', &seq) == -1 ||
	    wire_number(&p, end, ':', &ts) == -1 || sender >= b->o->senders ||
	    seq >= b->o->messages) {
		b->err.garbled++;
		bench_note(b, "garbled message (%zu bytes): %.*s", len,
		    (int)(len > 80 ? 80 : len), text);
		return;
	}
	for (; p < end; p++)
		if (*p != 'x') {
			b->err.garbled++;
			bench_note(b, "garbled padding: %.*s",
			    (int)(len > 80 ? 80 : len), text);
			return;
		}
	if (nick != NULL) {
		sc = &b->conns[sender];
		if (strlen(sc->nick) != nicklen ||
		    memcmp(sc->nick, nick, nicklen) != 0) {
			b->err.misattributed++;
			bench_note(b,
			    "message of sender %d (%s) shown as "
			    "<%.*s>",
			    (int)sender, sc->nick, (int)nicklen, nick);
		}
	}
	stats_deliver(b, c, (int)sender, (long)seq, ts, now);
}

int
wire_queue_message(
    struct bench *b, struct conn *c, int sender, long seq, int64_t now)
{
	char *p;
	size_t room = b->o->size + 128, n = 0, tl;
	int h, irc = bench_conn_irc(b->o, (int)(c - b->conns));

	if ((p = buf_reserve(&c->out, room)) == NULL)
		return -1;
	h = 0;
	if (b->o->target == BENCH_REDIS)
		h = snprintf(p, room,
		    "*3\r\n$7\r\nPUBLISH\r\n$%zu\r\n%s\r\n"
		    "$%zu\r\n",
		    strlen(b->o->channel), b->o->channel, b->o->size);
	else if (irc)
		h = snprintf(p, room, "PRIVMSG %s :", b->o->channel);
	if (h < 0 || (size_t)h >= room - b->o->size - 2)
		return -1;
	n = (size_t)h;
	if ((tl = wire_token(b, p + n, sender, seq, now)) == 0)
		return -1;
	n += tl;
	if (b->o->target == BENCH_REDIS || irc)
		p[n++] = '\r';
	p[n++] = '\n';
	buf_commit(&c->out, n);
	return 0;
}

int
wire_queue_hello(struct bench *b, struct conn *c)
{
	char line[256];
	int n;

	if (bench_conn_irc(b->o, (int)(c - b->conns)))
		return irc_queue_hello(b, c);
	/* chatd v2 tells text from IRC by the first line and welcomes a
	 * silent client only after 500 ms: an empty line (ignored by every
	 * chatd) gets the welcome at once. */
	if (b->o->target == BENCH_CHATD || b->o->target == BENCH_MIXED)
		return buf_append(&c->out, "\n", 1);
	if (b->o->target != BENCH_REDIS || c->recv_id < 0)
		return 0;
	n = snprintf(line, sizeof line,
	    "*2\r\n$9\r\nSUBSCRIBE\r\n$%zu\r\n%s\r\n", strlen(b->o->channel),
	    b->o->channel);
	if (n < 0 || (size_t)n >= sizeof line)
		return -1;
	return buf_append(&c->out, line, (size_t)n);
}

static int
wire_starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

static int
wire_ends(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

static int
wire_contains(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; i + n <= len; i++)
		if (memcmp(s + i, needle, n) == 0)
			return 1;
	return 0;
}

/* One line from chatd, without its LF (and CR). */
static void
wire_chatd_line(
    struct bench *b, struct conn *c, const char *line, size_t len, int64_t now)
{
	const char *p, *gt, *end = line + len, *bang;
	size_t n;

	if (len <= CHAT_STAMP_LEN) {
		bench_note(b, "short line from chatd: %.*s", (int)len, line);
		return;
	}
	p = line + CHAT_STAMP_LEN;
	n = len - CHAT_STAMP_LEN;
	if (*p == '<') {
		gt = memchr(p, '>', n);
		if (gt == NULL || gt + 1 >= end || gt[1] != ' ') {
			b->err.garbled++;
			bench_note(b, "garbled line: %.*s", (int)len, line);
			return;
		}
		wire_deliver(b, c, gt + 2, (size_t)(end - gt - 2), p + 1,
		    (size_t)(gt - p - 1), now);
		return;
	}
	if (!wire_starts(p, n, CHAT_NOTICE_PREFIX))
		return; /* actions, private messages: not ours */
	p += strlen(CHAT_NOTICE_PREFIX);
	n -= strlen(CHAT_NOTICE_PREFIX);
	if (wire_starts(p, n, "welcome to chatd, ")) {
		p += strlen("welcome to chatd, ");
		n -= strlen("welcome to chatd, ");
		bang = memchr(p, '!', n);
		if (bang == NULL || bang - p >= CONN_NICK_MAX || c->ready) {
			bench_note(b, "odd welcome: %.*s", (int)len, line);
			return;
		}
		memcpy(c->nick, p, (size_t)(bang - p));
		c->nick[bang - p] = '\0';
		c->ready = 1;
		b->welcomes++;
	} else if (wire_starts(p, n, "error: ")) {
		b->err.server_errors++;
		bench_note(
		    b, "chatd said to %s: %.*s", c->nick, (int)len, line);
	} else if (wire_ends(p, n, " has joined #" CHAT_DEFAULT_ROOM)) {
		b->joins++;
		if (b->running)
			bench_note(
			    b, "join during the run: %.*s", (int)len, line);
	} else if (b->running && wire_contains(p, n, " has quit (")) {
		b->err.quits++;
		bench_note(b, "during the run: %.*s", (int)len, line);
	}
}

/* One RESP element: a bulk string (p, len), or an integer, simple string
 * or error (type '+', '-', ':' with p, len the text after the type). */
struct resp_item {
	char type;
	const char *p;
	size_t len;
};

#define RESP_MAX_ITEMS 4

/* Find the CRLF-terminated header at d[pos]; returns the end (after LF) or
 * 0 when not complete. */
static size_t
resp_header(const char *d, size_t n, size_t pos, size_t *textlen)
{
	const char *lf;

	if (pos >= n || (lf = memchr(d + pos, '\n', n - pos)) == NULL)
		return 0;
	*textlen = (size_t)(lf - d) - pos;
	if (*textlen > 0 && d[pos + *textlen - 1] == '\r')
		(*textlen)--;
	return (size_t)(lf - d) + 1;
}

static long
resp_int(const char *p, size_t len)
{
	long v = 0;
	int neg = len > 0 && *p == '-';
	size_t i;

	for (i = neg; i < len && p[i] >= '0' && p[i] <= '9'; i++)
		v = v * 10 + (p[i] - '0');
	return neg ? -v : v;
}

/*
 * Parse one reply at d: an array of up to RESP_MAX_ITEMS plain items, or a
 * single plain item. Returns the bytes it takes, 0 when incomplete, -1 on
 * anything else (nested arrays and nil do not happen in this workload).
 */
static long
resp_parse(const char *d, size_t n, struct resp_item *it, int *nit)
{
	size_t pos = 0, next, tl;
	long count = 1, i, bl;
	int array = 0;

	if (n == 0)
		return 0;
	if (d[0] == '*') {
		if ((next = resp_header(d, n, 0, &tl)) == 0)
			return 0;
		count = resp_int(d + 1, tl - 1);
		if (count < 1 || count > RESP_MAX_ITEMS)
			return -1;
		pos = next;
		array = 1;
	}
	for (i = 0; i < count; i++) {
		if ((next = resp_header(d, n, pos, &tl)) == 0)
			return 0;
		it[i].type = d[pos];
		if (d[pos] == '$') {
			bl = resp_int(d + pos + 1, tl - 1);
			if (bl < 0)
				return -1;
			if (next + (size_t)bl + 2 > n)
				return 0;
			it[i].p = d + next;
			it[i].len = (size_t)bl;
			pos = next + (size_t)bl + 2;
		} else if (d[pos] == ':' || d[pos] == '+' || d[pos] == '-') {
			it[i].p = d + pos + 1;
			it[i].len = tl - 1;
			pos = next;
		} else
			return -1;
	}
	*nit = array ? (int)count : 1;
	return (long)pos;
}

static int
resp_is(const struct resp_item *it, const char *s)
{
	return it->type == '$' && it->len == strlen(s) &&
	    memcmp(it->p, s, it->len) == 0;
}

static int
wire_redis_reply(
    struct bench *b, struct conn *c, struct resp_item *it, int nit, int64_t now)
{
	long v;

	if (nit == 1 && it[0].type == '-') {
		b->err.server_errors++;
		bench_note(b, "redis error: %.*s", (int)it[0].len, it[0].p);
	} else if (nit == 1 && it[0].type == ':' && c->send_id >= 0) {
		v = resp_int(it[0].p, it[0].len);
		if (v != b->o->clients) {
			b->err.short_publish++;
			bench_note(b, "PUBLISH reached %ld of %d subscribers",
			    v, b->o->clients);
		}
	} else if (nit == 3 && resp_is(&it[0], "message") && c->recv_id >= 0) {
		wire_deliver(b, c, it[2].p, it[2].len, NULL, 0, now);
	} else if (nit == 3 && resp_is(&it[0], "subscribe") && !c->ready) {
		c->ready = 1;
		b->subscribed++;
	} else {
		bench_note(b, "unexpected reply from redis (%d items, %c)", nit,
		    it[0].type);
		return -1;
	}
	return 0;
}

long
wire_input(struct bench *b, struct conn *c, char *d, size_t n, int64_t now)
{
	struct resp_item it[RESP_MAX_ITEMS];
	const char *lf;
	size_t pos = 0, l;
	long r;
	int nit;

	if (bench_conn_irc(b->o, (int)(c - b->conns)))
		return irc_input(b, c, d, n, now);
	if (b->o->target == BENCH_LINES)
		return lines_input(b, c, d, n, now);
	if (b->o->target == BENCH_CHATD || b->o->target == BENCH_MIXED) {
		while (pos < n && (lf = memchr(d + pos, '\n', n - pos))) {
			l = (size_t)(lf - d) - pos;
			if (l > 0 && d[pos + l - 1] == '\r')
				l--;
			wire_chatd_line(b, c, d + pos, l, now);
			pos = (size_t)(lf - d) + 1;
		}
		return (long)pos;
	}
	while (pos < n) {
		if ((r = resp_parse(d + pos, n - pos, it, &nit)) == 0)
			break;
		if (r < 0) {
			bench_note(b, "bad RESP from redis: %.*s",
			    (int)(n - pos > 40 ? 40 : n - pos), d + pos);
			return -1;
		}
		if (wire_redis_reply(b, c, it, nit, now) == -1)
			return -1;
		pos += (size_t)r;
	}
	return (long)pos;
}
