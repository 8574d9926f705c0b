/*
 * commit.h: a commit object read in place, without allocating: its tree,
 * parents, author, committer and message, with the values libgit2 gives
 * (git_commit_author, git_commit_message_raw, git_commit_summary ...).
 * Only the form git writes is taken; anything else (a name or address
 * libgit2 would trim, a time it would refuse, a missing field) is left to
 * libgit2: rd_commit_parse says so and the caller asks libgit2 instead.
 */
#ifndef STEWARD_REVIEW_COMMIT_H
#define STEWARD_REVIEW_COMMIT_H

#include "common/buf.h"

#include <git2.h>
#include <stddef.h>
#include <stdint.h>

/* A person and a time, pointing into the object's data. */
struct rd_commit_person {
	const char *name, *email;
	size_t name_len, email_len;
	int64_t time;
};

struct rd_commit {
	git_oid tree;
	size_t nparents;
	struct rd_commit_person author, committer;
	const char *message; /* git_commit_message_raw */
	size_t message_len;
	const char *parents_; /* private: the first "parent " line */
};

/* Read commit data (len bytes) into c: 0, or -1 when it is not in the
 * plain form this reads exactly as libgit2 does. */
int rd_commit_parse(struct rd_commit *c, const char *data, size_t len);

/* Parent i (< c->nparents) of a parsed commit. */
void rd_commit_parent(const struct rd_commit *c, size_t i, git_oid *out);

/* Append git_commit_summary's text for raw message msg to out: the first
 * paragraph, leading blank lines dropped, white space runs holding a
 * newline made one space. */
void rd_commit_add_summary(struct st_buf *out, const char *msg, size_t len);

#endif
