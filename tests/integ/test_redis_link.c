/*
 * test_redis_link.c: server/redis_loop.c and redis_link.c against a real
 * redis-server: connecting, commands and replies in order on every loop
 * backend, pub/sub, failing fast while down, AUTH, SELECT and unix
 * sockets, and every path closing what it opened
 * (test_redis_link_faults.c: Redis killed, restarted, paused, resumed).
 */
#include "redis_link_test.h"

/* --- tests ------------------------------------------------------------- */

START_TEST(test_commands_in_order)
{
	struct loop *l = loop_new((enum loop_backend)_i);
	static struct rec recs[NCMDS];
	struct rec set, get, bad, ping;
	struct rlink *link;
	struct state st;
	int i;

	if (l == NULL || !setup_redis("test_commands_in_order", NULL)) {
		loop_free(l);
		return;
	}
	link = link_new(l, R.url, RLINK_COMMANDS, NULL, &st);
	ck_assert(!rlink_is_up(link)); /* the connect is asynchronous */
	ck_assert(redis_loop_run(l, is_up, &st, USER_DEADLINE_MS));
	ck_assert_int_eq(st.ups, 1);
	ck_assert_str_eq(rlink_error(link), "");

	memset(recs, 0, sizeof recs);
	for (i = 0; i < NCMDS; i++)
		ck_assert_int_eq(
		    rlink_command(link, on_rec, &recs[i], "INCR counter"), 0);
	ck_assert_int_eq(recs[0].calls, 0); /* never from inside */
	ck_assert_uint_eq(rlink_pending(link), NCMDS);
	ck_assert(redis_loop_run(l, called, &recs[NCMDS - 1], 5000));
	for (i = 0; i < NCMDS; i++) {
		ck_assert_int_eq(recs[i].calls, 1);
		ck_assert_int_eq(recs[i].order, i + 1);
		ck_assert_int_eq(recs[i].err, 0);
		ck_assert_int_eq(recs[i].integer, i + 1);
	}
	ck_assert_uint_eq(rlink_pending(link), 0);

	/* Binary-safe arguments, argv form, and an error reply. */
	memset(&set, 0, sizeof set);
	memset(&get, 0, sizeof get);
	memset(&bad, 0, sizeof bad);
	memset(&ping, 0, sizeof ping);
	ck_assert_int_eq(
	    rlink_command(link, on_rec, &set, "SET k %b", "a\0b c", (size_t)5),
	    0);
	{
		const char *argv[] = { "GET", "k" };

		ck_assert_int_eq(
		    rlink_command_argv(link, on_rec, &get, 2, argv, NULL), 0);
	}
	ck_assert_int_eq(rlink_command(link, on_rec, &bad, "INCR k"), 0);
	ck_assert_int_eq(rlink_command(link, on_rec, &ping, "PING"), 0);
	ck_assert(redis_loop_run(l, called, &ping, 5000));
	ck_assert_int_eq(set.type, REDIS_REPLY_STATUS);
	ck_assert_int_eq(get.type, REDIS_REPLY_STRING);
	ck_assert_uint_eq(get.len, 5);
	ck_assert_mem_eq(get.str, "a\0b c", 5);
	ck_assert_int_eq(bad.err, 1);
	ck_assert_int_eq(bad.type, REDIS_REPLY_ERROR);
	ck_assert_ptr_nonnull(strstr(bad.str, "not an integer"));
	ck_assert_str_eq(ping.str, "PONG");
	ck_assert(set.order < get.order && get.order < bad.order &&
	    bad.order < ping.order);
	ck_assert_int_eq(st.downs, 0);

	rlink_free(link);
	ck_assert_int_eq(loop_count(l), 0); /* the connection's fd is gone */
	loop_free(l);
	redis_srv_stop(&R);
}
END_TEST

START_TEST(test_fail_fast)
{
	struct loop *l = loop_new(LOOP_POLL);
	struct rlink_opts o = { .timeout_ms = 300, .backoff_max_ms = 200 };
	struct rec r, r2;
	struct rlink *link;
	struct state st;
	char url[64];
	long t0;

	if (!setup_redis("test_fail_fast", NULL)) {
		loop_free(l);
		return;
	}
	/* Before the link is up, a command fails, but not from inside. */
	link = link_new(l, R.url, RLINK_COMMANDS, NULL, &st);
	memset(&r, 0, sizeof r);
	t0 = harness_now_ms();
	ck_assert_int_eq(rlink_command(link, on_rec, &r, "PING"), 0);
	ck_assert_int_eq(r.calls, 0);
	ck_assert_int_eq(loop_poll(l, 0) >= 0, 1);
	ck_assert(redis_loop_run(l, called, &r, 1000));
	ck_assert_int_eq(r.err, 1);
	ck_assert_int_eq(r.type, -1);
	ck_assert_str_eq(r.str, "cluster link down");
	ck_assert_int_lt(r.at - t0, 100);
	rlink_free(link);

	/* Nothing listening: never up, failing fast, and saying why. */
	redis_srv_kill(&R);
	snprintf(url, sizeof url, "redis://127.0.0.1:%d", R.port);
	link = link_new(l, url, RLINK_COMMANDS, &o, &st);
	ck_assert(!redis_loop_run(l, is_up, &st, 1000));
	ck_assert_int_eq(st.ups + st.downs, 0);
	ck_assert_ptr_nonnull(strstr(rlink_error(link), "refused"));
	memset(&r2, 0, sizeof r2);
	t0 = harness_now_ms();
	ck_assert_int_eq(rlink_command(link, on_rec, &r2, "PING"), 0);
	ck_assert(redis_loop_run(l, called, &r2, 1000));
	ck_assert_int_lt(r2.at - t0, 100);
	ck_assert_str_eq(r2.str, "cluster link down");
	rlink_free(link);
	ck_assert_int_eq(loop_count(l), 0);
	loop_free(l);
	redis_srv_stop(&R);
}
END_TEST

