/* check.c: the registry of check kinds, running, results, history. */
#include "check.h"

#include "applies.h"
#include "bestpractices.h"
#include "branchlag.h"
#include "build.h"
#include "https.h"

#include "common/buf.h"
#include "common/json.h"
#include "common/util.h"
#include "common/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sorted by name. */
static const struct chk_kind kinds[] = {
	{"applies", chk_applies_run,
	 "whether a patch or series applies to a branch tip",
	 "https://git-scm.com/docs/git-apply"},
	{"badge", chk_bestpractices_run,
	 "OpenSSF Best Practices passing criteria decidable from the "
	 "repository",
	 "https://www.bestpractices.dev/en/criteria/0"},
	{"branch-lag", chk_branchlag_run,
	 "how long a branch's tip has waited to reach its gated branch",
	 "https://xenbits.xenproject.org/docs/unstable/process/"},
	{"build", chk_build_run,
	 "check out a ref, build it with a timeout, count warnings",
	 "https://reproducible-builds.org/docs/source-date-epoch/"},
	{"https", chk_https_run,
	 "HTTPS redirect, certificate, TLS versions and security headers",
	 "https://developer.mozilla.org/en-US/observatory/docs/"
	 "tests_and_scoring"},
};

static const char *const status_names[] = {"pass", "warn", "fail", "error"};

const char *chk_status_name(enum chk_status s)
{
	if ((unsigned)s >= sizeof(status_names) / sizeof(status_names[0]))
		return "error";
	return status_names[s];
}

int chk_status_parse(enum chk_status *out, const char *name,
		     struct st_error *err)
{
	for (size_t i = 0; i < sizeof(status_names) / sizeof(status_names[0]);
	     i++) {
		if (!strcmp(status_names[i], name)) {
			*out = (enum chk_status)i;
			return 0;
		}
	}
	return st_error_set(err, ST_EINVALID, "unknown status '%s'", name);
}

const struct chk_kind *chk_kinds(size_t *n)
{
	*n = sizeof(kinds) / sizeof(kinds[0]);
	return kinds;
}

const struct chk_kind *chk_kind_find(const char *name)
{
	return chk_kind_find_in(NULL, name);
}

const struct chk_kind *chk_kind_find_in(const struct chk_kind_set *extra,
					const char *name)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i].name, name))
			return &kinds[i];
	for (size_t i = 0; extra && i < extra->n; i++)
		if (!strcmp(extra->v[i].name, name))
			return &extra->v[i];
	return NULL;
}

void chk_result_init(struct chk_result *r)
{
	memset(r, 0, sizeof(*r));
	r->status = CHK_ERROR;
	r->score = -1;
	r->details = json_array();
}

void chk_result_release(struct chk_result *r)
{
	json_decref(r->details);
	r->details = NULL;
}

