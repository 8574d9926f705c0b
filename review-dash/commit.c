/*
 * commit.c: commit objects read in place (see commit.h). The form taken
 * is git's: "tree HEX\n", "parent HEX\n"..., "author NAME <EMAIL> TIME
 * ZONE\n", "committer ...\n", other headers, a blank line, the message.
 * Where libgit2 would trim or repair something, the parse gives up, so
 * that every value given is libgit2's value.
 */
#include "review-dash/commit.h"

#include <stdbool.h>
#include <string.h>

#define PARENT_LINE (7 + GIT_OID_HEXSZ + 1) /* "parent " HEX "\n" */

static bool has_prefix(const char *p, const char *end, const char *prefix,
		       size_t n)
{
	return (size_t)(end - p) >= n && !memcmp(p, prefix, n);
}

/* "PREFIX HEX\n" at *p: the id, *p moved past the line. */
static bool header_oid(const char **p, const char *end, const char *prefix,
		       git_oid *out)
{
	size_t n = strlen(prefix);

	if (!has_prefix(*p, end, prefix, n) ||
	    (size_t)(end - *p) < n + GIT_OID_HEXSZ + 1 ||
	    (*p)[n + GIT_OID_HEXSZ] != '\n' ||
	    git_oid_fromstrn(out, *p + n, GIT_OID_HEXSZ) < 0)
		return false;
	*p += n + GIT_OID_HEXSZ + 1;
	return true;
}

/* libgit2's is_crud: what it trims off names and addresses. */
static bool is_crud(unsigned char c)
{
	return c <= 32 || c == '.' || c == ',' || c == ':' || c == ';' ||
	       c == '<' || c == '>' || c == '"' || c == '\\' || c == '\'';
}

/* "PREFIX NAME <EMAIL> TIME ZONE\n" with nothing libgit2 would trim or
 * refuse: a name and address without crud at their ends, one '<' and no
 * '>' after the address's (libgit2 takes the last of each), a time of
 * digits. */
static bool person(const char **p, const char *end, const char *prefix,
		   struct rd_commit_person *out)
{
	size_t n = strlen(prefix);
	const char *s = *p + n, *eol, *lt, *gt, *t;
	int64_t time = 0;
	int digits = 0;

	if (!has_prefix(*p, end, prefix, n))
		return false;
	eol = memchr(s, '\n', (size_t)(end - s));
	/* libgit2's strings end at a NUL; the line's length is not theirs. */
	if (!eol || memchr(s, '\0', (size_t)(eol - s)))
		return false;
	lt = memchr(s, '<', (size_t)(eol - s));
	gt = lt ? memchr(lt, '>', (size_t)(eol - lt)) : NULL;
	if (!lt || !gt || lt - s < 2 || lt[-1] != ' ' ||
	    memchr(lt + 1, '<', (size_t)(eol - lt - 1)) ||
	    memchr(gt + 1, '>', (size_t)(eol - gt - 1)) || gt - lt < 2 ||
	    is_crud((unsigned char)s[0]) || is_crud((unsigned char)lt[-2]) ||
	    is_crud((unsigned char)lt[1]) || is_crud((unsigned char)gt[-1]))
		return false;
	/* "> TIME ZONE": the zone is not read (libgit2 keeps it apart). */
	if (eol - gt < 3 || gt[1] != ' ')
		return false;
	for (t = gt + 2; t < eol && *t >= '0' && *t <= '9'; t++) {
		if (++digits > 15)
			return false;
		time = time * 10 + (*t - '0');
	}
	if (!digits || (t < eol && *t != ' '))
		return false;
	out->name = s;
	out->name_len = (size_t)(lt - 1 - s);
	out->email = lt + 1;
	out->email_len = (size_t)(gt - lt - 1);
	out->time = time;
	*p = eol + 1;
	return true;
}

int rd_commit_parse(struct rd_commit *c, const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	git_oid parent;

	memset(c, 0, sizeof(*c));
	if (!header_oid(&p, end, "tree ", &c->tree))
		return -1;
	c->parents_ = p;
	while (header_oid(&p, end, "parent ", &parent))
		c->nparents++;
	/* libgit2 skips a second author line: so does this, by giving
	 * up when the committer is not next. */
	if (!person(&p, end, "author ", &c->author) ||
	    !person(&p, end, "committer ", &c->committer))
		return -1;
	/* Other headers (encoding, gpgsig and its continuation lines...)
	 * up to the blank line; the message is what follows it. */
	while (p < end && *p != '\n') {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (!eol)
			return -1;
		p = eol + 1;
	}
	if (p < end)
		p++;
	c->message = p;
	c->message_len = (size_t)(end - p);
	return 0;
}

void rd_commit_parent(const struct rd_commit *c, size_t i, git_oid *out)
{
	git_oid_fromstrn(out, c->parents_ + i * PARENT_LINE + 7, GIT_OID_HEXSZ);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	       c == '\r';
}

void rd_commit_add_summary(struct st_buf *out, const char *msg, size_t len)
{
	const char *p = msg, *end = msg + len, *space = NULL;
	bool newline = false;

	/* git_commit_message: the raw message without its leading
	 * newlines. */
	while (p < end && *p == '\n')
		p++;
	for (; p < end && *p; p++) {
		if (*p == '\n') {
			const char *q = p + 1;

			/* The paragraph ends at a line of white space. */
			while (q < end && *q && *q != '\n' && is_space(*q))
				q++;
			if (q == end || !*q || *q == '\n')
				break;
		}
		if (is_space(*p)) {
			if (!space) {
				space = p;
				newline = false;
			}
			newline |= *p == '\n';
			continue;
		}
		if (space) {
			if (newline)
				st_buf_addch(out, ' ');
			else
				st_buf_add(out, space, (size_t)(p - space));
			space = NULL;
		}
		st_buf_addch(out, *p);
	}
}
