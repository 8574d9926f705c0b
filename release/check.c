/*
 * check.c: the release rules of steward.conf run against a commit.
 * See check.h for the rule language.
 */
#include "check.h"

#include "checks/check.h"
#include "common/buf.h"
#include "common/json.h"
#include "common/util.h"
#include "common/xalloc.h"
#include "release/blocker.h"
#include "release/postings.h"
#include "release/secmatch.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

/* What one rule run needs. */
struct run {
	const struct st_config *c;
	git_repository *repo;
	const struct rel_version *v;
	git_commit *commit;
	git_tree *tree;
	struct st_store *store;
	struct rel_findings *out;
	const char *name; /* the rule's */
	const char *kind;
	char *explain;
	struct st_error *err;
};

static const char *const status_names[] = {"pass", "fail", "skip"};

static char *dup_or_null(const char *s)
{
	return s ? st_xstrdup(s) : NULL;
}

static struct rel_finding *add(struct run *r, enum rel_finding_status st,
			       const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static struct rel_finding *add(struct run *r, enum rel_finding_status st,
			       const char *fmt, ...)
{
	struct rel_findings *fs = r->out;
	struct rel_finding *f;
	struct st_buf msg = ST_BUF_INIT;
	va_list ap;

	if (fs->n == fs->alloc) {
		fs->alloc = fs->alloc ? 2 * fs->alloc : 16;
		fs->v = st_xreallocarray(fs->v, fs->alloc, sizeof(*fs->v));
	}
	f = &fs->v[fs->n++];
	memset(f, 0, sizeof(*f));
	f->rule = st_xstrdup(r->name);
	f->kind = st_xstrdup(r->kind);
	f->explain = dup_or_null(r->explain);
	f->status = st;
	va_start(ap, fmt);
	st_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	f->message = st_buf_detach(&msg, NULL);
	return f;
}

static char *rule_get(struct run *r, const char *key)
{
	struct st_buf k = ST_BUF_INIT;
	char *v;

	st_buf_addf(&k, "release-rule.%s.%s", r->name, key);
	v = st_config_get_string(r->c, k.buf, NULL);
	st_buf_release(&k);
	return v;
}

/* Replace %NAME% placeholders; quote makes values regex-literal. */
static void expand(struct st_buf *out, const char *s,
		   const struct rel_version *v, bool quote)
{
	while (*s) {
		const char *end = *s == '%' ? strchr(s + 1, '%') : NULL;
		char val[64] = "";
		size_t n = end ? (size_t)(end - s - 1) : 0;

		if (end && n == 5 && !strncmp(s + 1, "MAJOR", 5))
			snprintf(val, sizeof(val), "%lld", (long long)v->major);
		else if (end && n == 5 && !strncmp(s + 1, "MINOR", 5))
			snprintf(val, sizeof(val), "%lld", (long long)v->minor);
		else if (end && n == 5 && !strncmp(s + 1, "PATCH", 5))
			snprintf(val, sizeof(val), "%lld", (long long)v->patch);
		else if (end && n == 2 && !strncmp(s + 1, "RC", 2))
			snprintf(val, sizeof(val), "%lld", (long long)v->rc);
		else if (end && n == 7 && !strncmp(s + 1, "VERSION", 7))
			snprintf(val, sizeof(val), "%s", v->text);
		else if (end && n == 6 && !strncmp(s + 1, "SERIES", 6))
			snprintf(val, sizeof(val), "%s", v->series);
		else if (end && n == 4 && !strncmp(s + 1, "KIND", 4))
			snprintf(val, sizeof(val), "%s",
				 v->rc ? "rc" : "release");
		else
			end = NULL;
		if (!end) {
			st_buf_addch(out, *s++);
			continue;
		}
		for (const char *p = val; *p; p++) {
			if (quote && strchr(".[]()*+?{}|^$\\", *p))
				st_buf_addch(out, '\\');
			st_buf_addch(out, *p);
		}
		s = end + 1;
	}
}

static int compile(regex_t *re, struct run *r, const char *key,
		   const char *pattern)
{
	struct st_buf b = ST_BUF_INIT;
	int rc;

	expand(&b, pattern, r->v, true);
	rc = regcomp(re, b.buf, REG_EXTENDED | REG_NOSUB);
	if (rc)
		rc = st_error_set(r->err, ST_EINVALID, "rule '%s': bad %s '%s'",
				  r->name, key, b.buf);
	st_buf_release(&b);
	return rc;
}

/* The blob at path in the tree; ST_ENOTFOUND as a finding, not an error. */
static git_blob *load_file(struct run *r, const char *file)
{
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;

	if (git_tree_entry_bypath(&e, r->tree, file) == 0 &&
	    git_tree_entry_type(e) == GIT_OBJECT_BLOB)
		git_blob_lookup(&blob, r->repo, git_tree_entry_id(e));
	git_tree_entry_free(e);
	return blob;
}

/* Call fn on each line (NUL-terminated, without newline) of the blob. */
typedef int (*line_fn)(struct run *r, const char *line, int64_t no, void *data);

static int foreach_line(struct run *r, git_blob *blob, line_fn fn, void *data)
{
	const char *p = git_blob_rawcontent(blob);
	const char *end = p + git_blob_rawsize(blob);
	struct st_buf line = ST_BUF_INIT;
	int64_t no = 0;
	int rc = 0;

	while (p < end && rc == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		st_buf_reset(&line);
		st_buf_add(&line, p, len);
		rc = fn(r, line.buf, ++no, data);
		p += len + 1;
	}
	st_buf_release(&line);
	return rc;
}

struct match {
	regex_t *re;
	regex_t *hint;
	bool want; /* file-regex: stop at the first match */
	const char *file;
	int64_t found;
	char *hint_line;
	int64_t hint_no;
	size_t fails;
};

static int match_line(struct run *r, const char *line, int64_t no, void *data)
{
	struct match *m = data;

	if (regexec(m->re, line, 0, NULL, 0) == 0) {
		if (m->want) {
			struct rel_finding *f =
				add(r, REL_PASS, "'%s' has the expected line",
				    m->file);

			f->file = st_xstrdup(m->file);
			f->line = no;
			f->value = st_xstrdup(line);
			m->found = no;
			return 1;
		} else {
			struct rel_finding *f =
				add(r, REL_FAIL, "'%s' has a forbidden line",
				    m->file);

			f->file = st_xstrdup(m->file);
			f->line = no;
			f->value = st_xstrdup(line);
			m->fails++;
		}
	} else if (m->hint && !m->hint_line &&
		   regexec(m->hint, line, 0, NULL, 0) == 0) {
		m->hint_line = st_xstrdup(line);
		m->hint_no = no;
	}
	return 0;
}

static int rule_file(struct run *r, bool want)
{
	char *file = rule_get(r, "file"), *pattern = rule_get(r, "pattern");
	char *hint = rule_get(r, "hint");
	struct st_buf path = ST_BUF_INIT;
	regex_t re, hre;
	struct match m = {0};
	git_blob *blob = NULL;
	int rc = 0;

	if (!file || !pattern) {
		rc = st_error_set(r->err, ST_EINVALID,
				  "rule '%s' needs file and pattern", r->name);
		goto out;
	}
	expand(&path, file, r->v, false);
	rc = compile(&re, r, "pattern", pattern);
	if (rc < 0)
		goto out;
	m.re = &re;
	if (hint && compile(&hre, r, "hint", hint) == 0)
		m.hint = &hre;
	m.want = want;
	m.file = path.buf;
	blob = load_file(r, path.buf);
	if (!blob) {
		struct rel_finding *f =
			add(r, REL_FAIL, "'%s' is missing", path.buf);

		f->file = st_xstrdup(path.buf);
	} else {
		foreach_line(r, blob, match_line, &m);
		if (want && !m.found) {
			struct rel_finding *f =
				add(r, REL_FAIL, "no line of '%s' matches '%s'",
				    path.buf, pattern);

			f->file = st_xstrdup(path.buf);
			f->line = m.hint_no;
			f->value = m.hint_line;
			m.hint_line = NULL;
		} else if (!want && !m.fails) {
			struct rel_finding *f =
				add(r, REL_PASS, "no line of '%s' matches '%s'",
				    path.buf, pattern);

			f->file = st_xstrdup(path.buf);
		}
	}
	regfree(&re);
	if (m.hint)
		regfree(&hre);
out:
	free(m.hint_line);
	git_blob_free(blob);
	st_buf_release(&path);
	free(file);
	free(pattern);
	free(hint);
	return rc;
}

struct kconfig {
	const char *symbol;
	bool in_block;
	int64_t no;
	char *value;
};

static int kconfig_line(struct run *r, const char *line, int64_t no, void *data)
{
	struct kconfig *k = data;
	const char *p = line;
	size_t n;

	if (*p != ' ' && *p != '\t' && *p != '\0') {
		/* A new entry: "config SYMBOL" opens ours, anything ends it. */
		k->in_block = false;
		if (strncmp(p, "config", 6) || (p[6] != ' ' && p[6] != '\t'))
			return 0;
		p += 6 + strspn(p + 6, " \t");
		n = strcspn(p, " \t");
		k->in_block = strlen(k->symbol) == n &&
			      !strncmp(p, k->symbol, n) &&
			      p[n + strspn(p + n, " \t")] == '\0';
		return 0;
	}
	if (!k->in_block)
		return 0;
	p += strspn(p, " \t");
	if (strncmp(p, "default", 7) || (p[7] != ' ' && p[7] != '\t'))
		return 0;
	p += 7 + strspn(p + 7, " \t");
	k->value = st_xstrndup(p, strcspn(p, " \t#"));
	k->no = no;
	return 1;
}

static int rule_kconfig(struct run *r)
{
	char *file = rule_get(r, "file"), *symbol = rule_get(r, "symbol");
	char *value = rule_get(r, "value");
	struct kconfig k = {0};
	git_blob *blob = NULL;
	struct rel_finding *f;
	int rc = 0;

	if (!file || !symbol || !value) {
		rc = st_error_set(r->err, ST_EINVALID,
				  "rule '%s' needs file, symbol and value",
				  r->name);
		goto out;
	}
	k.symbol = symbol;
	blob = load_file(r, file);
	if (blob)
		foreach_line(r, blob, kconfig_line, &k);
	if (!blob)
		f = add(r, REL_FAIL, "'%s' is missing", file);
	else if (!k.value)
		f = add(r, REL_FAIL, "'%s' has no default for config %s", file,
			symbol);
	else
		f = add(r, strcmp(k.value, value) ? REL_FAIL : REL_PASS,
			"config %s defaults to '%s' (want '%s')", symbol,
			k.value, value);
	f->file = st_xstrdup(file);
	f->line = k.no;
	f->value = k.value;
out:
	git_blob_free(blob);
	free(file);
	free(symbol);
	free(value);
	return rc;
}

static int rule_subject(struct run *r)
{
	char *pattern = rule_get(r, "pattern");
	const char *subject = git_commit_summary(r->commit);
	char id[GIT_OID_HEXSZ + 1];
	struct rel_finding *f;
	regex_t re;
	bool ok;
	int rc;

	if (!pattern)
		return st_error_set(r->err, ST_EINVALID,
				    "rule '%s' needs a pattern", r->name);
	rc = compile(&re, r, "pattern", pattern);
	if (rc < 0)
		goto out;
	ok = regexec(&re, subject ? subject : "", 0, NULL, 0) == 0;
	regfree(&re);
	f = add(r, ok ? REL_PASS : REL_FAIL,
		ok ? "the tagged commit's subject matches '%s'"
		   : "the tagged commit's subject does not match '%s'",
		pattern);
	git_oid_tostr(id, sizeof(id), git_commit_id(r->commit));
	f->commit = st_xstrdup(id);
	f->value = dup_or_null(subject);
out:
	free(pattern);
	return rc;
}

static int rule_freeze(struct run *r)
{
	char *since = rule_get(r, "since");
	struct st_buf key = ST_BUF_INIT;
	struct rel_unacked *v = NULL;
	char id[GIT_OID_HEXSZ + 1];
	size_t n = 0;
	time_t t;
	int rc = 0;

	if (!since) {
		st_buf_addf(&key, "release.%s.code-freeze", r->v->series);
		since = st_config_get_string(r->c, key.buf, NULL);
	}
	if (!since) {
		add(r, REL_SKIP, "no code-freeze date for %s", r->v->series);
		goto out;
	}
	rc = st_parse_date(&t, since, r->err);
	if (rc < 0)
		goto out;
	git_oid_tostr(id, sizeof(id), git_commit_id(r->commit));
	rc = rel_check_unacked(&v, &n, r->repo, id, t, r->err);
	if (rc < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct rel_finding *f =
			add(r, REL_FAIL,
			    "commit after the %s freeze lacks a "
			    "Release-Acked-by",
			    since);

		f->commit = st_xstrdup(v[i].id);
		f->value = st_xstrdup(v[i].subject);
	}
	if (!n)
		add(r, REL_PASS, "every commit since %s is release-acked",
		    since);
out:
	rel_unacked_free(v, n);
	st_buf_release(&key);
	free(since);
	return rc;
}

static int rule_blockers(struct run *r)
{
	struct rel_blocker_list l = {0};
	struct rel_postings ps = {0};
	char *list = NULL;
	int rc;

	if (!r->store) {
		add(r, REL_FAIL, "no store to read blockers from");
		return 0;
	}
	rc = rel_blocker_list(&l, r->store, r->v->text, true, r->err);
	if (rc < 0)
		goto out;
	list = rel_postings_list(r->c, r->v);
	rc = rel_postings_blockers(&ps, r->store, list, r->v, true, r->err);
	if (rc < 0)
		goto out;
	for (size_t i = 0; i < l.n; i++) {
		struct rel_finding *f = add(
			r, REL_FAIL, "blocker %lld is open%s%s",
			(long long)l.v[i].id, l.v[i].owner ? ", owner " : "",
			l.v[i].owner ? l.v[i].owner : "");

		f->value = st_xstrdup(l.v[i].title);
	}
	for (size_t i = 0; i < ps.n; i++) {
		const struct rel_posting *p = &ps.v[i];
		struct rel_finding *f =
			add(r, REL_FAIL,
			    "series %lld names %s and has not landed (%lld of "
			    "%lld patches landed), from %s",
			    (long long)p->id, r->v->text, (long long)p->landed,
			    (long long)p->patches, p->author);

		f->value = st_xstrdup(p->subject);
	}
	if (!l.n && !ps.n)
		add(r, REL_PASS, "no open blocker for %s", r->v->text);
out:
	rel_blocker_list_release(&l);
	rel_postings_release(&ps);
	free(list);
	return rc;
}

/* The number of advisories in the store, or a negative error. */
static int64_t count_advisories(struct run *r)
{
	static const char sql[] = "SELECT count(*) FROM advisories";
	sqlite3_stmt *st = st_store_stmt(r->store, sql, r->err);
	int64_t n;
	int rc;

	if (!st)
		return ST_ERROR;
	rc = sqlite3_step(st);
	n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	rc = st_store_check(r->store, rc, r->err);
	sqlite3_reset(st);
	return rc < 0 ? rc : n;
}

/* The prerequisites of advisory n's recipe for version and tree as
 * "XSA-1, XSA-2", or NULL when it has none. Caller frees. */
static char *security_prereqs(struct run *r, int64_t n, const char *version,
			      const char *tree)
{
	static const char sql[] =
		"SELECT r.prereqs FROM advisory_recipes r "
		"JOIN advisories a ON a.id = r.advisory_id "
		"WHERE a.number = ? AND r.version = ? AND r.tree = ?";
	sqlite3_stmt *st = st_store_stmt(r->store, sql, NULL);
	struct st_buf out = ST_BUF_INIT;
	const char *p;

	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, n);
	st_store_bind_text(st, 2, version);
	st_store_bind_text(st, 3, tree);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (p = (const char *)sqlite3_column_text(st, 0))) {
		while (*p) {
			size_t len;

			p += strspn(p, " ,");
			len = strcspn(p, " ,");
			if (len)
				st_buf_addf(&out, "%sXSA-%.*s",
					    out.len ? ", " : "", (int)len, p);
			p += len;
		}
	}
	sqlite3_reset(st);
	if (out.len)
		return st_buf_detach(&out, NULL);
	st_buf_release(&out);
	return NULL;
}

