/*
 * tarball.c: `git archive --format=tar` through libgit2, then compressed
 * release files with checksums and signatures. The tar layout follows
 * git's archive-tar.c and archive.c (git 2.39); see tarball.h.
 */
#include "tarball.h"

#include "common/buf.h"
#include "common/xalloc.h"
#include "release/gpg.h"

#include <git2/sys/repository.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <nettle/sha2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define RECORDSIZE	512
#define BLOCKSIZE	(RECORDSIZE * 20)
#define USTAR_MAX_SIZE	077777777777ULL
#define USTAR_MAX_MTIME 077777777777ULL
#define TAR_UMASK	0002 /* git's default tar.umask */
#define MAX_DEPTH	1024

/* The 500 bytes of a ustar header git fills (the block is 512). */
struct ustar_header {
	char name[100];
	char mode[8];
	char uid[8];
	char gid[8];
	char size[12];
	char mtime[12];
	char chksum[8];
	char typeflag[1];
	char linkname[100];
	char magic[6];
	char version[2];
	char uname[32];
	char gname[32];
	char devmajor[8];
	char devminor[8];
	char prefix[155];
};

struct tar {
	git_repository *repo;
	git_commit *commit;
	unsigned long long mtime;
	unsigned int umask; /* tar.umask, as git archive */
	size_t prefix_len;
	struct st_buf path; /* prefix + path of the current entry */
	git_attr_options attr_opts;
	rel_sink_fn sink;
	void *sink_data;
	unsigned char buf[64 * 1024]; /* output not yet handed to sink */
	size_t len;
	unsigned long long total; /* bytes emitted */
	struct st_error *err;
};

static int git_fail(struct st_error *err, int code, const char *what)
{
	const git_error *e = git_error_last();

	return st_error_set(err, code, "%s: %s", what,
			    e && e->message ? e->message : "libgit2 error");
}

static int flush_out(struct tar *t)
{
	int rc = 0;

	if (t->len)
		rc = t->sink(t->buf, t->len, t->sink_data, t->err);
	t->len = 0;
	return rc;
}

static int emit(struct tar *t, const void *p, size_t len)
{
	const unsigned char *s = p;
	int rc;

	t->total += len;
	if (len >= sizeof(t->buf)) {
		rc = flush_out(t);
		return rc < 0 ? rc : t->sink(s, len, t->sink_data, t->err);
	}
	if (t->len + len > sizeof(t->buf)) {
		rc = flush_out(t);
		if (rc < 0)
			return rc;
	}
	memcpy(t->buf + t->len, s, len);
	t->len += len;
	return 0;
}

/* Data padded with zeros to a whole record, as git's write_blocked. */
static int emit_blocked(struct tar *t, const void *p, size_t len)
{
	static const unsigned char zeros[RECORDSIZE];
	size_t tail = len % RECORDSIZE;
	int rc = emit(t, p, len);

	if (rc == 0 && tail)
		rc = emit(t, zeros, RECORDSIZE - tail);
	return rc;
}

/* git's strbuf_append_ext_header: "<len> <keyword>=<value>\n". */
static void ext_header_add(struct st_buf *sb, const char *keyword,
			   const void *value, size_t valuelen)
{
	size_t len = 1 + 1 + strlen(keyword) + 1 + valuelen + 1;

	for (size_t tmp = 1; len / 10 >= tmp; tmp *= 10)
		len++;
	st_buf_addf(sb, "%zu %s=", len, keyword);
	st_buf_add(sb, value, valuelen);
	st_buf_addch(sb, '\n');
}

static unsigned int header_chksum(const struct ustar_header *h)
{
	const unsigned char *p = (const unsigned char *)h;
	unsigned int sum = 0;

	for (size_t i = 0; i < sizeof(*h); i++) {
		if (i >= offsetof(struct ustar_header, chksum) &&
		    i < offsetof(struct ustar_header, chksum) +
				    sizeof(h->chksum))
			sum += ' ';
		else
			sum += p[i];
	}
	return sum;
}

