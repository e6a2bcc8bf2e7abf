/* main.c: chatd's options, signals and wiring. */
#include <sys/resource.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "proto.h"
#include "loop.h"
#include "server.h"
#ifdef CHATD_CLUSTER
#include "cluster.h"
#include "redis_url.h"
#endif

#define MAIN_MIN_QUEUE 1024
/* The queue limit must fit a size_t and a long long, wherever it runs. */
#define MAIN_MAX_QUEUE                                             \
	((long long)(SIZE_MAX / 2 < LLONG_MAX / 2 ? SIZE_MAX / 2 : \
						    LLONG_MAX / 2))
#define MAIN_MIN_LINE 16
#define MAIN_MAX_LINE (1024 * 1024)
#define MAIN_MAX_RATE 1e6

enum {
	OPT_MAX_QUEUE = 256,
	OPT_MAX_LINE,
	OPT_RATE,
	OPT_BURST,
	OPT_MAX_PER_IP,
	OPT_PASSWORD_FILE,
	OPT_LOGIN_TIMEOUT,
	OPT_UNIX,
	OPT_IO,
	OPT_HISTORY,
	OPT_REPLAY,
	OPT_HISTORY_MEMORY,
	OPT_UDP,
	OPT_IRC_PORT,
	OPT_SERVER_NAME,
	OPT_MOTD,
	OPT_CLUSTER,
	OPT_NODE_ID,
	OPT_CLUSTER_REQUIRED
};

static const struct option main_options[] = { { "port", required_argument, NULL,
						  'p' },
	{ "bind", required_argument, NULL, 'b' },
	{ "max-clients", required_argument, NULL, 'm' },
	{ "max-queue", required_argument, NULL, OPT_MAX_QUEUE },
	{ "max-line", required_argument, NULL, OPT_MAX_LINE },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "burst", required_argument, NULL, OPT_BURST },
	{ "max-per-ip", required_argument, NULL, OPT_MAX_PER_IP },
	{ "password-file", required_argument, NULL, OPT_PASSWORD_FILE },
	{ "login-timeout", required_argument, NULL, OPT_LOGIN_TIMEOUT },
	{ "unix", required_argument, NULL, OPT_UNIX },
	{ "io", required_argument, NULL, OPT_IO },
	{ "history", required_argument, NULL, OPT_HISTORY },
	{ "replay", required_argument, NULL, OPT_REPLAY },
	{ "history-memory", required_argument, NULL, OPT_HISTORY_MEMORY },
	{ "udp", no_argument, NULL, OPT_UDP },
	{ "irc-port", required_argument, NULL, OPT_IRC_PORT },
	{ "server-name", required_argument, NULL, OPT_SERVER_NAME },
	{ "motd", required_argument, NULL, OPT_MOTD },
	{ "cluster", required_argument, NULL, OPT_CLUSTER },
	{ "node-id", required_argument, NULL, OPT_NODE_ID },
	{ "cluster-required", no_argument, NULL, OPT_CLUSTER_REQUIRED },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' }, { "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' }, { NULL, 0, NULL, 0 } };

static int main_sig_pipe[2] = { -1, -1 };

/*
 * The most clients the backend can serve: select() watches fds below
 * FD_SETSIZE; poll and epoll as many as the open-file limit chatd can
 * raise itself to (its hard limit). The server's own descriptors are
 * not for clients.
 */
static int
main_max_clients(enum loop_backend b, int extra)
{
	struct rlimit rl;
	long long n = loop_backend_fd_limit(b) - extra;

	if (b != LOOP_SELECT && getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_max != RLIM_INFINITY && (long long)rl.rlim_max < n)
		n = (long long)rl.rlim_max;
	n -= CHATD_RESERVED_FDS;
	if (n > INT_MAX)
		n = INT_MAX;
	return n < 1 ? 1 : (int)n;
}

