/*
 * series.c: patches into series, series into versions, and series read
 * back as JSON. Runs inside ingest's transaction; see series.h for the
 * rules.
 */
#include "review-dash/series.h"

#include "common/buf.h"
#include "common/json.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* At most this many References are tried when looking for a series. */
#define MAX_REF_TRIES 32

struct series_row {
	int64_t id;
	int64_t cover_id;
	int version;
	int total;
};

static const char sql_series_by_cover_msgid[] =
	"SELECT s.id, ifnull(s.cover_id, 0), s.version, s.total FROM series s "
	"JOIN messages m ON m.id = s.cover_id WHERE m.msgid = ?";
static const char sql_series_by_patch_msgid[] =
	"SELECT s.id, ifnull(s.cover_id, 0), s.version, s.total FROM series s "
	"JOIN patches p ON p.series_id = s.id "
	"JOIN messages m ON m.id = p.message_id WHERE m.msgid = ?";
static const char sql_slot_taken[] =
	"SELECT 1 FROM patches WHERE series_id = ? AND number = ?";
/* Coverless series whose patches answer this (late) cover letter. */
static const char sql_series_waiting_for[] =
	"SELECT p.series_id FROM messages pm "
	"JOIN patches p ON p.message_id = pm.id "
	"JOIN series s ON s.id = p.series_id "
	"WHERE pm.in_reply_to = ?1 AND s.cover_id IS NULL "
	"UNION SELECT p.series_id FROM message_refs r "
	"JOIN patches p ON p.message_id = r.message_id "
	"JOIN series s ON s.id = p.series_id "
	"WHERE r.ref = ?1 AND s.cover_id IS NULL LIMIT 1";
static const char sql_series_window[] =
	"SELECT id, ifnull(cover_id, 0) FROM series "
	"WHERE submitter_id IS ?1 AND version = ?2 AND total = ?3 "
	"AND complete = 0 AND date BETWEEN ?4 - ?5 AND ?4 + ?5 "
	"AND ifnull(list_id, 0) = ?6 AND NOT EXISTS (SELECT 1 FROM patches "
	"WHERE series_id = series.id AND number = ?7) "
	"ORDER BY abs(date - ?4), id LIMIT 8";
static const char sql_same_parent[] =
	"SELECT 1 FROM patches p JOIN messages m ON m.id = p.message_id "
	"WHERE p.series_id = ?1 AND m.in_reply_to IS ?2 LIMIT 1";
static const char sql_series_add[] =
	"INSERT INTO series(list_id, submitter_id, cover_id, name, norm_name, "
	"version, total, received, date, last_activity, complete, prefixes) "
	"VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 0, ?) RETURNING id";
static const char sql_series_set_cover[] =
	"UPDATE series SET cover_id = ?2, name = ?3, norm_name = ?4, "
	"version = ?5, total = ?6, prefixes = ?7, date = min(date, ?8), "
	"last_activity = max(last_activity, ?8) WHERE id = ?1";
static const char sql_series_set_name[] =
	"UPDATE series SET name = ?2, norm_name = ?3 WHERE id = ?1 "
	"AND cover_id IS NULL";
/* Slots are never filled twice (see find_series_for), so counting up
 * counts distinct patch numbers. The date is set apart, and only when
 * it moves: five indexes hold it. */
static const char sql_series_count[] =
	"UPDATE series SET received = received + 1, "
	"complete = received + 1 >= total, "
	"last_activity = max(last_activity, ?2) WHERE id = ?1";
static const char sql_series_earlier[] =
	"UPDATE series SET date = ?2 WHERE id = ?1 AND date > ?2";
static const char sql_series_info[] =
	"SELECT submitter_id, norm_name, version, date, supersedes_id, "
	"ifnull(cover_id, 0) FROM series WHERE id = ?";
/* "+version": the name narrows far more than the version, and without
 * the + SQLite would pick the window index and scan the submitter. */
