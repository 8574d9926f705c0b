/* test-maintainers.c: the MAINTAINERS parser and get_maintainer.pl's
 * matching rules (X: before F:, most specific first, THE REST last). */
#include "review-dash/maintainers.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

/* A cut of Xen's MAINTAINERS, in its real format. */
static const char text[] =
	"This file follows the same conventions as the Linux one.\n"
	"\n"
	"\tM: Mail patches to: FullName <address@domain>\n"
	"\n"
	"ARM (W/ VIRTUALISATION EXTENSIONS) ARCHITECTURE\n"
	"M:\tStefano Stabellini <sstabellini@kernel.org>\n"
	"M:\tJulien Grall <julien@xen.org>\n"
	"S:\tSupported\n"
	"L:\txen-devel@lists.xenproject.org\n"
	"F:\txen/arch/arm/\n"
	"F:\txen/include/public/arch-arm.h\n"
	"X:\txen/arch/arm/tee/\n"
	"\n"
	"TEE MEDIATORS\n"
	"M:\tVolodymyr Babchuk <volodymyr_babchuk@epam.com>\n"
	"S:\tSupported\n"
	"F:\txen/arch/arm/tee/\n"
	"\n"
	"FF-A MEDIATOR\r\n"
	"M:\tJens Wiklander <jens.wiklander@linaro.org>\r\n"
	"F:\txen/arch/arm/tee/ffa*\r\n"
	"\n"
	"DOCUMENTATION\n"
	"R:\tDoc Reviewer <doc@example.com>\n"
	"F:\tdocs/*.md\n"
	"\n"
	"THE REST\n"
	"M:\tAndrew Cooper <andrew.cooper3@citrix.com>\n"
	"F:\t*\n"
	"F:\t*/\n";

struct collect {
	char out[512];
};

static int collect(char tag, const char *value, void *data)
{
	struct collect *c = data;
	size_t n = strlen(c->out);

	snprintf(c->out + n, sizeof(c->out) - n, "%c:%s;", tag, value);
	return 0;
}

static const char *titles(const struct rd_maintainers *m, const char *path,
			  char *buf, size_t size)
{
	size_t idx[8], n = rd_maintainers_match(m, path, idx, 8);

	buf[0] = '\0';
	for (size_t i = 0; i < n && i < 8; i++) {
		size_t len = strlen(buf);

		snprintf(buf + len, size - len, "%s%s", i ? "|" : "",
			 rd_maintainers_title(m, idx[i]));
	}
	return buf;
}

static void test_parse(void **state)
{
	struct rd_maintainers *m = NULL;
	struct collect c = {{0}};

	assert_int_equal(rd_maintainers_parse(&m, text, strlen(text), NULL), 0);
	/* The preamble's indented example is no section. */
	assert_int_equal(rd_maintainers_count(m), 5);
	assert_string_equal(rd_maintainers_title(m, 2), "FF-A MEDIATOR");
	rd_maintainers_foreach(m, 0, "M", collect, &c);
	assert_string_equal(c.out,
			    "M:Stefano Stabellini <sstabellini@kernel.org>;"
			    "M:Julien Grall <julien@xen.org>;");
	rd_maintainers_free(m);
}

static void test_match(void **state)
{
	struct rd_maintainers *m = NULL;
	char buf[256];

	assert_int_equal(rd_maintainers_parse(&m, text, strlen(text), NULL), 0);
	assert_string_equal(titles(m, "xen/arch/arm/setup.c", buf, sizeof(buf)),
			    "ARM (W/ VIRTUALISATION EXTENSIONS) ARCHITECTURE");
	/* X: excludes tee/ from ARM; the most specific section first. */
	assert_string_equal(
		titles(m, "xen/arch/arm/tee/ffa.c", buf, sizeof(buf)),
		"FF-A MEDIATOR|TEE MEDIATORS");
	assert_string_equal(
		titles(m, "xen/arch/arm/tee/optee.c", buf, sizeof(buf)),
		"TEE MEDIATORS");
	/* A pattern without a slash at the end matches that depth only. */
	assert_string_equal(titles(m, "docs/README.md", buf, sizeof(buf)),
			    "DOCUMENTATION");
	assert_string_equal(titles(m, "docs/misc/x.md", buf, sizeof(buf)),
			    "THE REST");
	assert_string_equal(
		titles(m, "xen/include/public/arch-arm.h", buf, sizeof(buf)),
		"ARM (W/ VIRTUALISATION EXTENSIONS) ARCHITECTURE");
	/* THE REST only when nothing else matches. */
	assert_string_equal(titles(m, "tools/libs/ctrl/xc.c", buf, sizeof(buf)),
			    "THE REST");
	rd_maintainers_free(m);
}

static void test_hostile_and_limits(void **state)
{
	struct rd_maintainers *m = NULL;
	static const char odd[] = "F:\tno title\nT\nF:\n\n\x01:\tx\nA\nF:\t*";
	size_t idx[1];

	assert_int_equal(rd_maintainers_parse(&m, odd, sizeof(odd) - 1, NULL),
			 0);
	assert_int_equal(rd_maintainers_match(m, "a", idx, 1), 1);
	assert_string_equal(rd_maintainers_title(m, idx[0]), "A");
	rd_maintainers_free(m);
	assert_int_equal(
		rd_maintainers_parse(&m, odd, RD_MAINTAINERS_MAX + 1, NULL),
		ST_ETOOBIG);
	assert_null(m);
	assert_int_equal(
		rd_maintainers_load(&m, "/nonexistent/MAINTAINERS", NULL),
		ST_ENOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_hostile_and_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
