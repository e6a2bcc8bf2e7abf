/* irc_tag.c: IRCv3 message tags: iteration, lookup, (un)escaping, the
 * client-only tags a server relays. Declared in irc.h. */
#include <errno.h>
#include <string.h>

#include "buf.h"
#include "irc.h"

#define IRC_TAG_SEP    ';'
#define IRC_TAG_ESCAPE '\\'
#define IRC_TAG_CLIENT '+'

int
irc_tag_next(const char *tags, size_t *pos, struct irc_tag *tag)
{
	const char *s, *eq;
	size_t n;

	if (tags == NULL)
		return 0;
	while (tags[*pos] != '\0') {
		s = tags + *pos;
		n = strcspn(s, ";");
		*pos += n + (s[n] == IRC_TAG_SEP);
		eq = memchr(s, '=', n);
		tag->key = s;
		tag->keylen = eq != NULL ? (size_t)(eq - s) : n;
		if (tag->keylen == 0)
			continue;
		tag->value = eq != NULL ? eq + 1 : NULL;
		tag->valuelen = eq != NULL ? n - tag->keylen - 1 : 0;
		return 1;
	}
	return 0;
}

int
irc_tag_find(const char *tags, const char *key, struct irc_tag *tag)
{
	struct irc_tag t;
	size_t pos = 0, klen = strlen(key);
	int found = 0;

	while (irc_tag_next(tags, &pos, &t))
		if (t.keylen == klen && memcmp(t.key, key, klen) == 0) {
			*tag = t;
			found = 1;
		}
	return found;
}

static int
irc_tag_char(char c, int dot)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || (dot && c == '.');
}

/* Non-empty, every byte a letter, digit, '-', or with dot a '.'. */
static int
irc_tag_span_ok(const char *s, size_t n, int dot)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!irc_tag_char(s[i], dot))
			return 0;
	return 1;
}

int
irc_tag_key_valid(const char *key, size_t len)
{
	const char *slash;

	if (len > 0 && key[0] == IRC_TAG_CLIENT) {
		key++;
		len--;
	}
	slash = memchr(key, '/', len);
	if (slash == NULL)
		return irc_tag_span_ok(key, len, 0);
	return irc_tag_span_ok(key, (size_t)(slash - key), 1) &&
	    irc_tag_span_ok(slash + 1, len - (size_t)(slash - key) - 1, 0);
}

ssize_t
irc_tag_unescape(char *out, size_t outsize, const char *value, size_t len)
{
	size_t i, o = 0;
	char c;

	if (outsize == 0) {
		errno = ENOSPC;
		return -1;
	}
	/* o <= i throughout, which is what lets out be value. */
	for (i = 0; i < len; i++) {
		c = value[i];
		if (c == IRC_TAG_ESCAPE) {
			if (++i == len)
				break; /* a lone trailing '\' gives nothing */
			switch (value[i]) {
			case ':':
				c = ';';
				break;
			case 's':
				c = ' ';
				break;
			case 'r':
				c = '\r';
				break;
			case 'n':
				c = '\n';
				break;
			default: /* "\\" and unknown escapes: the byte itself */
				c = value[i];
				break;
			}
		}
		if (o + 1 >= outsize) {
			out[o] = '\0';
			errno = ENOSPC;
			return -1;
		}
		out[o++] = c;
	}
	out[o] = '\0';
	return (ssize_t)o;
}

/* The escaped form of one byte, or NULL when it stands for itself. */
static const char *
irc_tag_escape_of(char c)
{
	switch (c) {
	case ';':
		return "\\:";
	case ' ':
		return "\\s";
	case '\\':
		return "\\\\";
	case '\r':
		return "\\r";
	case '\n':
		return "\\n";
	default:
		return NULL;
	}
}

static size_t
irc_tag_escaped_len(const char *value, size_t len)
{
	size_t i, n = len;

	for (i = 0; i < len; i++)
		if (irc_tag_escape_of(value[i]) != NULL)
			n++;
	return n;
}

static char *
irc_tag_escape_to(char *d, const char *value, size_t len)
{
	const char *e;
	size_t i;

	for (i = 0; i < len; i++) {
		if ((e = irc_tag_escape_of(value[i])) != NULL) {
			*d++ = e[0];
			*d++ = e[1];
		} else
			*d++ = value[i];
	}
	return d;
}

int
irc_tag_escape(struct buf *b, const char *value, size_t len)
{
	size_t n;
	char *d;

	if (len > 0 && memchr(value, '\0', len) != NULL) {
		errno = EINVAL;
		return -1;
	}
	if (len == 0)
		return 0;
	n = irc_tag_escaped_len(value, len);
	if ((d = buf_reserve(b, n)) == NULL)
		return -1;
	irc_tag_escape_to(d, value, len);
	buf_commit(b, n);
	return 0;
}

int
irc_tag_add(struct buf *b, const char *key, const char *value)
{
	size_t klen = strlen(key), vlen = 0, sep = buf_len(b) > 0, n;
	char *d;

	if (!irc_tag_key_valid(key, klen)) {
		errno = EINVAL;
		return -1;
	}
	n = sep + klen;
	if (value != NULL) {
		vlen = strlen(value);
		n += 1 + irc_tag_escaped_len(value, vlen);
	}
	if ((d = buf_reserve(b, n)) == NULL)
		return -1;
	if (sep)
		*d++ = IRC_TAG_SEP;
	memcpy(d, key, klen);
	d += klen;
	if (value != NULL) {
		*d++ = '=';
		irc_tag_escape_to(d, value, vlen);
	}
	buf_commit(b, n);
	return 0;
}

/* A client-only tag that can be relayed as it came: a well-formed key
 * and a value that cannot break the line it goes into. */
static int
irc_tag_relayable(const struct irc_tag *t)
{
	size_t i;

	if (t->key[0] != IRC_TAG_CLIENT ||
	    !irc_tag_key_valid(t->key, t->keylen))
		return 0;
	for (i = 0; i < t->valuelen; i++)
		if (t->value[i] == ' ' || t->value[i] == '\r' ||
		    t->value[i] == '\n')
			return 0;
	return 1;
}

/* The bytes of one tag as received: key, and '=' value when it had one. */
static size_t
irc_tag_raw_len(const struct irc_tag *t)
{
	return t->value != NULL ? (size_t)(t->value - t->key) + t->valuelen :
				  t->keylen;
}

int
irc_tags_client_only(struct buf *b, const char *tags)
{
	struct irc_tag t;
	size_t pos = 0, n = 0, k, first = buf_len(b) == 0;
	char *d;

	/* Measure first, so the buffer grows once or not at all. */
	while (irc_tag_next(tags, &pos, &t))
		if (irc_tag_relayable(&t)) {
			n += irc_tag_raw_len(&t) + !first;
			first = 0;
		}
	if (n == 0)
		return 0;
	if ((d = buf_reserve(b, n)) == NULL)
		return -1;
	first = buf_len(b) == 0;
	pos = 0;
	while (irc_tag_next(tags, &pos, &t))
		if (irc_tag_relayable(&t)) {
			if (!first)
				*d++ = IRC_TAG_SEP;
			k = irc_tag_raw_len(&t);
			memcpy(d, t.key, k);
			d += k;
			first = 0;
		}
	buf_commit(b, n);
	return 0;
}