/* git's prepare_header; the fields are wide enough for every value. */
static void prepare_header(const struct tar *t, struct ustar_header *h,
			   unsigned int mode, unsigned long long size)
{
	char tmp[16];

	snprintf(h->mode, sizeof(h->mode), "%07o", mode & 07777);
	snprintf(h->size, sizeof(h->size), "%011llo",
		 S_ISREG(mode) ? size : 0ULL);
	snprintf(h->mtime, sizeof(h->mtime), "%011llo", t->mtime);
	snprintf(h->uid, sizeof(h->uid), "%07o", 0);
	snprintf(h->gid, sizeof(h->gid), "%07o", 0);
	memcpy(h->uname, "root", 5);
	memcpy(h->gname, "root", 5);
	snprintf(h->devmajor, sizeof(h->devmajor), "%07o", 0);
	snprintf(h->devminor, sizeof(h->devminor), "%07o", 0);
	memcpy(h->magic, "ustar", 6);
	memcpy(h->version, "00", 2);
	snprintf(tmp, sizeof(tmp), "%07o", header_chksum(h));
	memcpy(h->chksum, tmp, sizeof(h->chksum));
}

static int write_header(struct tar *t, const struct ustar_header *h)
{
	unsigned char block[RECORDSIZE] = {0};

	memcpy(block, h, sizeof(*h));
	return emit(t, block, sizeof(block));
}

static int write_global_header(struct tar *t, const git_oid *commit_id)
{
	struct st_buf ext = ST_BUF_INIT;
	struct ustar_header h;
	char hex[GIT_OID_HEXSZ + 1];
	int rc;

	git_oid_tostr(hex, sizeof(hex), commit_id);
	ext_header_add(&ext, "comment", hex, GIT_OID_HEXSZ);
	if (t->mtime > USTAR_MAX_MTIME) {
		char num[32];
		int n = snprintf(num, sizeof(num), "%llu", t->mtime);

		ext_header_add(&ext, "mtime", num, (size_t)n);
		t->mtime = USTAR_MAX_MTIME;
	}
	memset(&h, 0, sizeof(h));
	h.typeflag[0] = 'g';
	memcpy(h.name, "pax_global_header", 18);
	prepare_header(t, &h, 0100666, ext.len);
	rc = write_header(t, &h);
	if (rc == 0)
		rc = emit_blocked(t, ext.buf, ext.len);
	st_buf_release(&ext);
	return rc;
}

/* git's get_path_prefix: where to split a long path into prefix/name. */
static size_t path_prefix_len(const char *path, size_t pathlen, size_t max)
{
	size_t i = pathlen;

	if (i > 1 && path[i - 1] == '/')
		i--;
	if (i > max)
		i = max;
	do {
		i--;
	} while (i > 0 && path[i] != '/');
	return i;
}

/*
 * git's write_tar_entry: one entry of git mode mode for path; data is
 * the blob (file contents or link target), NULL for directories.
 */
