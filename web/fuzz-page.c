/*
 * fuzz-page.c: a content page from front matter to finished HTML. Beyond
 * not crashing, a page that did not opt in to raw HTML must never come
 * out with a script tag.
 */
#include "web/layout.h"
#include "web/markdown.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ASCII lower case of a letter; anything else as it is (0x1c | 0x20
 * would be '<'). */
static int lower(char c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* ASCII case-insensitive search of needle in [h, h + n). */
static int contains(const char *h, size_t n, const char *needle)
{
	size_t m = strlen(needle);

	for (size_t i = 0; i + m <= n; i++) {
		size_t j = 0;

		while (j < m && lower(h[i + j]) == lower(needle[j]))
			j++;
		if (j == m)
			return 1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct web_page p;
	struct st_buf body = ST_BUF_INIT, page = ST_BUF_INIT;
	const char *text = (const char *)data;
	struct web_nav_item nav[] = {{"/", "Home"}, {"javascript:x", "<b>"}};
	struct web_layout_vars v = {0};

	if (web_page_parse(&p, text, size, NULL) < 0)
		return 0;
	if (web_markdown_render(&body, text + p.body_offset,
				size - p.body_offset, p.raw_html, NULL) == 0) {
		v.title = p.title;
		v.date = p.date;
		v.content = body.buf;
		v.content_len = body.len;
		v.nav = nav;
		v.nav_len = 2;
		web_layout_render(&page, NULL, &v, NULL);
		if (!p.raw_html &&
		    (contains(page.buf, page.len, "<script") ||
		     contains(page.buf, page.len, "href=\"javascript:")))
			abort();
	}
	st_buf_release(&body);
	st_buf_release(&page);
	web_page_release(&p);
	return 0;
}
