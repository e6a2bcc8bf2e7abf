/* colour.c: how a received line looks on a colour terminal. */
#include <string.h>

#include "colour.h"
#include "proto.h"
#include "text.h"

#define SGR_RESET       "\033[0m"
#define SGR_DIM         "\033[2m"
#define SGR_BOLD        "\033[1m"
#define SGR_RED         "\033[31m"
#define COLOUR_NICK_MAX 64 /* longer "nicks" are not coloured */

/* Readable on dark and light backgrounds; red is kept for errors. */
static const char *const colour_nick_colours[] = {
	"\033[32m",
	"\033[33m",
	"\033[34m",
	"\033[35m",
	"\033[36m",
	"\033[92m",
	"\033[93m",
	"\033[94m",
	"\033[95m",
	"\033[96m",
};

static const char *colour_body(const char *);
static int colour_nick(struct buf *, const char *, size_t, int);

/* The text after the "[HH:MM:SS] " stamp, or line itself without one. */
static const char *
colour_body(const char *line)
{
	if (strlen(line) >= CHAT_STAMP_LEN && line[0] == '[' &&
	    line[CHAT_STAMP_LEN - 2] == ']' && line[CHAT_STAMP_LEN - 1] == ' ')
		return line + CHAT_STAMP_LEN;
	return line;
}

/* Append nick (n bytes) in its colour. */
static int
colour_nick(struct buf *out, const char *nick, size_t n, int bold)
{
	char copy[COLOUR_NICK_MAX + 1];
	uint32_t h;
	size_t ncol;

	if (n > COLOUR_NICK_MAX)
		return buf_append(out, nick, n);
	memcpy(copy, nick, n);
	copy[n] = '\0';
	h = text_casehash(copy);
	ncol = sizeof colour_nick_colours / sizeof colour_nick_colours[0];
	if ((bold && buf_append_str(out, SGR_BOLD) == -1) ||
	    buf_append_str(out, colour_nick_colours[h % ncol]) == -1 ||
	    buf_append(out, nick, n) == -1 ||
	    buf_append_str(out, SGR_RESET) == -1)
		return -1;
	return 0;
}

int
colour_highlight(struct buf *out, const char *line)
{
	if (buf_append_str(out, SGR_BOLD) == -1 ||
	    buf_append_str(out, line) == -1)
		return -1;
	return buf_append_str(out, SGR_RESET);
}

/*
 * The forms (after the stamp and, for another room, "#room "): "<nick>
 * text", "* nick text", "*nick* text", "-> *nick* text", "-!- error:
 * text", "-!- text". Anything else is printed plain.
 */
int
colour_line(struct buf *out, const char *line)
{
	const char *b = colour_body(line), *e;
	const char *sgr = NULL;
	size_t pre = 0, n = 0;
	int bold = 0;

	/* A message from another room: "#dev " after the stamp. */
	if (b != line && b[0] == '#' && (e = strchr(b, ' ')) != NULL &&
	    (e[1] == '<' || e[1] == '*'))
		b = e + 1;
	if (b != line &&
	    (buf_append_str(out, SGR_DIM) == -1 ||
		buf_append(out, line, (size_t)(b - line)) == -1 ||
		buf_append_str(out, SGR_RESET) == -1))
		return -1;
	if (strncmp(b, CHAT_ERROR_PREFIX, strlen(CHAT_ERROR_PREFIX)) == 0)
		sgr = SGR_RED;
	else if (strncmp(b, CHAT_NOTICE_PREFIX, strlen(CHAT_NOTICE_PREFIX)) ==
	    0)
		sgr = SGR_DIM;
	if (sgr != NULL) {
		if (buf_append_str(out, sgr) == -1 ||
		    buf_append_str(out, b) == -1)
			return -1;
		return buf_append_str(out, SGR_RESET);
	}
	if (b[0] == '<' && (e = strstr(b, "> ")) != NULL) {
		pre = 1;
		n = (size_t)(e - b) - 1;
	} else if (strncmp(b, "* ", 2) == 0 &&
	    (e = strchr(b + 2, ' ')) != NULL) {
		pre = 2;
		n = (size_t)(e - b) - 2;
	} else if ((b[0] == '*' || strncmp(b, "-> *", 4) == 0) &&
	    (e = strstr(b + 1 + (b[0] == '-' ? 3 : 0), "* ")) != NULL) {
		pre = b[0] == '*' ? 1 : 4;
		n = (size_t)(e - b) - pre;
		bold = 1;
	}
	if (n == 0)
		return buf_append_str(out, b);
	if (buf_append(out, b, pre) == -1 ||
	    colour_nick(out, b + pre, n, bold) == -1)
		return -1;
	return buf_append_str(out, b + pre + n);
}
