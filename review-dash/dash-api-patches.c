/*
 * dash-api-patches.c: the REST API's patches, covers, series, comments
 * and checks (see dash-api.c for the rest and the conventions).
 */
#include "common/html.h"
#include "common/json.h"
#include "common/log.h"
#include "common/util.h"
#include "common/xalloc.h"
#include "dash-api-priv.h"
#include "dash-priv.h"
#include "users.h"

#include <stdlib.h>
#include <string.h>

/* Columns of a patch row, shared by list and detail. */
#define PATCH_COLS                                                             \
	"SELECT p.id, p.name, p.date, p.state, p.archived, p.commit_ref,"      \
	" p.pull_url, p.git_patch_id, m.msgid, ifnull(p.submitter_id, 0),"     \
	" ifnull(sp.name, ''), ifnull(sp.email, ''),"                          \
	" ifnull(p.delegate_id, 0), ifnull(dp.email, ''),"                     \
	" ifnull(l.id, 0), ifnull(l.name, ''), ifnull(l.address, ''),"         \
	" ifnull(p.series_id, 0), ifnull(s.name, ''),"                         \
	" ifnull(s.version, 1), ifnull(s.date, p.date),"                       \
	" ifnull(du.id, 0), ifnull(du.username, ''),"                          \
	" ifnull(p.commit_msg, ''), ifnull(p.diff, ''),"                       \
	" (SELECT CASE WHEN count(*) = 0 THEN 'pending'"                       \
	"  WHEN sum(k.state = 'fail') THEN 'fail'"                             \
	"  WHEN sum(k.state = 'warning') THEN 'warning'"                       \
	"  WHEN sum(k.state = 'pending') THEN 'pending'"                       \
	"  ELSE 'success' END FROM api_checks k WHERE k.patch_id = p.id)"
#define PATCH_FROM                                                             \
	" FROM patches p JOIN messages m ON m.id = p.message_id"               \
	" LEFT JOIN people sp ON sp.id = p.submitter_id"                       \
	" LEFT JOIN people dp ON dp.id = p.delegate_id"                        \
	" LEFT JOIN users du ON du.id = (SELECT u.id FROM users u"             \
	"  WHERE ifnull(u.email, u.username) = dp.email LIMIT 1)"              \
	" LEFT JOIN series s ON s.id = p.series_id"                            \
	" LEFT JOIN lists l ON l.id = ifnull(s.list_id, m.list_id)"
/* Filters as subqueries on p alone, so that the count needs no join and
 * each unset filter (NULL) costs nothing. */
#define PATCH_WHERE                                                            \
	" WHERE (?1 IS NULL OR ifnull((SELECT list_id FROM series"             \
	"  WHERE id = p.series_id), (SELECT list_id FROM messages"             \
	"  WHERE id = p.message_id)) IN (SELECT id FROM lists"                 \
	"  WHERE name = ?1 OR CAST(id AS TEXT) = ?1))"                         \
	" AND (?2 IS NULL OR instr(?2, ',' || p.state || ',') > 0)"            \
	" AND (?3 IS NULL OR p.submitter_id IN (SELECT id FROM people"         \
	"  WHERE email = ?3 OR CAST(id AS TEXT) = ?3))"                        \
	" AND (?4 IS NULL OR p.delegate_id IN (SELECT id FROM people"          \
	"  WHERE email = ?4 OR email IN (SELECT ifnull(email, username)"       \
	"  FROM users WHERE username = ?4 OR CAST(id AS TEXT) = ?4)))"         \
	" AND (?5 IS NULL OR p.archived = ?5)"                                 \
	" AND (?6 IS NULL OR p.git_patch_id = ?6)"                             \
	" AND (?7 IS NULL OR instr(lower(p.name), lower(?7)) > 0)"             \
	" AND (?8 IS NULL OR p.series_id = ?8)"                                \
	" AND (?9 IS NULL OR p.id = ?9)"
#define PATCH_LIST(order)                                                      \
	PATCH_COLS PATCH_FROM PATCH_WHERE " ORDER BY " order                   \
					  " LIMIT ?10 OFFSET ?11"

static const char sql_patch_count[] = "SELECT count(*)" PATCH_FROM PATCH_WHERE;

struct order {
	const char *name;
	const char *sql;
};

static const char sql_p_id[] = PATCH_LIST("p.id");
static const char sql_p_id_d[] = PATCH_LIST("p.id DESC");
static const char sql_p_date[] = PATCH_LIST("p.date, p.id");
static const char sql_p_date_d[] = PATCH_LIST("p.date DESC, p.id DESC");
static const char sql_p_name[] = PATCH_LIST("p.name, p.id");
static const char sql_p_name_d[] = PATCH_LIST("p.name DESC, p.id DESC");

