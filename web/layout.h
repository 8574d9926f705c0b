/*
 * layout.h: the page around a page's content. The built-in default
 * layout has a header with the site's navigation, the title, an optional
 * date and a footer; a site may bring its own templates instead
 * (content/_layouts/NAME.html). Also the site's one stylesheet. No
 * JavaScript anywhere.
 *
 * Templates know these placeholders: {{title}}, {{date}}, {{site}} (the
 * site's name), {{nav}} (the navigation as HTML) and {{content}} (the
 * page's HTML). Every value but nav and content is HTML-escaped; other
 * "{{...}}" text is copied as it is.
 */
#ifndef STEWARD_WEB_LAYOUT_H
#define STEWARD_WEB_LAYOUT_H

#include "common/buf.h"
#include "common/error.h"

#include <stddef.h>

/* The largest template accepted. */
#define WEB_LAYOUT_MAX (256u << 10)

/* One entry of the navigation: a site-absolute path and its label. */
struct web_nav_item {
	const char *href;
	const char *label;
};

struct web_layout_vars {
	const char *site;    /* the site's name; NULL: "Steward" */
	const char *title;   /* the page's title, plain text; NULL: untitled */
	const char *date;    /* "YYYY-MM-DD" or NULL */
	const char *content; /* trusted HTML: rendered by cmark or by us */
	size_t content_len;
	const struct web_nav_item *nav; /* may be NULL when nav_len is 0 */
	size_t nav_len;
	const char *head; /* extra trusted HTML for <head> (feeds), or NULL */
};

/*
 * Append the page to out: through tmpl (NUL-terminated template text)
 * when given, else through the default layout. 0 or ST_ETOOBIG.
 */
int web_layout_render(struct st_buf *out, const char *tmpl,
		      const struct web_layout_vars *v, struct st_error *err);

/* Append the navigation as HTML (a <ul> of links). 0 or ST_ETOOBIG. */
int web_layout_nav(struct st_buf *out, const struct web_nav_item *nav,
		   size_t n);

/* The text of the site's stylesheet, served as /style.css. Static. */
const char *web_layout_stylesheet(void);

#endif