/* One failing cell of the advisory matrix: a finding per patch not on
 * the branch (or one for the cell when nothing could be looked at). */
static void security_cell_fail(struct run *r, json_t *cell, const char *state)
{
	long long n = (long long)json_integer_value(
		json_object_get(cell, "advisory"));
	const char *branch = json_string_value(json_object_get(cell, "branch"));
	const char *tree = json_string_value(json_object_get(cell, "tree"));
	char *pre = NULL;
	size_t i, missing = 0;
	json_t *p;

	if (!strcmp(state, "prerequisite-missing"))
		pre = security_prereqs(
			r, n,
			json_string_value(json_object_get(cell, "version")),
			tree);

	json_array_foreach(json_object_get(cell, "patches"), i, p)
	{
		const char *file =
			json_string_value(json_object_get(p, "file"));
		struct rel_finding *f;

		if (json_string_value(json_object_get(p, "commit")))
			continue;
		f = add(r, REL_FAIL,
			"XSA-%lld is %s on branch %s of tree %s: %s not "
			"found%s%s%s",
			n, state, branch, tree, file, pre ? " (needs " : "",
			pre ? pre : "", pre ? " first)" : "");
		f->file = dup_or_null(file);
		f->value = dup_or_null(branch);
		missing++;
	}
	if (!missing) {
		struct rel_finding *f;

		if (!strcmp(state, "not-indexed"))
			f = add(r, REL_FAIL,
				"XSA-%lld cannot be checked: branch %s of "
				"tree %s is not indexed (steward trees sync)",
				n, branch, tree);
		else
			f = add(r, REL_FAIL,
				"XSA-%lld is %s on branch %s of "
				"tree %s",
				n, state, branch, tree);
		f->value = dup_or_null(branch);
	}
	free(pre);
}

