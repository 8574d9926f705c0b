/*
 * diff.h: finding patches in mail text and computing their patch-id.
 * Recognises git diffs (renames, copies, mode changes, new empty files,
 * binary patches, "\ No newline at end of file"), plain unified diffs and
 * CVS "Index:" diffs.
 */
#ifndef STEWARD_REVIEW_DIFF_H
#define STEWARD_REVIEW_DIFF_H

#include <stdbool.h>
#include <stddef.h>

/* Hex SHA-1 plus NUL. */
#define RD_PATCH_ID_HEXSZ 41

/*
 * Find where a diff starts in text: the offset of its first line
 * ("diff --git", "Index:", "--- a/..." followed by "+++ " and "@@"), or
 * -1 when text holds no diff. The diff runs to the end of the text, less
 * a trailing signature ("-- \n") or list footer.
 */
long rd_diff_find(const char *text, size_t len, size_t *diff_len);

/*
 * The patch-id of a diff exactly as `git patch-id --stable` prints it for
 * the same text: per-file SHA-1 of the diff with white space removed and
 * line numbers ignored, summed. Writes 40 hex digits and a NUL to out.
 * Returns 0, or -1 when the text holds no hunk (out is then "").
 */
int rd_patch_id(char out[RD_PATCH_ID_HEXSZ], const char *diff, size_t len);

#endif
