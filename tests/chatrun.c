/* chatrun.c: bin/chat on pipes or a pty, against chatd or a fake server. */
#define _XOPEN_SOURCE 700
#define _DEFAULT_SOURCE
#include <sys/ioctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "chatrun.h"
#include "harness.h"
#include "net.h"

#define ARGS_MAX 32
#define PTY_ROWS 24
#define PTY_COLS 80

static const char *
chat_bin(void)
{
	const char *b = getenv("CHAT");

	return b != NULL ? b : "bin/chat";
}

static void
child_exec(const char *const *args, int colour)
{
	const char *argv[ARGS_MAX + 2];
	int n = 0;

	argv[n++] = chat_bin();
	while (args != NULL && *args != NULL && n < ARGS_MAX)
		argv[n++] = *args++;
	argv[n] = NULL;
	if (colour)
		unsetenv("NO_COLOR");
	else
		setenv("NO_COLOR", "1", 1);
	unsetenv("CHAT_PASSWORD");
	/* Nothing of the test's (its sockets to chatd) leaks into chat. */
	harness_close_from(3);
	execv(argv[0], (char *const *)argv);
	_exit(127);
}

void
proc_start(struct proc *p, const char *const *args)
{
	int in[2], out[2], err[2];

	memset(p, 0, sizeof *p);
	p->slave = -1;
	ck_assert(pipe(in) == 0 && pipe(out) == 0 && pipe(err) == 0);
	p->pid = fork();
	ck_assert(p->pid != -1);
	if (p->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(in[0]), close(in[1]), close(out[0]), close(out[1]);
		close(err[0]), close(err[1]);
		child_exec(args, 0);
	}
	close(in[0]), close(out[1]), close(err[1]);
	p->in = in[1];
	p->out = out[0];
	p->err = err[0];
	signal(SIGPIPE, SIG_IGN);
}

void
proc_start_pty(struct proc *p, const char *const *args, int colour)
{
	struct winsize ws = { .ws_row = PTY_ROWS, .ws_col = PTY_COLS };
	char *name;
	int m, s;

	memset(p, 0, sizeof *p);
	p->err = -1;
	ck_assert((m = posix_openpt(O_RDWR | O_NOCTTY)) != -1);
	ck_assert(grantpt(m) == 0 && unlockpt(m) == 0);
	ck_assert((name = ptsname(m)) != NULL);
	ck_assert((s = open(name, O_RDWR | O_NOCTTY)) != -1);
	ck_assert(ioctl(s, TIOCSWINSZ, &ws) == 0);
	/* Taken before chat can have changed them: reading them after the
	 * fork races with chat's own raw mode. */
	ck_assert(tcgetattr(s, &p->start) == 0);
	p->pid = fork();
	ck_assert(p->pid != -1);
	if (p->pid == 0) {
		setsid();
		ioctl(s, TIOCSCTTY, 0);
		dup2(s, 0), dup2(s, 1), dup2(s, 2);
		close(m);
		if (s > 2)
			close(s);
		child_exec(args, colour);
	}
	p->in = p->out = m;
	p->slave = s;
	signal(SIGPIPE, SIG_IGN);
}

/* Collect output for up to ms (less once something came). */
static void
proc_read(struct proc *p, int ms)
{
	struct pollfd pfd[2];
	ssize_t n;
	int i, nfd = 0;

	pfd[nfd++] = (struct pollfd){ .fd = p->out, .events = POLLIN };
	if (p->err != -1)
		pfd[nfd++] = (struct pollfd){ .fd = p->err, .events = POLLIN };
	if (poll(pfd, (nfds_t)nfd, ms) <= 0)
		return;
	for (i = 0; i < nfd; i++) {
		char *b = i == 0 ? p->obuf : p->ebuf;
		size_t *len = i == 0 ? &p->olen : &p->elen;

		if (!(pfd[i].revents & (POLLIN | POLLHUP)))
			continue;
		if (*len >= CHATRUN_OUT_MAX - 1)
			continue;
		n = read(pfd[i].fd, b + *len, CHATRUN_OUT_MAX - 1 - *len);
		if (n > 0) {
			*len += (size_t)n;
			b[*len] = '\0';
		}
	}
}

const char *
proc_wait(struct proc *p, int err, const char *text, size_t from)
{
	long end = harness_now_ms() + CHATRUN_WAIT_MS;
	const char *hit;

	for (;;) {
		const char *b = err ? p->ebuf : p->obuf;
		size_t len = err ? p->elen : p->olen;

		if (from <= len && (hit = strstr(b + from, text)) != NULL)
			return hit;
		if (harness_now_ms() > end)
			return NULL;
		proc_read(p, 50);
	}
}

int
proc_exit(struct proc *p)
{
	long end = harness_now_ms() + CHATRUN_WAIT_MS;
	int status;
	pid_t r;

	while ((r = waitpid(p->pid, &status, WNOHANG)) == 0 &&
	    harness_now_ms() < end)
		proc_read(p, 20);
	if (r == 0) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, &status, 0);
		return -1;
	}
	proc_read(p, 0);
	p->pid = 0;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

void
proc_send(struct proc *p, const char *s)
{
	ck_assert(write(p->in, s, strlen(s)) == (ssize_t)strlen(s));
}

void
proc_close(struct proc *p)
{
	if (p->pid > 0) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, NULL, 0);
	}
	if (p->in != -1)
		close(p->in);
	if (p->out != -1 && p->out != p->in)
		close(p->out);
	if (p->err != -1)
		close(p->err);
	if (p->slave != -1)
		close(p->slave);
}

struct proc *
proc_new(void)
{
	struct proc *p = malloc(sizeof *p);

	ck_assert_ptr_nonnull(p);
	memset(p, 0, sizeof *p);
	p->in = p->out = p->err = p->slave = -1;
	return p;
}

void
proc_free(struct proc *p)
{
	proc_close(p);
	free(p);
}

/* The one chatd a test of chat against chatd runs. */
static struct srv srv;
static int srv_up;

int
chatrun_server_start(const char *const *args)
{
	ck_assert_msg(srv_start(&srv, args) == 0, "chatd did not start");
	srv_up = 1;
	return srv.port;
}

int
chatrun_server_stop(int sig)
{
	srv_up = 0;
	return srv_stop(&srv, sig);
}

void
chatrun_teardown(void)
{
	int st;

	if (!srv_up)
		return;
	/* Stopped as a user would, and cleanly: under the sanitizers and
	 * valgrind a non-zero exit is a leak or an error. */
	srv_up = 0;
	st = srv_stop(&srv, SIGTERM);
	ck_assert_msg(st == 0, "chatd exited with %d after SIGTERM", st);
}

const char *
chatrun_port_str(int port)
{
	static char s[16];

	snprintf(s, sizeof s, "%d", port);
	return s;
}

int
fake_listen(int *port)
{
	const char *cause;
	char name[NET_ADDRSTRLEN];
	int fd;

	ck_assert((fd = net_listen_tcp("127.0.0.1", "0", 1, &cause)) != -1);
	ck_assert(net_local_name(fd, name, sizeof name) == 0);
	*port = atoi(strrchr(name, ':') + 1);
	return fd;
}

int
fake_accept(int lfd)
{
	struct pollfd pfd = { .fd = lfd, .events = POLLIN };
	char peer[NET_ADDRSTRLEN];

	ck_assert(poll(&pfd, 1, CHATRUN_WAIT_MS) == 1);
	return net_accept(lfd, peer, sizeof peer);
}
