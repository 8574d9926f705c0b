/*
 * tree.h: indexing git trees. A tree is a local repository, or a remote
 * one mirrored (bare) under a mirror directory; each configured branch is
 * walked and every commit reachable from it is stored once per tree with
 * its author, committer, subject, trailers, backport and security markers
 * and the `git patch-id --stable` of the diff `git show` prints for it.
 * Syncing is incremental: branch tips are remembered, commits already
 * indexed are skipped by oid, and a force-pushed branch only re-walks what
 * changed. Matching of posted patches is in match.h.
 */
#ifndef STEWARD_REVIEW_TREE_H
#define STEWARD_REVIEW_TREE_H

#include "common/buf.h"
#include "common/config.h"
#include "common/error.h"
#include "common/store.h"

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One [tree "NAME"] section. */
struct rd_tree_config {
	char *name;
	char *path;	  /* local repository; NULL when url is set */
	char *url;	  /* remote repository, mirrored under mirror_dir */
	char *mirror_dir; /* where mirrors live (core.mirrors, default
			     "<store dir>/mirrors") */
	char **branches;  /* in configuration order: [0] is the main one */
	size_t nbranches;
};

/*
 * Read [tree "name"] from c into out: path/url and every branch value.
 * store_path locates the default mirror directory. ST_ENOTFOUND when the
 * section has neither path nor url. Release with rd_tree_config_release.
 */
int rd_tree_config_load(struct rd_tree_config *out, const struct st_config *c,
			const char *name, const char *store_path,
			struct st_error *err);
void rd_tree_config_release(struct rd_tree_config *t);

/* What one sync did. */
struct rd_tree_sync_stats {
	int64_t commits_indexed; /* new commits stored by this sync */
	int64_t commits_total;	 /* commits stored for the tree */
	int64_t patches_matched; /* posted patches linked to any commit */
	int64_t patches_total;	 /* posted patches in the store */
};

/*
 * Sync tree t into store: open (or clone / fetch into the mirror) the
 * repository, walk each branch from its new tip down to what is already
 * indexed, index the new commits with nthreads workers (0: 2), update
 * reachability and tips, then run matching (match.h). Errors (not a
 * repository, unknown branch, unreachable URL) leave the store as it was.
 */
int rd_tree_sync(struct st_store *store, const struct rd_tree_config *t,
		 unsigned nthreads, struct rd_tree_sync_stats *stats,
		 struct st_error *err);

/*
 * Append to out the diff of commit against its first parent (the empty
 * tree for a root commit) as `git show` prints it: renames found as git
 * finds them by default, git's headers for modes, new, deleted and
 * renamed files, "Binary files ... differ" with abbreviated index ids,
 * indent heuristic. abbrev is the index id length (see
 * rd_tree_default_abbrev). Merges produce nothing. 0 or ST_ERROR.
 */
int rd_tree_commit_diff(struct st_buf *out, git_repository *repo,
			const git_commit *commit, int abbrev,
			struct st_error *err);

/* git's default abbreviation length for repo: from the number of packed
 * objects, at least 7. */
int rd_tree_default_abbrev(git_repository *repo);

struct rd_linediff;
struct rd_objects;

/*
 * The patch-id (RD_PATCH_ID_HEXSZ bytes into out) of the diff `git show`
 * prints for a commit of tree new_tree whose parent has old_tree (NULL:
 * a root commit); "" for an empty diff. objs reads repo's trees and blobs
 * (objects.h) and lines is the diffs' scratch memory (linediff.h): one of
 * each per thread, kept from one commit to the next. 0 or ST_ERROR.
 */
int rd_tree_diff_patch_id(char *out, git_repository *repo,
			  struct rd_objects *objs, const git_oid *old_tree,
			  const git_oid *new_tree, int abbrev,
			  struct rd_linediff *lines, struct st_error *err);

#endif
