/*
 * store.c: SQLite connection, migrations and the statement cache. The
 * migrations themselves are the files in common/schema/, compiled in by
 * CMake (schema.gen.c) in file-name order.
 */
#include "store.h"

#include "buf.h"
#include "log.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* From schema.gen.c, generated from common/schema/NNNN-*.sql. */
extern const char *const st_schema_migrations[];
extern const int st_schema_count;

/* Magic application_id: "STWD", so we never migrate someone else's db. */
#define STEWARD_APP_ID 0x53545744

struct stmt_slot {
	const char *sql;
	sqlite3_stmt *stmt;
};

struct st_store {
	sqlite3 *db;
	char *path;
	struct stmt_slot *cache; /* open-addressed, keyed by sql pointer */
	size_t cache_len;
	size_t cache_alloc; /* power of two, or 0 */
};

int st_store_check(struct st_store *s, int rc, struct st_error *err)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return 0;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return st_error_set(err, ST_EBUSY,
				    "store '%s' is locked by another process: %s",
				    s->path, sqlite3_errmsg(s->db));
	case SQLITE_CONSTRAINT:
		return st_error_set(err, ST_EEXISTS, "store: %s",
				    sqlite3_errmsg(s->db));
	default:
		return st_error_set(err, ST_ERROR, "store '%s': %s", s->path,
				    sqlite3_errmsg(s->db));
	}
}

int st_store_exec(struct st_store *s, const char *sql, struct st_error *err)
{
	return st_store_check(s, sqlite3_exec(s->db, sql, NULL, NULL, NULL),
			      err);
}

static int pragma_int(struct st_store *s, const char *sql, int *out,
		      struct st_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);

	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			*out = sqlite3_column_int(st, 0);
	}
	rc = st_store_check(s, rc, err);
	sqlite3_finalize(st);
	return rc;
}

int st_store_schema_latest(void)
{
	return st_schema_count;
}

int st_store_schema_version(struct st_store *s)
{
	int v = -1;

	pragma_int(s, "PRAGMA user_version", &v, NULL);
	return v;
}

static bool has_tables(struct st_store *s)
{
	int n = 0;

	pragma_int(s, "SELECT count(*) FROM sqlite_master", &n, NULL);
	return n > 0;
}

static int migrate(struct st_store *s, bool readonly, struct st_error *err)
{
	int version = 0, app = 0, rc;
	char sql[64];

	rc = pragma_int(s, "PRAGMA application_id", &app, err);
	if (rc < 0)
		return rc;
	rc = pragma_int(s, "PRAGMA user_version", &version, err);
	if (rc < 0)
		return rc;
	if (app != 0 && app != STEWARD_APP_ID)
		return st_error_set(err, ST_EINVALID,
				    "'%s' is an SQLite database but not a "
				    "Steward store",
				    s->path);
	if (version > st_schema_count)
		return st_error_set(
			err, ST_EINVALID,
			"store '%s' has schema version %d but this steward "
			"knows only up to %d: upgrade steward",
			s->path, version, st_schema_count);
	if (app == 0 && version == 0 && has_tables(s))
		return st_error_set(err, ST_EINVALID,
				    "'%s' is an SQLite database but not a "
				    "Steward store",
				    s->path);
	if (version == st_schema_count)
		return 0;
	if (readonly)
		return st_error_set(err, ST_EINVALID,
				    "store '%s' needs migration to schema %d: "
				    "run any writing command (e.g. 'steward "
				    "ingest') first",
				    s->path, st_schema_count);
	rc = st_store_begin(s, err);
	if (rc < 0)
		return rc;
	/* Re-read inside the write lock: another process may have migrated. */
	rc = pragma_int(s, "PRAGMA user_version", &version, err);
	for (int i = version; rc == 0 && i < st_schema_count; i++) {
		st_log(ST_LOG_DEBUG, "store: applying migration %d", i + 1);
		rc = st_store_exec(s, st_schema_migrations[i], err);
		if (rc == 0) {
			snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
				 i + 1);
			rc = st_store_exec(s, sql, err);
		}
	}
	if (rc == 0)
		rc = st_store_exec(s, "PRAGMA application_id = 1398036292",
				   err);
	if (rc == 0)
		rc = st_store_commit(s, err);
	if (rc < 0)
		st_store_rollback(s);
	return rc;
}

