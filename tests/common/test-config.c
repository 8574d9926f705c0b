/* test-config.c: steward.conf parsing, defaults and writing. */
#include "common/config.h"
#include "common/error.h"

#include <git2.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static char dir[64];

static int setup(void **state)
{
	git_libgit2_init();
	strcpy(dir, "/tmp/steward-test-config-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	git_libgit2_shutdown();
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static int collect(const char *v, void *data)
{
	strcat(data, v);
	strcat(data, ";");
	return 0;
}

static void test_sections_and_values(void **state)
{
	struct st_error err = ST_ERROR_INIT;
	struct st_config *c = NULL;
	char path[128], seen[256] = "";
	char *v;
	int64_t n;
	bool b;

	snprintf(path, sizeof(path), "%s/steward.conf", dir);
	write_file(path, "[core]\n\tdb = my.db\n"
			 "[list \"xen-devel\"]\n\taddress = x@example.org\n"
			 "[tree \"xen\"]\n\tpath = /srv/xen.git\n"
			 "\tbranch = staging\n\tbranch = stable-4.19\n"
			 "[release \"4.20\"]\n\tbranch = staging\n"
			 "[list \"minios\"]\n\taddress = m@example.org\n"
			 "[serve]\n\tthreads = 4\n\ttls = yes\n");
	assert_int_equal(st_config_load(&c, path, &err), 0);
	v = st_config_get_path(c, "core.db", "steward.db");
	assert_non_null(strstr(v, dir));
	assert_non_null(strstr(v, "/my.db"));
	free(v);
	v = st_config_get_string(c, "list.xen-devel.address", NULL);
	assert_string_equal(v, "x@example.org");
	free(v);
	assert_null(st_config_get_string(c, "list.nope.address", NULL));
	st_config_get_all(c, "tree.xen.branch", collect, seen);
	assert_string_equal(seen, "staging;stable-4.19;");
	seen[0] = '\0';
	st_config_foreach_subsection(c, "list", collect, seen);
	assert_string_equal(seen, "xen-devel;minios;");
	seen[0] = '\0';
	st_config_foreach_subsection(c, "release", collect, seen);
	assert_string_equal(seen, "4.20;");
	assert_int_equal(st_config_get_int(c, "serve.threads", 1, &n, &err), 0);
	assert_int_equal(n, 4);
	assert_int_equal(st_config_get_bool(c, "serve.tls", false, &b, &err), 0);
	assert_true(b);
	assert_int_equal(st_config_set_string(c, "tree.xen.branch", "master",
					      true, &err),
			 0);
	seen[0] = '\0';
	st_config_get_all(c, "tree.xen.branch", collect, seen);
	assert_string_equal(seen, "staging;stable-4.19;master;");
	st_config_free(c);
}

static void test_no_file_defaults(void **state)
{
	struct st_error err = ST_ERROR_INIT;
	struct st_config *c = NULL;
	char cwd[512];
	char *v;
	int64_t n;

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	unlink("steward.conf");
	assert_int_equal(st_config_load(&c, NULL, &err), 0);
	assert_null(st_config_path(c));
	v = st_config_get_path(c, "core.db", "steward.db");
	assert_string_equal(v, "steward.db");
	free(v);
	assert_int_equal(st_config_get_int(c, "serve.threads", 2, &n, &err), 0);
	assert_int_equal(n, 2);
	st_config_free(c);
	assert_int_equal(chdir(cwd), 0);
}

static void test_bad_files(void **state)
{
	struct st_error err = ST_ERROR_INIT;
	struct st_config *c = NULL;
	char path[128];
	int64_t n;

	snprintf(path, sizeof(path), "%s/missing.conf", dir);
	assert_int_equal(st_config_load(&c, path, &err), ST_ENOTFOUND);
	assert_non_null(strstr(err.msg, "missing.conf"));
	snprintf(path, sizeof(path), "%s/bad.conf", dir);
	write_file(path, "[core\n\tdb = x\n");
	assert_int_equal(st_config_load(&c, path, &err), ST_EINVALID);
	assert_non_null(strstr(err.msg, "bad.conf"));
	write_file(path, "[serve]\n\tthreads = many\n");
	assert_int_equal(st_config_load(&c, path, &err), 0);
	assert_int_equal(st_config_get_int(c, "serve.threads", 1, &n, &err),
			 ST_EINVALID);
	st_config_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sections_and_values),
		cmocka_unit_test(test_no_file_defaults),
		cmocka_unit_test(test_bad_files),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
