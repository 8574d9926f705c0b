/*
 * demotree.h: the source tree `steward demo-data` keeps in memory, and the
 * changes its patches make: a block added before a file's tail (ADD) or
 * one line replaced (MOD). Each change is one hunk whose diff is printed
 * exactly as git prints it (3 lines of context, the function line after
 * "@@", abbreviated blob ids), and is chosen so that git's and libgit2's
 * diff of the two file versions cannot slide it elsewhere: the posted
 * diff is the commit's diff and both have one patch-id.
 */
#ifndef STEWARD_CI_DEMOTREE_H
#define STEWARD_CI_DEMOTREE_H

#include "common/buf.h"

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ci_demotree_kind {
	CI_DEMOTREE_C,	  /* .c: ADD goes before the "Local variables" tail */
	CI_DEMOTREE_H,	  /* .h: ADD goes before the closing #endif */
	CI_DEMOTREE_MD,	  /* .md: ADD goes at the end */
	CI_DEMOTREE_OTHER /* never changed */
};

/*
 * One file. After text changes, call ci_demotree_reindex before using
 * the other calls on it. Fields may be read; path is borrowed (static
 * in the caller).
 */
struct ci_demotree_file {
	const char *path;
	int area; /* the caller's label */
	enum ci_demotree_kind kind;
	struct st_buf text;
	git_oid oid; /* blob id of text, valid when has_oid */
	bool has_oid;
	size_t *lines; /* offset of each line */
	size_t nlines;
	size_t anchor;			 /* the line ADD inserts before */
	struct ci_demotree_cache *cache; /* private: see ci_demotree_post_oid */
};

struct ci_demotree {
	struct ci_demotree_file *files;
	size_t n;
};

enum ci_demotree_op_kind { CI_DEMOTREE_ADD, CI_DEMOTREE_MOD };

/* One change to one file; its text depends on the version and on whether
 * the maintainer edited it on commit (ci_demotree_op_text). */
struct ci_demotree_op {
	size_t file; /* index in the tree */
	enum ci_demotree_op_kind kind;
	size_t line;	   /* ADD: insert before it; MOD: replace it */
	char fn[64];	   /* the function added or changed */
	uint64_t uid;	   /* makes the text unique */
	const char *topic; /* what a Markdown block is about (static) */
};

/* The kind of a file from its name. */
enum ci_demotree_kind ci_demotree_kind_of(const char *path);

/* The part of path after its last '/'. */
const char *ci_demotree_base_name(const char *path);

/* The identifier prefix of a file's functions: "xc_domain.c" ->
 * "xc_domain" (truncated to size - 1 bytes). */
void ci_demotree_file_stem(char *out, size_t size, const char *path);

/* The first n bytes of h[0..hl) equal to needle, or NULL. */
const char *ci_demotree_find(const char *h, size_t hl, const char *needle,
			     size_t n);

/* Newlines in p[0..len). */
size_t ci_demotree_count_lines(const char *p, size_t len);

/* Length of the line at p (up to '\n' or e), without the newline. */
size_t ci_demotree_line_len(const char *p, const char *e);

/* Index the lines and the ADD anchor of f; forgets its blob id. */
void ci_demotree_reindex(struct ci_demotree_file *f);

/* The line holding byte offset off of f. */
size_t ci_demotree_line_at(const struct ci_demotree_file *f, size_t off);

/* Byte offset of line i (0-based) of f; the length when past the end. */
size_t ci_demotree_off(const struct ci_demotree_file *f, size_t i);

/* The blob id of f's text (computed once per change). */
const git_oid *ci_demotree_oid(struct ci_demotree_file *f);

/* The line where ADD inserts in f. */
size_t ci_demotree_anchor(const struct ci_demotree_file *f);

/* Free what f holds (its text, index and cache). */
void ci_demotree_file_release(struct ci_demotree_file *f);

/* Free the files' contents and the array; t is left empty. */
void ci_demotree_release(struct ci_demotree *t);

/* Deep copy of src into dst (which holds nothing). */
void ci_demotree_copy(struct ci_demotree *dst, const struct ci_demotree *src);

/*
 * The lines op adds to f (each ending in "\n"), replacing b's contents.
 * ADD blocks of C files end with the blank line that separates them from
 * the tail: with the blank line before the anchor, that is the lowest
 * position of the slider, which git and libgit2 both choose.
 */
void ci_demotree_op_text(struct st_buf *b, const struct ci_demotree_file *f,
			 const struct ci_demotree_op *op, int version,
			 bool edited);

/* post = f's text with del lines at line replaced by add. */
void ci_demotree_post_image(struct st_buf *post,
			    const struct ci_demotree_file *f, size_t line,
			    size_t del, const struct st_buf *add);

/*
 * The blob id of that post-image, without making it. For an ADD at the
 * anchor, the SHA-1 state after the blob header and the text before the
 * anchor is kept (by total length) until f changes: only the block and
 * the tail are hashed again, which makes the mails of a large archive
 * several times cheaper.
 */
void ci_demotree_post_oid(git_oid *out, struct ci_demotree_file *f, size_t line,
			  size_t del, const struct st_buf *add);

/* Append the "diff --git" of that change (pre and post: blob ids). */
void ci_demotree_diff(struct st_buf *b, const struct ci_demotree_file *f,
		      size_t line, size_t del, const struct st_buf *add,
		      const git_oid *pre, const git_oid *post);

/* The name of the function whose body holds line ("unknown" if none). */
void ci_demotree_enclosing_fn(char *out, size_t size,
			      const struct ci_demotree_file *f, size_t line);

/* The number of "    return " lines of f; the nth one's line index goes
 * to *nth_line when nth_line is not NULL and it exists. */
size_t ci_demotree_count_returns(const struct ci_demotree_file *f,
				 size_t *nth_line, uint64_t nth);

#endif
