/*
 * client.h: chat's IRC side (chat-v2.md). Registration and capabilities,
 * what the server says rebuilt into events (common/event.h) and rendered
 * as plain-text lines (common/render.h), typed commands translated to IRC,
 * and resuming after a reconnect. It knows no descriptors: bytes for the
 * server go into out, lines for the user to ops->print, so the unit tests
 * drive it line by line.
 *
 * What chat believes about itself (its nick, its room) changes only on the
 * server's structured replies about this client: 001's nick, a NICK whose
 * source is this client, a JOIN, PART or KICK of this client. Nothing in
 * any message's text is ever read for it.
 */
#ifndef CHAT_CLIENT_H
#define CHAT_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "event.h"
#include "members.h"
#include "resume.h"

/* Other IRC servers allow longer names than chatd; longer ones are cut. */
#define CLIENT_NICK_MAX        64
#define CLIENT_ROOM_MAX        64 /* with its '#' */
#define CLIENT_NAME_MAX        64 /* server and network names */
#define CLIENT_PASS_MAX        2048
#define CLIENT_NICK_TRIES      16 /* NICK_, NICK__ ... before giving up */
/* The room chat joins without -r, and goes to when moved out of its own. */
#define CLIENT_LOBBY           "#lobby"
/* /history without a number, like chatd's --replay default. */
#define CLIENT_HISTORY_DEFAULT 20
/* Asked for on reconnect; more is fetched in further requests. */
#define CLIENT_RESUME_LIMIT    100
/* Replies chat waits for, one request each (a /rooms, a /list). */
#define CLIENT_PENDING_MAX     16

/* The IRCv3 capabilities chat asks for when offered (chat-v2.md). */
#define CLIENT_CAP_TIME    0x01 /* server-time */
#define CLIENT_CAP_TAGS    0x02 /* message-tags: msgid */
#define CLIENT_CAP_ECHO    0x04 /* echo-message */
#define CLIENT_CAP_BATCH   0x08 /* batch */
#define CLIENT_CAP_HISTORY 0x10 /* draft/chathistory */

/* How a printed line is meant. */
#define CLIENT_L_ERROR     0x01 /* an error: counted; stderr under -e */
#define CLIENT_L_HIGHLIGHT 0x02 /* for this user: bold and a bell */

struct client_ops {
	/* One rendered line, cleaned for a terminal, without its LF. */
	void (*print)(void *arg, const char *line, size_t len, unsigned flags);
	/* The nick or the room changed: the prompt is stale. */
	void (*changed)(void *arg);
};

enum client_phase {
	CLIENT_OFF, /* no connection */
	CLIENT_REG, /* connected, registering */
	CLIENT_ON   /* registered: what the user types goes out */
};

/* A LIST reply answers one of these. */
enum client_list_kind { CLIENT_LIST_ROOMS, CLIENT_LIST_LIST };

struct client_room_info {
	char name[CLIENT_ROOM_MAX];
	long long count;
	char *topic;
};

struct client {
	const struct client_ops *ops;
	void *arg;
	int64_t (*clock)(void); /* wall clock, UTC ms (tests replace it) */

	/* Chosen by the user; kept across connections. */
	char want_nick[CLIENT_NICK_MAX]; /* -n, then the nick last held */
	char want_room[CLIENT_ROOM_MAX]; /* -r, with its '#' */
	char user[CLIENT_NICK_MAX];      /* USER's username */
	char *password;                  /* NULL: none; owned */

	/* What the server said about this client. */
	char nick[CLIENT_NICK_MAX]; /* "" until 001 */
	char room[CLIENT_ROOM_MAX]; /* the current room, "" when none */
	struct members members;     /* of the current room */
	struct resume resume;       /* msgids printed; the history replies */
	int registrations;          /* 001s seen, over all connections */
	struct buf *capture;        /* set: lines go here, not printed */
	struct buf raw, taken;      /* a line being held; one released */
	int releasing;

	/* The current connection (client_connected resets it). */
	enum client_phase phase;
	struct buf out; /* bytes for the server */
	unsigned caps;
	int cap_open;       /* CAP LS sent, CAP END not yet */
	unsigned cap_offer; /* the wanted caps CAP LS offered so far */
	int nick_tries;
	char nick_base[CLIENT_NICK_MAX];   /* what NICK_, NICK__ build on */
	char trying[CLIENT_NICK_MAX];      /* the nick asked for in NICK */
	char server[CLIENT_NAME_MAX];      /* 001's source */
	char network[CLIENT_NAME_MAX];     /* 005 NETWORK, or "" */
	char chantypes[8];                 /* 005 CHANTYPES */
	long history_max;                  /* 005 CHATHISTORY, 0 unknown */
	char joining[CLIENT_ROOM_MAX];     /* JOIN sent, not answered yet */
	char resume_room[CLIENT_ROOM_MAX]; /* rejoined: resume it */
	char leaving[CLIENT_ROOM_MAX];     /* to PART once the JOIN is in */
	char parting[CLIENT_ROOM_MAX];     /* PART sent: its echo is expected */
	char names_for[CLIENT_ROOM_MAX];   /* 353s after our JOIN: silent */
	int welcomed;                      /* the welcome line is out */
	int settled;      /* the JOIN sent at registration was answered */
	struct buf names; /* 353 entries for a /who */
	long long nnames;
	enum client_list_kind list_q[CLIENT_PENDING_MAX];
	size_t list_head, list_n;
	struct client_room_info *rooms; /* 322s so far */
	size_t nrooms, roomscap;
	struct client_whois *whois;       /* 311..318 so far, or NULL */
	char topic_room[CLIENT_ROOM_MAX]; /* a 332 waiting for its 333 */
	char *topic;
	int64_t topic_ms;
	char finish_token[32]; /* PING sent at the end of input */
	int quit_sent;
	int pass_needed;  /* 464: no (right) password */
	int retry_now;    /* /pass while disconnected: connect again now */
	char reason[256]; /* ERROR's text: why the server closed */