static int write_entry(struct tar *t, const git_oid *oid, const char *path,
		       size_t pathlen, unsigned int mode, const void *data,
		       size_t size)
{
	struct st_buf ext = ST_BUF_INIT;
	struct ustar_header h;
	char hex[GIT_OID_HEXSZ + 1];
	unsigned long long size_in_header = size;
	int rc = 0;

	git_oid_tostr(hex, sizeof(hex), oid);
	memset(&h, 0, sizeof(h));
	if (S_ISDIR(mode) || mode == GIT_FILEMODE_COMMIT) {
		h.typeflag[0] = '5';
		mode = (S_IFDIR | mode | 0777) & ~t->umask;
		mode = S_IFDIR | (mode & 07777);
	} else if (S_ISLNK(mode)) {
		h.typeflag[0] = '2';
		mode |= 0777;
	} else if (S_ISREG(mode)) {
		h.typeflag[0] = '0';
		mode = (mode | ((mode & 0100) ? 0777 : 0666)) & ~t->umask;
	} else {
		return st_error_set(t->err, ST_EINVALID,
				    "unsupported file mode 0%o of '%s'", mode,
				    path);
	}
	if (pathlen > sizeof(h.name)) {
		size_t plen = path_prefix_len(path, pathlen, sizeof(h.prefix));
		size_t rest = pathlen - plen - 1;

		if (plen > 0 && rest <= sizeof(h.name)) {
			memcpy(h.prefix, path, plen);
			memcpy(h.name, path + plen + 1, rest);
		} else {
			snprintf(h.name, sizeof(h.name), "%s.data", hex);
			ext_header_add(&ext, "path", path, pathlen);
		}
	} else {
		memcpy(h.name, path, pathlen);
	}
	if (S_ISLNK(mode)) {
		if (size > sizeof(h.linkname)) {
			snprintf(h.linkname, sizeof(h.linkname),
				 "see %s.paxheader", hex);
			ext_header_add(&ext, "linkpath", data, size);
		} else {
			memcpy(h.linkname, data, size);
		}
	}
	if (S_ISREG(mode) && size > USTAR_MAX_SIZE) {
		char num[32];
		int n = snprintf(num, sizeof(num), "%zu", size);

		size_in_header = 0;
		ext_header_add(&ext, "size", num, (size_t)n);
	}
	prepare_header(t, &h, mode, size_in_header);
	if (ext.len) {
		struct ustar_header x;

		memset(&x, 0, sizeof(x));
		x.typeflag[0] = 'x';
		snprintf(x.name, sizeof(x.name), "%s.paxheader", hex);
		prepare_header(t, &x, 0100666, ext.len);
		rc = write_header(t, &x);
		if (rc == 0)
			rc = emit_blocked(t, ext.buf, ext.len);
	}
	if (rc == 0)
		rc = write_header(t, &h);
	if (rc == 0 && S_ISREG(mode) && size > 0)
		rc = emit_blocked(t, data, size);
	st_buf_release(&ext);
	return rc;
}

/* git's write_trailer: zeros to the end of a 10 KiB block, at least two
 * records of them. */
static int write_trailer(struct tar *t)
{
	static const unsigned char zeros[BLOCKSIZE];
	size_t offset = (size_t)(t->total % BLOCKSIZE);
	size_t tail = BLOCKSIZE - offset;
	int rc = emit(t, zeros, tail);

	if (rc == 0 && tail < 2 * RECORDSIZE)
		rc = emit(t, zeros, BLOCKSIZE);
	return rc;
}

/* The export attributes of path (relative to the tree root). */
static int get_attrs(struct tar *t, const char *path, bool *ignore, bool *subst)
{
	static const char *names[] = {"export-ignore", "export-subst"};
	const char *values[2] = {NULL, NULL};

	if (git_attr_get_many_ext(values, t->repo, &t->attr_opts, path, 2,
				  names) < 0)
		return git_fail(t->err, ST_ERROR, path);
	*ignore = GIT_ATTR_IS_TRUE(values[0]);
	*subst = GIT_ATTR_IS_TRUE(values[1]);
	return 0;
}

/* A git date: "default" (d), ISO-like (i) or seconds (t), in the
 * signature's own time zone, as git's show_date. */
static void add_date(struct st_buf *b, const git_time *when, char kind)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed",
					   "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr",
					     "May", "Jun", "Jul", "Aug",
					     "Sep", "Oct", "Nov", "Dec"};
	int off = when->offset;
	int tz = (off < 0 ? -1 : 1) * ((abs(off) / 60) * 100 + abs(off) % 60);
	time_t local = (time_t)when->time + (time_t)off * 60;
	struct tm tm;

	if (kind == 't') {
		st_buf_addf(b, "%" PRId64, (int64_t)when->time);
		return;
	}
	if (!gmtime_r(&local, &tm))
		return;
	if (kind == 'i')
		st_buf_addf(b, "%04d-%02d-%02d %02d:%02d:%02d %+05d",
			    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			    tm.tm_hour, tm.tm_min, tm.tm_sec, tz);
	else
		st_buf_addf(b, "%s %s %d %02d:%02d:%02d %d %+05d",
			    days[tm.tm_wday], months[tm.tm_mon], tm.tm_mday,
			    tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_year + 1900,
			    tz);
}

