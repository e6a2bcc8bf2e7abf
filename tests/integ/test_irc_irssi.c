/* test_irc_irssi.c: a real IRC client (irssi, driven in tmux) and a
 * plain-text user talk through chatd, both ways. */
#define _DEFAULT_SOURCE
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <netinet/in.h>
#include <arpa/inet.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "ircc.h"
#include "irssi.h"

#define IRSSI_WAIT 10000 /* ms: irssi is a real program on a busy box */

/* The text user must get a line containing text. */
#define text_sees(t, text)                                               \
	ck_assert_msg(conn_expect(t, text, NULL, 0, IRSSI_WAIT),         \
	    "the text user never saw \"%s\"; irssi's screen:\n%s", text, \
	    irssi_screen(&ir))
/* irssi must show text in window target. */
#define irssi_sees(target, text)                                       \
	ck_assert_msg(irssi_window_has(&ir, target, text, IRSSI_WAIT), \
	    "irssi never showed \"%s\" in %s; its log:\n%s\n"          \
	    "its screen:\n%s",                                         \
	    text, target, irssi_log(&ir, target), irssi_screen(&ir))

/*
 * irssi's first command after connecting can come before it counts
 * itself registered ("Not connected to server"): /join is retried, which
 * costs nothing, being idempotent.
 */
static int
join_until(struct irssi *ir, struct conn *t, const char *want)
{
	int i;

	for (i = 0; i < 8; i++) {
		irssi_type(ir, "/join #lobby");
		if (conn_expect(t, want, NULL, 0, 2000))
			return 1;
	}
	return 0;
}

START_TEST(test_irssi_and_text_user)
{
	struct srv s;
	struct irssi ir;
	struct conn *t;

	if (!irssi_available("test_irssi_and_text_user"))
		return;
	irc_srv_start(&s, NULL);
	t = txt_login(s.port, "ann");
	irssi_start(&ir, s.port, "iru");
	ck_assert_msg(join_until(&ir, t, "-!- iru has joined #lobby"),
	    "irssi never joined #lobby; its screen:\n%s", irssi_screen(&ir));
	/* Room messages, both ways. */
	irssi_type(&ir, "/msg #lobby hello from irssi");
	text_sees(t, "<iru> hello from irssi");
	txt_send(t, "hello from text");
	irssi_sees("#lobby", "ann> hello from text");
	/* Private messages, both ways. */
	txt_send(t, "/msg iru psst irssi");
	text_sees(t, "-> *iru* psst irssi");
	irssi_sees("ann", "<ann> psst irssi");
	irssi_type(&ir, "/msg ann psst text");
	text_sees(t, "*iru* psst text");
	/* Actions, both ways. */
	irssi_type(&ir, "/action #lobby waves");
	text_sees(t, "* iru waves");
	txt_send(t, "/me nods");
	irssi_sees("#lobby", "* ann nods");
	/* A text user's nick change, seen by irssi. */
	txt_send(t, "/nick anna");
	text_sees(t, "-!- ann is now known as anna");
	irssi_sees("#lobby", "ann is now known as anna");
	/* Part, come back, quit. */
	irssi_type(&ir, "/part #lobby");
	text_sees(t, "-!- iru has left #lobby");
	irssi_type(&ir, "/join #lobby");
	text_sees(t, "-!- iru has joined #lobby");
	irssi_type(&ir, "/quit bye all");
	text_sees(t, "-!- iru has quit (bye all)");
	ck_assert_msg(irssi_exited(&ir, 5000),
	    "irssi did not exit after "
	    "/quit; its screen:\n%s",
	    irssi_screen(&ir));
	irssi_stop(&ir);
	/* The nick is free again at once. */
	txt_send(t, "/nick iru");
	text_sees(t, "-!- anna is now known as iru");
	conn_close(t);
	srv_stop_ok(&s);
}
END_TEST

/* --- the same driving against ngIRCd: opt-in (CHATD_IRSSI_NGIRCD=1) --- */

