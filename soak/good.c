/* good.c: chatsoak's well-behaved clients, and the check that each got every peer's lines exactly once, in order. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soak.h"

/* How long a good client waits for "-!- bye" and the close after /quit. */
#define GOOD_QUIT_MS    10000
/* Room left in a line for the header "Ttoken seq time ". */
#define GOOD_HEADER_MAX 64
#define GOOD_PAD_MIN    8
#define GOOD_PAD_MAX    300

/*
 * A good client talks only in the good room and checks every line it
 * receives there: next[j] is the sequence number it expects next from
 * good client j. Lines are "Ttoken seq sent_ms pad", where pad is a
 * function of (sender, seq) alone, so a receiver can check every byte.
 */
struct soak_good {
	int idx;
	struct sconn *c;
	uint32_t token;
	char nick[32];
	int joined;
	int bye; /* "-!- bye" seen */
	int closed;
	uint64_t sent;
	uint64_t next[SOAK_MAX_GOOD];
	uint64_t delivered;
	uint64_t gaps, dups, corrupt;
	uint64_t cross; /* delivered from a peer on another server */
	int replay;     /* inside a history replay block */
};

/* Pieces of the padding: ASCII, spaces, and multi-byte UTF-8. */
static const char *const good_pieces[] = {
	"a",
	"b",
	"c",
	"d",
	"e",
	"f",
	"g",
	"h",
	"k",
	"m",
	"o",
	"q",
	"s",
	"x",
	"z",
	"0",
	"7",
	" ",
	" ",
	"-",
	".",
	"\xc3\xa9",
	"\xe2\x9c\x93",
	"\xe6\x97\xa5\xe6\x9c\xac",
	"\xf0\x9f\x99\x82",
	"\t",
};

static uint64_t
good_mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* The text good client idx sends as line seq, stamped with sent_ms. */
static size_t
good_text(const struct soak *s, int idx, uint32_t token, uint64_t seq,
    int64_t sent_ms, char *out, size_t outlen)
{
	uint64_t h = good_mix(((uint64_t)idx << 40) ^ seq ^ s->cfg.seed);
	size_t len, padmax, padlen, i, npieces;
	const char *piece;
	int n;

	n = snprintf(out, outlen, "T%08" PRIx32 " %" PRIu64 " %" PRId64 " ",
	    token, seq, sent_ms);
	len = (size_t)n;
	padmax = (size_t)s->cfg.max_line - GOOD_HEADER_MAX;
	if (padmax > GOOD_PAD_MAX)
		padmax = GOOD_PAD_MAX;
	padlen = GOOD_PAD_MIN + h % (padmax - GOOD_PAD_MIN + 1);
	npieces = sizeof good_pieces / sizeof good_pieces[0];
	/* Start with a letter: the text must never look blank. */
	out[len++] = (char)('A' + h % 26);
	for (i = 1; i < padlen && len + 5 < outlen; i++) {
		h = good_mix(h + i);
		piece = good_pieces[h % npieces];
		memcpy(out + len, piece, strlen(piece));
		len += strlen(piece);
	}
	out[len] = '\0';
	return len;
}

static void
good_start(struct soak *s, struct sconn *c)
{
	struct soak_good *g;

	if (s->ngoods == SOAK_MAX_GOOD || (g = calloc(1, sizeof *g)) == NULL) {
		fprintf(stderr, "chatsoak: too many good clients\n");
		exit(3);
	}
	g->idx = s->ngoods;
	g->c = c;
	g->token = (uint32_t)soak_rand(s);
	snprintf(g->nick, sizeof g->nick, "good%d", g->idx);
	for (int j = 0; j < SOAK_MAX_GOOD; j++)
		g->next[j] = 1;
	s->goods[s->ngoods++] = g;
	c->good = g;
	sconn_printf(c, "/nick %s\n/join #%s\n", g->nick, s->cfg.room);
}

static void
good_timer(struct soak *s, struct sconn *c)
{
	struct soak_good *g = c->good;
	char text[4096];
	size_t n;
	int64_t now = soak_now_ms(), gap;

	if (s->phase == PHASE_QUIT) {
		soak_violation(s, c,
		    "%s: no bye and close within %d ms of "
		    "/quit",
		    g->nick, GOOD_QUIT_MS);
		sconn_close(s, c, 0);
		g->closed = 1;
		return;
	}
	if (s->phase != PHASE_RUN)
		return;
	n = good_text(
	    s, g->idx, g->token, g->sent + 1, now, text, sizeof text - 1);
	text[n++] = '\n';
	sconn_send(c, text, n);
	g->sent++;
	s->count[KIND_GOOD].lines_sent++;
	/* Jitter of +-30% around the mean interval. */
	gap = (int64_t)(1000.0 / s->cfg.good_rate);
	c->next_ms = now + soak_between(s, gap * 7 / 10, gap * 13 / 10);
}

