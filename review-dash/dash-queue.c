/*
 * dash-queue.c: the review queue page and its Atom feed, with the
 * maintainers (from MAINTAINERS) who still have to ack each series.
 */
#include "common/html.h"
#include "common/log.h"
#include "common/util.h"
#include "common/xalloc.h"
#include "dash-priv.h"

#include <stdlib.h>
#include <string.h>

#define QUEUE_PAGE 50
#define QUEUE_SCAN 5000 /* rows examined when filtering by maintainer */

/* ---- maintainers of a series ---- */

struct series_maint {
	struct st_buf all;     /* "\n"-separated M: entries of touched files */
	struct st_buf pending; /* those without an ack or review yet */
	struct st_buf areas;   /* "\n"-separated section titles */
};

static void add_unique(struct st_buf *b, const char *v)
{
	struct st_buf line = ST_BUF_INIT;

	st_buf_addf(&line, "\n%s\n", v);
	if (!strstr(b->buf, line.buf)) {
		if (!b->len)
			st_buf_addch(b, '\n');
		st_buf_addstr(b, v);
		st_buf_addch(b, '\n');
	}
	st_buf_release(&line);
}

static int add_maint(char tag, const char *value, void *data)
{
	(void)tag;
	add_unique(data, value);
	return 0;
}

static void files_of_diff(const struct rd_maintainers *m, const char *diff,
			  struct series_maint *sm)
{
	for (const char *p = diff; p && *p;
	     p = strchr(p, '\n'), p = p ? p + 1 : p) {
		const char *b;
		size_t idx[8], n;
		char *file;

		if (strncmp(p, "diff --git a/", 13))
			continue;
		b = strstr(p, " b/");
		if (!b || b > p + strcspn(p, "\n"))
			continue;
		file = st_xstrndup(b + 3, strcspn(b + 3, "\n"));
		n = rd_maintainers_match(m, file, idx, 8);
		for (size_t i = 0; i < n && i < 8; i++) {
			rd_maintainers_foreach(m, idx[i], "M", add_maint,
					       &sm->all);
			add_unique(&sm->areas, rd_maintainers_title(m, idx[i]));
		}
		free(file);
	}
}

static int series_maintainers(struct st_store *s,
			      const struct rd_maintainers *m, int64_t series,
			      struct series_maint *sm, struct st_error *err)
{
	static const char sql_diffs[] =
		"SELECT diff FROM patches WHERE series_id = ?";
	static const char sql_acks[] =
		"SELECT t.value FROM trailers t JOIN patches p"
		" ON p.id = t.patch_id WHERE p.series_id = ?1"
		" AND t.kind IN ('Acked-by', 'Reviewed-by')"
		" UNION ALL SELECT value FROM trailers WHERE patch_id IS NULL"
		" AND series_id = ?1 AND kind IN ('Acked-by', 'Reviewed-by')";
	struct st_buf acks = ST_BUF_INIT;
	sqlite3_stmt *st = st_store_stmt(s, sql_diffs, err);
	int rc;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, series);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		files_of_diff(m, rd_col(st, 0), sm);
	sqlite3_reset(st);
	if ((rc = rd_step_error(s, rc, err)) < 0)
		return rc;
	st = st_store_stmt(s, sql_acks, err);
	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, series);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		st_buf_addstr(&acks, rd_col(st, 0));
		st_buf_addch(&acks, '\n');
	}
	sqlite3_reset(st);
	rc = rd_step_error(s, rc, err);
	/* A maintainer is done when an ack or review names their address. */
	for (const char *p = sm->all.buf; rc == 0 && *p;) {
		size_t n = strcspn(p, "\n");
		char *entry = st_xstrndup(p, n);
		const char *lt = strchr(entry, '<');
		char *email = lt ? st_xstrndup(lt + 1, strcspn(lt + 1, ">"))
				 : st_xstrdup(entry);

		if (n && (!*email || !rd_contains_ci(acks.buf, email)))
			add_unique(&sm->pending, entry);
		free(entry);
		free(email);
		p += n;
		if (*p)
			p++;
	}
	st_buf_release(&acks);
	return rc;
}

