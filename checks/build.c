/* build.c: build a ref in a temporary checkout, with a timeout. */
#include "build.h"

#include "common/json.h"
#include "common/util.h"
#include "common/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int git_fail(struct st_error *err, const char *what, const char *name)
{
	const git_error *e = git_error_last();

	return st_error_set(err, ST_ERROR, "%s '%s': %s", what, name,
			    e && e->message ? e->message : "libgit2 error");
}

int chk_build_checkout(char **dir, int64_t *commit_time, const char *repo_path,
		       const char *ref, struct st_error *err)
{
	git_checkout_options co = GIT_CHECKOUT_OPTIONS_INIT;
	git_repository *repo = NULL;
	git_object *obj = NULL;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	struct st_buf tmpl = ST_BUF_INIT;
	const char *tmp = getenv("TMPDIR");
	int rc = 0;

	*dir = NULL;
	if (git_repository_open_ext(&repo, repo_path,
				    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		rc = git_fail(err, "cannot open repository", repo_path);
		goto out;
	}
	if (git_revparse_single(&obj, repo, ref) < 0 ||
	    git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) <
		    0 ||
	    git_commit_tree(&tree, commit) < 0) {
		rc = git_fail(err, "cannot resolve revision", ref);
		goto out;
	}
	*commit_time = (int64_t)git_commit_time(commit);
	st_buf_addf(&tmpl, "%s/steward-build-XXXXXX",
		    tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(tmpl.buf)) {
		rc = st_error_set(err, ST_ERROR, "cannot make '%s': %s",
				  tmpl.buf, strerror(errno));
		goto out;
	}
	/* Into the new directory only: the repository's own work tree and
	 * index stay as they are. */
	co.checkout_strategy =
		GIT_CHECKOUT_FORCE | GIT_CHECKOUT_DONT_UPDATE_INDEX;
	co.target_directory = tmpl.buf;
	if (git_checkout_tree(repo, (git_object *)tree, &co) < 0) {
		rc = git_fail(err, "cannot check out", ref);
		chk_build_rmtree(tmpl.buf, NULL);
		goto out;
	}
	*dir = st_buf_detach(&tmpl, NULL);
out:
	git_tree_free(tree);
	git_commit_free(commit);
	git_object_free(obj);
	git_repository_free(repo);
	st_buf_release(&tmpl);
	return rc;
}

static int rm_at(int dfd, const char *name, struct st_error *err)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int fd, rc = 0;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0
				       : st_error_set(err, ST_ERROR,
						      "cannot stat '%s': %s",
						      name, strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(dfd, name, 0) < 0)
			return st_error_set(err, ST_ERROR,
					    "cannot remove '%s': %s", name,
					    strerror(errno));
		return 0;
	}
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return st_error_set(err, ST_ERROR, "cannot open '%s': %s", name,
				    strerror(errno));
	}
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (rm_at(dirfd(d), e->d_name, err) < 0)
			rc = ST_ERROR;
	}
	closedir(d);
	if (unlinkat(dfd, name, AT_REMOVEDIR) < 0 && rc == 0)
		rc = st_error_set(err, ST_ERROR, "cannot remove '%s': %s", name,
				  strerror(errno));
	return rc;
}

int chk_build_rmtree(const char *dir, struct st_error *err)
{
	return rm_at(AT_FDCWD, dir, err);
}

struct build_conf {
	const struct chk_check *c;
	char *repo;
	char *ref;
	json_t *commands;
	json_t *artifacts;
	int64_t timeout;
	int64_t log_kb;
	bool reproducible;
};

static int add_str(const char *v, void *data)
{
	json_array_append_new(data, st_json_str(v));
	return 0;
}

/* One build in a fresh checkout: details added to res; *ok false when a
 * command failed; hashes (when artifacts) filled with each artifact's
 * blob id. */
static int build_once(struct chk_result *res, const struct build_conf *bc,
		      bool epoch, bool *ok, unsigned *warnings, json_t *hashes,
		      struct st_error *err)
{
	char *dir = NULL;
	int64_t ctime = 0, left_ms = bc->timeout * 1000;
	struct st_buf sde = ST_BUF_INIT;
	const char *envs[3] = {NULL, NULL, NULL};
	size_t i;
	json_t *cmd, *a;
	int rc;

