/* stats.c: chatbench's delivery bookkeeping, latency histogram and report. */
#include <sys/resource.h>

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "proto.h"

/* The seen-bitset is receivers x messages bits; refuse silly sizes. */
#define STATS_MAX_SEEN_BYTES ((size_t)1 << 30)

static int
hist_index(uint64_t v)
{
	int e;

	if (v < HIST_SUB)
		return (int)v;
	e = 63 - __builtin_clzll(v);
	return (e - HIST_SUB_BITS + 1) * HIST_SUB +
	    (int)((v >> (e - HIST_SUB_BITS)) - HIST_SUB);
}

/* The middle of bucket i. */
static uint64_t
hist_value(int i)
{
	int g = i / HIST_SUB, e;
	uint64_t m;

	if (g == 0)
		return (uint64_t)i;
	e = g + HIST_SUB_BITS - 1;
	m = (uint64_t)HIST_SUB + (uint64_t)(i % HIST_SUB);
	return (m << (e - HIST_SUB_BITS)) +
	    (((uint64_t)1 << (e - HIST_SUB_BITS)) >> 1);
}

void
hist_add(struct hist *h, uint64_t ns)
{
	h->count[hist_index(ns)]++;
	if (h->total == 0 || ns < h->min)
		h->min = ns;
	if (ns > h->max)
		h->max = ns;
	h->total++;
}

uint64_t
hist_quantile(const struct hist *h, double q)
{
	uint64_t want, seen = 0, v;
	int i;

	if (h->total == 0)
		return 0;
	want = (uint64_t)(q * (double)h->total);
	if (want < 1)
		want = 1;
	if (want > h->total)
		want = h->total;
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += h->count[i];
		if (seen >= want) {
			v = hist_value(i);
			if (v > h->max)
				v = h->max;
			if (v < h->min)
				v = h->min;
			return v;
		}
	}
	return h->max;
}

int
stats_init(struct bench *b)
{
	size_t seen, i, nlast;
	int s = b->o->senders;

	b->total = (long)s * b->o->messages;
	seen = ((size_t)b->nrecv * (size_t)b->total + 7) / 8;
	if (seen > STATS_MAX_SEEN_BYTES) {
		fprintf(stderr,
		    "chatbench: %d receivers x %ld messages is "
		    "too much to track; use fewer messages\n",
		    b->nrecv, b->total);
		return -1;
	}
	nlast = (size_t)b->nrecv * (size_t)s;
	b->count = calloc((size_t)b->total, sizeof *b->count);
	b->seen = calloc(seen, 1);
	b->last = malloc(nlast * sizeof *b->last);
	b->next_seq = calloc((size_t)s, sizeof *b->next_seq);
	if (b->count == NULL || b->seen == NULL || b->last == NULL ||
	    b->next_seq == NULL) {
		fprintf(stderr, "chatbench: out of memory\n");
		return -1;
	}
	for (i = 0; i < nlast; i++)
		b->last[i] = -1;
	return 0;
}

void
stats_free(struct bench *b)
{
	free(b->count);
	free(b->seen);
	free(b->last);
	free(b->next_seq);
}

void
stats_deliver(struct bench *b, struct conn *rc, int sender, long seq,
    int64_t ts, int64_t now)
{
	long msg = (long)sender * b->o->messages + seq;
	size_t bit;
	int64_t *last;

	if (rc->send_id == sender && bench_senders_receive(b->o)) {
		b->err.echo++;
		bench_note(
		    b, "message %d:%ld came back to its sender", sender, seq);
		return;
	}
	if (!b->running || seq >= b->next_seq[sender]) {
		b->err.garbled++;
		bench_note(b, "message %d:%ld arrived but was never sent",
		    sender, seq);
		return;
	}
	bit = (size_t)rc->recv_id * (size_t)b->total + (size_t)msg;
	if (b->seen[bit / 8] & (1u << (bit % 8))) {
		b->err.dup++;
		bench_note(b, "message %d:%ld twice to receiver %d", sender,
		    seq, rc->recv_id);
		return;
	}
	b->seen[bit / 8] |= (uint8_t)(1u << (bit % 8));
	last = &b->last[(size_t)rc->recv_id * (size_t)b->o->senders +
	    (size_t)sender];
	if (seq < *last) {
		b->err.reorder++;
		bench_note(b, "receiver %d got %d:%ld after %d:%" PRId64,
		    rc->recv_id, sender, seq, sender, *last);
	} else
		*last = seq;
	hist_add(&b->hist, now > ts ? (uint64_t)(now - ts) : 0);
	b->deliveries++;
	b->t_progress = now;
	if (++b->count[msg] == b->expect) {
		b->inflight--;
		if (++b->completed == b->total)
			b->t_end = now;
	}
}

