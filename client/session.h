/* session.h: chat's run: one pselect() over stdin and the server socket, reconnecting when it drops. */
#ifndef CHAT_SESSION_H
#define CHAT_SESSION_H

#include <stddef.h>

/* Stop reading stdin while this much is waiting to go to the server. */
#define SESSION_QUEUE_HIGH      (64 * 1024)
/* Bytes taken from stdin or the socket per read. */
#define SESSION_READ_CHUNK      16384
/* Reconnecting (chat-v2 §3): 1, 2, 4 ... 30 s, each up to 20% off. */
#define SESSION_BACKOFF_FIRST_S 1
#define SESSION_BACKOFF_MAX_S   30
#define SESSION_JITTER_PCT      20

enum session_mode {
	SESSION_PIPE, /* stdin is not a terminal: lines in, lines out */
	SESSION_TTY,  /* a person at a terminal: the line editor */
	SESSION_EXEC  /* -e: send the given lines, then quit */
};

struct session_opts {
	enum session_mode mode;
	const char *host; /* for reconnecting */
	const char *port;
	const char *nick;     /* the nick to register */
	const char *room;     /* the room to join, with its '#' */
	const char *user;     /* USER's username */
	const char *password; /* NULL: send no PASS */
	char *const *exec;    /* the -e lines */
	size_t nexec;
	int colour;    /* SESSION_TTY only */
	int bell;      /* ring for highlights (SESSION_TTY only) */
	int reconnect; /* SESSION_TTY only */
};

/*
 * Talk to the server on the connected socket fd (which becomes
 * non-blocking and is closed) until the user or the server ends it,
 * reconnecting to host and port when the connection drops and
 * opts->reconnect says so. Returns the exit status: 0 after a /quit (or,
 * piped, the end of input), 1 when the server went away or on an error
 * (already reported); under -e, 1 also when a line got an error reply.
 * A terminating signal ends the process with that signal once the
 * terminal is restored.
 */
int session_run(int fd, const struct session_opts *);

#endif
