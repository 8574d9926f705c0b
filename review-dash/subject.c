/*
 * subject.c: mail subjects as list developers write them. Peels reply and
 * forward markers ("Re:", "AW:", "Fwd:") and bracket groups ("[PATCH v3
 * 02/10]") off the front, in any order, and reads the tags in the groups.
 * Pure string work: no allocation beyond the results.
 */
#include "review-dash/subject.h"

#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* Numbers above this are not versions or counts but something else. */
#define NUM_MAX 100000
/* At most this many tags are kept: a subject is hostile input. */
#define PREFIXES_MAX 32

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* ASCII case-insensitive: does p[0..n) equal word (lower case)? */
static bool word_is(const char *p, size_t n, const char *word)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!word[i] || lower(p[i]) != word[i])
			return false;
	return !word[i];
}

/* Parse p[0..n) as all digits into *out (capped). */
static bool parse_num(const char *p, size_t n, int *out)
{
	long v = 0;

	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(p[i]))
			return false;
		if (v <= NUM_MAX)
			v = v * 10 + (p[i] - '0');
	}
	if (v > NUM_MAX)
		return false;
	*out = (int)v;
	return true;
}

/* "v3", "V3", "v2.1" (the integer part is kept). */
static bool parse_version(const char *p, size_t n, int *out)
{
	size_t i = 1;

	if (n < 2 || (p[0] != 'v' && p[0] != 'V'))
		return false;
	while (i < n && is_digit(p[i]))
		i++;
	if (i == 1)
		return false;
	if (i < n) {
		/* Only a ".N" minor part may follow. */
		size_t j = i + 1;

		if (p[i] != '.' || j >= n)
			return false;
		while (j < n && is_digit(p[j]))
			j++;
		if (j != n)
			return false;
	}
	return parse_num(p + 1, i - 1, out);
}

/* "02/10" */
static bool parse_fraction(const char *p, size_t n, int *num, int *total)
{
	const char *slash = memchr(p, '/', n);
	int a, b;

	if (!slash)
		return false;
	if (!parse_num(p, (size_t)(slash - p), &a) ||
	    !parse_num(slash + 1, n - (size_t)(slash - p) - 1, &b))
		return false;
	*num = a;
	*total = b;
	return true;
}

static void add_prefix(struct rd_subject *out, const char *p, size_t n)
{
	if (out->nprefixes >= PREFIXES_MAX)
		return;
	out->prefixes[out->nprefixes++] = st_xmemdupz(p, n);
}

struct token {
	const char *p;
	size_t n;
};

/* Split p[0..n) on white space and commas into at most max tokens. */
static size_t tokenise(struct token *toks, size_t max, const char *p, size_t n)
{
	size_t count = 0, i = 0;

	while (i < n && count < max) {
		size_t start;

		while (i < n && (is_space(p[i]) || p[i] == ','))
			i++;
		start = i;
		while (i < n && !is_space(p[i]) && p[i] != ',')
			i++;
		if (i > start) {
			toks[count].p = p + start;
			toks[count].n = i - start;
			count++;
		}
	}
	return count;
}

/*
 * Read the tags of one group (the text between brackets, or the words of
 * a bare "PATCH v2 1/3:" lead). Returns how many tokens were tags.
 */
static void read_tags(struct rd_subject *out, const struct token *toks,
		      size_t ntoks)
{
	for (size_t i = 0; i < ntoks; i++) {
		const char *p = toks[i].p;
		size_t n = toks[i].n;
		int a, b;

		if (parse_version(p, n, &a)) {
			out->version = a;
		} else if (parse_fraction(p, n, &a, &b)) {
			out->number = a;
			out->total = b;
		} else if (i + 2 < ntoks && parse_num(p, n, &a) &&
			   word_is(toks[i + 1].p, toks[i + 1].n, "of") &&
			   parse_num(toks[i + 2].p, toks[i + 2].n, &b)) {
			/* "0 of 5" */
			out->number = a;
			out->total = b;
			i += 2;
		} else if (n > 5 && word_is(p, 5, "patch") &&
			   parse_version(p + 5 + (p[5] == '-'),
					 n - 5 - (p[5] == '-'), &a)) {
			/* "PATCHv2", "PATCH-v2" */
			out->is_patch = true;
			out->version = a;
			add_prefix(out, p, 5);
		} else {
			if (word_is(p, n, "patch"))
				out->is_patch = true;
			else if (word_is(p, n, "rfc"))
				out->is_rfc = true;
			else if (word_is(p, n, "resend"))
				out->is_resend = true;
			else if (word_is(p, n, "pull"))
				out->is_pull = true;
			add_prefix(out, p, n);
		}
	}
}

/*
 * A reply or forward marker at p: "Re:", "RE :", "Re[2]:", "AW:",
 * "Fwd:". Returns its length (with following space) or 0; sets *fwd.
 */
