/*
 * test_loop_timer.c: the loop's timers and clock, on every backend:
 * one-shot and repeating, stop and restart (also from callbacks), order,
 * and that loop_poll wakes for the next timer. Timers may be late on a
 * busy machine, so only earliness and gross oversleeping are errors.
 */
#include <stdlib.h>
#include <unistd.h>

#include "check_main.h"
#include "loop.h"
#include "loop_test.h"

#define TICKS 64

/* What a timer's callback saw, and what it should do to its timer. */
struct tick {
	int n;
	int64_t at[TICKS];   /* loop_now at each call */
	int64_t when[TICKS]; /* t->when at each call */
	int stop_at;         /* stop the timer on this call (0: never) */
	int restart_at;      /* restart it on this call with restart_ms */
	int64_t restart_ms;
};

static void
on_tick(struct loop *l, struct loop_timer *t, void *arg)
{
	struct tick *k = arg;

	if (k->n < TICKS) {
		k->at[k->n] = loop_now(l);
		k->when[k->n] = t->when;
	}
	k->n++;
	if (k->stop_at == k->n)
		loop_timer_stop(l, t);
	if (k->restart_at == k->n)
		loop_timer_start(l, t, k->restart_ms, 0, on_tick, k);
}

START_TEST(test_one_shot)
{
	struct loop *l = LOOP_TEST_NEW();
	struct loop_timer t;
	struct tick k = { 0 };
	int64_t t0;

	if (l == NULL)
		return;
	loop_timer_init(&t);
	ck_assert(!loop_timer_pending(&t));
	t0 = loop_test_ms();
	loop_timer_start(l, &t, 30, 0, on_tick, &k);
	ck_assert(loop_timer_pending(&t));
	loop_test_until(l, &k.n, 1);
	ck_assert_int_eq(k.n, 1);
	ck_assert_int_ge(k.at[0], t0 + 30);
	ck_assert_int_ge(k.at[0], k.when[0]);
	ck_assert(!loop_timer_pending(&t));
	loop_test_idle(l);
	ck_assert_int_eq(k.n, 1);
	/* Counted from when it is started, even if loop_now is stale. */
	loop_test_sleep(50);
	t0 = loop_test_ms();
	loop_timer_start(l, &t, 30, 0, on_tick, &k);
	loop_test_until(l, &k.n, 2);
	ck_assert_int_ge(k.at[1], t0 + 30);
	loop_free(l);
}
END_TEST

START_TEST(test_repeating)
{
	struct loop *l = LOOP_TEST_NEW();
	struct loop_timer t = { 0 };
	struct tick k = { 0 };
	int64_t t0;
	int i;

	if (l == NULL)
		return;
	t0 = loop_test_ms();
	loop_timer_start(l, &t, 10, 10, on_tick, &k);
	loop_test_until(l, &k.n, 5);
	for (i = 0; i < 5; i++) {
		/* Its deadlines are start + 10, + 20, ... or later. */
		ck_assert_int_ge(k.at[i], t0 + 10 * (i + 1));
		if (i > 0)
			ck_assert_int_gt(k.at[i], k.at[i - 1]);
	}
	ck_assert(loop_timer_pending(&t));
	ck_assert_int_gt(t.when, loop_now(l));
	loop_timer_stop(l, &t);
	ck_assert(!loop_timer_pending(&t));
	i = k.n;
	loop_test_idle(l);
	ck_assert_int_eq(k.n, i);
	loop_free(l);
}
END_TEST

START_TEST(test_repeating_keeps_rhythm)
{
	struct loop *l = LOOP_TEST_NEW();
	struct loop_timer t = { 0 };
	struct tick k = { 0 };
	int64_t first;

	if (l == NULL)
		return;
	loop_timer_start(l, &t, 10, 1000, on_tick, &k);
	first = t.when;
	loop_test_sleep(30);
	ck_assert_int_eq(loop_poll(l, 0), 1);
	/* Re-armed from its deadline, not from when it happened to run;
	 * unless the machine was so slow that that, too, has passed. */
	if (loop_now(l) < first + 1000)
		ck_assert_int_eq(t.when, first + 1000);
	else
		ck_assert_int_eq(t.when, loop_now(l) + 1000);
	loop_timer_stop(l, &t);
	loop_free(l);
}
END_TEST

