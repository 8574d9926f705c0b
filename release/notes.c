/*
 * notes.c: release notes from history. See notes.h.
 */
#include "notes.h"

#include "common/html.h"
#include "common/util.h"
#include "common/xalloc.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

struct change {
	char *area; /* "x86/mm", or "" for none */
	char *subject;
	char id[13];
	char *xsa;  /* "XSA-123" or NULL */
	size_t seq; /* position in history, oldest first */
};

/* A person credited by a trailer kind, with a count. */
struct credit {
	char *name;
	size_t count;
};

struct credits {
	struct credit *v;
	size_t n;
};

/* The credit sections, in print order: trailer keys, heading. */
static const struct {
	const char *keys[3];
	const char *heading;
} kinds[] = {
	{{"author", NULL, NULL}, "Authors"},
	{{"reviewed-by", "acked-by", NULL}, "Reviewed and acked by"},
	{{"tested-by", NULL, NULL}, "Tested by"},
	{{"reported-by", "suggested-by", NULL}, "Reported and suggested by"},
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static void credit_add(struct credits *c, const char *name, size_t len)
{
	for (size_t i = 0; i < c->n; i++)
		if (strlen(c->v[i].name) == len &&
		    !memcmp(c->v[i].name, name, len)) {
			c->v[i].count++;
			return;
		}
	c->v = st_xreallocarray(c->v, c->n + 1, sizeof(*c->v));
	c->v[c->n].name = st_xstrndup(name, len);
	c->v[c->n++].count = 1;
}

/* "Name <mail>" → "Name" (trimmed); a bare address stays. */
static void credit_person(struct credits *c, const char *value)
{
	const char *lt = strchr(value, '<');
	size_t len = lt && lt > value ? (size_t)(lt - value) : strlen(value);

	while (len && (value[len - 1] == ' ' || value[len - 1] == '\t'))
		len--;
	if (len)
		credit_add(c, value, len);
}

static int cmp_credit(const void *a, const void *b)
{
	const struct credit *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* Markdown-escape text so a subject cannot start a list, link or HTML. */
static void md_text(struct st_buf *out, const char *s)
{
	for (; *s; s++) {
		if (strchr("\\`*_[]<>&!|~#", *s))
			st_buf_addch(out, '\\');
		st_buf_addch(out, *s);
	}
}

static void find_xsa(struct change *ch, const char *msg)
{
	for (const char *p = msg; (p = strstr(p, "XSA-")); p += 4) {
		size_t n = strspn(p + 4, "0123456789");

		if (n && n < 8) {
			ch->xsa = st_xstrndup(p, 4 + n);
			return;
		}
	}
}

static void parse_area(struct change *ch, const char *subject)
{
	const char *colon = strstr(subject, ": ");
	size_t n = colon ? (size_t)(colon - subject) : 0;

	if (n && n < 40 && !memchr(subject, ' ', n)) {
		ch->area = st_xstrndup(subject, n);
		ch->subject = st_xstrdup(colon + 2);
	} else {
		ch->area = st_xstrdup("");
		ch->subject = st_xstrdup(subject);
	}
}

static void add_trailers(struct credits *cr, const char *msg)
{
	git_message_trailer_array t = {0};

	if (git_message_trailers(&t, msg) < 0)
		return;
	for (size_t i = 0; i < t.count; i++)
		for (size_t k = 1; k < NKINDS; k++)
			for (size_t j = 0; j < 3 && kinds[k].keys[j]; j++)
				if (strlen(t.trailers[i].key) ==
					    strlen(kinds[k].keys[j]) &&
				    !st_strncasecmp(t.trailers[i].key,
						    kinds[k].keys[j],
						    strlen(kinds[k].keys[j])))
					credit_person(&cr[k],
						      t.trailers[i].value);
	git_message_trailer_array_free(&t);
}

static int cmp_change(const void *a, const void *b)
{
	const struct change *x = a, *y = b;

	/* Changes without an area go last; stable within an area. */
	if (!*x->area != !*y->area)
		return *x->area ? -1 : 1;
	if (strcmp(x->area, y->area))
		return strcmp(x->area, y->area);
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int push_rev(git_revwalk *w, git_repository *repo, const char *rev,
		    bool hide, struct st_error *err)
{
	git_object *obj = NULL, *peeled = NULL;
	int rc = 0;

	if (git_revparse_single(&obj, repo, rev) < 0 ||
	    git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0)
		rc = st_error_set(err, ST_ENOTFOUND, "unknown revision '%s'",
				  rev);
	else if ((hide ? git_revwalk_hide(w, git_object_id(peeled))
		       : git_revwalk_push(w, git_object_id(peeled))) < 0)
		rc = st_error_set(err, ST_ERROR, "cannot walk '%s'", rev);
	git_object_free(peeled);
	git_object_free(obj);
	return rc;
}

static void write_md(struct st_buf *out, const char *title, const char *since,
		     const char *to, struct change *v, size_t n,
		     struct credits *cr)
{
	size_t nxsa = 0;
	const char *area = NULL;

	st_buf_addstr(out, "# ");
	md_text(out, title);
	st_buf_addstr(out, "\n\n");
	st_buf_addf(out, "%zu changes", n);
	if (since) {
		st_buf_addstr(out, " since ");
		md_text(out, since);
	}
	st_buf_addstr(out, " up to ");
	md_text(out, to);
	st_buf_addf(out, ", by %zu authors.\n", cr[0].n);
	for (size_t i = 0; i < n; i++)
		nxsa += v[i].xsa != NULL;
	if (nxsa) {
		st_buf_addstr(out, "\n## Security fixes\n\n");
		for (size_t i = 0; i < n; i++) {
			if (!v[i].xsa)
				continue;
			st_buf_addf(out, "- **%s**: ", v[i].xsa);
			if (*v[i].area) {
				md_text(out, v[i].area);
				st_buf_addstr(out, ": ");
			}
			md_text(out, v[i].subject);
			st_buf_addf(out, " (`%s`)\n", v[i].id);
		}
	}
	st_buf_addstr(out, "\n## Changes\n");
	for (size_t i = 0; i < n; i++) {
		if (!area || strcmp(area, v[i].area)) {
			area = v[i].area;
			st_buf_addstr(out, "\n### ");
			if (*area)
				md_text(out, area);
			else
				st_buf_addstr(out, "Other");
			st_buf_addstr(out, "\n\n");
		}
		st_buf_addstr(out, "- ");
		md_text(out, v[i].subject);
		st_buf_addf(out, " (`%s`)\n", v[i].id);
	}
	st_buf_addstr(out, "\n## Credits\n");
	for (size_t k = 0; k < NKINDS; k++) {
		if (!cr[k].n)
			continue;
		qsort(cr[k].v, cr[k].n, sizeof(*cr[k].v), cmp_credit);
		st_buf_addf(out, "\n%s: ", kinds[k].heading);
		for (size_t i = 0; i < cr[k].n; i++) {
			if (i)
				st_buf_addstr(out, ", ");
			md_text(out, cr[k].v[i].name);
		}
		st_buf_addstr(out, ".\n");
	}
}

int rel_notes_markdown(struct st_buf *out, git_repository *repo,
		       const char *title, const char *since, const char *to,
		       struct st_error *err)
{
	struct credits cr[NKINDS] = {{0}};
	struct change *v = NULL;
	git_revwalk *w = NULL;
	size_t n = 0;
	git_oid oid;
	int rc;

	if (git_revwalk_new(&w, repo) < 0)
		return st_error_set(err, ST_ERROR, "cannot walk history");
	git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	rc = push_rev(w, repo, to, false, err);
	if (rc == 0 && since)
		rc = push_rev(w, repo, since, true, err);
	while (rc == 0 && git_revwalk_next(&oid, w) == 0) {
		git_commit *c = NULL;
		struct change *ch;

		if (git_commit_lookup(&c, repo, &oid) < 0) {
			rc = st_error_set(err, ST_ENOTFOUND,
					  "cannot read a commit");
			break;
		}
		if (git_commit_parentcount(c) > 1) {
			git_commit_free(c);
			continue;
		}
		v = st_xreallocarray(v, n + 1, sizeof(*v));
		ch = &v[n++];
		memset(ch, 0, sizeof(*ch));
		ch->seq = n;
		git_oid_tostr(ch->id, sizeof(ch->id), &oid);
		parse_area(ch,
			   git_commit_summary(c) ? git_commit_summary(c) : "");
		find_xsa(ch, git_commit_message(c));
		credit_person(&cr[0], git_commit_author(c)->name);
		add_trailers(cr, git_commit_message(c));
		git_commit_free(c);
	}
	if (rc == 0) {
		/* By area, in history order inside each area. */
		if (n)
			qsort(v, n, sizeof(*v), cmp_change);
		write_md(out, title, since, to, v, n, cr);
	}
	for (size_t i = 0; i < n; i++) {
		free(v[i].area);
		free(v[i].subject);
		free(v[i].xsa);
	}
	free(v);
	for (size_t k = 0; k < NKINDS; k++) {
		for (size_t i = 0; i < cr[k].n; i++)
			free(cr[k].v[i].name);
		free(cr[k].v);
	}
	git_revwalk_free(w);
	return rc;
}

int rel_notes_html(struct st_buf *out, const char *title, const char *markdown,
		   struct st_error *err)
{
	char *html = cmark_markdown_to_html(markdown, strlen(markdown),
					    CMARK_OPT_DEFAULT | CMARK_OPT_SAFE);

	if (!html)
		return st_error_set(err, ST_ERROR, "cannot render markdown");
	st_buf_addstr(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
			   "<meta charset=\"utf-8\">\n<title>");
	st_html_text(out, title);
	st_buf_addstr(out, "</title>\n</head>\n<body>\n");
	st_buf_addstr(out, html);
	st_buf_addstr(out, "</body>\n</html>\n");
	free(html);
	return 0;
}
