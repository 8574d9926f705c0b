/* bestpractices.c: OpenSSF Best Practices criteria from a repository. */
#include "bestpractices.h"

#include "common/buf.h"
#include "common/json.h"
#include "common/util.h"
#include "common/xalloc.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <git2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ENTRIES 200000
#define MAX_TEXT    (256 * 1024)

/* The tree being assessed: every path (directories end in '/'). */
struct tree_ctx {
	git_repository *repo;
	git_tree *tree;
	json_t *paths;
	bool truncated;
};

static int walk_cb(const char *root, const git_tree_entry *e, void *data)
{
	struct tree_ctx *t = data;
	struct st_buf p = ST_BUF_INIT;
	git_object_t type = git_tree_entry_type(e);

	if (json_array_size(t->paths) >= MAX_ENTRIES) {
		t->truncated = true;
		return -1;
	}
	st_buf_addf(&p, "%s%s%s", root, git_tree_entry_name(e),
		    type == GIT_OBJECT_TREE ? "/" : "");
	json_array_append_new(t->paths, st_json_str(p.buf));
	st_buf_release(&p);
	return 0;
}

static bool icase_prefix(const char *s, const char *prefix)
{
	return !st_strncasecmp(s, prefix, strlen(prefix));
}

static const char *base_name(const char *path)
{
	size_t n = strlen(path);
	const char *p;

	/* A directory's name ends before its final '/'. */
	if (n && path[n - 1] == '/')
		n--;
	for (p = path + n; p > path && p[-1] != '/'; p--)
		;
	return p;
}

/* The first top-level file (or, with dirs, any path under one of dirs)
 * whose base name starts with one of prefixes (case-insensitive). */
static const char *find_top(const struct tree_ctx *t,
			    const char *const *prefixes,
			    const char *const *dirs)
{
	size_t i;
	json_t *v;

	json_array_foreach(t->paths, i, v)
	{
		const char *p = json_string_value(v);
		const char *b = base_name(p);
		bool top = b == p;

		for (size_t d = 0; !top && dirs && dirs[d]; d++)
			if ((size_t)(b - p) == strlen(dirs[d]) &&
			    !strncmp(p, dirs[d], strlen(dirs[d])))
				top = true;
		if (!top || p[strlen(p) - 1] == '/')
			continue;
		for (size_t k = 0; prefixes[k]; k++)
			if (icase_prefix(b, prefixes[k]))
				return p;
	}
	return NULL;
}

/* The text of path (at most MAX_TEXT bytes, NUL-terminated), or NULL.
 * Caller frees. */
static char *read_text(const struct tree_ctx *t, const char *path)
{
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;
	char *s = NULL;

	if (git_tree_entry_bypath(&e, t->tree, path) == 0 &&
	    git_blob_lookup(&blob, t->repo, git_tree_entry_id(e)) == 0) {
		size_t n = (size_t)git_blob_rawsize(blob);

		if (n > MAX_TEXT)
			n = MAX_TEXT;
		s = st_xmalloc(n + 1);
		memcpy(s, git_blob_rawcontent(blob), n);
		s[n] = '\0';
	}
	git_blob_free(blob);
	git_tree_entry_free(e);
	return s;
}

static bool icase_contains(const char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (; *s; s++)
		if (!st_strncasecmp(s, needle, n))
			return true;
	return false;
}

