/*
 * source-pubinbox.c: public-inbox v2 archives read with libgit2. The
 * epochs DIR/git/N.git are read in numeric order, each one's default
 * branch oldest commit first; a commit adds the message in its blob "m"
 * or deletes the one in "d". The token "pi:1:EPOCH:OID" names the last
 * commit read. A remote archive (http(s):// or file://) is first cloned
 * or fetched, epoch by epoch, into a mirror under opts.mirror_dir.
 */
#include "source-impl.h"

#include "common/log.h"
#include "common/util.h"
#include "common/xalloc.h"
#include "review-dash/gitnet.h"

#include <dirent.h>
#include <errno.h>
#include <git2.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct pi_src {
	char *root;
	long *epochs; /* numbers found under git/, ascending */
	size_t n_epochs;
	size_t cur; /* index into epochs of the open one */
	git_repository *repo;
	char *repo_path;
	git_oid *oids; /* the open epoch's new commits, oldest first */
	size_t n_oids;
	size_t next_oid;
	bool open;	/* an epoch is open */
	git_blob *blob; /* the message handed out last */
	bool have_last;
	long last_epoch;
	git_oid last_oid;
	long resume_epoch; /* from the token; -1: none */
	git_oid resume_oid;
	bool initialised; /* git_libgit2_init was called */
};

