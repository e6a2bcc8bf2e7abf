/* session_tty.c: chat's side facing the person: lines printed, keys, the prompt, a password asked. */
#include <sys/select.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "colour.h"
#include "session_int.h"
#include "text.h"
#include "tty.h"

#define SESSION_PASSWORD_PROMPT "password: "

static void session_print(void *, const char *, size_t, unsigned);
static void session_changed(void *);
static void session_got_password(struct session *, const char *);

static const struct client_ops session_client_ops = {
	.print = session_print,
	.changed = session_changed,
};

void
session_client_init(struct session *s)
{
	const struct session_opts *o = s->opts;

	client_init(&s->cl, &session_client_ops, s);
	client_copy(s->cl.want_nick, sizeof s->cl.want_nick, o->nick);
	client_copy(s->cl.user, sizeof s->cl.user, o->user);
	if (o->room != NULL)
		client_copy(s->cl.want_room, sizeof s->cl.want_room, o->room);
}

/* One line for the user: stdout piped, stderr under -e (errors only),
 * above the input line on a terminal, highlighted when it is for them. */
static void
session_print(void *arg, const char *line, size_t len, unsigned flags)
{
	struct session *s = arg;
	struct buf tmp;

	switch (s->opts->mode) {
	case SESSION_EXEC:
		if (!(flags & CLIENT_L_ERROR))
			return;
		/* FALLTHROUGH */
	case SESSION_PIPE:
		(void)buf_append(s->term, line, len);
		(void)buf_append(s->term, "\n", 1);
		return;
	case SESSION_TTY:
		break;
	}
	editor_hide(&s->ed);
	buf_init(&tmp);
	if (buf_append(&tmp, line, len) == 0 && buf_append(&tmp, "", 1) == 0) {
		if ((flags & CLIENT_L_HIGHLIGHT) && s->opts->colour)
			(void)colour_highlight(s->term, buf_data(&tmp));
		else if (s->opts->colour)
			(void)colour_line(s->term, buf_data(&tmp));
		else
			(void)buf_append(s->term, line, len);
	}
	buf_free(&tmp);
	(void)buf_append(s->term, "\r\n", 2);
	if ((flags & CLIENT_L_HIGHLIGHT) && s->opts->bell)
		s->ring = 1;
}

static void
session_changed(void *arg)
{
	struct session *s = arg;
	char prompt[EDITOR_PROMPT_MAX];

	if (s->opts->mode != SESSION_TTY || s->asking)
		return;
	client_prompt(&s->cl, prompt, sizeof prompt);
	editor_set_prompt(&s->ed, prompt);
}

int
session_tty_start(struct session *s)
{
	char prompt[EDITOR_PROMPT_MAX];

	if (tty_raw(STDIN_FILENO) == -1) {
		fprintf(stderr, "chat: cannot set up the terminal: %s\n",
		    strerror(errno));
		return -1;
	}
	editor_init(&s->ed, tty_cols(STDOUT_FILENO));
	s->term = &s->ed.out;
	client_prompt(&s->cl, prompt, sizeof prompt);
	editor_set_prompt(&s->ed, prompt);
	editor_show(&s->ed);
	return 0;
}

void
session_tty_end(struct session *s)
{
	s->done = 1;
	editor_hide(&s->ed);
	session_flush_term(s);
	tty_restore();
	editor_free(&s->ed);
	s->term = &s->screen;
}

/* Write everything meant for the terminal or stdout, now; on a terminal
 * the input line comes back under what was printed, and a bell once. */
void
session_flush_term(struct session *s)
{
	fd_set wfds;
	ssize_t n;

	if (s->opts->mode == SESSION_TTY && s->term == &s->ed.out) {
		if (!s->done)
			editor_show(&s->ed);
		if (s->ring)
			(void)buf_append(s->term, "\a", 1);
		s->ring = 0;
	}
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

/* 464 on a terminal: ask, with nothing echoed, keeping the half-typed
 * line for after. */
void
session_ask_password(struct session *s)
{
	free(s->saved);
	s->saved = strdup(s->ed.text);
	s->savedpos = s->ed.pos;
	s->asking = 1;
	complete_reset(&s->comp);
	editor_set_prompt(&s->ed, SESSION_PASSWORD_PROMPT);
	editor_set_secret(&s->ed, 1);
}

static void
session_got_password(struct session *s, const char *pw)
{
	char prompt[EDITOR_PROMPT_MAX];

	(void)client_set_password(&s->cl, pw);
	editor_set_secret(&s->ed, 0);
	s->asking = 0;
	client_prompt(&s->cl, prompt, sizeof prompt);
	editor_set_prompt(&s->ed, prompt);
	editor_set_line(&s->ed, s->saved != NULL ? s->saved : "", s->savedpos);
	free(s->saved);
	s->saved = NULL;
	s->cl.retry_now = 1;
}

/* Interactive: keys go to the editor; Enter sends, Tab completes,
 * Ctrl-D and Ctrl-C quit. */
void
session_read_keys(struct session *s)
{
	unsigned char keys[SESSION_READ_CHUNK];
	enum editor_event ev;
	ssize_t n, i;

	while (
	    (n = read(STDIN_FILENO, keys, sizeof keys)) == -1 && errno == EINTR)
		;
	if (n <= 0) {
		session_quit(s, NULL);
		return;
	}
	for (i = 0; i < n && s->stdin_open; i++) {
		ev = editor_key(&s->ed, keys[i]);
		if (ev != EDITOR_TAB)
			complete_reset(&s->comp);
		switch (ev) {
		case EDITOR_LINE:
			if (s->asking) {
				session_got_password(s, editor_line(&s->ed));
				break;
			}
			client_typed(&s->cl, editor_line(&s->ed));
			if (s->cl.quit_sent)
				session_quit(s, NULL);
			break;
		case EDITOR_TAB:
			if (!s->asking)
				complete_tab(&s->comp, &s->ed, &s->cl.members,
				    s->cl.nick);
			break;
		case EDITOR_EOF:
		case EDITOR_INTR:
			session_quit(s, NULL);
			break;
		case EDITOR_NONE:
			break;
		}
	}
}

/* A terminating signal: leave the terminal as it was, then die of it. */
void
session_signal(struct session *s, int sig)
{
	if (s->opts->mode == SESSION_TTY && s->term == &s->ed.out) {
		s->done = 1;
		editor_hide(&s->ed);
		session_flush_term(s);
	}
	tty_signal_exit(sig);
}