static const struct order patch_orders[] = {
	{"id", sql_p_id},     {"-id", sql_p_id_d},
	{"date", sql_p_date}, {"-date", sql_p_date_d},
	{"name", sql_p_name}, {"-name", sql_p_name_d},
	{NULL, NULL},
};

struct patch_filter {
	const char *project;
	struct st_buf states; /* ",a,b," or empty */
	const char *submitter;
	const char *delegate;
	int archived; /* -1 any */
	const char *hash;
	const char *q;
	int64_t series;
	int64_t id;
};

static int add_state(const char *key, const char *value, void *data)
{
	struct patch_filter *f = data;

	if (strcmp(key, "state") || !*value)
		return 0;
	if (!f->states.len)
		st_buf_addch(&f->states, ',');
	st_buf_addstr(&f->states, value);
	st_buf_addch(&f->states, ',');
	return 0;
}

int rd_api_bool(const char *v, int *out)
{
	if (!strcmp(v, "true") || !strcmp(v, "True") || !strcmp(v, "1"))
		*out = 1;
	else if (!strcmp(v, "false") || !strcmp(v, "False") || !strcmp(v, "0"))
		*out = 0;
	else
		return ST_EINVALID;
	return 0;
}

static void bind_patch_filter(sqlite3_stmt *st, const struct patch_filter *f)
{
	st_store_bind_text(st, 1, f->project);
	st_store_bind_text(st, 2, f->states.len ? f->states.buf : NULL);
	st_store_bind_text(st, 3, f->submitter);
	st_store_bind_text(st, 4, f->delegate);
	if (f->archived >= 0)
		sqlite3_bind_int(st, 5, f->archived);
	st_store_bind_text(st, 6, f->hash);
	st_store_bind_text(st, 7, f->q);
	if (f->series)
		sqlite3_bind_int64(st, 8, f->series);
	if (f->id)
		sqlite3_bind_int64(st, 9, f->id);
}

static json_t *patch_json(const char *base, sqlite3_stmt *st, bool detail)
{
	json_t *o = json_object(), *series = json_array();
	int64_t id = sqlite3_column_int64(st, 0);
	int64_t sid = sqlite3_column_int64(st, 17);
	const char *list = rd_col(st, 15);

	st_json_set_int(o, "id", id);
	json_object_set_new(o, "url",
			    rd_api_jurl(base, API "/patches/%lld/", id));
	json_object_set_new(o, "web_url",
			    rd_api_jurl(base, "/patch/%lld/", id));
	json_object_set_new(o, "project",
			    rd_api_project_json(base,
						sqlite3_column_int64(st, 14),
						list, rd_col(st, 16)));
	json_object_set_new(o, "msgid", rd_api_jmsgid(rd_col(st, 8)));
	json_object_set_new(o, "list_archive_url", json_null());
	json_object_set_new(o, "date",
			    rd_api_jdate(sqlite3_column_int64(st, 2)));
	st_json_set_str(o, "name", rd_col(st, 1));
	st_json_set_str(o, "commit_ref",
			(const char *)sqlite3_column_text(st, 5));
	st_json_set_str(o, "pull_url",
			(const char *)sqlite3_column_text(st, 6));
	st_json_set_str(o, "state", rd_col(st, 3));
	json_object_set_new(o, "archived",
			    json_boolean(sqlite3_column_int(st, 4)));
	st_json_set_str(o, "hash", (const char *)sqlite3_column_text(st, 7));
	json_object_set_new(o, "submitter",
			    rd_api_person_json(base,
					       sqlite3_column_int64(st, 9),
					       rd_col(st, 10), rd_col(st, 11)));
	if (sqlite3_column_int64(st, 12)) {
		const char *user = rd_col(st, 22);

		json_object_set_new(
			o, "delegate",
			rd_api_user_json(base,
					 sqlite3_column_int64(st, 21)
						 ? sqlite3_column_int64(st, 21)
						 : sqlite3_column_int64(st, 12),
					 *user ? user : rd_col(st, 13),
					 rd_col(st, 13)));
	} else {
		json_object_set_new(o, "delegate", json_null());
	}
	json_object_set_new(o, "mbox",
			    rd_api_patch_mbox_url(base, list, rd_col(st, 8)));
	if (sid) {
		json_t *so = json_object();

		st_json_set_int(so, "id", sid);
		json_object_set_new(
			so, "url", rd_api_jurl(base, API "/series/%lld/", sid));
		json_object_set_new(so, "web_url",
				    rd_api_jurl(base, "/series/%lld/", sid));
		json_object_set_new(so, "date",
				    rd_api_jdate(sqlite3_column_int64(st, 20)));
		st_json_set_str(so, "name", rd_col(st, 18));
		st_json_set_int(so, "version", sqlite3_column_int64(st, 19));
		json_object_set_new(
			so, "mbox",
			rd_api_jurl(base, "/series/%lld/mbox/", sid));
		json_array_append_new(series, so);
	}
	json_object_set_new(o, "series", series);
	json_object_set_new(
		o, "comments",
		rd_api_jurl(base, API "/patches/%lld/comments/", id));
	st_json_set_str(o, "check", rd_col(st, 25));
	json_object_set_new(o, "checks",
			    rd_api_jurl(base, API "/patches/%lld/checks/", id));
	json_object_set_new(o, "tags", json_object());
	json_object_set_new(o, "related", json_array());
	if (detail) {
		json_object_set_new(o, "headers", json_object());
		st_json_set_str(o, "content", rd_col(st, 23));
		st_json_set_str(o, "diff", rd_col(st, 24));
		json_object_set_new(o, "prefixes", json_array());
	}
	return o;
}

