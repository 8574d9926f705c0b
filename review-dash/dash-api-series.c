/*
 * dash-api-series.c: the REST API's series and covers (see dash-api.c
 * for the conventions).
 */
#include "common/html.h"
#include "common/json.h"
#include "common/util.h"
#include "common/xalloc.h"
#include "dash-api-priv.h"
#include "dash-priv.h"

#include <stdlib.h>
#include <string.h>

#define SERIES_COLS                                                            \
	"SELECT s.id, s.name, s.date, s.version, s.total, s.received,"         \
	" ifnull(pe.id, 0), ifnull(pe.name, ''), ifnull(pe.email, ''),"        \
	" ifnull(l.id, 0), ifnull(l.name, ''), ifnull(l.address, ''),"         \
	" ifnull(s.cover_id, 0), ifnull(cm.msgid, ''),"                        \
	" ifnull(cm.date, 0), ifnull(cm.subject, '')"                          \
	" FROM series s LEFT JOIN people pe ON pe.id = s.submitter_id"         \
	" LEFT JOIN lists l ON l.id = s.list_id"                               \
	" LEFT JOIN messages cm ON cm.id = s.cover_id"
#define SERIES_WHERE                                                           \
	" WHERE (?1 IS NULL OR l.name = ?1 OR CAST(l.id AS TEXT) = ?1)"        \
	" AND (?2 IS NULL OR pe.email = ?2 OR CAST(pe.id AS TEXT) = ?2)"       \
	" AND (?3 IS NULL OR instr(lower(s.name), lower(?3)) > 0)"             \
	" AND (?4 IS NULL OR s.id = ?4)"
#define SERIES_LIST(order)                                                     \
	SERIES_COLS SERIES_WHERE " ORDER BY " order " LIMIT ?5 OFFSET ?6"

static const char sql_s_id[] = SERIES_LIST("s.id");
static const char sql_s_id_d[] = SERIES_LIST("s.id DESC");
static const char sql_s_date[] = SERIES_LIST("s.date, s.id");
static const char sql_s_date_d[] = SERIES_LIST("s.date DESC, s.id DESC");
static const char sql_s_count[] =
	"SELECT count(*) FROM series s"
	" LEFT JOIN people pe ON pe.id = s.submitter_id"
	" LEFT JOIN lists l ON l.id = s.list_id" SERIES_WHERE;

static const struct {
	const char *name;
	const char *sql;
} series_orders[] = {
	{"id", sql_s_id},	 {"-id", sql_s_id_d}, {"date", sql_s_date},
	{"-date", sql_s_date_d}, {NULL, NULL},
};

static json_t *cover_ref(const char *base, sqlite3_stmt *st)
{
	json_t *o = json_object();
	int64_t cid = sqlite3_column_int64(st, 12);

	st_json_set_int(o, "id", cid);
	json_object_set_new(o, "url",
			    rd_api_jurl(base, API "/covers/%lld/", cid));
	json_object_set_new(o, "web_url",
			    rd_api_jurl(base, "/series/%lld/",
					sqlite3_column_int64(st, 0)));
	json_object_set_new(o, "msgid", rd_api_jmsgid(rd_col(st, 13)));
	json_object_set_new(o, "list_archive_url", json_null());
	json_object_set_new(o, "date",
			    rd_api_jdate(sqlite3_column_int64(st, 14)));
	st_json_set_str(o, "name", rd_col(st, 15));
	json_object_set_new(o, "mbox",
			    rd_api_jurl(base, "/series/%lld/mbox/",
					sqlite3_column_int64(st, 0)));
	return o;
}

