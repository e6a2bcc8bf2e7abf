/* client_util.h: chat's IRC side (client/client.c) driven line by line, for test_client_*.c. */
#ifndef TEST_CLIENT_UTIL_H
#define TEST_CLIENT_UTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check_main.h"
#include "client.h"

/* 2026-12-01 12:04:05 UTC, shown in UTC (TZ is set in cu_setup). */
#define CU_T0      1796126645000LL
#define CU_STAMP   "[12:04:05] "
#define CU_TIME    "@time=2026-12-01T12:04:05.000Z "
#define CU_OUT_MAX 65536
#define CU_ALL_CAPS                                                       \
	"batch draft/chathistory echo-message message-tags multi-prefix " \
	"server-time userhost-in-names"

static struct client cl;
static struct buf cu_lines; /* every line printed, LF-ended */
static int cu_highlights;   /* lines printed as highlights */
static int cu_errors;       /* lines printed as errors */
static int cu_changes;      /* prompt changes announced */
static int64_t cu_now = CU_T0;

static inline void
cu_print(void *arg, const char *line, size_t len, unsigned flags)
{
	(void)arg;
	ck_assert_ptr_nonnull(line);
	ck_assert(memchr(line, '\n', len) == NULL);
	ck_assert(buf_append(&cu_lines, line, len) == 0);
	ck_assert(buf_append(&cu_lines, "\n", 1) == 0);
	cu_highlights += (flags & CLIENT_L_HIGHLIGHT) != 0;
	cu_errors += (flags & CLIENT_L_ERROR) != 0;
}

static inline void
cu_changed(void *arg)
{
	(void)arg;
	cu_changes++;
}

static inline int64_t
cu_clock(void)
{
	return cu_now;
}

static const struct client_ops cu_ops = { cu_print, cu_changed };

static inline void
cu_setup(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	cu_now = CU_T0;
	buf_init(&cu_lines);
	cu_highlights = cu_errors = cu_changes = 0;
	client_init(&cl, &cu_ops, NULL);
	cl.clock = cu_clock;
	client_copy(cl.want_nick, sizeof cl.want_nick, "alice");
	client_copy(cl.user, sizeof cl.user, "alice");
}

static inline void
cu_teardown(void)
{
	client_free(&cl);
	buf_free(&cu_lines);
}

/* One server line (printf-style, without CR LF) into the client. */
static inline void cu_feed(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static inline void
cu_feed(const char *fmt, ...)
{
	char line[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	ck_assert(n >= 0 && (size_t)n < sizeof line);
	client_line(&cl, line, (size_t)n);
}

/* What the client queued for the server since the last call. */
static inline const char *
cu_sent(void)
{
	static char out[CU_OUT_MAX];

	ck_assert_uint_lt(buf_len(&cl.out), sizeof out);
	memcpy(out, buf_len(&cl.out) > 0 ? buf_data(&cl.out) : "",
	    buf_len(&cl.out));
	out[buf_len(&cl.out)] = '\0';
	buf_truncate(&cl.out, 0);
	return out;
}

/* What the client printed since the last call. */
static inline const char *
cu_shown(void)
{
	static char out[CU_OUT_MAX];

	ck_assert_uint_lt(buf_len(&cu_lines), sizeof out);
	memcpy(out, buf_len(&cu_lines) > 0 ? buf_data(&cu_lines) : "",
	    buf_len(&cu_lines));
	out[buf_len(&cu_lines)] = '\0';
	buf_truncate(&cu_lines, 0);
	return out;
}

/* The line fed makes the client print exactly want (LF-ended lines;
 * "" for nothing). */
#define cu_is(want, ...)                            \
	do {                                        \
		cu_feed(__VA_ARGS__);               \
		ck_assert_str_eq(cu_shown(), want); \
	} while (0)

/* Registration as chatd answers it, offering caps (NULL: a server without
 * CAP, which answers 421), then the JOIN of #lobby with bob and carol
 * there. What was printed and sent is cleared. */
static inline void
cu_register(const char *caps)
{
	client_connected(&cl);
	if (caps == NULL)
		cu_feed(":chatd 421 * CAP :Unknown command");
	else {
		cu_feed(":chatd CAP * LS :%s", caps);
		cu_feed(":chatd CAP * ACK :%s", caps);
	}
	cu_feed(":chatd 001 %s :Welcome to chatd, %s", cl.trying, cl.trying);
	cu_feed(":chatd 005 %s NETWORK=chatd CHATHISTORY=100 :are supported by "
		"this server",
	    cl.nick);
	cu_feed(":chatd 422 %s :MOTD File is missing", cl.nick);
	cu_feed(":%s!alice@chatd JOIN #lobby", cl.nick);
	cu_feed(":chatd 353 %s = #lobby :@carol bob %s", cl.nick, cl.nick);
	cu_feed(":chatd 366 %s #lobby :End of /NAMES list", cl.nick);
	ck_assert(client_ready(&cl));
	(void)cu_sent();
	(void)cu_shown();
	cu_highlights = cu_errors = cu_changes = 0;
}

#endif