static void series_maint_release(struct series_maint *sm)
{
	st_buf_release(&sm->all);
	st_buf_release(&sm->pending);
	st_buf_release(&sm->areas);
}

/* ---- the queue ---- */

struct queue_filter {
	const char *list;
	const char *submitter;
	const char *state;
	const char *maint;
	const char *area;
	int64_t age_days;
	bool noreply;
	int64_t page;
};

static int parse_filter(struct st_httpd_req *req, struct queue_filter *f)
{
	const char *v;

	memset(f, 0, sizeof(*f));
	f->page = 1;
	f->list = st_httpd_query(req, "list");
	f->submitter = st_httpd_query(req, "submitter");
	f->state = st_httpd_query(req, "state");
	f->maint = st_httpd_query(req, "maintainer");
	f->area = st_httpd_query(req, "area");
	v = st_httpd_query(req, "noreply");
	f->noreply = v && (!strcmp(v, "1") || !strcmp(v, "on"));
	v = st_httpd_query(req, "age");
	if (v && *v &&
	    st_parse_int64(&f->age_days, v, 0, 100000, "age", &req->err) < 0)
		return ST_EINVALID;
	v = st_httpd_query(req, "page");
	if (v && *v &&
	    st_parse_int64(&f->page, v, 1, 1000000, "page", &req->err) < 0)
		return ST_EINVALID;
	/* Empty form fields mean "any". */
	if (f->list && !*f->list)
		f->list = NULL;
	if (f->submitter && !*f->submitter)
		f->submitter = NULL;
	if (f->state && !*f->state)
		f->state = NULL;
	if (f->maint && !*f->maint)
		f->maint = NULL;
	if (f->area && !*f->area)
		f->area = NULL;
	return 0;
}

static const char sql_queue[] =
	"SELECT s.id, s.name, s.version, s.date, s.last_activity,"
	" s.received, s.total, s.state, ifnull(pe.name, ''),"
	" ifnull(pe.email, ''), ifnull(l.name, ''),"
	" (SELECT count(*) FROM comments c WHERE c.series_id = s.id) +"
	" (SELECT count(*) FROM comments c JOIN patches p"
	"  ON p.id = c.patch_id WHERE p.series_id = s.id) AS replies,"
	" (SELECT m.body FROM messages m WHERE m.id = s.cover_id)"
	" FROM series s LEFT JOIN people pe ON pe.id = s.submitter_id"
	" LEFT JOIN lists l ON l.id = s.list_id"
	" WHERE s.superseded_by_id IS NULL"
	" AND (?1 IS NULL OR l.name = ?1)"
	" AND (?2 IS NULL OR pe.email = ?2)"
	" AND ((?3 IS NULL AND s.state IN ('new', 'under-review'))"
	"  OR s.state = ?3)"
	" AND (?4 IS NULL OR s.date <= ?4)"
	" AND (?5 = 0 OR replies = 0)"
	" ORDER BY s.date, s.id LIMIT ?6 OFFSET ?7";

static sqlite3_stmt *queue_stmt(struct st_store *s,
				const struct queue_filter *f, int64_t now,
				bool scan, struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_queue, err);

	if (!st)
		return NULL;
	st_store_bind_text(st, 1, f->list);
	st_store_bind_text(st, 2, f->submitter);
	st_store_bind_text(st, 3, f->state);
	if (f->age_days)
		sqlite3_bind_int64(st, 4, now - f->age_days * 86400);
	sqlite3_bind_int(st, 5, f->noreply);
	sqlite3_bind_int64(st, 6, scan ? QUEUE_SCAN : QUEUE_PAGE + 1);
	sqlite3_bind_int64(st, 7, scan ? 0 : (f->page - 1) * QUEUE_PAGE);
	return st;
}

