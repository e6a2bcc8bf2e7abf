/* tty.c: raw mode that is always restored, and the signals the client honours. */
#define _DEFAULT_SOURCE
#include <sys/ioctl.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "tty.h"

static struct termios tty_saved;
static int tty_fd = -1;
static int tty_atexit_done;
static volatile sig_atomic_t tty_caught;
static volatile sig_atomic_t tty_winch;

static void tty_handler(int);

int
tty_raw(int fd)
{
	struct termios raw;

	if (tcgetattr(fd, &tty_saved) == -1)
		return -1;
	if (!tty_atexit_done) {
		if (atexit(tty_restore) != 0) {
			errno = ENOMEM;
			return -1;
		}
		tty_atexit_done = 1;
	}
	raw = tty_saved;
	/* Keys arrive byte by byte, unechoed, Ctrl-C/Z/S/Q included; the
	 * client writes "\r\n" itself. */
	raw.c_iflag &=
	    ~(BRKINT | ICRNL | INPCK | ISTRIP | IXON | INLCR | IGNCR);
	raw.c_oflag &= ~OPOST;
	raw.c_cflag |= CS8;
	raw.c_lflag &= ~(ECHO | ICANON | IEXTEN | ISIG);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	while (tcsetattr(fd, TCSAFLUSH, &raw) == -1)
		if (errno != EINTR)
			return -1;
	tty_fd = fd;
	return 0;
}

void
tty_restore(void)
{
	if (tty_fd == -1)
		return;
	while (tcsetattr(tty_fd, TCSAFLUSH, &tty_saved) == -1 && errno == EINTR)
		;
	tty_fd = -1;
}

int
tty_cols(int fd)
{
	struct winsize ws;

	if (ioctl(fd, TIOCGWINSZ, &ws) == -1 || ws.ws_col == 0)
		return 0;
	return ws.ws_col;
}

static void
tty_handler(int sig)
{
	if (sig == SIGWINCH)
		tty_winch = 1;
	else
		tty_caught = sig;
}

int
tty_signals_init(sigset_t *waitmask)
{
	static const int sigs[] = { SIGTERM, SIGHUP, SIGINT, SIGWINCH };
	struct sigaction sa;
	sigset_t block;
	size_t i;

	sigemptyset(&block);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = tty_handler;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		sigaddset(&block, sigs[i]);
		sigaddset(&sa.sa_mask, sigs[i]);
	}
	if (sigprocmask(SIG_BLOCK, &block, waitmask) == -1)
		return -1;
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		sigdelset(waitmask, sigs[i]);
		if (sigaction(sigs[i], &sa, NULL) == -1)
			return -1;
	}
	return 0;
}

int
tty_signal_caught(void)
{
	return tty_caught;
}

int
tty_resized(void)
{
	int r = tty_winch;

	tty_winch = 0;
	return r;
}

void
tty_signal_exit(int sig)
{
	sigset_t set;

	tty_restore();
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	/* Should raise() return after all, end anyway (cppcheck says never). */
	/* cppcheck-suppress unreachableCode */
	_exit(1);
}
