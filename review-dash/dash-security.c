/*
 * dash-security.c: the security team's pages of the embargoed issue
 * tracker (tables security_issues, security_notes, security_audit):
 * /security/issues and /security/issues/ID.
 *
 * The tracker is private by construction, whatever an issue's public
 * date: every response needs an administrator's "Authorization: Token T"
 * (401 with WWW-Authenticate without a valid token, 403 for a user who
 * is not an admin), and every response, the refusals included, carries
 * "Cache-Control: no-store" so that neither the server's page cache nor
 * any proxy or browser keeps a copy. The credentials are checked before
 * the tracker's tables are read at all.
 *
 * review-dash links below release, so the tables are read here with small
 * queries of its own rather than through release/secissue.h.
 */
#include "common/html.h"
#include "common/util.h"
#include "dash-priv.h"
#include "users.h"

#include <stdio.h>
#include <string.h>

/* The issue's own fields, in the order of the detail page's table. */
#define ISSUE_COLS                                                             \
	"SELECT id, summary, state, public_date, ifnull(cve, ''),"             \
	" advisory, reporter, ifnull(affected, ''), created, updated"          \
	" FROM security_issues"

/*
 * 0 when the request carries an administrator's token. Otherwise replies
 * (401 or 403, no data) and returns 1; negative ST_E* on a store error.
 */
static int require_admin(struct st_httpd_req *req)
{
	const char *h = st_httpd_header(req, "Authorization");
	int64_t user = 0;
	bool admin = false;
	int rc;

	if (h && !st_strncasecmp(h, "Token ", 6)) {
		rc = rd_users_auth_admin(rd_dash_ro(req), h + 6, &user, &admin,
					 &req->err);
		if (rc < 0 && rc != ST_ENOTFOUND)
			return rc;
		if (rc == 0 && admin)
			return 0;
		if (rc == 0) {
			st_httpd_error_page(req, 403);
			return 1;
		}
	}
	st_httpd_add_header(req, "WWW-Authenticate", "Token");
	st_httpd_error_page(req, 401);
	return 1;
}

static void add_date(struct st_buf *b, sqlite3_stmt *st, int i)
{
	char d[16];

	if (sqlite3_column_type(st, i) == SQLITE_NULL) {
		st_buf_addstr(b, "-");
		return;
	}
	rd_fmt_date(d, sqlite3_column_int64(st, i));
	st_buf_addstr(b, d);
}

static void add_time(struct st_buf *b, sqlite3_stmt *st, int i)
{
	char t[32];

	st_time_iso(t, sizeof(t), (time_t)sqlite3_column_int64(st, i));
	st_html_text(b, t);
}

static void add_advisory(struct st_buf *b, sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		st_buf_addstr(b, "-");
	else
		st_buf_addf(b, "XSA-%lld",
			    (long long)sqlite3_column_int64(st, i));
}

int rd_page_security_issues(struct st_httpd_req *req)
{
	static const char sql[] = ISSUE_COLS " ORDER BY id DESC";
	struct st_store *s;
	struct st_buf b = ST_BUF_INIT;
	sqlite3_stmt *st;
	int rc;

	st_httpd_add_header(req, "Cache-Control", "no-store");
	rc = require_admin(req);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	s = rd_dash_ro(req);
	st = st_store_stmt(s, sql, &req->err);
	if (!st)
		return ST_ERROR;
	rd_page_begin(&b, "Security issues (embargoed)");
	st_buf_addstr(&b, "<table><tr><th>Issue</th><th>Summary</th>"
			  "<th>State</th><th>Public date</th><th>CVE</th>"
			  "<th>Advisory</th></tr>\n");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		char text[32];

		snprintf(text, sizeof(text), "#%lld", (long long)id);
		st_buf_addstr(&b, "<tr><td>");
		rd_add_link_id(&b, "security/issues", id, text);
		st_buf_addstr(&b, "</td><td>");
		st_html_text(&b, rd_col(st, 1));
		st_buf_addstr(&b, "</td><td>");
		rd_add_state(&b, rd_col(st, 2));
		st_buf_addstr(&b, "</td><td>");
		add_date(&b, st, 3);
		st_buf_addstr(&b, "</td><td>");
		st_html_text(&b, rd_col(st, 4));
		st_buf_addstr(&b, "</td><td>");
		add_advisory(&b, st, 5);
		st_buf_addstr(&b, "</td></tr>\n");
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

/* The issue's fields as a table; ST_ENOTFOUND when there is none. */
static int add_issue(struct st_buf *b, struct st_store *s, int64_t id,
		     struct st_error *err)
{
	static const char sql[] = ISSUE_COLS " WHERE id = ?";
	sqlite3_stmt *st = st_store_stmt(s, sql, err);
	int rc;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			return st_error_set(err, ST_ENOTFOUND,
					    "no security issue %lld",
					    (long long)id);
		return st_store_check(s, rc, err);
	}
	st_buf_addstr(b, "<table>\n<tr><th>Summary</th><td>");
	st_html_text(b, rd_col(st, 1));
	st_buf_addstr(b, "</td></tr>\n<tr><th>State</th><td>");
	rd_add_state(b, rd_col(st, 2));
	st_buf_addstr(b, "</td></tr>\n<tr><th>Public date</th><td>");
	add_date(b, st, 3);
	st_buf_addstr(b, "</td></tr>\n<tr><th>CVE</th><td>");
	st_html_text(b, rd_col(st, 4));
	st_buf_addstr(b, "</td></tr>\n<tr><th>Advisory</th><td>");
	add_advisory(b, st, 5);
	st_buf_addstr(b, "</td></tr>\n<tr><th>Reporter</th><td>");
	st_html_text(b, rd_col(st, 6));
	st_buf_addstr(b, "</td></tr>\n<tr><th>Affected</th><td>");
	st_html_text(b, rd_col(st, 7));
	st_buf_addstr(b, "</td></tr>\n<tr><th>Created</th><td>");
	add_time(b, st, 8);
	st_buf_addstr(b, "</td></tr>\n<tr><th>Updated</th><td>");
	add_time(b, st, 9);
	st_buf_addstr(b, "</td></tr>\n</table>\n");
	sqlite3_reset(st);
	return 0;
}

