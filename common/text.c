/* text.c: text cleaning (controls, invalid UTF-8), UTF-8 helpers, names, formats. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "proto.h"
#include "text.h"

static int
text_is_control(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

size_t
text_sanitize(char *s, size_t len)
{
	size_t i, o;

	for (i = o = 0; i < len; i++)
		if (!text_is_control((unsigned char)s[i]))
			s[o++] = s[i];
	s[o] = '\0';
	return o;
}

int
text_is_blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

static int
text_name_char(unsigned char c)
{
	return (c < 0x80) && (isalnum(c) || c == '_' || c == '-');
}

int
text_nick_valid(const char *s)
{
	size_t i;

	if ((unsigned char)s[0] >= 0x80 || !isalpha((unsigned char)s[0]))
		return 0;
	for (i = 1; s[i] != '\0'; i++)
		if (!text_name_char((unsigned char)s[i]) || i >= CHAT_NICK_MAX)
			return 0;
	return 1;
}

const char *
text_room_name(const char *s)
{
	return s[0] == '#' ? s + 1 : s;
}

int
text_room_valid(const char *s)
{
	size_t i;

	s = text_room_name(s);
	if (s[0] == '\0')
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!text_name_char((unsigned char)s[i]) || i >= CHAT_ROOM_MAX)
			return 0;
	return 1;
}

int
text_casecmp(const char *a, const char *b)
{
	int ca, cb;

	do {
		ca = tolower((unsigned char)*a++);
		cb = tolower((unsigned char)*b++);
	} while (ca == cb && ca != '\0');
	return ca - cb;
}

uint32_t
text_casehash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *s != '\0'; s++) {
		h ^= (uint32_t)tolower((unsigned char)*s);
		h *= 16777619u;
	}
	return h;
}

size_t
text_utf8_len(unsigned char c)
{
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	if (c >= 0xe0)
		return c <= 0xef ? 3 : 1;
	if (c >= 0xc2)
		return 2;
	return 1;
}

/* What text_utf8_take() returns as the code point of ill-formed input. */
#define TEXT_BAD 0xffffffffu

/*
 * Take one UTF-8 character from u[0..len), len > 0. Returns how many bytes
 * it spans and sets *cp; for ill-formed input, returns the length of the
 * maximal subpart (the longest prefix of a well-formed sequence, at least
 * one byte: Unicode §3.9) and sets *cp to TEXT_BAD. The second-byte limits
 * rule out overlong forms, surrogates and code points past U+10FFFF.
 */
