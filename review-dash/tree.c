/*
 * tree.c: syncing a git tree into the store (tree.h): opening or
 * mirroring the repository, walking branches incrementally, indexing new
 * commits on worker threads (each with its own repository handle) as the
 * walk finds them and writing them in batches, then keeping reachability
 * exact and running matching. The diff text of a commit is made in
 * tree-diff.c.
 */
#include "review-dash/tree.h"

#include "common/log.h"
#include "common/util.h"
#include "common/xalloc.h"
#include "review-dash/commit.h"
#include "review-dash/gitnet.h"
#include "review-dash/linediff.h"
#include "review-dash/match.h"
#include "review-dash/objects.h"
#include "review-dash/patchid.h"
#include "review-dash/subject.h"
#include "review-dash/trailer.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Commits indexed, then written, per round (one transaction each). */
#define BATCH 4096
/* New commits from which a sync that adds more than the store has is a
 * bulk load, and the least a bulk load's round adds (index_commits). */
#define BULK_MIN   4096
#define BULK_ROUND 65536
/* Consecutive commits a worker takes at a time: long runs, so that a
 * blob read as one commit's old side is still in the same worker's cache
 * when it is a later commit's new side (10% fewer object reads than runs
 * of 32 on the bench repository); shorter ones, down to MIN_RUN, once the
 * walk is over, so that both workers finish together. */
#define RUN	1024
#define MIN_RUN 32
/* What each worker's object reader keeps (objects.h): a file's recent
 * versions and the trees of the commits of its run. */
#define OBJECT_CACHE ((size_t)32 << 20)
/* How far the walk hands its reads of commits to jobs ahead of the
 * workers (beyond, they read commits again). */
#define HANDOFF 65536
/* How far workers may run ahead of the writer: bounds the memory held
 * by indexed commits not stored yet (their messages). */
#define AHEAD 8192

static const char *gitmsg(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown error";
}

/* Configuration */

struct config_ctx {
	struct rd_tree_config *t;
};

static int add_branch(const char *value, void *data)
{
	struct rd_tree_config *t = data;

	t->branches = st_xreallocarray(t->branches, t->nbranches + 1,
				       sizeof(*t->branches));
	t->branches[t->nbranches++] = st_xstrdup(value);
	return 0;
}

int rd_tree_config_load(struct rd_tree_config *out, const struct st_config *c,
			const char *name, const char *store_path,
			struct st_error *err)
{
	struct st_buf key = ST_BUF_INIT, def = ST_BUF_INIT;
	char *tmp = st_xstrdup(store_path ? store_path : "steward.db");
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->name = st_xstrdup(name);
	st_buf_addf(&key, "tree.%s.path", name);
	out->path = st_config_get_path(c, key.buf, NULL);
	st_buf_reset(&key);
	st_buf_addf(&key, "tree.%s.url", name);
	out->url = st_config_get_string(c, key.buf, NULL);
	st_buf_reset(&key);
	st_buf_addf(&key, "tree.%s.branch", name);
	st_config_get_all(c, key.buf, add_branch, out);
	st_buf_addf(&def, "%s/mirrors", dirname(tmp));
	out->mirror_dir = st_config_get_path(c, "core.mirrors", def.buf);
	if (!out->path && !out->url)
		rc = st_error_set(err, ST_ENOTFOUND,
				  "no tree '%s' in the configuration", name);
	st_buf_release(&key);
	st_buf_release(&def);
	free(tmp);
	if (rc < 0)
		rd_tree_config_release(out);
	return rc;
}

void rd_tree_config_release(struct rd_tree_config *t)
{
	for (size_t i = 0; i < t->nbranches; i++)
		free(t->branches[i]);
	free(t->branches);
	free(t->name);
	free(t->path);
	free(t->url);
	free(t->mirror_dir);
	memset(t, 0, sizeof(*t));
}

/* Opening and mirroring */

static int mkdir_p(const char *path, struct st_error *err)
{
	char *p = st_xstrdup(path);
	int rc = 0;

	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s)
			continue;
		char saved = *s;

		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST) {
			rc = st_error_set(err, ST_ERROR,
					  "cannot create '%s': %s", p,
					  strerror(errno));
			break;
		}
		*s = saved;
		if (!saved)
			break;
	}
	free(p);
	return rc;
}

/* Remove path and everything under it, as far as possible (the
 * leftovers of a failed first fetch). */
