/* fuzz_server.c: libFuzzer target: bytes into chatd's input path. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_server_body.h"

int LLVMFuzzerInitialize(int *, char ***);
int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_server_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why;

	if ((why = fuzz_server_one(data, size)) != NULL) {
		fprintf(stderr, "fuzz_server: %s\n", why);
		abort();
	}
	return 0;
}
