/*
 * links.c: the link checker (see links.h). It reads markup with a small
 * tag scanner, not a full HTML parser: enough for what cmark and our
 * layouts write, and for hand-written pages that opted in to raw HTML.
 */
#include "links.h"

#include "common/buf.h"
#include "common/util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_DEPTH 32
#define MAX_FILE  (64u << 20)

static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && !strcmp(s + n - m, suf);
}

static int read_file(struct st_buf *out, const char *path, struct st_error *err)
{
	char chunk[65536];
	FILE *f = fopen(path, "rb");
	size_t n;
	int rc = 0;

	st_buf_init(out, MAX_FILE);
	if (!f)
		return st_error_set(err, ST_ERROR, "cannot read '%s': %s", path,
				    strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (st_buf_add(out, chunk, n) < 0) {
			rc = st_error_set(err, ST_ETOOBIG,
					  "'%s' is too big to check", path);
			break;
		}
	if (!rc && ferror(f))
		rc = st_error_set(err, ST_ERROR, "cannot read '%s': %s", path,
				  strerror(errno));
	fclose(f);
	return rc;
}

struct checker {
	const char *root;
	const char *base;
	size_t base_len; /* without a final '/' */
	web_link_fn fn;
	void *data;
	size_t broken;
};

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode the character references our escapers and cmark write. */
static void decode_entities(struct st_buf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *semi;
		unsigned long c = 0;
		size_t j;

		if (s[i] != '&' || !(semi = memchr(s + i, ';', n - i)) ||
		    semi - (s + i) > 10) {
			st_buf_addch(out, s[i]);
			continue;
		}
		j = (size_t)(semi - s);
		if (!strncmp(s + i, "&amp;", 5))
			c = '&';
		else if (!strncmp(s + i, "&lt;", 4))
			c = '<';
		else if (!strncmp(s + i, "&gt;", 4))
			c = '>';
		else if (!strncmp(s + i, "&quot;", 6))
			c = '"';
		else if (s[i + 1] == '#' &&
			 (s[i + 2] == 'x' || s[i + 2] == 'X'))
			c = strtoul(s + i + 3, NULL, 16);
		else if (s[i + 1] == '#')
			c = strtoul(s + i + 2, NULL, 10);
		if (!c || c > 0x7f) {
			/* Not ours: keep as written (paths are ASCII or
			 * percent-encoded in what we generate). */
			st_buf_add(out, s + i, j + 1 - i);
		} else {
			st_buf_addch(out, (int)c);
		}
		i = j;
	}
}

/* Percent-decode in place; false for an encoded NUL or slash. */
static bool percent_decode(struct st_buf *b)
{
	size_t w = 0;

	for (size_t r = 0; r < b->len; r++) {
		int hi, lo;

		if (b->buf[r] == '%' && r + 2 < b->len + 0 &&
		    (hi = hexval(b->buf[r + 1])) >= 0 &&
		    (lo = hexval(b->buf[r + 2])) >= 0) {
			int c = hi * 16 + lo;

			if (c == 0 || c == '/')
				return false;
			b->buf[w++] = (char)c;
			r += 2;
		} else {
			b->buf[w++] = b->buf[r];
		}
	}
	st_buf_setlen(b, w);
	return true;
}

/*
 * Resolve href (decoded) found in page to a path under root and check it
 * is there. Returns true for links that are fine or not ours to check.
 */
static bool link_ok(const struct checker *c, const char *page, const char *href)
{
	struct st_buf path = ST_BUF_INIT, clean = ST_BUF_INIT;
	const char *p = href;
	const char *colon = strchr(href, ':');
	const char *slash = strchr(href, '/');
	size_t n;
	bool ok = false, want_dir;
	struct stat st;

	if (c->base_len && !strncmp(href, c->base, c->base_len) &&
	    (href[c->base_len] == '/' || !href[c->base_len])) {
		p = href[c->base_len] ? href + c->base_len : "/";
	} else if (!*href || *href == '#' || *href == '?' ||
		   !strncmp(href, "//", 2) ||
		   (colon && (!slash || colon < slash))) {
		return true; /* fragment, other site, mailto: ... */
	}
	n = strcspn(p, "?#");
	/* "x/" names a folder (its index.html), even when x is a file. */
	want_dir = n > 0 && p[n - 1] == '/';
	if (*p != '/') {
		const char *ps = strrchr(page, '/');

		if (ps)
			st_buf_add(&path, page, (size_t)(ps - page));
		st_buf_addch(&path, '/');
	}
	st_buf_add(&path, p, n);
	if (!percent_decode(&path))
		goto out;
	/* Normalise segments; ".." above the root is broken. */
	{
		char *save = path.buf;
		const char *seg = save;

		while (*seg) {
			const char *end = strchr(seg, '/');
			size_t len = end ? (size_t)(end - seg) : strlen(seg);

			if (len == 0 || (len == 1 && seg[0] == '.')) {
				/* skip */
			} else if (len == 2 && seg[0] == '.' && seg[1] == '.') {
				char *last = strrchr(clean.buf, '/');

				if (!last)
					goto out;
				st_buf_setlen(&clean,
					      (size_t)(last - clean.buf));
			} else {
				st_buf_addch(&clean, '/');
				st_buf_add(&clean, seg, len);
			}
			if (!end)
				break;
			seg = end + 1;
		}
	}
	st_buf_reset(&path);
	st_buf_addf(&path, "%s%s", c->root, clean.buf);
	if (want_dir || !clean.len ||
	    (stat(path.buf, &st) == 0 && S_ISDIR(st.st_mode)))
		st_buf_addstr(&path, "/index.html");
	ok = lstat(path.buf, &st) == 0 && S_ISREG(st.st_mode);
out:
	st_buf_release(&path);
	st_buf_release(&clean);
	return ok;
}

