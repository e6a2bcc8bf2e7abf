/*
 * redis_loop.h: hiredis's asynchronous API driven by chatd's own loop
 * (loop.h), the way hiredis's adapters/ae.h drives it from Redis's: the
 * context's fd is watched for what hiredis asks (its addRead, delRead,
 * addWrite, delWrite hooks), readiness calls redisAsyncHandleRead/Write,
 * and hiredis's timeout hook (scheduleTimer, hiredis >= 1.0) is a loop
 * timer that calls redisAsyncHandleTimeout. No threads; nothing here
 * blocks. Cluster build only (CHATD_CLUSTER).
 */
#ifndef CHATD_REDIS_LOOP_H
#define CHATD_REDIS_LOOP_H

struct loop;
struct redisAsyncContext;

/*
 * Attach ac (fresh from redisAsyncConnect*, not yet attached) to loop l.
 * From then on hiredis adds and removes the fd's interest itself; its
 * cleanup hook, run when the context is freed (by redisAsyncFree or by
 * hiredis after an error), stops watching the fd and frees what this
 * allocated. Returns 0, or -1 with errno: EINVAL when ac already has an
 * event library or failed to connect (ac->err; its fd may be -1), ENOMEM.
 */
int redis_loop_attach(struct redisAsyncContext *ac, struct loop *l);

#endif