int st_store_open(struct st_store **out, const char *path, unsigned flags,
		  struct st_error *err)
{
	struct st_store *s = st_xcalloc(1, sizeof(*s));
	bool ro = flags & ST_STORE_READONLY;
	int oflags = ro ? SQLITE_OPEN_READONLY
			: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	struct stat stbuf;
	int rc;

	*out = NULL;
	if (flags & ST_STORE_MEMORY)
		path = ":memory:";
	s->path = st_xstrdup(path);
	if (ro && !(flags & ST_STORE_MEMORY) && stat(path, &stbuf) < 0) {
		rc = st_error_set(err, ST_ENOTFOUND,
				  "cannot open store '%s': %s", path,
				  strerror(errno));
		goto out;
	}
	oflags |= SQLITE_OPEN_NOMUTEX; /* one connection per thread */
	rc = sqlite3_open_v2(path, &s->db, oflags, NULL);
	if (rc != SQLITE_OK) {
		rc = st_error_set(err, ST_ERROR, "cannot open store '%s': %s",
				  path,
				  s->db ? sqlite3_errmsg(s->db)
					: sqlite3_errstr(rc));
		goto out;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, 10000);
	rc = st_store_exec(s,
			   ro ? "PRAGMA foreign_keys = ON"
			      : "PRAGMA foreign_keys = ON;"
				/* For a new store only (a store keeps the
				 * size it was made with): its rows are mail
				 * and commits, written in bulk, and 16 KiB
				 * pages take a quarter of the page writes
				 * and WAL copies of 4 KiB ones. */
				"PRAGMA page_size = 16384;"
				"PRAGMA journal_mode = WAL;"
				"PRAGMA synchronous = NORMAL;"
				/* A batch of mail dirties many index pages; with
				 * SQLite's 2 MB default cache they spill to the
				 * WAL again and again within one transaction. */
				"PRAGMA cache_size = -65536;"
				"PRAGMA temp_store = MEMORY",
			   err);
	if (rc < 0) {
		if (rc == ST_ERROR)
			rc = st_error_set(err, ST_EINVALID,
					  "cannot open store '%s': %s", path,
					  sqlite3_errmsg(s->db));
		goto out;
	}
	rc = migrate(s, ro, err);
out:
	if (rc < 0) {
		st_store_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void st_store_free(struct st_store *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->cache_alloc; i++)
		sqlite3_finalize(s->cache[i].stmt);
	free(s->cache);
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

sqlite3 *st_store_db(struct st_store *s)
{
	return s->db;
}

const char *st_store_path(const struct st_store *s)
{
	return s->path;
}

static size_t slot_of(const char *sql, size_t mask)
{
	uintptr_t h = (uintptr_t)sql;

	h ^= h >> 17;
	h *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 7) & mask;
}

static void cache_grow(struct st_store *s)
{
	size_t n = s->cache_alloc ? s->cache_alloc * 2 : 64;
	struct stmt_slot *old = s->cache;
	size_t old_n = s->cache_alloc;

	s->cache = st_xcalloc(n, sizeof(*s->cache));
	s->cache_alloc = n;
	for (size_t i = 0; i < old_n; i++) {
		size_t j;

		if (!old[i].sql)
			continue;
		j = slot_of(old[i].sql, n - 1);
		while (s->cache[j].sql)
			j = (j + 1) & (n - 1);
		s->cache[j] = old[i];
	}
	free(old);
}

sqlite3_stmt *st_store_stmt(struct st_store *s, const char *sql,
			    struct st_error *err)
{
	size_t j;
	sqlite3_stmt *st = NULL;

