/*
 * html.h: escaping for HTML and URLs, one escaper per context. Mail
 * content is hostile input: every string that did not come from a
 * literal in our code reaches a page only through these.
 */
#ifndef STEWARD_COMMON_HTML_H
#define STEWARD_COMMON_HTML_H

#include "buf.h"

#include <stddef.h>

/* Append s escaped for an HTML text node: & < > " ' become entities;
 * invalid UTF-8 and control characters (but tab and newline) become
 * U+FFFD. Returns 0 or ST_ETOOBIG. */
int st_html_text(struct st_buf *out, const char *s);
int st_html_text_n(struct st_buf *out, const char *s, size_t len);

/* Append s escaped for a double-quoted attribute value. Everything that
 * is not alphanumeric ASCII or UTF-8 becomes a numeric reference. */
int st_html_attr(struct st_buf *out, const char *s);

/* Append s percent-encoded for a URL path segment or query value
 * (RFC 3986 unreserved characters stay). */
int st_url_escape(struct st_buf *out, const char *s);

/* Append a URL for an href attribute: only http, https and mailto URLs
 * and relative paths are kept (attribute-escaped); anything else, such as
 * javascript:, becomes "#". */
int st_html_href(struct st_buf *out, const char *url);

#endif