START_TEST(test_pubsub)
{
	struct loop *l = loop_new((enum loop_backend)_i);
	struct msgs m1, m2, m3;
	struct rlink *cmd, *sub;
	struct state sc, ss;
	struct two both = { &sc, &ss };
	struct rec r;

	if (l == NULL || !setup_redis("test_pubsub", NULL)) {
		loop_free(l);
		return;
	}
	memset(&m1, 0, sizeof m1);
	memset(&m2, 0, sizeof m2);
	memset(&m3, 0, sizeof m3);
	cmd = link_new(l, R.url, RLINK_COMMANDS, NULL, &sc);
	sub = link_new(l, R.url, RLINK_SUBSCRIBER, NULL, &ss);
	/* Made before the link is up: sent with the handshake. */
	ck_assert_int_eq(rlink_subscribe(sub, "chatd:{t}:a", on_msg, &m1), 0);
	ck_assert_int_eq(rlink_psubscribe(sub, "chatd:{t}:p*", on_msg, &m2), 0);
	ck_assert(redis_loop_run(l, both_up, &both, USER_DEADLINE_MS));

	ck_assert(publish_until(l, cmd, "chatd:{t}:a", "x\0y", 3, 1));
	ck_assert(redis_loop_run(l, got_msg, &m1, 2000));
	ck_assert_str_eq(m1.channel, "chatd:{t}:a");
	ck_assert_uint_eq(m1.len, 3);
	ck_assert_mem_eq(m1.data, "x\0y", 3);
	ck_assert(publish_until(l, cmd, "chatd:{t}:pq", "hi", 2, 1));
	ck_assert(redis_loop_run(l, got_msg, &m2, 2000));
	ck_assert_str_eq(m2.channel, "chatd:{t}:pq"); /* not the pattern */
	ck_assert_mem_eq(m2.data, "hi", 2);

	/* Made while up: sent at once. */
	ck_assert_int_eq(
	    rlink_subscribe(sub, "chatd:{t}:late", on_msg, &m3), 0);
	ck_assert(publish_until(l, cmd, "chatd:{t}:late", "z", 1, 1));
	ck_assert(redis_loop_run(l, got_msg, &m3, 2000));

	/* Unsubscribed: nobody hears it. */
	ck_assert_int_eq(rlink_unsubscribe(sub, "chatd:{t}:a"), 0);
	ck_assert(publish_until(l, cmd, "chatd:{t}:a", "x", 1, 0));
	ck_assert_int_eq(rlink_punsubscribe(sub, "chatd:{t}:p*"), 0);
	ck_assert(publish_until(l, cmd, "chatd:{t}:pq", "x", 1, 0));
	ck_assert_int_eq(rlink_unsubscribe(sub, "chatd:{t}:a"), -1);
	ck_assert_int_eq(errno, ENOENT);

	/* Each kind of link does only its own kind of thing. */
	memset(&r, 0, sizeof r);
	ck_assert_int_eq(rlink_command(sub, on_rec, &r, "PING"), 0);
	ck_assert(redis_loop_run(l, called, &r, 1000));
	ck_assert_str_eq(r.str, "not a command link");
	ck_assert_int_eq(rlink_subscribe(cmd, "x", on_msg, &m1), -1);
	ck_assert_int_eq(errno, EINVAL);

	ck_assert_int_eq(sc.downs + ss.downs, 0);
	rlink_free(sub);
	rlink_free(cmd);
	ck_assert_int_eq(loop_count(l), 0);
	loop_free(l);
	redis_srv_stop(&R);
}
END_TEST

