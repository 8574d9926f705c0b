/*
 * tree-diff.c: the diff of a commit as `git show` prints it, built from
 * libgit2 pieces so that its patch-id equals git's: git's rename
 * similarity (diffcore-delta.c's span hashes, plugged into libgit2 as the
 * similarity metric, so scores and the printed "similarity index" agree),
 * git's headers (builtin_diff and fill_metainfo in diff.c), git's binary
 * test (a NUL in the first 8000 bytes) and git's abbreviated index ids.
 * Part of tree.h.
 */
#include "review-dash/tree.h"

#include "common/xalloc.h"
#include "review-dash/patchid.h"

#include <dirent.h>
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

/* git's hash_chars: spans end at a newline or after 64 bytes; a CR before
 * LF is skipped in text. */
static int buffer_signature(void **out, const git_diff_file *file,
			    const char *buf, size_t len, void *payload)
{
	struct signature *sig = st_xcalloc(1, sizeof(*sig));
	bool text = !is_binary(buf, len);
	unsigned accum1 = 0, accum2 = 0, n = 0;
	size_t alloc = 0, w = 0;

	sig->size = len;
	for (size_t i = 0; i < len; i++) {
		unsigned c = (unsigned char)buf[i];
		unsigned old1 = accum1;

		if (text && c == '\r' && i + 1 < len && buf[i + 1] == '\n')
			continue;
		accum1 = (accum1 << 7) ^ (accum2 >> 25);
		accum2 = (accum2 << 7) ^ (old1 >> 25);
		accum1 += c;
		if (++n < 64 && c != '\n')
			continue;
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
	if (n > 0) {
		if (sig->n == alloc) {
			alloc = alloc ? alloc * 2 : 1;
			sig->spans = st_xreallocarray(sig->spans, alloc,
						      sizeof(*sig->spans));
		}
		sig->spans[sig->n].hashval =
			(accum1 + accum2 * 0x61) % HASHBASE;
		sig->spans[sig->n++].cnt = n;
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
	*out = sig;
	return 0;
}

static int file_signature(void **out, const git_diff_file *file,
			  const char *path, void *payload)
{
	*out = NULL; /* trees only: never called for blobs */
	return 0;
}

static void free_signature(void *sig, void *payload)
{
	struct signature *s = sig;

	if (s)
		free(s->spans);
	free(s);
}

/* git's estimate_similarity: too different sizes score 0, else the bytes
 * in common (diffcore_count_changes) over the larger size, as 0-100. */
static int similarity(int *score, void *siga, void *sigb, void *payload)
{
	const struct signature *a = siga, *b = sigb;
	size_t max = a->size > b->size ? a->size : b->size;
	size_t min = a->size > b->size ? b->size : a->size;
	size_t i = 0, j = 0;
	uint64_t copied = 0;

	*score = 0;
	if (!max || (uint64_t)max * (MAX_SCORE - MIN_SCORE) <
			    (uint64_t)(max - min) * MAX_SCORE)
		return 0;
	while (i < a->n && j < b->n) {
		if (a->spans[i].hashval < b->spans[j].hashval) {
			i++;
		} else if (a->spans[i].hashval > b->spans[j].hashval) {
			j++;
		} else {
			copied += a->spans[i].cnt < b->spans[j].cnt
					  ? a->spans[i].cnt
					  : b->spans[j].cnt;
			i++;
			j++;
		}
	}
	*score = (int)((copied * MAX_SCORE / max) * 100 / MAX_SCORE);
	return 0;
}

static git_diff_similarity_metric git_metric = {
	file_signature, buffer_signature, free_signature, similarity, NULL};

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
static void abbrev_oid(char *out, git_odb *odb, const git_oid *id, int len)
{
	char hex[GIT_OID_HEXSZ + 1];

	git_oid_tostr(hex, sizeof(hex), id);
	if (!git_oid_is_zero(id))
		while (len < GIT_OID_HEXSZ &&
		       git_odb_exists_prefix(NULL, odb, id, (size_t)len) ==
			       GIT_EAMBIGUOUS)
			len++;
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
		st_buf_addf(b, "%s%s", prefix, name);
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

/* The content of one side: a blob's bytes, or for a submodule the text
 * git shows for it. */
struct side {
	git_blob *blob;
	const char *data;
	size_t len;
	char sub[64];
};

static int side_load(struct side *s, git_repository *repo,
		     const git_diff_file *f, bool present, struct st_error *err)
{
	char hex[GIT_OID_HEXSZ + 1];

	memset(s, 0, sizeof(*s));
	s->data = "";
	if (!present)
		return 0;
	if (f->mode == GIT_FILEMODE_COMMIT) {
		git_oid_tostr(hex, sizeof(hex), &f->id);
		snprintf(s->sub, sizeof(s->sub), "Subproject commit %s\n", hex);
		s->data = s->sub;
		s->len = strlen(s->sub);
		return 0;
	}
	if (git_blob_lookup(&s->blob, repo, &f->id) < 0) {
		git_oid_tostr(hex, sizeof(hex), &f->id);
		return st_error_set(err, ST_ERROR, "cannot read blob '%s': %s",
				    hex, gitmsg());
	}
	s->data = git_blob_rawcontent(s->blob);
	s->len = (size_t)git_blob_rawsize(s->blob);
	return 0;
}

struct hunk_out {
	struct st_buf *b;
	const char *old_label, *new_label;
	bool started;
};

static int on_hunk(const git_diff_delta *d, const git_diff_hunk *h,
		   void *payload)
{
	struct hunk_out *o = payload;

	if (!o->started) {
		st_buf_addf(o->b, "--- %s\n+++ %s\n", o->old_label,
			    o->new_label);
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

/* One file pair, as git's builtin_diff prints it. */
static int format_delta(struct st_buf *b, git_repository *repo, git_odb *odb,
			const git_diff_delta *d, int abbrev,
			struct st_error *err)
{
	git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
	bool added = d->status == GIT_DELTA_ADDED;
	bool deleted = d->status == GIT_DELTA_DELETED;
	const char *oldp = d->old_file.path, *newp = d->new_file.path;
	struct st_buf old_label = ST_BUF_INIT, new_label = ST_BUF_INIT;
	struct side a, c;
	int rc;

	rc = side_load(&a, repo, &d->old_file, !added, err);
	if (rc < 0)
		return rc;
	rc = side_load(&c, repo, &d->new_file, !deleted, err);
	if (rc < 0)
		goto out;
	st_buf_addstr(b, "diff --git ");
	add_path(b, "a/", oldp);
	st_buf_addch(b, ' ');
	add_path(b, "b/", newp);
	st_buf_addch(b, '\n');
	if (added)
		st_buf_addf(b, "new file mode %06o\n", d->new_file.mode);
	else if (deleted)
		st_buf_addf(b, "deleted file mode %06o\n", d->old_file.mode);
	else if (d->old_file.mode != d->new_file.mode)
		st_buf_addf(b, "old mode %06o\nnew mode %06o\n",
			    d->old_file.mode, d->new_file.mode);
	if (d->status == GIT_DELTA_RENAMED) {
		st_buf_addf(b, "similarity index %d%%\nrename from ",
			    d->similarity);
		add_path(b, "", oldp);
		st_buf_addstr(b, "\nrename to ");
		add_path(b, "", newp);
		st_buf_addch(b, '\n');
	}
	if (!git_oid_equal(&d->old_file.id, &d->new_file.id)) {
		char x[GIT_OID_HEXSZ + 1], y[GIT_OID_HEXSZ + 1];

		abbrev_oid(x, odb, &d->old_file.id, abbrev);
		abbrev_oid(y, odb, &d->new_file.id, abbrev);
		st_buf_addf(b, "index %s..%s", x, y);
		if (d->old_file.mode == d->new_file.mode)
			st_buf_addf(b, " %06o", d->old_file.mode);
		st_buf_addch(b, '\n');
	}
	if (added)
		st_buf_addstr(&old_label, "/dev/null");
	else
		add_path(&old_label, "a/", oldp);
	if (deleted)
		st_buf_addstr(&new_label, "/dev/null");
	else
		add_path(&new_label, "b/", newp);
	if (is_binary(a.data, a.len) || is_binary(c.data, c.len)) {
		if (a.len != c.len || memcmp(a.data, c.data, a.len))
			st_buf_addf(b, "Binary files %s and %s differ\n",
				    old_label.buf, new_label.buf);
	} else {
		struct hunk_out o = {b, old_label.buf, new_label.buf, false};

		opts.flags = GIT_DIFF_FORCE_TEXT | GIT_DIFF_INDENT_HEURISTIC;
		opts.context_lines = 3;
		if (git_diff_buffers(a.data, a.len, oldp, c.data, c.len, newp,
				     &opts, NULL, NULL, on_hunk, on_line,
				     &o) < 0) {
			rc = st_error_set(err, ST_ERROR, "cannot diff '%s': %s",
					  newp, gitmsg());
			goto out;
		}
	}
out:
	git_blob_free(a.blob);
	git_blob_free(c.blob);
	st_buf_release(&old_label);
	st_buf_release(&new_label);
	return rc;
}

int rd_tree_commit_diff(struct st_buf *out, git_repository *repo,
			const git_commit *commit, int abbrev,
			struct st_error *err)
{
	git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
	git_diff_find_options fopts = GIT_DIFF_FIND_OPTIONS_INIT;
	git_commit *parent = NULL;
	git_tree *ptree = NULL, *ctree = NULL;
	git_diff *diff = NULL;
	git_odb *odb = NULL;
	int rc = 0;

	if (git_commit_parentcount(commit) > 1)
		return 0;
	if ((git_commit_parentcount(commit) == 1 &&
	     (git_commit_parent(&parent, commit, 0) < 0 ||
	      git_commit_tree(&ptree, parent) < 0)) ||
	    git_commit_tree(&ctree, commit) < 0 ||
	    git_repository_odb(&odb, repo) < 0) {
		rc = st_error_set(err, ST_ERROR, "cannot read commit '%s': %s",
				  git_oid_tostr_s(git_commit_id(commit)),
				  gitmsg());
		goto out;
	}
	opts.flags = GIT_DIFF_SKIP_BINARY_CHECK;
	if (git_diff_tree_to_tree(&diff, repo, ptree, ctree, &opts) < 0)
		goto fail;
	fopts.flags = GIT_DIFF_FIND_RENAMES;
	fopts.rename_threshold = 50;
	fopts.rename_limit = 1000;
	fopts.metric = &git_metric;
	if (git_diff_find_similar(diff, &fopts) < 0)
		goto fail;
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		if (d->status == GIT_DELTA_UNMODIFIED)
			continue;
		rc = format_delta(out, repo, odb, d, abbrev, err);
		if (rc < 0)
			goto out;
	}
	goto out;
fail:
	rc = st_error_set(err, ST_ERROR, "cannot diff commit '%s': %s",
			  git_oid_tostr_s(git_commit_id(commit)), gitmsg());
out:
	git_diff_free(diff);
	git_tree_free(ptree);
	git_tree_free(ctree);
	git_commit_free(parent);
	git_odb_free(odb);
	return rc;
}

int rd_tree_commit_patch_id(char *out, git_repository *repo,
			    const git_commit *commit, int abbrev,
			    struct st_error *err)
{
	struct st_buf b = ST_BUF_INIT;
	int rc;

	out[0] = '\0';
	rc = rd_tree_commit_diff(&b, repo, commit, abbrev, err);
	if (rc == 0 && b.len && rd_patch_id(out, b.buf, b.len) < 0)
		out[0] = '\0';
	st_buf_release(&b);
	return rc;
}
