/* chatmass.c: mass events at scale (issue 12 §4): N clients join one room, then all but one leave at once; times and chatd's peak RSS. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chatmass.h"
#include "conf.h"

#define MASS_POLL_MS    50
#define MASS_STALL_MS   30000 /* nothing new for this long: give up */
#define MASS_SETTLE_MS  2500  /* idle between the phases: cron runs */
#define MASS_SPARE_FDS  256
#define MASS_CHATD_MORE 50 /* -m is N plus this */

static double
mass_secs(int64_t from, int64_t to)
{
	return (double)(to - from) / 1e9;
}

static double
mass_cpu(const struct mass *m)
{
	uint64_t u, s;

	if (proc_cpu_ticks(m->d.pid, &u, &s) == -1)
		return -1;
	return (double)(u + s) / (double)sysconf(_SC_CLK_TCK);
}

/* Poll until done(m), nothing new comes for MASS_STALL_MS, the run's
 * time is up, or (joining) a client is lost. 0 or -1. */
static int
mass_wait(struct mass *m, int (*done)(const struct mass *), int64_t start)
{
	int64_t last = sw_now();
	uint64_t lines = m->sw.nlines;

	while (!done(m)) {
		if (swarm_poll(&m->sw, MASS_POLL_MS) == -1) {
			mass_note(m, "epoll_wait: %s", strerror(errno));
			return -1;
		}
		if (m->sw.nlines != lines) {
			lines = m->sw.nlines;
			last = sw_now();
		}
		if (mass_secs(last, sw_now()) * 1000 > MASS_STALL_MS ||
		    mass_secs(start, sw_now()) > m->o.timeout_s ||
		    (m->phase == MASS_JOINING && m->gone > 0))
			return -1;
	}
	return 0;
}

static int
mass_all_joined(const struct mass *m)
{
	return m->ready == m->o.n && m->joins >= mass_joins_expected(m);
}

static int
mass_all_told(const struct mass *m)
{
	return m->quits >= m->o.n - 1;
}

/* Phase 1: everyone into the room, at most batch not yet ready. */
static int
mass_join(struct mass *m)
{
	const char *cause = "?";
	int64_t t0, t_conn = 0;
	double cpu0 = mass_cpu(m);
	int i;

	(void)proc_reset_hwm(m->d.pid);
	t0 = sw_now();
	for (i = 0; i < m->o.n; i++) {
		while (i - m->ready >= m->o.batch) {
			if (swarm_poll(&m->sw, MASS_POLL_MS) == -1 ||
			    m->gone > 0 ||
			    mass_secs(t0, sw_now()) > m->o.timeout_s) {
				printf("joining: stuck at %d connected, %ld "
				       "ready; first problem: %s\n",
				    i, m->ready,
				    m->first[0] ? m->first : "none");
				return -1;
			}
		}
		if (swarm_connect(&m->sw, i, &cause) == -1 ||
		    mass_hello(m, &m->sw.c[i]) == -1) {
			printf("joining: connection %d: %s\n", i, cause);
			return -1;
		}
	}
	while (m->ready < m->o.n && m->gone == 0)
		if (swarm_poll(&m->sw, MASS_POLL_MS) == -1)
			break;
	t_conn = sw_now();
	if (mass_wait(m, mass_all_joined, t0) == -1) {
		printf("joining: gave up after %.1f s: %ld ready, %ld of %ld "
		       "join lines, %ld disconnected; first problem: %s\n",
		    mass_secs(t0, sw_now()), m->ready, m->joins,
		    mass_joins_expected(m), m->gone,
		    m->first[0] ? m->first : "none");
		return -1;
	}
	printf("joins: %d clients in one room: all ready after %.2f s, every "
	       "join heard after %.2f s (%ld join lines, %.0f/s); chatd peak "
	       "RSS %ld KiB, RSS now %ld KiB, CPU %.2f s\n",
	    m->o.n, mass_secs(t0, t_conn), mass_secs(t0, m->t_last_join),
	    m->joins, m->joins / mass_secs(t0, m->t_last_join),
	    proc_status_kib(m->d.pid, "VmHWM"),
	    proc_status_kib(m->d.pid, "VmRSS"), mass_cpu(m) - cpu0);
	printf(
	    "RESULT phase=join proto=%s io=%s n=%d ready_s=%.3f joins_s=%.3f "
	    "join_lines=%ld hwm_kib=%ld rss_kib=%ld cpu_s=%.2f\n",
	    m->o.proto == MASS_TEXT ? "text" : "irc", m->o.io, m->o.n,
	    mass_secs(t0, t_conn), mass_secs(t0, m->t_last_join), m->joins,
	    proc_status_kib(m->d.pid, "VmHWM"),
	    proc_status_kib(m->d.pid, "VmRSS"), mass_cpu(m) - cpu0);
	return 0;
}

