/* test-linediff.c: rd_linediff_hunks against libgit2's copy of git's
 * xdiff (git_diff_buffers with the indent heuristic and three lines of
 * context, the hunk headers' function names cut off), on hand-made cases
 * and on thousands of random pairs of texts: small vocabularies so that
 * lines repeat (many matches, set-aside lines), runs that can slide,
 * blank and indented lines for the indent heuristic, missing final
 * newlines, and big texts with many edits so that xdiff's cost limits
 * and snake heuristics decide. No form feed or vertical tab: there
 * libgit2's xdiff and git differ (git is followed; test-trees-corpus.sh
 * compares with git itself). */
#include "common/buf.h"
#include "review-dash/linediff.h"
#include "tests/review-dash/xdiff-reference.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

/* Both diffs of a and b; fails showing the texts when they differ. */
static void check_pair(struct rd_linediff *d, const char *a, size_t la,
		       const char *b, size_t lb)
{
	struct st_buf want = ST_BUF_INIT, got = ST_BUF_INIT;

	assert_int_equal(xref_hunks(a, la, b, lb, &want), 0);
	rd_linediff_hunks(d, a, la, b, lb, &got);
	st_buf_addch(&want, 0);
	st_buf_addch(&got, 0);
	if (strcmp(want.buf, got.buf)) {
		fprintf(stderr, "--- a\n%.*s\n--- b\n%.*s\n", (int)la, a,
			(int)lb, b);
		assert_string_equal(got.buf, want.buf);
	}
	st_buf_release(&want);
	st_buf_release(&got);
}

static void check(struct rd_linediff *d, const char *a, const char *b)
{
	check_pair(d, a, strlen(a), b, strlen(b));
}

static uint64_t rng = 88172645463325252u;

static uint64_t rng_next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned rnd(unsigned n)
{
	return (unsigned)(rng_next() % n);
}

static void test_cases(void **state)
{
	struct rd_linediff *d = rd_linediff_new();
	struct st_buf out = ST_BUF_INIT;

	(void)state;
	/* Exact text for one case, so the comparison itself is checked. */
	rd_linediff_hunks(d, "a\nb\nc\n", 6, "a\nx\nc\n", 6, &out);
	st_buf_addch(&out, 0);
	assert_string_equal(out.buf, "@@ -1,3 +1,3 @@\n a\n-b\n+x\n c\n");
	st_buf_reset(&out);
	rd_linediff_hunks(d, "same\n", 5, "same\n", 5, &out);
	assert_int_equal(out.len, 0);
	check(d, "", "a\n");
	check(d, "a\n", "");
	check(d, "a", "a\n");
	check(d, "a\nb", "a\nc");
	check(d, "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n",
	      "1\n2\nX\n4\n5\n6\n7\n8\n9\n10\nY\n12\n13\n14\n");
	check(d, "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n",
	      "1\n2\nX\n4\n5\n6\n7\n8\n9\n10\n11\nY\n13\n14\n");
	/* A block added after an equal block: the indent heuristic. */
	check(d, "int f()\n{\n\treturn 0;\n}\n\nint g()\n{\n\treturn 1;\n}\n",
	      "int f()\n{\n\treturn 0;\n}\n\nint h()\n{\n\treturn 0;\n}\n"
	      "\nint g()\n{\n\treturn 1;\n}\n");
	check(d, "a\nb\na\nb\na\nb\n", "b\na\nb\na\nb\na\n");
	check(d, "x\r\ny\r\n", "x\ny\r\n");
	st_buf_release(&out);
	rd_linediff_free(d);
}

/* A line added in a run of 150 equal ones may go anywhere in it: git
 * looks at the last 100 places only. */
static void test_long_slide(void **state)
{
	struct rd_linediff *d = rd_linediff_new();
	struct st_buf a = ST_BUF_INIT, b = ST_BUF_INIT;

	(void)state;
	for (int at = 0; at <= 150; at += 25) {
		st_buf_reset(&a);
		st_buf_reset(&b);
		st_buf_addstr(&a, "void f(void)\n{\n");
		st_buf_addstr(&b, "void f(void)\n{\n");
		for (int i = 0; i < 150; i++) {
			if (i == at)
				st_buf_addstr(&b, "\tfoo();\n");
			st_buf_addstr(&a, i % 50 == 49 ? "\n" : "\tfoo();\n");
			st_buf_addstr(&b, i % 50 == 49 ? "\n" : "\tfoo();\n");
		}
		st_buf_addstr(&a, "}\n");
		st_buf_addstr(&b, "}\n");
		check_pair(d, a.buf, a.len, b.buf, b.len);
	}
	st_buf_release(&a);
	st_buf_release(&b);
	rd_linediff_free(d);
}

/* Tens of thousands of distinct lines (xdiff's cost limit grows with
 * the square root of the lines: over 256 from 65,536 on), thousands of
 * scattered edits: past 256, xdiff takes a long enough snake (20 lines)
 * as the split. */
static void test_snakes(void **state)
{
	struct rd_linediff *d = rd_linediff_new();
	struct st_buf a = ST_BUF_INIT, b = ST_BUF_INIT;

	(void)state;
	for (unsigned n = 0; n < 6; n++) {
		st_buf_reset(&a);
		st_buf_reset(&b);
		for (unsigned i = 0; i < 40000; i++) {
			unsigned r = rng_next() % 100;

			st_buf_addf(&a, "line %u\n", i);
			if (r < 3 + n)
				st_buf_addf(&b, "line %u\n", rnd(40000));
			else if (r < 6 + 2 * n)
				continue;
			else
				st_buf_addf(&b, "line %u\n", i);
			if (r == 99)
				st_buf_addf(&b, "added %u\n", i);
		}
		check_pair(d, a.buf, a.len, b.buf, b.len);
	}
	st_buf_release(&a);
	st_buf_release(&b);
	rd_linediff_free(d);
}

