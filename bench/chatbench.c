/* chatbench.c: fan-out benchmark for chatd, IRC servers, Redis pub/sub: main. */
#include <sys/epoll.h>
#include <sys/resource.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "conf.h"
#include "proto.h"

/* Descriptors besides the connections: stdio and a little slack. */
#define MAIN_SPARE_FDS     32
/* The token "B<sender>:<seq>:<ns>:" needs at most this many bytes. */
#define MAIN_MIN_SIZE      48
#define MAIN_MAX_SIZE      2000 /* chatd's --max-line: 2048 */
/* An IRC line is at most 512 bytes with CR LF: "PRIVMSG #chan :" on the
 * way in, ":nick!user@host " added on the way out. */
#define MAIN_MAX_IRC_SIZE  400
#define MAIN_MAX_CLIENTS   100000
#define MAIN_SETUP_BATCH   64
#define MAIN_IRC_CHANNEL   "#bench"
#define MAIN_REDIS_CHANNEL "chatbench"

enum {
	OPT_TARGET = 256,
	OPT_HOST,
	OPT_SIZE,
	OPT_WINDOW,
	OPT_STALL,
	OPT_SETUP,
	OPT_TIMEOUT,
	OPT_CHANNEL,
	OPT_SETUP_BATCH,
	OPT_SERVER_PID,
	OPT_AT_START,
	OPT_AT_END,
	OPT_SETTLE
};

