/*
 * test_client_ngircd.c: bin/chat against a real ngIRCd (chat-v2 §7), an
 * IRC server with none of the IRCv3 extensions chat asks for: register,
 * join, talk with another client both ways, /msg, /who, /nick, /quit,
 * with arrival times. The test starts ngIRCd itself with a generated
 * configuration on a free loopback port in a temporary directory. Without
 * ngircd installed it is skipped, loudly, unless CI=true, where that is a
 * failure.
 */
#define _DEFAULT_SOURCE
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "chatrun.h"
#include "check_main.h"
#include "harness.h"
#include "net.h"

#define NG_NAME "irc.test.local"

static char ng_dir[64];
static pid_t ng_pid;
static int ng_port;
static struct proc *p;

static void ngircd_stop(void);

/* ngircd's path: $NGIRCD, else the usual places; NULL when absent. */
static const char *
ngircd_path(void)
{
	static const char *const places[] = { "/usr/sbin/ngircd",
		"/usr/local/sbin/ngircd", "/usr/bin/ngircd", NULL };
	const char *env = getenv("NGIRCD");
	size_t i;

	if (env != NULL && *env != '\0')
		return access(env, X_OK) == 0 ? env : NULL;
	for (i = 0; places[i] != NULL; i++)
		if (access(places[i], X_OK) == 0)
			return places[i];
	return NULL;
}

