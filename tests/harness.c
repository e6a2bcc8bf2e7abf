/* harness.c: start the real bin/chatd and read what it logs. */
#define _DEFAULT_SOURCE
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "harness.h"

#define SRV_ARGS_MAX   64
#define SRV_START_MS   10000 /* for "listening on" to appear */
#define SRV_STOP_MS    10000 /* for chatd to exit before SIGKILL */
#define CLOSE_FROM_MAX 65536 /* highest fd a child closes by number */

/*
 * LeakSanitizer (make SAN=1) in an integration test's own process: it
 * holds only scaffolding, in a child Check forks for that one test (the
 * IRC conformance suites leave their clients to the test's end), so its
 * leftovers are not reported. chatd and chat are checked in full: under
 * the sanitizers srv_stop_ok's exit 0 means no leak.
 */
const char *__lsan_default_options(void);

const char *
__lsan_default_options(void)
{
	return "detect_leaks=0";
}

long
harness_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

void
harness_close_from(int fd)
{
	struct rlimit rl;
	long max = CLOSE_FROM_MAX;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && (long)rl.rlim_cur < max)
		max = (long)rl.rlim_cur;
	for (; fd < max; fd++)
		close(fd);
}

/* Room for n more bytes of log: when full, the older half goes. */
static void
srv_log_room(struct srv *s)
{
	size_t half = sizeof s->log / 2;

	if (s->loglen < sizeof s->log - 1)
		return;
	memmove(s->log, s->log + half, s->loglen - half);
	s->loglen -= half;
	s->logbase += half;
	s->log[s->loglen] = '\0';
}

void
srv_read_log(struct srv *s, int ms)
{
	struct pollfd pfd = { .fd = s->errfd, .events = POLLIN };
	ssize_t n;
	int r;

	if (s->errfd == -1 || s->eof)
		return;
	while ((r = poll(&pfd, 1, ms)) > 0 || (r == -1 && errno == EINTR)) {
		if (r == -1)
			continue;
		srv_log_room(s);
		n = read(s->errfd, s->log + s->loglen,
		    sizeof s->log - 1 - s->loglen);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			s->eof = 1; /* chatd is gone: no more waiting */
			break;
		}
		s->loglen += (size_t)n;
		s->log[s->loglen] = '\0';
		ms = 0;
	}
}

size_t
srv_log_mark(const struct srv *s)
{
	return s->logbase + s->loglen;
}

const char *
srv_log_find(struct srv *s, size_t mark, const char *text, int ms)
{
	long end = harness_now_ms() + ms;
	size_t tail = *text != '\0' ? strlen(text) - 1 : 0;
	const char *hit;

	for (;;) {
		size_t from = mark > s->logbase ? mark - s->logbase : 0;

		/* Only whole lines count: the rest may still be coming. */
		if (from <= s->loglen &&
		    (hit = strstr(s->log + from, text)) != NULL &&
		    strchr(hit + tail, '\n') != NULL)
			return hit;
		if (s->eof || harness_now_ms() >= end)
			return NULL;
		srv_read_log(s, 50);
	}
}

int
srv_log_has(struct srv *s, const char *text, int ms)
{
	return srv_log_find(s, 0, text, ms) != NULL;
}

/* In the child: descriptors 3 .. below-1 open on /dev/null. */
static void
srv_fill_fds(int below)
{
	int fd, null = open("/dev/null", O_RDONLY);

	if (null == -1)
		_exit(126);
	for (fd = 3; fd < below; fd++)
		if (fd != null && dup2(null, fd) == -1)
			_exit(126);
	if (null >= below)
		close(null);
}

/* Fork and exec $CHATD with argv (argv[0] included); stdout and stderr go
 * to a pipe read into s->log, stdin is /dev/null, nothing else is
 * inherited but what opts asks for. */
