/* tty.h: raw mode that is always restored, and the signals the client honours. */
#ifndef CHAT_TTY_H
#define CHAT_TTY_H

#include <signal.h>

/*
 * Save the terminal settings of fd and switch it to raw mode. The saved
 * settings come back with tty_restore(), which is also registered with
 * atexit(), so every exit path restores the terminal. 0, or -1 with errno.
 */
int tty_raw(int fd);
/* Put the saved settings back; harmless when not in raw mode. */
void tty_restore(void);
/* Columns of the terminal on fd, or 0 when unknown. */
int tty_cols(int fd);

/*
 * Catch SIGTERM, SIGHUP, SIGINT and SIGWINCH. They stay blocked except
 * while the caller waits in pselect() with *waitmask, so a signal is never
 * lost between checking for it and waiting. 0, or -1 with errno.
 */
int tty_signals_init(sigset_t *waitmask);
/* The terminating signal caught, or 0. */
int tty_signal_caught(void);
/* Nonzero once after each SIGWINCH. */
int tty_resized(void);
/* Die of sig with its default action (after the terminal is restored). */
void tty_signal_exit(int sig) __attribute__((noreturn));

#endif
