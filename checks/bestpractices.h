/*
 * bestpractices.h: the badge check, the OpenSSF Best Practices "passing"
 * criteria that a program can decide from a repository's committed tree
 * and tags: licence file and SPDX id, README, contribution guide,
 * security policy with a way to report vulnerabilities, HTTPS links in
 * the README, a build system, tests, release notes, static analysis and
 * fuzzing configuration, signed tags. Each criterion is met, unmet or
 * unknown, with evidence; the level is "passing" when every required one
 * is met. The criteria can be exported in the badge site's field names
 * (<criterion>_status: Met, Unmet, ?; <criterion>_justification).
 *
 * [check "NAME"]
 *	kind = badge
 *	path = /srv/git/xen.git      repository (bare or not)
 *	ref = HEAD                   the tree to assess
 *	export = .bestpractices.json write the criteria there on each run
 *	site-url = https://www.bestpractices.dev/projects/NNNN.json
 *	                             the badge site's record of the project,
 *	                             compared with what the tree shows
 *	cainfo = ca.pem              CA bundle for site-url (default: system)
 */
#ifndef STEWARD_CHECKS_BESTPRACTICES_H
#define STEWARD_CHECKS_BESTPRACTICES_H

#include "check.h"

#include <jansson.h>

/*
 * Assess the tree of rev in the repository at path. *out receives an
 * array of {"id", "status" ("met", "unmet", "unknown"), "required",
 * "evidence"} in the badge site's order. ST_ENOTFOUND for a missing
 * repository or revision. Caller owns *out.
 */
int chk_bestpractices_assess(json_t **out, const char *path, const char *rev,
			     struct st_error *err);

/* The level reached: "passing" or "in_progress". */
const char *chk_bestpractices_level(const json_t *criteria);

/* The export object ({"level", "<id>_status", "<id>_justification" ...}).
 * Caller owns. */
json_t *chk_bestpractices_export(const json_t *criteria);

/*
 * Read the project's badge state from the badge site's JSON at url
 * (fields badge_level and badge_percentage_0). *level (caller frees) is
 * e.g. "passing" or "in_progress"; *percent 0-100, or -1 when absent.
 * cainfo may be NULL. ST_ERROR when it cannot be fetched or read.
 */
int chk_bestpractices_site(char **level, int *percent, const char *url,
			   const char *cainfo, struct st_error *err);

/* The check kind's run function (see check.h). */
int chk_bestpractices_run(struct chk_result *res, const struct chk_check *c,
			  struct st_error *err);

#endif
