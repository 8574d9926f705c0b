/* test-diff.c: finding where a diff starts and ends in a mail body. */
#include "review-dash/diff.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* The diff found in text, as a new string, or NULL. */
static char *found(const char *text)
{
	size_t len = 0;
	long at = rd_diff_find(text, strlen(text), &len);
	char *s;

	if (at < 0)
		return NULL;
	s = malloc(len + 1);
	memcpy(s, text + at, len);
	s[len] = '\0';
	return s;
}

static const char git_diff[] =
	"diff --git a/f.c b/f.c\n"
	"index 1111111..2222222 100644\n"
	"--- a/f.c\n"
	"+++ b/f.c\n"
	"@@ -1,3 +1,3 @@\n"
	" a\n"
	"-b\n"
	"+B\n"
	"\n" /* a context line whose space the mailer ate */
	"@@ -10 +10,2 @@ int f(void)\n"
	" x\n"
	"+y\n";

static void test_git_with_signature(void **state)
{
	char text[1024];
	char *d;

	snprintf(text, sizeof(text),
		 "Commit message.\n\nSigned-off-by: A <a@x>\n---\n"
		 " f.c | 2 +-\n\n%s-- \n2.39.2\n\n",
		 git_diff);
	d = found(text);
	assert_non_null(d);
	assert_string_equal(d, git_diff);
	free(d);
}

static void test_list_footer(void **state)
{
	char text[1024];
	char *d;

	snprintf(text, sizeof(text),
		 "%s\n_______________________________________________\n"
		 "Xen-devel mailing list\nXen-devel@lists.xenproject.org\n",
		 git_diff);
	d = found(text);
	assert_string_equal(d, git_diff);
	free(d);
}

static void test_cvs_and_plain(void **state)
{
	static const char cvs[] =
		"Index: a/b.py\n"
		"===================================================\n"
		"RCS file: /cvs/a/b.py,v\n"
		"retrieving revision 1.2\n"
		"diff -u -r1.2 b.py\n"
		"--- a/b.py\t1 Jun 2006\n"
		"+++ a/b.py\t2 Jun 2006\n"
		"@@ -1,2 +1,2 @@\n"
		"-x\n"
		"+y\n"
		" z\n";
	static const char plain[] = "--- old/file\n"
				    "+++ new/file\n"
				    "@@ -1 +1 @@\n"
				    "-1\n"
				    "+2\n";
	char text[1024];
	char *d;

	snprintf(text, sizeof(text), "Fix it.\n\n%s\nThanks!\n", cvs);
	d = found(text);
	assert_string_equal(d, cvs);
	free(d);
	snprintf(text, sizeof(text), "Try this:\n\n%s-- \nsig\n", plain);
	d = found(text);
	assert_string_equal(d, plain);
	free(d);
	/* "Index:" without its ==== line is prose. */
	assert_null(found("Index: the book\nchapter 1\n"));
	/* "--- " without "+++ " and "@@" is not a diff. */
	assert_null(found("---\n--- a list item\n+++ not\nhello\n"));
}

static void test_git_headers_only(void **state)
{
	static const char d1[] = "diff --git a/old.c b/new.c\n"
				 "similarity index 100%\n"
				 "rename from old.c\n"
				 "rename to new.c\n"
				 "diff --git a/run.sh b/run.sh\n"
				 "old mode 100644\n"
				 "new mode 100755\n"
				 "diff --git a/EMPTY b/EMPTY\n"
				 "new file mode 100644\n"
				 "index 0000000..e69de29\n"
				 "diff --git a/logo.png b/logo.png\n"
				 "new file mode 100644\n"
				 "index 0000000..0f2e3b1\n"
				 "GIT binary patch\n"
				 "literal 12\n"
				 "TcmZ?wbhEHbWMp7uVdwxY1KI%b\n"
				 "\n"
				 "literal 0\n"
				 "HcmV?d00001\n"
				 "\n"
				 "diff --git a/x.c b/x.c\n"
				 "index 1234567..89abcde 100644\n"
				 "--- a/x.c\n"
				 "+++ b/x.c\n"
				 "@@ -1 +1 @@\n"
				 "-int x;\n"
				 "\\ No newline at end of file\n"
				 "+int x = 1;\n"
				 "\\ No newline at end of file\n";
	char text[2048];
	char *d;

	snprintf(text, sizeof(text), "msg\n---\n%s-- \n2.43.0\n", d1);
	d = found(text);
	assert_string_equal(d, d1);
	free(d);
	/* A diff of a mode change alone. */
	d = found("diff --git a/x b/x\nold mode 100644\nnew mode 100755\n");
	assert_string_equal(
		d, "diff --git a/x b/x\nold mode 100644\nnew mode 100755\n");
	free(d);
}

static void test_crlf_and_quoted(void **state)
{
	char *d;

	/* Quoted diffs in replies are not diffs. */
	assert_null(found("> diff --git a/x b/x\n> --- a/x\n> +++ b/x\n"
			  "> @@ -1 +1 @@\n> -a\n> +b\n"));
	d = found("x\r\ndiff --git a/x b/x\r\n--- a/x\r\n+++ b/x\r\n"
		  "@@ -1 +1 @@\r\n-a\r\n+b\r\n-- \r\n");
	assert_non_null(d);
	assert_null(strstr(d, "-- \r\n"));
	assert_non_null(strstr(d, "+b\r\n"));
	free(d);
}

static void test_hostile(void **state)
{
	size_t len = 99;

	assert_int_equal(rd_diff_find("", 0, &len), -1);
	assert_int_equal(len, 0);
	/* Truncated and absurd hunk headers. */
	assert_int_equal(rd_diff_find("diff --git a b\n@@ -", 19, &len), 0);
	assert_int_equal(len, 15);
	assert_int_equal(
		rd_diff_find("diff --git a b\n@@ -1,99999999999999 +1 @@\n-",
			     44, &len),
		0);
	assert_int_equal(len, 44);
	/* No newline anywhere. */
	assert_int_equal(rd_diff_find("diff --git", 10, &len), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_git_with_signature),
		cmocka_unit_test(test_list_footer),
		cmocka_unit_test(test_cvs_and_plain),
		cmocka_unit_test(test_git_headers_only),
		cmocka_unit_test(test_crlf_and_quoted),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
