/* test-html.c: escaping of hostile strings in every HTML context. */
#include "common/buf.h"
#include "common/html.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static char *text(struct st_buf *b, const char *s)
{
	st_buf_reset(b);
	st_html_text(b, s);
	return b->buf;
}

static char *attr(struct st_buf *b, const char *s)
{
	st_buf_reset(b);
	st_html_attr(b, s);
	return b->buf;
}

static void test_text_escapes_markup(void **state)
{
	struct st_buf b = ST_BUF_INIT;

	assert_string_equal(text(&b, "<script>alert(1)</script>"),
			    "&lt;script&gt;alert(1)&lt;/script&gt;");
	assert_string_equal(text(&b, "a & \"b\" 'c'"),
			    "a &amp; &quot;b&quot; &#39;c&#39;");
	/* UTF-8 names pass; bad bytes and control characters do not. */
	assert_string_equal(text(&b, "J\xc3\xbcrgen \xe6\x9d\x8e"),
			    "J\xc3\xbcrgen \xe6\x9d\x8e");
	assert_string_equal(text(&b, "x\xff\x1b[31m"),
			    "x\xef\xbf\xbd\xef\xbf\xbd[31m");
	/* An overlong '<' must not survive as a '<'. */
	assert_string_equal(text(&b, "\xc0\xbc"),
			    "\xef\xbf\xbd\xef\xbf\xbd");
	st_buf_release(&b);
}

static void test_attr_breakers(void **state)
{
	struct st_buf b = ST_BUF_INIT;

	assert_string_equal(attr(&b, "\" onmouseover=\"x"),
			    "&#x22;&#x20;onmouseover&#x3D;&#x22;x");
	assert_null(strchr(attr(&b, "'><img src=x onerror=alert(1)>"), '<'));
	assert_null(strchr(attr(&b, "`\"'<>="), '"'));
	st_buf_release(&b);
}

static void test_href_schemes(void **state)
{
	struct st_buf b = ST_BUF_INIT;

	st_html_href(&b, "javascript:alert(1)");
	assert_string_equal(b.buf, "#");
	st_buf_reset(&b);
	st_html_href(&b, " JaVaScRiPt:alert(1)");
	assert_string_equal(b.buf, "#");
	st_buf_reset(&b);
	st_html_href(&b, "java\tscript:alert(1)");
	assert_string_equal(b.buf, "#");
	st_buf_reset(&b);
	st_html_href(&b, "data:text/html,<script>");
	assert_string_equal(b.buf, "#");
	st_buf_reset(&b);
	st_html_href(&b, "https://example.org/a?b=1");
	assert_string_equal(b.buf,
			    "https&#x3A;&#x2F;&#x2F;example&#x2E;org&#x2F;a&#"
			    "x3F;b&#x3D;1");
	st_buf_reset(&b);
	st_html_href(&b, "/series/12");
	assert_string_equal(b.buf, "&#x2F;series&#x2F;12");
	st_buf_release(&b);
}

static void test_url_escape(void **state)
{
	struct st_buf b = ST_BUF_INIT;

	st_url_escape(&b, "a b/c?d=<e>&f~g");
	assert_string_equal(b.buf, "a%20b%2Fc%3Fd%3D%3Ce%3E%26f~g");
	st_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_escapes_markup),
		cmocka_unit_test(test_attr_breakers),
		cmocka_unit_test(test_href_schemes),
		cmocka_unit_test(test_url_escape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
