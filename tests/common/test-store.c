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

/* The first column of the first row of sql, as text (static). */
static const char *query_text(struct st_store *s, const char *sql)
{
	static char out[256];
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(st_store_db(s), sql, -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, sizeof(out), "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return out;
}

/* The schema's indexes of table, one "name|sql" line each, in order. */
static void index_sql(struct st_store *s, const char *table, char *out,
		      size_t n)
{
	sqlite3_stmt *st;
	size_t len = 0;

	out[0] = '\0';
	assert_int_equal(
		sqlite3_prepare_v2(st_store_db(s),
				   "SELECT name, coalesce(sql, '-') FROM "
				   "sqlite_master WHERE type = 'index' AND "
				   "tbl_name = ? ORDER BY name",
				   -1, &st, NULL),
		SQLITE_OK);
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		len += (size_t)snprintf(out + len, n - len, "%s|%s\n",
					sqlite3_column_text(st, 0),
					sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
}

static void test_indexes_drop_restore(void **state)
{
	struct st_error err = ST_ERROR_INIT;
	struct st_store *s = NULL;
	char path[128], before[4096], during[4096], after[4096];
	char *saved = NULL;

	path_in(path, sizeof(path), "i.db");
	assert_int_equal(st_store_open(&s, path, 0, &err), 0);
	index_sql(s, "commits", before, sizeof(before));
	/* The schema's five, and the UNIQUE constraint's own. */
	assert_non_null(strstr(before, "commits_git_patch_id|CREATE INDEX"));
	assert_non_null(strstr(before, "sqlite_autoindex_commits_1|-"));
	/* Dropped inside a transaction: only the constraint's is left;
	 * rolling back brings them back. */
	assert_int_equal(st_store_begin(s, &err), 0);
	assert_int_equal(st_store_indexes_drop(s, "commits", &saved, &err), 0);
	index_sql(s, "commits", during, sizeof(during));
	assert_string_equal(during, "sqlite_autoindex_commits_1|-\n");
	st_store_rollback(s);
	free(saved);
	index_sql(s, "commits", after, sizeof(after));
	assert_string_equal(after, before);
	/* Dropped, rows added, restored, committed: the same indexes, in
	 * use and consistent with the rows. */
	assert_int_equal(st_store_begin(s, &err), 0);
	assert_int_equal(st_store_indexes_drop(s, "commits", &saved, &err), 0);
	assert_int_equal(
		st_store_exec(s,
			      "INSERT INTO trees(name) VALUES ('t');"
			      "INSERT INTO commits(tree_id, oid, author_time, "
			      "commit_time, subject, norm_subject, "
			      "git_patch_id, message) VALUES "
			      "(1, 'a1', 0, 0, 's', 's', 'p1', 'm'),"
			      "(1, 'b2', 0, 0, 's', 's', 'p2', 'm')",
			      &err),
		0);
	assert_int_equal(st_store_indexes_restore(s, &saved, &err), 0);
	assert_null(saved);
	assert_int_equal(st_store_commit(s, &err), 0);
	index_sql(s, "commits", after, sizeof(after));
	assert_string_equal(after, before);
	assert_string_equal(query_text(s, "PRAGMA integrity_check"), "ok");
	assert_string_equal(query_text(s, "SELECT group_concat(oid) FROM "
					  "commits INDEXED BY "
					  "commits_git_patch_id WHERE "
					  "git_patch_id = 'p2'"),
			    "b2");
	/* A table without indexes of its own: nothing to do. */
	assert_int_equal(st_store_begin(s, &err), 0);
	assert_int_equal(st_store_indexes_drop(s, "trees", &saved, &err), 0);
	assert_string_equal(saved, "");
	assert_int_equal(st_store_indexes_restore(s, &saved, &err), 0);
	assert_int_equal(st_store_commit(s, &err), 0);
	st_store_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_and_repeated),
		cmocka_unit_test(test_future_version_refused_untouched),
		cmocka_unit_test(test_foreign_db_and_missing),
		cmocka_unit_test(test_stmt_cache),
		cmocka_unit_test(test_indexes_drop_restore),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
