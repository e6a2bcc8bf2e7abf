/*
 * fuzz_irc_body.h: arbitrary bytes through common/irc's parser and what
 * builds on it, shared by the libFuzzer target tests/fuzz/fuzz_irc.c and
 * by the Check test that replays saved inputs without libFuzzer
 * (tests/unit/test_fuzz_regressions.c).
 *
 * The whole input is one line (without CR LF). Checked:
 *   - irc_line_fits() and irc_parse() take any bytes;
 *   - a parsed message only points into the line, each piece ending
 *     inside it; the command is non-empty and uppercase, at most 15
 *     params, the middle ones non-empty, without spaces or a leading ':';
 *   - every tag lies inside the tag section; unescaping its value into an
 *     output of exactly len + 1 bytes, or into a shorter one, never writes
 *     past the output; irc_tag_find() finds each of the first keys;
 *     the client-only filter keeps only well-formed '+' tags;
 *   - CTCP and UTF-8 cuts and splits of the last param stay inside it,
 *     cut at character boundaries, and splits give the text back whole;
 *   - formatting the message gives one CRLF-terminated line that parses
 *     again to the same tags, source, command and params.
 */
#ifndef FUZZ_IRC_BODY_H
#define FUZZ_IRC_BODY_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "irc.h"
#include "text.h"

/* Lines past both limits say nothing new and only slow the search. */
#define FZI_INPUT_MAX  (IRC_INPUT_MAX + 64)
/* Bytes after each unescape output that must stay as they were. */
#define FZI_GUARD      16
#define FZI_GUARD_BYTE 0xa5
/* Looking each key up is quadratic: only the first ones. */
#define FZI_FIND_MAX   64

struct fzi {
	const char *line;
	size_t len;
	int failed;
	char why[256];
};

