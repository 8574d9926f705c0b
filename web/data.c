/*
 * data.c: pages generated from the store (see data.h). Each section
 * first checks that its tables exist, so any store builds.
 */
#include "data.h"

#include "common/buf.h"
#include "common/html.h"
#include "common/log.h"
#include "common/util.h"
#include "common/xalloc.h"

#include <ctype.h>
#include <git2.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Rows read per list, so a huge store still makes bounded pages. */
#define MAX_ROWS 5000
#define KEY_LEN	 16

static const char sql_has_table[] =
	"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?";

static int has_table(struct st_store *s, const char *name, bool *out,
		     struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_has_table, err);
	int rc;

	*out = false;
	if (!st)
		return ST_ERROR;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW;
	rc = st_store_check(s, rc, err);
	sqlite3_reset(st);
	return rc;
}

static int has_tables(struct st_store *s, const char *const *names, bool *out,
		      struct st_error *err)
{
	int rc = 0;

	*out = true;
	for (size_t i = 0; names[i] && *out && !rc; i++)
		rc = has_table(s, names[i], out, err);
	return rc;
}

static void add_page(struct web_data *d, const char *path, const char *title,
		     struct st_buf *body)
{
	struct web_data_page *p;

	if (d->n == d->alloc) {
		d->alloc = d->alloc ? 2 * d->alloc : 16;
		d->pages =
			st_xreallocarray(d->pages, d->alloc, sizeof(*d->pages));
	}
	p = &d->pages[d->n++];
	p->path = st_xstrdup(path);
	p->title = st_xstrdup(title);
	p->body = st_buf_detach(body, &p->body_len);
}

/* The public key of a person: a hash of the address, which itself never
 * appears in a URL. */
static void person_key(char out[KEY_LEN + 1], const char *email)
{
	char hex[GIT_OID_HEXSZ + 1];
	char *lower = st_xstrdup(email ? email : "");
	git_oid oid;

	for (char *p = lower; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (git_odb_hash(&oid, lower, strlen(lower), GIT_OBJECT_BLOB) < 0)
		memset(&oid, 0, sizeof(oid));
	git_oid_tostr(hex, sizeof(hex), &oid);
	memcpy(out, hex, KEY_LEN);
	out[KEY_LEN] = 0;
	free(lower);
}

static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? (const char *)t : "";
}

static void add_day(struct st_buf *out, int64_t t)
{
	char iso[32];

	st_time_iso(iso, sizeof(iso), (time_t)t);
	iso[10] = 0;
	st_html_text(out, iso);
}

static void add_person_link(struct st_buf *out, const char *name,
			    const char *email)
{
	char key[KEY_LEN + 1];

	if (!email || !*email) {
		st_buf_addstr(out, "unknown");
		return;
	}
	person_key(key, email);
	st_buf_addf(out, "<a href=\"/people/%s/\">", key);
	st_html_text(out, name && *name ? name : "(no name given)");
	st_buf_addstr(out, "</a>");
}

/* ---- the review backlog ---- */

static const char sql_backlog[] =
	"SELECT s.name, s.version, s.received, s.total, s.date, s.state, "
	" p.name, p.email, l.name, "
	" (SELECT count(*) FROM trailers t WHERE t.kind IN "
	"   ('Reviewed-by', 'Acked-by') AND (t.series_id = s.id OR "
	"   t.patch_id IN (SELECT id FROM patches WHERE series_id = s.id))) "
	"FROM series s LEFT JOIN people p ON p.id = s.submitter_id "
	"LEFT JOIN lists l ON l.id = s.list_id "
	"WHERE s.superseded_by_id IS NULL "
	"AND s.state IN ('new', 'under-review') "
	"ORDER BY s.date, s.id LIMIT ?";