static int parse_patch_filter(struct st_httpd_req *req, struct patch_filter *f)
{
	const char *v;

	f->project = st_httpd_query(req, "project");
	st_httpd_query_each(req, add_state, f);
	f->submitter = st_httpd_query(req, "submitter");
	f->delegate = st_httpd_query(req, "delegate");
	f->hash = st_httpd_query(req, "hash");
	f->q = st_httpd_query(req, "q");
	f->archived = -1;
	v = st_httpd_query(req, "archived");
	if (v && rd_api_bool(v, &f->archived) < 0)
		return st_error_set(&req->err, ST_EINVALID,
				    "bad value for 'archived'");
	v = st_httpd_query(req, "series");
	if (v && st_parse_int64(&f->series, v, 1, INT64_MAX, "series",
				&req->err) < 0)
		return ST_EINVALID;
	return 0;
}

static const char *pick_order(const struct order *orders, const char *name)
{
	for (int i = 0; orders[i].name; i++)
		if (!strcmp(orders[i].name, name))
			return orders[i].sql;
	return NULL;
}

int rd_api_patches(struct st_httpd_req *req)
{
	struct st_store *s = rd_dash_ro(req);
	struct patch_filter f = {0};
	struct st_buf base = ST_BUF_INIT;
	const char *order = st_httpd_query(req, "order");
	const char *sql = pick_order(patch_orders, order ? order : "id");
	json_t *arr = json_array();
	sqlite3_stmt *st;
	struct rd_api_page pg;
	int64_t total = 0;
	int rc;

	st_buf_init(&f.states, 4096);
	rc = rd_api_parse_page(req, &pg);
	if (rc == 0)
		rc = parse_patch_filter(req, &f);
	if (rc == 0 && !sql)
		rc = st_error_set(&req->err, ST_EINVALID,
				  "bad value for 'order'");
	if (rc < 0)
		goto out;
	rd_dash_base_url(req, &base);
	if (!rd_dash_count_get(req, &total)) {
		st = st_store_stmt(s, sql_patch_count, &req->err);
		if (!st) {
			rc = ST_ERROR;
			goto out;
		}
		bind_patch_filter(st, &f);
		if ((rc = rd_api_count_of(s, st, &total, &req->err)) < 0)
			goto out;
		rd_dash_count_put(req, total);
	}
	st = st_store_stmt(s, sql, &req->err);
	if (!st) {
		rc = ST_ERROR;
		goto out;
	}
	bind_patch_filter(st, &f);
	sqlite3_bind_int64(st, 10, pg.per_page);
	sqlite3_bind_int64(st, 11, (pg.page - 1) * pg.per_page);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(arr, patch_json(base.buf, st, false));
	sqlite3_reset(st);
	if ((rc = rd_step_error(s, rc, &req->err)) < 0)
		goto out;
	rc = rd_api_reply_list(req, base.buf, &pg, total, arr);
	arr = NULL;
out:
	json_decref(arr);
	st_buf_release(&f.states);
	st_buf_release(&base);
	return rc;
}

/* The detail JSON of one patch, read from store s. */
static int patch_detail(struct st_httpd_req *req, struct st_store *s,
			int64_t id, json_t **out)
{
	struct patch_filter f = {0};
	struct st_buf base = ST_BUF_INIT;
	sqlite3_stmt *st = st_store_stmt(s, sql_p_id, &req->err);
	int rc;

	*out = NULL;
	if (!st)
		return ST_ERROR;
	f.archived = -1;
	f.id = id;
	bind_patch_filter(st, &f);
	sqlite3_bind_int64(st, 10, 1);
	sqlite3_bind_int64(st, 11, 0);
	rd_dash_base_url(req, &base);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = patch_json(base.buf, st, true);
	sqlite3_reset(st);
	st_buf_release(&base);
	if (rc == SQLITE_DONE)
		return st_error_set(&req->err, ST_ENOTFOUND, "no patch %lld",
				    (long long)id);
	return rd_step_error(s, rc, &req->err);
}