static int rule_security(struct run *r)
{
	struct st_buf key = ST_BUF_INIT;
	char *branch = NULL, *tree = rule_get(r, "tree");
	json_t *cells = NULL, *cell;
	size_t i, applied = 0, failed = 0, ncells;
	int64_t nadv;
	int rc = 0;

	if (!r->store) {
		add(r, REL_FAIL, "no store to read advisories from");
		goto out;
	}
	nadv = count_advisories(r);
	if (nadv < 0) {
		rc = (int)nadv;
		goto out;
	}
	if (!nadv) {
		add(r, REL_SKIP,
		    "no security advisories in the store (steward security "
		    "import)");
		goto out;
	}
	rc = rel_secmatch_run(r->store, r->c, 0, &cells, r->err);
	if (rc == ST_EINVALID) {
		/* Nothing indexed: the fixes cannot be shown present. */
		add(r, REL_FAIL, "%s",
		    r->err ? r->err->msg : "no git trees indexed");
		st_error_clear(r->err);
		rc = 0;
		goto out;
	}
	if (rc < 0)
		goto out;
	st_buf_addf(&key, "release.%s.branch", r->v->series);
	branch = st_config_get_string(r->c, key.buf, NULL);
	json_array_foreach(cells, i, cell)
	{
		const char *version =
			json_string_value(json_object_get(cell, "version"));
		const char *cb =
			json_string_value(json_object_get(cell, "branch"));
		const char *ct =
			json_string_value(json_object_get(cell, "tree"));
		const char *state =
			json_string_value(json_object_get(cell, "state"));

		if (tree && strcmp(tree, ct ? ct : ""))
			continue;
		if (strcmp(version ? version : "", r->v->series) &&
		    (!branch || strcmp(branch, cb ? cb : "")))
			continue;
		if (!strcmp(state, "applied")) {
			applied++;
		} else if (strcmp(state, "not-applicable")) {
			security_cell_fail(r, cell, state);
			failed++;
		}
	}
	ncells = json_array_size(cells);
	if (!failed && applied)
		add(r, REL_PASS,
		    "the fixes of %zu advisories for %s are all present",
		    applied, r->v->series);
	else if (!failed)
		add(r, REL_PASS,
		    "none of %lld advisories (%zu cells) applies "
		    "to %s",
		    (long long)nadv, ncells, r->v->series);
out:
	json_decref(cells);
	st_buf_release(&key);
	free(branch);
	free(tree);
	return rc;
}

