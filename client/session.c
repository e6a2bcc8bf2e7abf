/* session.c: one connection to chatd, driven by one select() over stdin and the socket. */
#include <sys/select.h>
#include <sys/socket.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "editor.h"
#include "line.h"
#include "net.h"
#include "notice.h"
#include "proto.h"
#include "colour.h"
#include "session.h"
#include "text.h"
#include "tty.h"

#define SESSION_QUIT         "/quit"
#define SESSION_CLOSED       "server closed the connection"
#define SESSION_DISCONNECTED "-!- disconnected: "
#define SESSION_MS_PER_S     1000L
#define SESSION_NS_PER_MS    1000000L

struct session {
	const struct session_opts *opts;
	int fd;
	struct line_reader in;  /* lines from the server */
	struct line_reader kbd; /* lines from stdin, pipe mode */
	struct buf out;         /* bytes for the server */
	struct buf screen;      /* bytes for term_fd, no tty */
	struct buf *term;       /* screen, or the editor's */
	int term_fd;
	struct editor ed;
	struct notice_self self;
	sigset_t waitmask;
	int stdin_open;
	int quit_sent;  /* a /quit went into out */
	long deadline;  /* quitting: give up then (ms) */
	int werr;       /* errno of a failed send */
	int last_error; /* the last line was an error */
	char reason[NOTICE_REASON_MAX];
	int done;
	int status;
};

static long session_now(void);
static int session_is_quit(const char *, size_t);
static void session_send(struct session *, const char *, size_t);
static void session_quit(struct session *);
static void session_write(struct session *);
static void session_flush_term(struct session *);
static void session_server_line(struct session *, char *, size_t);
static void session_closed(struct session *, int);
static void session_read_server(struct session *);
static void session_read_pipe(struct session *);
static void session_read_keys(struct session *);
static void session_start(struct session *);
static void session_loop(struct session *);
static void session_signal(struct session *, int);

static long
session_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * SESSION_MS_PER_S + ts.tv_nsec / SESSION_NS_PER_MS;
}

/* "/quit" or "/quit REASON": the server will close after it. */
static int
session_is_quit(const char *line, size_t len)
{
	size_t n = strlen(SESSION_QUIT);

	return len >= n && strncasecmp(line, SESSION_QUIT, n) == 0 &&
	    (len == n || line[n] == ' ');
}

/* Queue one line for the server; it is written when the socket is. */
static void
session_send(struct session *s, const char *line, size_t len)
{
	if (s->werr != 0)
		return;
	if (buf_append(&s->out, line, len) == -1 ||
	    buf_append(&s->out, "\n", 1) == -1) {
		s->werr = ENOMEM;
		return;
	}
	if (session_is_quit(line, len)) {
		s->quit_sent = 1;
		s->stdin_open = 0;
		s->deadline = session_now() + CHAT_QUIT_WAIT_MS;
	}
}

/* Leave politely: /quit, then wait (bounded) for the server to close. */
static void
session_quit(struct session *s)
{
	s->stdin_open = 0;
	if (!s->quit_sent)
		session_send(s, SESSION_QUIT, strlen(SESSION_QUIT));
}

static void
session_write(struct session *s)
{
	ssize_t n;

	while (buf_len(&s->out) > 0) {
		n = send(
		    s->fd, buf_data(&s->out), buf_len(&s->out), MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n == -1) {
			/* Keep reading: the server's last words (an error
			 * line) may still be on their way. */
			s->werr = errno;
			buf_consume(&s->out, buf_len(&s->out));
			return;
		}
		buf_consume(&s->out, (size_t)n);
		/* While quitting, the wait is counted from the last progress,
		 * so a slow server still gets everything. */
		if (s->deadline != 0)
			s->deadline = session_now() + CHAT_QUIT_WAIT_MS;
	}
}

/* Write everything meant for the terminal or stdout, now. */
static void
session_flush_term(struct session *s)
{
	fd_set wfds;
	ssize_t n;

	while (buf_len(s->term) > 0) {
		n = write(s->term_fd, buf_data(s->term), buf_len(s->term));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN) {
			FD_ZERO(&wfds);
			FD_SET(s->term_fd, &wfds);
			(void)select(s->term_fd + 1, NULL, &wfds, NULL, NULL);
			continue;
		}
		if (n <= 0) {
			/* Nobody is reading any more: nothing left to do. */
			buf_consume(s->term, buf_len(s->term));
			s->done = 1;
			s->status = 1;
			return;
		}
		buf_consume(s->term, (size_t)n);
	}
}