int rd_api_patch(struct st_httpd_req *req)
{
	json_t *o = NULL;
	int64_t id;
	int rc = rd_dash_id(&id, req->args[0], &req->err);

	if (rc == 0)
		rc = patch_detail(req, rd_dash_ro(req), id, &o);
	if (rc == 0)
		rc = st_httpd_json(req, 200, o);
	json_decref(o);
	return rc;
}

/* ---- writes ---- */

/* The user behind "Authorization: Token T"; replies 401 when none. */
static int authenticate(struct st_httpd_req *req, int64_t *user,
			bool *maintainer)
{
	const char *h = st_httpd_header(req, "Authorization");
	int rc;

	if (!h || st_strncasecmp(h, "Token ", 6)) {
		st_httpd_json_error(req, 401,
				    "Authentication credentials were not "
				    "provided.");
		return ST_EUSAGE;
	}
	rc = rd_users_auth(rd_dash_ro(req), h + 6, user, maintainer, &req->err);
	if (rc == ST_ENOTFOUND) {
		st_httpd_json_error(req, 401, "Invalid token.");
		return ST_EUSAGE;
	}
	return rc;
}

static int form_pair(json_t *o, char *pair)
{
	char *eq = strchr(pair, '=');
	char *v = eq ? eq + 1 : pair + strlen(pair);

	if (eq)
		*eq = '\0';
	if (st_httpd_url_decode(pair, true) < 0 ||
	    st_httpd_url_decode(v, true) < 0)
		return ST_EINVALID;
	json_object_set_new(o, pair, st_json_str(v));
	return 0;
}

/* The request body (form-encoded or JSON) as a JSON object. */
int rd_api_body(struct st_httpd_req *req, json_t **out)
{
	const char *ct = st_httpd_header(req, "Content-Type");
	json_t *o = NULL;
	int rc = 0;

	*out = NULL;
	if (ct && !st_strncasecmp(ct, "application/json", 16)) {
		json_error_t jerr;

		o = json_loadb(req->body, req->body_len, 0, &jerr);
		if (!o || !json_is_object(o)) {
			json_decref(o);
			return st_error_set(&req->err, ST_EINVALID,
					    "body is not a JSON object");
		}
		*out = o;
		return 0;
	}
	if (memchr(req->body, '\0', req->body_len))
		return st_error_set(&req->err, ST_EINVALID, "bad form body");
	o = json_object();
	{
		char *copy = st_xmemdupz(req->body, req->body_len);
		char *p = copy;

		while (rc == 0 && p && *p) {
			char *amp = strchr(p, '&');

			if (amp)
				*amp = '\0';
			if (*p)
				rc = form_pair(o, p);
			p = amp ? amp + 1 : NULL;
		}
		free(copy);
	}
	if (rc < 0) {
		json_decref(o);
		return st_error_set(&req->err, ST_EINVALID, "bad form body");
	}
	*out = o;
	return 0;
}

static bool is_state(const char *s)
{
	for (int i = 0; rd_api_patch_states[i]; i++)
		if (!strcmp(rd_api_patch_states[i], s))
			return true;
	return false;
}

struct patch_update {
	const char *state;
	int archived; /* -1 unchanged */
	bool set_delegate;
	int64_t delegate; /* user id, 0 none */
	bool set_commit_ref;
	const char *commit_ref; /* NULL clears */
};

static int parse_update(struct st_httpd_req *req, json_t *body,
			struct patch_update *u)
{
	const char *key;
	json_t *v;

	u->archived = -1;
	json_object_foreach(body, key, v)
	{
		const char *sv = json_string_value(v);

		if (!strcmp(key, "state")) {
			if (!sv || !is_state(sv))
				return st_error_set(&req->err, ST_EINVALID,
						    "bad value for 'state'");
			u->state = sv;
		} else if (!strcmp(key, "archived")) {
			if (json_is_boolean(v))
				u->archived = json_is_true(v);
			else if (!sv || rd_api_bool(sv, &u->archived) < 0)
				return st_error_set(&req->err, ST_EINVALID,
						    "bad value for "
						    "'archived'");
		} else if (!strcmp(key, "delegate")) {
			u->set_delegate = true;
			if (json_is_integer(v))
				u->delegate = json_integer_value(v);
			else if (json_is_null(v) || (sv && !*sv))
				u->delegate = 0;
			else if (!sv ||
				 st_parse_int64(&u->delegate, sv, 1, INT64_MAX,
						"delegate", NULL) < 0)
				return st_error_set(&req->err, ST_EINVALID,
						    "bad value for "
						    "'delegate'");
		} else if (!strcmp(key, "commit_ref")) {
			u->set_commit_ref = true;
			if (!json_is_null(v) && !sv)
				return st_error_set(&req->err, ST_EINVALID,
						    "bad value for "
						    "'commit_ref'");
			u->commit_ref = sv && *sv ? sv : NULL;
			if (sv && strlen(sv) > 255)
				return st_error_set(&req->err, ST_EINVALID,
						    "bad value for "
						    "'commit_ref'");
		}
		/* Other (read-only) fields are ignored, as Patchwork
		 * does. */
	}
	return 0;
}