/*
 * A check of the checks framework (build, tests, https ...) as a rule:
 * it runs as its [check "NAME"] section says, its result is stored with
 * the check's history, and anything but pass or warn fails the rule.
 */
static int rule_check(struct run *r)
{
	char *name = rule_get(r, "check");
	struct chk_check *c = NULL;
	struct chk_result res;
	struct rel_finding *f;
	int rc;

	if (!name)
		return st_error_set(r->err, ST_EINVALID,
				    "rule '%s' has no check", r->name);
	rc = chk_check_load(&c, r->c, name, r->err);
	if (rc < 0)
		goto out;
	chk_run(&res, c);
	if (r->store)
		rc = chk_store_save(r->store, c, &res, NULL, r->err);
	if (rc == 0) {
		bool ok = res.status == CHK_PASS || res.status == CHK_WARN;

		f = add(r, ok ? REL_PASS : REL_FAIL, "check '%s': %s: %s", name,
			chk_status_name(res.status), res.reason);
		if (res.details && json_array_size(res.details)) {
			char *d = json_dumps(res.details, JSON_COMPACT);

			f->value = d ? st_xstrdup(d) : NULL;
			free(d);
		}
	}
	chk_result_release(&res);
out:
	chk_check_free(c);
	free(name);
	return rc;
}

