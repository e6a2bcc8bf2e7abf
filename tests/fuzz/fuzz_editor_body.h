/*
 * fuzz_editor_body.h: arbitrary key bytes through the client's line editor,
 * shared by the libFuzzer target tests/fuzz/fuzz_editor.c and by the Check
 * test that replays saved inputs without libFuzzer
 * (tests/unit/test_fuzz_regressions.c).
 *
 * Input layout:
 *   byte 0   terminal width: 4 + byte % 77
 *   byte 1   bit 0: shown at the start; bits 1-3: prompt; bit 4: byte
 *            0xff followed by one byte b is an API call instead of a key:
 *            by b % 6 hide, show, resize, set prompt, clear screen, or
 *            type a printable character FZE_REPEAT times
 *   then     key bytes for editor_key()
 *
 * Checked after every key: the editor's state (cursor inside the text,
 * text NUL-terminated with no NUL or control byte in it, within
 * EDITOR_LINE_MAX, history and escape/UTF-8 state in bounds, the line
 * handed out on Enter is what was typed), and its screen output, run
 * through a model terminal (auto-wrap with pending wrap, CR, LF, BEL,
 * ESC [ n A/C/J/H/2J; any other control or sequence is an error): the
 * drawing never moves above the row it started on, and the terminal's
 * cursor is where the prompt and the text before the cursor put it.
 */
#ifndef FUZZ_EDITOR_BODY_H
#define FUZZ_EDITOR_BODY_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "editor.h"
#include "text.h"

/*
 * Every key redraws the whole line, and under libFuzzer's comparison
 * tracing a redraw of a full line costs milliseconds: keep inputs short,
 * reach the line limit with the repeat call (one check after FZE_REPEAT
 * keys), and stop an input once it has redrawn FZE_WORK_MAX bytes.
 */
#define FZE_INPUT_MAX 1024
#define FZE_REPEAT    128
#define FZE_WORK_MAX  (16 * EDITOR_LINE_MAX)
#define FZE_COLS_MIN  4
#define FZE_COLS_SPAN 77
#define FZE_API       0xff
#define FZE_NUM_MAX   100000 /* a sequence parameter we stop reading */

static const char *const fze_prompts[8] = {
	"",
	"> ",
	"[#lobby] ",
	"\xe6\x97\xa5\xe6\x9c\xac> ",
	"e\xcc\x81> ",
	"[#a-rather-long-room-name-for-wrapping] guest123> ",
	"abc",
	"\xf0\x9f\x98\x80",
};

/* The terminal: rows are unbounded (no scrolling), col == cols is the
 * pending wrap after the last column was written. */
struct fze_term {
	long row, col;
	int cols;
};

struct fze {
	struct editor ed;
	struct fze_term term;
	long top; /* row where the drawing starts */
	int top_known;
	size_t work; /* bytes redrawn so far */
	int failed;
	char why[256];
	char before[EDITOR_LINE_MAX + 1];
	/* The keys fed since the last line: the printable ASCII ones, and
	 * whether anything else (an edit, a control, a sequence, UTF-8, a
	 * call of the API) came. Without anything else the line Enter gives
	 * must be exactly the keys typed. */
	char typed[EDITOR_LINE_MAX + 1];
	size_t ntyped;
	int edited;
};

