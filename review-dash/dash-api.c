/*
 * dash-api.c: the REST API, a subset of Patchwork's API 1.2 that the
 * tools reviewers use (git-pw 2.0) speak unmodified: projects, people,
 * users, patches (read, and PATCH of state, delegate, archived and
 * commit_ref), covers, series, comments, checks (read, and POST by CI),
 * events and bundles (empty). Lists paginate with page/per_page and a
 * Link header. Reads are public; writes need "Authorization: Token T".
 */
#include "common/html.h"
#include "common/json.h"
#include "common/log.h"
#include "common/util.h"
#include "common/xalloc.h"
#include "dash-priv.h"
#include "users.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "dash-api-priv.h"

#define PER_PAGE_DEFAULT 30
#define PER_PAGE_MAX	 250

const char *const rd_api_patch_states[] = {"new",
					   "under-review",
					   "accepted",
					   "rejected",
					   "rfc",
					   "not-applicable",
					   "changes-requested",
					   "awaiting-upstream",
					   "superseded",
					   "deferred",
					   NULL};

/* ---- small JSON helpers ---- */

json_t *rd_api_jdate(int64_t t)
{
	char iso[32];

	st_time_iso(iso, sizeof(iso), (time_t)t);
	iso[19] = '\0'; /* Patchwork's format has no zone suffix */
	return json_string(iso);
}

json_t *rd_api_jurl(const char *base, const char *fmt, int64_t id)
{
	struct st_buf b = ST_BUF_INIT;
	json_t *v;

	const char *hole = strstr(fmt, "%lld");

	/* fmt is one of our literals with one "%lld"; expanded by hand so
	 * the compiler needs no non-literal format. */
	assert(hole);
	st_buf_addstr(&b, base);
	st_buf_add(&b, fmt, (size_t)(hole - fmt));
	st_buf_addf(&b, "%lld", (long long)id);
	st_buf_addstr(&b, hole + 4);
	v = st_json_str(b.buf);
	st_buf_release(&b);
	return v;
}

json_t *rd_api_jmsgid(const char *msgid)
{
	struct st_buf b = ST_BUF_INIT;
	json_t *v;

	st_buf_addf(&b, "<%s>", msgid);
	v = st_json_str(b.buf);
	st_buf_release(&b);
	return v;
}

json_t *rd_api_person_json(const char *base, int64_t id, const char *name,
			   const char *email)
{
	json_t *o = json_object();

	st_json_set_int(o, "id", id);
	json_object_set_new(o, "url",
			    rd_api_jurl(base, API "/people/%lld/", id));
	st_json_set_str(o, "name", *name ? name : email);
	st_json_set_str(o, "email", email);
	return o;
}

json_t *rd_api_user_json(const char *base, int64_t id, const char *username,
			 const char *email)
{
	json_t *o = json_object();

	st_json_set_int(o, "id", id);
	json_object_set_new(o, "url",
			    rd_api_jurl(base, API "/users/%lld/", id));
	st_json_set_str(o, "username", username);
	st_json_set_str(o, "first_name", "");
	st_json_set_str(o, "last_name", "");
	st_json_set_str(o, "email", email);
	return o;
}

json_t *rd_api_project_json(const char *base, int64_t id, const char *name,
			    const char *address)
{
	json_t *o = json_object();
	struct st_buf web = ST_BUF_INIT;

	st_json_set_int(o, "id", id);
	json_object_set_new(o, "url",
			    rd_api_jurl(base, API "/projects/%lld/", id));
	st_json_set_str(o, "name", name);
	st_json_set_str(o, "link_name", name);
	st_json_set_str(o, "list_id", name);
	st_json_set_str(o, "list_email", address);
	st_buf_addstr(&web, base);
	st_buf_addstr(&web, "/queue?list=");
	st_url_escape(&web, name);
	st_json_set_str(o, "web_url", web.buf);
	st_buf_release(&web);
	st_json_set_str(o, "scm_url", "");
	st_json_set_str(o, "webscm_url", "");
	st_json_set_str(o, "list_archive_url", "");
	st_json_set_str(o, "list_archive_url_format", "");
	st_json_set_str(o, "commit_url_format", "");
	json_object_set_new(o, "maintainers", json_array());
	st_json_set_str(o, "subject_match", "");
	return o;
}

json_t *rd_api_patch_mbox_url(const char *base, const char *list,
			      const char *msgid)
{
	struct st_buf b = ST_BUF_INIT;
	json_t *v;

	st_buf_addstr(&b, base);
	st_buf_addstr(&b, "/project/");
	st_url_escape(&b, *list ? list : "-");
	st_buf_addstr(&b, "/patch/");
	st_url_escape(&b, msgid);
	st_buf_addstr(&b, "/mbox/");
	v = st_json_str(b.buf);
	st_buf_release(&b);
	return v;
}

/* ---- pagination ---- */

