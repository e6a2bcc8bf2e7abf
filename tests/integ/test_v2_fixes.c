/* test_v2_fixes.c: chatd-v2 §5 fixes: the login timeout's bounds, log ids
 * and nick changes, SIGHUP and the password file, on the real chatd. */
#define _DEFAULT_SOURCE
#include <sys/stat.h>
#include <sys/wait.h>

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "harness.h"
#include "v2_util.h"

#define PW_NEEDED   "! this server needs a password: /pass PASSWORD"
#define PW_REQUIRED "-!- error: password required (/pass PASSWORD)"
#define PW_ACCEPTED \
	"-!- password accepted; you are in #lobby; type /help for commands"
#define PW_WRONG "-!- error: wrong password"

#define NCONN 4

/*
 * --login-timeout 2: four connections made a quarter second apart (so
 * that a clock of whole seconds shows) are each closed no earlier than
 * 2 s after connecting, and not much later: 1 s or 4 s fails.
 */
START_TEST(test_login_timeout_bounds)
{
	const char *args[] = { "--login-timeout", "2", NULL };
	struct srv s;
	struct conn *c[NCONN], *ok = NULL;
	long t0[NCONN], took[NCONN];
	int i, open = NCONN;

	setenv("CHATD_PASSWORD", "pw", 1);
	srv_start_ok(&s, args);
	for (i = 0; i < NCONN; i++) {
		t0[i] = harness_now_ms();
		c[i] = conn_open(s.port);
		ck_assert_ptr_nonnull(c[i]);
		took[i] = -1;
		if (i == 0) {
			ok = conn_open(s.port);
			conn_send(ok, "/pass pw\n");
			ck_assert(conn_expect(
			    ok, "password accepted", NULL, 0, V2_WAIT));
		}
		usleep(250000);
	}
	while (open > 0 && harness_now_ms() - t0[0] < 8000) {
		for (i = 0; i < NCONN; i++) {
			int r;

			if (took[i] != -1)
				continue;
			while ((r = conn_line(c[i], NULL, 0, 10)) >= 0)
				;
			if (r == -2) {
				took[i] = harness_now_ms() - t0[i];
				open--;
			}
		}
	}
	for (i = 0; i < NCONN; i++) {
		fprintf(stderr,
		    "login timeout 2: connection %d closed after "
		    "%ld ms\n",
		    i, took[i]);
		ck_assert_msg(took[i] != -1, "connection %d never closed", i);
		ck_assert_msg(took[i] >= 1995,
		    "PRODUCT: --login-timeout 2 closed connection %d after "
		    "%ld ms",
		    i, took[i]);
		ck_assert_msg(took[i] < 3300,
		    "PRODUCT: --login-timeout 2 closed connection %d only after "
		    "%ld ms",
		    i, took[i]);
	}
	/* The one that gave the password stays. */
	conn_send(ok, "/who\n");
	ck_assert(
	    conn_expect(ok, "-!- 1 user in #lobby: @guest", NULL, 0, V2_WAIT));
	for (i = 0; i < NCONN; i++)
		conn_close(c[i]);
	conn_close(ok);
	srv_stop_ok(&s);
}
END_TEST

/* The timeout's own line comes before the close. */
START_TEST(test_login_timeout_line)
{
	const char *args[] = { "--login-timeout", "1", NULL };
	struct srv s;
	struct conn *c;
	char line[512];

	setenv("CHATD_PASSWORD", "pw", 1);
	srv_start_ok(&s, args);
	c = conn_open(s.port);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_ge(conn_line(c, line, sizeof line, V2_WAIT), 0);
	ck_assert_msg(strstr(line, PW_NEEDED) != NULL, "welcome: %s", line);
	v2_next(c, "locked", "-!- error: login timeout");
	ck_assert(conn_eof(c, V2_WAIT));
	conn_close(c);
	srv_stop_ok(&s);
}
END_TEST

/* The log lines of the connection with id `id` from the line with from
 * in it up to the one with until (not included; NULL: the end) must each
 * name nick. */