/* The people row standing for user id (made when missing). */
static int delegate_person(struct st_store *s, int64_t user, int64_t *out,
			   struct st_error *err)
{
	static const char sql_ins[] =
		"INSERT OR IGNORE INTO people(email, name)"
		" SELECT ifnull(email, username), username FROM users"
		" WHERE id = ?";
	static const char sql_get[] =
		"SELECT p.id FROM users u JOIN people p"
		" ON p.email = ifnull(u.email, u.username) WHERE u.id = ?";
	sqlite3_stmt *st = st_store_stmt(s, sql_ins, err);
	int rc;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, user);
	if ((rc = st_store_step_done(s, st, err)) < 0)
		return rc;
	st = st_store_stmt(s, sql_get, err);
	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, user);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return st_error_set(err, ST_EINVALID, "no user %lld",
				    (long long)user);
	return rd_step_error(s, rc, err);
}

static int apply_update(struct st_store *s, int64_t id, int64_t user,
			const struct patch_update *u, struct st_error *err)
{
	static const char sql_old[] = "SELECT state FROM patches WHERE id = ?";
	static const char sql[] =
		"UPDATE patches SET state = ifnull(?2, state),"
		" archived = ifnull(?3, archived),"
		" delegate_id = CASE WHEN ?4 THEN ?5 ELSE delegate_id END,"
		" commit_ref = CASE WHEN ?6 THEN ?7 ELSE commit_ref END"
		" WHERE id = ?1";
	static const char sql_event[] =
		"INSERT INTO api_events(category, patch_id, user_id, date,"
		" previous, current) VALUES ('patch-state-changed', ?, ?, ?,"
		" ?, ?)";
	sqlite3_stmt *st;
	int64_t person = 0;
	char *old = NULL;
	int rc = st_store_begin(s, err);

	if (rc < 0)
		return rc;
	st = st_store_stmt(s, sql_old, err);
	if (!st) {
		rc = ST_ERROR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		old = st_store_column_dup(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		rc = rc == SQLITE_DONE
			     ? st_error_set(err, ST_ENOTFOUND, "no patch %lld",
					    (long long)id)
			     : st_store_check(s, rc, err);
		goto out;
	}
	if (u->set_delegate && u->delegate &&
	    (rc = delegate_person(s, u->delegate, &person, err)) < 0)
		goto out;
	st = st_store_stmt(s, sql, err);
	if (!st) {
		rc = ST_ERROR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	st_store_bind_text(st, 2, u->state);
	if (u->archived >= 0)
		sqlite3_bind_int(st, 3, u->archived);
	sqlite3_bind_int(st, 4, u->set_delegate);
	if (person)
		sqlite3_bind_int64(st, 5, person);
	sqlite3_bind_int(st, 6, u->set_commit_ref);
	st_store_bind_text(st, 7, u->commit_ref);
	if ((rc = st_store_step_done(s, st, err)) < 0)
		goto out;
	if (u->state && strcmp(u->state, old ? old : "")) {
		st = st_store_stmt(s, sql_event, err);
		if (!st) {
			rc = ST_ERROR;
			goto out;
		}
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, user);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)st_time_now());
		st_store_bind_text(st, 4, old);
		st_store_bind_text(st, 5, u->state);
		if ((rc = st_store_step_done(s, st, err)) < 0)
			goto out;
	}
	rc = st_store_commit(s, err);
out:
	if (rc < 0)
		st_store_rollback(s);
	free(old);
	return rc;
}

int rd_api_patch_update(struct st_httpd_req *req)
{
	struct patch_update u = {0};
	struct st_store *rw;
	json_t *body = NULL, *o = NULL;
	int64_t id, user;
	bool maintainer = false;
	int rc = rd_dash_id(&id, req->args[0], &req->err);

	if (rc == 0)
		rc = authenticate(req, &user, &maintainer);
	if (rc == 0 && !maintainer) {
		st_httpd_json_error(req, 403,
				    "You do not have permission to perform "
				    "this action.");
		rc = ST_EUSAGE;
	}
	if (rc == 0)
		rc = rd_api_body(req, &body);
	if (rc == 0)
		rc = parse_update(req, body, &u);
	if (rc < 0)
		goto out;
	rw = rd_dash_rw(req);
	if (!rw) {
		rc = ST_ERROR;
		goto out;
	}
	rc = apply_update(rw, id, user, &u, &req->err);
	if (rc == 0) {
		/* The reading connection sees the write as another's
		 * (data_version changes); clearing is belt and braces. */
		rd_dash_count_clear(req);
		st_log(ST_LOG_INFO, "api: user %lld updated patch %lld",
		       (long long)user, (long long)id);
		rc = patch_detail(req, rw, id, &o);
	}
	if (rc == 0)
		rc = st_httpd_json(req, 200, o);
out:
	json_decref(body);
	json_decref(o);
	return rc;
}

