/* test_irc_time.c: unit tests for common/irc_time.c, server-time's timestamps both ways. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "check_main.h"
#include "irc.h"

/* 2026-12-01T11:58:01.123Z */
#define T0 1796126281123LL

START_TEST(test_time_parse)
{
	static const struct {
		const char *s;
		int64_t ms;
	} good[] = {
		{ "1970-01-01T00:00:00.000Z", 0 },
		{ "2026-12-01T11:58:01.123Z", T0 },
		{ "2026-12-01T11:58:01Z", T0 - 123 },
		{ "2026-12-01T11:58:01.1Z", T0 - 23 },
		{ "2026-12-01T11:58:01.12Z", T0 - 3 },
		{ "2026-12-01T11:58:01.123456Z", T0 },
		{ "2000-02-29T23:59:59.999Z", 951868799999LL },
	};
	static const char *const bad[] = { "", "2026-12-01",
		"2026-12-01T11:58:01", "2026-12-01T11:58:01.123",
		"2026-12-01T11:58:01.Z", "2026-12-01 11:58:01Z",
		"2026-13-01T11:58:01Z", "2026-12-00T11:58:01Z",
		"2026-12-01T24:00:00Z", "2026-12-01T11:60:00Z",
		"+026-12-01T11:58:01Z", " 2026-12-01T11:58:01Z",
		"2026-12-01T11:58:01Zx", "2026-12-01T11:58:01.123z",
		"20261201T115801Z", "2026-1-01T11:58:01Z" };
	int64_t ms;
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		ms = -1;
		ck_assert_msg(irc_time_parse(good[i].s, &ms) == 0, "%s refused",
		    good[i].s);
		ck_assert_msg(ms == good[i].ms, "%s: %lld, want %lld",
		    good[i].s, (long long)ms, (long long)good[i].ms);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errno = 0;
		ck_assert_msg(
		    irc_time_parse(bad[i], &ms) == -1 && errno == EINVAL,
		    "\"%s\" accepted", bad[i]);
	}
	ck_assert_int_eq(irc_time_parse(NULL, &ms), -1);
}
END_TEST

START_TEST(test_time_format)
{
	char out[IRC_TIME_LEN + 1];
	int64_t ms;

	irc_time_format(out, sizeof out, T0);
	ck_assert_str_eq(out, "2026-12-01T11:58:01.123Z");
	ck_assert_uint_eq(strlen(out), IRC_TIME_LEN);
	irc_time_format(out, sizeof out, 0);
	ck_assert_str_eq(out, "1970-01-01T00:00:00.000Z");
	/* Both ways. */
	irc_time_format(out, sizeof out, T0 + 86400LL * 1000 * 400);
	ck_assert_int_eq(irc_time_parse(out, &ms), 0);
	ck_assert(ms == T0 + 86400LL * 1000 * 400);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("irc_time");
	TCase *tc = tcase_create("time");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_time_parse);
	tcase_add_test(tc, test_time_format);
	suite_add_tcase(s, tc);
	return s;
}
