/* test-store.c: opening, migrating and refusing stores. */
#include "common/error.h"
#include "common/store.h"

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
	strcpy(dir, "/tmp/steward-test-store-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void path_in(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

static void test_fresh_and_repeated(void **state)
{
	struct st_error err = ST_ERROR_INIT;
	struct st_store *s = NULL;
	char path[128];
	char *v = NULL;

	path_in(path, sizeof(path), "a.db");
	assert_int_equal(st_store_open(&s, path, 0, &err), 0);
	assert_int_equal(st_store_schema_version(s), st_store_schema_latest());
	assert_int_equal(st_store_meta_set(s, "k", "v1", &err), 0);
	st_store_free(s);
	/* Opening again applies nothing and keeps the data. */
	assert_int_equal(st_store_open(&s, path, 0, &err), 0);
	assert_int_equal(st_store_schema_version(s), st_store_schema_latest());
	assert_int_equal(st_store_meta_get(s, "k", &v, &err), 0);
	assert_string_equal(v, "v1");
	free(v);
	assert_int_equal(st_store_meta_get(s, "nope", &v, &err), ST_ENOTFOUND);
	st_store_free(s);
	/* Read-only works on a migrated store. */
	assert_int_equal(st_store_open(&s, path, ST_STORE_READONLY, &err), 0);
	assert_int_equal(st_store_meta_set(s, "k", "v2", &err), ST_ERROR);
	st_store_free(s);
}

static void test_future_version_refused_untouched(void **state)
{
	struct st_error err = ST_ERROR_INIT;
	struct st_store *s = NULL;
	char path[128];
	sqlite3 *db;
	int v = 0;

	path_in(path, sizeof(path), "future.db");
	assert_int_equal(st_store_open(&s, path, 0, &err), 0);
	st_store_free(s);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 9999", NULL,
				      NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(st_store_open(&s, path, 0, &err), ST_EINVALID);
	assert_null(s);
	assert_non_null(strstr(err.msg, "upgrade steward"));
	/* Not damaged: the version is still the newer one. */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	{
		sqlite3_stmt *st;

		sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		v = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	assert_int_equal(v, 9999);
}

static void test_foreign_db_and_missing(void **state)
{
	struct st_error err = ST_ERROR_INIT;
	struct st_store *s = NULL;
	char path[128];
	sqlite3 *db;

	path_in(path, sizeof(path), "other.db");
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL);
	sqlite3_close(db);
	assert_int_equal(st_store_open(&s, path, 0, &err), ST_EINVALID);
	assert_non_null(strstr(err.msg, "not a Steward store"));
	path_in(path, sizeof(path), "missing.db");
	assert_int_equal(st_store_open(&s, path, ST_STORE_READONLY, &err),
			 ST_ENOTFOUND);
	assert_int_equal(access(path, F_OK), -1);
	/* A file that is not SQLite at all. */
	path_in(path, sizeof(path), "junk.db");
	{
		FILE *f = fopen(path, "w");

		fputs("this is not a database, just some text that is long "
		      "enough to have a header\n",
		      f);
		fclose(f);
	}
	assert_true(st_store_open(&s, path, 0, &err) < 0);
	assert_non_null(strstr(err.msg, "junk.db"));
}

static void test_stmt_cache(void **state)
{
	static const char sql[] = "SELECT ? + 1";
	struct st_error err = ST_ERROR_INIT;
	struct st_store *s = NULL;
	sqlite3_stmt *a, *b;

	assert_int_equal(st_store_open(&s, NULL, ST_STORE_MEMORY, &err), 0);
	a = st_store_stmt(s, sql, &err);
	assert_non_null(a);
	sqlite3_bind_int(a, 1, 41);
	assert_int_equal(sqlite3_step(a), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(a, 0), 42);
	b = st_store_stmt(s, sql, &err);
	assert_ptr_equal(a, b);
	/* Bindings were cleared. */
	assert_int_equal(sqlite3_step(b), SQLITE_ROW);
	assert_int_equal(sqlite3_column_type(b, 0), SQLITE_NULL);
	assert_null(st_store_stmt(s, "SELEKT nonsense", &err));
	assert_int_equal(err.code, ST_ERROR);
	st_store_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_and_repeated),
		cmocka_unit_test(test_future_version_refused_untouched),
		cmocka_unit_test(test_foreign_db_and_missing),
		cmocka_unit_test(test_stmt_cache),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
