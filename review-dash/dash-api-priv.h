/*
 * dash-api-priv.h: what dash-api.c and dash-api-patches.c share: JSON
 * object builders in Patchwork's shapes and pagination.
 */
#ifndef STEWARD_REVIEW_DASH_DASH_API_PRIV_H
#define STEWARD_REVIEW_DASH_DASH_API_PRIV_H

#include "common/http-server.h"
#include "common/store.h"

#include <jansson.h>
#include <stdint.h>

#define API "/api/1.2"

/* Patchwork's patch states, NULL-terminated. */
extern const char *const rd_api_patch_states[];

/* "YYYY-MM-DDTHH:MM:SS" (UTC, no zone, as Patchwork writes). */
json_t *rd_api_jdate(int64_t t);
/* base + fmt with id ("%lld"). */
json_t *rd_api_jurl(const char *base, const char *fmt, int64_t id);
/* "<msgid>" */
json_t *rd_api_jmsgid(const char *msgid);
json_t *rd_api_person_json(const char *base, int64_t id, const char *name,
			   const char *email);
json_t *rd_api_user_json(const char *base, int64_t id, const char *username,
			 const char *email);
json_t *rd_api_project_json(const char *base, int64_t id, const char *name,
			    const char *address);
/* Patchwork's /project/LIST/patch/MSGID/mbox/ URL. */
json_t *rd_api_patch_mbox_url(const char *base, const char *list,
			      const char *msgid);

struct rd_api_page {
	int64_t page;	  /* from 1 */
	int64_t per_page; /* 1..250, default 30 */
};

/* page and per_page from the query; ST_EINVALID with req->err set. */
int rd_api_parse_page(struct st_httpd_req *req, struct rd_api_page *pg);
/* Reply 200 with arr (taken) and a Link header (next, prev, first, last)
 * that keeps the request's other query parameters. */
int rd_api_reply_list(struct st_httpd_req *req, const char *base,
		      const struct rd_api_page *pg, int64_t total, json_t *arr);
/* The reply of an endpoint that lists items or shows one: with missing
 * (one item asked for: "no cover"), the first of arr or 404 "MISSING
 * ID"; without, rd_api_reply_list. Takes arr. */
int rd_api_reply(struct st_httpd_req *req, const char *missing, int64_t id,
		 const char *base, const struct rd_api_page *pg, int64_t total,
		 json_t *arr);
/* Step a count(*) statement. */
int rd_api_count_of(struct st_store *s, sqlite3_stmt *st, int64_t *out,
		    struct st_error *err);
/* "true"/"True"/"1" and "false"/"False"/"0". ST_EINVALID otherwise. */
int rd_api_bool(const char *v, int *out);
/* The request body (form-encoded or JSON) as a JSON object (caller
 * owns). ST_EINVALID with req->err set when malformed. */
int rd_api_body(struct st_httpd_req *req, json_t **out);

#endif