static void rm_rf(const char *path)
{
	struct stat sb;
	DIR *d;
	struct dirent *e;

	if (lstat(path, &sb) < 0)
		return;
	if (S_ISDIR(sb.st_mode) && (d = opendir(path))) {
		struct st_buf sub = ST_BUF_INIT;

		while ((e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			st_buf_reset(&sub);
			st_buf_addf(&sub, "%s/%s", path, e->d_name);
			rm_rf(sub.buf);
		}
		closedir(d);
		st_buf_release(&sub);
		rmdir(path);
		return;
	}
	unlink(path);
}

static int fetch_mirror(git_repository *repo, const char *url,
			struct st_error *err)
{
	git_remote *remote = NULL;
	git_fetch_options fo = GIT_FETCH_OPTIONS_INIT;
	char *refspec = "+refs/heads/*:refs/heads/*";
	git_strarray specs = {&refspec, 1};
	int rc = 0;

	fo.prune = GIT_FETCH_PRUNE;
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	rd_gitnet_set_timeout(0);
	if (git_remote_create_anonymous(&remote, repo, url) < 0 ||
	    git_remote_fetch(remote, &specs, &fo, NULL) < 0)
		rc = st_error_set(err, ST_ERROR, "cannot fetch '%s': %s", url,
				  gitmsg());
	git_remote_free(remote);
	return rc;
}

/* Open the mirror of t->url, creating it (a bare repository filled by a
 * first fetch, removed again when that fails) or fetching into it. */
static int open_mirror(git_repository **repo, char **path,
		       const struct rd_tree_config *t, struct st_error *err)
{
	struct st_buf p = ST_BUF_INIT, tmp = ST_BUF_INIT;
	struct stat sb;
	int rc;

	st_buf_addf(&p, "%s/%s.git", t->mirror_dir, t->name);
	if (stat(p.buf, &sb) == 0) {
		if (git_repository_open_bare(repo, p.buf) < 0) {
			rc = st_error_set(
				err, ST_EINVALID,
				"mirror '%s' is not a git repository: "
				"%s",
				p.buf, gitmsg());
			goto out;
		}
		rc = fetch_mirror(*repo, t->url, err);
		goto out;
	}
	rc = mkdir_p(t->mirror_dir, err);
	if (rc < 0)
		goto out;
	st_buf_addf(&tmp, "%s.tmp", p.buf);
	rm_rf(tmp.buf);
	if (git_repository_init(repo, tmp.buf, 1) < 0) {
		rc = st_error_set(err, ST_ERROR,
				  "cannot create mirror '%s': %s", tmp.buf,
				  gitmsg());
		goto out;
	}
	rc = fetch_mirror(*repo, t->url, err);
	git_repository_free(*repo);
	*repo = NULL;
	if (rc < 0 || rename(tmp.buf, p.buf) < 0) {
		if (rc == 0)
			rc = st_error_set(err, ST_ERROR,
					  "cannot rename '%s': %s", tmp.buf,
					  strerror(errno));
		rm_rf(tmp.buf);
		goto out;
	}
	if (git_repository_open_bare(repo, p.buf) < 0)
		rc = st_error_set(err, ST_ERROR, "cannot open mirror '%s': %s",
				  p.buf, gitmsg());
out:
	if (rc < 0) {
		git_repository_free(*repo);
		*repo = NULL;
		st_buf_release(&p);
	} else {
		*path = st_buf_detach(&p, NULL);
	}
	st_buf_release(&tmp);
	return rc;
}

static int open_tree(git_repository **repo, char **path,
		     const struct rd_tree_config *t, struct st_error *err)
{
	*repo = NULL;
	*path = NULL;
	if (t->url)
		return open_mirror(repo, path, t, err);
	if (git_repository_open_ext(repo, t->path,
				    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0)
		return st_error_set(err, ST_EINVALID,
				    "'%s' is not a git repository (tree '%s')",
				    t->path, t->name);
	*path = st_xstrdup(git_repository_path(*repo));
	return 0;
}

/* The commit a branch name points at: refs/heads/NAME, then whatever git
 * would take the name for (a remote-tracking branch, a tag). */
static int resolve_branch(git_oid *out, git_repository *repo, const char *tree,
			  const char *name, struct st_error *err)
{
	git_reference *ref = NULL;
	git_object *obj = NULL;
	struct st_buf full = ST_BUF_INIT;
	int rc = 0;

	st_buf_addf(&full, "refs/heads/%s", name);
	if (git_reference_lookup(&ref, repo, full.buf) < 0 &&
	    git_reference_dwim(&ref, repo, name) < 0) {
		rc = st_error_set(err, ST_ENOTFOUND,
				  "unknown branch '%s' in tree '%s'", name,
				  tree);
		goto out;
	}
	if (git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT) < 0) {
		rc = st_error_set(
			err, ST_EINVALID,
			"branch '%s' in tree '%s' is not a commit: %s", name,
			tree, gitmsg());
		goto out;
	}
	git_oid_cpy(out, git_object_id(obj));
out:
	git_error_clear();
	git_object_free(obj);
	git_reference_free(ref);
	st_buf_release(&full);
	return rc;
}

/* Indexing one commit (worker threads) */

struct job {
	git_oid oid;
	char *author_name, *author_email, *committer_name, *committer_email;
	int64_t author_time, commit_time;
	char *subject;
	char *message;
	struct rd_object *commit; /* as the walk read it, or NULL */
	/* From the message, found by the worker too: */
	char *norm_subject, *backport_of, *xsa;
	struct rd_trailers trailers;
	bool is_merge;
	bool finished; /* indexed (under the pool's lock) */
	int branch;    /* index of the branch reaching it, linked as it is
			  stored (a first sync); -1: linked later */
	char patch_id[RD_PATCH_ID_HEXSZ];
	int rc;
	struct st_error err;
};

static void job_release(struct job *j)
{
	free(j->author_name);
	free(j->author_email);
	free(j->committer_name);
	free(j->committer_email);
	free(j->subject);
	free(j->message);
	free(j->norm_subject);
	free(j->backport_of);
	free(j->xsa);
	rd_trailers_release(&j->trailers);
	rd_object_release(j->commit);
	j->commit = NULL;
	j->author_name = j->author_email = NULL;
	j->committer_name = j->committer_email = NULL;
	j->subject = j->message = NULL;
	j->norm_subject = j->backport_of = j->xsa = NULL;
	memset(&j->trailers, 0, sizeof(j->trailers));
}

static char *backport_of(const char *msg);
static char *xsa_of(const char *msg);

/* A commit's tree and its parents' count, and its first parent's tree. */
struct commit_trees {
	git_oid tree, parent_tree;
	size_t nparents;
};

/* j's fields and trees through libgit2: for a commit in a form that
 * rd_commit_parse leaves to it. */
static int read_commit_git(git_repository *repo, struct job *j,
			   struct commit_trees *t)
{
	git_commit *c = NULL, *parent = NULL;
	const git_signature *a, *m;
	const char *s;

	if (git_commit_lookup(&c, repo, &j->oid) < 0 ||
	    (git_commit_parentcount(c) == 1 &&
	     git_commit_parent(&parent, c, 0) < 0)) {
		git_commit_free(c);
		return st_error_set(&j->err, ST_ERROR,
				    "cannot read commit '%s': %s",
				    git_oid_tostr_s(&j->oid), gitmsg());
	}
	a = git_commit_author(c);
	m = git_commit_committer(c);
	j->author_name = st_xstrdup(a->name);
	j->author_email = st_xstrdup(a->email);
	j->author_time = a->when.time;
	j->committer_name = st_xstrdup(m->name);
	j->committer_email = st_xstrdup(m->email);
	j->commit_time = git_commit_time(c);
	s = git_commit_summary(c);
	j->subject = st_xstrdup(s ? s : "");
	s = git_commit_message_raw(c);
	j->message = st_xstrdup(s ? s : "");
	git_oid_cpy(&t->tree, git_commit_tree_id(c));
	t->nparents = git_commit_parentcount(c);
	if (parent)
		git_oid_cpy(&t->parent_tree, git_commit_tree_id(parent));
	git_commit_free(parent);
	git_commit_free(c);
	return 0;
}

/* Read commit id with objs: *parsed is rd_commit_parse's result, c's
 * pointers are into *o (release it). */
static int read_commit(struct rd_object **o, struct rd_commit *c, bool *parsed,
		       struct rd_objects *objs, const git_oid *id,
		       struct st_error *err)
{
	struct st_error e = ST_ERROR_INIT;

	if (rd_objects_read(o, objs, id, GIT_OBJECT_COMMIT, &e) < 0)
		return st_error_set(err, ST_ERROR,
				    "cannot read commit '%s': %s",
				    git_oid_tostr_s(id), e.msg);
	*parsed =
		rd_commit_parse(c, rd_object_data(*o), rd_object_size(*o)) == 0;
	return 0;
}

/* The tree of commit id, the parent of the job before next: from next's
 * commit when next is that parent, as it usually is (jobs come in walk
 * order), else read. *parsed: false when libgit2 must read it. */
static int parent_tree(git_oid *out, bool *parsed, struct rd_objects *objs,
		       const git_oid *id, const struct job *next,
		       struct st_error *err)
{
	struct rd_object *o = NULL;
	struct rd_commit c;
	int rc = 0;

	if (next && next->commit && git_oid_equal(id, &next->oid))
		*parsed = rd_commit_parse(&c, rd_object_data(next->commit),
					  rd_object_size(next->commit)) == 0;
	else
		rc = read_commit(&o, &c, parsed, objs, id, err);
	if (rc == 0 && *parsed)
		git_oid_cpy(out, &c.tree);
	rd_object_release(o);
	return rc;
}

/* j's fields and trees, without libgit2 for a commit in git's form: from
 * the walk's copy of the commit when it has one. next: the job after j
 * in this worker's run, or NULL. */
static int read_job_commit(git_repository *repo, struct rd_objects *objs,
			   struct job *j, const struct job *next,
			   struct commit_trees *t)
{
	struct rd_object *o = j->commit;
	struct rd_commit c;
	struct st_buf subject = ST_BUF_INIT;
	git_oid parent;
	bool parsed = false;
	int rc = 0;

	j->commit = NULL;
	if (o)
		parsed = rd_commit_parse(&c, rd_object_data(o),
					 rd_object_size(o)) == 0;
	else
		rc = read_commit(&o, &c, &parsed, objs, &j->oid, &j->err);
	if (rc == 0 && parsed && c.nparents == 1) {
		rd_commit_parent(&c, 0, &parent);
		rc = parent_tree(&t->parent_tree, &parsed, objs, &parent, next,
				 &j->err);
	}
	if (rc < 0 || !parsed) {
		rd_object_release(o);
		return rc < 0 ? rc : read_commit_git(repo, j, t);
	}
	j->author_name = st_xstrndup(c.author.name, c.author.name_len);
	j->author_email = st_xstrndup(c.author.email, c.author.email_len);
	j->author_time = c.author.time;
	j->committer_name = st_xstrndup(c.committer.name, c.committer.name_len);
	j->committer_email =
		st_xstrndup(c.committer.email, c.committer.email_len);
	j->commit_time = c.committer.time;
	rd_commit_add_summary(&subject, c.message, c.message_len);
	j->subject = st_buf_detach(&subject, NULL);
	j->message = st_xstrndup(c.message, c.message_len);
	t->tree = c.tree;
	t->nparents = c.nparents;
	rd_object_release(o);
	return 0;
}

static void index_one(git_repository *repo, struct rd_objects *objs, int abbrev,
		      struct rd_linediff *lines, struct job *j,
		      const struct job *next)
{
	struct commit_trees t;

	j->rc = read_job_commit(repo, objs, j, next, &t);
	if (j->rc < 0)
		return;
	j->is_merge = t.nparents > 1;
	j->norm_subject = rd_subject_normalise(j->subject);
	j->backport_of = backport_of(j->message);
	j->xsa = xsa_of(j->message);
	rd_trailers_parse(&j->trailers, j->message, strlen(j->message));
	/* A merge is recorded, not diffed. */
	if (!j->is_merge)
		j->rc = rd_tree_diff_patch_id(j->patch_id, repo, objs,
					      t.nparents ? &t.parent_tree
							 : NULL,
					      &t.tree, abbrev, lines, &j->err);
}

/*
 * The pool: the main thread adds jobs as the walk finds them, workers
 * index them in runs as soon as a run is there, then the main thread
 * writes the finished ones in order, so walking, indexing and storing
 * overlap. Jobs live in blocks of BLOCK, allocated as jobs are added and
 * freed once written; a run never spans two blocks.
 */
#define BLOCK 4096
_Static_assert(BLOCK % RUN == 0, "a run never spans two blocks");

struct pool {
	const char *path;
	int abbrev;
	unsigned nthreads; /* workers wanted */
	unsigned started;  /* workers running */
	pthread_t th[16];
	struct job **blocks; /* grown under lock, by the main thread only */
	size_t nblocks;
	size_t added;	  /* jobs added (main thread) */
	size_t n;	  /* jobs workers may take (under lock) */
	bool closed;	  /* n is final (under lock) */
	size_t next;	  /* next job to hand out (under lock) */
	bool stop;	  /* give up (under lock) */
	size_t done;	  /* jobs[0..done) are finished (under lock) */
	size_t done_seen; /* done when the main thread last looked */
	size_t written;	  /* jobs[0..written) are stored (under lock) */
	int rc;		  /* a worker could not open the repository */
	struct st_error err;
	pthread_mutex_t lock;
	pthread_cond_t cond; /* done moved */
	pthread_cond_t work; /* n, closed, written or stop moved */
};

static struct job *job_at(struct pool *p, size_t i)
{
	return &p->blocks[i / BLOCK][i % BLOCK];
}

/* Jobs [k, end) are finished (lock held). */
static void finish(struct pool *p, size_t k, size_t end)
{
	while (k < end)
		job_at(p, k++)->finished = true;
	while (p->done < p->n && job_at(p, p->done)->finished)
		p->done++;
	pthread_cond_signal(&p->cond);
}

/* How many jobs from i the next run takes (lock held). */
static size_t run_length(const struct pool *p, size_t i)
{
	size_t len = RUN, block_end = (i / BLOCK + 1) * BLOCK;

	if (p->closed) {
		size_t share = (p->n - i) / (2 * (p->started ? p->started : 1));

		if (share < len)
			len = share > MIN_RUN ? share : MIN_RUN;
	}
	if (i + len > p->n)
		len = p->n - i;
	if (i + len > block_end)
		len = block_end - i;
	return len;
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	git_repository *repo = NULL;
	struct rd_objects *objs = NULL;
	struct rd_linediff *lines = rd_linediff_new();

	if (git_repository_open(&repo, p->path) < 0) {
		pthread_mutex_lock(&p->lock);
		p->rc = st_error_set(&p->err, ST_ERROR,
				     "cannot open repository '%s': %s", p->path,
				     gitmsg());
		pthread_mutex_unlock(&p->lock);
		repo = NULL;
	} else {
		objs = rd_objects_new(repo, OBJECT_CACHE);
	}
	/* Runs of consecutive commits: a commit's parent is usually the
	 * next one, so its trees and blobs are still in this thread's
	 * repository cache. A run is whole unless the walk is over, and
	 * at most AHEAD jobs ahead of the writer. Without a repository,
	 * jobs fail. */
	pthread_mutex_lock(&p->lock);
	for (;;) {
		size_t i = p->next, end;
		struct job *run;

		if (p->stop || (p->closed && i >= p->n))
			break;
		if ((!p->closed && i + RUN > p->n) || i >= p->written + AHEAD) {
			pthread_cond_wait(&p->work, &p->lock);
			continue;
		}
		end = i + run_length(p, i);
		p->next = end;
		run = job_at(p, i);
		pthread_mutex_unlock(&p->lock);
		for (size_t k = 0; k < end - i; k++) {
			if (repo)
				index_one(repo, objs, p->abbrev, lines, &run[k],
					  k + 1 < end - i ? &run[k + 1] : NULL);
			else
				run[k].rc = ST_ERROR;
		}
		pthread_mutex_lock(&p->lock);
		finish(p, i, end);
	}
	pthread_mutex_unlock(&p->lock);
	rd_linediff_free(lines);
	rd_objects_free(objs);
	git_repository_free(repo);
	return NULL;
}

/* An empty pool; path and abbrev are set before the first job. */
static void pool_init(struct pool *p, unsigned nthreads)
{
	memset(p, 0, sizeof(*p));
	p->nthreads = nthreads < 16 ? nthreads : 16;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	pthread_cond_init(&p->work, NULL);
}

/* Let workers take the jobs added so far (all of them when closing),
 * starting one more worker per run there is, up to nthreads. */
static void pool_publish(struct pool *p, bool close)
{
	pthread_mutex_lock(&p->lock);
	p->n = p->added;
	p->closed = close;
	p->done_seen = p->done;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	while (p->started < p->nthreads && p->started * MIN_RUN < p->n &&
	       pthread_create(&p->th[p->started], NULL, worker, p) == 0)
		p->started++;
}

/* Add the commit id to index; branch as in struct job; the job takes
 * commit, which must be unshared (objects.h). */
static void pool_add(struct pool *p, const git_oid *id, int branch,
		     struct rd_object *commit)
{
	size_t i = p->added;
	struct job *j;

	if (i % BLOCK == 0) {
		struct job *b = st_xcalloc(BLOCK, sizeof(*b));

		pthread_mutex_lock(&p->lock);
		p->blocks = st_xreallocarray(p->blocks, i / BLOCK + 1,
					     sizeof(*p->blocks));
		p->blocks[i / BLOCK] = b;
		p->nblocks = i / BLOCK + 1;
		pthread_mutex_unlock(&p->lock);
	}
	j = job_at(p, i);
	git_oid_cpy(&j->oid, id);
	j->branch = branch;
	j->commit = commit;
	p->added++;
	if (p->added % RUN == 0)
		pool_publish(p, false);
}

/* All jobs are added. Without any worker, index them all here. */
static void pool_close(struct pool *p)
{
	pool_publish(p, true);
	if (!p->started && p->n) {
		p->written = p->n; /* unthrottled */
		worker(p);
	}
}

/* Wait until jobs[0..k] are finished. */
static void wait_for(struct pool *p, size_t k)
{
	pthread_mutex_lock(&p->lock);
	while (p->done <= k)
		pthread_cond_wait(&p->cond, &p->lock);
	pthread_mutex_unlock(&p->lock);
}

/* jobs[0..k) are stored: workers may run further ahead. */
static void pool_written(struct pool *p, size_t k)
{
	pthread_mutex_lock(&p->lock);
	p->written = k;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
}

/* Stop the workers, wait for them and free every job. */
static void pool_release(struct pool *p)
{
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < p->started; i++)
		pthread_join(p->th[i], NULL);
	for (size_t b = 0; b < p->nblocks; b++) {
		for (size_t k = 0; p->blocks[b] && k < BLOCK; k++)
			job_release(&p->blocks[b][k]);
		free(p->blocks[b]);
	}
	free(p->blocks);
	pthread_cond_destroy(&p->cond);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->lock);
}

