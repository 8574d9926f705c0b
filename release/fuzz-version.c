/*
 * fuzz-version.c: libFuzzer target for the release version parser and
 * the name-format expansion (plan.h): any bytes, no crash, and a parsed
 * version always prints back as X.Y.Z.
 */
#include "release/plan.h"

#include "common/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = st_xmemdupz(data, size);
	struct rel_version v;
	struct st_buf b = ST_BUF_INIT;

	if (rel_version_parse(&v, s, NULL) == 0) {
		struct rel_version again;

		if (rel_version_parse(&again, v.text, NULL) != 0 ||
		    again.major != v.major || again.minor != v.minor ||
		    again.patch != v.patch)
			abort();
	} else {
		memset(&v, 0, sizeof(v));
		memcpy(v.text, "1.2.3", 6);
		memcpy(v.series, "1.2", 4);
	}
	rel_plan_expand(&b, s, &v);
	st_buf_release(&b);
	free(s);
	return 0;
}
