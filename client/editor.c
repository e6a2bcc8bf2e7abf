/* editor.c: the line editor state machine: key bytes in, text and screen bytes out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "editor.h"
#include "text.h"

#define CTRL(c) ((c)&0x1f)
#define KEY_ESC 0x1b
#define KEY_DEL 0x7f
#define KEY_BS  CTRL('H')

/* Cursor keys as the final byte of ESC [ or ESC O sequences. */
#define CSI_UP    'A'
#define CSI_DOWN  'B'
#define CSI_RIGHT 'C'
#define CSI_LEFT  'D'
#define CSI_END   'F'
#define CSI_HOME  'H'
#define CSI_TILDE '~'
/* The numbers in ESC [ n ~. */
#define VT_HOME1  1
#define VT_DELETE 3
#define VT_END1   4
#define VT_HOME7  7
#define VT_END8   8

static void editor_out(struct editor *, const char *, size_t);
static void editor_outf(struct editor *, const char *, int);
static int editor_char_width(const char *, size_t, size_t, size_t *);
static void editor_advance(int, int, int *, int *);
static void editor_locate(const struct editor *, size_t, int *, int *);
static void editor_refresh(struct editor *);
static void editor_insert(struct editor *, const char *, size_t);
static void editor_delete(struct editor *, size_t, size_t);
static void editor_set_text(struct editor *, const char *);
static void editor_history_add(struct editor *, const char *);
static void editor_history_move(struct editor *, int);
static enum editor_event editor_enter(struct editor *);
static void editor_word_back(struct editor *);
static void editor_move(struct editor *, size_t);
static void editor_csi(struct editor *);
static enum editor_event editor_control(struct editor *, unsigned char);
static void editor_utf8(struct editor *, unsigned char);

void
editor_init(struct editor *ed, int cols)
{
	memset(ed, 0, sizeof *ed);
	buf_init(&ed->out);
	ed->cols = cols > 0 ? cols : EDITOR_DEFAULT_COLS;
}

void
editor_free(struct editor *ed)
{
	size_t i;

	for (i = 0; i < ed->nhist; i++)
		free(ed->hist[i]);
	free(ed->saved);
	buf_free(&ed->out);
	ed->nhist = 0;
	ed->saved = NULL;
}

const char *
editor_line(const struct editor *ed)
{
	return ed->line;
}

/* Output is best effort: without memory the screen is merely stale. */
static void
editor_out(struct editor *ed, const char *s, size_t n)
{
	(void)buf_append(&ed->out, s, n);
}

/* Append a CSI sequence with a count, e.g. ESC [ 3 A. */
static void
editor_outf(struct editor *ed, const char *final, int n)
{
	char seq[EDITOR_SEQ_MAX];
	int l;

	l = snprintf(seq, sizeof seq, "\033[%d%s", n, final);
	if (l > 0 && (size_t)l < sizeof seq)
		editor_out(ed, seq, (size_t)l);
}

/* Columns taken by the character at s[i] (of len bytes); *next gets the
 * offset after it. */
static int
editor_char_width(const char *s, size_t len, size_t i, size_t *next)
{
	uint32_t cp;
	size_t used;

	cp = text_utf8_decode(s + i, len - i, &used);
	*next = i + used;
	return text_cp_width(cp);
}

/*
 * Where a character w columns wide lands, given the position after the
 * previous one. col == cols means "the row is full" (the terminal's
 * pending wrap); the next visible character then starts a new row, and a
 * wide character that does not fit moves to the next row whole, as
 * terminals do.
 */
static void
editor_advance(int cols, int w, int *row, int *col)
{
	if (w > 0 && *col + w > cols) {
		(*row)++;
		*col = 0;
	}
	*col += w;
}

/* Row and column just after the prompt and text[0, upto). */
static void
editor_locate(const struct editor *ed, size_t upto, int *row, int *col)
{
	size_t i, next, plen = strlen(ed->prompt);
	int w;

	*row = *col = 0;
	for (i = 0; i < plen; i = next) {
		w = editor_char_width(ed->prompt, plen, i, &next);
		editor_advance(ed->cols, w, row, col);
	}
	for (i = 0; i < upto; i = next) {
		w = editor_char_width(ed->text, ed->len, i, &next);
		editor_advance(ed->cols, w, row, col);
	}
}