/* Message markers and trailers */

static bool is_hex(int c)
{
	return isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Lower-case hex id of at least 7 digits starting at p, or NULL. */
static char *take_oid(const char *p)
{
	size_t n = 0;
	char *o;

	while (n < GIT_OID_HEXSZ && is_hex((unsigned char)p[n]))
		n++;
	if (n < 7 || isalnum((unsigned char)p[n]))
		return NULL;
	o = st_xmemdupz(p, n);
	for (size_t i = 0; i < n; i++)
		o[i] = (char)tolower((unsigned char)o[i]);
	return o;
}

/* needle in hay, ASCII case ignored. Runs on every commit message: the
 * full compare only where the first letter matches. */
static const char *find_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	int lo = tolower((unsigned char)needle[0]);
	int up = toupper((unsigned char)needle[0]);

	for (; *hay; hay++)
		if ((*hay == lo || *hay == up) &&
		    !st_strncasecmp(hay, needle, n))
			return hay;
	return NULL;
}

/* The commit a backport names: "(cherry picked from commit X)" (git
 * cherry-pick -x), "master commit: X" (Xen stable branches), "upstream
 * commit X" / "commit X upstream" (Linux stable). */
static char *backport_of(const char *msg)
{
	static const char *const markers[] = {
		"(cherry picked from commit ",
		"master commit: ", "upstream commit ", NULL};
	const char *p;
	char *oid;

	for (int i = 0; markers[i]; i++) {
		p = find_ci(msg, markers[i]);
		if (p && (oid = take_oid(p + strlen(markers[i]))))
			return oid;
	}
	for (p = msg; (p = find_ci(p, "commit ")); p++) {
		const char *q = p + 7;
		size_t n = 0;

		while (is_hex((unsigned char)q[n]))
			n++;
		if ((p == msg || p[-1] == '\n') && n >= 7 &&
		    !st_strncasecmp(q + n, " upstream", 9))
			return take_oid(q);
	}
	return NULL;
}

