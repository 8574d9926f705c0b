/*
 * advisory.h: security advisories laid out the way the Xen Project
 * publishes them, imported into the store: advisory-N.txt (number, CVEs,
 * title, version, public date), patch files, and the recipe xsaN.meta
 * (JSON: XSA, SupportedVersions, Trees, Recipes.<v>.Recipes.<tree>.
 * {StableRef, Prereqs, Patches}) naming which patches apply where.
 */
#ifndef STEWARD_RELEASE_ADVISORY_H
#define STEWARD_RELEASE_ADVISORY_H

#include "common/error.h"
#include "common/store.h"

#include <jansson.h>
#include <stdint.h>

/*
 * Import every xsaN.meta in dir (with its advisory-N.txt and patches)
 * in one transaction: a malformed file fails the whole import with an
 * error naming the file and the line or JSON path, and nothing is
 * stored. Re-importing an advisory replaces it. *count gets the number
 * of advisories imported.
 */
int rel_advisory_import(struct st_store *s, const char *dir, int *count,
			struct st_error *err);

/*
 * The fields of advisory-N.txt: number, CVEs, title, version and the
 * public date. Returns a new JSON object (caller owns) or NULL with err
 * set. Exposed for tests and the fuzz target.
 */
json_t *rel_advisory_parse_text(const char *text, size_t len,
				struct st_error *err);

/* Advisory number n as JSON with its recipes and patch files (content
 * omitted). ST_ENOTFOUND when absent. Caller owns *out. */
int rel_advisory_get(struct st_store *s, int64_t n, json_t **out,
		     struct st_error *err);

/* All advisories, newest number first, as a JSON array. */
int rel_advisory_list(struct st_store *s, json_t **out, struct st_error *err);

#endif
