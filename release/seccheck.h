/*
 * seccheck.h: does each patch of an advisory apply on every supported
 * branch? For each recipe (version x tree) the advisory's patches, after
 * those of its prerequisite advisories, are applied in order with
 * libgit2 to the tree at the recipe's StableRef (or the branch tip),
 * entirely in memory: no worktree is left behind, whatever happens.
 * Optionally the patched tree is then built (see below).
 */
#ifndef STEWARD_RELEASE_SECCHECK_H
#define STEWARD_RELEASE_SECCHECK_H

#include "common/config.h"
#include "common/error.h"
#include "common/store.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * The branch that carries version of tree: "master" (or "unstable",
 * "staging") maps to the first configured tree.<tree>.branch or master;
 * "X.Y" to tree.<tree>.stable-format with %s replaced (default
 * "stable-%s"). Caller frees.
 */
char *rel_seccheck_branch(const struct st_config *cfg, const char *tree,
			  const char *version);

/*
 * Building what applies (opts->build): the patched tree of each cell
 * whose patches apply is written to a new directory under TMPDIR (or
 * /tmp), removed afterwards whatever happens, and the build command runs
 * there with /bin/sh, in its own process group, under a timeout, its
 * output kept bounded (checks/exec.h). The repository is not touched.
 *
 *   [security]
 *	build-command = make -j2   run in the patched tree (this default)
 *	build-timeout = 1800       seconds, then the build is killed
 *	build-log-max = 4096       bytes of output kept, the last ones
 */
#define REL_SECCHECK_BUILD_COMMAND "make -j2"
#define REL_SECCHECK_BUILD_TIMEOUT 1800
#define REL_SECCHECK_BUILD_LOG_MAX 4096

struct rel_seccheck_opts {
	bool build; /* build each cell that applies (see above) */
};

/*
 * Check advisory n. *out gets an array with one object per recipe:
 * version, tree, branch, base (commit id), status ("applies", "fails",
 * "prerequisite-missing", "no-tree"), patches (file, advisory, status
 * "applied"/"failed"/"skipped", error), and with opts->build, for a cell
 * that applies, build {command, status "passed"/"failed"/"timed-out"/
 * "error", exit_code, duration_ms, log (the tail of the output, or what
 * went wrong), log_truncated}. *failed counts cells that do not apply or
 * whose build did not pass. opts may be NULL. Caller owns *out.
 */
int rel_seccheck_run(struct st_store *s, const struct st_config *cfg, int64_t n,
		     const struct rel_seccheck_opts *opts, json_t **out,
		     int *failed, struct st_error *err);

#endif