/* "This is XSA-123" or "This is part of XSA-123": "XSA-123". */
static char *xsa_of(const char *msg)
{
	const char *p = msg;

	while ((p = find_ci(p, "This is "))) {
		const char *q = p + 8;
		size_t n = 0;

		if (!st_strncasecmp(q, "part of ", 8))
			q += 8;
		if (!st_strncasecmp(q, "XSA-", 4)) {
			while (isdigit((unsigned char)q[4 + n]))
				n++;
			if (n) {
				char *x = st_xmemdupz(q, 4 + n);

				x[0] = 'X', x[1] = 'S', x[2] = 'A';
				return x;
			}
		}
		p++;
	}
	return NULL;
}

/* Store writes */

static const char sql_tree_get[] = "SELECT id FROM trees WHERE name = ?";
static const char sql_tree_put[] =
	"INSERT INTO trees(name, path, url) VALUES (?, ?, ?) "
	"ON CONFLICT(name) DO UPDATE SET path = excluded.path, "
	"url = excluded.url";
static const char sql_branch_get[] =
	"SELECT id, tip FROM branches WHERE tree_id = ? AND name = ?";
static const char sql_branch_put[] =
	"INSERT INTO branches(tree_id, name, position) VALUES (?, ?, ?) "
	"ON CONFLICT(tree_id, name) DO UPDATE SET position = "
	"excluded.position";
