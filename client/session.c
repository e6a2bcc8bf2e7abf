/* session.c: chat's run: one pselect() over stdin and the server socket, reconnecting when it drops. */
#include <sys/select.h>
#include <sys/socket.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "irc.h"
#include "line.h"
#include "net.h"
#include "proto.h"
#include "render.h"
#include "session.h"
#include "session_int.h"
#include "text.h"
#include "tty.h"

#define SESSION_CLOSED    "server closed the connection"
#define SESSION_MS_PER_S  1000L
#define SESSION_NS_PER_MS 1000000L
#define SESSION_NEED_PASS \
	"chat: the server needs a password (-P FILE or CHAT_PASSWORD)"

static void session_write(struct session *);
static void session_read_server(struct session *);
static void session_read_pipe(struct session *);
static void session_dropped(struct session *, int);
static void session_schedule(struct session *, const char *);
static void session_connect(struct session *);
static void session_end(struct session *);
static void session_step(struct session *);
static void session_loop(struct session *);

long
session_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * SESSION_MS_PER_S + ts.tv_nsec / SESSION_NS_PER_MS;
}

/* Quitting: the wait for the server is counted from the last progress,
 * so a slow server still gets to say everything. */
static void
session_progress(struct session *s)
{
	if (s->deadline != 0)
		s->deadline = session_now() + CHAT_QUIT_WAIT_MS;
}

static void
session_write(struct session *s)
{
	struct buf *out = &s->cl.out;
	ssize_t n;

	while (buf_len(out) > 0) {
		n = send(s->fd, buf_data(out), buf_len(out), MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n == -1) {
			/* Keep reading: the server's last words (ERROR) may
			 * still be on their way. */
			s->werr = errno;
			buf_consume(out, buf_len(out));
			return;
		}
		buf_consume(out, (size_t)n);
		session_progress(s);
	}
}

static void
session_read_server(struct session *s)
{
	enum line_result r;
	char *p, *line;
	size_t len;
	ssize_t n;
	int err = 0;

	if ((p = buf_reserve(&s->in.buf, SESSION_READ_CHUNK)) == NULL) {
		session_dropped(s, ENOMEM);
		return;
	}
	while ((n = read(s->fd, p, SESSION_READ_CHUNK)) == -1 && errno == EINTR)
		;
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n == -1)
		err = errno;
	if (n > 0) {
		buf_commit(&s->in.buf, (size_t)n);
		session_progress(s);
	}
	/* Lines longer than CHAT_MAX_RECV_LINE are not the server's. */
	while ((r = line_next(&s->in, &line, &len)) != LINE_NONE)
		if (r == LINE_OK)
			client_line(&s->cl, line, len);
	if (n <= 0) {
		if (line_last(&s->in, &line, &len) == LINE_OK)
			client_line(&s->cl, line, len);
		session_dropped(s, err);
	}
}

/* Pipe mode: every line read is typed; EOF means: confirm, then quit. */
static void
session_read_pipe(struct session *s)
{
	enum line_result r;
	char *p, *line;
	size_t len;
	ssize_t n;

	if ((p = buf_reserve(&s->kbd.buf, SESSION_READ_CHUNK)) == NULL)
		return; /* try again when memory is back */
	while ((n = read(STDIN_FILENO, p, SESSION_READ_CHUNK)) == -1 &&
	    errno == EINTR)
		;
	if (n > 0)
		buf_commit(&s->kbd.buf, (size_t)n);
	while ((r = line_next(&s->kbd, &line, &len)) != LINE_NONE) {
		if (r == LINE_OK)
			client_typed(&s->cl, line);
		else
			fprintf(stderr,
			    "chat: input line longer than %d bytes not sent\n",
			    CHAT_MAX_RECV_LINE);
	}
	if (n <= 0) {
		if (line_last(&s->kbd, &line, &len) == LINE_OK)
			client_typed(&s->cl, line);
		session_finish(s);
	}
}

void
session_finish(struct session *s)
{
	s->stdin_open = 0;
	client_finish(&s->cl);
	s->deadline = session_now() + CHAT_QUIT_WAIT_MS;
}

void
session_quit(struct session *s, const char *reason)
{
	s->stdin_open = 0;
	client_quit(&s->cl, reason);
	s->deadline = session_now() + CHAT_QUIT_WAIT_MS;
}

/* The run is over; under -e, errors the server reported make it 1. */
static void
session_end(struct session *s)
{
	s->done = 1;
	s->status = s->opts->mode == SESSION_EXEC && s->cl.errors > 0;
}

