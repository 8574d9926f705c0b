/*
 * dash-metrics.c: the /metrics page: time to first review and time to
 * merge per month (p25/p50/p75/p95), backlog by age as a server-made SVG
 * bar chart, versions and patches per series, and the top reviewers with
 * their reviews-given vs patches-posted balance.
 */
#include "common/html.h"
#include "common/util.h"
#include "common/xalloc.h"
#include "dash-priv.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SAMPLES 200000

struct month_samples {
	char month[8]; /* "YYYY-MM" */
	int64_t *v;
	size_t n, alloc;
};

struct samples {
	struct month_samples *m;
	size_t n, alloc;
};

static void samples_add(struct samples *s, int64_t when, int64_t value)
{
	char iso[32];
	struct month_samples *m = NULL;

	st_time_iso(iso, sizeof(iso), (time_t)when);
	iso[7] = '\0';
	if (s->n && !strcmp(s->m[s->n - 1].month, iso))
		m = &s->m[s->n - 1];
	for (size_t i = 0; !m && i < s->n; i++)
		if (!strcmp(s->m[i].month, iso))
			m = &s->m[i];
	if (!m) {
		if (s->n == s->alloc) {
			s->alloc = s->alloc ? 2 * s->alloc : 16;
			s->m = st_xreallocarray(s->m, s->alloc, sizeof(*s->m));
		}
		m = &s->m[s->n++];
		memset(m, 0, sizeof(*m));
		memcpy(m->month, iso, 8);
	}
	if (m->n == m->alloc) {
		m->alloc = m->alloc ? 2 * m->alloc : 16;
		m->v = st_xreallocarray(m->v, m->alloc, sizeof(*m->v));
	}
	m->v[m->n++] = value;
}

static void samples_release(struct samples *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->m[i].v);
	free(s->m);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int cmp_month(const void *a, const void *b)
{
	return strcmp(((const struct month_samples *)b)->month,
		      ((const struct month_samples *)a)->month);
}

/* Nearest-rank percentile of sorted v. */
static int64_t pct(const int64_t *v, size_t n, int p)
{
	size_t k = (size_t)((p * n + 99) / 100);

	return v[k ? k - 1 : 0];
}

static void add_days(struct st_buf *b, int64_t secs)
{
	st_buf_addf(b, "<td>%.1f</td>", (double)secs / 86400.0);
}

static int percentile_table(struct st_buf *b, struct st_store *s,
			    const char *sql, const char *title,
			    struct st_error *err)
{
	struct samples sm = {0};
	sqlite3_stmt *st = st_store_stmt(s, sql, err);
	size_t total = 0;
	int rc;

	if (!st)
		return ST_ERROR;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && total < MAX_SAMPLES) {
		int64_t d = sqlite3_column_int64(st, 0);
		int64_t v = sqlite3_column_int64(st, 1) - d;

		samples_add(&sm, d, v < 0 ? 0 : v);
		total++;
	}
	sqlite3_reset(st);
	rc = rc == SQLITE_ROW ? 0 : rd_step_error(s, rc, err);
	st_buf_addstr(b, "<h2>");
	st_html_text(b, title);
	st_buf_addstr(b, " (days)</h2>\n<table><tr><th>Month</th><th>Series"
			 "</th><th>p25</th><th>p50</th><th>p75</th>"
			 "<th>p95</th></tr>\n");
	if (sm.n) /* qsort(NULL, 0, ...) is undefined */
		qsort(sm.m, sm.n, sizeof(*sm.m), cmp_month);
	for (size_t i = 0; i < sm.n && i < 24; i++) {
		struct month_samples *m = &sm.m[i];

		qsort(m->v, m->n, sizeof(*m->v), cmp_i64);
		st_buf_addf(b, "<tr><td>%s</td><td>%zu</td>", m->month, m->n);
		add_days(b, pct(m->v, m->n, 25));
		add_days(b, pct(m->v, m->n, 50));
		add_days(b, pct(m->v, m->n, 75));
		add_days(b, pct(m->v, m->n, 95));
		st_buf_addstr(b, "</tr>\n");
	}
	if (!sm.n)
		st_buf_addstr(b, "<tr><td colspan=\"6\" class=\"muted\">No "
				 "data yet.</td></tr>\n");
	st_buf_addstr(b, "</table>\n");
	samples_release(&sm);
	return rc;
}

static int backlog_chart(struct st_buf *b, struct st_store *s, int64_t now,
			 struct st_error *err)
{
	static const char sql[] =
		"SELECT date FROM series WHERE superseded_by_id IS NULL"
		" AND state IN ('new', 'under-review')";
	static const char *const labels[] = {"< 1 week", "1-2 weeks",
					     "2-4 weeks", "1-3 months",
					     "> 3 months"};
	static const int64_t limits[] = {7, 14, 28, 91, INT64_MAX / 86400};
	int64_t count[5] = {0}, max = 1;
	sqlite3_stmt *st = st_store_stmt(s, sql, err);
	int rc;

	if (!st)
		return ST_ERROR;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t days = (now - sqlite3_column_int64(st, 0)) / 86400;
		int i = 0;

