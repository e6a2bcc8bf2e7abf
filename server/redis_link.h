/*
 * redis_link.h: one connection to Redis that keeps itself up, for the
 * cluster (cluster-v1.md). Driven by chatd's loop through redis_loop.h:
 * connecting, every command and every reply are asynchronous, and nothing
 * here ever blocks the loop (a host name in the URL is resolved once, by
 * rlink_new, at start-up).
 *
 * A link is up once Redis has answered the handshake: AUTH when the URL
 * has a password, SELECT for a database other than 0 (command links), and
 * the first probe. While up it probes Redis every probe_ms (PING; on a
 * subscriber link a SUBSCRIBE to its own probe channel, because hiredis
 * before 1.0 loses PING replies in subscribed mode) and goes down when a
 * probe, or the connect and handshake, is not answered within timeout_ms:
 * a paused Redis (SIGSTOP) keeps the TCP connection open and would
 * otherwise never be noticed. It goes down at once when the connection
 * closes or fails. A link that is down reconnects by itself, after
 * backoff_min_ms doubling up to backoff_max_ms between attempts, and
 * tells its owner each time it goes up or down.
 *
 * Callbacks are never called from inside the function that caused them,
 * but later, from the loop (rlink_free excepted: it answers what is still
 * waiting before it returns). A callback must not rlink_free() its link.
 */
#ifndef CHATD_REDIS_LINK_H
#define CHATD_REDIS_LINK_H

#include <stddef.h>
#include <stdint.h>

struct loop;
struct redisReply;
struct rlink;

enum rlink_kind {
	RLINK_COMMANDS,  /* commands and replies: rlink_command */
	RLINK_SUBSCRIBER /* SUBSCRIBE and PSUBSCRIBE only: rlink_subscribe */
};

/* Zero fields take the defaults (in brackets). */
struct rlink_opts {
	int64_t probe_ms;       /* between probes while up [1000] */
	int64_t timeout_ms;     /* to connect and handshake; per probe [2000] */
	int64_t backoff_min_ms; /* after the first failure [100] */
	int64_t backoff_max_ms; /* at most, between attempts [1000] */
};

#define RLINK_PROBE_MS       1000
#define RLINK_TIMEOUT_MS     2000
#define RLINK_BACKOFF_MIN_MS 100
#define RLINK_BACKOFF_MAX_MS 1000

/* The link went up (1) or down (0). The first call is an up; the link
 * starts down, and a link never up is never said to go down. */
typedef void rlink_state_fn(struct rlink *, int up, void *arg);

/*
 * A command's answer. err is NULL for a reply; otherwise reply is the
 * error Redis gave (type REDIS_REPLY_ERROR, err its text), or NULL when
 * no answer came: the link was down (err "cluster link down"), went down
 * before the answer (err says why), or was freed. reply lives during the
 * call only.
 */
typedef void rlink_reply_fn(
    void *arg, const struct redisReply *reply, const char *err);

/* A message published to channel (which matched the pattern, for a
 * PSUBSCRIBE). data[0..len) lives during the call only. */
typedef void rlink_message_fn(
    void *arg, const char *channel, const char *data, size_t len);

/*
 * A link of kind k to url (redis_url.h), which starts connecting at once.
 * opts may be NULL (every default); state may be NULL. Returns NULL with
 * errno and *cause (a static string) for a bad URL (EINVAL), a host that
 * does not resolve (ENOENT), or ENOMEM; never for Redis being down, which
 * only means it is not up yet.
 */
struct rlink *rlink_new(struct loop *, const char *url, enum rlink_kind k,
    const struct rlink_opts *opts, rlink_state_fn *state, void *arg,
    const char **cause);

/*
 * Close the link: every command still waiting gets its callback (err
 * "cluster link closed") before this returns, and no callback runs
 * after. NULL is ignored. Not from inside one of the link's callbacks.
 */
void rlink_free(struct rlink *);

int rlink_is_up(const struct rlink *);
/* Why the link last failed or went down ("" if it never has). */
const char *rlink_error(const struct rlink *);
/* Commands sent and not yet answered. */
size_t rlink_pending(const struct rlink *);
/* Write what is waiting to go to Redis now, as far as the socket takes
 * it, rather than on the loop's next turn (never blocks). Not from inside
 * one of the link's callbacks. */
void rlink_flush(struct rlink *);

/*
 * Send a command (hiredis's format: %s a string, %b a pointer and a
 * size_t length, %d and the like numbers; argvlen NULL: strlen) on a
 * command link. cb(arg, ...) is called exactly once, later, from the
 * loop; answers come in the order the commands were made, failures
 * included. While the link is not up the command is not sent and fails
 * at once (on the loop's next turn), as does one on a subscriber link.
 * Returns 0; -1 with errno ENOMEM only when there is no memory to keep
 * cb, which then is never called.
 */
int rlink_command(
    struct rlink *, rlink_reply_fn *cb, void *arg, const char *fmt, ...);
int rlink_command_argv(struct rlink *, rlink_reply_fn *cb, void *arg, int argc,
    const char **argv, const size_t *argvlen);

/*
 * On a subscriber link: deliver what is published to channel (or, with
 * psubscribe, to any channel matching the glob pattern) to fn. The
 * subscription is the link's, not the connection's: it is made whenever
 * the link comes up, again after every reconnect (messages published while
 * the link was down are lost, as Redis pub/sub loses them). Subscribing
 * again to a name replaces its fn. Returns 0, or -1 with errno EINVAL (a
 * command link) or ENOMEM.
 */
int rlink_subscribe(
    struct rlink *, const char *channel, rlink_message_fn *fn, void *arg);
int rlink_psubscribe(
    struct rlink *, const char *pattern, rlink_message_fn *fn, void *arg);
/* Stop delivering channel or pattern. 0, or -1 with errno ENOENT. */
int rlink_unsubscribe(struct rlink *, const char *channel);
int rlink_punsubscribe(struct rlink *, const char *pattern);

#endif