static int run_rule(struct run *r)
{
	char *kind = rule_get(r, "kind"), *when = rule_get(r, "when");
	int rc = 0;

	r->explain = rule_get(r, "explain");
	r->kind = kind ? kind : "";
	if (when && strcmp(when, "any") && strcmp(when, "rc") &&
	    strcmp(when, "release")) {
		rc = st_error_set(r->err, ST_EINVALID,
				  "rule '%s': bad when '%s'", r->name, when);
		goto out;
	}
	if (when && strcmp(when, "any") &&
	    strcmp(when, r->v->rc ? "rc" : "release")) {
		add(r, REL_SKIP, "applies to %s tags only", when);
		goto out;
	}
	if (!kind)
		rc = st_error_set(r->err, ST_EINVALID, "rule '%s' has no kind",
				  r->name);
	else if (!strcmp(kind, "file-regex"))
		rc = rule_file(r, true);
	else if (!strcmp(kind, "file-no-regex"))
		rc = rule_file(r, false);
	else if (!strcmp(kind, "kconfig-default"))
		rc = rule_kconfig(r);
	else if (!strcmp(kind, "subject-regex"))
		rc = rule_subject(r);
	else if (!strcmp(kind, "freeze-acks"))
		rc = rule_freeze(r);
	else if (!strcmp(kind, "blockers-closed"))
		rc = rule_blockers(r);
	else if (!strcmp(kind, "security-fixes"))
		rc = rule_security(r);
	else if (!strcmp(kind, "check"))
		rc = rule_check(r);
	else
		rc = st_error_set(r->err, ST_EINVALID,
				  "rule '%s': unknown kind '%s'", r->name,
				  kind);
out:
	free(r->explain);
	r->explain = NULL;
	free(kind);
	free(when);
	return rc;
}

