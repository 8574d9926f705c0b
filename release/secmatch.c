/*
 * secmatch.c: the advisory x branch matrix over the commits indexed by
 * the trees module (tables commits, branch_commits, branches, trees).
 */
#include "release/secmatch.h"

#include "common/html.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "release/seccheck.h"
#include "review-dash/subject.h"
#include "review-dash/tree.h"

#include <ctype.h>
#include <git2.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PREREQ_DEPTH 8

/* Changed lines of a diff as sorted hashes, white space removed. */
struct lineset {
	uint64_t *h;
	size_t n;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void lineset_build(struct lineset *ls, const char *p, size_t len)
{
	const char *end = p + len;
	size_t alloc = 0;

	ls->h = NULL;
	ls->n = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;

		if ((*p == '+' || *p == '-') && !(e - p >= 3 &&
						  (!strncmp(p, "+++", 3) ||
						   !strncmp(p, "---", 3)))) {
			uint64_t h = 1469598103934665603ULL;
			bool any = false;

			for (const char *q = p; q < e; q++) {
				if (isspace((unsigned char)*q))
					continue;
				h = (h ^ (unsigned char)*q) * 1099511628211ULL;
				any = true;
			}
			if (any) {
				if (ls->n == alloc) {
					alloc = alloc ? alloc * 2 : 64;
					ls->h = st_xreallocarray(ls->h, alloc,
								 sizeof(*ls->h));
				}
				ls->h[ls->n++] = h;
			}
		}
		p = e + 1;
	}
	if (ls->n)
		qsort(ls->h, ls->n, sizeof(*ls->h), cmp_u64);
}

double rel_secmatch_similarity(const char *a, size_t alen, const char *b,
			       size_t blen)
{
	struct lineset x, y;
	size_t i = 0, j = 0, common = 0, larger;

	lineset_build(&x, a, alen);
	lineset_build(&y, b, blen);
	while (i < x.n && j < y.n) {
		if (x.h[i] == y.h[j]) {
			common++;
			i++;
			j++;
		} else if (x.h[i] < y.h[j]) {
			i++;
		} else {
			j++;
		}
	}
	larger = x.n > y.n ? x.n : y.n;
	free(x.h);
	free(y.h);
	return larger ? (double)common / (double)larger : 0.0;
}

struct commit_row {
	int64_t id;
	char *oid;
	char *norm_subject;
	bool used;
};

struct branch_ctx {
	struct st_store *s;
	const struct st_config *cfg;
	int64_t branch_id;
	git_repository *repo; /* opened lazily for diff similarity */
	const char *tree;
	int abbrev;
	struct st_error *err;
};

static const char sql_branch[] =
	"SELECT b.id, t.path FROM branches b JOIN trees t ON t.id = b.tree_id "
	"WHERE t.name = ? AND b.name = ?";
static const char sql_by_patch_id[] =
	"SELECT c.id FROM commits c JOIN branch_commits bc ON bc.commit_id = "
	"c.id WHERE bc.branch_id = ? AND c.git_patch_id = ? LIMIT 1";
static const char sql_by_marker[] =
	"SELECT c.id, c.oid, c.norm_subject FROM commits c "
	"JOIN branch_commits bc ON bc.commit_id = c.id "
	"WHERE bc.branch_id = ? AND c.xsa = ? ORDER BY c.commit_time, c.id";
static const char sql_by_subject[] =
	"SELECT c.id, c.oid, c.norm_subject FROM commits c "
	"JOIN branch_commits bc ON bc.commit_id = c.id "
	"WHERE bc.branch_id = ? AND c.norm_subject = ? AND c.is_merge = 0";
static const char sql_oid[] = "SELECT oid FROM commits WHERE id = ?";
static const char sql_advisories[] =
	"SELECT number, supported, trees FROM advisories "
	"WHERE (?1 = 0 OR number = ?1) ORDER BY number";
static const char sql_recipe[] =
	"SELECT r.id, r.prereqs FROM advisory_recipes r "
	"JOIN advisories a ON a.id = r.advisory_id "
	"WHERE a.number = ? AND r.version = ? AND r.tree = ?";
static const char sql_patches[] =
	"SELECT file, subject, content, git_patch_id FROM advisory_patches "
	"WHERE recipe_id = ? ORDER BY position";

static char *norm_subject(const char *subject)
{
	struct rd_subject subj;
	char *n;

	if (!subject)
		return st_xstrdup("");
	rd_subject_parse(&subj, subject, strlen(subject));
	n = st_xstrdup(subj.norm_name ? subj.norm_name : "");
	rd_subject_release(&subj);
	return n;
}

