/* redis_server.c: a real redis-server for the cluster's tests. */
#define _DEFAULT_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <netinet/in.h>
#include <arpa/inet.h>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include <check.h>

#include "harness.h"
#include "loop.h"
#include "redis_server.h"

#define REDIS_BIN      "redis-server"
#define REDIS_START_MS 10000 /* bounded wait for it to answer */
#define REDIS_TRIES    5     /* free ports tried */

/* The suite's directory, made by the parent test process before its tests
 * (each a child, which a failed check ends with _exit, skipping its own
 * clean-up) and removed with all it holds after them. */
static char base[32];

/* Remove dir and what a redis_srv directory holds: its subdirectories'
 * files, one level down. */
static void
remove_tree(const char *dir, int depth)
{
	char path[256];
	struct dirent *d;
	DIR *dp;

	if ((dp = opendir(dir)) != NULL) {
		while ((d = readdir(dp)) != NULL) {
			if (strcmp(d->d_name, ".") == 0 ||
			    strcmp(d->d_name, "..") == 0)
				continue;
			if (snprintf(path, sizeof path, "%s/%s", dir,
				d->d_name) >= (int)sizeof path)
				continue;
			if (unlink(path) == -1 && depth > 0)
				remove_tree(path, depth - 1);
		}
		closedir(dp);
	}
	rmdir(dir);
}

void
redis_srv_suite_setup(void)
{
	snprintf(base, sizeof base, "/tmp/chatd-redis-XXXXXX");
	if (mkdtemp(base) == NULL)
		base[0] = '\0';
}

void
redis_srv_suite_teardown(void)
{
	if (base[0] != '\0')
		remove_tree(base, 1);
	base[0] = '\0';
}

int
redis_srv_available(const char *test)
{
	const char *ci = getenv("CI");
	int status;
	pid_t pid;

	if ((pid = fork()) == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execlp(REDIS_BIN, REDIS_BIN, "--version", (char *)NULL);
		_exit(127);
	}
	if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0)
		return 1;
	ck_assert_msg(ci == NULL || strcmp(ci, "true") != 0,
	    "redis-server is not installed (apt-get install -y redis-server)");
	fprintf(stderr,
	    "SKIP %s: redis-server is not installed (apt-get install -y redis-server)\n",
	    test);
	return 0;
}

/* A port nothing listens on now (it may be taken before redis binds it:
 * the caller tries again). */
static int
free_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	int fd, port = -1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0)
		port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

static redisContext *
connect_once(struct redis_srv *r)
{
	struct timeval tv = { 0, 500000 };
	redisContext *c;
	redisReply *rep;

	c = redisConnectWithTimeout("127.0.0.1", r->port, tv);
	if (c == NULL || c->err) {
		if (c != NULL)
			redisFree(c);
		return NULL;
	}
	redisSetTimeout(c, tv);
	if (r->password != NULL) {
		rep = redisCommand(c, "AUTH %s", r->password);
		if (rep == NULL || rep->type == REDIS_REPLY_ERROR) {
			if (rep != NULL)
				freeReplyObject(rep);
			redisFree(c);
			return NULL;
		}
		freeReplyObject(rep);
	}
	return c;
}

static int
answers_ping(struct redis_srv *r)
{
	redisContext *c = connect_once(r);
	redisReply *rep;
	int ok;

	if (c == NULL)
		return 0;
	rep = redisCommand(c, "PING");
	ok = rep != NULL && rep->type == REDIS_REPLY_STATUS &&
	    strcmp(rep->str, "PONG") == 0;
	if (rep != NULL)
		freeReplyObject(rep);
	redisFree(c);
	return ok;
}

