/*
 * redis_url.h: where a Redis server is, as --cluster names it
 * (cluster-v1.md §1): redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], with HOST
 * a name, an IPv4 address or a bracketed IPv6 one, or unix:PATH. No I/O.
 */
#ifndef CHATD_REDIS_URL_H
#define CHATD_REDIS_URL_H

#define REDIS_URL_PORT 6379 /* when the URL names none */

struct redis_url {
	char *host;     /* TCP: name or address (IPv6 without brackets) */
	int port;       /* TCP */
	char *path;     /* unix:PATH; host is NULL then */
	char *user;     /* an ACL user (Redis 6), or NULL: "default" */
	char *password; /* or NULL: no AUTH */
	int db;         /* SELECT this unless 0 */
	char *buf;      /* where the strings live */
};

/*
 * Parse url into *u. The user and password may be percent-encoded (%40
 * for '@'). Returns 0, or -1 with errno EINVAL and *cause saying what is
 * wrong (a static string), or ENOMEM. Free a parsed URL with
 * redis_url_free.
 */
int redis_url_parse(const char *url, struct redis_url *u, const char **cause);
void redis_url_free(struct redis_url *u);

/*
 * A name (a room, a nick) as the part of a key inside its hash tag:
 * lowercased as text_casecmp() compares, every byte but [a-z0-9_-]
 * written %XX, so '{', '}' and ':' never appear and the tag is always the
 * whole name. out holds at least 3 * strlen(name) + 1 bytes.
 */
void redis_key_part(const char *name, char *out);

#endif
