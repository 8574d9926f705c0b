/*
 * dash.c: the dashboard server: the route table, per-thread stores,
 * shared page helpers, the stylesheet and the home page.
 */
#include "dash.h"

#include "common/html.h"
#include "common/log.h"
#include "common/util.h"
#include "common/xalloc.h"
#include "dash-priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct st_httpd_route routes[] = {
	{"GET", "/", rd_page_home},
	{"GET", "/static/style.css", rd_page_css},
	{"GET", "/queue", rd_page_queue},
	{"GET", "/queue.atom", rd_page_queue_atom},
	{"GET", "/series/*/mbox", rd_page_series_mbox},
	{"GET", "/series/*", rd_page_series},
	{"GET", "/patch/*/mbox", rd_page_patch_mbox},
	{"GET", "/patch/*", rd_page_patch},
	{"GET", "/project/*/patch/*/mbox", rd_page_patch_mbox_msgid},
	{"GET", "/people/*", rd_page_people},
	{"GET", "/metrics", rd_page_metrics},
	{"GET", "/security/issues", rd_page_security_issues},
	{"GET", "/security/issues/*", rd_page_security_issue},
	{"GET", "/api/1.2", rd_api_index},
	{"GET", "/api", rd_api_index},
	{"GET", "/api/1.2/projects", rd_api_projects},
	{"GET", "/api/1.2/projects/*", rd_api_project},
	{"GET", "/api/1.2/people", rd_api_people},
	{"GET", "/api/1.2/people/*", rd_api_person},
	{"GET", "/api/1.2/users", rd_api_users},
	{"GET", "/api/1.2/users/*", rd_api_user},
	{"GET", "/api/1.2/patches", rd_api_patches},
	{"GET", "/api/1.2/patches/*", rd_api_patch},
	{"PATCH", "/api/1.2/patches/*", rd_api_patch_update},
	{"PUT", "/api/1.2/patches/*", rd_api_patch_update},
	{"GET", "/api/1.2/patches/*/comments", rd_api_patch_comments},
	{"GET", "/api/1.2/patches/*/checks", rd_api_patch_checks},
	{"POST", "/api/1.2/patches/*/checks", rd_api_patch_check_add},
	{"GET", "/api/1.2/covers", rd_api_covers},
	{"GET", "/api/1.2/covers/*", rd_api_cover},
	{"GET", "/api/1.2/series", rd_api_series_list},
	{"GET", "/api/1.2/series/*", rd_api_series},
	{"GET", "/api/1.2/events", rd_api_events},
	{"GET", "/api/1.2/bundles", rd_api_empty},
	{NULL, NULL, NULL},
};

static const char style_css[] =
	"body{font-family:sans-serif;margin:0 auto;max-width:72em;"
	"padding:0 1em;color:#222;background:#fff}\n"
	"nav{border-bottom:1px solid #ccc;padding:.5em 0;margin-bottom:1em}\n"
	"nav a{margin-right:1em}\n"
	"table{border-collapse:collapse;width:100%}\n"
	"th,td{text-align:left;padding:.2em .5em;border-bottom:1px solid "
	"#eee;vertical-align:top}\n"
	"th{background:#f4f4f4}\n"
	"pre{background:#f8f8f8;padding:.5em;overflow-x:auto;"
	"white-space:pre-wrap}\n"
	".add{color:#060}.del{color:#a00}.hunk{color:#05a}\n"
	".state{font-size:90%;padding:0 .3em;border-radius:3px;"
	"background:#eef}\n"
	".muted{color:#777}\n"
	"form.filters input,form.filters select{margin-right:.5em}\n"
	".chart rect{fill:#58a}\n";

struct rd_dash *rd_dash_app(struct st_httpd_req *req)
{
	return req->app;
}

struct st_store *rd_dash_ro(struct st_httpd_req *req)
{
	struct rd_dash_thread *t = req->thread_data;

	return t->ro;
}

struct st_store *rd_dash_rw(struct st_httpd_req *req)
{
	struct rd_dash_thread *t = req->thread_data;
	struct rd_dash *app = req->app;

	if (!t->rw && st_store_open(&t->rw, app->db_path, 0, &req->err) < 0)
		t->rw = NULL;
	return t->rw;
}

