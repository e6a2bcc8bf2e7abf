/* test_basic.c: connecting, broadcast and line handling, on the real chatd. */
#define _GNU_SOURCE /* unshare() */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <net/if.h>

#include <sched.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check_main.h"
#include "fixture.h"
#include "harness.h"

#define WAIT  5000 /* ms: generous bound for anything to arrive */
#define QUIET 300  /* ms: how long "nothing more arrives" is watched */

/* The guest number in a welcome line, or -1. */
static int
welcome_guest(const char *line)
{
	const char *b = line_body(line);
	char tail[128];
	int n;

	if (b == NULL ||
	    sscanf(b, "-!- welcome to chatd, guest%d! %127[^\n]", &n, tail) !=
		2 ||
	    strcmp(tail, "you are in #lobby; type /help for commands") != 0)
		return -1;
	return n;
}

/* 1 if the stamp of line is the local time now, give or take 5 s. */
static int
stamp_is_now(const char *line)
{
	struct tm tm;
	time_t t = time(NULL);
	int h, m, s, d;

	if (line_body(line) == NULL ||
	    sscanf(line, "[%2d:%2d:%2d]", &h, &m, &s) != 3 || h > 23 ||
	    m > 59 || s > 59)
		return 0;
	localtime_r(&t, &tm);
	d = abs((tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec) -
	    (h * 3600 + m * 60 + s));
	return d <= 5 || d >= 86400 - 5;
}

START_TEST(test_welcome_unique_guests)
{
	struct fx fx;
	struct conn *c[4];
	char line[512], want[128];
	int n[4], i, j;

	fx_start(&fx, NULL, NULL);
	for (i = 0; i < 4; i++) {
		c[i] = fx_open(&fx);
		/* The welcome is the very first line. */
		ck_assert_int_ge(conn_line(c[i], line, sizeof line, WAIT), 0);
		n[i] = welcome_guest(line);
		ck_assert_msg(n[i] >= 0, "bad welcome: %s", line);
		ck_assert_msg(stamp_is_now(line), "bad stamp: %s", line);
		for (j = 0; j < i; j++) {
			ck_assert_int_ne(n[i], n[j]);
			snprintf(want, sizeof want,
			    "-!- guest%d has joined #lobby", n[i]);
			ck_assert(conn_next_is(c[j], want, WAIT));
		}
		/* The newcomer sees no join notice about itself. */
		ck_assert(conn_quiet(c[i], QUIET));
	}
	fx_stop(&fx);
}
END_TEST

START_TEST(test_guest_skips_taken_nick)
{
	struct fx fx;
	struct conn *a, *b;
	char line[512], cmd[64];
	int na, nb;

	fx_start(&fx, NULL, NULL);
	a = fx_open(&fx);
	ck_assert_int_ge(conn_line(a, line, sizeof line, WAIT), 0);
	ck_assert_int_ge(na = welcome_guest(line), 0);
	/* Take the name the next guest would get, in another case. */
	snprintf(cmd, sizeof cmd, "/nick GUEST%d\n", na + 1);
	conn_send(a, cmd);
	ck_assert(conn_expect(a, "is now known as", NULL, 0, WAIT));
	b = fx_open(&fx);
	ck_assert_int_ge(conn_line(b, line, sizeof line, WAIT), 0);
	ck_assert_int_ge(nb = welcome_guest(line), 0);
	ck_assert_msg(nb != na + 1, "guest%d given twice (taken by /nick)", nb);
	fx_stop(&fx);
}
END_TEST

START_TEST(test_broadcast_no_echo)
{
	struct fx fx;
	struct conn *a, *b, *c;
	char line[512];

	fx_start(&fx, NULL,
	    FX_USERS({ "alice", &a }, { "bob", &b }, { "carol", &c }));
	conn_send(a, "hello all\n");
	ck_assert_int_ge(conn_line(b, line, sizeof line, WAIT), 0);
	ck_assert_msg(stamp_is_now(line), "bad stamp: %s", line);
	ck_assert_str_eq(line_body(line), "<alice> hello all");
	ck_assert(conn_next_is(c, "<alice> hello all", WAIT));
	/* Never echoed, and exactly once: nothing more reaches anyone. */
	ck_assert(conns_quiet((struct conn *[]){ a, b, c }, 3, QUIET));
	/* Lines split over writes, and several lines in one write. */
	conn_send(b, "spl");
	usleep(50000);
	conn_send(b, "it\r");
	usleep(50000);
	conn_send(b, "\none\ntwo\n");
	ck_assert(conn_next_is(a, "<bob> split", WAIT));
	ck_assert(conn_next_is(a, "<bob> one", WAIT));
	ck_assert(conn_next_is(a, "<bob> two", WAIT));
	ck_assert(conn_next_is(c, "<bob> split", WAIT));
	ck_assert(conn_next_is(c, "<bob> one", WAIT));
	ck_assert(conn_next_is(c, "<bob> two", WAIT));
	ck_assert(conns_quiet((struct conn *[]){ a, b, c }, 3, QUIET));
	fx_stop(&fx);
}
END_TEST

