/* v2_util.c: helpers shared by the chatd-v2 integration suites. */
#define _DEFAULT_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "v2_util.h"

struct conn *
v2_open_rcvbuf(int port, int rcvbuf)
{
	struct sockaddr_in sin;
	int fd;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return NULL;
	if (rcvbuf > 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) == -1) {
		close(fd);
		return NULL;
	}
	return conn_from_fd(fd);
}

struct conn *
v2_login_rcvbuf(int port, const char *nick, int rcvbuf)
{
	struct conn *c = v2_open_rcvbuf(port, rcvbuf);
	char cmd[128], want[128], line[8192];

	ck_assert_msg(c != NULL, "cannot connect for %s", nick);
	snprintf(cmd, sizeof cmd, "/nick %s\n", nick);
	ck_assert(conn_send(c, cmd) == 0);
	ck_assert_msg(conn_line(c, line, sizeof line, V2_WAIT) >= 0,
	    "no welcome for %s", nick);
	ck_assert_msg(line_body(line) != NULL &&
		strncmp(line_body(line), "-!- welcome to chatd, guest", 27) ==
		    0 &&
		strstr(line, "! you are in #lobby; type /help for commands") !=
		    NULL,
	    "%s: first line is not the welcome: %s", nick, line);
	snprintf(want, sizeof want, " is now known as %s", nick);
	ck_assert_msg(conn_expect(c, want, NULL, 0, V2_WAIT),
	    "no nick notice for %s", nick);
	return c;
}

struct conn *
v2_login(int port, const char *nick)
{
	return v2_login_rcvbuf(port, nick, 0);
}

void
v2_reply(struct conn *c, const char *line, const char *want)
{
	ck_assert(conn_send(c, line) == 0);
	ck_assert_msg(conn_next_is(c, want, V2_WAIT), "after %s want %s",
	    v2_show(line, strlen(line)), want);
}

void
v2_next(struct conn *c, const char *who, const char *want)
{
	ck_assert_msg(
	    conn_next_is(c, want, V2_WAIT), "%s: want next \"%s\"", who, want);
}

void
v2_join(struct conn *c, const char *nick, const char *room)
{
	char cmd[128], want[128];

	snprintf(cmd, sizeof cmd, "/join %s\n", room);
	snprintf(want, sizeof want, "-!- %s has joined #%s", nick,
	    room[0] == '#' ? room + 1 : room);
	ck_assert(conn_send(c, cmd) == 0);
	ck_assert_msg(conn_expect(c, want, NULL, 0, V2_WAIT), "no %s", want);
}

void
v2_drain(struct conn *c, int ms)
{
	while (conn_line(c, NULL, 0, ms) >= 0)
		;
}

size_t
v2_raw(
    struct conn *c, char *buf, size_t cap, int quiet_ms, int total_ms, int *eof)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	long end = harness_now_ms() + total_ms;
	size_t n = c->len < cap ? c->len : cap;
	ssize_t r;
	int left;

	memcpy(buf, c->buf, n);
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
	*eof = 0;
	while (n < cap && (left = (int)(end - harness_now_ms())) > 0) {
		if (poll(&pfd, 1, left < quiet_ms ? left : quiet_ms) <= 0)
			break;
		r = read(c->fd, buf + n, cap - n);
		if (r <= 0) {
			*eof = 1;
			break;
		}
		n += (size_t)r;
	}
	return n;
}

int
v2_count(const char *hay, size_t len, const char *needle, size_t n)
{
	size_t i;
	int k = 0;

	for (i = 0; n > 0 && i + n <= len; i++)
		if (memcmp(hay + i, needle, n) == 0)
			k++;
	return k;
}

long
v2_rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

const char *
v2_body(const char *line)
{
	const char *b = line_body(line);

	return b != NULL ? b : line;
}

const char *
v2_show(const char *p, size_t n)
{
	static char out[4096];
	size_t i, o = 0;

	for (i = 0; i < n && o + 5 < sizeof out; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			out[o++] = (char)ch;
		else
			o += (size_t)snprintf(out + o, 5, "\\x%02x", ch);
	}
	out[o] = '\0';
	return out;
}

void
v2_sync(struct conn *c)
{
	char line[8192];
	const char *b;
	long end = harness_now_ms() + V2_WAIT;

	ck_assert(conn_send(c, "/who\n") == 0);
	while (harness_now_ms() < end) {
		ck_assert_msg(conn_line(c, line, sizeof line, V2_WAIT) >= 0,
		    "no /who reply to sync on");
		b = v2_body(line);
		if (strncmp(b, "-!- ", 4) == 0 && b[4] >= '0' && b[4] <= '9' &&
		    strstr(b, " user") != NULL && strstr(b, " in #") != NULL)
			return;
	}
	ck_abort_msg("no /who reply to sync on");
}
