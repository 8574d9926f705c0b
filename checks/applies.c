/* applies.c: does a series apply to a branch tip? */
#include "applies.h"

#include "common/buf.h"
#include "common/json.h"

#include <errno.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATCH_FILE_MAX (32 * 1024 * 1024)

static const char *find_line(const char *p, const char *end, const char *prefix)
{
	size_t n = strlen(prefix);

	for (const char *q = p; q + n <= end;) {
		if (!memcmp(q, prefix, n))
			return q;
		q = memchr(q, '\n', (size_t)(end - q));
		if (!q)
			break;
		q++;
	}
	return NULL;
}

/* The Subject header of a mail (first line only), before the body. */
static void subject_of(char *out, size_t size, const char *p, const char *end)
{
	const char *body = find_line(p, end, "\n");
	const char *s = find_line(p, body ? body : end, "Subject: ");
	size_t n = 0;

	out[0] = '\0';
	if (!s)
		return;
	for (s += 9; s < end && *s != '\n' && *s != '\r' && n + 1 < size; s++)
		out[n++] = (unsigned char)*s < 0x20 ? '?' : *s;
	out[n] = '\0';
}

static int apply_one(git_tree **tree, git_repository *repo, const char *diff,
		     size_t len, char *msg, size_t msg_size)
{
	git_diff *d = NULL;
	git_index *index = NULL;
	git_tree *next = NULL;
	git_oid oid;
	const git_error *e;
	int grc;

	grc = git_diff_from_buffer(&d, diff, len);
	if (grc == 0)
		grc = git_apply_to_tree(&index, repo, *tree, d, NULL);
	if (grc == 0)
		grc = git_index_write_tree_to(&oid, index, repo);
	if (grc == 0)
		grc = git_tree_lookup(&next, repo, &oid);
	if (grc < 0) {
		e = git_error_last();
		snprintf(msg, msg_size, "%s",
			 e && e->message ? e->message : "does not apply");
	} else {
		git_tree_free(*tree);
		*tree = next;
	}
	git_index_free(index);
	git_diff_free(d);
	return grc < 0 ? -1 : 0;
}

int chk_applies_series(struct chk_applies *out, const char *path,
		       const char *ref, const char *mbox, size_t len,
		       struct st_error *err)
{
	git_repository *repo = NULL;
	git_object *obj = NULL;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	const char *p = mbox, *end = mbox + len;
	bool failed = false;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH,
				    NULL) < 0) {
		rc = st_error_set(err, ST_ENOTFOUND,
				  "cannot open repository '%s'", path);
		goto out;
	}
	if (git_revparse_single(&obj, repo, ref) < 0 ||
	    git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) <
		    0 ||
	    git_commit_tree(&tree, commit) < 0) {
		rc = st_error_set(err, ST_ENOTFOUND,
				  "cannot resolve revision '%s'", ref);
		goto out;
	}
	while (p < end) {
		/* One mail: up to the next mbox "From " line. */
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *next = nl ? find_line(nl + 1, end, "From ") : NULL;
		const char *mend = next ? next : end;
		const char *diff = find_line(p, mend, "diff --git ");
		char subject[128];

		if (diff) {
			out->patches++;
			subject_of(subject, sizeof(subject), p, diff);
			if (!failed &&
			    apply_one(&tree, repo, diff, (size_t)(mend - diff),
				      out->message, sizeof(out->message)) < 0) {
				failed = true;
				snprintf(out->subject, sizeof(out->subject),
					 "%s", subject);
			} else if (!failed) {
				out->applied++;
			}
		}
		p = mend;
	}
	if (out->patches == 0)
		rc = st_error_set(err, ST_EINVALID, "no patch found");
out:
	git_tree_free(tree);
	git_commit_free(commit);
	git_object_free(obj);
	git_repository_free(repo);
	return rc;
}

static int read_file(struct st_buf *b, const char *path, struct st_error *err)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int rc = 0;

	if (!f)
		return st_error_set(err, ST_ENOTFOUND, "cannot read '%s': %s",
				    path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (st_buf_add(b, chunk, n) < 0) {
			rc = st_error_set(err, ST_ETOOBIG, "'%s' is too big",
					  path);
			break;
		}
	}
	if (rc == 0 && ferror(f))
		rc = st_error_set(err, ST_ERROR, "cannot read '%s'", path);
	fclose(f);
	return rc;
}

struct files {
	const struct chk_check *c;
	struct st_buf all;
	struct st_error *err;
	int rc;
};

static int add_file(const char *v, void *data)
{
	struct files *f = data;
	struct st_buf path = ST_BUF_INIT;

	/* Relative to the configuration file, like other paths. */
	if (v[0] == '/')
		st_buf_addstr(&path, v);
	else
		st_buf_addf(&path, "%s/%s", st_config_dir(f->c->config), v);
	f->rc = read_file(&f->all, path.buf, f->err);
	if (f->rc == 0 && f->all.len && f->all.buf[f->all.len - 1] != '\n')
		st_buf_addch(&f->all, '\n');
	st_buf_release(&path);
	return f->rc < 0 ? 1 : 0;
}

int chk_applies_run(struct chk_result *res, const struct chk_check *c,
		    struct st_error *err)
{
	struct files f = {c, ST_BUF_INIT, err, 0};
	struct chk_applies a;
	char *path = chk_check_get_path(c, "path", NULL);
	char *branch = chk_check_get(c, "branch", "HEAD");
	int rc;

	st_buf_init(&f.all, PATCH_FILE_MAX);
	if (!path) {
		rc = st_error_set(err, ST_EINVALID,
				  "check '%s': no path configured", c->name);
		goto out;
	}
	chk_check_get_all(c, "patch", add_file, &f);
	rc = f.rc;
	if (rc == 0 && f.all.len == 0)
		rc = st_error_set(err, ST_EINVALID,
				  "check '%s': no patch configured", c->name);
	if (rc < 0)
		goto out;
	rc = chk_applies_series(&a, path, branch, f.all.buf, f.all.len, err);
	if (rc < 0)
		goto out;
	{
		json_t *o = json_object();

		st_json_set_int(o, "patches", a.patches);
		st_json_set_int(o, "applied", a.applied);
		st_json_set_str(o, "branch", branch);
		if (a.applied < a.patches) {
			st_json_set_str(o, "failed_subject", a.subject);
			st_json_set_str(o, "message", a.message);
		}
		chk_result_add_obj(res, o);
	}
	if (a.applied == a.patches) {
		chk_result_set(res, CHK_PASS, 10, "%u patch(es) apply to '%s'",
			       a.patches, branch);
	} else {
		chk_result_addf(res, "Fail", "patch %u/%u '%s': %s",
				a.applied + 1, a.patches, a.subject, a.message);
		chk_result_set(res, CHK_FAIL, 0,
			       "patch %u of %u does not apply to '%s'",
			       a.applied + 1, a.patches, branch);
	}
out:
	st_buf_release(&f.all);
	free(path);
	free(branch);
	return rc;
}