static int add_notes(struct st_buf *b, struct st_store *s, int64_t id,
		     struct st_error *err)
{
	static const char sql[] = "SELECT author, time, text FROM "
				  "security_notes WHERE issue_id = ? "
				  "ORDER BY time, id";
	sqlite3_stmt *st = st_store_stmt(s, sql, err);
	int rc, n = 0;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, id);
	st_buf_addstr(b, "<h2>Notes</h2>\n");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		st_buf_addstr(b, "<div class=\"note\"><p class=\"muted\">");
		st_html_text(b, rd_col(st, 0));
		st_buf_addstr(b, ", ");
		add_time(b, st, 1);
		st_buf_addstr(b, "</p><pre>");
		st_html_text(b, rd_col(st, 2));
		st_buf_addstr(b, "</pre></div>\n");
		n++;
	}
	sqlite3_reset(st);
	if (!n)
		st_buf_addstr(b, "<p class=\"muted\">No notes.</p>\n");
	return rd_step_error(s, rc, err);
}

static int add_audit(struct st_buf *b, struct st_store *s, int64_t id,
		     struct st_error *err)
{
	static const char sql[] =
		"SELECT time, actor, field, ifnull(old_value, ''),"
		" ifnull(new_value, '') FROM security_audit"
		" WHERE issue_id = ? ORDER BY id";
	sqlite3_stmt *st = st_store_stmt(s, sql, err);
	int rc;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, id);
	st_buf_addstr(b, "<h2>Audit log</h2>\n<table><tr><th>Time</th>"
			 "<th>By</th><th>Field</th><th>Old</th><th>New</th>"
			 "</tr>\n");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		st_buf_addstr(b, "<tr><td>");
		add_time(b, st, 0);
		for (int i = 1; i < 5; i++) {
			st_buf_addstr(b, "</td><td>");
			st_html_text(b, rd_col(st, i));
		}
		st_buf_addstr(b, "</td></tr>\n");
	}
	sqlite3_reset(st);
	st_buf_addstr(b, "</table>\n");
	return rd_step_error(s, rc, err);
}

int rd_page_security_issue(struct st_httpd_req *req)
{
	struct st_store *s;
	struct st_buf b = ST_BUF_INIT;
	char title[64];
	int64_t id;
	int rc;

	st_httpd_add_header(req, "Cache-Control", "no-store");
	rc = require_admin(req);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	rc = rd_dash_id(&id, req->args[0], &req->err);
	if (rc < 0)
		return rc;
	s = rd_dash_ro(req);
	snprintf(title, sizeof(title), "Security issue #%lld (embargoed)",
		 (long long)id);
	rd_page_begin(&b, title);
	st_buf_addstr(&b, "<p><a href=\"/security/issues\">All security "
			  "issues</a></p>\n");
	rc = add_issue(&b, s, id, &req->err);
	if (rc == 0)
		rc = add_notes(&b, s, id, &req->err);
	if (rc == 0)
		rc = add_audit(&b, s, id, &req->err);
	if (rc < 0)
		goto out;
	rd_page_end(&b);
	rc = st_httpd_html(req, 200, &b);
out:
	st_buf_release(&b);
	return rc;
}
