/* fuzz-message.c: libFuzzer target for rd_message_parse (GMime, charset
 * repair, classification, diff, trailers). */
#include "review-dash/message.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct st_error err = ST_ERROR_INIT;
	struct rd_message *m = NULL;

	if (rd_message_parse(&m, (const char *)data, size, &err) == 0) {
		/* Every string must be NUL-terminated and readable. */
		volatile size_t n = strlen(m->body) + strlen(m->subject) +
				    strlen(m->message_id) + m->trailers.n;
		(void)n;
		rd_message_free(m);
	}
	return 0;
}
