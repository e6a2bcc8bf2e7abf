/* fixture.h: the skeleton of an integration test: chatd and its users. */
#ifndef TEST_FIXTURE_H
#define TEST_FIXTURE_H

#include "harness.h"

#define FX_CONNS_MAX 256 /* connections one fixture closes for a test */

/* A started chatd and the connections the test made to it. */
struct fx {
	struct srv srv;
	int port; /* srv.port */
	int nconn;
	struct conn *conn[FX_CONNS_MAX]; /* closed by fx_stop */
};

/* A user fx_start logs in: its nick, and where its connection goes
 * (NULL: a user the test does not talk to; fx_stop closes it too). */
struct fx_user {
	const char *nick;
	struct conn **conn;
};
/* FX_USERS({ "alice", &a }, { "bob", &b }): the list fx_start takes. */
#define FX_USERS(...) ((const struct fx_user[]){ __VA_ARGS__, { NULL, NULL } })

/*
 * Start chatd with args (as srv_start_ok: "-p 0 -b 127.0.0.1" first),
 * then log in the users (NULL: none) in their order. Each user has then
 * read everything up to the last one's nick change, so the next line any
 * of them gets is the test's.
 */
void fx_start(
    struct fx *, const char *const *args, const struct fx_user *users);
/* fx_start with chatd started as srv_start_with(opts). */
void fx_start_with(struct fx *, const char *const *args,
    const struct srv_opts *, const struct fx_user *users);
/* Hand c to the fixture, to be closed by fx_stop; the test fails if c
 * is NULL. Returns c. */
struct conn *fx_adopt(struct fx *, struct conn *);
/* login_ok(port, nick), and conn_open(port) that then sends an empty line
 * (so it is plain text at once), adopted. */
struct conn *fx_login(struct fx *, const char *nick);
struct conn *fx_open(struct fx *);
/* A new connection is refused: its one line is exactly error (a body,
 * "-!- error: server full"), then the server closes it. */
void fx_refused(struct fx *, const char *error);
/* Close c now (fx_stop will not). */
void fx_close(struct fx *, struct conn *);
/*
 * Close every connection, then stop chatd with SIGTERM and want exit 0
 * (under the sanitizers and valgrind, that also means no leak). A test
 * that stopped chatd itself (and checked how) only has its connections
 * closed.
 */
void fx_stop(struct fx *);

#endif