/* Expand one pretty-format string (the part of $Format:...$). */
static void expand_format(struct tar *t, struct st_buf *out, const char *f,
			  size_t len)
{
	const git_signature *a = git_commit_author(t->commit);
	const git_signature *c = git_commit_committer(t->commit);
	const char *end = f + len;
	char hex[GIT_OID_HEXSZ + 1];

	while (f < end) {
		const git_signature *who;

		if (*f != '%' || f + 1 >= end) {
			st_buf_addch(out, *f++);
			continue;
		}
		f++;
		switch (*f) {
		case '%':
			st_buf_addch(out, '%');
			f++;
			continue;
		case 'n':
			st_buf_addch(out, '\n');
			f++;
			continue;
		case 'H':
		case 'T':
			git_oid_tostr(hex, sizeof(hex),
				      *f == 'H'
					      ? git_commit_id(t->commit)
					      : git_commit_tree_id(t->commit));
			st_buf_addstr(out, hex);
			f++;
			continue;
		case 'h':
		case 't': {
			git_object *obj = NULL;
			git_buf sh = {0};
			int rc = *f == 'h'
					 ? git_object_lookup(
						   &obj, t->repo,
						   git_commit_id(t->commit),
						   GIT_OBJECT_COMMIT)
					 : git_object_lookup(&obj, t->repo,
							     git_commit_tree_id(
								     t->commit),
							     GIT_OBJECT_TREE);

			if (rc == 0 && git_object_short_id(&sh, obj) == 0)
				st_buf_addstr(out, sh.ptr);
			git_buf_dispose(&sh);
			git_object_free(obj);
			f++;
			continue;
		}
		case 's':
			st_buf_addstr(out,
				      git_commit_summary(t->commit)
					      ? git_commit_summary(t->commit)
					      : "");
			f++;
			continue;
		case 'a':
		case 'c':
			who = *f == 'a' ? a : c;
			if (f + 1 >= end)
				break;
			switch (f[1]) {
			case 'n':
				st_buf_addstr(out, who->name);
				break;
			case 'e':
				st_buf_addstr(out, who->email);
				break;
			case 'd':
			case 'i':
			case 't':
				add_date(out, &who->when, f[1]);
				break;
			default:
				who = NULL;
			}
			if (!who)
				break;
			f += 2;
			continue;
		default:
			break;
		}
		/* Unknown placeholder: kept as written, as git does. */
		st_buf_addch(out, '%');
	}
}

/* The first "$Format:" in p[0..len), or NULL (memmem is GNU-only). */
static const char *find_format(const char *p, size_t len)
{
	const char *end = p + len;

	while (len >= 8 && (p = memchr(p, '$', (size_t)(end - p - 7)))) {
		if (!memcmp(p, "$Format:", 8))
			return p;
		p++;
		if ((size_t)(end - p) < 8)
			break;
	}
	return NULL;
}

/* git's format_subst: expand each $Format:...$ of src into out. */
static void format_subst(struct tar *t, struct st_buf *out, const char *src,
			 size_t len)
{
	for (;;) {
		const char *b = find_format(src, len);
		const char *c;

		if (!b)
			break;
		c = memchr(b + 8, '$', (size_t)(src + len - b - 8));
		if (!c)
			break;
		st_buf_add(out, src, (size_t)(b - src));
		/* git stops the format at a NUL, like its C string. */
		expand_format(t, out, b + 8,
			      strnlen(b + 8, (size_t)(c - b - 8)));
		len -= (size_t)(c + 1 - src);
		src = c + 1;
	}
	st_buf_add(out, src, len);
}