int rd_api_parse_page(struct st_httpd_req *req, struct rd_api_page *pg)
{
	const char *p = st_httpd_query(req, "page");
	const char *pp = st_httpd_query(req, "per_page");

	pg->page = 1;
	pg->per_page = PER_PAGE_DEFAULT;
	if (p &&
	    st_parse_int64(&pg->page, p, 1, 1000000, "page", &req->err) < 0)
		return ST_EINVALID;
	if (pp && st_parse_int64(&pg->per_page, pp, 1, PER_PAGE_MAX, "per_page",
				 &req->err) < 0)
		return ST_EINVALID;
	return 0;
}

struct link_ctx {
	struct st_buf *b;
};

static int add_param(const char *key, const char *value, void *data)
{
	struct link_ctx *l = data;

	if (!strcmp(key, "page") || !strcmp(key, "per_page"))
		return 0;
	st_buf_addch(l->b, '&');
	st_url_escape(l->b, key);
	st_buf_addch(l->b, '=');
	st_url_escape(l->b, value);
	return 0;
}

static void add_link(struct st_httpd_req *req, struct st_buf *link,
		     const char *base, const struct rd_api_page *pg,
		     int64_t page, const char *rel)
{
	struct link_ctx l = {link};

	if (link->len)
		st_buf_addstr(link, ", ");
	st_buf_addf(link, "<%s%s?page=%lld&per_page=%lld", base, req->path,
		    (long long)page, (long long)pg->per_page);
	st_httpd_query_each(req, add_param, &l);
	st_buf_addf(link, ">; rel=\"%s\"", rel);
}

int rd_api_reply_list(struct st_httpd_req *req, const char *base,
		      const struct rd_api_page *pg, int64_t total, json_t *arr)
{
	struct st_buf link = ST_BUF_INIT;
	int64_t last = total ? (total + pg->per_page - 1) / pg->per_page : 1;
	int rc;

	if (pg->page < last)
		add_link(req, &link, base, pg, pg->page + 1, "next");
	if (pg->page > 1)
		add_link(req, &link, base, pg, pg->page - 1, "prev");
	add_link(req, &link, base, pg, 1, "first");
	add_link(req, &link, base, pg, last, "last");
	rc = st_httpd_add_header(req, "Link", link.buf);
	st_buf_release(&link);
	if (rc == 0)
		rc = st_httpd_json(req, 200, arr);
	json_decref(arr);
	return rc;
}

int rd_api_reply(struct st_httpd_req *req, const char *missing, int64_t id,
		 const char *base, const struct rd_api_page *pg, int64_t total,
		 json_t *arr)
{
	int rc;

	if (!missing)
		return rd_api_reply_list(req, base, pg, total, arr);
	if (!json_array_size(arr))
		rc = st_error_set(&req->err, ST_ENOTFOUND, "%s %lld", missing,
				  (long long)id);
	else
		rc = st_httpd_json(req, 200, json_array_get(arr, 0));
	json_decref(arr);
	return rc;
}

int rd_api_count_of(struct st_store *s, sqlite3_stmt *st, int64_t *out,
		    struct st_error *err)
{
	int rc = sqlite3_step(st);

	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : rd_step_error(s, rc, err);
}

/* ---- index, projects ---- */

int rd_api_index(struct st_httpd_req *req)
{
	static const char *const names[] = {"projects", "users",   "people",
					    "patches",	"covers",  "series",
					    "events",	"bundles", NULL};
	struct st_buf base = ST_BUF_INIT;
	json_t *o = json_object();
	int rc;

	rd_dash_base_url(req, &base);
	for (int i = 0; names[i]; i++) {
		struct st_buf u = ST_BUF_INIT;

		st_buf_addf(&u, "%s" API "/%s/", base.buf, names[i]);
		st_json_set_str(o, names[i], u.buf);
		st_buf_release(&u);
	}
	rc = st_httpd_json(req, 200, o);
	json_decref(o);
	st_buf_release(&base);
	return rc;
}

static const char sql_projects[] =
	"SELECT id, name, ifnull(address, '') FROM lists"
	" WHERE ?1 IS NULL OR id = ?1 ORDER BY id LIMIT ?2 OFFSET ?3";

static int projects(struct st_httpd_req *req, const char *id_s)
{
	static const char sql_count[] = "SELECT count(*) FROM lists";
	struct st_store *s = rd_dash_ro(req);
	struct st_buf base = ST_BUF_INIT;
	struct rd_api_page pg;
	json_t *arr = json_array();
	sqlite3_stmt *st;
	int64_t id = 0, total = 0;
	int rc = rd_api_parse_page(req, &pg);

	if (rc == 0 && id_s)
		rc = rd_dash_id(&id, id_s, &req->err);
	if (rc == 0 && !id_s) {
		st = st_store_stmt(s, sql_count, &req->err);
		rc = st ? rd_api_count_of(s, st, &total, &req->err) : ST_ERROR;
	}
	st = rc == 0 ? st_store_stmt(s, sql_projects, &req->err) : NULL;
	if (rc == 0 && !st)
		rc = ST_ERROR;
	if (rc < 0)
		goto out;
	rd_dash_base_url(req, &base);
	if (id)
		sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, id ? 1 : pg.per_page);
	sqlite3_bind_int64(st, 3, id ? 0 : (pg.page - 1) * pg.per_page);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(
			arr, rd_api_project_json(base.buf,
						 sqlite3_column_int64(st, 0),
						 rd_col(st, 1), rd_col(st, 2)));
	sqlite3_reset(st);
	if ((rc = rd_step_error(s, rc, &req->err)) < 0)
		goto out;
	rc = rd_api_reply(req, id_s ? "no project" : NULL, id, base.buf, &pg, total,
			  arr);
	arr = NULL;