/* Start ngIRCd; 0 when it is not installed (and that is allowed). */
static int
ngircd_start(void)
{
	const char *bin = ngircd_path(), *ci = getenv("CI"), *cause;
	char conf[128], log[128], port[16];
	long end;
	FILE *f;
	int fd;

	if (bin == NULL) {
		ck_assert_msg(ci == NULL || strcmp(ci, "true") != 0,
		    "CI=true and ngircd is not installed (apt-get install ngircd)");
		fprintf(stderr,
		    "test_client_ngircd: SKIP: ngircd is not installed "
		    "(apt-get install ngircd); chat-v2 §7 untested\n");
		return 0;
	}
	snprintf(ng_dir, sizeof ng_dir, "/tmp/chat-ngircd-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(ng_dir));
	/* A failed check ends the test process with exit(): clean up then. */
	atexit(ngircd_stop);
	/* A port that was free a moment ago. */
	close(fake_listen(&ng_port));
	snprintf(conf, sizeof conf, "%s/ngircd.conf", ng_dir);
	snprintf(log, sizeof log, "%s/ngircd.log", ng_dir);
	ck_assert_ptr_nonnull(f = fopen(conf, "w"));
	fprintf(f,
	    "[Global]\nName = %s\nInfo = chat's test server\n"
	    "Listen = 127.0.0.1\nPorts = %d\nMotdPhrase = hello tests\n"
	    "PidFile = %s/ngircd.pid\n"
	    "[Limits]\nMaxNickLength = 16\nPingTimeout = 120\n"
	    "PongTimeout = 20\n"
	    "[Options]\nDNS = no\nIdent = no\nPAM = no\n",
	    NG_NAME, ng_port, ng_dir);
	fclose(f);
	ng_pid = fork();
	ck_assert(ng_pid != -1);
	if (ng_pid == 0) {
#ifdef __linux__
		/* A test that dies must not leave ngircd behind. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
		if ((fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600)) !=
		    -1) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(bin, bin, "-n", "-f", conf, (char *)NULL);
		_exit(127);
	}
	snprintf(port, sizeof port, "%d", ng_port);
	for (end = harness_now_ms() + CHATRUN_WAIT_MS;;) {
		if ((fd = net_connect("127.0.0.1", port, &cause)) != -1) {
			close(fd);
			return 1;
		}
		ck_assert_msg(harness_now_ms() < end, "ngircd did not come up");
		usleep(50 * 1000);
	}
}

static void
ngircd_stop(void)
{
	char cmd[128];
	long end;
	int status;

	if (ng_pid > 0) {
		kill(ng_pid, SIGTERM);
		for (end = harness_now_ms() + 5000; harness_now_ms() < end;) {
			if (waitpid(ng_pid, &status, WNOHANG) == ng_pid)
				break;
			usleep(20 * 1000);
		}
		if (waitpid(ng_pid, &status, WNOHANG) == 0) {
			kill(ng_pid, SIGKILL);
			waitpid(ng_pid, &status, 0);
		}
		ng_pid = 0;
	}
	if (ng_dir[0] == '\0')
		return;
	snprintf(cmd, sizeof cmd, "%s/ngircd.conf", ng_dir);
	unlink(cmd);
	snprintf(cmd, sizeof cmd, "%s/ngircd.log", ng_dir);
	unlink(cmd);
	snprintf(cmd, sizeof cmd, "%s/ngircd.pid", ng_dir);
	unlink(cmd);
	rmdir(ng_dir);
	ng_dir[0] = '\0';
}

static void
setup(void)
{
	p = proc_new();
}

static void
teardown(void)
{
	proc_free(p);
	ngircd_stop();
}

/* A plain IRC client: registered and in #lobby. */
static struct conn *
irc_bob(void)
{
	struct conn *bob;

	ck_assert_ptr_nonnull(bob = conn_open(ng_port));
	ck_assert(conn_send(bob, "NICK bob\r\nUSER bob 0 * :Bob\r\n") == 0);
	ck_assert(conn_expect(bob, " 001 bob ", NULL, 0, CHATRUN_WAIT_MS));
	ck_assert(conn_send(bob, "JOIN #lobby\r\n") == 0);
	ck_assert(conn_expect(bob, " 366 bob ", NULL, 0, CHATRUN_WAIT_MS));
	return bob;
}

/* The stamp of a line chat printed is now, give or take (arrival time:
 * ngIRCd sends no server-time). */
static void
stamped_now(const char *line)
{
	char want[3][16];
	struct tm tm;
	time_t t = time(NULL);
	int i;

	for (i = 0; i < 3; i++) {
		time_t u = t - i;

		localtime_r(&u, &tm);
		strftime(want[i], sizeof want[i], "[%H:%M:%S] ", &tm);
		if (strncmp(line, want[i], 11) == 0)
			return;
	}
	ck_abort_msg("not stamped with the arrival time: %.40s", line);
}

START_TEST(test_ngircd)
{
	const char *args[] = { "-n", "alice", "127.0.0.1", NULL, NULL };
	const char *at;
	struct conn *bob;

	if (!ngircd_start())
		return;
	bob = irc_bob();
	args[3] = chatrun_port_str(ng_port);
	proc_start(p, args);
	ck_assert(proc_wait(p, 0,
		      "] -!- welcome to " NG_NAME
		      ", alice! you are in #lobby; type /help for commands\n",
		      0) != NULL);
	ck_assert(conn_expect(bob, "JOIN", NULL, 0, CHATRUN_WAIT_MS));
	proc_send(p, "hello bob\n");
	ck_assert(conn_expect(
	    bob, "PRIVMSG #lobby :hello bob", NULL, 0, CHATRUN_WAIT_MS));
	/* No echo-message: chat shows what it sent itself. */
	ck_assert(proc_wait(p, 0, "] <alice> hello bob\n", 0) != NULL);
	ck_assert(conn_send(bob,
		      "PRIVMSG #lobby :hi alice\r\n"
		      "PRIVMSG alice :psst\r\n") == 0);
	ck_assert((at = proc_wait(p, 0, "<bob> hi alice\n", 0)) != NULL);
	stamped_now(at - 11);
	ck_assert(proc_wait(p, 0, "] *bob* psst\n", 0) != NULL);
	proc_send(p, "/msg bob private\n/who\n/nick alicia\n");
	ck_assert(
	    conn_expect(bob, "PRIVMSG bob :private", NULL, 0, CHATRUN_WAIT_MS));
	ck_assert(proc_wait(p, 0, "] -> *bob* private\n", 0) != NULL);
	/* In the order ngIRCd lists them. */
	ck_assert_msg(proc_wait(p, 0, "] -!- 2 users in #lobby: alice, @bob\n",
			  0) != NULL,
	    "%s", p->obuf);
	ck_assert(conn_expect(bob, "NICK", NULL, 0, CHATRUN_WAIT_MS));
	ck_assert(
	    proc_wait(p, 0, "] -!- alice is now known as alicia\n", 0) != NULL);
	close(p->in); /* the end: /quit once confirmed */
	p->in = -1;
	ck_assert(conn_expect(bob, "alicia!", NULL, 0, 3 * CHATRUN_WAIT_MS));
	ck_assert_int_eq(proc_exit(p), 0);
	ck_assert(strstr(p->obuf, "] -!- bye\n") != NULL);
	ck_assert_str_eq(p->ebuf, "");
	conn_close(bob);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("client_ngircd");
	TCase *tc = tcase_create("ngircd");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_ngircd);
	suite_add_tcase(s, tc);
	return s;
}
