/*
 * site.c: the site build (content walk, rendering, feeds, sitemap),
 * incremental output through the manifest, atomic publishing by symlink
 * and pruning of old builds. The link checker is links.c.
 */
#include "site.h"

#include "data.h"
#include "layout.h"
#include "links.h"
#include "markdown.h"

#include "common/buf.h"
#include "common/html.h"
#include "common/log.h"
#include "common/util.h"
#include "common/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <jansson.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

/* Bump when the rendering changes, so every page is rebuilt once. */
#define GENERATOR    "steward-web 1"
#define MAX_DEPTH    32
#define MAX_ASSET    (64u << 20)
#define FEED_ENTRIES 20

struct src {
	char *rel;  /* relative to the content folder: "news/a.md" */
	char *out;  /* output path: "news/a.html" */
	char *text; /* the file */
	size_t len;
	struct web_page fm;
	bool is_md;
};

struct layout_file {
	char *name;
	char *text;
};

struct html_page {
	char *path;
	char *date; /* borrowed from a src, or NULL */
};

struct build {
	const struct web_site_opts *o;
	const char *base; /* base URL, ending in '/' */
	char *base_owned;
	const char *site;
	char *builds;	   /* OUTDIR.d */
	char *prev;	   /* previous build folder, or NULL */
	char *dir;	   /* the new build folder */
	char *link_target; /* what OUTDIR will point to (relative) */
	json_t *prev_manifest;
	json_t *manifest;
	struct src *srcs;
	size_t nsrc, srcalloc;
	struct layout_file *layouts;
	size_t nlayout;
	struct html_page *html;
	size_t nhtml, htmlalloc;
	struct web_nav_item nav[12];
	size_t nav_len;
	struct st_buf nav_html;
	struct web_build_stats *stats;
	bool has_index, has_news_index, has_rel_index;
	size_t nnews, nrel;
};

static void sha1_hex(char out[GIT_OID_HEXSZ + 1], const void *p, size_t len)
{
	git_oid oid;

	if (git_odb_hash(&oid, p, len, GIT_OBJECT_BLOB) < 0)
		memset(&oid, 0, sizeof(oid));
	git_oid_tostr(out, GIT_OID_HEXSZ + 1, &oid);
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && !strcmp(s + n - m, suf);
}

static bool wants_gz(const char *path)
{
	return has_suffix(path, ".html") || has_suffix(path, ".css") ||
	       has_suffix(path, ".xml") || has_suffix(path, ".svg");
}

static int read_file(struct st_buf *out, const char *path, size_t max,
		     struct st_error *err)
{
	char chunk[65536];
	FILE *f = fopen(path, "rb");
	int rc = 0;

	st_buf_init(out, max);
	if (!f)
		return st_error_set(err, ST_ERROR, "cannot read '%s': %s", path,
				    strerror(errno));
	for (;;) {
		size_t n = fread(chunk, 1, sizeof(chunk), f);

		if (n && st_buf_add(out, chunk, n) < 0) {
			rc = st_error_set(err, ST_ETOOBIG,
					  "'%s' is larger than %zu bytes", path,
					  max);
			break;
		}
		if (n < sizeof(chunk)) {
			if (ferror(f))
				rc = st_error_set(err, ST_ERROR,
						  "cannot read '%s': %s", path,
						  strerror(errno));
			break;
		}
	}
	fclose(f);
	if (rc < 0)
		st_buf_release(out);
	return rc;
}

/* mkdir -p of the folders above rel inside root. */
static int make_parents(const char *root, const char *rel, struct st_error *err)
{
	struct st_buf p = ST_BUF_INIT;
	const char *slash;
	int rc = 0;

	st_buf_addstr(&p, root);
	for (const char *s = rel; (slash = strchr(s, '/')); s = slash + 1) {
		st_buf_addch(&p, '/');
		st_buf_add(&p, s, (size_t)(slash - s));
		if (mkdir(p.buf, 0755) < 0 && errno != EEXIST) {
			rc = st_error_set(err, ST_ERROR,
					  "cannot create '%s': %s", p.buf,
					  strerror(errno));
			break;
		}
	}
	st_buf_release(&p);
	return rc;
}

static int write_file(const char *path, const void *data, size_t len,
		      struct st_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	const char *p = data;
	int rc = 0;

	if (fd < 0)
		return st_error_set(err, ST_ERROR, "cannot create '%s': %s",
				    path, strerror(errno));
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = st_error_set(err, ST_ERROR,
					  "cannot write '%s': %s", path,
					  strerror(errno));
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	if (close(fd) < 0 && !rc)
		rc = st_error_set(err, ST_ERROR, "cannot write '%s': %s", path,
				  strerror(errno));
	return rc;
}

/* gzip data deterministically: no name, mtime 0 (like gzip -n). */
static int gzip_buf(struct st_buf *out, const void *data, size_t len)
{
	z_stream z;
	unsigned char *tmp;
	uLong bound;
	int zrc, rc = ST_ERROR;

	memset(&z, 0, sizeof(z));
	if (len > UINT32_MAX / 2 || deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9,
						 Z_DEFAULT_STRATEGY) != Z_OK)
		return ST_ERROR;
	bound = deflateBound(&z, (uLong)len) + 32;
	tmp = st_xmalloc(bound);
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	z.next_out = tmp;
	z.avail_out = (uInt)bound;
	zrc = deflate(&z, Z_FINISH);
	if (zrc == Z_STREAM_END)
		rc = st_buf_add(out, tmp, z.total_out);
	deflateEnd(&z);
	free(tmp);
	return rc;
}

