/*
 * dash-pages.c: the series, patch and contributor pages and the mbox
 * downloads. Every string from the store reaches a page only through
 * st_html_* (mail content is hostile).
 */
#include "common/html.h"
#include "common/log.h"
#include "common/util.h"
#include "common/xalloc.h"
#include "dash-priv.h"

#include <stdlib.h>
#include <string.h>

/* Trailers of a patch (patch_id) or of a series' cover (series_id),
 * as a list. */
static int add_trailers(struct st_buf *b, struct st_store *s, int64_t patch,
			int64_t series, struct st_error *err)
{
	/* Two statements rather than an OR, so each uses its index. */
#define TRAILER_COLS                                                           \
	"SELECT t.kind, t.value, ifnull(pe.email, ''),"                        \
	" t.message_id != ifnull(p.message_id, 0)"                             \
	" FROM trailers t LEFT JOIN people pe ON pe.id = t.person_id"          \
	" LEFT JOIN patches p ON p.id = t.patch_id"
	static const char sql_patch[] =
		TRAILER_COLS " WHERE t.patch_id = ?1 AND ?2 = 0 ORDER BY t.id";
	static const char sql_series[] =
		TRAILER_COLS " WHERE t.series_id = ?2 AND t.patch_id IS NULL"
			     " AND ?1 = 0 ORDER BY t.id";
#undef TRAILER_COLS
	sqlite3_stmt *st =
		st_store_stmt(s, patch ? sql_patch : sql_series, err);
	int rc, n = 0;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, patch);
	sqlite3_bind_int64(st, 2, series);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!n++)
			st_buf_addstr(b, "<ul class=\"trailers\">");
		st_buf_addstr(b, "<li>");
		st_html_text(b, rd_col(st, 0));
		st_buf_addstr(b, ": ");
		st_html_text(b, rd_col(st, 1));
		if (sqlite3_column_int(st, 3))
			st_buf_addstr(b, " <span class=\"muted\">(from a "
					 "reply)</span>");
		st_buf_addstr(b, "</li>");
	}
	sqlite3_reset(st);
	if (n)
		st_buf_addstr(b, "</ul>\n");
	return rd_step_error(s, rc, err);
}

/* Comments on a patch or a series (and its patches), oldest first. */
static int add_comments(struct st_buf *b, struct st_store *s, int64_t patch,
			int64_t series, struct st_error *err)
{
#define COMMENT_COLS                                                           \
	"SELECT m.id, m.date, ifnull(pe.name, ''),"                            \
	" ifnull(pe.email, ''), m.subject, ifnull(m.body, ''),"                \
	" ifnull(m.parent_id, 0)"                                              \
	" FROM comments c JOIN messages m ON m.id = c.message_id"              \
	" LEFT JOIN people pe ON pe.id = m.author_id"
	static const char sql_patch[] =
		COMMENT_COLS " WHERE c.patch_id = ?1 AND ?2 = 0"
			     " ORDER BY m.date, m.id LIMIT 500";
	static const char sql_series[] =
		COMMENT_COLS " WHERE ?1 = 0 AND c.message_id IN ("
			     " SELECT message_id FROM comments"
			     "  WHERE series_id = ?2"
			     " UNION ALL SELECT c2.message_id FROM patches p"
			     "  JOIN comments c2 ON c2.patch_id = p.id"
			     "  WHERE p.series_id = ?2)"
			     " ORDER BY m.date, m.id LIMIT 500";
#undef COMMENT_COLS
	sqlite3_stmt *st =
		st_store_stmt(s, patch ? sql_patch : sql_series, err);
	int rc, n = 0;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, patch);
	sqlite3_bind_int64(st, 2, series);
	st_buf_addstr(b, "<h2>Comments</h2>\n");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char date[16];

		n++;
		rd_fmt_date(date, sqlite3_column_int64(st, 1));
		st_buf_addf(b, "<div class=\"comment\" id=\"m%lld\"><p><b>",
			    (long long)sqlite3_column_int64(st, 0));
		st_html_text(b, rd_col(st, 4));
		st_buf_addstr(b, "</b><br>");
		rd_add_person(b, rd_col(st, 2), rd_col(st, 3));
		st_buf_addf(b, ", %s", date);
		if (sqlite3_column_int64(st, 6))
			st_buf_addf(b,
				    ", in reply to <a href=\"#m%lld\">"
				    "#%lld</a>",
				    (long long)sqlite3_column_int64(st, 6),
				    (long long)sqlite3_column_int64(st, 6));
		st_buf_addstr(b, "</p><pre>");
		st_html_text(b, rd_col(st, 5));
		st_buf_addstr(b, "</pre></div>\n");
	}
	sqlite3_reset(st);
	if (!n)
		st_buf_addstr(b, "<p class=\"muted\">No comments.</p>\n");
	return rd_step_error(s, rc, err);
}

