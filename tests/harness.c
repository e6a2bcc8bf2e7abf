/* harness.c: start the real bin/chatd and talk to it over loopback sockets. */
#define _DEFAULT_SOURCE
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sys/un.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "harness.h"

long
harness_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

void
srv_read_log(struct srv *s, int ms)
{
	struct pollfd pfd = { .fd = s->errfd, .events = POLLIN };
	ssize_t n;

	if (s->errfd == -1)
		return;
	while (poll(&pfd, 1, ms) > 0) {
		n = read(s->errfd, s->log + s->loglen,
		    sizeof s->log - 1 - s->loglen);
		if (n <= 0)
			break;
		s->loglen += (size_t)n;
		s->log[s->loglen] = '\0';
		ms = 0;
		if (s->loglen >= sizeof s->log - 1)
			s->loglen = 0; /* keep reading; old text goes */
	}
}

int
srv_log_has(struct srv *s, const char *text, int ms)
{
	long end = harness_now_ms() + ms;

	do {
		if (strstr(s->log, text) != NULL)
			return 1;
		srv_read_log(s, 50);
	} while (harness_now_ms() < end);
	return strstr(s->log, text) != NULL;
}

/* Fork and exec $CHATD with argv (argv[0] included); stdout and stderr go
 * to a pipe read into s->log. nofile > 0 sets chatd's RLIMIT_NOFILE (soft
 * and hard) to it. */
static int
srv_exec(struct srv *s, const char **argv, long nofile)
{
	int pfd[2];

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
		if (nofile > 0) {
			struct rlimit rl = { (rlim_t)nofile, (rlim_t)nofile };

			setrlimit(RLIMIT_NOFILE, &rl);
		}
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		close(pfd[1]);
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

int
srv_spawn(struct srv *s, const char *const *args)
{
	const char *argv[64];
	int n = 0;

	argv[n++] = srv_bin();
	while (args != NULL && *args != NULL && n < 63)
		argv[n++] = *args++;
	argv[n] = NULL;
	return srv_exec(s, argv, 0);
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
	return srv_start_nofile(s, args, 0);
}

int
srv_start_nofile(struct srv *s, const char *const *args, long nofile)
{
	const char *argv[64];
	char *p;
	int n = 0;

	argv[n++] = srv_bin();
	argv[n++] = "-p";
	argv[n++] = "0";
	argv[n++] = "-b";
	argv[n++] = "127.0.0.1";
	while (args != NULL && *args != NULL && n < 62)
		argv[n++] = *args++;
	argv[n] = NULL;
	if (srv_exec(s, argv, nofile) == -1)
		return -1;
	if (!srv_log_has(s, "listening on 127.0.0.1:", 10000))
		return -1;
	p = strstr(s->log, "listening on 127.0.0.1:");
	s->port = atoi(p + strlen("listening on 127.0.0.1:"));
	return s->port > 0 ? 0 : -1;
}

int
srv_stop(struct srv *s, int sig)
{
	long end;
	int status;
	pid_t r;

	if (s->pid <= 0)
		return -1;
	if (sig != 0)
		kill(s->pid, sig);
	end = harness_now_ms() + 10000;
	while ((r = waitpid(s->pid, &status, WNOHANG)) == 0 &&
	    harness_now_ms() < end) {
		srv_read_log(s, 20);
	}
	if (r == 0) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, &status, 0);
	}
	srv_read_log(s, 0);
	close(s->errfd);
	s->errfd = -1;
	s->pid = 0;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}

struct conn *
conn_from_fd(int fd)
{
	struct conn *c;

	if (fd == -1 || (c = calloc(1, sizeof *c)) == NULL) {
		if (fd != -1)
			close(fd);
		return NULL;
	}
	c->fd = fd;
	return c;
}

