/*
 * event.h: the typed events of chat, as plain data. The server's core
 * produces them and each protocol renders them into bytes; the client
 * rebuilds them from IRC messages and renders them into the same
 * plain-text lines (common/render.c), so both sides share one set of
 * sentences.
 */
#ifndef CHAT_EVENT_H
#define CHAT_EVENT_H

#include <stddef.h>
#include <stdint.h>

enum ev_kind {
	EV_MESSAGE, /* nick said text to room (or, room NULL, to target) */
	EV_JOIN,    /* nick joined room */
	EV_PART,    /* nick left room; text: the reason, may be empty */
	EV_QUIT,    /* nick left the server: quit says why, text the reason */
	EV_NICK,    /* nick is now known as target */
	EV_TOPIC,   /* nick set room's topic to text (empty: cleared) */
	EV_KICK,    /* nick kicked target from room; text: reason, may be "" */
	EV_MODE,    /* nick gave (EV_F_OP) or took operator status of target
		     * in room; nick NULL: target became operator because
		     * the last one left */
	EV_REPLY,   /* a notice for one user: code and its arguments */
	EV_ERROR,   /* an error for one user: code and its arguments */
	EV_NKINDS
};

/* EV_MESSAGE flags. */
#define EV_F_ACTION 0x01 /* /me, CTCP ACTION */
#define EV_F_NOTICE 0x02 /* IRC NOTICE (never answered) */
#define EV_F_CTCP   0x04 /* a CTCP other than ACTION: IRC recipients only */
#define EV_F_TAGMSG 0x08 /* IRC TAGMSG: no text, IRC recipients only */
/* EV_MODE */
#define EV_F_OP     0x10 /* +o; without it -o */
/* EV_QUIT: one of many quits of one pass in a room, which plain-text
 * users hear of in one R_QUITS line instead */
#define EV_F_FOLDED 0x40

/* Why a user left (EV_QUIT). The words differ by protocol. */
enum ev_quit {
	EV_QUIT_REQUEST,  /* /quit or QUIT; text: the reason, may be "" */
	EV_QUIT_CLOSED,   /* the connection was closed (EOF) */
	EV_QUIT_RESET,    /* connection reset, broken pipe */
	EV_QUIT_SLOW,     /* output queue over --max-queue */
	EV_QUIT_ERROR,    /* read or write error */
	EV_QUIT_MEMORY,   /* out of memory for this user */
	EV_QUIT_TIMEOUT,  /* not logged in within --login-timeout */
	EV_QUIT_PASSWORD, /* wrong password */
	EV_QUIT_PING,     /* IRC keepalive: no answer to PING */
	EV_QUIT_KICKED,   /* kicked from #lobby; text: "kicked by alice (R)" */
	EV_QUIT_SHUTDOWN, /* server stopping */
	EV_QUIT_LOST,     /* cluster: the user's node went away */
	EV_QUIT_NWHY
};

/*
 * EV_REPLY and EV_ERROR codes. Each names one sentence; the arguments it
 * uses are listed after it (fields of struct ev). R_TEXT and E_TEXT carry
 * free text for what has no sentence of its own (help lines, the text of
 * another IRC server's numerics). Those marked "chat:" only the chat
 * client prints.
 */