/* The descriptors options add to CHATD_RESERVED_FDS. */
static int
main_extra_fds(const struct config *cfg)
{
	return (cfg->udp != 0) + (cfg->irc_port != NULL) +
	    (cfg->io == LOOP_EPOLL);
}

static void
main_usage(FILE *f)
{
	fprintf(f, "usage: chatd [options]\n");
	fprintf(f,
	    "  -p, --port PORT          TCP port (default %d; 0 picks a free one)\n",
	    CHAT_DEFAULT_PORT);
	fprintf(f,
	    "  -b, --bind ADDR          address to listen on (default: all, IPv4+IPv6)\n");
	fprintf(f,
	    "      --unix PATH          also listen on a Unix-domain socket\n");
	fprintf(f,
	    "      --irc-port PORT      also listen for IRC only (0 picks a free port)\n");
	fprintf(f,
	    "      --server-name NAME   the name IRC clients see (default %s)\n",
	    CHATD_SERVER_NAME);
	fprintf(f,
	    "      --motd FILE          IRC's message of the day, read at start-up\n");
	fprintf(
	    f, "      --io BACKEND         select (default), poll or epoll\n");
	fprintf(f,
	    "  -m, --max-clients N      most clients at once (default %d; at most %d\n",
	    CHATD_MAX_CLIENTS, main_max_clients(LOOP_SELECT, 0));
	fprintf(f,
	    "                           with select, more with poll or epoll)\n");
	fprintf(f,
	    "      --max-per-ip N       most connections from one address (0: no cap)\n");
	fprintf(f,
	    "      --max-queue BYTES    unsent output before a client is dropped as\n");
	fprintf(f,
	    "                           too slow (default %d; K, M and G suffixes)\n",
	    CHATD_MAX_QUEUE);
	fprintf(f,
	    "      --max-line BYTES     longest line a client may send (default %d)\n",
	    CHAT_MAX_LINE);
	fprintf(f,
	    "      --rate LINES/S       flood control rate (default %g; 0: off)\n",
	    CHATD_RATE);
	fprintf(f,
	    "      --burst N            flood control burst (default %d)\n",
	    CHATD_BURST);
	fprintf(f,
	    "      --password-file FILE server password (or $CHATD_PASSWORD)\n");
	fprintf(f,
	    "      --login-timeout SECS time to give the password (default %d)\n",
	    CHATD_LOGIN_TIMEOUT);
	fprintf(f,
	    "      --history N          events kept per room (default %d; 0: off)\n",
	    CHATD_HISTORY);
	fprintf(f,
	    "      --replay N           of those, replayed on joining (default %d)\n",
	    CHATD_REPLAY);
	fprintf(f,
	    "      --history-memory BYTES  all rooms' history together (default 16M)\n");
	fprintf(f,
	    "      --cluster URL        join a cluster through Redis (redis://HOST[:PORT][/DB], unix:PATH)\n");
	fprintf(f,
	    "      --node-id NAME       this node's name (default hostname-pid)\n");
	fprintf(f,
	    "      --cluster-required   refuse new users while Redis is down\n");
	fprintf(
	    f, "  -v, --verbose            log more;  -q, --quiet  log less\n");
	fprintf(f,
	    "  -h, --help               this help; -V, --version  the version\n");
}

static void __attribute__((noreturn, format(printf, 1, 2)))
main_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "chatd: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'chatd --help' for more information.\n");
	exit(2);
}

/* --cluster's URL, checked before anything starts (cluster-v1 §1). */
static void
main_cluster_url(const char *url)
{
#ifdef CHATD_CLUSTER
	struct redis_url u;
	const char *cause = "out of memory";

	if (redis_url_parse(url, &u, &cause) == -1)
		main_usage_error(
		    "invalid value '%s' for --cluster: %s", url, cause);
	redis_url_free(&u);
#else
	(void)url;
	fprintf(stderr,
	    "chatd: --cluster needs the cluster build (make "
	    "with libhiredis-dev installed)\n");
	exit(2);
#endif
}