void
editor_hide(struct editor *ed)
{
	if (!ed->shown)
		return;
	if (ed->crow > 0)
		editor_outf(ed, "A", ed->crow);
	editor_out(ed, "\r\033[J", 4);
	ed->shown = 0;
	ed->crow = 0;
}

void
editor_show(struct editor *ed)
{
	int erow, ecol, crow, ccol, w = 1;
	size_t next;

	if (ed->shown)
		return;
	editor_out(ed, ed->prompt, strlen(ed->prompt));
	if (ed->secret) {
		/* Nothing of a password shows, not even its length. */
		editor_locate(ed, 0, &erow, &ecol);
		if (ecol >= ed->cols) {
			editor_out(ed, "\r\n", 2);
			erow++;
		}
		ed->crow = erow;
		ed->shown = 1;
		return;
	}
	editor_out(ed, ed->text, ed->len);
	editor_locate(ed, ed->len, &erow, &ecol);
	/* Leave the pending-wrap state so that the cursor's row is known. */
	if (ecol >= ed->cols) {
		editor_out(ed, "\r\n", 2);
		erow++;
		ecol = 0;
	}
	/* The cursor sits on the cell where the character at pos is drawn. */
	editor_locate(ed, ed->pos, &crow, &ccol);
	if (ed->pos < ed->len)
		w = editor_char_width(ed->text, ed->len, ed->pos, &next);
	if (w < 1)
		w = 1;
	if (ccol + w > ed->cols) {
		crow++;
		ccol = 0;
	}
	if (erow > crow)
		editor_outf(ed, "A", erow - crow);
	editor_out(ed, "\r", 1);
	if (ccol > 0)
		editor_outf(ed, "C", ccol);
	ed->crow = crow;
	ed->shown = 1;
}

static void
editor_refresh(struct editor *ed)
{
	if (!ed->shown)
		return;
	editor_hide(ed);
	editor_show(ed);
}

void
editor_clear_screen(struct editor *ed)
{
	editor_out(ed, "\033[H\033[2J", 7);
	ed->shown = 0;
	ed->crow = 0;
	editor_show(ed);
}

void
editor_set_prompt(struct editor *ed, const char *prompt)
{
	int shown = ed->shown;

	editor_hide(ed);
	snprintf(ed->prompt, sizeof ed->prompt, "%s", prompt);
	if (shown)
		editor_show(ed);
}

void
editor_resize(struct editor *ed, int cols)
{
	int shown = ed->shown;

	/* Erase with the old geometry, which is what is on the screen. */
	editor_hide(ed);
	ed->cols = cols > 0 ? cols : EDITOR_DEFAULT_COLS;
	if (shown)
		editor_show(ed);
}

/* Insert n bytes at the cursor; input past the line limit is refused. */
static void
editor_insert(struct editor *ed, const char *s, size_t n)
{
	if (n > EDITOR_LINE_MAX - ed->len) {
		editor_out(ed, "\a", 1);
		return;
	}
	memmove(ed->text + ed->pos + n, ed->text + ed->pos, ed->len - ed->pos);
	memcpy(ed->text + ed->pos, s, n);
	ed->len += n;
	ed->pos += n;
	ed->text[ed->len] = '\0';
	editor_refresh(ed);
}

void
editor_replace(struct editor *ed, size_t from, size_t to, const char *s)
{
	size_t n = strlen(s);

	if (from > to || to > ed->len)
		return;
	if (n > EDITOR_LINE_MAX - (ed->len - (to - from))) {
		editor_out(ed, "\a", 1);
		return;
	}
	memmove(ed->text + from + n, ed->text + to, ed->len - to);
	memcpy(ed->text + from, s, n);
	ed->len = ed->len - (to - from) + n;
	ed->pos = from + n;
	ed->text[ed->len] = '\0';
	editor_refresh(ed);
}

void
editor_set_line(struct editor *ed, const char *s, size_t pos)
{
	editor_set_text(ed, s);
	if (pos < ed->len) {
		ed->pos = pos;
		editor_refresh(ed);
	}
}

void
editor_set_secret(struct editor *ed, int on)
{
	int shown = ed->shown;

	editor_hide(ed);
	ed->secret = on != 0;
	ed->len = ed->pos = 0;
	ed->text[0] = '\0';
	ed->mblen = ed->mbneed = 0;
	if (shown)
		editor_show(ed);
}

