/* loop_test.h: what test_loop*.c share: a loop on each backend, a clock. */
#ifndef TEST_LOOP_TEST_H
#define TEST_LOOP_TEST_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check_main.h"
#include "loop.h"

/*
 * Every test is a Check loop test over the backends: _i is LOOP_SELECT,
 * LOOP_POLL or LOOP_EPOLL. Register with LOOP_TEST_ADD.
 */
#define LOOP_TEST_BACKENDS 3
#define LOOP_TEST_ADD(tc, fn) \
	tcase_add_loop_test((tc), (fn), 0, LOOP_TEST_BACKENDS)
#define LOOP_TEST_NEW() loop_test_new(_i, __func__)

/* How long a wait that must not end early is given, and the least of it
 * that must have passed: the kernel never wakes us early, and the clock
 * is read in whole ms. No upper bound: a busy machine may be late. */
#define LOOP_TEST_WAIT_MS  50
#define LOOP_TEST_SLEPT_MS 45

/* The loop for backend i, or NULL when this system lacks it (the test
 * then says so and passes). */
static inline struct loop *
loop_test_new(int i, const char *test)
{
	enum loop_backend b = (enum loop_backend)i;
	struct loop *l;
	size_t len = strlen(test);

	if ((l = loop_new(b)) != NULL) {
		ck_assert_int_eq(loop_backend(l), b);
		return l;
	}
	ck_assert_msg(errno == ENOSYS, "loop_new(%s): %s", loop_backend_name(b),
	    strerror(errno));
	/* START_TEST(name) defines name_fn. */
	if (len > 3 && strcmp(test + len - 3, "_fn") == 0)
		len -= 3;
	fprintf(stderr, "SKIP %.*s on %s: not on this system\n", (int)len, test,
	    loop_backend_name(b));
	return NULL;
}

/* CLOCK_MONOTONIC in whole ms, like the loop clock. */
static inline int64_t
loop_test_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void
loop_test_sleep(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Poll until *count reaches want, for at most about 5 s. */
static inline void
loop_test_until(struct loop *l, const int *count, int want)
{
	int64_t end = loop_test_ms() + 5000;

	while (*count < want && loop_test_ms() < end)
		ck_assert_int_ge(loop_poll(l, 1000), 0);
	ck_assert_int_ge(*count, want);
}

/* loop_poll(l, LOOP_TEST_WAIT_MS) with nothing to do: no handler runs,
 * and it does not return early (as a loop spinning on an fd would). */
static inline void
loop_test_idle(struct loop *l)
{
	int64_t t0 = loop_test_ms();

	ck_assert_int_eq(loop_poll(l, LOOP_TEST_WAIT_MS), 0);
	ck_assert_int_ge(loop_test_ms() - t0, LOOP_TEST_SLEPT_MS);
}

#endif
