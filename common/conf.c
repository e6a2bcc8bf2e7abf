/* conf.c: option values and small files, parsed the same way everywhere. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

static int
conf_check(const char *s, const char *end, int err)
{
	if (end == s || *end != '\0') {
		errno = EINVAL;
		return -1;
	}
	if (err != 0) {
		errno = ERANGE;
		return -1;
	}
	return 0;
}

int
conf_number(const char *s, long long lo, long long hi, long long *v)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (conf_check(s, end, errno) == -1)
		return -1;
	if (n < lo || n > hi) {
		errno = ERANGE;
		return -1;
	}
	*v = n;
	return 0;
}

int
conf_size(const char *s, long long lo, long long hi, long long *v)
{
	char digits[32];
	long long n, unit = 1;
	size_t len = strlen(s);

	if (len > 1 && strchr("kK", s[len - 1]) != NULL)
		unit = 1024;
	else if (len > 1 && strchr("mM", s[len - 1]) != NULL)
		unit = 1024 * 1024;
	else if (len > 1 && strchr("gG", s[len - 1]) != NULL)
		unit = 1024LL * 1024 * 1024;
	if (unit == 1)
		return conf_number(s, lo, hi, v);
	if (len >= sizeof digits) {
		errno = EINVAL;
		return -1;
	}
	memcpy(digits, s, len - 1);
	digits[len - 1] = '\0';
	if (conf_number(digits, lo / unit, hi / unit, &n) == -1)
		return -1;
	if (n * unit < lo) {
		errno = ERANGE;
		return -1;
	}
	*v = n * unit;
	return 0;
}

int
conf_real(const char *s, double lo, double hi, double *v)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(s, &end);
	if (conf_check(s, end, errno) == -1)
		return -1;
	if (!(d >= lo && d <= hi)) { /* also refuses NaN */
		errno = ERANGE;
		return -1;
	}
	*v = d;
	return 0;
}

int
conf_first_line(const char *path, char *out, size_t outlen)
{
	FILE *f;
	int saved, more = 0;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(out, (int)outlen, f) == NULL) {
		out[0] = '\0';
		if (ferror(f)) {
			saved = errno;
			fclose(f);
			errno = saved != 0 ? saved : EIO;
			return -1;
		}
	}
	/* A line that filled out without its LF may go on: not cut short. */
	if (strchr(out, '\n') == NULL && strlen(out) == outlen - 1) {
		int c = fgetc(f);

		more = c != EOF && c != '\n' && c != '\r';
	}
	fclose(f);
	if (more) {
		errno = EINVAL;
		return -1;
	}
	out[strcspn(out, "\r\n")] = '\0';
	return 0;
}

char *
conf_read_file(const char *path, size_t max)
{
	FILE *f;
	char *p;
	size_t n;
	int saved;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if ((p = malloc(max + 2)) == NULL) {
		fclose(f);
		errno = ENOMEM;
		return NULL;
	}
	n = fread(p, 1, max + 1, f);
	if (ferror(f)) {
		saved = errno;
		fclose(f);
		free(p);
		errno = saved != 0 ? saved : EIO;
		return NULL;
	}
	fclose(f);
	p[n] = '\0';
	if (n > max || strlen(p) != n) {
		free(p);
		errno = n > max ? EFBIG : EINVAL;
		return NULL;
	}
	return p;
}
