/* fixture.c: the skeleton of an integration test: chatd and its users. */
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "fixture.h"

#define FX_WAIT_MS 5000

/* Log in users, in order; each earlier one reads up to the last one's
 * nick change. */
static void
fx_users(struct fx *fx, const struct fx_user *users)
{
	struct conn *c[FX_CONNS_MAX];
	char want[128];
	int n, i;

	for (n = 0; users != NULL && users[n].nick != NULL; n++) {
		ck_assert_int_lt(n, FX_CONNS_MAX);
		c[n] = fx_login(fx, users[n].nick);
		if (users[n].conn != NULL)
			*users[n].conn = c[n];
	}
	if (n == 0)
		return;
	snprintf(want, sizeof want, "is now known as %s", users[n - 1].nick);
	for (i = 0; i < n - 1; i++)
		ck_assert_msg(conn_expect(c[i], want, NULL, 0, FX_WAIT_MS),
		    "%s did not see \"%s\"", users[i].nick, want);
}

void
fx_start(struct fx *fx, const char *const *args, const struct fx_user *users)
{
	fx_start_with(fx, args, NULL, users);
}

void
fx_start_with(struct fx *fx, const char *const *args,
    const struct srv_opts *opts, const struct fx_user *users)
{
	memset(fx, 0, sizeof *fx);
	if (srv_start_with(&fx->srv, args, opts) != 0) {
		srv_read_log(&fx->srv, 100);
		ck_abort_msg(
		    "chatd did not start; its output:\n%s", fx->srv.log);
	}
	fx->port = fx->srv.port;
	fx_users(fx, users);
}

struct conn *
fx_adopt(struct fx *fx, struct conn *c)
{
	ck_assert_msg(c != NULL, "no connection to chatd on port %d", fx->port);
	ck_assert_int_lt(fx->nconn, FX_CONNS_MAX);
	fx->conn[fx->nconn++] = c;
	return c;
}

struct conn *
fx_login(struct fx *fx, const char *nick)
{
	return fx_adopt(fx, login_ok(fx->port, nick));
}

struct conn *
fx_open(struct fx *fx)
{
	struct conn *c = fx_adopt(fx, conn_open(fx->port));

	/* An empty line first: plain text at once, without the 500 ms a
	 * silent connection waits to be told from IRC (chatd-v2 §1); v1
	 * ignores empty lines. Tests of that wait use conn_open. */
	conn_send(c, "\n");
	return c;
}

void
fx_refused(struct fx *fx, const char *error)
{
	struct conn *c = fx_open(fx);

	ck_assert_msg(conn_next_is(c, error, FX_WAIT_MS),
	    "a new connection was not refused with \"%s\"", error);
	ck_assert_msg(
	    conn_eof(c, FX_WAIT_MS), "refused (%s), but not closed", error);
	fx_close(fx, c);
}

void
fx_close(struct fx *fx, struct conn *c)
{
	int i;

	for (i = 0; i < fx->nconn; i++)
		if (fx->conn[i] == c) {
			fx->conn[i] = fx->conn[--fx->nconn];
			break;
		}
	conn_close(c);
}

void
fx_stop(struct fx *fx)
{
	while (fx->nconn > 0)
		conn_close(fx->conn[--fx->nconn]);
	if (fx->srv.pid > 0)
		srv_stop_ok(&fx->srv);
}