/* Check results posted through the API for one patch. */
static int add_checks(struct st_buf *b, struct st_store *s, int64_t patch,
		      struct st_error *err)
{
	static const char sql[] =
		"SELECT context, state, ifnull(target_url, ''),"
		" ifnull(description, '') FROM api_checks WHERE patch_id = ?"
		" ORDER BY created, id";
	sqlite3_stmt *st = st_store_stmt(s, sql, err);
	int rc, n = 0;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, patch);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!n++)
			st_buf_addstr(b, "<h2>Checks</h2><ul>");
		st_buf_addstr(b, "<li>");
		rd_add_state(b, rd_col(st, 1));
		st_buf_addstr(b, " <a href=\"");
		st_html_href(b, rd_col(st, 2));
		st_buf_addstr(b, "\">");
		st_html_text(b, rd_col(st, 0));
		st_buf_addstr(b, "</a> ");
		st_html_text(b, rd_col(st, 3));
		st_buf_addstr(b, "</li>");
	}
	sqlite3_reset(st);
	if (n)
		st_buf_addstr(b, "</ul>\n");
	return rd_step_error(s, rc, err);
}

/* Where the patches landed, when the trees tables exist. */
static int add_landed(struct st_buf *b, struct st_httpd_req *req, int64_t patch,
		      int64_t series)
{
	static const char sql[] =
		"SELECT p.id, p.number, t.name, br.name, c.oid, pc.method"
		" FROM patch_commits pc JOIN patches p ON p.id = pc.patch_id"
		" JOIN commits c ON c.id = pc.commit_id"
		" JOIN branches br ON br.id = pc.branch_id"
		" JOIN trees t ON t.id = br.tree_id"
		" WHERE p.id IN (SELECT ?1 UNION ALL SELECT id FROM patches"
		" WHERE series_id = ?2 AND ?2 != 0)"
		" ORDER BY p.number, t.name, br.name";
	struct st_store *s = rd_dash_ro(req);
	struct st_error err = ST_ERROR_INIT;
	sqlite3_stmt *st;
	int rc, n = 0;

	if (!rd_dash_app(req)->has_trees)
		return 0;
	st = st_store_stmt(s, sql, &err);
	if (!st) {
		/* A trees schema we do not know: leave the section out. */
		st_log(ST_LOG_DEBUG, "serve: landed: %s", err.msg);
		return 0;
	}
	sqlite3_bind_int64(st, 1, patch);
	sqlite3_bind_int64(st, 2, series);
	st_buf_addstr(b, "<h2>Landed</h2>\n");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!n++)
			st_buf_addstr(b, "<table><tr><th>Patch</th>"
					 "<th>Tree</th><th>Branch</th>"
					 "<th>Commit</th><th>Matched by</th>"
					 "</tr>\n");
		st_buf_addf(b,
			    "<tr><td><a href=\"/patch/%lld\">%lld</a>"
			    "</td><td>",
			    (long long)sqlite3_column_int64(st, 0),
			    (long long)sqlite3_column_int64(st, 1));
		st_html_text(b, rd_col(st, 2));
		st_buf_addstr(b, "</td><td>");
		st_html_text(b, rd_col(st, 3));
		st_buf_addstr(b, "</td><td><code>");
		st_html_text(b, rd_col(st, 4));
		st_buf_addstr(b, "</code></td><td>");
		st_html_text(b, rd_col(st, 5));
		st_buf_addstr(b, "</td></tr>\n");
	}
	sqlite3_reset(st);
	st_buf_addstr(b, n ? "</table>\n"
			   : "<p class=\"muted\">Not found on any indexed "
			     "branch yet.</p>\n");
	return rd_step_error(s, rc, &req->err);
}

static int add_versions(struct st_buf *b, struct st_store *s, int64_t id,
			struct st_error *err)
{
	/* UNION (not UNION ALL) stops on a cycle of supersedes links. */
	static const char sql[] =
		"WITH RECURSIVE"
		" back(id) AS (SELECT ?1 UNION SELECT s.supersedes_id"
		"  FROM series s JOIN back ON s.id = back.id"
		"  WHERE s.supersedes_id IS NOT NULL),"
		" fwd(id) AS (SELECT ?1 UNION SELECT s.superseded_by_id"
		"  FROM series s JOIN fwd ON s.id = fwd.id"
		"  WHERE s.superseded_by_id IS NOT NULL)"
		" SELECT s.id, s.version, s.date, s.state FROM series s"
		" WHERE s.id IN (SELECT id FROM back UNION SELECT id FROM fwd)"
		" ORDER BY s.version, s.date, s.id LIMIT 100";
	sqlite3_stmt *st = st_store_stmt(s, sql, err);
	int rc;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, id);
	st_buf_addstr(b, "<p>Versions: ");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t vid = sqlite3_column_int64(st, 0);
		char date[16];

		rd_fmt_date(date, sqlite3_column_int64(st, 2));
		if (vid == id)
			st_buf_addf(b, "<b>v%lld</b> (%s) ",
				    (long long)sqlite3_column_int64(st, 1),
				    date);
		else
			st_buf_addf(b,
				    "<a href=\"/series/%lld\">v%lld</a> "
				    "(%s) ",
				    (long long)vid,
				    (long long)sqlite3_column_int64(st, 1),
				    date);
	}
	sqlite3_reset(st);
	st_buf_addstr(b, "</p>\n");
	return rd_step_error(s, rc, err);
}