static int trailer_counts(struct st_store *s, int64_t series, int64_t out[3],
			  struct st_error *err)
{
	static const char sql[] =
		"SELECT kind, count(*) FROM ("
		" SELECT t.kind FROM trailers t JOIN patches p"
		"  ON p.id = t.patch_id WHERE p.series_id = ?1"
		"  AND t.message_id != p.message_id"
		" UNION ALL SELECT kind FROM trailers WHERE patch_id IS NULL"
		"  AND series_id = ?1)"
		" WHERE kind IN ('Reviewed-by', 'Acked-by', 'Tested-by')"
		" GROUP BY kind";
	sqlite3_stmt *st = st_store_stmt(s, sql, err);
	int rc;

	out[0] = out[1] = out[2] = 0;
	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, series);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *k = rd_col(st, 0);
		int i = !strcmp(k, "Reviewed-by") ? 0
			: !strcmp(k, "Acked-by")  ? 1
						  : 2;

		out[i] = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rd_step_error(s, rc, err);
}

static void add_filter_query(struct st_buf *u, const struct queue_filter *f)
{
	const char *keys[] = {"list",	    "submitter", "state",
			      "maintainer", "area",	 NULL};
	const char *vals[] = {f->list, f->submitter, f->state, f->maint,
			      f->area};

	for (int i = 0; keys[i]; i++) {
		if (!vals[i])
			continue;
		st_buf_addf(u, "&%s=", keys[i]);
		st_url_escape(u, vals[i]);
	}
	if (f->age_days)
		st_buf_addf(u, "&age=%lld", (long long)f->age_days);
	if (f->noreply)
		st_buf_addstr(u, "&noreply=1");
}

static void add_input(struct st_buf *b, const char *label, const char *name,
		      const char *value)
{
	st_buf_addf(b, "<label>%s <input name=\"%s\" value=\"", label, name);
	st_html_attr(b, value ? value : "");
	st_buf_addstr(b, "\"></label>");
}

static void queue_form(struct st_buf *b, const struct queue_filter *f,
		       bool has_maint)
{
	char age[24] = "";

	if (f->age_days)
		snprintf(age, sizeof(age), "%lld", (long long)f->age_days);
	st_buf_addstr(b, "<form class=\"filters\" method=\"get\" "
			 "action=\"/queue\">");
	add_input(b, "List", "list", f->list);
	add_input(b, "Submitter", "submitter", f->submitter);
	add_input(b, "State", "state", f->state);
	add_input(b, "Older than (days)", "age", age);
	if (has_maint) {
		add_input(b, "Maintainer", "maintainer", f->maint);
		add_input(b, "Area", "area", f->area);
	}
	st_buf_addf(b,
		    "<label><input type=\"checkbox\" name=\"noreply\" "
		    "value=\"1\"%s> no reply yet</label> "
		    "<button type=\"submit\">Filter</button></form>\n",
		    f->noreply ? " checked" : "");
}

/* One queue row as HTML. */
static int queue_row(struct st_buf *b, struct st_store *s, sqlite3_stmt *st,
		     const struct series_maint *sm, int64_t now,
		     struct st_error *err)
{
	int64_t id = sqlite3_column_int64(st, 0), counts[3];
	char age[16], act[16];
	int rc = trailer_counts(s, id, counts, err);