/* Diff similarity of commit oid to a patch text, or -1 when unknown. */
static double commit_similarity(struct branch_ctx *b, const char *oid,
				const char *patch)
{
	struct st_buf diff = ST_BUF_INIT;
	git_oid id;
	git_commit *c = NULL;
	double sim = -1;

	if (!b->repo || git_oid_fromstr(&id, oid) < 0 ||
	    git_commit_lookup(&c, b->repo, &id) < 0)
		return -1;
	if (rd_tree_commit_diff(&diff, b->repo, c, b->abbrev, NULL) == 0)
		sim = rel_secmatch_similarity(diff.buf, diff.len, patch,
					      strlen(patch));
	git_commit_free(c);
	st_buf_release(&diff);
	return sim;
}

static void load_rows(struct branch_ctx *b, const char *sql, const char *key,
		      struct commit_row **rows, size_t *n)
{
	sqlite3_stmt *st = st_store_stmt(b->s, sql, b->err);

	*rows = NULL;
	*n = 0;
	if (!st)
		return;
	sqlite3_bind_int64(st, 1, b->branch_id);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		*rows = st_xreallocarray(*rows, *n + 1, sizeof(**rows));
		(*rows)[*n].id = sqlite3_column_int64(st, 0);
		(*rows)[*n].oid = st_store_column_dup(st, 1);
		(*rows)[*n].norm_subject = st_store_column_dup(st, 2);
		(*rows)[(*n)++].used = false;
	}
	sqlite3_reset(st);
}

static void free_rows(struct commit_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].oid);
		free(rows[i].norm_subject);
	}
	free(rows);
}

static char *oid_of(struct branch_ctx *b, int64_t id)
{
	sqlite3_stmt *st = st_store_stmt(b->s, sql_oid, b->err);
	char *oid = NULL;

	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		oid = st_store_column_dup(st, 0);
	sqlite3_reset(st);
	return oid;
}

struct adv_patch {
	char *file, *subject, *content, *patch_id;
};

/* Find one published patch on the branch; fills p's JSON. */
static bool find_patch(struct branch_ctx *b, const struct adv_patch *ap,
		       struct commit_row *marked, size_t nmarked, json_t *p)
{
	sqlite3_stmt *st;
	int64_t id = 0;
	char *norm, *oid;
	struct commit_row *rows;
	size_t n;

	if (ap->patch_id) {
		st = st_store_stmt(b->s, sql_by_patch_id, b->err);
		if (st) {
			sqlite3_bind_int64(st, 1, b->branch_id);
			sqlite3_bind_text(st, 2, ap->patch_id, -1,
					  SQLITE_STATIC);
			if (sqlite3_step(st) == SQLITE_ROW)
				id = sqlite3_column_int64(st, 0);
			sqlite3_reset(st);
		}
		if (id && (oid = oid_of(b, id))) {
			st_json_set_str(p, "commit", oid);
			st_json_set_str(p, "method", "patch-id");
			free(oid);
			return true;
		}
	}
	/* Marked commits: the most similar one not taken yet (without a
	 * repository to diff, the first one not taken). */
	{
		double best = -2;
		size_t pick = nmarked;

		for (size_t i = 0; i < nmarked; i++) {
			double sim;

			if (marked[i].used)
				continue;
			sim = commit_similarity(b, marked[i].oid, ap->content);
			if (sim > best) {
				best = sim;
				pick = i;
			}
		}
		if (pick < nmarked) {
			marked[pick].used = true;
			st_json_set_str(p, "commit", marked[pick].oid);
			st_json_set_str(p, "method", "marker");
			if (best >= 0)
				json_object_set_new(p, "similarity",
						    json_real(best));
			return true;
		}
	}
	norm = norm_subject(ap->subject);
	load_rows(b, sql_by_subject, norm, &rows, &n);
	free(norm);
	for (size_t i = 0; i < n; i++) {
		double sim = commit_similarity(b, rows[i].oid, ap->content);

		st_json_set_str(p, "commit", rows[i].oid);
		if (sim < 0) {
			st_json_set_str(p, "method", "subject");
		} else if (sim >= REL_SECMATCH_MIN_SIMILARITY) {
			st_json_set_str(p, "method", "subject+diff");
			json_object_set_new(p, "similarity", json_real(sim));
		} else {
			json_object_del(p, "commit");
			continue;
		}
		free_rows(rows, n);
		return true;
	}
	free_rows(rows, n);
	return false;
}

static const char *cell_state(struct branch_ctx *b, int64_t n,
			      const char *version, int depth, json_t *cell);