	*ok = true;
	rc = chk_build_checkout(&dir, &ctime, bc->repo, bc->ref, err);
	if (rc < 0)
		goto out;
	if (epoch) {
		st_buf_addf(&sde, "SOURCE_DATE_EPOCH=%" PRId64, ctime);
		envs[0] = sde.buf;
	}
	json_array_foreach(bc->commands, i, cmd)
	{
		struct chk_exec ex;
		json_t *o = json_object();
		int t = (int)((left_ms + 999) / 1000);

		rc = chk_exec_sh(&ex, dir, json_string_value(cmd), envs,
				 t > 0 ? t : 1, (size_t)bc->log_kb * 1024, err);
		if (rc < 0) {
			json_decref(o);
			goto out;
		}
		left_ms -= ex.duration_ms;
		*warnings += ex.warnings;
		st_json_set_str(o, "command", json_string_value(cmd));
		st_json_set_int(o, "exit", ex.exit_code);
		json_object_set_new(o, "timed_out", json_boolean(ex.timed_out));
		st_json_set_int(o, "warnings", ex.warnings);
		st_json_set_int(o, "duration_ms", ex.duration_ms);
		if (ex.exit_code != 0 || ex.timed_out) {
			*ok = false;
			st_json_set_str(o, "log_tail", ex.log.buf);
			json_object_set_new(o, "log_truncated",
					    json_boolean(ex.log_truncated));
		}
		chk_result_add_obj(res, o);
		if (ex.timed_out)
			chk_result_addf(res, "Fail",
					"'%s' timed out after %" PRId64 " s",
					json_string_value(cmd), bc->timeout);
		else if (ex.exit_code != 0)
			chk_result_addf(res, "Fail", "'%s' exited with %d",
					json_string_value(cmd), ex.exit_code);
		chk_exec_release(&ex);
		if (!*ok)
			goto out;
	}
	json_array_foreach(bc->artifacts, i, a)
	{
		struct st_buf p = ST_BUF_INIT;
		git_oid oid;
		char hex[GIT_OID_HEXSZ + 1];

		st_buf_addf(&p, "%s/%s", dir, json_string_value(a));
		if (git_odb_hashfile(&oid, p.buf, GIT_OBJECT_BLOB) < 0)
			json_array_append_new(hashes, json_null());
		else
			json_array_append_new(hashes,
					      json_string(git_oid_tostr(
						      hex, sizeof(hex), &oid)));
		st_buf_release(&p);
	}
out:
	if (dir && chk_build_rmtree(dir, rc < 0 ? NULL : err) < 0 && rc == 0)
		rc = ST_ERROR;
	free(dir);
	st_buf_release(&sde);
	return rc;
}

static int load_conf(struct build_conf *bc, const struct chk_check *c,
		     struct st_error *err)
{
	int rc;

	memset(bc, 0, sizeof(*bc));
	bc->c = c;
	bc->repo = chk_check_get_path(c, "path", NULL);
	bc->ref = chk_check_get(c, "ref", "HEAD");
	bc->commands = json_array();
	bc->artifacts = json_array();
	chk_check_get_all(c, "command", add_str, bc->commands);
	chk_check_get_all(c, "artifact", add_str, bc->artifacts);
	rc = chk_check_get_int(c, "timeout", 600, &bc->timeout, err);
	if (rc == 0)
		rc = chk_check_get_int(c, "log-max", 16, &bc->log_kb, err);
	if (rc == 0)
		rc = chk_check_get_bool(c, "reproducible", false,
					&bc->reproducible, err);
	if (rc < 0)
		return rc;
	if (!bc->repo)
		return st_error_set(err, ST_EINVALID,
				    "check '%s': no path configured", c->name);
	if (json_array_size(bc->commands) == 0)
		return st_error_set(err, ST_EINVALID,
				    "check '%s': no command configured",
				    c->name);
	if (bc->timeout < 1 || bc->log_kb < 1 || bc->log_kb > 1024)
		return st_error_set(err, ST_EINVALID,
				    "check '%s': timeout or log-max out of "
				    "range",
				    c->name);
	return 0;
}

int chk_build_run(struct chk_result *res, const struct chk_check *c,
		  struct st_error *err)
{
	struct build_conf bc;
	json_t *h1 = json_array(), *h2 = json_array();
	unsigned warnings = 0, w2 = 0;
	bool ok = false;
	int rc;

	rc = load_conf(&bc, c, err);
	if (rc == 0)
		rc = build_once(res, &bc, bc.reproducible, &ok, &warnings, h1,
				err);
	if (rc < 0)
		goto out;
	if (!ok) {
		chk_result_set(res, CHK_FAIL, 0, "build of '%s' failed",
			       bc.ref);
		goto out;
	}
	if (bc.reproducible) {
		json_t *o = json_object();

		rc = build_once(res, &bc, true, &ok, &w2, h2, err);
		if (rc < 0) {
			json_decref(o);
			goto out;
		}
		json_object_set(o, "first", h1);
		json_object_set(o, "second", h2);
		json_object_set_new(o, "artifacts",
				    json_deep_copy(bc.artifacts));
		chk_result_add_obj(res, o);
		if (!ok) {
			chk_result_set(res, CHK_FAIL, 0,
				       "second build of '%s' failed", bc.ref);
			goto out;
		}
		if (!json_equal(h1, h2) || json_array_size(h1) == 0) {
			chk_result_addf(res, "Warn",
					"artifacts differ between two builds");
			chk_result_set(res, CHK_WARN, 5,
				       "'%s' builds, not reproducibly", bc.ref);
			goto out;
		}
		for (size_t i = 0; i < json_array_size(h1); i++) {
			if (json_is_null(json_array_get(h1, i))) {
				chk_result_set(res, CHK_WARN, 5,
					       "artifact '%s' not built",
					       json_string_value(json_array_get(
						       bc.artifacts, i)));
				goto out;
			}
		}
	}
	if (warnings)
		chk_result_set(
			res, CHK_WARN, warnings > 3 ? 7 : (int)(10 - warnings),
			"'%s' builds with %u warning(s)%s", bc.ref, warnings,
			bc.reproducible ? ", reproducibly" : "");
	else
		chk_result_set(res, CHK_PASS, 10, "'%s' builds%s", bc.ref,
			       bc.reproducible ? ", reproducibly" : "");
out:
	json_decref(h1);
	json_decref(h2);
	json_decref(bc.commands);
	json_decref(bc.artifacts);
	free(bc.repo);
	free(bc.ref);
	return rc;
}
