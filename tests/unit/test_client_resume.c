/* test_client_resume.c: after a reconnect, what was missed, in order, once (chat-v2 §3). */
#include <check.h>

#include "client_util.h"

#define S CU_STAMP

/* A room message from bob with a msgid, as chatd sends it. */
static void
said(const char *batch, const char *id, const char *text)
{
	cu_feed("@%s%s%stime=2026-12-01T12:04:05.000Z;msgid=%s "
		":bob!bob@chatd PRIVMSG #lobby :%s",
	    batch != NULL ? "batch=" : "", batch != NULL ? batch : "",
	    batch != NULL ? ";" : "", id, text);
}

/* Connection lost and back: registration again, the JOIN of the room
 * chat was in; returns what chat sent after its own JOIN came back. */
static const char *
reconnect(const char *isupport)
{
	client_disconnected(&cl);
	client_connected(&cl);
	ck_assert_str_eq(cu_sent(),
	    "CAP LS 302\r\nNICK alice\r\nUSER alice 0 * :chat user\r\n");
	cu_feed(":chatd CAP * LS :" CU_ALL_CAPS);
	cu_feed(":chatd CAP * ACK :" CU_ALL_CAPS);
	cu_feed(":chatd 001 alice :Welcome to chatd, alice");
	cu_feed(":chatd 005 alice %s :are supported by this server", isupport);
	ck_assert_ptr_nonnull(strstr(cu_sent(), "JOIN #lobby\r\n"));
	cu_feed(CU_TIME ":alice!alice@chatd JOIN #lobby");
	cu_feed(":chatd 353 alice = #lobby :@bob alice");
	cu_feed(":chatd 366 alice #lobby :End of /NAMES list");
	ck_assert_str_eq(cu_shown(),
	    S "-!- welcome to chatd, alice! you are in #lobby; type /help for "
	      "commands\n");
	return cu_sent();
}

START_TEST(test_missed_in_order_once)
{
	cu_register(CU_ALL_CAPS);
	said(NULL, "m1", "one");
	said(NULL, "m2", "two");
	said(NULL, "m3", "three");
	/* Another room's message is no place to resume #lobby from. */
	cu_feed("@time=2026-12-01T12:04:05.000Z;msgid=d1 :bob!bob@chatd "
		"PRIVMSG #dev :elsewhere");
	ck_assert_str_eq(cu_shown(),
	    S "<bob> one\n" S "<bob> two\n" S "<bob> three\n" S
	      "#dev <bob> elsewhere\n");
	ck_assert_str_eq(reconnect("CHATHISTORY=100"),
	    "CHATHISTORY AFTER #lobby msgid=m3 100\r\n");
	/* Live lines before the history reply wait for it... */
	said(NULL, "m5", "five");
	cu_feed(CU_TIME ":dave!dave@chatd JOIN #lobby");
	ck_assert_str_eq(cu_shown(), "");
	/* ...so that the missed ones come first, each once, even where the
	 * batch overlaps what was printed or what is held. */
	cu_feed(":chatd BATCH +h1 chathistory #lobby");
	said("h1", "m2", "two");
	said("h1", "m3", "three");
	said("h1", "m4", "four");
	said("h1", "m5", "five");
	ck_assert_str_eq(cu_shown(), S "<bob> four\n" S "<bob> five\n");
	cu_feed(":chatd BATCH -h1");
	ck_assert_str_eq(cu_shown(), S "-!- dave has joined #lobby\n");
	said(NULL, "m6", "six");
	ck_assert_str_eq(cu_shown(), S "<bob> six\n");
	ck_assert_str_eq(cl.resume.last, "m6");
	ck_assert_str_eq(cu_sent(), "");
}
END_TEST

