/* fakeirc.c: a scripted IRC server on loopback for bin/chat's tests: it says what a test tells it. */
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "chatrun.h"
#include "fakeirc.h"
#include "net.h"

void
fakeirc_start(struct fakeirc *f)
{
	memset(f, 0, sizeof *f);
	f->lfd = fake_listen(&f->port);
	f->next_id = 1;
}

int
fakeirc_accepted(struct fakeirc *f, int ms)
{
	struct pollfd pfd = { .fd = f->lfd, .events = POLLIN };
	char peer[NET_ADDRSTRLEN];
	int fd;

	if (poll(&pfd, 1, ms) != 1 ||
	    (fd = net_accept(f->lfd, peer, sizeof peer)) == -1)
		return 0;
	if (f->c != NULL)
		conn_close(f->c);
	ck_assert_ptr_nonnull(f->c = conn_from_fd(fd));
	return 1;
}

void
fakeirc_accept(struct fakeirc *f)
{
	ck_assert_msg(
	    fakeirc_accepted(f, CHATRUN_WAIT_MS), "chat did not connect");
}

void
fakeirc_send(struct fakeirc *f, const char *fmt, ...)
{
	char line[FAKEIRC_LINE_MAX];
	va_list ap;
	int n;

	ck_assert_ptr_nonnull(f->c);
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line - 2, fmt, ap);
	va_end(ap);
	ck_assert(n >= 0 && (size_t)n < sizeof line - 2);
	memcpy(line + n, "\r\n", 3);
	/* chat may be gone already; the test sees that where it matters. */
	(void)conn_send(f->c, line);
}

int
fakeirc_line(struct fakeirc *f, char *out, size_t outlen, int ms)
{
	int n;

	if ((n = conn_line(f->c, out, outlen, ms)) == -1)
		return 0;
	if (n == -2)
		return -1;
	if (n > 0 && (size_t)n <= outlen && out[n - 1] == '\r')
		out[n - 1] = '\0';
	return 1;
}

void
fakeirc_expect(struct fakeirc *f, const char *prefix, char *out, size_t outlen)
{
	char line[FAKEIRC_LINE_MAX];
	long end = harness_now_ms() + CHATRUN_WAIT_MS;
	int r;

	for (;;) {
		r = fakeirc_line(
		    f, line, sizeof line, (int)(end - harness_now_ms()));
		ck_assert_msg(r == 1, "chat sent no \"%s\" (%s)", prefix,
		    r == 0 ? "timeout" : "it closed");
		if (strncmp(line, prefix, strlen(prefix)) == 0)
			break;
	}
	if (out != NULL)
		snprintf(out, outlen, "%s", line);
}

void
fakeirc_welcome(struct fakeirc *f, const char *caps, const char *members,
    char *room, size_t roomlen)
{
	char line[FAKEIRC_LINE_MAX];

	fakeirc_accept(f);
	fakeirc_expect(f, "CAP LS", NULL, 0);
	if (caps == NULL)
		fakeirc_send(f, ":chatd 421 * CAP :Unknown command");
	else
		fakeirc_send(f, ":chatd CAP * LS :%s", caps);
	fakeirc_expect(f, "NICK ", line, sizeof line);
	snprintf(f->nick, sizeof f->nick, "%.63s", line + 5);
	if (caps != NULL) {
		fakeirc_expect(f, "CAP ", line, sizeof line);
		if (strncmp(line, "CAP REQ :", 9) == 0) {
			fakeirc_send(
			    f, ":chatd CAP %s ACK :%s", f->nick, line + 9);
			fakeirc_expect(f, "CAP END", NULL, 0);
		} else
			ck_assert_str_eq(line, "CAP END");
	}
	fakeirc_send(
	    f, ":chatd 001 %s :Welcome to chatd, %s", f->nick, f->nick);
	fakeirc_send(f,
	    ":chatd 005 %s NETWORK=chatd CHATHISTORY=100 :are "
	    "supported by this server",
	    f->nick);
	fakeirc_send(f, ":chatd 422 %s :MOTD File is missing", f->nick);
	fakeirc_expect(f, "JOIN ", line, sizeof line);
	snprintf(room, roomlen, "%s", line + 5);
	fakeirc_send(f, "@time=2026-12-01T12:00:00.000Z :%s!%s@chatd JOIN %s",
	    f->nick, f->nick, room);
	fakeirc_send(f, ":chatd 353 %s = %s :%s%s%s", f->nick, room,
	    members != NULL ? members : "", members != NULL ? " " : "",
	    f->nick);
	fakeirc_send(f, ":chatd 366 %s %s :End of /NAMES list", f->nick, room);
}

void
fakeirc_say(
    struct fakeirc *f, const char *nick, const char *room, const char *text)
{
	struct timespec ts;
	struct tm tm;
	time_t t;

	clock_gettime(CLOCK_REALTIME, &ts);
	t = ts.tv_sec;
	gmtime_r(&t, &tm);
	fakeirc_send(f,
	    "@time=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ;msgid=fk%06lu "
	    ":%s!%s@chatd PRIVMSG %s :%s",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, ts.tv_nsec / 1000000, f->next_id++, nick, nick, room,
	    text);
}

void
fakeirc_drop(struct fakeirc *f)
{
	if (f->c != NULL)
		conn_close(f->c);
	f->c = NULL;
}

void
fakeirc_stop(struct fakeirc *f)
{
	fakeirc_drop(f);
	if (f->lfd != -1)
		close(f->lfd);
	f->lfd = -1;
}