static void
lines_name(const char *log, const char *id, const char *from, const char *until,
    const char *nick)
{
	const char *p = strstr(log, from), *nl;
	char one[1024];

	ck_assert_msg(p != NULL, "no \"%s\" in the log", from);
	while (p > log && p[-1] != '\n')
		p--;
	for (; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		snprintf(one, sizeof one, "%.*s", (int)(nl - p), p);
		if (until != NULL && strstr(one, until) != NULL)
			break;
		if (strstr(one, id) == NULL)
			continue;
		ck_assert_msg(strstr(one, nick) != NULL,
		    "PRODUCT: a log line of %s does not name its nick %s: %s",
		    id, nick, one);
	}
}

/* The id N of "client N connected from 127.0.0.1 as guestG". */
static int
log_id(struct srv *s, int g)
{
	char want[128];
	const char *p;

	snprintf(
	    want, sizeof want, " connected from 127.0.0.1 as guest%d\n", g);
	ck_assert_msg(
	    srv_log_has(s, want, V2_WAIT), "no \"%s\" in the log", want);
	p = strstr(s->log, want);
	while (p > s->log && p[-1] != ' ')
		p--;
	ck_assert_msg(p - s->log >= 7 && strncmp(p - 7, "client ", 7) == 0,
	    "no client id before \"%s\"", want);
	return atoi(p);
}

START_TEST(test_log_ids_and_nicks)
{
	const char *args[] = { "-v", NULL };
	struct srv s;
	struct conn *a, *b;
	char line[512], ida[32], idb[32], want[128];
	int na, nb, ga, gb;

	srv_start_ok(&s, args);
	a = conn_open(s.port);
	b = conn_open(s.port);
	ck_assert(a != NULL && b != NULL);
	ck_assert_int_ge(conn_line(a, line, sizeof line, V2_WAIT), 0);
	ck_assert(
	    sscanf(v2_body(line), "-!- welcome to chatd, guest%d", &ga) == 1);
	ck_assert_int_ge(conn_line(b, line, sizeof line, V2_WAIT), 0);
	ck_assert(
	    sscanf(v2_body(line), "-!- welcome to chatd, guest%d", &gb) == 1);
	na = log_id(&s, ga);
	nb = log_id(&s, gb);
	ck_assert_msg(na > 0 && nb > 0 && na != nb, "ids %d and %d", na, nb);
	snprintf(ida, sizeof ida, "client %d ", na);
	snprintf(idb, sizeof idb, "client %d ", nb);
	conn_send(a, "/nick alice\n");
	ck_assert(conn_expect(a, "is now known as alice", NULL, 0, V2_WAIT));
	snprintf(want, sizeof want, "client %d guest%d is now alice\n", na, ga);
	ck_assert_msg(srv_log_has(&s, want, V2_WAIT),
	    "PRODUCT: no \"%s\" in the log", want);
	conn_send(a, "/nick alicia\n/join dev\n");
	ck_assert(conn_expect(a, "has joined #dev", NULL, 0, V2_WAIT));
	snprintf(want, sizeof want, "client %d alice is now alicia\n", na);
	ck_assert_msg(srv_log_has(&s, want, V2_WAIT),
	    "PRODUCT: no \"%s\" in the log", want);
	conn_send(b, "/nick bob\n/quit\n");
	ck_assert(conn_eof(b, V2_WAIT));
	conn_send(a, "/quit see you\n");
	ck_assert(conn_eof(a, V2_WAIT));
	ck_assert(srv_log_has(&s, "alicia) disconnected", V2_WAIT));
	ck_assert(srv_log_has(&s, "bob) disconnected", V2_WAIT));
	/* Every line about a connection carries its id and current nick. */
	snprintf(want, sizeof want, "guest%d is now alice", ga);
	lines_name(s.log, ida, want, "alice is now alicia", "alice");
	lines_name(s.log, ida, "alice is now alicia", NULL, "alicia");
	snprintf(want, sizeof want, "as guest%d\n", gb);
	lines_name(s.log, idb, want, "is now bob", "guest");
	lines_name(s.log, idb, "is now bob", NULL, "bob");
	conn_close(a);
	conn_close(b);
	srv_stop_ok(&s);
}
END_TEST

