/* test_v2_options.c: chatd-v2 §5-§7 and §9 options: numeric ranges named
 * and held, the new options, every backend, -m past select(), the
 * statistics line, on the real chatd. */
#define _DEFAULT_SOURCE
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/wait.h>

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "harness.h"
#include "v2_util.h"

/*
 * Run chatd with exactly args until it exits or says it listens (then
 * SIGTERM). Returns its exit status, or 0 when it came up and stopped
 * cleanly (-1 if it came up and did not).
 */
static int
run_status(struct srv *s, const char *const *args)
{
	long end;
	int st;

	ck_assert_int_eq(srv_spawn(s, args), 0);
	end = harness_now_ms() + 10000;
	while (harness_now_ms() < end) {
		srv_read_log(s, 20);
		if (strstr(s->log, "listening on") != NULL)
			return srv_stop(s, SIGTERM) == 0 ? 0 : -1;
		if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
			srv_read_log(s, 50);
			s->pid = 0;
			close(s->errfd);
			s->errfd = -1;
			return WIFEXITED(st) ? WEXITSTATUS(st) :
					       128 + WTERMSIG(st);
		}
	}
	return srv_stop(s, SIGKILL);
}

/* chatd -b 127.0.0.1 [-p 0] OPT VALUE [extra]: its status. */
static int
opt_status(struct srv *s, const char *opt, const char *value, const char *extra)
{
	const char *args[10] = { "-b", "127.0.0.1" };
	int n = 2;

	if (strcmp(opt, "-p") != 0) {
		args[n++] = "-p";
		args[n++] = "0";
	}
	args[n++] = opt;
	args[n++] = value;
	if (extra != NULL) {
		args[n++] = "--io";
		args[n++] = extra;
	}
	args[n] = NULL;
	return run_status(s, args);
}

/* A number with an optional K, M or G (1024-based) at p; end past it. */
static int
parse_num(const char *p, long long *v, const char **end)
{
	char *e;

	if (!isdigit((unsigned char)*p))
		return 0;
	*v = strtoll(p, &e, 10);
	if (*e == 'K' || *e == 'M' || *e == 'G') {
		*v <<= *e == 'K' ? 10 : *e == 'M' ? 20 : 30;
		e++;
	}
	*end = e;
	return 1;
}

/* The first "A to B", "A..B", "A-B" or "between A and B" in line. */
static int
parse_range(const char *line, long long *lo, long long *hi)
{
	const char *seps[] = { " to ", "..", "-", " - ", " and ", NULL };
	const char *p, *e, *q;
	int k;

	for (p = line; *p != '\0' && *p != '\n'; p++) {
		if (p > line && (isalnum((unsigned char)p[-1]) || p[-1] == '-'))
			continue;
		if (!parse_num(p, lo, &e))
			continue;
		for (k = 0; seps[k] != NULL; k++) {
			size_t n = strlen(seps[k]);

			if (strncmp(e, seps[k], n) == 0 &&
			    parse_num(e + n, hi, &q) && *lo <= *hi)
				return 1;
		}
	}
	return 0;
}

static const char *const ranged[] = { "-m", "-p", "--max-line", "--rate",
	"--burst", "--max-per-ip", "--login-timeout", "--history", "--replay",
	"--max-queue", "--history-memory" };

START_TEST(test_option_range_named)
{
	const char *opt = ranged[_i];
	const char *bad[] = { "99999999999999999999", "-1" };
	struct srv s;
	char first[512], v[32];
	long long lo = 0, hi = 0, lo2, hi2;
	int k, st;

	for (k = 0; k < 2; k++) {
		st = opt_status(&s, opt, bad[k], NULL);
		snprintf(first, sizeof first, "%.*s", (int)strcspn(s.log, "\n"),
		    s.log);
		ck_assert_msg(st == 2, "%s %s: exit %d, want 2: %s", opt,
		    bad[k], st, s.log);
		ck_assert_msg(strstr(first, opt) != NULL ||
			(strcmp(opt, "-m") == 0 &&
			    strstr(first, "--max-clients") != NULL) ||
			(strcmp(opt, "-p") == 0 &&
			    strstr(first, "--port") != NULL),
		    "%s %s: the error does not name the option: %s", opt,
		    bad[k], first);
		ck_assert_msg(parse_range(first, k == 0 ? &lo : &lo2,
				  k == 0 ? &hi : &hi2),
		    "PRODUCT: %s %s: the error names no range (\"A to B\"): %s",
		    opt, bad[k], first);
	}
	ck_assert_msg(lo == lo2 && hi == hi2,
	    "PRODUCT: %s names two ranges: %lld..%lld and %lld..%lld", opt, lo,
	    hi, lo2, hi2);
	/* The range is the one actually accepted. */
	snprintf(v, sizeof v, "%lld", lo);
	st = opt_status(&s, opt, v, NULL);
	ck_assert_msg(st != 2,
	    "PRODUCT: %s %s (the named lower end) refused: %s", opt, v, s.log);
	snprintf(v, sizeof v, "%lld", hi);
	st = opt_status(&s, opt, v, NULL);
	ck_assert_msg(st != 2,
	    "PRODUCT: %s %s (the named upper end) refused: %s", opt, v, s.log);
	snprintf(v, sizeof v, "%lld", lo - 1);
	ck_assert_msg(opt_status(&s, opt, v, NULL) == 2,
	    "PRODUCT: %s %s (below the named range) accepted", opt, v);
	if (hi < (1LL << 62)) {
		snprintf(v, sizeof v, "%lld", hi + 1);
		ck_assert_msg(opt_status(&s, opt, v, NULL) == 2,
		    "PRODUCT: %s %s (above the named range) accepted", opt, v);
	}
}
END_TEST