static int add_series_patches(struct st_buf *b, struct st_store *s, int64_t id,
			      struct st_error *err)
{
	static const char sql[] =
		"SELECT p.id, p.number, p.name, p.state, p.archived,"
		" (SELECT count(*) FROM trailers t WHERE t.patch_id = p.id"
		"  AND t.kind = 'Reviewed-by'),"
		" (SELECT count(*) FROM trailers t WHERE t.patch_id = p.id"
		"  AND t.kind = 'Acked-by'),"
		" (SELECT count(*) FROM trailers t WHERE t.patch_id = p.id"
		"  AND t.kind = 'Tested-by'),"
		" (SELECT group_concat(state, ' ') FROM api_checks k"
		"  WHERE k.patch_id = p.id)"
		" FROM patches p WHERE p.series_id = ? ORDER BY p.number, p.id";
	sqlite3_stmt *st = st_store_stmt(s, sql, err);
	int rc;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, id);
	st_buf_addstr(b, "<h2>Patches</h2><table><tr><th>#</th><th>Patch"
			 "</th><th>State</th><th>Reviewed</th><th>Acked</th>"
			 "<th>Tested</th><th>Checks</th></tr>\n");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		st_buf_addf(b, "<tr><td>%lld</td><td>",
			    (long long)sqlite3_column_int64(st, 1));
		rd_add_link_id(b, "patch", sqlite3_column_int64(st, 0),
			       rd_col(st, 2));
		st_buf_addstr(b, "</td><td>");
		rd_add_state(b, rd_col(st, 3));
		if (sqlite3_column_int(st, 4))
			st_buf_addstr(b, " (archived)");
		st_buf_addf(b,
			    "</td><td>%lld</td><td>%lld</td><td>%lld</td>"
			    "<td>",
			    (long long)sqlite3_column_int64(st, 5),
			    (long long)sqlite3_column_int64(st, 6),
			    (long long)sqlite3_column_int64(st, 7));
		st_html_text(b, rd_col(st, 8));
		st_buf_addstr(b, "</td></tr>\n");
	}
	sqlite3_reset(st);
	st_buf_addstr(b, "</table>\n");
	return rd_step_error(s, rc, err);
}

/* ---- what changed since the previous version ---- */

#define INTERDIFF_MAX_LINES 1500

struct lines {
	const char **l;
	size_t *len;
	size_t n;
};

static void split_lines(struct lines *out, const char *text)
{
	size_t alloc = 0;

	memset(out, 0, sizeof(*out));
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");

		if (out->n == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			out->l = st_xreallocarray(out->l, alloc,
						  sizeof(*out->l));
			out->len = st_xreallocarray(out->len, alloc,
						    sizeof(*out->len));
		}
		out->l[out->n] = p;
		out->len[out->n++] = n;
		p += n;
		if (*p)
			p++;
	}
}

static bool line_eq(const struct lines *a, size_t i, const struct lines *b,
		    size_t j)
{
	return a->len[i] == b->len[j] && !memcmp(a->l[i], b->l[j], a->len[i]);
}

static void add_line(struct st_buf *b, char mark, const struct lines *x,
		     size_t i)
{
	const char *cls = mark == '+' ? "add" : mark == '-' ? "del" : NULL;

	if (cls)
		st_buf_addf(b, "<span class=\"%s\">", cls);
	st_buf_addch(b, mark);
	st_html_text_n(b, x->l[i], x->len[i]);
	if (cls)
		st_buf_addstr(b, "</span>");
	st_buf_addch(b, '\n');
}

/* A line diff of two patch diffs (longest common subsequence), escaped,
 * showing changed lines only with one line of context. */