static void remember_html(struct build *b, const char *path, const char *date)
{
	if (!has_suffix(path, ".html") || !strcmp(path, "404.html"))
		return;
	if (b->nhtml == b->htmlalloc) {
		b->htmlalloc = b->htmlalloc ? 2 * b->htmlalloc : 64;
		b->html = st_xreallocarray(b->html, b->htmlalloc,
					   sizeof(*b->html));
	}
	b->html[b->nhtml].path = st_xstrdup(path);
	b->html[b->nhtml].date = date ? st_xstrdup(date) : NULL;
	b->nhtml++;
}

static int claim(struct build *b, const char *path, const char *hash,
		 struct st_error *err)
{
	if (json_object_get(b->manifest, path))
		return st_error_set(err, ST_EEXISTS,
				    "two inputs make the same output '%s'",
				    path);
	json_object_set_new(b->manifest, path, json_string(hash));
	b->stats->outputs += wants_gz(path) ? 2 : 1;
	return 0;
}

/*
 * When the previous build made path from the same inputs, hard-link it
 * (and its .gz) into the new build and return true.
 */
static bool reuse(struct build *b, const char *path, const char *hash)
{
	json_t *old = json_object_get(b->prev_manifest, path);
	struct st_buf from = ST_BUF_INIT, to = ST_BUF_INIT;
	bool ok = false;

	if (!b->prev || !json_is_string(old) ||
	    strcmp(json_string_value(old), hash))
		return false;
	st_buf_addf(&from, "%s/%s", b->prev, path);
	st_buf_addf(&to, "%s/%s", b->dir, path);
	if (make_parents(b->dir, path, NULL) < 0 || link(from.buf, to.buf) < 0)
		goto out;
	if (wants_gz(path)) {
		st_buf_addstr(&from, ".gz");
		st_buf_addstr(&to, ".gz");
		if (link(from.buf, to.buf) < 0) {
			st_buf_setlen(&to, to.len - 3);
			unlink(to.buf);
			goto out;
		}
	}
	ok = true;
out:
	st_buf_release(&from);
	st_buf_release(&to);
	return ok;
}

/* Write a new output (and its .gz twin). */
static int write_output(struct build *b, const char *path, const void *data,
			size_t len, struct st_error *err)
{
	struct st_buf full = ST_BUF_INIT, gz = ST_BUF_INIT;
	int rc = make_parents(b->dir, path, err);

	if (rc < 0)
		goto out;
	st_buf_addf(&full, "%s/%s", b->dir, path);
	rc = write_file(full.buf, data, len, err);
	if (rc < 0 || !wants_gz(path))
		goto out;
	rc = gzip_buf(&gz, data, len);
	if (rc < 0) {
		rc = st_error_set(err, rc, "cannot compress '%s'", path);
		goto out;
	}
	st_buf_addstr(&full, ".gz");
	rc = write_file(full.buf, gz.buf, gz.len, err);
out:
	if (!rc)
		b->stats->written += wants_gz(path) ? 2 : 1;
	st_buf_release(&full);
	st_buf_release(&gz);
	return rc;
}

/* Emit an output whose input is its own content. */
static int emit(struct build *b, const char *path, const void *data, size_t len,
		const char *date, struct st_error *err)
{
	char hash[GIT_OID_HEXSZ + 2] = "c";
	int rc;

	sha1_hex(hash + 1, data, len);
	rc = claim(b, path, hash, err);
	if (rc < 0)
		return rc;
	remember_html(b, path, date);
	if (reuse(b, path, hash)) {
		b->stats->unchanged += wants_gz(path) ? 2 : 1;
		return 0;
	}
	return write_output(b, path, data, len, err);
}

/* "/a/b%20c.html" for "a/b c.html"; index.html becomes its folder. */
static void add_url_path(struct st_buf *out, const char *path)
{
	const char *p = path;

	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		char *seg;

		if (!slash && !strcmp(p, "index.html"))
			break;
		seg = st_xmemdupz(p, n);
		st_url_escape(out, seg);
		free(seg);
		if (!slash)
			break;
		st_buf_addch(out, '/');
		p = slash + 1;
	}
}

static void add_href(struct st_buf *out, const char *path)
{
	struct st_buf u = ST_BUF_INIT;

	st_buf_addch(&u, '/');
	add_url_path(&u, path);
	st_html_attr(out, u.buf);
	st_buf_release(&u);
}

static void add_abs_url(struct st_buf *out, const struct build *b,
			const char *path, bool attr)
{
	struct st_buf u = ST_BUF_INIT;

	st_buf_addstr(&u, b->base);
	add_url_path(&u, path);
	if (attr)
		st_html_attr(out, u.buf);
	else
		st_html_text(out, u.buf);
	st_buf_release(&u);
}

/* ---- the content folder ---- */

