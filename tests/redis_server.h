/*
 * redis_server.h: a real redis-server for the cluster's tests, on a free
 * loopback port (and a Unix socket) in a temporary directory, persisting
 * nothing. Killed with SIGKILL when the test process dies.
 */
#ifndef TEST_REDIS_SERVER_H
#define TEST_REDIS_SERVER_H

#include <sys/types.h>

struct redis_srv {
	pid_t pid;            /* 0: not running */
	int port;             /* kept across redis_srv_restart */
	char dir[64];         /* the temporary directory */
	char sock[128];       /* dir/redis.sock */
	char url[160];        /* redis://127.0.0.1:PORT */
	const char *password; /* --requirepass, or NULL */
};

/*
 * A suite's unchecked fixture (tcase_add_unchecked_fixture): a directory
 * for its servers' directories, removed with them after the suite, even
 * when a failed test could not clean up after itself.
 */
void redis_srv_suite_setup(void);
void redis_srv_suite_teardown(void);

/*
 * Whether redis-server can be run. When it cannot, prints a SKIP line for
 * test on stderr and returns 0; under CI=true that fails the test instead
 * (CI installs redis-server: a missing one is a broken set-up).
 */
int redis_srv_available(const char *test);

/*
 * Start one (password may be NULL) and wait (bounded) until it answers
 * PING. Returns 0, or -1 (the test should fail).
 */
int redis_srv_start(struct redis_srv *, const char *password);
/* Start it again on the same port and socket, empty. 0 or -1. */
int redis_srv_restart(struct redis_srv *);
/* SIGKILL it and wait; the directory stays for a restart. */
void redis_srv_kill(struct redis_srv *);
/* SIGSTOP and SIGCONT: paused, it keeps its connections open. */
void redis_srv_pause(struct redis_srv *);
void redis_srv_resume(struct redis_srv *);
/* Kill it if it runs and remove the directory. */
void redis_srv_stop(struct redis_srv *);

struct loop;

/*
 * Run l (loop_poll, 10 ms at a time) until done(arg) is nonzero or ms
 * have passed; returns done(arg).
 */
int redis_loop_run(struct loop *l, int (*done)(void *), void *arg, long ms);

/* A blocking command on a fresh connection, for checks from outside the
 * loop: the reply's integer, or -1 (printed) on any failure. */
long long redis_srv_int(struct redis_srv *, const char *fmt, ...);

#endif
