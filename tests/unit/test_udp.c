/* test_udp.c: server/udp.c with real datagrams on loopback: replies, cleaning, sizes, rate limits. */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check_main.h"
#include "loop.h"
#include "net.h"
#include "proto.h"
#include "udp.h"

/* Bound on any wait for the kernel: generous, never a timing assertion. */
#define WAIT_MS 10000
#define STAMP   22 /* "[YYYY-MM-DD HH:MM:SS] " */
#define SECOND  1000000ull

struct fix {
	struct loop *l;
	struct udp *u;
	char port[16];
	uint64_t now; /* the service's clock, microseconds */
};

static uint64_t
fix_clock(void *arg)
{
	return *(const uint64_t *)arg;
}

/* A service on addr (NULL: every interface); 0, or -1 when addr cannot be
 * bound here. */
static int
fix_start(struct fix *f, const char *addr)
{
	char name[NET_ADDRSTRLEN];
	const char *cause = NULL;
	int fd;

	if ((fd = net_bind_udp(addr, "0", &cause)) == -1)
		return -1;
	ck_assert_int_eq(net_local_name(fd, name, sizeof name), 0);
	snprintf(f->port, sizeof f->port, "%s", strrchr(name, ':') + 1);
	ck_assert_ptr_nonnull(f->l = loop_new(LOOP_SELECT));
	f->now = 5 * SECOND;
	ck_assert_ptr_nonnull(f->u = udp_new(f->l, fd, fix_clock, &f->now));
	return 0;
}

static void
fix_stop(struct fix *f)
{
	udp_free(f->u);
	loop_free(f->l);
}

/* Run the loop until the service has read total datagrams in all. */
static void
fix_pump(struct fix *f, unsigned long long total)
{
	int rounds = 0;

	while (udp_stats(f->u)->received < total) {
		ck_assert_int_ge(loop_poll(f->l, WAIT_MS), 0);
		ck_assert_msg(++rounds < 10000, "only %llu of %llu datagrams",
		    udp_stats(f->u)->received, total);
	}
}

/* A client socket of family af, bound to from (NULL: any), connected to
 * the service at to; -1 when from cannot be bound. */
static int
client(int af, const char *from, const char *to, const char *port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, pass;

	ck_assert_int_ne(fd = socket(af, SOCK_DGRAM, 0), -1);
	for (pass = 0; pass < 2; pass++) {
		const char *host = pass == 0 ? from : to;

		if (host == NULL)
			continue;
		memset(&ss, 0, sizeof ss);
		if (af == AF_INET) {
			struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

			sin->sin_family = AF_INET;
			sin->sin_port = pass == 0 ? 0 : htons(atoi(port));
			inet_pton(AF_INET, host, &sin->sin_addr);
			len = sizeof *sin;
		} else {
			struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

			sin6->sin6_family = AF_INET6;
			sin6->sin6_port = pass == 0 ? 0 : htons(atoi(port));
			inet_pton(AF_INET6, host, &sin6->sin6_addr);
			len = sizeof *sin6;
		}
		if (pass == 0 && bind(fd, (struct sockaddr *)&ss, len) == -1) {
			close(fd);
			return -1;
		}
		if (pass == 1)
			ck_assert_int_eq(
			    connect(fd, (struct sockaddr *)&ss, len), 0);
	}
	return fd;
}

/* The next reply on c into buf (NUL-terminated); its length. */
static size_t
reply(int c, char *buf, size_t size)
{
	struct pollfd pfd = { c, POLLIN, 0 };
	ssize_t n;

	ck_assert_msg(poll(&pfd, 1, WAIT_MS) == 1, "no reply");
	ck_assert_int_ge(n = recv(c, buf, size - 1, 0), 0);
	buf[n] = '\0';
	return (size_t)n;
}

/* Replies waiting on c; the ones the service counted have all arrived, so
 * this reads until it has want, then checks nothing more is there. */
static int
count_replies(int c, int want)
{
	char buf[64];
	int n = 0;

	while (n < want) {
		reply(c, buf, sizeof buf);
		n++;
	}
	while (recv(c, buf, sizeof buf, MSG_DONTWAIT) >= 0)
		n++;
	return n;
}

