/*
 * dash-priv.h: what the dashboard's files (dash.c, dash-pages.c,
 * dash-api.c, dash-mbox.c, dash-security.c) share. Not an interface for
 * other components.
 */
#ifndef STEWARD_REVIEW_DASH_DASH_PRIV_H
#define STEWARD_REVIEW_DASH_DASH_PRIV_H

#include "common/buf.h"
#include "common/http-server.h"
#include "common/store.h"
#include "maintainers.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* The server's app data: read-only after start. */
struct rd_dash {
	char *db_path;
	struct rd_maintainers *maint; /* NULL without a MAINTAINERS file */
	bool has_trees;		      /* patch_commits and friends exist */
};

/* A worker reuses a list total (count(*)) for the same query while the
 * store is unchanged (PRAGMA data_version): counting 100,000 rows for
 * every page of an API list would dominate. */
#define RD_COUNT_SLOTS 16

/* Per worker thread. */
struct rd_dash_thread {
	struct st_store *ro;
	struct st_store *rw; /* opened on the first write */
	struct {
		char *key; /* path and query without page/per_page */
		int64_t total;
		uint64_t generation;
	} counts[RD_COUNT_SLOTS];
	unsigned next_count;
};

struct st_store *rd_dash_ro(struct st_httpd_req *req);
/* The writable store, opened on first use; NULL with req->err set. */
struct st_store *rd_dash_rw(struct st_httpd_req *req);
struct rd_dash *rd_dash_app(struct st_httpd_req *req);

/* The cached total for this request's list query, if the store has not
 * changed since: true and *out set. put stores one; clear forgets them
 * all (after a write). */
bool rd_dash_count_get(struct st_httpd_req *req, int64_t *out);
void rd_dash_count_put(struct st_httpd_req *req, int64_t total);
void rd_dash_count_clear(struct st_httpd_req *req);

/* Parse a positive row id from s. ST_ENOTFOUND when it is not one. */
int rd_dash_id(int64_t *out, const char *s, struct st_error *err);
/* "http://host:port" of this request (from the Host header, checked). */
void rd_dash_base_url(struct st_httpd_req *req, struct st_buf *out);

/* Page frame: doctype, head with title, the navigation; and the end. */
void rd_page_begin(struct st_buf *b, const char *title);
void rd_page_end(struct st_buf *b);
/* "YYYY-MM-DD" of t, and a short age ("3d", "5h") of t relative to now. */
void rd_fmt_date(char out[16], int64_t t);
void rd_fmt_age(char out[16], int64_t t, int64_t now);

/* The mbox of one patch (with_trailers adds collected trailers above the
 * '---' line), or of a whole series (cover letter excluded). */
int rd_mbox_patch(struct st_store *s, int64_t patch_id, struct st_buf *out,
		  struct st_error *err);
int rd_mbox_series(struct st_store *s, int64_t series_id, struct st_buf *out,
		   struct st_error *err);
/* A download name: "<id>-<name with [A-Za-z0-9-] only>.patch". */
void rd_mbox_filename(struct st_buf *out, int64_t id, const char *name);

/* Column i as text, "" for NULL. Borrowed until the next step. */
const char *rd_col(sqlite3_stmt *st, int i);
/* prefix + url-escaped arg, attribute-escaped. */
void rd_add_url_attr(struct st_buf *b, const char *prefix, const char *arg);
/* A link to /people/EMAIL showing name (or the address). */
void rd_add_person(struct st_buf *b, const char *name, const char *email);
/* <a href="/kind/id">text</a> */
void rd_add_link_id(struct st_buf *b, const char *kind, int64_t id,
		    const char *text);
void rd_add_state(struct st_buf *b, const char *state);
/* A diff in <pre>, escaped, with added/removed/hunk lines marked. */
void rd_add_diff(struct st_buf *b, const char *diff);
/* SQLITE_DONE is 0; anything else through st_store_check. */
int rd_step_error(struct st_store *s, int rc, struct st_error *err);
/* ASCII case-insensitive substring test. */
bool rd_contains_ci(const char *hay, const char *needle);

/* Handlers. */
int rd_page_home(struct st_httpd_req *req);
int rd_page_css(struct st_httpd_req *req);
int rd_page_queue(struct st_httpd_req *req);
int rd_page_queue_atom(struct st_httpd_req *req);
int rd_page_series(struct st_httpd_req *req);
int rd_page_series_mbox(struct st_httpd_req *req);
int rd_page_patch(struct st_httpd_req *req);
int rd_page_patch_mbox(struct st_httpd_req *req);
int rd_page_patch_mbox_msgid(struct st_httpd_req *req);
int rd_page_people(struct st_httpd_req *req);
int rd_page_metrics(struct st_httpd_req *req);
/* The embargoed security tracker: admin token only, never cached. */
int rd_page_security_issues(struct st_httpd_req *req);
int rd_page_security_issue(struct st_httpd_req *req);

int rd_api_index(struct st_httpd_req *req);
int rd_api_projects(struct st_httpd_req *req);
int rd_api_project(struct st_httpd_req *req);
int rd_api_people(struct st_httpd_req *req);
int rd_api_person(struct st_httpd_req *req);
int rd_api_users(struct st_httpd_req *req);
int rd_api_user(struct st_httpd_req *req);
int rd_api_patches(struct st_httpd_req *req);
int rd_api_patch(struct st_httpd_req *req);
int rd_api_patch_update(struct st_httpd_req *req);
int rd_api_patch_comments(struct st_httpd_req *req);
int rd_api_patch_checks(struct st_httpd_req *req);
int rd_api_patch_check_add(struct st_httpd_req *req);
int rd_api_covers(struct st_httpd_req *req);
int rd_api_cover(struct st_httpd_req *req);
int rd_api_series_list(struct st_httpd_req *req);
int rd_api_series(struct st_httpd_req *req);
int rd_api_events(struct st_httpd_req *req);
int rd_api_empty(struct st_httpd_req *req);

#endif