/* A free loopback port (free a moment ago). */
static int
free_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert(fd != -1 &&
	    bind(fd, (struct sockaddr *)&sin, sizeof sin) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

/* Start ngircd -n with a generated config on port; its pid. */
static pid_t
ngircd_start(const char *bin, const char *dir, int port)
{
	char conf[256], text[512];
	pid_t pid;
	FILE *f;
	int i, fd;

	snprintf(conf, sizeof conf, "%s/ngircd.conf", dir);
	snprintf(text, sizeof text,
	    "[Global]\n\tName = irc.test\n\tInfo = test\n"
	    "\tListen = 127.0.0.1\n\tPorts = %d\n\tMotdPhrase = hi\n"
	    "[Options]\n\tPAM = no\n\tIdent = no\n\tDNS = no\n",
	    port);
	ck_assert((f = fopen(conf, "w")) != NULL);
	fputs(text, f);
	fclose(f);
	ck_assert((pid = fork()) != -1);
	if (pid == 0) {
#ifdef __linux__
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the test */
#endif
		fd = open("/dev/null", O_RDWR);
		dup2(fd, 1);
		dup2(fd, 2);
		execl(bin, bin, "-n", "-f", conf, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 100; i++) {
		struct conn *c = conn_open(port);

		if (c != NULL) {
			conn_close(c);
			return pid;
		}
		usleep(50 * 1000);
	}
	kill(pid, SIGKILL);
	ck_abort_msg("ngircd did not listen on port %d", port);
}

/* A raw IRC line of ic containing text, within ms. */
static int
irc_has(struct ircc *ic, const char *text, int ms)
{
	long end = harness_now_ms() + ms;

	while (harness_now_ms() < end)
		if (irc_read(ic, 200) == 1 && strstr(ic->m.line, text) != NULL)
			return 1;
	return 0;
}

#define peer_sees(text)                                        \
	ck_assert_msg(irc_has(ann, text, IRSSI_WAIT),          \
	    "ann never got \"%s\"; irssi's screen:\n%s", text, \
	    irssi_screen(&ir))

START_TEST(test_irssi_driving_ngircd)
{
	const char *bin = access("/usr/sbin/ngircd", X_OK) == 0 ?
	    "/usr/sbin/ngircd" :
	    "/usr/bin/ngircd";
	char dir[] = "/tmp/ircc-ngircd-XXXXXX", rm[128];
	struct irssi ir;
	struct ircc *ann;
	pid_t ng;
	int port, i;

	if (getenv("CHATD_IRSSI_NGIRCD") == NULL) {
		printf("test_irssi_driving_ngircd: off (CHATD_IRSSI_NGIRCD=1 "
		       "checks the irssi driving against a real ngIRCd)\n");
		return;
	}
	if (!irssi_available("test_irssi_driving_ngircd"))
		return;
	if (access(bin, X_OK) != 0) {
		irc_skip("test_irssi_driving_ngircd", "ngircd not installed");
		return;
	}
	ck_assert(mkdtemp(dir) != NULL);
	port = free_port();
	ng = ngircd_start(bin, dir, port);
	snprintf(rm, sizeof rm, "rm -rf %s", dir); /* read; not needed now */
	ck_assert(system(rm) == 0);
	ann = irc_user(port, "ann");
	irc_send(ann, "JOIN #lobby");
	irc_until(ann, "366");
	irssi_start(&ir, port, "iru");
	for (i = 0; i < 8; i++) {
		irssi_type(&ir, "/join #lobby");
		if (irc_has(ann, " JOIN ", 2000))
			break;
	}
	ck_assert_msg(i < 8, "no join; screen:\n%s", irssi_screen(&ir));
	irssi_type(&ir, "/msg #lobby hello from irssi");
	peer_sees("PRIVMSG #lobby :hello from irssi");
	irc_send(ann, "PRIVMSG #lobby :hello from ann");
	irssi_sees("#lobby", "ann> hello from ann");
	irc_send(ann, "PRIVMSG iru :psst irssi");
	irssi_sees("ann", "<ann> psst irssi");
	irssi_type(&ir, "/msg ann psst ann");
	peer_sees("PRIVMSG ann :psst ann");
	irssi_type(&ir, "/part #lobby");
	peer_sees(" PART #lobby");
	irssi_type(&ir, "/join #lobby");
	peer_sees(" JOIN ");
	irssi_type(&ir, "/quit bye all");
	peer_sees(" QUIT :");
	ck_assert(irssi_exited(&ir, 5000));
	irssi_stop(&ir);
	kill(ng, SIGTERM);
	waitpid(ng, NULL, 0);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("integ_irc_irssi");
	TCase *tc = tcase_create("irssi");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_irssi_and_text_user);
	tcase_add_test(tc, test_irssi_driving_ngircd);
	suite_add_tcase(s, tc);
	return s;
}
