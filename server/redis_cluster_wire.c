/*
 * redis_cluster_wire.c: the bytes of the cluster's messages. A field is
 * its length in decimal, ':', then that many bytes, so any byte may be in
 * a text and a reader never reads past the end. Nothing here trusts what
 * it reads: a malformed message is marked bad and dropped whole.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redis_cluster_impl.h"

static const char *const cl_kinds[CL_NKINDS] = { [CL_HELLO] = "HELLO",
	[CL_BYE] = "BYE",
	[CL_HB] = "HB",
	[CL_SYNC] = "SYNC",
	[CL_SB] = "SB",
	[CL_SU] = "SU",
	[CL_ST] = "ST",
	[CL_SE] = "SE",
	[CL_ENTER] = "ENTER",
	[CL_QUIT] = "QUIT",
	[CL_NICK] = "NICK",
	[CL_AWAY] = "AWAY",
	[CL_JOIN] = "JOIN",
	[CL_PART] = "PART",
	[CL_TOPIC] = "TOPIC",
	[CL_KICK] = "KICK",
	[CL_MODE] = "MODE",
	[CL_SAY] = "SAY",
	[CL_TELL] = "TELL" };

void
cl_put_bin(struct buf *b, const char *p, size_t len)
{
	/* Out of memory shows as a short message, which readers drop. */
	if (buf_printf(b, "%zu:", len) == 0)
		(void)buf_append(b, p, len);
}

void
cl_put_str(struct buf *b, const char *s)
{
	cl_put_bin(b, s != NULL ? s : "", s != NULL ? strlen(s) : 0);
}

void
cl_put_num(struct buf *b, int64_t v)
{
	char n[24];

	snprintf(n, sizeof n, "%" PRId64, v);
	cl_put_str(b, n);
}

const char *
cl_get_bin(struct cl_rd *r, size_t *len)
{
	const char *p = r->p, *field;
	size_t n = 0;

	*len = 0;
	if (r->bad || p >= r->end) {
		r->bad = 1;
		return "";
	}
	while (p < r->end && *p >= '0' && *p <= '9' && n < 100000000)
		n = n * 10 + (size_t)(*p++ - '0');
	if (p == r->p || p >= r->end || *p != ':' ||
	    (size_t)(r->end - p - 1) < n) {
		r->bad = 1;
		return "";
	}
	field = p + 1;
	r->p = field + n;
	*len = n;
	return field;
}

void
cl_get_str(struct cl_rd *r, char *out, size_t size)
{
	size_t len;
	const char *p = cl_get_bin(r, &len);

	if (len >= size || memchr(p, '\0', len) != NULL) {
		r->bad = 1;
		len = 0;
	}
	memcpy(out, p, len);
	out[len] = '\0';
}

int64_t
cl_get_num(struct cl_rd *r)
{
	char n[24], *end;
	long long v;

	cl_get_str(r, n, sizeof n);
	if (r->bad)
		return 0;
	v = strtoll(n, &end, 10);
	if (end == n || *end != '\0') {
		r->bad = 1;
		return 0;
	}
	return v;
}

int
cl_done(const struct cl_rd *r)
{
	return !r->bad && r->p == r->end;
}

const char *
cl_kind_name(enum cl_kind k)
{
	return cl_kinds[k];
}

int
cl_kind_parse(struct cl_rd *r)
{
	char name[16];
	int k;

	cl_get_str(r, name, sizeof name);
	for (k = 0; !r->bad && k < CL_NKINDS; k++)
		if (strcmp(name, cl_kinds[k]) == 0)
			return k;
	r->bad = 1;
	return -1;
}
