/*
 * patchid.h: the patch-id of a diff, exactly as `git patch-id --stable`
 * computes it, so a patch posted by mail and the commit made from it share
 * one. Used for mail (diff text from the message) and for commits (diff
 * text produced with libgit2 the way `git show` prints it).
 */
#ifndef STEWARD_REVIEW_PATCHID_H
#define STEWARD_REVIEW_PATCHID_H

#include <stddef.h>

/* Hex SHA-1 plus NUL. */
#define RD_PATCH_ID_HEXSZ 41

/*
 * Compute the patch-id of diff (len bytes): per-file SHA-1 of the diff
 * lines with white space removed and line numbers ignored, summed as
 * --stable does. Writes 40 hex digits and a NUL to out. Returns 0, or -1
 * when the text holds no hunk (out is then "").
 */
int rd_patch_id(char out[RD_PATCH_ID_HEXSZ], const char *diff, size_t len);

#endif
