/* fuzz-rawmail.c: libFuzzer target for the stored raw copy. The first 4
 * input bytes are a raw size (little-endian, taken modulo 1 MiB), the
 * rest a stored copy: decompressing never reads or writes out of bounds
 * and gives exactly that many bytes or an error. The rest is also
 * compressed and must read back unchanged. */
#include "review-dash/rawmail.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rd_rawmail *rm;
	struct st_error err = ST_ERROR_INIT;
	unsigned char *z = NULL;
	char *out = (char *)1;
	size_t zlen = 0;
	uint32_t raw_size;

	if (size < 4)
		return 0;
	raw_size = ((uint32_t)data[0] | (uint32_t)data[1] << 8 |
		    (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24) %
		   (1u << 20);
	data += 4;
	size -= 4;
	if (rd_rawmail_decompress(data, size, raw_size, &out, &err) == 0) {
		if (!out || out[raw_size] != '\0')
			__builtin_trap();
		free(out);
	} else if (out) {
		__builtin_trap();
	}
	if (!rm)
		rm = rd_rawmail_new();
	if (!rm || rd_rawmail_compress(rm, data, size, &z, &zlen, &err) < 0)
		__builtin_trap();
	if (rd_rawmail_decompress(z, zlen, (int64_t)size, &out, &err) < 0 ||
	    memcmp(out, data, size) != 0)
		__builtin_trap();
	free(out);
	free(z);
	return 0;
}
