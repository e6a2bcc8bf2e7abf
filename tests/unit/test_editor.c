/* test_editor.c: the line editor state machine, checked on a model terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "check_main.h"
#include "editor.h"
#include "text.h"

#define SCR_ROWS      12
#define SCR_COLS_MAX  80
#define CELL_MAX      8
#define SCR_WIDE_TAIL "\001" /* the second cell of a wide character */

/*
 * A small model of a terminal, enough for what the editor emits: text
 * with auto-wrap (a full row wraps on the next character; a wide
 * character that does not fit moves to the next row), CR, LF, ESC [ n A,
 * ESC [ n C, ESC [ J, ESC [ H, ESC [ 2 J, BEL. col == cols is the pending
 * wrap. Anything else fails the test, so stray bytes are caught.
 */
struct screen {
	char cell[SCR_ROWS][SCR_COLS_MAX][CELL_MAX];
	int rows, cols, row, col;
};

static void
scr_init(struct screen *s, int cols)
{
	memset(s, 0, sizeof *s);
	s->rows = SCR_ROWS;
	s->cols = cols;
}

static void
scr_clear_from(struct screen *s, int row, int col)
{
	int r, c;

	for (r = row; r < s->rows; r++)
		for (c = (r == row ? col : 0); c < s->cols; c++)
			s->cell[r][c][0] = '\0';
}

static void
scr_newline(struct screen *s)
{
	if (++s->row < s->rows)
		return;
	memmove(s->cell[0], s->cell[1], sizeof s->cell[0] * (SCR_ROWS - 1));
	memset(s->cell[SCR_ROWS - 1], 0, sizeof s->cell[0]);
	s->row = s->rows - 1;
}

static void
scr_put(struct screen *s, const char *p, size_t n, int w)
{
	if (w > 0 && s->col + w > s->cols) {
		s->col = 0;
		scr_newline(s);
	}
	if (w == 0) {
		/* A combining mark joins the previous cell. */
		int c = s->col > 0 ? s->col - 1 : 0;

		strncat(s->cell[s->row][c], p, n);
		return;
	}
	memset(s->cell[s->row][s->col], 0, CELL_MAX);
	memcpy(s->cell[s->row][s->col], p, n);
	if (w == 2)
		strcpy(s->cell[s->row][s->col + 1], SCR_WIDE_TAIL);
	s->col += w;
}

static void
scr_feed(struct screen *s, const char *p, size_t n)
{
	size_t i = 0, used;
	int num, w;

	while (i < n) {
		unsigned char c = (unsigned char)p[i];

		if (c == '\r') {
			s->col = 0;
			i++;
		} else if (c == '\n') {
			scr_newline(s);
			if (s->col >= s->cols)
				s->col = s->cols - 1;
			i++;
		} else if (c == '\a') {
			i++;
		} else if (c == 0x1b) {
			ck_assert_msg(
			    i + 1 < n && p[i + 1] == '[', "bare ESC at %zu", i);
			i += 2;
			num = 0;
			while (i < n && p[i] >= '0' && p[i] <= '9')
				num = num * 10 + (p[i++] - '0');
			ck_assert(i < n);
			switch (p[i++]) {
			case 'A':
				s->row -= num;
				ck_assert_msg(s->row >= 0, "cursor above top");
				if (s->col >= s->cols)
					s->col = s->cols - 1;
				break;
			case 'C':
				s->col += num;
				if (s->col >= s->cols)
					s->col = s->cols - 1;
				break;
			case 'J':
				if (num == 2)
					scr_clear_from(s, 0, 0);
				else
					scr_clear_from(s, s->row,
					    s->col < s->cols ? s->col :
							       s->cols);
				break;
			case 'H':
				s->row = s->col = 0;
				break;
			default:
				ck_abort_msg(
				    "unexpected sequence %c", p[i - 1]);
			}
		} else {
			ck_assert_msg(c >= 0x20, "control byte %#x", c);
			w = text_cp_width(
			    text_utf8_decode(p + i, n - i, &used));
			scr_put(s, p + i, used, w);
			i += used;
		}
	}
}

