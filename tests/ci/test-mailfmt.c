/* test-mailfmt.c: header values, dates, wrapping and diffstats. */
#include "ci/mailfmt.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define MONDAY 1736121600 /* 2025-01-06 00:00:00 UTC */

static void test_address(void **state)
{
	struct st_buf b = ST_BUF_INIT;

	ci_mailfmt_address(&b, "Jan Beulich", "jan@example.org", CI_MAILFMT_B);
	assert_string_equal(b.buf, "Jan Beulich <jan@example.org>");
	st_buf_reset(&b);
	ci_mailfmt_address(&b, "Pat O'Neill", "p@example.org", CI_MAILFMT_RAW);
	assert_string_equal(b.buf, "\"Pat O'Neill\" <p@example.org>");
	st_buf_reset(&b);
	ci_mailfmt_address(&b, "Zoë Müller", "z@example.org", CI_MAILFMT_RAW);
	assert_string_equal(b.buf, "Zoë Müller <z@example.org>");
	/* One encoded word per name part, the space inside the first. */
	st_buf_reset(&b);
	ci_mailfmt_address(&b, "Zoë Müller", "z@example.org", CI_MAILFMT_B);
	assert_string_equal(b.buf, "=?UTF-8?B?Wm/DqyA=?=\n"
				   " =?UTF-8?B?TcO8bGxlcg==?= <z@example.org>");
	st_buf_reset(&b);
	ci_mailfmt_address(&b, "Zoë Müller", "z@example.org", CI_MAILFMT_Q);
	assert_string_equal(b.buf, "=?UTF-8?Q?Zo=C3=AB_?=\n"
				   " =?UTF-8?Q?M=C3=BCller?= <z@example.org>");
	st_buf_reset(&b);
	ci_mailfmt_address(&b, "王伟", "w@example.org", CI_MAILFMT_B);
	assert_string_equal(b.buf, "=?UTF-8?B?546L5Lyf?= <w@example.org>");
	st_buf_release(&b);
}

static void test_dates(void **state)
{
	struct st_buf b = ST_BUF_INIT;

	ci_mailfmt_date(&b, MONDAY, 60);
	assert_string_equal(b.buf, "Mon, 6 Jan 2025 01:00:00 +0100");
	st_buf_reset(&b);
	ci_mailfmt_date(&b, MONDAY, -300);
	assert_string_equal(b.buf, "Sun, 5 Jan 2025 19:00:00 -0500");
	st_buf_reset(&b);
	ci_mailfmt_date(&b, MONDAY + 330 * 60, 330);
	assert_string_equal(b.buf, "Mon, 6 Jan 2025 11:00:00 +0530");
	st_buf_reset(&b);
	ci_mailfmt_git_date(&b, MONDAY, 60);
	assert_string_equal(b.buf, "2025-01-06 01:00:00 +0100");
	st_buf_reset(&b);
	ci_mailfmt_short_date(&b, MONDAY, 0);
	assert_string_equal(b.buf, "06/01/2025 00:00");
	st_buf_reset(&b);
	ci_mailfmt_mbox_from(&b, "a@example.org", MONDAY + 3723);
	assert_string_equal(b.buf,
			    "From a@example.org Mon Jan  6 01:02:03 2025\n");
	st_buf_release(&b);
}

static void test_subject_and_wrap(void **state)
{
	struct st_buf b = ST_BUF_INIT;
	const char *p;

	ci_mailfmt_subject(&b, "[PATCH] short");
	assert_string_equal(b.buf, "Subject: [PATCH] short\n");
	st_buf_reset(&b);
	ci_mailfmt_subject(&b, "[XEN PATCH for-4.20 v3 10/10] xen/arm: rework "
			       "the irq routing of the vGIC distributor for "
			       "domains with many vCPUs");
	assert_non_null(strstr(b.buf, "\n "));
	for (p = b.buf; *p;) {
		size_t n = strcspn(p, "\n");

		assert_true(n <= 78);
		p += n + (p[n] == '\n');
	}
	st_buf_reset(&b);
	ci_mailfmt_wrap(&b, "one two three four five six seven eight nine ten "
			    "eleven twelve thirteen fourteen fifteen sixteen "
			    "seventeen eighteen nineteen twenty");
	/* 71 columns fit; the next word would make 80. */
	assert_string_equal(b.buf,
			    "one two three four five six seven eight "
			    "nine ten eleven twelve thirteen\n"
			    "fourteen fifteen sixteen seventeen eighteen "
			    "nineteen twenty\n");
	st_buf_reset(&b);
	ci_mailfmt_template(&b, "fix %s now", "locking");
	ci_mailfmt_template(&b, "; no hole", "x");
	assert_string_equal(b.buf, "fix locking now; no hole");
	st_buf_release(&b);
}

static void test_refs_and_diffstat(void **state)
{
	struct st_buf b = ST_BUF_INIT;
	const char *ids[3] = {NULL, "<a@x>", "<b@x>"};
	const char *none[1] = {""};
	struct ci_mailfmt_stat sl[2] = {{"xen/arch/arm/gic.c", 2, 1},
					{"docs/a.md", 4, 0}};

	ci_mailfmt_refs(&b, ids, 3);
	assert_string_equal(b.buf, "References: <a@x>\n <b@x>\n");
	st_buf_reset(&b);
	ci_mailfmt_refs(&b, none, 1);
	assert_string_equal(b.buf, "");
	ci_mailfmt_diffstat(&b, sl, 1);
	assert_string_equal(b.buf, " xen/arch/arm/gic.c | 3 ++-\n"
				   " 1 file changed, 2 insertions(+), "
				   "1 deletion(-)\n");
	st_buf_reset(&b);
	ci_mailfmt_diffstat(&b, sl, 2);
	assert_string_equal(b.buf, " xen/arch/arm/gic.c | 3 ++-\n"
				   " docs/a.md          | 4 ++++\n"
				   " 2 files changed, 6 insertions(+), "
				   "1 deletion(-)\n");
	st_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_address),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_subject_and_wrap),
		cmocka_unit_test(test_refs_and_diffstat),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