static void fze_fail(struct fze *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
fze_fail(struct fze *f, const char *fmt, ...)
{
	va_list ap;

	if (f->failed)
		return;
	f->failed = 1;
	va_start(ap, fmt);
	vsnprintf(f->why, sizeof f->why, fmt, ap);
	va_end(ap);
}

static void
fze_put(struct fze_term *t, int w)
{
	if (w > 0 && t->col + w > t->cols) {
		t->row++;
		t->col = 0;
	}
	t->col += w;
}

/* Run the editor's output through the terminal, then drop it. */
static void
fze_feed(struct fze *f)
{
	struct fze_term *t = &f->term;
	const char *p;
	size_t n = buf_len(&f->ed.out), i = 0, used, digits;
	long num;

	if (n == 0)
		return; /* the buffer may have no allocation at all */
	p = buf_data(&f->ed.out);
	while (i < n && !f->failed) {
		unsigned char c = (unsigned char)p[i];

		if (c == '\r') {
			t->col = 0;
			i++;
		} else if (c == '\n') {
			t->row++;
			if (t->col >= t->cols)
				t->col = t->cols - 1;
			i++;
		} else if (c == '\a') {
			i++;
		} else if (c == 0x1b) {
			if (i + 1 >= n || p[i + 1] != '[') {
				fze_fail(f, "bare ESC in output");
				break;
			}
			i += 2;
			num = 0;
			digits = 0;
			while (i < n && p[i] >= '0' && p[i] <= '9' &&
			    num < FZE_NUM_MAX) {
				num = num * 10 + (p[i++] - '0');
				digits++;
			}
			if (i >= n) {
				fze_fail(f, "escape sequence cut short");
				break;
			}
			c = (unsigned char)p[i++];
			if ((c == 'A' || c == 'C') && digits > 0 && num == 0) {
				/* Terminals read 0 as 1. */
				fze_fail(f, "ESC [ 0 %c in output", c);
				break;
			}
			if (digits == 0)
				num = 1;
			switch (c) {
			case 'A':
				t->row -= num;
				if (t->col >= t->cols)
					t->col = t->cols - 1;
				break;
			case 'C':
				t->col += num;
				if (t->col >= t->cols)
					t->col = t->cols - 1;
				break;
			case 'H':
				t->row = t->col = 0;
				break;
			case 'J':
				break;
			default:
				fze_fail(f, "unexpected sequence ESC [ %c", c);
				break;
			}
		} else if (c < 0x20 || c == 0x7f) {
			fze_fail(f, "control byte %#x in output", c);
		} else {
			uint32_t cp = text_utf8_decode(p + i, n - i, &used);

			fze_put(t, text_cp_width(cp));
			i += used;
		}
	}
	buf_consume(&f->ed.out, buf_len(&f->ed.out));
}

/* Where the cursor belongs: on the cell of the character at pos, after
 * the prompt and text[0, pos) are laid out from column 0. */
static void
fze_expect(const struct editor *ed, long *row, long *col)
{
	struct fze_term t = { 0, 0, ed->cols };
	size_t i, used, plen = strlen(ed->prompt);
	int w = 1;

	for (i = 0; i < plen; i += used)
		fze_put(&t,
		    text_cp_width(
			text_utf8_decode(ed->prompt + i, plen - i, &used)));
	for (i = 0; i < ed->pos; i += used)
		fze_put(&t,
		    text_cp_width(
			text_utf8_decode(ed->text + i, ed->len - i, &used)));
	if (ed->pos < ed->len)
		w = text_cp_width(text_utf8_decode(
		    ed->text + ed->pos, ed->len - ed->pos, &used));
	if (w < 1)
		w = 1;
	if (t.col + w > t.cols) {
		t.row++;
		t.col = 0;
	}
	*row = t.row;
	*col = t.col;
}

static void
fze_check_state(struct fze *f)
{
	const struct editor *ed = &f->ed;
	size_t i;

	if (ed->len > EDITOR_LINE_MAX || ed->pos > ed->len) {
		fze_fail(f, "len %zu pos %zu", ed->len, ed->pos);
		return;
	}
	if (ed->text[ed->len] != '\0')
		fze_fail(f, "text not NUL-terminated at len %zu", ed->len);
	for (i = 0; i < ed->len; i++)
		if ((unsigned char)ed->text[i] < 0x20 ||
		    (unsigned char)ed->text[i] == 0x7f) {
			fze_fail(f, "byte %#x at %zu in the text",
			    (unsigned char)ed->text[i], i);
			break;
		}
	if (ed->nhist > EDITOR_HISTORY_MAX || ed->hidx > ed->nhist)
		fze_fail(
		    f, "history: %zu entries, index %zu", ed->nhist, ed->hidx);
	for (i = 0; i < ed->nhist && !f->failed; i++) {
		if (ed->hist[i] == NULL ||
		    strlen(ed->hist[i]) > EDITOR_LINE_MAX ||
		    text_is_blank(ed->hist[i], strlen(ed->hist[i])))
			fze_fail(f, "history entry %zu is bad", i);
		else if (i > 0 && strcmp(ed->hist[i], ed->hist[i - 1]) == 0)
			fze_fail(f, "history entry %zu repeats", i);
	}
	if (ed->hidx == ed->nhist && ed->saved != NULL)
		fze_fail(f, "a saved line while not browsing history");
	if (ed->esc == EDITOR_ESC_CSI &&
	    (ed->seqlen == 0 || ed->seqlen >= EDITOR_SEQ_MAX))
		fze_fail(f, "escape sequence length %zu", ed->seqlen);
	if (ed->mbneed > EDITOR_UTF8_MAX || ed->mblen > ed->mbneed ||
	    (ed->mbneed > 0 && ed->mblen == ed->mbneed))
		fze_fail(f, "UTF-8 state %zu of %zu", ed->mblen, ed->mbneed);
	if (ed->crow < 0 || ed->cols <= 0)
		fze_fail(f, "crow %d cols %d", ed->crow, ed->cols);
}

/*
 * The screen after a step. anchor: the drawing may start on a new row
 * (Enter moves it down, clearing the screen moves it to the top).
 */
static void
fze_check_screen(struct fze *f, int anchor)
{
	const struct editor *ed = &f->ed;
	long row, col, top;

	f->work += buf_len(&f->ed.out);
	fze_feed(f);
	if (f->failed)
		return;
	if (!ed->shown) {
		if (f->top_known && (f->term.row != f->top || f->term.col != 0))
			fze_fail(f,
			    "hidden: cursor at %ld,%ld, drawing began "
			    "at row %ld",
			    f->term.row, f->term.col, f->top);
		return;
	}
	fze_expect(ed, &row, &col);
	if (ed->crow != row)
		fze_fail(f,
		    "editor thinks the cursor is %d rows down, it "
		    "belongs %ld rows down",
		    ed->crow, row);
	top = f->term.row - row;
	if (f->term.col != col)
		fze_fail(f,
		    "cursor in column %ld, belongs in %ld (pos %zu, "
		    "len %zu, cols %d)",
		    f->term.col, col, ed->pos, ed->len, ed->cols);
	else if (f->top_known && !anchor && top != f->top)
		fze_fail(
		    f, "the drawing moved from row %ld to %ld", f->top, top);
	else if (top < 0)
		fze_fail(f, "the drawing starts above the screen");
	f->top = top;
	f->top_known = 1;
}

static void
fze_api(struct fze *f, uint8_t b)
{
	int i;

	f->edited = 1;
	switch (b % 6) {
	case 0:
		editor_hide(&f->ed);
		fze_check_screen(f, 0);
		break;
	case 1:
		if (!f->ed.shown) {
			/* It draws from column 0 of the cursor's row. */
			f->top = f->term.row;
			f->top_known = 1;
		}
		editor_show(&f->ed);
		fze_check_screen(f, 0);
		break;
	case 2:
		/* Erasing needs no geometry but row counts: the model takes
		 * the new width for the whole of the redraw. */
		f->term.cols = FZE_COLS_MIN + (b / 6) % FZE_COLS_SPAN;
		editor_resize(&f->ed, f->term.cols);
		fze_check_screen(f, 0);
		break;
	case 3:
		editor_set_prompt(&f->ed, fze_prompts[(b / 6) % 8]);
		fze_check_screen(f, 0);
		break;
	case 4:
		editor_clear_screen(&f->ed);
		fze_check_screen(f, 1);
		if (!f->failed && f->top != 0)
			fze_fail(f, "clear screen: drawing at row %ld", f->top);
		break;
	case 5:
		for (i = 0; i < FZE_REPEAT; i++)
			(void)editor_key(
			    &f->ed, (unsigned char)(' ' + (b / 6) % 95));
		fze_check_state(f);
		fze_check_screen(f, 0);
		break;
	}
}

static void
fze_key(struct fze *f, uint8_t c)
{
	enum editor_event ev;
	long top = f->top;
	size_t len = f->ed.len;
	int was_shown = f->ed.shown;
	/* Ctrl-L, unless it ends an escape sequence. */
	int clear = c == 0x0c && f->ed.esc == EDITOR_ESC_NONE;

	if (c == '\r' || c == '\n')
		memcpy(f->before, f->ed.text, f->ed.len + 1);
	else if (c >= 0x20 && c < 0x7f && f->ed.esc == EDITOR_ESC_NONE &&
	    f->ed.mbneed == 0 && f->ntyped < EDITOR_LINE_MAX)
		f->typed[f->ntyped++] = (char)c;
	else
		f->edited = 1;
	ev = editor_key(&f->ed, c);
	fze_check_state(f);
	if (f->failed)
		return;
	switch (ev) {
	case EDITOR_LINE:
		if ((c != '\r' && c != '\n') ||
		    strcmp(editor_line(&f->ed), f->before) != 0)
			fze_fail(f, "Enter gave a line that was not typed");
		else if (f->ed.len != 0 || f->ed.pos != 0)
			fze_fail(f, "text left after Enter");
		else if (!f->edited && !f->ed.secret &&
		    (strlen(editor_line(&f->ed)) != f->ntyped ||
			memcmp(editor_line(&f->ed), f->typed, f->ntyped) != 0))
			fze_fail(f,
			    "Enter gave \"%.40s\", the keys typed were "
			    "\"%.*s\"",
			    editor_line(&f->ed),
			    (int)(f->ntyped < 40 ? f->ntyped : 40), f->typed);
		f->ntyped = 0;
		f->edited = 0;
		break;
	case EDITOR_EOF:
		if (c != 0x04 || len != 0)
			fze_fail(
			    f, "EOF from %#x with %zu bytes typed", c, len);
		break;
	case EDITOR_INTR:
		if (c != 0x03)
			fze_fail(f, "interrupt from %#x", c);
		break;
	case EDITOR_TAB:
		if (c != '\t')
			fze_fail(f, "Tab from %#x", c);
		break;
	case EDITOR_NONE:
		break;
	}
	if (f->failed)
		return;
	/* Enter redraws below the line; Ctrl-L at the top. */
	fze_check_screen(f, ev == EDITOR_LINE || clear);
	if (f->failed)
		return;
	if (ev == EDITOR_LINE && was_shown && f->top <= top)
		fze_fail(f, "after Enter the prompt is not below the line");
	if (clear && f->top != 0)
		fze_fail(f, "Ctrl-L: drawing at row %ld", f->top);
}

/*
 * Run one input. Returns NULL when every check held, or what failed
 * (valid until the next call). Everything is freed either way.
 */
static const char *
fuzz_editor_one(const uint8_t *data, size_t size)
{
	static struct fze f;
	size_t i;
	int api;

	memset(&f, 0, sizeof f);
	if (size > FZE_INPUT_MAX)
		size = FZE_INPUT_MAX;
	f.term.cols = FZE_COLS_MIN + (size > 0 ? data[0] : 0) % FZE_COLS_SPAN;
	editor_init(&f.ed, f.term.cols);
	editor_set_prompt(
	    &f.ed, fze_prompts[size > 1 ? (data[1] >> 1) & 7 : 0]);
	fze_check_screen(&f, 0);
	if (size > 1 && (data[1] & 1)) {
		f.top = 0;
		f.top_known = 1;
		editor_show(&f.ed);
		fze_check_screen(&f, 0);
	}
	api = size > 1 && (data[1] & 0x10);
	for (i = 2; i < size && !f.failed && f.work < FZE_WORK_MAX; i++) {
		if (api && data[i] == FZE_API && i + 1 < size)
			fze_api(&f, data[++i]);
		else
			fze_key(&f, data[i]);
	}
	editor_free(&f.ed);
	return f.failed ? f.why : NULL;
}

#endif