/* chatbench's own CPU seconds (user + system) so far. */
double
stats_cpu(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) == -1)
		return 0;
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

int
stats_proc_cpu(long pid, uint64_t *user, uint64_t *sys)
{
	char path[64], text[1024], *p, *end;
	unsigned long long v[2];
	ssize_t n;
	int fd, field;

	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if ((fd = open(path, O_RDONLY)) == -1)
		return -1;
	n = read(fd, text, sizeof text - 1);
	close(fd);
	if (n <= 0)
		return -1;
	text[n] = '\0';
	/* "pid (comm) state ...": comm may hold spaces and parentheses, so
	 * count from the last ')'; utime and stime are fields 14 and 15. */
	if ((p = strrchr(text, ')')) == NULL)
		return -1;
	p++;
	for (field = 3; field < 14; field++) {
		while (*p == ' ')
			p++;
		while (*p != ' ' && *p != '\0')
			p++;
		if (*p == '\0')
			return -1;
	}
	v[0] = strtoull(p, &end, 10);
	if (end == p)
		return -1;
	p = end;
	v[1] = strtoull(p, &end, 10);
	if (end == p)
		return -1;
	*user = v[0];
	*sys = v[1];
	return 0;
}

/* The server's CPU time over the measured run, per delivery, in ns;
 * negative when it was not measured. */
static void
stats_server(const struct bench *b, double *user_ns, double *sys_ns,
    double *pct, double secs)
{
	double tick = 1e9 / (double)sysconf(_SC_CLK_TCK), u, s;

	*user_ns = *sys_ns = *pct = -1;
	if (!b->srv_ok || b->deliveries == 0 || secs <= 0)
		return;
	u = (double)(b->srv_user[1] - b->srv_user[0]) * tick;
	s = (double)(b->srv_sys[1] - b->srv_sys[0]) * tick;
	*user_ns = u / (double)b->deliveries;
	*sys_ns = s / (double)b->deliveries;
	*pct = 100 * (u + s) / 1e9 / secs;
}

/* A measured value for the RESULT line, or "-". */
static const char *
stats_opt(char *out, size_t len, double v, int decimals)
{
	if (v < 0)
		return "-";
	snprintf(out, len, "%.*f", decimals, v);
	return out;
}

static const char *
stats_what(enum bench_target t)
{
	switch (t) {
	case BENCH_CHATD:
		return "clients in #" CHAT_DEFAULT_ROOM;
	case BENCH_IRC:
		return "clients in ";
	case BENCH_LINES:
		return "clients";
	case BENCH_MIXED:
		return "clients (half text, half IRC) in ";
	case BENCH_REDIS:
		break;
	}
	return "subscribers";
}

static double
stats_us(uint64_t ns)
{
	return (double)ns / 1000.0;
}