/*
 * Read from c the lines "<nick> nick-i" (i from 0 to per-1) of nsend
 * senders, told apart by their nick: each must come exactly once and in
 * its sender's order, and then nothing more for QUIET ms. Duplicates and
 * lines missing or out of order are counted, and reported together.
 */
static void
read_ordered(struct conn *c, const char **nicks, int nsend, int per)
{
	char line[512], prefix[64];
	const char *b;
	int next[4] = { 0, 0, 0, 0 }, dup = 0, gap = 0, odd = 0, done = 0;
	int k, seq, ms = WAIT;

	ck_assert_int_le(nsend, 4);
	/* After the last expected line, any more is a duplicate. */
	while (conn_line(c, line, sizeof line, ms) >= 0) {
		b = line_body(line);
		for (k = 0; b != NULL && k < nsend; k++) {
			snprintf(prefix, sizeof prefix, "<%s> %s-", nicks[k],
			    nicks[k]);
			if (strncmp(b, prefix, strlen(prefix)) == 0)
				break;
		}
		if (b == NULL || k == nsend ||
		    sscanf(b + strlen(prefix), "%d", &seq) != 1 || seq < 0 ||
		    seq >= per) {
			if (odd++ == 0)
				fprintf(stderr, "unexpected line: %s\n", line);
			continue;
		}
		if (seq < next[k]) {
			dup++;
		} else {
			gap += seq - next[k];
			next[k] = seq + 1;
			done += next[k] == per;
		}
		if (done == nsend)
			ms = QUIET;
	}
	for (k = 0; k < nsend; k++)
		gap += per - next[k];
	ck_assert_msg(dup == 0 && gap == 0 && odd == 0,
	    "%d senders x %d lines: %d duplicates, %d missing or out of "
	    "order, %d unexpected",
	    nsend, per, dup, gap, odd);
}

START_TEST(test_order_exactly_once)
{
	const char *args[] = { "--rate", "0", NULL };
	const char *nicks[] = { "alice", "bob" };
	struct fx fx;
	struct conn *a, *b, *r;
	char *big[2], *p;
	int i, k, per = 1000;

	fx_start(&fx, args,
	    FX_USERS({ "alice", &a }, { "bob", &b }, { "reader", &r }));
	for (k = 0; k < 2; k++) {
		p = big[k] = malloc((size_t)per * 32);
		for (i = 0; i < per; i++)
			p += sprintf(p, "%s-%d\n", nicks[k], i);
	}
	/* Interleave the two senders' writes in chunks. */
	for (i = 0; i < 10; i++)
		for (k = 0; k < 2; k++) {
			size_t len = strlen(big[k]), part = len / 10 + 1;
			size_t off = (size_t)i * part;

			if (off < len)
				conn_send_raw(k == 0 ? a : b, big[k] + off,
				    off + part > len ? len - off : part);
		}
	read_ordered(r, nicks, 2, per);
	read_ordered(a, nicks + 1, 1, per);
	read_ordered(b, nicks, 1, per);
	free(big[0]);
	free(big[1]);
	fx_stop(&fx);
}
END_TEST

/* Send raw bytes from a and check b receives exactly want. */
static void
pass(
    struct conn *a, struct conn *b, const char *raw, size_t n, const char *want)
{
	conn_send_raw(a, raw, n);
	ck_assert_msg(conn_next_is(b, want, WAIT), "sent %zu bytes", n);
}
#define PASS(a, b, lit, want) pass(a, b, lit, sizeof lit - 1, want)

