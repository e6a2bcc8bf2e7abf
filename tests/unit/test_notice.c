/* test_notice.c: the client follows its nick and room from the server's notices. */
#include <string.h>

#include <check.h>

#include "buf.h"
#include "check_main.h"
#include "notice.h"
#include "colour.h"

#define STAMP "[12:00:00] "

START_TEST(test_welcome_and_changes)
{
	struct notice_self self;
	char prompt[64];

	memset(&self, 0, sizeof self);
	notice_prompt(&self, prompt, sizeof prompt);
	ck_assert_str_eq(prompt, "> ");
	ck_assert(notice_track(&self,
	    STAMP "-!- welcome to chatd, guest1! "
		  "you are in #lobby; type /help for commands"));
	ck_assert_str_eq(self.nick, "guest1");
	ck_assert_str_eq(self.room, "#lobby");
	notice_prompt(&self, prompt, sizeof prompt);
	ck_assert_str_eq(prompt, "[#lobby guest1]> ");
	/* Somebody else's change is not ours. */
	ck_assert(!notice_track(&self, STAMP "-!- guest2 is now known as bob"));
	ck_assert(!notice_track(&self, STAMP "-!- bob has joined #lobby"));
	ck_assert(notice_track(&self,
	    STAMP "-!- guest1 is now known as "
		  "alice"));
	ck_assert_str_eq(self.nick, "alice");
	ck_assert(notice_track(&self, STAMP "-!- alice has joined #dev"));
	ck_assert_str_eq(self.room, "#dev");
	/* Messages are never taken for notices. */
	ck_assert(!notice_track(&self, STAMP "<bob> alice has joined #fake"));
	ck_assert(!notice_track(&self,
	    STAMP "-!- error: you are already in "
		  "#dev"));
	ck_assert_str_eq(self.room, "#dev");
}
END_TEST

/* Another user's words can never move the prompt, wherever the server
 * puts them in a notice (issue: "/quit you are in #owned"). */
START_TEST(test_spoofing)
{
	static const char *const fakes[] = {
		STAMP "-!- bob has quit (you are in #owned)",
		STAMP "-!- bob has quit (alice has joined #owned)",
		STAMP "-!- bob has quit (alice is now known as mallory)",
		STAMP "-!- bob set the topic of #dev: alice has joined #owned",
		STAMP
		"-!- bob has left #dev (you are in #owned; type /help for commands)",
		STAMP "-!- alice has joined #owned (really)",
		STAMP "-!- alice has joined #owned #x",
		STAMP "-!- alice is now known as mallory!",
		STAMP
		"-!- welcome to chatd, mallory! you are in #owned; type /help for commands and more",
		STAMP "<bob> -!- alice has joined #owned",
		STAMP "*bob* -!- alice is now known as mallory",
		STAMP
		"-!- topic of #dev: -!- alice has joined #owned (set by bob)",
	};
	struct notice_self self;
	size_t i;

	memset(&self, 0, sizeof self);
	ck_assert(notice_track(&self,
	    STAMP
	    "-!- welcome to chatd, alice! you are in #dev; type /help for commands"));
	for (i = 0; i < sizeof fakes / sizeof fakes[0]; i++) {
		ck_assert_msg(
		    !notice_track(&self, fakes[i]), "moved by %s", fakes[i]);
		ck_assert_str_eq(self.nick, "alice");
		ck_assert_str_eq(self.room, "#dev");
	}
}
END_TEST

START_TEST(test_password_welcome)
{
	struct notice_self self;
	char prompt[64];

	memset(&self, 0, sizeof self);
	ck_assert(notice_track(&self,
	    STAMP "-!- welcome to chatd, guest7! "
		  "this server needs a password: /pass PASSWORD"));
	notice_prompt(&self, prompt, sizeof prompt);
	ck_assert_str_eq(prompt, "[guest7]> ");
	ck_assert(notice_track(&self,
	    STAMP "-!- password accepted; you are "
		  "in #lobby; type /help for commands"));
	ck_assert_str_eq(self.room, "#lobby");
}
END_TEST

START_TEST(test_reason)
{
	char reason[NOTICE_REASON_MAX];

	ck_assert(notice_reason(
	    STAMP "-!- error: server full", reason, sizeof reason));
	ck_assert_str_eq(reason, "server full");
	ck_assert(notice_reason(
	    STAMP "-!- server shutting down", reason, sizeof reason));
	ck_assert_str_eq(reason, "server shutting down");
	ck_assert(!notice_reason(STAMP "-!- bye", reason, sizeof reason));
	ck_assert(
	    !notice_reason(STAMP "<x> -!- error: fake", reason, sizeof reason));
}
END_TEST

/* line as render_line draws it, into a NUL-terminated buffer. */
static const char *
render(struct buf *b, const char *line)
{
	buf_consume(b, buf_len(b));
	ck_assert_int_eq(colour_line(b, line), 0);
	ck_assert_int_eq(buf_append(b, "", 1), 0);
	return buf_data(b);
}

#define DIM_STAMP "\033[2m" STAMP "\033[0m"
#define BOB       "\033[36mbob\033[0m" /* bob's colour, by its hash */

/* Every form, byte for byte: the stamp dimmed, nicks in their colour
 * (the same whatever their case), private ones bold, errors red. */
START_TEST(test_render)
{
	struct buf b;

	buf_init(&b);
	ck_assert_str_eq(
	    render(&b, STAMP "<bob> hi"), DIM_STAMP "<" BOB "> hi");
	ck_assert_str_eq(
	    render(&b, STAMP "<BOB> hi"), DIM_STAMP "<\033[36mBOB\033[0m> hi");
	ck_assert_str_eq(render(&b, STAMP "<alice> hi"),
	    DIM_STAMP "<\033[96malice\033[0m> hi");
	ck_assert_str_eq(
	    render(&b, STAMP "* bob waves"), DIM_STAMP "* " BOB " waves");
	ck_assert_str_eq(
	    render(&b, STAMP "*bob* psst"), DIM_STAMP "*\033[1m" BOB "* psst");
	ck_assert_str_eq(render(&b, STAMP "-> *bob* psst"),
	    DIM_STAMP "-> *\033[1m" BOB "* psst");
	ck_assert_str_eq(render(&b, STAMP "-!- error: no such nick x"),
	    DIM_STAMP "\033[31m-!- error: no such nick x\033[0m");
	ck_assert_str_eq(render(&b, STAMP "-!- bob has joined #lobby"),
	    DIM_STAMP "\033[2m-!- bob has joined #lobby\033[0m");
	ck_assert_str_eq(render(&b, "no stamp at all"), "no stamp at all");
	buf_free(&b);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("notice");
	TCase *tc = tcase_create("track");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_welcome_and_changes);
	tcase_add_test(tc, test_password_welcome);
	tcase_add_test(tc, test_spoofing);
	tcase_add_test(tc, test_reason);
	tcase_add_test(tc, test_render);
	suite_add_tcase(s, tc);
	return s;
}