/* The select bound that -m names is FD_SETSIZE's, and 1 is its floor. */
START_TEST(test_max_clients_range)
{
	struct srv s;
	long long lo = 0, hi = 0;

	ck_assert_int_eq(opt_status(&s, "-m", "100000", NULL), 2);
	ck_assert_msg(parse_range(s.log, &lo, &hi),
	    "PRODUCT: -m 100000 names no range: %s", s.log);
	ck_assert_msg(lo == 1 && hi > FD_SETSIZE - 64 && hi < FD_SETSIZE,
	    "PRODUCT: -m names %lld to %lld, want 1 to the FD_SETSIZE bound: %s",
	    lo, hi, s.log);
}
END_TEST

static const char *const good_sets[][5] = {
	{ "--history", "0" },
	{ "--history", "5", "--replay", "0" },
	{ "--history", "1000", "--replay", "1000" },
	{ "--history-memory", "16M" },
	{ "--history-memory", "512K" },
	{ "--history-memory", "1G" },
	{ "--io", "select" },
	{ "--io", "poll" },
	{ "--io", "epoll" },
};

START_TEST(test_new_options_accepted)
{
	struct srv s;
	struct conn *a, *b;

	srv_start_ok(&s, good_sets[_i]);
	a = v2_login(s.port, "alice");
	b = v2_login(s.port, "bob");
	v2_sync(a);
	conn_send(a, "hello\n");
	v2_next(b, "bob", "<alice> hello");
	conn_close(a);
	conn_close(b);
	srv_stop_ok(&s);
}
END_TEST

static const char *const bad_sets[][3] = {
	{ "--io", "kqueue" },
	{ "--io", "SELECT" },
	{ "--io" },
	{ "--history", "-1" },
	{ "--history", "x" },
	{ "--history" },
	{ "--replay", "lots" },
	{ "--replay", "-2" },
	{ "--history-memory", "lots" },
	{ "--history-memory", "12Q" },
	{ "--history-memory" },
	{ "--max-queue", "5X" },
	{ "--max-queue", "K" },
};

START_TEST(test_new_options_bad)
{
	const char *const *b = bad_sets[_i];
	const char *args[7] = { "-p", "0", "-b", "127.0.0.1" };
	struct srv s;
	char first[512];
	int st, n = 4, lines = 0;
	const char *p;

	args[n++] = b[0];
	args[n++] = b[1];
	st = run_status(&s, args);
	snprintf(first, sizeof first, "%.*s", (int)strcspn(s.log, "\n"), s.log);
	ck_assert_msg(st == 2, "PRODUCT: %s %s: exit %d, want 2: %s", b[0],
	    b[1] ? b[1] : "", st, s.log);
	ck_assert_msg(strstr(first, b[0]) != NULL,
	    "PRODUCT: %s %s: the error does not name %s: %s", b[0],
	    b[1] ? b[1] : "", b[0], first);
	for (p = s.log; *p != '\0'; p++)
		lines += *p == '\n';
	ck_assert_msg(lines <= 2, "not a short error: %s", s.log);
}
END_TEST

/* -m past select()'s bound with --io poll and epoll: up to the open-file
 * limit, less chatd's own descriptors. */
START_TEST(test_max_clients_past_select)
{
	const char *io[] = { "poll", "epoll" };
	struct rlimit rl = { 4096, 4096 };
	struct srv s;
	long long lo = 0, hi = 0;
	char v[32];
	int k;

	if (srv_fd_limits_virtualised())
		return;
	ck_assert_msg(opt_status(&s, "-m", "2000", NULL) == 2,
	    "-m 2000 with select accepted");
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	for (k = 0; k < 2; k++) {
		int st = opt_status(&s, "-m", "2000", io[k]);

		ck_assert_msg(st == 0, "PRODUCT: -m 2000 --io %s: exit %d: %s",
		    io[k], st, s.log);
		st = opt_status(&s, "-m", "100000", io[k]);
		ck_assert_msg(st == 2,
		    "PRODUCT: -m 100000 --io %s (4096 files): "
		    "exit %d: %s",
		    io[k], st, s.log);
		ck_assert_msg(parse_range(s.log, &lo, &hi) && lo == 1 &&
			hi > 4096 - 64 && hi < 4096,
		    "PRODUCT: -m 100000 --io %s with 4096 files names %lld to "
		    "%lld: %s",
		    io[k], lo, hi, s.log);
		snprintf(v, sizeof v, "%lld", hi);
		ck_assert_msg(opt_status(&s, "-m", v, io[k]) == 0,
		    "PRODUCT: -m %s --io %s (its own bound) refused: %s", v,
		    io[k], s.log);
		snprintf(v, sizeof v, "%lld", hi + 1);
		ck_assert_msg(opt_status(&s, "-m", v, io[k]) == 2,
		    "PRODUCT: -m %s --io %s accepted", v, io[k]);
	}
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_v2_options");
	TCase *tc = tcase_create("v2_options");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_loop_test(tc, test_option_range_named, 0,
	    (int)(sizeof ranged / sizeof ranged[0]));
	tcase_add_test(tc, test_max_clients_range);
	tcase_add_loop_test(tc, test_new_options_accepted, 0,
	    (int)(sizeof good_sets / sizeof good_sets[0]));
	tcase_add_loop_test(tc, test_new_options_bad, 0,
	    (int)(sizeof bad_sets / sizeof bad_sets[0]));
	tcase_add_test(tc, test_max_clients_past_select);
	suite_add_tcase(s, tc);
	return s;
}
