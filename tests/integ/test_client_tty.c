/* test_client_tty.c: bin/chat on a pseudo-terminal, as a person runs it. */
#define _DEFAULT_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <check.h>

#include "chatrun.h"
#include "check_main.h"
#include "fixture.h"
#include "harness.h"

static int
termios_same(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag &&
	    a->c_lflag == b->c_lflag && a->c_cflag == b->c_cflag;
}

/* The person's view: a half-typed line survives an incoming message. */
START_TEST(test_tty_partial_line)
{
	const char *args[] = { "-n", "alice", "127.0.0.1", NULL, NULL };
	struct proc *p = malloc(sizeof *p);
	struct fx fx;
	struct conn *bob;
	struct termios before, after;
	const char *msg;

	fx_start(&fx, NULL, FX_USERS({ "bob", &bob }));
	args[3] = chatrun_port_str(fx.port);
	proc_start_pty(p, args, 0);
	before = p->start;
	ck_assert(proc_wait(p, 0, "[#lobby alice]> ", 0) != NULL);
	ck_assert(conn_expect(
	    bob, "is now known as alice", NULL, 0, CHATRUN_WAIT_MS));
	proc_send(p, "helo");
	ck_assert(proc_wait(p, 0, "]> helo", 0) != NULL);
	proc_send(p, "\033[D"); /* Left: between l and o */
	ck_assert(conn_send(bob, "hi there\n") == 0);
	ck_assert((msg = proc_wait(p, 0, "<bob> hi there", 0)) != NULL);
	/* Printed above the input, which is drawn again after it. */
	ck_assert(proc_wait(p, 0, "[#lobby alice]> helo",
		      (size_t)(msg - p->obuf)) != NULL);
	ck_assert(strstr(p->obuf, "\033[2m") == NULL); /* NO_COLOR */
	proc_send(p, "l\r");
	ck_assert(conn_expect(bob, "<alice> hello", NULL, 0, CHATRUN_WAIT_MS));
	proc_send(p, "\004"); /* Ctrl-D: quit */
	ck_assert(conn_expect(bob, "alice has quit", NULL, 0, CHATRUN_WAIT_MS));
	ck_assert_int_eq(proc_exit(p), 0);
	ck_assert(tcgetattr(p->slave, &after) == 0);
	ck_assert(termios_same(&before, &after));
	ck_assert(after.c_lflag & ICANON);
	ck_assert(after.c_lflag & ECHO);
	proc_close(p);
	free(p);
	fx_stop(&fx);
}
END_TEST

/* Room and nick in the prompt follow /join and /nick; colour on a tty. */
START_TEST(test_tty_prompt_follows)
{
	const char *args[] = { "-r", "dev", "127.0.0.1", NULL, NULL };
	struct proc *p = malloc(sizeof *p);
	struct fx fx;
	struct conn *bob;

	fx_start(&fx, NULL, FX_USERS({ "bob", &bob }));
	args[3] = chatrun_port_str(fx.port);
	proc_start_pty(p, args, 1);
	ck_assert(proc_wait(p, 0, "[#dev guest", 0) != NULL);
	proc_send(p, "/nick carol\r");
	ck_assert(proc_wait(p, 0, "[#dev carol]> ", 0) != NULL);
	proc_send(p, "/join lobby\r");
	ck_assert(proc_wait(p, 0, "[#lobby carol]> ", 0) != NULL);
	ck_assert(conn_send(bob, "welcome carol\n") == 0);
	/* The nick is coloured, the line reset after it. */
	ck_assert(proc_wait(p, 0, "bob\033[0m> welcome carol", 0) != NULL);
	proc_send(p, "/quit\r");
	ck_assert_int_eq(proc_exit(p), 0);
	proc_close(p);
	free(p);
	fx_stop(&fx);
}
END_TEST

START_TEST(test_tty_server_gone)
{
	const char *args[] = { "127.0.0.1", NULL, NULL };
	struct proc *p = malloc(sizeof *p);
	struct fx fx;
	struct termios before, after;

	fx_start(&fx, NULL, NULL);
	args[1] = chatrun_port_str(fx.port);
	proc_start_pty(p, args, 0);
	before = p->start;
	ck_assert(proc_wait(p, 0, "[#lobby guest", 0) != NULL);
	proc_send(p, "unsent");
	ck_assert(proc_wait(p, 0, "unsent", 0) != NULL);
	ck_assert_int_eq(srv_stop(&fx.srv, SIGTERM), 0);
	ck_assert(proc_wait(p, 0, "-!- disconnected: server shutting down\r\n",
		      0) != NULL);
	ck_assert_int_eq(proc_exit(p), 1);
	ck_assert(tcgetattr(p->slave, &after) == 0);
	ck_assert(termios_same(&before, &after));
	proc_close(p);
	free(p);
	fx_stop(&fx);
}
END_TEST

START_TEST(test_tty_sigterm_restores)
{
	const char *args[] = { "127.0.0.1", NULL, NULL };
	struct proc *p = malloc(sizeof *p);
	struct termios before, after;
	int lfd, cfd, port;

	lfd = fake_listen(&port);
	args[1] = chatrun_port_str(port);
	proc_start_pty(p, args, 0);
	before = p->start;
	ck_assert((cfd = fake_accept(lfd)) != -1);
	ck_assert(write(cfd, FAKE_EVIL, strlen(FAKE_EVIL)) > 0);
	ck_assert(proc_wait(p, 0, "<mallory> a]0;titleb[31mred", 0) != NULL);
	ck_assert(strchr(p->obuf, '\007') == NULL);
	ck_assert(strstr(p->obuf, "\033]") == NULL);
	ck_assert(strstr(p->obuf, "\033[31m") == NULL);
	ck_assert(tcgetattr(p->slave, &after) == 0);
	ck_assert(!(after.c_lflag & ICANON)); /* raw while running */
	kill(p->pid, SIGTERM);
	ck_assert_int_eq(proc_exit(p), 128 + SIGTERM);
	ck_assert(tcgetattr(p->slave, &after) == 0);
	ck_assert(termios_same(&before, &after));
	close(cfd);
	close(lfd);
	proc_close(p);
	free(p);
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("client_tty");
	TCase *tc = tcase_create("tty");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_tty_partial_line);
	tcase_add_test(tc, test_tty_prompt_follows);
	tcase_add_test(tc, test_tty_server_gone);
	tcase_add_test(tc, test_tty_sigterm_restores);
	suite_add_tcase(s, tc);
	return s;
}
