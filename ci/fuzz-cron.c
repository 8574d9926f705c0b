/* fuzz-cron.c: libFuzzer target for the cron parser and next-run. */
#include "ci/cron.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ci_cron c;
	char *s;
	time_t t;

	if (size > 4096)
		return 0;
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (ci_cron_parse(&c, s, NULL) == 0)
		ci_cron_next(&t, &c, 1767225600, NULL);
	free(s);
	return 0;
}
