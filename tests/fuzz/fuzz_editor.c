/* fuzz_editor.c: libFuzzer target: key bytes into the line editor. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_editor_body.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why;

	if ((why = fuzz_editor_one(data, size)) != NULL) {
		fprintf(stderr, "fuzz_editor: %s\n", why);
		abort();
	}
	return 0;
}
