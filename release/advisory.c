/*
 * advisory.c: importing and reading security advisories. Parsing the
 * recipe is strict, since a wrong recipe means a fix checked against
 * the wrong branch; every error names file and JSON path.
 */
#include "release/advisory.h"

#include "common/buf.h"
#include "common/json.h"
#include "common/util.h"
#include "common/xalloc.h"
#include "review-dash/patchid.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Caps on what an import reads: advisories are small. */
#define MAX_FILE (16u << 20)
#define MAX_PATCHES 500

static int read_file(const char *path, struct st_buf *out,
		     struct st_error *err)
{
	FILE *f = fopen(path, "rb");
	char block[65536];
	size_t n;
	int rc = 0;

	if (!f)
		return st_error_set(err, errno == ENOENT ? ST_ENOTFOUND
							 : ST_ERROR,
				    "cannot read '%s': %s", path,
				    strerror(errno));
	st_buf_init(out, MAX_FILE);
	while (rc == 0 && (n = fread(block, 1, sizeof(block), f)) > 0)
		if (st_buf_add(out, block, n) < 0)
			rc = st_error_set(err, ST_ETOOBIG,
					  "'%s' is larger than %u bytes", path,
					  MAX_FILE);
	if (rc == 0 && ferror(f))
		rc = st_error_set(err, ST_ERROR, "cannot read '%s'", path);
	fclose(f);
	return rc;
}

/* The first YYYY-MM-DD (and optional HH:MM) at or after p, as epoch. */
static bool find_date(const char *p, int64_t *out)
{
	for (; *p; p++) {
		char day[11];
		time_t t;

		if (!isdigit((unsigned char)p[0]) || strlen(p) < 10)
			continue;
		memcpy(day, p, 10);
		day[10] = '\0';
		if (st_parse_date(&t, day, NULL) < 0)
			continue;
		if (p[10] == ' ' && isdigit((unsigned char)p[11]) &&
		    isdigit((unsigned char)p[12]) && p[13] == ':' &&
		    isdigit((unsigned char)p[14]) &&
		    isdigit((unsigned char)p[15]))
			t += ((p[11] - '0') * 10 + (p[12] - '0')) * 3600 +
			     ((p[14] - '0') * 10 + (p[15] - '0')) * 60;
		*out = t;
		return true;
	}
	return false;
}

json_t *rel_advisory_parse_text(const char *text, size_t len,
				struct st_error *err)
{
	char *t = st_xmemdupz(text, len);
	json_t *o = json_object(), *cves = json_array();
	const char *p, *line;
	int64_t number = 0, when;
	int version = 0;

	json_object_set_new(o, "cves", cves);
	/* Header: "Xen Security Advisory CVE-2022-26356 / XSA-397". */
	for (p = strstr(t, "CVE-"); p; p = strstr(p + 4, "CVE-")) {
		size_t n = 4;

		while (isdigit((unsigned char)p[n]) || p[n] == '-')
			n++;
		if (n > 9 && n < 32) {
			char id[32];
			bool dup = false;
			size_t i;
			json_t *c;

			memcpy(id, p, n);
			id[n] = '\0';
			json_array_foreach(cves, i, c) dup |=
				!strcmp(json_string_value(c), id);
			if (!dup)
				json_array_append_new(cves, json_string(id));
		}
	}
	p = strstr(t, "XSA-");
	if (p) {
		number = 0;
		for (p += 4; isdigit((unsigned char)*p) && number < 1000000;
		     p++)
			number = number * 10 + (*p - '0');
	}
	if (!number) {
		json_decref(o);
		free(t);
		st_error_set(err, ST_EINVALID, "no 'XSA-N' number in the text");
		return NULL;
	}
	st_json_set_int(o, "number", number);
	/* "version N" on its own line, then the title after a blank line. */
	line = strstr(t, "version ");
	if (line) {
		const char *q = line + 8, *end;

		while (isdigit((unsigned char)*q))
			version = version * 10 + (*q++ - '0');
		/* Skip the rest of the line and the blank ones after it. */
		while (*q && *q != '\n')
			q++;
		while (isspace((unsigned char)*q))
			q++;
		end = strchr(q, '\n');
		if (!end)
			end = q + strlen(q);
		while (end > q && isspace((unsigned char)end[-1]))
			end--;
		if (end > q) {
			char *title = st_xmemdupz(q, (size_t)(end - q));

			st_json_set_str(o, "title", title);
			free(title);
		}
	}
	st_json_set_int(o, "version", version);
	/* "... will be made public on 2025-03-04 12:00 UTC" or "embargo". */
	p = strstr(t, "public");
	if (!p)
		p = strstr(t, "embargo");
	if (p && find_date(p, &when))
		st_json_set_int(o, "public_date", when);
	else
		json_object_set_new(o, "public_date", json_null());
	free(t);
	return o;
}

