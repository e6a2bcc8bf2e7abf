/* chatrun.h: bin/chat on pipes or a pty, against chatd or a fake server. */
#ifndef TEST_CHATRUN_H
#define TEST_CHATRUN_H

#include <stddef.h>
#include <sys/types.h>
#include <termios.h>

#define CHATRUN_WAIT_MS 10000        /* ms: generous bound for anything */
#define CHATRUN_OUT_MAX (512 * 1024) /* output kept from each stream */

/* A running bin/chat: its stdin, stdout and stderr, or one pty for all. */
struct proc {
	pid_t pid;
	int in;               /* we write here (pipe, or the pty master) */
	int out;              /* its stdout (or the pty master) */
	int err;              /* its stderr; -1 with a pty */
	int slave;            /* pty only: kept open to read its termios */
	struct termios start; /* the pty's settings before chat ran */
	char obuf[CHATRUN_OUT_MAX];
	size_t olen;
	char ebuf[CHATRUN_OUT_MAX];
	size_t elen;
};

/*
 * Start $CHAT (default bin/chat) with the NULL-terminated args and pipes
 * for stdin, stdout and stderr, NO_COLOR set and CHAT_PASSWORD unset.
 * Fails the test if it cannot; SIGPIPE is ignored from then on.
 */
void proc_start(struct proc *, const char *const *args);
/* The same on a new pseudo-terminal, as a person would run it: colour
 * unless colour is 0 (NO_COLOR). p->slave stays open for its termios. */
void proc_start_pty(struct proc *, const char *const *args, int colour);
/* Wait (up to CHATRUN_WAIT_MS) until text shows in stdout (err 0) or
 * stderr (err 1), found at or after from. Returns a pointer to it in
 * p->obuf or p->ebuf, or NULL. */
const char *proc_wait(struct proc *, int err, const char *text, size_t from);
/* Wait (bounded, then SIGKILL) for chat to end, collecting its output.
 * Returns its exit status, 128+signal, or -1. */
int proc_exit(struct proc *);
/* Write all of s to chat's input, failing the test if it cannot. */
void proc_send(struct proc *, const char *s);
/* Kill chat if it still runs and close its descriptors; not p itself. */
void proc_close(struct proc *);

/*
 * The one chatd a test runs: started as srv_start (failing the test if
 * it does not come up), stopped by chatrun_teardown, the Check fixture,
 * with SIGTERM, wanting exit 0. chatrun_server_start returns its port.
 */
int chatrun_server_start(const char *const *args);
/* Stop that chatd now (as srv_stop), to watch chat react. */
int chatrun_server_stop(int sig);
void chatrun_teardown(void);
/* A struct proc to start chat in (none running, nothing open), and its
 * end: proc_close, then free. The fixture's pair. */
struct proc *proc_new(void);
void proc_free(struct proc *);

/* port as a string for chat's arguments; good until the next call. */
const char *chatrun_port_str(int port);

/* A fake server: a listener on 127.0.0.1; *port gets its port. Returns its
 * fd. fake_accept waits (bounded) for chat; the connection's fd or -1. */
int fake_listen(int *port);
int fake_accept(int lfd);

/* What a hostile server might send: a title change, a bell, a colour. */
#define FAKE_EVIL "[12:00:00] <mallory> a\033]0;title\007b\033[31mred\r\n"

#endif
