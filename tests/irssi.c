/* irssi.c: drive a real irssi inside a private tmux server, for tests. */
#define _DEFAULT_SOURCE
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "harness.h"
#include "irssi.h"

#define IRSSI_CMD_MS 10000 /* ms: bound on one tmux command */
#define IRSSI_SCREEN 65536

/* 1 if prog is an executable in PATH. */
static int
irssi_in_path(const char *prog)
{
	const char *path = getenv("PATH"), *p, *end;
	char file[1024];

	for (p = path != NULL ? path : "/usr/bin:/bin"; *p != '\0'; p = end) {
		end = p + strcspn(p, ":");
		snprintf(file, sizeof file, "%.*s/%s", (int)(end - p), p, prog);
		if (access(file, X_OK) == 0)
			return 1;
		if (*end == ':')
			end++;
	}
	return 0;
}

int
irssi_available(const char *test)
{
	const char *ci = getenv("CI");
	const char *missing = !irssi_in_path("irssi") ? "irssi" :
	    !irssi_in_path("tmux")                    ? "tmux" :
							NULL;

	if (missing == NULL)
		return 1;
	if (ci != NULL && strcmp(ci, "true") == 0)
		ck_abort_msg("%s: %s is not installed, and CI=true: CI must "
			     "install it (apt-get install -y irssi tmux)",
		    test, missing);
	fprintf(stderr,
	    "\n*** SKIP %s: %s is not installed "
	    "(apt-get install -y irssi tmux) ***\n\n",
	    test, missing);
	printf("*** SKIP %s: %s is not installed ***\n", test, missing);
	fflush(stdout);
	return 0;
}

/* Append what fd has now to out (n bytes so far); 0 at EOF, else 1. */
static int
irssi_drain(int fd, char *out, size_t outlen, size_t *n)
{
	char chunk[4096];
	ssize_t r;
	size_t k;

	while ((r = read(fd, chunk, sizeof chunk)) > 0) {
		if (out == NULL || *n + 1 >= outlen)
			continue;
		k = (size_t)r < outlen - 1 - *n ? (size_t)r : outlen - 1 - *n;
		memcpy(out + *n, chunk, k);
		*n += k;
	}
	return r == 0 ? 0 : 1;
}

/*
 * Run argv (NULL-terminated) with HOME set to the private directory, its
 * output into out (if not NULL), for at most IRSSI_CMD_MS. Returns its
 * exit status, or -1.
 */
