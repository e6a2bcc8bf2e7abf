/*
 * test_redis_cluster_pause30.c: cluster-v1.md §3, Redis paused for 30 s
 * (SIGSTOP, SIGCONT) under two chatd nodes: the same checks as the 5 s
 * pause of test_redis_cluster_faults, over the many reconnect attempts a
 * long pause makes: told once that the link is lost and once that it is
 * restored, local lines every 5 s throughout, and the room messages said
 * while down reaching the other node in order. A suite of its own: it
 * takes about 40 s.
 */
#include "redis_cluster_test.h"

START_TEST(test_redis_paused_30s)
{
	pause_scenario("test_redis_paused_30s", 30);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("redis_cluster_pause30");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 90);
	tcase_add_unchecked_fixture(
	    tc, redis_srv_suite_setup, redis_srv_suite_teardown);
	tcase_add_test(tc, test_redis_paused_30s);
	suite_add_tcase(s, tc);
	return s;
}
