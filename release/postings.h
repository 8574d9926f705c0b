/*
 * postings.h: the patch series of the store (table series, filled by
 * `steward ingest`) as a release sees them: those posted after its last
 * posting date, and those whose subject names it ("[PATCH for-4.20]"),
 * which count as release blockers until they have landed.
 *
 * Only the newest version of a series is reported (superseded ones are
 * left out); its first-posted date is that of the earliest version it
 * supersedes, so a v3 of a series first posted before the deadline is
 * not late. When [release "X.Y"] gives list = NAME, only series of that
 * mailing list are read; otherwise series of every list.
 */
#ifndef STEWARD_RELEASE_POSTINGS_H
#define STEWARD_RELEASE_POSTINGS_H

#include "common/config.h"
#include "common/error.h"
#include "common/store.h"
#include "release/plan.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct rel_posting {
	int64_t id;	/* series id (`steward series show ID`) */
	char *subject;	/* as posted: the cover's, else the first patch's */
	char *author;	/* "Name <email>" or the address alone */
	char *list;	/* may be NULL */
	char *prefixes; /* bracket tags but PATCH, space-separated; may be
			   NULL */
	char *state;	/* the series state */
	int64_t version;
	time_t first_posted; /* earliest version's date */
	int64_t patches;     /* patches received */
	int64_t landed;	     /* of them: accepted or found on a branch */
	int64_t decided;     /* of them: rejected, not-applicable or
				superseded */
	bool is_open;	     /* a blocker still: see rel_postings_blockers */
};

struct rel_postings {
	struct rel_posting *v;
	size_t n;
};

/*
 * The newest version of every series first posted after `after` (the
 * end of that day is the caller's choice), on list (NULL: any list),
 * oldest first. Caller releases out.
 */
int rel_postings_after(struct rel_postings *out, struct st_store *s,
		       const char *list, time_t after, struct st_error *err);

/*
 * The series naming release v in a bracket tag of their subject,
 * compared case-insensitively: for-X.Y.Z and X.Y.Z, and for a .0
 * release also for-X.Y and X.Y. A series is open (a blocker) until it
 * has at least one patch and every patch has landed (state accepted, or
 * matched to a commit by `steward trees sync`) or was decided otherwise
 * (rejected, not-applicable, superseded). only_open leaves the others
 * out. list as rel_postings_after. Caller releases out.
 */
int rel_postings_blockers(struct rel_postings *out, struct st_store *s,
			  const char *list, const struct rel_version *v,
			  bool only_open, struct st_error *err);

/* The mailing list of the release (release.X.Y.list), or NULL. Caller
 * frees. */
char *rel_postings_list(const struct st_config *c, const struct rel_version *v);

/* True when a space-separated tag of prefixes names release v. */
bool rel_postings_names_release(const char *prefixes,
				const struct rel_version *v);

/* One posting as a JSON object: series, subject, author, list, date
 * (YYYY-MM-DD of first_posted), version, state, patches, landed, open.
 * Caller owns. */
json_t *rel_posting_json(const struct rel_posting *p);

void rel_postings_release(struct rel_postings *l);

#endif