static int add_src(struct build *b, const char *rel, struct st_error *err)
{
	struct st_buf full = ST_BUF_INIT, text = ST_BUF_INIT;
	struct src *s;
	bool md = has_suffix(rel, ".md");
	int rc;

	st_buf_addf(&full, "%s/%s", b->o->content_dir, rel);
	rc = read_file(&text, full.buf, md ? WEB_PAGE_MAX : MAX_ASSET, err);
	st_buf_release(&full);
	if (rc < 0)
		return rc;
	if (b->nsrc == b->srcalloc) {
		b->srcalloc = b->srcalloc ? 2 * b->srcalloc : 64;
		b->srcs = st_xreallocarray(b->srcs, b->srcalloc,
					   sizeof(*b->srcs));
	}
	s = &b->srcs[b->nsrc];
	memset(s, 0, sizeof(*s));
	s->rel = st_xstrdup(rel);
	s->is_md = md;
	s->len = text.len;
	s->text = st_buf_detach(&text, NULL);
	if (md) {
		struct st_buf o = ST_BUF_INIT;

		rc = web_page_parse(&s->fm, s->text, s->len, err);
		if (rc < 0) {
			char msg[sizeof(err->msg)];

			if (err) {
				memcpy(msg, err->msg, sizeof(msg));
				st_error_set(err, rc, "'%s': %s", rel, msg);
			}
			free(s->rel);
			free(s->text);
			return rc;
		}
		st_buf_add(&o, rel, strlen(rel) - 3);
		st_buf_addstr(&o, ".html");
		s->out = st_buf_detach(&o, NULL);
	} else {
		s->out = st_xstrdup(rel);
	}
	b->nsrc++;
	return 0;
}

static int walk(struct build *b, const char *rel, int depth,
		struct st_error *err)
{
	struct st_buf dir = ST_BUF_INIT;
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (depth > MAX_DEPTH)
		return st_error_set(err, ST_EINVALID,
				    "content is nested deeper than %d at '%s'",
				    MAX_DEPTH, rel);
	st_buf_addstr(&dir, b->o->content_dir);
	if (*rel)
		st_buf_addf(&dir, "/%s", rel);
	d = opendir(dir.buf);
	if (!d) {
		rc = st_error_set(err, ST_ERROR, "cannot read '%s': %s",
				  dir.buf, strerror(errno));
		goto out;
	}
	while (!rc && (e = readdir(d))) {
		struct st_buf child = ST_BUF_INIT, full = ST_BUF_INIT;
		struct stat st;

		/* _layouts and dot files are not content. */
		if (e->d_name[0] == '.' || e->d_name[0] == '_')
			continue;
		if (*rel)
			st_buf_addf(&child, "%s/", rel);
		st_buf_addstr(&child, e->d_name);
		st_buf_addf(&full, "%s/%s", dir.buf, e->d_name);
		/* Links are not followed: content must not pull in files
		 * from elsewhere on the machine. */
		if (lstat(full.buf, &st) < 0)
			rc = st_error_set(err, ST_ERROR, "cannot stat '%s': %s",
					  full.buf, strerror(errno));
		else if (S_ISDIR(st.st_mode))
			rc = walk(b, child.buf, depth + 1, err);
		else if (S_ISREG(st.st_mode))
			rc = add_src(b, child.buf, err);
		else
			st_log(ST_LOG_WARN, "web: skipping '%s': not a file",
			       full.buf);
		st_buf_release(&child);
		st_buf_release(&full);
	}
	closedir(d);
out:
	st_buf_release(&dir);
	return rc;
}

static int cmp_src(const void *a, const void *b)
{
	return strcmp(((const struct src *)a)->rel,
		      ((const struct src *)b)->rel);
}

/* The template for a layout name (NULL: the default layout). */
static int get_layout(struct build *b, const char *name, const char **out,
		      struct st_error *err)
{
	struct st_buf path = ST_BUF_INIT, text = ST_BUF_INIT;
	int rc;

	*out = NULL;
	if (!name)
		return 0;
	for (size_t i = 0; i < b->nlayout; i++)
		if (!strcmp(b->layouts[i].name, name)) {
			*out = b->layouts[i].text;
			return 0;
		}
	st_buf_addf(&path, "%s/_layouts/%s.html", b->o->content_dir, name);
	if (access(path.buf, F_OK) < 0 &&
	    (!strcmp(name, "page") || !strcmp(name, "default"))) {
		st_buf_release(&path);
		return 0; /* the built-in layout */
	}
	rc = read_file(&text, path.buf, WEB_LAYOUT_MAX, err);
	st_buf_release(&path);
	if (rc < 0)
		return rc;
	b->layouts = st_xreallocarray(b->layouts, b->nlayout + 1,
				      sizeof(*b->layouts));
	b->layouts[b->nlayout].name = st_xstrdup(name);
	b->layouts[b->nlayout].text = st_buf_detach(&text, NULL);
	*out = b->layouts[b->nlayout++].text;
	return 0;
}

static bool in_section(const struct src *s, const char *section)
{
	size_t n = strlen(section);

	return s->is_md && !strncmp(s->rel, section, n) && s->rel[n] == '/' &&
	       strcmp(s->out + n + 1, "index.html");
}

/* Render one page body into its layout, appended to out. */
static int layout_page(struct build *b, struct st_buf *out, const char *tmpl,
		       const char *title, const char *date, const char *head,
		       const char *body, size_t len, struct st_error *err)
{
	struct web_layout_vars v = {
		.site = b->site,
		.title = title,
		.date = date,
		.content = body,
		.content_len = len,
		.nav = b->nav,
		.nav_len = b->nav_len,
		.head = head,
	};

	return web_layout_render(out, tmpl, &v, err);
}

static const char *feed_head(const struct src *s)
{
	if (!strncmp(s->rel, "news/", 5))
		return "<link rel=\"alternate\" type=\"application/atom+xml\" "
		       "href=\"/news/atom.xml\" title=\"News\">\n";
	if (!strncmp(s->rel, "releases/", 9))
		return "<link rel=\"alternate\" type=\"application/atom+xml\" "
		       "href=\"/releases/atom.xml\" title=\"Releases\">\n";
	return NULL;
}