/* The next try in backoff seconds, give or take SESSION_JITTER_PCT. */
static void
session_schedule(struct session *s, const char *why)
{
	long ms = s->backoff * SESSION_MS_PER_S, jitter;
	struct ev ev;

	jitter = ms * SESSION_JITTER_PCT / 100;
	if (jitter > 0)
		ms += (long)(rand() % (2 * jitter + 1)) - jitter;
	s->retry_at = session_now() + ms;
	memset(&ev, 0, sizeof ev);
	ev.text = why;
	ev.num[0] = (ms + SESSION_MS_PER_S / 2) / SESSION_MS_PER_S;
	if (ev.num[0] < 1)
		ev.num[0] = 1;
	client_say(&s->cl, 0, R_RECONNECTING, &ev);
	if (s->backoff < SESSION_BACKOFF_MAX_S)
		s->backoff = s->backoff * 2 < SESSION_BACKOFF_MAX_S ?
		    s->backoff * 2 :
		    SESSION_BACKOFF_MAX_S;
}

/* The connection ended: err is the errno of a failed read, or 0. */
static void
session_dropped(struct session *s, int err)
{
	char why[sizeof s->cl.reason];
	struct ev ev;
	struct buf b;

	close(s->fd);
	s->fd = -1;
	line_free(&s->in);
	line_init(&s->in, CHAT_MAX_RECV_LINE);
	/* First: lines held for a resume may hold the server's ERROR. */
	client_disconnected(&s->cl);
	snprintf(why, sizeof why, "%s",
	    s->cl.reason[0] != '\0' ? s->cl.reason :
		err != 0            ? strerror(err) :
		s->werr != 0        ? strerror(s->werr) :
				      SESSION_CLOSED);
	s->werr = 0;
	if (s->cl.quit_sent) {
		session_end(s);
		return;
	}
	if (s->cl.pass_needed) {
		if (s->cl.password != NULL)
			client_say(&s->cl, 1, E_PASS_WRONG, NULL);
		if (s->opts->mode == SESSION_TTY) {
			session_ask_password(s);
			return;
		}
		if (s->cl.password == NULL) {
			session_flush_term(s);
			fprintf(stderr, "%s\n", SESSION_NEED_PASS);
			s->done = 1;
			s->status = 1;
			return;
		}
	}
	if (s->opts->mode == SESSION_TTY && s->opts->reconnect &&
	    !s->cl.pass_needed) {
		session_schedule(s, why);
		return;
	}
	s->done = 1;
	s->status = 1;
	memset(&ev, 0, sizeof ev);
	ev.kind = EV_REPLY;
	ev.code = R_DISCONNECTED;
	ev.text = why;
	if (s->opts->mode == SESSION_TTY) {
		client_say(&s->cl, 0, R_DISCONNECTED, &ev);
		return;
	}
	/* stdout carries only what the server sent; this goes to stderr,
	 * without a stamp, as v1 did. */
	session_flush_term(s);
	buf_init(&b);
	if (render_body(&b, &ev, 0) == 1 && buf_append(&b, "\n", 1) == 0)
		fprintf(stderr, "%.*s", (int)buf_len(&b), buf_data(&b));
	buf_free(&b);
}

/* Try the server again (a timer, or /pass); on failure, later. */
static void
session_connect(struct session *s)
{
	const char *cause = "unknown error";
	int fd;

	s->retry_at = 0;
	s->cl.retry_now = 0;
	if ((fd = net_connect(s->opts->host, s->opts->port, &cause)) == -1 ||
	    net_set_nonblock(fd) == -1) {
		if (fd != -1) {
			cause = strerror(errno);
			close(fd);
		}
		session_schedule(s, cause);
		return;
	}
	s->fd = fd;
	client_connected(&s->cl);
}

/* What is due now that does not wait on a descriptor. */
static void
session_step(struct session *s)
{
	size_t i;

	if (s->fd == -1 && !s->asking &&
	    (s->cl.retry_now ||
		(s->retry_at != 0 && session_now() >= s->retry_at)))
		session_connect(s);
	if (s->fd == -1 && s->cl.quit_sent && !s->done)
		session_end(s);
	if (client_ready(&s->cl)) {
		s->backoff = SESSION_BACKOFF_FIRST_S;
		if (s->opts->mode == SESSION_EXEC && !s->exec_sent) {
			s->exec_sent = 1;
			for (i = 0; i < s->opts->nexec; i++)
				client_typed(&s->cl, s->opts->exec[i]);
			session_finish(s);
		}
	}
	client_resume_timeout(&s->cl);
}

