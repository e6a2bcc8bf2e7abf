/* telnet.h: the telnet commands in a byte stream, removed and answered (chatd-v2 §3); no I/O. */
#ifndef CHAT_TELNET_H
#define CHAT_TELNET_H

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"

/* RFC 854 command bytes and the one option answered each time. */
#define TELNET_IAC         255
#define TELNET_DONT        254
#define TELNET_DO          253
#define TELNET_WONT        252
#define TELNET_WILL        251
#define TELNET_SB          250
#define TELNET_SE          240
#define TELNET_TIMING_MARK 6

/*
 * One connection's telnet state: where a command stopped (a sequence may
 * be split across reads at any byte) and which options were answered.
 * Fixed size: nothing a peer sends makes it grow. Zero it or call
 * telnet_init() before use; it owns no memory.
 */
struct telnet {
	unsigned char state;
	unsigned char verb; /* DO, DONT, WILL or WONT waiting for its option */
	unsigned char refused_do[32];   /* options answered WONT, a bit each */
	unsigned char refused_will[32]; /* options answered DONT */
};

void telnet_init(struct telnet *);

/*
 * Filter in[0..len) into out (out may be in: the result is never longer)
 * and return the length of what is left: the data with every telnet
 * command removed, IAC IAC as one 0xFF byte. Answers go to the end of
 * reply: IAC DO x gets IAC WONT x and IAC WILL x gets IAC DONT x, once per
 * option and direction, but DO TIMING-MARK every time; nothing else is
 * answered. SB ... IAC SE is skipped; inside it IAC IAC is part of the
 * subnegotiation, and IAC followed by anything but SE or IAC ends it and
 * counts as a command (as BSD telnetd does, so a broken SB does not eat
 * the session). One-byte commands (NOP, DM, BRK, IP, AO, AYT, EC, EL, GA,
 * EOR) and IAC with an unknown byte vanish. Returns -1 with errno ENOMEM
 * when reply cannot grow: close the connection, out and the state are
 * then unspecified.
 */
ssize_t telnet_filter(
    struct telnet *, char *out, const char *in, size_t len, struct buf *reply);

#endif
