/*
 * test_redis_cluster_wire.c: unit tests for server/redis_cluster_wire.c,
 * the bytes of the cluster's messages: what goes in comes out, any byte
 * may be in a field, and a malformed message (cut short, a length past
 * the end, a NUL where a string is wanted, junk after the last field) is
 * marked bad without reading outside it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "redis_cluster_impl.h"

static struct cl_rd
rd(const struct buf *b)
{
	struct cl_rd r = { buf_data(b), buf_data(b) + buf_len(b), 0 };

	return r;
}

START_TEST(test_round_trip)
{
	static const char bin[] = "a\0b\r\nc";
	char s[32], t[8];
	struct cl_rd r;
	struct buf b;
	const char *p;
	size_t len;

	cl_body(&b, CL_SAY);
	cl_put_str(&b, "lobby");
	cl_put_num(&b, -42);
	cl_put_num(&b, INT64_MAX);
	cl_put_bin(&b, bin, sizeof bin - 1);
	cl_put_str(&b, "");
	cl_put_str(&b, NULL);
	r = rd(&b);
	ck_assert_int_eq(cl_kind_parse(&r), CL_SAY);
	cl_get_str(&r, s, sizeof s);
	ck_assert_str_eq(s, "lobby");
	ck_assert_int_eq(cl_get_num(&r), -42);
	ck_assert(cl_get_num(&r) == INT64_MAX);
	p = cl_get_bin(&r, &len);
	ck_assert_uint_eq(len, sizeof bin - 1);
	ck_assert(memcmp(p, bin, len) == 0);
	cl_get_str(&r, t, sizeof t);
	ck_assert_str_eq(t, "");
	cl_get_str(&r, t, sizeof t);
	ck_assert_str_eq(t, "");
	ck_assert(cl_done(&r));
	buf_free(&b);
}
END_TEST

START_TEST(test_every_kind)
{
	struct cl_rd r;
	struct buf b;
	int k;

	for (k = 0; k < CL_NKINDS; k++) {
		ck_assert_ptr_nonnull(cl_kind_name(k));
		cl_body(&b, k);
		r = rd(&b);
		ck_assert_int_eq(cl_kind_parse(&r), k);
		ck_assert(cl_done(&r));
		buf_free(&b);
	}
}
END_TEST

/* Each of these, read as a kind and two strings, is bad. */
static void
expect_bad(const char *msg, size_t len)
{
	struct cl_rd r = { msg, msg + len, 0 };
	char s[8];

	(void)cl_kind_parse(&r);
	cl_get_str(&r, s, sizeof s);
	cl_get_str(&r, s, sizeof s);
	ck_assert_msg(r.bad, "%.*s read as good", (int)len, msg);
	ck_assert(!cl_done(&r));
	/* Never past the end. */
	ck_assert(r.p <= msg + len);
}

START_TEST(test_malformed)
{
	static const char nul[] = "3:SAY3:a\0b1:x";

	expect_bad("", 0);
	expect_bad("3:SAY", 5);
	expect_bad("3:SA", 4);
	expect_bad("3:NOP1:a1:b", 11);
	expect_bad("3:SAY9:a1:b", 11);
	expect_bad("3:SAY99999999999999999999:x", 28);
	expect_bad("3:SAYx:a1:b", 11);
	expect_bad("3:SAY:a1:b", 10);
	expect_bad("3:SAY1a1:b", 10);
	expect_bad(nul, sizeof nul - 1);
	/* Too long for the string asked for. */
	expect_bad("3:SAY9:abcdefghi1:b", 19);
}
END_TEST

START_TEST(test_numbers_and_junk)
{
	struct cl_rd r;
	const char *m;

	m = "2:1x";
	r = (struct cl_rd){ m, m + strlen(m), 0 };
	(void)cl_get_num(&r);
	ck_assert(r.bad);
	m = "0:";
	r = (struct cl_rd){ m, m + strlen(m), 0 };
	(void)cl_get_num(&r);
	ck_assert(r.bad);
	m = "2:HB";
	r = (struct cl_rd){ m, m + strlen(m), 0 };
	ck_assert_int_eq(cl_kind_parse(&r), CL_HB);
	ck_assert(cl_done(&r));
	m = "2:HBjunk";
	r = (struct cl_rd){ m, m + strlen(m), 0 };
	ck_assert_int_eq(cl_kind_parse(&r), CL_HB);
	ck_assert(!cl_done(&r));
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("redis_cluster_wire");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_every_kind);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_numbers_and_junk);
	suite_add_tcase(s, tc);
	return s;
}
