/*
 * checkkinds.c: release-rules and advisory-coverage as check kinds.
 */
#include "release/checkkinds.h"

#include "common/buf.h"
#include "common/json.h"
#include "common/store.h"
#include "release/check.h"
#include "release/plan.h"
#include "release/secmatch.h"

#include <stdlib.h>
#include <string.h>

/* The store of the check's configuration (a "check" rule writes its
 * result there). */
static int open_store(struct st_store **out, const struct chk_check *c,
		      struct st_error *err)
{
	char *path = st_config_get_path(c->config, "core.db", "steward.db");
	int rc = st_store_open(out, path, 0, err);

	free(path);
	return rc;
}

static int run_rules(struct chk_result *res, const struct chk_check *c,
		     struct st_error *err)
{
	char *version = chk_check_get(c, "version", NULL);
	char *ref = chk_check_get(c, "ref", NULL);
	char *repo_path = chk_check_get_path(c, "repo", NULL);
	struct rel_findings fs = {0};
	struct rel_version v;
	struct st_store *s = NULL;
	git_repository *repo = NULL;
	struct st_buf key = ST_BUF_INIT;
	int64_t rcnum = 0;
	size_t failed = 0, passed = 0;
	int rc;

	if (!version) {
		rc = st_error_set(err, ST_EINVALID, "check '%s' has no version",
				  c->name);
		goto out;
	}
	rc = rel_version_parse(&v, version, err);
	if (rc == 0)
		rc = chk_check_get_int(c, "rc", 0, &rcnum, err);
	if (rc < 0)
		goto out;
	v.rc = rcnum;
	if (!ref) {
		st_buf_addf(&key, "release.%s.branch", v.series);
		ref = st_config_get_string(c->config, key.buf, "HEAD");
	}
	rc = rel_plan_open_repo(&repo, c->config, &v, repo_path, err);
	if (rc == 0)
		rc = open_store(&s, c, err);
	if (rc == 0)
		rc = rel_check_run(&fs, c->config, repo, &v, ref, s, err);
	if (rc < 0)
		goto out;
	for (size_t i = 0; i < fs.n; i++) {
		const struct rel_finding *f = &fs.v[i];
		json_t *o;

		if (f->status == REL_PASS)
			passed++;
		if (f->status != REL_FAIL)
			continue;
		failed++;
		o = json_object();
		st_json_set_str(o, "rule", f->rule);
		st_json_set_str(o, "message", f->message);
		if (f->file)
			st_json_set_str(o, "file", f->file);
		if (f->commit)
			st_json_set_str(o, "commit", f->commit);
		chk_result_add_obj(res, o);
	}
	if (failed)
		chk_result_set(
			res, CHK_FAIL, (int)(10 * passed / (passed + failed)),
			"%zu release rule finding(s) fail for %s at '%s'",
			failed, v.text, ref);
	else
		chk_result_set(res, CHK_PASS, 10,
			       "every release rule passes for %s at '%s'",
			       v.text, ref);
out:
	rel_findings_release(&fs);
	git_repository_free(repo);
	st_store_free(s);
	st_buf_release(&key);
	free(version);
	free(ref);
	free(repo_path);
	return rc;
}

static int run_coverage(struct chk_result *res, const struct chk_check *c,
			struct st_error *err)
{
	char *version = chk_check_get(c, "version", NULL);
	struct st_store *s = NULL;
	json_t *cells = NULL, *cell;
	size_t i, bad = 0, unindexed = 0, n = 0;
	int rc = open_store(&s, c, err);

	if (rc == 0)
		rc = rel_secmatch_run(s, c->config, 0, &cells, err);
	if (rc < 0)
		goto out;
	json_array_foreach(cells, i, cell)
	{
		const char *state =
			json_string_value(json_object_get(cell, "state"));
		const char *ver =
			json_string_value(json_object_get(cell, "version"));

		if (version && (!ver || strcmp(ver, version)))
			continue;
		if (!state || !strcmp(state, "not-applicable"))
			continue;
		n++;
		if (!strcmp(state, "applied"))
			continue;
		if (!strcmp(state, "not-indexed"))
			unindexed++;
		else
			bad++;
		chk_result_add_obj(res, json_incref(cell));
	}
	if (bad)
		chk_result_set(res, CHK_FAIL, (int)(10 * (n - bad) / n),
			       "%zu of %zu advisory x branch cells lack fixes",
			       bad, n);
	else if (unindexed)
		chk_result_set(res, CHK_WARN, 5,
			       "%zu branch(es) not indexed yet: run 'steward "
			       "trees sync'",
			       unindexed);
	else
		chk_result_set(res, CHK_PASS, 10,
			       "every supported branch carries its fixes "
			       "(%zu cells)",
			       n);
out:
	json_decref(cells);
	st_store_free(s);
	free(version);
	return rc;
}

static const struct chk_kind kinds[] = {
	{"advisory-coverage", run_coverage,
	 "every supported branch carries each advisory's fixes",
	 "https://xenbits.xen.org/xsa/"},
	{"release-rules", run_rules,
	 "the release rules of steward.conf pass for a version",
	 "https://wiki.xenproject.org/wiki/Xen_Project_Release_Process"},
};

const struct chk_kind_set *rel_check_kinds(void)
{
	static const struct chk_kind_set set = {
		kinds, sizeof(kinds) / sizeof(kinds[0])};

	return &set;
}