/* Whether every prerequisite of a recipe is on the branch. */
static bool prereqs_present(struct branch_ctx *b, const char *prereqs,
			    const char *version, int depth)
{
	for (const char *p = prereqs; p && *p;) {
		char *end;
		long long pre = strtoll(p, &end, 10);
		json_t *tmp;
		const char *state;

		if (end == p)
			break;
		p = end;
		if (depth >= MAX_PREREQ_DEPTH)
			return false;
		tmp = json_object();
		state = cell_state(b, pre, version, depth + 1, tmp);
		json_decref(tmp);
		if (strcmp(state, "applied"))
			return false;
	}
	return true;
}

/* Fill cell with patches, matched and total; return its state. */
static const char *cell_state(struct branch_ctx *b, int64_t n,
			      const char *version, int depth, json_t *cell)
{
	sqlite3_stmt *st = st_store_stmt(b->s, sql_recipe, b->err);
	struct adv_patch *ap = NULL;
	struct commit_row *marked;
	size_t nap = 0, nmarked, matched = 0;
	int64_t recipe = 0;
	char *prereqs = NULL, xsa[32];
	json_t *patches = json_array();
	const char *state;

	json_object_set_new(cell, "patches", patches);
	if (!st)
		return "not-applicable";
	sqlite3_bind_int64(st, 1, n);
	sqlite3_bind_text(st, 2, version, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, b->tree, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		recipe = sqlite3_column_int64(st, 0);
		prereqs = st_store_column_dup(st, 1);
	}
	sqlite3_reset(st);
	if (!recipe)
		return "not-applicable";
	st = st_store_stmt(b->s, sql_patches, b->err);
	if (st) {
		sqlite3_bind_int64(st, 1, recipe);
		while (sqlite3_step(st) == SQLITE_ROW) {
			ap = st_xreallocarray(ap, nap + 1, sizeof(*ap));
			ap[nap].file = st_store_column_dup(st, 0);
			ap[nap].subject = st_store_column_dup(st, 1);
			ap[nap].content = st_store_column_dup(st, 2);
			ap[nap++].patch_id = st_store_column_dup(st, 3);
		}
		sqlite3_reset(st);
	}
	snprintf(xsa, sizeof(xsa), "XSA-%lld", (long long)n);
	load_rows(b, sql_by_marker, xsa, &marked, &nmarked);
	for (size_t i = 0; i < nap; i++) {
		json_t *p = json_object();

		st_json_set_str(p, "file", ap[i].file);
		if (find_patch(b, &ap[i], marked, nmarked, p))
			matched++;
		else
			json_object_set_new(p, "commit", json_null());
		json_array_append_new(patches, p);
		free(ap[i].file);
		free(ap[i].subject);
		free(ap[i].content);
		free(ap[i].patch_id);
	}
	free(ap);
	free_rows(marked, nmarked);
	st_json_set_int(cell, "matched", (int64_t)matched);
	st_json_set_int(cell, "total", (int64_t)nap);
	if (nap && matched == nap)
		state = "applied";
	else if (!prereqs_present(b, prereqs, version, depth))
		state = "prerequisite-missing";
	else
		state = matched ? "partial" : "missing";
	free(prereqs);
	return state;
}

static json_t *make_cell(struct st_store *s, const struct st_config *cfg,
			 int64_t n, const char *version, const char *tree,
			 struct st_error *err)
{
	struct branch_ctx b = {s, cfg, 0, NULL, tree, 7, err};
	char *branch = rel_seccheck_branch(cfg, tree, version);
	json_t *cell = json_object();
	sqlite3_stmt *st = st_store_stmt(s, sql_branch, err);
	char *path = NULL;

	st_json_set_int(cell, "advisory", n);
	st_json_set_str(cell, "version", version);
	st_json_set_str(cell, "tree", tree);
	st_json_set_str(cell, "branch", branch);
	if (st) {
		sqlite3_bind_text(st, 1, tree, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, branch, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			b.branch_id = sqlite3_column_int64(st, 0);
			path = st_store_column_dup(st, 1);
		}
		sqlite3_reset(st);
	}
	if (!b.branch_id) {
		st_json_set_str(cell, "state", "not-indexed");
		json_object_set_new(cell, "patches", json_array());
		goto out;
	}
	/* The repository gives diffs for the similarity test; without it,
	 * matching falls back to patch-id, marker and subject alone. */
	if (path && git_repository_open_ext(&b.repo, path, 0, NULL) == 0)
		b.abbrev = rd_tree_default_abbrev(b.repo);
	st_json_set_str(cell, "state", cell_state(&b, n, version, 0, cell));
out:
	git_repository_free(b.repo);
	free(path);
	free(branch);
	return cell;
}

