/* proc.c: the chatd a scale run starts, what /proc says of it, and the open-file limit. */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scale.h"

#define PROC_WAIT_MS   10000
#define PROC_STEP_MS   20
#define PROC_ARGS_MAX  64
#define PROC_LOG_SLICE 65536 /* how much of a log is searched */

static void
proc_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* The last PROC_LOG_SLICE bytes of a file, NUL-terminated, in out. */
static size_t
proc_tail(const char *path, char *out, size_t outlen)
{
	FILE *f;
	long size;
	size_t n;

	out[0] = '\0';
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 0 &&
	    (size_t)size > outlen - 1)
		(void)fseek(f, size - (long)(outlen - 1), SEEK_SET);
	else
		rewind(f);
	n = fread(out, 1, outlen - 1, f);
	out[n] = '\0';
	fclose(f);
	return n;
}

static void
proc_show_log(const char *path)
{
	static char text[PROC_LOG_SLICE];

	proc_tail(path, text, sizeof text);
	fprintf(stderr, "--- %s:\n%s---\n", path, text);
}

static pid_t
proc_spawn(const char *path, const char *const *pre, const char *const *args,
    const char *logpath)
{
	const char *argv[PROC_ARGS_MAX];
	int n = 0, fd, i;
	pid_t pid;

	argv[n++] = path;
	for (i = 0; pre != NULL && pre[i] != NULL && n < PROC_ARGS_MAX - 1; i++)
		argv[n++] = pre[i];
	for (i = 0; args[i] != NULL && n < PROC_ARGS_MAX - 1; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if ((fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		 0644)) == -1) {
		fprintf(
		    stderr, "cannot create %s: %s\n", logpath, strerror(errno));
		return -1;
	}
	if ((pid = fork()) == -1) {
		perror("fork");
		close(fd);
		return -1;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);

		if (devnull == -1 || dup2(devnull, 0) == -1 ||
		    dup2(devnull, 1) == -1 || dup2(fd, 2) == -1)
			_exit(127);
		execv(path, (char *const *)argv);
		fprintf(stderr, "cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(fd);
	return pid;
}

/* Wait for pid for at most ms: its status as chatd_run says, or -1. */
static int
proc_wait(pid_t pid, int ms)
{
	int status, waited;

	for (waited = 0; waited <= ms; waited += PROC_STEP_MS) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) :
						   128 + WTERMSIG(status);
		if (r == -1 && errno != EINTR)
			return -1;
		proc_sleep_ms(PROC_STEP_MS);
	}
	return -1;
}

int
chatd_start(struct chatd *d, const char *path, const char *const *args,
    const char *logpath)
{
	static const char *const pre[] = { "-p", "0", "-b", "127.0.0.1", NULL };
	static char text[PROC_LOG_SLICE];
	const char *p, *key = "listening on 127.0.0.1:";
	int waited;

	memset(d, 0, sizeof *d);
	snprintf(d->log, sizeof d->log, "%s", logpath);
	if ((d->pid = proc_spawn(path, pre, args, logpath)) == -1)
		return -1;
	for (waited = 0; waited < PROC_WAIT_MS; waited += PROC_STEP_MS) {
		proc_tail(logpath, text, sizeof text);
		if ((p = strstr(text, key)) != NULL) {
			p += strlen(key);
			snprintf(d->port, sizeof d->port, "%.*s",
			    (int)strspn(p, "0123456789"), p);
			return 0;
		}
		if (waitpid(d->pid, NULL, WNOHANG) == d->pid) {
			d->pid = 0;
			break;
		}
		proc_sleep_ms(PROC_STEP_MS);
	}
	fprintf(stderr, "chatd did not start listening\n");
	proc_show_log(logpath);
	if (d->pid > 0)
		(void)chatd_stop(d);
	return -1;
}

int
chatd_run(const char *path, const char *const *args, const char *logpath)
{
	pid_t pid = proc_spawn(path, NULL, args, logpath);
	int rv;

	if (pid == -1)
		return -1;
	if ((rv = proc_wait(pid, PROC_WAIT_MS)) == -1) {
		kill(pid, SIGKILL);
		(void)waitpid(pid, NULL, 0);
	}
	return rv;
}

