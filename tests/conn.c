/* conn.c: the test's side of a chatd connection: connect, send, read lines. */
#define _DEFAULT_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "harness.h"

#define CONN_LOGIN_MS 5000
#define QUIET_MAX     64 /* connections conns_quiet watches at once */

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
	if (conn_send(c, "\n") == -1 ||
	    !conn_expect(c, "/help", NULL, 0, CONN_LOGIN_MS))
		goto fail;
	if (nick != NULL) {
		snprintf(cmd, sizeof cmd, "/nick %s\n", nick);
		snprintf(want, sizeof want, "is now known as %s", nick);
		if (conn_send(c, cmd) == -1 ||
		    !conn_expect(c, want, NULL, 0, CONN_LOGIN_MS))
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

/* Take one whole line out of the buffer into out; its length or -1. */
static int
conn_take_line(struct conn *c, char *out, size_t outlen)
{
	char *start = c->buf + c->off, *lf;
	size_t n;

	if ((lf = memchr(start, '\n', c->len - c->off)) == NULL)
		return -1;
	n = (size_t)(lf - start);
	if (out != NULL && outlen > 0) {
		size_t k = n < outlen - 1 ? n : outlen - 1;

		memcpy(out, start, k);
		out[k] = '\0';
	}
	c->off += n + 1;
	if (c->off == c->len)
		c->off = c->len = 0;
	return (int)n;
}

/* One read into the buffer (moving what is left to its start first):
 * bytes read, 0 at EOF or error, or CONN_FULL. */
static ssize_t
conn_fill(struct conn *c)
{
	ssize_t r;

	if (c->off > 0) {
		memmove(c->buf, c->buf + c->off, c->len - c->off);
		c->len -= c->off;
		c->off = 0;
	}
	if (c->len == sizeof c->buf) {
		fprintf(stderr,
		    "conn: %zu bytes without a line end: not a chatd line\n",
		    sizeof c->buf);
		return CONN_FULL;
	}
	while (
	    (r = read(c->fd, c->buf + c->len, sizeof c->buf - c->len)) == -1 &&
	    errno == EINTR)
		;
	if (r <= 0)
		return 0;
	c->len += (size_t)r;
	return r;
}

int
conn_line(struct conn *c, char *out, size_t outlen, int ms)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	long end = harness_now_ms() + ms;
	ssize_t r;
	int n, left;

	for (;;) {
		if ((n = conn_take_line(c, out, outlen)) >= 0)
			return n;
		if ((left = (int)(end - harness_now_ms())) < 0)
			left = 0;
		if ((r = poll(&pfd, 1, left)) == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return CONN_TIMEOUT;
		if ((r = conn_fill(c)) == CONN_FULL)
			return CONN_FULL;
		if (r == 0)
			return CONN_EOF;
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
	return conns_quiet(&c, 1, ms);
}

/* Why c is not quiet, on stderr. */
static void
conn_not_quiet(const struct conn *c, int i, const char *what)
{
	size_t n = c->len - c->off;

	fprintf(stderr, "connection %d (fd %d) was not quiet: %s%.*s\n", i,
	    c->fd, what, (int)(n < 200 ? n : 200), c->buf + c->off);
}

int
conns_quiet(struct conn *const *c, int n, int ms)
{
	struct pollfd pfd[QUIET_MAX];
	long end = harness_now_ms() + ms;
	int i, r, left;

	ck_assert_int_le(n, QUIET_MAX);
	for (i = 0; i < n; i++) {
		if (memchr(c[i]->buf + c[i]->off, '\n',
			c[i]->len - c[i]->off) != NULL) {
			conn_not_quiet(c[i], i, "");
			return 0;
		}
		pfd[i] = (struct pollfd){ .fd = c[i]->fd, .events = POLLIN };
	}
	for (;;) {
		if ((left = (int)(end - harness_now_ms())) < 0)
			left = 0;
		if ((r = poll(pfd, (nfds_t)n, left)) == -1 && errno == EINTR)
			continue;
		ck_assert_msg(r != -1, "poll: %s", strerror(errno));
		if (r == 0)
			return 1;
		for (i = 0; i < n; i++) {
			if (pfd[i].revents == 0)
				continue;
			r = (int)conn_fill(c[i]);
			conn_not_quiet(c[i], i,
			    r == CONN_FULL ? "full: " :
				r == 0     ? "EOF after: " :
					     "");
			return 0;
		}
	}
}

int
conn_eof(struct conn *c, int ms)
{
	long end = harness_now_ms() + ms;
	int r, left;

	while ((left = (int)(end - harness_now_ms())) >= 0) {
		r = conn_line(c, NULL, 0, left);
		if (r == CONN_EOF)
			return 1;
		if (r == CONN_TIMEOUT || r == CONN_FULL)
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

const char *
line_text(const char *line)
{
	const char *b = line_body(line);

	return b != NULL ? b : line;
}

int
conn_next_is(struct conn *c, const char *want, int ms)
{
	char line[8192];
	const char *body;
	int r;

	if ((r = conn_line(c, line, sizeof line, ms)) < 0) {
		fprintf(stderr, "want \"%s\", got %s\n", want,
		    r == CONN_TIMEOUT ? "nothing (timeout)" :
			r == CONN_EOF ? "EOF" :
					"a full buffer without a line end");
		return 0;
	}
	if ((body = line_body(line)) == NULL || strcmp(body, want) != 0) {
		fprintf(stderr, "want \"%s\", got \"%s\"\n", want, line);
		return 0;
	}
	return 1;
}

struct conn *
login_ok(int port, const char *nick)
{
	struct conn *c = conn_login(port, nick);

	ck_assert_msg(c != NULL, "could not log in as %s",
	    nick != NULL ? nick : "a guest");
	return c;
}
