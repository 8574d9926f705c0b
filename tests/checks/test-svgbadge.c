/* test-svgbadge.c: SVG badges are well-formed and escape their text. */
#include "checks/svgbadge.h"

#include "common/buf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static void test_badge(void **state)
{
	struct st_buf b = ST_BUF_INIT;
	struct st_error err = ST_ERROR_INIT;

	assert_int_equal(chk_svgbadge(&b, "site-https", "pass 10/10",
				      chk_svgbadge_color(CHK_PASS), &err),
			 0);
	assert_true(!strncmp(b.buf, "<svg xmlns=\"http://www.w3.org/2000/svg\"",
			     39));
	assert_non_null(strstr(b.buf, "<title>site-https: pass 10/10</title>"));
	assert_non_null(strstr(b.buf, "fill=\"#4c1\""));
	assert_non_null(strstr(b.buf, "</svg>\n"));
	st_buf_release(&b);
}

static void test_escaping(void **state)
{
	struct st_buf b = ST_BUF_INIT;
	struct st_error err = ST_ERROR_INIT;

	assert_int_equal(chk_svgbadge(&b, "<script>alert(1)</script>",
				      "a\"b&c'", "#e05d44", &err),
			 0);
	assert_null(strstr(b.buf, "<script"));
	assert_non_null(strstr(b.buf, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(b.buf, "a&quot;b&amp;c&#39;"));
	st_buf_release(&b);
}

static void test_long_and_colour(void **state)
{
	struct st_buf b = ST_BUF_INIT;
	struct st_error err = ST_ERROR_INIT;
	char label[300];

	memset(label, 'x', sizeof(label) - 1);
	label[sizeof(label) - 1] = '\0';
	assert_int_equal(chk_svgbadge(&b, label, "ok", "#fff", &err), 0);
	/* Cut at 64 characters. */
	assert_null(strstr(b.buf,
			   "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			   "xxxxxxxxxxxxxxxxxxxx"));
	st_buf_release(&b);
	assert_int_equal(chk_svgbadge(&b, "a", "b", "red\"/><script>", &err),
			 ST_EINVALID);
	assert_int_equal(chk_svgbadge(&b, "a", "b", "#12345g", &err),
			 ST_EINVALID);
	assert_int_equal(b.len, 0);
	assert_string_equal(chk_svgbadge_color(CHK_ERROR), "#9f9f9f");
	assert_string_equal(chk_svgbadge_color(CHK_WARN), "#dfb317");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_badge),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_long_and_colour),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