static void *thread_open(void *data, struct st_error *err)
{
	struct rd_dash *app = data;
	struct rd_dash_thread *t = st_xcalloc(1, sizeof(*t));

	if (st_store_open(&t->ro, app->db_path, ST_STORE_READONLY, err) < 0) {
		free(t);
		return NULL;
	}
	/* Readers keep the hot part of the store in memory: a larger page
	 * cache and mmap instead of a read() per page. */
	if (st_store_exec(t->ro,
			  "PRAGMA cache_size = -65536;"
			  "PRAGMA mmap_size = 1073741824",
			  err) < 0) {
		st_store_free(t->ro);
		free(t);
		return NULL;
	}
	return t;
}

/* Changes whenever another connection commits to the store: cached pages
 * of this worker are valid while it stays the same. */
static uint64_t generation(void *data)
{
	static const char sql[] = "PRAGMA data_version";
	struct rd_dash_thread *t = data;
	sqlite3_stmt *st = st_store_stmt(t->ro, sql, NULL);
	uint64_t v = 0;

	if (st && sqlite3_step(st) == SQLITE_ROW)
		v = (uint64_t)sqlite3_column_int64(st, 0);
	if (st)
		sqlite3_reset(st);
	return v;
}

static void thread_close(void *data)
{
	struct rd_dash_thread *t = data;

	for (size_t i = 0; i < RD_COUNT_SLOTS; i++)
		free(t->counts[i].key);
	st_store_free(t->ro);
	st_store_free(t->rw);
	free(t);
}

static uint64_t generation(void *data);

static int add_key_param(const char *key, const char *value, void *data)
{
	if (strcmp(key, "page") && strcmp(key, "per_page")) {
		st_buf_addstr(data, key);
		st_buf_addch(data, '=');
		st_buf_addstr(data, value);
		st_buf_addch(data, '&');
	}
	return 0;
}

static void count_key(struct st_httpd_req *req, struct st_buf *key)
{
	st_buf_addstr(key, req->path);
	st_buf_addch(key, '?');
	st_httpd_query_each(req, add_key_param, key);
}

bool rd_dash_count_get(struct st_httpd_req *req, int64_t *out)
{
	struct rd_dash_thread *t = req->thread_data;
	struct st_buf key = ST_BUF_INIT;
	uint64_t gen = generation(t);
	bool hit = false;

	count_key(req, &key);
	for (size_t i = 0; i < RD_COUNT_SLOTS && !hit; i++) {
		if (t->counts[i].key && !strcmp(t->counts[i].key, key.buf) &&
		    t->counts[i].generation == gen) {
			*out = t->counts[i].total;
			hit = true;
		}
	}
	st_buf_release(&key);
	return hit;
}

void rd_dash_count_put(struct st_httpd_req *req, int64_t total)
{
	struct rd_dash_thread *t = req->thread_data;
	unsigned i = t->next_count++ % RD_COUNT_SLOTS;
	struct st_buf key = ST_BUF_INIT;

	count_key(req, &key);
	free(t->counts[i].key);
	t->counts[i].key = st_buf_detach(&key, NULL);
	t->counts[i].total = total;
	t->counts[i].generation = generation(t);
}

void rd_dash_count_clear(struct st_httpd_req *req)
{
	struct rd_dash_thread *t = req->thread_data;

	for (size_t i = 0; i < RD_COUNT_SLOTS; i++) {
		free(t->counts[i].key);
		t->counts[i].key = NULL;
	}
}

int rd_dash_id(int64_t *out, const char *s, struct st_error *err)
{
	if (st_parse_int64(out, s, 1, INT64_MAX, "id", NULL) < 0)
		return st_error_set(err, ST_ENOTFOUND, "no such id '%s'", s);
	return 0;
}

void rd_dash_base_url(struct st_httpd_req *req, struct st_buf *out)
{
	const char *host = st_httpd_header(req, "Host");
	bool ok = host && *host && strlen(host) < 256;

	for (const char *p = host; ok && *p; p++)
		ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		     (*p >= '0' && *p <= '9') || strchr(".-:[]", *p);
	st_buf_addstr(out, st_httpd_is_tls(req) ? "https://" : "http://");
	st_buf_addstr(out, ok ? host : "localhost");
}

