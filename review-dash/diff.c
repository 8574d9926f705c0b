/*
 * diff.c: where a diff starts and ends in a mail body. The start is the
 * first git, CVS or unified diff header; the end is found by walking the
 * diff as `git apply` would (hunk line counts, extended headers, binary
 * blocks), so a signature ("-- "), a list footer or closing prose after
 * the last hunk is left out without guessing.
 */
#include "review-dash/diff.h"

#include <string.h>

struct line {
	const char *p;
	size_t n;    /* without the newline (and a CR before it) */
	size_t next; /* offset of the following line */
};

static bool get_line(struct line *l, const char *text, size_t len, size_t at)
{
	const char *nl;

	if (at >= len)
		return false;
	nl = memchr(text + at, '\n', len - at);
	l->p = text + at;
	l->next = nl ? (size_t)(nl - text) + 1 : len;
	l->n = (nl ? (size_t)(nl - text) : len) - at;
	if (l->n && l->p[l->n - 1] == '\r')
		l->n--;
	return true;
}

static bool starts(const struct line *l, const char *s)
{
	size_t n = strlen(s);

	return l->n >= n && !memcmp(l->p, s, n);
}

/* Does a diff start at line l (with the lines after it)? */
static bool is_start(const char *text, size_t len, const struct line *l)
{
	struct line a, b;

	if (starts(l, "diff --git "))
		return true;
	if (starts(l, "Index: ")) {
		return get_line(&a, text, len, l->next) && starts(&a, "====");
	}
	if (starts(l, "diff ")) {
		/* "diff -urN a b" before a plain unified diff */
		return get_line(&a, text, len, l->next) && starts(&a, "--- ") &&
		       get_line(&b, text, len, a.next) && starts(&b, "+++ ");
	}
	if (starts(l, "--- ")) {
		return get_line(&a, text, len, l->next) && starts(&a, "+++ ") &&
		       get_line(&b, text, len, a.next) && starts(&b, "@@ ");
	}
	return false;
}

/* Header lines that may stand between hunks and files. */
static bool is_header(const struct line *l)
{
	static const char *const heads[] = {
		"diff ",
		"index ",
		"old mode ",
		"new mode ",
		"deleted file mode ",
		"new file mode ",
		"similarity index ",
		"dissimilarity index ",
		"rename from ",
		"rename to ",
		"copy from ",
		"copy to ",
		"--- ",
		"+++ ",
		"Index: ",
		"====",
		"Binary files ",
		"RCS file: ",
		"retrieving revision ",
		"\\ ",
		NULL,
	};

	for (size_t i = 0; heads[i]; i++)
		if (starts(l, heads[i]))
			return true;
	return false;
}

/* A count in a hunk header: digits, capped. */
static const char *read_num(const char *p, const char *end, long *out)
{
	long v = 0;

	if (p >= end || *p < '0' || *p > '9')
		return NULL;
	while (p < end && *p >= '0' && *p <= '9') {
		if (v < 100000000)
			v = v * 10 + (*p - '0');
		p++;
	}
	*out = v;
	return p;
}

/* "@@ -a[,b] +c[,d] @@": the old and new line counts. */
static bool parse_hunk(const struct line *l, long *old, long *new)
{
	const char *p = l->p + 3, *end = l->p + l->n;
	long dummy;

	if (p >= end || *p++ != '-')
		return false;
	p = read_num(p, end, &dummy);
	if (!p)
		return false;
	*old = 1;
	if (p < end && *p == ',') {
		p = read_num(p + 1, end, old);
		if (!p)
			return false;
	}
	if (p >= end || *p++ != ' ' || p >= end || *p++ != '+')
		return false;
	p = read_num(p, end, &dummy);
	if (!p)
		return false;
	*new = 1;
	if (p < end && *p == ',') {
		p = read_num(p + 1, end, new);
		if (!p)
			return false;
	}
	return p + 3 <= end && !memcmp(p, " @@", 3);
}

enum state {
	HEADER, /* between files and hunks */
	HUNK,	/* inside a hunk, counting lines */
	BINARY, /* base85 lines of a GIT binary patch */
};

/* Walk the diff from start; return the offset just past its last line. */
static size_t diff_end(const char *text, size_t len, size_t start)
{
	enum state st = HEADER;
	long old = 0, new = 0;
	size_t at = start, end = start;
	struct line l;

	while (get_line(&l, text, len, at)) {
		if (st == HUNK) {
			char c = l.n ? l.p[0] : ' ';

			/* An empty line is a context line whose space a
			 * mailer stripped. */
			if ((c == ' ' && old > 0 && new > 0) ||
			    (c == '-' && old > 0) || (c == '+' && new > 0) ||
			    c == '\\') {
				if (c == ' ' || c == '-')
					old--;
				if (c == ' ' || c == '+')
					new --;
				if (old <= 0 && new <= 0)
					st = HEADER;
				end = at = l.next;
				continue;
			}
			st = HEADER;
		}
		if (st == BINARY) {
			end = at = l.next;
			if (!l.n)
				st = HEADER;
			continue;
		}
		if (starts(&l, "@@ ")) {
			if (!parse_hunk(&l, &old, &new))
				break;
			st = old > 0 || new > 0 ? HUNK : HEADER;
		} else if (starts(&l, "GIT binary patch")) {
			st = BINARY;
		} else if (starts(&l, "literal ") || starts(&l, "delta ")) {
			st = BINARY;
		} else if (!is_header(&l)) {
			break;
		}
		end = at = l.next;
	}
	return end;
}

long rd_diff_find(const char *text, size_t len, size_t *diff_len)
{
	struct line l;
	size_t at = 0;

	*diff_len = 0;
	while (get_line(&l, text, len, at)) {
		/* Only lines starting with 'd', 'I' or '-' can open one. */
		if (l.n && (l.p[0] == 'd' || l.p[0] == 'I' || l.p[0] == '-') &&
		    is_start(text, len, &l)) {
			*diff_len = diff_end(text, len, at) - at;
			return (long)at;
		}
		at = l.next;
	}
	return -1;
}
