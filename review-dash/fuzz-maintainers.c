/* fuzz-maintainers.c: libFuzzer target for the MAINTAINERS parser and its
 * matching: any input parses (or is refused) without a crash, and every
 * match names a valid section. */
#include "review-dash/maintainers.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = {"README",	 "xen/arch/arm/setup.c",
					    "docs/a.md", "a/b/c/d/e",
					    "",		 NULL};
	struct rd_maintainers *m = NULL;
	size_t idx[8];

	if (rd_maintainers_parse(&m, (const char *)data, size, NULL) < 0)
		return 0;
	for (int i = 0; paths[i]; i++) {
		size_t n = rd_maintainers_match(m, paths[i], idx, 8);

		for (size_t j = 0; j < n && j < 8; j++)
			if (idx[j] >= rd_maintainers_count(m))
				abort();
	}
	rd_maintainers_free(m);
	return 0;
}