static const char sql_commit_has[] =
	"SELECT id FROM commits WHERE tree_id = ? AND oid = ?";
static const char sql_commit_put[] =
	"INSERT INTO commits(tree_id, oid, author_name, author_email, "
	"author_time, committer_name, committer_email, commit_time, subject, "
	"norm_subject, git_patch_id, is_merge, backport_of, xsa, message) "
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_trailer_put[] =
	"INSERT INTO commit_trailers(commit_id, kind, name, email, value) "
	"VALUES (?, ?, ?, ?, ?)";
static const char sql_bc_add[] =
	"INSERT OR IGNORE INTO branch_commits(branch_id, commit_id) "
	"SELECT ?1, id FROM commits WHERE tree_id = ?2 AND oid = ?3";
static const char sql_bc_put[] =
	"INSERT INTO branch_commits(branch_id, commit_id) VALUES (?, ?)";
static const char sql_bc_del[] =
	"DELETE FROM branch_commits WHERE branch_id = ?1 AND commit_id = "
	"(SELECT id FROM commits WHERE tree_id = ?2 AND oid = ?3)";
static const char sql_bc_clear[] =
	"DELETE FROM branch_commits WHERE branch_id = ?";
static const char sql_pc_prune[] =
	"DELETE FROM patch_commits WHERE branch_id = ?1 AND commit_id NOT IN "
	"(SELECT commit_id FROM branch_commits WHERE branch_id = ?1)";
static const char sql_tip_set[] = "UPDATE branches SET tip = ? WHERE id = ?";
static const char sql_commit_max[] = "SELECT max(id) FROM commits";
static const char sql_commit_count[] =
	"SELECT count(*) FROM commits WHERE tree_id = ?";
static const char sql_patch_count[] = "SELECT count(*) FROM patches";
static const char sql_matched_count[] =
	"SELECT count(DISTINCT patch_id) FROM patch_commits";

static int64_t count_of(struct st_store *s, const char *sql, int64_t arg)
{
	sqlite3_stmt *st = st_store_stmt(s, sql, NULL);
	int64_t n = 0;

	if (!st)
		return 0;
	if (arg)
		sqlite3_bind_int64(st, 1, arg);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

/* The trailers of a commit message, parsed as mail's are (trailer.h). */
static int put_trailers(struct st_store *s, int64_t commit_id,
			const struct rd_trailers *t, struct st_error *err)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < t->n; i++) {
		sqlite3_stmt *st = st_store_stmt(s, sql_trailer_put, err);

		if (!st) {
			rc = ST_ERROR;
			break;
		}
		sqlite3_bind_int64(st, 1, commit_id);
		st_store_bind_text_static(st, 2, t->items[i].kind);
		st_store_bind_text_static(st, 3, t->items[i].name);
		st_store_bind_text_static(st, 4, t->items[i].email);
		st_store_bind_text_static(
			st, 5, t->items[i].value ? t->items[i].value : "");
		rc = st_store_step_done(s, st, err);
	}
	return rc;
}

/* Store the commit of j; *id is its row. */
static int put_commit(struct st_store *s, int64_t tree_id, const struct job *j,
		      int64_t *id, struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_commit_put, err);
	int rc;

	if (!st)
		return ST_ERROR;
	/* j outlives the step: its strings are bound, not copied. */
	sqlite3_bind_int64(st, 1, tree_id);
	st_store_bind_text(st, 2, git_oid_tostr_s(&j->oid));
	st_store_bind_text_static(st, 3, j->author_name);
	st_store_bind_text_static(st, 4, j->author_email);
	sqlite3_bind_int64(st, 5, j->author_time);
	st_store_bind_text_static(st, 6, j->committer_name);
	st_store_bind_text_static(st, 7, j->committer_email);
	sqlite3_bind_int64(st, 8, j->commit_time);
	st_store_bind_text_static(st, 9, j->subject);
	st_store_bind_text_static(st, 10, j->norm_subject);
	st_store_bind_text_static(st, 11, j->patch_id[0] ? j->patch_id : NULL);
	sqlite3_bind_int(st, 12, j->is_merge);
	st_store_bind_text_static(st, 13, j->backport_of);
	st_store_bind_text_static(st, 14, j->xsa);
	st_store_bind_text_static(st, 15, j->message);
	rc = st_store_step_done(s, st, err);
	*id = sqlite3_last_insert_rowid(st_store_db(s));
	if (rc == 0)
		rc = put_trailers(s, *id, &j->trailers, err);
	return rc;
}

static int put_branch_commit(struct st_store *s, int64_t branch_id,
			     int64_t commit_id, struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_bc_put, err);

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, branch_id);
	sqlite3_bind_int64(st, 2, commit_id);
	return st_store_step_done(s, st, err);
}

static int get_id(struct st_store *s, const char *sql, int64_t a, const char *b,
		  int64_t *out, char **tip, struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql, err);
	int rc;

	*out = 0;
	if (!st)
		return ST_ERROR;
	if (a)
		sqlite3_bind_int64(st, 1, a);
	st_store_bind_text(st, a ? 2 : 1, b);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		if (tip)
			*tip = st_store_column_dup(st, 1);
	}
	rc = st_store_check(s, rc, err);
	sqlite3_reset(st);
	return rc;
}

/* Walking */

struct oids {
	git_oid *v;
	size_t n, alloc;
};

static void oids_add(struct oids *o, const git_oid *id)
{
	if (o->n == o->alloc) {
		o->alloc = o->alloc ? o->alloc * 2 : 256;
		o->v = st_xreallocarray(o->v, o->alloc, sizeof(*o->v));
	}
	git_oid_cpy(&o->v[o->n++], id);
}

/* A set of oids, open addressing on the first bytes. */
struct oidset {
	git_oid *slot;
	bool *used;
	size_t mask, n;
};

