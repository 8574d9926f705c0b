/* commit-reference.h: where rd_commit_parse's reading of a commit differs
 * from libgit2's: the reference for test-commit.c and fuzz-commit.c. */
#ifndef STEWARD_TESTS_COMMIT_REFERENCE_H
#define STEWARD_TESTS_COMMIT_REFERENCE_H

#include "review-dash/commit.h"

#include <git2.h>
#include <string.h>

/* got (len bytes) is libgit2's string want, exactly. */
static int cref_same(const char *want, const char *got, size_t len)
{
	return strlen(want) == len && !memcmp(want, got, len);
}

/* The first field of c that is not libgit2's for gc, or NULL. The raw
 * message is compared as libgit2 keeps it: up to a NUL. */
static const char *cref_mismatch(const struct rd_commit *c,
				 const git_commit *gc)
{
	const git_signature *a = git_commit_author(gc),
			    *m = git_commit_committer(gc);
	const char *msg = git_commit_message_raw(gc);

	if (!git_oid_equal(&c->tree, git_commit_tree_id(gc)))
		return "tree";
	if (c->nparents != git_commit_parentcount(gc))
		return "parent count";
	for (size_t i = 0; i < c->nparents; i++) {
		git_oid p;

		rd_commit_parent(c, i, &p);
		if (!git_oid_equal(&p, git_commit_parent_id(gc, (unsigned)i)))
			return "parent";
	}
	if (!cref_same(a->name, c->author.name, c->author.name_len))
		return "author name";
	if (!cref_same(a->email, c->author.email, c->author.email_len))
		return "author email";
	if (a->when.time != c->author.time)
		return "author time";
	if (!cref_same(m->name, c->committer.name, c->committer.name_len))
		return "committer name";
	if (!cref_same(m->email, c->committer.email, c->committer.email_len))
		return "committer email";
	if (git_commit_time(gc) != c->committer.time)
		return "commit time";
	if (strlen(msg) > c->message_len ||
	    strncmp(msg, c->message, c->message_len))
		return "message";
	return NULL;
}

#endif