START_TEST(test_text_exact)
{
	struct fx fx;
	struct conn *a, *b;
	char line[512];
	const char *body;

	fx_start(&fx, NULL, FX_USERS({ "alice", &a }, { "bob", &b }));
	PASS(a, b, "tab\there\t\n", "<alice> tab\there\t");
	PASS(a, b,
	    "h\xc3\xa9llo w\xc3\xb6rld \xe6\x97\xa5\xe6\x9c\xac "
	    "\xf0\x9f\x8e\x89\n",
	    "<alice> h\xc3\xa9llo w\xc3\xb6rld \xe6\x97\xa5\xe6\x9c\xac "
	    "\xf0\x9f\x8e\x89");
	PASS(a, b, "   spaced  out   \n", "<alice>    spaced  out   ");
	PASS(a, b, "<b>not html</b> & %s %n\n",
	    "<alice> <b>not html</b> & %s %n");
	/* Invalid UTF-8: passed on or replaced, never a crash. */
	conn_send(a, "bad \xff\xfe\xc3( \xed\xa0\x80\xc0\xaf end\n");
	ck_assert_int_ge(conn_line(b, line, sizeof line, WAIT), 0);
	body = line_body(line);
	ck_assert_ptr_nonnull(body);
	ck_assert_msg(strncmp(body, "<alice> bad ", 12) == 0 &&
		strcmp(body + strlen(body) - 4, " end") == 0,
	    "got %s", line);
	ck_assert_msg(strcmp(body,
			  "<alice> bad \xff\xfe\xc3( \xed\xa0\x80"
			  "\xc0\xaf end") == 0 ||
		strstr(body, "\xef\xbf\xbd") != NULL,
	    "invalid UTF-8 neither passed nor replaced: %s", line);
	PASS(a, b, "still alive\n", "<alice> still alive");
	fx_stop(&fx);
}
END_TEST

START_TEST(test_crlf_and_controls)
{
	struct fx fx;
	struct conn *a, *b;

	fx_start(&fx, NULL, FX_USERS({ "alice", &a }, { "bob", &b }));
	PASS(a, b, "crlf line\r\n", "<alice> crlf line");
	PASS(a, b, "mid\rcr\r\r\n", "<alice> midcr");
	PASS(a, b, "\x1b[31mred\x1b[0m \x1b]0;title\x07\x1b[2J!\n",
	    "<alice> [31mred[0m ]0;title[2J!");
	PASS(a, b, "n\x00u\x01l\x08l\x7f\x1f.\tok\n", "<alice> null.\tok");
	PASS(a, b, "/me \x1b[5mblinks\x07\n", "* alice [5mblinks");
	PASS(a, b, "/msg bob \x1b[1mpsst\n", "*alice* [1mpsst");
	ck_assert(conn_next_is(a, "-> *bob* [1mpsst", WAIT));
	PASS(a, b, "/quit \x1b[31mgone\x1b[0m\n",
	    "-!- alice has quit ([31mgone[0m)");
	fx_stop(&fx);
}
END_TEST

START_TEST(test_empty_lines_ignored)
{
	struct fx fx;
	struct conn *a, *b;

	fx_start(&fx, NULL, FX_USERS({ "alice", &a }, { "bob", &b }));
	PASS(a, b, "\n\r\n   \n \t \r\n\x01\x02\n\x1b\r\n\x7f \x7f\nafter\n",
	    "<alice> after");
	/* No error replies either. */
	ck_assert(conns_quiet((struct conn *[]){ a, b }, 2, QUIET));
	fx_stop(&fx);
}
END_TEST