static bool oidset_add(struct oidset *s, const git_oid *id)
{
	size_t i;

	if (2 * (s->n + 1) > s->mask + 1 || !s->slot) {
		struct oidset big = {0};
		size_t size = s->slot ? (s->mask + 1) * 2 : 1024;

		big.slot = st_xcalloc(size, sizeof(*big.slot));
		big.used = st_xcalloc(size, sizeof(*big.used));
		big.mask = size - 1;
		for (i = 0; s->slot && i <= s->mask; i++)
			if (s->used[i])
				oidset_add(&big, &s->slot[i]);
		free(s->slot);
		free(s->used);
		*s = big;
	}
	memcpy(&i, id->id, sizeof(i));
	for (i &= s->mask; s->used[i]; i = (i + 1) & s->mask)
		if (git_oid_equal(&s->slot[i], id))
			return false;
	s->used[i] = true;
	git_oid_cpy(&s->slot[i], id);
	s->n++;
	return true;
}

/* One commit of a walk; commit: the object as the walk read it (NULL when
 * it did not), whose reference each takes. */
typedef int (*walk_fn)(void *arg, const git_oid *id, struct rd_object *commit,
		       struct st_error *err);

/* Read commit id into *commit (NULL when libgit2 reads it) and its
 * parents not seen yet into todo. */
static int add_parents(git_repository *repo, struct rd_objects *objs,
		       const git_oid *id, struct oidset *seen,
		       struct oids *todo, struct rd_object **commit,
		       struct st_error *err)
{
	struct rd_object *o = NULL;
	struct rd_commit c;
	git_commit *gc = NULL;
	git_oid parent;
	bool parsed = false;
	int rc = read_commit(&o, &c, &parsed, objs, id, err);

	if (rc == 0 && !parsed && git_commit_lookup(&gc, repo, id) < 0)
		rc = st_error_set(err, ST_ERROR, "cannot read commit '%s': %s",
				  git_oid_tostr_s(id), gitmsg());
	/* Last parent first on the stack: the first is walked next. */
	for (size_t i = parsed ? c.nparents
			: gc   ? git_commit_parentcount(gc)
			       : 0;
	     rc == 0 && i-- > 0;) {
		if (parsed)
			rd_commit_parent(&c, i, &parent);
		else
			git_oid_cpy(&parent,
				    git_commit_parent_id(gc, (unsigned)i));
		if (oidset_add(seen, &parent))
			oids_add(todo, &parent);
	}
	git_commit_free(gc);
	if (rc == 0 && parsed) {
		*commit = o;
		o = NULL;
	}
	rd_object_release(o);
	return rc;
}

/* Every commit reachable from push, each once, depth first along first
 * parents (a linear history comes in the revwalk's order), read with
 * objs: the walk of a first sync, twice as fast as libgit2's revwalk,
 * which needs its own reads and its date queue for what this does not
 * do, hiding commits. */
static int walk_all(git_repository *repo, struct rd_objects *objs,
		    const git_oid *push, walk_fn each, void *arg,
		    struct st_error *err)
{
	struct oidset seen = {0};
	struct oids todo = {0};
	struct st_error e = ST_ERROR_INIT;
	int rc = 0;

	oidset_add(&seen, push);
	oids_add(&todo, push);
	while (rc == 0 && todo.n) {
		git_oid id = todo.v[--todo.n];
		struct rd_object *commit = NULL;

		if (add_parents(repo, objs, &id, &seen, &todo, &commit, &e) < 0)
			rc = st_error_set(err, ST_ERROR, "cannot walk '%s': %s",
					  git_oid_tostr_s(push), e.msg);
		else
			rc = each(arg, &id, commit, err);
	}
	free(seen.slot);
	free(seen.used);
	free(todo.v);
	return rc;
}

/* Call each(arg, id) for the commits reachable from push and not from
 * hide (may be NULL), as the walk finds them. */
static int walk(git_repository *repo, struct rd_objects *objs,
		const git_oid *push, const git_oid *hide, walk_fn each,
		void *arg, struct st_error *err)
{
	git_revwalk *w = NULL;
	git_oid id;
	int rc = 0;

	if (!hide)
		return walk_all(repo, objs, push, each, arg, err);

	if (git_revwalk_new(&w, repo) < 0 || git_revwalk_push(w, push) < 0 ||
	    (hide && git_revwalk_hide(w, hide) < 0)) {
		rc = st_error_set(err, ST_ERROR, "cannot walk '%s': %s",
				  git_oid_tostr_s(push), gitmsg());
		goto out;
	}
	while ((rc = git_revwalk_next(&id, w)) == 0)
		if ((rc = each(arg, &id, NULL, err)) < 0)
			goto out;
	if (rc == GIT_ITEROVER)
		rc = 0;
	else
		rc = st_error_set(err, ST_ERROR, "cannot walk '%s': %s",
				  git_oid_tostr_s(push), gitmsg());
out:
	git_revwalk_free(w);
	return rc;
}

struct branch_state {
	int64_t id;
	git_oid tip;
	struct oids add; /* newly reachable, to link by oid (link_branch) */
	struct oids del; /* no longer reachable */
	bool reset;	 /* the old tip is gone: rebuild reachability */
	bool changed;	 /* tip moved */
};

/* What walking the branches decides, while the pool already indexes the
 * new commits found. */
struct plan {
	struct st_store *store;
	int64_t tree_id; /* 0: never synced, every commit is new */
	struct pool *pool;
	struct rd_objects *objs; /* the walk's reader */
	struct oidset seen;	 /* reached by a branch walked before */
	struct branch_state *b;
	int branch; /* index of b */
	bool full;  /* matching must run on everything */
};

/* A commit newly reachable from pl->b: new to the tree (not stored, not
 * reached by an earlier branch) goes to the pool. In a first sync it is
 * linked to the branch as it is stored; otherwise, and when it is not
 * new, link_branch links it. Reaching a commit stored earlier (a new
 * branch, a merge of another branch, a rewrite) needs a full matching
 * run. */
static int take(void *arg, const git_oid *id, struct rd_object *commit,
		struct st_error *err)
{
	struct plan *pl = arg;
	int64_t cid = 0;
	int rc = 0;

