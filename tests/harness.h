/* harness.h: start the real bin/chatd and talk to it over loopback sockets. */
#ifndef TEST_HARNESS_H
#define TEST_HARNESS_H

#include <stddef.h>
#include <sys/types.h>

struct srv {
	pid_t pid;
	int port;        /* the TCP port chatd reported */
	int errfd;       /* read end of chatd's stderr */
	char log[65536]; /* stderr read so far */
	size_t loglen;
};

/*
 * Start $CHATD (default bin/chatd) with "-p 0 -b 127.0.0.1" and the
 * NULL-terminated extra args, wait (bounded) for its "listening on" log
 * line. Returns 0, or -1 if it did not come up.
 */
int srv_start(struct srv *, const char *const *args);
/* srv_start with chatd's RLIMIT_NOFILE (soft and hard) set to nofile. */
int srv_start_nofile(struct srv *, const char *const *args, long nofile);
/* Start $CHATD with exactly args (no defaults) and return at once;
 * its stdout and stderr both go to s->log. 0 or -1. */
int srv_spawn(struct srv *, const char *const *args);
/* srv_spawn, then wait (bounded) for it to exit by itself: as srv_stop. */
int srv_run(struct srv *, const char *const *args);
/* Send sig (0: none, just wait), wait (bounded, then SIGKILL) and
 * return the exit status, or
 * 128+signal if it died of a signal, or -1. */
int srv_stop(struct srv *, int sig);
/* Read whatever chatd logged so far (waiting up to ms) into s->log. */
void srv_read_log(struct srv *, int ms);
/* Wait up to ms for text to appear in the log; 1 if it did. */
int srv_log_has(struct srv *, const char *text, int ms);

/* Monotonic clock in milliseconds, for bounded waits. */
long harness_now_ms(void);

/*
 * Nonzero, with a note on stderr, when chatd runs under valgrind (make
 * valgrind sets VALGRIND): valgrind keeps descriptors of its own and fakes
 * RLIMIT_NOFILE, so fd-limit tests cannot see chatd's behaviour there and
 * skip themselves; make test and make SAN=1 test run them for real.
 */
int srv_fd_limits_virtualised(void);

/* A connection with its own line buffer. */
struct conn {
	int fd;
	char buf[262144];
	size_t len;
};

/* Connect to 127.0.0.1:port (blocking socket). NULL on failure. */
struct conn *conn_open(int port);
/* The same over [::1]:port, or a Unix socket. NULL on failure. */
struct conn *conn_open6(int port);
struct conn *conn_open_unix(const char *path);
/* Wrap a connected socket (closed on failure). NULL on failure or fd -1. */
struct conn *conn_from_fd(int fd);
/* Connect, send an empty line (plain text without waiting, chatd-v2 §1)
 * and consume the welcome notice; the nick is set with /nick when nick is
 * not NULL (and its notice consumed). */
struct conn *conn_login(int port, const char *nick);
void conn_close(struct conn *);
/* Send all of s; 0 or -1. */
int conn_send(struct conn *, const char *s);
int conn_send_raw(struct conn *, const void *, size_t);
/*
 * Read one line (without LF) into out within ms. Returns its length,
 * -1 on timeout, -2 on EOF/error.
 */
int conn_line(struct conn *, char *out, size_t outlen, int ms);
/* Read lines until one contains text (within ms overall); copies it into
 * out (if not NULL) and returns 1, else 0. */
int conn_expect(
    struct conn *, const char *text, char *out, size_t outlen, int ms);
/* 1 if no line arrives within ms. */
int conn_quiet(struct conn *, int ms);
/* 1 if the server closes the connection within ms (lines before EOF are
 * discarded). */
int conn_eof(struct conn *, int ms);
/* 1 if the next line (within ms) is stamped and its body is exactly want;
 * else 0, with what was wanted and got on stderr. */
int conn_next_is(struct conn *, const char *want, int ms);
/* The text after the "[HH:MM:SS] " stamp, or NULL if the line has none. */
const char *line_body(const char *line);

/* For Check tests: the same, failing the test (with chatd's log) instead
 * of returning an error. srv_stop_ok sends SIGTERM and wants exit 0, which
 * under AddressSanitizer also means "no leak". */
void srv_start_ok(struct srv *, const char *const *args);
void srv_stop_ok(struct srv *);
struct conn *login_ok(int port, const char *nick);

#endif