static size_t
text_utf8_take(const unsigned char *u, size_t len, uint32_t *cp)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;
	uint32_t c;

	if (u[0] < 0xc2 || u[0] > 0xf4) { /* ASCII, or never a lead */
		*cp = u[0] < 0x80 ? u[0] : TEXT_BAD;
		return 1;
	}
	n = text_utf8_len(u[0]);
	if (u[0] == 0xe0)
		lo = 0xa0;
	else if (u[0] == 0xed)
		hi = 0x9f;
	else if (u[0] == 0xf0)
		lo = 0x90;
	else if (u[0] == 0xf4)
		hi = 0x8f;
	c = u[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if (i >= len || u[i] < lo || u[i] > hi) {
			*cp = TEXT_BAD;
			return i;
		}
		c = (c << 6) | (u[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = c;
	return n;
}

uint32_t
text_utf8_decode(const char *s, size_t len, size_t *used)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp;

	*used = text_utf8_take(u, len, &cp);
	if (cp == TEXT_BAD) {
		*used = 1;
		return u[0];
	}
	return cp;
}

size_t
text_utf8_next(const char *s, size_t len, size_t pos)
{
	size_t used;

	if (pos >= len)
		return len;
	text_utf8_decode(s + pos, len - pos, &used);
	return pos + used;
}

size_t
text_utf8_prev(const char *s, size_t pos)
{
	size_t start, used, n;

	if (pos == 0)
		return 0;
	/* Step back over at most three continuation bytes, then make sure the
	 * lead byte really spans up to pos; otherwise step one byte. */
	start = pos - 1;
	for (n = 0;
	     n < 3 && start > 0 && ((unsigned char)s[start] & 0xc0) == 0x80;
	     n++)
		start--;
	text_utf8_decode(s + start, pos - start, &used);
	return start + used == pos ? start : pos - 1;
}

struct text_range {
	uint32_t lo, hi;
};

/* East Asian Wide and Fullwidth blocks, and emoji (after Markus Kuhn's
 * wcwidth, simplified to blocks). */
static const struct text_range text_wide[] = {
	{ 0x1100, 0x115f },
	{ 0x231a, 0x231b },
	{ 0x2329, 0x232a },
	{ 0x23e9, 0x23ec },
	{ 0x23f0, 0x23f0 },
	{ 0x23f3, 0x23f3 },
	{ 0x25fd, 0x25fe },
	{ 0x2614, 0x2615 },
	{ 0x2648, 0x2653 },
	{ 0x267f, 0x267f },
	{ 0x2693, 0x2693 },
	{ 0x26a1, 0x26a1 },
	{ 0x26aa, 0x26ab },
	{ 0x26bd, 0x26be },
	{ 0x26c4, 0x26c5 },
	{ 0x26ce, 0x26ce },
	{ 0x26d4, 0x26d4 },
	{ 0x26ea, 0x26ea },
	{ 0x26f2, 0x26f3 },
	{ 0x26f5, 0x26f5 },
	{ 0x26fa, 0x26fa },
	{ 0x26fd, 0x26fd },
	{ 0x2705, 0x2705 },
	{ 0x270a, 0x270b },
	{ 0x2728, 0x2728 },
	{ 0x274c, 0x274c },
	{ 0x274e, 0x274e },
	{ 0x2753, 0x2755 },
	{ 0x2757, 0x2757 },
	{ 0x2795, 0x2797 },
	{ 0x27b0, 0x27b0 },
	{ 0x27bf, 0x27bf },
	{ 0x2b1b, 0x2b1c },
	{ 0x2b50, 0x2b50 },
	{ 0x2b55, 0x2b55 },
	{ 0x2e80, 0x303e },
	{ 0x3041, 0x33ff },
	{ 0x3400, 0x4dbf },
	{ 0x4e00, 0x9fff },
	{ 0xa000, 0xa4cf },
	{ 0xa960, 0xa97f },
	{ 0xac00, 0xd7a3 },
	{ 0xf900, 0xfaff },
	{ 0xfe10, 0xfe19 },
	{ 0xfe30, 0xfe6f },
	{ 0xff00, 0xff60 },
	{ 0xffe0, 0xffe6 },
	{ 0x1f004, 0x1f004 },
	{ 0x1f0cf, 0x1f0cf },
	{ 0x1f18e, 0x1f18e },
	{ 0x1f191, 0x1f19a },
	{ 0x1f200, 0x1f251 },
	{ 0x1f300, 0x1f64f },
	{ 0x1f680, 0x1f6ff },
	{ 0x1f900, 0x1f9ff },
	{ 0x1fa70, 0x1faff },
	{ 0x20000, 0x2fffd },
	{ 0x30000, 0x3fffd },
};

static const struct text_range text_zero[] = {
	{ 0x0300, 0x036f },
	{ 0x0483, 0x0489 },
	{ 0x0591, 0x05bd },
	{ 0x0610, 0x061a },
	{ 0x064b, 0x065f },
	{ 0x200b, 0x200f },
	{ 0x20d0, 0x20ff },
	{ 0xfe00, 0xfe0f },
	{ 0xfe20, 0xfe2f },
};

static int
text_in(const struct text_range *r, size_t n, uint32_t cp)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp < r[mid].lo)
			hi = mid;
		else if (cp > r[mid].hi)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

