/* line.c: LF/CRLF line framing out of a buf, with a maximum line length. */
#include <string.h>

#include "line.h"

void
line_init(struct line_reader *lr, size_t max)
{
	buf_init(&lr->buf);
	lr->max = max;
	lr->skipping = 0;
}

void
line_free(struct line_reader *lr)
{
	buf_free(&lr->buf);
	lr->skipping = 0;
}

/* Is a partial (LF-less) line of n bytes, ending in last, already too long?
 * One byte over is still fine when it is a CR waiting for its LF. */
static int
line_partial_toolong(const struct line_reader *lr, size_t n, char last)
{
	return n > lr->max + 1 || (n == lr->max + 1 && last != '\r');
}

void
line_discard(struct line_reader *lr)
{
	const char *p = buf_data(&lr->buf), *lf;
	size_t n = buf_len(&lr->buf);

	if (!lr->skipping || n == 0)
		return;
	if ((lf = memchr(p, '\n', n)) == NULL) {
		buf_consume(&lr->buf, n);
		return;
	}
	buf_consume(&lr->buf, (size_t)(lf - p) + 1);
	lr->skipping = 0;
}

int
line_ready(const struct line_reader *lr)
{
	const char *p = buf_data(&lr->buf), *lf;
	size_t n = buf_len(&lr->buf);

	if (n > 0 && lr->skipping) {
		/* The tail of a dropped line is no line: look past it. */
		if ((lf = memchr(p, '\n', n)) == NULL)
			return 0;
		n -= (size_t)(lf - p) + 1;
		p = lf + 1;
	}
	if (n == 0)
		return 0;
	if (memchr(p, '\n', n) != NULL)
		return 1;
	return line_partial_toolong(lr, n, p[n - 1]);
}

enum line_result
line_next(struct line_reader *lr, char **line, size_t *len)
{
	char *p, *lf;
	size_t n, l;

	for (;;) {
		p = buf_data(&lr->buf);
		n = buf_len(&lr->buf);
		if (n == 0)
			return LINE_NONE;
		lf = memchr(p, '\n', n);
		if (lr->skipping) {
			if (lf == NULL) {
				buf_consume(&lr->buf, n);
				return LINE_NONE;
			}
			buf_consume(&lr->buf, (size_t)(lf - p) + 1);
			lr->skipping = 0;
			continue;
		}
		if (lf == NULL) {
			if (!line_partial_toolong(lr, n, p[n - 1]))
				return LINE_NONE;
			buf_consume(&lr->buf, n);
			lr->skipping = 1;
			return LINE_TOOLONG;
		}
		l = (size_t)(lf - p);
		buf_consume(&lr->buf, l + 1);
		if (l > 0 && p[l - 1] == '\r')
			l--;
		if (l > lr->max)
			return LINE_TOOLONG;
		p[l] = '\0';
		*line = p;
		*len = l;
		return LINE_OK;
	}
}

enum line_result
line_last(struct line_reader *lr, char **line, size_t *len)
{
	char *p;
	size_t n;
	enum line_result r;

	if ((r = line_next(lr, line, len)) != LINE_NONE)
		return r;
	n = buf_len(&lr->buf);
	if (n == 0 || lr->skipping)
		return LINE_NONE;
	/* Terminate in place: make room for the NUL first. */
	if (buf_reserve(&lr->buf, 1) == NULL)
		return LINE_NONE;
	p = buf_data(&lr->buf);
	buf_consume(&lr->buf, n);
	if (p[n - 1] == '\r')
		n--;
	p[n] = '\0';
	*line = p;
	*len = n;
	return LINE_OK;
}