static void
session_server_line(struct session *s, char *line, size_t len)
{
	char prompt[EDITOR_PROMPT_MAX];

	/* No control character from the network reaches the terminal. */
	len = text_sanitize(line, len);
	s->last_error = notice_reason(line, s->reason, sizeof s->reason);
	switch (s->opts->mode) {
	case SESSION_PIPE:
		if (buf_append(s->term, line, len) == -1 ||
		    buf_append(s->term, "\n", 1) == -1)
			s->werr = ENOMEM;
		break;
	case SESSION_EXEC:
		/* One-shot senders only want to hear about failures. */
		if (s->last_error &&
		    (buf_append(s->term, line, len) == -1 ||
			buf_append(s->term, "\n", 1) == -1))
			s->werr = ENOMEM;
		break;
	case SESSION_TTY:
		editor_hide(&s->ed);
		if (notice_track(&s->self, line)) {
			notice_prompt(&s->self, prompt, sizeof prompt);
			editor_set_prompt(&s->ed, prompt);
		}
		if (s->opts->colour)
			(void)colour_line(s->term, line);
		else
			(void)buf_append(s->term, line, len);
		(void)buf_append(s->term, "\r\n", 2);
		break;
	}
}

/* The server closed the connection (err 0) or it failed (err errno). */
static void
session_closed(struct session *s, int err)
{
	const char *reason;

	s->done = 1;
	if (s->quit_sent && !s->last_error) {
		s->status = 0;
		return;
	}
	s->status = 1;
	if (s->last_error)
		reason = s->reason;
	else if (err != 0)
		reason = strerror(err);
	else if (s->werr != 0)
		reason = strerror(s->werr);
	else
		reason = SESSION_CLOSED;
	if (s->opts->mode == SESSION_TTY) {
		editor_hide(&s->ed);
		(void)buf_append_str(s->term, SESSION_DISCONNECTED);
		(void)buf_append_str(s->term, reason);
		(void)buf_append(s->term, "\r\n", 2);
	} else {
		/* stdout carries only what the server sent. */
		session_flush_term(s);
		fprintf(stderr, "%s%s\n", SESSION_DISCONNECTED, reason);
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
		session_closed(s, ENOMEM);
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
		/* Quitting: a server still sending is not gone; wait on. */
		if (s->deadline != 0)
			s->deadline = session_now() + CHAT_QUIT_WAIT_MS;
	}
	/* Lines longer than CHAT_MAX_RECV_LINE are not the server's. */
	while ((r = line_next(&s->in, &line, &len)) != LINE_NONE)
		if (r == LINE_OK)
			session_server_line(s, line, len);
	if (n <= 0) {
		if (line_last(&s->in, &line, &len) == LINE_OK)
			session_server_line(s, line, len);
		session_closed(s, err);
	}
	if (s->opts->mode == SESSION_TTY && !s->done)
		editor_show(&s->ed);
}

/* Pipe mode: every line read is sent as it is; EOF means /quit. */
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
	while (s->stdin_open &&
	    (r = line_next(&s->kbd, &line, &len)) != LINE_NONE) {
		if (r == LINE_OK)
			session_send(s, line, len);
		else
			fprintf(stderr,
			    "chat: input line longer than %d "
			    "bytes not sent\n",
			    CHAT_MAX_RECV_LINE);
	}
	if (n <= 0 && s->stdin_open) {
		if (line_last(&s->kbd, &line, &len) == LINE_OK)
			session_send(s, line, len);
		session_quit(s);
	}
}

/* Interactive: keys go to the editor; Enter sends, Ctrl-D/Ctrl-C quit. */
static void
session_read_keys(struct session *s)
{
	unsigned char keys[SESSION_READ_CHUNK];
	const char *line;
	ssize_t n, i;

	while (
	    (n = read(STDIN_FILENO, keys, sizeof keys)) == -1 && errno == EINTR)
		;
	if (n <= 0) {
		session_quit(s);
		return;
	}
	for (i = 0; i < n && s->stdin_open; i++) {
		switch (editor_key(&s->ed, keys[i])) {
		case EDITOR_LINE:
			line = editor_line(&s->ed);
			if (!text_is_blank(line, strlen(line)))
				session_send(s, line, strlen(line));
			break;
		case EDITOR_EOF:
		case EDITOR_INTR:
			session_quit(s);
			break;
		case EDITOR_NONE:
			break;
		}
	}
}