static void add_interdiff(struct st_buf *b, const char *old, const char *new)
{
	struct lines a, c;
	uint16_t *t;
	size_t i = 0, j = 0, w;

	split_lines(&a, old);
	split_lines(&c, new);
	if (a.n > INTERDIFF_MAX_LINES || c.n > INTERDIFF_MAX_LINES) {
		st_buf_addstr(b, "<p class=\"muted\">Too large to compare "
				 "here.</p>");
		goto out;
	}
	w = c.n + 1;
	t = st_xcalloc((a.n + 1) * w, sizeof(*t));
	for (size_t x = a.n; x-- > 0;)
		for (size_t y = c.n; y-- > 0;)
			t[x * w + y] = line_eq(&a, x, &c, y)
					       ? t[(x + 1) * w + y + 1] + 1
				       : t[(x + 1) * w + y] > t[x * w + y + 1]
					       ? t[(x + 1) * w + y]
					       : t[x * w + y + 1];
	st_buf_addstr(b, "<pre class=\"diff\">");
	while (i < a.n || j < c.n) {
		if (i < a.n && j < c.n && line_eq(&a, i, &c, j)) {
			bool near = (i + 1 < a.n && j + 1 < c.n &&
				     !line_eq(&a, i + 1, &c, j + 1)) ||
				    (i > 0 && j > 0 &&
				     !line_eq(&a, i - 1, &c, j - 1));

			if (near)
				add_line(b, ' ', &a, i);
			i++;
			j++;
		} else if (i < a.n && (j == c.n || t[(i + 1) * w + j] >=
							   t[i * w + j + 1])) {
			add_line(b, '-', &a, i++);
		} else {
			add_line(b, '+', &c, j++);
		}
	}
	st_buf_addstr(b, "</pre>");
	free(t);
out:
	free(a.l);
	free(a.len);
	free(c.l);
	free(c.len);
}

struct version_patch {
	int64_t number;
	char *name;
	char *diff;
};

static int load_version(struct st_store *s, int64_t series,
			struct version_patch **out, size_t *n,
			struct st_error *err)
{
	static const char sql[] =
		"SELECT number, name, ifnull(diff, '') FROM patches"
		" WHERE series_id = ? ORDER BY number, id LIMIT 200";
	sqlite3_stmt *st = st_store_stmt(s, sql, err);
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, series);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == alloc) {
			alloc = alloc ? 2 * alloc : 16;
			*out = st_xreallocarray(*out, alloc, sizeof(**out));
		}
		(*out)[*n].number = sqlite3_column_int64(st, 0);
		(*out)[*n].name = st_xstrdup(rd_col(st, 1));
		(*out)[*n].diff = st_xstrdup(rd_col(st, 2));
		(*n)++;
	}
	sqlite3_reset(st);
	return rd_step_error(s, rc, err);
}

static void free_version(struct version_patch *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].diff);
	}
	free(v);
}

static const struct version_patch *find_number(const struct version_patch *v,
					       size_t n, int64_t number)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].number == number)
			return &v[i];
	return NULL;
}

/* Each patch compared with the same-numbered patch of the version this
 * one supersedes. */
static int add_changes(struct st_buf *b, struct st_store *s, int64_t id,
		       struct st_error *err)
{
	static const char sql[] =
		"SELECT p.id, p.version FROM series s JOIN series p"
		" ON p.id = s.supersedes_id WHERE s.id = ?";
	struct version_patch *old = NULL, *cur = NULL;
	size_t nold = 0, ncur = 0;
	sqlite3_stmt *st = st_store_stmt(s, sql, err);
	int64_t prev = 0, prev_version = 0;
	int rc;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		prev = sqlite3_column_int64(st, 0);
		prev_version = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rd_step_error(s, rc, err);
	rc = load_version(s, prev, &old, &nold, err);
	if (rc == 0)
		rc = load_version(s, id, &cur, &ncur, err);
	if (rc < 0)
		goto out;
	st_buf_addf(b,
		    "<h2>Changes since <a href=\"/series/%lld\">v%lld</a>"
		    "</h2>\n<ul class=\"changes\">",
		    (long long)prev, (long long)prev_version);
	for (size_t i = 0; i < ncur; i++) {
		const struct version_patch *o =
			find_number(old, nold, cur[i].number);

		st_buf_addf(b, "<li>%lld. ", (long long)cur[i].number);
		st_html_text(b, cur[i].name);
		if (!o) {
			st_buf_addstr(b, ": new in this version</li>");
		} else if (!strcmp(o->diff, cur[i].diff)) {
			st_buf_addstr(b, ": diff unchanged</li>");
		} else {
			st_buf_addstr(b, ": <details><summary>diff changed"
					 "</summary>");
			add_interdiff(b, o->diff, cur[i].diff);
			st_buf_addstr(b, "</details></li>");
		}
	}
	for (size_t i = 0; i < nold; i++) {
		if (find_number(cur, ncur, old[i].number))
			continue;
		st_buf_addf(b, "<li>%lld. ", (long long)old[i].number);
		st_html_text(b, old[i].name);
		st_buf_addstr(b, ": dropped</li>");
	}
	st_buf_addstr(b, "</ul>\n");
out:
	free_version(old, nold);
	free_version(cur, ncur);
	return rc;
}