START_TEST(test_max_line)
{
	struct fx fx;
	struct conn *a, *b;
	char *p, *want;
	size_t big = 100000;

	fx_start(&fx, NULL, FX_USERS({ "alice", &a }, { "bob", &b }));
	p = malloc(big + 16);
	want = malloc(2048 + 16);
	memset(p, 'x', big);
	strcpy(want, "<alice> ");
	memset(want + 8, 'x', 2048);
	want[8 + 2048] = '\0';
	/* 2048 bytes: delivered whole, with LF or CRLF. */
	memcpy(p + 2048, "\n", 2);
	pass(a, b, p, 2049, want);
	memcpy(p + 2048, "\r\n", 3);
	pass(a, b, p, 2050, want);
	/* 2049 bytes: dropped, error to the sender only, connection stays. */
	memset(p, 'x', big);
	memcpy(p + 2049, "\n", 2);
	conn_send_raw(a, p, 2050);
	ck_assert(conn_next_is(
	    a, "-!- error: line too long (max 2048 bytes), dropped", WAIT));
	ck_assert(conn_quiet(b, QUIET));
	PASS(a, b, "next\n", "<alice> next");
	/* A huge line is dropped up to its LF; what follows still counts. */
	memset(p, 'x', big);
	memcpy(p + big, "\nafter\n", 8);
	conn_send_raw(a, p, big + 7);
	ck_assert(conn_next_is(
	    a, "-!- error: line too long (max 2048 bytes), dropped", WAIT));
	ck_assert(conn_next_is(b, "<alice> after", WAIT));
	ck_assert(conns_quiet((struct conn *[]){ a, b }, 2, QUIET));
	free(p);
	free(want);
	fx_stop(&fx);
}
END_TEST

START_TEST(test_max_line_option)
{
	const char *args[] = { "--max-line", "20", NULL };
	struct fx fx;
	struct conn *a, *b;

	fx_start(&fx, args, FX_USERS({ "alice", &a }, { "bob", &b }));
	PASS(a, b, "0123456789abcdefghij\n", "<alice> 0123456789abcdefghij");
	conn_send(a, "0123456789abcdefghijk\n");
	ck_assert(conn_next_is(
	    a, "-!- error: line too long (max 20 bytes), dropped", WAIT));
	ck_assert(conn_quiet(b, QUIET));
	fx_stop(&fx);
}
END_TEST

START_TEST(test_eof_mid_line)
{
	struct fx fx;
	struct conn *a, *b;

	fx_start(&fx, NULL, FX_USERS({ "alice", &a }, { "bob", &b }));
	conn_send(a, "first\nunterminated last words\r");
	shutdown(a->fd, SHUT_WR);
	ck_assert(conn_next_is(b, "<alice> first", WAIT));
	ck_assert(conn_next_is(b, "<alice> unterminated last words", WAIT));
	ck_assert(
	    conn_next_is(b, "-!- alice has quit (connection closed)", WAIT));
	ck_assert(conn_eof(a, WAIT));
	fx_stop(&fx);
}
END_TEST

START_TEST(test_half_close_flushes_reply)
{
	struct fx fx;
	struct conn *a, *b;

	fx_start(&fx, NULL, FX_USERS({ "alice", &a }, { "bob", &b }));
	conn_send(a, "/who\nbye all\n/rooms\n");
	shutdown(a->fd, SHUT_WR);
	ck_assert(conn_next_is(a, "-!- 2 users in #lobby: @alice, bob", WAIT));
	ck_assert(conn_next_is(a, "-!- 1 room: #lobby (2)", WAIT));
	ck_assert(conn_eof(a, WAIT));
	ck_assert(conn_next_is(b, "<alice> bye all", WAIT));
	ck_assert(
	    conn_next_is(b, "-!- alice has quit (connection closed)", WAIT));
	fx_stop(&fx);
}
END_TEST

START_TEST(test_quit_reasons)
{
	struct linger lg = { 1, 0 };
	struct fx fx;
	struct conn *a, *b, *c, *d, *r;

	fx_start(&fx, NULL,
	    FX_USERS({ "room", &r }, { "alice", &a }, { "bob", &b },
		{ "carol", &c }, { "dave", &d }));
	conn_send(a, "/quit\n");
	ck_assert(conn_next_is(a, "-!- bye", WAIT));
	ck_assert(conn_eof(a, WAIT));
	ck_assert(conn_next_is(r, "-!- alice has quit (bye)", WAIT));
	ck_assert(conn_next_is(b, "-!- alice has quit (bye)", WAIT));
	conn_send(b, "/quit gone fishing, back soon\n");
	ck_assert(conn_next_is(b, "-!- bye", WAIT));
	ck_assert(conn_eof(b, WAIT));
	ck_assert(conn_next_is(
	    r, "-!- bob has quit (gone fishing, back soon)", WAIT));
	/* Unread input makes close() send a reset: read it all first. */
	ck_assert(conn_expect(c, "bob has quit", NULL, 0, WAIT));
	fx_close(&fx, c);
	ck_assert(
	    conn_next_is(r, "-!- carol has quit (connection closed)", WAIT));
	setsockopt(d->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	fx_close(&fx, d);
	ck_assert(
	    conn_next_is(r, "-!- dave has quit (connection reset)", WAIT));
	ck_assert(srv_log_has(&fx.srv, "(alice) disconnected: bye", WAIT));
	ck_assert(srv_log_has(
	    &fx.srv, "(carol) disconnected: connection closed", WAIT));
	ck_assert(srv_log_has(
	    &fx.srv, "(dave) disconnected: connection reset", WAIT));
	/* The server carries on. */
	fx_close(&fx, a);
	fx_login(&fx, "alice");
	ck_assert(conn_expect(r, "is now known as alice", NULL, 0, WAIT));
	fx_stop(&fx);
}
END_TEST

/* 1 if lo, in the network namespace this process is now in, is up. */
static int
loopback_up(void)
{
	struct ifreq ifr;
	int fd, ok;

	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return 0;
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "lo");
	ok = ioctl(fd, SIOCGIFFLAGS, &ifr) == 0;
	ifr.ifr_flags |= IFF_UP;
	ok = ok && ioctl(fd, SIOCSIFFLAGS, &ifr) == 0;
	close(fd);
	return ok;
}

