/*
 * tag.h: annotated (optionally gpg-signed) release tags written with
 * libgit2, in the format `git tag -a [-s]` writes, so `git tag -v`
 * verifies them.
 */
#ifndef STEWARD_RELEASE_TAG_H
#define STEWARD_RELEASE_TAG_H

#include "common/error.h"

#include <git2.h>

/*
 * Create the annotated tag name on the commit ref names, with message
 * (a final newline is added when missing), tagged by the repository's
 * user.name/user.email, signed with sign_key when not NULL. *out gets
 * the tag object id. Errors: ST_ENOTFOUND (ref), ST_EEXISTS (the tag
 * exists), ST_EINVALID (no identity, bad name), ST_ERROR (gpg).
 */
int rel_tag_create(git_oid *out, git_repository *repo, const char *name,
		   const char *ref, const char *message, const char *sign_key,
		   struct st_error *err);

#endif