/* Replace control characters: a reason quotes hostile input. */
static void sanitize(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

void chk_result_set(struct chk_result *r, enum chk_status status, int score,
		    const char *fmt, ...)
{
	va_list ap;

	r->status = status;
	r->score = score < -1 ? -1 : score > 10 ? 10 : score;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
	sanitize(r->reason);
}

void chk_result_addf(struct chk_result *r, const char *type, const char *fmt,
		     ...)
{
	struct st_buf b = ST_BUF_INIT;
	va_list ap;

	st_buf_addf(&b, "%s: ", type);
	va_start(ap, fmt);
	st_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	sanitize(b.buf);
	if (!r->details)
		r->details = json_array();
	json_array_append_new(r->details, st_json_str(b.buf));
	st_buf_release(&b);
}

void chk_result_add_obj(struct chk_result *r, json_t *obj)
{
	if (!r->details)
		r->details = json_array();
	json_array_append_new(r->details, obj);
}

int chk_check_load(struct chk_check **out, const struct st_config *config,
		   const char *name, struct st_error *err)
{
	return chk_check_load_in(out, config, NULL, name, err);
}

int chk_check_load_in(struct chk_check **out, const struct st_config *config,
		      const struct chk_kind_set *extra, const char *name,
		      struct st_error *err)
{
	struct st_buf key = ST_BUF_INIT;
	const struct chk_kind *kind;
	char *kname = NULL;
	int rc = 0;

	*out = NULL;
	st_buf_addf(&key, "check.%s.kind", name);
	kname = st_config_get_string(config, key.buf, NULL);
	if (!kname) {
		rc = st_error_set(err, ST_ENOTFOUND,
				  "no check '%s' with a kind in the "
				  "configuration",
				  name);
		goto out;
	}
	kind = chk_kind_find_in(extra, kname);
	if (!kind) {
		rc = st_error_set(err, ST_EINVALID,
				  "check '%s': unknown kind '%s'", name, kname);
		goto out;
	}
	*out = st_xcalloc(1, sizeof(**out));
	(*out)->name = st_xstrdup(name);
	(*out)->kind = kind;
	(*out)->config = config;
out:
	free(kname);
	st_buf_release(&key);
	return rc;
}

void chk_check_free(struct chk_check *c)
{
	if (!c)
		return;
	free(c->name);
	free(c);
}

int chk_foreach_name(const struct st_config *config, st_config_section_fn fn,
		     void *data)
{
	return st_config_foreach_subsection(config, "check", fn, data);
}

static void make_key(struct st_buf *b, const struct chk_check *c,
		     const char *key)
{
	st_buf_addf(b, "check.%s.%s", c->name, key);
}

char *chk_check_get(const struct chk_check *c, const char *key, const char *def)
{
	struct st_buf k = ST_BUF_INIT;
	char *v;

	make_key(&k, c, key);
	v = st_config_get_string(c->config, k.buf, def);
	st_buf_release(&k);
	return v;
}

char *chk_check_get_path(const struct chk_check *c, const char *key,
			 const char *def)
{
	struct st_buf k = ST_BUF_INIT;
	char *v;

	make_key(&k, c, key);
	v = st_config_get_path(c->config, k.buf, def);
	st_buf_release(&k);
	return v;
}

int chk_check_get_int(const struct chk_check *c, const char *key, int64_t def,
		      int64_t *out, struct st_error *err)
{
	struct st_buf k = ST_BUF_INIT;
	int rc;

	make_key(&k, c, key);
	rc = st_config_get_int(c->config, k.buf, def, out, err);
	st_buf_release(&k);
	return rc;
}

int chk_check_get_bool(const struct chk_check *c, const char *key, bool def,
		       bool *out, struct st_error *err)
{
	struct st_buf k = ST_BUF_INIT;
	int rc;

	make_key(&k, c, key);
	rc = st_config_get_bool(c->config, k.buf, def, out, err);
	st_buf_release(&k);
	return rc;
}

int chk_check_get_all(const struct chk_check *c, const char *key,
		      st_config_value_fn fn, void *data)
{
	struct st_buf k = ST_BUF_INIT;
	int rc;

	make_key(&k, c, key);
	rc = st_config_get_all(c->config, k.buf, fn, data);
	st_buf_release(&k);
	return rc;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int chk_run(struct chk_result *res, const struct chk_check *c)
{
	struct st_error err = ST_ERROR_INIT;
	int64_t t0;
	int rc;

	chk_result_init(res);
	res->started = st_time_now();
	t0 = now_ms();
	rc = c->kind->run(res, c, &err);
	res->duration_ms = now_ms() - t0;
	res->finished = res->started + (time_t)(res->duration_ms / 1000);
	if (rc < 0)
		chk_result_set(res, CHK_ERROR, -1, "%s",
			       err.msg[0] ? err.msg : st_error_name(rc));
	return 0;
}

static json_t *result_json(const char *name, const char *kind,
			   const char *status, int score, const char *reason,
			   json_t *details, int64_t duration_ms, time_t started,
			   const char *doc)
{
	json_t *o = json_object();
	char when[32];

	st_json_set_str(o, "name", name);
	st_json_set_str(o, "kind", kind);
	st_json_set_str(o, "status", status);
	st_json_set_int(o, "score", score);
	st_json_set_str(o, "reason", reason);
	json_object_set_new(o, "details", details ? details : json_array());
	st_json_set_int(o, "duration_ms", duration_ms);
	st_time_iso(when, sizeof(when), started);
	st_json_set_str(o, "started", when);
	if (doc) {
		json_t *d = json_object();

		st_json_set_str(d, "url", doc);
		json_object_set_new(o, "documentation", d);
	}
	return o;
}

json_t *chk_result_json(const struct chk_check *c, const struct chk_result *res)
{
	return result_json(c->name, c->kind->name, chk_status_name(res->status),
			   res->score, res->reason,
			   json_deep_copy(res->details), res->duration_ms,
			   res->started, c->kind->documentation);
}

static int check_id(struct st_store *s, const struct chk_check *c, int64_t *id,
		    struct st_error *err)
{
	static const char sql_upsert[] =
		"INSERT INTO checks (name, kind) VALUES (?, ?) "
		"ON CONFLICT (name) DO UPDATE SET kind = excluded.kind";
	static const char sql_get[] = "SELECT id FROM checks WHERE name = ?";
	sqlite3_stmt *st;
	int rc;

	st = st_store_stmt(s, sql_upsert, err);
	if (!st)
		return ST_ERROR;
	sqlite3_bind_text(st, 1, c->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, c->kind->name, -1, SQLITE_STATIC);
	rc = st_store_step_done(s, st, err);
	if (rc < 0)
		return rc;
	st = st_store_stmt(s, sql_get, err);
	if (!st)
		return ST_ERROR;
	sqlite3_bind_text(st, 1, c->name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		return st_store_check(s, rc == SQLITE_DONE ? SQLITE_ERROR : rc,
				      err);
	*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

int chk_store_save(struct st_store *s, const struct chk_check *c,
		   const struct chk_result *res, int64_t *run_id,
		   struct st_error *err)
{
	static const char sql_run[] =
		"INSERT INTO check_runs (check_id, started, finished, status, "
		"score, reason, details_json, duration_ms) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st;
	char *details = NULL;
	int64_t id = 0;
	int rc;

	rc = st_store_begin(s, err);
	if (rc < 0)
		return rc;
	rc = check_id(s, c, &id, err);
	if (rc < 0)
		goto out;
	st = st_store_stmt(s, sql_run, err);
	if (!st) {
		rc = ST_ERROR;
		goto out;
	}
	details = json_dumps(res->details ? res->details : json_array(),
			     JSON_COMPACT);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (int64_t)res->started);
	sqlite3_bind_int64(st, 3, (int64_t)res->finished);
	sqlite3_bind_text(st, 4, chk_status_name(res->status), -1,
			  SQLITE_STATIC);
	sqlite3_bind_int(st, 5, res->score);
	sqlite3_bind_text(st, 6, res->reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, details ? details : "[]", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, res->duration_ms);
	rc = st_store_step_done(s, st, err);
	if (rc < 0)
		goto out;
	if (run_id)
		*run_id = sqlite3_last_insert_rowid(st_store_db(s));
	rc = st_store_commit(s, err);
out:
	if (rc < 0)
		st_store_rollback(s);
	free(details);
	return rc;
}

int chk_store_history(json_t **out, struct st_store *s, const char *name,
		      int limit, struct st_error *err)
{
	static const char sql[] =
		"SELECT c.kind, r.status, r.score, r.reason, r.details_json, "
		"r.duration_ms, r.started FROM check_runs r "
		"JOIN checks c ON c.id = r.check_id WHERE c.name = ? "
		"ORDER BY r.started DESC, r.id DESC LIMIT ?";
	sqlite3_stmt *st;
	json_t *arr = json_array();
	int rc = 0;

	*out = NULL;
	st = st_store_stmt(s, sql, err);
	if (!st) {
		rc = ST_ERROR;
		goto out;
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(st, 0);
		const struct chk_kind *k = chk_kind_find(kind ? kind : "");
		const char *dj = (const char *)sqlite3_column_text(st, 4);
		json_t *details = json_loads(dj ? dj : "[]", 0, NULL);

		json_array_append_new(
			arr,
			result_json(name, kind,
				    (const char *)sqlite3_column_text(st, 1),
				    sqlite3_column_int(st, 2),
				    (const char *)sqlite3_column_text(st, 3),
				    details, sqlite3_column_int64(st, 5),
				    (time_t)sqlite3_column_int64(st, 6),
				    k ? k->documentation : NULL));
	}
	rc = st_store_check(s, rc, err);
	sqlite3_reset(st);
	if (rc < 0)
		goto out;
	if (json_array_size(arr) == 0) {
		rc = st_error_set(err, ST_ENOTFOUND, "check '%s' has never run",
				  name);
		goto out;
	}
	*out = arr;
	arr = NULL;
out:
	json_decref(arr);
	return rc;
}