static const char sql_metrics[] =
	"SELECT (SELECT count(*) FROM series WHERE date >= ?1), "
	" (SELECT count(*) FROM series WHERE state = 'accepted' "
	"   AND last_activity >= ?1), "
	" (SELECT count(DISTINCT t.person_id) FROM trailers t "
	"   JOIN messages m ON m.id = t.message_id "
	"   WHERE t.kind IN ('Reviewed-by', 'Acked-by') AND m.date >= ?1)";

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Activity over the last 30 days, and the median wait of the backlog. */
static int metrics(struct st_buf *out, struct st_store *s, time_t now,
		   int64_t *ages, size_t n, struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_metrics, err);
	int rc;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now - 30 * 86400);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		st_buf_addf(out,
			    "<h2>Last 30 days</h2>\n<table>\n<tbody>\n"
			    "<tr><td>Series posted</td><td>%lld</td></tr>\n"
			    "<tr><td>Series accepted</td><td>%lld</td></tr>\n"
			    "<tr><td>People who gave Reviewed-by or Acked-by"
			    "</td><td>%lld</td></tr>\n",
			    (long long)sqlite3_column_int64(st, 0),
			    (long long)sqlite3_column_int64(st, 1),
			    (long long)sqlite3_column_int64(st, 2));
		if (n) {
			qsort(ages, n, sizeof(*ages), cmp_i64);
			st_buf_addf(out,
				    "<tr><td>Median wait of the backlog "
				    "(days)</td><td>%lld</td></tr>\n",
				    (long long)(n % 2 ? ages[n / 2]
						      : (ages[n / 2 - 1] +
							 ages[n / 2]) /
								2));
		}
		st_buf_addstr(out, "</tbody>\n</table>\n");
	}
	rc = st_store_check(s, rc, err);
	sqlite3_reset(st);
	return rc;
}

static int backlog(struct web_data *d, struct st_store *s, time_t now,
		   struct st_error *err)
{
	int64_t *ages = st_xcalloc(MAX_ROWS, sizeof(*ages));
	sqlite3_stmt *st = st_store_stmt(s, sql_backlog, err);
	struct st_buf rows = ST_BUF_INIT, body = ST_BUF_INIT;
	size_t n = 0, unreviewed = 0;
	int64_t oldest = 0;
	int rc;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int(st, 1, MAX_ROWS);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t date = sqlite3_column_int64(st, 4);
		int64_t reviews = sqlite3_column_int64(st, 9);

		if (!n)
			oldest = date;
		ages[n] = date < now ? (now - date) / 86400 : 0;
		n++;
		unreviewed += reviews == 0;
		st_buf_addstr(&rows, "<tr><td>");
		st_html_text(&rows, col(st, 0));
		st_buf_addf(&rows, "</td><td>v%lld</td><td>%lld/%lld</td><td>",
			    (long long)sqlite3_column_int64(st, 1),
			    (long long)sqlite3_column_int64(st, 2),
			    (long long)sqlite3_column_int64(st, 3));
		add_person_link(&rows, col(st, 6), col(st, 7));
		st_buf_addstr(&rows, "</td><td>");
		st_html_text(&rows, col(st, 8));
		st_buf_addstr(&rows, "</td><td>");
		add_day(&rows, date);
		st_buf_addf(&rows, "</td><td>%lld</td><td>%lld</td><td>",
			    (long long)(date < now ? (now - date) / 86400 : 0),
			    (long long)reviews);
		st_html_text(&rows, col(st, 5));
		st_buf_addstr(&rows, "</td></tr>\n");
	}
	rc = st_store_check(s, rc, err);
	sqlite3_reset(st);
	if (rc < 0)
		goto out;
	st_buf_addstr(&body, "<p>As of ");
	add_day(&body, now);
	st_buf_addf(&body,
		    ": %zu series waiting for review, %zu of them "
		    "without any Reviewed-by or Acked-by",
		    n, unreviewed);
	if (n) {
		st_buf_addstr(&body, "; the oldest was posted on ");
		add_day(&body, oldest);
	}
	st_buf_addstr(&body, ".</p>\n");
	rc = metrics(&body, s, now, ages, n, err);
	if (rc < 0)
		goto out;
	if (n)
		st_buf_addstr(&body, "<h2>Waiting for review</h2>\n");
	if (n)
		st_buf_addf(&body,
			    "<table>\n<thead><tr><th>Series</th><th>Version"
			    "</th><th>Patches</th><th>Submitter</th><th>List"
			    "</th><th>Posted</th><th>Days</th><th>Reviews"
			    "</th><th>State</th></tr></thead>\n<tbody>\n%s"
			    "</tbody>\n</table>\n",
			    rows.buf);
	add_page(d, "backlog/index.html", "Review backlog", &body);
	d->nav[d->nav_len++] = (struct web_nav_item){"/backlog/", "Backlog"};
