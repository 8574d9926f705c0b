/*
 * tree-diff.c: the diff of a commit as `git show` prints it, so that its
 * patch-id equals git's. objects.h reads trees and blobs (trees are
 * parsed here, in place); libgit2 diffs two texts for rd_tree_commit_diff,
 * whose hunk headers name functions, and linediff.h for patch-ids,
 * without hashing them first. The rest follows git 2.39 rather than
 * libgit2, whose choices differ:
 * the tree walk skips identical subtrees (tree-diff.c), renames are found
 * with git's rules and scores (diffcore-rename.c: exact matches, unique
 * basenames at 75%, then the best of 4 candidates per destination at
 * 50%; diffcore-delta.c's span hashes), typechanges are printed as a
 * deletion and a creation, headers are builtin_diff's and fill_metainfo's,
 * a file is binary when its first 8000 bytes hold a NUL, and index ids are
 * abbreviated as git abbreviates them. Part of tree.h.
 */
#include "review-dash/tree.h"

#include "common/xalloc.h"
#include "review-dash/linediff.h"
#include "review-dash/objects.h"
#include "review-dash/patchid.h"

#include <dirent.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SCORE	60000
#define MIN_SCORE	30000 /* git's default -M50% */
#define HASHBASE	107927
#define FIRST_FEW_BYTES 8000

/* One span hash of a file and how many bytes it covers. */
struct span {
	unsigned hashval;
	unsigned cnt;
};

struct signature {
	size_t size;
	struct span *spans; /* sorted by hashval, merged */
	size_t n;
};

/* libgit2's last error message, never NULL. */
static const char *gitmsg(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown error";
}

static bool is_binary(const char *p, size_t len)
{
	return memchr(p, 0, len < FIRST_FEW_BYTES ? len : FIRST_FEW_BYTES) !=
	       NULL;
}

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->hashval < y->hashval ? -1 : x->hashval > y->hashval;
}

#define NUM_CANDIDATES 4

/* One side of a change: a blob, symlink or submodule at a path. */
struct file {
	char *path;
	git_oid id;
	uint32_t mode;
	struct rd_object *blob; /* loaded on demand */
	const char *data;
	size_t len;
	char sub[64]; /* "Subproject commit <hex>\n" for a gitlink */
	struct signature *sig;
	bool loaded;
	bool used; /* a source already renamed */
};

/* A change, in git's order (tree order of its path): status 'A', 'D',
 * 'M' or 'R' (score: git's raw similarity, 0..MAX_SCORE), or 0 for a
 * deletion that became a rename's source. */
struct pair {
	struct file *a, *b;
	int status;
	int score;
};

struct tree_diff {
	struct rd_objects *objs;
	struct pair *pairs;
	size_t npairs, apairs;
	size_t *srcs; /* indexes of the deletions in pairs */
	size_t nsrcs;
	size_t *dsts; /* indexes of the creations */
	size_t ndsts;
	int rc;
	struct st_error *err;
	/* Set when only a patch-id is wanted (hunk headers do not count):
	 * git's diff without libgit2, see linediff.h. */
	struct rd_linediff *lines;
};

/* The source s and destination d of rename detection, or NULL once
 * paired. */
#define SRC(td, s)                                                             \
	((td)->pairs[(td)->srcs[s]].status == 'D'                              \
		 ? (td)->pairs[(td)->srcs[s]].a                                \
		 : NULL)
#define DST(td, d)                                                             \
	((td)->pairs[(td)->dsts[d]].status == 'A'                              \
		 ? (td)->pairs[(td)->dsts[d]].b                                \
		 : NULL)

/* git's hash_chars: spans end at a newline or after 64 bytes; a CR before
 * LF is skipped in text. The spans are sorted and merged by hash. */
static struct signature *make_signature(const char *buf, size_t len)
{
	struct signature *sig = st_xcalloc(1, sizeof(*sig));
	bool text = !is_binary(buf, len);
	unsigned accum1 = 0, accum2 = 0, n = 0;
	size_t alloc = 0, w = 0;