/* Row r as text, trailing blanks dropped. */
static const char *
scr_row(struct screen *s, int r)
{
	static char line[SCR_COLS_MAX * CELL_MAX + 1];
	int c, last = -1;

	line[0] = '\0';
	for (c = 0; c < s->cols; c++)
		if (s->cell[r][c][0] != '\0')
			last = c;
	for (c = 0; c <= last; c++) {
		if (s->cell[r][c][0] == '\0')
			strcat(line, " ");
		else if (strcmp(s->cell[r][c], SCR_WIDE_TAIL) != 0)
			strcat(line, s->cell[r][c]);
	}
	return line;
}

/* The fixture: an editor drawing onto a screen. */
static struct editor ed;
static struct screen scr;

static void
flush(void)
{
	scr_feed(&scr, buf_data(&ed.out), buf_len(&ed.out));
	buf_consume(&ed.out, buf_len(&ed.out));
}

static void
setup_cols(int cols, const char *prompt)
{
	editor_init(&ed, cols);
	scr_init(&scr, cols);
	editor_set_prompt(&ed, prompt);
	editor_show(&ed);
	flush();
}

static void
teardown(void)
{
	editor_free(&ed);
}

/* Feed keys; returns the last event that was not EDITOR_NONE. */
static enum editor_event
keys(const char *s)
{
	enum editor_event ev, last = EDITOR_NONE;

	for (; *s != '\0'; s++)
		if ((ev = editor_key(&ed, (unsigned char)*s)) != EDITOR_NONE)
			last = ev;
	flush();
	return last;
}

/* Something else is printed while the user types: hide, print, show. */
static void
incoming(const char *line)
{
	editor_hide(&ed);
	flush();
	scr_feed(&scr, line, strlen(line));
	scr_feed(&scr, "\r\n", 2);
	editor_show(&ed);
	flush();
}

#define ck_cursor(r, c)                         \
	do {                                    \
		ck_assert_int_eq(scr.row, (r)); \
		ck_assert_int_eq(scr.col, (c)); \
	} while (0)

START_TEST(test_type_and_move)
{
	setup_cols(40, "> ");
	keys("hello");
	ck_assert_str_eq(ed.text, "hello");
	ck_assert_str_eq(scr_row(&scr, 0), "> hello");
	ck_cursor(0, 7);
	keys("\033[D\033[D");
	ck_assert_uint_eq(ed.pos, 3);
	ck_cursor(0, 5);
	keys("X");
	ck_assert_str_eq(ed.text, "helXlo");
	ck_assert_str_eq(scr_row(&scr, 0), "> helXlo");
	ck_cursor(0, 6);
	keys("\001"); /* Ctrl-A */
	ck_cursor(0, 2);
	keys("\005"); /* Ctrl-E */
	ck_cursor(0, 8);
	keys("\002\002\006"); /* Ctrl-B Ctrl-B Ctrl-F */
	ck_assert_uint_eq(ed.pos, 5);
	keys("\033[H");
	ck_assert_uint_eq(ed.pos, 0);
	keys("\033[F");
	ck_assert_uint_eq(ed.pos, 6);
	keys("\033OH");
	ck_assert_uint_eq(ed.pos, 0);
	keys("\033[4~");
	ck_assert_uint_eq(ed.pos, 6);
	keys("\033[1~\033[3~"); /* Home, Delete */
	ck_assert_str_eq(ed.text, "elXlo");
	ck_assert_str_eq(scr_row(&scr, 0), "> elXlo");
	ck_cursor(0, 2);
}
END_TEST

START_TEST(test_backspace_delete)
{
	setup_cols(40, "> ");
	keys("abc\177");
	ck_assert_str_eq(ed.text, "ab");
	keys("\b");
	ck_assert_str_eq(ed.text, "a");
	keys("\001\004"); /* Ctrl-D on a non-empty line deletes */
	ck_assert_str_eq(ed.text, "");
	ck_assert_str_eq(scr_row(&scr, 0), "> ");
	keys("\177\033[3~"); /* nothing to delete: no harm */
	ck_assert_uint_eq(ed.len, 0);
}
END_TEST

