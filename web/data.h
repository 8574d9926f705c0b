/*
 * data.h: the pages generated from the store: the review backlog,
 * contributor pages, check results and public security advisories. The
 * store is only read, and each table is used only when it exists, so a
 * store made by an older Steward, or by one without some component,
 * still builds. Everything that came from mail is escaped.
 *
 * Advisories (the hook for release/'s security tool): a table
 * advisories(name, title, public_date, summary) is read when it exists;
 * a row is rendered only once public_date (seconds since the epoch) has
 * passed, and a NULL date means embargoed. The filter is in the query, so
 * embargoed text is never even read. A table of another shape is skipped
 * with a warning.
 *
 * Release status: each [release "X.Y"] of the configuration with its
 * milestone dates, and the open blockers of table `blockers` (release/)
 * when it exists.
 */
#ifndef STEWARD_WEB_DATA_H
#define STEWARD_WEB_DATA_H

#include "layout.h"

#include "common/config.h"
#include "common/error.h"
#include "common/store.h"

#include <stddef.h>
#include <time.h>

/* One generated page: its path in the site and its HTML body. */
struct web_data_page {
	char *path;  /* e.g. "backlog/index.html" */
	char *title; /* plain text */
	char *body;  /* HTML, to be put in the layout */
	size_t body_len;
};

struct web_data {
	struct web_data_page *pages;
	size_t n;
	size_t alloc;
	struct web_nav_item nav[5]; /* sections to add to the navigation */
	size_t nav_len;
};

#define WEB_DATA_INIT                                                          \
	{                                                                      \
		NULL, 0, 0, {{NULL, NULL}}, 0                                  \
	}

/*
 * Generate the pages from store s (may be NULL) and configuration c (may
 * be NULL) as of now into *out (caller releases it with
 * web_data_release). 0 or a negative ST_E* code.
 */
int web_data_pages(struct web_data *out, struct st_store *s,
		   const struct st_config *c, time_t now, struct st_error *err);
void web_data_release(struct web_data *d);

#endif
