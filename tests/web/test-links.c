/* test-links.c: the link checker over a small site written here. */
#include "web/links.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

static char root[] = "/tmp/steward-links.XXXXXX";
static const char *const files[] = {
	"index.html", "a b.html",    "docs/index.html", "docs/page.html",
	"img.png",    "sitemap.xml", "docs/x.txt",	NULL};

static void put(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	char path[512];

	if (!mkdtemp(root))
		return -1;
	snprintf(path, sizeof(path), "%s/docs", root);
	mkdir(path, 0755);
	put("index.html",
	    "<a href=\"/docs/\">ok</a> <a href='docs/page.html#x'>ok</a>\n"
	    "<a href=docs>ok</a> <img src=\"img.png\" alt=\"\">\n"
	    "<a href=\"&#x2F;a&#x20;b&#x2E;html\">entities</a>\n"
	    "<a href=\"/a%20b.html?q=1\">percent</a>\n"
	    "<a href=\"https://example.org/docs/page.html\">base</a>\n"
	    "<a href=\"https://other.org/x\">other site</a>\n"
	    "<a href=\"mailto:x@y\">mail</a> <a href=\"#top\">frag</a>\n"
	    "<!-- <a href=\"/in-comment.html\"> -->\n"
	    "text with href=\"/not-a-tag.html\" in it\n"
	    "<a title=\"x > y\" href=\"/BROKEN-1.html\">after a quoted >"
	    "</a>\n");
	put("a b.html", "<a href=\"../../etc/passwd\">BROKEN-2</a>");
	put("docs/index.html",
	    "<a href=\"../index.html\">up</a>"
	    "<a href=\"page.html\">same folder</a>"
	    "<link rel=\"stylesheet\" href=\"/BROKEN-3.css\">");
	put("docs/page.html", "<a href=\"x.txt\">ok</a>"
			      "<a href=\"/docs/x.txt/\">BROKEN-4</a>"
			      "<a href=\"/docs/%2e%2e/index.html\">dots</a>");
	put("img.png", "png");
	put("docs/x.txt", "x");
	put("sitemap.xml", "<urlset><url><loc>https://example.org/</loc></url>"
			   "<url><loc>https://example.org/BROKEN-5.html</loc>"
			   "</url></urlset>");
	return 0;
}

static int teardown(void **state)
{
	char path[512];

	for (int i = 0; files[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", root, files[i]);
		remove(path);
	}
	snprintf(path, sizeof(path), "%s/docs", root);
	rmdir(path);
	return rmdir(root);
}

static void collect(const char *page, const char *href, void *data)
{
	char *seen = data;
	size_t n = strlen(seen);

	snprintf(seen + n, 2048 - n, "%s:%s\n", page, href);
}

static void test_check(void **state)
{
	char seen[2048] = "";
	size_t broken = 0;
	struct st_error err = ST_ERROR_INIT;

	assert_int_equal(web_links_check(root, "https://example.org/", collect,
					 seen, &broken, &err),
			 0);
	assert_non_null(strstr(seen, "index.html:/BROKEN-1.html\n"));
	assert_non_null(strstr(seen, "a b.html:../../etc/passwd\n"));
	assert_non_null(strstr(seen, "docs/index.html:/BROKEN-3.css\n"));
	assert_non_null(strstr(seen, "docs/page.html:/docs/x.txt/\n"));
	assert_non_null(strstr(
		seen, "sitemap.xml:https://example.org/BROKEN-5.html\n"));
	assert_int_equal(broken, 5);
	assert_null(strstr(seen, "comment"));
	assert_null(strstr(seen, "not-a-tag"));

	/* Without the base URL, links to it are another site's. */
	broken = 0;
	assert_int_equal(web_links_check(root, NULL, NULL, NULL, &broken, &err),
			 0);
	assert_int_equal(broken, 4);

	assert_int_equal(web_links_check("/nonexistent-steward", NULL, NULL,
					 NULL, &broken, &err),
			 ST_ERROR);
	assert_non_null(strstr(err.msg, "/nonexistent-steward"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