	if (!oidset_add(&pl->seen, id)) {
		rd_object_release(commit);
		oids_add(&pl->b->add, id);
		return 0;
	}
	if (pl->tree_id)
		rc = get_id(pl->store, sql_commit_has, pl->tree_id,
			    git_oid_tostr_s(id), &cid, NULL, err);
	/* The worker gets the walk's read of the commit, not reading it
	 * again (commits are mostly deltas: a chain to inflate), unless
	 * the walk is far ahead of the workers: then holding every commit
	 * until they get to it would cost memory (a million commits: over
	 * 300 MB). */
	if (rc < 0 || cid || pl->pool->added - pl->pool->done_seen >= HANDOFF) {
		rd_object_release(commit);
		commit = NULL;
	}
	if (rc < 0)
		return rc;
	if (cid)
		pl->full = true;
	else
		pool_add(pl->pool, id, pl->tree_id ? -1 : pl->branch,
			 commit ? rd_object_unshare(commit) : NULL);
	if (cid || pl->tree_id)
		oids_add(&pl->b->add, id);
	return 0;
}

static int take_del(void *arg, const git_oid *id, struct rd_object *commit,
		    struct st_error *err)
{
	(void)err;
	rd_object_release(commit);
	oids_add(arg, id);
	return 0;
}

/* Plan branch pl->branch: what becomes reachable (to take) and what no
 * longer is. */
static int plan_branch(struct plan *pl, git_repository *repo,
		       const char *old_tip, struct st_error *err)
{
	struct branch_state *b = pl->b;
	git_oid old;
	git_commit *c = NULL;
	int rc;

	if (old_tip && git_oid_fromstr(&old, old_tip) == 0 &&
	    git_oid_equal(&old, &b->tip))
		return 0;
	b->changed = true;
	if (!old_tip || git_oid_fromstr(&old, old_tip) < 0 ||
	    git_commit_lookup(&c, repo, &old) < 0) {
		git_error_clear();
		b->reset = old_tip != NULL;
		if (b->reset)
			pl->full = true;
		return walk(repo, pl->objs, &b->tip, NULL, take, pl, err);
	}
	git_commit_free(c);
	rc = walk(repo, pl->objs, &b->tip, &old, take, pl, err);
	if (rc == 0 && git_graph_descendant_of(repo, &b->tip, &old) != 1)
		rc = walk(repo, pl->objs, &old, &b->tip, take_del, &b->del,
			  err);
	if (b->del.n)
		pl->full = true;
	return rc;
}

static int link_branch(struct st_store *s, int64_t tree_id,
		       struct branch_state *b, struct st_error *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	if (b->reset) {
		st = st_store_stmt(s, sql_bc_clear, err);
		if (!st)
			return ST_ERROR;
		sqlite3_bind_int64(st, 1, b->id);
		rc = st_store_step_done(s, st, err);
	}
	for (size_t i = 0; rc == 0 && i < b->del.n + b->add.n; i++) {
		bool del = i < b->del.n;
		const git_oid *id =
			del ? &b->del.v[i] : &b->add.v[i - b->del.n];

		st = st_store_stmt(s, del ? sql_bc_del : sql_bc_add, err);
		if (!st)
			return ST_ERROR;
		sqlite3_bind_int64(st, 1, b->id);
		sqlite3_bind_int64(st, 2, tree_id);
		st_store_bind_text(st, 3, git_oid_tostr_s(id));
		rc = st_store_step_done(s, st, err);
	}
	if (rc == 0 && (b->reset || b->del.n)) {
		st = st_store_stmt(s, sql_pc_prune, err);
		if (!st)
			return ST_ERROR;
		sqlite3_bind_int64(st, 1, b->id);
		rc = st_store_step_done(s, st, err);
	}
	if (rc == 0 && b->changed) {
		st = st_store_stmt(s, sql_tip_set, err);
		if (!st)
			return ST_ERROR;
		st_store_bind_text(st, 1, git_oid_tostr_s(&b->tip));
		sqlite3_bind_int64(st, 2, b->id);
		rc = st_store_step_done(s, st, err);
	}
	return rc;
}

/* Upsert the tree and its branches; fills ids. */
static int put_tree(struct st_store *s, const struct rd_tree_config *t,
		    const char *repo_path, char **names, size_t n,
		    struct branch_state *br, int64_t *tree_id,
		    struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_tree_put, err);
	int rc;

	if (!st)
		return ST_ERROR;
	st_store_bind_text(st, 1, t->name);
	st_store_bind_text(st, 2, repo_path);
	st_store_bind_text(st, 3, t->url);
	rc = st_store_step_done(s, st, err);
	if (rc == 0)
		rc = get_id(s, sql_tree_get, 0, t->name, tree_id, NULL, err);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		st = st_store_stmt(s, sql_branch_put, err);
		if (!st)
			return ST_ERROR;
		sqlite3_bind_int64(st, 1, *tree_id);
		st_store_bind_text(st, 2, names[i]);
		sqlite3_bind_int64(st, 3, (int64_t)i);
		rc = st_store_step_done(s, st, err);
		if (rc == 0)
			rc = get_id(s, sql_branch_get, *tree_id, names[i],
				    &br[i].id, NULL, err);
	}
	return rc;
}

/* The stored tips of the tree's branches (NULL when never synced). */
static int old_tips(struct st_store *s, const char *tree, char **names,
		    size_t n, char **tips, struct st_error *err)
{
	int64_t tree_id, bid;
	int rc = get_id(s, sql_tree_get, 0, tree, &tree_id, NULL, err);

	for (size_t i = 0; rc == 0 && tree_id && i < n; i++)
		rc = get_id(s, sql_branch_get, tree_id, names[i], &bid,
			    &tips[i], err);
	return rc;
}

/* The tables a sync fills, whose indexes a bulk load rebuilds. */
static const char *const bulk_tables[] = {"commits", "commit_trailers",
					  "branch_commits"};
#define NBULK (sizeof(bulk_tables) / sizeof(bulk_tables[0]))

/* End a round of a sync: make the bulk load's indexes again (those
 * saved) and commit; a store is never committed without its indexes. */
static int end_round(struct st_store *s, char **saved, struct st_error *err)
{
	int rc = 0;

	for (size_t i = 0; i < NBULK; i++)
		if (saved[i] && rc == 0)
			rc = st_store_indexes_restore(s, &saved[i], err);
		else {
			free(saved[i]);
			saved[i] = NULL;
		}
	return rc == 0 ? st_store_commit(s, err) : rc;
}

/* Store the commits of the closed pool p as the workers finish them, a
 * transaction per round of BATCH commits (the first also records the tree
 * and its branches). A bulk load (at least BULK_MIN new commits, more
 * than the store has) drops the tables' indexes and makes them again at
 * the end of each round, and a round then lasts until it has added as
 * many commits as the store had before it, BULK_ROUND at least: all the
 * rebuilds cost at most twice the last one, and an interruption loses at
 * most half of what was done. */
