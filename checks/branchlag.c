/* branchlag.c: how long a gated branch has waited to reach its target. */
#include "branchlag.h"

#include "common/util.h"

#include <git2.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int git_fail(struct st_error *err, int grc, const char *what,
		    const char *name)
{
	const git_error *e = git_error_last();

	return st_error_set(err, grc == GIT_ENOTFOUND ? ST_ENOTFOUND : ST_ERROR,
			    "%s '%s': %s", what, name,
			    e && e->message ? e->message : "libgit2 error");
}

static int resolve(git_oid *out, git_repository *repo, const char *rev,
		   struct st_error *err)
{
	git_object *obj = NULL, *commit = NULL;
	int grc;

	grc = git_revparse_single(&obj, repo, rev);
	if (grc == 0)
		grc = git_object_peel(&commit, obj, GIT_OBJECT_COMMIT);
	if (grc < 0) {
		git_object_free(obj);
		return git_fail(err, GIT_ENOTFOUND, "cannot resolve revision",
				rev);
	}
	git_oid_cpy(out, git_object_id(commit));
	git_object_free(commit);
	git_object_free(obj);
	return 0;
}

int chk_branchlag_measure(struct chk_branchlag *out, const char *path,
			  const char *branch, const char *target,
			  struct st_error *err)
{
	git_repository *repo = NULL;
	git_revwalk *walk = NULL;
	git_oid b, t, oid;
	int rc = 0, grc;

	memset(out, 0, sizeof(*out));
	grc = git_repository_open_ext(&repo, path,
				      GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (grc < 0) {
		rc = git_fail(err, GIT_ENOTFOUND, "cannot open repository",
			      path);
		goto out;
	}
	rc = resolve(&b, repo, branch, err);
	if (rc == 0)
		rc = resolve(&t, repo, target, err);
	if (rc < 0)
		goto out;
	if (git_oid_equal(&b, &t) ||
	    git_graph_descendant_of(repo, &t, &b) == 1) {
		out->merged = true;
		goto out;
	}
	if (git_revwalk_new(&walk, repo) < 0 ||
	    git_revwalk_push(walk, &b) < 0 || git_revwalk_hide(walk, &t) < 0) {
		rc = git_fail(err, ST_ERROR, "cannot walk", branch);
		goto out;
	}
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	while ((grc = git_revwalk_next(&oid, walk)) == 0) {
		git_commit *commit = NULL;
		time_t when;

		if (git_commit_lookup(&commit, repo, &oid) < 0) {
			rc = git_fail(err, ST_ERROR, "cannot read commit",
				      branch);
			goto out;
		}
		when = (time_t)git_commit_time(commit);
		out->waiting++;
		/* The oldest by committer time: the first that waited. */
		if (out->waiting == 1 || when <= out->oldest) {
			const char *s = git_commit_summary(commit);

			out->oldest = when;
			git_oid_tostr(out->oldest_oid, sizeof(out->oldest_oid),
				      &oid);
			snprintf(out->oldest_subject,
				 sizeof(out->oldest_subject), "%s", s ? s : "");
		}
		git_commit_free(commit);
	}
	if (grc != GIT_ITEROVER)
		rc = git_fail(err, ST_ERROR, "cannot walk", branch);
out:
	git_revwalk_free(walk);
	git_repository_free(repo);
	return rc;
}

int chk_branchlag_run(struct chk_result *res, const struct chk_check *c,
		      struct st_error *err)
{
	struct chk_branchlag m;
	char *path = chk_check_get_path(c, "path", NULL);
	char *branch = chk_check_get(c, "branch", "staging");
	char *target = chk_check_get(c, "target", "master");
	int64_t warn_days, fail_days, age, days;
	char when[32];
	int rc;

	if (!path) {
		rc = st_error_set(err, ST_EINVALID,
				  "check '%s': no path configured", c->name);
		goto out;
	}
	rc = chk_check_get_int(c, "warn-days", 2, &warn_days, err);
	if (rc == 0)
		rc = chk_check_get_int(c, "fail-days", 7, &fail_days, err);
	if (rc == 0)
		rc = chk_branchlag_measure(&m, path, branch, target, err);
	if (rc < 0)
		goto out;
	if (m.merged) {
		chk_result_set(res, CHK_PASS, 10, "'%s' is in '%s'", branch,
			       target);
		goto out;
	}
	age = (int64_t)(st_time_now() - m.oldest);
	if (age < 0)
		age = 0;
	days = age / 86400;
	st_time_iso(when, sizeof(when), m.oldest);
	chk_result_addf(res, "Info", "%zu commit(s) of '%s' not in '%s'",
			m.waiting, branch, target);
	chk_result_addf(res, "Info", "oldest waiting: %s %s (%s)", m.oldest_oid,
			m.oldest_subject, when);
	{
		json_t *o = json_object();

		json_object_set_new(o, "waiting",
				    json_integer((json_int_t)m.waiting));
		json_object_set_new(o, "age_seconds", json_integer(age));
		json_object_set_new(o, "oldest", json_string(m.oldest_oid));
		chk_result_add_obj(res, o);
	}
	if (days >= fail_days)
		chk_result_set(res, CHK_FAIL,
			       (int)(10 - days > 0 ? 10 - days : 0),
			       "'%s' has waited %" PRId64 " days for '%s'",
			       branch, days, target);
	else if (days >= warn_days)
		chk_result_set(res, CHK_WARN, (int)(10 - days),
			       "'%s' has waited %" PRId64 " days for '%s'",
			       branch, days, target);
	else
		chk_result_set(res, CHK_PASS, 10,
			       "'%s' has waited %" PRId64 " h for '%s'", branch,
			       age / 3600, target);
out:
	free(path);
	free(branch);
	free(target);
	return rc;
}
