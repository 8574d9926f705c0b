/*
 * status.h: where a release stands today. The dates come from
 * [release "X.Y"] (last-posting, feature-freeze, code-freeze,
 * hard-code-freeze, release, as YYYY-MM-DD); the phase is the last
 * milestone reached ("development" before any); blockers come from the
 * store (the tracker's, and the series naming the release: postings.h),
 * late series from the mail in the store (list = NAME limits both to
 * one mailing list) and commits lacking a Release-Ack from the release
 * branch (branch = NAME, default HEAD) of its repository.
 */
#ifndef STEWARD_RELEASE_STATUS_H
#define STEWARD_RELEASE_STATUS_H

#include "common/config.h"
#include "common/error.h"
#include "common/store.h"
#include "release/plan.h"

#include <git2.h>
#include <jansson.h>
#include <time.h>

/*
 * The series to report when none is named: the first [release] whose
 * release date is still ahead at now, else the last one. Appends it to
 * out; ST_ENOTFOUND when there is no [release] section.
 */
int rel_status_default_series(struct st_buf *out, const struct st_config *c,
			      time_t now, struct st_error *err);

/*
 * The status of v at now as a JSON object: version, phase, dates,
 * next {milestone, date, days}, blockers (open, of the tracker),
 * series_blockers (open series naming v, as rel_posting_json),
 * late_series (series first posted after the last-posting day, as
 * rel_posting_json; null without a last-posting date), list (the
 * release's mailing list or null); when repo is not
 * NULL also unacked (commits since the code freeze without a
 * Release-Ack) and checks {ok, failed: [rule names]} (the release
 * rules on the branch, as check.h).
 * Caller owns *out. ST_EINVALID for a malformed date.
 */
int rel_status(json_t **out, const struct st_config *c, git_repository *repo,
	       struct st_store *store, const struct rel_version *v, time_t now,
	       struct st_error *err);

/* Print a status object made by rel_status for people. */
void rel_status_print(FILE *f, const json_t *status);

#endif