	if ((s->cache_len + 1) * 2 > s->cache_alloc)
		cache_grow(s);
	j = slot_of(sql, s->cache_alloc - 1);
	while (s->cache[j].sql && s->cache[j].sql != sql)
		j = (j + 1) & (s->cache_alloc - 1);
	if (s->cache[j].sql) {
		st = s->cache[j].stmt;
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return st;
	}
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
			       NULL) != SQLITE_OK) {
		st_error_set(err, ST_ERROR, "store: cannot prepare '%.60s': %s",
			     sql, sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
		return NULL;
	}
	s->cache[j].sql = sql;
	s->cache[j].stmt = st;
	s->cache_len++;
	return st;
}

int st_store_begin(struct st_store *s, struct st_error *err)
{
	return st_store_exec(s, "BEGIN IMMEDIATE", err);
}

int st_store_commit(struct st_store *s, struct st_error *err)
{
	return st_store_exec(s, "COMMIT", err);
}

void st_store_rollback(struct st_store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int st_store_indexes_drop(struct st_store *s, const char *table, char **saved,
			  struct st_error *err)
{
	sqlite3_stmt *st = NULL;
	struct st_buf sql = ST_BUF_INIT, drop = ST_BUF_INIT;
	int rc = sqlite3_prepare_v2(s->db,
				    "SELECT name, sql FROM sqlite_master "
				    "WHERE type = 'index' AND tbl_name = ?1 "
				    "AND sql IS NOT NULL",
				    -1, &st, NULL);

	*saved = NULL;
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		char *q = sqlite3_mprintf(
			"DROP INDEX \"%w\";",
			(const char *)sqlite3_column_text(st, 0));

		st_buf_addstr(&drop, q);
		sqlite3_free(q);
		st_buf_addstr(&sql, (const char *)sqlite3_column_text(st, 1));
		st_buf_addstr(&sql, ";\n");
		rc = SQLITE_OK;
	}
	rc = st_store_check(s, rc == SQLITE_DONE ? SQLITE_OK : rc, err);
	sqlite3_finalize(st);
	if (rc == 0)
		rc = st_store_exec(s, drop.buf, err);
	st_buf_release(&drop);
	if (rc == 0)
		*saved = st_buf_detach(&sql, NULL);
	st_buf_release(&sql);
	return rc;
}

int st_store_indexes_restore(struct st_store *s, char **saved,
			     struct st_error *err)
{
	int rc = *saved ? st_store_exec(s, *saved, err) : 0;

	free(*saved);
	*saved = NULL;
	return rc;
}

int st_store_step_done(struct st_store *s, sqlite3_stmt *st,
		       struct st_error *err)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		rc = SQLITE_DONE;
	rc = st_store_check(s, rc, err);
	sqlite3_reset(st);
	return rc;
}

int st_store_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (!s)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

int st_store_bind_text_static(sqlite3_stmt *st, int i, const char *s)
{
	if (!s)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

char *st_store_column_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t;

	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return NULL;
	t = sqlite3_column_text(st, i);
	return st_xmemdupz(t ? (const char *)t : "",
			   (size_t)sqlite3_column_bytes(st, i));
}

static const char sql_meta_get[] = "SELECT value FROM meta WHERE key = ?";
static const char sql_meta_set[] =
	"INSERT INTO meta(key, value) VALUES (?, ?) "
	"ON CONFLICT(key) DO UPDATE SET value = excluded.value";

int st_store_meta_get(struct st_store *s, const char *key, char **value,
		      struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_meta_get, err);
	int rc;

	*value = NULL;
	if (!st)
		return ST_ERROR;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*value = st_store_column_dup(st, 0);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = st_error_set(err, ST_ENOTFOUND, "no setting '%s'", key);
	} else {
		rc = st_store_check(s, rc, err);
	}
	sqlite3_reset(st);
	return rc;
}

int st_store_meta_set(struct st_store *s, const char *key, const char *value,
		      struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_meta_set, err);

	if (!st)
		return ST_ERROR;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	st_store_bind_text(st, 2, value);
	return st_store_step_done(s, st, err);
}