/* A full batch may not be all of it: chat asks on from its last msgid. */
START_TEST(test_missed_in_pieces)
{
	cu_register(CU_ALL_CAPS);
	said(NULL, "m1", "one");
	(void)cu_shown();
	ck_assert_str_eq(reconnect("CHATHISTORY=2"),
	    "CHATHISTORY AFTER #lobby msgid=m1 2\r\n");
	said(NULL, "m5", "five");
	cu_feed(":chatd BATCH +a chathistory #lobby");
	said("a", "m2", "two");
	said("a", "m3", "three");
	cu_feed(":chatd BATCH -a");
	ck_assert_str_eq(cu_sent(), "CHATHISTORY AFTER #lobby msgid=m3 2\r\n");
	said(NULL, "m6", "six");
	cu_feed(":chatd BATCH +b chathistory #lobby");
	said("b", "m4", "four");
	said("b", "m5", "five");
	cu_feed(":chatd BATCH -b");
	ck_assert_str_eq(cu_sent(), "CHATHISTORY AFTER #lobby msgid=m5 2\r\n");
	cu_feed(":chatd BATCH +c chathistory #lobby");
	said("c", "m6", "six");
	cu_feed(":chatd BATCH -c");
	ck_assert_str_eq(cu_sent(), "");
	ck_assert_str_eq(cu_shown(),
	    S "<bob> two\n" S "<bob> three\n" S "<bob> four\n" S
	      "<bob> five\n" S "<bob> six\n");
	ck_assert(!cl.resume.holding);
}
END_TEST

/* No history after all (FAIL, an old chatd's 421): what was held is
 * shown, and chat goes on. */
START_TEST(test_missed_fails)
{
	cu_register(CU_ALL_CAPS);
	said(NULL, "m1", "one");
	(void)cu_shown();
	(void)reconnect("CHATHISTORY=100");
	said(NULL, "m2", "two");
	ck_assert_str_eq(cu_shown(), "");
	cu_feed(":chatd FAIL CHATHISTORY INVALID_TARGET AFTER #lobby :no");
	ck_assert_str_eq(cu_shown(), S "<bob> two\n");
	(void)reconnect("CHATHISTORY=100");
	said(NULL, "m3", "three");
	cu_feed(":chatd 421 alice CHATHISTORY :Unknown command");
	ck_assert_str_eq(cu_shown(), S "<bob> three\n");
	ck_assert_int_eq(cu_errors, 0);
}
END_TEST

/* A reply that never comes holds nothing back for long. */
START_TEST(test_missed_timeout)
{
	cu_register(CU_ALL_CAPS);
	said(NULL, "m1", "one");
	(void)cu_shown();
	(void)reconnect("CHATHISTORY=100");
	said(NULL, "m2", "two");
	client_resume_timeout(&cl);
	ck_assert_str_eq(cu_shown(), "");
	cu_now += RESUME_WAIT_MS + 1;
	client_resume_timeout(&cl);
	ck_assert_str_eq(cu_shown(), S "<bob> two\n");
	/* The batch arriving late still adds nothing twice. */
	cu_feed(":chatd BATCH +x chathistory #lobby");
	said("x", "m2", "two");
	cu_feed(":chatd BATCH -x");
	ck_assert_str_eq(cu_shown(), "");
	/* Nor does the connection dropping while lines are held lose them. */
	(void)reconnect("CHATHISTORY=100");
	said(NULL, "m3", "three");
	client_disconnected(&cl);
	ck_assert_str_eq(cu_shown(), S "<bob> three\n");
}
END_TEST

/* Nothing said yet in the room: resume from the time chat joined it.
 * And a server without draft/chathistory is not asked. */