	sig->size = len;
	for (size_t i = 0; i <= len; i++) {
		unsigned c = i < len ? (unsigned char)buf[i] : 0;
		unsigned old1 = accum1;

		if (i < len) {
			if (text && c == '\r' && i + 1 < len &&
			    buf[i + 1] == '\n')
				continue;
			accum1 = (accum1 << 7) ^ (accum2 >> 25);
			accum2 = (accum2 << 7) ^ (old1 >> 25);
			accum1 += c;
			if (++n < 64 && c != '\n')
				continue;
		} else if (!n) {
			break;
		}
		if (sig->n == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			sig->spans = st_xreallocarray(sig->spans, alloc,
						      sizeof(*sig->spans));
		}
		sig->spans[sig->n].hashval =
			(accum1 + accum2 * 0x61) % HASHBASE;
		sig->spans[sig->n++].cnt = n;
		n = accum1 = accum2 = 0;
	}
	if (sig->n)
		qsort(sig->spans, sig->n, sizeof(*sig->spans), span_cmp);
	for (size_t i = 0; i < sig->n; i++) {
		if (w && sig->spans[w - 1].hashval == sig->spans[i].hashval)
			sig->spans[w - 1].cnt += sig->spans[i].cnt;
		else
			sig->spans[w++] = sig->spans[i];
	}
	sig->n = w;
	return sig;
}

static void file_free(struct file *f)
{
	if (!f)
		return;
	rd_object_release(f->blob);
	if (f->sig)
		free(f->sig->spans);
	free(f->sig);
	free(f->path);
	free(f);
}

/* One entry of a tree object, read in place. */
struct entry {
	const char *name; /* NUL-terminated in the tree's data */
	size_t len;
	uint32_t mode; /* as libgit2's git_tree_entry_filemode gives it */
	bool tree;
	const git_oid *id;
};

/* libgit2's normalize_filemode (git's canon_mode but for any x bit). */
static uint32_t normal_mode(uint32_t m)
{
	if ((m & 0170000) == GIT_FILEMODE_TREE)
		return GIT_FILEMODE_TREE;
	if (m & 0111)
		return GIT_FILEMODE_BLOB_EXECUTABLE;
	if ((m & 0170000) == GIT_FILEMODE_COMMIT)
		return GIT_FILEMODE_COMMIT;
	if ((m & 0170000) == GIT_FILEMODE_LINK)
		return GIT_FILEMODE_LINK;
	return GIT_FILEMODE_BLOB;
}

/* The entry at *pos of tree t ("MODE NAME\0" and a binary id), moving
 * *pos past it: 1, 0 at the end, -1 when malformed. */
static int entry_next(const struct rd_object *t, size_t *pos, struct entry *e)
{
	const char *d = rd_object_data(t), *end = d + rd_object_size(t);
	const char *p = d + *pos, *nul;
	uint32_t m = 0;

	if (p >= end)
		return 0;
	for (; p < end && *p != ' '; p++) {
		if (*p < '0' || *p > '7' || m > 0177777)
			return -1;
		m = m << 3 | (uint32_t)(*p - '0');
	}
	if (p == d + *pos || p >= end)
		return -1;
	/* Names are short: a loop, not a call to memchr per entry. The
	 * object's data ends with a NUL past its size, so this stops. */
	for (nul = ++p; *nul; nul++)
		;
	if (nul >= end || nul == p || (size_t)(end - nul - 1) < GIT_OID_RAWSZ)
		return -1;
	e->name = p;
	e->len = (size_t)(nul - p);
	e->tree = (m & 0170000) == GIT_FILEMODE_TREE;
	e->mode = normal_mode(m);
	e->id = (const git_oid *)(const void *)(nul + 1);
	*pos = (size_t)(nul + 1 + GIT_OID_RAWSZ - d);
	return 1;
}

static struct file *file_new(const char *prefix, const struct entry *e)
{
	struct file *f = st_xcalloc(1, sizeof(*f));
	struct st_buf p = ST_BUF_INIT;

	st_buf_addstr(&p, prefix);
	st_buf_add(&p, e->name, e->len);
	f->path = st_buf_detach(&p, NULL);
	git_oid_cpy(&f->id, e->id);
	f->mode = e->mode;
	return f;
}