out:
	free(ages);
	st_buf_release(&rows);
	st_buf_release(&body);
	return rc;
}

/* ---- contributors ---- */

static const char sql_people[] =
	"SELECT p.id, p.name, p.email, "
	" (SELECT count(*) FROM series s WHERE s.submitter_id = p.id), "
	" (SELECT count(*) FROM series s WHERE s.submitter_id = p.id "
	"   AND s.superseded_by_id IS NULL "
	"   AND s.state IN ('new', 'under-review')), "
	" (SELECT count(*) FROM trailers t WHERE t.person_id = p.id "
	"   AND t.kind = 'Reviewed-by'), "
	" (SELECT count(*) FROM trailers t WHERE t.person_id = p.id "
	"   AND t.kind = 'Acked-by') "
	"FROM people p WHERE "
	" EXISTS (SELECT 1 FROM series s WHERE s.submitter_id = p.id) OR "
	" EXISTS (SELECT 1 FROM trailers t WHERE t.person_id = p.id AND "
	"   t.kind IN ('Reviewed-by', 'Acked-by', 'Tested-by')) "
	"ORDER BY lower(coalesce(p.name, p.email)), p.id LIMIT ?";

static const char sql_person_series[] =
	"SELECT name, version, state, date, superseded_by_id IS NOT NULL "
	"FROM series WHERE submitter_id = ? ORDER BY date DESC, id DESC "
	"LIMIT 200";

static int person_page(struct web_data *d, struct st_store *s, int64_t id,
		       const char *name, const char *email,
		       const int64_t counts[4], struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_person_series, err);
	struct st_buf body = ST_BUF_INIT, path = ST_BUF_INIT;
	char key[KEY_LEN + 1];
	int rc;

	if (!st)
		return ST_ERROR;
	st_buf_addf(&body,
		    "<p>%lld series posted, %lld waiting for review; "
		    "%lld Reviewed-by and %lld Acked-by given.</p>\n"
		    "<p><a href=\"/people/\">All contributors</a> - "
		    "<a href=\"/backlog/\">Review backlog</a></p>\n",
		    (long long)counts[0], (long long)counts[1],
		    (long long)counts[2], (long long)counts[3]);
	sqlite3_bind_int64(st, 1, id);
	if (counts[0])
		st_buf_addstr(&body, "<table>\n<thead><tr><th>Series</th>"
				     "<th>Version</th><th>Posted</th>"
				     "<th>State</th></tr></thead>\n<tbody>\n");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		st_buf_addstr(&body, "<tr><td>");
		st_html_text(&body, col(st, 0));
		st_buf_addf(&body, "</td><td>v%lld</td><td>",
			    (long long)sqlite3_column_int64(st, 1));
		add_day(&body, sqlite3_column_int64(st, 3));
		st_buf_addstr(&body, "</td><td>");
		st_html_text(&body, sqlite3_column_int(st, 4) ? "superseded"
							      : col(st, 2));
		st_buf_addstr(&body, "</td></tr>\n");
	}
	rc = st_store_check(s, rc, err);
	sqlite3_reset(st);
	if (counts[0])
		st_buf_addstr(&body, "</tbody>\n</table>\n");
	person_key(key, email);
	st_buf_addf(&path, "people/%s/index.html", key);
	if (!rc)
		add_page(d, path.buf, name && *name ? name : "(no name given)",
			 &body);
	st_buf_release(&body);
	st_buf_release(&path);
	return rc;
}

