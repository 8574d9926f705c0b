/*
 * branchlag.h: the branch-lag check. A gated branch (staging) is pushed to
 * its target (master) once tests pass; this check says how long the
 * oldest commit of the branch not yet in the target has waited.
 *
 * [check "NAME"]
 *	kind = branch-lag
 *	path = /srv/git/xen.git    repository (bare or not)
 *	branch = staging           the gated branch (any revision)
 *	target = master            where it should arrive
 *	warn-days = 2              warn from this age (default 2)
 *	fail-days = 7              fail from this age (default 7)
 */
#ifndef STEWARD_CHECKS_BRANCHLAG_H
#define STEWARD_CHECKS_BRANCHLAG_H

#include "check.h"

#include <time.h>

/* What the check measured. */
struct chk_branchlag {
	bool merged;	/* branch tip is in target */
	size_t waiting; /* commits in branch not in target */
	time_t oldest;	/* committer time of the oldest of them */
	char oldest_oid[41];
	char oldest_subject[128];
};

/*
 * Measure branch against target in the repository at path. ST_ENOTFOUND
 * for a missing repository or revision.
 */
int chk_branchlag_measure(struct chk_branchlag *out, const char *path,
			  const char *branch, const char *target,
			  struct st_error *err);

/* The check kind's run function (see check.h). */
int chk_branchlag_run(struct chk_result *res, const struct chk_check *c,
		      struct st_error *err);

#endif