static int
spawn(struct redis_srv *r)
{
	char port[16], log[128];
	const char *argv[32];
	int n = 0, fd, status;
	long end;

	snprintf(port, sizeof port, "%d", r->port);
	snprintf(log, sizeof log, "%s/redis.log", r->dir);
	argv[n++] = REDIS_BIN;
	argv[n++] = "--port";
	argv[n++] = port;
	argv[n++] = "--bind";
	argv[n++] = "127.0.0.1";
	argv[n++] = "--unixsocket";
	argv[n++] = r->sock;
	argv[n++] = "--save";
	argv[n++] = "";
	argv[n++] = "--appendonly";
	argv[n++] = "no";
	argv[n++] = "--dir";
	argv[n++] = r->dir;
	argv[n++] = "--logfile";
	argv[n++] = log;
	argv[n++] = "--daemonize";
	argv[n++] = "no";
	if (r->password != NULL) {
		argv[n++] = "--requirepass";
		argv[n++] = r->password;
	}
	argv[n] = NULL;
	if ((r->pid = fork()) == -1)
		return -1;
	if (r->pid == 0) {
#ifdef __linux__
		prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
		/* Not the test's sockets: a copy would keep them open. */
		for (fd = 3; fd < 1024; fd++)
			close(fd);
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(REDIS_BIN, (char *const *)argv);
		_exit(127);
	}
	end = harness_now_ms() + REDIS_START_MS;
	while (harness_now_ms() < end) {
		if (waitpid(r->pid, &status, WNOHANG) == r->pid) {
			r->pid = 0; /* the port was taken, or worse */
			return -1;
		}
		if (answers_ping(r))
			return 0;
		usleep(20000);
	}
	redis_srv_kill(r);
	return -1;
}

int
redis_srv_start(struct redis_srv *r, const char *password)
{
	int i;

	memset(r, 0, sizeof *r);
	r->password = password;
	snprintf(r->dir, sizeof r->dir, "%s/srv-XXXXXX",
	    base[0] != '\0' ? base : "/tmp");
	if (mkdtemp(r->dir) == NULL)
		return -1;
	snprintf(r->sock, sizeof r->sock, "%s/redis.sock", r->dir);
	for (i = 0; i < REDIS_TRIES; i++) {
		if ((r->port = free_port()) == -1)
			break;
		snprintf(
		    r->url, sizeof r->url, "redis://127.0.0.1:%d", r->port);
		if (spawn(r) == 0)
			return 0;
	}
	redis_srv_stop(r);
	return -1;
}

int
redis_srv_restart(struct redis_srv *r)
{
	redis_srv_kill(r);
	return spawn(r);
}

void
redis_srv_kill(struct redis_srv *r)
{
	if (r->pid <= 0)
		return;
	kill(r->pid, SIGKILL);
	waitpid(r->pid, NULL, 0);
	r->pid = 0;
}

void
redis_srv_pause(struct redis_srv *r)
{
	if (r->pid > 0)
		kill(r->pid, SIGSTOP);
}

void
redis_srv_resume(struct redis_srv *r)
{
	if (r->pid > 0)
		kill(r->pid, SIGCONT);
}

void
redis_srv_stop(struct redis_srv *r)
{
	char path[200];

	redis_srv_kill(r);
	if (r->dir[0] == '\0')
		return;
	snprintf(path, sizeof path, "%s/redis.log", r->dir);
	unlink(path);
	unlink(r->sock);
	rmdir(r->dir);
	r->dir[0] = '\0';
}

long long
redis_srv_int(struct redis_srv *r, const char *fmt, ...)
{
	redisContext *c = connect_once(r);
	redisReply *rep;
	long long v = -1;
	va_list ap;

	if (c == NULL) {
		fprintf(stderr, "redis_srv_int: cannot connect\n");
		return -1;
	}
	va_start(ap, fmt);
	rep = redisvCommand(c, fmt, ap);
	va_end(ap);
	if (rep != NULL && rep->type == REDIS_REPLY_INTEGER)
		v = rep->integer;
	else
		fprintf(stderr, "redis_srv_int: %s\n",
		    rep == NULL                        ? c->errstr :
			rep->type == REDIS_REPLY_ERROR ? rep->str :
							 "not an integer");
	if (rep != NULL)
		freeReplyObject(rep);
	redisFree(c);
	return v;
}

int
redis_loop_run(struct loop *l, int (*done)(void *), void *arg, long ms)
{
	long end = harness_now_ms() + ms;

	while (!done(arg) && harness_now_ms() < end)
		ck_assert_int_ge(loop_poll(l, 10), 0);
	return done(arg);
}