static void add(json_t *out, const char *id, bool required, const char *status,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void add(json_t *out, const char *id, bool required, const char *status,
		const char *fmt, ...)
{
	struct st_buf b = ST_BUF_INIT;
	json_t *o = json_object();
	va_list ap;

	va_start(ap, fmt);
	st_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	st_json_set_str(o, "id", id);
	st_json_set_str(o, "status", status);
	json_object_set_new(o, "required", json_boolean(required));
	st_json_set_str(o, "evidence", b.buf);
	json_array_append_new(out, o);
	st_buf_release(&b);
}

/* An SPDX id from the licence text: its SPDX tag or a known text. */
static void spdx_of(struct st_buf *out, const char *text)
{
	static const struct {
		const char *a, *b, *id;
	} known[] = {
		{"GNU GENERAL PUBLIC LICENSE", "Version 3", "GPL-3.0"},
		{"GNU GENERAL PUBLIC LICENSE", "Version 2", "GPL-2.0"},
		{"GNU LESSER GENERAL PUBLIC LICENSE", "Version 2.1",
		 "LGPL-2.1"},
		{"GNU LESSER GENERAL PUBLIC LICENSE", "Version 3", "LGPL-3.0"},
		{"Apache License", "Version 2.0", "Apache-2.0"},
		{"Mozilla Public License", "2.0", "MPL-2.0"},
		{"Permission is hereby granted, free of charge", "", "MIT"},
		{"Redistribution and use in source and binary forms",
		 "Neither the name", "BSD-3-Clause"},
		{"Redistribution and use in source and binary forms", "",
		 "BSD-2-Clause"},
		{"Permission to use, copy, modify, and/or distribute", "",
		 "ISC"},
	};
	const char *tag = strstr(text, "SPDX-License-Identifier:");

	if (tag) {
		tag += strlen("SPDX-License-Identifier:");
		while (*tag == ' ' || *tag == '\t')
			tag++;
		while (*tag && *tag != '\n' && *tag != '\r' && out->len < 64)
			st_buf_addch(out, *tag++);
		st_buf_rtrim(out);
		if (out->len)
			return;
	}
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (icase_contains(text, known[i].a) &&
		    (!known[i].b[0] || icase_contains(text, known[i].b))) {
			st_buf_addstr(out, known[i].id);
			return;
		}
	}
}

static void licence(json_t *out, const struct tree_ctx *t)
{
	static const char *const names[] = {"LICENSE", "LICENCE", "COPYING",
					    NULL};
	const char *f = find_top(t, names, NULL);
	struct st_buf id = ST_BUF_INIT;
	char *text;

	if (!f) {
		add(out, "license_location", true, "unmet",
		    "no LICENSE or COPYING file at the top");
		add(out, "floss_license", true, "unknown",
		    "no licence file to identify");
		return;
	}
	add(out, "license_location", true, "met", "%s", f);
	text = read_text(t, f);
	if (text)
		spdx_of(&id, text);
	if (id.len)
		add(out, "floss_license", true, "met", "%s: %s", f, id.buf);
	else
		add(out, "floss_license", true, "unknown",
		    "%s: licence not recognised", f);
	free(text);
	st_buf_release(&id);
}

static void presence(json_t *out, const struct tree_ctx *t, const char *id,
		     const char *const *names, const char *const *dirs,
		     const char *missing)
{
	const char *f = find_top(t, names, dirs);

	if (f)
		add(out, id, true, "met", "%s", f);
	else
		add(out, id, true, "unmet", "%s", missing);
}

/* An e-mail address or an https URL: a way to send a report. */
static bool has_contact(const char *s)
{
	for (const char *p = s; *p; p++) {
		if (*p == '@' && p > s && isalnum((unsigned char)p[-1]) &&
		    isalnum((unsigned char)p[1]) && strchr(p, '.'))
			return true;
		if (!st_strncasecmp(p, "https://", 8))
			return true;
	}
	return false;
}

static void security(json_t *out, const struct tree_ctx *t)
{
	static const char *const names[] = {"SECURITY", NULL};
	static const char *const dirs[] = {".github/", "docs/", "doc/", NULL};
	const char *f = find_top(t, names, dirs);
	char *text;

	if (!f) {
		add(out, "vulnerability_report_process", true, "unmet",
		    "no SECURITY policy file");
		return;
	}
	text = read_text(t, f);
	if (text && icase_contains(text, "report") && has_contact(text))
		add(out, "vulnerability_report_process", true, "met",
		    "%s says how to report", f);
	else
		add(out, "vulnerability_report_process", true, "unmet",
		    "%s gives no address or URL to report to", f);
	free(text);
}