static int write_blob_entry(struct tar *t, const git_tree_entry *e,
			    unsigned int mode, bool subst)
{
	git_blob *blob = NULL;
	struct st_buf conv = ST_BUF_INIT;
	const void *data;
	size_t size;
	int rc;

	if (git_blob_lookup(&blob, t->repo, git_tree_entry_id(e)) < 0)
		return git_fail(t->err, ST_ENOTFOUND, t->path.buf);
	data = git_blob_rawcontent(blob);
	size = (size_t)git_blob_rawsize(blob);
	if (subst && S_ISREG(mode)) {
		format_subst(t, &conv, data, size);
		data = conv.buf;
		size = conv.len;
	}
	rc = write_entry(t, git_tree_entry_id(e), t->path.buf, t->path.len,
			 mode, data, size);
	st_buf_release(&conv);
	git_blob_free(blob);
	return rc;
}

static int walk(struct tar *t, const git_tree *tree, int depth)
{
	size_t n = git_tree_entrycount(tree);
	int rc = 0;

	if (depth > MAX_DEPTH)
		return st_error_set(t->err, ST_ETOOBIG,
				    "tree deeper than %d levels at '%s'",
				    MAX_DEPTH, t->path.buf);
	for (size_t i = 0; i < n && rc == 0; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		unsigned int mode = (unsigned int)git_tree_entry_filemode(e);
		size_t base = t->path.len;
		bool ignore = false, subst = false;

		st_buf_addstr(&t->path, git_tree_entry_name(e));
		rc = get_attrs(t, t->path.buf + t->prefix_len, &ignore, &subst);
		if (rc < 0 || ignore)
			goto next;
		if (S_ISDIR(mode)) {
			git_tree *sub = NULL;

			st_buf_addch(&t->path, '/');
			rc = write_entry(t, git_tree_entry_id(e), t->path.buf,
					 t->path.len, mode, NULL, 0);
			if (rc < 0)
				goto next;
			if (git_tree_lookup(&sub, t->repo,
					    git_tree_entry_id(e)) < 0) {
				rc = git_fail(t->err, ST_ENOTFOUND,
					      t->path.buf);
				goto next;
			}
			rc = walk(t, sub, depth + 1);
			git_tree_free(sub);
		} else if (mode == GIT_FILEMODE_COMMIT) {
			/* A submodule: an empty directory, as git writes. */
			st_buf_addch(&t->path, '/');
			rc = write_entry(t, git_tree_entry_id(e), t->path.buf,
					 t->path.len, mode, NULL, 0);
		} else {
			rc = write_blob_entry(t, e, mode, subst);
		}
	next:
		st_buf_setlen(&t->path, base);
	}
	return rc;
}

/*
 * git's tar.umask: an octal number (default 0002), or "user" for the
 * process umask.
 */
static int read_umask(unsigned int *out, git_repository *repo,
		      struct st_error *err)
{
	git_config *cfg = NULL;
	git_buf val = {0};
	int rc = 0;

	*out = TAR_UMASK;
	if (git_repository_config_snapshot(&cfg, repo) < 0)
		return git_fail(err, ST_ERROR, "repository config");
	if (git_config_get_string_buf(&val, cfg, "tar.umask") == 0) {
		char *end = NULL;
		long v;

		if (!strcmp(val.ptr, "user")) {
			mode_t m = umask(0);

			umask(m);
			*out = (unsigned int)m;
		} else {
			v = strtol(val.ptr, &end, 8);
			if (!*val.ptr || *end || v < 0 || v > 0777)
				rc = st_error_set(err, ST_EINVALID,
						  "bad tar.umask '%s'",
						  val.ptr);
			else
				*out = (unsigned int)v;
		}
	}
	git_buf_dispose(&val);
	git_config_free(cfg);
	return rc;
}

int rel_tarball_stream(git_repository *repo, const git_oid *commit_id,
		       const char *prefix, rel_sink_fn sink, void *sink_data,
		       struct st_error *err)
{
	struct tar *t = st_xcalloc(1, sizeof(*t));
	git_repository *own = NULL;
	git_index *index = NULL;
	git_tree *tree = NULL;
	int rc;

