/* session.h: one connection to chatd, driven by one select() over stdin and the socket. */
#ifndef CHAT_SESSION_H
#define CHAT_SESSION_H

#include <stddef.h>

/* Stop reading stdin while this much is waiting to go to the server. */
#define SESSION_QUEUE_HIGH (64 * 1024)
/* Bytes taken from stdin or the socket per read. */
#define SESSION_READ_CHUNK 16384

enum session_mode {
	SESSION_PIPE, /* stdin is not a terminal: lines in, lines out */
	SESSION_TTY,  /* a person at a terminal: the line editor */
	SESSION_EXEC  /* -e: send the given lines, then quit */
};

struct session_opts {
	enum session_mode mode;
	const char *nick;     /* NULL: keep the guest nick */
	const char *room;     /* NULL: stay in the lobby */
	const char *password; /* NULL: send no /pass */
	char *const *exec;    /* the -e lines */
	size_t nexec;
	int colour; /* SESSION_TTY only */
};

/*
 * Talk to the server on the connected socket fd (which becomes
 * non-blocking and is closed) until the user or the server ends it.
 * Returns the exit status: 0 after a /quit, 1 when the server went away
 * or on an error (already reported). A terminating signal ends the
 * process with that signal once the terminal is restored.
 */
int session_run(int fd, const struct session_opts *);

#endif
