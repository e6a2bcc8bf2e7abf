/*
 * proto_irc.h: the IRC protocol (irc-v1.md) on the chat core: its parser
 * turns IRC commands into core actions and replies with numerics; its
 * renderer turns events into IRC lines, once per variant (the caps that
 * change how an event looks). It knows no sockets: it talks to its
 * connection through conn.h.
 *
 * proto_irc.c: a session's life, registration, dispatch
 * irc_cap.c: CAP
 * irc_cmd.c: PING, NICK, QUIT, PRIVMSG, NOTICE, TAGMSG, AWAY
 * irc_query.c: WHO, WHOIS, WHOWAS, USERHOST, ISON, MOTD, LUSERS, TIME,
 *     VERSION, and the welcome burst
 * irc_chan.c, irc_mode.c: JOIN, PART, NAMES, TOPIC, KICK, LIST; MODE
 * irc_reply.c: numerics and other lines to one client
 * irc_render.c: events as IRC lines (the variants' renderer)
 * irc_history.c: where history-v1 §3 plugs in (CHATHISTORY, replay)
 */
#ifndef CHATD_PROTO_IRC_H
#define CHATD_PROTO_IRC_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "event.h"
#include "fanout.h"
#include "irc.h"
#include "loop.h"
#include "server.h"

struct conn;
struct room;
struct server;
struct user;

/*
 * Capabilities. The first three change how events look to the client:
 * they make its variant, FANOUT_IRC + (caps & IRC_CAP_VARIANT).
 */
#define IRC_CAP_SERVER_TIME  0x01
#define IRC_CAP_MESSAGE_TAGS 0x02
#define IRC_CAP_ECHO         0x04
#define IRC_CAP_VARIANT      0x07
#define IRC_CAP_BATCH        0x08
#define IRC_CAP_MULTI_PREFIX 0x10
#define IRC_CAP_USERHOST     0x20 /* userhost-in-names */
#define IRC_CAP_CHATHISTORY  0x40 /* draft/chathistory: history on only */
#define IRC_VARIANTS         (IRC_CAP_VARIANT + 1)

struct irc_list; /* a LIST being paced */

struct irc_session {
	struct endpoint ep; /* first: the core's user->ep points here */
	struct server *srv;
	struct user *user;
	unsigned caps;
	unsigned cap_open : 1;   /* CAP LS or REQ seen, no CAP END yet */
	unsigned got_user : 1;   /* USER accepted */
	unsigned registered : 1; /* welcomed: a visible user */
	unsigned gone : 1;       /* has left the chat */
	unsigned pinged : 1;     /* a keepalive PING is unanswered */
	char *pass;              /* the last PASS, or NULL */
	enum ev_quit why;        /* for the log, when the connection goes */
	int64_t last_ms;         /* loop clock: its last line */
	int64_t ping_ms;         /* loop clock: the keepalive PING */
	uint64_t lines;          /* lines received (too long ones too) */
	uint64_t ping_lines;     /* lines received when it was pinged */
	const char *verb;        /* the command being handled, as sent */
	struct loop_timer login; /* registration deadline */
	struct loop_timer alive; /* keepalive */
	struct irc_list *list;
	unsigned batches;      /* batches opened: the next one's id */
	int asking;            /* history queries not answered yet */
	struct held_line held; /* a command waiting for the cluster */
	unsigned resuming : 1; /* running it */
};

/* What an IRC command handler is given: the parsed line. */
typedef void irc_cmd_fn(struct irc_session *, struct irc_msg *);

/* Wire the IRC variants' renderer into srv's fanout. */
void proto_irc_setup(struct server *);
/* Serve conn in IRC from now on; connected_ms (loop clock) is when it was
 * accepted, for the registration timeout. 0, or -1 (conn killed). */
int proto_irc_start(struct server *, struct conn *, int64_t connected_ms);
/* A connection over a limit (code E_SERVER_FULL or E_PER_IP): its one
 * line, as bytes (0, or -1 out of memory), or sent and conn closed. */
int proto_irc_refusal(struct buf *, enum ev_code);
void proto_irc_refuse(struct conn *, enum ev_code);

/* irc_render.c. The renderer of the IRC variants (fanout_render_fn), and
 * the server name it uses as a source (set once, at setup). */
int proto_irc_render(struct buf *, const struct ev *, int self, unsigned);
/* ev as variant v's recipients got it live (not its actor's view), each
 * line inside batch: its tags start with batch=<batch>. Returns as
 * proto_irc_render() does. */
int proto_irc_render_batch(
    struct buf *, const struct ev *, unsigned v, const char *batch);