	/*
	 * git archive reads attributes from the archived tree, never from
	 * the index or work tree. A private bare handle with an empty
	 * in-memory index leaves libgit2 only the commit's .gitattributes
	 * (plus info/attributes and the global ones, as git).
	 */
	if (git_repository_open_ext(&own, git_repository_path(repo),
				    GIT_REPOSITORY_OPEN_NO_SEARCH |
					    GIT_REPOSITORY_OPEN_BARE,
				    NULL) < 0 ||
	    git_index_new(&index) < 0 ||
	    git_repository_set_index(own, index) < 0) {
		rc = git_fail(err, ST_ERROR, git_repository_path(repo));
		goto out;
	}
	t->repo = own;
	rc = read_umask(&t->umask, repo, err);
	if (rc < 0)
		goto out;
	t->sink = sink;
	t->sink_data = sink_data;
	t->err = err;
	st_buf_init(&t->path, 0);
	if (git_commit_lookup(&t->commit, own, commit_id) < 0) {
		rc = git_fail(err, ST_ENOTFOUND, "commit");
		goto out;
	}
	if (git_commit_tree(&tree, t->commit) < 0) {
		rc = git_fail(err, ST_ENOTFOUND, "tree");
		goto out;
	}
	t->mtime =
		(unsigned long long)git_commit_committer(t->commit)->when.time;
	t->attr_opts.version = GIT_ATTR_OPTIONS_VERSION;
	t->attr_opts.flags =
		GIT_ATTR_CHECK_INDEX_ONLY | GIT_ATTR_CHECK_INCLUDE_COMMIT;
	git_oid_cpy(&t->attr_opts.attr_commit_id, commit_id);
	rc = write_global_header(t, commit_id);
	if (rc < 0)
		goto out;
	st_buf_addstr(&t->path, prefix);
	t->prefix_len = t->path.len;
	if (t->prefix_len && prefix[t->prefix_len - 1] == '/') {
		size_t len = t->prefix_len;

		while (len > 1 && prefix[len - 2] == '/')
			len--;
		rc = write_entry(t, git_tree_id(tree), prefix, len, 040777,
				 NULL, 0);
		if (rc < 0)
			goto out;
	}
	rc = walk(t, tree, 0);
	if (rc == 0)
		rc = write_trailer(t);
	if (rc == 0)
		rc = flush_out(t);
out:
	git_tree_free(tree);
	git_commit_free(t->commit);
	git_index_free(index);
	git_repository_free(own);
	st_buf_release(&t->path);
	free(t);
	return rc;
}

int rel_tarball_parse_formats(unsigned *out, const char *list,
			      struct st_error *err)
{
	const char *p = list;

	*out = 0;
	while (*p) {
		size_t n = strcspn(p, ",");

		if (n == 3 && !strncmp(p, "tar", 3))
			*out |= REL_TARBALL_TAR;
		else if ((n == 6 && !strncmp(p, "tar.gz", 6)) ||
			 (n == 2 && !strncmp(p, "gz", 2)))
			*out |= REL_TARBALL_GZ;
		else if ((n == 6 && !strncmp(p, "tar.xz", 6)) ||
			 (n == 2 && !strncmp(p, "xz", 2)))
			*out |= REL_TARBALL_XZ;
		else
			return st_error_set(err, ST_EINVALID,
					    "unknown tarball format '%.*s'",
					    (int)n, p);
		p += n;
		if (*p == ',')
			p++;
	}
	if (!*out)
		return st_error_set(err, ST_EINVALID,
				    "no tarball format given");
	return 0;
}

/* A file being written under a temporary name, hashed as it goes. */
struct outfile {
	char *path;
	char *tmp;
	FILE *f;
	struct sha256_ctx sha;
};

static int outfile_open(struct outfile *o, const char *dir, const char *name,
			struct st_error *err)
{
	struct st_buf b = ST_BUF_INIT;