/* The asset src named rel, or NULL. */
static const struct src *find_src(const struct build *b, const char *rel)
{
	size_t lo = 0, hi = b->nsrc;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(b->srcs[mid].rel, rel);

		if (!c)
			return &b->srcs[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The SHA-256 of name in a SHA256SUMS text ("HEX  NAME" or "HEX *NAME"
 * lines, as sha256sum writes), into out (65 bytes); false if absent. */
static bool sum_of(const struct src *sums, const char *name, char out[65])
{
	const char *p = sums ? sums->text : NULL;
	const char *end = sums ? sums->text + sums->len : NULL;
	size_t n = strlen(name);

	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (len > 66 && strspn(p, "0123456789abcdefABCDEF") == 64 &&
		    p[64] == ' ' && (p[65] == ' ' || p[65] == '*') &&
		    len - 66 == n && !memcmp(p + 66, name, n)) {
			memcpy(out, p, 64);
			out[64] = 0;
			return true;
		}
		p = nl ? nl + 1 : NULL;
	}
	return false;
}

static bool is_signature(const char *name)
{
	return has_suffix(name, ".asc") || has_suffix(name, ".sig");
}

/*
 * For a release page releases/X.md, the files under releases/X/ as a
 * downloads table: name, size, SHA-256 (from a SHA256SUMS file there)
 * and the signature (NAME.asc or NAME.sig) when present.
 */
static void add_downloads(struct build *b, const struct src *s,
			  struct st_buf *out)
{
	struct st_buf dir = ST_BUF_INIT, path = ST_BUF_INIT;
	const struct src *sums;
	size_t rows = 0;

	if (!in_section(s, "releases"))
		return;
	st_buf_add(&dir, s->rel, strlen(s->rel) - 3);
	st_buf_addch(&dir, '/');
	st_buf_addf(&path, "%sSHA256SUMS", dir.buf);
	sums = find_src(b, path.buf);
	for (size_t i = 0; i < b->nsrc; i++) {
		const struct src *f = &b->srcs[i];
		const char *name = f->rel + dir.len;
		const struct src *sig;
		char sum[65];

		if (f->is_md || strncmp(f->rel, dir.buf, dir.len) ||
		    strchr(name, '/') || is_signature(name))
			continue;
		if (!rows++)
			st_buf_addstr(out, "<h2>Downloads</h2>\n<table>\n"
					   "<thead><tr><th>File</th><th>Size"
					   "</th><th>SHA-256</th><th>Signature"
					   "</th></tr></thead>\n<tbody>\n");
		st_buf_addstr(out, "<tr><td><a href=\"");
		add_href(out, f->out);
		st_buf_addstr(out, "\">");
		st_html_text(out, name);
		st_buf_addf(out, "</a></td><td>%zu bytes", f->len);
		if (f->len >= 1024 * 1024)
			st_buf_addf(out, " (%.1f MiB)",
				    (double)f->len / (1024.0 * 1024.0));
		st_buf_addstr(out, "</td><td><code>");
		if (sum_of(sums, name, sum))
			st_html_text(out, sum);
		st_buf_addstr(out, "</code></td><td>");
		st_buf_reset(&path);
		st_buf_addf(&path, "%s.asc", f->rel);
		sig = find_src(b, path.buf);
		if (!sig) {
			st_buf_setlen(&path, path.len - 4);
			st_buf_addstr(&path, ".sig");
			sig = find_src(b, path.buf);
		}
		if (sig) {
			st_buf_addstr(out, "<a href=\"");
			add_href(out, sig->out);
			st_buf_addstr(out, "\">signature</a>");
		}
		st_buf_addstr(out, "</td></tr>\n");
	}
	if (rows)
		st_buf_addstr(out, "</tbody>\n</table>\n");
	st_buf_release(&dir);
	st_buf_release(&path);
}

static int build_md(struct build *b, const struct src *s, struct st_error *err)
{
	struct st_buf in = ST_BUF_INIT, body = ST_BUF_INIT, page = ST_BUF_INIT,
		      downloads = ST_BUF_INIT;
	char hash[GIT_OID_HEXSZ + 1];
	const char *tmpl = NULL;
	const char *title = s->fm.title;
	int rc = get_layout(b, s->fm.layout, &tmpl, err);

	if (rc < 0) {
		char msg[sizeof(err->msg)];

		if (err) {
			memcpy(msg, err->msg, sizeof(msg));
			st_error_set(err, rc, "'%s': %s", s->rel, msg);
		}
		goto out;
	}
	/* Everything the output depends on, hashed before rendering so an
	 * unchanged page costs one hash. */
	add_downloads(b, s, &downloads);
	st_buf_addf(&in, "%s%c%s%c%s%c%s%c", GENERATOR, 0, tmpl ? tmpl : "", 0,
		    b->nav_html.buf, 0, b->site, 0);
	st_buf_add(&in, downloads.buf, downloads.len + 1);
	st_buf_add(&in, s->text, s->len);
	sha1_hex(hash, in.buf, in.len);
	rc = claim(b, s->out, hash, err);
	if (rc < 0)
		goto out;
	remember_html(b, s->out, s->fm.date);
	if (reuse(b, s->out, hash)) {
		b->stats->unchanged += 2;
		goto out;
	}
	if (!title)
		title = s->rel;
	rc = web_markdown_render(&body, s->text + s->fm.body_offset,
				 s->len - s->fm.body_offset, s->fm.raw_html,
				 err);
	if (!rc)
		rc = st_buf_add(&body, downloads.buf, downloads.len);
	if (!rc)
		rc = layout_page(b, &page, tmpl, title, s->fm.date,
				 feed_head(s), body.buf, body.len, err);
	if (!rc)
		rc = write_output(b, s->out, page.buf, page.len, err);
out:
	st_buf_release(&in);
	st_buf_release(&body);
	st_buf_release(&page);
	st_buf_release(&downloads);
	return rc;
}

static int build_asset(struct build *b, const struct src *s,
		       struct st_error *err)
{
	return emit(b, s->out, s->text, s->len, NULL, err);
}

/* Sections sorted newest first, then by path. */
static int cmp_date_desc(const void *x, const void *y)
{
	const struct src *a = *(const struct src *const *)x;
	const struct src *c = *(const struct src *const *)y;
	const char *da = a->fm.date ? a->fm.date : "";
	const char *dc = c->fm.date ? c->fm.date : "";
	int r = strcmp(dc, da);

	return r ? r : strcmp(a->rel, c->rel);
}

static const struct src **section_pages(struct build *b, const char *section,
					size_t *n)
{
	const struct src **list = st_xcalloc(b->nsrc + 1, sizeof(*list));

	*n = 0;
	for (size_t i = 0; i < b->nsrc; i++)
		if (in_section(&b->srcs[i], section))
			list[(*n)++] = &b->srcs[i];
	qsort(list, *n, sizeof(*list), cmp_date_desc);
	return list;
}

static void add_page_link(struct st_buf *out, const struct src *s)
{
	st_buf_addstr(out, "<li><a href=\"");
	add_href(out, s->out);
	st_buf_addstr(out, "\">");
	st_html_text(out, s->fm.title ? s->fm.title : s->rel);
	st_buf_addstr(out, "</a>");
	if (s->fm.date) {
		st_buf_addstr(out, " <span class=\"date\">");
		st_html_text(out, s->fm.date);
		st_buf_addstr(out, "</span>");
	}
	st_buf_addstr(out, "</li>\n");
}

/* news/index.html or releases/index.html listing the section. */
static int build_section_index(struct build *b, const char *section,
			       const char *title, struct st_error *err)
{
	struct st_buf body = ST_BUF_INIT, page = ST_BUF_INIT,
		      path = ST_BUF_INIT, head = ST_BUF_INIT;
	size_t n;
	const struct src **list = section_pages(b, section, &n);
	int rc;

	st_buf_addf(&body,
		    "<p><a href=\"/%s/atom.xml\">Atom feed</a></p>\n"
		    "<ul>\n",
		    section);
	for (size_t i = 0; i < n; i++)
		add_page_link(&body, list[i]);
	st_buf_addstr(&body, "</ul>\n");
	st_buf_addf(&head,
		    "<link rel=\"alternate\" type=\"application/atom+xml\" "
		    "href=\"/%s/atom.xml\" title=\"%s\">\n",
		    section, title);
	rc = layout_page(b, &page, NULL, title, NULL, head.buf, body.buf,
			 body.len, err);
	st_buf_addf(&path, "%s/index.html", section);
	if (!rc)
		rc = emit(b, path.buf, page.buf, page.len, NULL, err);
	free(list);
	st_buf_release(&body);
	st_buf_release(&page);
	st_buf_release(&path);
	st_buf_release(&head);
	return rc;
}

static void iso_date(char out[32], const char *date)
{
	if (date && strlen(date) == 10)
		snprintf(out, 32, "%.10sT00:00:00Z", date);
	else
		snprintf(out, 32, "1970-01-01T00:00:00Z");
}

/* An Atom feed (RFC 4287) of a section's newest pages. */
static int build_feed(struct build *b, const char *section, const char *title,
		      struct st_error *err)
{
	struct st_buf x = ST_BUF_INIT, path = ST_BUF_INIT, sec = ST_BUF_INIT;
	size_t n;
	const struct src **list = section_pages(b, section, &n);
	char when[32];
	int rc = 0;

	st_buf_addf(&sec, "%s/index.html", section);
	iso_date(when, n ? list[0]->fm.date : NULL);
	st_buf_addstr(&x, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
			  "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
			  "<title>");
	st_html_text(&x, b->site);
	st_buf_addf(&x, ": %s</title>\n<id>", title);
	add_abs_url(&x, b, sec.buf, false);
	st_buf_addstr(&x, "</id>\n<link rel=\"self\" href=\"");
	st_buf_addf(&path, "%s/atom.xml", section);
	add_abs_url(&x, b, path.buf, true);
	st_buf_addstr(&x, "\"/>\n<link rel=\"alternate\" href=\"");
	add_abs_url(&x, b, sec.buf, true);
	st_buf_addf(&x, "\"/>\n<updated>%s</updated>\n<author><name>", when);
	st_html_text(&x, b->site);
	st_buf_addstr(&x, "</name></author>\n");
	for (size_t i = 0; i < n && i < FEED_ENTRIES && !rc; i++) {
		const struct src *s = list[i];
		struct st_buf body = ST_BUF_INIT;

		iso_date(when, s->fm.date);
		st_buf_addstr(&x, "<entry xml:base=\"");
		add_abs_url(&x, b, s->out, true);
		st_buf_addstr(&x, "\">\n<title>");
		st_html_text(&x, s->fm.title ? s->fm.title : s->rel);
		st_buf_addstr(&x, "</title>\n<id>");
		add_abs_url(&x, b, s->out, false);
		st_buf_addstr(&x, "</id>\n<link rel=\"alternate\" href=\"");
		add_abs_url(&x, b, s->out, true);
		st_buf_addf(&x,
			    "\"/>\n<updated>%s</updated>\n"
			    "<content type=\"html\">",
			    when);
		rc = web_markdown_render(&body, s->text + s->fm.body_offset,
					 s->len - s->fm.body_offset,
					 s->fm.raw_html, err);
		st_html_text(&x, body.buf);
		st_buf_addstr(&x, "</content>\n</entry>\n");
		st_buf_release(&body);
	}
	st_buf_addstr(&x, "</feed>\n");
	if (!rc)
		rc = emit(b, path.buf, x.buf, x.len, NULL, err);
	free(list);
	st_buf_release(&x);
	st_buf_release(&path);
	st_buf_release(&sec);
	return rc;
}

/* The home page when the content has no index.md. */
static int build_home(struct build *b, struct st_error *err)
{
	struct st_buf body = ST_BUF_INIT, page = ST_BUF_INIT;
	int rc;

	st_buf_addstr(&body, "<ul>\n");
	for (size_t i = 0; i < b->nsrc; i++) {
		const struct src *s = &b->srcs[i];

		if (s->is_md && !in_section(s, "news") &&
		    !in_section(s, "releases"))
			add_page_link(&body, s);
	}
	st_buf_addstr(&body, "</ul>\n");
	rc = layout_page(b, &page, NULL, b->site, NULL, NULL, body.buf,
			 body.len, err);
	if (!rc)
		rc = emit(b, "index.html", page.buf, page.len, NULL, err);
	st_buf_release(&body);
	st_buf_release(&page);
	return rc;
}

static int build_fixed(struct build *b, struct st_error *err)
{
	static const char body404[] =
		"<p>There is no page at this address.</p>\n"
		"<p><a href=\"/\">Go to the home page</a></p>\n";
	struct st_buf page = ST_BUF_INIT, robots = ST_BUF_INIT;
	const char *css = web_layout_stylesheet();
	int rc = emit(b, "style.css", css, strlen(css), NULL, err);

	if (!rc)
		rc = layout_page(b, &page, NULL, "Page not found", NULL, NULL,
				 body404, sizeof(body404) - 1, err);
	if (!rc)
		rc = emit(b, "404.html", page.buf, page.len, NULL, err);
	st_buf_addf(&robots,
		    "User-agent: *\nAllow: /\nSitemap: %ssitemap.xml\n",
		    b->base);
	if (!rc)
		rc = emit(b, "robots.txt", robots.buf, robots.len, NULL, err);
	st_buf_release(&page);
	st_buf_release(&robots);
	return rc;
}

static int cmp_html(const void *x, const void *y)
{
	return strcmp(((const struct html_page *)x)->path,
		      ((const struct html_page *)y)->path);
}

static int build_sitemap(struct build *b, struct st_error *err)
{
	struct st_buf x = ST_BUF_INIT;
	int rc;

	qsort(b->html, b->nhtml, sizeof(*b->html), cmp_html);
	st_buf_addstr(&x, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
			  "<urlset xmlns=\"http://www.sitemaps.org/schemas/"
			  "sitemap/0.9\">\n");
	for (size_t i = 0; i < b->nhtml; i++) {
		st_buf_addstr(&x, "<url><loc>");
		add_abs_url(&x, b, b->html[i].path, false);
		st_buf_addstr(&x, "</loc>");
		if (b->html[i].date) {
			st_buf_addstr(&x, "<lastmod>");
			st_html_text(&x, b->html[i].date);
			st_buf_addstr(&x, "</lastmod>");
		}
		st_buf_addstr(&x, "</url>\n");
	}
	st_buf_addstr(&x, "</urlset>\n");
	rc = emit(b, "sitemap.xml", x.buf, x.len, NULL, err);
	st_buf_release(&x);
	return rc;
}

static int build_data(struct build *b, struct web_data *d, struct st_error *err)
{
	int rc = 0;

	for (size_t i = 0; i < d->n && !rc; i++) {
		struct st_buf page = ST_BUF_INIT;

		rc = layout_page(b, &page, NULL, d->pages[i].title, NULL, NULL,
				 d->pages[i].body, d->pages[i].body_len, err);
		if (!rc)
			rc = emit(b, d->pages[i].path, page.buf, page.len, NULL,
				  err);
		st_buf_release(&page);
	}
	return rc;
}

static void make_nav(struct build *b, const struct web_data *d)
{
	b->nav[b->nav_len++] = (struct web_nav_item){"/", "Home"};
	if (b->nnews || b->has_news_index)
		b->nav[b->nav_len++] = (struct web_nav_item){"/news/", "News"};
	if (b->nrel || b->has_rel_index)
		b->nav[b->nav_len++] =
			(struct web_nav_item){"/releases/", "Releases"};
	for (size_t i = 0; i < d->nav_len && b->nav_len < 12; i++)
		b->nav[b->nav_len++] = d->nav[i];
	web_layout_nav(&b->nav_html, b->nav, b->nav_len);
}

/* ---- build folders, the manifest, publishing ---- */

/* rm -r path, not following links. 0 or -1. */
static int remove_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (lstat(path, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		struct st_buf child = ST_BUF_INIT;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		st_buf_addf(&child, "%s/%s", path, e->d_name);
		if (remove_tree(child.buf) < 0)
			rc = -1;
		st_buf_release(&child);
	}
	closedir(d);
	return rmdir(path) < 0 ? -1 : rc;
}

/* Find the published build: OUTDIR must be missing or our link. */
static int find_previous(struct build *b, struct st_error *err)
{
	const char *outdir = b->o->outdir;
	char target[1024];
	struct stat st;
	ssize_t n;
	char *copy = st_xstrdup(outdir);
	const char *base = basename(copy);
	struct st_buf want = ST_BUF_INIT;
	int rc = 0;

	if (lstat(outdir, &st) < 0) {
		if (errno != ENOENT)
			rc = st_error_set(err, ST_ERROR, "cannot stat '%s': %s",
					  outdir, strerror(errno));
		goto out;
	}
	st_buf_addf(&want, "%s.d/", base);
	if (!S_ISLNK(st.st_mode) ||
	    (n = readlink(outdir, target, sizeof(target) - 1)) < 0 ||
	    (target[n] = 0, !st_starts_with(target, want.buf)) ||
	    strstr(target, "..")) {
		rc = st_error_set(err, ST_EEXISTS,
				  "'%s' exists and is not a site published by "
				  "steward (a link into '%s.d/')",
				  outdir, base);
		goto out;
	}
	{
		struct st_buf prev = ST_BUF_INIT, man = ST_BUF_INIT;
		json_t *root;
		char *dcopy = st_xstrdup(outdir);

		st_buf_addf(&prev, "%s/%s", dirname(dcopy), target);
		free(dcopy);
		st_buf_addf(&man, "%s/%s", prev.buf, WEB_MANIFEST_NAME);
		root = json_load_file(man.buf, 0, NULL);
		if (json_is_object(json_object_get(root, "outputs")))
			b->prev_manifest =
				json_incref(json_object_get(root, "outputs"));
		json_decref(root);
		b->prev = st_buf_detach(&prev, NULL);
		st_buf_release(&man);
	}
out:
	st_buf_release(&want);
	free(copy);
	return rc;
}

/* Make OUTDIR.d/<build-id>: UTC time to the nanosecond, so names sort in
 * build order. */
static int make_build_dir(struct build *b, struct st_error *err)
{
	char *copy = st_xstrdup(b->o->outdir);
	const char *base = basename(copy);
	struct st_buf dir = ST_BUF_INIT, target = ST_BUF_INIT;
	struct timespec ts;
	struct tm tm;
	char id[64];
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	for (int attempt = 0;; attempt++) {
		if (!strftime(id, sizeof(id), "%Y%m%dT%H%M%S", &tm)) {
			rc = st_error_set(err, ST_ERROR, "bad clock");
			goto out;
		}
		st_buf_reset(&dir);
		st_buf_reset(&target);
		st_buf_addf(&target, "%s.d/%s.%09ldZ-%d", base, id,
			    (long)ts.tv_nsec, attempt);
		st_buf_addf(&dir, "%s.d/%s.%09ldZ-%d", b->o->outdir, id,
			    (long)ts.tv_nsec, attempt);
		if (mkdir(dir.buf, 0755) == 0)
			break;
		if (errno != EEXIST || attempt > 100) {
			rc = st_error_set(err, ST_ERROR,
					  "cannot create '%s': %s", dir.buf,
					  strerror(errno));
			goto out;
		}
	}
	b->dir = st_buf_detach(&dir, NULL);
	b->link_target = st_buf_detach(&target, NULL);
out:
	st_buf_release(&dir);
	st_buf_release(&target);
	free(copy);
	return rc;
}

static int write_manifest(struct build *b, struct st_error *err)
{
	json_t *root = json_object();
	char *text;
	struct st_buf path = ST_BUF_INIT;
	int rc;

	json_object_set_new(root, "generator", json_string(GENERATOR));
	json_object_set(root, "outputs", b->manifest);
	text = json_dumps(root, JSON_INDENT(1) | JSON_SORT_KEYS);
	json_decref(root);
	st_buf_addf(&path, "%s/%s", b->dir, WEB_MANIFEST_NAME);
	rc = write_file(path.buf, text, strlen(text), err);
	free(text);
	st_buf_release(&path);
	return rc;
}

/* Switch OUTDIR to the new build: a new link renamed over the old one,
 * which rename(2) does atomically. */
static int publish(struct build *b, struct st_error *err)
{
	struct st_buf tmp = ST_BUF_INIT;
	int rc = 0;

	st_buf_addf(&tmp, "%s.new-%ld", b->o->outdir, (long)getpid());
	unlink(tmp.buf);
	if (symlink(b->link_target, tmp.buf) < 0 ||
	    rename(tmp.buf, b->o->outdir) < 0) {
		rc = st_error_set(err, ST_ERROR, "cannot publish '%s': %s",
				  b->o->outdir, strerror(errno));
		unlink(tmp.buf);
	}
	st_buf_release(&tmp);
	return rc;
}

static int cmp_str_desc(const void *x, const void *y)
{
	return strcmp(*(char *const *)y, *(char *const *)x);
}

/* Remove all but the newest keep builds (never the new one). */
static void prune(struct build *b, unsigned keep)
{
	DIR *d = opendir(b->builds);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, kept = 0;
	const char *current = strrchr(b->dir, '/') + 1;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		names = st_xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = st_xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str_desc);
	for (size_t i = 0; i < n; i++) {
		struct st_buf p = ST_BUF_INIT;

		if (!strcmp(names[i], current) || kept < keep) {
			kept++;
		} else {
			st_buf_addf(&p, "%s/%s", b->builds, names[i]);
			if (remove_tree(p.buf) == 0)
				b->stats->pruned++;
			else
				st_log(ST_LOG_WARN, "web: cannot remove '%s'",
				       p.buf);
			st_buf_release(&p);
		}
		free(names[i]);
	}
	free(names);
}

