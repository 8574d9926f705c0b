/*
 * seccheck.h: does each patch of an advisory apply on every supported
 * branch? For each recipe (version x tree) the advisory's patches, after
 * those of its prerequisite advisories, are applied in order with
 * libgit2 to the tree at the recipe's StableRef (or the branch tip),
 * entirely in memory: no worktree is left behind, whatever happens.
 */
#ifndef STEWARD_RELEASE_SECCHECK_H
#define STEWARD_RELEASE_SECCHECK_H

#include "common/config.h"
#include "common/error.h"
#include "common/store.h"

#include <jansson.h>
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
 * Check advisory n. *out gets an array with one object per recipe:
 * version, tree, branch, base (commit id), status ("applies", "fails",
 * "prerequisite-missing", "no-tree"), patches (file, advisory, status
 * "applied"/"failed"/"skipped", error). *failed counts cells that do not
 * apply. Caller owns *out.
 */
int rel_seccheck_run(struct st_store *s, const struct st_config *cfg,
		     int64_t n, json_t **out, int *failed,
		     struct st_error *err);

#endif
