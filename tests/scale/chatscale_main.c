/* chatscale_main.c: chatscale's options, the open-file limit, select()'s refusal, and the order of the phases. */
#include <sys/select.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chatscale.h"
#include "conf.h"

#define SC_START_IDLE  1200 /* before the first RSS: a cron has run */
#define SC_SPARE_FDS   256
#define SC_CHATD_SPARE 50 /* -m is N plus this */

/* select() cannot watch 10,000 sockets: chatd must say so and stop. */
static void
sc_select_refuses(struct sc *s, const char *dir)
{
	static char text[4096];
	char m[32], log[256];
	const char *args[] = { "--io", "select", "-m", m, "-p", "0", "-b",
		"127.0.0.1", NULL };
	FILE *f;
	size_t n = 0;
	int rv;

	snprintf(m, sizeof m, "%d", s->o.n + SC_CHATD_SPARE);
	snprintf(log, sizeof log, "%s/select.log", dir);
	rv = chatd_run(s->o.chatd, args, log);
	if ((f = fopen(log, "r")) != NULL) {
		n = fread(text, 1, sizeof text - 1, f);
		fclose(f);
	}
	text[n] = '\0';
	text[strcspn(text, "\n")] = '\0';
	printf("select: chatd --io select -m %s exits %d: %s\n", m, rv, text);
	if (rv != 2)
		sc_fail(s, "chatd --io select -m %s exited %d, not 2 (usage)",
		    m, rv);
	if (strstr(text, "select()") == NULL ||
	    strstr(text, "poll or epoll") == NULL)
		sc_fail(s,
		    "chatd's refusal does not name select() and the "
		    "backends that take more");
}

static void
sc_usage(FILE *f)
{
	fprintf(f,
	    "usage: chatscale [-n N] [--rooms R] [-m M] [--io BACKEND]\n"
	    "                 [--batch B] [--max-kib K] [--max-cpu PCT]\n"
	    "                 [--idle-ms MS] [--cpu-secs S] [--no-select-check]\n"
	    "N plain-text clients (10000) on one chatd (--io epoll, -m N+%d,\n"
	    "--rate 0; $CHATD or bin/chatd), spread over R rooms (100); one\n"
	    "talker per room sends M messages (20), checked exactly once, in\n"
	    "order, to its room only. chatd's RSS per idle client must be at\n"
	    "most K KiB (4) and its CPU while idle at most PCT%% of a CPU (2).\n"
	    "Without enough open files: SKIP (exit 0), under CI=true FAIL.\n",
	    SC_CHATD_SPARE);
}

static int
sc_int(const char *opt, const char *v, long long lo, long long hi)
{
	long long n;

	if (conf_number(v, lo, hi, &n) == -1) {
		fprintf(stderr, "chatscale: bad value for %s: %s\n", opt, v);
		exit(2);
	}
	return (int)n;
}

static double
sc_real(const char *opt, const char *v)
{
	double d;

	if (conf_real(v, 0, 1e9, &d) == -1) {
		fprintf(stderr, "chatscale: bad value for %s: %s\n", opt, v);
		exit(2);
	}
	return d;
}

