/* fuzz-trailer.c: libFuzzer target for rd_trailers_parse and
 * rd_diff_find, the two line scanners of mail bodies. */
#include "review-dash/diff.h"
#include "review-dash/trailer.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd_trailers t;
	size_t dlen;
	long at;

	rd_trailers_parse(&t, (const char *)data, size);
	rd_trailers_release(&t);
	at = rd_diff_find((const char *)data, size, &dlen);
	if (at >= 0 && ((size_t)at > size || dlen > size - (size_t)at))
		__builtin_trap();
	return 0;
}