static size_t marker_len(const char *p, size_t n, bool *fwd)
{
	static const char *const replies[] = {"re",  "aw", "sv", "antw",
					      "odp", "vs", NULL};
	static const char *const forwards[] = {"fwd", "fw", "wg", "tr", NULL};
	size_t w = 0, i;

	while (w < n && w < 5 &&
	       ((p[w] >= 'a' && p[w] <= 'z') || (p[w] >= 'A' && p[w] <= 'Z')))
		w++;
	if (!w || w == n)
		return 0;
	i = w;
	if (p[i] == '[') { /* "Re[2]:" */
		i++;
		while (i < n && is_digit(p[i]))
			i++;
		if (i >= n || p[i] != ']')
			return 0;
		i++;
	}
	if (i < n && p[i] == ' ' && i + 1 < n && p[i + 1] == ':')
		i++; /* French "Re :" */
	if (i >= n || p[i] != ':')
		return 0;
	i++;
	for (size_t k = 0; replies[k]; k++)
		if (word_is(p, w, replies[k])) {
			*fwd = false;
			return i;
		}
	for (size_t k = 0; forwards[k]; k++)
		if (word_is(p, w, forwards[k])) {
			*fwd = true;
			return i;
		}
	return 0;
}

/*
 * A bare "PATCH v2 1/3:" or "PATCH:" lead without brackets. Returns its
 * length or 0 when p does not start with the word PATCH.
 */
static size_t bare_lead(struct rd_subject *out, const char *p, size_t n)
{
	struct token toks[8];
	size_t i = 5, ntoks = 0;

	if (n < 6 || memcmp(p, "PATCH", 5) || (!is_space(p[5]) && p[5] != ':'))
		return 0;
	toks[ntoks].p = p;
	toks[ntoks++].n = 5;
	for (;;) {
		size_t start;
		int a, b;

		while (i < n && is_space(p[i]))
			i++;
		if (i < n && p[i] == ':') {
			i++;
			break;
		}
		start = i;
		while (i < n && !is_space(p[i]) && p[i] != ':')
			i++;
		if (i == start || ntoks >= 8 ||
		    !(parse_version(p + start, i - start, &a) ||
		      parse_fraction(p + start, i - start, &a, &b) ||
		      word_is(p + start, i - start, "rfc") ||
		      word_is(p + start, i - start, "resend"))) {
			i = start;
			break;
		}
		toks[ntoks].p = p + start;
		toks[ntoks++].n = i - start;
	}
	read_tags(out, toks, ntoks);
	return i;
}

void rd_subject_parse(struct rd_subject *out, const char *s, size_t len)
{
	size_t i = 0, end = len;
	bool seen_group = false;

	memset(out, 0, sizeof(*out));
	out->version = 1;
	out->prefixes = st_xcalloc(PREFIXES_MAX, sizeof(*out->prefixes));
	for (;;) {
		bool fwd = false;
		size_t m;

		while (i < len && is_space(s[i]))
			i++;
		if (i >= len)
			break;
		m = marker_len(s + i, len - i, &fwd);
		/* After a group only "Re:" is peeled: "[PATCH] fw: x" names
		 * a subsystem. */
		if (m && (!seen_group || (!fwd && word_is(s + i, 2, "re")))) {
			/* "[PATCH] Re: foo" is a patch whose name is a
			 * reply's: only a marker before any group makes the
			 * mail a reply. */
			if (!seen_group) {
				if (fwd)
					out->is_forward = true;
				else
					out->is_reply = true;
			}
			i += m;
			continue;
		}
		if (s[i] == '[') {
			const char *close = memchr(s + i, ']', len - i);
			struct token toks[PREFIXES_MAX];
			size_t ntoks;

			if (!close)
				break;
			ntoks = tokenise(toks, PREFIXES_MAX, s + i + 1,
					 (size_t)(close - s) - i - 1);
			read_tags(out, toks, ntoks);
			seen_group = true;
			i = (size_t)(close - s) + 1;
			continue;
		}
		if (!seen_group) {
			m = bare_lead(out, s + i, len - i);
			if (m) {
				seen_group = true;
				i += m;
				continue;
			}
		}
		break;
	}
	if (out->is_rfc && !out->is_pull)
		out->is_patch = true;
	while (end > i && is_space(s[end - 1]))
		end--;
	out->name = st_xmemdupz(s + i, end - i);
	out->norm_name = rd_subject_normalise(out->name);
}

void rd_subject_release(struct rd_subject *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nprefixes; i++)
		free(s->prefixes[i]);
	free(s->prefixes);
	free(s->name);
	free(s->norm_name);
	memset(s, 0, sizeof(*s));
}

char *rd_subject_normalise(const char *s)
{
	size_t n = strlen(s), o = 0;
	char *out = st_xmalloc(n + 1);
	bool pending = false;

	for (size_t i = 0; i < n; i++) {
		if (is_space(s[i]) || s[i] == '\v' || s[i] == '\f') {
			pending = o > 0;
			continue;
		}
		if (pending)
			out[o++] = ' ';
		pending = false;
		out[o++] = lower(s[i]);
	}
	out[o] = '\0';
	return out;
}
