/*
 * detect.h: a new connection on a shared listener, until its first line
 * says which protocol it speaks (irc-v1 §1): IRC, or plain text (also
 * when no line comes within CHATD_DETECT_MS). It then hands the
 * connection, and that line, to the protocol.
 */
#ifndef CHATD_DETECT_H
#define CHATD_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

struct conn;
struct server;

/*
 * Own conn from now on; connected_ms (loop clock) is when it was
 * accepted. refuse: 0, or E_SERVER_FULL / E_PER_IP: the connection is
 * over a limit and is refused in its protocol's words once that is known.
 * Returns 0, or -1 (conn killed).
 */
int detect_start(
    struct server *, struct conn *, int64_t connected_ms, enum ev_code refuse);

/* Nonzero when a first line (without its CR LF) is IRC's: CAP, NICK,
 * USER or PASS in any case, followed by a space or the end. */
int detect_is_irc(const char *line, size_t len);

#endif
