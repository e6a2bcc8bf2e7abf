/*
 * fuzz_client_body.h: whatever a server sends, through chat's IRC side
 * (client/client.c), shared by the libFuzzer target tests/fuzz/fuzz_client.c
 * and by the Check test that replays saved inputs without libFuzzer
 * (tests/unit/test_fuzz_regressions.c).
 *
 * Input layout:
 *   byte 0   the capabilities the server ACKs (bits, as CLIENT_CAP_*)
 *   then     lines separated by LF: each is a line from the server, or,
 *            when it starts with 0x01, a line the user typed (the rest)
 *
 * chat is first registered and in #lobby, then fed the lines. Checked
 * after every line (chat-v2 §1): each printed line is stamped, valid
 * UTF-8 with no C0 control (TAB included), DEL, C1 control or bidi
 * formatting character; what chat queued for the server is whole CR LF
 * lines without NUL, CR or LF inside, each within 512 bytes unless the user
 * typed it raw (/quote); its nick and room hold no space or control byte;
 * what it holds back for a resume stays within its bound.
 */
#ifndef FUZZ_CLIENT_BODY_H
#define FUZZ_CLIENT_BODY_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "client.h"
#include "irc.h"
#include "proto.h"
#include "text.h"

#define FZC_INPUT_MAX (64 * 1024)
#define FZC_TYPED     0x01

struct fzc {
	struct client c;
	int failed;
	char why[256];
	int quoted; /* the user typed a /quote since out was last checked */
};

static void fzc_fail(struct fzc *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
fzc_fail(struct fzc *f, const char *fmt, ...)
{
	va_list ap;

	if (f->failed)
		return;
	f->failed = 1;
	va_start(ap, fmt);
	vsnprintf(f->why, sizeof f->why, fmt, ap);
	va_end(ap);
}

static int64_t
fzc_clock(void)
{
	return 1796126645000LL;
}

/* A printed line must be something a terminal can take as text. */
static void
fzc_check_shown(struct fzc *f, const char *line, size_t len)
{
	size_t i, used;
	uint32_t cp;

	if (len < CHAT_STAMP_LEN || line[0] != '[' ||
	    line[CHAT_STAMP_LEN - 1] != ' ') {
		fzc_fail(f, "a line without its stamp: %.*s", (int)len, line);
		return;
	}
	for (i = 0; i < len; i += used) {
		cp = text_utf8_decode(line + i, len - i, &used);
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
		    (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069)) {
			fzc_fail(f, "U+%04X shown at %zu", (unsigned)cp, i);
			return;
		}
		if (used == 1 && (unsigned char)line[i] >= 0x80) {
			fzc_fail(f, "invalid UTF-8 shown at %zu", i);
			return;
		}
	}
}

static void
fzc_print(void *arg, const char *line, size_t len, unsigned flags)
{
	(void)flags;
	fzc_check_shown(arg, line, len);
}

static void
fzc_changed(void *arg)
{
	(void)arg;
}

/* What chat sends: whole lines, within IRC's size unless typed raw. */
static void
fzc_check_out(struct fzc *f)
{
	const char *p = buf_data(&f->c.out), *end = p + buf_len(&f->c.out);
	const char *crlf;

	while (p != NULL && p < end) {
		for (crlf = p;
		     crlf + 1 < end && !(crlf[0] == '\r' && crlf[1] == '\n');
		     crlf++)
			if (*crlf == '\0' || *crlf == '\r' || *crlf == '\n') {
				fzc_fail(
				    f, "a NUL, CR or LF inside a line sent");
				return;
			}
		if (crlf + 1 >= end) {
			fzc_fail(f, "a line sent without its CR LF");
			return;
		}
		if (!f->quoted && (size_t)(crlf + 2 - p) > IRC_LINE_MAX) {
			fzc_fail(f, "a line of %zu bytes sent",
			    (size_t)(crlf + 2 - p));
			return;
		}
		p = crlf + 2;
	}
	buf_truncate(&f->c.out, 0);
	f->quoted = 0;
}

static void
fzc_check_state(struct fzc *f)
{
	const char *names[] = { f->c.nick, f->c.room };
	size_t i, j;

	for (i = 0; i < 2; i++)
		for (j = 0; names[i][j] != '\0'; j++)
			if ((unsigned char)names[i][j] <= ' ' ||
			    names[i][j] == 0x7f) {
				fzc_fail(f, "nick or room with byte %#x",
				    (unsigned char)names[i][j]);
				return;
			}
	if (buf_len(&f->c.resume.held) > RESUME_HELD_MAX)
		fzc_fail(f, "%zu bytes held", buf_len(&f->c.resume.held));
	if (f->c.resume.n > RESUME_SEEN_MAX)
		fzc_fail(f, "%zu msgids remembered", f->c.resume.n);
}

static void
fzc_line(struct fzc *f, const char *line)
{
	char copy[FZC_INPUT_MAX + 1];
	size_t n = strlen(line);

	memcpy(copy, line, n + 1);
	client_line(&f->c, copy, n);
}

/* Returns NULL when every check held, else what went wrong. */
static const char *
fuzz_client_one(const uint8_t *data, size_t size)
{
	static const struct client_ops ops = { fzc_print, fzc_changed };
	static struct fzc f;
	static char line[FZC_INPUT_MAX + 1], typed[3 * FZC_INPUT_MAX + 1];
	size_t i, start, n;

	memset(&f, 0, sizeof f);
	if (size == 0 || size > FZC_INPUT_MAX)
		return NULL;
	client_init(&f.c, &ops, &f);
	f.c.clock = fzc_clock;
	client_copy(f.c.want_nick, sizeof f.c.want_nick, "alice");
	client_copy(f.c.user, sizeof f.c.user, "alice");
	client_connected(&f.c);
	f.c.caps = data[0] &
	    (CLIENT_CAP_TIME | CLIENT_CAP_TAGS | CLIENT_CAP_ECHO |
		CLIENT_CAP_BATCH | CLIENT_CAP_HISTORY);
	f.c.cap_open = 0;
	fzc_line(&f, ":chatd 001 alice :Welcome");
	fzc_line(&f, ":chatd 005 alice CHATHISTORY=3 :are supported");
	fzc_line(&f, ":alice!alice@chatd JOIN #lobby");
	fzc_check_out(&f);
	for (start = 1; start < size && !f.failed; start = i + 1) {
		for (i = start; i < size && data[i] != '\n'; i++)
			;
		n = i - start;
		memcpy(line, data + start, n);
		line[n] = '\0';
		if (n > 0 && line[0] == FZC_TYPED) {
			/* As chat reads it: cleaned, the command in any case. */
			typed[text_clean(
			    typed, line + 1, n - 1, TEXT_CLEAN_IRC)] = '\0';
			f.quoted |= strncasecmp(typed, "/quote", 6) == 0;
			client_typed(&f.c, line + 1);
		} else
			client_line(&f.c, line, n);
		fzc_check_out(&f);
		fzc_check_state(&f);
		/* A reconnect now and then, as the session would. */
		if (!f.failed && n > 0 && line[0] == 'E') {
			client_disconnected(&f.c);
			client_connected(&f.c);
			fzc_line(&f, ":chatd 001 alice :Welcome");
			fzc_line(&f, ":alice!alice@chatd JOIN #lobby");
			fzc_check_out(&f);
		}
	}
	client_resume_timeout(&f.c);
	client_free(&f.c);
	return f.failed ? f.why : NULL;
}

#endif
