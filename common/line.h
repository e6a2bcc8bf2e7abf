/* line.h: LF/CRLF line framing out of a buf, with a maximum line length. */
#ifndef CHAT_LINE_H
#define CHAT_LINE_H

#include <stddef.h>

#include "buf.h"

enum line_result {
	LINE_NONE,   /* no complete line buffered yet */
	LINE_OK,     /* *line, *len hold one line */
	LINE_TOOLONG /* a line over the maximum was (or is being) dropped */
};

/*
 * Input bytes go into buf (buf_reserve/buf_commit or buf_append); lines
 * come out of line_next(). A line longer than max (not counting CR LF) is
 * dropped whole, up to its LF, and reported once as LINE_TOOLONG, as soon
 * as it is known to be too long.
 */
struct line_reader {
	struct buf buf;
	size_t max;
	int skipping; /* dropping the rest of a long line */
};

void line_init(struct line_reader *, size_t max);
void line_free(struct line_reader *);

/*
 * Take the next line. On LINE_OK, *line points at the line inside the
 * buffer, NUL-terminated in place, without LF and without a CR right
 * before the LF; it stays valid until the next append to the buffer.
 */
enum line_result line_next(struct line_reader *, char **line, size_t *len);

/*
 * At end of input: take the last, unterminated line, if any (a trailing CR
 * is dropped). Returns LINE_NONE when nothing is left; a partial line that
 * was being dropped for its length gives LINE_NONE too.
 */
enum line_result line_last(struct line_reader *, char **line, size_t *len);

/*
 * Drop what is buffered of a line being skipped for its length, up to and
 * including its LF if that has arrived: the tail of a dropped line costs
 * no memory however long it runs. Call before line_ready().
 */
void line_discard(struct line_reader *);

/* Nonzero when a complete line (or a too-long verdict) is waiting. */
int line_ready(const struct line_reader *);

#endif
