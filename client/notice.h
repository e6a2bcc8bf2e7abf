/* notice.h: what the client learns from server lines: its nick, its room, errors. */
#ifndef CHAT_NOTICE_H
#define CHAT_NOTICE_H

#include "proto.h"

/* Longest error text kept as a disconnect reason. */
#define NOTICE_REASON_MAX 256

/* Who and where we are, as far as the server has told us ("" = unknown). */
struct notice_self {
	char nick[CHAT_NICK_MAX + 1];
	char room[CHAT_ROOM_MAX + 2]; /* with its '#' */
};

/* The text after the "[HH:MM:SS] " stamp, or line itself without one. */
const char *notice_body(const char *line);

/*
 * Follow the welcome, "X is now known as Y" and "X has joined #room"
 * notices that concern us. Returns 1 when nick or room changed.
 */
int notice_track(struct notice_self *, const char *line);

/*
 * When line is an error notice, or the shutdown notice, copy its text
 * into reason (size reasonlen) and return 1; otherwise return 0.
 */
int notice_reason(const char *line, char *reason, size_t reasonlen);

/* The prompt for the current nick and room, e.g. "[#lobby alice]> ". */
void notice_prompt(const struct notice_self *, char *out, size_t outlen);

#endif