static int people(struct web_data *d, struct st_store *s, struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_people, err);
	struct st_buf body = ST_BUF_INIT;
	struct person {
		int64_t id;
		char *name;
		char *email;
		int64_t counts[4];
	} *list = NULL;
	size_t n = 0;
	int rc;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int(st, 1, MAX_ROWS);
	/* Read the list first: the per-person query needs the connection. */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		list = st_xreallocarray(list, n + 1, sizeof(*list));
		list[n].id = sqlite3_column_int64(st, 0);
		list[n].name = st_store_column_dup(st, 1);
		list[n].email = st_store_column_dup(st, 2);
		for (int i = 0; i < 4; i++)
			list[n].counts[i] = sqlite3_column_int64(st, 3 + i);
		n++;
	}
	rc = st_store_check(s, rc, err);
	sqlite3_reset(st);
	st_buf_addf(&body,
		    "<p>%zu people posted series or reviewed them."
		    "</p>\n",
		    n);
	if (n)
		st_buf_addstr(&body, "<table>\n<thead><tr><th>Name</th>"
				     "<th>Series</th><th>Waiting</th>"
				     "<th>Reviewed-by</th><th>Acked-by</th>"
				     "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n && !rc; i++) {
		st_buf_addstr(&body, "<tr><td>");
		add_person_link(&body, list[i].name, list[i].email);
		st_buf_addf(&body,
			    "</td><td>%lld</td><td>%lld</td><td>%lld</td>"
			    "<td>%lld</td></tr>\n",
			    (long long)list[i].counts[0],
			    (long long)list[i].counts[1],
			    (long long)list[i].counts[2],
			    (long long)list[i].counts[3]);
		rc = person_page(d, s, list[i].id, list[i].name, list[i].email,
				 list[i].counts, err);
	}
	if (n)
		st_buf_addstr(&body, "</tbody>\n</table>\n");
	if (!rc) {
		add_page(d, "people/index.html", "Contributors", &body);
		d->nav[d->nav_len++] =
			(struct web_nav_item){"/people/", "People"};
	}
	for (size_t i = 0; i < n; i++) {
		free(list[i].name);
		free(list[i].email);
	}
	free(list);
	st_buf_release(&body);
	return rc;
}

/* ---- release status ---- */

static const char *const milestones[][2] = {
	{"last-posting", "Last posting date"},
	{"feature-freeze", "Feature freeze"},
	{"code-freeze", "Code freeze"},
	{"hard-code-freeze", "Hard code freeze"},
	{"release", "Release"},
};

static int add_release_name(const char *name, void *data)
{
	json_array_append_new(data, json_string(name));
	return 0;
}

static const char sql_blockers[] =
	"SELECT version, title, link, owner, created FROM blockers "
	"WHERE state = 'open' ORDER BY version, created, id LIMIT ?";

static int blocker_rows(struct st_buf *body, struct st_store *s,
			struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_blockers, err);
	size_t n = 0;
	int rc;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int(st, 1, MAX_ROWS);
	st_buf_addstr(body, "<h2>Open blockers</h2>\n");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!n++)
			st_buf_addstr(body,
				      "<table>\n<thead><tr><th>Version</th>"
				      "<th>Blocker</th><th>Owner</th>"
				      "<th>Since</th></tr></thead>\n<tbody>\n");
		st_buf_addstr(body, "<tr><td>");
		st_html_text(body, col(st, 0));
		st_buf_addstr(body, "</td><td>");
		if (*col(st, 2)) {
			st_buf_addstr(body, "<a href=\"");
			st_html_href(body, col(st, 2));
			st_buf_addstr(body, "\" rel=\"nofollow\">");
			st_html_text(body, col(st, 1));
			st_buf_addstr(body, "</a>");
		} else {
			st_html_text(body, col(st, 1));
		}
		st_buf_addstr(body, "</td><td>");
		st_html_text(body, col(st, 3));
		st_buf_addstr(body, "</td><td>");
		add_day(body, sqlite3_column_int64(st, 4));
		st_buf_addstr(body, "</td></tr>\n");
	}
	rc = st_store_check(s, rc, err);
	sqlite3_reset(st);
	st_buf_addstr(body, n ? "</tbody>\n</table>\n"
			      : "<p>No open blockers.</p>\n");
	return rc;
}

