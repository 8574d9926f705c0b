/*
 * seccheck.c: applying advisory patches to branches in memory with
 * libgit2 (git_apply_to_tree), prerequisites first; building the result
 * in a temporary directory on request.
 */
#include "release/seccheck.h"

#include "checks/build.h"
#include "checks/exec.h"
#include "common/buf.h"
#include "common/json.h"
#include "common/xalloc.h"

#include <errno.h>
#include <git2.h>
#include <stdlib.h>
#include <string.h>

/* Prerequisites nest rarely more than two deep; this bounds a cycle. */
#define MAX_PREREQ_DEPTH 8

static const char sql_recipe[] =
	"SELECT r.id, r.prereqs FROM advisory_recipes r "
	"JOIN advisories a ON a.id = r.advisory_id "
	"WHERE a.number = ? AND r.version = ? AND r.tree = ?";
static const char sql_recipes_of[] =
	"SELECT r.version, r.tree, r.stable_ref FROM advisory_recipes r "
	"JOIN advisories a ON a.id = r.advisory_id WHERE a.number = ? "
	"ORDER BY r.id";
static const char sql_patches[] =
	"SELECT file, content FROM advisory_patches WHERE recipe_id = ? "
	"ORDER BY position";

static const char *git_msg(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown error";
}

static int first_value(const char *value, void *data)
{
	*(char **)data = st_xstrdup(value);
	return 1;
}

char *rel_seccheck_branch(const struct st_config *cfg, const char *tree,
			  const char *version)
{
	struct st_buf key = ST_BUF_INIT, out = ST_BUF_INIT;
	char *fmt, *pct;

	if (!strcmp(version, "master") || !strcmp(version, "unstable") ||
	    !strcmp(version, "staging")) {
		fmt = NULL;
		st_buf_addf(&key, "tree.%s.branch", tree);
		st_config_get_all(cfg, key.buf, first_value, &fmt);
		st_buf_release(&key);
		return fmt ? fmt : st_xstrdup("master");
	}
	st_buf_addf(&key, "tree.%s.stable-format", tree);
	fmt = st_config_get_string(cfg, key.buf, "stable-%s");
	pct = strstr(fmt, "%s");
	if (pct) {
		st_buf_add(&out, fmt, (size_t)(pct - fmt));
		st_buf_addstr(&out, version);
		st_buf_addstr(&out, pct + 2);
	} else {
		st_buf_addstr(&out, fmt);
	}
	free(fmt);
	st_buf_release(&key);
	return st_buf_detach(&out, NULL);
}

struct cell {
	struct st_store *s;
	git_repository *repo;
	git_tree *tree;      /* the tree so far; owned */
	const char *version;
	const char *tree_name;
	json_t *patches;
	bool failed;
	bool prereq_missing;
	struct st_error *err;
};

/* Apply one patch text to c->tree; on success c->tree moves on. */
static void apply_one(struct cell *c, int64_t adv, const char *file,
		      const char *content)
{
	git_diff *diff = NULL;
	git_index *index = NULL;
	git_oid oid;
	git_tree *next = NULL;
	json_t *p = json_object();

	json_object_set_new(p, "file", st_json_str(file));
	st_json_set_int(p, "advisory", adv);
	json_array_append_new(c->patches, p);
	if (c->failed) {
		st_json_set_str(p, "status", "skipped");
		return;
	}
	if (git_diff_from_buffer(&diff, content, strlen(content)) < 0 ||
	    git_apply_to_tree(&index, c->repo, c->tree, diff, NULL) < 0 ||
	    git_index_write_tree_to(&oid, index, c->repo) < 0 ||
	    git_tree_lookup(&next, c->repo, &oid) < 0) {
		st_json_set_str(p, "status", "failed");
		st_json_set_str(p, "error", git_msg());
		c->failed = true;
	} else {
		st_json_set_str(p, "status", "applied");
		git_tree_free(c->tree);
		c->tree = next;
	}
	git_index_free(index);
	git_diff_free(diff);
}

static int apply_advisory(struct cell *c, int64_t adv, int depth)
{
	sqlite3_stmt *st = st_store_stmt(c->s, sql_recipe, c->err);
	struct file {
		char *name;
		char *content;
	} *files = NULL;
	size_t n = 0;
	int64_t recipe = 0;
	char *prereqs = NULL;
	int rc = 0;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, adv);
	sqlite3_bind_text(st, 2, c->version, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, c->tree_name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		recipe = sqlite3_column_int64(st, 0);
		prereqs = st_store_column_dup(st, 1);
	}
	sqlite3_reset(st);
	if (!recipe || depth > MAX_PREREQ_DEPTH) {
		c->prereq_missing = true;
		c->failed = true;
		free(prereqs);
		return 0;
	}
	for (char *p = prereqs, *end; p && *p && rc == 0; p = end) {
		long long pre = strtoll(p, &end, 10);

		if (end == p)
			break;
		rc = apply_advisory(c, pre, depth + 1);
	}
	free(prereqs);
	st = rc == 0 ? st_store_stmt(c->s, sql_patches, c->err) : NULL;
	if (!st)
		return rc < 0 ? rc : ST_ERROR;
	sqlite3_bind_int64(st, 1, recipe);
	while (sqlite3_step(st) == SQLITE_ROW) {
		files = st_xreallocarray(files, n + 1, sizeof(*files));
		files[n].name = st_store_column_dup(st, 0);
		files[n++].content = st_store_column_dup(st, 1);
	}
	sqlite3_reset(st);
	/* The statement is shared with the prerequisites' recursion, so
	 * rows are read out before any patch is applied. */
	for (size_t i = 0; i < n; i++) {
		apply_one(c, adv, files[i].name, files[i].content);
		free(files[i].name);
		free(files[i].content);
	}
	free(files);
	return 0;
}