/* Plain http:// links in the README, local ones excepted. */
static void sites_https(json_t *out, const struct tree_ctx *t)
{
	static const char *const names[] = {"README", NULL};
	const char *f = find_top(t, names, NULL);
	char *text = f ? read_text(t, f) : NULL;
	struct st_buf first = ST_BUF_INIT;
	unsigned plain = 0, secure = 0;

	for (const char *p = text; p && *p; p++) {
		if (!st_strncasecmp(p, "https://", 8)) {
			secure++;
		} else if (!st_strncasecmp(p, "http://", 7)) {
			const char *h = p + 7;

			if (icase_prefix(h, "localhost") ||
			    icase_prefix(h, "127.0.0.1") ||
			    icase_prefix(h, "example."))
				continue;
			if (plain++ == 0)
				for (const char *q = p;
				     *q && !isspace((unsigned char)*q) &&
				     *q != ')' && *q != '>' && first.len < 80;
				     q++)
					st_buf_addch(&first, *q);
		}
	}
	if (plain)
		add(out, "sites_https", true, "unmet",
		    "%s links %u site(s) over plain HTTP, e.g. %s", f, plain,
		    first.buf);
	else if (secure)
		add(out, "sites_https", true, "met",
		    "%s links %u URL(s), all HTTPS", f, secure);
	else
		add(out, "sites_https", true, "unknown",
		    "no project URL found in a README");
	free(text);
	st_buf_release(&first);
}

static bool path_has_part(const char *p, const char *const *parts,
			  const char *const *prefixes)
{
	const char *b = base_name(p);

	for (size_t i = 0; parts && parts[i]; i++) {
		size_t n = strlen(parts[i]);

		for (const char *q = p; q; q = strchr(q, '/')) {
			if (*q == '/')
				q++;
			if (!strncmp(q, parts[i], n) && q[n] == '/')
				return true;
		}
	}
	for (size_t i = 0; prefixes && prefixes[i]; i++)
		if (icase_prefix(b, prefixes[i]))
			return true;
	return false;
}

static const char *find_any(const struct tree_ctx *t, const char *const *parts,
			    const char *const *prefixes)
{
	size_t i;
	json_t *v;

	json_array_foreach(t->paths, i, v)
	{
		if (path_has_part(json_string_value(v), parts, prefixes))
			return json_string_value(v);
	}
	return NULL;
}

/* Static analysis: a tool's configuration, or CI running one. */
static void static_analysis(json_t *out, const struct tree_ctx *t)
{
	static const char *const files[] = {
		".clang-tidy", ".cppcheck", "cppcheck", "sonar-project",
		".coverity",   ".semgrep",  "codeql",	NULL};
	static const char *const tools[] = {
		"clang-tidy", "cppcheck", "codeql", "coverity",
		"scan-build", "semgrep",  NULL};
	static const char *const dirs[] = {".github/codeql/", NULL};
	const char *f = find_any(t, dirs, files);
	size_t i;
	json_t *v;

	if (f) {
		add(out, "static_analysis", true, "met", "%s", f);
		return;
	}
	json_array_foreach(t->paths, i, v)
	{
		const char *p = json_string_value(v);
		char *text;

		if (!st_starts_with(p, ".github/workflows/") &&
		    strcmp(p, ".gitlab-ci.yml") != 0 &&
		    strcmp(p, ".cirrus.yml") != 0 &&
		    strcmp(p, ".travis.yml") != 0)
			continue;
		text = read_text(t, p);
		for (size_t k = 0; text && tools[k]; k++) {
			if (icase_contains(text, tools[k])) {
				add(out, "static_analysis", true, "met",
				    "%s runs %s", p, tools[k]);
				free(text);
				return;
			}
		}
		free(text);
	}
	add(out, "static_analysis", true, "unmet",
	    "no static analysis configuration or CI job found");
}

struct tags_ctx {
	git_repository *repo;
	unsigned total;
	unsigned signed_;
	char first_signed[128];
};