enum ev_code {
	R_TEXT,          /* text */
	R_WELCOME,       /* nick, room, target: the network (NULL: chatd) */
	R_WELCOME_PASS,  /* nick: a password is needed */
	R_PASS_OK,       /* room */
	R_NICK_SAME,     /* nick: "you are already NICK" */
	R_BYE,           /* */
	R_SHUTDOWN,      /* */
	R_WHO,           /* room, num[0] members, text: "@alice, bob" */
	R_ROOMS,         /* num[0] rooms, text: "#a (1), #b (2)" */
	R_TOPIC,         /* room, text: topic, target: who set it or NULL */
	R_NO_TOPIC,      /* room */
	R_AWAY_ON,       /* */
	R_AWAY_OFF,      /* */
	R_AWAY,          /* nick, text: nick is away; target: who is told */
	R_WHOIS,         /* nick, text: "#a #b" or "", num[0] idle s,
			  * num[1] connected s, target: away text or NULL,
			  * flags EV_F_IRC */
	R_LIST_HEAD,     /* num[0] rooms */
	R_LIST_ROOM,     /* room, num[0] members, text: topic ("" none) */
	R_HISTORY_HEAD,  /* room, num[0] events */
	R_HISTORY_END,   /* */
	R_NO_HISTORY,    /* room */
	R_QUITS,         /* num[0] users, quit, text: many quit at once */
	R_CLUSTER_LOST,  /* */
	R_CLUSTER_BACK,  /* */
	R_CLUSTER_LOSS,  /* num[0] messages that did not reach the others */
	R_NICK_SPLIT,    /* nick: lost, target: the new guest nick */
	R_IS_OP,         /* nick, room: already an operator of room */
	R_IS_NOT_OP,     /* nick, room: not an operator of room */
	R_NICK_TAKEN,    /* chat: nick asked for, target: the one given */
	R_DISCONNECTED,  /* chat: text: why */
	R_RECONNECTING,  /* chat: text: why, num[0] seconds to the next try */
	R_MODE,          /* chat: nick, room, text: a mode other than +-o */
	E_TEXT,          /* text */
	E_PASS_NEEDED,   /* */
	E_LINE_TOO_LONG, /* num[0] the limit */
	E_NICK_INVALID,  /* nick as given */
	E_NICK_IN_USE,   /* nick as given */
	E_ROOM_INVALID,  /* room as given */
	E_ALREADY_IN,    /* room */
	E_USAGE,         /* text: "/nick NAME" */
	E_NO_SUCH_NICK,  /* nick as given */
	E_NO_PASS,       /* no password is needed */
	E_AUTHED,        /* already authenticated */
	E_PASS_WRONG,    /* */
	E_PASS_CLOSING,  /* wrong password, closing */
	E_LOGIN_TIMEOUT, /* */
	E_SERVER_FULL,   /* */
	E_PER_IP,        /* too many connections from your address */
	E_UNKNOWN_CMD,   /* text: the command without its '/' */
	E_NOT_OP,        /* room */
	E_NOT_IN_ROOM,   /* nick, room: nick is not in room */
	E_NO_SUCH_ROOM,  /* room */
	E_NOT_MEMBER,    /* room: you are not in room */
	E_CANNOT_SEND,   /* room */
	E_TOO_MANY,      /* room: too many rooms */
	E_TOO_SLOW,      /* num[0] bytes unsent */
	E_CLUSTER_DOWN,  /* cluster unavailable */
	E_CLUSTER_LATER, /* cluster unavailable, try again later */
	E_NO_ROOM,       /* chat: the user is in no room */
	E_NOT_CONNECTED, /* chat: a line typed while disconnected: not sent */
	EV_NCODES
};

/* R_WHOIS: the user is on IRC. EV_MESSAGE: the sender is on IRC (IRC
 * cuts its over-long lines where it splits a plain-text user's). */
#define EV_F_IRC 0x20

/*
 * One event. Strings are NUL-terminated and owned by whoever made the
 * event; they need only live as long as the call they are passed to.
 * Rooms are named without their '#'.
 */
struct ev {
	enum ev_kind kind;
	uint64_t id;       /* server-wide, increasing; 0: none */
	const char *msgid; /* id as IRC clients see it, or NULL */
	int64_t time_ms;   /* when the server handled it: UTC, ms */
	const char *nick;  /* who did it */
	const char *user;  /* its IRC username (nick for text users) */
	const char *room;
	const char *target;
	const char *text;
	size_t len;       /* of text */
	const char *tags; /* IRC client-only tags, escaped, or NULL */
	unsigned flags;
	enum ev_quit quit; /* EV_QUIT, R_QUITS */
	enum ev_code code; /* EV_REPLY, EV_ERROR */
	long long num[2];
};

#endif