static const char sql_prev_by_name[] =
	"SELECT id FROM series WHERE submitter_id IS ?1 AND norm_name = ?2 "
	"AND id <> ?3 AND superseded_by_id IS NULL AND date <= ?4 "
	"AND (+version < ?5 OR (+version = ?5 AND date < ?4 - ?6)) "
	"ORDER BY version DESC, date DESC, id DESC LIMIT 1";
static const char sql_series_of_msg[] =
	"SELECT id, superseded_by_id, date, version FROM series "
	"WHERE cover_id = (SELECT id FROM messages WHERE msgid = ?1) "
	"UNION ALL SELECT s.id, s.superseded_by_id, s.date, s.version "
	"FROM series s JOIN patches p ON p.series_id = s.id "
	"JOIN messages m ON m.id = p.message_id WHERE m.msgid = ?1 LIMIT 1";
/* A series already found committed stays 'accepted': a later posting
 * under its name does not undo that (nor does the order in which mail
 * and commits arrive change the outcome). */
static const char sql_link[] =
	"UPDATE series SET superseded_by_id = ?2, state = CASE state "
	"WHEN 'accepted' THEN 'accepted' ELSE 'superseded' END WHERE id = ?1";
static const char sql_link_back[] =
	"UPDATE series SET supersedes_id = ?1 WHERE id = ?2";
static const char sql_patches_superseded[] =
	"UPDATE patches SET state = 'superseded' WHERE series_id = ? AND state "
	"IN ('new', 'under-review', 'rfc', 'changes-requested')";
static const char sql_of_message[] =
	"SELECT id FROM series WHERE cover_id = ?1 "
	"UNION ALL SELECT series_id FROM patches WHERE message_id = ?1 "
	"AND series_id IS NOT NULL LIMIT 1";

static bool get_series(struct st_store *s, const char *sql, const char *msgid,
		       struct series_row *out, struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql, err);
	bool found = false;

	if (!st)
		return false;
	sqlite3_bind_text(st, 1, msgid, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->cover_id = sqlite3_column_int64(st, 1);
		out->version = sqlite3_column_int(st, 2);
		out->total = sqlite3_column_int(st, 3);
		found = true;
	}
	sqlite3_reset(st);
	return found;
}

static bool slot_taken(struct st_store *s, int64_t series, int number,
		       struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_slot_taken, err);
	bool taken;

	if (!st)
		return true;
	sqlite3_bind_int64(st, 1, series);
	sqlite3_bind_int(st, 2, number);
	taken = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return taken;
}

/* The bracket tags worth showing: all but PATCH itself. */
static char *prefixes_of(const struct rd_subject *subj)
{
	struct st_buf b = ST_BUF_INIT;

	for (size_t i = 0; i < subj->nprefixes; i++) {
		if (!strcmp(subj->prefixes[i], "PATCH"))
			continue;
		if (b.len)
			st_buf_addch(&b, ' ');
		st_buf_addstr(&b, subj->prefixes[i]);
	}
	return b.len ? st_buf_detach(&b, NULL) : NULL;
}

static int create_series(struct st_store *s, int64_t list_id, int64_t author,
			 const struct rd_message *m, int64_t cover_row,
			 int total, int64_t *out, struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_series_add, err);
	char *prefixes = prefixes_of(&m->subj);
	int rc = 0, r;

	*out = 0;
	if (!st) {
		free(prefixes);
		return ST_ERROR;
	}
	if (list_id)
		sqlite3_bind_int64(st, 1, list_id);
	if (author)
		sqlite3_bind_int64(st, 2, author);
	if (cover_row)
		sqlite3_bind_int64(st, 3, cover_row);
	sqlite3_bind_text(st, 4, m->subj.name ? m->subj.name : "", -1,
			  SQLITE_STATIC);
	sqlite3_bind_text(st, 5, m->subj.norm_name ? m->subj.norm_name : "",
			  -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, m->subj.version > 0 ? m->subj.version : 1);
	sqlite3_bind_int(st, 7, total);
	sqlite3_bind_int64(st, 8, m->date);
	sqlite3_bind_int64(st, 9, m->date);
	st_store_bind_text(st, 10, prefixes);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else
		rc = st_store_check(s, r, err);
	sqlite3_reset(st);
	free(prefixes);
	return rc;
}

