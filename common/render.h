/*
 * render.h: an event as a plain-text line. The one place that holds the
 * plain-text protocol's sentences: chatd's text protocol renders events
 * with it, and the chat client renders what it rebuilt from IRC
 * messages with it, so both show the same lines.
 */
#ifndef CHAT_RENDER_H
#define CHAT_RENDER_H

#include <stdint.h>

#include "buf.h"
#include "event.h"

/*
 * Append "[HH:MM:SS] " for time_ms (UTC, ms) in the local time zone.
 * Returns 0, or -1 with errno ENOMEM.
 */
int render_stamp(struct buf *out, int64_t time_ms);

/*
 * Append what a plain-text user sees of ev after the stamp, without a
 * line end. self says the recipient is the one who acted (it sees its
 * private messages as "-> *bob* text", and nothing of its own room
 * messages or parts). Message text goes through the plain-text cleaning
 * (IRC formatting and control characters removed). Returns 1 when
 * something was appended, 0 when this recipient is shown nothing (an IRC
 * CTCP or TAGMSG, one's own room message), -1 with errno ENOMEM.
 */
int render_body(struct buf *out, const struct ev *ev, int self);

/* render_stamp, render_body and a LF: one line as chatd sends it. Same
 * returns as render_body; on 0 and -1 out is left as it was. */
int render_line(struct buf *out, const struct ev *ev, int self);

/* The plain-text reason of a quit ("bye", "connection reset", ...). */
const char *render_quit_reason(enum ev_quit why, const char *text);

/* Append an error or a notice line with free text: the common case of
 * EV_ERROR E_TEXT / EV_REPLY R_TEXT. */
int render_notice(
    struct buf *out, int64_t time_ms, int error, const char *text);

#endif
