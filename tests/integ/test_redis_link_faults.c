/*
 * test_redis_link_faults.c: server/redis_link.c when Redis fails: killed
 * (the link goes down at once, what was waiting fails, commands fail fast)
 * and restarted empty (up again, subscriptions made again), and paused
 * with SIGSTOP, which keeps the TCP connection open (down within
 * cluster-v1.md's 5 s, up within 5 s of SIGCONT, while a timer on the
 * same loop never runs late).
 */
#include "redis_link_test.h"

START_TEST(test_kill_and_restart)
{
	struct loop *l = loop_new(LOOP_EPOLL);
	struct rlink_opts o = { .backoff_min_ms = 50, .backoff_max_ms = 500 };
	struct rec blocked, down, after;
	struct rlink *cmd, *sub;
	struct state sc, ss;
	struct two both = { &sc, &ss };
	struct msgs m;
	long t0;

	if (l == NULL)
		l = loop_new(LOOP_POLL);
	if (!setup_redis("test_kill_and_restart", NULL)) {
		loop_free(l);
		return;
	}
	memset(&m, 0, sizeof m);
	cmd = link_new(l, R.url, RLINK_COMMANDS, &o, &sc);
	sub = link_new(l, R.url, RLINK_SUBSCRIBER, &o, &ss);
	ck_assert_int_eq(rlink_subscribe(sub, "chatd:{t}:a", on_msg, &m), 0);
	ck_assert(redis_loop_run(l, both_up, &both, USER_DEADLINE_MS));

	/* A command Redis will never answer, then Redis dies. */
	memset(&blocked, 0, sizeof blocked);
	ck_assert_int_eq(
	    rlink_command(cmd, on_rec, &blocked, "BLPOP nothing 0"), 0);
	ck_assert_int_eq(loop_poll(l, 50) >= 0, 1); /* sent */
	t0 = harness_now_ms();
	redis_srv_kill(&R);
	ck_assert(redis_loop_run(l, both_down, &both, USER_DEADLINE_MS));
	ck_assert_int_lt(harness_now_ms() - t0, 1000); /* a closed socket */
	ck_assert(redis_loop_run(l, called, &blocked, 1000));
	ck_assert_int_eq(blocked.err, 1);
	ck_assert_int_eq(blocked.type, -1);
	ck_assert_uint_eq(rlink_pending(cmd), 0);
	ck_assert_str_ne(rlink_error(cmd), "");

	/* Down: commands fail fast. */
	memset(&down, 0, sizeof down);
	ck_assert_int_eq(rlink_command(cmd, on_rec, &down, "PING"), 0);
	ck_assert(redis_loop_run(l, called, &down, 200));
	ck_assert_str_eq(down.str, "cluster link down");
	ck_assert_int_gt(down.order, blocked.order);

	/* Back, empty: up again, subscriptions made again. */
	t0 = harness_now_ms();
	ck_assert_int_eq(redis_srv_restart(&R), 0);
	ck_assert(redis_loop_run(l, both_up, &both, USER_DEADLINE_MS));
	ck_assert_int_lt(harness_now_ms() - t0, USER_DEADLINE_MS);
	ck_assert_int_eq(sc.ups, 2);
	ck_assert_int_eq(sc.downs, 1);
	ck_assert_int_eq(ss.ups, 2);
	ck_assert_int_eq(ss.downs, 1);
	ck_assert(publish_until(l, cmd, "chatd:{t}:a", "again", 5, 1));
	ck_assert(redis_loop_run(l, got_msg, &m, 2000));
	ck_assert_mem_eq(m.data, "again", 5);
	memset(&after, 0, sizeof after);
	ck_assert_int_eq(rlink_command(cmd, on_rec, &after, "PING"), 0);
	ck_assert(redis_loop_run(l, called, &after, 2000));
	ck_assert_str_eq(after.str, "PONG");

	rlink_free(sub);
	rlink_free(cmd);
	ck_assert_int_eq(loop_count(l), 0);
	loop_free(l);
	redis_srv_stop(&R);
}
END_TEST

