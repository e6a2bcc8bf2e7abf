/* client.h: client lifecycle, input and output queues, limits, disconnects. */
#ifndef CHATD_CLIENT_H
#define CHATD_CLIENT_H

#include <stddef.h>

#include "server.h"

/* Take a new connection (fd already non-blocking). Returns the client or
 * NULL (fd closed) when it could not be set up. */
struct client *client_new(struct server *, int fd, const char *addr);
/* Free a client: close its fd, forget it everywhere. Only from reaping. */
void client_free(struct client *);

/* Queue one formatted line (ending in LF) for c. A client whose queue would
 * pass --max-queue is dropped as too slow. */
void client_send(struct client *, const char *, size_t);
void client_notice(struct client *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
void client_error(struct client *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* Leave the room with a quit notice (if in one), then close once the
 * output queue has been written. */
void client_close_after_flush(
    struct client *, enum quit_why, const char *reason);
/* Drop c now (at the next safe point); the room sees the quit reason. */
void client_kill(struct client *, enum quit_why);
const char *client_why_text(enum quit_why);

/* Per pass of the loop: process lines left over from the last pass (flood
 * control, fairness), write queued output, free dropped clients. */
void client_run_waiting(struct server *);
void client_flush_all(struct server *);
void client_reap(struct server *);
/* Milliseconds until a waiting client can go on (-1: none waiting). */
int client_wait_ms(struct server *);
/* Once a second: login timeouts, and free the idle output buffers. */
void client_cron(struct server *);

/* Give c a new nick (already validated and free). */
void client_set_nick(struct client *, const char *);
struct client *client_find_nick(struct server *, const char *);

#endif