/* Phase 2: all but client 0 close their sockets in one go. */
static int
mass_quit(struct mass *m)
{
	int64_t t0, t_closed;
	double cpu0, cpu;
	long rss0, hwm;
	int i, rv;

	swarm_run_for(&m->sw, MASS_SETTLE_MS);
	rss0 = proc_status_kib(m->d.pid, "VmRSS");
	(void)proc_reset_hwm(m->d.pid);
	cpu0 = mass_cpu(m);
	m->phase = MASS_QUITTING;
	t0 = sw_now();
	for (i = 1; i < m->o.n; i++)
		swarm_close(&m->sw, &m->sw.c[i]);
	t_closed = sw_now();
	rv = mass_wait(m, mass_all_told, t0);
	hwm = proc_status_kib(m->d.pid, "VmHWM");
	cpu = mass_cpu(m) - cpu0;
	printf("quits: %d of %d closed in %.3f s; the survivor was told of "
	       "%ld after %.3f s: %ld quit lines, %ld folded lines for %ld "
	       "users%s%s; reason: %s; chatd RSS %ld KiB before, peak %ld "
	       "KiB, CPU %.2f s\n",
	    m->o.n - 1, m->o.n, mass_secs(t0, t_closed), m->quits,
	    m->quits > 0 ? mass_secs(t0, m->t_last_quit) : 0.0, m->quit_lines,
	    m->folded_lines, m->folded_users,
	    m->folded_example[0] ? ", e.g. " : "", m->folded_example,
	    m->quit_reason[0] ? m->quit_reason : "-", rss0, hwm, cpu);
	if (rv == -1) {
		printf("quits: gave up: the survivor heard of %ld of %d; first "
		       "problem: %s\n",
		    m->quits, m->o.n - 1, m->first[0] ? m->first : "none");
		return -1;
	}
	swarm_run_for(&m->sw, MASS_SETTLE_MS);
	printf("RESULT phase=quit proto=%s io=%s n=%d told_s=%.3f quits=%ld "
	       "quit_lines=%ld folded_lines=%ld hwm_kib=%ld rss_before_kib=%ld "
	       "rss_after_kib=%ld cpu_s=%.2f\n",
	    m->o.proto == MASS_TEXT ? "text" : "irc", m->o.io, m->o.n,
	    mass_secs(t0, m->t_last_quit), m->quits, m->quit_lines,
	    m->folded_lines, hwm, rss0, proc_status_kib(m->d.pid, "VmRSS"),
	    cpu);
	return 0;
}

static void
mass_usage(FILE *f)
{
	fprintf(f,
	    "usage: chatmass [-n N] [--irc] [--io BACKEND] [--batch B]\n"
	    "                [--max-queue BYTES] [--timeout SECS]\n"
	    "Starts chatd ($CHATD or bin/chatd; --io epoll, -m N+%d, --rate 0,\n"
	    "--replay 0) and connects N clients (1000) into one room: plain\n"
	    "text stays in #lobby, --irc registers and JOINs %s. Prints how\n"
	    "long until every join was heard and chatd's peak RSS (VmHWM);\n"
	    "then all but the first close at once: how long until the first\n"
	    "has heard of them all (one quit line each, or folded lines), and\n"
	    "the peak RSS again. A measurement, not a test: exit 1 only when\n"
	    "a phase does not complete.\n",
	    MASS_CHATD_MORE, MASS_CHANNEL);
}

