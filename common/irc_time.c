/* irc_time.c: IRCv3 server-time's timestamps (YYYY-MM-DDThh:mm:ss.sssZ), both ways. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "irc.h"

#define IRC_MS_PER_S  1000
#define IRC_SECS_DAY  86400LL
/* "YYYY-MM-DDThh:mm:ss": where the digits are. */
#define IRC_TIME_HEAD "dddd-dd-ddTdd:dd:dd"

/* Days since 1970-01-01 of a civil date (H. Hinnant's algorithm). */
static long long
irc_days(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

/* The number of the n digits at s. */
static int
irc_digits(const char *s, int n)
{
	int v = 0;

	while (n-- > 0)
		v = v * 10 + (*s++ - '0');
	return v;
}

int
irc_time_parse(const char *s, int64_t *ms)
{
	const char *form = IRC_TIME_HEAD, *p;
	int y, mo, d, h, mi, sec, frac = 0, digits = 0;
	size_t i;

	if (s == NULL || strlen(s) < sizeof IRC_TIME_HEAD - 1)
		goto bad;
	for (i = 0; i < sizeof IRC_TIME_HEAD - 1; i++)
		if (form[i] == 'd' ? (s[i] < '0' || s[i] > '9') :
				     s[i] != form[i])
			goto bad;
	y = irc_digits(s, 4);
	mo = irc_digits(s + 5, 2);
	d = irc_digits(s + 8, 2);
	h = irc_digits(s + 11, 2);
	mi = irc_digits(s + 14, 2);
	sec = irc_digits(s + 17, 2);
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		goto bad;
	p = s + sizeof IRC_TIME_HEAD - 1;
	if (*p == '.') {
		/* Milliseconds; more digits are read and ignored. */
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (digits++ < 3)
				frac = frac * 10 + (*p - '0');
		if (digits == 0)
			goto bad;
		for (; digits < 3; digits++)
			frac *= 10;
	}
	if (strcmp(p, "Z") != 0)
		goto bad;
	*ms = (irc_days(y, (unsigned)mo, (unsigned)d) * IRC_SECS_DAY +
		  h * 3600LL + mi * 60LL + sec) *
		IRC_MS_PER_S +
	    frac;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

/* v as n decimal digits, at p. */
static void
irc_put_digits(char *p, int v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

void
irc_time_format(char *out, size_t outlen, int64_t ms)
{
	time_t t = (time_t)(ms / IRC_MS_PER_S);
	char v[] = IRC_TIME_HEAD ".dddZ";
	struct tm tm;
	int year;

	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	year = tm.tm_year + 1900;
	if (year < 0 || year > 9999 || ms < 0) {
		snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		    year, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		    tm.tm_sec, (int)(ms % IRC_MS_PER_S));
		return;
	}
	/* By hand: every event line to a server-time client has one, and
	 * printf would cost more than the rest of its rendering. */
	irc_put_digits(v, year, 4);
	irc_put_digits(v + 5, tm.tm_mon + 1, 2);
	irc_put_digits(v + 8, tm.tm_mday, 2);
	irc_put_digits(v + 11, tm.tm_hour, 2);
	irc_put_digits(v + 14, tm.tm_min, 2);
	irc_put_digits(v + 17, tm.tm_sec, 2);
	irc_put_digits(v + 20, (int)(ms % IRC_MS_PER_S), 3);
	if (outlen > 0) {
		outlen = outlen < sizeof v ? outlen : sizeof v;
		memcpy(out, v, outlen - 1);
		out[outlen - 1] = '\0';
	}
}