void irc_render_set_server(const char *name);
/* The words others see when a user leaves for why ("Quit: bye", ...),
 * into out (at least IRC_LINE_MAX bytes). */
const char *irc_quit_words(
    char *out, size_t outlen, enum ev_quit why, const char *text, size_t);
/* "time=YYYY-MM-DDThh:mm:ss.sssZ" of a time in ms: 0, or -1 (memory). */
int irc_tag_time(struct buf *, int64_t time_ms);

/* proto_irc.c */
void irc_leave(
    struct irc_session *, enum ev_quit, const char *reason, const char *error);
void irc_caps_changed(struct irc_session *);
void irc_try_register(struct irc_session *);
/* The IRC session of connection id, or NULL when it is gone (or never
 * was one): how a late answer finds its asker. */
struct irc_session *irc_session_find(struct server *, unsigned id);
/* Take input again if nothing holds it (a history answer, a LIST, a
 * command waiting for the cluster). */
void irc_unpause(struct irc_session *);

/* irc_reply.c: lines to this client alone. */
const char *irc_nick(const struct irc_session *); /* or "*" */
const char *irc_server(const struct irc_session *);
/* The username IRC shows of any user: an IRC user's USER, a text user's
 * nick. */
const char *irc_username(const struct user *);
/*
 * ":S <code> <n> <mid>... :<text>": mid is NULL-terminated (NULL for
 * none); a middle param that cannot be one (empty, spaces, a leading
 * ':') is sent as "*". The text is cut at a character boundary so the
 * line fits 512.
 */
void irc_reply(struct irc_session *, const char *code, const char *const *mid,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* ":S <code> <n> <mid>...", without text: the last middle is last. */
void irc_reply_mid(
    struct irc_session *, const char *code, const char *const *mid);
/* The same with "*" for <n> whatever the nick (464). */
void irc_reply_star(struct irc_session *, const char *code, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));
/* "<code> <n> <param> :<text>", the usual shape. */
void irc_reply1(struct irc_session *, const char *code, const char *param,
    const char *text);
/* An IRCv3 standard reply, ":S FAIL <command> <code> <context>... :<text>":
 * context is NULL-terminated; a param that cannot be a middle one, or is
 * longer than IRC_FAIL_CONTEXT_MAX, is sent as "*". */
#define IRC_FAIL_CONTEXT_MAX 64
void irc_fail(struct irc_session *, const char *command, const char *code,
    const char *const *context, const char *text);
/* "ERROR :<text>". */
void irc_send_error(struct irc_session *, const char *text);
/* 461 for m's command (uppercased, as irc_parse leaves it). */
void irc_need_more(struct irc_session *, const struct irc_msg *m);
/* Clean text from the client (irc-v1 §2) into out, which holds 3 * len
 * + 1 bytes; returns the new length. */
size_t irc_clean(char *out, const char *text, size_t len);
/* A param cleaned into a new string (free it); NULL when out of memory,
 * the session then left. */
char *irc_clean_param(struct irc_session *, const char *param);

/* irc_cap.c */
irc_cmd_fn irc_cmd_cap;
/* irc_cmd.c */
irc_cmd_fn irc_cmd_ping, irc_cmd_pong, irc_cmd_nick, irc_cmd_quit;
irc_cmd_fn irc_cmd_privmsg, irc_cmd_notice, irc_cmd_tagmsg, irc_cmd_away;
/* irc_query.c */
irc_cmd_fn irc_cmd_who, irc_cmd_whois, irc_cmd_whowas, irc_cmd_userhost;
irc_cmd_fn irc_cmd_ison, irc_cmd_motd, irc_cmd_lusers, irc_cmd_time;
irc_cmd_fn irc_cmd_version;
void irc_send_welcome(struct irc_session *);
void irc_send_isupport(struct irc_session *);
void irc_send_motd(struct irc_session *);
/* irc_chan.c, irc_mode.c */
irc_cmd_fn irc_cmd_join, irc_cmd_part, irc_cmd_names, irc_cmd_topic;
irc_cmd_fn irc_cmd_kick, irc_cmd_list, irc_cmd_mode;
/* The room a channel name stands for ("#name"), or NULL. */
struct room *irc_room(const struct irc_session *, const char *chan);
/* The queue is short again: go on with a paced LIST. */
void irc_list_more(struct irc_session *);
void irc_list_free(struct irc_session *);
/* irc_history.c */
irc_cmd_fn irc_cmd_chathistory;
/* After a JOIN's 366: the replay history-v1 §3 puts there. */
void irc_history_joined(struct irc_session *, struct room *);

#endif
