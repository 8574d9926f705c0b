/*
 * diff.h: finding patches in mail text and computing their patch-id.
 * Recognises git diffs (renames, copies, mode changes, new empty files,
 * binary patches, "\ No newline at end of file"), plain unified diffs and
 * CVS "Index:" diffs. The patch-id of a diff is in patchid.h.
 */
#ifndef STEWARD_REVIEW_DIFF_H
#define STEWARD_REVIEW_DIFF_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Find where a diff starts in text: the offset of its first line
 * ("diff --git", "Index:" followed by "====", "--- a/..." followed by
 * "+++ " and "@@", or "diff -u ..." before those), or -1 when text holds
 * no diff. *diff_len is set to the length of the diff: the walk follows
 * hunk line counts, git's extended headers and binary blocks, so it stops
 * after the last line that belongs to the diff, leaving out a signature
 * ("-- \n"), a list footer or closing prose. A mailer's CRLF or a context
 * line stripped to an empty line is tolerated.
 */
long rd_diff_find(const char *text, size_t len, size_t *diff_len);

#endif