/* A repeating timer that records how late it ever was. */
struct ticker {
	struct loop_timer t;
	long last, worst;
	int ticks;
};

static void
on_tick(struct loop *l, struct loop_timer *t, void *arg)
{
	struct ticker *k = arg;
	long now = harness_now_ms();

	(void)l;
	(void)t;
	if (k->last != 0 && now - k->last > k->worst)
		k->worst = now - k->last;
	k->last = now;
	k->ticks++;
}

START_TEST(test_paused_redis)
{
	struct loop *l = loop_new(LOOP_SELECT);
	struct rec stuck, down, after;
	struct rlink *cmd, *sub;
	struct state sc, ss;
	struct two both = { &sc, &ss };
	struct ticker k;
	long t0, lost, back;

	if (!setup_redis("test_paused_redis", NULL)) {
		loop_free(l);
		return;
	}
	/* The defaults: what chatd itself will run with. */
	cmd = link_new(l, R.url, RLINK_COMMANDS, NULL, &sc);
	sub = link_new(l, R.url, RLINK_SUBSCRIBER, NULL, &ss);
	ck_assert(redis_loop_run(l, both_up, &both, USER_DEADLINE_MS));
	memset(&k, 0, sizeof k);
	loop_timer_start(l, &k.t, 50, 50, on_tick, &k);

	t0 = harness_now_ms();
	redis_srv_pause(&R);
	memset(&stuck, 0, sizeof stuck);
	ck_assert_int_eq(rlink_command(cmd, on_rec, &stuck, "PING"), 0);
	ck_assert(redis_loop_run(l, both_down, &both, USER_DEADLINE_MS + 1000));
	lost = (sc.changed_at > ss.changed_at ? sc.changed_at : ss.changed_at) -
	    t0;
	fprintf(stderr, "test_paused_redis: down after %ld ms\n", lost);
	ck_assert_int_lt(lost, USER_DEADLINE_MS);
	/* The command Redis never answered failed when the link went. */
	ck_assert_int_eq(stuck.calls, 1);
	ck_assert_int_eq(stuck.err, 1);
	ck_assert_ptr_nonnull(strstr(stuck.str, "no answer"));
	memset(&down, 0, sizeof down);
	ck_assert_int_eq(rlink_command(cmd, on_rec, &down, "PING"), 0);
	ck_assert(redis_loop_run(l, called, &down, 200));
	ck_assert_str_eq(down.str, "cluster link down");

	/* Meanwhile the loop kept its rhythm: it never waited on Redis. */
	ck_assert_int_gt(k.ticks, (int)(lost / 50) - 5);
	ck_assert_int_lt(k.worst, 250);

	/* Reconnecting to a paused Redis connects (the kernel accepts) and
	 * times out; resumed, the link comes back in time. */
	redis_loop_run(l, is_up, &sc, 2500);
	ck_assert(!sc.up && !ss.up);
	t0 = harness_now_ms();
	redis_srv_resume(&R);
	ck_assert(redis_loop_run(l, both_up, &both, USER_DEADLINE_MS + 1000));
	back = (sc.changed_at > ss.changed_at ? sc.changed_at : ss.changed_at) -
	    t0;
	fprintf(stderr, "test_paused_redis: up after %ld ms\n", back);
	ck_assert_int_lt(back, USER_DEADLINE_MS);
	ck_assert_int_lt(k.worst, 250);
	memset(&after, 0, sizeof after);
	ck_assert_int_eq(rlink_command(cmd, on_rec, &after, "PING"), 0);
	ck_assert(redis_loop_run(l, called, &after, 2000));
	ck_assert_str_eq(after.str, "PONG");

	loop_timer_stop(l, &k.t);
	rlink_free(sub);
	rlink_free(cmd);
	ck_assert_int_eq(loop_count(l), 0);
	loop_free(l);
	redis_srv_stop(&R);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("redis_link_faults");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_unchecked_fixture(
	    tc, redis_srv_suite_setup, redis_srv_suite_teardown);
	tcase_add_test(tc, test_kill_and_restart);
	tcase_add_test(tc, test_paused_redis);
	suite_add_tcase(s, tc);
	return s;
}