static int series_patches(struct st_store *s, const char *base, int64_t series,
			  const char *list, json_t *arr, struct st_error *err)
{
	static const char sql[] =
		"SELECT p.id, m.msgid, p.date, p.name FROM patches p"
		" JOIN messages m ON m.id = p.message_id"
		" WHERE p.series_id = ? ORDER BY p.number, p.id";
	sqlite3_stmt *st = st_store_stmt(s, sql, err);
	int rc;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, series);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *o = json_object();
		int64_t id = sqlite3_column_int64(st, 0);

		st_json_set_int(o, "id", id);
		json_object_set_new(
			o, "url", rd_api_jurl(base, API "/patches/%lld/", id));
		json_object_set_new(o, "web_url",
				    rd_api_jurl(base, "/patch/%lld/", id));
		json_object_set_new(o, "msgid", rd_api_jmsgid(rd_col(st, 1)));
		json_object_set_new(o, "list_archive_url", json_null());
		json_object_set_new(o, "date",
				    rd_api_jdate(sqlite3_column_int64(st, 2)));
		st_json_set_str(o, "name", rd_col(st, 3));
		json_object_set_new(
			o, "mbox",
			rd_api_patch_mbox_url(base, list, rd_col(st, 1)));
		json_array_append_new(arr, o);
	}
	sqlite3_reset(st);
	return rd_step_error(s, rc, err);
}

/* The JSON of the series row in st; patches are read from s afterwards,
 * so the caller copies what it needs first (see collect below). */
struct series_row {
	json_t *obj;
	int64_t id;
	char *list;
};

static void series_row(struct series_row *r, const char *base, sqlite3_stmt *st)
{
	json_t *o = json_object();
	int64_t id = sqlite3_column_int64(st, 0);
	int64_t total = sqlite3_column_int64(st, 4);
	int64_t received = sqlite3_column_int64(st, 5);

	st_json_set_int(o, "id", id);
	json_object_set_new(o, "url",
			    rd_api_jurl(base, API "/series/%lld/", id));
	json_object_set_new(o, "web_url",
			    rd_api_jurl(base, "/series/%lld/", id));
	json_object_set_new(
		o, "project",
		rd_api_project_json(base, sqlite3_column_int64(st, 9),
				    rd_col(st, 10), rd_col(st, 11)));
	st_json_set_str(o, "name", rd_col(st, 1));
	json_object_set_new(o, "date",
			    rd_api_jdate(sqlite3_column_int64(st, 2)));
	json_object_set_new(o, "submitter",
			    rd_api_person_json(base,
					       sqlite3_column_int64(st, 6),
					       rd_col(st, 7), rd_col(st, 8)));
	st_json_set_int(o, "version", sqlite3_column_int64(st, 3));
	st_json_set_int(o, "total", total);
	st_json_set_int(o, "received_total", received);
	json_object_set_new(o, "received_all", json_boolean(received >= total));
	json_object_set_new(o, "mbox",
			    rd_api_jurl(base, "/series/%lld/mbox/", id));
	json_object_set_new(o, "cover_letter",
			    sqlite3_column_int64(st, 12) ? cover_ref(base, st)
							 : json_null());
	r->obj = o;
	r->id = id;
	r->list = st_xstrdup(rd_col(st, 10));
}

