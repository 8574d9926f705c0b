/*
 * trailer.c: review trailers ("Reviewed-by: Name <email>") in mail bodies
 * and commit messages. A trailer line starts in column 0 with a known kind
 * and a colon; quoted and indented lines never are trailers. Kinds are
 * compared with case, dashes and spaces folded away, and a table maps the
 * misspellings seen in real histories to the canonical spelling.
 */
#include "review-dash/trailer.h"

#include "common/xalloc.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* A kind longer than this is not a kind. */
#define KIND_MAX 40
/* Values longer than this are prose, not a trailer. */
#define VALUE_MAX 1000
/* At most this many trailers are kept from one text. */
#define TRAILERS_MAX 512

struct kind_alias {
	const char *folded; /* lower case, no '-' or ' ' */
	const char *canonical;
};

/* Folded spellings, including misspellings found in Xen and Linux. */
static const struct kind_alias kinds[] = {
	{"signedoffby", "Signed-off-by"},
	{"signedofby", "Signed-off-by"},
	{"signoffby", "Signed-off-by"},
	{"signedoff", "Signed-off-by"},
	{"reviewedby", "Reviewed-by"},
	{"reviewdby", "Reviewed-by"},
	{"reveiwedby", "Reviewed-by"},
	{"reviwedby", "Reviewed-by"},
	{"reviewedb", "Reviewed-by"},
	{"reviewby", "Reviewed-by"},
	{"rewiewedby", "Reviewed-by"},
	{"reviewedoffby", "Reviewed-by"},
	{"ackedby", "Acked-by"},
	{"ackby", "Acked-by"},
	{"ackedoffby", "Acked-by"},
	{"ackeby", "Acked-by"},
	{"ackedb", "Acked-by"},
	{"testedby", "Tested-by"},
	{"testeby", "Tested-by"},
	{"reportedby", "Reported-by"},
	{"reportedoffby", "Reported-by"},
	{"suggestedby", "Suggested-by"},
	{"suggestedoffby", "Suggested-by"},
	{"releaseackedby", "Release-Acked-by"},
	{"releaseackby", "Release-Acked-by"},
	{"releaseacked", "Release-Acked-by"},
	{"releaseack", "Release-Acked-by"},
	{"reviewedandtestedby", "Reviewed-and-tested-by"},
	{"testedandreviewedby", "Reviewed-and-tested-by"},
	{"codevelopedby", "Co-developed-by"},
	{"coauthoredby", "Co-developed-by"},
	{"fixes", "Fixes"},
	{NULL, NULL},
};

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_kind_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
	       c == ' ';
}

const char *rd_trailer_canonical_kind(const char *kind, size_t len)
{
	char folded[KIND_MAX + 1];
	size_t n = 0;

	if (len > KIND_MAX)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (kind[i] == '-' || kind[i] == ' ' || kind[i] == '_')
			continue;
		folded[n++] = lower(kind[i]);
	}
	folded[n] = '\0';
	for (size_t i = 0; kinds[i].folded; i++)
		if (!strcmp(folded, kinds[i].folded))
			return kinds[i].canonical;
	return NULL;
}

/* Trim white space off both ends of [*p, *p + *n). */
static void trim(const char **p, size_t *n)
{
	while (*n && is_space(**p)) {
		(*p)++;
		(*n)--;
	}
	while (*n && is_space((*p)[*n - 1]))
		(*n)--;
}

static char *dup_trimmed(const char *p, size_t n)
{
	trim(&p, &n);
	/* A quoted display name: "Doe, Jane" <jane@example.org> */
	if (n >= 2 && p[0] == '"' && p[n - 1] == '"') {
		p++;
		n -= 2;
		trim(&p, &n);
	}
	return n ? st_xmemdupz(p, n) : NULL;
}

static char *dup_lower(const char *p, size_t n)
{
	char *s = st_xmemdupz(p, n);

	for (size_t i = 0; i < n; i++)
		s[i] = lower(s[i]);
	return s;
}

/*
 * Split value into person and area: "Name <email> # area",
 * "Name <email> [area]", "email", "email (Name)".
 */