static void
sc_parse(struct sc_opts *o, int argc, char **argv)
{
	static const struct option opts[] = { { "rooms", 1, NULL, 'r' },
		{ "io", 1, NULL, 'i' }, { "batch", 1, NULL, 'b' },
		{ "max-kib", 1, NULL, 'k' }, { "max-cpu", 1, NULL, 'c' },
		{ "idle-ms", 1, NULL, 'w' }, { "cpu-secs", 1, NULL, 's' },
		{ "no-select-check", 0, NULL, 'S' }, { "help", 0, NULL, 'h' },
		{ NULL, 0, NULL, 0 } };
	int ch;

	*o = (struct sc_opts){ .n = 10000,
		.rooms = 100,
		.batch = 64,
		.idle_ms = 2500,
		.cpu_secs = 5,
		.messages = 20,
		.max_kib = 4,
		.max_cpu = 2,
		.io = "epoll",
		.select_check = 1 };
	while ((ch = getopt_long(argc, argv, "n:m:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			o->n = sc_int("-n", optarg, 2, 1000000);
			break;
		case 'm':
			o->messages = sc_int("-m", optarg, 1, 1000000);
			break;
		case 'r':
			o->rooms = sc_int("--rooms", optarg, 1, 100000);
			break;
		case 'i':
			o->io = optarg;
			break;
		case 'b':
			o->batch = sc_int("--batch", optarg, 1, 1000000);
			break;
		case 'k':
			o->max_kib = sc_real("--max-kib", optarg);
			break;
		case 'c':
			o->max_cpu = sc_real("--max-cpu", optarg);
			break;
		case 'w':
			o->idle_ms = sc_int("--idle-ms", optarg, 0, 600000);
			break;
		case 's':
			o->cpu_secs = sc_int("--cpu-secs", optarg, 1, 600);
			break;
		case 'S':
			o->select_check = 0;
			break;
		case 'h':
			sc_usage(stdout);
			exit(0);
		default:
			sc_usage(stderr);
			exit(2);
		}
	}
	if (optind != argc || o->rooms * 2 > o->n) {
		sc_usage(stderr);
		exit(2);
	}
	o->chatd = scale_chatd_path();
}

/* Enough open files for our N sockets and chatd's, or SKIP/FAIL. */
static int
sc_nofile(const struct sc *s)
{
	char why[256];

	if (nofile_raise((long)s->o.n + SC_CHATD_SPARE + SC_SPARE_FDS, why,
		sizeof why) == 0)
		return 0;
	if (scale_in_ci()) {
		printf("chatscale: FAIL: %s (CI=true: a scale test that cannot "
		       "run fails)\n",
		    why);
		exit(1);
	}
	printf("chatscale: SKIP: %s\n", why);
	printf("chatscale: SKIPPED, nothing was measured\n");
	exit(0);
}

/* Start chatd, connect, measure, talk, check; s->failed says how it went. */
static void
sc_run(struct sc *s, const char *dir)
{
	char m[32], log[256];
	const char *args[] = { "--io", s->o.io, "-m", m, "--rate", "0", NULL };
	int64_t t0 = sw_now();
	long rss0;
	int rv;

	snprintf(m, sizeof m, "%d", s->o.n + SC_CHATD_SPARE);
	snprintf(log, sizeof log, "%s/chatd.log", dir);
	if (chatd_start(&s->d, s->o.chatd, args, log) == -1) {
		sc_fail(s, "chatd --io %s -m %s did not start", s->o.io, m);
		return;
	}
	printf("chatd: %s --io %s -m %s --rate 0, pid %ld, port %s; load "
	       "average %s\n",
	    s->o.chatd, s->o.io, m, (long)s->d.pid, s->d.port, proc_loadavg());
	fflush(stdout);
	if (swarm_init(&s->sw, s->o.n, "127.0.0.1", s->d.port, sc_line, sc_gone,
		s) == -1) {
		sc_fail(s, "no memory for %d clients", s->o.n);
		(void)chatd_stop(&s->d);
		return;
	}
	swarm_run_for(&s->sw, SC_START_IDLE);
	rss0 = proc_status_kib(s->d.pid, "VmRSS");
	if (sc_connect_all(s) == 0) {
		fflush(stdout);
		sc_memory(s, rss0);
		sc_idle_cpu(s);
		fflush(stdout);
		sc_talk(s);
		sc_check_counts(s);
		sc_idle(s, s->o.idle_ms);
		printf("after the talk: chatd VmRSS %ld KiB, VmHWM %ld KiB\n",
		    proc_status_kib(s->d.pid, "VmRSS"),
		    proc_status_kib(s->d.pid, "VmHWM"));
	}
	swarm_free(&s->sw);
	if ((rv = chatd_stop(&s->d)) != 0)
		sc_fail(s, "chatd exited %d after SIGTERM, not 0", rv);
	printf("total: %.1f s; load average %s\n", sc_secs(t0), proc_loadavg());
}

/* A run that passed leaves nothing behind. */
static void
sc_cleanup(const char *dir)
{
	static const char *const files[] = { "chatd.log", "select.log" };
	char path[300];
	size_t i;

	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		(void)unlink(path);
	}
	(void)rmdir(dir);
}

int
main(int argc, char **argv)
{
	static struct sc s;
	char dir[] = "/tmp/chatscale.XXXXXX";

	sc_parse(&s.o, argc, argv);
	/* Output piped into head must not leave the chatd we started. */
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (access(s.o.chatd, X_OK) == -1) {
		printf("chatscale: FAIL: %s: %s (make first)\n", s.o.chatd,
		    strerror(errno));
		return 1;
	}
	sc_nofile(&s);
	if ((s.cl = calloc((size_t)s.o.n, sizeof *s.cl)) == NULL ||
	    mkdtemp(dir) == NULL) {
		printf("chatscale: FAIL: %s\n", strerror(errno));
		return 1;
	}
	/* Below FD_SETSIZE select() takes them: nothing to refuse. */
	if (s.o.select_check && s.o.n + SC_CHATD_SPARE > FD_SETSIZE)
		sc_select_refuses(&s, dir);
	sc_run(&s, dir);
	free(s.cl);
	if (s.failed) {
		printf("chatscale: FAILED (chatd's log is in %s)\n", dir);
		return 1;
	}
	sc_cleanup(dir);
	printf("chatscale: PASS (--io %s, %d clients)\n", s.o.io, s.o.n);
	return 0;
}