int
text_cp_width(uint32_t cp)
{
	if (text_in(text_zero, sizeof text_zero / sizeof text_zero[0], cp))
		return 0;
	if (text_in(text_wide, sizeof text_wide / sizeof text_wide[0], cp))
		return 2;
	return 1;
}

/* C0 bytes text_clean() keeps, as a bit mask over 0x00-0x1f. */
#define TEXT_KEEP_TEXT (1u << '\t')
#define TEXT_KEEP_IRC                                                         \
	(TEXT_KEEP_TEXT | 1u << 0x01 | 1u << 0x02 | 1u << 0x03 | 1u << 0x04 | \
	    1u << 0x0f | 1u << 0x11 | 1u << 0x16 | 1u << 0x1d | 1u << 0x1e |  \
	    1u << 0x1f)

/* C1 controls and the bidi embeddings, overrides and isolates. */
static int
text_cp_removed(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069);
}

/*
 * Clean the character at u[0..len), len > 0: write what stays of it (0 to
 * 4 bytes) to dst and its length to *dlen; return the bytes taken.
 */
static size_t
text_clean_char(
    const unsigned char *u, size_t len, uint32_t keep, char *dst, size_t *dlen)
{
	uint32_t cp;
	size_t n;

	if (u[0] < 0x80) {
		*dlen = u[0] < 0x20 ? (keep >> u[0]) & 1 : u[0] != 0x7f;
		dst[0] = (char)u[0];
		return 1;
	}
	n = text_utf8_take(u, len, &cp);
	if (cp == TEXT_BAD) {
		memcpy(dst, "\xef\xbf\xbd", 3);
		*dlen = 3;
	} else if (text_cp_removed(cp)) {
		*dlen = 0;
	} else {
		memcpy(dst, u, n);
		*dlen = n;
	}
	return n;
}

/* Nonzero when the 8 bytes at u are all printable ASCII (0x20-0x7e):
 * none has its high bit set, none is below 0x20, none is 0x7f. Each test
 * is exact once no high bit is set (Hacker's Delight, "haszero"). */
static int
text_word_printable(const unsigned char *u)
{
	const uint64_t ones = 0x0101010101010101ull;
	const uint64_t highs = 0x8080808080808080ull;
	uint64_t w, del;

	memcpy(&w, u, sizeof w);
	del = w ^ (0x7f * ones);
	return ((w | ((w - 0x20 * ones) & ~w) | ((del - ones) & ~del)) &
		   highs) == 0;
}

size_t
text_clean(char *out, const char *in, size_t len, enum text_clean_mode mode)
{
	const unsigned char *u = (const unsigned char *)in;
	uint32_t keep = mode == TEXT_CLEAN_IRC ? TEXT_KEEP_IRC : TEXT_KEEP_TEXT;
	size_t i = 0, o = 0, run, n;

	while (i < len) {
		/* Most lines are printable ASCII: find such runs a word at a
		 * time and copy them whole. */
		for (run = i; run + 8 <= len && text_word_printable(u + run);
		     run += 8)
			;
		while (run < len && u[run] >= 0x20 && u[run] < 0x7f)
			run++;
		memcpy(out + o, in + i, run - i);
		o += run - i;
		if ((i = run) == len)
			break;
		i += text_clean_char(u + i, len - i, keep, out + o, &n);
		o += n;
	}
	out[o] = '\0';
	return o;
}

/* How many of s[0..len), at most max, are digits (hex: hex digits). */
static size_t
text_digits(const char *s, size_t len, size_t max, int hex)
{
	size_t n;

	for (n = 0; n < len && n < max; n++)
		if (!(hex ? isxdigit((unsigned char)s[n]) :
			    isdigit((unsigned char)s[n])))
			break;
	return n;
}

/* The length of the colour code's arguments at s: fg[,bg] with each part
 * 1..width digits (the comma only with a bg), or exactly width hex digits
 * each for hex colours. */