static int git_fail(struct st_error *err, const char *what)
{
	const git_error *e = git_error_last();

	return st_error_set(err, ST_ERROR, "'%s': %s", what,
			    e && e->message ? e->message : "libgit2 error");
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* The N of every "N.git" under root/git, sorted. */
static int list_epochs(struct pi_src *pi, struct st_error *err)
{
	struct st_buf dir = ST_BUF_INIT;
	size_t alloc = 0;
	struct dirent *de;
	DIR *d;
	int rc = 0;

	st_buf_addf(&dir, "%s/git", pi->root);
	d = opendir(dir.buf);
	if (!d) {
		rc = st_error_set(err, ST_ERROR, "cannot read '%s': %s",
				  dir.buf, strerror(errno));
		goto out;
	}
	while ((de = readdir(d))) {
		char *end;
		long n;

		errno = 0;
		n = strtol(de->d_name, &end, 10);
		if (errno || end == de->d_name || strcmp(end, ".git") ||
		    de->d_name[0] == '-' || de->d_name[0] == '+')
			continue;
		if (pi->n_epochs == alloc) {
			alloc = alloc ? alloc * 2 : 8;
			pi->epochs = st_xreallocarray(pi->epochs, alloc,
						      sizeof(long));
		}
		pi->epochs[pi->n_epochs++] = n;
	}
	closedir(d);
	if (pi->n_epochs)
		qsort(pi->epochs, pi->n_epochs, sizeof(long), cmp_long);
out:
	st_buf_release(&dir);
	return rc;
}

static void close_epoch(struct pi_src *pi)
{
	git_repository_free(pi->repo);
	pi->repo = NULL;
	free(pi->oids);
	pi->oids = NULL;
	pi->n_oids = pi->next_oid = 0;
	free(pi->repo_path);
	pi->repo_path = NULL;
	pi->open = false;
}

/* The repository keeps every object read in its cache (up to libgit2's
 * global cap, 256 MiB by default): opening it again now and then keeps
 * memory flat however long the epoch. */
#define REOPEN_EVERY 4096

static int reopen(struct pi_src *pi, struct st_error *err)
{
	git_repository_free(pi->repo);
	pi->repo = NULL;
	if (git_repository_open_bare(&pi->repo, pi->repo_path) < 0)
		return git_fail(err, pi->repo_path);
	return 0;
}

static void pi_free(void *priv)
{
	struct pi_src *pi = priv;

	if (!pi)
		return;
	git_blob_free(pi->blob);
	close_epoch(pi);
	free(pi->epochs);
	free(pi->root);
	if (pi->initialised)
		git_libgit2_shutdown();
	free(pi);
}

/* Open epochs[cur] and list what is new in it, oldest first. */
static int open_epoch(struct pi_src *pi, struct st_error *err)
{
	struct st_buf path = ST_BUF_INIT;
	long epoch = pi->epochs[pi->cur];
	git_revwalk *walk = NULL;
	git_commit *c = NULL;
	size_t alloc = 0;
	git_oid oid;
	int rc = 0;

	st_buf_addf(&path, "%s/git/%ld.git", pi->root, epoch);
	pi->repo_path = st_buf_detach(&path, NULL);
	pi->open = true;
	if (git_repository_open_bare(&pi->repo, pi->repo_path) < 0 ||
	    git_revwalk_new(&walk, pi->repo) < 0) {
		rc = git_fail(err, pi->repo_path);
		goto out;
	}
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	if (git_revwalk_push_ref(walk, "refs/heads/master") < 0 &&
	    git_revwalk_push_head(walk) < 0) {
		/* An epoch with no commit yet. */
		git_error_clear();
		goto out;
	}
	if (pi->resume_epoch == epoch) {
		if (git_commit_lookup(&c, pi->repo, &pi->resume_oid) < 0) {
			st_log(ST_LOG_INFO,
			       "'%s': last commit read is gone: epoch %ld "
			       "from its start",
			       pi->root, epoch);
			git_error_clear();
		} else if (git_revwalk_hide(walk, &pi->resume_oid) < 0) {
			rc = git_fail(err, pi->repo_path);
			goto out;
		}
	}
	while ((rc = git_revwalk_next(&oid, walk)) == 0) {
		if (pi->n_oids == alloc) {
			alloc = alloc ? alloc * 2 : 1024;
			pi->oids = st_xreallocarray(pi->oids, alloc,
						    sizeof(*pi->oids));
		}
		git_oid_cpy(&pi->oids[pi->n_oids++], &oid);
	}
	if (rc != GIT_ITEROVER) {
		rc = git_fail(err, pi->repo_path);
		goto out;
	}
	rc = 0;
	git_commit_free(c);
	c = NULL;
	git_revwalk_free(walk);
	walk = NULL;
	/* Drop what the walk cached. */
	rc = reopen(pi, err);
out:
	git_commit_free(c);
	git_revwalk_free(walk);
	st_buf_release(&path);
	return rc;
}

/* The blob of entry name in commit's tree, or NULL when absent. */
static int entry_blob(git_blob **out, git_repository *repo, git_commit *commit,
		      const char *name)
{
	git_tree *tree = NULL;
	const git_tree_entry *te;
	int rc = 0;

	*out = NULL;
	if (git_commit_tree(&tree, commit) < 0)
		return -1;
	te = git_tree_entry_byname(tree, name);
	if (te && git_tree_entry_type(te) == GIT_OBJECT_BLOB)
		rc = git_blob_lookup(out, repo, git_tree_entry_id(te));
	git_tree_free(tree);
	return rc;
}

static int pi_next(struct rd_source *s, const char **raw, size_t *len,
		   struct st_error *err)
{
	struct pi_src *pi = s->priv;
	char hex[GIT_OID_HEXSZ + 1];
	git_oid oid;
	int rc;

	git_blob_free(pi->blob);
	pi->blob = NULL;
	while (pi->cur < pi->n_epochs) {
		git_commit *c = NULL;
		int event = RD_SOURCE_MESSAGE;
		long epoch = pi->epochs[pi->cur];

		if (!pi->open) {
			rc = open_epoch(pi, err);
			if (rc < 0)
				return rc;
		}
		if (pi->next_oid == pi->n_oids) {
			close_epoch(pi);
			pi->cur++;
			continue;
		}
		if (pi->next_oid && pi->next_oid % REOPEN_EVERY == 0) {
			rc = reopen(pi, err);
			if (rc < 0)
				return rc;
		}
		git_oid_cpy(&oid, &pi->oids[pi->next_oid++]);
		if (git_commit_lookup(&c, pi->repo, &oid) < 0)
			return git_fail(err, pi->repo_path);
		rc = entry_blob(&pi->blob, pi->repo, c, "m");
		if (rc == 0 && !pi->blob) {
			rc = entry_blob(&pi->blob, pi->repo, c, "d");
			event = RD_SOURCE_DELETE;
		}
		git_commit_free(c);
		if (rc < 0)
			return git_fail(err, pi->root);
		pi->have_last = true;
		pi->last_epoch = epoch;
		git_oid_cpy(&pi->last_oid, &oid);
		git_oid_tostr(hex, sizeof(hex), &oid);
		if (!pi->blob)
			continue;
		st_buf_addf(&s->pos, "epoch %ld commit %s", epoch, hex);
		*raw = git_blob_rawcontent(pi->blob);
		*len = (size_t)git_blob_rawsize(pi->blob);
		if (*len > s->max_message) {
			if (*len > RD_SOURCE_HEAD)
				*len = RD_SOURCE_HEAD;
			return RD_SOURCE_TOO_BIG;
		}
		return event;
	}
	return RD_SOURCE_END;
}

static void pi_state(struct rd_source *s)
{
	struct pi_src *pi = s->priv;
	char hex[GIT_OID_HEXSZ + 1];

	if (!pi->have_last)
		return;
	git_oid_tostr(hex, sizeof(hex), &pi->last_oid);
	st_buf_reset(&s->state);
	st_buf_addf(&s->state, "pi:1:%ld:%s", pi->last_epoch, hex);
}

static const struct source_ops pi_ops = {
	"public-inbox",
	pi_next,
	pi_state,
	pi_free,
};

/* Parse "pi:1:EPOCH:OID"; a token of another form reads everything. */
static void parse_state(struct pi_src *pi, const char *state)
{
	const char *p;
	char *end;
	long epoch;

	pi->resume_epoch = -1;
	if (!state || strncmp(state, "pi:1:", 5))
		return;
	p = state + 5;
	errno = 0;
	epoch = strtol(p, &end, 10);
	if (errno || end == p || *end != ':' || epoch < 0)
		return;
	if (git_oid_fromstr(&pi->resume_oid, end + 1) < 0 ||
	    strlen(end + 1) != GIT_OID_HEXSZ) {
		git_error_clear();
		return;
	}
	pi->resume_epoch = epoch;
	pi->have_last = true;
	pi->last_epoch = epoch;
	git_oid_cpy(&pi->last_oid, &pi->resume_oid);
}

int source_pubinbox_open(struct rd_source *s, const char *path,
			 const char *state, struct st_error *err)
{
	struct pi_src *pi = st_xcalloc(1, sizeof(*pi));
	int rc;

	git_libgit2_init();
	pi->initialised = true;
	pi->root = st_xstrdup(path);
	rc = list_epochs(pi, err);
	if (rc < 0)
		goto out;
	if (!pi->n_epochs) {
		rc = st_error_set(err, ST_EINVALID,
				  "'%s' has no public-inbox epoch (git/N.git)",
				  path);
		goto out;
	}
	parse_state(pi, state);
	/* Epochs before the token's are done. */
	while (pi->resume_epoch >= 0 && pi->cur < pi->n_epochs &&
	       pi->epochs[pi->cur] < pi->resume_epoch)
		pi->cur++;
	s->ops = &pi_ops;
	s->priv = pi;
	pi = NULL;
out:
	pi_free(pi);
	return rc;
}

/* The remote gets a mirror refspec, so a fetch moves refs/heads/. */
static int mirror_remote(git_remote **out, git_repository *repo,
			 const char *name, const char *url, void *payload)
{
	return git_remote_create_with_fetchspec(out, repo, name, url,
						"+refs/heads/*:refs/heads/*");
}

static bool exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

static int mkdir_p(const char *path, struct st_error *err)
{
	struct st_buf p = ST_BUF_INIT;
	int rc = 0;

	st_buf_addstr(&p, path);
	for (size_t i = 1; i <= p.len; i++) {
		if (p.buf[i] != '/' && p.buf[i] != '\0')
			continue;
		p.buf[i] = '\0';
		if (mkdir(p.buf, 0777) != 0 && errno != EEXIST) {
			rc = st_error_set(err, ST_ERROR,
					  "cannot create '%s': %s", p.buf,
					  strerror(errno));
			break;
		}
		if (i < p.len)
			p.buf[i] = '/';
	}
	st_buf_release(&p);
	return rc;
}

/* Fetch an epoch already mirrored. */
static int fetch_epoch(const char *dir, const char *url, struct st_error *err)
{
	git_repository *repo = NULL;
	git_remote *remote = NULL;
	git_fetch_options fo = GIT_FETCH_OPTIONS_INIT;
	int rc = 0;

	if (git_repository_open_bare(&repo, dir) < 0 ||
	    git_remote_lookup(&remote, repo, "origin") < 0 ||
	    git_remote_fetch(remote, NULL, &fo, NULL) < 0)
		rc = git_fail(err, url);
	git_remote_free(remote);
	git_repository_free(repo);
	return rc;
}

/* Remove path and what is under it: a clone a crash left half made. */
static void remove_tree(const char *path)
{
	struct st_buf sub = ST_BUF_INIT;
	struct dirent *de;
	struct stat sb;
	DIR *d;

	if (lstat(path, &sb) != 0)
		return;
	if (!S_ISDIR(sb.st_mode)) {
		unlink(path);
		return;
	}
	d = opendir(path);
	while (d && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		st_buf_reset(&sub);
		st_buf_addf(&sub, "%s/%s", path, de->d_name);
		remove_tree(sub.buf);
	}
	if (d)
		closedir(d);
	rmdir(path);
	st_buf_release(&sub);
}

/* Clone epoch url into dir through "dir.tmp", so that dir is always
 * whole. 1 when there is no such epoch (any failure past epoch 0). */
static int clone_epoch(const char *dir, const char *url, long n,
		       struct st_error *err)
{
	git_clone_options co = GIT_CLONE_OPTIONS_INIT;
	struct st_buf tmp = ST_BUF_INIT;
	git_repository *repo = NULL;
	int rc = 0;

	st_buf_addf(&tmp, "%s.tmp", dir);
	remove_tree(tmp.buf);
	co.bare = 1;
	co.remote_cb = mirror_remote;
	if (git_clone(&repo, url, tmp.buf, &co) < 0) {
		/* No such epoch (yet): the mirror is complete. */
		if (n == 0)
			rc = git_fail(err, url);
		else
			rc = 1;
		git_error_clear();
		remove_tree(tmp.buf);
		goto out;
	}
	git_repository_free(repo);
	if (rename(tmp.buf, dir) != 0)
		rc = st_error_set(err, ST_ERROR, "cannot rename '%s': %s",
				  tmp.buf, strerror(errno));
out:
	st_buf_release(&tmp);
	return rc;
}

/*
 * Bring the mirror at root up to date: fetch the newest epoch mirrored
 * (older ones are frozen in public-inbox), then clone the epochs after it
 * until one is missing.
 */
static int update_mirror(const char *root, const char *url, size_t ulen,
			 struct st_error *err)
{
	struct st_buf dir = ST_BUF_INIT, eurl = ST_BUF_INIT;
	long n = 0;
	int rc;

	rc = mkdir_p(root, err);
	if (rc < 0)
		goto out;
	for (;; n++) {
		st_buf_reset(&dir);
		st_buf_addf(&dir, "%s/git/%ld.git", root, n + 1);
		if (!exists(dir.buf))
			break;
	}
	for (bool first = true;; n++, first = false) {
		st_buf_reset(&dir);
		st_buf_reset(&eurl);
		st_buf_addf(&dir, "%s/git/%ld.git", root, n);
		st_buf_add(&eurl, url, ulen);
		st_buf_addf(&eurl, "/git/%ld.git", n);
		if (first && exists(dir.buf))
			rc = fetch_epoch(dir.buf, eurl.buf, err);
		else
			rc = clone_epoch(dir.buf, eurl.buf, n, err);
		if (rc != 0)
			break;
	}
	if (rc == 1)
		rc = 0;
out:
	st_buf_release(&dir);
	st_buf_release(&eurl);
	return rc;
}

int source_pubinbox_open_remote(struct rd_source *s, const char *url,
				const char *state, struct st_error *err)
{
	struct st_buf root = ST_BUF_INIT;
	size_t ulen = strlen(url);
	int rc = 0;

	if (!s->mirror_dir) {
		rc = st_error_set(err, ST_EINVALID,
				  "'%s': a remote archive needs a mirror "
				  "directory",
				  url);
		goto out;
	}
	while (ulen && url[ulen - 1] == '/')
		ulen--;
	st_buf_addf(&root, "%s/pi-%016" PRIx64, s->mirror_dir,
		    source_hash(SOURCE_HASH_INIT, url, ulen));
	git_libgit2_init();
	rd_gitnet_set_timeout(s->timeout_secs);
	rc = update_mirror(root.buf, url, ulen, err);
	git_libgit2_shutdown();
	if (rc == 0)
		rc = source_pubinbox_open(s, root.buf, state, err);
out:
	st_buf_release(&root);
	return rc;
}
