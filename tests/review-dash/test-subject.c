/* test-subject.c: subjects as list developers write them. */
#include "review-dash/subject.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void parse(struct rd_subject *s, const char *text)
{
	rd_subject_parse(s, text, strlen(text));
}

static void test_numbered_versioned(void **state)
{
	struct rd_subject s;

	parse(&s, "[PATCH v3 02/10] xen/arm: fix foo");
	assert_string_equal(s.name, "xen/arm: fix foo");
	assert_int_equal(s.version, 3);
	assert_int_equal(s.number, 2);
	assert_int_equal(s.total, 10);
	assert_int_equal(s.nprefixes, 1);
	assert_string_equal(s.prefixes[0], "PATCH");
	assert_true(s.is_patch);
	assert_false(s.is_reply);
	assert_false(s.is_rfc);
	rd_subject_release(&s);

	parse(&s, "[PATCH V2.1 1/3] x");
	assert_int_equal(s.version, 2);
	assert_int_equal(s.number, 1);
	rd_subject_release(&s);

	parse(&s, "[PATCHv4] y");
	assert_int_equal(s.version, 4);
	assert_true(s.is_patch);
	assert_string_equal(s.prefixes[0], "PATCH");
	rd_subject_release(&s);
}

static void test_rfc_of_and_tags(void **state)
{
	struct rd_subject s;

	parse(&s, "[RFC PATCH for-4.19 0 of 5] Tidy   the\tthing");
	assert_int_equal(s.number, 0);
	assert_int_equal(s.total, 5);
	assert_int_equal(s.version, 1);
	assert_true(s.is_rfc);
	assert_true(s.is_patch);
	assert_int_equal(s.nprefixes, 3);
	assert_string_equal(s.prefixes[0], "RFC");
	assert_string_equal(s.prefixes[1], "PATCH");
	assert_string_equal(s.prefixes[2], "for-4.19");
	assert_string_equal(s.name, "Tidy   the\tthing");
	assert_string_equal(s.norm_name, "tidy the thing");
	rd_subject_release(&s);

	parse(&s, "[XEN PATCH RESEND v2 3/7] libxl: z");
	assert_true(s.is_resend);
	assert_int_equal(s.version, 2);
	assert_int_equal(s.number, 3);
	assert_int_equal(s.total, 7);
	assert_string_equal(s.prefixes[0], "XEN");
	rd_subject_release(&s);

	parse(&s, "[PATCH net-next] net: q");
	assert_int_equal(s.nprefixes, 2);
	assert_string_equal(s.prefixes[1], "net-next");
	rd_subject_release(&s);

	parse(&s, "[RFC] only an idea");
	assert_true(s.is_rfc);
	assert_true(s.is_patch);
	rd_subject_release(&s);
}

static void test_pull(void **state)
{
	struct rd_subject s;

	parse(&s, "[GIT PULL] xen: branch for v6.9-rc1");
	assert_true(s.is_pull);
	assert_false(s.is_patch);
	assert_string_equal(s.name, "xen: branch for v6.9-rc1");
	rd_subject_release(&s);

	parse(&s, "[PULL 0/3] qemu-xen queue");
	assert_true(s.is_pull);
	assert_int_equal(s.total, 3);
	rd_subject_release(&s);
}

static void test_replies(void **state)
{
	struct rd_subject s;

	parse(&s, "Re: [PATCH] x");
	assert_true(s.is_reply);
	assert_string_equal(s.name, "x");
	rd_subject_release(&s);

	parse(&s, "RE: Re: AW: Aw: [PATCH v2 1/2] Re: y");
	assert_true(s.is_reply);
	assert_int_equal(s.version, 2);
	assert_string_equal(s.name, "y");
	rd_subject_release(&s);

	/* A patch whose name is a reply's is still a patch. */
	parse(&s, "[PATCH] Re: x");
	assert_false(s.is_reply);
	assert_true(s.is_patch);
	assert_string_equal(s.name, "x");
	rd_subject_release(&s);

	parse(&s, "Fwd: Fw: [PATCH] z");
	assert_true(s.is_forward);
	assert_false(s.is_reply);
	rd_subject_release(&s);

	/* After a group, "fw:" is a subsystem, not a forward. */
	parse(&s, "[PATCH] fw: load it");
	assert_false(s.is_forward);
	assert_string_equal(s.name, "fw: load it");
	rd_subject_release(&s);

	parse(&s, "Re[2]: plain");
	assert_true(s.is_reply);
	assert_string_equal(s.name, "plain");
	rd_subject_release(&s);
}

static void test_bare_and_plain(void **state)
{
	struct rd_subject s;

	parse(&s, "PATCH 1/3: bare lead");
	assert_int_equal(s.number, 1);
	assert_int_equal(s.total, 3);
	assert_true(s.is_patch);
	assert_string_equal(s.name, "bare lead");
	rd_subject_release(&s);

	parse(&s, "  Regression in 4.18 ");
	assert_false(s.is_reply);
	assert_false(s.is_patch);
	assert_int_equal(s.version, 1);
	assert_string_equal(s.name, "Regression in 4.18");
	rd_subject_release(&s);

	/* "Re" as the start of a word is not a reply marker. */
	parse(&s, "Regarding: the thing");
	assert_false(s.is_reply);
	assert_string_equal(s.name, "Regarding: the thing");
	rd_subject_release(&s);
}

static void test_hostile(void **state)
{
	struct rd_subject s;
	char big[5000];

	parse(&s, "");
	assert_string_equal(s.name, "");
	rd_subject_release(&s);

	parse(&s, "[PATCH v99999999999 999999999999/1] unclosed [");
	assert_int_equal(s.version, 1);
	assert_int_equal(s.number, 0);
	rd_subject_release(&s);

	parse(&s, "[PATCH unclosed");
	assert_string_equal(s.name, "[PATCH unclosed");
	rd_subject_release(&s);

	/* Many groups: prefixes are capped, nothing overflows. */
	memset(big, 0, sizeof(big));
	for (size_t i = 0; i + 4 < sizeof(big); i += 4)
		memcpy(big + i, "[a] ", 4);
	parse(&s, big);
	assert_true(s.nprefixes <= 32);
	rd_subject_release(&s);

	/* Embedded NUL: len rules. */
	rd_subject_parse(&s, "[PATCH]\0 hidden", 15);
	assert_true(s.is_patch);
	rd_subject_release(&s);
}

static void test_normalise(void **state)
{
	char *n = rd_subject_normalise("  Xen/ARM:\tFix\n  THE  Foo ");

	assert_string_equal(n, "xen/arm: fix the foo");
	free(n);
	n = rd_subject_normalise("");
	assert_string_equal(n, "");
	free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbered_versioned),
		cmocka_unit_test(test_rfc_of_and_tags),
		cmocka_unit_test(test_pull),
		cmocka_unit_test(test_replies),
		cmocka_unit_test(test_bare_and_plain),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_normalise),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
