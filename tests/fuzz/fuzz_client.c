/* fuzz_client.c: libFuzzer target: what a server sends, through chat's IRC side. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_client_body.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why;

	if ((why = fuzz_client_one(data, size)) != NULL) {
		fprintf(stderr, "fuzz_client: %s\n", why);
		abort();
	}
	return 0;
}