static int file_load(struct tree_diff *td, struct file *f)
{
	char hex[GIT_OID_HEXSZ + 1];
	struct st_error e = ST_ERROR_INIT;

	if (f->loaded)
		return 0;
	f->loaded = true;
	f->data = "";
	if (f->mode == GIT_FILEMODE_COMMIT) {
		git_oid_tostr(hex, sizeof(hex), &f->id);
		snprintf(f->sub, sizeof(f->sub), "Subproject commit %s\n", hex);
		f->data = f->sub;
		f->len = strlen(f->sub);
		return 0;
	}
	if (rd_objects_read(&f->blob, td->objs, &f->id, GIT_OBJECT_BLOB, &e) <
	    0)
		return st_error_set(td->err, ST_ERROR, "'%s': %s", f->path,
				    e.msg);
	f->data = rd_object_data(f->blob);
	f->len = rd_object_size(f->blob);
	return 0;
}

static void add_pair(struct tree_diff *td, struct file *a, struct file *b,
		     int status, int score)
{
	if (td->npairs == td->apairs) {
		td->apairs = td->apairs ? td->apairs * 2 : 16;
		td->pairs = st_xreallocarray(td->pairs, td->apairs,
					     sizeof(*td->pairs));
	}
	td->pairs[td->npairs++] = (struct pair){a, b, status, score};
}

static void add_index(size_t **v, size_t *n, size_t i)
{
	*v = st_xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = i;
}

/* git's tree order: names compared as if trees had a trailing '/'. */
static int entry_cmp(const struct entry *a, const struct entry *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->name, b->name, n);
	unsigned ca, cb;

	if (c)
		return c;
	ca = a->len > n ? (unsigned char)a->name[n] : a->tree ? '/' : 0;
	cb = b->len > n ? (unsigned char)b->name[n] : b->tree ? '/' : 0;
	return (int)ca - (int)cb;
}

static void walk_trees(struct tree_diff *td, const struct rd_object *a,
		       const struct rd_object *b, const char *prefix);

/* Read the tree e names; NULL (td->rc set) when it cannot be read. */
static struct rd_object *subtree(struct tree_diff *td, const struct entry *e,
				 const char *prefix)
{
	struct rd_object *t = NULL;
	struct st_error err = ST_ERROR_INIT;

	if (rd_objects_read(&t, td->objs, e->id, GIT_OBJECT_TREE, &err) < 0)
		td->rc = st_error_set(td->err, ST_ERROR,
				      "cannot read tree '%s%s': %s", prefix,
				      e->name, err.msg);
	return t;
}

/* Walk the trees below a common prefix + e->name + "/". */
static void walk_below(struct tree_diff *td, const struct rd_object *a,
		       const struct rd_object *b, const char *prefix,
		       const struct entry *e)
{
	struct st_buf p = ST_BUF_INIT;

	st_buf_addstr(&p, prefix);
	st_buf_add(&p, e->name, e->len);
	st_buf_addch(&p, '/');
	walk_trees(td, a, b, p.buf);
	st_buf_release(&p);
}

/* Everything under one side's entry e is added (b) or deleted (a). */
static void one_side(struct tree_diff *td, const struct entry *e,
		     const char *prefix, bool added)
{
	if (e->tree) {
		struct rd_object *t = subtree(td, e, prefix);

		if (t)
			walk_below(td, added ? NULL : t, added ? t : NULL,
				   prefix, e);
		rd_object_release(t);
		return;
	}
	if (added) {
		add_index(&td->dsts, &td->ndsts, td->npairs);
		add_pair(td, NULL, file_new(prefix, e), 'A', 0);
	} else {
		add_index(&td->srcs, &td->nsrcs, td->npairs);
		add_pair(td, file_new(prefix, e), NULL, 'D', 0);
	}
}

/* Both sides have an entry of this name and kind. */
static void both_sides(struct tree_diff *td, const struct entry *x,
		       const struct entry *y, const char *prefix)
{
	if (x->tree) {
		struct rd_object *t, *u = NULL;

		if (git_oid_equal(x->id, y->id))
			return;
		t = subtree(td, x, prefix);
		if (t)
			u = subtree(td, y, prefix);
		if (u)
			walk_below(td, t, u, prefix, x);
		rd_object_release(t);
		rd_object_release(u);
		return;
	}
	if (git_oid_equal(x->id, y->id) && x->mode == y->mode)
		return;
	add_pair(td, file_new(prefix, x), file_new(prefix, y), 'M', 0);
}

