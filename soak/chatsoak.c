/* chatsoak.c: drive one chatd with good and bad clients for a while, in one poll() loop, and check the good ones got everything. */
#include <sys/socket.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "proto.h"
#include "soak.h"

/* Longest poll() sleep: spawning is paced by it. */
#define SOAK_TICK_MS       20
#define SOAK_JOIN_MS       10000
/* Past the run and the drain, the process gives up (SIGALRM kills it). */
#define SOAK_ALARM_SLACK_S 60

/* How often each bad kind is started, and how many may be alive at once. */
static const struct {
	int64_t every_ms;
	int max_alive;
} soak_mix[KIND_COUNT] = {
	[KIND_VANISH] = { 50, 20 },
	[KIND_RESET] = { 250, 8 },
	[KIND_NEVERREAD] = { 2000, 6 },
	[KIND_SLOWLORIS] = { 1000, 10 },
	[KIND_FLOOD] = { 1000, 3 },
	[KIND_OVERSIZE] = { 500, 4 },
};

static void
soak_usage(FILE *f)
{
	fprintf(f,
	    "usage: chatsoak -p PORT [options]\n"
	    "  -H, --host HOST        server address (default 127.0.0.1)\n"
	    "  -p, --port PORT[,PORT...]  server port (required); with "
	    "several (a\n"
	    "                         cluster's nodes), each kind of client "
	    "is dealt\n"
	    "                         out over them in turn\n"
	    "  -s, --seconds N        how long to run the mix (default 60)\n"
	    "  -g, --good N           well-behaved clients (default 8, at most "
	    "%d)\n"
	    "      --good-rate R      lines per second per good client "
	    "(default 10)\n"
	    "      --max-line N       the server's --max-line (default %d)\n"
	    "      --rate R           the server's --rate (default %g; 0: "
	    "off)\n"
	    "      --burst N          the server's --burst (default %d)\n"
	    "      --room NAME        the good clients' room (default soak)\n"
	    "      --drain N          seconds to wait for the last lines "
	    "(default 30)\n"
	    "      --seed N           random seed (default: from time and "
	    "pid)\n"
	    "  -v, --verbose          log progress on stderr\n"
	    "Prints one summary line per kind and PASS or FAIL; exits 0 on "
	    "PASS, 1 on\n"
	    "FAIL, 2 on bad usage.\n",
	    SOAK_MAX_GOOD, CHAT_MAX_LINE, CHATD_RATE, CHATD_BURST);
}

static void __attribute__((noreturn))
soak_usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "chatsoak: invalid value '%s' for %s\n", arg, what);
	fprintf(stderr, "Try 'chatsoak --help' for more information.\n");
	exit(2);
}

static double
soak_number(const char *what, const char *s, double lo, double hi)
{
	double v;

	if (conf_real(s, lo, hi, &v) == -1)
		soak_usage_error(what, s);
	return v;
}

/* -p P or -p P1,P2,...: the ports, in the order clients are dealt out. */
static void
soak_ports(struct soak_cfg *cfg, char *arg)
{
	char *p, *save = NULL;
	size_t len = strlen(arg);

	if (len == 0 || arg[0] == ',' || arg[len - 1] == ',' ||
	    strstr(arg, ",,") != NULL)
		soak_usage_error("--port", arg);
	cfg->nports = 0;
	/* The ports point into argv, cut at the commas. */
	for (p = strtok_r(arg, ",", &save); p != NULL;
	     p = strtok_r(NULL, ",", &save)) {
		if (cfg->nports == SOAK_MAX_PORTS)
			soak_usage_error("--port (too many ports)", p);
		soak_number("--port", p, 1, 65535);
		cfg->ports[cfg->nports++] = p;
	}
	cfg->port = cfg->ports[0];
}