/* A locked connection's nick changes are logged too. */
START_TEST(test_log_locked_nick_change)
{
	struct srv s;
	struct conn *c;
	char line[512], want[128];
	int g;

	setenv("CHATD_PASSWORD", "pw", 1);
	srv_start_ok(&s, NULL);
	c = conn_open(s.port);
	ck_assert_ptr_nonnull(c);
	conn_send(c, "/nick newbie\n");
	ck_assert_int_ge(conn_line(c, line, sizeof line, V2_WAIT), 0);
	ck_assert(
	    sscanf(v2_body(line), "-!- welcome to chatd, guest%d", &g) == 1);
	ck_assert(conn_expect(c, "is now known as newbie", NULL, 0, V2_WAIT));
	snprintf(want, sizeof want, " guest%d is now newbie\n", g);
	ck_assert_msg(srv_log_has(&s, want, V2_WAIT),
	    "PRODUCT: no \"client N%s\" in the log", want);
	conn_close(c);
	srv_stop_ok(&s);
}
END_TEST

/* Write s as the whole of file path (replacing whatever is there). */
static void
write_file(const char *path, const char *text)
{
	char tmp[128];
	FILE *f;

	snprintf(tmp, sizeof tmp, "%s.new", path);
	ck_assert_ptr_nonnull(f = fopen(tmp, "w"));
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(rename(tmp, path), 0);
}

/* A fresh connection that sends /pass pw gets want (and is closed). */
static void
try_pass(int port, const char *pw, const char *want)
{
	struct conn *c = conn_open(port);
	char line[512], cmd[128];

	ck_assert_ptr_nonnull(c);
	ck_assert_int_ge(conn_line(c, line, sizeof line, V2_WAIT), 0);
	ck_assert_msg(strstr(line, PW_NEEDED) != NULL,
	    "PRODUCT: fails open, the welcome is: %s", line);
	v2_reply(c, "hello\n", PW_REQUIRED);
	snprintf(cmd, sizeof cmd, "/pass %s\n", pw);
	v2_reply(c, cmd, want);
	conn_close(c);
}

/* 1 once a fresh connection's /pass pw is accepted (within a few s). */
static int
pass_works_soon(int port, const char *pw)
{
	long end = harness_now_ms() + V2_WAIT;
	char line[512], cmd[128];

	snprintf(cmd, sizeof cmd, "/pass %s\n", pw);
	while (harness_now_ms() < end) {
		struct conn *c = conn_open(port);
		int ok;

		ck_assert_ptr_nonnull(c);
		conn_send(c, cmd);
		ck_assert(conn_line(c, line, sizeof line, V2_WAIT) >= 0);
		ok = conn_line(c, line, sizeof line, V2_WAIT) >= 0 &&
		    strcmp(v2_body(line), PW_ACCEPTED) == 0;
		conn_close(c);
		if (ok)
			return 1;
		usleep(200000);
	}
	return 0;
}

/* m's /who says it is alone in #lobby, once the guests that tried a
 * password (and were announced joining and quitting, as chatd-v1 §3
 * says) have gone. */
static void
alone_in_lobby(struct conn *m)
{
	long end = harness_now_ms() + V2_WAIT;
	char line[8192];
	const char *b = "";

	while (harness_now_ms() < end) {
		ck_assert(conn_send(m, "/who\n") == 0);
		for (;;) {
			ck_assert_msg(
			    conn_line(m, line, sizeof line, V2_WAIT) >= 0,
			    "no /who reply");
			b = v2_body(line);
			if (strncmp(b, "-!- ", 4) == 0 && b[4] >= '0' &&
			    b[4] <= '9' && strstr(b, " in #") != NULL)
				break;
		}
		if (strcmp(b, "-!- 1 user in #lobby: @member") == 0)
			return;
		usleep(100000);
	}
	ck_abort_msg("want -!- 1 user in #lobby: @member, got %s", b);
}