static int series_query(struct st_httpd_req *req, const char *id_s)
{
	struct st_store *s = rd_dash_ro(req);
	struct st_buf base = ST_BUF_INIT;
	const char *order = st_httpd_query(req, "order");
	const char *project = st_httpd_query(req, "project");
	const char *submitter = st_httpd_query(req, "submitter");
	const char *q = st_httpd_query(req, "q");
	const char *sql = NULL;
	struct series_row *rows = NULL;
	size_t n = 0;
	struct rd_api_page pg;
	json_t *arr = json_array();
	sqlite3_stmt *st;
	int64_t id = 0, total = 0;
	int rc = rd_api_parse_page(req, &pg);

	for (int i = 0; series_orders[i].name; i++)
		if (!strcmp(series_orders[i].name, order ? order : "id"))
			sql = series_orders[i].sql;
	if (rc == 0 && !sql)
		rc = st_error_set(&req->err, ST_EINVALID,
				  "bad value for 'order'");
	if (rc == 0 && id_s)
		rc = rd_dash_id(&id, id_s, &req->err);
	if (rc < 0)
		goto out;
	if (id_s) {
		project = submitter = q = NULL;
		pg.page = 1;
	}
	rd_dash_base_url(req, &base);
	if (id || !rd_dash_count_get(req, &total)) {
		st = st_store_stmt(s, sql_s_count, &req->err);
		if (!st) {
			rc = ST_ERROR;
			goto out;
		}
		st_store_bind_text(st, 1, project);
		st_store_bind_text(st, 2, submitter);
		st_store_bind_text(st, 3, q);
		if (id)
			sqlite3_bind_int64(st, 4, id);
		if ((rc = rd_api_count_of(s, st, &total, &req->err)) < 0)
			goto out;
		if (!id)
			rd_dash_count_put(req, total);
	}
	st = st_store_stmt(s, sql, &req->err);
	if (!st) {
		rc = ST_ERROR;
		goto out;
	}
	st_store_bind_text(st, 1, project);
	st_store_bind_text(st, 2, submitter);
	st_store_bind_text(st, 3, q);
	if (id)
		sqlite3_bind_int64(st, 4, id);
	sqlite3_bind_int64(st, 5, pg.per_page);
	sqlite3_bind_int64(st, 6, (pg.page - 1) * pg.per_page);
	rows = st_xcalloc((size_t)pg.per_page, sizeof(*rows));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < (size_t)pg.per_page)
		series_row(&rows[n++], base.buf, st);
	sqlite3_reset(st);
	rc = rc == SQLITE_ROW ? 0 : rd_step_error(s, rc, &req->err);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		json_t *patches = json_array();

		rc = series_patches(s, base.buf, rows[i].id, rows[i].list,
				    patches, &req->err);
		json_object_set_new(rows[i].obj, "patches", patches);
		json_array_append(arr, rows[i].obj);
	}
	if (rc < 0)
		goto out;
	if (id_s) {
		if (!n)
			rc = st_error_set(&req->err, ST_ENOTFOUND,
					  "no series %lld", (long long)id);
		else
			rc = st_httpd_json(req, 200, rows[0].obj);
		goto out;
	}
	rc = rd_api_reply_list(req, base.buf, &pg, total, arr);
	arr = NULL;
out:
	for (size_t i = 0; i < n; i++) {
		json_decref(rows[i].obj);
		free(rows[i].list);
	}
	free(rows);
	json_decref(arr);
	st_buf_release(&base);
	return rc;
}

int rd_api_series_list(struct st_httpd_req *req)
{
	return series_query(req, NULL);
}

int rd_api_series(struct st_httpd_req *req)
{
	return series_query(req, req->args[0]);
}

/* ---- covers: a series' cover letter, by message id ---- */

static const char sql_covers[] =
	"SELECT m.id, m.msgid, m.date, m.subject, ifnull(m.body, ''),"
	" ifnull(pe.id, 0), ifnull(pe.name, ''), ifnull(pe.email, ''),"
	" s.id, s.name, s.version, s.date, ifnull(l.id, 0),"
	" ifnull(l.name, ''), ifnull(l.address, '')"
	" FROM series s JOIN messages m ON m.id = s.cover_id"
	" LEFT JOIN people pe ON pe.id = m.author_id"
	" LEFT JOIN lists l ON l.id = s.list_id"
	" WHERE (?1 IS NULL OR m.id = ?1)"
	" AND (?2 IS NULL OR l.name = ?2 OR CAST(l.id AS TEXT) = ?2)"
	" ORDER BY m.id LIMIT ?3 OFFSET ?4";
static const char sql_covers_count[] =
	"SELECT count(*) FROM series s JOIN messages m ON m.id = s.cover_id"
	" LEFT JOIN lists l ON l.id = s.list_id"
	" WHERE (?1 IS NULL OR m.id = ?1)"
	" AND (?2 IS NULL OR l.name = ?2 OR CAST(l.id AS TEXT) = ?2)";

