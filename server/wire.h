/*
 * wire.h: the bytes chatd sends for each kind of line, in one place. Each
 * function replaces the contents of out with one complete line, stamp and
 * LF included, and returns 0, or -1 when out of memory. A second wire
 * format would add its own set of these; rooms and the loop do not change.
 */
#ifndef CHATD_WIRE_H
#define CHATD_WIRE_H

#include <stdarg.h>
#include <stddef.h>

#include "buf.h"

int wire_message(
    struct buf *out, const char *nick, const char *text, size_t len);
int wire_action(
    struct buf *out, const char *nick, const char *text, size_t len);
int wire_private_in(
    struct buf *out, const char *from, const char *text, size_t len);
int wire_private_out(
    struct buf *out, const char *to, const char *text, size_t len);
/* A notice, or with error set an error line, from a printf format. */
int wire_vnotice(struct buf *out, int error, const char *fmt, va_list ap);
int wire_notice(struct buf *out, int error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