int
chatd_stop(struct chatd *d)
{
	int rv;

	if (d->pid <= 0)
		return -1;
	kill(d->pid, SIGTERM);
	if ((rv = proc_wait(d->pid, PROC_WAIT_MS)) == -1) {
		fprintf(stderr, "chatd (pid %ld) did not stop; killed\n",
		    (long)d->pid);
		kill(d->pid, SIGKILL);
		(void)waitpid(d->pid, NULL, 0);
	}
	d->pid = 0;
	return rv;
}

static long
proc_file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

long
chatd_clients(struct chatd *d)
{
	static char text[PROC_LOG_SLICE];
	const char *p, *last;
	long before = proc_file_size(d->log);
	int waited;

	if (kill(d->pid, SIGUSR1) == -1)
		return -1;
	for (waited = 0; waited < 2000; waited += PROC_STEP_MS) {
		proc_sleep_ms(PROC_STEP_MS);
		if (proc_file_size(d->log) == before)
			continue;
		proc_tail(d->log, text, sizeof text);
		last = NULL;
		for (p = text; (p = strstr(p, " stats: clients=")) != NULL; p++)
			last = p;
		if (last != NULL)
			return strtol(
			    last + strlen(" stats: clients="), NULL, 10);
	}
	return -1;
}

long
proc_status_kib(pid_t pid, const char *name)
{
	char path[64], line[256];
	size_t len = strlen(name);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, name, len) == 0 && line[len] == ':') {
			v = strtol(line + len + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

int
proc_cpu_ticks(pid_t pid, uint64_t *user, uint64_t *sys)
{
	char path[64], text[1024], *p;
	unsigned long long u, s;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	/* The command name may hold spaces: fields count from its ')'. */
	if ((p = strrchr(text, ')')) == NULL ||
	    sscanf(p + 2,
		"%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &u,
		&s) != 2)
		return -1;
	*user = u;
	*sys = s;
	return 0;
}

int
proc_reset_hwm(pid_t pid)
{
	char path[64];
	int fd, rv;

	snprintf(path, sizeof path, "/proc/%ld/clear_refs", (long)pid);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	/* "5": reset the peak resident set size (proc(5)). */
	rv = write(fd, "5", 1) == 1 ? 0 : -1;
	close(fd);
	return rv;
}

const char *
proc_loadavg(void)
{
	static char text[64];
	char *p;
	FILE *f;
	int i;

	snprintf(text, sizeof text, "?");
	if ((f = fopen("/proc/loadavg", "r")) == NULL)
		return text;
	if (fgets(text, sizeof text, f) == NULL)
		snprintf(text, sizeof text, "?");
	fclose(f);
	/* "0.52 0.58 0.59 1/467 12345": the first three fields. */
	for (p = text, i = 0; *p != '\0'; p++)
		if (*p == ' ' && ++i == 3)
			break;
	*p = '\0';
	return text;
}

int
nofile_raise(long want, char *why, size_t whylen)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1) {
		snprintf(why, whylen, "getrlimit: %s", strerror(errno));
		return -1;
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur >= (rlim_t)want)
		return 0;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < (rlim_t)want) {
		/* Only a privileged process may raise its hard limit. */
		struct rlimit up = { (rlim_t)want, (rlim_t)want };

		if (setrlimit(RLIMIT_NOFILE, &up) == 0)
			return 0;
		snprintf(why, whylen,
		    "%ld open files are needed and the hard limit is %llu: "
		    "raising it failed (%s); run as root or raise ulimit -Hn",
		    want, (unsigned long long)rl.rlim_max, strerror(errno));
		return -1;
	}
	rl.rlim_cur = (rlim_t)want;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1) {
		snprintf(
		    why, whylen, "setrlimit(%ld): %s", want, strerror(errno));
		return -1;
	}
	return 0;
}

const char *
scale_chatd_path(void)
{
	const char *p = getenv("CHATD");

	return p != NULL && *p != '\0' ? p : "bin/chatd";
}

int
scale_in_ci(void)
{
	const char *ci = getenv("CI");

	return ci != NULL && strcmp(ci, "true") == 0;
}