struct import {
	struct st_store *s;
	const char *dir;
	const char *file; /* the meta file, for messages */
	struct st_error *err;
};

static int bad(struct import *im, const char *path, const char *what)
{
	return st_error_set(im->err, ST_EINVALID, "%s: %s: %s", im->file, path,
			    what);
}

static const char sql_adv_del[] = "DELETE FROM advisories WHERE number = ?";
static const char sql_adv_add[] =
	"INSERT INTO advisories(number, title, version, public_date, cves, "
	"supported, trees, text, imported) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
	"RETURNING id";
static const char sql_recipe_add[] =
	"INSERT INTO advisory_recipes(advisory_id, version, tree, stable_ref, "
	"prereqs) VALUES (?, ?, ?, ?, ?) RETURNING id";
static const char sql_patch_add[] =
	"INSERT INTO advisory_patches(recipe_id, position, file, subject, "
	"content, git_patch_id) VALUES (?, ?, ?, ?, ?, ?)";

/* Space-separated strings of a JSON array of strings. */
static int join_strings(struct import *im, json_t *arr, const char *path,
			struct st_buf *out)
{
	size_t i;
	json_t *v;

	if (!json_is_array(arr))
		return bad(im, path, "expected an array of strings");
	json_array_foreach(arr, i, v)
	{
		if (!json_is_string(v) || !json_string_length(v) ||
		    strchr(json_string_value(v), ' '))
			return bad(im, path, "expected an array of strings");
		if (out->len)
			st_buf_addch(out, ' ');
		st_buf_addstr(out, json_string_value(v));
	}
	return 0;
}

static char *patch_subject(const char *content)
{
	const char *p = strstr(content, "Subject: ");
	const char *end;

	if (!p)
		return NULL;
	p += 9;
	end = strchr(p, '\n');
	return st_xmemdupz(p, end ? (size_t)(end - p) : strlen(p));
}

static int add_patches(struct import *im, int64_t recipe, json_t *patches,
		       const char *path)
{
	struct st_buf full = ST_BUF_INIT, content = ST_BUF_INIT;
	size_t i;
	json_t *v;
	int pos = 0, rc = 0;

	if (!json_is_array(patches))
		return bad(im, path, "expected an array of file patterns");
	json_array_foreach(patches, i, v)
	{
		glob_t g;
		const char *pat = json_string_value(v);

		if (!pat || strstr(pat, "..") || pat[0] == '/')
			return bad(im, path,
				   "expected relative file patterns");
		st_buf_reset(&full);
		st_buf_addf(&full, "%s/%s", im->dir, pat);
		memset(&g, 0, sizeof(g));
		if (glob(full.buf, 0, NULL, &g) != 0 || g.gl_pathc == 0) {
			globfree(&g);
			rc = st_error_set(im->err, ST_EINVALID,
					  "%s: %s[%zu]: no file matches '%s'",
					  im->file, path, i, pat);
			break;
		}
		for (size_t k = 0; k < g.gl_pathc && rc == 0; k++) {
			sqlite3_stmt *st;
			char id[RD_PATCH_ID_HEXSZ];
			char *subject;

			if (pos >= MAX_PATCHES) {
				rc = bad(im, path, "too many patches");
				break;
			}
			rc = read_file(g.gl_pathv[k], &content, im->err);
			if (rc < 0)
				break;
			st = st_store_stmt(im->s, sql_patch_add, im->err);
			if (!st) {
				rc = ST_ERROR;
				break;
			}
			subject = patch_subject(content.buf);
			sqlite3_bind_int64(st, 1, recipe);
			sqlite3_bind_int(st, 2, pos++);
			sqlite3_bind_text(st, 3,
					  g.gl_pathv[k] + strlen(im->dir) + 1,
					  -1, SQLITE_TRANSIENT);
			st_store_bind_text(st, 4, subject);
			sqlite3_bind_text(st, 5, content.buf, (int)content.len,
					  SQLITE_TRANSIENT);
			if (rd_patch_id(id, content.buf, content.len) == 0)
				sqlite3_bind_text(st, 6, id, -1,
						  SQLITE_TRANSIENT);
			rc = st_store_step_done(im->s, st, im->err);
			free(subject);
			st_buf_release(&content);
		}
		globfree(&g);
		if (rc < 0)
			break;
	}
	st_buf_release(&full);
	st_buf_release(&content);
	return rc;
}

