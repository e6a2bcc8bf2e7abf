/* test_irc_lines.c: irc-v1 §2, lines: framing, form, sizes, cuts, order. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "ircc.h"

/* Bytes of a line as it travels, CR LF included, tags not counted. */
static size_t
wire_len(const struct irc_msg *m)
{
	return m->len - m->tagsec + 2;
}

static void
raw(struct ircc *ic, const char *s)
{
	irc_send_raw(ic, s, strlen(s));
}

/* A string of n copies of ch (static buffer, one at a time). */
static const char *
fill(char ch, size_t n)
{
	static char buf[IRC_LINEMAX];

	ck_assert(n < sizeof buf);
	memset(buf, ch, n);
	buf[n] = '\0';
	return buf;
}

START_TEST(test_crlf_out)
{
	struct srv s;
	struct ircc *ic;
	struct irc_msg *v;
	int n, i;

	irc_srv_start(&s, NULL);
	ic = irc_open(s.port, "alice");
	irc_send(ic, "NICK alice");
	irc_send(ic, "USER alice 0 * :A");
	irc_send(ic, "PING end");
	v = irc_collect(ic, "PONG", &n);
	for (i = 0; i < n; i++)
		ck_assert_msg(v[i].crlf, "line %d does not end with CR LF: %s",
		    i, v[i].line);
	free(v);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_input_framing)
{
	struct srv s;
	struct ircc *a, *b;
	const char *p = "PING bytes\r\n";

	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	b = irc_user(s.port, "bob");
	/* LF alone ends a line too. */
	raw(a, "PING lf\n");
	irc_want(a, ":chatd PONG chatd :lf");
	/* Many lines in one write, answered in order. */
	raw(a, "PING 1\r\nPING 2\nPING 3\r\n");
	irc_want(a, ":chatd PONG chatd :1");
	irc_want(a, ":chatd PONG chatd :2");
	irc_want(a, ":chatd PONG chatd :3");
	/* One byte at a time. */
	for (; *p != '\0'; p++) {
		irc_send_raw(a, p, 1);
		usleep(2000);
	}
	irc_want(a, ":chatd PONG chatd :bytes");
	/* Empty lines are ignored. */
	raw(a, "\r\n\n\r\n");
	irc_nothing(a);
	/* One or more spaces between params; the trailing keeps its own. */
	irc_send(a, "PRIVMSG   bob    :hi  there ");
	irc_want(b, ":alice!alice@chatd PRIVMSG bob :hi  there ");
	irc_send(a, "PING     many");
	irc_want(a, ":chatd PONG chatd :many");
	/* A trailing that starts with ':' keeps it. */
	irc_send(a, "PRIVMSG bob ::-)");
	irc_want(b, ":alice!alice@chatd PRIVMSG bob ::-)");
	/* The last param without a colon is the same param. */
	irc_send(a, "PRIVMSG bob word");
	irc_want(b, ":alice!alice@chatd PRIVMSG bob :word");
	/* Split inside a UTF-8 character (e with acute: C3 A9). */
	irc_send_raw(a, "PRIVMSG bob :h\xc3", 15);
	usleep(100 * 1000);
	irc_send_raw(a, "\xa9llo\r\n", 6);
	irc_want(b, ":alice!alice@chatd PRIVMSG bob :h\xc3\xa9llo");
	irc_nothing(b);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_size_512)
{
	/* --max-line governs plain text only: 100 here must not matter. */
	static const char *const args[] = { "--max-line", "100", NULL };
	static const char *const big[] = { "--max-line", "8192", NULL };
	struct srv s;
	struct ircc *a, *b, *u;
	struct irc_msg *m;
	char text[600];

	irc_srv_start(&s, args);
	a = irc_user(s.port, "alice");
	b = irc_user(s.port, "bob");
	/* "PRIVMSG bob :" + 497 + CR LF = 512 bytes: accepted. */
	memset(text, 'x', 497);
	text[497] = '\0';
	irc_send(a, "PRIVMSG bob :%s", text);
	m = irc_until(b, "PRIVMSG");
	ck_assert_msg(m->nparams == 2 &&
		strncmp(m->params[1], text, strlen(m->params[1])) == 0,
	    "a 512-byte line must be accepted and relayed, got %s", m->line);
	irc_nothing(a);
	/* 513 bytes: dropped whole, 417, the connection stays. */
	irc_send(a, "PRIVMSG bob :%sy", text);
	irc_want(a, ":chatd 417 alice :" ANY);
	irc_nothing(a);
	irc_nothing(b);
	/* Far over: one 417 for the whole line. */
	irc_send(a, "PRIVMSG bob :%s", fill('z', 5000));
	irc_want(a, ":chatd 417 alice :" ANY);
	irc_nothing(a);
	irc_send(a, "PRIVMSG bob :after");
	irc_want(b, ":alice!alice@chatd PRIVMSG bob :after");
	/* Before registration the nick is "*" (CAP LS first: IRC, no nick). */
	u = irc_open(s.port, "unreg");
	irc_send(u, "CAP LS 302");
	irc_until(u, "CAP");
	irc_send(u, "PING %s", fill('q', 600));
	irc_want(u, ":chatd 417 * :" ANY);
	irc_send(u, "PING ok");
	irc_want(u, ":chatd PONG chatd :ok");
	srv_stop_ok(&s);
	/* Nor does a larger --max-line let a longer IRC line in. */
	irc_srv_start(&s, big);
	a = irc_user(s.port, "alice");
	irc_send(a, "PRIVMSG alice :%sy", text);
	irc_want(a, ":chatd 417 alice :" ANY);
	irc_nothing(a);
	srv_stop_ok(&s);
}
END_TEST