/* "[YYYY-MM-DD HH:MM:SS] " in local time, within a few seconds of now. */
static void
check_stamp(const char *s)
{
	struct tm tm;
	time_t t;
	char tail;

	memset(&tm, 0, sizeof tm);
	ck_assert_msg(
	    sscanf(s, "[%4d-%2d-%2d %2d:%2d:%2d]%c", &tm.tm_year, &tm.tm_mon,
		&tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &tail) == 7 &&
		tail == ' ' && s[5] == '-' && s[8] == '-' && s[11] == ' ' &&
		s[14] == ':' && s[17] == ':' && s[20] == ']',
	    "stamp \"%.*s\"", STAMP, s);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	ck_assert_msg(
	    labs((long)(t - time(NULL))) <= 5, "stamp %.*s is off", STAMP, s);
}

static void
round_trip_on(const char *addr, int af, const char *to)
{
	struct fix f;
	char buf[128];
	int c;

	if (fix_start(&f, addr) == -1) {
		fprintf(stderr, "SKIP: cannot bind UDP on %s\n", addr);
		return;
	}
	c = client(af, NULL, to, f.port);
	ck_assert_int_eq(send(c, "hello", 5, 0), 5);
	fix_pump(&f, 1);
	ck_assert_uint_eq(reply(c, buf, sizeof buf), STAMP + 5);
	check_stamp(buf);
	ck_assert_str_eq(buf + STAMP, "hello");
	ck_assert_uint_eq(udp_stats(f.u)->answered, 1);
	close(c);
	fix_stop(&f);
}

START_TEST(test_reply_v4)
{
	round_trip_on("127.0.0.1", AF_INET, "127.0.0.1");
	round_trip_on(NULL, AF_INET, "127.0.0.1"); /* dual-stack or 0.0.0.0 */
}
END_TEST

START_TEST(test_reply_v6)
{
	struct fix f;

	if (fix_start(&f, "::1") == -1) {
		fprintf(stderr, "SKIP test_reply_v6: no IPv6 loopback (::1)\n");
		return;
	}
	fix_stop(&f);
	round_trip_on("::1", AF_INET6, "::1");
}
END_TEST

/* DATA is cleaned as any client's text; no newline is added. */
START_TEST(test_cleaned)
{
	static const char in[] = "a\x1b[31mb\x07\tc\xff\xc2\x9b\xe2\x80\xae"
				 "d\xf0\x9f\x98\x80\xed\xa0\x80\r\n";
	static const char want[] = "a[31mb\tc\xef\xbf\xbd"
				   "d\xf0\x9f\x98\x80\xef\xbf\xbd\xef\xbf\xbd"
				   "\xef\xbf\xbd";
	struct fix f;
	char buf[256];
	int c;

	ck_assert_int_eq(fix_start(&f, "127.0.0.1"), 0);
	c = client(AF_INET, NULL, "127.0.0.1", f.port);
	ck_assert_int_eq(send(c, in, sizeof in - 1, 0), (ssize_t)sizeof in - 1);
	fix_pump(&f, 1);
	ck_assert_uint_eq(reply(c, buf, sizeof buf), STAMP + sizeof want - 1);
	ck_assert_str_eq(buf + STAMP, want);
	close(c);
	fix_stop(&f);
}
END_TEST

