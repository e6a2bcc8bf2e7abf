/* test_client.c: the real bin/chat against the real bin/chatd (and a fake one). */
#define _XOPEN_SOURCE 700
#define _DEFAULT_SOURCE
#include <sys/ioctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "check_main.h"
#include "harness.h"
#include "net.h"

#define WAIT_MS		10000
#define OUT_MAX		(512 * 1024)
#define ARGS_MAX	32
#define PTY_ROWS	24
#define PTY_COLS	80

/* A running bin/chat: its stdin, stdout and stderr, or one pty for all. */
struct proc {
	pid_t	pid;
	int	in;		/* we write here (pipe, or the pty master) */
	int	out;		/* its stdout (or the pty master) */
	int	err;		/* its stderr; -1 with a pty */
	int	slave;		/* pty only: kept open to read its termios */
	char	obuf[OUT_MAX];
	size_t	olen;
	char	ebuf[OUT_MAX];
	size_t	elen;
};

static struct srv	srv;
static int		srv_up;

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static const char *
chat_bin(void)
{
	const char *b = getenv("CHAT");

	return b != NULL ? b : "bin/chat";
}

static void
child_exec(const char *const *args, int colour)
{
	const char	*argv[ARGS_MAX + 2];
	int		 n = 0;

	argv[n++] = chat_bin();
	while (args != NULL && *args != NULL && n < ARGS_MAX)
		argv[n++] = *args++;
	argv[n] = NULL;
	if (colour)
		unsetenv("NO_COLOR");
	else
		setenv("NO_COLOR", "1", 1);
	unsetenv("CHAT_PASSWORD");
	execv(argv[0], (char *const *)argv);
	_exit(127);
}

/* Start chat with pipes for stdin, stdout and stderr. */
static void
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

/* Start chat on a new pseudo-terminal, as a person would run it. */
static void
proc_start_pty(struct proc *p, const char *const *args, int colour)
{
	struct winsize	 ws = { .ws_row = PTY_ROWS, .ws_col = PTY_COLS };
	char		*name;
	int		 m, s;

	memset(p, 0, sizeof *p);
	p->err = -1;
	ck_assert((m = posix_openpt(O_RDWR | O_NOCTTY)) != -1);
	ck_assert(grantpt(m) == 0 && unlockpt(m) == 0);
	ck_assert((name = ptsname(m)) != NULL);
	ck_assert((s = open(name, O_RDWR | O_NOCTTY)) != -1);
	ck_assert(ioctl(s, TIOCSWINSZ, &ws) == 0);
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
	struct pollfd	pfd[2];
	ssize_t		n;
	int		i, nfd = 0;

	pfd[nfd++] = (struct pollfd){ .fd = p->out, .events = POLLIN };
	if (p->err != -1)
		pfd[nfd++] = (struct pollfd){ .fd = p->err, .events = POLLIN };
	if (poll(pfd, (nfds_t)nfd, ms) <= 0)
		return;
	for (i = 0; i < nfd; i++) {
		char	*b = i == 0 ? p->obuf : p->ebuf;
		size_t	*len = i == 0 ? &p->olen : &p->elen;

		if (!(pfd[i].revents & (POLLIN | POLLHUP)))
			continue;
		if (*len >= OUT_MAX - 1)
			continue;
		n = read(pfd[i].fd, b + *len, OUT_MAX - 1 - *len);
		if (n > 0) {
			*len += (size_t)n;
			b[*len] = '\0';
		}
	}
}

/* Wait until text shows in stdout (err 0) or stderr (err 1); found at or
 * after from. Returns a pointer to it, or NULL. */
static const char *
proc_wait(struct proc *p, int err, const char *text, size_t from)
{
	long		 end = now_ms() + WAIT_MS;
	const char	*hit;

	for (;;) {
		const char *b = err ? p->ebuf : p->obuf;
		size_t      len = err ? p->elen : p->olen;

		if (from <= len && (hit = strstr(b + from, text)) != NULL)
			return hit;
		if (now_ms() > end)
			return NULL;
		proc_read(p, 50);
	}
}

