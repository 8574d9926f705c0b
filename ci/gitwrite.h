/*
 * gitwrite.h: write commits into a new bare repository with libgit2, fast:
 * objects go to an in-memory pack that is written out as a packfile every
 * few thousand commits and at the end, so memory stays bounded and no
 * loose objects are made. Used by `steward demo-data`.
 */
#ifndef STEWARD_CI_GITWRITE_H
#define STEWARD_CI_GITWRITE_H

#include "common/error.h"

#include <git2.h>
#include <stddef.h>
#include <stdint.h>

struct ci_gitwrite;

/* A file's new content (borrowed for the call). */
struct ci_gitwrite_change {
	const char *path;
	const char *data;
	size_t len;
};

/* Author or committer. */
struct ci_gitwrite_sig {
	const char *name;
	const char *email;
	int64_t time; /* seconds since the epoch, UTC */
	int tz;	      /* minutes east of UTC */
};

/*
 * Create a bare repository at path (which must not hold one) and open it
 * for writing. Caller frees *out with ci_gitwrite_free. Returns 0 or
 * ST_ERROR with err naming path.
 */
int ci_gitwrite_open(struct ci_gitwrite **out, const char *path,
		     struct st_error *err);

/*
 * Commit ch[0..n) (files added or replaced) on top of parent (NULL: a
 * root commit of just these files), with message msg. The new commit's
 * id goes to *out; no reference moves. Returns 0 or ST_ERROR.
 */
int ci_gitwrite_commit(struct ci_gitwrite *w, git_oid *out,
		       const git_oid *parent,
		       const struct ci_gitwrite_change *ch, size_t n,
		       const struct ci_gitwrite_sig *author,
		       const struct ci_gitwrite_sig *committer, const char *msg,
		       struct st_error *err);

/*
 * Write what is still in memory, point refs/heads/<names[i]> at ids[i]
 * and HEAD at the first one. Returns 0 or ST_ERROR.
 */
int ci_gitwrite_finish(struct ci_gitwrite *w, const char *const *names,
		       const git_oid *ids, size_t n, struct st_error *err);

/* Close the repository; what was not finished is lost. NULL is a no-op. */
void ci_gitwrite_free(struct ci_gitwrite *w);

#endif
