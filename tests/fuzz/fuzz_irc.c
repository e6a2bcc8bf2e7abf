/* fuzz_irc.c: libFuzzer target: bytes as one IRC line through common/irc. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_irc_body.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why;

	if ((why = fuzz_irc_one(data, size)) != NULL) {
		fprintf(stderr, "fuzz_irc: %s\n", why);
		abort();
	}
	return 0;
}
