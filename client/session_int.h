/* session_int.h: what session.c and session_tty.c share: the run's state. */
#ifndef CHAT_SESSION_INT_H
#define CHAT_SESSION_INT_H

#include <signal.h>

#include "buf.h"
#include "client.h"
#include "complete.h"
#include "editor.h"
#include "line.h"
#include "session.h"

struct session {
	const struct session_opts *opts;
	struct client cl;
	int fd;                 /* -1 while disconnected */
	struct line_reader in;  /* lines from the server */
	struct line_reader kbd; /* lines from stdin, pipe mode */
	struct buf screen;      /* bytes for term_fd, no tty */
	struct buf *term;       /* screen, or the editor's */
	int term_fd;
	struct editor ed;
	struct complete comp;
	sigset_t waitmask;
	int stdin_open;
	int exec_sent; /* the -e lines went out */
	long deadline; /* quitting: give up then (ms); 0 none */
	long retry_at; /* disconnected: connect again then (ms); 0 none */
	long backoff;  /* seconds before the next try */
	int werr;      /* errno of a failed send */
	int ring;      /* a highlight wants the bell */
	int asking;    /* the editor reads a password */
	char *saved;   /* the line being typed before the password */
	size_t savedpos;
	int done;
	int status;
};

long session_now(void);
/* The input is over: confirm what was sent, then quit (bounded). */
void session_finish(struct session *);
/* Quit now, waiting (bounded) for the server to close. */
void session_quit(struct session *, const char *reason);

/* session_tty.c */
void session_client_init(struct session *);
int session_tty_start(struct session *);
void session_tty_end(struct session *);
void session_flush_term(struct session *);
void session_read_keys(struct session *);
void session_ask_password(struct session *);
void session_signal(struct session *, int) __attribute__((noreturn));

#endif
