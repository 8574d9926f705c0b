/* test-markdown.c: front matter parsing and safe Markdown rendering. */
#include "web/markdown.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static int parse(struct web_page *p, const char *s, struct st_error *err)
{
	return web_page_parse(p, s, strlen(s), err);
}

static void test_front_matter(void **state)
{
	static const char text[] = "---\r\ntitle: \"A <b> title\"\r\n"
				   "# a comment\n"
				   "date: 2025-01-02\nlayout: page\n"
				   "raw_html: true\ntags: ignored\n---\nBody\n";
	struct web_page p;
	struct st_error err = ST_ERROR_INIT;

	assert_int_equal(parse(&p, text, &err), 0);
	assert_string_equal(p.title, "A <b> title");
	assert_string_equal(p.date, "2025-01-02");
	assert_int_equal(p.time, 1735776000);
	assert_string_equal(p.layout, "page");
	assert_true(p.raw_html);
	assert_string_equal(text + p.body_offset, "Body\n");
	web_page_release(&p);

	/* No front matter: the whole text is the body. */
	assert_int_equal(parse(&p, "# Hi\n---\n", &err), 0);
	assert_null(p.title);
	assert_int_equal(p.body_offset, 0);
	assert_false(p.raw_html);
	web_page_release(&p);

	/* Closed at the very end, without a final newline. */
	assert_int_equal(parse(&p, "---\ntitle: x\n---", &err), 0);
	assert_int_equal(p.body_offset, strlen("---\ntitle: x\n---"));
	web_page_release(&p);
}

static void test_front_matter_errors(void **state)
{
	struct web_page p;
	struct st_error err = ST_ERROR_INIT;

	assert_int_equal(parse(&p, "---\ntitle: x\n", &err), ST_EINVALID);
	assert_string_equal(err.msg, "front matter is not closed by '---'");
	assert_int_equal(parse(&p, "---\ndate: 2025-13-01\n---\n", &err),
			 ST_EINVALID);
	assert_int_equal(parse(&p, "---\nlayout: ../../etc/x\n---\n", &err),
			 ST_EINVALID);
	assert_non_null(strstr(err.msg, "bad layout name"));
	assert_int_equal(parse(&p, "---\nraw_html: yes\n---\n", &err),
			 ST_EINVALID);
	assert_int_equal(parse(&p, "---\njust text\n---\n", &err), ST_EINVALID);
	assert_non_null(strstr(err.msg, "line 2"));
	assert_null(p.title);
}

static void test_render_safe(void **state)
{
	static const char md[] = "# T\n\n<script>alert(1)</script>\n\n"
				 "a <img src=x onerror=alert(1)> b\n\n"
				 "[x](javascript:alert(1)) [y](/ok.html)\n";
	struct st_buf out = ST_BUF_INIT;
	struct st_error err = ST_ERROR_INIT;

	assert_int_equal(web_markdown_render(&out, md, strlen(md), false, &err),
			 0);
	assert_null(strstr(out.buf, "<script"));
	assert_null(strstr(out.buf, "onerror"));
	assert_null(strstr(out.buf, "javascript:"));
	assert_non_null(strstr(out.buf, "<a href=\"/ok.html\">y</a>"));
	assert_non_null(strstr(out.buf, "<h1>T</h1>"));
	st_buf_reset(&out);
	/* Opted in: raw HTML passes. */
	assert_int_equal(web_markdown_render(&out, md, strlen(md), true, &err),
			 0);
	assert_non_null(strstr(out.buf, "<script>alert(1)</script>"));
	st_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_front_matter),
		cmocka_unit_test(test_front_matter_errors),
		cmocka_unit_test(test_render_safe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
