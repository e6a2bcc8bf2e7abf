/* loop.h: select() behind "watch fd for read/write, call this"; knows nothing of chat. */
#ifndef CHATD_LOOP_H
#define CHATD_LOOP_H

#define LOOP_READ  0x1
#define LOOP_WRITE 0x2

struct loop;

/* Called when fd is ready for what the handler was installed for. */
typedef void loop_fn(struct loop *, int fd, void *arg);

struct loop *loop_new(void);
void loop_free(struct loop *);

/*
 * Watch fd, calling on_read/on_write with arg when it is readable or
 * writable, for the events in mask. Returns -1 with errno EINVAL when fd
 * cannot be watched by select() (fd >= FD_SETSIZE).
 */
int loop_add(struct loop *, int fd, int mask, loop_fn *on_read,
    loop_fn *on_write, void *arg);
/* Change which events fd is watched for (0: none, but stays registered). */
void loop_set(struct loop *, int fd, int mask);
/* Stop watching fd; safe to call from inside a handler. */
void loop_del(struct loop *, int fd);

/* Wait up to timeout_ms (-1: forever) and run the handlers of ready fds.
 * Returns the number of fds handled, or -1 on an error other than EINTR. */
int loop_poll(struct loop *, int timeout_ms);

/* The highest watched fd + 1, for statistics and tests. */
int loop_maxfd(const struct loop *);

#endif
