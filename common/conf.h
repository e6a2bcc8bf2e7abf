/* conf.h: option values and small files, parsed the same way everywhere. */
#ifndef CHAT_CONF_H
#define CHAT_CONF_H

#include <stddef.h>

/*
 * Each returns 0 and stores the value, or -1 with errno EINVAL (not a
 * number, trailing junk) or ERANGE (outside [lo, hi]); none prints.
 */

/* All of s as a decimal whole number. */
int conf_number(const char *s, long long lo, long long hi, long long *v);
/* The same with an optional K, M or G suffix (times 1024, 1024^2, 1024^3). */
int conf_size(const char *s, long long lo, long long hi, long long *v);
/* All of s as a real number. */
int conf_real(const char *s, double lo, double hi, double *v);

/* The first line of the file at path, without its line end, in out.
 * -1 with errno from fopen/fgets, or EINVAL when it does not fit. */
int conf_first_line(const char *path, char *out, size_t outlen);

/* The whole file at path, NUL-terminated, in a new buffer (free it), at
 * most max bytes; NULL with errno from fopen/fread, EFBIG when it is
 * larger, EINVAL when it holds a NUL, or ENOMEM. */
char *conf_read_file(const char *path, size_t max);

#endif