static void walk_trees(struct tree_diff *td, const struct rd_object *a,
		       const struct rd_object *b, const char *prefix)
{
	size_t i = 0, j = 0;
	struct entry x, y;
	int hx = a ? entry_next(a, &i, &x) : 0;
	int hy = b ? entry_next(b, &j, &y) : 0;

	while (td->rc == 0 && (hx > 0 || hy > 0)) {
		int c = hx <= 0 ? 1 : hy <= 0 ? -1 : entry_cmp(&x, &y);

		if (c <= 0) {
			if (c < 0)
				one_side(td, &x, prefix, false);
			else
				both_sides(td, &x, &y, prefix);
			hx = entry_next(a, &i, &x);
		}
		if (c >= 0) {
			if (c > 0)
				one_side(td, &y, prefix, true);
			hy = entry_next(b, &j, &y);
		}
	}
	if (td->rc == 0 && (hx < 0 || hy < 0))
		td->rc = st_error_set(td->err, ST_ERROR,
				      "malformed tree object at '%s'",
				      *prefix ? prefix : "/");
}

static bool is_reg(uint32_t mode)
{
	return (mode & 0170000) == 0100000;
}

/* git's basename_same: the last path components are equal. */
static bool basename_same(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	while (la && lb) {
		char c1 = a[--la], c2 = b[--lb];

		if (c1 != c2)
			return false;
		if (c1 == '/')
			return true;
	}
	return (!la || a[la - 1] == '/') && (!lb || b[lb - 1] == '/');
}

static const char *basename_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* git's estimate_similarity: 0 for non-regular files and sizes too far
 * apart for min_score, else the bytes in common over the larger size,
 * scaled to MAX_SCORE. */
static int estimate(struct tree_diff *td, struct file *a, struct file *b,
		    int min_score)
{
	size_t max, min, i = 0, j = 0;
	uint64_t copied = 0;

	if (!is_reg(a->mode) || !is_reg(b->mode))
		return 0;
	if (file_load(td, a) < 0 || file_load(td, b) < 0) {
		td->rc = ST_ERROR;
		return 0;
	}
	max = a->len > b->len ? a->len : b->len;
	min = a->len > b->len ? b->len : a->len;
	if (!max || (uint64_t)max * (uint64_t)(MAX_SCORE - min_score) <
			    (uint64_t)(max - min) * MAX_SCORE)
		return 0;
	if (!a->sig)
		a->sig = make_signature(a->data, a->len);
	if (!b->sig)
		b->sig = make_signature(b->data, b->len);
	while (i < a->sig->n && j < b->sig->n) {
		const struct span *x = &a->sig->spans[i],
				  *y = &b->sig->spans[j];

		if (x->hashval < y->hashval) {
			i++;
		} else if (x->hashval > y->hashval) {
			j++;
		} else {
			copied += x->cnt < y->cnt ? x->cnt : y->cnt;
			i++;
			j++;
		}
	}
	return (int)(copied * MAX_SCORE / max);
}

struct score {
	int score;
	int name_score;
	long dst; /* -1: unused slot */
	long src;
	size_t order; /* for a stable sort */
};

/* git's score_compare: unused slots last, then by score, then by
 * basename equality, best first. */
static int score_cmp(const struct score *a, const struct score *b)
{
	if (a->dst < 0)
		return 0 <= b->dst;
	if (b->dst < 0)
		return -1;
	if (a->score == b->score)
		return b->name_score - a->name_score;
	return b->score - a->score;
}

static int score_sort_cmp(const void *x, const void *y)
{
	const struct score *a = x, *b = y;
	int c = score_cmp(a, b);

	if (c)
		return c;
	return a->order < b->order ? -1 : a->order > b->order;
}

static void record_if_better(struct score m[NUM_CANDIDATES],
			     const struct score *o)
{
	int worst = 0;

	for (int i = 1; i < NUM_CANDIDATES; i++)
		if (score_cmp(&m[i], &m[worst]) > 0)
			worst = i;
	if (score_cmp(&m[worst], o) > 0)
		m[worst] = *o;
}

static void rename_pair(struct tree_diff *td, size_t s, size_t d, int score)
{
	struct pair *x = &td->pairs[td->srcs[s]], *y = &td->pairs[td->dsts[d]];

	y->a = x->a;
	y->status = 'R';
	y->score = score;
	x->a = NULL;
	x->status = 0;
}

/* Renames as git's diffcore_rename finds them (no copies): a rename
 * takes its destination's place in the order, its source disappears. */