static int base_commit(git_repository *repo, const char *branch,
		       const char *ref, git_commit **out)
{
	struct st_buf spec = ST_BUF_INIT;
	git_object *obj = NULL;
	int rc;

	if (ref && *ref)
		st_buf_addstr(&spec, ref);
	else
		st_buf_addf(&spec, "refs/heads/%s", branch);
	rc = git_revparse_single(&obj, repo, spec.buf);
	if (rc < 0 && !(ref && *ref)) {
		st_buf_reset(&spec);
		st_buf_addf(&spec, "refs/remotes/origin/%s", branch);
		rc = git_revparse_single(&obj, repo, spec.buf);
	}
	if (rc == 0)
		rc = git_object_peel((git_object **)out, obj, GIT_OBJECT_COMMIT);
	git_object_free(obj);
	st_buf_release(&spec);
	return rc;
}

/* How to build, from [security]; NULL command: no building. */
struct build_conf {
	char *command;
	int64_t timeout;
	int64_t log_max;
};

static int build_conf_load(struct build_conf *bc, const struct st_config *cfg,
			   struct st_error *err)
{
	int rc;

	bc->command = st_config_get_string(cfg, "security.build-command",
					   REL_SECCHECK_BUILD_COMMAND);
	rc = st_config_get_int(cfg, "security.build-timeout",
			       REL_SECCHECK_BUILD_TIMEOUT, &bc->timeout, err);
	if (rc == 0)
		rc = st_config_get_int(cfg, "security.build-log-max",
				       REL_SECCHECK_BUILD_LOG_MAX, &bc->log_max,
				       err);
	if (rc == 0 && !*bc->command)
		rc = st_error_set(err, ST_EINVALID,
				  "security.build-command is empty");
	if (rc == 0 && (bc->timeout < 1 || bc->timeout > 7 * 86400))
		rc = st_error_set(err, ST_EINVALID,
				  "security.build-timeout must be 1 to 604800 "
				  "seconds");
	if (rc == 0 && (bc->log_max < 256 || bc->log_max > 1 << 24))
		rc = st_error_set(err, ST_EINVALID,
				  "security.build-log-max must be 256 to "
				  "16777216 bytes");
	return rc;
}

/*
 * Write tree into a new directory, run the build command there and
 * record o["build"]; the directory is removed whatever happens.
 * A tree that cannot be written is the cell's "error"; only a directory
 * or a process that cannot be made at all is an error of the run.
 */
static int build_cell(git_repository *repo, git_tree *tree,
		      const struct build_conf *bc, json_t *o,
		      struct st_error *err)
{
	git_checkout_options co = GIT_CHECKOUT_OPTIONS_INIT;
	struct st_buf dir = ST_BUF_INIT;
	const char *tmp = getenv("TMPDIR");
	struct chk_exec ex;
	bool made = false, ran = false;
	json_t *b = json_object();
	int rc = 0;

	st_json_set_str(b, "command", bc->command);
	json_object_set_new(o, "build", b);
	st_buf_addf(&dir, "%s/steward-seccheck-XXXXXX",
		    tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir.buf)) {
		rc = st_error_set(err, ST_ERROR, "cannot make '%s': %s",
				  dir.buf, strerror(errno));
		goto out;
	}
	made = true;
	/* Into the new directory only: the repository's work tree and
	 * index stay as they are. */
	co.checkout_strategy =
		GIT_CHECKOUT_FORCE | GIT_CHECKOUT_DONT_UPDATE_INDEX;
	co.target_directory = dir.buf;
	if (git_checkout_tree(repo, (const git_object *)tree, &co) < 0) {
		st_json_set_str(b, "status", "error");
		st_json_set_str(b, "log", git_msg());
		goto out;
	}
	rc = chk_exec_sh(&ex, dir.buf, bc->command, NULL, (int)bc->timeout,
			 (size_t)bc->log_max, err);
	if (rc < 0)
		goto out;
	ran = true;
	st_json_set_str(b, "status",
			ex.timed_out	    ? "timed-out"
			: ex.exit_code != 0 ? "failed"
					    : "passed");
	st_json_set_int(b, "exit_code", ex.exit_code);
	st_json_set_int(b, "duration_ms", ex.duration_ms);
	st_json_set_str(b, "log", ex.log.buf ? ex.log.buf : "");
	json_object_set_new(b, "log_truncated", json_boolean(ex.log_truncated));