/* Copy the next space-separated word of *p into w; false at the end. */
static bool next_word(const char **p, char *w, size_t size)
{
	size_t n = 0;

	while (**p == ' ')
		(*p)++;
	while (**p && **p != ' ') {
		if (n + 1 < size)
			w[n++] = **p;
		(*p)++;
	}
	w[n] = '\0';
	return n > 0;
}

int rel_secmatch_run(struct st_store *s, const struct st_config *cfg,
		     int64_t n, json_t **out, struct st_error *err)
{
	sqlite3_stmt *st;
	json_t *cells = json_array();
	struct adv {
		int64_t n;
		char *supported, *trees;
	} *advs = NULL;
	size_t nadv = 0;
	sqlite3 *db = st_store_db(s);
	sqlite3_stmt *probe = NULL;

	*out = NULL;
	/* Without the trees tables nothing was indexed yet. */
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM branch_commits LIMIT 1", -1,
			       &probe, NULL) != SQLITE_OK) {
		sqlite3_finalize(probe);
		json_decref(cells);
		return st_error_set(err, ST_EINVALID,
				    "no git trees indexed: run 'steward trees "
				    "sync' first");
	}
	sqlite3_finalize(probe);
	st = st_store_stmt(s, sql_advisories, err);
	if (!st) {
		json_decref(cells);
		return ST_ERROR;
	}
	sqlite3_bind_int64(st, 1, n);
	while (sqlite3_step(st) == SQLITE_ROW) {
		advs = st_xreallocarray(advs, nadv + 1, sizeof(*advs));
		advs[nadv].n = sqlite3_column_int64(st, 0);
		advs[nadv].supported = st_store_column_dup(st, 1);
		advs[nadv++].trees = st_store_column_dup(st, 2);
	}
	sqlite3_reset(st);
	for (size_t i = 0; i < nadv; i++) {
		const char *sv = advs[i].supported ? advs[i].supported : "";
		char v[64], t[64];

		while (next_word(&sv, v, sizeof(v))) {
			const char *tv = advs[i].trees ? advs[i].trees : "";

			while (next_word(&tv, t, sizeof(t)))
				json_array_append_new(
					cells,
					make_cell(s, cfg, advs[i].n, v, t, err));
		}
		free(advs[i].supported);
		free(advs[i].trees);
	}
	free(advs);
	if (n && !nadv) {
		json_decref(cells);
		return st_error_set(err, ST_ENOTFOUND, "no advisory XSA-%lld",
				    (long long)n);
	}
	*out = cells;
	return 0;
}

int rel_secmatch_html(struct st_buf *out, json_t *cells)
{
	size_t i, k;
	json_t *c, *p;
	int rc = st_buf_addstr(out, "<table class=\"xsa-matrix\">\n<tr><th>"
				    "advisory</th><th>version</th><th>tree"
				    "</th><th>branch</th><th>state</th><th>"
				    "commits</th></tr>\n");

	json_array_foreach(cells, i, c)
	{
		const char *state =
			json_string_value(json_object_get(c, "state"));

		rc |= st_buf_addf(out, "<tr><td>XSA-%lld</td><td>",
				  (long long)json_integer_value(
					  json_object_get(c, "advisory")));
		rc |= st_html_text(out, json_string_value(
						json_object_get(c, "version")));
		rc |= st_buf_addstr(out, "</td><td>");
		rc |= st_html_text(out, json_string_value(
						json_object_get(c, "tree")));
		rc |= st_buf_addstr(out, "</td><td>");
		rc |= st_html_text(out, json_string_value(
						json_object_get(c, "branch")));
		rc |= st_buf_addstr(out, "</td><td class=\"");
		rc |= st_html_attr(out, state);
		rc |= st_buf_addstr(out, "\">");
		rc |= st_html_text(out, state);
		if (!strcmp(state, "partial"))
			rc |= st_buf_addf(
				out, " (%lld of %lld)",
				(long long)json_integer_value(
					json_object_get(c, "matched")),
				(long long)json_integer_value(
					json_object_get(c, "total")));
		rc |= st_buf_addstr(out, "</td><td>");
		json_array_foreach(json_object_get(c, "patches"), k, p)
		{
			const char *oid =
				json_string_value(json_object_get(p, "commit"));

			if (!oid)
				continue;
			rc |= st_buf_addstr(out, "<code>");
			rc |= st_html_text_n(out, oid, strlen(oid) > 12 ? 12 : strlen(oid));
			rc |= st_buf_addstr(out, "</code> (");
			rc |= st_html_text(out, json_string_value(json_object_get(
							p, "method")));
			rc |= st_buf_addstr(out, ") ");
		}
		rc |= st_buf_addstr(out, "</td></tr>\n");
	}
	rc |= st_buf_addstr(out, "</table>\n");
	return rc ? ST_ETOOBIG : 0;
}