START_TEST(test_kill_keys)
{
	setup_cols(40, "> ");
	keys("one two  three");
	keys("\027"); /* Ctrl-W */
	ck_assert_str_eq(ed.text, "one two  ");
	keys("\027");
	ck_assert_str_eq(ed.text, "one ");
	keys("\001\006\006"); /* cursor after "on" */
	keys("\013");         /* Ctrl-K */
	ck_assert_str_eq(ed.text, "on");
	keys("e more\002\002\002\002");
	keys("\025"); /* Ctrl-U */
	ck_assert_str_eq(ed.text, "more");
	ck_assert_uint_eq(ed.pos, 0);
	ck_assert_str_eq(scr_row(&scr, 0), "> more");
	ck_cursor(0, 2);
}
END_TEST

START_TEST(test_utf8)
{
	setup_cols(40, "> ");
	keys("h\xc3\xa9llo"); /* héllo */
	ck_assert_uint_eq(ed.len, 6);
	ck_assert_str_eq(scr_row(&scr, 0), "> h\xc3\xa9llo");
	ck_cursor(0, 7);
	keys("\033[D\033[D\033[D\033[D");
	ck_assert_uint_eq(ed.pos, 1);
	keys("\033[C"); /* over the é: one step, two bytes */
	ck_assert_uint_eq(ed.pos, 3);
	ck_cursor(0, 4);
	keys("\177");
	ck_assert_str_eq(ed.text, "hllo");
	keys("\xe2\x82\xac"); /* euro sign, 3 bytes, 1 column */
	ck_assert_str_eq(ed.text, "h\xe2\x82\xacllo");
	ck_cursor(0, 4);
	keys("\027");
	ck_assert_str_eq(ed.text, "llo");
}
END_TEST

START_TEST(test_wide)
{
	setup_cols(40, "> ");
	keys("\xe6\x97\xa5\xe6\x9c\xac"); /* two CJK, 2 columns each */
	ck_cursor(0, 6);
	keys("\033[D");
	ck_cursor(0, 4);
	ck_assert_uint_eq(ed.pos, 3);
	keys("a");
	ck_assert_str_eq(scr_row(&scr, 0),
	    "> \xe6\x97\xa5"
	    "a\xe6\x9c\xac");
	ck_cursor(0, 5);
}
END_TEST

START_TEST(test_wide_at_row_end)
{
	setup_cols(10, "> ");
	keys("abcdefg"); /* ends at column 9 */
	ck_cursor(0, 9);
	keys("\xe6\x97\xa5"); /* does not fit: next row */
	ck_assert_str_eq(scr_row(&scr, 0), "> abcdefg");
	ck_assert_str_eq(scr_row(&scr, 1), "\xe6\x97\xa5");
	ck_cursor(1, 2);
	keys("\033[D"); /* on the wide char, on row 1 */
	ck_cursor(1, 0);
	incoming("news");
	ck_assert_str_eq(scr_row(&scr, 0), "news");
	ck_assert_str_eq(scr_row(&scr, 1), "> abcdefg");
	ck_assert_str_eq(scr_row(&scr, 2), "\xe6\x97\xa5");
	ck_cursor(2, 0);
}
END_TEST

START_TEST(test_long_line_wraps)
{
	setup_cols(10, "> ");
	keys("abcdefghijklmnopqrst");
	ck_assert_str_eq(scr_row(&scr, 0), "> abcdefgh");
	ck_assert_str_eq(scr_row(&scr, 1), "ijklmnopqr");
	ck_assert_str_eq(scr_row(&scr, 2), "st");
	ck_cursor(2, 2);
	keys("\001");
	ck_cursor(0, 2);
	incoming("a message from bob"); /* longer than the screen */
	ck_assert_str_eq(scr_row(&scr, 0), "a message ");
	ck_assert_str_eq(scr_row(&scr, 1), "from bob");
	ck_assert_str_eq(scr_row(&scr, 2), "> abcdefgh");
	ck_assert_str_eq(scr_row(&scr, 3), "ijklmnopqr");
	ck_assert_str_eq(scr_row(&scr, 4), "st");
	ck_assert_str_eq(scr_row(&scr, 5), "");
	ck_cursor(2, 2);
	keys("\033[C\033[C\033[C\033[C\033[C\033[C\033[C\033[C\033[C");
	ck_cursor(3, 1); /* after the 9th char "i" */
	incoming("x");
	ck_cursor(4, 1);
	ck_assert_str_eq(scr_row(&scr, 5), "st");
	keys("\005\177\177");
	ck_assert_str_eq(scr_row(&scr, 5), "");
	ck_assert_str_eq(scr_row(&scr, 4), "ijklmnopqr");
	ck_cursor(5, 0); /* rows full: cursor on the next one */
}
END_TEST