static const struct option main_options[] = { { "target", required_argument,
						  NULL, OPT_TARGET },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "port", required_argument, NULL, 'p' },
	{ "clients", required_argument, NULL, 'n' },
	{ "senders", required_argument, NULL, 's' },
	{ "messages", required_argument, NULL, 'm' },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "window", required_argument, NULL, OPT_WINDOW },
	{ "stall", required_argument, NULL, OPT_STALL },
	{ "setup-timeout", required_argument, NULL, OPT_SETUP },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "channel", required_argument, NULL, OPT_CHANNEL },
	{ "setup-batch", required_argument, NULL, OPT_SETUP_BATCH },
	{ "server-pid", required_argument, NULL, OPT_SERVER_PID },
	{ "at-start", required_argument, NULL, OPT_AT_START },
	{ "at-end", required_argument, NULL, OPT_AT_END },
	{ "settle", required_argument, NULL, OPT_SETTLE },
	{ "quiet", no_argument, NULL, 'q' }, { "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 } };

static void
main_usage(FILE *f)
{
	fprintf(f,
	    "usage: chatbench [options]\n"
	    "  --target KIND          chatd, irc, mixed, redis or lines "
	    "(default chatd)\n"
	    "  --host HOST            server address (default 127.0.0.1)\n"
	    "  -p, --port PORT[,PORT...]  server port (required); with "
	    "several (a\n"
	    "                         cluster's nodes), the senders use the "
	    "first and\n"
	    "                         connection i the (i mod count)th\n"
	    "  -n, --clients N        receiving connections (default 100)\n"
	    "  -s, --senders S        sending clients (default N/10, at least "
	    "1)\n"
	    "  -m, --messages M       messages per sender (default 1000)\n"
	    "      --size BYTES       message text size (default 64, %d..%d)\n"
	    "      --window W         messages in flight, globally (default "
	    "2*S)\n"
	    "      --stall SECS       give up when nothing arrives for this "
	    "long (5)\n"
	    "      --setup-timeout SECS  connecting and joining, at most (60)\n"
	    "      --settle SECS      then wait until no join notice came "
	    "for this long\n"
	    "                         (a cluster's nodes order joins each "
	    "their own way)\n"
	    "      --timeout SECS     the measured run, at most (300)\n"
	    "      --channel NAME     Redis channel (default chatbench) or IRC "
	    "channel\n"
	    "                         (default #bench)\n"
	    "      --setup-batch K    at most K connections being set up at "
	    "once (64)\n"
	    "      --at-start CMD     run CMD (sh -c) as the timed run starts\n"
	    "      --at-end CMD       run CMD as it ends (e.g. callgrind_control)\n"
	    "      --server-pid PID   report that process's CPU time per "
	    "delivery\n"
	    "  -q, --quiet            print only the RESULT line\n"
	    "chatd: N clients in #lobby, the first S also send; each message "
	    "goes to\n"
	    "N-1 receivers. irc: the same in an IRC channel (NICK bNNNN, "
	    "JOIN,\n"
	    "PRIVMSG). mixed: chatd, the even connections on plain text, the "
	    "odd\n"
	    "ones on IRC in #lobby. lines: bare lines to a server that sends each line to "
	    "every\n"
	    "other client (bin/chatceiling). redis: N subscribers plus S "
	    "separate\n"
	    "publishers; each message goes to N receivers. Exit 0 when every "
	    "message\n"
	    "reached every receiver once and in order, 1 otherwise, 2 on a "
	    "usage\n"
	    "error.\n",
	    MAIN_MIN_SIZE, MAIN_MAX_SIZE);
}

const char *
bench_target_name(enum bench_target t)
{
	switch (t) {
	case BENCH_CHATD:
		return "chatd";
	case BENCH_REDIS:
		return "redis";
	case BENCH_IRC:
		return "irc";
	case BENCH_LINES:
		return "lines";
	case BENCH_MIXED:
		return "mixed";
	}
	return "?";
}

int64_t
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void
bench_note(struct bench *b, const char *fmt, ...)
{
	va_list ap;

	if (b->err.first[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(b->err.first, sizeof b->err.first, fmt, ap);
	va_end(ap);
}

static void
main_bad(const char *opt, const char *val)
{
	fprintf(stderr, "chatbench: bad value for %s: %s\n", opt, val);
	fprintf(stderr, "try chatbench --help\n");
	exit(2);
}

static long
main_long(const char *opt, const char *s, long min, long max)
{
	long long v;

	if (conf_number(s, min, max, &v) == -1)
		main_bad(opt, s);
	return (long)v;
}

static double
main_secs(const char *opt, const char *s)
{
	double v;

	if (conf_real(s, 0.001, 86400, &v) == -1)
		main_bad(opt, s);
	return v;
}

/* -p P or -p P1,P2,...: the servers, the senders' first. */
static void
main_ports(struct bench_opts *o, char *arg)
{
	char *p, *save = NULL;
	size_t len = strlen(arg);

	if (len == 0 || arg[0] == ',' || arg[len - 1] == ',' ||
	    strstr(arg, ",,") != NULL)
		main_bad("--port", arg);
	o->nports = 0;
	/* The ports point into argv, cut at the commas. */
	for (p = strtok_r(arg, ",", &save); p != NULL;
	     p = strtok_r(NULL, ",", &save)) {
		if (o->nports == BENCH_MAX_PORTS)
			main_bad("--port (too many)", p);
		main_long("--port", p, 1, 65535);
		o->ports[o->nports++] = p;
	}
	o->port = o->ports[0];
}

const char *
bench_conn_port(const struct bench_opts *o, int i)
{
	int senders_first =
	    bench_senders_receive(o) ? i < o->senders : i >= o->clients;

	if (o->nports <= 1 || senders_first)
		return o->port;
	return o->ports[i % o->nports];
}

static void
main_parse(struct bench_opts *o, int argc, char **argv)
{
	int ch;

	memset(o, 0, sizeof *o);
	o->target = BENCH_CHATD;
	o->host = "127.0.0.1";
	o->channel = NULL;
	o->clients = 100;
	o->senders = -1;
	o->messages = 1000;
	o->size = 64;
	o->window = -1;
	o->stall_sec = 5;
	o->setup_sec = 60;
	o->timeout_sec = 300;
	o->setup_batch = MAIN_SETUP_BATCH;
	while ((ch = getopt_long(
		    argc, argv, "p:n:s:m:qh", main_options, NULL)) != -1) {
		switch (ch) {
		case OPT_TARGET:
			if (strcmp(optarg, "chatd") == 0)
				o->target = BENCH_CHATD;
			else if (strcmp(optarg, "redis") == 0)
				o->target = BENCH_REDIS;
			else if (strcmp(optarg, "irc") == 0)
				o->target = BENCH_IRC;
			else if (strcmp(optarg, "lines") == 0)
				o->target = BENCH_LINES;
			else if (strcmp(optarg, "mixed") == 0)
				o->target = BENCH_MIXED;
			else
				main_bad("--target", optarg);
			break;
		case OPT_HOST:
			o->host = optarg;
			break;
		case 'p':
			main_ports(o, optarg);
			break;
		case 'n':
			o->clients = (int)main_long(
			    "--clients", optarg, 2, MAIN_MAX_CLIENTS);
			break;
		case 's':
			o->senders = (int)main_long(
			    "--senders", optarg, 1, MAIN_MAX_CLIENTS);
			break;
		case 'm':
			o->messages =
			    main_long("--messages", optarg, 1, 1000000000L);
			break;
		case OPT_SIZE:
			o->size = (size_t)main_long(
			    "--size", optarg, MAIN_MIN_SIZE, MAIN_MAX_SIZE);
			break;
		case OPT_WINDOW:
			o->window =
			    main_long("--window", optarg, 1, 1000000000L);
			break;
		case OPT_STALL:
			o->stall_sec = main_secs("--stall", optarg);
			break;
		case OPT_SETUP:
			o->setup_sec = main_secs("--setup-timeout", optarg);
			break;
		case OPT_TIMEOUT:
			o->timeout_sec = main_secs("--timeout", optarg);
			break;
		case OPT_CHANNEL:
			if (*optarg == '\0' || strlen(optarg) > 64)
				main_bad("--channel", optarg);
			o->channel = optarg;
			break;
		case OPT_SETUP_BATCH:
			o->setup_batch = (int)main_long(
			    "--setup-batch", optarg, 1, MAIN_MAX_CLIENTS);
			break;
		case OPT_AT_START:
			o->at_start = optarg;
			break;
		case OPT_AT_END:
			o->at_end = optarg;
			break;
		case OPT_SETTLE:
			o->settle_sec = main_secs("--settle", optarg);
			break;
		case OPT_SERVER_PID:
			o->server_pid =
			    main_long("--server-pid", optarg, 1, INT_MAX);
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			main_usage(stdout);
			exit(0);
		default:
			main_usage(stderr);
			exit(2);
		}
	}
	if (optind != argc)
		main_bad("arguments", argv[optind]);
	if (o->port == NULL) {
		fprintf(stderr, "chatbench: --port is required\n");
		exit(2);
	}
	if (o->channel == NULL)
		o->channel = o->target == BENCH_IRC ? MAIN_IRC_CHANNEL :
						      MAIN_REDIS_CHANNEL;
	/* Text users land in #lobby: the IRC half joins them there. */
	if (o->target == BENCH_MIXED)
		o->channel = "#" CHAT_DEFAULT_ROOM;
	if (o->target == BENCH_IRC &&
	    (o->channel[0] != '#' || strpbrk(o->channel, " ,:\r\n") != NULL))
		main_bad("--channel", o->channel);
	if ((o->target == BENCH_IRC || o->target == BENCH_MIXED) &&
	    o->size > MAIN_MAX_IRC_SIZE) {
		fprintf(stderr,
		    "chatbench: IRC messages are at most %d bytes\n",
		    MAIN_MAX_IRC_SIZE);
		exit(2);
	}
	if (o->senders < 0)
		o->senders = o->clients / 10 > 0 ? o->clients / 10 : 1;
	if (bench_senders_receive(o) && o->senders > o->clients) {
		fprintf(stderr,
		    "chatbench: %s senders are among the %d "
		    "clients: -s must be at most -n\n",
		    bench_target_name(o->target), o->clients);
		exit(2);
	}
	if (o->window < 0)
		o->window = 2L * o->senders;
}

/* Raise the soft open-file limit to what n connections need. */
static int
main_raise_nofile(long n)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)n + MAIN_SPARE_FDS;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return -1;
	if (rl.rlim_cur >= want)
		return 0;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want) {
		fprintf(stderr,
		    "chatbench: %ld connections need %lu open "
		    "files; the hard limit is %lu (raise ulimit -Hn)\n",
		    n, (unsigned long)want, (unsigned long)rl.rlim_max);
		return -1;
	}
	rl.rlim_cur = want;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1) {
		perror("chatbench: setrlimit");
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct bench_opts o;
	struct bench b;
	int i, rv;

	main_parse(&o, argc, argv);
	memset(&b, 0, sizeof b);
	b.o = &o;
	if (bench_senders_receive(&o)) {
		b.nconns = o.clients;
		b.nrecv = o.clients;
		b.expect = (uint32_t)o.clients - 1;
	} else {
		b.nconns = o.clients + o.senders;
		b.nrecv = o.clients;
		b.expect = (uint32_t)o.clients;
	}
	if (b.expect > UINT16_MAX) {
		fprintf(stderr, "chatbench: at most %u receivers\n",
		    (unsigned)UINT16_MAX);
		return 2;
	}
	if (main_raise_nofile(b.nconns) == -1)
		return 1;
	b.conns = calloc((size_t)b.nconns, sizeof *b.conns);
	b.pfds = calloc((size_t)b.nconns, sizeof *b.pfds);
	b.dirty = calloc((size_t)b.nconns, sizeof *b.dirty);
	b.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (b.conns == NULL || b.pfds == NULL || b.dirty == NULL ||
	    b.epfd == -1) {
		fprintf(stderr, "chatbench: out of memory or no epoll\n");
		free(b.conns);
		free(b.pfds);
		free(b.dirty);
		return 1;
	}
	for (i = 0; i < b.nconns; i++) {
		b.conns[i].fd = -1;
		b.pfds[i].fd = -1;
		buf_init(&b.conns[i].in);
		buf_init(&b.conns[i].out);
		if (bench_senders_receive(&o)) {
			b.conns[i].recv_id = i;
			b.conns[i].send_id = i < o.senders ? i : -1;
		} else {
			b.conns[i].recv_id = i < b.nrecv ? i : -1;
			b.conns[i].send_id = i < b.nrecv ? -1 : i - b.nrecv;
		}
	}
	if (stats_init(&b) == -1)
		return 1;
	if (bench_setup(&b) == -1) {
		bench_close(&b);
		printf("RESULT target=%s n=%d s=%d status=setup-failed\n",
		    bench_target_name(o.target), o.clients, o.senders);
		return 1;
	}
	rv = bench_run(&b);
	bench_close(&b);
	stats_free(&b);
	free(b.conns);
	free(b.pfds);
	free(b.dirty);
	return rv;
}