static int link(struct st_store *s, int64_t prev, int64_t next,
		struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_link, err);
	int rc;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, prev);
	sqlite3_bind_int64(st, 2, next);
	rc = st_store_step_done(s, st, err);
	if (rc < 0)
		return rc;
	st = st_store_stmt(s, sql_link_back, err);
	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, prev);
	sqlite3_bind_int64(st, 2, next);
	rc = st_store_step_done(s, st, err);
	if (rc < 0)
		return rc;
	st = st_store_stmt(s, sql_patches_superseded, err);
	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, prev);
	return st_store_step_done(s, st, err);
}

/*
 * Find and link the version that series id follows: first the series
 * owning a message that m (its cover or first patch) answers, else the
 * newest earlier series from the same submitter under the same name.
 */
static int link_versions(struct st_store *s, int64_t id,
			 const struct rd_message *m, struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_series_info, err);
	int64_t submitter = 0, date = 0, prev = 0;
	bool has_prev = false, has_submitter;
	char *norm = NULL;
	int version = 1, rc = 0;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		has_submitter = sqlite3_column_type(st, 0) != SQLITE_NULL;
		submitter = sqlite3_column_int64(st, 0);
		norm = st_store_column_dup(st, 1);
		version = sqlite3_column_int(st, 2);
		date = sqlite3_column_int64(st, 3);
		has_prev = sqlite3_column_type(st, 4) != SQLITE_NULL;
	} else {
		has_submitter = false;
	}
	sqlite3_reset(st);
	if (has_prev || !norm)
		goto out;
	/* Threaded to an earlier version: In-Reply-To, then References. */
	for (size_t i = 0; !prev && i <= m->nreferences && i < MAX_REF_TRIES;
	     i++) {
		const char *ref = i == 0 ? m->in_reply_to
					 : m->references[m->nreferences - i];

		if (!ref)
			continue;
		st = st_store_stmt(s, sql_series_of_msg, err);
		if (!st) {
			rc = ST_ERROR;
			goto out;
		}
		sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_int64(st, 0) != id &&
		    sqlite3_column_type(st, 1) == SQLITE_NULL &&
		    sqlite3_column_int64(st, 2) <= date &&
		    sqlite3_column_int(st, 3) <= version)
			prev = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	if (!prev && *norm) {
		st = st_store_stmt(s, sql_prev_by_name, err);
		if (!st) {
			rc = ST_ERROR;
			goto out;
		}
		if (has_submitter)
			sqlite3_bind_int64(st, 1, submitter);
		sqlite3_bind_text(st, 2, norm, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, id);
		sqlite3_bind_int64(st, 4, date);
		sqlite3_bind_int(st, 5, version);
		sqlite3_bind_int64(st, 6, RD_SERIES_WINDOW);
		if (sqlite3_step(st) == SQLITE_ROW)
			prev = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	if (prev)
		rc = link(s, prev, id, err);
out:
	free(norm);
	return rc;
}

static int place_cover(struct st_store *s, int64_t list_id, int64_t author,
		       const struct rd_message *m, int64_t msg_row,
		       struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_series_waiting_for, err);
	int64_t id = 0;
	int rc;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_text(st, 1, m->message_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (id) {
		char *prefixes = prefixes_of(&m->subj);

		/* Patches came first: the cover now names their series. */
		st = st_store_stmt(s, sql_series_set_cover, err);
		if (!st) {
			free(prefixes);
			return ST_ERROR;
		}
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, msg_row);
		sqlite3_bind_text(st, 3, m->subj.name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, m->subj.norm_name, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 5, m->subj.version);
		sqlite3_bind_int(st, 6, m->subj.total);
		st_store_bind_text(st, 7, prefixes);
		sqlite3_bind_int64(st, 8, m->date);
		rc = st_store_step_done(s, st, err);
		free(prefixes);
	} else {
		rc = create_series(s, list_id, author, m, msg_row,
				   m->subj.total, &id, err);
	}
	if (rc == 0)
		rc = link_versions(s, id, m, err);
	return rc;
}

