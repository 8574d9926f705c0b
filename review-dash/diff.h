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
 * ("diff --git", "Index:", "--- a/..." followed by "+++ " and "@@"), or
 * -1 when text holds no diff. The diff runs to the end of the text, less
 * a trailing signature ("-- \n") or list footer.
 */
long rd_diff_find(const char *text, size_t len, size_t *diff_len);

#endif
