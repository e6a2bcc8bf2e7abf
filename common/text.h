/* text.h: control-character removal, UTF-8 helpers, nick/room validation. */
#ifndef CHAT_TEXT_H
#define CHAT_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Remove C0 controls except TAB, and DEL, in place; returns the new length
 * and NUL-terminates. Other bytes (UTF-8 or not) pass unchanged. */
size_t text_sanitize(char *s, size_t len);

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
