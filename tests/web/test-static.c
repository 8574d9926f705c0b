/* test-static.c: URL path to file for the static server: traversal
 * refused, links out refused, gzip twins, validators, HTTP dates. */
#include "web/static.h"

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

static char root[] = "/tmp/steward-static.XXXXXX";
/* Extra flags for get(): the path checks run with openat2 and again
 * with the realpath fallback. */
static unsigned mode;

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
	snprintf(path, sizeof(path), "%s/site", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/site/docs", root);
	mkdir(path, 0755);
	put("secret.txt", "outside");
	put("site/index.html", "home");
	put("site/index.html.gz", "GZ");
	put("site/docs/index.html", "docs");
	put("site/docs/a b.txt", "space");
	put("site/logo.png", "png");
	put("site/logo.png.gz", "nope");
	put("site/.steward-manifest.json", "{}");
	snprintf(path, sizeof(path), "%s/site/out", root);
	assert_int_equal(symlink("/etc", path), 0);
	snprintf(path, sizeof(path), "%s/site/up.txt", root);
	assert_int_equal(symlink("../secret.txt", path), 0);
	snprintf(path, sizeof(path), "%s/site/in.txt", root);
	assert_int_equal(symlink("docs/a b.txt", path), 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "%s", root);
	/* Remove by hand: the test made every entry. */
	static const char *const files[] = {"site/index.html",
					    "site/index.html.gz",
					    "site/docs/index.html",
					    "site/docs/a b.txt",
					    "site/logo.png",
					    "site/logo.png.gz",
					    "site/.steward-manifest.json",
					    "site/out",
					    "site/up.txt",
					    "site/in.txt",
					    "secret.txt",
					    "site/docs",
					    "site",
					    NULL};
	for (int i = 0; files[i]; i++) {
		snprintf(cmd, sizeof(cmd), "%s/%s", root, files[i]);
		remove(cmd);
	}
	return rmdir(root);
}

/* Open url; return the first bytes of the file ("" when refused). */
static const char *get(const char *url, unsigned gz, struct web_static_file *f)
{
	static char data[64];
	char site[512];
	ssize_t n;

	snprintf(site, sizeof(site), "%s/site", root);
	data[0] = 0;
	if (web_static_open(f, site, url, gz | mode, NULL) < 0)
		return data;
	n = read(f->fd, data, sizeof(data) - 1);
	close(f->fd);
	data[n > 0 ? n : 0] = 0;
	return data;
}

static void test_paths(void **state)
{
	struct web_static_file f;

	assert_string_equal(get("/", false, &f), "home");
	assert_string_equal(f.type, "text/html; charset=utf-8");
	assert_false(f.gzip);
	assert_string_equal(get("/index.html", false, &f), "home");
	assert_string_equal(get("/docs", false, &f), "docs");
	assert_string_equal(get("/docs/", false, &f), "docs");
	assert_string_equal(get("/./docs//./", false, &f), "docs");
	assert_string_equal(get("/docs/a%20b.txt", false, &f), "space");
	assert_string_equal(f.type, "text/plain; charset=utf-8");
	assert_string_equal(get("/in.txt", false, &f), "space");
	/* Everything that could leave the root. */
	assert_string_equal(get("/../secret.txt", false, &f), "");
	assert_string_equal(get("/docs/../../secret.txt", false, &f), "");
	assert_string_equal(get("/%2e%2e/secret.txt", false, &f), "");
	assert_string_equal(get("/%2E%2E%2fsecret.txt", false, &f), "");
	assert_string_equal(get("/..%5csecret.txt", false, &f), "");
	assert_string_equal(get("/up.txt", false, &f), "");
	assert_string_equal(get("/out/passwd", false, &f), "");
	assert_string_equal(get("/out/", false, &f), "");
	assert_string_equal(get("/docs%00.html", false, &f), "");
	assert_string_equal(get("/%zz", false, &f), "");
	assert_string_equal(get("relative", false, &f), "");
	assert_string_equal(get("/.steward-manifest.json", false, &f), "");
	assert_string_equal(get("/missing.html", false, &f), "");
	/* Decoded by the HTTP library: '%' is a plain character then, so
	 * nothing is decoded twice. */
	assert_string_equal(get("/docs/a b.txt", WEB_STATIC_DECODED, &f),
			    "space");
	assert_string_equal(get("/docs/a%20b.txt", WEB_STATIC_DECODED, &f), "");
	assert_string_equal(get("/../secret.txt", WEB_STATIC_DECODED, &f), "");
	assert_string_equal(get("/..\\secret.txt", WEB_STATIC_DECODED, &f), "");
	assert_string_equal(get("/up.txt", WEB_STATIC_DECODED, &f), "");
}

