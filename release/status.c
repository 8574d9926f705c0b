/*
 * status.c: a release's phase, next milestone, blockers and unacked
 * commits. See status.h.
 */
#include "status.h"

#include "common/json.h"
#include "common/util.h"
#include "common/xalloc.h"
#include "release/blocker.h"
#include "release/check.h"
#include "release/postings.h"

#include <stdlib.h>
#include <string.h>

static const char *const milestones[] = {"last-posting", "feature-freeze",
					 "code-freeze", "hard-code-freeze",
					 "release"};
#define NMILESTONES (sizeof(milestones) / sizeof(milestones[0]))

/* The date of milestone i of series, or 0 when unset. */
static int get_date(time_t *out, const struct st_config *c, const char *series,
		    const char *name, struct st_error *err)
{
	struct st_buf key = ST_BUF_INIT;
	char *s;
	int rc = 0;

	*out = 0;
	st_buf_addf(&key, "release.%s.%s", series, name);
	s = st_config_get_string(c, key.buf, NULL);
	if (s) {
		rc = st_parse_date(out, s, err);
		if (rc < 0)
			st_error_set(err, ST_EINVALID,
				     "bad date '%s' for %s (want YYYY-MM-DD)",
				     s, key.buf);
	}
	free(s);
	st_buf_release(&key);
	return rc;
}

struct pick {
	const struct st_config *c;
	time_t now;
	char *first_ahead;
	char *last;
};

static int pick_series(const char *name, void *data)
{
	struct pick *p = data;
	time_t t;

	free(p->last);
	p->last = st_xstrdup(name);
	if (!p->first_ahead && get_date(&t, p->c, name, "release", NULL) == 0 &&
	    t > p->now)
		p->first_ahead = st_xstrdup(name);
	return 0;
}

int rel_status_default_series(struct st_buf *out, const struct st_config *c,
			      time_t now, struct st_error *err)
{
	struct pick p = {c, now, NULL, NULL};
	int rc = 0;

	st_config_foreach_subsection(c, "release", pick_series, &p);
	if (p.first_ahead || p.last)
		st_buf_addstr(out, p.first_ahead ? p.first_ahead : p.last);
	else
		rc = st_error_set(err, ST_ENOTFOUND,
				  "no [release \"X.Y\"] in the configuration");
	free(p.first_ahead);
	free(p.last);
	return rc;
}

static void set_day(json_t *o, const char *key, time_t t)
{
	char iso[32];

	st_time_iso(iso, sizeof(iso), t);
	iso[10] = '\0';
	st_json_set_str(o, key, iso);
}

/* The release rules on the release branch: {ok, failed: [rules]}. */
static int add_checks(json_t *o, const struct st_config *c,
		      git_repository *repo, struct st_store *store,
		      const struct rel_version *v, struct st_error *err)
{
	struct rel_findings fs = {0};
	struct st_buf key = ST_BUF_INIT;
	json_t *checks = json_object(), *failed = json_array();
	char *branch;
	int rc;

	st_buf_addf(&key, "release.%s.branch", v->series);
	branch = st_config_get_string(c, key.buf, "HEAD");
	rc = rel_check_run(&fs, c, repo, v, branch, store, err);
	for (size_t i = 0; rc == 0 && i < fs.n; i++)
		if (fs.v[i].status == REL_FAIL)
			json_array_append_new(failed,
					      st_json_str(fs.v[i].rule));
	json_object_set_new(checks, "ok", json_boolean(rel_findings_ok(&fs)));
	json_object_set_new(checks, "failed", failed);
	if (rc == 0)
		json_object_set_new(o, "checks", checks);
	else
		json_decref(checks);
	rel_findings_release(&fs);
	st_buf_release(&key);
	free(branch);
	return rc;
}

/* The series naming v that have not landed, and (when last-posting is
 * set) the series first posted after that day. */
static int add_series(json_t *o, const struct st_config *c,
		      struct st_store *store, const struct rel_version *v,
		      time_t last_posting, struct st_error *err)
{
	struct rel_postings ps = {0};
	char *list = rel_postings_list(c, v);
	json_t *arr = json_array();
	int rc;

	rc = rel_postings_blockers(&ps, store, list, v, true, err);
	for (size_t i = 0; rc == 0 && i < ps.n; i++)
		json_array_append_new(arr, rel_posting_json(&ps.v[i]));
	json_object_set_new(o, "series_blockers", arr);
	rel_postings_release(&ps);
	if (rc < 0 || !last_posting) {
		json_object_set_new(o, "late_series", json_null());
		goto out;
	}
	/* Posted on the day itself is in time. */
	rc = rel_postings_after(&ps, store, list, last_posting + 86399, err);
	arr = json_array();
	for (size_t i = 0; rc == 0 && i < ps.n; i++)
		json_array_append_new(arr, rel_posting_json(&ps.v[i]));
	json_object_set_new(o, "late_series", arr);
	rel_postings_release(&ps);
out:
	st_json_set_str(o, "list", list);
	free(list);
	return rc;
}

int rel_status(json_t **out, const struct st_config *c, git_repository *repo,
	       struct st_store *store, const struct rel_version *v, time_t now,
	       struct st_error *err)
{
	json_t *o = json_object(), *dates = json_object(), *arr;
	const char *phase = "development";
	struct rel_blocker_list bl = {0};
	struct rel_unacked *un = NULL;
	size_t nun = 0;
	time_t t[NMILESTONES], freeze;
	int rc = 0;

