/* test_conf.c: option values, password files and whole files read by conf.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "conf.h"

START_TEST(test_number)
{
	long long v = -1;

	ck_assert_int_eq(conf_number("42", 0, 100, &v), 0);
	ck_assert_int_eq(v, 42);
	ck_assert_int_eq(conf_number("0", 0, 100, &v), 0);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(conf_number("-3", -5, 5, &v), 0);
	ck_assert_int_eq(v, -3);
	errno = 0;
	ck_assert_int_eq(conf_number("101", 0, 100, &v), -1);
	ck_assert_int_eq(errno, ERANGE);
	ck_assert_int_eq(conf_number("", 0, 100, &v), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(conf_number("12x", 0, 100, &v), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(conf_number("99999999999999999999", 0, 100, &v), -1);
	ck_assert_int_eq(errno, ERANGE);
	ck_assert_int_eq(v, -3); /* untouched on failure */
}
END_TEST

START_TEST(test_size)
{
	long long v = 0;

	ck_assert_int_eq(conf_size("4096", 1024, 1LL << 32, &v), 0);
	ck_assert_int_eq(v, 4096);
	ck_assert_int_eq(conf_size("64K", 1024, 1LL << 32, &v), 0);
	ck_assert_int_eq(v, 65536);
	ck_assert_int_eq(conf_size("2m", 1024, 1LL << 32, &v), 0);
	ck_assert_int_eq(v, 2 * 1024 * 1024);
	ck_assert_int_eq(conf_size("1K", 1500, 1LL << 32, &v), -1);
	ck_assert_int_eq(errno, ERANGE);
	ck_assert_int_eq(conf_size("5000M", 1024, 1LL << 32, &v), -1);
	ck_assert_int_eq(errno, ERANGE);
	ck_assert_int_eq(conf_size("K", 0, 10, &v), -1);
	ck_assert_int_eq(conf_size("1G", 0, 1LL << 40, &v), 0);
	ck_assert_int_eq(v, 1024LL * 1024 * 1024);
	ck_assert_int_eq(conf_size("2g", 0, 1LL << 30, &v), -1);
	ck_assert_int_eq(errno, ERANGE);
	ck_assert_int_eq(conf_size("1KK", 0, 1LL << 40, &v), -1);
}
END_TEST

START_TEST(test_real)
{
	double v = 0;

	ck_assert_int_eq(conf_real("2.5", 0, 10, &v), 0);
	ck_assert(v == 2.5);
	ck_assert_int_eq(conf_real("0", 0, 10, &v), 0);
	ck_assert(v == 0);
	ck_assert_int_eq(conf_real("-1", 0, 10, &v), -1);
	ck_assert_int_eq(errno, ERANGE);
	ck_assert_int_eq(conf_real("nan", 0, 10, &v), -1);
	ck_assert_int_eq(conf_real("1.5s", 0, 10, &v), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

START_TEST(test_first_line)
{
	char path[] = "/tmp/chat-conf-XXXXXX", out[8];
	int fd = mkstemp(path);

	ck_assert_int_ne(fd, -1);
	close(fd);
	write_file(path, "sesame\r\nsecond\n");
	ck_assert_int_eq(conf_first_line(path, out, sizeof out), 0);
	ck_assert_str_eq(out, "sesame");
	write_file(path, "");
	ck_assert_int_eq(conf_first_line(path, out, sizeof out), 0);
	ck_assert_str_eq(out, "");
	/* Exactly fits, with and without its LF. */
	write_file(path, "1234567");
	ck_assert_int_eq(conf_first_line(path, out, sizeof out), 0);
	ck_assert_str_eq(out, "1234567");
	write_file(path, "1234567\n");
	ck_assert_int_eq(conf_first_line(path, out, sizeof out), 0);
	ck_assert_str_eq(out, "1234567");
	/* Longer than out: an error, not a password cut short. */
	write_file(path, "12345678\n");
	ck_assert_int_eq(conf_first_line(path, out, sizeof out), -1);
	ck_assert_int_eq(errno, EINVAL);
	unlink(path);
	ck_assert_int_eq(conf_first_line(path, out, sizeof out), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_read_file)
{
	char path[] = "/tmp/chat-conf-XXXXXX", *p;
	int fd = mkstemp(path);

	ck_assert_int_ne(fd, -1);
	close(fd);
	write_file(path, "line one\r\nline two\n");
	ck_assert_ptr_nonnull(p = conf_read_file(path, 64));
	ck_assert_str_eq(p, "line one\r\nline two\n");
	free(p);
	write_file(path, "");
	ck_assert_ptr_nonnull(p = conf_read_file(path, 64));
	ck_assert_str_eq(p, "");
	free(p);
	/* Exactly max fits; one more byte is too big. */
	write_file(path, "12345678");
	ck_assert_ptr_nonnull(p = conf_read_file(path, 8));
	ck_assert_str_eq(p, "12345678");
	free(p);
	ck_assert_ptr_null(conf_read_file(path, 7));
	ck_assert_int_eq(errno, EFBIG);
	/* A NUL would cut the text short without a word. */
	fd = open(path, O_WRONLY | O_TRUNC);
	ck_assert_int_eq(write(fd, "a\0b", 3), 3);
	close(fd);
	ck_assert_ptr_null(conf_read_file(path, 64));
	ck_assert_int_eq(errno, EINVAL);
	unlink(path);
	ck_assert_ptr_null(conf_read_file(path, 64));
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_null(conf_read_file("/", 64));
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("conf");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_number);
	tcase_add_test(tc, test_size);
	tcase_add_test(tc, test_real);
	tcase_add_test(tc, test_first_line);
	tcase_add_test(tc, test_read_file);
	suite_add_tcase(s, tc);
	return s;
}