static void
session_loop(struct session *s)
{
	fd_set rfds, wfds;
	struct timespec ts, *tsp;
	long left, wake;
	int sig, nfds, kbd;

	while (!s->done) {
		if ((sig = tty_signal_caught()) != 0)
			session_signal(s, sig);
		if (tty_resized() && s->opts->mode == SESSION_TTY)
			editor_resize(&s->ed, tty_cols(STDOUT_FILENO));
		session_step(s);
		session_flush_term(s);
		if (s->done)
			break;
		wake = 0;
		if (s->deadline != 0) {
			if (session_now() >= s->deadline) {
				session_end(s); /* the server had its chance */
				break;
			}
			wake = s->deadline;
		}
		if (s->fd == -1 && s->retry_at != 0 &&
		    (wake == 0 || s->retry_at < wake))
			wake = s->retry_at;
		if (s->cl.resume.holding &&
		    (wake == 0 || s->cl.resume.since + RESUME_WAIT_MS < wake))
			wake = s->cl.resume.since + RESUME_WAIT_MS + 1;
		tsp = NULL;
		if (wake != 0) {
			left = wake - session_now();
			if (left < 0)
				left = 0;
			ts.tv_sec = left / SESSION_MS_PER_S;
			ts.tv_nsec =
			    (left % SESSION_MS_PER_S) * SESSION_NS_PER_MS;
			tsp = &ts;
		}
		FD_ZERO(&rfds);
		FD_ZERO(&wfds);
		nfds = STDIN_FILENO + 1;
		if (s->fd != -1) {
			FD_SET(s->fd, &rfds);
			if (buf_len(&s->cl.out) > 0)
				FD_SET(s->fd, &wfds);
			if (s->fd >= nfds)
				nfds = s->fd + 1;
		}
		/* Piped lines wait in the pipe until they can go out, and
		 * while the server is slow to take what we have. */
		kbd = s->stdin_open &&
		    (s->opts->mode == SESSION_TTY ||
			(client_ready(&s->cl) &&
			    buf_len(&s->cl.out) < SESSION_QUEUE_HIGH));
		if (kbd)
			FD_SET(STDIN_FILENO, &rfds);
		if (pselect(nfds, &rfds, &wfds, NULL, tsp, &s->waitmask) ==
		    -1) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "chat: %s\n", strerror(errno));
			s->done = 1;
			s->status = 1;
			break;
		}
		if (s->fd != -1 && FD_ISSET(s->fd, &wfds))
			session_write(s);
		if (s->fd != -1 && FD_ISSET(s->fd, &rfds))
			session_read_server(s);
		if (!s->done && kbd && s->stdin_open &&
		    FD_ISSET(STDIN_FILENO, &rfds)) {
			if (s->opts->mode == SESSION_TTY)
				session_read_keys(s);
			else
				session_read_pipe(s);
		}
		if (s->fd != -1 && buf_len(&s->cl.out) > 0)
			session_write(s);
	}
	session_flush_term(s);
}

int
session_run(int fd, const struct session_opts *opts)
{
	struct session *s;
	int status;

	if ((s = calloc(1, sizeof *s)) == NULL) {
		fprintf(stderr, "chat: %s\n", strerror(errno));
		close(fd);
		return 1;
	}
	s->opts = opts;
	s->fd = fd;
	s->backoff = SESSION_BACKOFF_FIRST_S;
	s->stdin_open = opts->mode != SESSION_EXEC;
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	line_init(&s->in, CHAT_MAX_RECV_LINE);
	line_init(&s->kbd, CHAT_MAX_RECV_LINE);
	buf_init(&s->screen);
	s->term = &s->screen;
	s->term_fd = opts->mode == SESSION_EXEC ? STDERR_FILENO : STDOUT_FILENO;
	session_client_init(s);
	if (net_set_nonblock(fd) == -1 ||
	    tty_signals_init(&s->waitmask) == -1 ||
	    (opts->password != NULL &&
		client_set_password(&s->cl, opts->password) == -1)) {
		fprintf(stderr, "chat: %s\n", strerror(errno));
		status = 1;
		goto out;
	}
	if (opts->mode == SESSION_TTY && session_tty_start(s) == -1) {
		status = 1;
		goto out;
	}
	client_connected(&s->cl);
	session_loop(s);
	status = s->status;
	if (opts->mode == SESSION_TTY)
		session_tty_end(s);
out:
	if (s->fd != -1)
		close(s->fd);
	client_free(&s->cl);
	line_free(&s->in);
	line_free(&s->kbd);
	buf_free(&s->screen);
	free(s->saved);
	free(s);
	return status;
}