static json_t *cover_json(const char *base, sqlite3_stmt *st, bool detail)
{
	json_t *o = json_object(), *series = json_array(), *so = json_object();
	int64_t id = sqlite3_column_int64(st, 0);
	int64_t sid = sqlite3_column_int64(st, 8);

	st_json_set_int(o, "id", id);
	json_object_set_new(o, "url",
			    rd_api_jurl(base, API "/covers/%lld/", id));
	json_object_set_new(o, "web_url",
			    rd_api_jurl(base, "/series/%lld/", sid));
	json_object_set_new(
		o, "project",
		rd_api_project_json(base, sqlite3_column_int64(st, 12),
				    rd_col(st, 13), rd_col(st, 14)));
	json_object_set_new(o, "msgid", rd_api_jmsgid(rd_col(st, 1)));
	json_object_set_new(o, "list_archive_url", json_null());
	json_object_set_new(o, "date",
			    rd_api_jdate(sqlite3_column_int64(st, 2)));
	st_json_set_str(o, "name", rd_col(st, 3));
	json_object_set_new(o, "submitter",
			    rd_api_person_json(base,
					       sqlite3_column_int64(st, 5),
					       rd_col(st, 6), rd_col(st, 7)));
	json_object_set_new(o, "mbox",
			    rd_api_jurl(base, "/series/%lld/mbox/", sid));
	st_json_set_int(so, "id", sid);
	json_object_set_new(so, "url",
			    rd_api_jurl(base, API "/series/%lld/", sid));
	json_object_set_new(so, "web_url",
			    rd_api_jurl(base, "/series/%lld/", sid));
	st_json_set_str(so, "name", rd_col(st, 9));
	st_json_set_int(so, "version", sqlite3_column_int64(st, 10));
	json_object_set_new(so, "date",
			    rd_api_jdate(sqlite3_column_int64(st, 11)));
	json_object_set_new(so, "mbox",
			    rd_api_jurl(base, "/series/%lld/mbox/", sid));
	json_array_append_new(series, so);
	json_object_set_new(o, "series", series);
	json_object_set_new(o, "comments", json_array());
	if (detail) {
		st_json_set_str(o, "content", rd_col(st, 4));
		json_object_set_new(o, "headers", json_object());
	}
	return o;
}

static int covers(struct st_httpd_req *req, const char *id_s)
{
	struct st_store *s = rd_dash_ro(req);
	struct st_buf base = ST_BUF_INIT;
	const char *project = st_httpd_query(req, "project");
	struct rd_api_page pg;
	json_t *arr = json_array();
	sqlite3_stmt *st;
	int64_t id = 0, total = 0;
	int rc = rd_api_parse_page(req, &pg);

	if (rc == 0 && id_s)
		rc = rd_dash_id(&id, id_s, &req->err);
	if (rc < 0)
		goto out;
	rd_dash_base_url(req, &base);
	st = st_store_stmt(s, sql_covers_count, &req->err);
	if (!st) {
		rc = ST_ERROR;
		goto out;
	}
	if (id)
		sqlite3_bind_int64(st, 1, id);
	st_store_bind_text(st, 2, project);
	if ((rc = rd_api_count_of(s, st, &total, &req->err)) < 0)
		goto out;
	st = st_store_stmt(s, sql_covers, &req->err);
	if (!st) {
		rc = ST_ERROR;
		goto out;
	}
	if (id)
		sqlite3_bind_int64(st, 1, id);
	st_store_bind_text(st, 2, project);
	sqlite3_bind_int64(st, 3, id ? 1 : pg.per_page);
	sqlite3_bind_int64(st, 4, id ? 0 : (pg.page - 1) * pg.per_page);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(arr, cover_json(base.buf, st, id != 0));
	sqlite3_reset(st);
	if ((rc = rd_step_error(s, rc, &req->err)) < 0)
		goto out;
	rc = rd_api_reply(req, id_s ? "no cover" : NULL, id, base.buf, &pg, total,
			  arr);
	arr = NULL;
out:
	json_decref(arr);
	st_buf_release(&base);
	return rc;
}

int rd_api_covers(struct st_httpd_req *req)
{
	return covers(req, NULL);
}

int rd_api_cover(struct st_httpd_req *req)
{
	return covers(req, req->args[0]);
}