/* The releases of the configuration with their milestones, and the open
 * blockers: release-status/index.html. */
static int release_status(struct web_data *d, struct st_store *s,
			  const struct st_config *c, time_t now,
			  struct st_error *err)
{
	json_t *names = json_array(), *name;
	struct st_buf body = ST_BUF_INIT, key = ST_BUF_INIT;
	char today[32];
	size_t i;
	int rc = 0;

	if (c)
		st_config_foreach_subsection(c, "release", add_release_name,
					     names);
	if (!json_array_size(names) && !s)
		goto out;
	st_time_iso(today, sizeof(today), now);
	today[10] = 0;
	json_array_foreach(names, i, name)
	{
		st_buf_addstr(&body, "<h2>Release ");
		st_html_text(&body, json_string_value(name));
		st_buf_addstr(&body, "</h2>\n<table>\n<tbody>\n");
		for (size_t m = 0; m < sizeof(milestones) / sizeof(*milestones);
		     m++) {
			char *date;

			st_buf_reset(&key);
			st_buf_addf(&key, "release.%s.%s",
				    json_string_value(name), milestones[m][0]);
			date = st_config_get_string(c, key.buf, NULL);
			if (!date)
				continue;
			st_buf_addf(&body, "<tr><td>%s</td><td>",
				    milestones[m][1]);
			st_html_text(&body, date);
			/* ISO dates compare as strings. */
			st_buf_addstr(&body, strcmp(date, today) <= 0
						     ? " (passed)"
						     : "");
			st_buf_addstr(&body, "</td></tr>\n");
			free(date);
		}
		st_buf_addstr(&body, "</tbody>\n</table>\n");
	}
	if (s)
		rc = blocker_rows(&body, s, err);
	if (!rc) {
		add_page(d, "release-status/index.html", "Release status",
			 &body);
		d->nav[d->nav_len++] =
			(struct web_nav_item){"/release-status/", "Status"};
	}
out:
	json_decref(names);
	st_buf_release(&body);
	st_buf_release(&key);
	return rc;
}

/* ---- check results ---- */

static const char sql_checks[] =
	"SELECT c.name, c.kind, r.status, r.score, r.reason, r.finished "
	"FROM checks c JOIN check_runs r ON r.id = "
	" (SELECT id FROM check_runs WHERE check_id = c.id "
	"  ORDER BY started DESC, id DESC LIMIT 1) "
	"ORDER BY c.name LIMIT ?";

static int checks(struct web_data *d, struct st_store *s, struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_checks, err);
	struct st_buf body = ST_BUF_INIT;
	size_t n = 0;
	int rc;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int(st, 1, MAX_ROWS);
	st_buf_addstr(&body, "<table>\n<thead><tr><th>Check</th><th>Kind</th>"
			     "<th>Result</th><th>Score</th><th>Why</th>"
			     "<th>Run</th></tr></thead>\n<tbody>\n");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *status = col(st, 2);
		const char *cls = !strcmp(status, "pass")   ? "pass"
				  : !strcmp(status, "warn") ? "warn"
							    : "fail";

		n++;
		st_buf_addstr(&body, "<tr><td>");
		st_html_text(&body, col(st, 0));
		st_buf_addstr(&body, "</td><td>");
		st_html_text(&body, col(st, 1));
		st_buf_addf(&body, "</td><td><span class=\"badge %s\">", cls);
		st_html_text(&body, status);
		st_buf_addf(&body, "</span></td><td>%lld/10</td><td>",
			    (long long)sqlite3_column_int64(st, 3));
		st_html_text(&body, col(st, 4));
		st_buf_addstr(&body, "</td><td>");
		add_day(&body, sqlite3_column_int64(st, 5));
		st_buf_addstr(&body, "</td></tr>\n");
	}
	rc = st_store_check(s, rc, err);
	sqlite3_reset(st);
	st_buf_addstr(&body, "</tbody>\n</table>\n");
	if (!rc && n) {
		add_page(d, "checks/index.html", "Checks", &body);
		d->nav[d->nav_len++] =
			(struct web_nav_item){"/checks/", "Checks"};
	}
	st_buf_release(&body);
	return rc;
}