/* 1..2048 bytes are answered; empty and longer datagrams are not. */
START_TEST(test_sizes)
{
	static char data[4000], buf[STAMP + 3 * 2048 + 16];
	struct fix f;
	int c;

	ck_assert_int_eq(fix_start(&f, "127.0.0.1"), 0);
	c = client(AF_INET, NULL, "127.0.0.1", f.port);
	memset(data, 'x', sizeof data);
	ck_assert_int_eq(send(c, data, 0, 0), 0);
	ck_assert_int_eq(send(c, data, 2049, 0), 2049);
	ck_assert_int_eq(send(c, data, 3999, 0), 3999);
	ck_assert_int_eq(send(c, data, 2048, 0), 2048);
	ck_assert_int_eq(send(c, data, 1, 0), 1);
	fix_pump(&f, 5);
	ck_assert_uint_eq(reply(c, buf, sizeof buf), STAMP + 2048);
	ck_assert_uint_eq(reply(c, buf, sizeof buf), STAMP + 1);
	/* The longest reply: 2048 invalid bytes, each one U+FFFD. */
	memset(data, 0xff, 2048);
	ck_assert_int_eq(send(c, data, 2048, 0), 2048);
	fix_pump(&f, 6);
	ck_assert_uint_eq(reply(c, buf, sizeof buf), STAMP + 3 * 2048);
	ck_assert_mem_eq(buf + STAMP + 3 * 2047, "\xef\xbf\xbd", 3);
	ck_assert_uint_eq(udp_stats(f.u)->ignored, 3);
	ck_assert_uint_eq(udp_stats(f.u)->answered, 3);
	ck_assert_uint_eq(count_replies(c, 0), 0);
	close(c);
	fix_stop(&f);
}
END_TEST

/* 50 at once from one source while time stands still: exactly 20
 * answered; then the bucket refills at 20 per second, up to 20. */
START_TEST(test_per_source)
{
	const struct udp_stats *st;
	struct fix f;
	int c, c2, i;

	ck_assert_int_eq(fix_start(&f, "127.0.0.1"), 0);
	st = udp_stats(f.u);
	c = client(AF_INET, NULL, "127.0.0.1", f.port);
	c2 = client(AF_INET, NULL, "127.0.0.1", f.port); /* same address */
	for (i = 0; i < 50; i++)
		ck_assert_int_eq(send(c, "x", 1, 0), 1);
	fix_pump(&f, 50);
	ck_assert_int_eq(count_replies(c, 20), 20);
	ck_assert_uint_eq(st->answered, 20);
	ck_assert_uint_eq(st->dropped_source, 30);
	/* Another port on the same address shares the bucket. */
	ck_assert_int_eq(send(c2, "x", 1, 0), 1);
	fix_pump(&f, 51);
	ck_assert_uint_eq(st->dropped_source, 31);
	/* 49 ms: not yet a whole token. 50 ms: one. */
	f.now += 49000;
	ck_assert_int_eq(send(c, "x", 1, 0), 1);
	fix_pump(&f, 52);
	ck_assert_uint_eq(st->answered, 20);
	f.now += 1000;
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(send(c, "x", 1, 0), 1);
	fix_pump(&f, 57);
	ck_assert_int_eq(count_replies(c, 1), 1);
	ck_assert_uint_eq(st->answered, 21);
	/* A long quiet time still allows only the burst. */
	f.now += 3600 * SECOND;
	for (i = 0; i < 30; i++)
		ck_assert_int_eq(send(c2, "x", 1, 0), 1);
	fix_pump(&f, 87);
	ck_assert_int_eq(count_replies(c2, 20), 20);
	ck_assert_uint_eq(st->answered, 41);
	ck_assert_uint_eq(st->dropped_source, 31 + 1 + 4 + 10);
	ck_assert_uint_eq(st->dropped_global + st->dropped_table +
		st->dropped_send + st->ignored,
	    0);
	close(c);
	close(c2);
	fix_stop(&f);
}
END_TEST

#define SOURCES 60

/* 60 addresses (127.0.1.x) sending 20 each with time standing still: the
 * global bucket lets 1000 through; then refills at 1000 per second. */