static void parse_person(struct rd_trailer *t, const char *v, size_t n)
{
	const char *lt = memchr(v, '<', n);
	const char *gt = lt ? memchr(lt, '>', n - (size_t)(lt - v)) : NULL;
	const char *at;
	size_t start, end;

	if (lt && gt && gt > lt + 1) {
		t->name = dup_trimmed(v, (size_t)(lt - v));
		t->email = dup_lower(lt + 1, (size_t)(gt - lt) - 1);
		return;
	}
	at = memchr(v, '@', n);
	if (!at) {
		t->name = dup_trimmed(v, n);
		return;
	}
	/* A bare address, maybe followed by "(Name)". */
	start = (size_t)(at - v);
	while (start > 0 && !is_space(v[start - 1]))
		start--;
	end = (size_t)(at - v);
	while (end < n && !is_space(v[end]))
		end++;
	t->email = dup_lower(v + start, end - start);
	if (start > 0) {
		t->name = dup_trimmed(v, start);
	} else if (end < n) {
		const char *r = v + end;
		size_t rn = n - end;

		trim(&r, &rn);
		if (rn >= 2 && r[0] == '(' && r[rn - 1] == ')') {
			r++;
			rn -= 2;
		}
		t->name = dup_trimmed(r, rn);
	}
}

/* Fill t from a value (trimmed, non-empty). */
static void parse_value(struct rd_trailer *t, const char *v, size_t n)
{
	const char *hash = NULL;
	size_t person = n;

	/* "# area" after the address: the first " #" past any '>'. */
	{
		const char *gt = memchr(v, '>', n);
		size_t from = gt ? (size_t)(gt - v) : 0;

		for (size_t i = from; i + 1 < n; i++)
			if ((v[i] == ' ' || v[i] == '\t') && v[i + 1] == '#') {
				hash = v + i + 1;
				break;
			}
	}
	if (hash) {
		person = (size_t)(hash - v);
		t->area = dup_trimmed(hash + 1, n - person - 1);
	} else if (n > 2 && v[n - 1] == ']') {
		/* "Name <email> [area]": the last '[' after the address. */
		const char *gt = memchr(v, '>', n);
		size_t from = gt ? (size_t)(gt - v) : 0;

		for (size_t i = n - 1; i-- > from;)
			if (v[i] == '[') {
				person = i;
				t->area = dup_trimmed(v + i + 1, n - i - 2);
				break;
			}
	}
	trim(&v, &person);
	t->value = st_xmemdupz(v, person);
	if (strcmp(t->kind, "Fixes") != 0)
		parse_person(t, v, person);
}

/* One line: a trailer into out, or nothing. */
static void parse_line(struct rd_trailers *out, size_t *alloc, const char *l,
		       size_t n)
{
	const char *colon, *kind, *v;
	size_t klen, vn;
	struct rd_trailer *t;

	/* Column 0 only: quoted ("> Acked-by:") and indented lines are
	 * someone else's words. */
	if (!n ||
	    !((l[0] >= 'a' && l[0] <= 'z') || (l[0] >= 'A' && l[0] <= 'Z')))
		return;
	colon = memchr(l, ':', n < KIND_MAX + 1 ? n : KIND_MAX + 1);
	if (!colon)
		return;
	klen = (size_t)(colon - l);
	for (size_t i = 0; i < klen; i++)
		if (!is_kind_char(l[i]))
			return;
	kind = rd_trailer_canonical_kind(l, klen);
	if (!kind)
		return;
	v = colon + 1;
	vn = n - klen - 1;
	trim(&v, &vn);
	if (!vn || vn > VALUE_MAX || out->n >= TRAILERS_MAX)
		return;
	if (out->n == *alloc) {
		*alloc = *alloc ? *alloc * 2 : 8;
		out->items = st_xreallocarray(out->items, *alloc,
					      sizeof(*out->items));
	}
	t = &out->items[out->n++];
	memset(t, 0, sizeof(*t));
	t->kind = st_xstrdup(kind);
	parse_value(t, v, vn);
}

void rd_trailers_parse(struct rd_trailers *out, const char *text, size_t len)
{
	size_t alloc = 0, i = 0;

	out->items = NULL;
	out->n = 0;
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;

		parse_line(out, &alloc, text + i, end - i);
		i = end + 1;
	}
}

void rd_trailers_release(struct rd_trailers *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->items[i].kind);
		free(t->items[i].value);
		free(t->items[i].name);
		free(t->items[i].email);
		free(t->items[i].area);
	}
	free(t->items);
	t->items = NULL;
	t->n = 0;
}