static void build_release(struct build *b)
{
	for (size_t i = 0; i < b->nsrc; i++) {
		free(b->srcs[i].rel);
		free(b->srcs[i].out);
		free(b->srcs[i].text);
		web_page_release(&b->srcs[i].fm);
	}
	free(b->srcs);
	for (size_t i = 0; i < b->nlayout; i++) {
		free(b->layouts[i].name);
		free(b->layouts[i].text);
	}
	free(b->layouts);
	for (size_t i = 0; i < b->nhtml; i++) {
		free(b->html[i].path);
		free(b->html[i].date);
	}
	free(b->html);
	st_buf_release(&b->nav_html);
	json_decref(b->prev_manifest);
	json_decref(b->manifest);
	free(b->builds);
	free(b->prev);
	free(b->dir);
	free(b->link_target);
	free(b->base_owned);
}

static int build_all(struct build *b, struct web_data *data,
		     struct st_error *err)
{
	int rc = 0;

	for (size_t i = 0; i < b->nsrc; i++) {
		const struct src *s = &b->srcs[i];

		if (!s->is_md)
			continue;
		if (!strcmp(s->out, "index.html"))
			b->has_index = true;
		else if (!strcmp(s->out, "news/index.html"))
			b->has_news_index = true;
		else if (!strcmp(s->out, "releases/index.html"))
			b->has_rel_index = true;
		else if (in_section(s, "news"))
			b->nnews++;
		else if (in_section(s, "releases"))
			b->nrel++;
	}
	make_nav(b, data);
	for (size_t i = 0; i < b->nsrc && !rc; i++)
		rc = b->srcs[i].is_md ? build_md(b, &b->srcs[i], err)
				      : build_asset(b, &b->srcs[i], err);
	if (!rc && !b->has_index)
		rc = build_home(b, err);
	if (!rc && b->nnews && !b->has_news_index)
		rc = build_section_index(b, "news", "News", err);
	if (!rc && (b->nnews || b->has_news_index))
		rc = build_feed(b, "news", "News", err);
	if (!rc && b->nrel && !b->has_rel_index)
		rc = build_section_index(b, "releases", "Releases", err);
	if (!rc && (b->nrel || b->has_rel_index))
		rc = build_feed(b, "releases", "Releases", err);
	if (!rc)
		rc = build_data(b, data, err);
	if (!rc)
		rc = build_fixed(b, err);
	if (!rc)
		rc = build_sitemap(b, err);
	if (!rc)
		rc = write_manifest(b, err);
	return rc;
}

