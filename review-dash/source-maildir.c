/*
 * source-maildir.c: the files of a Maildir's cur/ and new/, oldest first
 * (modification time, then the unique part of the name before ':', so
 * the order is the same on every run and a move from new/ to cur/ that
 * adds flags changes nothing). The token is the last (mtime, name) read;
 * a resume reads the files after it.
 */
#include "source-impl.h"

#include "common/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct entry {
	char *path;
	char *name; /* the unique part: the file name up to ':' */
	int64_t mtime;
};

struct maildir_src {
	struct entry *e;
	size_t n;
	size_t alloc;
	size_t next;
	size_t last; /* index of the last file returned, n when none */
	struct st_buf msg;
};

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int list_dir(struct maildir_src *md, const char *root, const char *sub,
		    struct st_error *err)
{
	struct st_buf dir = ST_BUF_INIT, path = ST_BUF_INIT;
	DIR *d = NULL;
	struct dirent *de;
	int rc = 0;

	st_buf_addf(&dir, "%s/%s", root, sub);
	d = opendir(dir.buf);
	if (!d) {
		if (errno != ENOENT)
			rc = st_error_set(err, ST_ERROR, "cannot read '%s': %s",
					  dir.buf, strerror(errno));
		goto out;
	}
	while ((de = readdir(d))) {
		struct stat sb;
		struct entry *e;
		const char *colon;

		if (de->d_name[0] == '.')
			continue;
		st_buf_reset(&path);
		st_buf_addf(&path, "%s/%s", dir.buf, de->d_name);
		if (stat(path.buf, &sb) != 0 || !S_ISREG(sb.st_mode))
			continue;
		if (md->n == md->alloc) {
			md->alloc = md->alloc ? md->alloc * 2 : 64;
			md->e = st_xreallocarray(md->e, md->alloc,
						 sizeof(*md->e));
		}
		e = &md->e[md->n++];
		e->path = st_xstrdup(path.buf);
		colon = strchr(de->d_name, ':');
		e->name = colon ? st_xstrndup(de->d_name,
					      (size_t)(colon - de->d_name))
				: st_xstrdup(de->d_name);
		e->mtime = (int64_t)sb.st_mtime;
	}
out:
	if (d)
		closedir(d);
	st_buf_release(&dir);
	st_buf_release(&path);
	return rc;
}

static void maildir_free(void *priv)
{
	struct maildir_src *md = priv;

	if (!md)
		return;
	for (size_t i = 0; i < md->n; i++) {
		free(md->e[i].path);
		free(md->e[i].name);
	}
	free(md->e);
	st_buf_release(&md->msg);
	free(md);
}

/* Index of the first entry after the token "maildir:1:MTIME:NAME". */
static size_t resume_at(const struct maildir_src *md, const char *state)
{
	struct entry key;
	const char *p;
	char *end;
	size_t i;

	if (!state || strncmp(state, "maildir:1:", 10))
		return 0;
	p = state + 10;
	errno = 0;
	key.mtime = strtoll(p, &end, 10);
	if (errno || end == p || *end != ':')
		return 0;
	key.name = end + 1;
	for (i = 0; i < md->n && cmp_entry(&md->e[i], &key) <= 0; i++)
		;
	return i;
}

static int read_file(struct st_buf *out, const char *path, size_t max,
		     struct st_error *err)
{
	char chunk[65536];
	ssize_t n;
	int fd, rc = 0;

	st_buf_reset(out);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return st_error_set(err, ST_ERROR, "cannot open '%s': %s", path,
				    strerror(errno));
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = st_error_set(err, ST_ERROR, "cannot read '%s': %s",
					  path, strerror(errno));
			break;
		}
		if (out->len + (size_t)n > max) {
			/* What fits: the first bytes name the message. */
			st_buf_add(out, chunk, max - out->len);
			rc = ST_ETOOBIG;
			break;
		}
		st_buf_add(out, chunk, (size_t)n);
	}
	close(fd);
	return rc;
}

static int maildir_next(struct rd_source *s, const char **raw, size_t *len,
			struct st_error *err)
{
	struct maildir_src *md = s->priv;
	int rc;

	while (md->next < md->n) {
		struct entry *e = &md->e[md->next++];

		rc = read_file(&md->msg, e->path, s->max_message, err);
		md->last = md->next - 1;
		if (rc == ST_ETOOBIG) {
			st_buf_addstr(&s->pos, e->path);
			*raw = md->msg.buf;
			*len = md->msg.len < RD_SOURCE_HEAD ? md->msg.len
							    : RD_SOURCE_HEAD;
			return RD_SOURCE_TOO_BIG;
		}
		if (rc == ST_ERROR && access(e->path, F_OK) != 0) {
			/* Moved or deleted by a mail client meanwhile. */
			continue;
		}
		if (rc < 0)
			return rc;
		if (md->msg.len == 0)
			continue;
		st_buf_addstr(&s->pos, e->path);
		*raw = md->msg.buf;
		*len = md->msg.len;
		return RD_SOURCE_MESSAGE;
	}
	return RD_SOURCE_END;
}

static void maildir_state(struct rd_source *s)
{
	struct maildir_src *md = s->priv;
	const struct entry *e;

	if (md->last >= md->n)
		return;
	e = &md->e[md->last];
	st_buf_reset(&s->state);
	st_buf_addf(&s->state, "maildir:1:%" PRId64 ":%s", e->mtime, e->name);
}

static const struct source_ops maildir_ops = {
	"maildir",
	maildir_next,
	maildir_state,
	maildir_free,
};

int source_maildir_open(struct rd_source *s, const char *path,
			const char *state, struct st_error *err)
{
	struct maildir_src *md = st_xcalloc(1, sizeof(*md));
	int rc;

	st_buf_init(&md->msg, 0);
	rc = list_dir(md, path, "cur", err);
	if (rc < 0)
		goto out;
	rc = list_dir(md, path, "new", err);
	if (rc < 0)
		goto out;
	if (md->n)
		qsort(md->e, md->n, sizeof(*md->e), cmp_entry);
	md->next = resume_at(md, state);
	md->last = md->n;
	s->ops = &maildir_ops;
	s->priv = md;
	md = NULL;
out:
	maildir_free(md);
	return rc;
}
