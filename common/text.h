/* text.h: text cleaning (controls, invalid UTF-8), UTF-8 helpers, nick/room validation. */
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