/* "@a=vvv...v " of n bytes, '@' to the space inclusive, into buf. */
static void
tag_section(char *buf, size_t n)
{
	memcpy(buf, "@a=", 3);
	memset(buf + 3, 'v', n - 4);
	buf[n - 1] = ' ';
	buf[n] = '\0';
}

START_TEST(test_size_tags_4096)
{
	struct srv s;
	struct ircc *a, *b;
	char tags[4200];

	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	b = irc_user(s.port, "bob");
	/* "@a=vvv... " is 4096 bytes from '@' to the space, inclusive. */
	tag_section(tags, 4096);
	irc_send(a, "%sPING tagged", tags);
	irc_want(a, ":chatd PONG chatd :tagged");
	/* With a 512-byte rest too. */
	irc_send(a, "%sPRIVMSG bob :%s", tags, fill('x', 497));
	irc_until(b, "PRIVMSG");
	irc_nothing(a);
	/* One byte more in the tags: 417, nothing relayed, still there. */
	tag_section(tags, 4097);
	irc_send(a, "%sPRIVMSG bob :over", tags);
	irc_want(a, ":chatd 417 alice :" ANY);
	irc_nothing(b);
	irc_send(a, "PING still");
	irc_want(a, ":chatd PONG chatd :still");
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_fifteen_params)
{
	struct srv s;
	struct ircc *a;

	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	irc_user(s.port, "carol");
	irc_user(s.port, "dave");
	/* Exactly 15 params, the last a trailing with spaces. */
	irc_send(a,
	    "ISON x1 x2 x3 x4 x5 x6 x7 x8 x9 x10 x11 x12 x13 alice "
	    ":carol dave");
	irc_want(a, ":chatd 303 alice :alice carol dave");
	/* 17 words: as RFC 2812, the 15th param is the rest of the line
	 * (irc-v1 is silent past 15; read as: never more, nothing lost). */
	irc_send(a,
	    "ISON x1 x2 x3 x4 x5 x6 x7 x8 x9 x10 x11 x12 x13 x14 "
	    "alice carol dave");
	irc_want(a, ":chatd 303 alice :alice carol dave");
	irc_nothing(a);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_commands_any_case)
{
	struct srv s;
	struct ircc *a, *b;

	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	b = irc_user(s.port, "bob");
	irc_send(a, "ping a");
	irc_want(a, ":chatd PONG chatd :a");
	irc_send(a, "PiNg b");
	irc_want(a, ":chatd PONG chatd :b");
	irc_send(a, "privmsg bob :x");
	irc_want(b, ":alice!alice@chatd PRIVMSG bob :x");
	irc_send(a, "pRiVmSg bob :y");
	irc_want(b, ":alice!alice@chatd PRIVMSG bob :y");
	irc_send(a, "join #r");
	irc_want(a, ":alice!alice@chatd JOIN #r");
	irc_until(a, "366");
	irc_send(b, "Join #r");
	irc_want(b, ":bob!bob@chatd JOIN #r");
	irc_want(a, ":bob!bob@chatd JOIN #r");
	irc_until(b, "366");
	irc_send(a, "notice #r :n");
	irc_want(b, ":alice!alice@chatd NOTICE #r :n");
	irc_send(a, "part #r");
	irc_want(a, ":alice!alice@chatd PART #r");
	irc_want(b, ":alice!alice@chatd PART #r");
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_client_source_ignored)
{
	struct srv s;
	struct ircc *a, *b;

	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	b = irc_user(s.port, "bob");
	irc_send(a, ":evil!e@example.org PRIVMSG bob :hi");
	irc_want(b, ":alice!alice@chatd PRIVMSG bob :hi");
	irc_send(a, ":bob PRIVMSG bob :me");
	irc_want(b, ":alice!alice@chatd PRIVMSG bob :me");
	irc_send(a, "@x=1 :chatd PING z");
	irc_want(a, ":chatd PONG chatd :z");
	irc_send(a, ":bob NICK ann");
	irc_want(a, ":alice!alice@chatd NICK ann");
	srv_stop_ok(&s);
}
END_TEST

