/*
 * blocker.h: release blockers kept in the store (table blockers): what
 * holds a release back, with a link, an owner and an open/closed state.
 */
#ifndef STEWARD_RELEASE_BLOCKER_H
#define STEWARD_RELEASE_BLOCKER_H

#include "common/error.h"
#include "common/store.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct rel_blocker {
	int64_t id;
	char *version;
	char *title;
	char *link;  /* may be NULL */
	char *owner; /* may be NULL */
	bool is_open;
	time_t created;
	time_t closed; /* 0 while open */
	char *reason;  /* may be NULL */
};

struct rel_blocker_list {
	struct rel_blocker *v;
	size_t n;
};

/* The longest title, link or owner accepted. */
#define REL_BLOCKER_MAX_FIELD 1000

/* Add an open blocker created at now; *id gets its id. ST_EINVALID for
 * an empty title or a field over REL_BLOCKER_MAX_FIELD bytes. */
int rel_blocker_add(struct st_store *s, const char *version, const char *title,
		    const char *link, const char *owner, time_t now,
		    int64_t *id, struct st_error *err);

/* Close blocker id of version at now. ST_ENOTFOUND when there is no such
 * blocker, ST_EINVALID when it is closed already. */
int rel_blocker_close(struct st_store *s, const char *version, int64_t id,
		      const char *reason, time_t now, struct st_error *err);

/* The blockers of version (all, or only open ones) in id order. Caller
 * releases out with rel_blocker_list_release. */
int rel_blocker_list(struct rel_blocker_list *out, struct st_store *s,
		     const char *version, bool only_open, struct st_error *err);
void rel_blocker_list_release(struct rel_blocker_list *l);

#endif
