/*
 * blocker.c: the blockers table. See blocker.h.
 */
#include "blocker.h"

#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

int rel_blocker_add(struct st_store *s, const char *version, const char *title,
		    const char *link, const char *owner, time_t now,
		    int64_t *id, struct st_error *err)
{
	static const char sql[] =
		"INSERT INTO blockers (version, title, link, owner, created) "
		"VALUES (?, ?, ?, ?, ?)";
	sqlite3_stmt *st;
	int rc;

	if (!*title || strlen(title) > REL_BLOCKER_MAX_FIELD ||
	    (link && strlen(link) > REL_BLOCKER_MAX_FIELD) ||
	    (owner && strlen(owner) > REL_BLOCKER_MAX_FIELD))
		return st_error_set(err, ST_EINVALID,
				    "blocker title, link and owner must be "
				    "1 to %d bytes",
				    REL_BLOCKER_MAX_FIELD);
	st = st_store_stmt(s, sql, err);
	if (!st)
		return ST_ERROR;
	st_store_bind_text(st, 1, version);
	st_store_bind_text(st, 2, title);
	st_store_bind_text(st, 3, link);
	st_store_bind_text(st, 4, owner);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)now);
	rc = st_store_step_done(s, st, err);
	if (rc == 0)
		*id = sqlite3_last_insert_rowid(st_store_db(s));
	return rc;
}

int rel_blocker_close(struct st_store *s, const char *version, int64_t id,
		      const char *reason, time_t now, struct st_error *err)
{
	static const char get[] =
		"SELECT state FROM blockers WHERE id = ? AND version = ?";
	static const char upd[] = "UPDATE blockers SET state = 'closed', "
				  "closed = ?, reason = ? WHERE id = ?";
	sqlite3_stmt *st = st_store_stmt(s, get, err);
	bool open;
	int rc;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, id);
	st_store_bind_text(st, 2, version);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return st_error_set(err, ST_ENOTFOUND,
				    "no blocker %lld for '%s'", (long long)id,
				    version);
	if (rc != SQLITE_ROW)
		return st_store_check(s, rc, err);
	open = !strcmp((const char *)sqlite3_column_text(st, 0), "open");
	sqlite3_reset(st);
	if (!open)
		return st_error_set(err, ST_EINVALID,
				    "blocker %lld is closed already",
				    (long long)id);
	st = st_store_stmt(s, upd, err);
	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	st_store_bind_text(st, 2, reason);
	sqlite3_bind_int64(st, 3, id);
	return st_store_step_done(s, st, err);
}

int rel_blocker_list(struct rel_blocker_list *out, struct st_store *s,
		     const char *version, bool only_open, struct st_error *err)
{
	static const char sql[] =
		"SELECT id, version, title, link, owner, state, created, "
		"closed, reason FROM blockers WHERE version = ? "
		"AND (? = 0 OR state = 'open') ORDER BY id";
	sqlite3_stmt *st = st_store_stmt(s, sql, err);
	size_t alloc = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!st)
		return ST_ERROR;
	st_store_bind_text(st, 1, version);
	sqlite3_bind_int(st, 2, only_open);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct rel_blocker *b;

		if (out->n == alloc) {
			alloc = alloc ? 2 * alloc : 8;
			out->v = st_xreallocarray(out->v, alloc,
						  sizeof(*out->v));
		}
		b = &out->v[out->n++];
		memset(b, 0, sizeof(*b));
		b->id = sqlite3_column_int64(st, 0);
		b->version = st_store_column_dup(st, 1);
		b->title = st_store_column_dup(st, 2);
		b->link = st_store_column_dup(st, 3);
		b->owner = st_store_column_dup(st, 4);
		b->is_open = !strcmp((const char *)sqlite3_column_text(st, 5),
				     "open");
		b->created = (time_t)sqlite3_column_int64(st, 6);
		b->closed = (time_t)sqlite3_column_int64(st, 7);
		b->reason = st_store_column_dup(st, 8);
	}
	rc = st_store_check(s, rc, err);
	sqlite3_reset(st);
	return rc;
}

void rel_blocker_list_release(struct rel_blocker_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].version);
		free(l->v[i].title);
		free(l->v[i].link);
		free(l->v[i].owner);
		free(l->v[i].reason);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}