START_TEST(test_repeating_late_runs_once)
{
	struct loop *l = LOOP_TEST_NEW();
	struct loop_timer t = { 0 };
	struct tick k = { 0 };

	if (l == NULL)
		return;
	loop_timer_start(l, &t, 10, 10, on_tick, &k);
	/* Twenty periods missed: one call, not twenty, and the next
	 * deadline is a period from now, not in the past. */
	loop_test_sleep(200);
	ck_assert_int_eq(loop_poll(l, 0), 1);
	ck_assert_int_eq(k.n, 1);
	ck_assert_int_eq(t.when, loop_now(l) + 10);
	loop_timer_stop(l, &t);
	loop_free(l);
}
END_TEST

START_TEST(test_stop)
{
	struct loop *l = LOOP_TEST_NEW();
	struct loop_timer t = { 0 }, never = { 0 };
	struct tick k = { 0 };

	if (l == NULL)
		return;
	loop_timer_stop(l, &never);
	loop_timer_start(l, &t, 20, 0, on_tick, &k);
	loop_timer_stop(l, &t);
	ck_assert(!loop_timer_pending(&t));
	loop_timer_stop(l, &t);
	ck_assert_int_eq(loop_timer_next(l), -1);
	loop_test_idle(l);
	loop_test_idle(l);
	ck_assert_int_eq(k.n, 0);
	/* Pending at loop_free: no longer pending after. */
	loop_timer_start(l, &t, 20, 0, on_tick, &k);
	loop_free(l);
	ck_assert(!loop_timer_pending(&t));
}
END_TEST

START_TEST(test_stop_self_in_callback)
{
	struct loop *l = LOOP_TEST_NEW();
	struct loop_timer t = { 0 };
	struct tick k = { 0 };

	if (l == NULL)
		return;
	k.stop_at = 3;
	loop_timer_start(l, &t, 5, 5, on_tick, &k);
	loop_test_until(l, &k.n, 3);
	ck_assert(!loop_timer_pending(&t));
	loop_test_idle(l);
	ck_assert_int_eq(k.n, 3);
	loop_free(l);
}
END_TEST

/* Two timers due together; whichever runs first stops the other and
 * frees the memory it lives in. */
struct rivals {
	struct loop_timer *t[2];
	int calls;
};

static void
/* cppcheck-suppress constParameter ; its type is loop_timer_fn's */
on_rival(struct loop *l, struct loop_timer *t, void *arg)
{
	struct rivals *r = arg;
	int other = t == r->t[0] ? 1 : 0;

	r->calls++;
	loop_timer_stop(l, r->t[other]);
	free(r->t[other]);
	r->t[other] = NULL;
}

START_TEST(test_stop_other_in_callback)
{
	struct loop *l = LOOP_TEST_NEW();
	struct rivals r = { { NULL, NULL }, 0 };
	int i;

	if (l == NULL)
		return;
	for (i = 0; i < 2; i++) {
		ck_assert_ptr_nonnull(r.t[i] = calloc(1, sizeof *r.t[i]));
		loop_timer_start(l, r.t[i], 0, 5, on_rival, &r);
	}
	ck_assert_int_eq(loop_poll(l, 1000), 1);
	ck_assert_int_eq(r.calls, 1);
	for (i = 0; i < 2; i++) {
		if (r.t[i] == NULL)
			continue;
		ck_assert(loop_timer_pending(r.t[i]));
		loop_timer_stop(l, r.t[i]);
		free(r.t[i]);
	}
	ck_assert_int_eq(loop_timer_next(l), -1);
	loop_free(l);
}
END_TEST