/* Whether a patch can join coverless-or-not series id found only by
 * submitter, version and total: it must not belong to another thread. */
static bool thread_compatible(struct st_store *s, int64_t id, int64_t cover,
			      const struct rd_message *m, struct st_error *err)
{
	sqlite3_stmt *st;
	bool ok;

	if (!m->in_reply_to)
		return true;
	if (cover)
		return false; /* its cover would have been found by thread */
	st = st_store_stmt(s, sql_same_parent, err);
	if (!st)
		return false;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, m->in_reply_to, -1, SQLITE_STATIC);
	ok = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return ok;
}

/* The series a numbered patch belongs to, by thread then by window. */
static int64_t find_series_for(struct st_store *s, int64_t list_id,
			       int64_t author, const struct rd_message *m,
			       struct st_error *err)
{
	int version = m->subj.version > 0 ? m->subj.version : 1;
	struct series_row row;
	sqlite3_stmt *st;
	int64_t ids[8], covers[8];
	size_t n = 0;

	for (size_t i = 0; i <= m->nreferences && i < MAX_REF_TRIES; i++) {
		const char *ref = i == 0 ? m->in_reply_to
					 : m->references[m->nreferences - i];

		if (!ref)
			continue;
		if ((get_series(s, sql_series_by_cover_msgid, ref, &row, err) ||
		     get_series(s, sql_series_by_patch_msgid, ref, &row,
				err)) &&
		    row.version == version && row.total == m->subj.total &&
		    !slot_taken(s, row.id, m->subj.number, err))
			return row.id;
	}
	st = st_store_stmt(s, sql_series_window, err);
	if (!st)
		return 0;
	if (author)
		sqlite3_bind_int64(st, 1, author);
	sqlite3_bind_int(st, 2, version);
	sqlite3_bind_int(st, 3, m->subj.total);
	sqlite3_bind_int64(st, 4, m->date);
	sqlite3_bind_int64(st, 5, RD_SERIES_WINDOW);
	sqlite3_bind_int64(st, 6, list_id);
	sqlite3_bind_int(st, 7, m->subj.number);
	while (n < 8 && sqlite3_step(st) == SQLITE_ROW) {
		ids[n] = sqlite3_column_int64(st, 0);
		covers[n++] = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	for (size_t i = 0; i < n; i++)
		if (thread_compatible(s, ids[i], covers[i], m, err))
			return ids[i];
	return 0;
}

int rd_series_for_patch(struct st_store *s, int64_t list_id,
			int64_t author_id, const struct rd_message *m,
			int64_t *id, bool *created, struct st_error *err)
{
	bool numbered = m->subj.total > 1 && m->subj.number >= 1 &&
			m->subj.number <= m->subj.total;
	sqlite3_stmt *st;
	int rc = 0;

	*id = 0;
	*created = false;
	if (numbered)
		*id = find_series_for(s, list_id, author_id, m, err);
	if (!*id) {
		*created = true;
		return create_series(s, list_id, author_id, m, 0,
				     numbered ? m->subj.total : 1, id, err);
	}
	if (m->subj.number == 1) {
		/* Without a cover, a series is named after its first patch. */
		st = st_store_stmt(s, sql_series_set_name, err);
		if (!st)
			return ST_ERROR;
		sqlite3_bind_int64(st, 1, *id);
		sqlite3_bind_text(st, 2, m->subj.name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, m->subj.norm_name, -1, SQLITE_STATIC);
		rc = st_store_step_done(s, st, err);
	}
	return rc;
}

int rd_series_add_patch(struct st_store *s, int64_t id, bool created,
			const struct rd_message *m, struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_series_count, err);
	int rc;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, m->date);
	rc = st_store_step_done(s, st, err);
	if (rc < 0)
		return rc;
	st = st_store_stmt(s, sql_series_earlier, err);
	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, m->date);
	rc = st_store_step_done(s, st, err);
	if (rc == 0 && (created || m->subj.number == 1))
		rc = link_versions(s, id, m, err);
	return rc;
}