static void
soak_options(struct soak *s, int argc, char **argv)
{
	enum {
		O_GOOD_RATE = 256,
		O_MAX_LINE,
		O_RATE,
		O_BURST,
		O_ROOM,
		O_DRAIN,
		O_SEED
	};
	static const struct option opts[] = { { "host", required_argument, NULL,
						  'H' },
		{ "port", required_argument, NULL, 'p' },
		{ "seconds", required_argument, NULL, 's' },
		{ "good", required_argument, NULL, 'g' },
		{ "good-rate", required_argument, NULL, O_GOOD_RATE },
		{ "max-line", required_argument, NULL, O_MAX_LINE },
		{ "rate", required_argument, NULL, O_RATE },
		{ "burst", required_argument, NULL, O_BURST },
		{ "room", required_argument, NULL, O_ROOM },
		{ "drain", required_argument, NULL, O_DRAIN },
		{ "seed", required_argument, NULL, O_SEED },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	struct soak_cfg *cfg = &s->cfg;
	int ch;

	cfg->host = "127.0.0.1";
	cfg->seconds = 60;
	cfg->ngood = 8;
	cfg->good_rate = 10;
	cfg->max_line = CHAT_MAX_LINE;
	cfg->rate = CHATD_RATE;
	cfg->burst = CHATD_BURST;
	cfg->room = "soak";
	cfg->drain_seconds = 30;
	cfg->seed = (uint64_t)time(NULL) * 1000003u ^ (uint64_t)getpid();
	while ((ch = getopt_long(argc, argv, "H:p:s:g:vh", opts, NULL)) != -1) {
		switch (ch) {
		case 'H':
			cfg->host = optarg;
			break;
		case 'p':
			soak_ports(cfg, optarg);
			break;
		case 's':
			cfg->seconds =
			    (int)soak_number("--seconds", optarg, 1, 86400);
			break;
		case 'g':
			cfg->ngood = (int)soak_number(
			    "--good", optarg, 2, SOAK_MAX_GOOD);
			break;
		case O_GOOD_RATE:
			cfg->good_rate =
			    soak_number("--good-rate", optarg, 0.1, 1000);
			break;
		case O_MAX_LINE:
			cfg->max_line = (int)soak_number(
			    "--max-line", optarg, 128, 1 << 20);
			break;
		case O_RATE:
			cfg->rate = soak_number("--rate", optarg, 0, 1e6);
			break;
		case O_BURST:
			cfg->burst =
			    (int)soak_number("--burst", optarg, 1, 1e6);
			break;
		case O_ROOM:
			cfg->room = optarg;
			break;
		case O_DRAIN:
			cfg->drain_seconds =
			    (int)soak_number("--drain", optarg, 1, 3600);
			break;
		case O_SEED:
			cfg->seed =
			    (uint64_t)soak_number("--seed", optarg, 1, 1e18);
			break;
		case 'v':
			cfg->verbose = 1;
			break;
		case 'h':
			soak_usage(stdout);
			exit(0);
		default:
			soak_usage(stderr);
			exit(2);
		}
	}
	if (optind != argc || cfg->port == NULL) {
		fprintf(stderr, "chatsoak: %s\n",
		    cfg->port == NULL ? "--port is required" :
					"unexpected argument");
		soak_usage(stderr);
		exit(2);
	}
	s->rng = cfg->seed | 1;
}

static int
soak_alive(const struct soak *s, enum soak_kind kind)
{
	int n = 0;

	for (int i = 0; i < s->nconns; i++)
		if (!s->conns[i]->gone && s->conns[i]->kind == kind)
			n++;
	return n;
}

/* Start the bad clients that are due. */
static void
soak_spawn(struct soak *s, int64_t now, int64_t *due)
{
	for (int k = KIND_GOOD + 1; k < KIND_COUNT; k++) {
		if (now < due[k])
			continue;
		due[k] = now + soak_mix[k].every_ms;
		if (soak_alive(s, (enum soak_kind)k) < soak_mix[k].max_alive)
			(void)sconn_open(s, (enum soak_kind)k);
	}
}

static int
soak_bad_alive(const struct soak *s)
{
	for (int i = 0; i < s->nconns; i++)
		if (!s->conns[i]->gone && s->conns[i]->kind != KIND_GOOD)
			return 1;
	return 0;
}

/* Move on to the next phase when this one is over. */
static void
soak_advance(struct soak *s, int64_t now)
{
	switch (s->phase) {
	case PHASE_JOIN:
		if (soak_good_all_joined(s)) {
			soak_debug(s, "all %d good clients joined", s->ngoods);
			s->phase = PHASE_RUN;
			s->run_end_ms = now + (int64_t)s->cfg.seconds * 1000;
			soak_good_phase(s);
		} else if (now - s->start_ms > SOAK_JOIN_MS) {
			soak_violation(s, NULL,
			    "good clients did not all join "
			    "#%s within %d ms",
			    s->cfg.room, SOAK_JOIN_MS);
			s->phase = PHASE_QUIT;
			soak_good_phase(s);
		}
		break;
	case PHASE_RUN:
		if (now < s->run_end_ms)
			break;
		soak_debug(s, "run over; draining");
		s->phase = PHASE_DRAIN;
		s->drain_end_ms = now + (int64_t)s->cfg.drain_seconds * 1000;
		for (int i = 0; i < s->nconns; i++)
			if (!s->conns[i]->gone)
				soak_ops(s->conns[i]->kind)
				    ->stop(s, s->conns[i]);
		break;
	case PHASE_DRAIN:
		if (soak_good_all_delivered(s) && !soak_bad_alive(s)) {
			soak_debug(s, "drained; good clients quit");
			s->phase = PHASE_QUIT;
			soak_good_phase(s);
		} else if (now >= s->drain_end_ms) {
			for (int i = 0; i < s->nconns; i++) {
				struct sconn *c = s->conns[i];

				if (c->gone || c->kind == KIND_GOOD)
					continue;
				soak_violation(s, c,
				    "still busy at the drain "
				    "deadline");
				sconn_close(s, c, 1);
			}
			s->phase = PHASE_QUIT;
			soak_good_phase(s);
		}
		break;
	case PHASE_QUIT:
		for (int i = 0; i < s->nconns; i++)
			if (!s->conns[i]->gone)
				return;
		s->phase = PHASE_DONE;
		break;
	case PHASE_DONE:
		break;
	}
}

static void
soak_reap(struct soak *s)
{
	int i, j;

	for (i = j = 0; i < s->nconns; i++) {
		/* Good clients stay: their counters are the report. */
		if (s->conns[i]->gone && s->conns[i]->kind != KIND_GOOD)
			sconn_free(s->conns[i]);
		else
			s->conns[j++] = s->conns[i];
	}
	s->nconns = j;
}

/* A connection we were not reading reported an error or hang-up. */
static void
soak_hangup(struct soak *s, struct sconn *c)
{
	int err = 0;
	socklen_t len = sizeof err;

	(void)getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
	soak_ops(c->kind)->closed(s, c, err);
	sconn_close(s, c, 0);
}

static void
soak_loop(struct soak *s)
{
	static struct pollfd pfd[SOAK_MAX_CONNS];
	int64_t due[KIND_COUNT] = { 0 }, now, wait;
	int i, n;

	while (s->phase != PHASE_DONE) {
		now = soak_now_ms();
		soak_advance(s, now);
		if (s->phase == PHASE_RUN)
			soak_spawn(s, now, due);
		wait = SOAK_TICK_MS;
		for (i = 0; i < s->nconns; i++) {
			struct sconn *c = s->conns[i];

			if (!c->gone && c->next_ms != 0 && now >= c->next_ms) {
				c->next_ms = 0;
				soak_ops(c->kind)->timer(s, c);
			}
			if (!c->gone && buf_len(&c->out) > 0)
				(void)sconn_flush(s, c);
			if (!c->gone && c->next_ms != 0 &&
			    c->next_ms - now < wait)
				wait = c->next_ms - now;
		}
		soak_reap(s);
		for (i = 0; i < s->nconns; i++) {
			struct sconn *c = s->conns[i];

			pfd[i].fd = c->gone ? -1 : c->fd;
			pfd[i].events = (short)((c->reading ? POLLIN : 0) |
			    (buf_len(&c->out) > 0 ? POLLOUT : 0));
			pfd[i].revents = 0;
		}
		n = s->nconns;
		if (poll(pfd, (nfds_t)n, wait < 0 ? 0 : (int)wait) == -1) {
			if (errno == EINTR)
				continue;
			fprintf(
			    stderr, "chatsoak: poll: %s\n", strerror(errno));
			exit(3);
		}
		for (i = 0; i < n; i++) {
			struct sconn *c = s->conns[i];

			if (c->gone || pfd[i].revents == 0)
				continue;
			if (pfd[i].revents & POLLOUT)
				(void)sconn_flush(s, c);
			if (c->gone)
				continue;
			if (c->reading &&
			    (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				(void)sconn_input(s, c);
			else if (!c->reading &&
			    (pfd[i].revents & (POLLHUP | POLLERR)))
				soak_hangup(s, c);
		}
	}
}

static void
soak_report(struct soak *s)
{
	uint64_t total = 0;

	soak_good_report(s);
	for (int k = KIND_GOOD + 1; k < KIND_COUNT; k++) {
		const struct soak_count *n = &s->count[k];

		total += n->started;
		printf("chatsoak: %s clients=%" PRIu64 " finished=%" PRIu64
		       " dropped=%" PRIu64 " survived=%" PRIu64
		       " checked=%" PRIu64 " cut=%" PRIu64
		       " lines_sent=%" PRIu64 " bytes_sent=%" PRIu64
		       " lines_recv=%" PRIu64 " connect_failed=%" PRIu64
		       " violations=%" PRIu64 "\n",
		    soak_ops((enum soak_kind)k)->name, n->started, n->finished,
		    n->dropped, n->survived, n->checked, n->cut, n->lines_sent,
		    n->bytes_sent, n->lines_recv, n->connect_failed,
		    n->violations);
	}
	printf("chatsoak: seed=%" PRIu64 " seconds=%.1f bad_clients=%" PRIu64
	       " violations=%" PRIu64 "\n",
	    s->cfg.seed, (double)(soak_now_ms() - s->start_ms) / 1000.0, total,
	    s->violations);
	printf("chatsoak: %s\n", s->violations == 0 ? "PASS" : "FAIL");
}

int
main(int argc, char **argv)
{
	static struct soak s;
	struct sigaction sa;

	soak_options(&s, argc, argv);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	/* Never outlive the run by much, whatever the server does. */
	alarm((unsigned)(s.cfg.seconds + s.cfg.drain_seconds +
	    SOAK_ALARM_SLACK_S));
	setvbuf(stdout, NULL, _IOLBF, 0);

	s.start_ms = soak_now_ms();
	printf("chatsoak: %d good clients at %g lines/s in #%s for %ds "
	       "against %s:%s (seed %" PRIu64 ")\n",
	    s.cfg.ngood, s.cfg.good_rate, s.cfg.room, s.cfg.seconds, s.cfg.host,
	    s.cfg.port, s.cfg.seed);
	for (int i = 1; i < s.cfg.nports; i++)
		printf("chatsoak: and %s:%s (clients dealt out over %d "
		       "servers in turn)\n",
		    s.cfg.host, s.cfg.ports[i], s.cfg.nports);
	for (int i = 0; i < s.cfg.ngood; i++)
		if (sconn_open(&s, KIND_GOOD) == NULL) {
			soak_report(&s);
			return 1;
		}
	soak_loop(&s);
	soak_report(&s);
	return s.violations == 0 ? 0 : 1;
}