/* Remove text[from, to) and leave the cursor at from. */
static void
editor_delete(struct editor *ed, size_t from, size_t to)
{
	if (from >= to)
		return;
	memmove(ed->text + from, ed->text + to, ed->len - to);
	ed->len -= to - from;
	ed->pos = from;
	ed->text[ed->len] = '\0';
	editor_refresh(ed);
}

static void
editor_set_text(struct editor *ed, const char *s)
{
	size_t n = strlen(s);

	if (n > EDITOR_LINE_MAX)
		n = EDITOR_LINE_MAX;
	memcpy(ed->text, s, n);
	ed->text[n] = '\0';
	ed->len = ed->pos = n;
	editor_refresh(ed);
}

/* Remember a line; blank lines and repeats of the last one are not kept. */
static void
editor_history_add(struct editor *ed, const char *s)
{
	char *copy;

	if (text_is_blank(s, strlen(s)))
		return;
	if (ed->nhist > 0 && strcmp(ed->hist[ed->nhist - 1], s) == 0)
		return;
	if ((copy = strdup(s)) == NULL)
		return;
	if (ed->nhist == EDITOR_HISTORY_MAX) {
		free(ed->hist[0]);
		memmove(ed->hist, ed->hist + 1,
		    (EDITOR_HISTORY_MAX - 1) * sizeof ed->hist[0]);
		ed->nhist--;
	}
	ed->hist[ed->nhist++] = copy;
}

/* Up (dir -1) or Down (dir 1); the line being typed is kept aside while
 * browsing and comes back below the newest entry. */
static void
editor_history_move(struct editor *ed, int dir)
{
	if (dir < 0) {
		if (ed->hidx == 0)
			return;
		if (ed->hidx == ed->nhist) {
			free(ed->saved);
			ed->saved = strdup(ed->text);
		}
		ed->hidx--;
		editor_set_text(ed, ed->hist[ed->hidx]);
		return;
	}
	if (ed->hidx >= ed->nhist)
		return;
	ed->hidx++;
	if (ed->hidx < ed->nhist)
		editor_set_text(ed, ed->hist[ed->hidx]);
	else {
		editor_set_text(ed, ed->saved != NULL ? ed->saved : "");
		free(ed->saved);
		ed->saved = NULL;
	}
}

/* Enter: the line stays on the screen, a fresh prompt follows. */
static enum editor_event
editor_enter(struct editor *ed)
{
	int shown = ed->shown;

	memcpy(ed->line, ed->text, ed->len + 1);
	if (shown) {
		editor_hide(ed);
		editor_out(ed, ed->prompt, strlen(ed->prompt));
		if (!ed->secret)
			editor_out(ed, ed->text, ed->len);
		editor_out(ed, "\r\n", 2);
	}
	if (!ed->secret)
		editor_history_add(ed, ed->line);
	ed->hidx = ed->nhist;
	free(ed->saved);
	ed->saved = NULL;
	ed->len = ed->pos = 0;
	ed->text[0] = '\0';
	if (shown)
		editor_show(ed);
	return EDITOR_LINE;
}

/* Ctrl-W: delete the word before the cursor and the blanks after it. */
static void
editor_word_back(struct editor *ed)
{
	size_t p = ed->pos;

	while (p > 0 && (ed->text[p - 1] == ' ' || ed->text[p - 1] == '\t'))
		p--;
	while (p > 0 && ed->text[p - 1] != ' ' && ed->text[p - 1] != '\t')
		p--;
	editor_delete(ed, p, ed->pos);
}

static void
editor_move(struct editor *ed, size_t pos)
{
	if (pos == ed->pos)
		return;
	ed->pos = pos;
	editor_refresh(ed);
}

/* A complete ESC [ ... or ESC O ... sequence is in seq. */
static void
editor_csi(struct editor *ed)
{
	char final = ed->seq[ed->seqlen - 1];
	int n = atoi(ed->seq + 1);

	switch (final) {
	case CSI_UP:
		if (!ed->secret)
			editor_history_move(ed, -1);
		break;
	case CSI_DOWN:
		if (!ed->secret)
			editor_history_move(ed, 1);
		break;
	case CSI_RIGHT:
		editor_move(ed, text_utf8_next(ed->text, ed->len, ed->pos));
		break;
	case CSI_LEFT:
		editor_move(ed, text_utf8_prev(ed->text, ed->pos));
		break;
	case CSI_HOME:
		editor_move(ed, 0);
		break;
	case CSI_END:
		editor_move(ed, ed->len);
		break;
	case CSI_TILDE:
		if (n == VT_HOME1 || n == VT_HOME7)
			editor_move(ed, 0);
		else if (n == VT_END1 || n == VT_END8)
			editor_move(ed, ed->len);
		else if (n == VT_DELETE)
			editor_delete(ed, ed->pos,
			    text_utf8_next(ed->text, ed->len, ed->pos));
		break;
	default: /* keys we do not bind are ignored */
		break;
	}
}