static void fzi_fail(struct fzi *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
fzi_fail(struct fzi *f, const char *fmt, ...)
{
	va_list ap;

	if (f->failed)
		return;
	f->failed = 1;
	va_start(ap, fmt);
	vsnprintf(f->why, sizeof f->why, fmt, ap);
	va_end(ap);
}

/* p[0, n) lies inside the line (its NUL included). */
static int
fzi_inside(const struct fzi *f, const char *p, size_t n)
{
	return p >= f->line && p <= f->line + f->len &&
	    n <= (size_t)(f->line + f->len - p);
}

static void
fzi_piece(struct fzi *f, const char *what, const char *p)
{
	/* Bounded: strlen() would run off a piece that lost its NUL. */
	if (p == NULL || !fzi_inside(f, p, 0) ||
	    memchr(p, '\0', (size_t)(f->line + f->len - p) + 1) == NULL)
		fzi_fail(f, "%s points outside the line", what);
}

static void
fzi_check_msg(struct fzi *f, const struct irc_msg *m)
{
	const char *c;
	size_t i;

	if (m->tags != NULL)
		fzi_piece(f, "tags", m->tags);
	if (m->source != NULL)
		fzi_piece(f, "source", m->source);
	fzi_piece(f, "command", m->command);
	if (m->nparams > IRC_PARAMS_MAX)
		fzi_fail(f, "%zu params", m->nparams);
	for (i = 0; i < m->nparams && !f->failed; i++)
		fzi_piece(f, "a param", m->params[i]);
	if (f->failed)
		return;
	if (m->command[0] == '\0' || m->command[0] == ':' ||
	    m->command[0] == '@')
		fzi_fail(f, "command '%s'", m->command);
	for (c = m->command; *c != '\0'; c++)
		if (*c >= 'a' && *c <= 'z')
			fzi_fail(f, "command '%s' not uppercased", m->command);
	for (i = 0; i + 1 < m->nparams; i++)
		if (m->params[i][0] == '\0' || m->params[i][0] == ':' ||
		    strchr(m->params[i], ' ') != NULL)
			fzi_fail(
			    f, "middle param %zu is '%s'", i, m->params[i]);
}

/* Unescape into exactly outsize bytes followed by a guard. */
static void
fzi_unescape(struct fzi *f, const struct irc_tag *t, size_t outsize)
{
	unsigned char *out = malloc(outsize + FZI_GUARD);
	ssize_t r;
	size_t i;

	if (out == NULL)
		return;
	memset(out, FZI_GUARD_BYTE, outsize + FZI_GUARD);
	r = irc_tag_unescape((char *)out, outsize, t->value, t->valuelen);
	for (i = outsize; i < outsize + FZI_GUARD; i++)
		if (out[i] != FZI_GUARD_BYTE) {
			fzi_fail(f, "unescape into %zu bytes wrote byte %zu",
			    outsize, i);
			break;
		}
	if (outsize > t->valuelen && (r < 0 || (size_t)r > t->valuelen))
		fzi_fail(f, "unescape of %zu bytes gave %zd", t->valuelen, r);
	else if (r >= 0 && ((size_t)r >= outsize || out[r] != '\0'))
		fzi_fail(f, "unescape result %zd not NUL-terminated", r);
	free(out);
}

static void
fzi_check_tags(struct fzi *f, const char *tags)
{
	struct irc_tag t, found;
	struct buf b;
	size_t pos = 0, tlen = strlen(tags), n = 0;
	char *kept, *key;

	while (irc_tag_next(tags, &pos, &t) && !f->failed) {
		if (t.key < tags || t.keylen == 0 ||
		    t.key + t.keylen > tags + tlen ||
		    (t.value != NULL &&
			(t.value != t.key + t.keylen + 1 ||
			    t.value + t.valuelen > tags + tlen)))
			fzi_fail(f, "tag outside the tag section");
		else if (memchr(t.key, ';', t.keylen) != NULL ||
		    memchr(t.key, '=', t.keylen) != NULL)
			fzi_fail(f, "tag key holds ';' or '='");
		if (f->failed)
			return;
		fzi_unescape(f, &t, t.valuelen + 1);
		fzi_unescape(f, &t, t.valuelen / 2);
		if (n++ >= FZI_FIND_MAX)
			continue;
		if ((key = strndup(t.key, t.keylen)) == NULL)
			return;
		if (!irc_tag_find(tags, key, &found) ||
		    found.keylen != t.keylen ||
		    memcmp(found.key, key, t.keylen) != 0)
			fzi_fail(f, "tag '%s' not found", key);
		free(key);
	}
	buf_init(&b);
	if (irc_tags_client_only(&b, tags) == 0 && buf_len(&b) > 0 &&
	    (kept = strndup(buf_data(&b), buf_len(&b))) != NULL) {
		pos = 0;
		while (irc_tag_next(kept, &pos, &t) && !f->failed) {
			if (t.key[0] != '+' ||
			    !irc_tag_key_valid(t.key, t.keylen))
				fzi_fail(
				    f, "kept tag '%.*s'", (int)t.keylen, t.key);
			if (n-- == 0)
				fzi_fail(f, "more tags kept than given");
		}
		if (strchr(kept, ' ') != NULL)
			fzi_fail(f, "kept tags hold a space");
		free(kept);
	}
	buf_free(&b);
}

/* Cuts and splits of the last param at a budget taken from the input. */
static void
fzi_check_text(struct fzi *f, const char *s, size_t max)
{
	struct irc_ctcp c;
	struct irc_split sp;
	const char *piece;
	size_t len = strlen(s), cut, pos = 0, at = 0, plen;

	if (irc_ctcp_parse(s, len, &c) &&
	    (c.commandlen == 0 || c.command != s + 1 ||
		c.command + c.commandlen > s + len ||
		(c.arg != NULL &&
		    (c.arg < c.command || c.arg + c.arglen > s + len))))
		fzi_fail(f, "CTCP outside its text");
	cut = irc_utf8_cut(s, len, max);
	if (cut > max || cut > len)
		fzi_fail(f, "cut to %zu of %zu gave %zu", max, len, cut);
	while (pos < cut)
		pos = text_utf8_next(s, len, pos);
	if (pos != cut)
		fzi_fail(f, "cut at %zu inside a character", cut);
	else if (cut < len && text_utf8_next(s, len, cut) <= max)
		fzi_fail(f, "cut at %zu, another character fits", cut);
	irc_split_init(&sp, s, len, max);
	while (!f->failed && irc_split_next(&sp, &piece, &plen)) {
		if (piece != s + at || plen == 0 || plen > max)
			fzi_fail(f, "split piece %zu+%zu", at, plen);
		at += plen;
	}
	if (!f->failed && max > 0 && at != len)
		fzi_fail(f, "split gave %zu of %zu bytes", at, len);
}

static int
fzi_same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void
fzi_round_trip(struct fzi *f, const struct irc_msg *m)
{
	struct buf b;
	struct irc_msg m2;
	char *line;
	size_t len, i;
	ssize_t n;

	buf_init(&b);
	n = irc_format(&b, m->tags, m->source, m->command, m->nparams,
	    (const char *const *)m->params, m->trailing ? IRC_FMT_TRAILING : 0);
	if (n < 0) {
		fzi_fail(f, "a parsed message does not format");
		buf_free(&b);
		return;
	}
	len = buf_len(&b);
	if ((size_t)n != len || len < 2 ||
	    memcmp(buf_data(&b) + len - 2, "\r\n", 2) != 0 ||
	    memchr(buf_data(&b), '\r', len - 2) != NULL ||
	    memchr(buf_data(&b), '\n', len - 2) != NULL) {
		fzi_fail(f, "formatted: not one CRLF line");
		buf_free(&b);
		return;
	}
	if ((line = strndup(buf_data(&b), len - 2)) == NULL) {
		buf_free(&b);
		return;
	}
	buf_free(&b);
	if (irc_parse(&m2, line, len - 2) != 0)
		fzi_fail(f, "the formatted line does not parse");
	else if (!fzi_same(m->tags, m2.tags) ||
	    !fzi_same(m->source, m2.source) ||
	    strcmp(m->command, m2.command) != 0 || m->nparams != m2.nparams)
		fzi_fail(
		    f, "round trip changed tags, source, command or count");
	for (i = 0; !f->failed && i < m->nparams; i++)
		if (strcmp(m->params[i], m2.params[i]) != 0)
			fzi_fail(f, "round trip changed param %zu", i);
	free(line);
}

/*
 * Run one input. Returns NULL when every check held, or what failed
 * (valid until the next call). Everything is freed either way.
 */
static const char *
fuzz_irc_one(const uint8_t *data, size_t size)
{
	static struct fzi f;
	struct irc_msg m;
	char *line;
	size_t max;

	memset(&f, 0, sizeof f);
	if (size > FZI_INPUT_MAX)
		size = FZI_INPUT_MAX;
	/* Exactly the input and its NUL: ASan sees any read past them. */
	if ((line = malloc(size + 1)) == NULL)
		return NULL;
	if (size > 0)
		memcpy(line, data, size);
	line[size] = '\0';
	f.line = line;
	f.len = size;
	(void)irc_line_fits(line, size);
	max = size > 0 ? data[0] % 64 : 0;
	if (irc_parse(&m, line, size) == 0) {
		fzi_check_msg(&f, &m);
		if (!f.failed && m.tags != NULL)
			fzi_check_tags(&f, m.tags);
		if (!f.failed && m.nparams > 0)
			fzi_check_text(&f, m.params[m.nparams - 1], max);
		if (!f.failed)
			fzi_round_trip(&f, &m);
	}
	free(line);
	return f.failed ? f.why : NULL;
}

#endif
