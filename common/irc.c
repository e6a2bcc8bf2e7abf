/* irc.c: IRC message parse and format, size limits, UTF-8 cutting, CTCP. */
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "irc.h"
#include "text.h"

#define IRC_CTCP_DELIM 0x01
#define IRC_CRLF       "\r\n"
#define IRC_CRLF_LEN   2

/* How the last param follows the others (irc_head()). */
enum irc_sep {
	IRC_SEP_NONE,  /* there is no last param */
	IRC_SEP_SPACE, /* " last" */
	IRC_SEP_COLON  /* " :last" */
};

static char *
irc_skip_spaces(char *p)
{
	while (*p == ' ')
		p++;
	return p;
}

/* End the word at p with a NUL; returns where the next part starts. */
static char *
irc_cut_word(char *p)
{
	while (*p != '\0' && *p != ' ')
		p++;
	if (*p == ' ')
		*p++ = '\0';
	return p;
}

int
irc_parse(struct irc_msg *m, char *line, size_t len)
{
	char *p, *c;

	assert(line[len] == '\0');
	memset(m, 0, sizeof *m);
	/* An embedded NUL stops strcspn() early too: none of the three can
	 * be sent again, so a message holding them cannot be relayed. */
	if (strcspn(line, "\r\n") != len)
		goto bad;
	p = irc_skip_spaces(line);
	if (*p == '@') {
		m->tags = p + 1;
		p = irc_skip_spaces(irc_cut_word(p));
		if (*m->tags == '\0')
			m->tags = NULL;
	}
	if (*p == ':') {
		m->source = p + 1;
		p = irc_skip_spaces(irc_cut_word(p));
		if (*m->source == '\0')
			m->source = NULL;
	}
	/* What irc_format() could not send back as a command. */
	if (*p == '\0' || *p == ':' || *p == '@')
		goto bad;
	m->command = p;
	p = irc_cut_word(p);
	for (c = m->command; *c != '\0'; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 'a' + 'A');
	while (m->nparams < IRC_PARAMS_MAX) {
		p = irc_skip_spaces(p);
		if (*p == '\0')
			break;
		if (*p == ':') {
			m->params[m->nparams++] = p + 1;
			m->trailing = 1;
			break;
		}
		m->params[m->nparams++] = p;
		if (m->nparams == IRC_PARAMS_MAX)
			break; /* RFC 2812: the 15th is the rest, spaces and all */
		p = irc_cut_word(p);
	}
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int
irc_line_fits(const char *line, size_t len)
{
	const char *sp;
	size_t i = 0, tagsec = 0;

	while (i < len && line[i] == ' ')
		i++;
	if (i < len && line[i] == '@') {
		sp = memchr(line + i, ' ', len - i);
		tagsec = sp != NULL ? (size_t)(sp - (line + i)) + 1 : len - i;
	}
	return tagsec <= IRC_TAGS_MAX &&
	    len - tagsec + IRC_CRLF_LEN <= IRC_LINE_MAX;
}

/* Non-empty, no space, CR or LF: a command, source, tag section, middle. */
static int
irc_word_ok(const char *s)
{
	return *s != '\0' && s[strcspn(s, " \r\n")] == '\0';
}

static int
irc_text_ok(const char *s)
{
	return s[strcspn(s, "\r\n")] == '\0';
}

static int
irc_middle_ok(const char *s)
{
	return s != NULL && irc_word_ok(s) && *s != ':';
}

/* The parts before the last param, checked once for both formatters. */
static int
irc_head_ok(const char *tags, const char *source, const char *command,
    size_t nmid, const char *const *mid)
{
	size_t i;

	if (command == NULL || !irc_word_ok(command) || *command == ':' ||
	    *command == '@')
		return 0;
	if (tags != NULL && *tags != '\0' && !irc_word_ok(tags))
		return 0;
	if (source != NULL && *source != '\0' && !irc_word_ok(source))
		return 0;
	for (i = 0; i < nmid; i++)
		if (!irc_middle_ok(mid[i]))
			return 0;
	return 1;
}

static char *
irc_put(char *d, const char *s, size_t n)
{
	memcpy(d, s, n);
	return d + n;
}

/*
 * "[@tags ][:source ]COMMAND[ middle...]" and the separator before the
 * last param: its length, and when d is not NULL the bytes written there.
 * The parts must have passed irc_head_ok().
 */
static size_t
irc_head(char *d, const char *tags, const char *source, const char *command,
    size_t nmid, const char *const *mid, enum irc_sep sep)
{
	size_t n = 0, i, k;

	if (tags != NULL && *tags != '\0') {
		k = strlen(tags);
		if (d != NULL) {
			*d++ = '@';
			d = irc_put(d, tags, k);
			*d++ = ' ';
		}
		n += k + 2;
	}
	if (source != NULL && *source != '\0') {
		k = strlen(source);
		if (d != NULL) {
			*d++ = ':';
			d = irc_put(d, source, k);
			*d++ = ' ';
		}
		n += k + 2;
	}
	k = strlen(command);
	if (d != NULL)
		d = irc_put(d, command, k);
	n += k;
	for (i = 0; i < nmid; i++) {
		k = strlen(mid[i]);
		if (d != NULL) {
			*d++ = ' ';
			d = irc_put(d, mid[i], k);
		}
		n += k + 1;
	}
	if (sep == IRC_SEP_SPACE) {
		if (d != NULL)
			*d = ' ';
		n += 1;
	} else if (sep == IRC_SEP_COLON) {
		if (d != NULL)
			memcpy(d, " :", 2);
		n += 2;
	}
	return n;
}

ssize_t
irc_format(struct buf *b, const char *tags, const char *source,
    const char *command, size_t nparams, const char *const *params, int flags)
{
	const char *last = NULL;
	enum irc_sep sep = IRC_SEP_NONE;
	size_t nmid = 0, head, lastlen = 0, total;
	char *d;

	if (nparams > IRC_PARAMS_MAX || (nparams > 0 && params == NULL))
		goto bad;
	if (nparams > 0) {
		nmid = nparams - 1;
		last = params[nmid];
		if (last == NULL || !irc_text_ok(last))
			goto bad;
		lastlen = strlen(last);
		sep = (flags & IRC_FMT_TRAILING) || *last == '\0' ||
			*last == ':' || memchr(last, ' ', lastlen) != NULL ?
		    IRC_SEP_COLON :
		    IRC_SEP_SPACE;
	}
	if (!irc_head_ok(tags, source, command, nmid, params))
		goto bad;
	head = irc_head(NULL, tags, source, command, nmid, params, sep);
	total = head + lastlen + IRC_CRLF_LEN;
	if ((d = buf_reserve(b, total)) == NULL)
		return -1;
	irc_head(d, tags, source, command, nmid, params, sep);
	if (lastlen > 0)
		memcpy(d + head, last, lastlen);
	memcpy(d + head + lastlen, IRC_CRLF, IRC_CRLF_LEN);
	buf_commit(b, total);
	return (ssize_t)total;
bad:
	errno = EINVAL;
	return -1;
}

ssize_t
irc_formatf(struct buf *b, const char *tags, const char *source,
    const char *command, const char *const *middle, const char *fmt, ...)
{
	va_list ap, aq;
	size_t nmid = 0, head, textlen, total;
	int n;
	char *d;

	while (middle != NULL && middle[nmid] != NULL)
		nmid++;
	if (nmid >= IRC_PARAMS_MAX ||
	    !irc_head_ok(tags, source, command, nmid, middle) || fmt == NULL)
		goto bad;
	va_start(ap, fmt);
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0) {
		va_end(ap);
		goto bad;
	}
	textlen = (size_t)n;
	head =
	    irc_head(NULL, tags, source, command, nmid, middle, IRC_SEP_COLON);
	total = head + textlen + IRC_CRLF_LEN;
	/* One more for the NUL vsnprintf() ends with, never committed. */
	if ((d = buf_reserve(b, total + 1)) == NULL) {
		va_end(ap);
		return -1;
	}
	irc_head(d, tags, source, command, nmid, middle, IRC_SEP_COLON);
	n = vsnprintf(d + head, textlen + 1, fmt, ap);
	va_end(ap);
	/* Checked after formatting (%c can give a NUL); nothing is committed
	 * yet, so the buffer is as it was. */
	if (n != (int)textlen || strcspn(d + head, "\r\n") != textlen)
		goto bad;
	memcpy(d + head + textlen, IRC_CRLF, IRC_CRLF_LEN);
	buf_commit(b, total);
	return (ssize_t)total;
bad:
	errno = EINVAL;
	return -1;
}

