/* udp.c: the UDP timestamp service (chatd-v2 §8): each datagram answered with the time, rate-limited. */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"
#include "net.h"
#include "proto.h"
#include "text.h"
#include "udp.h"

/* Tokens count in millionths: a refill after e microseconds at r per
 * second then adds e * r, with no division and no rounding. */
#define UDP_TOKEN 1000000ull

/* Room for "[YYYY-MM-DD HH:MM:SS] " with any year. */
#define UDP_STAMP_MAX 40

struct udp_bucket {
	uint64_t tokens; /* millionths */
	uint64_t last;   /* when it was last refilled, microseconds */
};

/* One source address: IPv6, or IPv4 as ::ffff:a.b.c.d, so that an IPv4
 * client has one bucket whichever socket family it reached. */
struct udp_source {
	struct udp_bucket bucket;
	unsigned char addr[16];
	int used;
};

struct udp {
	struct loop *loop;
	int fd;
	udp_clock_fn *now;
	void *now_arg;
	uint64_t seed[2]; /* so that nobody can aim at one table slot */
	struct udp_bucket global;
	struct udp_stats stats;
	time_t stamp_time; /* the second stamp was made for */
	size_t stamp_len;
	char stamp[UDP_STAMP_MAX];
	char in[CHATD_UDP_MAX_DATA + 1]; /* one more, to see what is longer */
	char out[UDP_STAMP_MAX + 3 * CHATD_UDP_MAX_DATA + 1];
	/*
	 * Fixed size, whatever is sent. A slot is reused once its bucket is
	 * full again (the source was quiet for a second or more): that
	 * forgets nothing. A new source whose CHATD_UDP_PROBES slots are all
	 * busy is dropped (dropped_table); only sources answered in the last
	 * second keep a slot busy, and the global bucket caps those at about
	 * 2 * CHATD_UDP_GLOBAL_BURST, so with CHATD_UDP_SOURCES at twice that
	 * it takes bad luck, and whatever happens the global limit holds.
	 */
	struct udp_source src[CHATD_UDP_SOURCES];
};

static uint64_t
udp_monotonic(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* splitmix64's finaliser: every input bit moves every output bit. */
static uint64_t
udp_mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static size_t
udp_hash(const struct udp *u, const unsigned char key[16])
{
	uint64_t w[2];

	memcpy(w, key, sizeof w);
	return (
	    size_t)(udp_mix(udp_mix(w[0] ^ u->seed[0]) ^ w[1] ^ u->seed[1]) %
	    CHATD_UDP_SOURCES);
}

static void
udp_seed(struct udp *u)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	u->seed[0] = udp_mix((uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 32);
	u->seed[1] = udp_mix(
	    (uint64_t)getpid() ^ (uint64_t)(uintptr_t)u ^ u->now(u->now_arg));
}

static void
udp_refill(struct udp_bucket *b, uint64_t now, uint64_t rate, uint64_t burst)
{
	uint64_t cap = burst * UDP_TOKEN, elapsed;

	if (now <= b->last)
		return;
	elapsed = now - b->last;
	b->last = now;
	if (elapsed >= cap / rate)
		b->tokens = cap; /* even an empty bucket is full again */
	else if ((b->tokens += elapsed * rate) > cap)
		b->tokens = cap;
}

static void
udp_source_refill(struct udp_source *s, uint64_t now)
{
	udp_refill(
	    &s->bucket, now, CHATD_UDP_SOURCE_RATE, CHATD_UDP_SOURCE_BURST);
}

/* The table slot of source key, found or made; NULL when none is free. */
static struct udp_source *
udp_source(struct udp *u, const unsigned char key[16], uint64_t now)
{
	struct udp_source *s, *spare = NULL;
	size_t h = udp_hash(u, key), i;

	for (i = 0; i < CHATD_UDP_PROBES; i++) {
		s = &u->src[(h + i) % CHATD_UDP_SOURCES];
		if (s->used && memcmp(s->addr, key, sizeof s->addr) == 0) {
			udp_source_refill(s, now);
			return s;
		}
		if (spare != NULL)
			continue;
		if (s->used)
			udp_source_refill(s, now);
		if (!s->used ||
		    s->bucket.tokens == CHATD_UDP_SOURCE_BURST * UDP_TOKEN)
			spare = s;
	}
	if (spare != NULL) {
		memcpy(spare->addr, key, sizeof spare->addr);
		spare->used = 1;
		spare->bucket.tokens = CHATD_UDP_SOURCE_BURST * UDP_TOKEN;
		spare->bucket.last = now;
	}
	return spare;
}

static int
udp_key(const struct sockaddr_storage *ss, unsigned char key[16])
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)ss;

		memset(key, 0, 10);
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &sin->sin_addr, 4);
		return 0;
	}
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)ss;

		memcpy(key, &sin6->sin6_addr, 16);
		return 0;
	}
	return -1;
}