/*
 * Move this test process into a network namespace of its own with only
 * its loopback up, so chatd's default "every interface" is loopback too:
 * as root, or else inside a user namespace of its own where the kernel
 * allows that. 0 where neither is allowed.
 */
static int
private_loopback(void)
{
	if (unshare(CLONE_NEWNET) == 0)
		return loopback_up();
	return unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0 && loopback_up();
}

START_TEST(test_default_listen)
{
	const char *none[] = { NULL }, *port0[] = { "-p", "0", NULL };
	struct srv s;
	struct conn *a, *b;

	TEST_NEED(private_loopback(),
	    "a network namespace of its own (root, or user namespaces)");
	TEST_NEED(test_have_ipv6(), "an IPv6 loopback");
	/* No -b: dual-stack on every interface; IPv4 clients show as such. */
	ck_assert_int_eq(srv_spawn(&s, port0), 0);
	ck_assert_msg(srv_log_has(&s, "info listening on [::]:", 10000),
	    "log: %s", s.log);
	s.port = atoi(strstr(s.log, "[::]:") + 5);
	a = login_ok(s.port, "alice");
	b = login_ok(s.port, "bob");
	ck_assert(conn_expect(a, "is now known as bob", NULL, 0, WAIT));
	ck_assert(srv_log_has(
	    &s, "client 1 connected from 127.0.0.1 as guest1", WAIT));
	conn_close(b);
	ck_assert_ptr_nonnull(b = conn_open6(s.port));
	ck_assert(conn_expect(b, "/help", NULL, 0, WAIT));
	ck_assert(
	    srv_log_has(&s, "client 3 connected from ::1 as guest3", WAIT));
	conn_send(b, "over v6\n");
	ck_assert(conn_expect(a, "<guest3> over v6", NULL, 0, WAIT));
	conn_close(a);
	conn_close(b);
	srv_stop_ok(&s);
	/* No -p: port 6666 (free in this namespace). */
	ck_assert_int_eq(srv_spawn(&s, none), 0);
	ck_assert_msg(srv_log_has(&s, "info listening on [::]:6666\n", 10000),
	    "log: %s", s.log);
	ck_assert_ptr_nonnull(a = conn_open(6666));
	ck_assert(conn_expect(a, "/help", NULL, 0, WAIT));
	conn_close(a);
	srv_stop_ok(&s);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_basic");
	TCase *tc = tcase_create("basic");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_welcome_unique_guests);
	tcase_add_test(tc, test_guest_skips_taken_nick);
	tcase_add_test(tc, test_broadcast_no_echo);
	tcase_add_test(tc, test_order_exactly_once);
	tcase_add_test(tc, test_text_exact);
	tcase_add_test(tc, test_crlf_and_controls);
	tcase_add_test(tc, test_empty_lines_ignored);
	tcase_add_test(tc, test_max_line);
	tcase_add_test(tc, test_max_line_option);
	tcase_add_test(tc, test_eof_mid_line);
	tcase_add_test(tc, test_half_close_flushes_reply);
	tcase_add_test(tc, test_quit_reasons);
	tcase_add_test(tc, test_default_listen);
	suite_add_tcase(s, tc);
	return s;
}