/* A whole number in [lo, hi] (with an optional K/M suffix when scaled),
 * or a usage error naming the option. */
static long long
main_number(
    const char *opt, const char *s, long long lo, long long hi, int scaled)
{
	long long v;

	if ((scaled ? conf_size(s, lo, hi, &v) : conf_number(s, lo, hi, &v)) ==
	    -1)
		main_usage_error("invalid value '%s' for %s (expected %lld to "
				 "%lld)",
		    s, opt, lo, hi);
	return v;
}

static double
main_rate(const char *s)
{
	double v;

	if (conf_real(s, 0, MAIN_MAX_RATE, &v) == -1)
		main_usage_error(
		    "invalid value '%s' for --rate (expected 0 to %.0f lines per second; 0: no limit)",
		    s, MAIN_MAX_RATE);
	return v;
}

/* -m: 1 to what the backend can watch, said in the error (chatd-v2 §5). */
static void
main_set_max_clients(struct config *cfg, const char *s)
{
	int hi = main_max_clients(cfg->io, main_extra_fds(cfg));
	long long v;

	if (conf_number(s, 1, INT_MAX, &v) == -1)
		main_usage_error(
		    "invalid value '%s' for --max-clients (expected 1 to %d)",
		    s, hi);
	if (v > hi && cfg->io == LOOP_SELECT)
		main_usage_error(
		    "invalid value '%s' for --max-clients (expected 1 to %d): select() can watch at most %d clients here; --io poll or epoll take more",
		    s, hi, hi);
	if (v > hi)
		main_usage_error(
		    "invalid value '%s' for --max-clients (expected 1 to %d): the open-file limit allows at most %d clients here",
		    s, hi, hi);
	cfg->max_clients = (int)v;
}

/* A setting that cannot be stored stops the server: a password above all
 * must never be silently unset. */
static char *
main_strdup(const char *s)
{
	char *p;

	if ((p = strdup(s)) == NULL) {
		fprintf(stderr, "chatd: out of memory\n");
		exit(1);
	}
	return p;
}