	st_buf_addf(&b, "%s/%s", dir, name);
	o->path = st_buf_detach(&b, NULL);
	st_buf_addf(&b, "%s/.%s.tmp-%ld", dir, name, (long)getpid());
	o->tmp = st_buf_detach(&b, NULL);
	sha256_init(&o->sha);
	o->f = fopen(o->tmp, "wb");
	if (!o->f)
		return st_error_set(err, ST_ERROR, "cannot create '%s': %s",
				    o->tmp, strerror(errno));
	return 0;
}

static int outfile_sink(const void *p, size_t len, void *data,
			struct st_error *err)
{
	struct outfile *o = data;

	if (len && fwrite(p, 1, len, o->f) != len)
		return st_error_set(err, ST_ERROR, "cannot write '%s': %s",
				    o->tmp, strerror(errno));
	sha256_update(&o->sha, len, p);
	return 0;
}

/* Close, sync and rename into place; hex gets the SHA-256. */
static int outfile_commit(struct outfile *o, char hex[65], struct st_error *err)
{
	uint8_t d[SHA256_DIGEST_SIZE];
	FILE *f = o->f;
	int rc = 0;

	o->f = NULL;
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		rc = st_error_set(err, ST_ERROR, "cannot write '%s': %s",
				  o->tmp, strerror(errno));
	if (fclose(f) != 0 && rc == 0)
		rc = st_error_set(err, ST_ERROR, "cannot write '%s': %s",
				  o->tmp, strerror(errno));
	if (rc == 0 && rename(o->tmp, o->path) != 0)
		rc = st_error_set(err, ST_ERROR, "cannot rename '%s': %s",
				  o->tmp, strerror(errno));
	sha256_digest(&o->sha, sizeof(d), d);
	for (size_t i = 0; i < sizeof(d); i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	return rc;
}

static void outfile_release(struct outfile *o)
{
	if (o->f) {
		fclose(o->f);
		unlink(o->tmp);
	}
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
}

/* The one tar stream fanned out to the plain file and the compressors. */
struct fan {
	struct outfile *tar;
	struct rel_gz *gz;
	struct rel_xz *xz;
};

static int fan_sink(const void *p, size_t len, void *data, struct st_error *err)
{
	struct fan *f = data;
	int rc = 0;

	if (f->tar)
		rc = outfile_sink(p, len, f->tar, err);
	if (rc == 0 && f->gz)
		rc = rel_gz_write(f->gz, p, len, err);
	if (rc == 0 && f->xz)
		rc = rel_xz_write(f->xz, p, len, err);
	return rc;
}

static int resolve_commit(git_oid *out, git_repository *repo, const char *ref,
			  struct st_error *err)
{
	git_object *obj = NULL, *peeled = NULL;
	int rc = 0;

	if (git_revparse_single(&obj, repo, ref) < 0)
		return st_error_set(err, ST_ENOTFOUND, "unknown revision '%s'",
				    ref);
	if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0)
		rc = st_error_set(err, ST_EINVALID,
				  "'%s' does not name a commit", ref);
	else
		git_oid_cpy(out, git_object_id(peeled));
	git_object_free(peeled);
	git_object_free(obj);
	return rc;
}

static int write_sums(struct rel_tarball_result *r, const char *dir,
		      struct st_error *err)
{
	struct outfile o = {0};
	struct st_buf b = ST_BUF_INIT;
	char hex[65];
	int rc;

	for (size_t i = 0; i < r->nfiles; i++) {
		const char *slash = strrchr(r->files[i].path, '/');

		st_buf_addf(&b, "%s  %s\n", r->files[i].sha256,
			    slash ? slash + 1 : r->files[i].path);
	}
	rc = outfile_open(&o, dir, "SHA256SUMS", err);
	if (rc == 0)
		rc = outfile_sink(b.buf, b.len, &o, err);
	if (rc == 0)
		rc = outfile_commit(&o, hex, err);
	if (rc == 0)
		r->sums_path = st_xstrdup(o.path);
	outfile_release(&o);
	st_buf_release(&b);
	return rc;
}

