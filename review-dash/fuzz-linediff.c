/* fuzz-linediff.c: differential libFuzzer target: rd_linediff_hunks must
 * print exactly the hunks of libgit2's copy of git's xdiff (function
 * names cut from the hunk headers). The input is the two texts split at
 * the first NUL (else in the middle). Inputs with a form feed or vertical
 * tab are skipped: there git and libgit2 differ, and git is followed. */
#include "common/buf.h"
#include "review-dash/linediff.h"
#include "tests/review-dash/xdiff-reference.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rd_linediff *d;
	const char *p = (const char *)data, *nul;
	struct st_buf want = ST_BUF_INIT, got = ST_BUF_INIT;
	size_t la, skip;

	if (memchr(p, '\f', size) || memchr(p, '\v', size))
		return 0;
	if (!d) {
		git_libgit2_init();
		d = rd_linediff_new();
	}
	nul = memchr(p, 0, size);
	la = nul ? (size_t)(nul - p) : size / 2;
	skip = nul ? 1 : 0;
	if (xref_hunks(p, la, p + la + skip, size - la - skip, &want) < 0)
		__builtin_trap();
	rd_linediff_hunks(d, p, la, p + la + skip, size - la - skip, &got);
	if (want.len != got.len || memcmp(want.buf, got.buf, got.len))
		__builtin_trap();
	st_buf_release(&want);
	st_buf_release(&got);
	return 0;
}