/* ---- comments and checks of a patch ---- */

static int patch_exists(struct st_httpd_req *req, struct st_store *s,
			int64_t id)
{
	static const char sql[] = "SELECT 1 FROM patches WHERE id = ?";
	sqlite3_stmt *st = st_store_stmt(s, sql, &req->err);
	int rc;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return st_error_set(&req->err, ST_ENOTFOUND, "no patch %lld",
				    (long long)id);
	return rc == SQLITE_ROW ? 0 : st_store_check(s, rc, &req->err);
}

/*
 * What a list of one patch's items (comments, checks) needs first: the
 * patch id from the path (which must exist), the page asked for, the
 * base URL, and the total that sql_count gives for the patch id.
 */
/* One object of a list hanging on patch (a row of its list query). */
typedef json_t *(*row_json_fn)(const char *base, int64_t patch,
			       sqlite3_stmt *st);

/*
 * A paged list of what hangs on the patch in the path: sql_count counts
 * it for ?1, the patch; sql lists it with ?1 the patch, ?3 and ?4 the
 * page's LIMIT and OFFSET (?2, left NULL, is for a query that can also
 * pick one item); row makes each object.
 */
static int patch_list(struct st_httpd_req *req, const char *sql_count,
		      const char *sql, row_json_fn row)
{
	struct st_store *s = rd_dash_ro(req);
	struct st_buf base = ST_BUF_INIT;
	struct rd_api_page pg;
	json_t *arr = json_array();
	sqlite3_stmt *st;
	int64_t id, total = 0;
	int rc = rd_dash_id(&id, req->args[0], &req->err);

	if (rc == 0)
		rc = rd_api_parse_page(req, &pg);
	if (rc == 0)
		rc = patch_exists(req, s, id);
	if (rc < 0)
		goto out;
	rd_dash_base_url(req, &base);
	st = st_store_stmt(s, sql_count, &req->err);
	if (!st) {
		rc = ST_ERROR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	rc = rd_api_count_of(s, st, &total, &req->err);
	if (rc < 0)
		goto out;
	st = st_store_stmt(s, sql, &req->err);
	if (!st) {
		rc = ST_ERROR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 3, pg.per_page);
	sqlite3_bind_int64(st, 4, (pg.page - 1) * pg.per_page);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(arr, row(base.buf, id, st));
	sqlite3_reset(st);
	if ((rc = rd_step_error(s, rc, &req->err)) < 0)
		goto out;
	rc = rd_api_reply_list(req, base.buf, &pg, total, arr);
	arr = NULL;
out:
	json_decref(arr);
	st_buf_release(&base);
	return rc;
}

static json_t *comment_json(const char *base, int64_t patch, sqlite3_stmt *st)
{
	json_t *o = json_object();

	st_json_set_int(o, "id", sqlite3_column_int64(st, 0));
	json_object_set_new(o, "web_url",
			    rd_api_jurl(base, "/patch/%lld/", patch));
	json_object_set_new(o, "msgid", rd_api_jmsgid(rd_col(st, 1)));
	json_object_set_new(o, "list_archive_url", json_null());
	json_object_set_new(o, "date",
			    rd_api_jdate(sqlite3_column_int64(st, 2)));
	st_json_set_str(o, "subject", rd_col(st, 3));
	json_object_set_new(o, "submitter",
			    rd_api_person_json(base,
					       sqlite3_column_int64(st, 5),
					       rd_col(st, 6), rd_col(st, 7)));
	st_json_set_str(o, "content", rd_col(st, 4));
	json_object_set_new(o, "headers", json_object());
	return o;
}

int rd_api_patch_comments(struct st_httpd_req *req)
{
	static const char sql[] =
		"SELECT m.id, m.msgid, m.date, m.subject, ifnull(m.body, ''),"
		" ifnull(pe.id, 0), ifnull(pe.name, ''), ifnull(pe.email, '')"
		" FROM comments c JOIN messages m ON m.id = c.message_id"
		" LEFT JOIN people pe ON pe.id = m.author_id"
		" WHERE c.patch_id = ?1 ORDER BY m.date, m.id"
		" LIMIT ?3 OFFSET ?4";
	static const char sql_count[] =
		"SELECT count(*) FROM comments WHERE patch_id = ?";

	return patch_list(req, sql_count, sql, comment_json);
}

static json_t *check_json(const char *base, int64_t patch, sqlite3_stmt *st)
{
	json_t *o = json_object();
	struct st_buf u = ST_BUF_INIT;
	int64_t id = sqlite3_column_int64(st, 0);

	st_json_set_int(o, "id", id);
	st_buf_addf(&u, "%s" API "/patches/%lld/checks/%lld/", base,
		    (long long)patch, (long long)id);
	st_json_set_str(o, "url", u.buf);
	st_buf_release(&u);
	json_object_set_new(o, "user",
			    rd_api_user_json(base, sqlite3_column_int64(st, 1),
					     rd_col(st, 2), rd_col(st, 3)));
	json_object_set_new(o, "date",
			    rd_api_jdate(sqlite3_column_int64(st, 4)));
	st_json_set_str(o, "state", rd_col(st, 5));
	st_json_set_str(o, "target_url",
			(const char *)sqlite3_column_text(st, 6));
	st_json_set_str(o, "context", rd_col(st, 7));
	st_json_set_str(o, "description",
			(const char *)sqlite3_column_text(st, 8));
	return o;
}

static const char sql_checks[] =
	"SELECT k.id, ifnull(u.id, 0), ifnull(u.username, ''),"
	" ifnull(u.email, ''), k.created, k.state, k.target_url, k.context,"
	" k.description FROM api_checks k LEFT JOIN users u"
	" ON u.id = k.user_id WHERE k.patch_id = ?1"
	" AND (?2 IS NULL OR k.id = ?2) ORDER BY k.id LIMIT ?3 OFFSET ?4";

int rd_api_patch_checks(struct st_httpd_req *req)
{
	static const char sql_count[] =
		"SELECT count(*) FROM api_checks WHERE patch_id = ?";

	return patch_list(req, sql_count, sql_checks, check_json);
}

static const char *body_str(json_t *body, const char *key, size_t max,
			    bool *bad)
{
	json_t *v = json_object_get(body, key);
	const char *s = json_string_value(v);

	if (v && !json_is_null(v) && (!s || strlen(s) > max))
		*bad = true;
	return s;
}

int rd_api_patch_check_add(struct st_httpd_req *req)
{
	static const char sql_ins[] =
		"INSERT INTO api_checks(patch_id, user_id, context, state,"
		" target_url, description, created)"
		" VALUES (?, ?, ?, ?, ?, ?, ?)";
	static const char *const states[] = {"pending", "success", "warning",
					     "fail", NULL};
	struct st_store *rw = NULL;
	struct st_buf base = ST_BUF_INIT;
	json_t *body = NULL, *o = NULL;
	const char *state, *url, *context, *desc;
	sqlite3_stmt *st;
	int64_t id, user, cid;
	bool maintainer, bad = false, known = false;
	int rc = rd_dash_id(&id, req->args[0], &req->err);

	if (rc == 0)
		rc = authenticate(req, &user, &maintainer);
	if (rc == 0)
		rc = patch_exists(req, rd_dash_ro(req), id);
	if (rc == 0)
		rc = rd_api_body(req, &body);
	if (rc < 0)
		goto out;
	state = body_str(body, "state", 16, &bad);
	url = body_str(body, "target_url", 2000, &bad);
	context = body_str(body, "context", 255, &bad);
	desc = body_str(body, "description", 2000, &bad);
	for (int i = 0; state && states[i]; i++)
		known = known || !strcmp(states[i], state);
	if (bad || !known) {
		rc = st_error_set(&req->err, ST_EINVALID,
				  "bad check: state must be pending, "
				  "success, warning or fail");
		goto out;
	}
	rw = rd_dash_rw(req);
	if (!rw) {
		rc = ST_ERROR;
		goto out;
	}
	st = st_store_stmt(rw, sql_ins, &req->err);
	if (!st) {
		rc = ST_ERROR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, user);
	sqlite3_bind_text(st, 3, context && *context ? context : "default", -1,
			  SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, state, -1, SQLITE_TRANSIENT);
	st_store_bind_text(st, 5, url && *url ? url : NULL);
	st_store_bind_text(st, 6, desc);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)st_time_now());
	if ((rc = st_store_step_done(rw, st, &req->err)) < 0)
		goto out;
	cid = sqlite3_last_insert_rowid(st_store_db(rw));
	st = st_store_stmt(rw, sql_checks, &req->err);
	if (!st) {
		rc = ST_ERROR;
		goto out;
	}
	rd_dash_base_url(req, &base);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, cid);
	sqlite3_bind_int64(st, 3, 1);
	sqlite3_bind_int64(st, 4, 0);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		o = check_json(base.buf, id, st);
	sqlite3_reset(st);
	rc = rc == SQLITE_ROW ? st_httpd_json(req, 201, o)
			      : st_store_check(rw, rc, &req->err);