/* Take a token from the global bucket and from key's: 1, or 0 (counted)
 * when either is empty. */
static int
udp_admit(struct udp *u, const unsigned char key[16], uint64_t now)
{
	struct udp_source *s;

	udp_refill(
	    &u->global, now, CHATD_UDP_GLOBAL_RATE, CHATD_UDP_GLOBAL_BURST);
	if (u->global.tokens < UDP_TOKEN) {
		u->stats.dropped_global++;
		return 0;
	}
	if ((s = udp_source(u, key, now)) == NULL) {
		u->stats.dropped_table++;
		return 0;
	}
	if (s->bucket.tokens < UDP_TOKEN) {
		u->stats.dropped_source++;
		return 0;
	}
	s->bucket.tokens -= UDP_TOKEN;
	u->global.tokens -= UDP_TOKEN;
	return 1;
}

static void
udp_answer(struct udp *u, size_t len, const struct sockaddr_storage *to,
    socklen_t tolen)
{
	time_t t = time(NULL);
	struct tm tm;
	size_t n;

	if (t != u->stamp_time || u->stamp_len == 0) {
		if (localtime_r(&t, &tm) == NULL)
			memset(&tm, 0, sizeof tm);
		u->stamp_len = strftime(
		    u->stamp, sizeof u->stamp, "[%Y-%m-%d %H:%M:%S] ", &tm);
		u->stamp_time = t;
	}
	memcpy(u->out, u->stamp, u->stamp_len);
	n = u->stamp_len +
	    text_clean(u->out + u->stamp_len, u->in, len, TEXT_CLEAN_TEXT);
	if (net_sendto(u->fd, u->out, n, to, tolen) == -1)
		u->stats.dropped_send++;
	else
		u->stats.answered++;
}

int
udp_read(struct udp *u)
{
	struct sockaddr_storage from;
	unsigned char key[16];
	socklen_t fromlen;
	uint64_t now = u->now(u->now_arg);
	ssize_t n;
	int i;

	for (i = 0; i < CHATD_UDP_PER_PASS; i++) {
		n = net_recvfrom(u->fd, u->in, sizeof u->in, &from, &fromlen);
		if (n == -1)
			break; /* EAGAIN; any other error waits for next time */
		u->stats.received++;
		if (n == 0 || n > CHATD_UDP_MAX_DATA ||
		    udp_key(&from, key) == -1)
			u->stats.ignored++;
		else if (udp_admit(u, key, now))
			udp_answer(u, (size_t)n, &from, fromlen);
	}
	return i;
}

static void
udp_on_read(struct loop *l, int fd, void *arg)
{
	(void)l;
	(void)fd;
	udp_read(arg);
}

struct udp *
udp_new(struct loop *l, int fd, udp_clock_fn *now, void *arg)
{
	struct udp *u;
	int saved;

	if ((u = calloc(1, sizeof *u)) == NULL)
		return NULL;
	u->loop = l;
	u->fd = fd;
	u->now = now != NULL ? now : udp_monotonic;
	u->now_arg = arg;
	u->stamp_time = (time_t)-1;
	udp_seed(u);
	u->global.tokens = CHATD_UDP_GLOBAL_BURST * UDP_TOKEN;
	u->global.last = u->now(u->now_arg);
	if (loop_add(l, fd, LOOP_READ, udp_on_read, NULL, u) == -1) {
		saved = errno;
		free(u);
		errno = saved;
		return NULL;
	}
	return u;
}

void
udp_free(struct udp *u)
{
	if (u == NULL)
		return;
	loop_del(u->loop, u->fd);
	close(u->fd);
	free(u);
}

const struct udp_stats *
udp_stats(const struct udp *u)
{
	return &u->stats;
}