static size_t
text_colour_args(const char *s, size_t len, size_t width, int hex)
{
	size_t fg, bg;

	fg = text_digits(s, len, width, hex);
	if (fg == 0 || (hex && fg != width))
		return 0;
	if (fg + 1 >= len || s[fg] != ',')
		return fg;
	bg = text_digits(s + fg + 1, len - fg - 1, width, hex);
	if (bg == 0 || (hex && bg != width))
		return fg;
	return fg + 1 + bg;
}

size_t
text_irc_strip(char *s, size_t len)
{
	size_t i = 0, o = 0;

	while (i < len) {
		switch (s[i]) {
		case 0x02:
		case 0x0f:
		case 0x11:
		case 0x16:
		case 0x1d:
		case 0x1e:
		case 0x1f:
			i++;
			break;
		case 0x03:
			i++;
			i += text_colour_args(s + i, len - i, 2, 0);
			break;
		case 0x04:
			i++;
			i += text_colour_args(s + i, len - i, 6, 1);
			break;
		default:
			s[o++] = s[i++];
		}
	}
	s[o] = '\0';
	return o;
}

size_t
text_utf8_cut(const char *s, size_t len, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t k, p, n;
	uint32_t cp;

	if (len <= max)
		return len;
	/* Only a character that starts in the last three bytes before the
	 * cut can cross it. */
	for (k = 1; k <= 3 && k <= max; k++) {
		p = max - k;
		if ((u[p] & 0xc0) == 0x80)
			continue;
		if (u[p] >= 0x80) {
			n = text_utf8_take(u + p, len - p, &cp);
			if (cp != TEXT_BAD && p + n > max)
				return p;
		}
		break;
	}
	return max;
}

static int
text_user_char(unsigned char c)
{
	return c < 0x80 && (isalnum(c) || c == '_' || c == '.' || c == '-');
}

size_t
text_irc_username(char *out, const char *in, size_t len)
{
	size_t i, o;

	for (i = o = 0; i < len && o < CHAT_IRC_USER_MAX; i++)
		if (text_user_char((unsigned char)in[i]))
			out[o++] = in[i];
	if (o == 0) {
		strcpy(out, CHAT_IRC_USER_DEFAULT);
		return strlen(out);
	}
	out[o] = '\0';
	return o;
}

size_t
text_irc_realname(char *out, const char *in, size_t len)
{
	const unsigned char *u = (const unsigned char *)in;
	char ch[4];
	size_t i = 0, o = 0, n;

	/* What is written is whole characters, so stopping at the first one
	 * that does not fit cuts at a character boundary. */
	while (i < len) {
		i += text_clean_char(u + i, len - i, TEXT_KEEP_IRC, ch, &n);
		if (o + n > CHAT_IRC_REALNAME_MAX)
			break;
		memcpy(out + o, ch, n);
		o += n;
	}
	out[o] = '\0';
	return o;
}

int
text_duration(char *out, size_t outlen, unsigned long long secs)
{
	static const struct {
		unsigned long long size;
		char name;
	} unit[] = { { 86400, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' } };
	unsigned long long big, small;
	size_t i;

	for (i = 0; i < 3 && secs < unit[i].size; i++)
		;
	big = secs / unit[i].size;
	if (i == 3 || (small = secs % unit[i].size / unit[i + 1].size) == 0)
		return snprintf(out, outlen, "%llu%c", big, unit[i].name);
	return snprintf(out, outlen, "%llu%c%llu%c", big, unit[i].name, small,
	    unit[i + 1].name);
}

int
text_thousands(char *out, size_t outlen, unsigned long long n)
{
	char tmp[TEXT_THOUSANDS_LEN], *p = tmp + sizeof tmp;
	int digits = 0;

	*--p = '\0';
	do {
		if (digits > 0 && digits % 3 == 0)
			*--p = ',';
		*--p = (char)('0' + n % 10);
		n /= 10;
		digits++;
	} while (n != 0);
	return snprintf(out, outlen, "%s", p);
}
