/* buf.h: growable byte buffer with a read offset; no I/O. */
#ifndef CHAT_BUF_H
#define CHAT_BUF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Bytes live in data[off, off + len). Consuming advances off; the space
 * before off is reclaimed (compacted) only when more room is needed, so a
 * pointer into the buffer stays valid until the next append or reserve.
 */
struct buf {
	char *data;
	size_t off;
	size_t len;
	size_t cap;
};

void buf_init(struct buf *);
void buf_free(struct buf *);

/* Make room for n more bytes; returns a pointer to the free tail, or NULL
 * with errno ENOMEM. Commit what was written there with buf_commit(). */
char *buf_reserve(struct buf *, size_t n);
void buf_commit(struct buf *, size_t n);

/* Append n bytes; 0, or -1 with errno ENOMEM (buffer unchanged). */
int buf_append(struct buf *, const void *, size_t);
/* Append a NUL-terminated string (without the NUL). */
int buf_append_str(struct buf *, const char *);

/* Append printf-formatted text (without its NUL); 0, or -1 with errno
 * ENOMEM or EINVAL (a bad format); the buffer is unchanged on error. */
int buf_printf(struct buf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *, const char *, va_list);

/* Drop n bytes (at most len) from the front. */
void buf_consume(struct buf *, size_t n);
/* Keep only the first n live bytes (n <= len): undo appends. */
void buf_truncate(struct buf *, size_t n);
/* Move the live bytes to the start of the allocation. */
void buf_compact(struct buf *);
/* Free the allocation if the buffer is empty and holds more than keep
 * bytes of capacity: idle connections should cost (almost) nothing. */
void buf_release(struct buf *, size_t keep);

/* The live bytes; NULL (with length 0) before anything was allocated,
 * since even NULL + 0 is undefined. */
static inline char *
buf_data(const struct buf *b)
{
	return b->data != NULL ? b->data + b->off : NULL;
}

static inline size_t
buf_len(const struct buf *b)
{
	return b->len;
}

#endif
