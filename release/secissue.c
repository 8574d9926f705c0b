/* secissue.c: the embargoed issue tracker and its audit log. */
#include "release/secissue.h"

#include "common/json.h"
#include "common/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const states[] = {"reported",      "triaged",
				     "patch-ready",   "pre-disclosed",
				     "public",        "closed",
				     NULL};

bool rel_secissue_state_valid(const char *state)
{
	for (int i = 0; states[i]; i++)
		if (!strcmp(states[i], state))
			return true;
	return false;
}

static const char sql_add[] =
	"INSERT INTO security_issues(reporter, summary, affected, cve, "
	"advisory, public_date, state, created, updated) "
	"VALUES (?, ?, ?, ?, ?, ?, ifnull(?, 'reported'), ?, ?) RETURNING id";
static const char sql_audit[] =
	"INSERT INTO security_audit(issue_id, time, actor, field, old_value, "
	"new_value) VALUES (?, ?, ?, ?, ?, ?)";
static const char sql_note[] =
	"INSERT INTO security_notes(issue_id, author, time, text) "
	"VALUES (?, ?, ?, ?)";
static const char sql_get_field[] =
	"SELECT reporter, summary, affected, cve, advisory, public_date, state "
	"FROM security_issues WHERE id = ?";
/* One statement per field: column names cannot be bound. */
static const char *const sql_set[] = {
	"UPDATE security_issues SET reporter = ?2, updated = ?3 WHERE id = ?1",
	"UPDATE security_issues SET summary = ?2, updated = ?3 WHERE id = ?1",
	"UPDATE security_issues SET affected = ?2, updated = ?3 WHERE id = ?1",
	"UPDATE security_issues SET cve = ?2, updated = ?3 WHERE id = ?1",
	"UPDATE security_issues SET advisory = ?2, updated = ?3 WHERE id = ?1",
	"UPDATE security_issues SET public_date = ?2, updated = ?3 "
	"WHERE id = ?1",
	"UPDATE security_issues SET state = ?2, updated = ?3 WHERE id = ?1",
};
static const char *const field_names[] = {
	"reporter", "summary", "affected", "cve", "advisory", "public_date",
	"state"};

static int audit(struct st_store *s, int64_t id, const char *actor,
		 const char *field, const char *old, const char *new,
		 struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_audit, err);

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (int64_t)st_time_now());
	sqlite3_bind_text(st, 3, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, field, -1, SQLITE_STATIC);
	st_store_bind_text(st, 5, old);
	st_store_bind_text(st, 6, new);
	return st_store_step_done(s, st, err);
}

/* The fields of f as strings, in field_names order (NULL: not given). */
static void field_values(const struct rel_secissue_fields *f, char num[2][32],
			 const char *out[7])
{
	out[0] = f->reporter;
	out[1] = f->summary;
	out[2] = f->affected;
	out[3] = f->cve;
	out[4] = NULL;
	out[5] = NULL;
	if (f->advisory > 0) {
		snprintf(num[0], 32, "%lld", (long long)f->advisory);
		out[4] = num[0];
	}
	if (f->public_date >= 0) {
		snprintf(num[1], 32, "%lld", (long long)f->public_date);
		out[5] = num[1];
	}
	out[6] = f->state;
}

static int check_fields(const struct rel_secissue_fields *f,
			struct st_error *err)
{
	if (f->state && !rel_secissue_state_valid(f->state))
		return st_error_set(err, ST_EINVALID,
				    "unknown state '%s': use reported, "
				    "triaged, patch-ready, pre-disclosed, "
				    "public or closed",
				    f->state);
	return 0;
}

int rel_secissue_add(struct st_store *s, const struct rel_secissue_fields *f,
		     const char *actor, int64_t *id, struct st_error *err)
{
	sqlite3_stmt *st;
	char num[2][32];
	const char *vals[7];
	int64_t now = (int64_t)st_time_now();
	int rc;

	if (!f->reporter || !*f->reporter || !f->summary || !*f->summary)
		return st_error_set(err, ST_EINVALID,
				    "an issue needs a reporter and a summary");
	rc = check_fields(f, err);
	if (rc == 0)
		rc = st_store_begin(s, err);
	if (rc < 0)
		return rc;
	st = st_store_stmt(s, sql_add, err);
	if (!st) {
		rc = ST_ERROR;
		goto out;
	}
	sqlite3_bind_text(st, 1, f->reporter, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, f->summary, -1, SQLITE_STATIC);
	st_store_bind_text(st, 3, f->affected);
	st_store_bind_text(st, 4, f->cve);
	if (f->advisory > 0)
		sqlite3_bind_int64(st, 5, f->advisory);
	if (f->public_date >= 0)
		sqlite3_bind_int64(st, 6, f->public_date);
	st_store_bind_text(st, 7, f->state);
	sqlite3_bind_int64(st, 8, now);
	sqlite3_bind_int64(st, 9, now);
	*id = 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	else
		rc = st_store_check(s, sqlite3_errcode(st_store_db(s)), err);
	sqlite3_reset(st);
	field_values(f, num, vals);
	for (int i = 0; i < 7 && rc == 0; i++)
		if (vals[i])
			rc = audit(s, *id, actor, field_names[i], NULL, vals[i],
				   err);
out:
	if (rc == 0)
		rc = st_store_commit(s, err);
	if (rc < 0)
		st_store_rollback(s);
	return rc;
}