static void find_renames(struct tree_diff *td)
{
	size_t ndst = 0, nsrc = 0, cnt = 0;
	struct score *mx = NULL;
	long *cand;
	const int min_basename = MIN_SCORE + (MAX_SCORE - MIN_SCORE) / 2;

	if (!td->nsrcs || !td->ndsts)
		return;
	/* Exact renames: same blob, mode too unless both are regular
	 * files; a source with the same basename is preferred. */
	for (size_t d = 0; d < td->ndsts; d++) {
		struct file *b = DST(td, d);
		long best = -1;
		int best_score = -1;

		for (size_t s = 0; s < td->nsrcs; s++) {
			struct file *a = SRC(td, s);
			int score;

			if (!a || !git_oid_equal(&a->id, &b->id))
				continue;
			if ((!is_reg(a->mode) || !is_reg(b->mode)) &&
			    a->mode != b->mode)
				continue;
			score = 1 + basename_same(a->path, b->path);
			if (score > best_score) {
				best = (long)s;
				best_score = score;
				if (score == 2)
					break;
			}
		}
		if (best >= 0)
			rename_pair(td, (size_t)best, d, MAX_SCORE);
	}
	/* Unique basenames among what is left, at 75%: the candidates are
	 * chosen before any of them is paired, as git does. */
	cand = st_xcalloc(td->nsrcs, sizeof(*cand));
	for (size_t s = 0; s < td->nsrcs; s++) {
		const char *base;
		bool unique = true;

		cand[s] = -1;
		if (!SRC(td, s))
			continue;
		base = basename_of(SRC(td, s)->path);
		for (size_t t = 0; t < td->nsrcs && unique; t++)
			if (t != s && SRC(td, t) &&
			    !strcmp(basename_of(SRC(td, t)->path), base))
				unique = false;
		for (size_t d = 0; d < td->ndsts && unique; d++) {
			if (!DST(td, d) ||
			    strcmp(basename_of(DST(td, d)->path), base))
				continue;
			if (cand[s] >= 0)
				unique = false;
			cand[s] = (long)d;
		}
		if (!unique)
			cand[s] = -1;
	}
	for (size_t s = 0; s < td->nsrcs && td->rc == 0; s++) {
		int score;

		if (cand[s] < 0 || !DST(td, cand[s]))
			continue;
		score = estimate(td, SRC(td, s), DST(td, cand[s]),
				 min_basename);
		if (score >= min_basename)
			rename_pair(td, s, (size_t)cand[s], score);
	}
	free(cand);
	for (size_t s = 0; s < td->nsrcs; s++)
		nsrc += SRC(td, s) != NULL;
	for (size_t d = 0; d < td->ndsts; d++)
		ndst += DST(td, d) != NULL;
	/* git's diff.renameLimit default: give up on inexact renames. */
	if (!nsrc || !ndst || td->rc < 0 ||
	    (uint64_t)nsrc * ndst > (uint64_t)1000 * 1000)
		return;
	mx = st_xcalloc(ndst * NUM_CANDIDATES, sizeof(*mx));
	for (size_t d = 0; d < td->ndsts && td->rc == 0; d++) {
		struct score *m = &mx[cnt * NUM_CANDIDATES];

		if (!DST(td, d))
			continue;
		for (int k = 0; k < NUM_CANDIDATES; k++)
			m[k].dst = -1;
		for (size_t s = 0; s < td->nsrcs; s++) {
			struct score o;

			if (!SRC(td, s))
				continue;
			o.score =
				estimate(td, SRC(td, s), DST(td, d), MIN_SCORE);
			o.name_score = basename_same(SRC(td, s)->path,
						     DST(td, d)->path);
			o.dst = (long)d;
			o.src = (long)s;
			record_if_better(m, &o);
		}
		cnt++;
	}
	for (size_t i = 0; i < cnt * NUM_CANDIDATES; i++)
		mx[i].order = i;
	qsort(mx, cnt * NUM_CANDIDATES, sizeof(*mx), score_sort_cmp);
	for (size_t i = 0; i < cnt * NUM_CANDIDATES; i++) {
		if (mx[i].dst < 0 || mx[i].score < MIN_SCORE)
			break;
		if (!DST(td, mx[i].dst) || !SRC(td, mx[i].src))
			continue;
		rename_pair(td, (size_t)mx[i].src, (size_t)mx[i].dst,
			    mx[i].score);
	}
	free(mx);
}

/* The shortest abbreviation of id, at least len, that no other object
 * shares (git's find_unique_abbrev). */