struct names {
	char **v;
	size_t n;
};

static int add_name(const char *name, void *data)
{
	struct names *ns = data;

	ns->v = st_xreallocarray(ns->v, ns->n + 1, sizeof(*ns->v));
	ns->v[ns->n++] = st_xstrdup(name);
	return 0;
}

static int peel_commit(git_commit **out, git_repository *repo, const char *ref,
		       struct st_error *err)
{
	git_object *obj = NULL, *peeled = NULL;
	int rc = 0;

	*out = NULL;
	if (git_revparse_single(&obj, repo, ref) < 0)
		return st_error_set(err, ST_ENOTFOUND, "unknown revision '%s'",
				    ref);
	if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0)
		rc = st_error_set(err, ST_EINVALID,
				  "'%s' does not name a commit", ref);
	else
		*out = (git_commit *)peeled;
	git_object_free(obj);
	return rc;
}

int rel_check_run(struct rel_findings *out, const struct st_config *c,
		  git_repository *repo, const struct rel_version *v,
		  const char *ref, struct st_store *store, struct st_error *err)
{
	struct run r = {c,   repo, v,	 NULL, NULL, store,
			out, NULL, NULL, NULL, err};
	struct names ns = {0};
	int rc;

	rc = peel_commit(&r.commit, repo, ref, err);
	if (rc < 0)
		goto out;
	if (git_commit_tree(&r.tree, r.commit) < 0) {
		rc = st_error_set(err, ST_ENOTFOUND, "no tree for '%s'", ref);
		goto out;
	}
	st_config_foreach_subsection(c, "release-rule", add_name, &ns);
	for (size_t i = 0; i < ns.n && rc == 0; i++) {
		r.name = ns.v[i];
		rc = run_rule(&r);
	}
out:
	for (size_t i = 0; i < ns.n; i++)
		free(ns.v[i]);
	free(ns.v);
	git_tree_free(r.tree);
	git_commit_free(r.commit);
	return rc;
}

bool rel_findings_ok(const struct rel_findings *f)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].status == REL_FAIL)
			return false;
	return true;
}

