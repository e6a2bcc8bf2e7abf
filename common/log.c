/* log.c: timestamped stderr logging, fatal(). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "log.h"

static enum log_level log_level = LOG_INFO;

static const char *const log_names[] = { "error", "warn", "info", "debug" };

void
log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level
log_get_level(void)
{
	return log_level;
}

static void
log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	char line[1024], stamp[32];
	struct tm tm;
	time_t now;
	int n;

	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
	n = vsnprintf(line, sizeof line, fmt, ap);
	if (n < 0)
		return;
	/* One fprintf per line, so concurrent writers do not interleave. */
	fprintf(stderr, "%s %s %s\n", stamp, log_names[level], line);
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_ERROR, fmt, ap);
	va_end(ap);
	exit(1);
}
