/* test_clean.c: text_clean(): controls, C1, bidi and invalid UTF-8 in both modes. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "proto.h"
#include "text.h"

#define FFFD "\xef\xbf\xbd"

/* IRC's formatting set, which TEXT_CLEAN_IRC keeps besides TAB. */
static int
is_irc_format(unsigned c)
{
	return c == 0x01 || c == 0x02 || c == 0x03 || c == 0x04 || c == 0x0f ||
	    c == 0x11 || c == 0x16 || c == 0x1d || c == 0x1e || c == 0x1f;
}

static int
ascii_kept(unsigned c, enum text_clean_mode mode)
{
	if (c == '\t' || (c >= 0x20 && c < 0x7f))
		return 1;
	return mode == TEXT_CLEAN_IRC && is_irc_format(c);
}

/* Clean in[0..len) and compare with want[0..wlen). */
static void
check_clean(const char *in, size_t len, enum text_clean_mode mode,
    const char *want, size_t wlen, const char *what)
{
	char *out = malloc(3 * len + 1);
	size_t n;

	ck_assert_ptr_nonnull(out);
	n = text_clean(out, in, len, mode);
	ck_assert_msg(n == wlen && memcmp(out, want, n) == 0 && out[n] == '\0',
	    "%s: got %zu bytes, want %zu", what, n, wlen);
	free(out);
}

#define CLEAN(in, mode, want, what) \
	check_clean(in, sizeof in - 1, mode, want, sizeof want - 1, what)

/* Each byte alone between two letters, in both modes. */
START_TEST(test_clean_each_byte)
{
	enum text_clean_mode modes[] = { TEXT_CLEAN_TEXT, TEXT_CLEAN_IRC };
	char in[3], want[8], what[32];
	unsigned c, m;
	size_t wlen;

	for (m = 0; m < 2; m++) {
		for (c = 0; c < 256; c++) {
			in[0] = 'a';
			in[1] = (char)c;
			in[2] = 'z';
			wlen = 0;
			want[wlen++] = 'a';
			if (c >= 0x80) { /* a lone byte is never valid */
				memcpy(want + wlen, FFFD, 3);
				wlen += 3;
			} else if (ascii_kept(c, modes[m])) {
				want[wlen++] = (char)c;
			}
			want[wlen++] = 'z';
			snprintf(
			    what, sizeof what, "mode %u byte 0x%02x", m, c);
			check_clean(in, 3, modes[m], want, wlen, what);
		}
	}
}
END_TEST

/* Each byte at each offset of a longer line, so that the fast path,
 * which looks at eight bytes at once, meets it in every lane. */
START_TEST(test_clean_each_lane)
{
	char in[24], want[32], what[48];
	unsigned c, m, pos;
	size_t wlen;

	for (m = 0; m < 2; m++) {
		for (c = 0; c < 256; c++) {
			for (pos = 0; pos < sizeof in; pos++) {
				memset(in, '~', sizeof in);
				in[0] = ' ';
				in[pos] = (char)c;
				memcpy(want, in, pos);
				wlen = pos;
				if (c >= 0x80) {
					memcpy(want + wlen, FFFD, 3);
					wlen += 3;
				} else if (ascii_kept(c, m)) {
					want[wlen++] = (char)c;
				}
				memcpy(want + wlen, in + pos + 1,
				    sizeof in - pos - 1);
				wlen += sizeof in - pos - 1;
				snprintf(what, sizeof what,
				    "mode %u byte 0x%02x at %u", m, c, pos);
				check_clean(in, sizeof in, m, want, wlen, what);
			}
		}
	}
}
END_TEST

/* Every C1 control and bidi formatting character goes, in both modes;
 * their neighbours stay. */
