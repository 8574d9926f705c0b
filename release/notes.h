/*
 * notes.h: release notes from the history between two revisions:
 * changes grouped by the subject's "area:" prefix, security fixes (any
 * commit naming XSA-N), and credits from authors and trailers. Written
 * as Markdown; HTML is that Markdown rendered by cmark in safe mode (no
 * raw HTML passes through).
 */
#ifndef STEWARD_RELEASE_NOTES_H
#define STEWARD_RELEASE_NOTES_H

#include "common/buf.h"
#include "common/error.h"

#include <git2.h>

/*
 * Append to out the Markdown notes titled title for the non-merge
 * commits reachable from to and not from since (since may be NULL: the
 * whole history). Errors: ST_ENOTFOUND for an unknown revision.
 */
int rel_notes_markdown(struct st_buf *out, git_repository *repo,
		       const char *title, const char *since, const char *to,
		       struct st_error *err);

/* Append a whole HTML page rendering markdown under title. */
int rel_notes_html(struct st_buf *out, const char *title, const char *markdown,
		   struct st_error *err);

#endif
