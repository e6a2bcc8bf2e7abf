/* colour.h: how a received line looks on a colour terminal. */
#ifndef CHAT_COLOUR_H
#define CHAT_COLOUR_H

#include "buf.h"

/*
 * Append line (already free of control characters) to out, coloured:
 * the stamp and notices dim, errors red, nicks in a colour chosen by a
 * hash of the nick so that one person keeps one colour. No line end is
 * added. Returns 0, or -1 with errno ENOMEM.
 */
int colour_line(struct buf *out, const char *line);
/* A line for this user (chat-v2 §6): all of it bold. Same returns. */
int colour_highlight(struct buf *out, const char *line);

#endif