/* Send SIGHUP; chatd must still be running a moment later. */
static void
hup_alive(struct srv *s)
{
	int st;

	kill(s->pid, SIGHUP);
	usleep(300000);
	ck_assert_msg(waitpid(s->pid, &st, WNOHANG) == 0,
	    "PRODUCT: chatd died on SIGHUP (%s %d)",
	    WIFSIGNALED(st) ? "signal" : "exit",
	    WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
}

/* Send SIGHUP and want a new log line naming path (an error) within a
 * few seconds. */
static void
hup_wants_error(struct srv *s, const char *path, const char *what)
{
	size_t off;
	long end;

	srv_read_log(s, 100);
	off = s->loglen;
	kill(s->pid, SIGHUP);
	end = harness_now_ms() + V2_WAIT;
	while (strstr(s->log + off, path) == NULL && harness_now_ms() < end)
		srv_read_log(s, 100);
	ck_assert_msg(strstr(s->log + off, path) != NULL,
	    "PRODUCT: SIGHUP with %s logged no error naming %s: %s", what, path,
	    s->log + off);
}

START_TEST(test_sighup_rereads_password)
{
	char path[64];
	const char *args[] = { "--password-file", path, NULL };
	struct srv s;
	struct conn *m;

	snprintf(path, sizeof path, "/tmp/chatd-v2-pw.%d", (int)getpid());
	write_file(path, "oldpw\n");
	srv_start_ok(&s, args);
	m = conn_open(s.port);
	conn_send(m, "/pass oldpw\n/nick member\n");
	ck_assert(conn_expect(m, "is now known as member", NULL, 0, V2_WAIT));
	/* Changed and re-read: the new one works, the old one does not. */
	write_file(path, "newpw\n");
	hup_alive(&s);
	ck_assert_msg(pass_works_soon(s.port, "newpw"),
	    "PRODUCT: after SIGHUP the new password is not accepted");
	try_pass(s.port, "oldpw", PW_WRONG);
	alone_in_lobby(m);
	/* Missing: an error, and the password stays. */
	unlink(path);
	hup_wants_error(&s, path, "a missing file");
	try_pass(s.port, "newpw", PW_ACCEPTED);
	try_pass(s.port, "oldpw", PW_WRONG);
	/* Unreadable (a directory, so that root cannot read it either). */
	ck_assert_int_eq(mkdir(path, 0700), 0);
	hup_wants_error(&s, path, "an unreadable file");
	try_pass(s.port, "newpw", PW_ACCEPTED);
	rmdir(path);
	/* An empty file cannot hold a password: never fail open. */
	write_file(path, "");
	kill(s.pid, SIGHUP);
	usleep(500000);
	try_pass(s.port, "newpw", PW_ACCEPTED);
	/* And a good file again is taken. */
	write_file(path, "thirdpw\n");
	kill(s.pid, SIGHUP);
	ck_assert_msg(pass_works_soon(s.port, "thirdpw"),
	    "PRODUCT: after SIGHUP the third password is not accepted");
	alone_in_lobby(m);
	conn_close(m);
	srv_stop_ok(&s);
	unlink(path);
}
END_TEST

/* A password that cannot be stored is a start-up error, never unset. */
START_TEST(test_empty_password_file)
{
	char path[64];
	const char *args[] = { "-p", "0", "-b", "127.0.0.1", "--password-file",
		path, NULL };
	const char *texts[] = { "", "\n", "\r\n", NULL };
	struct srv s;
	int i, st;

	snprintf(path, sizeof path, "/tmp/chatd-v2-pw.%d", (int)getpid());
	for (i = 0; texts[i] != NULL; i++) {
		write_file(path, texts[i]);
		st = srv_run(&s, args);
		ck_assert_msg(st == 1,
		    "PRODUCT: password file \"%s\": exit %d, want 1: %s",
		    v2_show(texts[i], strlen(texts[i])), st, s.log);
		ck_assert_msg(strstr(s.log, path) != NULL,
		    "the error does not name the file: %s", s.log);
	}
	unlink(path);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_v2_fixes");
	TCase *tc = tcase_create("v2_fixes");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_login_timeout_bounds);
	tcase_add_test(tc, test_login_timeout_line);
	tcase_add_test(tc, test_log_ids_and_nicks);
	tcase_add_test(tc, test_log_locked_nick_change);
	tcase_add_test(tc, test_sighup_rereads_password);
	tcase_add_test(tc, test_empty_password_file);
	suite_add_tcase(s, tc);
	return s;
}
