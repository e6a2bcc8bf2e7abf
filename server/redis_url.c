/* redis_url.c: parse the --cluster URL (redis_url.h). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "redis_url.h"

#define SCHEME_TCP  "redis://"
#define SCHEME_TLS  "rediss://"
#define SCHEME_UNIX "unix:"

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode %XX in place; -1 for a bad escape or one that makes a NUL. */
static int
unescape(char *s)
{
	char *d = s;
	int hi, lo;

	for (; *s != '\0'; s++) {
		if (*s != '%') {
			*d++ = *s;
			continue;
		}
		if ((hi = hexval((unsigned char)s[1])) == -1 ||
		    (lo = hexval((unsigned char)s[2])) == -1 ||
		    hi * 16 + lo == 0)
			return -1;
		*d++ = (char)(hi * 16 + lo);
		s += 2;
	}
	*d = '\0';
	return 0;
}

/* A decimal number in [lo, hi], all of s; -1 if it is not. */
static long
number(const char *s, long lo, long hi)
{
	long n = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		n = n * 10 + (*s - '0');
		if (n > hi)
			return -1;
	}
	return n < lo ? -1 : n;
}

static int
fail(struct redis_url *u, const char **cause, const char *why)
{
	redis_url_free(u);
	*cause = why;
	errno = EINVAL;
	return -1;
}

/* s: what follows redis:// (a copy we own). */
static int
parse_tcp(char *s, struct redis_url *u, const char **cause)
{
	char *at, *host, *port = NULL, *db, *colon;
	long n;

	/* The password may hold any of / ? # @: the host starts after the
	 * last '@'. */
	if ((at = strrchr(s, '@')) != NULL) {
		*at = '\0';
		if ((colon = strchr(s, ':')) == NULL)
			return fail(
			    u, cause, "expected :PASSWORD@ before the host");
		*colon = '\0';
		u->user = *s != '\0' ? s : NULL;
		u->password = colon + 1;
		if ((u->user != NULL && unescape(u->user) == -1) ||
		    unescape(u->password) == -1)
			return fail(u, cause, "bad %-escape in the password");
		host = at + 1;
	} else
		host = s;
	if (strpbrk(host, "?#") != NULL)
		return fail(u, cause, "options (?...) are not supported");
	if ((db = strchr(host, '/')) != NULL)
		*db++ = '\0';
	if (*host == '[') {
		if ((colon = strchr(host, ']')) == NULL)
			return fail(u, cause, "no ] after the IPv6 address");
		*colon = '\0';
		host++;
		if (colon[1] == ':')
			port = colon + 2;
		else if (colon[1] != '\0')
			return fail(u, cause, "junk after the IPv6 address");
	} else if ((colon = strchr(host, ':')) != NULL) {
		*colon = '\0';
		port = colon + 1;
	}
	if (*host == '\0')
		return fail(u, cause, "no host");
	u->host = host;
	u->port = REDIS_URL_PORT;
	if (port != NULL) {
		if ((n = number(port, 1, 65535)) == -1)
			return fail(u, cause, "the port must be 1 to 65535");
		u->port = (int)n;
	}
	if (db != NULL && *db != '\0') {
		if ((n = number(db, 0, 1000000)) == -1)
			return fail(u, cause, "the database must be a number");
		u->db = (int)n;
	}
	return 0;
}

int
redis_url_parse(const char *url, struct redis_url *u, const char **cause)
{
	size_t tcp = strlen(SCHEME_TCP), unx = strlen(SCHEME_UNIX);

	memset(u, 0, sizeof *u);
	if (strncasecmp(url, SCHEME_TLS, strlen(SCHEME_TLS)) == 0)
		return fail(u, cause, "TLS (rediss://) is not supported");
	if (strncasecmp(url, SCHEME_UNIX, unx) == 0) {
		url += unx;
		/* unix:///run/redis.sock is unix:/run/redis.sock. */
		if (strncmp(url, "///", 3) == 0)
			url += 2;
		if (*url == '\0')
			return fail(u, cause, "no path after unix:");
		if ((u->buf = strdup(url)) == NULL)
			return -1;
		u->path = u->buf;
		return 0;
	}
	if (strncasecmp(url, SCHEME_TCP, tcp) != 0)
		return fail(u, cause,
		    "expected redis://[:PASSWORD@]HOST[:PORT][/DB] or unix:PATH");
	if ((u->buf = strdup(url + tcp)) == NULL)
		return -1;
	return parse_tcp(u->buf, u, cause);
}

void
redis_url_free(struct redis_url *u)
{
	free(u->buf);
	memset(u, 0, sizeof *u);
}

void
redis_key_part(const char *name, char *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char c;
	size_t n = 0;

	for (; *name != '\0'; name++) {
		c = (unsigned char)tolower((unsigned char)*name);
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '-')
			out[n++] = (char)c;
		else {
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 15];
		}
	}
	out[n] = '\0';
}