int rd_series_place_cover(struct st_store *s, int64_t list_id,
			  int64_t author_id, const struct rd_message *m,
			  int64_t msg_row, struct st_error *err)
{
	return place_cover(s, list_id, author_id, m, msg_row, err);
}

int64_t rd_series_of_message(struct st_store *s, int64_t msg_row)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_of_message, NULL);
	int64_t id = 0;

	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, msg_row);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return id;
}

/* Reading series back as JSON. */

static const char sql_list[] =
	"SELECT s.id, s.name, s.version, s.total, s.received, s.complete, "
	"s.date, s.state, cm.msgid, s.supersedes_id, s.superseded_by_id, "
	"pe.name, pe.email, s.prefixes, l.name FROM series s "
	"LEFT JOIN messages cm ON cm.id = s.cover_id "
	"LEFT JOIN people pe ON pe.id = s.submitter_id "
	"LEFT JOIN lists l ON l.id = s.list_id "
	"WHERE (?1 IS NULL OR l.name = ?1) AND (?2 = 0 OR s.id = ?2) "
	"ORDER BY s.date DESC, s.id DESC LIMIT ?3";
static const char sql_patches[] =
	"SELECT p.id, p.number, p.name, m.msgid, p.state, p.git_patch_id, "
	"p.date, p.commit_ref, p.pull_url FROM patches p "
	"JOIN messages m ON m.id = p.message_id "
	"WHERE p.series_id = ? ORDER BY p.number, p.id";
/* A patch's trailers, with those given to the whole series through its
 * cover letter rolled up. */
static const char sql_trailers[] =
	"SELECT t.kind, pe.name, pe.email, t.value, t.area, gm.msgid, "
	"t.patch_id IS NULL FROM trailers t "
	"LEFT JOIN people pe ON pe.id = t.person_id "
	"JOIN messages gm ON gm.id = t.message_id "
	"WHERE t.patch_id = ?1 OR (t.patch_id IS NULL AND t.series_id = ?2) "
	"ORDER BY t.id";

static json_t *col_str(sqlite3_stmt *st, int i)
{
	return st_json_str((const char *)sqlite3_column_text(st, i));
}

static json_t *col_int_or_null(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return json_null();
	return json_integer(sqlite3_column_int64(st, i));
}

static int add_trailers_json(struct st_store *s, json_t *patch,
			     int64_t patch_row, int64_t series_row,
			     struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_trailers, err);
	json_t *arr = json_array();
	int r;

	if (!st) {
		json_decref(arr);
		return ST_ERROR;
	}
	sqlite3_bind_int64(st, 1, patch_row);
	sqlite3_bind_int64(st, 2, series_row);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *t = json_object();

		json_object_set_new(t, "kind", col_str(st, 0));
		json_object_set_new(t, "name", col_str(st, 1));
		json_object_set_new(t, "email", col_str(st, 2));
		json_object_set_new(t, "value", col_str(st, 3));
		json_object_set_new(t, "area", col_str(st, 4));
		json_object_set_new(t, "message_id", col_str(st, 5));
		json_object_set_new(t, "from_cover",
				    json_boolean(sqlite3_column_int(st, 6)));
		json_array_append_new(arr, t);
	}
	sqlite3_reset(st);
	json_object_set_new(patch, "trailers", arr);
	return st_store_check(s, r, err);
}