	*out = NULL;
	st_json_set_str(o, "version", v->text);
	st_json_set_str(o, "series", v->series);
	set_day(o, "today", now);
	json_object_set_new(o, "next", json_null());
	for (size_t i = 0; i < NMILESTONES; i++) {
		rc = get_date(&t[i], c, v->series, milestones[i], err);
		if (rc < 0)
			goto out;
		if (!t[i]) {
			json_object_set_new(dates, milestones[i], json_null());
			continue;
		}
		set_day(dates, milestones[i], t[i]);
		if (t[i] <= now) {
			phase = milestones[i];
		} else if (json_is_null(json_object_get(o, "next"))) {
			json_t *next = json_object();

			st_json_set_str(next, "milestone", milestones[i]);
			set_day(next, "date", t[i]);
			st_json_set_int(next, "days",
					(t[i] - now + 86399) / 86400);
			json_object_set_new(o, "next", next);
		}
	}
	if (!strcmp(phase, "release"))
		phase = "released";
	st_json_set_str(o, "phase", phase);
	json_object_set_new(o, "dates", dates);
	dates = NULL;
	arr = json_array();
	if (store) {
		rc = rel_blocker_list(&bl, store, v->text, true, err);
		if (rc < 0) {
			json_decref(arr);
			goto out;
		}
	}
	for (size_t i = 0; i < bl.n; i++) {
		json_t *b = json_object();

		st_json_set_int(b, "id", bl.v[i].id);
		st_json_set_str(b, "title", bl.v[i].title);
		st_json_set_str(b, "owner", bl.v[i].owner);
		st_json_set_str(b, "link", bl.v[i].link);
		json_array_append_new(arr, b);
	}
	json_object_set_new(o, "blockers", arr);
	if (store) {
		rc = add_series(o, c, store, v, t[0], err);
		if (rc < 0)
			goto out;
	}
	freeze = t[2];
	if (repo && freeze) {
		struct st_buf key = ST_BUF_INIT;
		char *branch;

		st_buf_addf(&key, "release.%s.branch", v->series);
		branch = st_config_get_string(c, key.buf, "HEAD");
		rc = rel_check_unacked(&un, &nun, repo, branch, freeze, err);
		st_json_set_str(o, "branch", branch);
		free(branch);
		st_buf_release(&key);
		if (rc < 0)
			goto out;
		arr = json_array();
		for (size_t i = 0; i < nun; i++) {
			json_t *u = json_object();

			st_json_set_str(u, "commit", un[i].id);
			st_json_set_str(u, "subject", un[i].subject);
			json_array_append_new(arr, u);
		}
		json_object_set_new(o, "unacked", arr);
	}
	if (repo) {
		rc = add_checks(o, c, repo, store, v, err);
		if (rc < 0)
			goto out;
	}
out:
	rel_unacked_free(un, nun);
	rel_blocker_list_release(&bl);
	json_decref(dates);
	if (rc < 0)
		json_decref(o);
	else
		*out = o;
	return rc;
}

void rel_status_print(FILE *f, const json_t *s)
{
	const json_t *next = json_object_get(s, "next");
	const json_t *arr, *e;
	size_t i;

	fprintf(f, "release %s: %s (today %s)\n",
		json_string_value(json_object_get(s, "version")),
		json_string_value(json_object_get(s, "phase")),
		json_string_value(json_object_get(s, "today")));
	if (json_is_object(next))
		fprintf(f, "next: %s on %s, in %lld days\n",
			json_string_value(json_object_get(next, "milestone")),
			json_string_value(json_object_get(next, "date")),
			(long long)json_integer_value(
				json_object_get(next, "days")));
	arr = json_object_get(s, "blockers");
	fprintf(f, "open blockers: %zu\n",
		json_array_size(arr) +
			json_array_size(json_object_get(s, "series_blockers")));
	json_array_foreach(arr, i, e)
	{
		fprintf(f, "  #%lld %s\n",
			(long long)json_integer_value(json_object_get(e, "id")),
			json_string_value(json_object_get(e, "title")));
	}
	json_array_foreach(json_object_get(s, "series_blockers"), i, e)
	{
		fprintf(f, "  series %lld: %s (%s; %lld of %lld landed)\n",
			(long long)json_integer_value(
				json_object_get(e, "series")),
			json_string_value(json_object_get(e, "subject")),
			json_string_value(json_object_get(e, "author")),
			(long long)json_integer_value(
				json_object_get(e, "landed")),
			(long long)json_integer_value(
				json_object_get(e, "patches")));
	}
	arr = json_object_get(s, "late_series");
	if (json_is_array(arr)) {
		const char *list =
			json_string_value(json_object_get(s, "list"));

		fprintf(f,
			"series posted after the last posting date (%s)%s%s: "
			"%zu\n",
			json_string_value(json_object_get(
				json_object_get(s, "dates"), "last-posting")),
			list ? " to " : "", list ? list : "",
			json_array_size(arr));
		json_array_foreach(arr, i, e)
		{
			fprintf(f, "  series %lld %s %s (%s)\n",
				(long long)json_integer_value(
					json_object_get(e, "series")),
				json_string_value(json_object_get(e, "date")),
				json_string_value(
					json_object_get(e, "subject")),
				json_string_value(
					json_object_get(e, "author")));
		}
	}
	e = json_object_get(s, "checks");
	if (e) {
		arr = json_object_get(e, "failed");
		fprintf(f, "release rules: %s",
			json_is_true(json_object_get(e, "ok")) ? "all pass"
							       : "failing:");
		json_array_foreach(arr, i, next)
		{
			fprintf(f, " %s", json_string_value(next));
		}
		fputc('\n', f);
	}
	arr = json_object_get(s, "unacked");
	if (arr) {
		fprintf(f,
			"commits since code freeze without Release-Ack: %zu\n",
			json_array_size(arr));
		json_array_foreach(arr, i, e)
		{
			fprintf(f, "  %.12s %s\n",
				json_string_value(json_object_get(e, "commit")),
				json_string_value(
					json_object_get(e, "subject")));
		}
	}
}