int rd_page_series(struct st_httpd_req *req)
{
	static const char sql[] =
		"SELECT s.name, s.version, s.date, s.last_activity,"
		" s.received, s.total, s.state, ifnull(pe.name, ''),"
		" ifnull(pe.email, ''), ifnull(l.name, ''), m.body,"
		" s.cover_id, ifnull(s.prefixes, '')"
		" FROM series s LEFT JOIN people pe ON pe.id = s.submitter_id"
		" LEFT JOIN lists l ON l.id = s.list_id"
		" LEFT JOIN messages m ON m.id = s.cover_id WHERE s.id = ?";
	struct st_store *s = rd_dash_ro(req);
	struct st_buf b = ST_BUF_INIT;
	sqlite3_stmt *st;
	int64_t id;
	char date[16];
	char *name = NULL, *cover = NULL;
	int rc = rd_dash_id(&id, req->args[0], &req->err);

	if (rc < 0)
		return rc;
	st = st_store_stmt(s, sql, &req->err);
	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE
			       ? st_error_set(&req->err, ST_ENOTFOUND,
					      "no series %lld", (long long)id)
			       : st_store_check(s, rc, &req->err);
	}
	name = st_xstrdup(rd_col(st, 0));
	rd_page_begin(&b, name);
	rd_fmt_date(date, sqlite3_column_int64(st, 2));
	st_buf_addf(&b, "<p>Version %lld, posted %s by ",
		    (long long)sqlite3_column_int64(st, 1), date);
	rd_add_person(&b, rd_col(st, 7), rd_col(st, 8));
	st_buf_addstr(&b, " to ");
	st_html_text(&b, rd_col(st, 9));
	st_buf_addf(&b, "; %lld of %lld patches received; state ",
		    (long long)sqlite3_column_int64(st, 4),
		    (long long)sqlite3_column_int64(st, 5));
	rd_add_state(&b, rd_col(st, 6));
	if (*rd_col(st, 12)) {
		st_buf_addstr(&b, "; tags ");
		st_html_text(&b, rd_col(st, 12));
	}
	st_buf_addf(&b,
		    ". <a href=\"/series/%lld/mbox\">Download mbox</a> "
		    "(with collected trailers)</p>\n",
		    (long long)id);
	if (sqlite3_column_type(st, 10) != SQLITE_NULL)
		cover = st_xstrdup(rd_col(st, 10));
	sqlite3_reset(st);
	rc = add_versions(&b, s, id, &req->err);
	if (rc == 0 && cover) {
		st_buf_addstr(&b, "<h2>Cover letter</h2><pre>");
		st_html_text(&b, cover);
		st_buf_addstr(&b, "</pre>\n<h3>Trailers for the whole "
				  "series</h3>\n");
		rc = add_trailers(&b, s, 0, id, &req->err);
	}
	if (rc == 0)
		rc = add_series_patches(&b, s, id, &req->err);
	if (rc == 0)
		rc = add_changes(&b, s, id, &req->err);
	if (rc == 0)
		rc = add_landed(&b, req, 0, id);
	if (rc == 0)
		rc = add_comments(&b, s, 0, id, &req->err);
	rd_page_end(&b);
	if (rc == 0)
		rc = st_httpd_html(req, 200, &b);
	st_buf_release(&b);
	free(name);
	free(cover);
	return rc;
}

