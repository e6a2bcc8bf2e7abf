/* irssi.h: drive a real irssi inside a private tmux server, for tests. */
#ifndef TEST_IRSSI_H
#define TEST_IRSSI_H

#include <stddef.h>
#include <sys/types.h>

/*
 * One irssi, in its own temporary directory: HOME, irssi's --home (with a
 * generated config that logs every window to logs/<target>.log) and the
 * tmux socket all live there, so nothing of the user's is read or
 * written, and stopping it kills the private tmux server and removes the
 * directory.
 */
struct irssi {
	char dir[128];  /* the private temporary directory */
	char sock[192]; /* tmux -S socket */
	int running;
	int guard;      /* write end of the watchdog's pipe */
	pid_t watchdog; /* cleans up if the test dies first */
};

/*
 * 1 if irssi and tmux are both in PATH. When either is missing: under
 * CI=true the test fails loudly (CI installs them); otherwise a loud
 * SKIP is printed and 0 returned.
 */
int irssi_available(const char *test);
/* Start irssi in tmux, connecting to 127.0.0.1:port as nick. Fails the
 * test if it cannot. */
void irssi_start(struct irssi *, int port, const char *nick);
/* Type line into irssi's active window and press Enter. */
void irssi_type(struct irssi *, const char *line);
/* Wait up to ms for text in the log of window target ("#lobby", "ann");
 * 1 if it showed. */
int irssi_log_has(struct irssi *, const char *target, const char *text, int ms);
/*
 * Wait up to ms for text in window (a channel or a nick), switching to it
 * ("/window goto") to read the screen; its log counts too. 1 if it showed.
 * irssi's own logs are not enough alone: it writes a channel's log only
 * once the channel is synced, seconds after the screen shows it.
 */
int irssi_window_has(
    struct irssi *, const char *window, const char *text, int ms);
/* The log of window target so far (static buffer; "" if none). */
const char *irssi_log(struct irssi *, const char *target);
/* Wait up to ms for text on irssi's screen (the active window). */
int irssi_screen_has(struct irssi *, const char *text, int ms);
/* What the screen shows now, for failure messages (static buffer). */
const char *irssi_screen(struct irssi *);
/* Kill the tmux server (and irssi with it) and remove the directory. */
void irssi_stop(struct irssi *);
/* 1 if irssi (the tmux session) has exited within ms. */
int irssi_exited(struct irssi *, int ms);

#endif
