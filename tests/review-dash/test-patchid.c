/* test-patchid.c: rd_patch_id against ids computed by `git patch-id
 * --stable` (git 2.39) for the same text: a mail with message, diffstat,
 * "\ No newline" and signature; the same change with files swapped and
 * white space changed (form feed and vertical tab are not space to git);
 * renames, mode changes, binary and empty files. The
 * full pipeline on real commits is tests/review-dash/test-trees.sh. */
#include "review-dash/patchid.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

/* `git format-patch` output, as a list delivers it. */
static const char mail[] = "From 1234567890abcdef1234567890abcdef12345678 Mon "
			   "Sep 17 00:00:00 2001\n"
			   "From: Pat Poster <pat@example.org>\n"
			   "Subject: [PATCH 1/2] xen/arm: fix foo\n"
			   "\n"
			   "Fix foo.\n"
			   "\n"
			   "Signed-off-by: Pat Poster <pat@example.org>\n"
			   "---\n"
			   " a.c | 2 +-\n"
			   " b.c | 1 +\n"
			   " 2 files changed, 2 insertions(+), 1 deletion(-)\n"
			   "\n"
			   "diff --git a/a.c b/a.c\n"
			   "index 1111111..2222222 100644\n"
			   "--- a/a.c\n"
			   "+++ b/a.c\n"
			   "@@ -1,3 +1,3 @@\n"
			   " int a;\n"
			   "-int b;\n"
			   "+int  b = 1;\n"
			   " int c;\n"
			   "diff --git a/b.c b/b.c\n"
			   "index 3333333..4444444 100644\n"
			   "--- a/b.c\n"
			   "+++ b/b.c\n"
			   "@@ -10,2 +10,3 @@ static int f(void)\n"
			   " x\n"
			   " y\n"
			   "+z\n"
			   "\\ No newline at end of file\n"
			   "-- \n"
			   "2.39.5\n"
			   "\n";

/* The same change: files in the other order, white space changed. */
static const char swapped[] = "diff --git a/b.c b/b.c\n"
			      "index 3333333..4444444 100644\n"
			      "--- a/b.c\n"
			      "+++ b/b.c\n"
			      "@@ -10,2 +10,3 @@\n"
			      " x\n"
			      " y\n"
			      "+z\n"
			      "diff --git a/a.c b/a.c\n"
			      "index 1111111..2222222 100644\n"
			      "--- a/a.c\n"
			      "+++ b/a.c\n"
			      "@@ -1,3 +1,3 @@\n"
			      " int a;\n"
			      "-int b;\n"
			      "+int b=1;\n"
			      " int c;\n";

/* Header-only changes, a binary file and a new empty file. */
static const char headers[] = "diff --git a/old.c b/new.c\n"
			      "similarity index 100%\n"
			      "rename from old.c\n"
			      "rename to new.c\n"
			      "diff --git a/run.sh b/run.sh\n"
			      "old mode 100644\n"
			      "new mode 100755\n"
			      "diff --git a/img.png b/img.png\n"
			      "index 0123456..89abcde 100644\n"
			      "Binary files a/img.png and b/img.png differ\n"
			      "diff --git a/e b/e\n"
			      "new file mode 100644\n"
			      "index 0000000..e69de29\n";

/* Form feed and vertical tab are not white space to git's patch-id. */
static const char formfeed[] = "diff --git a/f.h b/f.h\n"
			       "index 1111111..2222222 100644\n"
			       "--- a/f.h\n"
			       "+++ b/f.h\n"
			       "@@ -1,3 +1,4 @@\n"
			       " int a;\n"
			       "+\n"
			       " \f\n"
			       " int\vb;\n";

static void check(const char *text, const char *want)
{
	char out[RD_PATCH_ID_HEXSZ];

	assert_int_equal(rd_patch_id(out, text, strlen(text)), 0);
	assert_string_equal(out, want);
}

static void test_mail(void **state)
{
	check(mail, "246ed679fa00820d83c43a419112178e365e37a5");
}

static void test_stable_order_and_space(void **state)
{
	check(swapped, "246ed679fa00820d83c43a419112178e365e37a5");
}

static void test_headers_binary_empty(void **state)
{
	check(headers, "3ef660f095dc9255fe47e066d53eb2cb0541ee2d");
}

static void test_formfeed(void **state)
{
	check(formfeed, "0d99bf557b338c4a24501d1754c1df11b9ca3a75");
}

static void test_no_diff(void **state)
{
	static const char text[] = "hello\n\nno diff here\n--- a\n+++ b\n";
	char out[RD_PATCH_ID_HEXSZ] = "x";

	assert_int_equal(rd_patch_id(out, text, strlen(text)), -1);
	assert_string_equal(out, "");
	assert_int_equal(rd_patch_id(out, "", 0), -1);
}

/* Truncated and hostile input never reads past len. */
static void test_truncated(void **state)
{
	char out[RD_PATCH_ID_HEXSZ];

	static const char huge[] = "diff --git a/x b/x\n--- a/x\n+++ b/x\n"
				   "@@ -99999999999999 +1,99999999999 @@\n"
				   "+x\n";

	for (size_t n = 0; n < sizeof(mail) - 1; n += 7)
		rd_patch_id(out, mail, n);
	assert_int_equal(rd_patch_id(out, huge, strlen(huge)), 0);
	assert_int_equal(strlen(out), 40);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mail),
		cmocka_unit_test(test_stable_order_and_space),
		cmocka_unit_test(test_headers_binary_empty),
		cmocka_unit_test(test_formfeed),
		cmocka_unit_test(test_no_diff),
		cmocka_unit_test(test_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
