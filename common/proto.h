/* proto.h: limits, defaults and wire constants shared by chatd and chat. */
#ifndef CHAT_PROTO_H
#define CHAT_PROTO_H

#define CHAT_VERSION          "1.0.0"
#define CHAT_DEFAULT_HOST     "localhost"
#define CHAT_DEFAULT_PORT     6666
#define CHAT_DEFAULT_PORT_STR "6666"

/* Longest client line, without its line end (--max-line). */
#define CHAT_MAX_LINE     2048
#define CHAT_NICK_MAX     16
#define CHAT_ROOM_MAX     32 /* without the leading '#' */
#define CHAT_DEFAULT_ROOM "lobby"
#define CHAT_TOPIC_MAX    300
#define CHAT_KICK_MAX     300 /* kick reason */
#define CHAT_AWAY_MAX     200
#define CHAT_ROOMS_MAX    50 /* rooms an IRC user may be in at once */
/* Message ids: a prefix that names the server's start, then the event's
 * number in fixed-width hex, so ids sort in the order of events. */
#define CHAT_MSGID_PREFIX 9
#define CHAT_MSGID_DIGITS 12
#define CHAT_MSGID_MAX    32
#define CHAT_GUEST_PREFIX "guest"

/* IRC names (irc-v1 §3): USER's username and realname as chatd keeps them. */
#define CHAT_IRC_USER_MAX     10
#define CHAT_IRC_USER_DEFAULT "user"
#define CHAT_IRC_REALNAME_MAX 64
#define CHAT_TEXT_REALNAME    "plain-text user" /* what IRC shows of text users */

/* Every server line starts with "[HH:MM:SS] " (11 bytes). */
#define CHAT_STAMP_LEN     11
#define CHAT_NOTICE_PREFIX "-!- "
#define CHAT_ERROR_PREFIX  "-!- error: "

/* Server defaults (chatd options). */
#define CHATD_MAX_CLIENTS       1000
#define CHATD_MAX_QUEUE         (1024 * 1024)
#define CHATD_RATE              20.0 /* lines per second */
#define CHATD_BURST             40
#define CHATD_LOGIN_TIMEOUT     30 /* seconds */
#define CHATD_PASS_TRIES        3
#define CHATD_HISTORY           100 /* events kept per room (--history) */
#define CHATD_HISTORY_MAX       100000
#define CHATD_REPLAY            20 /* shown to a text user on joining */
#define CHATD_HISTORY_MEMORY    (16 * 1024 * 1024)
#define CHATD_SHUTDOWN_FLUSH_MS 2000
#define CHATD_BACKLOG           511

/*
 * A new connection on a shared listener is plain text if no line came
 * within DETECT_MS (irc-v1 §1). One over -m or --max-per-ip is kept until
 * its protocol is known, to be refused in its words; at most OVER_WAIT
 * such wait at once (more are closed without a word).
 */
#define CHATD_DETECT_MS 500
#define CHATD_OVER_WAIT 8

/*
 * Descriptors chatd holds besides its clients: stdin/stdout/stderr, a TCP,
 * a Unix and an IRC-only listener, the signal self-pipe (2), the spare fd
 * kept for EMFILE, one for a "server full" reply in flight, and the
 * over-limit connections waiting to be refused.
 */
#define CHATD_RESERVED_FDS (10 + CHATD_OVER_WAIT)

/* IRC (irc-v1.md): the server's name, its keepalive (a PING after
 * PING_IDLE_MS of silence, closed PING_WAIT_MS later), how much a LIST
 * keeps queued at most while it is paced (SAFELIST), the MOTD's size. */
#define CHATD_SERVER_NAME      "chatd"
#define CHATD_SERVER_NAME_MAX  63
#define CHATD_IRC_PING_IDLE_MS 90000
#define CHATD_IRC_PING_WAIT_MS 120000
#define CHATD_IRC_LIST_QUEUED  (64 * 1024)
#define CHATD_MOTD_MAX         (64 * 1024)

/* Fairness: at most this much input is taken from one client per pass. */
#define CHATD_READ_CHUNK       16384
#define CHATD_LINES_PER_PASS   64
/* Accept at most this many connections per listener per pass. */
#define CHATD_ACCEPTS_PER_PASS 64
/* After accept() fails for lack of resources, pause the listener. */
#define CHATD_ACCEPT_PAUSE_MS  100
#define CHATD_CRON_MS          1000
/* A closing connection gets this long to take what is queued for it. */
#define CHATD_LINGER_MS        10000

/*
 * The UDP timestamp service (chatd-v2 §8): datagrams of 1..MAX_DATA bytes
 * are answered, at most SOURCE_RATE per second per source address (burst
 * SOURCE_BURST) and GLOBAL_RATE in all (burst GLOBAL_BURST). The source
 * table has SOURCES slots, a new source may take one of PROBES of them;
 * at most PER_PASS datagrams are read per readiness callback.
 */
#define CHATD_UDP_MAX_DATA     2048
#define CHATD_UDP_SOURCE_RATE  20
#define CHATD_UDP_SOURCE_BURST 20
#define CHATD_UDP_GLOBAL_RATE  1000
#define CHATD_UDP_GLOBAL_BURST 1000
#define CHATD_UDP_SOURCES      4096
#define CHATD_UDP_PROBES       16
#define CHATD_UDP_PER_PASS     64

/* Client defaults. */
#define CHAT_QUIT_WAIT_MS  5000  /* pipe mode: wait for the server to close */
#define CHAT_MAX_RECV_LINE 65536 /* longest server line the client accepts */

#endif