/* ---- security advisories ---- */

/* Only rows whose public date has passed: the embargo is enforced here,
 * in the query, so embargoed text is never even read. */
static const char sql_advisories[] =
	"SELECT number, title, public_date, cves, text FROM advisories "
	"WHERE public_date IS NOT NULL AND public_date <= ? "
	"ORDER BY public_date DESC, number DESC LIMIT ?";

static int advisories(struct web_data *d, struct st_store *s, time_t now,
		      struct st_error *err)
{
	struct st_error perr = ST_ERROR_INIT;
	sqlite3_stmt *st = st_store_stmt(s, sql_advisories, &perr);
	struct st_buf body = ST_BUF_INIT;
	size_t n = 0;
	int rc;

	if (!st) {
		/* A table of another shape: skip rather than fail the site. */
		st_log(ST_LOG_WARN, "web: advisories skipped: %s", perr.msg);
		return 0;
	}
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	sqlite3_bind_int(st, 2, MAX_ROWS);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		n++;
		st_buf_addf(&body, "<h2>XSA-%lld: ",
			    (long long)sqlite3_column_int64(st, 0));
		st_html_text(&body, col(st, 1));
		st_buf_addstr(&body, "</h2>\n<p class=\"date\">Public since ");
		add_day(&body, sqlite3_column_int64(st, 2));
		if (*col(st, 3)) {
			st_buf_addstr(&body, "; ");
			st_html_text(&body, col(st, 3));
		}
		/* The advisory as published: plain text, kept verbatim. */
		st_buf_addstr(&body, "</p>\n<details><summary>Advisory text"
				     "</summary><pre>");
		st_html_text(&body, col(st, 4));
		st_buf_addstr(&body, "</pre></details>\n");
	}
	rc = st_store_check(s, rc, err);
	sqlite3_reset(st);
	if (!n)
		st_buf_addstr(&body, "<p>No advisories have been published."
				     "</p>\n");
	if (!rc) {
		add_page(d, "security/index.html", "Security advisories",
			 &body);
		d->nav[d->nav_len++] =
			(struct web_nav_item){"/security/", "Security"};
	}
	st_buf_release(&body);
	return rc;
}

int web_data_pages(struct web_data *out, struct st_store *s,
		   const struct st_config *c, time_t now, struct st_error *err)
{
	static const char *const mail[] = {"series",   "patches", "people",
					   "trailers", "lists",	  NULL};
	static const char *const chk[] = {"checks", "check_runs", NULL};
	static const char *const adv[] = {"advisories", NULL};
	static const char *const blk[] = {"blockers", NULL};
	bool ok = false, blockers = false;
	int rc = 0;

	*out = (struct web_data)WEB_DATA_INIT;
	if (s)
		rc = has_tables(s, mail, &ok, err);
	if (!rc && ok)
		rc = backlog(out, s, now, err);
	if (!rc && ok)
		rc = people(out, s, err);
	if (!rc && s)
		rc = has_tables(s, blk, &blockers, err);
	if (!rc)
		rc = release_status(out, blockers ? s : NULL, c, now, err);
	ok = false;
	if (!rc && s)
		rc = has_tables(s, chk, &ok, err);
	if (!rc && ok)
		rc = checks(out, s, err);
	ok = false;
	if (!rc && s)
		rc = has_tables(s, adv, &ok, err);
	if (!rc && ok)
		rc = advisories(out, s, now, err);
	if (rc < 0)
		web_data_release(out);
	return rc;
}

void web_data_release(struct web_data *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->pages[i].path);
		free(d->pages[i].title);
		free(d->pages[i].body);
	}
	free(d->pages);
	*d = (struct web_data)WEB_DATA_INIT;
}
