/* fuzz-mixed.c: libFuzzer target for the https check's mixed-content
 * scanner, which reads hostile HTML. */
#include "checks/https.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned a, p;

	chk_https_mixed_content((const char *)data, size, &a, &p);
	return 0;
}