START_TEST(test_auth_db_unix)
{
	struct loop *l = loop_new(LOOP_POLL);
	struct rlink_opts o = { .timeout_ms = 500, .backoff_max_ms = 200 };
	struct rlink *good, *wrong, *none, *unx, *sub;
	struct state sg, sw, sn, su, ss;
	struct rec set, exists, ping;
	char url[256];

	if (!setup_redis("test_auth_db_unix", "s3cret")) {
		loop_free(l);
		return;
	}
	snprintf(url, sizeof url, "redis://:s3cret@127.0.0.1:%d/3", R.port);
	good = link_new(l, url, RLINK_COMMANDS, &o, &sg);
	sub = link_new(l, url, RLINK_SUBSCRIBER, &o, &ss);
	snprintf(url, sizeof url, "redis://:nope@127.0.0.1:%d", R.port);
	wrong = link_new(l, url, RLINK_COMMANDS, &o, &sw);
	none = link_new(l, R.url, RLINK_COMMANDS, &o, &sn);
	ck_assert(redis_loop_run(l, is_up, &sg, USER_DEADLINE_MS));
	ck_assert(redis_loop_run(l, is_up, &ss, USER_DEADLINE_MS));

	/* SELECT 3 happened: the key is in db 3, not in db 0. */
	memset(&set, 0, sizeof set);
	memset(&exists, 0, sizeof exists);
	ck_assert_int_eq(rlink_command(good, on_rec, &set, "SET k v"), 0);
	ck_assert_int_eq(rlink_command(good, on_rec, &exists, "EXISTS k"), 0);
	ck_assert(redis_loop_run(l, called, &exists, 2000));
	ck_assert_int_eq(exists.integer, 1);
	ck_assert_int_eq(redis_srv_int(&R, "EXISTS k"), 0);
	ck_assert_int_eq(redis_srv_int(&R, "EVAL %s 0",
			     "redis.call('SELECT', 3) "
			     "return redis.call('EXISTS', 'k')"),
	    1);

	/* Refused links never come up and say why. */
	redis_loop_run(l, is_up, &sw, 1000);
	ck_assert_int_eq(sw.ups + sn.ups, 0);
	ck_assert_ptr_nonnull(strstr(rlink_error(wrong), "refused"));
	ck_assert_ptr_nonnull(strstr(rlink_error(none), "NOAUTH"));
	rlink_free(wrong);
	rlink_free(none);
	rlink_free(good);
	rlink_free(sub);
	redis_srv_stop(&R);

	/* unix:PATH */
	ck_assert_int_eq(redis_srv_start(&R, NULL), 0);
	snprintf(url, sizeof url, "unix:%s", R.sock);
	unx = link_new(l, url, RLINK_COMMANDS, &o, &su);
	ck_assert(redis_loop_run(l, is_up, &su, USER_DEADLINE_MS));
	memset(&ping, 0, sizeof ping);
	ck_assert_int_eq(rlink_command(unx, on_rec, &ping, "PING"), 0);
	ck_assert(redis_loop_run(l, called, &ping, 2000));
	ck_assert_str_eq(ping.str, "PONG");
	rlink_free(unx);
	ck_assert_int_eq(loop_count(l), 0);
	loop_free(l);
	redis_srv_stop(&R);
}
END_TEST

/* A callback that makes another command from inside one. */
struct chain {
	struct rlink *link;
	struct rec inner;
	int outer;
};

static void
on_outer(void *arg, const struct redisReply *r, const char *err)
{
	struct chain *c = arg;

	(void)r;
	(void)err;
	c->outer++;
	ck_assert_int_eq(rlink_command(c->link, on_rec, &c->inner, "PING"), 0);
}

START_TEST(test_free_with_pending)
{
	struct loop *l = loop_new(LOOP_POLL);
	struct rec blocked;
	struct rlink *link;
	struct state st;
	struct chain ch;

	if (!setup_redis("test_free_with_pending", NULL)) {
		loop_free(l);
		return;
	}
	link = link_new(l, R.url, RLINK_COMMANDS, NULL, &st);
	ck_assert(redis_loop_run(l, is_up, &st, USER_DEADLINE_MS));
	memset(&blocked, 0, sizeof blocked);
	memset(&ch, 0, sizeof ch);
	ch.link = link;
	ck_assert_int_eq(
	    rlink_command(link, on_rec, &blocked, "BLPOP nothing 0"), 0);
	ck_assert_int_eq(rlink_command(link, on_outer, &ch, "BLPOP none 0"), 0);
	ck_assert_int_eq(loop_poll(l, 50) >= 0, 1);
	/* Every callback runs inside rlink_free, in order, even the one a
	 * callback made meanwhile; none after. */
	rlink_free(link);
	ck_assert_int_eq(blocked.calls, 1);
	ck_assert_str_eq(blocked.str, "cluster link closed");
	ck_assert_int_eq(ch.outer, 1);
	ck_assert_int_eq(ch.inner.calls, 1);
	ck_assert_str_eq(ch.inner.str, "cluster link closed");
	ck_assert_int_lt(blocked.order, ch.inner.order);
	ck_assert_int_eq(loop_count(l), 0);
	ck_assert_int_eq(loop_poll(l, 20) >= 0, 1);
	ck_assert_int_eq(blocked.calls, 1);
	ck_assert_int_eq(ch.inner.calls, 1);
	ck_assert(loop_timer_next(l) == -1); /* no timer left behind */
	loop_free(l);
	redis_srv_stop(&R);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("redis_link");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_loop_test(tc, test_commands_in_order, 0, 3);
	tcase_add_test(tc, test_fail_fast);
	tcase_add_loop_test(tc, test_pubsub, 0, 3);
	tcase_add_test(tc, test_auth_db_unix);
	tcase_add_test(tc, test_free_with_pending);
	suite_add_tcase(s, tc);
	return s;
}