/* Blocks of distinct lines moved, copied and dropped: long snakes far
 * from the middle of a costly box, where xdiff's heuristics cut. */
static void test_blocks(void **state)
{
	struct rd_linediff *d = rd_linediff_new();
	struct st_buf a = ST_BUF_INIT, b = ST_BUF_INIT;

	(void)state;
	for (unsigned n = 0; n < 60; n++) {
		unsigned nb = 4 + rnd(20), size[24];

		st_buf_reset(&a);
		st_buf_reset(&b);
		for (unsigned k = 0; k < nb; k++) {
			size[k] = 10 + rnd(200);
			for (unsigned i = 0; i < size[k]; i++)
				st_buf_addf(&a, "b%u l%u\n", k, i);
		}
		for (unsigned k = 0; k < nb; k++) {
			unsigned from = rnd(3) ? k : rnd(nb), r = rnd(4);

			for (unsigned i = 0; i < size[from]; i++)
				if (r || rnd(3))
					st_buf_addf(&b, "b%u l%u\n", from, i);
				else
					st_buf_addf(&b, "x%u l%u\n", from, i);
		}
		check_pair(d, a.buf, a.len, b.buf, b.len);
	}
	st_buf_release(&a);
	st_buf_release(&b);
	rd_linediff_free(d);
}

/* A random line from a vocabulary of v words (v small: many repeats). */
static void add_line(struct st_buf *b, unsigned v)
{
	static const char *const words[] = {
		"x",	"int",	  "return",  "{",
		"}",	"if (a)", "b = 1;",  "/* c */",
		"else", "foo();", "bar(x);", "#include <y.h>"};
	unsigned kind = rnd(10);

	if (kind == 0) {
		st_buf_addch(b, '\n'); /* blank */
		return;
	}
	if (kind == 1)
		st_buf_addstr(b, " \t\n"); /* white space only */
	for (unsigned t = rnd(4); t; t--)
		st_buf_addch(b, rnd(3) ? '\t' : ' ');
	st_buf_addf(b, "%s%u\n", words[rnd(12)], v > 1 ? rnd(v) : 0);
}

/* b: a with e random edits (insert, delete or replace a run). */
static void make_pair(struct st_buf *a, struct st_buf *b, unsigned lines,
		      unsigned v, unsigned edits)
{
	struct st_buf tmp = ST_BUF_INIT;
	size_t *ls = NULL, n = 0;

	for (unsigned i = 0; i < lines; i++)
		add_line(a, v);
	if (a->len && rnd(8) == 0)
		a->len--; /* no final newline */
	st_buf_add(b, a->buf, a->len);
	for (unsigned e = 0; e < edits; e++) {
		size_t at, run;

		free(ls);
		ls = calloc(b->len + 2, sizeof(*ls));
		assert_non_null(ls);
		n = 0;
		for (size_t i = 0; i < b->len; i++)
			if (i == 0 || b->buf[i - 1] == '\n')
				ls[n++] = i;
		ls[n] = b->len;
		at = rnd((unsigned)n + 1);
		run = 1 + rnd(rnd(4) ? 3 : 12);
		st_buf_reset(&tmp);
		st_buf_add(&tmp, b->buf, ls[at]);
		if (rnd(3))
			for (size_t k = 0; k < run; k++)
				add_line(&tmp, v);
		if (rnd(2) == 0 && at < n) /* delete or replace */
			at = at + run < n ? at + run : n;
		st_buf_add(&tmp, b->buf + ls[at], b->len - ls[at]);
		st_buf_reset(b);
		st_buf_add(b, tmp.buf, tmp.len);
	}
	if (b->len && rnd(8) == 0)
		b->len--;
	free(ls);
	st_buf_release(&tmp);
}

static void random_pairs(unsigned count, unsigned max_lines, unsigned v,
			 unsigned max_edits)
{
	struct rd_linediff *d = rd_linediff_new();
	struct st_buf a = ST_BUF_INIT, b = ST_BUF_INIT;

	for (unsigned i = 0; i < count; i++) {
		st_buf_reset(&a);
		st_buf_reset(&b);
		make_pair(&a, &b, rnd(max_lines + 1), 1 + rnd(v),
			  rnd(max_edits + 1));
		check_pair(d, a.buf ? a.buf : "", a.len, b.buf ? b.buf : "",
			   b.len);
	}
	st_buf_release(&a);
	st_buf_release(&b);
	rd_linediff_free(d);
}

static void test_random_small(void **state)
{
	(void)state;
	random_pairs(20000, 40, 6, 5);
}

static void test_random_repetitive(void **state)
{
	(void)state;
	random_pairs(3000, 300, 2, 20);
}

/* Thousands of lines and hundreds of edits: past xdiff's cost limits. */
static void test_random_big(void **state)
{
	(void)state;
	random_pairs(40, 6000, 400, 600);
	random_pairs(40, 3000, 3, 300);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_long_slide),
		cmocka_unit_test(test_snakes),
		cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_random_small),
		cmocka_unit_test(test_random_repetitive),
		cmocka_unit_test(test_random_big),
	};
	int rc;

	git_libgit2_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	git_libgit2_shutdown();
	return rc;
}
