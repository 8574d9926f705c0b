/*
 * links.h: the link checker of a built site: every local link in its
 * pages, feeds and sitemap must resolve to a file inside it. Links to
 * other sites are not followed.
 */
#ifndef STEWARD_WEB_LINKS_H
#define STEWARD_WEB_LINKS_H

#include "common/error.h"

#include <stddef.h>

/* Called for each broken link: page (relative to root) and the href as
 * written (entities decoded). */
typedef void (*web_link_fn)(const char *page, const char *href, void *data);

/*
 * Check every link (href and src attributes, sitemap <loc>) in every
 * .html and .xml file under root: a local target must exist inside root
 * (a path ending in / or naming a folder means its index.html; ".."
 * above the root is broken). Links starting with base_url (may be NULL)
 * are local. fn (may be NULL) hears about each broken link; *broken
 * counts them. 0, or ST_ERROR when root cannot be read.
 */
int web_links_check(const char *root, const char *base_url, web_link_fn fn,
		    void *data, size_t *broken, struct st_error *err);

#endif