static int add_recipe(struct import *im, int64_t adv, const char *version,
		      const char *tree, json_t *r, const char *path)
{
	struct st_buf prereqs = ST_BUF_INIT, sub = ST_BUF_INIT;
	json_t *ref = json_object_get(r, "StableRef");
	json_t *pre = json_object_get(r, "Prereqs");
	json_t *v;
	sqlite3_stmt *st;
	int64_t recipe = 0;
	size_t i;
	int rc = 0;

	if (!json_is_object(r))
		return bad(im, path, "expected an object");
	if (ref && !json_is_null(ref) && !json_is_string(ref)) {
		st_buf_addf(&sub, "%s.StableRef", path);
		rc = bad(im, sub.buf, "expected a string");
		goto out;
	}
	if (pre && !json_is_null(pre)) {
		if (!json_is_array(pre)) {
			st_buf_addf(&sub, "%s.Prereqs", path);
			rc = bad(im, sub.buf, "expected an array of numbers");
			goto out;
		}
		json_array_foreach(pre, i, v)
		{
			if (!json_is_integer(v) || json_integer_value(v) <= 0) {
				st_buf_addf(&sub, "%s.Prereqs[%zu]", path, i);
				rc = bad(im, sub.buf, "expected an XSA number");
				goto out;
			}
			st_buf_addf(&prereqs, "%s%lld", prereqs.len ? " " : "",
				    (long long)json_integer_value(v));
		}
	}
	st = st_store_stmt(im->s, sql_recipe_add, im->err);
	if (!st) {
		rc = ST_ERROR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, adv);
	sqlite3_bind_text(st, 2, version, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, tree, -1, SQLITE_STATIC);
	st_store_bind_text(st, 4, json_string_value(ref));
	st_store_bind_text(st, 5, prereqs.len ? prereqs.buf : NULL);
	if (sqlite3_step(st) == SQLITE_ROW)
		recipe = sqlite3_column_int64(st, 0);
	else
		rc = st_store_check(im->s, sqlite3_errcode(st_store_db(im->s)),
				    im->err);
	sqlite3_reset(st);
	if (rc == 0) {
		st_buf_addf(&sub, "%s.Patches", path);
		rc = add_patches(im, recipe, json_object_get(r, "Patches"),
				 sub.buf);
	}
out:
	st_buf_release(&prereqs);
	st_buf_release(&sub);
	return rc;
}

