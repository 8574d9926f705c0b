/* test-plan.c: version parsing and the name formats of a release. */
#include "release/plan.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <git2.h>

/* Malformed versions, each rejected. */
static const char *const bad[] = {
	"",    "4",	   "4.",   "4..1",     "4.x",	     "4.20.1.",
	"a.b", "4.20.1.2", "-1.2", "4.20.1rc", "99999999.1",
};

static void test_version(void **state)
{
	struct st_error err = ST_ERROR_INIT;
	struct rel_version v;

	assert_int_equal(rel_version_parse(&v, "4.20.1", &err), 0);
	assert_int_equal(v.major, 4);
	assert_int_equal(v.minor, 20);
	assert_int_equal(v.patch, 1);
	assert_string_equal(v.text, "4.20.1");
	assert_string_equal(v.series, "4.20");
	assert_int_equal(rel_version_parse(&v, "4.20", &err), 0);
	assert_string_equal(v.text, "4.20.0");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(rel_version_parse(&v, bad[i], &err),
				 ST_EINVALID);
		assert_non_null(strstr(err.msg, "bad version"));
	}
}

static void test_expand_and_tags(void **state)
{
	struct st_error err = ST_ERROR_INIT;
	struct st_config *c = NULL;
	struct st_buf b = ST_BUF_INIT;
	struct rel_version v;

	assert_int_equal(rel_version_parse(&v, "4.20.0", &err), 0);
	rel_plan_expand(&b, "%X-%Y-%Z %V %S %% %q", &v);
	assert_string_equal(b.buf, "4-20-0 4.20.0 4.20 % %q");
	{
		char path[] = "/tmp/steward-plan.XXXXXX";
		int fd = mkstemp(path);
		static const char conf[] = "[release \"4.20\"]\n"
					   "\trc-tag-format = xen-%V-rc%N\n";

		assert_true(fd >= 0);
		assert_int_equal(write(fd, conf, sizeof(conf) - 1),
				 sizeof(conf) - 1);
		close(fd);
		assert_int_equal(st_config_load(&c, path, &err), 0);
		unlink(path);
	}
	st_buf_reset(&b);
	rel_plan_tag_name(&b, c, &v);
	assert_string_equal(b.buf, "RELEASE-4.20.0");
	v.rc = 3;
	st_buf_reset(&b);
	rel_plan_tag_name(&b, c, &v);
	assert_string_equal(b.buf, "xen-4.20.0-rc3");
	v.minor = 21;
	snprintf(v.series, sizeof(v.series), "4.21");
	snprintf(v.text, sizeof(v.text), "4.21.0");
	st_buf_reset(&b);
	rel_plan_tag_name(&b, c, &v);
	assert_string_equal(b.buf, "4.21.0-rc3");
	st_config_free(c);
	st_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_expand_and_tags),
	};

	int rc;

	git_libgit2_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	git_libgit2_shutdown();
	return rc;
}