static void
mass_parse(struct mass_opts *o, int argc, char **argv)
{
	static const struct option opts[] = { { "irc", 0, NULL, 'I' },
		{ "io", 1, NULL, 'i' }, { "batch", 1, NULL, 'b' },
		{ "max-queue", 1, NULL, 'q' }, { "timeout", 1, NULL, 't' },
		{ "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	long long v;
	int ch;

	*o = (struct mass_opts){ .n = 1000,
		.batch = 128,
		.timeout_s = 300,
		.proto = MASS_TEXT,
		.io = "epoll" };
	while ((ch = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
		case 'b':
		case 't':
			if (conf_number(optarg, 2, 1000000, &v) == -1) {
				fprintf(stderr, "chatmass: bad number: %s\n",
				    optarg);
				exit(2);
			}
			if (ch == 'n')
				o->n = (int)v;
			else if (ch == 'b')
				o->batch = (int)v;
			else
				o->timeout_s = (int)v;
			break;
		case 'I':
			o->proto = MASS_IRC;
			break;
		case 'i':
			o->io = optarg;
			break;
		case 'q':
			o->max_queue = optarg;
			break;
		case 'h':
			mass_usage(stdout);
			exit(0);
		default:
			mass_usage(stderr);
			exit(2);
		}
	}
	if (optind != argc) {
		mass_usage(stderr);
		exit(2);
	}
	o->chatd = scale_chatd_path();
}

int
main(int argc, char **argv)
{
	static struct mass m;
	char mc[32], log[64], why[256];
	const char *args[16] = { "--io", NULL, "-m", mc, "--rate", "0",
		"--replay", "0", NULL };
	int rv = 1, na = 8;

	mass_parse(&m.o, argc, argv);
	/* Output piped into head must not leave the chatd we started. */
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	args[1] = m.o.io;
	if (m.o.max_queue != NULL) {
		args[na++] = "--max-queue";
		args[na++] = m.o.max_queue;
	}
	snprintf(mc, sizeof mc, "%d", m.o.n + MASS_CHATD_MORE);
	if (nofile_raise((long)m.o.n + MASS_CHATD_MORE + MASS_SPARE_FDS, why,
		sizeof why) == -1) {
		printf("chatmass: %s\n", why);
		return 1;
	}
	snprintf(log, sizeof log, "/tmp/chatmass.%ld.log", (long)getpid());
	if ((m.cl = calloc((size_t)m.o.n, sizeof *m.cl)) == NULL ||
	    chatd_start(&m.d, m.o.chatd, args, log) == -1)
		return 1;
	printf("chatd: %s --io %s -m %s --rate 0 --replay 0%s%s, pid %ld; "
	       "load average %s\n",
	    m.o.chatd, m.o.io, mc, m.o.max_queue ? " --max-queue " : "",
	    m.o.max_queue ? m.o.max_queue : "", (long)m.d.pid, proc_loadavg());
	if (swarm_init(&m.sw, m.o.n, "127.0.0.1", m.d.port, mass_line,
		mass_gone, &m) == 0) {
		swarm_run_for(&m.sw, 1200);
		if (mass_join(&m) == 0 && mass_quit(&m) == 0)
			rv = 0;
		swarm_free(&m.sw);
	}
	if (m.stray_quits > 0 || m.server_errors > 0)
		printf("chatmass: %ld quit lines before the quits, %ld errors "
		       "from chatd; first: %s\n",
		    m.stray_quits, m.server_errors, m.first);
	(void)chatd_stop(&m.d);
	if (rv == 0)
		unlink(log);
	else
		printf("chatmass: chatd's log is %s\n", log);
	printf("load average %s\n", proc_loadavg());
	free(m.cl);
	return rv;
}
