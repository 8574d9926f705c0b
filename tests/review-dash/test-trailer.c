/* test-trailer.c: review trailers in bodies and commit messages. */
#include "review-dash/trailer.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void parse(struct rd_trailers *t, const char *text)
{
	rd_trailers_parse(t, text, strlen(text));
}

static void test_kinds_and_people(void **state)
{
	struct rd_trailers t;

	parse(&t, "Fix the thing.\n"
		  "\n"
		  "Fixes: 0123456789ab (\"xen/arm: add foo\")\n"
		  "Reported-by: syzbot+abc@syzkaller.appspotmail.com\n"
		  "Signed-off-by: Jane Doe <Jane.Doe@Example.org>\n"
		  "Cc: Someone <someone@example.org>\n"
		  "Co-developed-by: \"Doe, John\" <john@example.org>\n"
		  "Release-Acked-by: Oleksii Kurochko <oleksii@example.com>\r\n"
		  "Acked-by: Julien Grall <julien@xen.org> # arm\n"
		  "Acked-by: Jan Beulich <jbeulich@suse.com> [x86]\n"
		  "Tested-by: tester@example.org (Test Er)\n"
		  "Suggested-by: Nobody Special\n");
	assert_int_equal(t.n, 9);
	assert_string_equal(t.items[0].kind, "Fixes");
	assert_string_equal(t.items[0].value,
			    "0123456789ab (\"xen/arm: add foo\")");
	assert_null(t.items[0].email);
	assert_null(t.items[0].name);
	assert_string_equal(t.items[1].kind, "Reported-by");
	assert_string_equal(t.items[1].email,
			    "syzbot+abc@syzkaller.appspotmail.com");
	assert_null(t.items[1].name);
	assert_string_equal(t.items[2].name, "Jane Doe");
	assert_string_equal(t.items[2].email, "jane.doe@example.org");
	assert_string_equal(t.items[3].kind, "Co-developed-by");
	assert_string_equal(t.items[3].name, "Doe, John");
	assert_string_equal(t.items[4].kind, "Release-Acked-by");
	assert_string_equal(t.items[4].email, "oleksii@example.com");
	assert_string_equal(t.items[5].area, "arm");
	assert_string_equal(t.items[5].value, "Julien Grall <julien@xen.org>");
	assert_string_equal(t.items[6].area, "x86");
	assert_string_equal(t.items[6].email, "jbeulich@suse.com");
	assert_string_equal(t.items[7].email, "tester@example.org");
	assert_string_equal(t.items[7].name, "Test Er");
	assert_string_equal(t.items[8].name, "Nobody Special");
	assert_null(t.items[8].email);
	rd_trailers_release(&t);
}

static void test_misspellings(void **state)
{
	static const char *const cases[][2] = {
		{"Reviewed-By", "Reviewed-by"},
		{"reviewed-by", "Reviewed-by"},
		{"Reviewd-by", "Reviewed-by"},
		{"Reveiwed-by", "Reviewed-by"},
		{"Acked-By", "Acked-by"},
		{"Acked-off-by", "Acked-by"},
		{"Release-acked-by", "Release-Acked-by"},
		{"Release-Ack-by", "Release-Acked-by"},
		{"Release-Acked", "Release-Acked-by"},
		{"Release Acked-by", "Release-Acked-by"},
		{"Tested-By", "Tested-by"},
		{"Reviewed-and-tested-by", "Reviewed-and-tested-by"},
		{"SIGNED-OFF-BY", "Signed-off-by"},
		{"fixes", "Fixes"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *k = rd_trailer_canonical_kind(cases[i][0],
							  strlen(cases[i][0]));

		assert_non_null(k);
		assert_string_equal(k, cases[i][1]);
	}
	assert_null(rd_trailer_canonical_kind("Cc", 2));
	assert_null(rd_trailer_canonical_kind("Subject", 7));
	assert_null(rd_trailer_canonical_kind("Link", 4));
}

static void test_quoted_and_indented(void **state)
{
	struct rd_trailers t;

	parse(&t, "> Acked-by: Quoted <q@example.org>\n"
		  "> > Reviewed-by: Deep <d@example.org>\n"
		  "  > Tested-by: Indented Quote <i@example.org>\n"
		  "    Signed-off-by: Indented <in@example.org>\n"
		  "+Signed-off-by: In A Diff <diff@example.org>\n"
		  "Reviewed-by: Real One <real@example.org>\n"
		  "Reviewed-by:\n"
		  "Acked-by:    \n"
		  "Not-a-trailer: x\n"
		  "Reviewed-by Missing Colon <m@example.org>\n");
	assert_int_equal(t.n, 1);
	assert_string_equal(t.items[0].email, "real@example.org");
	rd_trailers_release(&t);
}

static void test_hostile(void **state)
{
	struct rd_trailers t;
	size_t n = 1000 * 40;
	char *big = malloc(n + 1);

	parse(&t, "");
	assert_int_equal(t.n, 0);
	rd_trailers_release(&t);

	/* No newline at the end, NUL inside. */
	rd_trailers_parse(&t, "Acked-by: A <a@x>\0\nAcked-by: B <b@x>", 35);
	assert_int_equal(t.n, 2);
	rd_trailers_release(&t);

	parse(&t, "Acked-by: <>\nAcked-by: <\nAcked-by: >x<\n"
		  "Acked-by: @\nAcked-by: # only area\nAcked-by: []\n");
	for (size_t i = 0; i < t.n; i++)
		assert_string_equal(t.items[i].kind, "Acked-by");
	rd_trailers_release(&t);

	/* Many trailers: capped. */
	for (size_t i = 0; i < n; i += 40)
		memcpy(big + i, "Acked-by: Some Body <some@body.org>    \n",
		       40);
	big[n] = '\0';
	parse(&t, big);
	assert_int_equal(t.n, 512);
	rd_trailers_release(&t);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds_and_people),
		cmocka_unit_test(test_misspellings),
		cmocka_unit_test(test_quoted_and_indented),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
