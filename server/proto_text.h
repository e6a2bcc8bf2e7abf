/*
 * proto_text.h: the plain-text protocol (chatd-v1, chatd-v2): its parser
 * turns lines and /commands into core actions; its renderer turns events
 * into the exact v1 lines (through common/render.c). It knows no sockets:
 * it talks to its connection through conn.h.
 */
#ifndef CHATD_PROTO_TEXT_H
#define CHATD_PROTO_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "event.h"
#include "fanout.h"
#include "loop.h"
#include "server.h"

struct conn;
struct server;
struct user;

struct text_session {
	struct endpoint ep; /* the core's user->ep points here */
	struct server *srv;
	struct user *user;
	int authed;
	int pass_tries;
	int gone; /* has left the chat */
	enum ev_quit why;
	struct loop_timer login;
	struct held_line held;  /* a command waiting for the cluster */
	int64_t connected_ms;   /* loop clock: for the login timeout */
	int welcoming;          /* the welcome waits for the cluster */
	struct held_line early; /* the first line, come meanwhile */
};

/* Serve conn in plain text from now on; connected_ms (loop clock) is when
 * it was accepted, for the login timeout. 0, or -1 (conn killed). */
int proto_text_start(struct server *, struct conn *, int64_t connected_ms);
/* The plain-text session of connection id, or NULL (gone, or not one). */
struct text_session *proto_text_find(struct server *, unsigned id);

/* A connection over a limit (code E_SERVER_FULL or E_PER_IP): its one
 * line, as bytes (0, or -1 out of memory), or sent and conn closed. */
int proto_text_refusal(struct buf *, enum ev_code);
void proto_text_refuse(struct conn *, enum ev_code);

/* The renderer of the text variant (fanout_render_fn). */
int proto_text_render(struct buf *, const struct ev *, int self, unsigned);

/* text_cmd.c: one line from the user. */
void text_cmd_line(struct text_session *, char *line, size_t len);
/* The user is in and sees its room: the welcome's join, /pass, kicks. */
void text_cmd_enter_room(struct text_session *, const char *room);

/* text_cmd.c helpers shared with text_query.c. */
struct room *text_room(const struct text_session *);
char *text_trim(char *);
void text_usage(struct text_session *, const char *cmd);

/* text_query.c: the commands that only ask. */
void cmd_who(struct text_session *, char *);
void cmd_rooms(struct text_session *, char *);
void cmd_whois(struct text_session *, char *);
void cmd_list(struct text_session *, char *);
void cmd_history(struct text_session *, char *);
/* The last n events of room r, as the room saw them, between notices;
 * loud: say so when there is no history (/history) rather than nothing
 * (joining). */
void text_replay(struct text_session *, struct room *, size_t n, int loud);

/* Send one line made from ev to this user alone. */
void text_send_ev(struct text_session *, const struct ev *);
void text_send_code(
    struct text_session *, enum ev_kind, enum ev_code, const struct ev *args);
/* Leave: quit the core with why (and reason), then close after flush. */
void text_leave(struct text_session *, enum ev_quit, const char *reason);

#endif
