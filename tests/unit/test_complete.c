/* test_complete.c: Tab completion of nicks from the room (chat-v2 §6), and the editor's parts it uses. */
#include <string.h>

#include <check.h>

#include "check_main.h"
#include "complete.h"
#include "editor.h"
#include "members.h"

static struct editor ed;
static struct members m;
static struct complete cp;

static void
setup(void)
{
	editor_init(&ed, 80);
	editor_set_prompt(&ed, "> ");
	members_init(&m);
	memset(&cp, 0, sizeof cp);
	ck_assert(members_add(&m, "alice") == 0);
	ck_assert(members_add(&m, "bob") == 0);
	ck_assert(members_add(&m, "Bobby") == 0);
	ck_assert(members_add(&m, "carol") == 0);
	ck_assert(members_add(&m, "BOB") == 0); /* bob again */
	ck_assert_uint_eq(m.n, 4);
}

static void
teardown(void)
{
	editor_free(&ed);
	members_clear(&m);
}

/* Keys through the editor as session_read_keys passes them. */
static void
keys(const char *s)
{
	enum editor_event ev;

	for (; *s != '\0'; s++) {
		ev = editor_key(&ed, (unsigned char)*s);
		if (ev == EDITOR_TAB)
			complete_tab(&cp, &ed, &m, "alice");
		else
			complete_reset(&cp);
	}
}

START_TEST(test_line_start)
{
	keys("ca\t");
	ck_assert_str_eq(ed.text, "carol: ");
	ck_assert_uint_eq(ed.pos, 7);
	keys("hi");
	ck_assert_str_eq(ed.text, "carol: hi");
}
END_TEST

/* Repeated Tabs cycle, in order ignoring case, round and round. */
START_TEST(test_cycle)
{
	keys("thanks b\t");
	ck_assert_str_eq(ed.text, "thanks bob ");
	keys("\t");
	ck_assert_str_eq(ed.text, "thanks Bobby ");
	keys("\t");
	ck_assert_str_eq(ed.text, "thanks bob ");
	/* Another key ends it: the next Tab starts from what is there. */
	keys("\177\t");
	ck_assert_str_eq(ed.text, "thanks bob ");
}
END_TEST

/* Not one's own nick; no match rings and changes nothing. */
START_TEST(test_no_match)
{
	buf_consume(&ed.out, buf_len(&ed.out));
	keys("al\t");
	ck_assert_str_eq(ed.text, "al");
	ck_assert_ptr_nonnull(
	    memchr(buf_data(&ed.out), '\a', buf_len(&ed.out)));
	keys("\025zed\t");
	ck_assert_str_eq(ed.text, "zed");
	/* In the middle of a line, only the word before the cursor. */
	keys("\001c\t");
	ck_assert_str_eq(ed.text, "carol: zed");
	ck_assert_uint_eq(ed.pos, 7);
}
END_TEST

START_TEST(test_members)
{
	members_rename(&m, "bob", "robert");
	ck_assert(!members_has(&m, "bob"));
	ck_assert(members_has(&m, "ROBERT"));
	members_remove(&m, "carol");
	ck_assert(!members_has(&m, "carol"));
	ck_assert_str_eq(members_match(&m, "", 0, "alice", 0), "Bobby");
	ck_assert_str_eq(members_match(&m, "", 0, "alice", 1), "robert");
	ck_assert_str_eq(members_match(&m, "", 0, NULL, 3), "alice");
	ck_assert_ptr_null(members_match(&m, "x", 1, NULL, 0));
}
END_TEST

/* A password is never drawn, never kept, and leaves only the prompt. */
START_TEST(test_secret)
{
	const char *out;

	editor_show(&ed);
	keys("draft");
	editor_set_prompt(&ed, "password: ");
	editor_set_secret(&ed, 1);
	buf_consume(&ed.out, buf_len(&ed.out));
	keys("hunter2\033[D\033[A");
	ck_assert_int_eq(editor_key(&ed, '\r'), EDITOR_LINE);
	ck_assert_str_eq(editor_line(&ed), "hunter2");
	ck_assert(buf_append(&ed.out, "", 1) == 0);
	out = buf_data(&ed.out);
	ck_assert_ptr_null(strstr(out, "hunt"));
	ck_assert_ptr_nonnull(strstr(out, "password: \r\n"));
	ck_assert_uint_eq(ed.nhist, 0);
	editor_set_secret(&ed, 0);
	editor_set_line(&ed, "draft", 2);
	ck_assert_str_eq(ed.text, "draft");
	ck_assert_uint_eq(ed.pos, 2);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("complete");
	TCase *tc = tcase_create("tab");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_line_start);
	tcase_add_test(tc, test_cycle);
	tcase_add_test(tc, test_no_match);
	tcase_add_test(tc, test_members);
	tcase_add_test(tc, test_secret);
	suite_add_tcase(s, tc);
	return s;
}