static int tag_cb(const char *name, git_oid *oid, void *data)
{
	struct tags_ctx *tc = data;
	git_tag *tag = NULL;
	const char *msg;

	tc->total++;
	/* Lightweight tags cannot be signed. */
	if (git_tag_lookup(&tag, tc->repo, oid) < 0)
		return 0;
	msg = git_tag_message(tag);
	if (msg && (strstr(msg, "-----BEGIN PGP SIGNATURE-----") ||
		    strstr(msg, "-----BEGIN SSH SIGNATURE-----"))) {
		if (tc->signed_++ == 0)
			snprintf(tc->first_signed, sizeof(tc->first_signed),
				 "%s",
				 name + (st_starts_with(name, "refs/tags/")
						 ? 10
						 : 0));
	}
	git_tag_free(tag);
	return 0;
}

static void signed_tags(json_t *out, git_repository *repo)
{
	struct tags_ctx tc = {repo, 0, 0, {0}};

	git_tag_foreach(repo, tag_cb, &tc);
	if (tc.total == 0)
		add(out, "signed_releases", false, "unknown", "no tags");
	else if (tc.signed_)
		add(out, "signed_releases", false, "met",
		    "%u of %u tag(s) signed, e.g. %s", tc.signed_, tc.total,
		    tc.first_signed);
	else
		add(out, "signed_releases", false, "unmet",
		    "none of %u tag(s) is signed", tc.total);
}

static void assess(json_t *out, const struct tree_ctx *t)
{
	static const char *const readme[] = {"README", NULL};
	static const char *const contrib[] = {"CONTRIBUTING",
					      "submitting-patches", NULL};
	static const char *const contrib_dirs[] = {
		".github/",	 "docs/", "doc/", "Documentation/process/",
		"docs/process/", NULL};
	static const char *const build[] = {
		"Makefile",	"GNUmakefile",	  "CMakeLists.txt",
		"configure",	"meson.build",	  "Cargo.toml",
		"setup.py",	"pyproject.toml", "package.json",
		"build.gradle", "pom.xml",	  "go.mod",
		"BUILD.bazel",	"SConstruct",	  NULL};
	static const char *const test_dirs[] = {"tests",     "test",	"t",
						"testsuite", "testing", NULL};
	static const char *const test_files[] = {"test_", "test-", NULL};
	static const char *const notes[] = {
		"CHANGELOG",	 "CHANGES", "NEWS", "RELEASE-NOTES",
		"RELEASE_NOTES", "HISTORY", NULL};
	static const char *const fuzz_dirs[] = {"fuzz", "fuzzing", "oss-fuzz",
						".clusterfuzzlite", NULL};
	static const char *const fuzz_files[] = {"fuzz-", "fuzz_", "fuzzer",
						 NULL};
	const char *f;

	licence(out, t);
	presence(out, t, "description_good", readme, NULL,
		 "no README at the top");
	presence(out, t, "contribution", contrib, contrib_dirs,
		 "no CONTRIBUTING guide");
	security(out, t);
	sites_https(out, t);
	presence(out, t, "build", build, NULL, "no build system found");
	f = find_any(t, test_dirs, test_files);
	if (f)
		add(out, "test", true, "met", "%s", f);
	else
		add(out, "test", true, "unmet", "no tests found");
	presence(out, t, "release_notes", notes, NULL,
		 "no CHANGELOG or NEWS file");
	static_analysis(out, t);
	f = find_any(t, fuzz_dirs, fuzz_files);
	if (f)
		add(out, "dynamic_analysis", false, "met", "fuzzing: %s", f);
	else
		add(out, "dynamic_analysis", false, "unmet",
		    "no fuzzing configuration found");
}

int chk_bestpractices_assess(json_t **out, const char *path, const char *rev,
			     struct st_error *err)
{
	struct tree_ctx t = {NULL, NULL, json_array(), false};
	git_object *obj = NULL;
	git_commit *commit = NULL;
	const git_error *e;
	int rc = 0;