START_TEST(test_restart)
{
	struct loop *l = LOOP_TEST_NEW();
	struct loop_timer t = { 0 };
	struct tick k = { 0 };
	int64_t t0, was;

	if (l == NULL)
		return;
	/* Earlier. */
	t0 = loop_test_ms();
	loop_timer_start(l, &t, 100000, 0, on_tick, &k);
	was = t.when;
	loop_timer_start(l, &t, 20, 0, on_tick, &k);
	ck_assert_int_lt(t.when, was);
	loop_test_until(l, &k.n, 1);
	ck_assert_int_ge(k.at[0], t0 + 20);
	/* Later. */
	loop_timer_start(l, &t, 10, 0, on_tick, &k);
	loop_timer_start(l, &t, 100000, 0, on_tick, &k);
	loop_test_idle(l);
	ck_assert_int_eq(k.n, 1);
	ck_assert(loop_timer_pending(&t));
	/* From its own callback, with 0: once per loop_poll, not forever
	 * within one. */
	k.restart_at = 2;
	k.restart_ms = 0;
	loop_timer_start(l, &t, 0, 0, on_tick, &k);
	loop_test_until(l, &k.n, 2);
	ck_assert_int_eq(k.n, 2);
	ck_assert(loop_timer_pending(&t));
	loop_test_until(l, &k.n, 3);
	ck_assert_int_eq(k.n, 3);
	ck_assert(!loop_timer_pending(&t));
	loop_free(l);
}
END_TEST

/* Many timers with random deadlines; some callbacks stop or move
 * others. Deadlines must come out in order, none early. */
#define MANY 1000

struct many {
	struct loop_timer t[MANY];
	int fired[MANY];
	int stopped[MANY]; /* stopped before it fired */
	int64_t last;      /* the latest deadline run so far */
	int calls;
};

static void
on_many(struct loop *l, struct loop_timer *t, void *arg)
{
	struct many *m = arg;
	int i = (int)(t - m->t), j;

	ck_assert_int_le(t->when, loop_now(l));
	ck_assert_int_ge(t->when, m->last);
	ck_assert_int_eq(m->stopped[i], 0);
	m->last = t->when;
	m->fired[i]++;
	m->calls++;
	j = (i * 7 + 3) % MANY;
	if (i % 10 == 0 && !m->fired[j] && loop_timer_pending(&m->t[j])) {
		loop_timer_stop(l, &m->t[j]);
		m->stopped[j] = 1;
	}
	j = (i * 13 + 5) % MANY;
	if (i % 10 == 1 && loop_timer_pending(&m->t[j]))
		loop_timer_start(l, &m->t[j], i % 7, 0, on_many, m);
}

START_TEST(test_many_in_order)
{
	struct loop *l = LOOP_TEST_NEW();
	struct many *m;
	unsigned int seed = 12345;
	int i, stopped = 0;
	int64_t end;

	if (l == NULL)
		return;
	ck_assert_ptr_nonnull(m = calloc(1, sizeof *m));
	for (i = 0; i < MANY; i++) {
		seed = seed * 1103515245 + 12345;
		loop_timer_start(l, &m->t[i], (seed >> 16) % 60, 0, on_many, m);
	}
	end = loop_test_ms() + 10000;
	while (loop_timer_next(l) != -1 && loop_test_ms() < end)
		ck_assert_int_ge(loop_poll(l, 1000), 0);
	ck_assert_int_eq(loop_timer_next(l), -1);
	for (i = 0; i < MANY; i++) {
		stopped += m->stopped[i];
		ck_assert_int_eq(m->fired[i] + m->stopped[i], 1);
	}
	ck_assert_int_gt(stopped, 0);
	ck_assert_int_eq(m->calls, MANY - stopped);
	free(m);
	loop_free(l);
}
END_TEST

START_TEST(test_poll_wakes_for_timer)
{
	struct loop *l = LOOP_TEST_NEW();
	struct loop_timer t = { 0 };
	struct tick k = { 0 };
	int64_t t0;
	int i;

	if (l == NULL)
		return;
	/* A long timeout of its own: the timer cuts it short. */
	loop_timer_start(l, &t, 30, 0, on_tick, &k);
	t0 = loop_test_ms();
	for (i = 0; i < 10 && k.n == 0; i++)
		ck_assert_int_ge(loop_poll(l, 20000), 0);
	ck_assert_int_eq(k.n, 1);
	ck_assert_int_lt(loop_test_ms() - t0, 15000);
	/* A short timeout of its own: returns with the timer pending. */
	loop_timer_start(l, &t, 100000, 0, on_tick, &k);
	t0 = loop_test_ms();
	ck_assert_int_eq(loop_poll(l, 20), 0);
	ck_assert_int_lt(loop_test_ms() - t0, 15000);
	ck_assert_int_eq(k.n, 1);
	loop_timer_stop(l, &t);
	loop_free(l);
}
END_TEST