	if (rc < 0)
		return rc;
	rd_fmt_age(age, sqlite3_column_int64(st, 3), now);
	rd_fmt_age(act, sqlite3_column_int64(st, 4), now);
	st_buf_addstr(b, "<tr><td>");
	rd_add_link_id(b, "series", id, rd_col(st, 1));
	st_buf_addf(b, "</td><td>v%lld</td><td>",
		    (long long)sqlite3_column_int64(st, 2));
	rd_add_person(b, rd_col(st, 8), rd_col(st, 9));
	st_buf_addstr(b, "</td><td>");
	st_html_text(b, rd_col(st, 10));
	st_buf_addf(b,
		    "</td><td>%s</td><td>%s ago</td><td>%lld/%lld</td>"
		    "<td>R:%lld A:%lld T:%lld</td><td>%lld</td><td>",
		    age, act, (long long)sqlite3_column_int64(st, 5),
		    (long long)sqlite3_column_int64(st, 6),
		    (long long)counts[0], (long long)counts[1],
		    (long long)counts[2],
		    (long long)sqlite3_column_int64(st, 11));
	if (sm)
		st_html_text(b, sm->pending.len ? sm->pending.buf + 1 : "");
	st_buf_addstr(b, "</td></tr>\n");
	return 0;
}

int rd_page_queue(struct st_httpd_req *req)
{
	struct rd_dash *app = rd_dash_app(req);
	struct st_store *s = rd_dash_ro(req);
	struct queue_filter f;
	struct st_buf b = ST_BUF_INIT, u = ST_BUF_INIT;
	int64_t now = (int64_t)st_time_now();
	bool scan;
	sqlite3_stmt *st;
	int64_t shown = 0, skipped = 0;
	bool more = false;
	int rc;

	rc = parse_filter(req, &f);
	if (rc < 0)
		return rc;
	scan = app->maint && (f.maint || f.area);
	st = queue_stmt(s, &f, now, scan, &req->err);
	if (!st)
		return ST_ERROR;
	rd_page_begin(&b, "Review queue");
	queue_form(&b, &f, app->maint != NULL);
	st_buf_addstr(&b, "<table><tr><th>Series</th><th>Version</th>"
			  "<th>Submitter</th><th>List</th><th>Age</th>"
			  "<th>Last activity</th><th>Patches</th>"
			  "<th>Trailers</th><th>Replies</th>"
			  "<th>Still to ack</th></tr>\n");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct series_maint sm = {ST_BUF_INIT, ST_BUF_INIT,
					  ST_BUF_INIT};
		int64_t id = sqlite3_column_int64(st, 0);
		int r = 0;

		if (shown == QUEUE_PAGE) {
			more = true;
			break;
		}
		if (app->maint) {
			/* Other cached statements on the same connection
			 * may run while this one is stepping. */
			r = series_maintainers(s, app->maint, id, &sm,
					       &req->err);
			if (r == 0 && scan &&
			    ((f.maint &&
			      !rd_contains_ci(sm.all.buf, f.maint)) ||
			     (f.area &&
			      !rd_contains_ci(sm.areas.buf, f.area)))) {
				series_maint_release(&sm);
				continue;
			}
			if (r == 0 && scan &&
			    skipped < (f.page - 1) * QUEUE_PAGE) {
				skipped++;
				series_maint_release(&sm);
				continue;
			}
		}
		if (r == 0)
			r = queue_row(&b, s, st, app->maint ? &sm : NULL, now,
				      &req->err);
		series_maint_release(&sm);
		if (r < 0) {
			rc = r;
			break;
		}
		shown++;
	}
	sqlite3_reset(st);
	if (rc < 0 || (rc != SQLITE_ROW && rc != SQLITE_DONE)) {
		st_buf_release(&b);
		return rc < 0 ? rc : st_store_check(s, rc, &req->err);
	}
	st_buf_addstr(&b, "</table>\n<p>");
	if (!shown)
		st_buf_addstr(&b, "Nothing waiting for review. ");
	if (f.page > 1) {
		st_buf_addf(&u, "/queue?page=%lld", (long long)f.page - 1);
		add_filter_query(&u, &f);
		st_buf_addstr(&b, "<a rel=\"prev\" href=\"");
		st_html_href(&b, u.buf);
		st_buf_addstr(&b, "\">Previous</a> ");
		st_buf_reset(&u);
	}
	if (more) {
		st_buf_addf(&u, "/queue?page=%lld", (long long)f.page + 1);
		add_filter_query(&u, &f);
		st_buf_addstr(&b, "<a rel=\"next\" href=\"");
		st_html_href(&b, u.buf);
		st_buf_addstr(&b, "\">Next</a> ");
		st_buf_reset(&u);
	}
	st_buf_addstr(&u, "/queue.atom?page=1");
	add_filter_query(&u, &f);
	st_buf_addstr(&b, "<a href=\"");
	st_html_href(&b, u.buf);
	st_buf_addstr(&b, "\">Atom feed of this queue</a></p>\n");
	st_buf_release(&u);
	rd_page_end(&b);
	return st_httpd_html(req, 200, &b);
}