static int import_meta(struct import *im, int64_t n)
{
	struct st_buf path = ST_BUF_INIT, text = ST_BUF_INIT;
	struct st_buf sup = ST_BUF_INIT, trees = ST_BUF_INIT;
	json_error_t jerr;
	json_t *meta = NULL, *info = NULL, *recipes, *vr;
	const char *version;
	sqlite3_stmt *st;
	int64_t adv = 0;
	int rc = 0;

	st_buf_addf(&path, "%s/%s", im->dir, im->file);
	meta = json_load_file(path.buf, JSON_REJECT_DUPLICATES, &jerr);
	if (!meta) {
		rc = st_error_set(im->err, ST_EINVALID, "%s: line %d: %s",
				  im->file, jerr.line, jerr.text);
		goto out;
	}
	if (!json_is_object(meta)) {
		rc = bad(im, "(top)", "expected an object");
		goto out;
	}
	if (json_integer_value(json_object_get(meta, "XSA")) != n) {
		rc = bad(im, "XSA", "expected the number in the file name");
		goto out;
	}
	rc = join_strings(im, json_object_get(meta, "SupportedVersions"),
			  "SupportedVersions", &sup);
	if (rc == 0)
		rc = join_strings(im, json_object_get(meta, "Trees"), "Trees",
				  &trees);
	recipes = json_object_get(meta, "Recipes");
	if (rc == 0 && !json_is_object(recipes))
		rc = bad(im, "Recipes", "expected an object");
	if (rc < 0)
		goto out;
	st_buf_reset(&path);
	st_buf_addf(&path, "%s/advisory-%lld.txt", im->dir, (long long)n);
	if (read_file(path.buf, &text, NULL) == 0) {
		info = rel_advisory_parse_text(text.buf, text.len, im->err);
		if (!info) {
			rc = st_error_set(im->err, ST_EINVALID, "%s: %s",
					  path.buf + strlen(im->dir) + 1,
					  im->err->msg);
			goto out;
		}
	}
	st = st_store_stmt(im->s, sql_adv_del, im->err);
	if (!st) {
		rc = ST_ERROR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, n);
	rc = st_store_step_done(im->s, st, im->err);
	st = rc == 0 ? st_store_stmt(im->s, sql_adv_add, im->err) : NULL;
	if (!st) {
		rc = ST_ERROR;
		goto out;
	}
	sqlite3_bind_int64(st, 1, n);
	st_store_bind_text(st, 2, json_string_value(json_object_get(info, "title")));
	sqlite3_bind_int64(st, 3,
			   json_integer_value(json_object_get(info, "version")));
	if (json_is_integer(json_object_get(info, "public_date")))
		sqlite3_bind_int64(st, 4, json_integer_value(json_object_get(
						  info, "public_date")));
	{
		struct st_buf cves = ST_BUF_INIT;
		size_t i;
		json_t *c;

		json_array_foreach(json_object_get(info, "cves"), i, c)
			st_buf_addf(&cves, "%s%s", cves.len ? " " : "",
				    json_string_value(c));
		st_store_bind_text(st, 5, cves.len ? cves.buf : NULL);
		st_buf_release(&cves);
	}
	st_store_bind_text(st, 6, sup.buf);
	st_store_bind_text(st, 7, trees.buf);
	st_store_bind_text(st, 8, text.len ? text.buf : NULL);
	sqlite3_bind_int64(st, 9, (int64_t)st_time_now());
	if (sqlite3_step(st) == SQLITE_ROW)
		adv = sqlite3_column_int64(st, 0);
	else
		rc = st_store_check(im->s, sqlite3_errcode(st_store_db(im->s)),
				    im->err);
	sqlite3_reset(st);
	json_object_foreach(recipes, version, vr)
	{
		json_t *inner = json_object_get(vr, "Recipes"), *r;
		const char *tree;

		if (rc < 0)
			break;
		st_buf_reset(&path);
		st_buf_addf(&path, "Recipes.%s.Recipes", version);
		if (!json_is_object(inner)) {
			rc = bad(im, path.buf, "expected an object");
			break;
		}
		json_object_foreach(inner, tree, r)
		{
			struct st_buf rp = ST_BUF_INIT;

			st_buf_addf(&rp, "%s.%s", path.buf, tree);
			rc = add_recipe(im, adv, version, tree, r, rp.buf);
			st_buf_release(&rp);
			if (rc < 0)
				break;
		}
	}
out:
	json_decref(meta);
	json_decref(info);
	st_buf_release(&path);
	st_buf_release(&text);
	st_buf_release(&sup);
	st_buf_release(&trees);
	return rc;
}

