/* test-layout.c: the default layout and templates escape every value
 * but the content, and the navigation drops unsafe links. */
#include "web/layout.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static const struct web_nav_item nav[] = {
	{"/", "Home"},
	{"javascript:alert(1)", "<b>bad</b>"},
};

static void test_default(void **state)
{
	struct st_buf out = ST_BUF_INIT;
	struct web_layout_vars v = {
		.site = "Xen & <Co>",
		.title = "<script>alert('t')</script>",
		.date = "2025-01-02\"><x>",
		.content = "<p>trusted</p>",
		.content_len = 14,
		.nav = nav,
		.nav_len = 2,
	};

	assert_int_equal(web_layout_render(&out, NULL, &v, NULL), 0);
	assert_null(strstr(out.buf, "<script>"));
	assert_non_null(strstr(out.buf, "<h1>&lt;script&gt;alert(&#39;t&#39;)"
					"&lt;/script&gt;</h1>"));
	assert_non_null(strstr(out.buf, "<title>&lt;script&gt;"));
	assert_non_null(strstr(out.buf, " - Xen &amp; &lt;Co&gt;</title>"));
	assert_non_null(strstr(out.buf, "<p>trusted</p>"));
	assert_null(strstr(out.buf, "<x>"));
	assert_null(strstr(out.buf, "javascript:"));
	assert_non_null(strstr(out.buf, "<a href=\"#\">&lt;b&gt;bad"));
	assert_non_null(strstr(out.buf, "href=\"/style.css\""));
	assert_null(strstr(out.buf, "<script"));
	st_buf_release(&out);
}

static void test_template(void **state)
{
	struct st_buf out = ST_BUF_INIT;
	struct web_layout_vars v = {
		.title = "a<b",
		.content = "<em>c</em>",
		.content_len = 10,
		.nav = nav,
		.nav_len = 1,
	};

	assert_int_equal(web_layout_render(&out,
					   "<t>{{title}}</t>{{site}}|{{date}}|"
					   "{{content}}{{nav}}{{other}}{{",
					   &v, NULL),
			 0);
	assert_string_equal(out.buf,
			    "<t>a&lt;b</t>Steward||<em>c</em><ul><li><a "
			    "href=\"&#x2F;\">Home</a></li></ul>{{other}}{{");
	st_buf_release(&out);
	/* The stylesheet is there and has no url() that could load from
	 * elsewhere. */
	assert_non_null(strstr(web_layout_stylesheet(), "body{"));
	assert_null(strstr(web_layout_stylesheet(), "url("));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_template),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