int
stats_report(struct bench *b, const char *status)
{
	const struct bench_opts *o = b->o;
	const struct bench_errors *e = &b->err;
	uint64_t expected = (uint64_t)b->sent * b->expect;
	uint64_t loss = expected - b->deliveries;
	double secs, dps, mps, cpu, su, ss, spct;
	char f[3][32];
	int bad;

	secs = (double)(b->t_end - b->t_start) / 1e9;
	dps = secs > 0 ? (double)b->deliveries / secs : 0;
	mps = secs > 0 ? (double)b->completed / secs : 0;
	/* Near 100% means the instrument, not the server, set the pace. */
	cpu = secs > 0 ? 100 * (stats_cpu() - b->cpu_start) / secs : 0;
	stats_server(b, &su, &ss, &spct, secs);
	bad = loss != 0 || b->sent != b->total || e->dup || e->reorder ||
	    e->echo || e->garbled || e->misattributed || e->disconnects ||
	    e->short_publish || strcmp(status, "ok") != 0;
	if (bad && strcmp(status, "ok") == 0)
		status = "errors";
	if (!o->quiet) {
		printf("chatbench: %s at %s:%s: %d %s%s, %d senders x %ld "
		       "messages of %zu bytes, window %ld\n",
		    bench_target_name(o->target), o->host, o->port, o->clients,
		    stats_what(o->target),
		    o->target == BENCH_IRC || o->target == BENCH_MIXED ?
			o->channel :
			"",
		    o->senders, o->messages, o->size, o->window);
		printf("  setup     %.3f s until every connection was ready\n",
		    (double)(b->t_start - b->t_setup) / 1e9);
		printf("  run       %.3f s: %ld of %ld messages sent, "
		       "%ld fully delivered (%u deliveries each)\n",
		    secs, b->sent, b->total, b->completed, b->expect);
		printf("  rate      %.0f deliveries/s (%.0f messages/s); "
		       "chatbench used %.0f%% of a CPU\n",
		    dps, mps, cpu);
		printf("  latency   p50 %.1f us, p90 %.1f us, p99 %.1f us, "
		       "max %.1f us (%" PRIu64 " deliveries)\n",
		    stats_us(hist_quantile(&b->hist, 0.50)),
		    stats_us(hist_quantile(&b->hist, 0.90)),
		    stats_us(hist_quantile(&b->hist, 0.99)),
		    stats_us(b->hist.max), b->hist.total);
		if (b->sent < b->total)
			printf("  unsent    %ld messages never sent: the "
			       "window stayed full\n",
			    b->total - b->sent);
		printf("  checks    loss %" PRIu64 " of %" PRIu64
		       ", dup %" PRIu64 ", reorder %" PRIu64 ", echo %" PRIu64
		       ", garbled %" PRIu64 ", misattributed %" PRIu64 "\n",
		    loss, expected, e->dup, e->reorder, e->echo, e->garbled,
		    e->misattributed);
		printf("  server    disconnects %" PRIu64
		       ", quit notices %" PRIu64 ", error replies %" PRIu64
		       ", short publishes %" PRIu64 "\n",
		    e->disconnects, e->quits, e->server_errors,
		    e->short_publish);
		if (su >= 0)
			printf("  server    pid %ld: %.1f ns user + %.1f ns "
			       "kernel CPU per delivery (%.0f%% of a CPU)\n",
			    o->server_pid, su, ss, spct);
		else if (o->server_pid > 0)
			printf("  server    pid %ld: CPU time not measured\n",
			    o->server_pid);
		if (e->first[0] != '\0')
			printf("  first     %s\n", e->first);
		printf("  status    %s\n", status);
	}
	printf("RESULT target=%s n=%d s=%d m=%ld size=%zu window=%ld "
	       "sent=%ld deliveries=%" PRIu64 " expected=%" PRIu64
	       " elapsed=%.6f dps=%.0f p50_us=%.1f p90_us=%.1f p99_us=%.1f "
	       "max_us=%.1f loss=%" PRIu64 " dup=%" PRIu64 " reorder=%" PRIu64
	       " disconnects=%" PRIu64 " bench_cpu=%.0f srv_user_ns=%s "
	       "srv_sys_ns=%s srv_cpu=%s setup_s=%.3f status=%s\n",
	    bench_target_name(o->target), o->clients, o->senders, o->messages,
	    o->size, o->window, b->sent, b->deliveries,
	    (uint64_t)b->total * b->expect, secs, dps,
	    stats_us(hist_quantile(&b->hist, 0.50)),
	    stats_us(hist_quantile(&b->hist, 0.90)),
	    stats_us(hist_quantile(&b->hist, 0.99)), stats_us(b->hist.max),
	    loss + (uint64_t)(b->total - b->sent) * b->expect, e->dup,
	    e->reorder, e->disconnects, cpu,
	    stats_opt(f[0], sizeof f[0], su, 1),
	    stats_opt(f[1], sizeof f[1], ss, 1),
	    stats_opt(f[2], sizeof f[2], spct, 0),
	    (double)(b->t_start - b->t_setup) / 1e9, status);
	fflush(stdout);
	return bad ? 1 : 0;
}