START_TEST(test_global)
{
	const struct udp_stats *st;
	int c[SOURCES], i, j, got = 0;
	unsigned long long sent = 0;
	char addr[32];
	struct fix f;

	ck_assert_int_eq(fix_start(&f, "127.0.0.1"), 0);
	st = udp_stats(f.u);
	for (i = 0; i < SOURCES; i++) {
		snprintf(addr, sizeof addr, "127.0.1.%d", i + 1);
		if ((c[i] = client(AF_INET, addr, "127.0.0.1", f.port)) == -1) {
			fprintf(
			    stderr, "SKIP test_global: cannot bind %s\n", addr);
			while (--i >= 0)
				close(c[i]);
			fix_stop(&f);
			return;
		}
	}
	for (i = 0; i < SOURCES; i++) {
		for (j = 0; j < 20; j++)
			ck_assert_int_eq(send(c[i], "g", 1, 0), 1);
		fix_pump(&f, sent += 20);
	}
	ck_assert_uint_eq(st->answered, CHATD_UDP_GLOBAL_BURST);
	ck_assert_uint_eq(st->dropped_global, 20 * SOURCES - 1000);
	ck_assert_uint_eq(st->dropped_source + st->dropped_table, 0);
	for (i = 0; i < SOURCES; i++)
		got += count_replies(c[i], i < 50 ? 20 : 0);
	ck_assert_int_eq(got, 1000);
	/* 10 ms later: 10 global tokens, taken by the first of the last ten
	 * sources, whose own buckets are still full. */
	f.now += 10000;
	for (i = 50; i < SOURCES; i++)
		for (j = 0; j < 2; j++)
			ck_assert_int_eq(send(c[i], "g", 1, 0), 1);
	fix_pump(&f, sent + 20);
	ck_assert_uint_eq(st->answered, 1010);
	ck_assert_uint_eq(st->dropped_global, 200 + 10);
	for (i = 0; i < SOURCES; i++)
		close(c[i]);
	fix_stop(&f);
}
END_TEST

/* More source addresses than the table has slots, 1000 a second: the
 * slots of quiet sources are reused, so every one is answered. */
START_TEST(test_many_sources)
{
	const struct udp_stats *st;
	unsigned long long sent = 0;
	int c, i, round;
	char addr[32];
	struct fix f;

	ck_assert_int_eq(fix_start(&f, "127.0.0.1"), 0);
	st = udp_stats(f.u);
	for (round = 0; round < 5; round++) {
		for (i = 0; i < 1000; i++) {
			snprintf(addr, sizeof addr, "127.%d.%d.%d", 10 + round,
			    i / 250, 1 + i % 250);
			c = client(AF_INET, addr, "127.0.0.1", f.port);
			if (c == -1) {
				fprintf(stderr,
				    "SKIP test_many_sources: cannot bind %s\n",
				    addr);
				fix_stop(&f);
				return;
			}
			ck_assert_int_eq(send(c, "m", 1, 0), 1);
			close(c);
			if (++sent % 50 == 0)
				fix_pump(&f, sent);
		}
		f.now += SECOND;
	}
	ck_assert_uint_gt(5000, CHATD_UDP_SOURCES);
	ck_assert_uint_eq(st->answered + st->dropped_send, 5000);
	ck_assert_uint_eq(st->dropped_table + st->dropped_global, 0);
	fix_stop(&f);
}
END_TEST

/* One readiness callback reads at most CHATD_UDP_PER_PASS datagrams. */
START_TEST(test_per_pass)
{
	struct fix f;
	int c, i;

	ck_assert_int_eq(fix_start(&f, "127.0.0.1"), 0);
	c = client(AF_INET, NULL, "127.0.0.1", f.port);
	for (i = 0; i < CHATD_UDP_PER_PASS + 36; i++)
		ck_assert_int_eq(send(c, "p", 1, 0), 1);
	ck_assert_int_eq(udp_read(f.u), CHATD_UDP_PER_PASS);
	ck_assert_int_eq(udp_read(f.u), 36);
	ck_assert_int_eq(udp_read(f.u), 0);
	ck_assert_uint_eq(udp_stats(f.u)->received, CHATD_UDP_PER_PASS + 36);
	close(c);
	fix_stop(&f);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("udp");
	TCase *tc = tcase_create("udp");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_reply_v4);
	tcase_add_test(tc, test_reply_v6);
	tcase_add_test(tc, test_cleaned);
	tcase_add_test(tc, test_sizes);
	tcase_add_test(tc, test_per_source);
	tcase_add_test(tc, test_global);
	tcase_add_test(tc, test_many_sources);
	tcase_add_test(tc, test_per_pass);
	suite_add_tcase(s, tc);
	return s;
}