static void check_value(struct checker *c, const char *page, const char *v,
			size_t n)
{
	struct st_buf href = ST_BUF_INIT;

	decode_entities(&href, v, n);
	if (!link_ok(c, page, href.buf)) {
		c->broken++;
		if (c->fn)
			c->fn(page, href.buf, c->data);
	}
	st_buf_release(&href);
}

/* Check the href and src attributes of the tag at t[0] == '<'; returns
 * the length of the tag. Quoted values may hold '>'. */
static size_t check_tag(struct checker *c, const char *page, const char *t,
			size_t len)
{
	size_t i = 1;

	while (i < len && t[i] != '>') {
		size_t name, nlen, vstart, vend;

		if (t[i] != ' ' && t[i] != '\n' && t[i] != '\t' &&
		    t[i] != '\r') {
			i++;
			continue;
		}
		while (i < len && (t[i] == ' ' || t[i] == '\n' ||
				   t[i] == '\t' || t[i] == '\r'))
			i++;
		name = i;
		while (i < len && (isalnum((unsigned char)t[i]) ||
				   t[i] == '-' || t[i] == ':'))
			i++;
		nlen = i - name;
		if (i >= len || t[i] != '=')
			continue;
		i++;
		if (i < len && (t[i] == '"' || t[i] == '\'')) {
			const char *e = memchr(t + i + 1, t[i], len - i - 1);

			if (!e)
				return len;
			vstart = i + 1;
			vend = (size_t)(e - t);
			i = vend + 1;
		} else {
			vstart = i;
			while (i < len && t[i] != ' ' && t[i] != '>' &&
			       t[i] != '\n' && t[i] != '\t')
				i++;
			vend = i;
		}
		if ((nlen == 4 && !st_strncasecmp(t + name, "href", 4)) ||
		    (nlen == 3 && !st_strncasecmp(t + name, "src", 3)))
			check_value(c, page, t + vstart, vend - vstart);
	}
	return i;
}

/* Scan markup for tags with links and for sitemap <loc> elements;
 * comments are skipped. */
static void check_text(struct checker *c, const char *page, const char *t,
		       size_t len)
{
	for (size_t i = 0; i < len; i++) {
		const char *end;

		if (t[i] != '<')
			continue;
		if (i + 4 <= len && !memcmp(t + i, "<!--", 4)) {
			end = strstr(t + i + 4, "-->");
			if (!end)
				return;
			i = (size_t)(end - t) + 2;
		} else if (i + 5 <= len && !memcmp(t + i, "<loc>", 5)) {
			end = strstr(t + i + 5, "</loc>");
			if (!end)
				return;
			check_value(c, page, t + i + 5,
				    (size_t)(end - t - i - 5));
			i = (size_t)(end - t);
		} else {
			i += check_tag(c, page, t + i, len - i);
		}
	}
}

static int check_dir(struct checker *c, const char *rel, int depth,
		     struct st_error *err)
{
	struct st_buf dir = ST_BUF_INIT;
	DIR *d;
	struct dirent *e;
	int rc = 0;

	st_buf_addstr(&dir, c->root);
	if (*rel)
		st_buf_addf(&dir, "/%s", rel);
	d = opendir(dir.buf);
	if (!d) {
		rc = st_error_set(err, ST_ERROR, "cannot read '%s': %s",
				  dir.buf, strerror(errno));
		goto out;
	}
	while (!rc && (e = readdir(d))) {
		struct st_buf child = ST_BUF_INIT, full = ST_BUF_INIT,
			      text = ST_BUF_INIT;
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		if (*rel)
			st_buf_addf(&child, "%s/", rel);
		st_buf_addstr(&child, e->d_name);
		st_buf_addf(&full, "%s/%s", dir.buf, e->d_name);
		if (lstat(full.buf, &st) == 0 && S_ISDIR(st.st_mode) &&
		    depth < MAX_DEPTH) {
			rc = check_dir(c, child.buf, depth + 1, err);
		} else if (S_ISREG(st.st_mode) &&
			   (has_suffix(e->d_name, ".html") ||
			    has_suffix(e->d_name, ".xml"))) {
			rc = read_file(&text, full.buf, err);
			if (!rc)
				check_text(c, child.buf, text.buf, text.len);
		}
		st_buf_release(&child);
		st_buf_release(&full);
		st_buf_release(&text);
	}
	closedir(d);
out:
	st_buf_release(&dir);
	return rc;
}

int web_links_check(const char *root, const char *base_url, web_link_fn fn,
		    void *data, size_t *broken, struct st_error *err)
{
	struct checker c = {root, base_url, 0, fn, data, 0};
	int rc;

	if (base_url) {
		c.base_len = strlen(base_url);
		while (c.base_len && base_url[c.base_len - 1] == '/')
			c.base_len--;
	}
	rc = check_dir(&c, "", 0, err);

	*broken = c.broken;
	return rc;
}