int rel_secissue_update(struct st_store *s, int64_t id,
			const struct rel_secissue_fields *f, const char *note,
			const char *actor, struct st_error *err)
{
	sqlite3_stmt *st;
	char num[2][32], *old[7] = {0};
	const char *vals[7];
	bool found;
	int rc = check_fields(f, err);

	if (rc == 0)
		rc = st_store_begin(s, err);
	if (rc < 0)
		return rc;
	st = st_store_stmt(s, sql_get_field, err);
	if (!st) {
		rc = ST_ERROR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	found = sqlite3_step(st) == SQLITE_ROW;
	for (int i = 0; found && i < 7; i++)
		old[i] = st_store_column_dup(st, i);
	sqlite3_reset(st);
	if (!found) {
		rc = st_error_set(err, ST_ENOTFOUND, "no security issue %lld",
				  (long long)id);
		goto out;
	}
	field_values(f, num, vals);
	for (int i = 0; i < 7 && rc == 0; i++) {
		if (!vals[i] || (old[i] && !strcmp(old[i], vals[i])))
			continue;
		st = st_store_stmt(s, sql_set[i], err);
		if (!st) {
			rc = ST_ERROR;
			break;
		}
		sqlite3_bind_int64(st, 1, id);
		if (i == 4 || i == 5)
			sqlite3_bind_int64(st, 2, i == 4 ? f->advisory
							 : f->public_date);
		else
			sqlite3_bind_text(st, 2, vals[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, (int64_t)st_time_now());
		rc = st_store_step_done(s, st, err);
		if (rc == 0)
			rc = audit(s, id, actor, field_names[i], old[i],
				   vals[i], err);
	}
	if (rc == 0 && note && *note) {
		st = st_store_stmt(s, sql_note, err);
		if (!st) {
			rc = ST_ERROR;
			goto out;
		}
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, actor, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, (int64_t)st_time_now());
		sqlite3_bind_text(st, 4, note, -1, SQLITE_STATIC);
		rc = st_store_step_done(s, st, err);
		if (rc == 0)
			rc = audit(s, id, actor, "note", NULL, note, err);
	}
out:
	for (int i = 0; i < 7; i++)
		free(old[i]);
	if (rc == 0)
		rc = st_store_commit(s, err);
	if (rc < 0)
		st_store_rollback(s);
	return rc;
}

static const char sql_list[] =
	"SELECT id, reporter, summary, affected, cve, advisory, public_date, "
	"state, created, updated FROM security_issues "
	"WHERE (?1 = 0 OR id = ?1) ORDER BY id DESC";
static const char sql_notes[] =
	"SELECT author, time, text FROM security_notes WHERE issue_id = ? "
	"ORDER BY id";
static const char sql_audit_of[] =
	"SELECT time, actor, field, old_value, new_value FROM security_audit "
	"WHERE issue_id = ? ORDER BY id";

static json_t *col(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_INTEGER)
		return json_integer(sqlite3_column_int64(st, i));
	return st_json_str((const char *)sqlite3_column_text(st, i));
}

static int rows(struct st_store *s, const char *sql, int64_t id,
		const char *const *names, int n, json_t *out,
		struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql, err);
	int r;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, id);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *o = json_object();

		for (int i = 0; i < n; i++)
			json_object_set_new(o, names[i], col(st, i));
		json_array_append_new(out, o);
	}
	sqlite3_reset(st);
	return st_store_check(s, r, err);
}

int rel_secissue_query(struct st_store *s, int64_t id, json_t **out,
		       struct st_error *err)
{
	static const char *const issue[] = {
		"id",       "reporter",    "summary", "affected", "cve",
		"advisory", "public_date", "state",   "created",  "updated"};
	static const char *const note[] = {"author", "time", "text"};
	static const char *const log[] = {"time", "actor", "field", "old",
					  "new"};
	json_t *arr = json_array(), *o;
	int rc = rows(s, sql_list, id, issue, 10, arr, err);

	*out = NULL;
	if (rc == 0 && id) {
		if (!json_array_size(arr)) {
			rc = st_error_set(err, ST_ENOTFOUND,
					  "no security issue %lld",
					  (long long)id);
		} else {
			o = json_array_get(arr, 0);
			json_object_set_new(o, "notes", json_array());
			json_object_set_new(o, "audit", json_array());
			rc = rows(s, sql_notes, id, note, 3,
				  json_object_get(o, "notes"), err);
			if (rc == 0)
				rc = rows(s, sql_audit_of, id, log, 5,
					  json_object_get(o, "audit"), err);
		}
	}
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = id ? json_incref(json_array_get(arr, 0)) : json_incref(arr);
	json_decref(arr);
	return 0;
}