int rd_page_patch(struct st_httpd_req *req)
{
	static const char sql[] =
		"SELECT p.name, p.number, p.date, p.state, p.archived,"
		" ifnull(pe.name, ''), ifnull(pe.email, ''),"
		" ifnull(p.commit_msg, ''), ifnull(p.diff, ''), p.series_id,"
		" ifnull(s.name, ''), ifnull(p.git_patch_id, ''),"
		" ifnull(p.commit_ref, ''), m.msgid, ifnull(p.pull_url, '')"
		" FROM patches p LEFT JOIN people pe ON pe.id = p.submitter_id"
		" LEFT JOIN series s ON s.id = p.series_id"
		" JOIN messages m ON m.id = p.message_id WHERE p.id = ?";
	struct st_store *s = rd_dash_ro(req);
	struct st_buf b = ST_BUF_INIT;
	sqlite3_stmt *st;
	int64_t id, series;
	char date[16];
	int rc = rd_dash_id(&id, req->args[0], &req->err);

	if (rc < 0)
		return rc;
	st = st_store_stmt(s, sql, &req->err);
	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE
			       ? st_error_set(&req->err, ST_ENOTFOUND,
					      "no patch %lld", (long long)id)
			       : st_store_check(s, rc, &req->err);
	}
	rd_page_begin(&b, rd_col(st, 0));
	rd_fmt_date(date, sqlite3_column_int64(st, 2));
	st_buf_addstr(&b, "<p>From ");
	rd_add_person(&b, rd_col(st, 5), rd_col(st, 6));
	st_buf_addf(&b, ", %s; state ", date);
	rd_add_state(&b, rd_col(st, 3));
	if (sqlite3_column_int(st, 4))
		st_buf_addstr(&b, " (archived)");
	series = sqlite3_column_int64(st, 9);
	if (series) {
		st_buf_addf(&b, "; patch %lld of series ",
			    (long long)sqlite3_column_int64(st, 1));
		rd_add_link_id(&b, "series", series, rd_col(st, 10));
	}
	st_buf_addstr(&b, "<br>Message-ID: <code>");
	st_html_text(&b, rd_col(st, 13));
	st_buf_addstr(&b, "</code>");
	if (*rd_col(st, 11)) {
		st_buf_addstr(&b, "<br>patch-id: <code>");
		st_html_text(&b, rd_col(st, 11));
		st_buf_addstr(&b, "</code>");
	}
	if (*rd_col(st, 12)) {
		st_buf_addstr(&b, "<br>Commit: <code>");
		st_html_text(&b, rd_col(st, 12));
		st_buf_addstr(&b, "</code>");
	}
	if (*rd_col(st, 14)) {
		st_buf_addstr(&b, "<br>Pull: <a href=\"");
		st_html_href(&b, rd_col(st, 14));
		st_buf_addstr(&b, "\">");
		st_html_text(&b, rd_col(st, 14));
		st_buf_addstr(&b, "</a>");
	}
	st_buf_addf(&b,
		    "<br><a href=\"/patch/%lld/mbox\">Download mbox</a>"
		    "</p>\n<h2>Commit message</h2><pre>",
		    (long long)id);
	st_html_text(&b, rd_col(st, 7));
	st_buf_addstr(&b, "</pre>\n<h2>Trailers</h2>\n");
	{
		char *diff = st_xstrdup(rd_col(st, 8));

		sqlite3_reset(st);
		rc = add_trailers(&b, s, id, 0, &req->err);
		if (rc == 0 && series) {
			st_buf_addstr(&b, "<p>From the cover letter:</p>");
			rc = add_trailers(&b, s, 0, series, &req->err);
		}
		if (rc == 0)
			rc = add_checks(&b, s, id, &req->err);
		if (rc == 0) {
			st_buf_addstr(&b, "<h2>Diff</h2>\n");
			rd_add_diff(&b, diff);
		}
		free(diff);
	}
	if (rc == 0)
		rc = add_landed(&b, req, id, 0);
	if (rc == 0)
		rc = add_comments(&b, s, id, 0, &req->err);
	rd_page_end(&b);
	if (rc == 0)
		rc = st_httpd_html(req, 200, &b);
	st_buf_release(&b);
	return rc;
}

/* A contributor: their series with a status, and reviews they gave. */
static const char *series_status(sqlite3_stmt *st, int64_t now, char *buf,
				 size_t size)
{
	const char *state = rd_col(st, 4);
	int64_t acks = sqlite3_column_int64(st, 6);

	if (sqlite3_column_int64(st, 5))
		return "superseded";
	if (sqlite3_column_int64(st, 7))
		return "landed";
	if (!strcmp(state, "new") || !strcmp(state, "under-review")) {
		if (acks)
			return "reviewed";
		snprintf(buf, size, "waiting for review for %lld days",
			 (long long)((now - sqlite3_column_int64(st, 3)) /
				     86400));
		return buf;
	}
	return state;
}

/* "landed on TREE/BRANCH, ..." for a series, when the trees tables exist
 * and some of its patches were found on a branch; else nothing. */
static void add_landed_on(struct st_buf *b, struct st_httpd_req *req,
			  int64_t series)
{
	static const char sql[] =
		"SELECT DISTINCT t.name, br.name FROM patch_commits pc"
		" JOIN patches p ON p.id = pc.patch_id"
		" JOIN branches br ON br.id = pc.branch_id"
		" JOIN trees t ON t.id = br.tree_id"
		" WHERE p.series_id = ? ORDER BY t.name, br.name LIMIT 20";
	struct st_store *s = rd_dash_ro(req);
	sqlite3_stmt *st;
	int n = 0;

	if (!rd_dash_app(req)->has_trees)
		return;
	st = st_store_stmt(s, sql, NULL);
	if (!st)
		return;
	sqlite3_bind_int64(st, 1, series);
	while (sqlite3_step(st) == SQLITE_ROW) {
		st_buf_addstr(b, n++ ? ", " : "; landed on ");
		st_html_text(b, rd_col(st, 0));
		st_buf_addch(b, '/');
		st_html_text(b, rd_col(st, 1));
	}
	sqlite3_reset(st);
}