static void
good_latency(struct soak *s, int64_t ms)
{
	if (ms < 0)
		ms = 0;
	s->lat_hist[ms < SOAK_LAT_BUCKETS ? ms : SOAK_LAT_BUCKETS - 1]++;
	s->lat_n++;
	s->lat_sum_ms += (uint64_t)ms;
	if (ms > s->lat_max_ms)
		s->lat_max_ms = ms;
}

/* A room message "<nick> text" from good client j: check it. */
static void
good_message(struct soak *s, struct sconn *c, int j, const char *text)
{
	struct soak_good *g = c->good, *from = s->goods[j];
	char want[4096];
	unsigned long long seq;
	long long sent_ms;
	unsigned token;

	if (j == g->idx) {
		soak_violation(
		    s, c, "%s got its own line back: %.60s", g->nick, text);
		return;
	}
	if (sscanf(text, "T%8x %llu %lld ", &token, &seq, &sent_ms) != 3 ||
	    token != from->token || seq == 0 || seq > from->sent) {
		g->corrupt++;
		soak_violation(s, c, "%s: bad line from %s: %.80s", g->nick,
		    from->nick, text);
		return;
	}
	good_text(s, j, from->token, seq, sent_ms, want, sizeof want);
	if (strcmp(want, text) != 0) {
		g->corrupt++;
		soak_violation(s, c,
		    "%s: line %llu from %s altered: got "
		    "\"%.80s\" want \"%.80s\"",
		    g->nick, seq, from->nick, text, want);
		return;
	}
	if (seq < g->next[j]) {
		g->dups++;
		soak_violation(s, c,
		    "%s: line %llu from %s again or out of "
		    "order (expected %" PRIu64 ")",
		    g->nick, seq, from->nick, g->next[j]);
		return;
	}
	if (seq > g->next[j]) {
		g->gaps += seq - g->next[j];
		soak_violation(s, c,
		    "%s: lines %" PRIu64 "..%llu from %s "
		    "missing",
		    g->nick, g->next[j], seq - 1, from->nick);
	}
	g->next[j] = seq + 1;
	g->delivered++;
	if (from->c->node != c->node)
		g->cross++;
	good_latency(s, soak_now_ms() - sent_ms);
}

/* Which good client has this nick, or -1. */
static int
good_find(const struct soak *s, const char *nick, size_t len)
{
	for (int j = 0; j < s->ngoods; j++)
		if (strlen(s->goods[j]->nick) == len &&
		    memcmp(s->goods[j]->nick, nick, len) == 0)
			return j;
	return -1;
}

static void
good_line(struct soak *s, struct sconn *c, char *line, size_t len)
{
	struct soak_good *g = c->good;
	char *text, *end, want[128];
	int j;

	if ((text = soak_unstamp(line, len)) == NULL) {
		soak_violation(s, c, "%s: line without a time stamp: %.80s",
		    g->nick, line);
		return;
	}
	/* history-v1 §2: what the room said before this client joined
	 * (the warm-up's clients, under the same nicks) is not part of
	 * the run; the block is skipped whole. */
	if (strncmp(text, "-!- last ", 9) == 0 &&
	    strstr(text, " in #") != NULL) {
		g->replay = 1;
		return;
	}
	if (g->replay) {
		if (strcmp(text, "-!- end of history") == 0)
			g->replay = 0;
		return;
	}
	if (text[0] == '<' && (end = strstr(text, "> ")) != NULL) {
		if (!g->joined)
			return; /* still in #lobby */
		if ((j = good_find(s, text + 1, (size_t)(end - text - 1))) < 0)
			soak_violation(s, c,
			    "%s: message in #%s from a "
			    "stranger: %.80s",
			    g->nick, s->cfg.room, text);
		else
			good_message(s, c, j, end + 2);
		return;
	}
	if (strncmp(text, "-!- error:", 10) == 0) {
		soak_violation(s, c, "%s: %s", g->nick, text);
		return;
	}
	snprintf(
	    want, sizeof want, "-!- %s has joined #%s", g->nick, s->cfg.room);
	if (strcmp(text, want) == 0) {
		g->joined = 1;
		return;
	}
	if (strcmp(text, "-!- bye") == 0) {
		g->bye = 1;
		return;
	}
	if (s->phase < PHASE_QUIT && strncmp(text, "-!- good", 8) == 0 &&
	    strstr(text, " has quit") != NULL)
		soak_violation(
		    s, c, "%s saw a good peer leave: %s", g->nick, text);
}