/* The text sent, its cut as a receiver with header hdr must see it. */
static void
want_cut(struct ircc *r, const char *hdr, const char *text)
{
	struct irc_msg *m = irc_until(r, "PRIVMSG");
	size_t max = 512 - 2 - strlen(hdr), k;

	k = irc_utf8_cut(text, strlen(text), max);
	ck_assert_msg(wire_len(m) <= 512, "%s: relayed line is %zu bytes",
	    r->name, wire_len(m));
	ck_assert_msg(m->nparams == 2 && strlen(m->params[1]) == k &&
		strncmp(m->params[1], text, k) == 0,
	    "%s: want the text cut to %zu bytes (line %zu bytes), got %zu "
	    "bytes: %s",
	    r->name, k, strlen(hdr) + k + 2,
	    m->nparams == 2 ? strlen(m->params[1]) : 0, m->line);
}

START_TEST(test_relay_cut)
{
	struct srv s;
	struct ircc *a, *b;
	struct conn *t;
	char text[600], line[2048];
	size_t i;

	irc_srv_start(&s, NULL);
	a = irc_register(s.port, "alice", "echo-message", NULL);
	b = irc_user(s.port, "bob");
	t = txt_login(s.port, "tess");
	irc_send(a, "JOIN #lobby");
	irc_until(a, "366");
	irc_send(b, "JOIN #lobby");
	irc_until(b, "366");
	irc_until(a, "JOIN");
	txt_find(t, "bob has joined");
	/* ASCII: 497 bytes of text, over 512 only by the prefix. */
	memset(text, 'a', 497);
	text[497] = '\0';
	irc_send(a, "PRIVMSG bob :%s", text);
	want_cut(b, ":alice!alice@chatd PRIVMSG bob :", text);
	want_cut(a, ":alice!alice@chatd PRIVMSG bob :", text); /* echo */
	/* Two-byte characters after two ASCII bytes: the cut (at 475 bytes
	 * of text) would land inside one. The line sent is 511 bytes. */
	memcpy(text, "aa", 2);
	for (i = 2; i + 2 <= 494; i += 2)
		memcpy(text + i, "\xc3\xa9", 2);
	text[i] = '\0';
	irc_send(a, "PRIVMSG #lobby :%s", text);
	want_cut(b, ":alice!alice@chatd PRIVMSG #lobby :", text);
	want_cut(a, ":alice!alice@chatd PRIVMSG #lobby :", text);
	/* Text users see IRC lines in full (§8). */
	ck_assert(conn_line(t, line, sizeof line, IRC_WAIT) > 0);
	ck_assert_msg(line_body(line) != NULL &&
		strncmp(line_body(line), "<alice> ", 8) == 0 &&
		strcmp(line_body(line) + 8, text) == 0,
	    "the text user must get the whole text, got \"%s\"", line);
	conn_close(t);
	srv_stop_ok(&s);
}
END_TEST

/* Reading of "as many PRIVMSG lines ... as needed": the fewest, so each
 * part but the last as long as the 512 bytes and a character boundary
 * allow; this is that count. */
/* The number of parts a greedy split of text into lines of header hdr
 * (and around, e.g. the ACTION's \x01s) of at most 512 bytes needs. */
static int
greedy_parts(const char *text, size_t hdr)
{
	size_t n = strlen(text), k;
	int parts = 0;

	while (n > 0) {
		k = irc_utf8_cut(text, n, 512 - 2 - hdr);
		text += k;
		n -= k;
		parts++;
	}
	return parts;
}

/* Read the parts of a split text user's line until their text adds up
 * to want; checks each part. Returns the count. */
static int
read_parts(struct ircc *r, const char *target, const char *want, int action)
{
	char got[4096] = "", ids[64][40], hdr[128];
	struct irc_msg *m;
	const char *p, *id;
	size_t n, pre = action ? 8 : 0;
	int parts = 0, i;

	snprintf(hdr, sizeof hdr, "ann!ann@chatd");
	while (strlen(got) < strlen(want)) {
		m = irc_want(r, ":%s PRIVMSG %s " ANY, hdr, target);
		ck_assert_msg(wire_len(m) <= 512, "part %d is %zu bytes: %s",
		    parts, wire_len(m), m->line);
		p = m->params[1];
		n = strlen(p);
		if (action) {
			ck_assert_msg(n > 9 &&
				strncmp(p,
				    "\x01"
				    "ACTION ",
				    8) == 0 &&
				p[n - 1] == '\x01',
			    "part %d of an action must be an ACTION: %s", parts,
			    m->line);
			n -= 1;
		}
		ck_assert_msg(irc_utf8_ok(p + pre, n - pre),
		    "part %d is cut inside a character", parts);
		strncat(got, p + pre, n - pre);
		id = irc_tag(m, "msgid");
		ck_assert_msg(id != NULL && irc_msgid_ok(id),
		    "part %d needs its own msgid: %s", parts, m->line);
		for (i = 0; i < parts; i++)
			ck_assert_msg(strcmp(ids[i], id) != 0,
			    "parts %d and %d share msgid %s", i, parts, id);
		snprintf(ids[parts], sizeof ids[parts], "%s", id);
		ck_assert(++parts < 64);
	}
	ck_assert_msg(strcmp(got, want) == 0,
	    "the parts must add up to the text in order");
	return parts;
}

