/* text.h: text cleaning (controls, invalid UTF-8), UTF-8 helpers, names, formats. */
#ifndef CHAT_TEXT_H
#define CHAT_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Remove C0 controls except TAB, and DEL, in place; returns the new length
 * and NUL-terminates. Other bytes (UTF-8 or not) pass unchanged. */
size_t text_sanitize(char *s, size_t len);

/* What text_clean() lets through below U+0080 besides printable ASCII. */
enum text_clean_mode {
	TEXT_CLEAN_TEXT, /* TAB only (chatd-v1 §1) */
	TEXT_CLEAN_IRC,  /* TAB and IRC's formatting set (irc-v1 §2) */
};

/*
 * Clean one line a client sent (chatd-v2 §2) from in[0..len) into out,
 * which must hold 3 * len + 1 bytes and must not overlap in. Invalid UTF-8
 * becomes U+FFFD, one per maximal invalid subsequence (Unicode's
 * "substitution of maximal subparts"); C1 controls (U+0080-U+009F), bidi
 * formatting (U+202A-U+202E, U+2066-U+2069), DEL and C0 controls are
 * removed, except TAB and, in TEXT_CLEAN_IRC, 0x01-0x04, 0x0F, 0x11, 0x16
 * and 0x1D-0x1F. Returns the length of out, which is NUL-terminated and
 * valid UTF-8.
 */
size_t text_clean(
    char *out, const char *in, size_t len, enum text_clean_mode mode);

/*
 * Remove IRC formatting in place, for text users (irc-v1 §8): 0x02, 0x0F,
 * 0x11, 0x16, 0x1D-0x1F; 0x03 with its colour digits (N, NN, N,M ... NN,MM:
 * a comma belongs to the code only when a digit follows it); 0x04 with
 * RRGGBB[,RRGGBB]. Other bytes stay, so run text_sanitize() afterwards for
 * the rest of C0 (CTCP's 0x01 above all). Returns the new length and
 * NUL-terminates.
 */
size_t text_irc_strip(char *s, size_t len);

/* The length of the longest prefix of s[0..len) of at most max bytes that
 * does not end inside a valid UTF-8 character (invalid bytes count as one
 * character each). */
size_t text_utf8_cut(const char *s, size_t len, size_t max);

/* IRC USER's username as chatd shows it (irc-v1 §3): only [A-Za-z0-9_.-],
 * at most CHAT_IRC_USER_MAX bytes, CHAT_IRC_USER_DEFAULT when nothing is
 * left. out holds CHAT_IRC_USER_MAX + 1 bytes; returns its length. */
size_t text_irc_username(char *out, const char *in, size_t len);

/* IRC USER's realname: cleaned as text_clean(TEXT_CLEAN_IRC) does, then
 * cut to at most CHAT_IRC_REALNAME_MAX bytes at a character boundary. out
 * holds CHAT_IRC_REALNAME_MAX + 1 bytes; returns its length (may be 0). */
size_t text_irc_realname(char *out, const char *in, size_t len);

/* Room for any text_duration() and text_thousands() result and its NUL. */
#define TEXT_DURATION_LEN  24
#define TEXT_THOUSANDS_LEN 27

/*
 * A duration for /whois (chatd-v2 §4): the largest non-zero unit of d, h,
 * m, s and the next one down, rounded down, the second left out when it is
 * zero: 42s, 10m, 3h12m, 3h, 2d4h; 0 is "0s". Both write like snprintf():
 * they return the length of the whole result, out is cut to outlen.
 */
int text_duration(char *out, size_t outlen, unsigned long long secs);
/* n in decimal with a comma every three digits: 9,999. */
int text_thousands(char *out, size_t outlen, unsigned long long n);

/* Nonzero when s[0..len) holds only spaces and tabs (or nothing). */
int text_is_blank(const char *s, size_t len);

/* Nick: 1..CHAT_NICK_MAX of [A-Za-z][A-Za-z0-9_-]*. */
int text_nick_valid(const char *);

/*
 * Room: an optional leading '#', then 1..CHAT_ROOM_MAX of [A-Za-z0-9_-].
 * text_room_valid() checks the name as typed; text_room_name() returns the
 * name without its '#' (a pointer into the argument).
 */
int text_room_valid(const char *);
const char *text_room_name(const char *);

/* Case-insensitive (ASCII) comparison for nicks and rooms. */
int text_casecmp(const char *, const char *);
/* Hash of the ASCII-lowercased string. */
uint32_t text_casehash(const char *);

/*
 * UTF-8: the length of the sequence that starts with byte c (1 for ASCII,
 * continuation or invalid bytes, so that bad input still advances), and
 * the offset of the start of the character before pos in s.
 */
size_t text_utf8_len(unsigned char c);
size_t text_utf8_prev(const char *s, size_t pos);
size_t text_utf8_next(const char *s, size_t len, size_t pos);

/* Decode one code point at s (at most len bytes); invalid input decodes as
 * the byte itself with *used = 1. */
uint32_t text_utf8_decode(const char *s, size_t len, size_t *used);

/* Terminal columns a code point takes: 0 (combining), 1, or 2 (wide). */
int text_cp_width(uint32_t cp);

#endif