/* What the options ask for, in the order the server needs it. */
static void
session_start(struct session *s)
{
	const struct session_opts *o = s->opts;
	char cmd[EDITOR_LINE_MAX + 1];
	size_t i;
	int n;

	if (o->password != NULL) {
		n = snprintf(cmd, sizeof cmd, "/pass %s", o->password);
		session_send(s, cmd, n > 0 ? strlen(cmd) : 0);
	}
	if (o->nick != NULL) {
		n = snprintf(cmd, sizeof cmd, "/nick %s", o->nick);
		session_send(s, cmd, n > 0 ? strlen(cmd) : 0);
	}
	if (o->room != NULL) {
		n = snprintf(cmd, sizeof cmd, "/join %s", o->room);
		session_send(s, cmd, n > 0 ? strlen(cmd) : 0);
	}
	for (i = 0; i < o->nexec; i++)
		session_send(s, o->exec[i], strlen(o->exec[i]));
	if (o->mode == SESSION_EXEC)
		session_quit(s);
}

/* A terminating signal: leave the terminal as it was, then die of it. */
static void
session_signal(struct session *s, int sig)
{
	if (s->opts->mode == SESSION_TTY) {
		editor_hide(&s->ed);
		session_flush_term(s);
	}
	tty_signal_exit(sig);
}

static void
session_loop(struct session *s)
{
	fd_set rfds, wfds;
	struct timespec ts, *tsp;
	long left;
	int sig, nfds;

	while (!s->done) {
		if ((sig = tty_signal_caught()) != 0)
			session_signal(s, sig);
		if (tty_resized() && s->opts->mode == SESSION_TTY)
			editor_resize(&s->ed, tty_cols(STDOUT_FILENO));
		session_flush_term(s);
		if (s->done)
			break;
		tsp = NULL;
		if (s->deadline != 0) {
			if ((left = s->deadline - session_now()) <= 0)
				break; /* the server had its chance */
			ts.tv_sec = left / SESSION_MS_PER_S;
			ts.tv_nsec =
			    (left % SESSION_MS_PER_S) * SESSION_NS_PER_MS;
			tsp = &ts;
		}
		FD_ZERO(&rfds);
		FD_ZERO(&wfds);
		FD_SET(s->fd, &rfds);
		if (buf_len(&s->out) > 0)
			FD_SET(s->fd, &wfds);
		nfds = s->fd + 1;
		/* Backpressure: input waits in the pipe while the server is
		 * slow to take what we have. */
		if (s->stdin_open && buf_len(&s->out) < SESSION_QUEUE_HIGH)
			FD_SET(STDIN_FILENO, &rfds);
		if (pselect(nfds, &rfds, &wfds, NULL, tsp, &s->waitmask) ==
		    -1) {
			if (errno == EINTR)
				continue;
			session_closed(s, errno);
			break;
		}
		if (FD_ISSET(s->fd, &wfds))
			session_write(s);
		if (FD_ISSET(s->fd, &rfds))
			session_read_server(s);
		if (!s->done && s->stdin_open &&
		    FD_ISSET(STDIN_FILENO, &rfds)) {
			if (s->opts->mode == SESSION_TTY)
				session_read_keys(s);
			else
				session_read_pipe(s);
		}
	}
	session_flush_term(s);
}

int
session_run(int fd, const struct session_opts *opts)
{
	struct session s;
	char prompt[EDITOR_PROMPT_MAX];

	memset(&s, 0, sizeof s);
	s.opts = opts;
	s.fd = fd;
	s.status = 0;
	s.stdin_open = opts->mode != SESSION_EXEC;
	line_init(&s.in, CHAT_MAX_RECV_LINE);
	line_init(&s.kbd, CHAT_MAX_RECV_LINE);
	buf_init(&s.out);
	buf_init(&s.screen);
	s.term = &s.screen;
	s.term_fd = opts->mode == SESSION_EXEC ? STDERR_FILENO : STDOUT_FILENO;
	if (net_set_nonblock(fd) == -1 || tty_signals_init(&s.waitmask) == -1) {
		fprintf(stderr, "chat: %s\n", strerror(errno));
		close(fd);
		return 1;
	}
	if (opts->mode == SESSION_TTY) {
		if (tty_raw(STDIN_FILENO) == -1) {
			fprintf(stderr,
			    "chat: cannot set up the terminal: "
			    "%s\n",
			    strerror(errno));
			close(fd);
			return 1;
		}
		editor_init(&s.ed, tty_cols(STDOUT_FILENO));
		s.term = &s.ed.out;
		notice_prompt(&s.self, prompt, sizeof prompt);
		editor_set_prompt(&s.ed, prompt);
		editor_show(&s.ed);
	}
	session_start(&s);
	session_loop(&s);
	if (opts->mode == SESSION_TTY) {
		editor_hide(&s.ed);
		session_flush_term(&s);
		tty_restore();
		editor_free(&s.ed);
	}
	close(fd);
	line_free(&s.in);
	line_free(&s.kbd);
	buf_free(&s.out);
	buf_free(&s.screen);
	return s.status;
}