START_TEST(test_exact_fit)
{
	setup_cols(10, "> ");
	keys("abcdefgh"); /* exactly fills the row */
	ck_assert_str_eq(scr_row(&scr, 0), "> abcdefgh");
	ck_cursor(1, 0);
	incoming("hi");
	ck_assert_str_eq(scr_row(&scr, 0), "hi");
	ck_assert_str_eq(scr_row(&scr, 1), "> abcdefgh");
	ck_assert_str_eq(scr_row(&scr, 2), "");
	ck_cursor(2, 0);
	keys("\177");
	ck_cursor(1, 9);
	ck_assert_str_eq(scr_row(&scr, 1), "> abcdefg");
}
END_TEST

START_TEST(test_enter)
{
	setup_cols(40, "> ");
	keys("hi there");
	ck_assert_int_eq(keys("\r"), EDITOR_LINE);
	ck_assert_str_eq(editor_line(&ed), "hi there");
	ck_assert_uint_eq(ed.len, 0);
	ck_assert_str_eq(scr_row(&scr, 0), "> hi there"); /* stays */
	ck_assert_str_eq(scr_row(&scr, 1), "> ");
	ck_cursor(1, 2);
	keys("a\033[Db"); /* Enter in the middle sends it all */
	ck_assert_int_eq(keys("\n"), EDITOR_LINE);
	ck_assert_str_eq(editor_line(&ed), "ba");
}
END_TEST

START_TEST(test_history)
{
	setup_cols(40, "> ");
	keys("one\rtwo\rtwo\r\r"); /* repeats and blanks not kept */
	ck_assert_uint_eq(ed.nhist, 2);
	keys("par");
	keys("\033[A");
	ck_assert_str_eq(ed.text, "two");
	ck_assert_str_eq(scr_row(&scr, 4), "> two");
	keys("\033[A");
	ck_assert_str_eq(ed.text, "one");
	keys("\033[A"); /* oldest: stays */
	ck_assert_str_eq(ed.text, "one");
	keys("\033[B");
	ck_assert_str_eq(ed.text, "two");
	keys("\033[B"); /* back to what was being typed */
	ck_assert_str_eq(ed.text, "par");
	ck_assert_uint_eq(ed.pos, 3);
	keys("\033[B");
	ck_assert_str_eq(ed.text, "par");
	keys("\020!"); /* Ctrl-P, then edit the copy */
	ck_assert_str_eq(ed.text, "two!");
	ck_assert_int_eq(keys("\r"), EDITOR_LINE);
	ck_assert_str_eq(ed.hist[1], "two");  /* history unchanged ... */
	ck_assert_str_eq(ed.hist[2], "two!"); /* ... and the new line added */
}
END_TEST

START_TEST(test_history_limit)
{
	char line[16];
	int i;

	setup_cols(40, "> ");
	for (i = 0; i < EDITOR_HISTORY_MAX + 5; i++) {
		snprintf(line, sizeof line, "l%d\r", i);
		keys(line);
	}
	ck_assert_uint_eq(ed.nhist, EDITOR_HISTORY_MAX);
	ck_assert_str_eq(ed.hist[0], "l5");
	keys("\033[A");
	snprintf(line, sizeof line, "l%d", EDITOR_HISTORY_MAX + 4);
	ck_assert_str_eq(ed.text, line);
}
END_TEST