out:
	json_decref(arr);
	st_buf_release(&base);
	return rc;
}

int rd_api_projects(struct st_httpd_req *req)
{
	return projects(req, NULL);
}

int rd_api_project(struct st_httpd_req *req)
{
	return projects(req, req->args[0]);
}

/* ---- people and users ---- */

static const char sql_people[] =
	"SELECT id, ifnull(name, ''), email FROM people"
	" WHERE (?1 IS NULL OR id = ?1)"
	" AND (?2 IS NULL OR instr(lower(ifnull(name, '')), lower(?2)) > 0"
	"  OR instr(lower(email), lower(?2)) > 0)"
	" ORDER BY id LIMIT ?3 OFFSET ?4";
static const char sql_people_count[] =
	"SELECT count(*) FROM people WHERE (?1 IS NULL OR id = ?1)"
	" AND (?2 IS NULL OR instr(lower(ifnull(name, '')), lower(?2)) > 0"
	"  OR instr(lower(email), lower(?2)) > 0)";
static const char sql_users[] =
	"SELECT id, username, ifnull(email, '') FROM users"
	" WHERE (?1 IS NULL OR id = ?1)"
	" AND (?2 IS NULL OR instr(lower(username), lower(?2)) > 0"
	"  OR instr(lower(ifnull(email, '')), lower(?2)) > 0)"
	" ORDER BY id LIMIT ?3 OFFSET ?4";
static const char sql_users_count[] =
	"SELECT count(*) FROM users WHERE (?1 IS NULL OR id = ?1)"
	" AND (?2 IS NULL OR instr(lower(username), lower(?2)) > 0"
	"  OR instr(lower(ifnull(email, '')), lower(?2)) > 0)";

static int people_or_users(struct st_httpd_req *req, const char *id_s,
			   bool users)
{
	struct st_store *s = rd_dash_ro(req);
	struct st_buf base = ST_BUF_INIT;
	const char *q = st_httpd_query(req, "q");
	struct rd_api_page pg;
	json_t *arr = json_array();
	sqlite3_stmt *st = NULL, *cnt = NULL;
	int64_t id = 0, total = 0;
	int rc = rd_api_parse_page(req, &pg);

	if (rc == 0 && id_s)
		rc = rd_dash_id(&id, id_s, &req->err);
	if (rc < 0)
		goto out;
	rd_dash_base_url(req, &base);
	cnt = st_store_stmt(s, users ? sql_users_count : sql_people_count,
			    &req->err);
	if (!cnt) {
		rc = ST_ERROR;
		goto out;
	}
	if (id)
		sqlite3_bind_int64(cnt, 1, id);
	st_store_bind_text(cnt, 2, q);
	if ((rc = rd_api_count_of(s, cnt, &total, &req->err)) < 0)
		goto out;
	st = st_store_stmt(s, users ? sql_users : sql_people, &req->err);
	if (!st) {
		rc = ST_ERROR;
		goto out;
	}
	if (id)
		sqlite3_bind_int64(st, 1, id);
	st_store_bind_text(st, 2, q);
	sqlite3_bind_int64(st, 3, pg.per_page);
	sqlite3_bind_int64(st, 4, (pg.page - 1) * pg.per_page);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t rid = sqlite3_column_int64(st, 0);

		json_array_append_new(
			arr,
			users ? rd_api_user_json(base.buf, rid, rd_col(st, 1),
						 rd_col(st, 2))
			      : rd_api_person_json(base.buf, rid, rd_col(st, 1),
						   rd_col(st, 2)));
	}
	sqlite3_reset(st);
	if ((rc = rd_step_error(s, rc, &req->err)) < 0)
		goto out;
	rc = rd_api_reply(req, id_s ? "no such id" : NULL, id, base.buf, &pg, total,
			  arr);
	arr = NULL;
out:
	json_decref(arr);
	st_buf_release(&base);
	return rc;
}

int rd_api_people(struct st_httpd_req *req)
{
	return people_or_users(req, NULL, false);
}

int rd_api_person(struct st_httpd_req *req)
{
	return people_or_users(req, req->args[0], false);
}

int rd_api_users(struct st_httpd_req *req)
{
	return people_or_users(req, NULL, true);
}

int rd_api_user(struct st_httpd_req *req)
{
	return people_or_users(req, req->args[0], true);
}

int rd_api_empty(struct st_httpd_req *req)
{
	struct st_buf base = ST_BUF_INIT;
	struct rd_api_page pg;
	int rc = rd_api_parse_page(req, &pg);

	if (rc < 0)
		return rc;
	rd_dash_base_url(req, &base);
	rc = rd_api_reply_list(req, base.buf, &pg, 0, json_array());
	st_buf_release(&base);
	return rc;
}