START_TEST(test_missed_by_time)
{
	cu_register(CU_ALL_CAPS);
	ck_assert_str_eq(reconnect("CHATHISTORY=100"),
	    "CHATHISTORY AFTER #lobby timestamp=2026-12-01T12:04:05.000Z "
	    "100\r\n");
	cu_teardown();
	cu_setup();
	cu_register("server-time message-tags echo-message batch");
	said(NULL, "m1", "one");
	(void)cu_shown();
	client_disconnected(&cl);
	client_connected(&cl);
	cu_feed(":chatd CAP * LS :server-time batch");
	cu_feed(":chatd CAP * ACK :server-time batch");
	cu_feed(":chatd 001 alice :Welcome");
	(void)cu_sent();
	cu_feed(CU_TIME ":alice!alice@chatd JOIN #lobby");
	ck_assert_str_eq(cu_sent(), "");
	said(NULL, "m2", "two");
	ck_assert_ptr_nonnull(strstr(cu_shown(), "<bob> two\n"));
}
END_TEST

/* /history: the batch as chatd shows a plain-text /history. */
START_TEST(test_history_block)
{
	cu_register(CU_ALL_CAPS);
	said(NULL, "m1", "one");
	(void)cu_shown();
	client_typed(&cl, "/history 5");
	ck_assert_str_eq(cu_sent(), "CHATHISTORY LATEST #lobby * 5\r\n");
	cu_feed(":chatd BATCH +q chathistory #lobby");
	cu_feed("@batch=q;time=2026-12-01T11:58:01.123Z;msgid=m0 "
		":carol!carol@chatd PRIVMSG #lobby :\001ACTION looks\001");
	said("q", "m1", "one");
	ck_assert_str_eq(cu_shown(), "");
	cu_feed(":chatd BATCH -q");
	ck_assert_str_eq(cu_shown(),
	    S "-!- last 2 messages in #lobby:\n[11:58:01] * carol looks\n" S
	      "<bob> one\n" S "-!- end of history\n");
	client_typed(&cl, "/history");
	(void)cu_sent();
	cu_feed(":chatd BATCH +r chathistory #lobby");
	cu_feed(":chatd BATCH -r");
	ck_assert_str_eq(cu_shown(), S "-!- no history in #lobby\n");
	/* What shows nothing (a CTCP) counts for nothing. */
	client_typed(&cl, "/history");
	(void)cu_sent();
	cu_feed(":chatd BATCH +s chathistory #lobby");
	cu_feed(
	    "@batch=s;msgid=v1 :bob!bob@chatd PRIVMSG #lobby :\001VERSION\001");
	cu_feed(":chatd BATCH -s");
	ck_assert_str_eq(cu_shown(), S "-!- no history in #lobby\n");
}
END_TEST

/* The msgids remembered: the newest RESUME_SEEN_MAX. */
START_TEST(test_seen_ring)
{
	struct resume r;
	char id[32];
	int i;

	resume_init(&r);
	ck_assert(!resume_seen(&r, "x"));
	ck_assert(!resume_seen(&r, NULL));
	for (i = 0; i < RESUME_SEEN_MAX + 10; i++) {
		snprintf(id, sizeof id, "id%d", i);
		resume_add(&r, id);
		resume_add(&r, id); /* twice is once */
	}
	ck_assert_uint_eq(r.n, RESUME_SEEN_MAX);
	ck_assert(!resume_seen(&r, "id0"));
	ck_assert(!resume_seen(&r, "id9"));
	ck_assert(resume_seen(&r, "id10"));
	snprintf(id, sizeof id, "id%d", RESUME_SEEN_MAX + 9);
	ck_assert(resume_seen(&r, id));
	resume_free(&r);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("client_resume");
	TCase *tc = tcase_create("resume");

	tcase_add_checked_fixture(tc, cu_setup, cu_teardown);
	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_missed_in_order_once);
	tcase_add_test(tc, test_missed_in_pieces);
	tcase_add_test(tc, test_missed_fails);
	tcase_add_test(tc, test_missed_timeout);
	tcase_add_test(tc, test_missed_by_time);
	tcase_add_test(tc, test_history_block);
	tcase_add_test(tc, test_seen_ring);
	suite_add_tcase(s, tc);
	return s;
}
