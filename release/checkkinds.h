/*
 * checkkinds.h: the release tool's checks for the check framework, so
 * `steward check run` and the scheduler keep their results with history
 * like any other check:
 *
 *   [check "release-4.20"]
 *     kind = release-rules
 *     version = 4.20.0      (required; X.Y.Z)
 *     rc = N                (a candidate: the rules of an rc tag)
 *     ref = REF             (default: the release branch, else HEAD)
 *     repo = PATH           (default: from [release "X.Y"])
 *
 *   [check "xsa-coverage"]
 *     kind = advisory-coverage
 *     version = 4.20        (optional: only this supported version)
 *
 * release-rules runs every [release-rule] (check.h) and fails with the
 * failing rules as details; advisory-coverage runs the advisory x branch
 * matrix (secmatch.h) and fails on each missing, partial or
 * prerequisite-missing cell, warns on branches not indexed yet. Both read
 * the store named by core.db.
 */
#ifndef STEWARD_RELEASE_CHECKKINDS_H
#define STEWARD_RELEASE_CHECKKINDS_H

#include "checks/check.h"

/* The kinds above, for chk_check_load_in. */
const struct chk_kind_set *rel_check_kinds(void);

#endif