/* Atom needs XML escaping; st_html_text escapes the same five. */
int rd_page_queue_atom(struct st_httpd_req *req)
{
	struct rd_dash *app = rd_dash_app(req);
	struct st_store *s = rd_dash_ro(req);
	struct queue_filter f;
	struct st_buf b = ST_BUF_INIT, base = ST_BUF_INIT;
	int64_t now = (int64_t)st_time_now();
	bool scan;
	sqlite3_stmt *st;
	char iso[32];
	int64_t shown = 0;
	int rc;

	rc = parse_filter(req, &f);
	if (rc < 0)
		return rc;
	scan = app->maint && (f.maint || f.area);
	st = queue_stmt(s, &f, now, scan, &req->err);
	if (!st)
		return ST_ERROR;
	rd_dash_base_url(req, &base);
	st_time_iso(iso, sizeof(iso), (time_t)now);
	st_buf_addstr(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
			  "<feed xmlns=\"http://www.w3.org/2005/Atom\">"
			  "<title>Steward review queue</title><id>");
	st_html_text(&b, base.buf);
	st_buf_addf(&b, "/queue</id><updated>%s</updated>\n", iso);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && shown < QUEUE_PAGE) {
		int64_t id = sqlite3_column_int64(st, 0);
		struct series_maint sm = {ST_BUF_INIT, ST_BUF_INIT,
					  ST_BUF_INIT};

		if (scan) {
			if (series_maintainers(s, app->maint, id, &sm,
					       &req->err) < 0 ||
			    (f.maint && !rd_contains_ci(sm.all.buf, f.maint)) ||
			    (f.area && !rd_contains_ci(sm.areas.buf, f.area))) {
				series_maint_release(&sm);
				continue;
			}
			series_maint_release(&sm);
		}
		st_time_iso(iso, sizeof(iso),
			    (time_t)sqlite3_column_int64(st, 4));
		st_buf_addstr(&b, "<entry><title>");
		st_html_text(&b, rd_col(st, 1));
		st_buf_addstr(&b, "</title><id>");
		st_html_text(&b, base.buf);
		st_buf_addf(&b, "/series/%lld</id><link href=\"",
			    (long long)id);
		st_html_attr(&b, base.buf);
		st_buf_addf(&b, "/series/%lld\"/><updated>%s</updated>",
			    (long long)id, iso);
		st_buf_addstr(&b, "<author><name>");
		st_html_text(&b,
			     *rd_col(st, 8) ? rd_col(st, 8) : rd_col(st, 9));
		st_buf_addf(&b,
			    "</name></author><summary type=\"text\">v%lld, "
			    "%lld/%lld patches, ",
			    (long long)sqlite3_column_int64(st, 2),
			    (long long)sqlite3_column_int64(st, 5),
			    (long long)sqlite3_column_int64(st, 6));
		st_html_text(&b, rd_col(st, 7));
		st_buf_addstr(&b, "</summary></entry>\n");
		shown++;
	}
	sqlite3_reset(st);
	st_buf_release(&base);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		st_buf_release(&b);
		return st_store_check(s, rc, &req->err);
	}
	st_buf_addstr(&b, "</feed>\n");
	rc = st_httpd_reply(req, 200, "application/atom+xml; charset=utf-8",
			    b.buf, b.len);
	st_buf_release(&b);
	return rc;
}
