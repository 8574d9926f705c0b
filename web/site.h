/*
 * site.h: building the static site. A build reads Markdown pages and
 * other files under a content folder, and (when a store is given)
 * generates pages from it (see data.h), renders them inside layouts and
 * writes the site: pages, style.css, 404.html, sitemap.xml, Atom feeds
 * for news/ and releases/, and a .gz twin of every html, css, xml and svg
 * file for servers that send them as they are. Every build is checked
 * with links.h before it is published.
 *
 * Publishing is atomic: OUTDIR is a symbolic link to OUTDIR.d/<build-id>.
 * A build writes a new build folder, then renames a fresh link over
 * OUTDIR, so a visitor sees the old site or the new one, never half of
 * one; older builds beyond the newest `keep` are removed.
 *
 * Builds are incremental: each build folder holds .steward-manifest.json,
 * mapping every output to a hash of its inputs. An output whose inputs
 * did not change is hard-linked from the previous build (same inode, same
 * mtime, nothing written); only the others are rendered and written.
 */
#ifndef STEWARD_WEB_SITE_H
#define STEWARD_WEB_SITE_H

#include "common/config.h"
#include "common/error.h"
#include "common/store.h"

#include <stdbool.h>
#include <stddef.h>

#define WEB_MANIFEST_NAME ".steward-manifest.json"

struct web_site_opts {
	const char *content_dir; /* NULL: no Markdown content */
	const char *outdir;	 /* the link that is published */
	const char *base_url;	 /* absolute, for sitemap and feeds; NULL:
				    "http://localhost/" */
	const char *site_name;	 /* NULL: "Steward" */
	struct st_store *store;	 /* NULL: no pages from the store */
	const struct st_config *config; /* NULL: no release status */
	unsigned keep;			/* builds kept, 0 means 2 */
};

struct web_build_stats {
	size_t outputs;	     /* files in the new build, .gz twins included */
	size_t written;	     /* of them, rendered and written */
	size_t unchanged;    /* of them, linked from the previous build */
	size_t pruned;	     /* old build folders removed */
	size_t broken_links; /* found by web_links_check */
	char build_dir[512]; /* the new build folder, as linked */
};

/*
 * Build and publish the site described by o. Errors: ST_EINVALID (a bad
 * page: the message names the file), ST_EEXISTS (OUTDIR exists and is
 * not a link to a build, or two inputs make the same output), ST_EBUSY
 * (another build holds the lock), ST_ERROR (I/O, naming the path).
 * On failure the published site is unchanged.
 */
int web_site_build(struct web_build_stats *out, const struct web_site_opts *o,
		   struct st_error *err);

#endif