void rd_page_begin(struct st_buf *b, const char *title)
{
	st_buf_addstr(b, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
			 "<meta charset=\"utf-8\">"
			 "<meta name=\"viewport\" "
			 "content=\"width=device-width\"><title>");
	st_html_text(b, title);
	st_buf_addstr(b, " - Steward</title>"
			 "<link rel=\"stylesheet\" href=\"/static/style.css\">"
			 "<link rel=\"alternate\" type=\"application/atom+xml\""
			 " href=\"/queue.atom\" title=\"Review queue\">"
			 "</head><body><nav><a href=\"/\">Lists</a>"
			 "<a href=\"/queue\">Queue</a>"
			 "<a href=\"/metrics\">Metrics</a>"
			 "<a href=\"/api/1.2/\">API</a></nav>\n<h1>");
	st_html_text(b, title);
	st_buf_addstr(b, "</h1>\n");
}

void rd_page_end(struct st_buf *b)
{
	st_buf_addstr(b, "\n<footer class=\"muted\"><p>Steward review "
			 "dashboard</p></footer></body></html>\n");
}

void rd_fmt_date(char out[16], int64_t t)
{
	char iso[32];

	st_time_iso(iso, sizeof(iso), (time_t)t);
	memcpy(out, iso, 10);
	out[10] = '\0';
}

void rd_fmt_age(char out[16], int64_t t, int64_t now)
{
	int64_t d = now - t;

	if (d < 0)
		d = 0;
	/* Ages are capped at 99999 days so the text always fits. */
	if (d > 99999LL * 86400)
		d = 99999LL * 86400;
	if (d >= 86400)
		snprintf(out, 16, "%dd", (int)(d / 86400));
	else if (d >= 3600)
		snprintf(out, 16, "%dh", (int)(d / 3600));
	else
		snprintf(out, 16, "%dm", (int)(d / 60));
}

int rd_page_css(struct st_httpd_req *req)
{
	st_httpd_add_header(req, "Cache-Control", "max-age=3600");
	return st_httpd_reply(req, 200, "text/css; charset=utf-8", style_css,
			      sizeof(style_css) - 1);
}

int rd_page_home(struct st_httpd_req *req)
{
	static const char sql[] =
		"SELECT l.id, l.name, l.address,"
		" (SELECT count(*) FROM series s WHERE s.list_id = l.id"
		"  AND s.state IN ('new', 'under-review')"
		"  AND s.superseded_by_id IS NULL),"
		" (SELECT min(s.date) FROM series s WHERE s.list_id = l.id"
		"  AND s.state IN ('new', 'under-review')"
		"  AND s.superseded_by_id IS NULL),"
		" (SELECT count(*) FROM series s WHERE s.list_id = l.id)"
		" FROM lists l ORDER BY l.name";
	struct st_store *s = rd_dash_ro(req);
	struct st_buf b = ST_BUF_INIT;
	int64_t now = (int64_t)st_time_now();
	sqlite3_stmt *st = st_store_stmt(s, sql, &req->err);
	int rc;

	if (!st)
		return ST_ERROR;
	rd_page_begin(&b, "Mailing lists");
	st_buf_addstr(&b, "<table><tr><th>List</th><th>Address</th>"
			  "<th>Waiting for review</th><th>Oldest</th>"
			  "<th>Series</th></tr>\n");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 1);
		const char *addr = (const char *)sqlite3_column_text(st, 2);
		char age[16] = "-";

		if (sqlite3_column_type(st, 4) != SQLITE_NULL)
			rd_fmt_age(age, sqlite3_column_int64(st, 4), now);
		st_buf_addstr(&b, "<tr><td><a href=\"/queue?list=");
		{
			struct st_buf u = ST_BUF_INIT;

			st_url_escape(&u, name ? name : "");
			st_html_attr(&b, u.buf);
			st_buf_release(&u);
		}
		st_buf_addstr(&b, "\">");
		st_html_text(&b, name ? name : "");
		st_buf_addstr(&b, "</a></td><td>");
		st_html_text(&b, addr ? addr : "");
		st_buf_addf(&b,
			    "</td><td>%lld</td><td>%s</td><td>%lld</td>"
			    "</tr>\n",
			    (long long)sqlite3_column_int64(st, 3), age,
			    (long long)sqlite3_column_int64(st, 5));
	}
	sqlite3_reset(st);
	st_buf_addstr(&b, "</table>\n");
	rd_page_end(&b);
	if (rc != SQLITE_DONE) {
		st_buf_release(&b);
		return st_store_check(s, rc, &req->err);
	}
	return st_httpd_html(req, 200, &b);
}

static int table_exists(struct st_store *s, const char *name, bool *out,
			struct st_error *err)
{
	static const char sql[] =
		"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?";
	sqlite3_stmt *st = st_store_stmt(s, sql, err);
	int rc;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE
		       ? 0
		       : st_store_check(s, rc, err);
}

