/* test-demodata.c: the generator's interface: counts, determinism,
 * bounds and refusals (the command and the git checks are in
 * test-demo-data.sh). */
#include "checks/build.h"
#include "ci/demodata.h"

#include "common/buf.h"

#include <git2.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

static char tmp[] = "/tmp/steward-demodata.XXXXXX";

static int setup(void **state)
{
	git_libgit2_init();
	return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
	chk_build_rmtree(tmp, NULL);
	git_libgit2_shutdown();
	return 0;
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
	struct st_buf path = ST_BUF_INIT, data = ST_BUF_INIT;
	char chunk[65536];
	size_t n;
	FILE *f;

	st_buf_addf(&path, "%s/%s/%s", tmp, dir, name);
	f = fopen(path.buf, "rb");
	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		st_buf_add(&data, chunk, n);
	fclose(f);
	st_buf_release(&path);
	return st_buf_detach(&data, len);
}

static int gen(const char *name, uint64_t n, uint64_t seed, bool no_repo,
	       struct ci_demodata_stats *st, struct st_error *err)
{
	struct ci_demodata_opts o = {n, seed, no_repo};
	struct st_buf dir = ST_BUF_INIT;
	int rc;

	st_buf_addf(&dir, "%s/%s", tmp, name);
	rc = ci_demodata_generate(st, dir.buf, &o, err);
	st_buf_release(&dir);
	return rc;
}

static void test_counts_and_determinism(void **state)
{
	struct ci_demodata_stats a, b, c;
	struct st_error err = ST_ERROR_INIT;
	size_t la, lb, lc;
	char *ma, *mb, *mc;

	assert_int_equal(gen("a", 500, 11, false, &a, &err), 0);
	assert_int_equal(gen("b", 500, 11, true, &b, &err), 0);
	assert_int_equal(gen("c", 500, 12, true, &c, &err), 0);
	assert_int_equal(a.messages, 500);
	assert_int_equal(a.covers + a.patches + a.replies + a.pulls, 500);
	assert_int_equal(a.pulls, 1);
	assert_true(a.commits > 0 && a.commits <= a.patches);
	assert_true(a.people >= 40);
	assert_true(a.series <= a.versions);
	/* The repository does not change the mails but for the pull. */
	assert_memory_equal(&a, &b, sizeof(a));
	ma = slurp("a", "archive.mbox", &la);
	mb = slurp("b", "archive.mbox", &lb);
	mc = slurp("c", "archive.mbox", &lc);
	assert_int_equal(la, a.mbox_bytes);
	assert_true(la == lb);
	assert_true(memcmp(ma, mb, la) != 0); /* the [GIT PULL] ids */
	assert_true(lc != la || memcmp(ma, mc, la) != 0);
	free(ma);
	free(mb);
	free(mc);
	/* Same seed again: same bytes. */
	assert_int_equal(gen("a2", 500, 11, false, &b, &err), 0);
	ma = slurp("a", "archive.mbox", &la);
	mb = slurp("a2", "archive.mbox", &lb);
	assert_true(la == lb && memcmp(ma, mb, la) == 0);
	free(ma);
	free(mb);
	ma = slurp("a", "truth.json", &la);
	mb = slurp("a2", "truth.json", &lb);
	assert_true(la == lb && memcmp(ma, mb, la) == 0);
	free(ma);
	free(mb);
}

static void test_small_and_refusals(void **state)
{
	struct ci_demodata_stats st;
	struct st_error err = ST_ERROR_INIT;

	for (uint64_t n = 1; n <= 12; n++) {
		char name[16];

		snprintf(name, sizeof(name), "n%llu", (unsigned long long)n);
		assert_int_equal(gen(name, n, n, true, &st, &err), 0);
		assert_int_equal(st.messages, n);
	}
	assert_int_equal(gen("z", 0, 1, true, &st, &err), ST_EINVALID);
	assert_non_null(strstr(err.msg, "out of range"));
	assert_int_equal(gen("n3", 3, 1, true, &st, &err), ST_EEXISTS);
	assert_non_null(strstr(err.msg, "n3/archive.mbox' already exists"));
	assert_int_equal(gen("n3/archive.mbox/x", 3, 1, true, &st, &err),
			 ST_ERROR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_and_determinism),
		cmocka_unit_test(test_small_and_refusals),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