/* xsaN.meta -> N, or 0. */
static int64_t meta_number(const char *name)
{
	size_t len = strlen(name);
	int64_t n = 0;

	if (len < 9 || strncmp(name, "xsa", 3) ||
	    strcmp(name + len - 5, ".meta"))
		return 0;
	for (size_t i = 3; i < len - 5; i++) {
		if (!isdigit((unsigned char)name[i]) || n > 100000000)
			return 0;
		n = n * 10 + (name[i] - '0');
	}
	return n;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int rel_advisory_import(struct st_store *s, const char *dir, int *count,
			struct st_error *err)
{
	struct import im = {s, dir, NULL, err};
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;
	int rc = 0;

	*count = 0;
	if (!d)
		return st_error_set(err, errno == ENOENT ? ST_ENOTFOUND
							 : ST_ERROR,
				    "cannot open '%s': %s", dir,
				    strerror(errno));
	while ((e = readdir(d)))
		if (meta_number(e->d_name)) {
			names = st_xreallocarray(names, n + 1, sizeof(*names));
			names[n++] = st_xstrdup(e->d_name);
		}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	if (n == 0) {
		rc = st_error_set(err, ST_ENOTFOUND,
				  "no xsaN.meta recipe in '%s'", dir);
		goto out;
	}
	rc = st_store_begin(s, err);
	for (size_t i = 0; i < n && rc == 0; i++) {
		im.file = names[i];
		rc = import_meta(&im, meta_number(names[i]));
	}
	if (rc == 0)
		rc = st_store_commit(s, err);
	if (rc < 0)
		st_store_rollback(s);
	else
		*count = (int)n;
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

static const char sql_adv_list[] =
	"SELECT id, number, title, version, public_date, cves, supported, "
	"trees FROM advisories WHERE (?1 = 0 OR number = ?1) "
	"ORDER BY number DESC";
static const char sql_adv_recipes[] =
	"SELECT r.id, r.version, r.tree, r.stable_ref, r.prereqs "
	"FROM advisory_recipes r WHERE r.advisory_id = ? ORDER BY r.id";
static const char sql_adv_patches[] =
	"SELECT file, subject, git_patch_id FROM advisory_patches "
	"WHERE recipe_id = ? ORDER BY position";

static json_t *col(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_INTEGER)
		return json_integer(sqlite3_column_int64(st, i));
	return st_json_str((const char *)sqlite3_column_text(st, i));
}

static int query(struct st_store *s, int64_t number, bool detail,
		 json_t **out, struct st_error *err)
{
	static const char *const fields[] = {"id",   "number",      "title",
					     "version", "public_date", "cves",
					     "supported", "trees"};
	sqlite3_stmt *st = st_store_stmt(s, sql_adv_list, err);
	json_t *arr = json_array();
	int r;

	*out = NULL;
	if (!st) {
		json_decref(arr);
		return ST_ERROR;
	}
	sqlite3_bind_int64(st, 1, number);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *o = json_object();

		for (int i = 0; i < 8; i++)
			json_object_set_new(o, fields[i], col(st, i));
		json_array_append_new(arr, o);
	}
	sqlite3_reset(st);
	for (size_t i = 0; detail && i < json_array_size(arr); i++) {
		json_t *o = json_array_get(arr, i), *recipes = json_array();
		sqlite3_stmt *rs = st_store_stmt(s, sql_adv_recipes, err);

		json_object_set_new(o, "recipes", recipes);
		if (!rs)
			break;
		sqlite3_bind_int64(
			rs, 1, json_integer_value(json_object_get(o, "id")));
		while (sqlite3_step(rs) == SQLITE_ROW) {
			json_t *rec = json_object();

			json_object_set_new(rec, "id", col(rs, 0));
			json_object_set_new(rec, "version", col(rs, 1));
			json_object_set_new(rec, "tree", col(rs, 2));
			json_object_set_new(rec, "stable_ref", col(rs, 3));
			json_object_set_new(rec, "prereqs", col(rs, 4));
			json_object_set_new(rec, "patches", json_array());
			json_array_append_new(recipes, rec);
		}
		sqlite3_reset(rs);
		for (size_t k = 0; k < json_array_size(recipes); k++) {
			json_t *rec = json_array_get(recipes, k);
			sqlite3_stmt *ps = st_store_stmt(s, sql_adv_patches, err);

			if (!ps)
				break;
			sqlite3_bind_int64(ps, 1,
					   json_integer_value(
						   json_object_get(rec, "id")));
			while (sqlite3_step(ps) == SQLITE_ROW) {
				json_t *p = json_object();

				json_object_set_new(p, "file", col(ps, 0));
				json_object_set_new(p, "subject", col(ps, 1));
				json_object_set_new(p, "patch_id", col(ps, 2));
				json_array_append_new(
					json_object_get(rec, "patches"), p);
			}
			sqlite3_reset(ps);
		}
	}
	*out = arr;
	return st_store_check(s, r, err);
}

int rel_advisory_list(struct st_store *s, json_t **out, struct st_error *err)
{
	return query(s, 0, false, out, err);
}

int rel_advisory_get(struct st_store *s, int64_t n, json_t **out,
		     struct st_error *err)
{
	json_t *arr = NULL;
	int rc = query(s, n, true, &arr, err);

	*out = NULL;
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	if (!json_array_size(arr)) {
		json_decref(arr);
		return st_error_set(err, ST_ENOTFOUND, "no advisory XSA-%lld",
				    (long long)n);
	}
	*out = json_incref(json_array_get(arr, 0));
	json_decref(arr);
	return 0;
}
