/*
 * applies.h: the applies check: whether a patch or a whole series (an
 * mbox of `git format-patch` mails, applied in order) applies to a branch
 * tip. Applying happens in memory with libgit2 (git_apply_to_tree); the
 * repository is not changed.
 *
 * [check "NAME"]
 *	kind = applies
 *	path = /srv/git/xen.git   repository
 *	branch = staging          the tip to apply to (default HEAD)
 *	patch = series.mbox       (multi-valued) files applied in order;
 *	                          each holds one patch or an mbox of several
 */
#ifndef STEWARD_CHECKS_APPLIES_H
#define STEWARD_CHECKS_APPLIES_H

#include "check.h"

#include <stddef.h>

/* What applying a series found. */
struct chk_applies {
	unsigned patches;  /* patches found */
	unsigned applied;  /* applied before the first failure */
	char subject[128]; /* subject of the patch that failed, or "" */
	char message[256]; /* libgit2's reason for the failure, or "" */
};

/*
 * Apply the patches of mbox (len bytes: one patch, or mails separated by
 * mbox "From " lines; mails without a diff, such as a cover letter, are
 * skipped) in order on top of ref in the repository at path. Fills out;
 * returns 0 whether or not they applied, ST_ENOTFOUND for a missing
 * repository or ref, ST_EINVALID when no patch is found.
 */
int chk_applies_series(struct chk_applies *out, const char *path,
		       const char *ref, const char *mbox, size_t len,
		       struct st_error *err);

/* The check kind's run function (see check.h). */
int chk_applies_run(struct chk_result *res, const struct chk_check *c,
		    struct st_error *err);

#endif
