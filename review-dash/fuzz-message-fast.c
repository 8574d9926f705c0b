/*
 * fuzz-message-fast.c: libFuzzer target comparing rd_message_parse's fast
 * path for plain mail with GMime's full parse (RD_MESSAGE_GMIME_ONLY):
 * on any input both must fail alike or give equal messages, field by
 * field. A difference aborts, so libFuzzer saves the input.
 */
#include "review-dash/message-priv.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct st_error e1 = ST_ERROR_INIT, e2 = ST_ERROR_INIT;
	struct rd_message *fast = NULL, *slow = NULL;
	const char *raw = (const char *)data;
	int rc1 = rd_message_parse_flags(&fast, raw, size, 0, NULL, &e1);
	int rc2 = rd_message_parse_flags(&slow, raw, size,
					 RD_MESSAGE_GMIME_ONLY, NULL, &e2);
	const char *d = NULL;

	if (rc1 != rc2) {
		fprintf(stderr, "fast path rc %d, gmime rc %d\n", rc1, rc2);
		abort();
	}
	if (rc1 == 0 && (d = rd_message_diff(fast, slow))) {
		fprintf(stderr, "fast path and gmime differ in %s\n", d);
		abort();
	}
	rd_message_free(fast);
	rd_message_free(slow);
	st_error_clear(&e1);
	st_error_clear(&e2);
	return 0;
}
