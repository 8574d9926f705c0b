/*
 * secmatch.h: which branches already carry each advisory's fixes. For
 * every advisory x supported version x tree, each published patch is
 * looked for among the commits `steward trees sync` indexed on that
 * branch: by patch-id, by the "This is [part of] XSA-N" marker, and by
 * normalised subject confirmed by diff similarity (committed fixes often
 * differ from the published patch in title and context).
 */
#ifndef STEWARD_RELEASE_SECMATCH_H
#define STEWARD_RELEASE_SECMATCH_H

#include "common/buf.h"
#include "common/config.h"
#include "common/error.h"
#include "common/store.h"

#include <jansson.h>
#include <stdint.h>

/* Diff similarity at or above which a commit counts as the patch. */
#define REL_SECMATCH_MIN_SIMILARITY 0.7

/*
 * The matrix for advisory n (0: every advisory). *out gets an array of
 * cells: advisory, version, tree, branch, state ("applied", "partial",
 * "missing", "not-applicable", "prerequisite-missing", "not-indexed"),
 * matched, total, and patches (file, commit or null, method:
 * "patch-id", "marker", "subject", "subject+diff"; similarity).
 * Caller owns *out.
 */
int rel_secmatch_run(struct st_store *s, const struct st_config *cfg,
		     int64_t n, json_t **out, struct st_error *err);

/* The matrix as an HTML table (escaped), appended to out. */
int rel_secmatch_html(struct st_buf *out, json_t *cells);

/* Similarity in [0, 1] of the changed lines of two diffs (white space
 * ignored): shared changed lines over the larger set. */
double rel_secmatch_similarity(const char *a, size_t alen, const char *b,
			       size_t blen);

#endif