int rd_page_people(struct st_httpd_req *req)
{
	static const char sql_person[] =
		"SELECT id, ifnull(name, ''), email FROM people"
		" WHERE email = ?";
	static const char sql_series[] =
		"SELECT s.id, s.name, s.version, s.date, s.state,"
		" s.superseded_by_id IS NOT NULL,"
		" (SELECT count(*) FROM trailers t JOIN patches p"
		"  ON p.id = t.patch_id WHERE p.series_id = s.id"
		"  AND t.kind IN ('Reviewed-by', 'Acked-by'))"
		" + (SELECT count(*) FROM trailers t WHERE t.patch_id IS NULL"
		"  AND t.series_id = s.id"
		"  AND t.kind IN ('Reviewed-by', 'Acked-by')),"
		" (SELECT count(*) FROM patches p WHERE p.series_id = s.id"
		"  AND (p.state = 'accepted' OR p.commit_ref IS NOT NULL))"
		" FROM series s WHERE s.submitter_id = ?"
		" ORDER BY s.date DESC LIMIT 200";
	static const char sql_reviews[] =
		"SELECT t.kind, p.id, p.name, m.date FROM trailers t"
		" JOIN messages m ON m.id = t.message_id"
		" JOIN patches p ON p.id = t.patch_id"
		" WHERE t.person_id = ? AND t.message_id != p.message_id"
		" AND t.kind IN ('Reviewed-by', 'Acked-by', 'Tested-by')"
		" ORDER BY m.date DESC LIMIT 200";
	struct st_store *s = rd_dash_ro(req);
	struct st_buf b = ST_BUF_INIT;
	int64_t now = (int64_t)st_time_now(), pid;
	sqlite3_stmt *st = st_store_stmt(s, sql_person, &req->err);
	char *title = NULL;
	int rc;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_text(st, 1, req->args[0], -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE
			       ? st_error_set(&req->err, ST_ENOTFOUND,
					      "no person '%s'", req->args[0])
			       : st_store_check(s, rc, &req->err);
	}
	pid = sqlite3_column_int64(st, 0);
	title = st_xstrdup(*rd_col(st, 1) ? rd_col(st, 1) : rd_col(st, 2));
	sqlite3_reset(st);
	rd_page_begin(&b, title);
	st_buf_addstr(&b, "<h2>Series</h2><table><tr><th>Series</th>"
			  "<th>Version</th><th>Posted</th><th>Status</th>"
			  "</tr>\n");
	st = st_store_stmt(s, sql_series, &req->err);
	if (!st) {
		rc = ST_ERROR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, pid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char date[16], buf[64];

		rd_fmt_date(date, sqlite3_column_int64(st, 3));
		st_buf_addstr(&b, "<tr><td>");
		rd_add_link_id(&b, "series", sqlite3_column_int64(st, 0),
			       rd_col(st, 1));
		st_buf_addf(&b, "</td><td>v%lld</td><td>%s</td><td>",
			    (long long)sqlite3_column_int64(st, 2), date);
		st_html_text(&b, series_status(st, now, buf, sizeof(buf)));
		add_landed_on(&b, req, sqlite3_column_int64(st, 0));
		st_buf_addstr(&b, "</td></tr>\n");
	}
	sqlite3_reset(st);
	if ((rc = rd_step_error(s, rc, &req->err)) < 0)
		goto out;
	st_buf_addstr(&b, "</table>\n<h2>Reviews given</h2><table><tr>"
			  "<th>Trailer</th><th>Patch</th><th>Date</th></tr>\n");
	st = st_store_stmt(s, sql_reviews, &req->err);
	if (!st) {
		rc = ST_ERROR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, pid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char date[16];

		rd_fmt_date(date, sqlite3_column_int64(st, 3));
		st_buf_addstr(&b, "<tr><td>");
		st_html_text(&b, rd_col(st, 0));
		st_buf_addstr(&b, "</td><td>");
		rd_add_link_id(&b, "patch", sqlite3_column_int64(st, 1),
			       rd_col(st, 2));
		st_buf_addf(&b, "</td><td>%s</td></tr>\n", date);
	}
	sqlite3_reset(st);
	if ((rc = rd_step_error(s, rc, &req->err)) < 0)
		goto out;
	st_buf_addstr(&b, "</table>\n");
	rd_page_end(&b);
	rc = st_httpd_html(req, 200, &b);
out:
	st_buf_release(&b);
	free(title);
	return rc;
}