START_TEST(test_eof_intr)
{
	setup_cols(40, "> ");
	ck_assert_int_eq(keys("\004"), EDITOR_EOF);
	ck_assert_int_eq(keys("x\003"), EDITOR_INTR);
	ck_assert_int_eq(keys("\004"), EDITOR_NONE); /* not empty */
}
END_TEST

START_TEST(test_line_limit)
{
	int i;

	setup_cols(40, "> ");
	for (i = 0; i < EDITOR_LINE_MAX + 10; i++)
		editor_key(&ed, 'x');
	ck_assert_uint_eq(ed.len, EDITOR_LINE_MAX);
	for (i = 0; i < 10; i++)
		editor_key(&ed, 0xe6), editor_key(&ed, 0x97),
		    editor_key(&ed, 0xa5);
	ck_assert_uint_eq(ed.len, EDITOR_LINE_MAX);
	buf_consume(&ed.out, buf_len(&ed.out));
}
END_TEST

START_TEST(test_invalid_utf8)
{
	setup_cols(40, "> ");
	keys("\xff"); /* never valid: one byte */
	ck_assert_uint_eq(ed.len, 1);
	keys("\xe6"
	     "a"); /* cut short: both bytes kept */
	ck_assert_uint_eq(ed.len, 3);
	ck_assert_str_eq(ed.text,
	    "\xff\xe6"
	    "a");
	keys("\177\177\177");
	ck_assert_uint_eq(ed.len, 0);
	keys("\xe6\x97\003"); /* a control key drops the partial */
	ck_assert_uint_eq(ed.len, 0);
}
END_TEST

START_TEST(test_escapes_ignored)
{
	setup_cols(40, "> ");
	keys("ab\033x\033[1;5Z\033[99~\t\a");
	ck_assert_str_eq(ed.text, "ab");
	keys("\033[1;5D"); /* Ctrl-Left: plain Left */
	ck_assert_uint_eq(ed.pos, 1);
}
END_TEST

START_TEST(test_prompt_and_resize)
{
	setup_cols(20, "> ");
	keys("abcdef\002\002");
	editor_set_prompt(&ed, "[#lobby alice]> ");
	flush();
	ck_assert_str_eq(scr_row(&scr, 0), "[#lobby alice]> abcd");
	ck_assert_str_eq(scr_row(&scr, 1), "ef");
	ck_cursor(1, 0);
	editor_resize(&ed, 30);
	scr.cols = 30;
	flush();
	ck_assert_str_eq(scr_row(&scr, 0), "[#lobby alice]> abcdef");
	ck_cursor(0, 20);
	keys("\014"); /* Ctrl-L */
	ck_assert_str_eq(scr_row(&scr, 0), "[#lobby alice]> abcdef");
	ck_cursor(0, 20);
}
END_TEST

START_TEST(test_hidden_no_output)
{
	editor_init(&ed, 40);
	scr_init(&scr, 40);
	editor_set_prompt(&ed, "> ");
	editor_hide(&ed);
	ck_assert_uint_eq(buf_len(&ed.out), 0);
	ck_assert_int_eq(keys("abc\r"), EDITOR_LINE);
	ck_assert_str_eq(editor_line(&ed), "abc");
	ck_assert_str_eq(scr_row(&scr, 0), "");
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("editor");
	TCase *tc = tcase_create("keys");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_type_and_move);
	tcase_add_test(tc, test_backspace_delete);
	tcase_add_test(tc, test_kill_keys);
	tcase_add_test(tc, test_utf8);
	tcase_add_test(tc, test_wide);
	tcase_add_test(tc, test_wide_at_row_end);
	tcase_add_test(tc, test_long_line_wraps);
	tcase_add_test(tc, test_exact_fit);
	tcase_add_test(tc, test_enter);
	tcase_add_test(tc, test_history);
	tcase_add_test(tc, test_history_limit);
	tcase_add_test(tc, test_eof_intr);
	tcase_add_test(tc, test_line_limit);
	tcase_add_test(tc, test_invalid_utf8);
	tcase_add_test(tc, test_escapes_ignored);
	tcase_add_test(tc, test_prompt_and_resize);
	tcase_add_test(tc, test_hidden_no_output);
	suite_add_tcase(s, tc);
	return s;
}