static int add_patches_json(struct st_store *s, json_t *series,
			    int64_t series_row, struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_patches, err);
	json_t *arr = json_array();
	int64_t *ids = NULL;
	size_t n = 0;
	int r, rc = 0;

	json_object_set_new(series, "patches", arr);
	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, series_row);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *p = json_object();

		json_object_set_new(p, "id", json_integer(
						     sqlite3_column_int64(st, 0)));
		json_object_set_new(p, "number",
				    json_integer(sqlite3_column_int(st, 1)));
		json_object_set_new(p, "name", col_str(st, 2));
		json_object_set_new(p, "message_id", col_str(st, 3));
		json_object_set_new(p, "state", col_str(st, 4));
		json_object_set_new(p, "patch_id", col_str(st, 5));
		json_object_set_new(p, "date", col_int_or_null(st, 6));
		json_object_set_new(p, "commit_ref", col_str(st, 7));
		json_object_set_new(p, "pull_url", col_str(st, 8));
		json_array_append_new(arr, p);
		ids = st_xreallocarray(ids, n + 1, sizeof(*ids));
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	rc = st_store_check(s, r, err);
	/* The statement is reused per patch: read all rows first. */
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = add_trailers_json(s, json_array_get(arr, i), ids[i],
				       series_row, err);
	free(ids);
	return rc;
}

static int query_series(struct st_store *s, const char *list, int64_t id,
			int64_t limit, json_t **out, struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_list, err);
	json_t *arr = json_array();
	int r, rc;

	*out = NULL;
	if (!st) {
		json_decref(arr);
		return ST_ERROR;
	}
	st_store_bind_text(st, 1, list);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int64(st, 3, limit > 0 ? limit : -1);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *o = json_object();

		json_object_set_new(o, "id", json_integer(
						     sqlite3_column_int64(st, 0)));
		json_object_set_new(o, "name", col_str(st, 1));
		json_object_set_new(o, "version",
				    json_integer(sqlite3_column_int(st, 2)));
		json_object_set_new(o, "total",
				    json_integer(sqlite3_column_int(st, 3)));
		json_object_set_new(o, "received",
				    json_integer(sqlite3_column_int(st, 4)));
		json_object_set_new(o, "complete",
				    json_boolean(sqlite3_column_int(st, 5)));
		json_object_set_new(o, "date", col_int_or_null(st, 6));
		json_object_set_new(o, "state", col_str(st, 7));
		json_object_set_new(o, "cover", col_str(st, 8));
		json_object_set_new(o, "supersedes", col_int_or_null(st, 9));
		json_object_set_new(o, "superseded_by",
				    col_int_or_null(st, 10));
		json_object_set_new(o, "submitter_name", col_str(st, 11));
		json_object_set_new(o, "submitter", col_str(st, 12));
		json_object_set_new(o, "prefixes", col_str(st, 13));
		json_object_set_new(o, "list", col_str(st, 14));
		json_array_append_new(arr, o);
	}
	sqlite3_reset(st);
	rc = st_store_check(s, r, err);
	for (size_t i = 0; rc == 0 && i < json_array_size(arr); i++) {
		json_t *o = json_array_get(arr, i);

		rc = add_patches_json(
			s, o, json_integer_value(json_object_get(o, "id")),
			err);
	}
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return 0;
}

int rd_series_list(struct st_store *s, const char *list, int64_t limit,
		   json_t **out, struct st_error *err)
{
	return query_series(s, list, 0, limit, out, err);
}

int rd_series_show(struct st_store *s, int64_t id, json_t **out,
		   struct st_error *err)
{
	json_t *arr = NULL;
	int rc = query_series(s, NULL, id, 1, &arr, err);

	*out = NULL;
	if (rc < 0)
		return rc;
	if (json_array_size(arr) == 0) {
		json_decref(arr);
		return st_error_set(err, ST_ENOTFOUND, "no series %lld",
				    (long long)id);
	}
	*out = json_incref(json_array_get(arr, 0));
	json_decref(arr);
	return 0;
}
