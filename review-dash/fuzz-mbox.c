/*
 * fuzz-mbox.c: arbitrary bytes through the mbox splitter, read in large
 * blocks and in tiny ones: both must give the same messages at the same
 * offsets, none larger than the cap, and never crash.
 */
#include "review-dash/mbox.h"

#include "common/log.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MSG 4096

struct seen {
	size_t n;
	uint64_t sum; /* offsets, lengths and bytes folded together */
};

static int fold(void *data, const char *raw, size_t len, uint64_t offset)
{
	struct seen *s = data;

	if (len == 0 || len > MAX_MSG)
		abort();
	s->n++;
	s->sum = s->sum * 1099511628211u + offset;
	s->sum = s->sum * 1099511628211u + len;
	for (size_t i = 0; i < len; i++)
		s->sum = (s->sum ^ (unsigned char)raw[i]) * 1099511628211u;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen big = {0, 0}, small = {0, 0};

	st_log_set_level(ST_LOG_ERROR);
	rd_mbox_split((const char *)data, size, 1u << 20, MAX_MSG, fold, &big);
	rd_mbox_split((const char *)data, size, 7, MAX_MSG, fold, &small);
	if (big.n != small.n || big.sum != small.sum)
		abort();
	return 0;
}