static void test_paths_realpath(void **state)
{
	mode = WEB_STATIC_REALPATH;
	test_paths(state);
	mode = 0;
}

static void test_gzip(void **state)
{
	struct web_static_file f;

	assert_string_equal(get("/", WEB_STATIC_GZIP, &f), "GZ");
	assert_true(f.gzip);
	assert_true(f.vary);
	assert_non_null(strstr(f.etag, "-gz\""));
	assert_string_equal(f.type, "text/html; charset=utf-8");
	/* Images are not sent compressed, whatever lies beside them. */
	assert_string_equal(get("/logo.png", WEB_STATIC_GZIP, &f), "png");
	assert_false(f.gzip);
	assert_string_equal(f.type, "image/png");
	assert_true(web_static_accepts_gzip("gzip, deflate, br"));
	assert_true(web_static_accepts_gzip("br;q=1.0, gzip;q=0.8"));
	assert_true(web_static_accepts_gzip("*"));
	assert_false(web_static_accepts_gzip("gzip;q=0"));
	assert_false(web_static_accepts_gzip("br, deflate"));
	assert_false(web_static_accepts_gzip("x-gzip2"));
	assert_false(web_static_accepts_gzip(NULL));
}

static void test_validators(void **state)
{
	struct web_static_file f;
	char date[40], etag[100];
	time_t t;

	get("/docs/", false, &f);
	snprintf(etag, sizeof(etag), "%s", f.etag);
	assert_true(web_static_not_modified(&f, etag, NULL));
	assert_true(web_static_not_modified(&f,
					    "\"x\", W/"
					    "\"y\"",
					    NULL) == false);
	snprintf(etag, sizeof(etag), "\"a\", W/%s", f.etag);
	assert_true(web_static_not_modified(&f, etag, NULL));
	assert_true(web_static_not_modified(&f, "*", NULL));
	web_static_http_date(date, sizeof(date), f.mtime);
	assert_true(web_static_not_modified(&f, NULL, date));
	web_static_http_date(date, sizeof(date), f.mtime - 1);
	assert_false(web_static_not_modified(&f, NULL, date));
	/* If-None-Match wins even when the date would match. */
	web_static_http_date(date, sizeof(date), f.mtime + 10);
	assert_false(web_static_not_modified(&f, "\"other\"", date));
	assert_false(web_static_not_modified(&f, NULL, "yesterday"));

	web_static_http_date(date, sizeof(date), 784111777);
	assert_string_equal(date, "Sun, 06 Nov 1994 08:49:37 GMT");
	assert_int_equal(web_static_parse_http_date(&t, date), 0);
	assert_int_equal(t, 784111777);
	assert_int_equal(
		web_static_parse_http_date(&t, "Sun, 06 Xyz 1994 08:49:37 GMT"),
		ST_EINVALID);
	assert_int_equal(
		web_static_parse_http_date(&t, "Sun, 06 Nov 1994 25:49:37 GMT"),
		ST_EINVALID);
	assert_string_equal(web_static_type("news/atom.xml"),
			    "application/atom+xml; charset=utf-8");
	assert_string_equal(web_static_type("sitemap.xml"),
			    "application/xml; charset=utf-8");
	assert_string_equal(web_static_type("x.tar.xz"), "application/x-xz");
	assert_string_equal(web_static_type("noext"),
			    "application/octet-stream");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_paths_realpath),
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_validators),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
