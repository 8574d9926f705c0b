/*
 * linediff.h: the diff of two texts, line by line, exactly as git 2.39
 * computes it by default (xdiff's Myers algorithm with its heuristics,
 * then the indent heuristic) and prints its hunks (three lines of
 * context), so that a patch-id made from it equals git's. libgit2's
 * diff gives the same hunks but first hashes both texts with its
 * collision-detecting SHA-1, which costs more than the diff.
 */
#ifndef STEWARD_REVIEW_LINEDIFF_H
#define STEWARD_REVIEW_LINEDIFF_H

#include "common/buf.h"

#include <stddef.h>

/* Scratch memory, reused from one diff to the next; one per thread. */
struct rd_linediff;

struct rd_linediff *rd_linediff_new(void);
void rd_linediff_free(struct rd_linediff *d);

/*
 * Append to out the hunks of the diff from a (la bytes) to b: for each
 * hunk "@@ -1,4 +1,5 @@\n" (no function name), then its lines, each
 * prefixed with ' ', '-' or '+', a line without a final newline followed
 * by "\n\\ No newline at end of file\n". Nothing when the texts are equal.
 */
void rd_linediff_hunks(struct rd_linediff *d, const char *a, size_t la,
		       const char *b, size_t lb, struct st_buf *out);

#endif