void rel_findings_print(FILE *out, const struct rel_findings *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		const struct rel_finding *f = &fs->v[i];

		fprintf(out, "%s %s: %s",
			f->status == REL_PASS	? "PASS"
			: f->status == REL_FAIL ? "FAIL"
						: "SKIP",
			f->rule, f->message);
		if (f->file && f->line)
			fprintf(out, " (%s:%lld", f->file, (long long)f->line);
		else if (f->commit)
			fprintf(out, " (%.12s", f->commit);
		if ((f->file && f->line) || f->commit)
			fprintf(out, "%s%s)", f->value ? ": " : "",
				f->value ? f->value : "");
		else if (f->value)
			fprintf(out, ": %s", f->value);
		fputc('\n', out);
		if (f->status == REL_FAIL && f->explain)
			fprintf(out, "     why: %s\n", f->explain);
	}
}

json_t *rel_findings_json(const struct rel_findings *fs)
{
	json_t *a = json_array();

	for (size_t i = 0; i < fs->n; i++) {
		const struct rel_finding *f = &fs->v[i];
		json_t *o = json_object();

		st_json_set_str(o, "rule", f->rule);
		st_json_set_str(o, "kind", f->kind);
		st_json_set_str(o, "status", status_names[f->status]);
		st_json_set_str(o, "message", f->message);
		st_json_set_str(o, "file", f->file);
		if (f->line)
			st_json_set_int(o, "line", f->line);
		else
			json_object_set_new(o, "line", json_null());
		st_json_set_str(o, "value", f->value);
		st_json_set_str(o, "commit", f->commit);
		st_json_set_str(o, "explain", f->explain);
		json_array_append_new(a, o);
	}
	return a;
}

void rel_findings_release(struct rel_findings *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		struct rel_finding *f = &fs->v[i];

		free(f->rule);
		free(f->kind);
		free(f->message);
		free(f->file);
		free(f->value);
		free(f->commit);
		free(f->explain);
	}
	free(fs->v);
	memset(fs, 0, sizeof(*fs));
}

bool rel_is_release_ack(const char *key)
{
	static const char *const keys[] = {"release-acked-by", "release-ack-by",
					   "release-acked", "release-ack"};
	size_t n = strlen(key);

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (n == strlen(keys[i]) && !st_strncasecmp(key, keys[i], n))
			return true;
	return false;
}

static bool has_release_ack(const char *message)
{
	git_message_trailer_array t = {0};
	bool found = false;

	if (git_message_trailers(&t, message) < 0)
		return false;
	for (size_t i = 0; i < t.count && !found; i++)
		found = rel_is_release_ack(t.trailers[i].key);
	git_message_trailer_array_free(&t);
	return found;
}

int rel_check_unacked(struct rel_unacked **out, size_t *n, git_repository *repo,
		      const char *ref, time_t since, struct st_error *err)
{
	git_revwalk *walk = NULL;
	git_commit *tip = NULL;
	git_oid oid;
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	rc = peel_commit(&tip, repo, ref, err);
	if (rc < 0)
		return rc;
	if (git_revwalk_new(&walk, repo) < 0 ||
	    git_revwalk_sorting(walk, GIT_SORT_TIME) < 0 ||
	    git_revwalk_push(walk, git_commit_id(tip)) < 0) {
		rc = st_error_set(err, ST_ERROR, "cannot walk '%s'", ref);
		goto out;
	}
	while (git_revwalk_next(&oid, walk) == 0) {
		git_commit *c = NULL;
		struct rel_unacked *u;

		if (git_commit_lookup(&c, repo, &oid) < 0) {
			rc = st_error_set(err, ST_ENOTFOUND,
					  "cannot read a commit of '%s'", ref);
			goto out;
		}
		if (git_commit_time(c) < since) {
			git_commit_free(c);
			break;
		}
		if (git_commit_parentcount(c) > 1 ||
		    has_release_ack(git_commit_message(c))) {
			git_commit_free(c);
			continue;
		}
		if (*n == alloc) {
			alloc = alloc ? 2 * alloc : 8;
			*out = st_xreallocarray(*out, alloc, sizeof(**out));
		}
		u = &(*out)[(*n)++];
		git_oid_tostr(u->id, sizeof(u->id), &oid);
		u->subject = st_xstrdup(
			git_commit_summary(c) ? git_commit_summary(c) : "");
		u->time = (time_t)git_commit_time(c);
		git_commit_free(c);
	}
out:
	git_revwalk_free(walk);
	git_commit_free(tip);
	return rc;
}

void rel_unacked_free(struct rel_unacked *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].subject);
	free(v);
}
