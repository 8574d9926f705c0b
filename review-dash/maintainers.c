/*
 * maintainers.c: the MAINTAINERS parser and get_maintainer.pl's path
 * matching (file_match_pattern and its specificity ordering).
 */
#include "maintainers.h"

#include "common/buf.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	char tag;
	char *value;
};

struct section {
	char *title;
	struct entry *entries;
	size_t n, alloc;
	bool is_rest;
};

struct rd_maintainers {
	struct section *s;
	size_t n, alloc;
};

void rd_maintainers_free(struct rd_maintainers *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		for (size_t j = 0; j < m->s[i].n; j++)
			free(m->s[i].entries[j].value);
		free(m->s[i].entries);
		free(m->s[i].title);
	}
	free(m->s);
	free(m);
}

/* "X:\tvalue" or "X: value" with X an upper-case letter. */
static bool is_tag_line(const char *l, size_t n)
{
	return n >= 3 && l[0] >= 'A' && l[0] <= 'Z' && l[1] == ':' &&
	       (l[2] == '\t' || l[2] == ' ');
}

static void add_entry(struct section *sec, char tag, const char *v, size_t n)
{
	while (n && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r'))
		n--;
	if (!n)
		return;
	if (sec->n == sec->alloc) {
		sec->alloc = sec->alloc ? 2 * sec->alloc : 8;
		sec->entries = st_xreallocarray(sec->entries, sec->alloc,
						sizeof(*sec->entries));
	}
	sec->entries[sec->n].tag = tag;
	sec->entries[sec->n].value = st_xmemdupz(v, n);
	sec->n++;
}

int rd_maintainers_parse(struct rd_maintainers **out, const char *text,
			 size_t len, struct st_error *err)
{
	struct rd_maintainers *m;
	const char *p = text, *end = text + len;
	const char *title = NULL;
	size_t title_len = 0;
	struct section *cur = NULL;

	*out = NULL;
	if (len > RD_MAINTAINERS_MAX)
		return st_error_set(err, ST_ETOOBIG,
				    "MAINTAINERS file is too large");
	m = st_xcalloc(1, sizeof(*m));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (n && p[n - 1] == '\r')
			n--;
		if (is_tag_line(p, n)) {
			if (!cur && title) {
				if (m->n == m->alloc) {
					m->alloc = m->alloc ? 2 * m->alloc : 64;
					m->s = st_xreallocarray(m->s, m->alloc,
								sizeof(*m->s));
				}
				cur = &m->s[m->n++];
				memset(cur, 0, sizeof(*cur));
				cur->title = st_xmemdupz(title, title_len);
				cur->is_rest = !strcmp(cur->title, "THE REST");
			}
			if (cur)
				add_entry(cur, p[0], p + 3, n - 3);
		} else {
			/* A title for the tag lines that follow, if any. */
			cur = NULL;
			title = n ? p : NULL;
			title_len = n;
		}
		p = nl ? nl + 1 : end;
	}
	*out = m;
	return 0;
}

int rd_maintainers_load(struct rd_maintainers **out, const char *path,
			struct st_error *err)
{
	struct st_buf b = ST_BUF_INIT;
	char chunk[8192];
	FILE *f = fopen(path, "rb");
	size_t n;
	int rc = 0;

	*out = NULL;
	if (!f)
		return st_error_set(err, ST_ENOTFOUND, "cannot read '%s': %s",
				    path, strerror(errno));
	st_buf_init(&b, RD_MAINTAINERS_MAX);
	while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		rc = st_buf_add(&b, chunk, n);
	if (rc < 0)
		rc = st_error_set(err, ST_ETOOBIG, "'%s' is too large", path);
	else if (ferror(f))
		rc = st_error_set(err, ST_ERROR, "cannot read '%s'", path);
	fclose(f);
	if (rc == 0)
		rc = rd_maintainers_parse(out, b.buf, b.len, err);
	st_buf_release(&b);
	return rc;
}

size_t rd_maintainers_count(const struct rd_maintainers *m)
{
	return m->n;
}

const char *rd_maintainers_title(const struct rd_maintainers *m, size_t i)
{
	return m->s[i].title;
}

/* Does pattern (with * and ?) match a prefix of s? get_maintainer.pl
 * turns the glob into a regex anchored only at the start. */
static bool prefix_glob(const char *pat, const char *s)
{
	for (;;) {
		if (!*pat)
			return true;
		if (*pat == '*') {
			while (*pat == '*')
				pat++;
			if (!*pat)
				return true;
			for (const char *t = s;; t++) {
				if (prefix_glob(pat, t))
					return true;
				if (!*t)
					return false;
			}
		}
		if (!*s)
			return false;
		if (*pat != '?' && *pat != *s)
			return false;
		pat++;
		s++;
	}
}

static size_t slashes(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '/';
	return n;
}

static bool file_match(const char *file, const char *pattern)
{
	size_t len = strlen(pattern);

	if (!prefix_glob(pattern, file))
		return false;
	if (len && pattern[len - 1] == '/')
		return true;
	return slashes(file) == slashes(pattern);
}

/* The specificity of the best F: pattern of sec matching file, or -2 when
 * sec does not cover file. */
static int section_depth(const struct section *sec, const char *file)
{
	int best = -2;

	for (size_t j = 0; j < sec->n; j++)
		if (sec->entries[j].tag == 'X' &&
		    file_match(file, sec->entries[j].value))
			return -2;
	for (size_t j = 0; j < sec->n; j++) {
		const char *v = sec->entries[j].value;
		size_t len = strlen(v);
		int d;

		if (sec->entries[j].tag != 'F' || !file_match(file, v))
			continue;
		d = (int)slashes(v);
		if (len && v[len - 1] != '/')
			d++;
		if (v[0] == '*')
			d = -1;
		if (d > best)
			best = d;
	}
	return best;
}

size_t rd_maintainers_match(const struct rd_maintainers *m, const char *path,
			    size_t *out, size_t max)
{
	size_t count = 0, rest = (size_t)-1;
	int *depth = st_xcalloc(max ? max : 1, sizeof(*depth));

	for (size_t i = 0; i < m->n; i++) {
		int d = section_depth(&m->s[i], path);
		size_t k;

		if (d < -1)
			continue;
		if (m->s[i].is_rest) {
			rest = i;
			continue;
		}
		/* Insert sorted by depth, most specific first, stable. */
		if (count < max) {
			for (k = count; k > 0 && depth[k - 1] < d; k--) {
				out[k] = out[k - 1];
				depth[k] = depth[k - 1];
			}
			out[k] = i;
			depth[k] = d;
		}
		count++;
	}
	if (count == 0 && rest != (size_t)-1) {
		if (max)
			out[0] = rest;
		count = 1;
	}
	free(depth);
	return count;
}

int rd_maintainers_foreach(const struct rd_maintainers *m, size_t i,
			   const char *tags, rd_maintainers_fn fn, void *data)
{
	const struct section *sec = &m->s[i];

	for (size_t j = 0; j < sec->n; j++) {
		int rc;

		if (!strchr(tags, sec->entries[j].tag))
			continue;
		rc = fn(sec->entries[j].tag, sec->entries[j].value, data);
		if (rc)
			return rc;
	}
	return 0;
}