	*out = NULL;
	if (git_repository_open_ext(&t.repo, path,
				    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		e = git_error_last();
		rc = st_error_set(err, ST_ENOTFOUND,
				  "cannot open repository '%s': %s", path,
				  e && e->message ? e->message : "not found");
		goto out;
	}
	if (git_revparse_single(&obj, t.repo, rev) < 0 ||
	    git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) <
		    0 ||
	    git_commit_tree(&t.tree, commit) < 0) {
		rc = st_error_set(err, ST_ENOTFOUND,
				  "cannot resolve revision '%s'", rev);
		goto out;
	}
	git_tree_walk(t.tree, GIT_TREEWALK_PRE, walk_cb, &t);
	*out = json_array();
	assess(*out, &t);
	signed_tags(*out, t.repo);
out:
	json_decref(t.paths);
	git_tree_free(t.tree);
	git_commit_free(commit);
	git_object_free(obj);
	git_repository_free(t.repo);
	return rc;
}

const char *chk_bestpractices_level(const json_t *criteria)
{
	size_t i;
	json_t *c;

	json_array_foreach(criteria, i, c)
	{
		if (json_is_true(json_object_get(c, "required")) &&
		    strcmp(json_string_value(json_object_get(c, "status")),
			   "met") != 0)
			return "in_progress";
	}
	return "passing";
}

json_t *chk_bestpractices_export(const json_t *criteria)
{
	json_t *o = json_object(), *c;
	size_t i;

	st_json_set_str(o, "level", chk_bestpractices_level(criteria));
	json_array_foreach(criteria, i, c)
	{
		const char *id = json_string_value(json_object_get(c, "id"));
		const char *st =
			json_string_value(json_object_get(c, "status"));
		struct st_buf k = ST_BUF_INIT;

		st_buf_addf(&k, "%s_status", id);
		st_json_set_str(o, k.buf,
				!strcmp(st, "met")     ? "Met"
				: !strcmp(st, "unmet") ? "Unmet"
						       : "?");
		st_buf_reset(&k);
		st_buf_addf(&k, "%s_justification", id);
		json_object_set(o, k.buf, json_object_get(c, "evidence"));
		st_buf_release(&k);
	}
	return o;
}

static int write_export(const char *path, const json_t *criteria,
			struct st_error *err)
{
	json_t *o = chk_bestpractices_export(criteria);
	int rc = 0;

	if (json_dump_file(o, path, JSON_INDENT(2) | JSON_SORT_KEYS) < 0)
		rc = st_error_set(err, ST_ERROR, "cannot write '%s'", path);
	json_decref(o);
	return rc;
}

static size_t on_site_body(char *p, size_t size, size_t n, void *data)
{
	struct st_buf *b = data;

	/* A bounded buffer: past its cap, stop the transfer. */
	return st_buf_add(b, p, size * n) < 0 ? 0 : size * n;
}

int chk_bestpractices_site(char **level, int *percent, const char *url,
			   const char *cainfo, struct st_error *err)
{
	struct st_buf body = ST_BUF_INIT;
	char errbuf[CURL_ERROR_SIZE] = "";
	json_t *j = NULL, *v;
	CURL *h = curl_easy_init();
	CURLcode cc;
	long code = 0;
	int rc = 0;

	*level = NULL;
	*percent = -1;
	st_buf_init(&body, 1024 * 1024);
	if (!h) {
		rc = st_error_set(err, ST_ERROR, "cannot start libcurl");
		goto out;
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 3L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_site_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "steward-check/1");
	if (cainfo)
		curl_easy_setopt(h, CURLOPT_CAINFO, cainfo);
	cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	if (cc != CURLE_OK || code != 200) {
		rc = st_error_set(
			err, ST_ERROR, "cannot read '%s': %s", url,
			cc != CURLE_OK
				? (errbuf[0] ? errbuf : curl_easy_strerror(cc))
				: "not HTTP 200");
		goto out;
	}
	j = json_loadb(body.buf, body.len, 0, NULL);
	v = json_object_get(j, "badge_level");
	if (!json_is_string(v)) {
		rc = st_error_set(err, ST_ERROR,
				  "'%s' has no badge_level: not the badge "
				  "site's project JSON",
				  url);
		goto out;
	}
	*level = st_xstrdup(json_string_value(v));
	v = json_object_get(j, "badge_percentage_0");
	if (json_is_integer(v) && json_integer_value(v) >= 0 &&
	    json_integer_value(v) <= 100)
		*percent = (int)json_integer_value(v);
out:
	json_decref(j);
	curl_easy_cleanup(h);
	st_buf_release(&body);
	return rc;
}

