/* render.h: how a received line looks on a colour terminal. */
#ifndef CHAT_RENDER_H
#define CHAT_RENDER_H

#include "buf.h"

/*
 * Append line (already free of control characters) to out, coloured:
 * the stamp and notices dim, errors red, nicks in a colour chosen by a
 * hash of the nick so that one person keeps one colour. No line end is
 * added. Returns 0, or -1 with errno ENOMEM.
 */
int render_line(struct buf *out, const char *line);

#endif