static void abbrev_oid(char *out, git_odb *odb, const git_oid *id, int len)
{
	char hex[GIT_OID_HEXSZ + 1];

	git_oid_tostr(hex, sizeof(hex), id);
	if (odb && !git_oid_is_zero(id))
		while (len < GIT_OID_HEXSZ &&
		       git_odb_exists_prefix(NULL, odb, id, (size_t)len) ==
			       GIT_EAMBIGUOUS)
			len++;
	git_error_clear();
	memcpy(out, hex, (size_t)len);
	out[len] = '\0';
}

/* git's quote_c_style of prefix + name, when name needs quoting. */
static void add_path(struct st_buf *b, const char *prefix, const char *name)
{
	bool quote = false;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == '"' || *p == '\\' || *p >= 0x7f)
			quote = true;
	if (!quote) {
		st_buf_addstr(b, prefix);
		st_buf_addstr(b, name);
		return;
	}
	st_buf_addf(b, "\"%s", prefix);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		static const char esc[] = "\a\b\t\n\v\f\r";
		static const char let[] = "abtnvfr";
		const char *e = *p ? strchr(esc, *p) : NULL;

		if (*p == '"' || *p == '\\')
			st_buf_addf(b, "\\%c", *p);
		else if (e)
			st_buf_addf(b, "\\%c", let[e - esc]);
		else if (*p < 0x20 || *p >= 0x7f)
			st_buf_addf(b, "\\%03o", *p);
		else
			st_buf_addch(b, *p);
	}
	st_buf_addch(b, '"');
}

int rd_tree_default_abbrev(git_repository *repo)
{
	const char *dir = git_repository_path(repo);
	uint64_t count = 0;
	struct st_buf path = ST_BUF_INIT;
	DIR *d;
	struct dirent *e;
	int len = 0;

	st_buf_addf(&path, "%sobjects/pack", dir);
	d = opendir(path.buf);
	while (d && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		unsigned char hdr[8 + 256 * 4];
		FILE *f;

		if (n < 5 || strcmp(e->d_name + n - 4, ".idx"))
			continue;
		st_buf_setlen(&path, 0);
		st_buf_addf(&path, "%sobjects/pack/%s", dir, e->d_name);
		f = fopen(path.buf, "rb");
		if (!f)
			continue;
		/* v2 index: magic, version, then the 256-entry fan-out
		 * whose last entry is the object count. */
		if (fread(hdr, 1, sizeof(hdr), f) == sizeof(hdr) &&
		    hdr[0] == 0xff && hdr[1] == 't')
			count += (uint64_t)hdr[sizeof(hdr) - 4] << 24 |
				 (uint64_t)hdr[sizeof(hdr) - 3] << 16 |
				 (uint64_t)hdr[sizeof(hdr) - 2] << 8 |
				 hdr[sizeof(hdr) - 1];
		fclose(f);
	}
	if (d)
		closedir(d);
	st_buf_release(&path);
	/* git: msb(count) + 1 bits, halved and rounded up, in hex digits. */
	while (count >>= 1)
		len++;
	len = (len + 2) / 2;
	return len < 7 ? 7 : len;
}

/* The shortest abbreviation of id, at least len, that no other object
 * shares (git's find_unique_abbrev). */
struct hunk_out {
	struct st_buf *b;
	const char *old_label, *new_label;
	bool started;
};

static void add_labels(struct st_buf *b, const char *old_label,
		       const char *new_label)
{
	st_buf_addstr(b, "--- ");
	st_buf_addstr(b, old_label);
	st_buf_addstr(b, "\n+++ ");
	st_buf_addstr(b, new_label);
	st_buf_addch(b, '\n');
}

static int on_hunk(const git_diff_delta *d, const git_diff_hunk *h,
		   void *payload)
{
	struct hunk_out *o = payload;

	if (!o->started) {
		add_labels(o->b, o->old_label, o->new_label);
		o->started = true;
	}
	st_buf_add(o->b, h->header, h->header_len);
	return 0;
}