/* Compare the badge site's record with what the tree shows. */
static void compare_site(struct chk_result *res, const struct chk_check *c,
			 const char *level)
{
	char *url = chk_check_get(c, "site-url", NULL);
	char *cainfo = chk_check_get_path(c, "cainfo", NULL);
	struct st_error err = ST_ERROR_INIT;
	char *site = NULL;
	int percent;

	if (!url)
		goto out;
	if (chk_bestpractices_site(&site, &percent, url, cainfo, &err) < 0) {
		chk_result_addf(res, "Warn", "badge site: %s", err.msg);
		goto out;
	}
	chk_result_addf(res, "Info", "badge site: level %s (%d%% of passing)",
			site, percent);
	/* The site says passing (or above) while the tree misses a required
	 * criterion: the badge claims more than the project shows. */
	if (strcmp(site, "in_progress") != 0 && strcmp(level, "passing") != 0)
		chk_result_addf(res, "Warn",
				"badge site claims '%s' but the repository "
				"misses required criteria",
				site);
	else if (!strcmp(site, "in_progress") && !strcmp(level, "passing"))
		chk_result_addf(res, "Info",
				"the repository meets the passing criteria: "
				"update the badge site");
out:
	free(site);
	free(url);
	free(cainfo);
}

int chk_bestpractices_run(struct chk_result *res, const struct chk_check *c,
			  struct st_error *err)
{
	char *path = chk_check_get_path(c, "path", NULL);
	char *rev = chk_check_get(c, "ref", "HEAD");
	char *exp = c->export_path ? st_xstrdup(c->export_path)
				   : chk_check_get_path(c, "export", NULL);
	json_t *crit = NULL, *e;
	unsigned met = 0, required = 0;
	size_t i;
	int rc;

	if (!path) {
		rc = st_error_set(err, ST_EINVALID,
				  "check '%s': no path configured", c->name);
		goto out;
	}
	rc = chk_bestpractices_assess(&crit, path, rev, err);
	if (rc < 0)
		goto out;
	json_array_foreach(crit, i, e)
	{
		const char *st =
			json_string_value(json_object_get(e, "status"));
		bool req = json_is_true(json_object_get(e, "required"));

		chk_result_addf(
			res,
			!strcmp(st, "met") ? "Info"
			: req		   ? "Warn"
					   : "Info",
			"%s %s: %s",
			json_string_value(json_object_get(e, "id")), st,
			json_string_value(json_object_get(e, "evidence")));
		if (req) {
			required++;
			if (!strcmp(st, "met"))
				met++;
		}
	}
	chk_result_add_obj(res, json_incref(crit));
	compare_site(res, c, chk_bestpractices_level(crit));
	if (exp) {
		rc = write_export(exp, crit, err);
		if (rc < 0)
			goto out;
	}
	{
		int score = required ? (int)(10 * met / required) : 0;
		enum chk_status st = met == required	   ? CHK_PASS
				     : met * 2 >= required ? CHK_WARN
							   : CHK_FAIL;

		chk_result_set(res, st, score,
			       "level %s: %u of %u required criteria met",
			       chk_bestpractices_level(crit), met, required);
	}
out:
	json_decref(crit);
	free(path);
	free(rev);
	free(exp);
	return rc;
}
