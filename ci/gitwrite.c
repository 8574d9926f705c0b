/*
 * gitwrite.c: commits into a new bare repository through an in-memory
 * pack (see gitwrite.h).
 */
#include "gitwrite.h"

#include "common/buf.h"
#include "common/xalloc.h"

#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <stdlib.h>
#include <string.h>

/* Commits between two packfiles: bounds the memory the objects take. */
#define PACK_COMMITS 1000

struct ci_gitwrite {
	git_repository *repo;
	git_odb_backend *mempack; /* owned by the repository's odb */
	uint64_t unpacked;	  /* commits held in the mempack */
};

static int git_fail(struct st_error *err, const char *what)
{
	const git_error *e = git_error_last();

	return st_error_set(err, ST_ERROR, "%s: %s", what,
			    e && e->message ? e->message : "libgit2 error");
}

int ci_gitwrite_open(struct ci_gitwrite **out, const char *path,
		     struct st_error *err)
{
	struct ci_gitwrite *w = st_xcalloc(1, sizeof(*w));
	git_odb *odb = NULL;
	int rc = 0;

	*out = NULL;
	if (git_repository_init(&w->repo, path, 1) < 0 ||
	    git_repository_odb(&odb, w->repo) < 0 ||
	    git_mempack_new(&w->mempack) < 0) {
		rc = git_fail(err, path);
		goto out;
	}
	/* Highest priority: new objects are written there. */
	if (git_odb_add_backend(odb, w->mempack, 999) < 0) {
		/* Not taken over by the odb: ours to free. */
		w->mempack->free(w->mempack);
		w->mempack = NULL;
		rc = git_fail(err, path);
	}
out:
	git_odb_free(odb);
	if (rc < 0)
		ci_gitwrite_free(w);
	else
		*out = w;
	return rc;
}

/* Write the objects held in memory as one packfile (with its index). */
static int flush_pack(struct ci_gitwrite *w, struct st_error *err)
{
	git_buf buf = GIT_BUF_INIT;
	git_odb *odb = NULL;
	git_odb_writepack *wp = NULL;
	git_indexer_progress stats;
	int rc = 0;

	if (w->unpacked == 0)
		return 0;
	if (git_repository_odb(&odb, w->repo) < 0 ||
	    git_mempack_dump(&buf, w->repo, w->mempack) < 0 ||
	    git_odb_write_pack(&wp, odb, NULL, NULL) < 0 ||
	    wp->append(wp, buf.ptr, buf.size, &stats) < 0 ||
	    wp->commit(wp, &stats) < 0 || git_mempack_reset(w->mempack) < 0)
		rc = git_fail(err, "packfile");
	w->unpacked = 0;
	if (wp)
		wp->free(wp);
	git_buf_dispose(&buf);
	git_odb_free(odb);
	return rc;
}

static int new_tree(struct ci_gitwrite *w, git_tree **out,
		    const git_commit *parent,
		    const struct ci_gitwrite_change *ch, size_t n,
		    struct st_error *err)
{
	git_tree_update *u = st_xcalloc(n ? n : 1, sizeof(*u));
	git_tree *base = NULL;
	git_oid tid;
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		u[i].action = GIT_TREE_UPDATE_UPSERT;
		u[i].filemode = GIT_FILEMODE_BLOB;
		u[i].path = ch[i].path;
		if (git_blob_create_from_buffer(&u[i].id, w->repo, ch[i].data,
						ch[i].len) < 0) {
			rc = git_fail(err, ch[i].path);
			goto out;
		}
	}
	/* No baseline for a root commit: libgit2 starts from nothing. */
	if (parent && git_commit_tree(&base, parent) < 0) {
		rc = git_fail(err, "parent tree");
		goto out;
	}
	if (git_tree_create_updated(&tid, w->repo, base, n, u) < 0 ||
	    git_tree_lookup(out, w->repo, &tid) < 0)
		rc = git_fail(err, "tree");
out:
	git_tree_free(base);
	free(u);
	return rc;
}

int ci_gitwrite_commit(struct ci_gitwrite *w, git_oid *out,
		       const git_oid *parent,
		       const struct ci_gitwrite_change *ch, size_t n,
		       const struct ci_gitwrite_sig *author,
		       const struct ci_gitwrite_sig *committer, const char *msg,
		       struct st_error *err)
{
	git_commit *pc = NULL;
	git_tree *tree = NULL;
	git_signature *a = NULL, *c = NULL;
	int rc;

	if (parent && git_commit_lookup(&pc, w->repo, parent) < 0) {
		rc = git_fail(err, "parent commit");
		goto out;
	}
	rc = new_tree(w, &tree, pc, ch, n, err);
	if (rc < 0)
		goto out;
	if (git_signature_new(&a, author->name, author->email,
			      (git_time_t)author->time, author->tz) < 0 ||
	    git_signature_new(&c, committer->name, committer->email,
			      (git_time_t)committer->time, committer->tz) < 0) {
		rc = git_fail(err, "signature");
		goto out;
	}
	if (git_commit_create(out, w->repo, NULL, a, c, NULL, msg, tree,
			      pc ? 1 : 0, (const git_commit **)&pc) < 0) {
		rc = git_fail(err, "commit");
		goto out;
	}
	if (++w->unpacked >= PACK_COMMITS)
		rc = flush_pack(w, err);
out:
	git_signature_free(a);
	git_signature_free(c);
	git_tree_free(tree);
	git_commit_free(pc);
	return rc;
}

int ci_gitwrite_finish(struct ci_gitwrite *w, const char *const *names,
		       const git_oid *ids, size_t n, struct st_error *err)
{
	struct st_buf ref = ST_BUF_INIT;
	git_reference *r = NULL;
	int rc = flush_pack(w, err);

	for (size_t i = 0; rc == 0 && i < n; i++) {
		st_buf_reset(&ref);
		st_buf_addf(&ref, "refs/heads/%s", names[i]);
		if (git_reference_create(&r, w->repo, ref.buf, &ids[i], 1,
					 NULL) < 0)
			rc = git_fail(err, ref.buf);
		git_reference_free(r);
		r = NULL;
		if (rc == 0 && i == 0 &&
		    git_repository_set_head(w->repo, ref.buf) < 0)
			rc = git_fail(err, "HEAD");
	}
	st_buf_release(&ref);
	return rc;
}

void ci_gitwrite_free(struct ci_gitwrite *w)
{
	if (!w)
		return;
	git_repository_free(w->repo);
	free(w);
}
