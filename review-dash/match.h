/*
 * match.h: linking posted patches to the commits they became, and
 * backports to their originals, after every ingest and every tree sync.
 *
 * Rules, each recorded in the link's method:
 *  - 'patch-id': the patch's git_patch_id equals the commit's;
 *  - 'subject-author': otherwise (the committer edited the patch), the
 *    normalised subject equals the commit's and the submitter is the
 *    commit's author, committed from a day before the posting up to
 *    RD_MATCH_WINDOW_DAYS after it;
 *  - 'backport-marker': a backport names its original ("(cherry picked
 *    from commit X)", "master commit: X", "upstream commit X"), and the
 *    patch that became the original is on the backport's branch too.
 * A backport without a marker is linked to the original on a main branch
 * that has the same patch-id. A patch found on its tree's main branch
 * (the first configured) becomes 'accepted' with commit_ref set; a series
 * whose patches are all accepted becomes 'accepted'.
 *
 * Matching is incremental: it remembers (in the store's meta table) the
 * last commit and patch it saw and only looks at newer ones, unless asked
 * for a full run. Joins run on indexed columns: 100,000 patches against
 * 100,000 commits match in seconds.
 */
#ifndef STEWARD_REVIEW_MATCH_H
#define STEWARD_REVIEW_MATCH_H

#include "common/error.h"
#include "common/store.h"

#include <jansson.h>
#include <stdint.h>

#define RD_MATCH_WINDOW_DAYS 120

enum rd_match_flags {
	RD_MATCH_FULL = 1 << 0, /* look at every patch and commit again */
};

struct rd_match_stats {
	int64_t links_added;	  /* new patch_commits rows */
	int64_t backports_linked; /* new commit_links rows */
	int64_t patches_accepted; /* patches newly set to 'accepted' */
	int64_t series_accepted;
};

/*
 * Run matching over the store. Call it inside a transaction (it does not
 * open one). stats may be NULL. 0 or a negative ST_E* code.
 */
int rd_match_run(struct st_store *s, unsigned flags,
		 struct rd_match_stats *stats, struct st_error *err);

/*
 * Where a patch or a commit is: what is a Message-ID (with or without
 * <>) of a posted patch, or a commit oid (at least 4 hex digits). *out
 * is a JSON object {"query", "kind": "patch"|"commit", "subject",
 * "branches": [{"tree", "branch", "oid", "subject", "commit_time",
 * "author_time", "how"}]} where how is the match method, "direct" or
 * "backport" (via a backport of the commit). Caller owns *out
 * (json_decref). ST_ENOTFOUND when nothing has that id.
 */
int rd_match_where(json_t **out, struct st_store *s, const char *what,
		   struct st_error *err);

#endif
