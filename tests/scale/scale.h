/* scale.h: thousands of chatd clients in one process (swarm.c), and the chatd they talk to (proc.c). */
#ifndef SCALE_H
#define SCALE_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/*
 * One client socket of a swarm. The owner keeps its own per-client state
 * in an array indexed like the swarm's (idx).
 */
struct sw_conn {
	int fd; /* -1: not connected yet, or closed */
	int idx;
	struct buf in;  /* an incomplete line */
	struct buf out; /* what the kernel has not taken yet */
};

struct swarm;
/* A complete line (without LF or CR; NUL-terminated in place). */
typedef void sw_line_fn(struct swarm *, struct sw_conn *, char *, size_t);
/* The server closed c, or a read or write failed: why in words. c is
 * closed by the swarm after this returns. */
typedef void sw_gone_fn(struct swarm *, struct sw_conn *, const char *why);

/*
 * N non-blocking client sockets on one epoll instance. Every socket is
 * read as far as it goes each time it is ready, and its lines handed to
 * the owner; output is written at once and, when the kernel refuses part,
 * the rest when the socket is writable again.
 */
struct swarm {
	int epfd;
	int n;
	struct sw_conn *c;
	const char *host;
	const char *port;
	sw_line_fn *line;
	sw_gone_fn *gone;
	void *arg;
	int open;        /* connected and not closed */
	uint64_t nlines; /* lines handed to the owner */
	uint64_t nbytes; /* bytes read */
};

/* Monotonic time in nanoseconds. */
int64_t sw_now(void);

/* 0, or -1 with errno (no memory, no epoll). */
int swarm_init(struct swarm *, int n, const char *host, const char *port,
    sw_line_fn *, sw_gone_fn *, void *arg);
/* Close every socket and free everything. */
void swarm_free(struct swarm *);
/* Connect client i (blocking connect, then non-blocking); 0, or -1 with
 * *cause saying why. */
int swarm_connect(struct swarm *, int i, const char **cause);
/* Queue n bytes on c and write what the kernel takes now; 0 or -1 (no
 * memory, or c is closed). */
int swarm_send(struct swarm *, struct sw_conn *, const char *, size_t);
int swarm_printf(struct swarm *, struct sw_conn *, const char *, ...)
    __attribute__((format(printf, 3, 4)));
/* Wait up to ms for readiness and handle what came; returns how many
 * sockets were ready, or -1 if epoll_wait failed. */
int swarm_poll(struct swarm *, int ms);
/* Poll for ms in all, however busy the sockets are. */
void swarm_run_for(struct swarm *, int ms);
/* Close c now (nothing more is read from it). */
void swarm_close(struct swarm *, struct sw_conn *);

/* A chatd started by proc.c. */
struct chatd {
	pid_t pid;
	char port[16];
	char log[256]; /* its stderr goes to this file */
};

/*
 * Start the chatd at path with "-p 0 -b 127.0.0.1", then args (NULL-
 * terminated), its stderr in logpath; wait (at most 10 s) for its
 * "listening on" line. 0, or -1 with the reason and the log on stderr.
 */
int chatd_start(struct chatd *, const char *path, const char *const *args,
    const char *logpath);
/* Run the chatd at path with exactly args (after argv[0]), stderr into
 * logpath, and wait (at most 10 s) for it to exit: its exit status,
 * 128+signal, or -1 when it did not exit (it is then killed). */
int chatd_run(const char *path, const char *const *args, const char *logpath);
/* SIGTERM, wait (at most 10 s, then SIGKILL): the exit status as
 * chatd_run. */
int chatd_stop(struct chatd *);
/* SIGUSR1 and wait (at most 2 s) for the stats line it logs; its
 * clients= value, or -1. */
long chatd_clients(struct chatd *);

/* A "Name:   123 kB" field of /proc/PID/status in KiB, or -1. */
long proc_status_kib(pid_t, const char *name);
/* User and system CPU time of pid in clock ticks; 0 or -1. */
int proc_cpu_ticks(pid_t, uint64_t *user, uint64_t *sys);
/* Reset pid's peak RSS (VmHWM) to its RSS now; 0 or -1. */
int proc_reset_hwm(pid_t);
/* The 1-, 5- and 15-minute load averages as text. */
const char *proc_loadavg(void);

/*
 * Make RLIMIT_NOFILE at least want, soft and (as far as needed and
 * allowed) hard, for this process and the chatd it starts. 0, or -1 with
 * why filled in.
 */
int nofile_raise(long want, char *why, size_t whylen);

/* The program to run: $CHATD, else bin/chatd next to the caller's cwd. */
const char *scale_chatd_path(void);
/* 1 when CI=true: what would be a skip must fail. */
int scale_in_ci(void);

#endif
