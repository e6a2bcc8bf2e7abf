/* test_telnet.c: common/telnet.c: each rule, splits at every byte, Ctrl-C, once-per-option. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check_main.h"
#include "telnet.h"

#define IAC  "\xff"
#define DO   "\xfd"
#define DONT "\xfe"
#define WILL "\xfb"
#define WONT "\xfc"
#define SB   "\xfa"
#define SE   "\xf0"
#define IP   "\xf4"
#define NOP  "\xf1"
#define TM   "\x06"

struct out {
	char data[4096];
	size_t len;
	struct buf reply;
};

/* Feed in[0..len) to t in place (through a copy), appending to o. */
static void
feed(struct telnet *t, const char *in, size_t len, struct out *o)
{
	char *copy = malloc(len + 1);
	ssize_t n;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, in, len);
	n = telnet_filter(t, copy, copy, len, &o->reply);
	ck_assert_int_ge(n, 0);
	ck_assert_uint_le((size_t)n, len);
	ck_assert_uint_le(o->len + (size_t)n, sizeof o->data);
	memcpy(o->data + o->len, copy, (size_t)n);
	o->len += (size_t)n;
	free(copy);
}

static void
out_init(struct out *o)
{
	o->len = 0;
	buf_init(&o->reply);
}

/* One fresh connection sends in: check what is left and what is answered. */
static void
check(const char *in, size_t len, const char *data, size_t dlen,
    const char *reply, size_t rlen)
{
	struct telnet t;
	struct out o;

	telnet_init(&t);
	out_init(&o);
	feed(&t, in, len, &o);
	ck_assert_msg(o.len == dlen && memcmp(o.data, data, dlen) == 0,
	    "data: %zu bytes, want %zu", o.len, dlen);
	ck_assert_msg(buf_len(&o.reply) == rlen &&
		(rlen == 0 || memcmp(buf_data(&o.reply), reply, rlen) == 0),
	    "reply: %zu bytes, want %zu", buf_len(&o.reply), rlen);
	buf_free(&o.reply);
}

#define CHECK(in, data, reply) \
	check(in, sizeof in - 1, data, sizeof data - 1, reply, sizeof reply - 1)

START_TEST(test_plain)
{
	char in[1000];
	size_t i;

	CHECK("hello\r\n", "hello\r\n", "");
	CHECK("", "", "");
	/* Every byte but IAC passes, and nothing is ever answered. */
	for (i = 0; i < sizeof in; i++)
		in[i] = (char)(i % 255);
	check(in, sizeof in, in, sizeof in, "", 0);
}
END_TEST

START_TEST(test_negotiation)
{
	CHECK(IAC DO "\x01", "", IAC WONT "\x01");
	CHECK(IAC WILL "\x03", "", IAC DONT "\x03");
	CHECK(IAC DONT "\x01" IAC WONT "\x03", "", "");
	CHECK("a" IAC DO "\x18"
	      "b",
	    "ab", IAC WONT "\x18");
	CHECK(IAC DO IAC, "", IAC WONT IAC); /* option 255 is an option */
	/* At most once per option and direction... */
	CHECK(IAC DO "\x01" IAC DO "\x01" IAC WILL "\x01" IAC WILL "\x01" IAC DO
		     "\x02",
	    "", IAC WONT "\x01" IAC DONT "\x01" IAC WONT "\x02");
	/* ...but DO TIMING-MARK every time; WILL TIMING-MARK once. */
	CHECK(IAC DO TM IAC DO TM IAC WILL TM IAC WILL TM IAC DO TM, "",
	    IAC WONT TM IAC WONT TM IAC DONT TM IAC WONT TM);
}
END_TEST

/* Every option, twice each way: answered once, in order. */
START_TEST(test_every_option)
{
	char in[4 * 256 * 3], want[2 * 256 * 3 + 3];
	size_t n = 0, w = 0;
	unsigned pass, opt;
	char verb;

	for (pass = 0; pass < 4; pass++) {
		verb = pass % 2 == 0 ? DO[0] : WILL[0];
		for (opt = 0; opt < 256; opt++) {
			in[n++] = IAC[0];
			in[n++] = verb;
			in[n++] = (char)opt;
			if (pass < 2 || opt == TELNET_TIMING_MARK) {
				if (pass >= 2 && verb == WILL[0])
					continue;
				want[w++] = IAC[0];
				want[w++] = verb == DO[0] ? WONT[0] : DONT[0];
				want[w++] = (char)opt;
			}
		}
	}
	check(in, n, "", 0, want, w);
}
END_TEST

START_TEST(test_subnegotiation)
{
	char *in;
	size_t i, n = 1 << 20;
	struct telnet t;
	struct out o;

	CHECK("a" IAC SB "\x18\x01" IAC SE "b", "ab", "");
	CHECK(IAC SB "\x18" IAC IAC "x" IAC SE "c", "c", "");
	CHECK(IAC SB IAC SE "c", "c", "");
	/* Commands inside SB other than IAC IAC are not data. */
	CHECK(IAC SB "\x18" IAC DO "\x01"
		     "z",
	    "z", IAC WONT "\x01");
	CHECK(IAC SB "\x18" IAC NOP "z", "z", "");
	CHECK(IAC SB "\x18" IAC SB "q" IAC SE "z", "z", "");
	/* SE outside SB is just an unknown command. */
	CHECK("a" IAC SE "b", "ab", "");
	/* An SB that never ends swallows everything, at no cost. */
	in = malloc(n);
	ck_assert_ptr_nonnull(in);
	memset(in, 'x', n);
	for (i = 100; i < n; i += 1000) {
		in[i] = IAC[0];
		in[i + 1] = IAC[0];
	}
	in[0] = IAC[0];
	in[1] = SB[0];
	telnet_init(&t);
	out_init(&o);
	for (i = 0; i < 8; i++)
		feed(&t, in, n, &o);
	ck_assert_uint_eq(o.len, 0);
	ck_assert_uint_eq(buf_len(&o.reply), 0);
	feed(&t, IAC SE "ok", 4, &o);
	ck_assert_uint_eq(o.len, 2);
	ck_assert_mem_eq(o.data, "ok", 2);
	buf_free(&o.reply);
	free(in);
}
END_TEST