START_TEST(test_clean_c1_bidi)
{
	char in[8], what[32];
	uint32_t cp;
	size_t n;
	int m;

	for (m = 0; m <= 1; m++) {
		for (cp = 0x80; cp <= 0xa0; cp++) {
			in[0] = 'a';
			in[1] = (char)(0xc0 | cp >> 6);
			in[2] = (char)(0x80 | (cp & 0x3f));
			in[3] = 'z';
			snprintf(what, sizeof what, "U+%04X", (unsigned)cp);
			if (cp <= 0x9f)
				check_clean(in, 4, m, "az", 2, what);
			else
				check_clean(in, 4, m, in, 4, what);
		}
		for (cp = 0x2028; cp <= 0x206b; cp++) {
			in[0] = (char)(0xe0 | cp >> 12);
			in[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
			in[2] = (char)(0x80 | (cp & 0x3f));
			n = (cp >= 0x202a && cp <= 0x202e) ||
				(cp >= 0x2066 && cp <= 0x2069) ?
			    0 :
			    3;
			snprintf(what, sizeof what, "U+%04X", (unsigned)cp);
			check_clean(in, 3, m, in, n, what);
		}
	}
	/* An override between two words, as an attacker would send it. */
	CLEAN("abc\xe2\x80\xae"
	      "evil\xe2\x81\xa6x",
	    TEXT_CLEAN_TEXT, "abcevilx", "override");
}
END_TEST

/* §3.9's examples of U+FFFD for maximal subparts (the same results as
 * Python's errors="replace"). */
START_TEST(test_clean_maximal_subparts)
{
	CLEAN("\x61\xf1\x80\x80\xe1\x80\xc2\x62\x80\x63\x80\xbf\x64",
	    TEXT_CLEAN_TEXT, "a" FFFD FFFD FFFD "b" FFFD "c" FFFD FFFD "d",
	    "conversion example");
	CLEAN("\xc0\xaf\xe0\x80\xbf\xf0\x81\x82\x41", TEXT_CLEAN_TEXT,
	    FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD "A", "non-shortest forms");
	CLEAN("\xed\xa0\x80\xed\xbf\xbf\xed\xaf\x41", TEXT_CLEAN_TEXT,
	    FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD "A", "surrogates");
	CLEAN("\xf4\x91\x92\x93\xff\x41\x80\xbf\x42", TEXT_CLEAN_TEXT,
	    FFFD FFFD FFFD FFFD FFFD "A" FFFD FFFD "B", "other ill-formed");
	CLEAN("\xe1\x80\xe2\xf0\x91\x92\xf1\xbf\x41", TEXT_CLEAN_TEXT,
	    FFFD FFFD FFFD FFFD "A", "truncated");
	CLEAN("\xf0\x80\x80\x41", TEXT_CLEAN_TEXT, FFFD FFFD FFFD "A",
	    "F0 80 80 41");
	CLEAN("\xc3\x80\x20", TEXT_CLEAN_TEXT, "\xc3\x80 ", "C3 80 20");
	CLEAN("\xc3\x20", TEXT_CLEAN_TEXT, FFFD " ", "C3 20");
}
END_TEST

START_TEST(test_clean_edges)
{
	/* Truncated at the end of the input: one U+FFFD each. */
	CLEAN("ab\xc3", TEXT_CLEAN_TEXT, "ab" FFFD, "end C3");
	CLEAN("ab\xe2\x82", TEXT_CLEAN_TEXT, "ab" FFFD, "end E2 82");
	CLEAN("ab\xf0\x9f\x98", TEXT_CLEAN_TEXT, "ab" FFFD, "end F0 9F 98");
	CLEAN("\xf0\x9f", TEXT_CLEAN_IRC, FFFD, "end F0 9F");
	/* Overlong forms: the lead is never a valid prefix. */
	CLEAN("\xc0\x80", TEXT_CLEAN_TEXT, FFFD FFFD, "C0 80");
	CLEAN("\xc1\xbf", TEXT_CLEAN_TEXT, FFFD FFFD, "C1 BF");
	CLEAN("\xe0\x80\x80", TEXT_CLEAN_TEXT, FFFD FFFD FFFD, "E0 80 80");
	CLEAN("\xe0\x9f\xbf", TEXT_CLEAN_TEXT, FFFD FFFD FFFD, "E0 9F BF");
	CLEAN("\xf0\x8f\xbf\xbf", TEXT_CLEAN_TEXT, FFFD FFFD FFFD FFFD,
	    "F0 8F BF BF");
	CLEAN("\xe0\xa0\x80", TEXT_CLEAN_TEXT, "\xe0\xa0\x80", "U+0800");
	CLEAN(
	    "\xf0\x90\x80\x80", TEXT_CLEAN_TEXT, "\xf0\x90\x80\x80", "U+10000");
	/* Surrogates go; their neighbours stay. */
	CLEAN("\xed\xa0\x80", TEXT_CLEAN_TEXT, FFFD FFFD FFFD, "U+D800");
	CLEAN("\xed\xbf\xbf", TEXT_CLEAN_TEXT, FFFD FFFD FFFD, "U+DFFF");
	CLEAN("\xed\x9f\xbf", TEXT_CLEAN_TEXT, "\xed\x9f\xbf", "U+D7FF");
	CLEAN("\xee\x80\x80", TEXT_CLEAN_TEXT, "\xee\x80\x80", "U+E000");
	/* Past U+10FFFF. */
	CLEAN("\xf4\x90\x80\x80", TEXT_CLEAN_TEXT, FFFD FFFD FFFD FFFD,
	    "U+110000");
	CLEAN("\xf5\x80\x80\x80", TEXT_CLEAN_TEXT, FFFD FFFD FFFD FFFD, "F5");
	CLEAN("\xf7\xbf\xbf\xbf", TEXT_CLEAN_TEXT, FFFD FFFD FFFD FFFD, "F7");
	CLEAN("\xf4\x8f\xbf\xbf", TEXT_CLEAN_TEXT, "\xf4\x8f\xbf\xbf",
	    "U+10FFFF");
	/* What passes: emoji, combining marks, CJK, U+FFFD, BOM, ZWJ. */
	CLEAN("\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb e\xcc\x81 "
	      "\xe6\x97\xa5" FFFD "\xef\xbb\xbf",
	    TEXT_CLEAN_TEXT,
	    "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb e\xcc\x81 "
	    "\xe6\x97\xa5" FFFD "\xef\xbb\xbf",
	    "passes");
	/* Only len bytes count, NUL included; empty input. */
	check_clean("a\0b\x1b[0m", 7, TEXT_CLEAN_TEXT, "ab[0m", 5, "NUL");
	check_clean("", 0, TEXT_CLEAN_IRC, "", 0, "empty");
	check_clean("\x80\x80", 1, TEXT_CLEAN_IRC, FFFD, 3, "len 1");
}
END_TEST

START_TEST(test_clean_irc_set)
{
	CLEAN("\x01"
	      "ACTION \x02waves\x02 \x03"
	      "4,5red\x03 \x04"
	      "ff0000x\x0f"
	      "\x11\x16\x1d\x1e\x1f\t.",
	    TEXT_CLEAN_IRC,
	    "\x01"
	    "ACTION \x02waves\x02 \x03"
	    "4,5red\x03 \x04"
	    "ff0000x\x0f"
	    "\x11\x16\x1d\x1e\x1f\t.",
	    "IRC keeps");
	CLEAN("\x01"
	      "ACTION \x02waves\x02 \x03"
	      "4,5red\x03 \x04"
	      "ff0000x\x0f"
	      "\x11\x16\x1d\x1e\x1f\t.",
	    TEXT_CLEAN_TEXT, "ACTION waves 4,5red ff0000x\t.", "TEXT removes");
	CLEAN("\x1b[31m\x07\x7f\x00\r", TEXT_CLEAN_IRC, "[31m", "IRC: no ESC");
}
END_TEST

/* An independent model of the cleaner: a sequence is well-formed when it
 * decodes to a scalar value in its shortest form; a maximal subpart is
 * the longest prefix some well-formed sequence starts with. */
static int
ref_whole(const unsigned char *p, size_t n, uint32_t *out)
{
	static const unsigned char lead_mask[] = { 0, 0x80, 0xe0, 0xf0, 0xf8 };
	static const unsigned char lead_bits[] = { 0, 0x00, 0xc0, 0xe0, 0xf0 };
	static const uint32_t least[] = { 0, 0, 0x80, 0x800, 0x10000 };
	uint32_t cp;
	size_t i;

	if ((p[0] & lead_mask[n]) != lead_bits[n])
		return 0;
	cp = p[0] & (uint32_t)~lead_mask[n];
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	*out = cp;
	return cp >= least[n] && cp <= 0x10ffff &&
	    !(cp >= 0xd800 && cp <= 0xdfff);
}

/* Some well-formed sequence starts with p[0..k): only the second byte's
 * range depends on the lead, so completing with 0x80 or 0xBF suffices. */
static int
ref_prefix(const unsigned char *p, size_t k)
{
	unsigned char q[4];
	size_t n, i;
	unsigned bits;
	uint32_t cp;

	for (n = k; n <= 4; n++) {
		for (bits = 0; bits < 1u << (n - k); bits++) {
			memcpy(q, p, k);
			for (i = k; i < n; i++)
				q[i] = (bits >> (i - k)) & 1 ? 0xbf : 0x80;
			if (ref_whole(q, n, &cp))
				return 1;
		}
	}
	return 0;
}

static size_t
ref_clean(char *out, const unsigned char *u, size_t len, int irc)
{
	size_t i = 0, o = 0, n, k;
	uint32_t cp;

	while (i < len) {
		for (n = 4; n > 0; n--)
			if (n <= len - i && ref_whole(u + i, n, &cp))
				break;
		if (n == 0) {
			for (k = len - i < 3 ? len - i : 3; k > 1; k--)
				if (ref_prefix(u + i, k))
					break;
			memcpy(out + o, FFFD, 3);
			o += 3;
			i += k;
			continue;
		}
		if ((cp < 0x80 && ascii_kept(cp, irc)) ||
		    (cp >= 0xa0 && !(cp >= 0x202a && cp <= 0x202e) &&
			!(cp >= 0x2066 && cp <= 0x2069))) {
			memcpy(out + o, u + i, n);
			o += n;
		}
		i += n;
	}
	return o;
}

static void
compare_ref(const unsigned char *in, size_t len, int irc)
{
	char got[64], want[64];
	size_t ng, nw, i;
	char hex[64] = "";

	ck_assert_uint_le(len, 16);
	ng = text_clean(got, (const char *)in, len, irc);
	nw = ref_clean(want, in, len, irc);
	if (ng == nw && memcmp(got, want, ng) == 0)
		return;
	for (i = 0; i < len; i++)
		snprintf(hex + 3 * i, sizeof hex - 3 * i, "%02x ", in[i]);
	ck_abort_msg(
	    "mode %d input %s: %zu bytes, model %zu", irc, hex, ng, nw);
}

/* Every 1- and 2-byte input, the 3-byte inputs around the lead bytes'
 * limits, and random strings over the interesting bytes. */
START_TEST(test_clean_model)
{
	static const unsigned char leads[] = { 0xc2, 0xdf, 0xe0, 0xe1, 0xed,
		0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5 };
	static const unsigned char pick[] = { 0x00, 0x09, 0x1b, 0x41, 0x7f,
		0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf,
		0xe0, 0xe1, 0xe2, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf4, 0xf5,
		0xff };
	unsigned char in[16];
	unsigned a, b, c, r;
	size_t len, i;

	for (a = 0; a < 256; a++) {
		in[0] = (unsigned char)a;
		compare_ref(in, 1, 0);
		for (b = 0; b < 256; b++) {
			in[1] = (unsigned char)b;
			compare_ref(in, 2, 0);
			compare_ref(in, 2, 1);
		}
	}
	for (a = 0; a < sizeof leads; a++)
		for (b = 0x70; b < 0xc4; b++)
			for (c = 0x70; c < 0xc4; c++) {
				in[0] = leads[a];
				in[1] = (unsigned char)b;
				in[2] = (unsigned char)c;
				compare_ref(in, 3, 0);
			}
	srand(1);
	for (r = 0; r < 100000; r++) {
		len = 1 + (size_t)rand() % sizeof in;
		for (i = 0; i < len; i++)
			in[i] = pick[(size_t)rand() % sizeof pick];
		compare_ref(in, len, (int)(r & 1));
	}
}
END_TEST

/* Whatever goes in, what comes out is valid UTF-8 with nothing removed
 * left in it, and valid clean text comes out unchanged. */
/* Nonzero when out[0..n) is valid UTF-8 holding nothing text_clean()
 * removes in this mode. */
static int
is_clean(const char *out, size_t n, int irc)
{
	size_t i, used;
	uint32_t cp;

	for (i = 0; i < n; i += used) {
		cp = text_utf8_decode(out + i, n - i, &used);
		if ((used == 1 && (unsigned char)out[i] >= 0x80) ||
		    (cp < 0xa0 && !ascii_kept(cp, irc)) ||
		    (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069))
			return 0;
	}
	return 1;
}

/* Whatever goes in, what comes out is clean; clean text comes out
 * unchanged, and so does a cut of it. (Check's assertions are costly, so
 * the loop asserts only on failure.) */
START_TEST(test_clean_properties)
{
	unsigned char in[64];
	char out[3 * sizeof in + 1], again[3 * sizeof out + 1];
	size_t len, n, i, m, c;
	unsigned r;
	int irc;

	srand(2);
	for (r = 0; r < 20000; r++) {
		len = (size_t)rand() % sizeof in;
		for (i = 0; i < len; i++)
			in[i] = (unsigned char)rand();
		irc = (int)(r & 1);
		n = text_clean(out, (const char *)in, len, irc);
		m = text_clean(again, out, n, irc);
		c = text_utf8_cut(out, n, (size_t)rand() % (n + 1));
		if (n > 3 * len || !is_clean(out, n, irc) || m != n ||
		    memcmp(again, out, n) != 0 || !is_clean(out, c, irc) ||
		    text_clean(again, out, c, irc) != c)
			ck_abort_msg(
			    "round %u (len %zu, mode %d)", r, len, irc);
	}
}
END_TEST

Suite *
test_suite(void)
{
	Suite *s = suite_create("clean");
	TCase *tc = tcase_create("clean");

	tcase_set_timeout(tc, TEST_TIMEOUT);
	tcase_add_test(tc, test_clean_each_byte);
	tcase_add_test(tc, test_clean_each_lane);
	tcase_add_test(tc, test_clean_c1_bidi);
	tcase_add_test(tc, test_clean_maximal_subparts);
	tcase_add_test(tc, test_clean_edges);
	tcase_add_test(tc, test_clean_irc_set);
	tcase_add_test(tc, test_clean_model);
	tcase_add_test(tc, test_clean_properties);
	suite_add_tcase(s, tc);

	return s;
}