int rd_dash_serve(const struct rd_dash_opts *opts, struct st_error *err)
{
	struct rd_dash app = {0};
	struct st_httpd_opts ho = {0};
	struct st_httpd *h = NULL;
	struct st_store *probe = NULL;
	int rc, sig;

	app.db_path = st_xstrdup(opts->db_path);
	/* Open once up front: a missing or old store fails here, clearly. */
	rc = st_store_open(&probe, opts->db_path, ST_STORE_READONLY, err);
	if (rc < 0)
		goto out;
	rc = table_exists(probe, "patch_commits", &app.has_trees, err);
	if (rc < 0)
		goto out;
	if (opts->maintainers) {
		rc = rd_maintainers_load(&app.maint, opts->maintainers, err);
		if (rc < 0)
			goto out;
	}
	ho.listen = opts->listen;
	ho.tls_cert = opts->tls_cert;
	ho.tls_key = opts->tls_key;
	ho.threads = opts->threads;
	ho.routes = routes;
	ho.app = &app;
	ho.thread_open = thread_open;
	ho.thread_close = thread_close;
	ho.cache_ttl_s = opts->cache_ttl;
	ho.generation = generation;
	ho.body_max = 256 * 1024;
	st_httpd_block_signals();
	rc = st_httpd_start(&h, &ho, err);
	if (rc < 0)
		goto out;
	printf("listening on %s://%s/ (port %u)\n",
	       opts->tls_cert ? "https" : "http",
	       opts->listen ? opts->listen : "127.0.0.1:8080",
	       st_httpd_port(h));
	fflush(stdout);
	sig = st_httpd_wait_signal();
	st_log(ST_LOG_INFO, "serve: signal %d, stopping", sig);
	rc = 0;
out:
	st_httpd_free(h);
	st_store_free(probe);
	rd_maintainers_free(app.maint);
	free(app.db_path);
	return rc;
}
/* ---- small HTML helpers shared by the pages ---- */

const char *rd_col(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s ? s : "";
}

void rd_add_url_attr(struct st_buf *b, const char *prefix, const char *arg)
{
	struct st_buf u = ST_BUF_INIT;

	st_buf_addstr(&u, prefix);
	st_url_escape(&u, arg);
	st_html_attr(b, u.buf);
	st_buf_release(&u);
}

void rd_add_person(struct st_buf *b, const char *name, const char *email)
{
	if (!*email) {
		st_html_text(b, *name ? name : "(unknown)");
		return;
	}
	st_buf_addstr(b, "<a href=\"");
	rd_add_url_attr(b, "/people/", email);
	st_buf_addstr(b, "\">");
	st_html_text(b, *name ? name : email);
	st_buf_addstr(b, "</a>");
}

void rd_add_link_id(struct st_buf *b, const char *kind, int64_t id,
		    const char *text)
{
	st_buf_addf(b, "<a href=\"/%s/%lld\">", kind, (long long)id);
	st_html_text(b, *text ? text : "(no subject)");
	st_buf_addstr(b, "</a>");
}

void rd_add_state(struct st_buf *b, const char *state)
{
	st_buf_addstr(b, "<span class=\"state\">");
	st_html_text(b, state);
	st_buf_addstr(b, "</span>");
}

/* A diff with +/- and @@ lines coloured, all text escaped. */
void rd_add_diff(struct st_buf *b, const char *diff)
{
	const char *p = diff;

	st_buf_addstr(b, "<pre class=\"diff\">");
	while (*p) {
		size_t n = strcspn(p, "\n");
		const char *cls = NULL;

		if (p[0] == '+' && strncmp(p, "+++", 3))
			cls = "add";
		else if (p[0] == '-' && strncmp(p, "---", 3))
			cls = "del";
		else if (!strncmp(p, "@@", 2))
			cls = "hunk";
		if (cls)
			st_buf_addf(b, "<span class=\"%s\">", cls);
		st_html_text_n(b, p, n);
		if (cls)
			st_buf_addstr(b, "</span>");
		st_buf_addch(b, '\n');
		p += n;
		if (*p)
			p++;
	}
	st_buf_addstr(b, "</pre>\n");
}

int rd_step_error(struct st_store *s, int rc, struct st_error *err)
{
	return rc == SQLITE_DONE ? 0 : st_store_check(s, rc, err);
}

bool rd_contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (!st_strncasecmp(hay, needle, n))
			return true;
	return n == 0;
}