static int sign_all(struct rel_tarball_result *r, const char *key,
		    struct st_error *err)
{
	size_t nsig = 0;
	int rc = 0;

	for (size_t i = 0; i <= r->nfiles && rc == 0; i++) {
		const char *in =
			i < r->nfiles ? r->files[i].path : r->sums_path;
		struct st_buf sig = ST_BUF_INIT, tmp = ST_BUF_INIT;

		st_buf_addf(&sig, "%s.sig", in);
		st_buf_addf(&tmp, "%s.sig.tmp-%ld", in, (long)getpid());
		rc = rel_gpg_sign_file(key, in, tmp.buf, false, err);
		if (rc == 0 && rename(tmp.buf, sig.buf) != 0)
			rc = st_error_set(err, ST_ERROR,
					  "cannot rename '%s': %s", tmp.buf,
					  strerror(errno));
		if (rc < 0)
			unlink(tmp.buf);
		else
			r->sigs[nsig++] = st_buf_detach(&sig, NULL);
		st_buf_release(&sig);
		st_buf_release(&tmp);
	}
	return rc;
}

int rel_tarball_write(struct rel_tarball_result *out, git_repository *repo,
		      const char *ref, const struct rel_tarball_opts *o,
		      struct st_error *err)
{
	static const char *const ext[] = {".tar", ".tar.gz", ".tar.xz"};
	struct outfile files[3] = {{0}};
	struct fan fan = {0};
	git_oid id;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int threads = o->threads > 0 ? o->threads : ncpu > 0 ? (int)ncpu : 1;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = resolve_commit(&id, repo, ref, err);
	if (rc < 0)
		goto out;
	git_oid_tostr(out->commit, sizeof(out->commit), &id);
	for (int i = 0; i < 3; i++) {
		struct st_buf name = ST_BUF_INIT;

		if (!(o->formats & (1u << i)))
			continue;
		st_buf_addf(&name, "%s%s", o->basename, ext[i]);
		rc = outfile_open(&files[i], o->dir, name.buf, err);
		st_buf_release(&name);
		if (rc < 0)
			goto out;
	}
	if (o->formats & REL_TARBALL_TAR)
		fan.tar = &files[0];
	if (o->formats & REL_TARBALL_GZ) {
		rc = rel_gz_new(&fan.gz, o->gzip_level, threads, outfile_sink,
				&files[1], err);
		if (rc < 0)
			goto out;
	}
	if (o->formats & REL_TARBALL_XZ) {
		rc = rel_xz_new(&fan.xz, o->xz_preset < 0 ? 6 : o->xz_preset,
				threads, outfile_sink, &files[2], err);
		if (rc < 0)
			goto out;
	}
	rc = rel_tarball_stream(repo, &id, o->prefix, fan_sink, &fan, err);
	if (rc == 0 && fan.gz)
		rc = rel_gz_finish(fan.gz, err);
	if (rc == 0 && fan.xz)
		rc = rel_xz_finish(fan.xz, err);
	for (int i = 0; i < 3 && rc == 0; i++) {
		struct rel_tarball_file *f = &out->files[out->nfiles];

		if (!files[i].f)
			continue;
		rc = outfile_commit(&files[i], f->sha256, err);
		if (rc == 0) {
			f->path = st_xstrdup(files[i].path);
			out->nfiles++;
		}
	}
	if (rc == 0)
		rc = write_sums(out, o->dir, err);
	if (rc == 0 && o->sign_key)
		rc = sign_all(out, o->sign_key, err);
out:
	rel_gz_free(fan.gz);
	rel_xz_free(fan.xz);
	for (int i = 0; i < 3; i++)
		outfile_release(&files[i]);
	return rc;
}

void rel_tarball_result_release(struct rel_tarball_result *r)
{
	for (size_t i = 0; i < r->nfiles; i++)
		free(r->files[i].path);
	for (size_t i = 0; i < 4; i++)
		free(r->sigs[i]);
	free(r->sums_path);
	memset(r, 0, sizeof(*r));
}