size_t
irc_utf8_cut(const char *s, size_t len, size_t max)
{
	size_t pos = 0, next;

	if (len <= max)
		return len;
	/* From the start: where characters begin depends on what came
	 * before once invalid bytes are about. len > max ends the walk. */
	while ((next = text_utf8_next(s, len, pos)) <= max)
		pos = next;
	return pos;
}

void
irc_split_init(struct irc_split *sp, const char *s, size_t len, size_t max)
{
	sp->s = s;
	sp->len = len;
	sp->pos = 0;
	sp->max = max;
}

int
irc_split_next(struct irc_split *sp, const char **piece, size_t *piecelen)
{
	size_t n;

	if (sp->pos >= sp->len || sp->max == 0)
		return 0;
	/* Each piece starts on a boundary, so boundaries found from here are
	 * the text's own. */
	n = irc_utf8_cut(sp->s + sp->pos, sp->len - sp->pos, sp->max);
	if (n == 0)
		n = sp->max; /* a character longer than max: progress first */
	*piece = sp->s + sp->pos;
	*piecelen = n;
	sp->pos += n;
	return 1;
}

int
irc_ctcp_parse(const char *text, size_t len, struct irc_ctcp *ctcp)
{
	const char *delim;
	size_t end, i;

	if (len < 2 || text[0] != IRC_CTCP_DELIM)
		return 0;
	delim = memchr(text + 1, IRC_CTCP_DELIM, len - 1);
	end = delim != NULL ? (size_t)(delim - text) : len;
	for (i = 1; i < end && text[i] != ' '; i++)
		;
	if (i == 1)
		return 0;
	ctcp->command = text + 1;
	ctcp->commandlen = i - 1;
	if (i < end) {
		ctcp->arg = text + i + 1;
		ctcp->arglen = end - i - 1;
	} else {
		ctcp->arg = NULL;
		ctcp->arglen = 0;
	}
	return 1;
}

int
irc_ctcp_action(const char *text, size_t len, const char **arg, size_t *arglen)
{
	static const char action[] = "ACTION";
	struct irc_ctcp c;
	size_t i;

	if (!irc_ctcp_parse(text, len, &c) || c.commandlen != sizeof action - 1)
		return 0;
	for (i = 0; i < c.commandlen; i++) {
		char ch = c.command[i];

		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		if (ch != action[i])
			return 0;
	}
	*arg = c.arg != NULL ? c.arg : "";
	*arglen = c.arglen;
	return 1;
}