START_TEST(test_commands)
{
	static const unsigned char one_byte[] = { 239, 241, 242, 243, 244, 245,
		246, 247, 248, 249 };
	char in[4];
	size_t i;

	CHECK("a" IAC IAC "b",
	    "a\xff"
	    "b",
	    "");
	CHECK(IAC IAC IAC IAC, "\xff\xff", "");
	CHECK(IAC IAC DO "\x01", "\xff" DO "\x01", "");
	for (i = 0; i < sizeof one_byte; i++) {
		in[0] = 'a';
		in[1] = IAC[0];
		in[2] = (char)one_byte[i];
		in[3] = 'b';
		check(in, 4, "ab", 2, "", 0);
	}
	/* IAC and any byte that is not a command with an argument: both go. */
	for (i = 0; i < 250; i++) {
		in[0] = 'a';
		in[1] = IAC[0];
		in[2] = (char)i;
		in[3] = 'b';
		check(in, 4, "ab", 2, "", 0);
	}
	CHECK("a" IAC, "a", ""); /* the rest comes later */
}
END_TEST

/* telnet's Ctrl-C: IAC IP IAC DO TIMING-MARK, answered each time, and the
 * session goes on. */
START_TEST(test_ctrl_c)
{
	struct telnet t;
	struct out o;
	int i;

	telnet_init(&t);
	out_init(&o);
	for (i = 0; i < 3; i++) {
		feed(&t, "hello", 5, &o);
		feed(&t, IAC IP IAC DO TM, 5, &o);
		ck_assert_uint_eq(buf_len(&o.reply), 3 * (size_t)(i + 1));
		ck_assert_mem_eq(buf_data(&o.reply) + 3 * i, IAC WONT TM, 3);
	}
	feed(&t, "world\n", 6, &o);
	ck_assert_uint_eq(o.len, 21);
	ck_assert_mem_eq(o.data, "hellohellohelloworld\n", 21);
	buf_free(&o.reply);
}
END_TEST

/* A little of everything, split into three pieces at every pair of
 * points (and byte by byte): the result never depends on the reads. */
START_TEST(test_every_split)
{
	static const char in[] = "hi" IAC IAC IAC DO "\x01"
				 "x" IAC SB "\x18"
				 "\x00" IAC IAC "q" IAC SE IAC WILL
				 "\x03" IAC NOP IAC DO TM "y" IAC IAC IAC "\xc8"
				 "z" IAC DO "\x01" IAC SB "\x1f" IAC WONT "\x05"
				 "end" IAC DO TM;
	static const char data[] = "hi\xffxy\xffzend";
	static const char reply[] =
	    IAC WONT "\x01" IAC DONT "\x03" IAC WONT TM IAC WONT TM;
	const size_t len = sizeof in - 1;
	struct telnet t;
	struct out o;
	size_t i, j;

	check(in, len, data, sizeof data - 1, reply, sizeof reply - 1);
	for (i = 0; i <= len; i++) {
		for (j = i; j <= len; j++) {
			telnet_init(&t);
			out_init(&o);
			feed(&t, in, i, &o);
			feed(&t, in + i, j - i, &o);
			feed(&t, in + j, len - j, &o);
			ck_assert_msg(o.len == sizeof data - 1 &&
				memcmp(o.data, data, o.len) == 0 &&
				buf_len(&o.reply) == sizeof reply - 1 &&
				memcmp(buf_data(&o.reply), reply,
				    sizeof reply - 1) == 0,
			    "split at %zu and %zu", i, j);
			buf_free(&o.reply);
		}
	}
	telnet_init(&t);
	out_init(&o);
	for (i = 0; i < len; i++)
		feed(&t, in + i, 1, &o);
	ck_assert_uint_eq(o.len, sizeof data - 1);
	ck_assert_mem_eq(o.data, data, o.len);
	ck_assert_uint_eq(buf_len(&o.reply), sizeof reply - 1);
	buf_free(&o.reply);
}
END_TEST

/* Filtering into another buffer leaves the input alone. */
START_TEST(test_separate_out)
{
	const char in[] = "a" IAC IAC "b" IAC DO "\x01";
	char out[sizeof in];
	struct telnet t;
	struct buf reply;

	telnet_init(&t);
	buf_init(&reply);
	ck_assert_int_eq(telnet_filter(&t, out, in, sizeof in - 1, &reply), 3);
	ck_assert_mem_eq(out,
	    "a\xff"
	    "b",
	    3);
	ck_assert_uint_eq(buf_len(&reply), 3);
	buf_free(&reply);
	/* Constant memory: the state is a small fixed struct. */
	ck_assert_uint_le(sizeof t, 80);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("telnet");
	TCase *tc = tcase_create("telnet");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_plain);
	tcase_add_test(tc, test_negotiation);
	tcase_add_test(tc, test_every_option);
	tcase_add_test(tc, test_subnegotiation);
	tcase_add_test(tc, test_commands);
	tcase_add_test(tc, test_ctrl_c);
	tcase_add_test(tc, test_every_split);
	tcase_add_test(tc, test_separate_out);
	suite_add_tcase(s, tc);
	return s;
}