static int index_commits(struct st_store *s, const struct rd_tree_config *t,
			 const char *repo_path, struct pool *p, char **names,
			 size_t nb, struct branch_state *br, int64_t *tree_id,
			 struct st_error *err)
{
	char *saved[NBULK] = {0};
	size_t stored = (size_t)count_of(s, sql_commit_max, 0), round = 0;
	bool bulk = p->n >= BULK_MIN && p->n > stored;
	int rc = st_store_begin(s, err);

	if (rc == 0)
		rc = put_tree(s, t, repo_path, names, nb, br, tree_id, err);
	for (size_t i = 0; bulk && rc == 0 && i < NBULK; i++)
		rc = st_store_indexes_drop(s, bulk_tables[i], &saved[i], err);
	for (size_t i = 0; rc == 0 && i < p->n; i++) {
		struct job *j = job_at(p, i);
		int64_t cid = 0;

		wait_for(p, i);
		if (j->rc < 0) {
			*err = p->rc < 0 ? p->err : j->err;
			rc = p->rc < 0 ? p->rc : j->rc;
			break;
		}
		rc = put_commit(s, *tree_id, j, &cid, err);
		if (rc == 0 && j->branch >= 0)
			rc = put_branch_commit(s, br[j->branch].id, cid, err);
		job_release(j);
		if ((i + 1) % RUN == 0)
			pool_written(p, i + 1);
		if ((i + 1) % BLOCK == 0) {
			free(p->blocks[i / BLOCK]);
			p->blocks[i / BLOCK] = NULL;
		}
		round++;
		if (rc < 0 || i + 1 == p->n ||
		    (bulk ? round < (stored > BULK_ROUND ? stored : BULK_ROUND)
			  : round < BATCH))
			continue;
		rc = end_round(s, saved, err);
		stored += round;
		round = 0;
		if (rc == 0)
			st_log(ST_LOG_INFO,
			       "tree '%s': %zu of %zu commits stored", t->name,
			       i + 1, p->n);
		if (rc == 0)
			rc = st_store_begin(s, err);
		for (size_t k = 0; bulk && rc == 0 && k < NBULK; k++)
			rc = st_store_indexes_drop(s, bulk_tables[k], &saved[k],
						   err);
	}
	if (rc == 0)
		return end_round(s, saved, err);
	for (size_t i = 0; i < NBULK; i++)
		free(saved[i]);
	st_store_rollback(s);
	return rc;
}

/* The head branch's name, for a tree configured without branches. */
static char *head_branch(git_repository *repo)
{
	git_reference *head = NULL;
	char *name = NULL;

	if (git_repository_head(&head, repo) == 0 &&
	    git_reference_is_branch(head))
		name = st_xstrdup(git_reference_shorthand(head));
	git_reference_free(head);
	git_error_clear();
	return name;
}

int rd_tree_sync(struct st_store *store, const struct rd_tree_config *t,
		 unsigned nthreads, struct rd_tree_sync_stats *stats,
		 struct st_error *err)
{
	git_repository *repo = NULL;
	char *repo_path = NULL, **names = t->branches, *head = NULL;
	char **tips = NULL;
	size_t nb = t->nbranches;
	struct branch_state *br = NULL;
	struct pool pool;
	struct plan pl = {0};
	int64_t tree_id = 0;
	int rc;

	memset(stats, 0, sizeof(*stats));
	pool_init(&pool, nthreads ? nthreads : 2);
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)512 << 20);
	/* Cache big trees and blobs too (libgit2 caches neither by
	 * default): the parent's side of a diff is the child's. */
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE,
			 (size_t)1 << 20);
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_BLOB,
			 (size_t)256 << 10);
	rc = open_tree(&repo, &repo_path, t, err);
	if (rc < 0)
		goto out;
	/* A first sync writes every index of the commits table: keep them
	 * in memory (64 MiB) rather than re-reading pages from the file. */
	st_store_exec(store, "PRAGMA cache_size = -65536", NULL);
	if (!nb) {
		head = head_branch(repo);
		if (!head) {
			rc = st_error_set(err, ST_ENOTFOUND,
					  "tree '%s' has no branch configured "
					  "and no current branch",
					  t->name);
			goto out;
		}
		names = &head;
		nb = 1;
	}
	br = st_xcalloc(nb, sizeof(*br));
	tips = st_xcalloc(nb, sizeof(*tips));
	for (size_t i = 0; rc == 0 && i < nb; i++)
		rc = resolve_branch(&br[i].tip, repo, t->name, names[i], err);
	if (rc == 0)
		rc = old_tips(store, t->name, names, nb, tips, err);
	if (rc == 0)
		rc = get_id(store, sql_tree_get, 0, t->name, &pl.tree_id, NULL,
			    err);
	/* Index the new commits as the walk finds them. */
	pool.path = repo_path;
	pool.abbrev = rd_tree_default_abbrev(repo);
	pl.store = store;
	pl.pool = &pool;
	pl.objs = rd_objects_new(repo, (size_t)1 << 20);
	for (size_t i = 0; rc == 0 && i < nb; i++) {
		pl.b = &br[i];
		pl.branch = (int)i;
		rc = plan_branch(&pl, repo, tips[i], err);
	}
	if (rc < 0)
		goto out;
	pool_close(&pool);
	/* Done with the walk: free what it read while the workers index
	 * (the writer waits for them), not after them. */
	rd_objects_free(pl.objs);
	pl.objs = NULL;
	git_repository_free(repo);
	repo = NULL;
	tree_id = pl.tree_id;
	rc = index_commits(store, t, repo_path, &pool, names, nb, br, &tree_id,
			   err);
	if (rc < 0)
		goto out;
	stats->commits_indexed = (int64_t)pool.n;
	rc = st_store_begin(store, err);
	for (size_t i = 0; rc == 0 && i < nb; i++)
		rc = link_branch(store, tree_id, &br[i], err);
	if (rc == 0)
		rc = rd_match_run(store, pl.full ? RD_MATCH_FULL : 0, NULL,
				  err);
	if (rc == 0)
		rc = st_store_commit(store, err);
	else
		st_store_rollback(store);
	if (rc < 0)
		goto out;
	stats->commits_total = count_of(store, sql_commit_count, tree_id);
	stats->patches_total = count_of(store, sql_patch_count, 0);
	stats->patches_matched = count_of(store, sql_matched_count, 0);
out:
	pool_release(&pool);
	for (size_t i = 0; br && i < nb; i++) {
		free(br[i].add.v);
		free(br[i].del.v);
		free(tips[i]);
	}
	free(br);
	free(tips);
	free(pl.seen.slot);
	free(pl.seen.used);
	rd_objects_free(pl.objs);
	free(head);
	free(repo_path);
	git_repository_free(repo);
	return rc;
}