/* Connect a new socket of the address's family; the fd or -1. */
static int
connect_to(const struct sockaddr *sa, socklen_t salen)
{
	int fd;

	if ((fd = socket(sa->sa_family, SOCK_STREAM, 0)) == -1)
		return -1;
	if (connect(fd, sa, salen) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

struct conn *
conn_open(int port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return conn_from_fd(connect_to((struct sockaddr *)&sin, sizeof sin));
}

struct conn *
conn_open6(int port)
{
	struct sockaddr_in6 sin6;

	memset(&sin6, 0, sizeof sin6);
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons((unsigned short)port);
	sin6.sin6_addr = in6addr_loopback;
	return conn_from_fd(connect_to((struct sockaddr *)&sin6, sizeof sin6));
}

struct conn *
conn_open_unix(const char *path)
{
	struct sockaddr_un sun;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path)
		return NULL;
	strcpy(sun.sun_path, path);
	return conn_from_fd(connect_to((struct sockaddr *)&sun, sizeof sun));
}

struct conn *
conn_login(int port, const char *nick)
{
	struct conn *c;
	char cmd[128], want[128];

	if ((c = conn_open(port)) == NULL)
		return NULL;
	/* An empty line first: plain text at once, without the 500 ms a
	 * silent connection waits to be told from IRC (chatd-v2 §1). */
	if (conn_send(c, "\n") == -1 || !conn_expect(c, "/help", NULL, 0, 5000))
		goto fail;
	if (nick != NULL) {
		snprintf(cmd, sizeof cmd, "/nick %s\n", nick);
		snprintf(want, sizeof want, "is now known as %s", nick);
		if (conn_send(c, cmd) == -1 ||
		    !conn_expect(c, want, NULL, 0, 5000))
			goto fail;
	}
	return c;
fail:
	conn_close(c);
	return NULL;
}

void
conn_close(struct conn *c)
{
	if (c == NULL)
		return;
	close(c->fd);
	free(c);
}

int
conn_send_raw(struct conn *c, const void *p, size_t n)
{
	const char *s = p;
	ssize_t w;

	while (n > 0) {
		w = send(c->fd, s, n, MSG_NOSIGNAL);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

int
conn_send(struct conn *c, const char *s)
{
	return conn_send_raw(c, s, strlen(s));
}

int
conn_line(struct conn *c, char *out, size_t outlen, int ms)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	long end = harness_now_ms() + ms;
	char *lf;
	size_t n;
	ssize_t r;
	int left;

	for (;;) {
		if ((lf = memchr(c->buf, '\n', c->len)) != NULL) {
			n = (size_t)(lf - c->buf);
			if (out != NULL && outlen > 0) {
				size_t k = n < outlen - 1 ? n : outlen - 1;

				memcpy(out, c->buf, k);
				out[k] = '\0';
			}
			memmove(c->buf, lf + 1, c->len - n - 1);
			c->len -= n + 1;
			return (int)n;
		}
		if (c->len == sizeof c->buf)
			return -2;
		left = (int)(end - harness_now_ms());
		if (left < 0)
			return -1;
		if (poll(&pfd, 1, left) <= 0)
			return -1;
		r = read(c->fd, c->buf + c->len, sizeof c->buf - c->len);
		if (r <= 0)
			return -2;
		c->len += (size_t)r;
	}
}

int
conn_expect(struct conn *c, const char *text, char *out, size_t outlen, int ms)
{
	char line[8192];
	long end = harness_now_ms() + ms;
	int left;

	while ((left = (int)(end - harness_now_ms())) >= 0) {
		if (conn_line(c, line, sizeof line, left) < 0)
			return 0;
		if (strstr(line, text) != NULL) {
			if (out != NULL)
				snprintf(out, outlen, "%s", line);
			return 1;
		}
	}
	return 0;
}

int
conn_quiet(struct conn *c, int ms)
{
	return conn_line(c, NULL, 0, ms) == -1;
}

int
conn_eof(struct conn *c, int ms)
{
	long end = harness_now_ms() + ms;
	int r, left;

	while ((left = (int)(end - harness_now_ms())) >= 0) {
		r = conn_line(c, NULL, 0, left);
		if (r == -2)
			return 1;
		if (r == -1)
			return 0;
	}
	return 0;
}

const char *
line_body(const char *line)
{
	if (strlen(line) < 11 || line[0] != '[' || line[3] != ':' ||
	    line[6] != ':' || line[9] != ']' || line[10] != ' ')
		return NULL;
	return line + 11;
}

int
conn_next_is(struct conn *c, const char *want, int ms)
{
	char line[8192];
	const char *body;
	int r;

	if ((r = conn_line(c, line, sizeof line, ms)) < 0) {
		fprintf(stderr, "want \"%s\", got %s\n", want,
		    r == -1 ? "nothing (timeout)" : "EOF");
		return 0;
	}
	if ((body = line_body(line)) == NULL || strcmp(body, want) != 0) {
		fprintf(stderr, "want \"%s\", got \"%s\"\n", want, line);
		return 0;
	}
	return 1;
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

struct conn *
login_ok(int port, const char *nick)
{
	struct conn *c = conn_login(port, nick);

	ck_assert_msg(c != NULL, "could not log in as %s",
	    nick != NULL ? nick : "a guest");
	return c;
}

int
srv_fd_limits_virtualised(void)
{
	if (getenv("VALGRIND") == NULL)
		return 0;
	fprintf(stderr, "skipped under valgrind: fd limits are virtualised\n");
	return 1;
}
