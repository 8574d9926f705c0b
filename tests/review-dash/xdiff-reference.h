/* xdiff-reference.h: the hunks libgit2's copy of git's xdiff prints for
 * two texts, in rd_linediff_hunks' format (function names cut from the
 * hunk headers): the reference for test-linediff.c and fuzz-linediff.c.
 * Returns git_diff_buffers' result. */
#ifndef STEWARD_TESTS_XDIFF_REFERENCE_H
#define STEWARD_TESTS_XDIFF_REFERENCE_H

#include "common/buf.h"

#include <git2.h>

static int xref_hunk(const git_diff_delta *d, const git_diff_hunk *h,
		     void *payload)
{
	struct st_buf *b = payload;
	size_t end = 2;

	(void)d;
	/* "@@ -a,b +c,d @@ function\n": up to the second "@@". */
	while (end + 1 < h->header_len &&
	       (h->header[end] != '@' || h->header[end + 1] != '@'))
		end++;
	st_buf_add(b, h->header, end + 2);
	st_buf_addch(b, '\n');
	return 0;
}

static int xref_line(const git_diff_delta *d, const git_diff_hunk *h,
		     const git_diff_line *l, void *payload)
{
	struct st_buf *b = payload;

	(void)d;
	(void)h;
	if (l->origin == GIT_DIFF_LINE_CONTEXT_EOFNL ||
	    l->origin == GIT_DIFF_LINE_ADD_EOFNL ||
	    l->origin == GIT_DIFF_LINE_DEL_EOFNL) {
		st_buf_addstr(b, "\\ No newline at end of file\n");
	} else if (l->origin == GIT_DIFF_LINE_CONTEXT ||
		   l->origin == GIT_DIFF_LINE_ADDITION ||
		   l->origin == GIT_DIFF_LINE_DELETION) {
		st_buf_addch(b, l->origin);
		st_buf_add(b, l->content, l->content_len);
		if (!l->content_len || l->content[l->content_len - 1] != '\n')
			st_buf_addch(b, '\n');
	}
	return 0;
}

static int xref_hunks(const char *a, size_t la, const char *b, size_t lb,
		      struct st_buf *out)
{
	git_diff_options opts = GIT_DIFF_OPTIONS_INIT;

	opts.flags = GIT_DIFF_FORCE_TEXT | GIT_DIFF_INDENT_HEURISTIC;
	opts.context_lines = 3;
	return git_diff_buffers(a, la, NULL, b, lb, NULL, &opts, NULL, NULL,
				xref_hunk, xref_line, out);
}

#endif
