/* irc.h: IRC message parse and format (tags with escapes, source, command,
 * params), size limits, UTF-8-safe cutting and CTCP; no I/O. */
#ifndef CHAT_IRC_H
#define CHAT_IRC_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* RFC 2812: at most 15 params; the 15th takes the rest of the line. */
#define IRC_PARAMS_MAX 15
/* The part of a line after the tags, CR LF included (irc-v1 §2). */
#define IRC_LINE_MAX   512
/* The tag section from '@' to the space after it, both included. */
#define IRC_TAGS_MAX   4096
/* The longest line in both limits, without CR LF: what a line reader
 * for IRC input must let through. */
#define IRC_INPUT_MAX  (IRC_TAGS_MAX + IRC_LINE_MAX - 2)

/*
 * One message, parsed in place: every pointer is into the line given to
 * irc_parse(), each piece NUL-terminated there.
 */
struct irc_msg {
	char *tags;    /* tag section without '@', still escaped; or NULL */
	char *source;  /* without ':'; or NULL */
	char *command; /* ASCII-uppercased in place */
	char *params[IRC_PARAMS_MAX];
	size_t nparams;
	int trailing; /* the last param was sent after " :" */
};

/*
 * Parse line[0, len) (without CR LF; line[len] must be NUL) as
 * "[@tags ][:source ]COMMAND[ params]". Runs of spaces separate the parts
 * and may come first; a param that starts with ':' is the trailing one
 * and takes the rest of the line, spaces and all (':' dropped), and so
 * does the 15th param, with or without ':'. Spaces after the last middle
 * param give no empty param. An empty tag section or source counts as
 * absent. Overwrites separators with NUL and uppercases the command, so
 * callers compare commands with strcmp(); the line is changed even when
 * parsing fails. Returns 0, or -1 with errno EINVAL when there is no
 * command (empty line, only spaces, tags or a source), the command starts
 * with ':' or '@', or the line holds NUL, CR or LF.
 */
int irc_parse(struct irc_msg *, char *line, size_t len);

/*
 * Nonzero when a received line[0, len) (without CR LF) is within both
 * limits: its tag section (when the line starts with '@', after any
 * spaces) at most IRC_TAGS_MAX bytes, the rest plus CR LF at most
 * IRC_LINE_MAX.
 */
int irc_line_fits(const char *line, size_t len);

/*
 * One tag of a raw tag section: key and value point into the section.
 * value is NULL for a key without '='; "key=" gives an empty value. Both
 * mean the empty value to IRCv3; the difference matters only to relays.
 */
struct irc_tag {
	const char *key;
	size_t keylen;
	const char *value; /* still escaped */
	size_t valuelen;
};

/*
 * Iterate over the tags of a raw section (NULL is an empty section):
 * *pos starts at 0. Nonzero with the next tag in *tag; 0 at the end.
 * Empty entries (";;") and entries with an empty key are skipped.
 */
int irc_tag_next(const char *tags, size_t *pos, struct irc_tag *tag);

/* Nonzero when the section has a tag with this key (exact, case-sensitive
 * bytes); *tag is its last occurrence, as IRCv3 says duplicates resolve. */
int irc_tag_find(const char *tags, const char *key, struct irc_tag *tag);

/* Nonzero when key[0, len) is well formed: an optional '+', an optional
 * vendor ([A-Za-z0-9.-]+ then '/'), then a name of [A-Za-z0-9-]+. */
int irc_tag_key_valid(const char *key, size_t len);

/*
 * Unescape an escaped value[0, len) (value may be NULL when len is 0)
 * into out, NUL-terminated: "\:" ";", "\s" space, "\\" "\", "\r" CR,
 * "\n" LF, "\x" any other x, a lone trailing '\' nothing. The result is
 * never longer than the input, so outsize >= len + 1 always suffices, and
 * out may be value itself. Returns the length written, or -1 with errno
 * ENOSPC when it does not fit (nothing is written past out[outsize - 1]).
 */
ssize_t irc_tag_unescape(
    char *out, size_t outsize, const char *value, size_t len);

/* Append value[0, len) escaped for a tag section. 0, or -1 with errno
 * EINVAL (a NUL in the value) or ENOMEM; the buffer is unchanged then. */
int irc_tag_escape(struct buf *, const char *value, size_t len);

/*
 * Append the tag "key[=escaped value]" (no '=' when value is NULL) to a
 * buffer that holds a tag section, after a ';' when it is not empty.
 * 0, or -1 with errno EINVAL (a malformed key, a NUL in the value) or
 * ENOMEM; the buffer is unchanged then.
 */