static int
irssi_run(struct irssi *ir, const char **argv, char *out, size_t outlen)
{
	int pfd[2], status = -1, open_ = 1;
	size_t n = 0;
	pid_t pid, w = 0;
	long end = harness_now_ms() + IRSSI_CMD_MS;

	if (pipe(pfd) == -1)
		return -1;
	if ((pid = fork()) == -1) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		setenv("HOME", ir->dir, 1);
		unsetenv("TMUX");
		dup2(null, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		close(pfd[1]);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(pfd[1]);
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	while ((w = waitpid(pid, &status, WNOHANG)) == 0) {
		if (open_)
			open_ = irssi_drain(pfd[0], out, outlen, &n);
		if (harness_now_ms() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			status = -1;
			break;
		}
		usleep(5 * 1000);
	}
	if (open_)
		irssi_drain(pfd[0], out, outlen, &n);
	close(pfd[0]);
	if (out != NULL && outlen > 0)
		out[n] = '\0';
	return w == pid && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Write text to dir/name. */
static void
irssi_write(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_msg(f != NULL, "cannot write %s", path);
	fputs(text, f);
	fclose(f);
}

/*
 * A failed or timed-out test ends its process at once (exit or SIGKILL),
 * never reaching irssi_stop. So a watchdog process waits for the test's
 * end (EOF on a pipe only the test holds) and then kills the private tmux
 * server and removes the directory.
 */
static void
irssi_watchdog(struct irssi *ir)
{
	const char *kill_argv[] = { "tmux", "-S", ir->sock, "kill-server",
		NULL };
	const char *rm_argv[] = { "rm", "-rf", ir->dir, NULL };
	int pfd[2];
	char c;

	ck_assert(pipe(pfd) == 0);
	ck_assert((ir->watchdog = fork()) != -1);
	if (ir->watchdog == 0) {
		int fd;

		/* Hold nothing of the test's: its sockets must close when it
		 * closes them. */
		for (fd = 3; fd < 1024; fd++)
			if (fd != pfd[0])
				close(fd);
		setsid(); /* out of the way of signals to the test's group */
		while (read(pfd[0], &c, 1) == -1 && errno == EINTR)
			;
		irssi_run(ir, kill_argv, NULL, 0);
		irssi_run(ir, rm_argv, NULL, 0);
		_exit(0);
	}
	close(pfd[0]);
	fcntl(pfd[1], F_SETFD, FD_CLOEXEC);
	ir->guard = pfd[1];
}

void
irssi_start(struct irssi *ir, int port, const char *nick)
{
	char config[2048], home[256], cmd[1024];
	const char *argv[16];
	int i;

	memset(ir, 0, sizeof *ir);
	snprintf(ir->dir, sizeof ir->dir, "/tmp/ircc-irssi-XXXXXX");
	ck_assert_msg(mkdtemp(ir->dir) != NULL, "mkdtemp failed");
	snprintf(ir->sock, sizeof ir->sock, "%s/tmux.sock", ir->dir);
	snprintf(home, sizeof home, "%s/irssi", ir->dir);
	ck_assert(mkdir(home, 0700) == 0);
	/* Every window logged to logs/<target>.log, in a fixed, plain
	 * form; no autoconnect of anything but what -c asks. */
	snprintf(config, sizeof config,
	    "settings = {\n"
	    "  core = {\n"
	    "    real_name = \"Irssi Test\";\n"
	    "    user_name = \"%s\";\n"
	    "    nick = \"%s\";\n"
	    "    log_timestamp = \"\";\n"
	    "    settings_autosave = \"no\";\n"
	    "  };\n"
	    "  \"irc/core\" = {\n"
	    "    cmd_queue_speed = \"0msec\";\n"
	    "    cmds_max_at_once = \"1000\";\n"
	    "  };\n"
	    "  \"fe-common/core\" = {\n"
	    "    autolog = \"yes\";\n"
	    "    autolog_path = \"%s/logs/$0.log\";\n"
	    "    autolog_level = \"all\";\n"
	    "    autolog_colors = \"no\";\n"
	    "    autocreate_own_query = \"yes\";\n"
	    "  };\n"
	    "};\n",
	    nick, nick, ir->dir);
	irssi_write(home, "config", config);
	snprintf(cmd, sizeof cmd,
	    "exec irssi --home=%s -n %s -c 127.0.0.1 -p %d", home, nick, port);
	i = 0;
	argv[i++] = "tmux";
	argv[i++] = "-S";
	argv[i++] = ir->sock;
	argv[i++] = "-f";
	argv[i++] = "/dev/null";
	argv[i++] = "new-session";
	argv[i++] = "-d";
	argv[i++] = "-s";
	argv[i++] = "t";
	argv[i++] = "-x";
	argv[i++] = "160";
	argv[i++] = "-y";
	argv[i++] = "50";
	argv[i++] = cmd;
	argv[i] = NULL;
	irssi_watchdog(ir);
	ck_assert_msg(irssi_run(ir, argv, NULL, 0) == 0,
	    "tmux new-session with irssi failed");
	ir->running = 1;
}

void
irssi_type(struct irssi *ir, const char *line)
{
	const char *argv[] = { "tmux", "-S", ir->sock, "send-keys", "-t", "t",
		"-l", line, NULL };
	const char *enter[] = { "tmux", "-S", ir->sock, "send-keys", "-t", "t",
		"Enter", NULL };

	ck_assert_msg(irssi_run(ir, argv, NULL, 0) == 0,
	    "tmux send-keys \"%s\" failed", line);
	ck_assert(irssi_run(ir, enter, NULL, 0) == 0);
}

const char *
irssi_screen(struct irssi *ir)
{
	static char screen[IRSSI_SCREEN];
	const char *argv[] = { "tmux", "-S", ir->sock, "capture-pane", "-p",
		"-t", "t", NULL };

	if (irssi_run(ir, argv, screen, sizeof screen) != 0)
		snprintf(screen, sizeof screen, "(no screen: tmux is gone)");
	return screen;
}

int
irssi_screen_has(struct irssi *ir, const char *text, int ms)
{
	long end = harness_now_ms() + ms;

	do {
		if (strstr(irssi_screen(ir), text) != NULL)
			return 1;
		usleep(100 * 1000);
	} while (harness_now_ms() < end);
	return 0;
}

const char *
irssi_log(struct irssi *ir, const char *target)
{
	static char buf[65536];
	char path[512];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof path, "%s/logs/%s.log", ir->dir, target);
	if ((f = fopen(path, "r")) != NULL) {
		n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

int
irssi_log_has(struct irssi *ir, const char *target, const char *text, int ms)
{
	long end = harness_now_ms() + ms;

	do {
		if (strstr(irssi_log(ir, target), text) != NULL)
			return 1;
		usleep(100 * 1000);
	} while (harness_now_ms() < end);
	return 0;
}

int
irssi_window_has(struct irssi *ir, const char *window, const char *text, int ms)
{
	char cmd[256];
	long end = harness_now_ms() + ms;

	snprintf(cmd, sizeof cmd, "/window goto %s", window);
	do {
		/* A query window exists only once its first message came. */
		irssi_type(ir, cmd);
		usleep(200 * 1000);
		if (strstr(irssi_screen(ir), text) != NULL ||
		    strstr(irssi_log(ir, window), text) != NULL)
			return 1;
		usleep(300 * 1000);
	} while (harness_now_ms() < end);
	return 0;
}

int
irssi_exited(struct irssi *ir, int ms)
{
	const char *argv[] = { "tmux", "-S", ir->sock, "has-session", "-t", "t",
		NULL };
	long end = harness_now_ms() + ms;

	do {
		if (irssi_run(ir, argv, NULL, 0) != 0)
			return 1;
		usleep(100 * 1000);
	} while (harness_now_ms() < end);
	return 0;
}

void
irssi_stop(struct irssi *ir)
{
	const char *kill_argv[] = { "tmux", "-S", ir->sock, "kill-server",
		NULL };
	const char *rm_argv[] = { "rm", "-rf", ir->dir, NULL };

	if (ir->dir[0] == '\0')
		return;
	if (ir->running)
		irssi_run(ir, kill_argv, NULL, 0);
	ir->running = 0;
	irssi_run(ir, rm_argv, NULL, 0);
	ir->dir[0] = '\0';
	/* The watchdog finds nothing left to do. */
	close(ir->guard);
	waitpid(ir->watchdog, NULL, 0);
}