static enum editor_event
editor_control(struct editor *ed, unsigned char c)
{
	switch (c) {
	case '\r':
	case '\n':
		return editor_enter(ed);
	case CTRL('C'):
		return EDITOR_INTR;
	case CTRL('D'):
		if (ed->len == 0)
			return EDITOR_EOF;
		editor_delete(
		    ed, ed->pos, text_utf8_next(ed->text, ed->len, ed->pos));
		break;
	case KEY_DEL:
	case KEY_BS:
		editor_delete(ed, text_utf8_prev(ed->text, ed->pos), ed->pos);
		break;
	case CTRL('A'):
		editor_move(ed, 0);
		break;
	case CTRL('E'):
		editor_move(ed, ed->len);
		break;
	case CTRL('B'):
		editor_move(ed, text_utf8_prev(ed->text, ed->pos));
		break;
	case CTRL('F'):
		editor_move(ed, text_utf8_next(ed->text, ed->len, ed->pos));
		break;
	case CTRL('U'):
		editor_delete(ed, 0, ed->pos);
		break;
	case CTRL('K'):
		ed->len = ed->pos;
		ed->text[ed->len] = '\0';
		editor_refresh(ed);
		break;
	case CTRL('W'):
		editor_word_back(ed);
		break;
	case CTRL('P'):
		if (!ed->secret)
			editor_history_move(ed, -1);
		break;
	case CTRL('N'):
		if (!ed->secret)
			editor_history_move(ed, 1);
		break;
	case CTRL('L'):
		editor_clear_screen(ed);
		break;
	case KEY_ESC:
		ed->esc = EDITOR_ESC_START;
		break;
	case '\t':
		return EDITOR_TAB;
	default: /* other controls insert nothing */
		break;
	}
	return EDITOR_NONE;
}

/* Collect the bytes of one UTF-8 character and insert it whole. A
 * sequence cut short is inserted byte by byte, like any invalid input. */
static void
editor_utf8(struct editor *ed, unsigned char c)
{
	char pend[EDITOR_UTF8_MAX];
	size_t n, i;

	if (ed->mbneed > 0 && (c & 0xc0) != 0x80) {
		n = ed->mblen;
		memcpy(pend, ed->mb, n);
		ed->mblen = ed->mbneed = 0;
		for (i = 0; i < n; i++)
			editor_insert(ed, pend + i, 1);
		editor_utf8(ed, c);
		return;
	}
	if (ed->mbneed == 0) {
		ed->mbneed = text_utf8_len(c);
		ed->mblen = 0;
	}
	ed->mb[ed->mblen++] = (char)c;
	if (ed->mblen < ed->mbneed)
		return;
	editor_insert(ed, ed->mb, ed->mblen);
	ed->mblen = ed->mbneed = 0;
}

enum editor_event
editor_key(struct editor *ed, unsigned char c)
{
	switch (ed->esc) {
	case EDITOR_ESC_START:
		if (c == '[' || c == 'O') {
			ed->esc = EDITOR_ESC_CSI;
			ed->seq[0] = (char)c;
			ed->seqlen = 1;
		} else
			ed->esc = EDITOR_ESC_NONE; /* Alt-key: unbound */
		return EDITOR_NONE;
	case EDITOR_ESC_CSI:
		ed->seq[ed->seqlen++] = (char)c;
		/* Parameters are digits and ';'; anything else ends it. */
		if ((c >= '0' && c <= '9') || c == ';') {
			if (ed->seqlen == sizeof ed->seq - 1)
				ed->esc = EDITOR_ESC_NONE;
			return EDITOR_NONE;
		}
		ed->seq[ed->seqlen] = '\0';
		ed->esc = EDITOR_ESC_NONE;
		editor_csi(ed);
		return EDITOR_NONE;
	case EDITOR_ESC_NONE:
		break;
	}
	if (c < 0x20 || c == KEY_DEL) {
		ed->mblen = ed->mbneed = 0;
		return editor_control(ed, c);
	}
	editor_utf8(ed, c);
	return EDITOR_NONE;
}
