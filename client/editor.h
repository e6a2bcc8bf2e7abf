/* editor.h: the line editor state machine: key bytes in, text and screen bytes out. */
#ifndef CHAT_EDITOR_H
#define CHAT_EDITOR_H

#include <stddef.h>

#include "buf.h"
#include "proto.h"

/* The editor never holds more than the server accepts in one line. */
#define EDITOR_LINE_MAX     CHAT_MAX_LINE
#define EDITOR_HISTORY_MAX  100
#define EDITOR_PROMPT_MAX   128
#define EDITOR_SEQ_MAX      16 /* longest escape sequence we parse */
#define EDITOR_UTF8_MAX     4
#define EDITOR_DEFAULT_COLS 80

enum editor_event {
	EDITOR_NONE, /* key handled, nothing for the caller */
	EDITOR_LINE, /* Enter: editor_line() holds the line */
	EDITOR_EOF,  /* Ctrl-D on an empty line */
	EDITOR_INTR, /* Ctrl-C */
	EDITOR_TAB   /* Tab: the caller may complete (editor_replace) */
};

enum editor_esc {
	EDITOR_ESC_NONE,  /* not in an escape sequence */
	EDITOR_ESC_START, /* ESC seen */
	EDITOR_ESC_CSI    /* ESC [ or ESC O seen, collecting */
};

/*
 * The editor knows nothing of file descriptors: every byte meant for the
 * terminal is appended to out, which the caller writes and consumes. The
 * screen model: the prompt and text are drawn from column 0 of some row,
 * wrapping at cols; crow is how many rows below that first row the cursor
 * sits, so the drawing can be erased and redrawn wherever the cursor is.
 */
struct editor {
	char text[EDITOR_LINE_MAX + 1];
	size_t len;                     /* bytes in text */
	size_t pos;                     /* cursor, a byte offset in text */
	char line[EDITOR_LINE_MAX + 1]; /* the last line entered */
	char prompt[EDITOR_PROMPT_MAX];
	int cols;
	int shown;  /* prompt and text are on the screen */
	int secret; /* a password: the text is never drawn nor kept */
	int crow;

	enum editor_esc esc;
	char seq[EDITOR_SEQ_MAX];
	size_t seqlen;
	char mb[EDITOR_UTF8_MAX]; /* a UTF-8 character arriving */
	size_t mblen, mbneed;

	char *hist[EDITOR_HISTORY_MAX]; /* oldest first */
	size_t nhist;
	size_t hidx; /* nhist when not browsing */
	char *saved; /* the line being typed before Up */

	struct buf out;
};

void editor_init(struct editor *, int cols);
void editor_free(struct editor *);

/* Feed one byte from the keyboard; the screen update goes to out. */
enum editor_event editor_key(struct editor *, unsigned char);
/* The line entered (valid after EDITOR_LINE until the next Enter). */
const char *editor_line(const struct editor *);

/* Replace text[from, to) (from <= to <= len, on character boundaries) by
 * s and put the cursor after it; refused with a bell when the line would
 * pass EDITOR_LINE_MAX. Redraws if shown. */
void editor_replace(struct editor *, size_t from, size_t to, const char *s);
/* Replace the whole text by s, the cursor at pos (at most its length). */
void editor_set_line(struct editor *, const char *s, size_t pos);
/* Secret mode on or off (for a password): the text is not drawn, Enter
 * leaves only the prompt on the screen, and nothing goes to history.
 * Turning it on or off empties the text. */
void editor_set_secret(struct editor *, int on);

/* Replace the prompt (plain text, no control characters); redraws if the
 * editor is shown. */
void editor_set_prompt(struct editor *, const char *);
/* The terminal is now cols wide; redraws if shown. */
void editor_resize(struct editor *, int cols);

/* Erase the prompt and text, leaving the cursor at column 0 of the row
 * where the prompt began, so other output can be printed there. */
void editor_hide(struct editor *);
/* Draw the prompt and text and put the cursor where it belongs. */
void editor_show(struct editor *);
/* Clear the whole screen and draw again (Ctrl-L). */
void editor_clear_screen(struct editor *);

#endif
