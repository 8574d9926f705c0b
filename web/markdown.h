/*
 * markdown.h: one content page: its front matter and its Markdown body
 * rendered to HTML with cmark. Not for layouts or site structure (see
 * layout.h and site.h).
 *
 * Front matter is optional and sits between two "---" lines at the very
 * start of the file, one "key: value" per line. Known keys: title, date
 * (YYYY-MM-DD), layout (a name made of [A-Za-z0-9_-]), raw_html
 * (true/false). Unknown keys are ignored, so content written for other
 * generators still builds.
 */
#ifndef STEWARD_WEB_MARKDOWN_H
#define STEWARD_WEB_MARKDOWN_H

#include "common/buf.h"
#include "common/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* The largest page accepted, front matter included. */
#define WEB_PAGE_MAX (4u << 20)

struct web_page {
	char *title;	    /* NULL when the front matter has none */
	char *date;	    /* "YYYY-MM-DD" as written, or NULL */
	time_t time;	    /* date as UTC midnight, 0 without a date */
	char *layout;	    /* NULL: the default layout */
	bool raw_html;	    /* the page opted in to raw HTML */
	size_t body_offset; /* where the Markdown starts in the text */
};

#define WEB_PAGE_INIT                                                          \
	{                                                                      \
		NULL, NULL, 0, NULL, false, 0                                  \
	}

/*
 * Parse the front matter of text (len bytes, need not be NUL-terminated)
 * into *out, which the caller releases with web_page_release. A front
 * matter that is opened and never closed, a malformed date or layout
 * name, or a raw_html that is not true/false is ST_EINVALID; a text over
 * WEB_PAGE_MAX is ST_ETOOBIG.
 */
int web_page_parse(struct web_page *out, const char *text, size_t len,
		   struct st_error *err);
void web_page_release(struct web_page *p);

/*
 * Render Markdown md (len bytes) to HTML, appended to out. Unless
 * raw_html, cmark's safe mode is on: raw HTML blocks and inline HTML are
 * replaced by a comment and javascript:, vbscript:, file: and data: links
 * (but images) are emptied. 0, ST_ETOOBIG or ST_ERROR.
 */
int web_markdown_render(struct st_buf *out, const char *md, size_t len,
			bool raw_html, struct st_error *err);

#endif
