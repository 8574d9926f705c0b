/*
 * maintainers.h: a MAINTAINERS file (Linux/Xen format) and who looks
 * after a path, with get_maintainer.pl's rules: a section covers a file
 * when one of its F: patterns matches and none of its X: patterns does;
 * sections are ordered most specific pattern first; the catch-all
 * section "THE REST" counts only when no other section matches.
 */
#ifndef STEWARD_REVIEW_DASH_MAINTAINERS_H
#define STEWARD_REVIEW_DASH_MAINTAINERS_H

#include "common/error.h"

#include <stddef.h>

struct rd_maintainers;

/* The largest file accepted. */
#define RD_MAINTAINERS_MAX (8 * 1024 * 1024)

/*
 * Parse text (len bytes, need not be NUL-terminated). A section is a title
 * line followed by "L:\tvalue" lines; anything else is skipped. Caller
 * owns *out; free with rd_maintainers_free. ST_ETOOBIG over the cap.
 */
int rd_maintainers_parse(struct rd_maintainers **out, const char *text,
			 size_t len, struct st_error *err);
/* Read and parse the file at path. ST_ENOTFOUND when it cannot be read. */
int rd_maintainers_load(struct rd_maintainers **out, const char *path,
			struct st_error *err);
void rd_maintainers_free(struct rd_maintainers *m);

/* Number of sections, and section i's title (borrowed). */
size_t rd_maintainers_count(const struct rd_maintainers *m);
const char *rd_maintainers_title(const struct rd_maintainers *m, size_t i);

/*
 * The sections covering path (relative to the tree root, no leading
 * '/'), most specific first, as indexes into out (at most max). Returns
 * how many there are (which may exceed max).
 */
size_t rd_maintainers_match(const struct rd_maintainers *m, const char *path,
			    size_t *out, size_t max);

/*
 * Call fn for each entry of section i whose tag is one of tags (e.g. "MR"
 * for maintainers and reviewers), in file order; non-zero stops and is
 * returned.
 */
typedef int (*rd_maintainers_fn)(char tag, const char *value, void *data);
int rd_maintainers_foreach(const struct rd_maintainers *m, size_t i,
			   const char *tags, rd_maintainers_fn fn, void *data);

#endif
