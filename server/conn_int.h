/*
 * conn_int.h: what conn.c (life, input, closing) and conn_out.c (output)
 * share; nobody else includes it.
 */
#ifndef CHATD_CONN_INT_H
#define CHATD_CONN_INT_H

#include "conn.h"

/* conn.c */
/* Read and write interest as the connection's state says. */
void conn_update(struct conn *);
/* Its queue is written: shut down the sending side and go. */
void conn_finish(struct conn *);
/* Mark it failed (refused: bytes that did not fit, for CONN_SLOW); the
 * owner hears at conn_reap. */
void conn_fail(struct conn *, enum conn_why, size_t refused);

/* conn_out.c */
void conn_want_flush(struct conn *);
void conn_unflush(struct conn *);
void conn_flush(struct conn *);
/* The loop's write handler. */
void conn_on_write(struct loop *, int fd, void *);

#endif