		while (i < 4 && days >= limits[i])
			i++;
		count[i]++;
	}
	sqlite3_reset(st);
	if ((rc = rd_step_error(s, rc, err)) < 0)
		return rc;
	for (int i = 0; i < 5; i++)
		if (count[i] > max)
			max = count[i];
	st_buf_addstr(b, "<h2>Backlog by age</h2>\n<svg class=\"chart\" "
			 "xmlns=\"http://www.w3.org/2000/svg\" width=\"520\" "
			 "height=\"150\" role=\"img\" aria-label=\"Backlog by "
			 "age\">");
	for (int i = 0; i < 5; i++) {
		int h = (int)(count[i] * 100 / max);

		st_buf_addf(
			b,
			"<rect x=\"%d\" y=\"%d\" width=\"80\" height=\"%d\">"
			"<title>%s: %lld</title></rect>"
			"<text x=\"%d\" y=\"%d\" font-size=\"12\">%lld"
			"</text><text x=\"%d\" y=\"140\" font-size=\"11\">"
			"%s</text>",
			10 + i * 100, 115 - h, h, labels[i],
			(long long)count[i], 10 + i * 100, 110 - h,
			(long long)count[i], 10 + i * 100, labels[i]);
	}
	st_buf_addstr(b, "</svg>\n");
	return 0;
}

static int averages(struct st_buf *b, struct st_store *s, struct st_error *err)
{
	static const char sql[] =
		"SELECT count(*), avg(total), avg(version), max(version)"
		" FROM series";
	sqlite3_stmt *st = st_store_stmt(s, sql, err);
	int rc;

	if (!st)
		return ST_ERROR;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		st_buf_addf(b,
			    "<p>%lld series; %.1f patches per series; "
			    "%.1f versions per series on average "
			    "(at most %lld).</p>\n",
			    (long long)sqlite3_column_int64(st, 0),
			    sqlite3_column_double(st, 1),
			    sqlite3_column_double(st, 2),
			    (long long)sqlite3_column_int64(st, 3));
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : rd_step_error(s, rc, err);
}

static int top_reviewers(struct st_buf *b, struct st_store *s,
			 struct st_error *err)
{
	static const char sql[] =
		"SELECT pe.name, pe.email, count(*) AS n,"
		" (SELECT count(*) FROM patches p2"
		"  WHERE p2.submitter_id = pe.id)"
		" FROM trailers t JOIN people pe ON pe.id = t.person_id"
		" LEFT JOIN patches p ON p.id = t.patch_id"
		" WHERE t.kind IN ('Reviewed-by', 'Acked-by', 'Tested-by')"
		" AND (p.id IS NULL OR t.message_id != p.message_id)"
		" GROUP BY pe.id ORDER BY n DESC, pe.email LIMIT 20";
	sqlite3_stmt *st = st_store_stmt(s, sql, err);
	int rc;

	if (!st)
		return ST_ERROR;
	st_buf_addstr(b,
		      "<h2>Top reviewers</h2><table><tr><th>Reviewer</th>"
		      "<th>Reviews given</th><th>Patches posted</th></tr>\n");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		st_buf_addstr(b, "<tr><td>");
		rd_add_person(b, rd_col(st, 0), rd_col(st, 1));
		st_buf_addf(b, "</td><td>%lld</td><td>%lld</td></tr>\n",
			    (long long)sqlite3_column_int64(st, 2),
			    (long long)sqlite3_column_int64(st, 3));
	}
	sqlite3_reset(st);
	st_buf_addstr(b, "</table>\n");
	return rd_step_error(s, rc, err);
}

int rd_page_metrics(struct st_httpd_req *req)
{
	/* First review: the earliest reply giving Reviewed-by or Acked-by
	 * to one of the series' patches or to its cover letter. */
	static const char sql_review[] =
		"SELECT s.date, min(x.d) FROM series s JOIN ("
		" SELECT p.series_id AS sid, m.date AS d FROM trailers t"
		"  JOIN patches p ON p.id = t.patch_id"
		"  JOIN messages m ON m.id = t.message_id"
		"  WHERE t.kind IN ('Reviewed-by', 'Acked-by')"
		"  AND t.message_id != p.message_id"
		" UNION ALL SELECT t.series_id, m.date FROM trailers t"
		"  JOIN messages m ON m.id = t.message_id"
		"  WHERE t.patch_id IS NULL"
		"  AND t.kind IN ('Reviewed-by', 'Acked-by')"
		") x ON x.sid = s.id GROUP BY s.id";
	static const char sql_merge[] =
		"SELECT s.date, max(c.commit_time) FROM series s"
		" JOIN patches p ON p.series_id = s.id"
		" JOIN patch_commits pc ON pc.patch_id = p.id"
		" JOIN commits c ON c.id = pc.commit_id GROUP BY s.id";
	struct st_store *s = rd_dash_ro(req);
	struct st_buf b = ST_BUF_INIT;
	int rc;

	rd_page_begin(&b, "Metrics");
	rc = averages(&b, s, &req->err);
	if (rc == 0)
		rc = backlog_chart(&b, s, (int64_t)st_time_now(), &req->err);
	if (rc == 0)
		rc = percentile_table(&b, s, sql_review, "Time to first review",
				      &req->err);
	if (rc == 0 && rd_dash_app(req)->has_trees)
		rc = percentile_table(&b, s, sql_merge, "Time to merge",
				      &req->err);
	if (rc == 0)
		rc = top_reviewers(&b, s, &req->err);
	rd_page_end(&b);
	if (rc == 0)
		rc = st_httpd_html(req, 200, &b);
	st_buf_release(&b);
	return rc;
}