START_TEST(test_timer_next)
{
	struct loop *l = LOOP_TEST_NEW();
	struct loop_timer a = { 0 }, b = { 0 }, c = { 0 };
	struct tick k = { 0 };

	if (l == NULL)
		return;
	ck_assert_int_eq(loop_timer_next(l), -1);
	loop_timer_start(l, &a, 100000, 0, on_tick, &k);
	ck_assert_int_le(loop_timer_next(l), 100000);
	ck_assert_int_gt(loop_timer_next(l), 50000);
	loop_timer_start(l, &b, 10, 0, on_tick, &k);
	ck_assert_int_le(loop_timer_next(l), 10);
	ck_assert_int_ge(loop_timer_next(l), 0);
	loop_timer_stop(l, &b);
	ck_assert_int_gt(loop_timer_next(l), 50000);
	/* Overdue, or started in the past: 0, not negative. */
	loop_timer_start(l, &c, -5, 0, on_tick, &k);
	ck_assert_int_eq(loop_timer_next(l), 0);
	ck_assert_int_eq(loop_poll(l, 1000), 1);
	ck_assert_int_eq(k.n, 1);
	loop_timer_stop(l, &a);
	ck_assert_int_eq(loop_timer_next(l), -1);
	loop_free(l);
}
END_TEST

/* In one pass, fd handlers first, then timers, all on one clock. */
struct pass {
	int64_t fd_now, timer_now;
	int order; /* 1: fd first */
	int fds, timers;
};

static void
on_pass_fd(struct loop *l, int fd, void *arg)
{
	struct pass *p = arg;
	char c;

	p->fd_now = loop_now(l);
	p->fds++;
	ck_assert_int_eq(read(fd, &c, 1), 1);
}

static void
on_pass_timer(struct loop *l, struct loop_timer *t, void *arg)
{
	struct pass *p = arg;

	(void)t;
	p->timer_now = loop_now(l);
	p->timers++;
	p->order = p->fds > 0;
}

START_TEST(test_clock_and_order)
{
	struct loop *l = LOOP_TEST_NEW();
	struct loop_timer t = { 0 };
	struct pass p = { 0 };
	int64_t before;
	int fds[2];

	if (l == NULL)
		return;
	/* The clock moves only when the loop reads it. */
	before = loop_now(l);
	loop_test_sleep(20);
	ck_assert_int_eq(loop_now(l), before);
	loop_update_time(l);
	ck_assert_int_ge(loop_now(l), before + 20);
	before = loop_now(l);
	loop_test_sleep(20);
	ck_assert_int_eq(loop_poll(l, 0), 0);
	ck_assert_int_ge(loop_now(l), before + 20);
	/* An fd ready and a timer due. */
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], "x", 1), 1);
	ck_assert_int_eq(
	    loop_add(l, fds[0], LOOP_READ, on_pass_fd, NULL, &p), 0);
	loop_timer_start(l, &t, 0, 0, on_pass_timer, &p);
	ck_assert_int_eq(loop_poll(l, 1000), 2);
	ck_assert_int_eq(p.fds, 1);
	ck_assert_int_eq(p.timers, 1);
	ck_assert_int_eq(p.order, 1);
	ck_assert_int_eq(p.fd_now, p.timer_now);
	loop_del(l, fds[0]);
	close(fds[0]);
	close(fds[1]);
	loop_free(l);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("loop_timer");
	TCase *tc = tcase_create("loop_timer");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	LOOP_TEST_ADD(tc, test_one_shot);
	LOOP_TEST_ADD(tc, test_repeating);
	LOOP_TEST_ADD(tc, test_repeating_keeps_rhythm);
	LOOP_TEST_ADD(tc, test_repeating_late_runs_once);
	LOOP_TEST_ADD(tc, test_stop);
	LOOP_TEST_ADD(tc, test_stop_self_in_callback);
	LOOP_TEST_ADD(tc, test_stop_other_in_callback);
	LOOP_TEST_ADD(tc, test_restart);
	LOOP_TEST_ADD(tc, test_many_in_order);
	LOOP_TEST_ADD(tc, test_poll_wakes_for_timer);
	LOOP_TEST_ADD(tc, test_timer_next);
	LOOP_TEST_ADD(tc, test_clock_and_order);
	suite_add_tcase(s, tc);
	return s;
}
