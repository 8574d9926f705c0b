/*
 * plan.h: a release as steward.conf describes it. VERSION is X.Y.Z; its
 * series X.Y names the section [release "X.Y"], which may give:
 *   repo = PATH            the repository (else tree = NAME, whose
 *                          [tree "NAME"] path is used, else ".")
 *   tag-format = FMT       release tag name (default RELEASE-%V)
 *   rc-tag-format = FMT    candidate tag name (default %V-rc%N)
 *   tarball = FMT          tarball file name (default <project>-%V)
 *   prefix = FMT           path prefix inside it (default <tarball>/)
 *   branch, last-posting, feature-freeze, code-freeze,
 *   hard-code-freeze, release = YYYY-MM-DD   (see status.h)
 *   list = NAME            the mailing list of its series (postings.h;
 *                          default: every list)
 * FMT placeholders: %V version, %X %Y %Z its parts, %N the candidate
 * number, %S the series, %%. core.project names the project (default
 * "Project"); <project> is its lower-case form.
 */
#ifndef STEWARD_RELEASE_PLAN_H
#define STEWARD_RELEASE_PLAN_H

#include "common/buf.h"
#include "common/config.h"
#include "common/error.h"

#include <git2.h>
#include <stdint.h>

struct rel_version {
	int64_t major;
	int64_t minor;
	int64_t patch;
	int64_t rc;	 /* candidate number; 0 for a release */
	char text[64];	 /* "4.20.0" */
	char series[48]; /* "4.20" */
};

/* Parse "X.Y.Z" (or "X.Y", meaning X.Y.0) into *out with rc 0.
 * ST_EINVALID names the bad version. */
int rel_version_parse(struct rel_version *out, const char *s,
		      struct st_error *err);

/* Expand fmt for v into out (appends). Unknown %x is kept. */
void rel_plan_expand(struct st_buf *out, const char *fmt,
		     const struct rel_version *v);

/* The config value release.<series>.<key> expanded for v, or def
 * expanded when unset; appended to out. */
void rel_plan_get(struct st_buf *out, const struct st_config *c,
		  const struct rel_version *v, const char *key,
		  const char *def);

/* The project name (core.project, default "Project"). Caller frees. */
char *rel_plan_project(const struct st_config *c);

/* The tag name for v: candidate format when v->rc > 0. */
void rel_plan_tag_name(struct st_buf *out, const struct st_config *c,
		       const struct rel_version *v);

/*
 * Open the release's repository: path when not NULL, else as the
 * section says. Caller owns *out (git_repository_free).
 */
int rel_plan_open_repo(git_repository **out, const struct st_config *c,
		       const struct rel_version *v, const char *path,
		       struct st_error *err);

#endif