static int on_line(const git_diff_delta *d, const git_diff_hunk *h,
		   const git_diff_line *l, void *payload)
{
	struct hunk_out *o = payload;

	switch (l->origin) {
	case GIT_DIFF_LINE_CONTEXT:
	case GIT_DIFF_LINE_ADDITION:
	case GIT_DIFF_LINE_DELETION:
		st_buf_addch(o->b, l->origin);
		st_buf_add(o->b, l->content, l->content_len);
		if (!l->content_len || l->content[l->content_len - 1] != '\n')
			st_buf_addch(o->b, '\n');
		break;
	case GIT_DIFF_LINE_CONTEXT_EOFNL:
	case GIT_DIFF_LINE_ADD_EOFNL:
	case GIT_DIFF_LINE_DEL_EOFNL:
		st_buf_addstr(o->b, "\\ No newline at end of file\n");
		break;
	default:
		break;
	}
	return 0;
}

/* One file pair, as git's builtin_diff prints it; a or b NULL for a
 * creation or a deletion. */
static int format_pair(struct st_buf *b, struct tree_diff *td, git_odb *odb,
		       struct file *a, struct file *c, int status, int score,
		       int abbrev)
{
	static const git_oid zero;
	git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
	const char *oldp = a ? a->path : c->path, *newp = c ? c->path : a->path;
	const git_oid *oid_a = a ? &a->id : &zero, *oid_c = c ? &c->id : &zero;
	struct st_buf old_label = ST_BUF_INIT, new_label = ST_BUF_INIT;
	const char *da = "", *dc = "";
	size_t la = 0, lc = 0;
	bool binary;
	int rc = 0;

	if ((a && (rc = file_load(td, a)) < 0) ||
	    (c && (rc = file_load(td, c)) < 0))
		return rc;
	if (a) {
		da = a->data;
		la = a->len;
	}
	if (c) {
		dc = c->data;
		lc = c->len;
	}
	binary = is_binary(da, la) || is_binary(dc, lc);
	st_buf_addstr(b, "diff --git ");
	add_path(b, "a/", oldp);
	st_buf_addch(b, ' ');
	add_path(b, "b/", newp);
	st_buf_addch(b, '\n');
	if (!a)
		st_buf_addf(b, "new file mode %06o\n", c->mode);
	else if (!c)
		st_buf_addf(b, "deleted file mode %06o\n", a->mode);
	else if (a->mode != c->mode)
		st_buf_addf(b, "old mode %06o\nnew mode %06o\n", a->mode,
			    c->mode);
	if (status == 'R') {
		st_buf_addf(b, "similarity index %d%%\nrename from ",
			    score * 100 / MAX_SCORE);
		add_path(b, "", oldp);
		st_buf_addstr(b, "\nrename to ");
		add_path(b, "", newp);
		st_buf_addch(b, '\n');
	}
	if (!git_oid_equal(oid_a, oid_c)) {
		char x[GIT_OID_HEXSZ + 1], y[GIT_OID_HEXSZ + 1];

		/* Only a binary file's patch-id hashes these ids: only
		 * then are they made unique as git does (a prefix search). */
		abbrev_oid(x, binary ? odb : NULL, oid_a, abbrev);
		abbrev_oid(y, binary ? odb : NULL, oid_c, abbrev);
		st_buf_addstr(b, "index ");
		st_buf_addstr(b, x);
		st_buf_addstr(b, "..");
		st_buf_addstr(b, y);
		if (a && c && a->mode == c->mode)
			st_buf_addf(b, " %06o", a->mode);
		st_buf_addch(b, '\n');
	}
	if (!a)
		st_buf_addstr(&old_label, "/dev/null");
	else
		add_path(&old_label, "a/", oldp);
	if (!c)
		st_buf_addstr(&new_label, "/dev/null");
	else
		add_path(&new_label, "b/", newp);
	if (binary) {
		if (la != lc || memcmp(da, dc, la))
			st_buf_addf(b, "Binary files %s and %s differ\n",
				    old_label.buf, new_label.buf);
	} else if ((la != lc || memcmp(da, dc, la)) && td->lines) {
		add_labels(b, old_label.buf, new_label.buf);
		rd_linediff_hunks(td->lines, da, la, dc, lc, b);
	} else if (la != lc || memcmp(da, dc, la)) {
		struct hunk_out o = {b, old_label.buf, new_label.buf, false};

		opts.flags = GIT_DIFF_FORCE_TEXT | GIT_DIFF_INDENT_HEURISTIC;
		opts.context_lines = 3;
		/* Buffers, without paths: libgit2 then looks for no
		 * .gitattributes (git_diff_blobs does, with a dozen system
		 * calls per file), and git show reads none either. */
		if (git_diff_buffers(da, la, NULL, dc, lc, NULL, &opts, NULL,
				     NULL, on_hunk, on_line, &o) < 0)
			rc = st_error_set(td->err, ST_ERROR,
					  "cannot diff '%s': %s", newp,
					  gitmsg());
	}
	st_buf_release(&old_label);
	st_buf_release(&new_label);
	return rc;
}

