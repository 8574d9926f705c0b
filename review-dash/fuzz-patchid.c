/* fuzz-patchid.c: libFuzzer target for rd_patch_id, which reads diff
 * text from mail: it never reads past the input, and either finds no
 * hunk ("") or writes 40 hex digits. */
#include "review-dash/patchid.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[RD_PATCH_ID_HEXSZ];
	int rc = rd_patch_id(out, (const char *)data, size);

	if (rc == 0 ? strspn(out, "0123456789abcdef") != 40 || out[40]
		    : out[0] != '\0')
		__builtin_trap();
	return 0;
}