/* --server-name: 1..CHATD_SERVER_NAME_MAX of [A-Za-z0-9.-]. */
static const char *
main_server_name(const char *s)
{
	size_t n = strspn(s,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");

	if (n == 0 || s[n] != '\0' || n > CHATD_SERVER_NAME_MAX)
		main_usage_error("invalid value '%s' for --server-name "
				 "(expected 1 to %d letters, digits, '.' or "
				 "'-')",
		    s, CHATD_SERVER_NAME_MAX);
	return s;
}

/* The MOTD: the whole file, read once. */
static char *
main_read_motd(const char *path)
{
	char *motd;

	if ((motd = conf_read_file(path, CHATD_MOTD_MAX)) == NULL) {
		fprintf(stderr, "chatd: cannot read MOTD file %s: %s\n", path,
		    errno == EFBIG      ? "larger than 64 KiB" :
			errno == EINVAL ? "it holds a NUL byte" :
					  strerror(errno));
		exit(1);
	}
	return motd;
}

/* The password: the first line of path. */
static char *
main_read_password(const char *path)
{
	char line[CHATD_PASSWORD_MAX + 2];

	if (conf_first_line(path, line, sizeof line) == -1) {
		fprintf(stderr, "chatd: cannot read password file %s: %s\n",
		    path,
		    errno == EINVAL ? "first line too long" : strerror(errno));
		exit(1);
	}
	if (line[0] == '\0') {
		fprintf(stderr, "chatd: password file %s is empty\n", path);
		exit(1);
	}
	return main_strdup(line);
}

static void
main_parse(int argc, char **argv, struct config *cfg)
{
	const char *password_file = NULL, *max_clients = NULL, *env;
	const char *motd = NULL;
	int ch, level = LOG_INFO;

	opterr = 0;
	while ((ch = getopt_long(
		    argc, argv, ":p:b:m:vqhV", main_options, NULL)) != -1) {
		switch (ch) {
		case 'p':
			main_number("--port", optarg, 0, 65535, 0);
			cfg->port = optarg;
			break;
		case 'b':
			cfg->bind = optarg;
			break;
		case OPT_IRC_PORT:
			main_number("--irc-port", optarg, 0, 65535, 0);
			cfg->irc_port = optarg;
			break;
		case OPT_SERVER_NAME:
			cfg->server_name = main_server_name(optarg);
			break;
		case OPT_MOTD:
			motd = optarg;
			break;
		case OPT_CLUSTER:
			main_cluster_url(optarg);
			cfg->cluster_url = optarg;
			break;
		case OPT_NODE_ID:
			cfg->node_id = optarg;
			break;
		case OPT_CLUSTER_REQUIRED:
			cfg->cluster_required = 1;
			break;
		case 'm':
			max_clients = optarg;
			break;
		case OPT_HISTORY:
			cfg->history = (size_t)main_number(
			    "--history", optarg, 0, CHATD_HISTORY_MAX, 0);
			break;
		case OPT_REPLAY:
			cfg->replay = (size_t)main_number(
			    "--replay", optarg, 0, CHATD_HISTORY_MAX, 0);
			break;
		case OPT_HISTORY_MEMORY:
			cfg->history_memory = (size_t)main_number(
			    "--history-memory", optarg, 0, MAIN_MAX_QUEUE, 1);
			break;
		case OPT_UDP:
			cfg->udp = 1;
			break;
		case OPT_IO:
			if (loop_backend_parse(optarg, &cfg->io) == -1)
				main_usage_error("invalid value '%s' for --io "
						 "(expected %s)",
				    optarg,
				    errno == ENOSYS ?
					"select or poll: epoll is Linux only" :
					"select, poll or epoll");
			break;
		case OPT_MAX_QUEUE:
			cfg->max_queue = (size_t)main_number("--max-queue",
			    optarg, MAIN_MIN_QUEUE, MAIN_MAX_QUEUE, 1);
			break;
		case OPT_MAX_LINE:
			cfg->max_line = (size_t)main_number("--max-line",
			    optarg, MAIN_MIN_LINE, MAIN_MAX_LINE, 1);
			break;
		case OPT_RATE:
			cfg->rate = main_rate(optarg);
			break;
		case OPT_BURST:
			cfg->burst = (double)main_number(
			    "--burst", optarg, 1, 1000000, 0);
			break;
		case OPT_MAX_PER_IP:
			cfg->max_per_ip = (int)main_number(
			    "--max-per-ip", optarg, 0, INT_MAX, 0);
			break;
		case OPT_PASSWORD_FILE:
			password_file = optarg;
			break;
		case OPT_LOGIN_TIMEOUT:
			cfg->login_timeout = (int)main_number(
			    "--login-timeout", optarg, 1, 86400, 0);
			break;
		case OPT_UNIX:
			cfg->unix_path = optarg;
			break;
		case 'v':
			level = LOG_DEBUG;
			break;
		case 'q':
			level = LOG_WARN;
			break;
		case 'h':
			main_usage(stdout);
			exit(0);
		case 'V':
			printf("chatd %s\n", CHAT_VERSION);
			exit(0);
		case ':':
			main_usage_error(
			    "option %s needs a value", argv[optind - 1]);
		default:
			main_usage_error("unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		main_usage_error("unexpected argument '%s'", argv[optind]);
	if (cfg->cluster_url == NULL && cfg->node_id != NULL)
		main_usage_error("--node-id needs --cluster");
	if (cfg->cluster_url == NULL && cfg->cluster_required)
		main_usage_error("--cluster-required needs --cluster");
	/* Its bound depends on the backend, which may come after it. */
	if (max_clients != NULL)
		main_set_max_clients(cfg, max_clients);
	log_set_level(level);
	if (motd != NULL)
		cfg->motd = main_read_motd(motd);
	if (password_file != NULL) {
		cfg->password = main_read_password(password_file);
		cfg->password_file = password_file;
	} else if ((env = getenv("CHATD_PASSWORD")) != NULL && *env != '\0')
		cfg->password = main_strdup(env);
}

/* Enough descriptors for every client and our own, as far as allowed. */
static void
main_raise_nofile(int max_clients)
{
	struct rlimit rl;
	rlim_t need = (rlim_t)max_clients + CHATD_RESERVED_FDS;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur >= need)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need ?
	    need :
	    rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur < need)
		log_warn("open-file limit is %llu, below the %llu that %d "
			 "clients need: the rest will get 'server full'",
		    (unsigned long long)rl.rlim_cur, (unsigned long long)need,
		    max_clients);
}

/* Signal handlers only write a byte to the self-pipe; the loop acts. */
static void
main_on_signal(int sig)
{
	unsigned char b = sig == SIGUSR1 ? SERVER_SIG_STATS :
	    sig == SIGHUP                ? SERVER_SIG_RELOAD :
					   SERVER_SIG_STOP;
	int saved = errno;

	if (write(main_sig_pipe[1], &b, 1) == -1) {
		/* Pipe full: a byte is already waiting. */
	}
	errno = saved;
}

static int
main_signals(void)
{
	struct sigaction sa;
	int i;

	if (pipe(main_sig_pipe) == -1)
		return -1;
	for (i = 0; i < 2; i++) {
		if (fcntl(main_sig_pipe[i], F_SETFD, FD_CLOEXEC) == -1 ||
		    fcntl(main_sig_pipe[i], F_SETFL, O_NONBLOCK) == -1)
			return -1;
	}
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = main_on_signal;
	if (sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGUSR1, &sa, NULL) == -1 ||
	    sigaction(SIGHUP, &sa, NULL) == -1)
		return -1;
	sa.sa_handler = SIG_IGN;
	return sigaction(SIGPIPE, &sa, NULL);
}

int
main(int argc, char **argv)
{
	struct config cfg = {
		.port = CHAT_DEFAULT_PORT_STR,
		.max_clients = CHATD_MAX_CLIENTS,
		.max_queue = CHATD_MAX_QUEUE,
		.max_line = CHAT_MAX_LINE,
		.rate = CHATD_RATE,
		.burst = CHATD_BURST,
		.login_timeout = CHATD_LOGIN_TIMEOUT,
		.io = LOOP_SELECT,
		.history = CHATD_HISTORY,
		.replay = CHATD_REPLAY,
		.history_memory = CHATD_HISTORY_MEMORY,
		.server_name = CHATD_SERVER_NAME,
	};
	struct server srv;
	const char *cause = "unknown error";
	int rv;

	main_parse(argc, argv, &cfg);
	main_raise_nofile(cfg.max_clients);
	if (main_signals() == -1) {
		fprintf(stderr, "chatd: cannot set up signals: %s\n",
		    strerror(errno));
		free(cfg.password);
		free(cfg.motd);
		return 1;
	}
	if (server_init(&srv, &cfg, main_sig_pipe[0], &cause) == -1) {
		if (srv.cluster_error != NULL)
			fprintf(stderr, "chatd: --cluster: %s\n", cause);
		else
			fprintf(stderr,
			    "chatd: cannot listen on %s port %s: %s\n",
			    cfg.bind != NULL ? cfg.bind : "*", cfg.port, cause);
		server_free(&srv);
		free(cfg.password);
		free(cfg.motd);
		return 1;
	}
	if (cfg.password != NULL)
		log_info("a password is required");
	rv = server_run(&srv);
	server_free(&srv);
	free(cfg.password);
	free(cfg.motd);
	close(main_sig_pipe[0]);
	close(main_sig_pipe[1]);
	return rv == 0 ? 0 : 1;
}