out:
	if (ran)
		chk_exec_release(&ex);
	if (made && chk_build_rmtree(dir.buf, rc < 0 ? NULL : err) < 0 &&
	    rc == 0)
		rc = ST_ERROR;
	st_buf_release(&dir);
	return rc;
}

static int check_cell(struct st_store *s, const struct st_config *cfg,
		      int64_t n, const char *version, const char *tree_name,
		      const char *stable_ref, const struct build_conf *bc,
		      json_t *o, struct st_error *err)
{
	struct cell c = {s, NULL, NULL, version, tree_name, json_array(),
			 false, false, err};
	struct st_buf key = ST_BUF_INIT;
	char *branch = rel_seccheck_branch(cfg, tree_name, version);
	char *path;
	git_commit *base = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	int rc = 0;

	st_buf_addf(&key, "tree.%s.path", tree_name);
	path = st_config_get_path(cfg, key.buf, NULL);
	st_json_set_str(o, "version", version);
	st_json_set_str(o, "tree", tree_name);
	st_json_set_str(o, "branch", branch);
	json_object_set_new(o, "patches", c.patches);
	if (!path || git_repository_open_ext(&c.repo, path, 0, NULL) < 0) {
		st_json_set_str(o, "status", "no-tree");
		st_json_set_str(o, "error",
				path ? git_msg()
				     : "no path configured for this tree");
		goto out;
	}
	if (base_commit(c.repo, branch, stable_ref, &base) < 0 ||
	    git_commit_tree(&c.tree, base) < 0) {
		st_json_set_str(o, "status", "no-tree");
		st_json_set_str(o, "error", git_msg());
		goto out;
	}
	git_oid_tostr(hex, sizeof(hex), git_commit_id(base));
	st_json_set_str(o, "base", hex);
	rc = apply_advisory(&c, n, 0);
	st_json_set_str(o, "status", c.prereq_missing ? "prerequisite-missing"
				     : c.failed       ? "fails"
						      : "applies");
	if (rc == 0 && !c.failed && bc->command)
		rc = build_cell(c.repo, c.tree, bc, o, err);
out:
	git_commit_free(base);
	git_tree_free(c.tree);
	git_repository_free(c.repo);
	free(path);
	free(branch);
	st_buf_release(&key);
	return rc;
}

int rel_seccheck_run(struct st_store *s, const struct st_config *cfg, int64_t n,
		     const struct rel_seccheck_opts *opts, json_t **out,
		     int *failed, struct st_error *err)
{
	sqlite3_stmt *st;
	json_t *arr = NULL;
	struct row {
		char *version, *tree, *ref;
	} *rows = NULL;
	struct build_conf bc = {NULL, 0, 0};
	size_t nrows = 0;
	int rc = 0;

	*out = NULL;
	*failed = 0;
	if (opts && opts->build) {
		rc = build_conf_load(&bc, cfg, err);
		if (rc < 0)
			goto out;
	}
	st = st_store_stmt(s, sql_recipes_of, err);
	if (!st) {
		rc = ST_ERROR;
		goto out;
	}
	arr = json_array();
	sqlite3_bind_int64(st, 1, n);
	while (sqlite3_step(st) == SQLITE_ROW) {
		rows = st_xreallocarray(rows, nrows + 1, sizeof(*rows));
		rows[nrows].version = st_store_column_dup(st, 0);
		rows[nrows].tree = st_store_column_dup(st, 1);
		rows[nrows++].ref = st_store_column_dup(st, 2);
	}
	sqlite3_reset(st);
	if (!nrows)
		rc = st_error_set(err, ST_ENOTFOUND,
				  "no advisory XSA-%lld with recipes: import "
				  "it with 'steward security import DIR'",
				  (long long)n);
	for (size_t i = 0; i < nrows; i++) {
		json_t *o = json_object();
		const char *status, *built;

		if (rc == 0)
			rc = check_cell(s, cfg, n, rows[i].version,
					rows[i].tree, rows[i].ref, &bc, o, err);
		status = json_string_value(json_object_get(o, "status"));
		built = json_string_value(
			json_object_get(json_object_get(o, "build"), "status"));
		if (!status || strcmp(status, "applies") ||
		    (built && strcmp(built, "passed")))
			(*failed)++;
		json_array_append_new(arr, o);
		free(rows[i].version);
		free(rows[i].tree);
		free(rows[i].ref);
	}
	if (rc == 0) {
		*out = arr;
		arr = NULL;
	}
out:
	json_decref(arr);
	free(rows);
	free(bc.command);
	return rc;
}
