/* harness.c: start the real bin/chatd and talk to it over loopback sockets. */
#define _DEFAULT_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>
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

#include "harness.h"

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

void
srv_read_log(struct srv *s, int ms)
{
	struct pollfd	pfd = { .fd = s->errfd, .events = POLLIN };
	ssize_t		n;

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
			s->loglen = 0;	/* keep reading; old text goes */
	}
}

int
srv_log_has(struct srv *s, const char *text, int ms)
{
	long end = now_ms() + ms;

	do {
		if (strstr(s->log, text) != NULL)
			return 1;
		srv_read_log(s, 50);
	} while (now_ms() < end);
	return strstr(s->log, text) != NULL;
}

int
srv_start(struct srv *s, const char *const *args)
{
	const char	*bin = getenv("CHATD");
	const char	*argv[64];
	char		*p;
	int		 pfd[2], n = 0;

	memset(s, 0, sizeof *s);
	s->errfd = -1;
	if (bin == NULL)
		bin = "bin/chatd";
	argv[n++] = bin;
	argv[n++] = "-p";
	argv[n++] = "0";
	argv[n++] = "-b";
	argv[n++] = "127.0.0.1";
	while (args != NULL && *args != NULL && n < 62)
		argv[n++] = *args++;
	argv[n] = NULL;
	if (pipe(pfd) == -1)
		return -1;
	if ((s->pid = fork()) == -1)
		return -1;
	if (s->pid == 0) {
		dup2(pfd[1], 2);
		close(pfd[0]);
		close(pfd[1]);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	close(pfd[1]);
	s->errfd = pfd[0];
	if (!srv_log_has(s, "listening on 127.0.0.1:", 10000))
		return -1;
	p = strstr(s->log, "listening on 127.0.0.1:");
	s->port = atoi(p + strlen("listening on 127.0.0.1:"));
	return s->port > 0 ? 0 : -1;
}

int
srv_stop(struct srv *s, int sig)
{
	long	end;
	int	status;
	pid_t	r;

	if (s->pid <= 0)
		return -1;
	kill(s->pid, sig);
	end = now_ms() + 10000;
	while ((r = waitpid(s->pid, &status, WNOHANG)) == 0 &&
	    now_ms() < end) {
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
conn_open(int port)
{
	struct sockaddr_in	 sin;
	struct conn		*c;

	if ((c = calloc(1, sizeof *c)) == NULL)
		return NULL;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((c->fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    connect(c->fd, (struct sockaddr *)&sin, sizeof sin) == -1) {
		if (c->fd != -1)
			close(c->fd);
		free(c);
		return NULL;
	}
	return c;
}

struct conn *
conn_login(int port, const char *nick)
{
	struct conn	*c;
	char		 cmd[128], want[128];

	if ((c = conn_open(port)) == NULL)
		return NULL;
	if (!conn_expect(c, "/help", NULL, 0, 5000))
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
	const char	*s = p;
	ssize_t		 w;

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
	struct pollfd	 pfd = { .fd = c->fd, .events = POLLIN };
	long		 end = now_ms() + ms;
	char		*lf;
	size_t		 n;
	ssize_t		 r;
	int		 left;

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
		left = (int)(end - now_ms());
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
conn_expect(struct conn *c, const char *text, char *out, size_t outlen,
    int ms)
{
	char	line[8192];
	long	end = now_ms() + ms;
	int	left;

	while ((left = (int)(end - now_ms())) >= 0) {
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
	long	end = now_ms() + ms;
	int	r, left;

	while ((left = (int)(end - now_ms())) >= 0) {
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
