/*
 * markdown.c: front matter parsing and cmark rendering of one page. The
 * front matter parser is deliberately tiny (key: value lines), not YAML.
 */
#include "markdown.h"

#include "common/util.h"
#include "common/xalloc.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

void web_page_release(struct web_page *p)
{
	free(p->title);
	free(p->date);
	free(p->layout);
	*p = (struct web_page)WEB_PAGE_INIT;
}

/* A copy of [s, s + n) without surrounding blanks and one pair of
 * matching quotes. */
static char *dup_value(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0]) {
		s++;
		n -= 2;
	}
	return st_xmemdupz(s, n);
}

static bool is_layout_name(const char *s)
{
	if (!*s || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return false;
	return true;
}

/* Apply one "key: value" line of the front matter. */
static int apply_line(struct web_page *p, const char *line, size_t n,
		      size_t lineno, struct st_error *err)
{
	const char *colon = memchr(line, ':', n);
	size_t klen;
	char *v;
	int rc = 0;

	if (!colon)
		return st_error_set(err, ST_EINVALID,
				    "front matter line %zu has no 'key:'",
				    lineno);
	klen = (size_t)(colon - line);
	v = dup_value(colon + 1, n - klen - 1);
	if (klen == 5 && !memcmp(line, "title", 5)) {
		free(p->title);
		p->title = v;
		v = NULL;
	} else if (klen == 4 && !memcmp(line, "date", 4)) {
		rc = st_parse_date(&p->time, v, err);
		if (rc < 0)
			goto out;
		free(p->date);
		p->date = v;
		v = NULL;
	} else if (klen == 6 && !memcmp(line, "layout", 6)) {
		if (!is_layout_name(v)) {
			rc = st_error_set(err, ST_EINVALID,
					  "bad layout name '%s'", v);
			goto out;
		}
		free(p->layout);
		p->layout = v;
		v = NULL;
	} else if (klen == 8 && !memcmp(line, "raw_html", 8)) {
		if (!strcmp(v, "true"))
			p->raw_html = true;
		else if (!strcmp(v, "false"))
			p->raw_html = false;
		else
			rc = st_error_set(err, ST_EINVALID,
					  "raw_html must be true or false, "
					  "not '%s'",
					  v);
	}
out:
	free(v);
	return rc;
}

int web_page_parse(struct web_page *out, const char *text, size_t len,
		   struct st_error *err)
{
	const char *p, *end = text + len;
	size_t lineno = 1;
	int rc = 0;

	*out = (struct web_page)WEB_PAGE_INIT;
	if (len > WEB_PAGE_MAX)
		return st_error_set(err, ST_ETOOBIG,
				    "page is larger than %u bytes",
				    WEB_PAGE_MAX);
	if (len < 4 || memcmp(text, "---", 3) ||
	    (text[3] != '\n' &&
	     !(text[3] == '\r' && len > 4 && text[4] == '\n')))
		return 0;
	p = memchr(text, '\n', len) + 1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		size_t t = n;

		lineno++;
		while (t && (p[t - 1] == '\r' || p[t - 1] == ' '))
			t--;
		if (t == 3 && !memcmp(p, "---", 3)) {
			out->body_offset = nl ? (size_t)(nl + 1 - text) : len;
			return 0;
		}
		if (t && p[0] != '#') {
			rc = apply_line(out, p, t, lineno, err);
			if (rc < 0)
				goto fail;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	rc = st_error_set(err, ST_EINVALID,
			  "front matter is not closed by '---'");
fail:
	web_page_release(out);
	return rc;
}

int web_markdown_render(struct st_buf *out, const char *md, size_t len,
			bool raw_html, struct st_error *err)
{
	int opts = CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_SMART;
	char *html;
	int rc;

	if (len > WEB_PAGE_MAX)
		return st_error_set(err, ST_ETOOBIG,
				    "page is larger than %u bytes",
				    WEB_PAGE_MAX);
	/* cmark >= 0.29 is safe by default; say so for older ones too. */
	opts |= raw_html ? CMARK_OPT_UNSAFE : CMARK_OPT_SAFE;
	html = cmark_markdown_to_html(md, len, opts);
	if (!html)
		return st_error_set(err, ST_ERROR, "cmark failed");
	rc = st_buf_addstr(out, html);
	free(html);
	if (rc < 0)
		st_error_set(err, rc, "rendered page is too big");
	return rc;
}
