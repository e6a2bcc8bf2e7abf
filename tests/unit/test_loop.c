/* test_loop.c: the select() loop: handlers, interest changes, removal. */
#include <sys/select.h>

#include <errno.h>
#include <unistd.h>

#include "check_main.h"
#include "loop.h"

struct hits {
	int reads, writes;
	int del_self;
};

static void
on_read(struct loop *l, int fd, void *arg)
{
	struct hits *h = arg;
	char c;

	h->reads++;
	if (read(fd, &c, 1) != 1)
		return;
	if (h->del_self)
		loop_del(l, fd);
}

static void
on_write(struct loop *l, int fd, void *arg)
{
	struct hits *h = arg;

	(void)l;
	(void)fd;
	h->writes++;
}

START_TEST(test_read_and_write)
{
	struct loop *l = loop_new();
	struct hits h = { 0, 0, 0 };
	int p[2];

	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(
	    loop_add(l, p[0], LOOP_READ, on_read, on_write, &h), 0);
	ck_assert_int_eq(
	    loop_add(l, p[1], LOOP_WRITE, on_read, on_write, &h), 0);
	ck_assert_int_eq(loop_maxfd(l), (p[0] > p[1] ? p[0] : p[1]) + 1);
	/* Nothing to read yet: only the write end is ready. */
	ck_assert_int_eq(loop_poll(l, 0), 1);
	ck_assert_int_eq(h.writes, 1);
	ck_assert_int_eq(h.reads, 0);
	/* Without write interest, a writable fd is not reported. */
	loop_set(l, p[1], 0);
	ck_assert_int_eq(write(p[1], "x", 1), 1);
	ck_assert_int_eq(loop_poll(l, 1000), 1);
	ck_assert_int_eq(h.reads, 1);
	ck_assert_int_eq(h.writes, 1);
	ck_assert_int_eq(loop_poll(l, 0), 0);
	close(p[0]);
	close(p[1]);
	loop_free(l);
}
END_TEST

START_TEST(test_del_inside_handler)
{
	struct loop *l = loop_new();
	struct hits h = { 0, 0, 1 };
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(
	    loop_add(l, p[0], LOOP_READ, on_read, on_write, &h), 0);
	ck_assert_int_eq(write(p[1], "xy", 2), 2);
	ck_assert_int_eq(loop_poll(l, 1000), 1);
	ck_assert_int_eq(h.reads, 1);
	/* Removed: the byte still waiting is never reported. */
	ck_assert_int_eq(loop_poll(l, 0), 0);
	ck_assert_int_eq(h.reads, 1);
	close(p[0]);
	close(p[1]);
	loop_free(l);
}
END_TEST

START_TEST(test_fd_beyond_select)
{
	struct loop *l = loop_new();

	errno = 0;
	ck_assert_int_eq(
	    loop_add(l, FD_SETSIZE, LOOP_READ, on_read, on_write, NULL), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(
	    loop_add(l, -1, LOOP_READ, on_read, on_write, NULL), -1);
	loop_free(l);
}
END_TEST

START_TEST(test_timeout)
{
	struct loop *l = loop_new();

	ck_assert_int_eq(loop_poll(l, 10), 0);
	loop_free(l);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("loop");
	TCase *tc = tcase_create("loop");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_read_and_write);
	tcase_add_test(tc, test_del_inside_handler);
	tcase_add_test(tc, test_fd_beyond_select);
	tcase_add_test(tc, test_timeout);
	suite_add_tcase(s, tc);
	return s;
}
