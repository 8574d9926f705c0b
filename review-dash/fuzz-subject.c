/* fuzz-subject.c: libFuzzer target for rd_subject_parse. */
#include "review-dash/subject.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd_subject s;
	char *norm;

	rd_subject_parse(&s, (const char *)data, size);
	norm = rd_subject_normalise(s.name);
	free(norm);
	rd_subject_release(&s);
	return 0;
}
