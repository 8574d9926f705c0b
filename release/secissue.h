/*
 * secissue.h: the security team's embargoed issue tracker. Every change
 * is written to an append-only audit log (the store refuses to alter
 * it). Nothing here is ever published: the site and the API only show
 * advisories, and only after their public date.
 */
#ifndef STEWARD_RELEASE_SECISSUE_H
#define STEWARD_RELEASE_SECISSUE_H

#include "common/error.h"
#include "common/store.h"

#include <jansson.h>
#include <stdint.h>

/* Fields of an issue; NULL (or 0 / -1 for numbers) means "not given". */
struct rel_secissue_fields {
	const char *reporter;
	const char *summary;
	const char *affected;
	const char *cve;
	int64_t advisory;    /* 0: not given */
	int64_t public_date; /* -1: not given */
	const char *state;
};

/* True when state is one the tracker knows. */
bool rel_secissue_state_valid(const char *state);

/* Add an issue (reporter and summary required); *id gets its number. */
int rel_secissue_add(struct st_store *s, const struct rel_secissue_fields *f,
		     const char *actor, int64_t *id, struct st_error *err);

/* Change the given fields and/or add a note, auditing each change. */
int rel_secissue_update(struct st_store *s, int64_t id,
			const struct rel_secissue_fields *f, const char *note,
			const char *actor, struct st_error *err);

/* Issues as a JSON array (newest first); with id != 0, that one issue
 * with notes and audit log. Caller owns *out. */
int rel_secissue_query(struct st_store *s, int64_t id, json_t **out,
		       struct st_error *err);

#endif