static int send_mbox(struct st_httpd_req *req, struct st_buf *mbox, int64_t id,
		     const char *name)
{
	struct st_buf disp = ST_BUF_INIT;
	int rc;

	st_buf_addstr(&disp, "attachment; filename=");
	rd_mbox_filename(&disp, id, name);
	rc = st_httpd_add_header(req, "Content-Disposition", disp.buf);
	st_buf_release(&disp);
	if (rc == 0)
		rc = st_httpd_text(req, 200, mbox);
	return rc;
}

static int name_of(struct st_store *s, const char *sql, int64_t id, char **out,
		   struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql, err);
	int rc;

	*out = NULL;
	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = st_xstrdup(rd_col(st, 0));
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return st_error_set(err, ST_ENOTFOUND, "no such id %lld",
				    (long long)id);
	return rd_step_error(s, rc, err);
}

/* The mbox of the series or patch whose id is in the path: sql gives its
 * name (for the file name), build its text. */
static int page_mbox(struct st_httpd_req *req, const char *sql,
		     int (*build)(struct st_store *, int64_t, struct st_buf *,
				  struct st_error *))
{
	struct st_store *s = rd_dash_ro(req);
	struct st_buf mbox = ST_BUF_INIT;
	char *name = NULL;
	int64_t id;
	int rc = rd_dash_id(&id, req->args[0], &req->err);

	if (rc == 0)
		rc = name_of(s, sql, id, &name, &req->err);
	if (rc == 0)
		rc = build(s, id, &mbox, &req->err);
	if (rc == 0)
		rc = send_mbox(req, &mbox, id, name);
	st_buf_release(&mbox);
	free(name);
	return rc;
}

int rd_page_series_mbox(struct st_httpd_req *req)
{
	static const char sql[] = "SELECT name FROM series WHERE id = ?";

	return page_mbox(req, sql, rd_mbox_series);
}

int rd_page_patch_mbox(struct st_httpd_req *req)
{
	static const char sql[] = "SELECT name FROM patches WHERE id = ?";

	return page_mbox(req, sql, rd_mbox_patch);
}

/* Patchwork's /project/LIST/patch/MSGID/mbox/ (what git-pw fetches);
 * ?series=* gives the patch with the patches before it in its series. */
int rd_page_patch_mbox_msgid(struct st_httpd_req *req)
{
	static const char sql[] =
		"SELECT p.id, p.name, p.series_id, p.number FROM patches p"
		" JOIN messages m ON m.id = p.message_id WHERE m.msgid = ?";
	static const char sql_deps[] =
		"SELECT id FROM patches WHERE series_id = ? AND number < ?"
		" ORDER BY number, id";
	struct st_store *s = rd_dash_ro(req);
	struct st_buf mbox = ST_BUF_INIT;
	const char *series_q = st_httpd_query(req, "series");
	sqlite3_stmt *st = st_store_stmt(s, sql, &req->err);
	char *name = NULL;
	int64_t id, series, number;
	int rc;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_text(st, 1, req->args[1], -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE
			       ? st_error_set(&req->err, ST_ENOTFOUND,
					      "no patch '%s'", req->args[1])
			       : st_store_check(s, rc, &req->err);
	}
	id = sqlite3_column_int64(st, 0);
	name = st_xstrdup(rd_col(st, 1));
	series = sqlite3_column_int64(st, 2);
	number = sqlite3_column_int64(st, 3);
	sqlite3_reset(st);
	rc = 0;
	if (series_q && series &&
	    (!strcmp(series_q, "*") || !strcmp(series_q, "%2A"))) {
		st = st_store_stmt(s, sql_deps, &req->err);
		if (!st) {
			rc = ST_ERROR;
			goto out;
		}
		sqlite3_bind_int64(st, 1, series);
		sqlite3_bind_int64(st, 2, number);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			int64_t dep = sqlite3_column_int64(st, 0);

			/* Collect ids first: rd_mbox_patch reuses st. */
			st_buf_addf(&mbox, "%lld\n", (long long)dep);
		}
		sqlite3_reset(st);
		if ((rc = rd_step_error(s, rc, &req->err)) < 0)
			goto out;
		{
			char *ids = st_buf_detach(&mbox, NULL);

			for (char *p = ids; rc == 0 && *p;) {
				int64_t dep = strtoll(p, &p, 10);

				p++;
				rc = rd_mbox_patch(s, dep, &mbox, &req->err);
			}
			free(ids);
		}
	}
	if (rc == 0)
		rc = rd_mbox_patch(s, id, &mbox, &req->err);
	if (rc == 0)
		rc = send_mbox(req, &mbox, id, name);
out:
	st_buf_release(&mbox);
	free(name);
	return rc;
}