/* Wait for the process to end; its exit status, 128+signal, or -1. */
static int
proc_exit(struct proc *p)
{
	long	end = now_ms() + WAIT_MS;
	int	status;
	pid_t	r;

	while ((r = waitpid(p->pid, &status, WNOHANG)) == 0 &&
	    now_ms() < end)
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

static void
proc_send(struct proc *p, const char *s)
{
	ck_assert(write(p->in, s, strlen(s)) == (ssize_t)strlen(s));
}

static void
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

static void
start_server(const char *const *args)
{
	ck_assert_msg(srv_start(&srv, args) == 0, "chatd did not start");
	srv_up = 1;
}

static void
teardown(void)
{
	if (srv_up)
		srv_stop(&srv, SIGKILL);
	srv_up = 0;
}

static const char *
port_str(int port)
{
	static char s[16];

	snprintf(s, sizeof s, "%d", port);
	return s;
}

START_TEST(test_pipe_both_ways)
{
	struct proc	*p = malloc(sizeof *p);
	struct conn	*bob;
	const char	*args[] = { "-n", "alice", "127.0.0.1", NULL, NULL };

	start_server(NULL);
	ck_assert((bob = conn_login(srv.port, "bob")) != NULL);
	args[3] = port_str(srv.port);
	proc_start(p, args);
	ck_assert(conn_expect(bob, "is now known as alice", NULL, 0, WAIT_MS));
	proc_send(p, "hello from a pipe\n");
	ck_assert(conn_expect(bob, "<alice> hello from a pipe", NULL, 0,
	    WAIT_MS));
	ck_assert(conn_send(bob, "hi alice\n") == 0);
	ck_assert(proc_wait(p, 0, "] <bob> hi alice\n", 0) != NULL);
	close(p->in);
	p->in = -1;
	ck_assert(conn_expect(bob, "alice has quit", NULL, 0, WAIT_MS));
	ck_assert_int_eq(proc_exit(p), 0);
	ck_assert(strstr(p->obuf, "\033") == NULL);	/* no colour, no prompt */
	conn_close(bob);
	proc_close(p);
	free(p);
}
END_TEST

/* Many lines at once, the last without its LF: all arrive, in order. */
START_TEST(test_pipe_loses_nothing)
{
	const char	*sargs[] = { "--rate", "0", NULL };
	const char	*args[] = { "127.0.0.1", NULL, NULL };
	struct proc	*p = malloc(sizeof *p);
	struct conn	*bob;
	char		 line[64], want[64];
	int		 i, n = 3000;

	start_server(sargs);
	ck_assert((bob = conn_login(srv.port, "bob")) != NULL);
	args[1] = port_str(srv.port);
	proc_start(p, args);
	for (i = 0; i < n; i++) {
		snprintf(line, sizeof line, i < n - 1 ? "line %d\n" : "line %d",
		    i);
		proc_send(p, line);
	}
	close(p->in);
	p->in = -1;
	for (i = 0; i < n; i++) {
		snprintf(want, sizeof want, "> line %d", i);
		ck_assert_int_ge(conn_line(bob, line, sizeof line, WAIT_MS), 0);
		if (strstr(line, "has joined") != NULL) {
			i--;
			continue;
		}
		ck_assert_msg(strstr(line, want) != NULL && strlen(strstr(line,
		    want)) == strlen(want), "got %s, want %s", line, want);
	}
	ck_assert(conn_expect(bob, "has quit", NULL, 0, WAIT_MS));
	ck_assert_int_eq(proc_exit(p), 0);
	conn_close(bob);
	proc_close(p);
	free(p);
}
END_TEST

START_TEST(test_exec)
{
	const char	*args[] = { "-n", "deploy", "-e", "build 42 is green",
	    "-e", "/me deploys", "-e", "third", NULL, NULL };
	struct proc	*p = malloc(sizeof *p);
	struct conn	*bob;
	char		 hp[64];

	start_server(NULL);
	ck_assert((bob = conn_login(srv.port, "bob")) != NULL);
	snprintf(hp, sizeof hp, "127.0.0.1:%d", srv.port);
	args[8] = hp;
	proc_start(p, args);
	ck_assert(conn_expect(bob, "<deploy> build 42 is green", NULL, 0,
	    WAIT_MS));
	ck_assert(conn_expect(bob, "* deploy deploys", NULL, 0, WAIT_MS));
	ck_assert(conn_expect(bob, "<deploy> third", NULL, 0, WAIT_MS));
	ck_assert(conn_expect(bob, "deploy has quit (bye)", NULL, 0, WAIT_MS));
	ck_assert_int_eq(proc_exit(p), 0);
	ck_assert_uint_eq(p->olen, 0);	/* a notifier prints nothing */
	ck_assert_uint_eq(p->elen, 0);
	conn_close(bob);
	proc_close(p);
	free(p);
}
END_TEST

/* -e reports the server's errors on stderr and still quits with 0. */
START_TEST(test_exec_error_shown)
{
	const char	*args[] = { "-e", "/nosuch", "127.0.0.1", NULL, NULL };
	struct proc	*p = malloc(sizeof *p);

	start_server(NULL);
	args[3] = port_str(srv.port);
	proc_start(p, args);
	ck_assert_int_eq(proc_exit(p), 0);
	ck_assert(strstr(p->ebuf, "-!- error: unknown command /nosuch") !=
	    NULL);
	proc_close(p);
	free(p);
}
END_TEST

START_TEST(test_refused)
{
	const char	*cause;
	const char	*args[] = { NULL, NULL };
	struct proc	*p = malloc(sizeof *p);
	char		 name[NET_ADDRSTRLEN], want[128], hp[64];
	int		 fd, port;

	/* A port that was free a moment ago: nothing listens there. */
	ck_assert((fd = net_listen_tcp("127.0.0.1", "0", 1, &cause)) != -1);
	ck_assert(net_local_name(fd, name, sizeof name) == 0);
	port = atoi(strrchr(name, ':') + 1);
	close(fd);
	snprintf(hp, sizeof hp, "127.0.0.1:%d", port);
	args[0] = hp;
	proc_start(p, args);
	ck_assert_int_eq(proc_exit(p), 1);
	snprintf(want, sizeof want, "chat: cannot connect to 127.0.0.1 port "
	    "%d: Connection refused\n", port);
	ck_assert_str_eq(p->ebuf, want);
	ck_assert_uint_eq(p->olen, 0);
	proc_close(p);
	free(p);
}
END_TEST

static void
check_usage(const char *const *args)
{
	struct proc	*p = malloc(sizeof *p);
	char		*nl;

	proc_start(p, args);
	ck_assert_int_eq(proc_exit(p), 2);
	ck_assert_msg(strncmp(p->ebuf, "chat: ", 6) == 0, "%s", p->ebuf);
	ck_assert((nl = strchr(p->ebuf, '\n')) != NULL);
	ck_assert_msg(strncmp(nl + 1, "usage: chat ", 12) == 0, "%s", p->ebuf);
	ck_assert(strchr(nl + 1, '\n')[1] == '\0');	/* two lines */
	proc_close(p);
	free(p);
}

START_TEST(test_usage)
{
	const char *a1[] = { "-x", NULL };
	const char *a2[] = { "a", "b", "c", NULL };
	const char *a3[] = { "localhost", "99999", NULL };
	const char *a4[] = { "localhost:1", "2", NULL };
	const char *a5[] = { "-n", NULL };
	const char *a6[] = { "-n", "9bad", NULL };
	const char *a7[] = { "--bogus", NULL };
	const char *a8[] = { "localhost:port", NULL };

	check_usage(a1);
	check_usage(a2);
	check_usage(a3);
	check_usage(a4);
	check_usage(a5);
	check_usage(a6);
	check_usage(a7);
	check_usage(a8);
}
END_TEST

START_TEST(test_help_version)
{
	const char	*a1[] = { "--help", NULL };
	const char	*a2[] = { "-V", NULL };
	struct proc	*p = malloc(sizeof *p);

	proc_start(p, a1);
	ck_assert_int_eq(proc_exit(p), 0);
	ck_assert(strncmp(p->obuf, "usage: chat", 11) == 0);
	proc_close(p);
	proc_start(p, a2);
	ck_assert_int_eq(proc_exit(p), 0);
	ck_assert(strncmp(p->obuf, "chat ", 5) == 0);
	proc_close(p);
	free(p);
}
END_TEST

START_TEST(test_server_shutdown)
{
	const char	*args[] = { "127.0.0.1", NULL, NULL };
	struct proc	*p = malloc(sizeof *p);

	start_server(NULL);
	args[1] = port_str(srv.port);
	proc_start(p, args);
	ck_assert(proc_wait(p, 0, "/help", 0) != NULL);
	srv_stop(&srv, SIGTERM);
	srv_up = 0;
	ck_assert_int_eq(proc_exit(p), 1);
	ck_assert_str_eq(p->ebuf, "-!- disconnected: server shutting down\n");
	ck_assert(strstr(p->obuf, "-!- server shutting down\n") != NULL);
	proc_close(p);
	free(p);
}
END_TEST

START_TEST(test_server_full)
{
	const char	*sargs[] = { "-m", "1", NULL };
	const char	*args[] = { "127.0.0.1", NULL, NULL };
	struct proc	*p = malloc(sizeof *p);
	struct conn	*first;

	start_server(sargs);
	ck_assert((first = conn_login(srv.port, NULL)) != NULL);
	args[1] = port_str(srv.port);
	proc_start(p, args);
	ck_assert_int_eq(proc_exit(p), 1);
	ck_assert_str_eq(p->ebuf, "-!- disconnected: server full\n");
	conn_close(first);
	proc_close(p);
	free(p);
}
END_TEST

/* A fake server: accept one client, send lines, close. Returns the fd of
 * the listener; *port gets its port. */
static int
fake_listen(int *port)
{
	const char	*cause;
	char		 name[NET_ADDRSTRLEN];
	int		 fd;

	ck_assert((fd = net_listen_tcp("127.0.0.1", "0", 1, &cause)) != -1);
	ck_assert(net_local_name(fd, name, sizeof name) == 0);
	*port = atoi(strrchr(name, ':') + 1);
	return fd;
}

static int
fake_accept(int lfd)
{
	struct pollfd	pfd = { .fd = lfd, .events = POLLIN };
	char		peer[NET_ADDRSTRLEN];

	ck_assert(poll(&pfd, 1, WAIT_MS) == 1);
	return net_accept(lfd, peer, sizeof peer);
}

static const char fake_evil[] =
    "[12:00:00] <mallory> a\033]0;title\007b\033[31mred\r\n";

START_TEST(test_control_chars_and_close)
{
	const char	*args[] = { NULL, NULL };
	struct proc	*p = malloc(sizeof *p);
	char		 hp[64];
	int		 lfd, cfd, port;

	lfd = fake_listen(&port);
	snprintf(hp, sizeof hp, "127.0.0.1:%d", port);
	args[0] = hp;
	proc_start(p, args);
	ck_assert((cfd = fake_accept(lfd)) != -1);
	ck_assert(write(cfd, fake_evil, strlen(fake_evil)) > 0);
	ck_assert(write(cfd, "no newline at the end", 21) == 21);
	close(cfd);
	ck_assert_int_eq(proc_exit(p), 1);
	ck_assert_str_eq(p->obuf, "[12:00:00] <mallory> a]0;titleb[31mred\n"
	    "no newline at the end\n");
	ck_assert_str_eq(p->ebuf,
	    "-!- disconnected: server closed the connection\n");
	close(lfd);
	proc_close(p);
	free(p);
}
END_TEST

static int
termios_same(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag &&
	    a->c_lflag == b->c_lflag && a->c_cflag == b->c_cflag;
}

/* The person's view: a half-typed line survives an incoming message. */
START_TEST(test_tty_partial_line)
{
	const char	*args[] = { "-n", "alice", "127.0.0.1", NULL, NULL };
	struct proc	*p = malloc(sizeof *p);
	struct conn	*bob;
	struct termios	 before, after;
	const char	*msg;

	start_server(NULL);
	ck_assert((bob = conn_login(srv.port, "bob")) != NULL);
	args[3] = port_str(srv.port);
	proc_start_pty(p, args, 0);
	ck_assert(tcgetattr(p->slave, &before) == 0);
	ck_assert(proc_wait(p, 0, "[#lobby alice]> ", 0) != NULL);
	ck_assert(conn_expect(bob, "is now known as alice", NULL, 0, WAIT_MS));
	proc_send(p, "helo");
	ck_assert(proc_wait(p, 0, "]> helo", 0) != NULL);
	proc_send(p, "\033[D");			/* Left: between l and o */
	ck_assert(conn_send(bob, "hi there\n") == 0);
	ck_assert((msg = proc_wait(p, 0, "<bob> hi there", 0)) != NULL);
	/* Printed above the input, which is drawn again after it. */
	ck_assert(proc_wait(p, 0, "[#lobby alice]> helo",
	    (size_t)(msg - p->obuf)) != NULL);
	ck_assert(strstr(p->obuf, "\033[2m") == NULL);	/* NO_COLOR */
	proc_send(p, "l\r");
	ck_assert(conn_expect(bob, "<alice> hello", NULL, 0, WAIT_MS));
	proc_send(p, "\004");			/* Ctrl-D: quit */
	ck_assert(conn_expect(bob, "alice has quit", NULL, 0, WAIT_MS));
	ck_assert_int_eq(proc_exit(p), 0);
	ck_assert(tcgetattr(p->slave, &after) == 0);
	ck_assert(termios_same(&before, &after));
	ck_assert(after.c_lflag & ICANON);
	ck_assert(after.c_lflag & ECHO);
	conn_close(bob);
	proc_close(p);
	free(p);
}
END_TEST

/* Room and nick in the prompt follow /join and /nick; colour on a tty. */
START_TEST(test_tty_prompt_follows)
{
	const char	*args[] = { "-r", "dev", "127.0.0.1", NULL, NULL };
	struct proc	*p = malloc(sizeof *p);
	struct conn	*bob;

	start_server(NULL);
	ck_assert((bob = conn_login(srv.port, "bob")) != NULL);
	args[3] = port_str(srv.port);
	proc_start_pty(p, args, 1);
	ck_assert(proc_wait(p, 0, "[#dev guest", 0) != NULL);
	proc_send(p, "/nick carol\r");
	ck_assert(proc_wait(p, 0, "[#dev carol]> ", 0) != NULL);
	proc_send(p, "/join lobby\r");
	ck_assert(proc_wait(p, 0, "[#lobby carol]> ", 0) != NULL);
	ck_assert(conn_send(bob, "welcome carol\n") == 0);
	/* The nick is coloured, the line reset after it. */
	ck_assert(proc_wait(p, 0, "bob\033[0m> welcome carol", 0) != NULL);
	proc_send(p, "/quit\r");
	ck_assert_int_eq(proc_exit(p), 0);
	conn_close(bob);
	proc_close(p);
	free(p);
}
END_TEST

START_TEST(test_tty_server_gone)
{
	const char	*args[] = { "127.0.0.1", NULL, NULL };
	struct proc	*p = malloc(sizeof *p);
	struct termios	 before, after;

	start_server(NULL);
	args[1] = port_str(srv.port);
	proc_start_pty(p, args, 0);
	ck_assert(tcgetattr(p->slave, &before) == 0);
	ck_assert(proc_wait(p, 0, "[#lobby guest", 0) != NULL);
	proc_send(p, "unsent");
	ck_assert(proc_wait(p, 0, "unsent", 0) != NULL);
	srv_stop(&srv, SIGTERM);
	srv_up = 0;
	ck_assert(proc_wait(p, 0, "-!- disconnected: server shutting down\r\n",
	    0) != NULL);
	ck_assert_int_eq(proc_exit(p), 1);
	ck_assert(tcgetattr(p->slave, &after) == 0);
	ck_assert(termios_same(&before, &after));
	proc_close(p);
	free(p);
}
END_TEST

START_TEST(test_tty_sigterm_restores)
{
	const char	*args[] = { "127.0.0.1", NULL, NULL };
	struct proc	*p = malloc(sizeof *p);
	struct termios	 before, after;
	int		 lfd, cfd, port;

	lfd = fake_listen(&port);
	args[1] = port_str(port);
	proc_start_pty(p, args, 0);
	ck_assert(tcgetattr(p->slave, &before) == 0);
	ck_assert((cfd = fake_accept(lfd)) != -1);
	ck_assert(write(cfd, fake_evil, strlen(fake_evil)) > 0);
	ck_assert(proc_wait(p, 0, "<mallory> a]0;titleb[31mred", 0) != NULL);
	ck_assert(strchr(p->obuf, '\007') == NULL);
	ck_assert(strstr(p->obuf, "\033]") == NULL);
	ck_assert(strstr(p->obuf, "\033[31m") == NULL);
	ck_assert(tcgetattr(p->slave, &after) == 0);
	ck_assert(!(after.c_lflag & ICANON));		/* raw while running */
	kill(p->pid, SIGTERM);
	ck_assert_int_eq(proc_exit(p), 128 + SIGTERM);
	ck_assert(tcgetattr(p->slave, &after) == 0);
	ck_assert(termios_same(&before, &after));
	close(cfd);
	close(lfd);
	proc_close(p);
	free(p);
}
END_TEST

static struct conn *
login_with_password(int port, const char *pass)
{
	struct conn	*c;
	char		 cmd[64];

	ck_assert((c = conn_open(port)) != NULL);
	snprintf(cmd, sizeof cmd, "/pass %s\n", pass);
	ck_assert(conn_send(c, cmd) == 0);
	ck_assert(conn_expect(c, "password accepted", NULL, 0, WAIT_MS));
	return c;
}

/* -P sends /pass before /nick and the lines, so they all count. */
START_TEST(test_password_file)
{
	char		 pwpath[] = "/tmp/chat-test-pw-XXXXXX";
	const char	*sargs[] = { "--password-file", pwpath, NULL };
	const char	*args[] = { "-P", pwpath, "-n", "alice", "-e", "hello",
	    "127.0.0.1", NULL, NULL };
	struct proc	*p = malloc(sizeof *p);
	struct conn	*bob;
	int		 fd;

	ck_assert((fd = mkstemp(pwpath)) != -1);
	ck_assert(write(fd, "s3cret\n", 7) == 7);
	close(fd);
	start_server(sargs);
	bob = login_with_password(srv.port, "s3cret");
	args[7] = port_str(srv.port);
	proc_start(p, args);
	ck_assert(conn_expect(bob, "<alice> hello", NULL, 0, WAIT_MS));
	ck_assert_int_eq(proc_exit(p), 0);
	ck_assert_uint_eq(p->elen, 0);
	unlink(pwpath);
	conn_close(bob);
	proc_close(p);
	free(p);
}
END_TEST

START_TEST(test_unix_socket)
{
	char		 path[64], hp[80];
	const char	*sargs[] = { "--unix", path, NULL };
	const char	*args[] = { "-n", "sock", "-e", "over unix", hp, NULL };
	struct proc	*p = malloc(sizeof *p);
	struct conn	*bob;

	snprintf(path, sizeof path, "/tmp/chat-test-%d.sock", (int)getpid());
	snprintf(hp, sizeof hp, "unix:%s", path);
	start_server(sargs);
	ck_assert((bob = conn_login(srv.port, "bob")) != NULL);
	proc_start(p, args);
	ck_assert(conn_expect(bob, "<sock> over unix", NULL, 0, WAIT_MS));
	ck_assert_int_eq(proc_exit(p), 0);
	unlink(path);
	conn_close(bob);
	proc_close(p);
	free(p);
}
END_TEST

Suite *
test_suite(void)
{
	Suite	*s = suite_create("client");
	TCase	*tc = tcase_create("chat");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_pipe_both_ways);
	tcase_add_test(tc, test_pipe_loses_nothing);
	tcase_add_test(tc, test_exec);
	tcase_add_test(tc, test_exec_error_shown);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_usage);
	tcase_add_test(tc, test_help_version);
	tcase_add_test(tc, test_server_shutdown);
	tcase_add_test(tc, test_server_full);
	tcase_add_test(tc, test_control_chars_and_close);
	tcase_add_test(tc, test_tty_partial_line);
	tcase_add_test(tc, test_tty_prompt_follows);
	tcase_add_test(tc, test_tty_server_gone);
	tcase_add_test(tc, test_tty_sigterm_restores);
	tcase_add_test(tc, test_password_file);
	tcase_add_test(tc, test_unix_socket);
	suite_add_tcase(s, tc);
	return s;
}
