/* test_redis_url.c: unit tests for server/redis_url.c, the --cluster URL. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "redis_url.h"

static void
expect_tcp(const char *url, const char *host, int port, const char *user,
    const char *password, int db)
{
	struct redis_url u;
	const char *cause = NULL;

	ck_assert_msg(redis_url_parse(url, &u, &cause) == 0, "%s: %s", url,
	    cause != NULL ? cause : "?");
	ck_assert_ptr_null(u.path);
	ck_assert_str_eq(u.host, host);
	ck_assert_int_eq(u.port, port);
	if (user == NULL)
		ck_assert_ptr_null(u.user);
	else
		ck_assert_str_eq(u.user, user);
	if (password == NULL)
		ck_assert_ptr_null(u.password);
	else
		ck_assert_str_eq(u.password, password);
	ck_assert_int_eq(u.db, db);
	redis_url_free(&u);
}

static void
expect_bad(const char *url, const char *why)
{
	struct redis_url u;
	const char *cause = NULL;

	errno = 0;
	ck_assert_msg(redis_url_parse(url, &u, &cause) == -1, "%s parsed", url);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(cause);
	ck_assert_msg(strstr(cause, why) != NULL,
	    "%s: cause \"%s\", not \"%s\"", url, cause, why);
	ck_assert_ptr_null(u.buf);
}

START_TEST(test_tcp)
{
	expect_tcp("redis://127.0.0.1", "127.0.0.1", 6379, NULL, NULL, 0);
	expect_tcp("redis://127.0.0.1:7000", "127.0.0.1", 7000, NULL, NULL, 0);
	expect_tcp("redis://localhost:1/", "localhost", 1, NULL, NULL, 0);
	expect_tcp("redis://h:65535/15", "h", 65535, NULL, NULL, 15);
	expect_tcp("REDIS://h/3", "h", 6379, NULL, NULL, 3);
	expect_tcp("redis://[::1]", "::1", 6379, NULL, NULL, 0);
	expect_tcp("redis://[::1]:6380/2", "::1", 6380, NULL, NULL, 2);
}
END_TEST

START_TEST(test_password)
{
	expect_tcp("redis://:secret@h", "h", 6379, NULL, "secret", 0);
	expect_tcp("redis://:secret@h:7/1", "h", 7, NULL, "secret", 1);
	expect_tcp("redis://alice:secret@h", "h", 6379, "alice", "secret", 0);
	/* The host starts after the last '@': the password may hold
	 * '@', '/', ':', '?' and '#'. */
	expect_tcp(
	    "redis://:a@b/c:d?e#f@h:9/4", "h", 9, NULL, "a@b/c:d?e#f", 4);
	expect_tcp("redis://:p%40ss%2fw%3Ad@h", "h", 6379, NULL, "p@ss/w:d", 0);
	expect_tcp("redis://:@h", "h", 6379, NULL, "", 0);
}
END_TEST

START_TEST(test_unix)
{
	struct redis_url u;
	const char *cause = NULL;

	ck_assert_int_eq(redis_url_parse("unix:/run/r.sock", &u, &cause), 0);
	ck_assert_ptr_null(u.host);
	ck_assert_str_eq(u.path, "/run/r.sock");
	ck_assert_ptr_null(u.password);
	ck_assert_int_eq(u.db, 0);
	redis_url_free(&u);
	ck_assert_int_eq(redis_url_parse("unix:///run/r.sock", &u, &cause), 0);
	ck_assert_str_eq(u.path, "/run/r.sock");
	redis_url_free(&u);
	ck_assert_int_eq(redis_url_parse("unix:rel/r.sock", &u, &cause), 0);
	ck_assert_str_eq(u.path, "rel/r.sock");
	redis_url_free(&u);
}
END_TEST

START_TEST(test_bad)
{
	expect_bad("", "expected redis://");
	expect_bad("127.0.0.1:6379", "expected redis://");
	expect_bad("http://h", "expected redis://");
	expect_bad("rediss://h", "TLS");
	expect_bad("unix:", "no path");
	expect_bad("redis://", "no host");
	expect_bad("redis://:6379", "no host");
	expect_bad("redis://:pw@", "no host");
	expect_bad("redis://h:0", "port");
	expect_bad("redis://h:65536", "port");
	expect_bad("redis://h:12x", "port");
	expect_bad("redis://h:", "port");
	expect_bad("redis://h/x", "database");
	expect_bad("redis://h/-1", "database");
	expect_bad("redis://h?db=1", "options");
	expect_bad("redis://pw@h", ":PASSWORD@");
	expect_bad("redis://:p%4@h", "escape");
	expect_bad("redis://:p%00@h", "escape");
	expect_bad("redis://[::1", "]");
	expect_bad("redis://[::1]x", "junk");
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("redis_url");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_tcp);
	tcase_add_test(tc, test_password);
	tcase_add_test(tc, test_unix);
	tcase_add_test(tc, test_bad);
	suite_add_tcase(s, tc);
	return s;
}