START_TEST(test_text_long_split)
{
	struct srv s;
	struct ircc *b;
	struct conn *t;
	char text[2049];
	size_t i;
	int parts, want;

	irc_srv_start(&s, NULL);
	b = irc_register(s.port, "bob", "message-tags", NULL);
	irc_send(b, "JOIN #lobby");
	irc_until(b, "366");
	t = txt_login(s.port, "ann");
	irc_until(b, "NICK");
	/* 2048 bytes (chatd-v1's line limit): ASCII, 2-, 3- and 4-byte
	 * characters, so a cut lands inside one somewhere. */
	for (i = 0; i + 10 <= 2048; i += 10)
		memcpy(text + i, "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 10);
	memset(text + i, 'z', 2048 - i);
	text[2048] = '\0';
	txt_send(t, "%s", text);
	parts = read_parts(b, "#lobby", text, 0);
	want = greedy_parts(text, strlen(":ann!ann@chatd PRIVMSG #lobby :"));
	ck_assert_msg(parts == want,
	    "want %d parts (as many as needed), got %d", want, parts);
	/* A private message splits the same way. */
	txt_send(t, "/msg bob %s", text + 10);
	parts = read_parts(b, "bob", text + 10, 0);
	want = greedy_parts(text + 10, strlen(":ann!ann@chatd PRIVMSG bob :"));
	ck_assert_msg(
	    parts == want, "private: want %d parts, got %d", want, parts);
	/* Each part of an action is an ACTION. */
	txt_send(t, "/me %s", text + 100);
	parts = read_parts(b, "#lobby", text + 100, 1);
	want = greedy_parts(text + 100,
	    strlen(":ann!ann@chatd PRIVMSG #lobby :\x01"
		   "ACTION \x01"));
	ck_assert_msg(
	    parts == want, "action: want %d parts, got %d", want, parts);
	irc_nothing(b);
	conn_close(t);
	srv_stop_ok(&s);
}
END_TEST

START_TEST(test_order_of_replies)
{
	struct srv s;
	struct ircc *a, *b;

	irc_srv_start(&s, NULL);
	a = irc_user(s.port, "alice");
	b = irc_user(s.port, "bob");
	/* In one write: every reply to each command before the next one's,
	 * the PONG last. */
	raw(a, "WHOIS bob\r\nJOIN #o\r\nPRIVMSG #nope :x\r\nPING last\r\n");
	irc_want(a, ":chatd 311 alice bob bob chatd * :Real bob");
	irc_until(a, "318");
	irc_want(a, ":alice!alice@chatd JOIN #o");
	irc_want(a, ":chatd 353 alice = #o :@alice");
	irc_want(a, ":chatd 366 alice #o :" ANY);
	irc_want(a, ":chatd 403 alice #nope :" ANY);
	irc_want(a, ":chatd PONG chatd :last");
	/* And each recipient's output is FIFO. */
	raw(a, "PRIVMSG bob :1\r\nPRIVMSG bob :2\r\nPRIVMSG bob :3\r\n");
	irc_want(b, ":alice!alice@chatd PRIVMSG bob :1");
	irc_want(b, ":alice!alice@chatd PRIVMSG bob :2");
	irc_want(b, ":alice!alice@chatd PRIVMSG bob :3");
	srv_stop_ok(&s);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_irc_lines");
	TCase *tc = tcase_create("lines");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_crlf_out);
	tcase_add_test(tc, test_input_framing);
	tcase_add_test(tc, test_size_512);
	tcase_add_test(tc, test_size_tags_4096);
	tcase_add_test(tc, test_fifteen_params);
	tcase_add_test(tc, test_commands_any_case);
	tcase_add_test(tc, test_client_source_ignored);
	tcase_add_test(tc, test_relay_cut);
	tcase_add_test(tc, test_text_long_split);
	tcase_add_test(tc, test_order_of_replies);
	suite_add_tcase(s, tc);
	return s;
}