int irc_tag_add(struct buf *, const char *key, const char *value);

/*
 * Append the client-only tags (well-formed keys starting with '+') of a
 * raw section, exactly as received (still escaped, duplicates kept, in
 * order), to a buffer that holds a tag section, after a ';' when it is not
 * empty. Other tags are dropped. 0, or -1 with errno ENOMEM (buffer
 * unchanged).
 */
int irc_tags_client_only(struct buf *, const char *tags);

/* irc_format() flag: send the last param after " :" even when it need
 * not be (the spec's "001 <n> :text" and "PONG S :<token>"). */
#define IRC_FMT_TRAILING 0x1

/*
 * Append one line "[@tags ][:source ]COMMAND[ params] CR LF". tags
 * (without '@') and source may be NULL or empty for none. The last param
 * is sent after " :" when it is empty, contains a space, starts with ':',
 * or flags has IRC_FMT_TRAILING; the others must be non-empty, without
 * spaces, and not start with ':'. The command must be non-empty, without
 * spaces, and not start with ':' or '@'; tags and source have no spaces.
 * No part may hold CR or LF. Sizes are not checked: cut the text first
 * (irc_utf8_cut). Returns the number of bytes appended, or -1 with errno
 * EINVAL (a part breaks these rules, more than IRC_PARAMS_MAX params) or
 * ENOMEM; the buffer is unchanged then.
 */
ssize_t irc_format(struct buf *, const char *tags, const char *source,
    const char *command, size_t nparams, const char *const *params, int flags);

/*
 * The common case: middle params from a NULL-terminated array (NULL for
 * none), then a printf-formatted text, always after " :". The same rules
 * as irc_format(); the formatted text must not hold CR, LF or NUL. E.g.
 *   irc_formatf(b, NULL, "S", "461",
 *       (const char *const[]){ nick, "CAP", NULL }, "Not enough %s", w);
 */
ssize_t irc_formatf(struct buf *, const char *tags, const char *source,
    const char *command, const char *const *middle, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/*
 * The length of the longest prefix of s[0, len) of at most max bytes that
 * does not end inside a UTF-8 character (invalid bytes count as one
 * character each; see text_utf8_decode()). len itself when len <= max.
 */
size_t irc_utf8_cut(const char *s, size_t len, size_t max);

/* Successive pieces of a text, each at most max bytes, cut at character
 * boundaries: for splitting a long message into several lines. */
struct irc_split {
	const char *s;
	size_t len;
	size_t pos; /* start of the next piece */
	size_t max;
};

void irc_split_init(struct irc_split *, const char *s, size_t len, size_t max);

/*
 * Nonzero with the next piece in *piece, *piecelen (never 0); 0 when the
 * text is used up (at once for an empty text, or when max is 0). Only when
 * max is smaller than the next character is that character cut
 * (max >= 4 never cuts one), so that every call makes progress.
 */
int irc_split_next(struct irc_split *, const char **piece, size_t *piecelen);

/*
 * A CTCP message (the whole text of a PRIVMSG or NOTICE):
 * "\x01COMMAND[ arg][\x01]", the closing \x01 optional as clients vary.
 * command is never empty; arg is NULL when no space follows the command,
 * and runs to the next \x01 or the end (anything after is ignored).
 */
struct irc_ctcp {
	const char *command;
	size_t commandlen;
	const char *arg;
	size_t arglen;
};

/* Nonzero when text[0, len) is a CTCP message, parsed into *ctcp. */
int irc_ctcp_parse(const char *text, size_t len, struct irc_ctcp *ctcp);

/* Nonzero when text[0, len) is a CTCP ACTION (the command compared without
 * regard to ASCII case); *arg, *arglen are its text ("" when it has
 * none). */
int irc_ctcp_action(
    const char *text, size_t len, const char **arg, size_t *arglen);

/*
 * IRCv3 server-time's timestamps, UTC: irc_time_parse() reads
 * "YYYY-MM-DDThh:mm:ss[.fff...]Z" (the fraction optional; digits past the
 * third ignored) into ms since the epoch: 0, or -1 with errno EINVAL.
 * irc_time_format() writes "YYYY-MM-DDThh:mm:ss.sssZ", always with
 * milliseconds, into out (IRC_TIME_LEN + 1 bytes hold it).
 */
#define IRC_TIME_LEN 24
int irc_time_parse(const char *s, int64_t *ms);
void irc_time_format(char *out, size_t outlen, int64_t ms);

#endif