	/* Over the whole run. */
	int errors; /* error lines printed after registration */
};

/* Set up c (want_nick, want_room and user are the caller's to fill);
 * password may be NULL. */
void client_init(struct client *, const struct client_ops *, void *arg);
void client_free(struct client *);
/* Replace the password (copied; NULL for none). 0, or -1 ENOMEM. */
int client_set_password(struct client *, const char *);

/* A connection is up: queue CAP LS, PASS, NICK and USER. */
void client_connected(struct client *);
/* It is gone: forget what belonged to it, keep nick, room and msgids.
 * Lines held back for a history reply are handled first. */
void client_disconnected(struct client *);
/* One line from the server, without CR LF (line[len] is NUL; it may be
 * changed). */
void client_line(struct client *, char *line, size_t len);
/* One line the user typed (or piped): a /command or text for the room. */
void client_typed(struct client *, const char *line);
/* The input is over: confirm everything with a PING, then QUIT. */
void client_finish(struct client *);
/* Leave now: QUIT, with reason or none. */
void client_quit(struct client *, const char *reason);
/* Give up waiting for a history reply (see client_waiting_since). */
void client_resume_timeout(struct client *);

/* Registered and the room asked for entered (or refused): typed lines
 * may go out. */
int client_ready(const struct client *);
/* "[#lobby alice]> ", "[alice]> " or "> ". */
void client_prompt(const struct client *, char *out, size_t outlen);
/* The room messages go to: the one being joined, else the current one;
 * NULL when none. */
const char *client_target(const struct client *);

/* Print ev (rendered, cleaned) with flags; prefix (may be NULL) goes
 * between the stamp and the body: "#dev " for another room. */
void client_show(struct client *, const struct ev *, int self,
    const char *prefix, unsigned flags);
/* Print one of the client's own sentences: a reply or error code. */
void client_say(
    struct client *, int error, enum ev_code, const struct ev *args);
/* Queue one line for the server (irc_format's rules; text, when not
 * NULL, last and after " :"), text cut so the line fits IRC's 512 bytes;
 * a line that cannot fit is not sent, and the user is told. */
void client_send(struct client *, const char *command,
    const char *const *middle, const char *text);

/* Internal, between client.c, reg.c, view.c, numeric.c, cmd.c. */
struct irc_msg;
int64_t client_msg_time(const struct client *, const struct irc_msg *);
/* The unescaped value of tag key: nonzero when present and not empty. */
int client_tag(
    const struct irc_msg *, const char *key, char *out, size_t outlen);
int client_is_self(const struct client *, const char *nick);
int client_is_channel(const struct client *, const char *name);
/* The nick of a "nick!user@host" source; NULL when it is a server. */
const char *client_source_nick(
    const struct client *, const char *source, char *out, size_t outlen);
/* name without its '#', for struct ev. */
const char *client_room_name(const char *name);
void client_copy(char *dst, size_t dstlen, const char *src);
/* A nick or room chat can take for its own and show in its prompt: it
 * fits size, and has no space, comma, control or invalid UTF-8. */
int client_name_ok(const char *name, size_t size);
void client_set_room(struct client *, const char *room);
void client_dispatch(struct client *, struct irc_msg *, int64_t time_ms);

/* Ask for history: CHATHISTORY sub room ref limit, as kind. */
void client_chathistory(struct client *, enum resume_kind, const char *sub,
    const char *room, const char *ref, size_t limit);
/* Rejoined room after a reconnect: ask for what was missed there. */
void client_resume(struct client *, const char *room);

/* replay.c: a line of an open history batch (its batch tag's id): 1
 * when it was one; BATCH lines of history replies; FAIL CHATHISTORY and
 * 421 CHATHISTORY; letting held lines go once nothing is missing. */
int replay_batch_line(struct client *, struct irc_msg *, const char *id);
int replay_batch(struct client *, struct irc_msg *);
int replay_failed(struct client *, struct irc_msg *);
void replay_release(struct client *);

void reg_start(struct client *);
int reg_message(struct client *, struct irc_msg *);
void reg_join(struct client *, const char *room);
void view_message(struct client *, struct irc_msg *, int64_t time_ms);
void numeric_reply(struct client *, struct irc_msg *, int64_t time_ms);
void numeric_reset(struct client *);

#endif