static void
good_closed(struct soak *s, struct sconn *c, int err)
{
	struct soak_good *g = c->good;

	g->closed = 1;
	c->next_ms = 0;
	if (s->phase == PHASE_QUIT && g->bye && err == 0) {
		s->count[KIND_GOOD].finished++;
		return;
	}
	s->count[KIND_GOOD].dropped++;
	soak_violation(s, c,
	    "%s: the server closed the connection (%s) "
	    "in the %s phase",
	    g->nick, err ? strerror(err) : "EOF",
	    s->phase == PHASE_QUIT ? "quit" : "run");
}

static void
good_stop(struct soak *s, struct sconn *c)
{
	(void)s;
	c->next_ms = 0;
}

const struct soak_kind_ops soak_good_ops = { "good", good_start, good_timer,
	good_line, good_closed, good_stop };

int
soak_good_all_joined(struct soak *s)
{
	for (int i = 0; i < s->ngoods; i++)
		if (!s->goods[i]->joined && !s->goods[i]->closed)
			return 0;
	return 1;
}

int
soak_good_all_delivered(struct soak *s)
{
	for (int r = 0; r < s->ngoods; r++) {
		if (s->goods[r]->closed)
			continue;
		for (int j = 0; j < s->ngoods; j++)
			if (j != r &&
			    s->goods[r]->next[j] != s->goods[j]->sent + 1)
				return 0;
	}
	return 1;
}

void
soak_good_phase(struct soak *s)
{
	int64_t now = soak_now_ms(), gap;

	gap = (int64_t)(1000.0 / s->cfg.good_rate);
	for (int i = 0; i < s->ngoods; i++) {
		struct soak_good *g = s->goods[i];

		if (g->closed)
			continue;
		if (s->phase == PHASE_RUN)
			g->c->next_ms = now + soak_between(s, 0, gap);
		else if (s->phase == PHASE_QUIT) {
			sconn_printf(g->c, "/quit soak done\n");
			g->c->next_ms = now + GOOD_QUIT_MS;
		}
	}
}

/* The latency below which a fraction q of the delivered lines arrived. */
static int64_t
good_quantile(const struct soak *s, double q)
{
	uint64_t want = (uint64_t)((double)s->lat_n * q), seen = 0;
	int64_t ms;

	for (ms = 0; ms < SOAK_LAT_BUCKETS; ms++)
		if ((seen += s->lat_hist[ms]) > want)
			break;
	return ms;
}

/* Several servers: what crossed between them, and each one's share. */
static void
good_report_nodes(const struct soak *s)
{
	uint64_t cross = 0, delivered[SOAK_MAX_PORTS] = { 0 };
	int clients[SOAK_MAX_PORTS] = { 0 };

	for (int r = 0; r < s->ngoods; r++) {
		const struct soak_good *g = s->goods[r];

		cross += g->cross;
		clients[g->c->node]++;
		delivered[g->c->node] += g->delivered;
	}
	printf("chatsoak: good servers=%d cross_node=%" PRIu64, s->cfg.nports,
	    cross);
	for (int i = 0; i < s->cfg.nports; i++)
		printf(" port%d=%s:%d:%" PRIu64, i + 1, s->cfg.ports[i],
		    clients[i], delivered[i]);
	printf("\n");
}

void
soak_good_report(struct soak *s)
{
	uint64_t expected = 0, delivered = 0, missing = 0;
	uint64_t dups = 0, corrupt = 0, gaps = 0, sent = 0;

	for (int r = 0; r < s->ngoods; r++) {
		struct soak_good *g = s->goods[r];

		sent += g->sent;
		delivered += g->delivered;
		dups += g->dups;
		corrupt += g->corrupt;
		gaps += g->gaps;
		for (int j = 0; j < s->ngoods; j++) {
			uint64_t got = g->next[j] - 1;

			if (j == r)
				continue;
			expected += s->goods[j]->sent;
			if (got < s->goods[j]->sent) {
				missing += s->goods[j]->sent - got;
				soak_violation(s, g->c,
				    "%s never got lines "
				    "%" PRIu64 "..%" PRIu64 " from %s",
				    g->nick, got + 1, s->goods[j]->sent,
				    s->goods[j]->nick);
			}
		}
	}
	printf("chatsoak: good clients=%d dropped=%" PRIu64 " sent=%" PRIu64
	       " expected=%" PRIu64 " delivered=%" PRIu64 " missing=%" PRIu64
	       " gaps=%" PRIu64 " duplicate=%" PRIu64 " corrupt=%" PRIu64
	       " latency_ms_avg=%.1f latency_ms_p99=%" PRId64
	       " latency_ms_max=%" PRId64 "\n",
	    s->ngoods, s->count[KIND_GOOD].dropped, sent, expected, delivered,
	    missing, gaps, dups, corrupt,
	    s->lat_n ? (double)s->lat_sum_ms / (double)s->lat_n : 0.0,
	    good_quantile(s, 0.99), s->lat_max_ms);
	if (s->cfg.nports > 1)
		good_report_nodes(s);
}