/* The diff from tree old_id (NULL: the empty tree) to tree new_id. */
static int tree_diff(struct st_buf *out, git_repository *repo,
		     struct rd_objects *objs, const git_oid *old_id,
		     const git_oid *new_id, int abbrev,
		     struct rd_linediff *lines, struct st_error *err)
{
	struct tree_diff td = {0};
	struct rd_object *ptree = NULL, *ctree = NULL;
	git_odb *odb = NULL;
	struct st_error e = ST_ERROR_INIT;
	int rc = 0;

	if (git_repository_odb(&odb, repo) < 0) {
		rc = st_error_set(err, ST_ERROR, "cannot read objects: %s",
				  gitmsg());
		goto out;
	}
	if ((old_id &&
	     rd_objects_read(&ptree, objs, old_id, GIT_OBJECT_TREE, &e) < 0) ||
	    rd_objects_read(&ctree, objs, new_id, GIT_OBJECT_TREE, &e) < 0) {
		rc = st_error_set(err, ST_ERROR, "%s", e.msg);
		goto out;
	}
	td.objs = objs;
	td.err = err;
	td.lines = lines;
	walk_trees(&td, ptree, ctree, "");
	if (td.rc == 0)
		find_renames(&td);
	rc = td.rc;
	for (size_t i = 0; rc == 0 && i < td.npairs; i++) {
		struct pair *p = &td.pairs[i];

		if (!p->status)
			continue;
		/* A typechange is shown as a deletion and a creation. */
		if (p->status == 'M' &&
		    (p->a->mode & 0170000) != (p->b->mode & 0170000)) {
			rc = format_pair(out, &td, odb, p->a, NULL, 'D', 0,
					 abbrev);
			if (rc == 0)
				rc = format_pair(out, &td, odb, NULL, p->b, 'A',
						 0, abbrev);
			continue;
		}
		rc = format_pair(out, &td, odb, p->a, p->b, p->status, p->score,
				 abbrev);
	}
out:
	for (size_t i = 0; i < td.npairs; i++) {
		file_free(td.pairs[i].a);
		file_free(td.pairs[i].b);
	}
	free(td.pairs);
	free(td.srcs);
	free(td.dsts);
	rd_object_release(ptree);
	rd_object_release(ctree);
	git_odb_free(odb);
	return rc;
}

int rd_tree_commit_diff(struct st_buf *out, git_repository *repo,
			const git_commit *commit, int abbrev,
			struct st_error *err)
{
	struct rd_objects *objs;
	git_commit *parent = NULL;
	int rc;

	if (git_commit_parentcount(commit) > 1)
		return 0;
	if (git_commit_parentcount(commit) == 1 &&
	    git_commit_parent(&parent, commit, 0) < 0)
		return st_error_set(err, ST_ERROR,
				    "cannot read the parent of commit '%s': %s",
				    git_oid_tostr_s(git_commit_id(commit)),
				    gitmsg());
	/* A reader for one diff: its cache only serves this commit. */
	objs = rd_objects_new(repo, (size_t)8 << 20);
	rc = tree_diff(out, repo, objs,
		       parent ? git_commit_tree_id(parent) : NULL,
		       git_commit_tree_id(commit), abbrev, NULL, err);
	rd_objects_free(objs);
	git_commit_free(parent);
	return rc;
}

int rd_tree_diff_patch_id(char *out, git_repository *repo,
			  struct rd_objects *objs, const git_oid *old_tree,
			  const git_oid *new_tree, int abbrev,
			  struct rd_linediff *lines, struct st_error *err)
{
	struct st_buf b = ST_BUF_INIT;
	int rc;

	out[0] = '\0';
	rc = tree_diff(&b, repo, objs, old_tree, new_tree, abbrev, lines, err);
	if (rc == 0 && b.len && rd_patch_id(out, b.buf, b.len) < 0)
		out[0] = '\0';
	st_buf_release(&b);
	return rc;
}