int web_site_build(struct web_build_stats *out,
		   const struct web_site_opts *opts, struct st_error *err)
{
	struct web_site_opts copy = *opts;
	const struct web_site_opts *o = &copy;
	char *outdir = st_xstrdup(opts->outdir);
	size_t n = strlen(outdir);
	struct build b;
	struct web_data data = WEB_DATA_INIT;
	struct st_buf lock = ST_BUF_INIT;
	int lockfd = -1;
	int rc;

	/* "site/" names the link "site", not something inside it. */
	while (n > 1 && outdir[n - 1] == '/')
		outdir[--n] = 0;
	copy.outdir = outdir;
	memset(out, 0, sizeof(*out));
	memset(&b, 0, sizeof(b));
	b.o = o;
	b.stats = out;
	b.site = o->site_name ? o->site_name : "Steward";
	b.base = o->base_url ? o->base_url : "http://localhost/";
	if (!has_suffix(b.base, "/")) {
		b.base_owned = st_xmalloc(strlen(b.base) + 2);
		memcpy(b.base_owned, b.base, strlen(b.base));
		memcpy(b.base_owned + strlen(b.base), "/", 2);
		b.base = b.base_owned;
	}
	st_buf_init(&b.nav_html, 0);
	b.manifest = json_object();
	b.builds = st_xmalloc(strlen(o->outdir) + 3);
	memcpy(b.builds, o->outdir, strlen(o->outdir));
	memcpy(b.builds + strlen(o->outdir), ".d", 3);
	rc = find_previous(&b, err);
	if (rc < 0)
		goto out;
	if (mkdir(b.builds, 0755) < 0 && errno != EEXIST) {
		rc = st_error_set(err, ST_ERROR, "cannot create '%s': %s",
				  b.builds, strerror(errno));
		goto out;
	}
	st_buf_addf(&lock, "%s/.lock", b.builds);
	lockfd = open(lock.buf, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (lockfd < 0 || flock(lockfd, LOCK_EX | LOCK_NB) < 0) {
		rc = st_error_set(err, lockfd < 0 ? ST_ERROR : ST_EBUSY,
				  "cannot lock '%s': %s", lock.buf,
				  strerror(errno));
		goto out;
	}
	if (o->content_dir) {
		rc = walk(&b, "", 0, err);
		if (rc < 0)
			goto out;
		qsort(b.srcs, b.nsrc, sizeof(*b.srcs), cmp_src);
	}
	if (o->store || o->config) {
		rc = web_data_pages(&data, o->store, o->config, st_time_now(),
				    err);
		if (rc < 0)
			goto out;
	}
	rc = make_build_dir(&b, err);
	if (rc < 0)
		goto out;
	snprintf(out->build_dir, sizeof(out->build_dir), "%s", b.dir);
	rc = build_all(&b, &data, err);
	if (!rc)
		rc = web_links_check(b.dir, b.base, NULL, NULL,
				     &out->broken_links, err);
	if (!rc)
		rc = publish(&b, err);
	if (rc < 0) {
		remove_tree(b.dir);
		goto out;
	}
	prune(&b, o->keep ? o->keep : 2);
out:
	if (lockfd >= 0)
		close(lockfd);
	st_buf_release(&lock);
	web_data_release(&data);
	build_release(&b);
	free(outdir);
	return rc;
}