out:
	json_decref(body);
	json_decref(o);
	st_buf_release(&base);
	return rc;
}

/* ---- events: state changes made through the API ---- */

int rd_api_events(struct st_httpd_req *req)
{
	static const char sql[] =
		"SELECT e.id, e.category, e.date, ifnull(e.previous, ''),"
		" ifnull(e.current, ''), ifnull(u.id, 0),"
		" ifnull(u.username, ''), ifnull(u.email, ''), p.id, p.name,"
		" m.msgid, ifnull(l.id, 0), ifnull(l.name, ''),"
		" ifnull(l.address, '')"
		" FROM api_events e JOIN patches p ON p.id = e.patch_id"
		" JOIN messages m ON m.id = p.message_id"
		" LEFT JOIN users u ON u.id = e.user_id"
		" LEFT JOIN lists l ON l.id = m.list_id"
		" WHERE (?1 IS NULL OR e.category = ?1)"
		" AND (?2 IS NULL OR e.patch_id = ?2)"
		" ORDER BY e.date DESC, e.id DESC LIMIT ?3 OFFSET ?4";
	static const char sql_count[] = "SELECT count(*) FROM api_events e"
					" WHERE (?1 IS NULL OR e.category = ?1)"
					" AND (?2 IS NULL OR e.patch_id = ?2)";
	struct st_store *s = rd_dash_ro(req);
	struct st_buf base = ST_BUF_INIT;
	const char *category = st_httpd_query(req, "category");
	const char *patch_s = st_httpd_query(req, "patch");
	struct rd_api_page pg;
	json_t *arr = json_array();
	sqlite3_stmt *st;
	int64_t patch = 0, total = 0;
	int rc = rd_api_parse_page(req, &pg);

	if (rc == 0 && patch_s)
		rc = st_parse_int64(&patch, patch_s, 1, INT64_MAX, "patch",
				    &req->err);
	if (rc < 0)
		goto out;
	rd_dash_base_url(req, &base);
	st = st_store_stmt(s, sql_count, &req->err);
	if (!st) {
		rc = ST_ERROR;
		goto out;
	}
	st_store_bind_text(st, 1, category);
	if (patch)
		sqlite3_bind_int64(st, 2, patch);
	if ((rc = rd_api_count_of(s, st, &total, &req->err)) < 0)
		goto out;
	st = st_store_stmt(s, sql, &req->err);
	if (!st) {
		rc = ST_ERROR;
		goto out;
	}
	st_store_bind_text(st, 1, category);
	if (patch)
		sqlite3_bind_int64(st, 2, patch);
	sqlite3_bind_int64(st, 3, pg.per_page);
	sqlite3_bind_int64(st, 4, (pg.page - 1) * pg.per_page);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *o = json_object(), *payload = json_object();
		json_t *po = json_object();
		int64_t pid = sqlite3_column_int64(st, 8);

		st_json_set_int(o, "id", sqlite3_column_int64(st, 0));
		st_json_set_str(o, "category", rd_col(st, 1));
		json_object_set_new(
			o, "project",
			rd_api_project_json(base.buf,
					    sqlite3_column_int64(st, 11),
					    rd_col(st, 12), rd_col(st, 13)));
		json_object_set_new(o, "date",
				    rd_api_jdate(sqlite3_column_int64(st, 2)));
		json_object_set_new(
			o, "actor",
			sqlite3_column_int64(st, 5)
				? rd_api_user_json(base.buf,
						   sqlite3_column_int64(st, 5),
						   rd_col(st, 6), rd_col(st, 7))
				: json_null());
		st_json_set_int(po, "id", pid);
		json_object_set_new(
			po, "url",
			rd_api_jurl(base.buf, API "/patches/%lld/", pid));
		json_object_set_new(po, "web_url",
				    rd_api_jurl(base.buf, "/patch/%lld/", pid));
		json_object_set_new(po, "msgid", rd_api_jmsgid(rd_col(st, 10)));
		st_json_set_str(po, "name", rd_col(st, 9));
		json_object_set_new(payload, "patch", po);
		st_json_set_str(payload, "previous_state", rd_col(st, 3));
		st_json_set_str(payload, "current_state", rd_col(st, 4));
		json_object_set_new(o, "payload", payload);
		json_array_append_new(arr, o);
	}
	sqlite3_reset(st);
	if ((rc = rd_step_error(s, rc, &req->err)) < 0)
		goto out;
	rc = rd_api_reply_list(req, base.buf, &pg, total, arr);
	arr = NULL;
out:
	json_decref(arr);
	st_buf_release(&base);
	return rc;
}