static int
srv_exec(struct srv *s, const char **argv, const struct srv_opts *opts)
{
	int pfd[2], null;

	memset(s, 0, sizeof *s);
	s->errfd = -1;
	if (pipe(pfd) == -1)
		return -1;
	if ((s->pid = fork()) == -1) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (s->pid == 0) {
#ifdef __linux__
		/* A failed or timed-out test must not leave chatd behind. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
		if (opts != NULL && opts->nofile > 0) {
			struct rlimit rl = { (rlim_t)opts->nofile,
				(rlim_t)opts->nofile };

			if (setrlimit(RLIMIT_NOFILE, &rl) == -1) {
				dprintf(pfd[1], "harness: setrlimit %ld: %s\n",
				    opts->nofile, strerror(errno));
				_exit(126);
			}
		}
		if ((null = open("/dev/null", O_RDONLY)) == -1 ||
		    dup2(null, 0) == -1 || dup2(pfd[1], 1) == -1 ||
		    dup2(pfd[1], 2) == -1)
			_exit(126);
		harness_close_from(3);
		if (opts != NULL && opts->fill_below > 3)
			srv_fill_fds(opts->fill_below);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(pfd[1]);
	s->errfd = pfd[0];
	return 0;
}

static const char *
srv_bin(void)
{
	const char *bin = getenv("CHATD");

	return bin != NULL ? bin : "bin/chatd";
}

/* argv for $CHATD: first (NULL-terminated) then args; NULL if too many. */
static const char **
srv_argv(const char **argv, const char *const *first, const char *const *args)
{
	int n = 0;

	argv[n++] = srv_bin();
	for (; first != NULL && *first != NULL; first++)
		argv[n++] = *first;
	for (; args != NULL && *args != NULL; args++) {
		if (n == SRV_ARGS_MAX - 1) {
			fprintf(stderr, "harness: more than %d chatd args\n",
			    SRV_ARGS_MAX - 2);
			return NULL;
		}
		argv[n++] = *args;
	}
	argv[n] = NULL;
	return argv;
}

int
srv_spawn(struct srv *s, const char *const *args)
{
	const char *argv[SRV_ARGS_MAX];

	if (srv_argv(argv, NULL, args) == NULL)
		return -1;
	return srv_exec(s, argv, NULL);
}

int
srv_run(struct srv *s, const char *const *args)
{
	if (srv_spawn(s, args) == -1)
		return -1;
	return srv_stop(s, 0);
}

int
srv_start(struct srv *s, const char *const *args)
{
	return srv_start_with(s, args, NULL);
}

int
srv_start_with(
    struct srv *s, const char *const *args, const struct srv_opts *opts)
{
	static const char ready[] = "listening on 127.0.0.1:";
	const char *first[] = { "-p", "0", "-b", "127.0.0.1", NULL, NULL,
		NULL };
	const char *argv[SRV_ARGS_MAX], *p, *io = getenv("CHATD_IO");

	/* make test runs every suite on each backend (CHATD_IO); a test's own
	 * --io, later on the line, wins. */
	if (io != NULL && *io != '\0') {
		first[4] = "--io";
		first[5] = io;
	}
	if (srv_argv(argv, first, args) == NULL ||
	    srv_exec(s, argv, opts) == -1)
		return -1;
	if ((p = srv_log_find(s, 0, ready, SRV_START_MS)) == NULL)
		return -1;
	s->port = atoi(p + strlen(ready));
	return s->port > 0 ? 0 : -1;
}

/* waitpid, retried on EINTR; its result. */
static pid_t
srv_wait(struct srv *s, int flags)
{
	pid_t r;

	while ((r = waitpid(s->pid, &s->status, flags)) == -1 && errno == EINTR)
		;
	if (r == s->pid && (WIFEXITED(s->status) || WIFSIGNALED(s->status)))
		s->reaped = 1;
	return r;
}

int
srv_running(struct srv *s)
{
	if (s->pid <= 0 || s->reaped)
		return 0;
	return srv_wait(s, WNOHANG) == 0;
}

void
srv_freeze(struct srv *s)
{
	ck_assert_msg(
	    kill(s->pid, SIGSTOP) == 0, "SIGSTOP: %s", strerror(errno));
	ck_assert_msg(srv_wait(s, WUNTRACED) == s->pid && WIFSTOPPED(s->status),
	    "chatd did not stop");
}

void
srv_thaw(struct srv *s)
{
	ck_assert_msg(
	    kill(s->pid, SIGCONT) == 0, "SIGCONT: %s", strerror(errno));
}

int
srv_stop(struct srv *s, int sig)
{
	long end;
	pid_t r;

	if (s->pid <= 0)
		return -1;
	if (!s->reaped) {
		if (sig != 0)
			kill(s->pid, sig);
		end = harness_now_ms() + SRV_STOP_MS;
		while (!s->reaped && (r = srv_wait(s, WNOHANG)) == 0 &&
		    harness_now_ms() < end)
			srv_read_log(s, 20);
		if (!s->reaped && r == 0) {
			fprintf(stderr,
			    "harness: chatd still running %d ms after "
			    "signal %d; killed\n",
			    SRV_STOP_MS, sig);
			kill(s->pid, SIGKILL);
			r = srv_wait(s, 0);
		}
		if (!s->reaped) {
			fprintf(stderr, "harness: waitpid %d: %s\n",
			    (int)s->pid, r == -1 ? strerror(errno) : "?");
			s->pid = 0;
			return -1;
		}
	}
	/* It has exited: read its log to the end (bounded, in case some
	 * child of its still holds the pipe). */
	end = harness_now_ms() + SRV_STOP_MS;
	while (!s->eof && s->errfd != -1 && harness_now_ms() < end)
		srv_read_log(s, 100);
	close(s->errfd);
	s->errfd = -1;
	s->pid = 0;
	if (WIFEXITED(s->status))
		return WEXITSTATUS(s->status);
	return 128 + WTERMSIG(s->status);
}

void
srv_start_ok(struct srv *s, const char *const *args)
{
	if (srv_start(s, args) == 0)
		return;
	srv_read_log(s, 100);
	ck_abort_msg("chatd did not start; its output:\n%s", s->log);
}

void
srv_stop_ok(struct srv *s)
{
	size_t off;
	int st = srv_stop(s, SIGTERM);

	if (st == 0)
		return;
	off = s->loglen > 3000 ? s->loglen - 3000 : 0;
	fprintf(stderr, "chatd log (tail):\n%s\n", s->log + off);
	ck_abort_msg("chatd exited with status %d after SIGTERM, want 0", st);
}

int
srv_fd_limits_virtualised(void)
{
	return getenv("VALGRIND") != NULL;
}
