/*
 * store.h: the SQLite store. Opening applies the numbered migrations in
 * common/schema/ inside one transaction (a store newer than this binary
 * is refused, never touched); the connection runs in WAL mode with
 * foreign keys on and a busy timeout. Statements are prepared once and
 * cached per connection, keyed by their SQL text.
 *
 * A struct st_store is one connection: use it from one thread at a time.
 * The server opens one read-only store per worker thread.
 */
#ifndef STEWARD_COMMON_STORE_H
#define STEWARD_COMMON_STORE_H

#include "error.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

struct st_store;

enum st_store_flags {
	ST_STORE_READONLY = 1 << 0, /* open an existing store read-only */
	ST_STORE_MEMORY = 1 << 1,   /* path is ignored: a private in-memory store */
};

/*
 * Open (creating when allowed) the store at path and bring its schema
 * up to date. Caller owns *out; free with st_store_free.
 * Errors: ST_ENOTFOUND (read-only and missing), ST_EINVALID (not a
 * Steward store, or one from a newer Steward), ST_ERROR.
 */
int st_store_open(struct st_store **out, const char *path, unsigned flags,
		  struct st_error *err);
void st_store_free(struct st_store *s);

/* The schema version this binary knows, and the one the store has. */
int st_store_schema_latest(void);
int st_store_schema_version(struct st_store *s);

/* The underlying connection, borrowed. */
sqlite3 *st_store_db(struct st_store *s);
const char *st_store_path(const struct st_store *s);

/*
 * A prepared statement for sql, from the cache: reset, with bindings
 * cleared. sql must be a string with static storage (a static const
 * statement); the pointer is the cache key. Borrowed: do not finalize.
 * Returns NULL and sets err on a syntax error.
 */
sqlite3_stmt *st_store_stmt(struct st_store *s, const char *sql,
			    struct st_error *err);

/* Run one or more statements without results. 0 or ST_ERROR. */
int st_store_exec(struct st_store *s, const char *sql, struct st_error *err);

/* Transactions. begin takes the write lock at once (BEGIN IMMEDIATE) so a
 * writer never fails half-way on a lock upgrade. */
int st_store_begin(struct st_store *s, struct st_error *err);
int st_store_commit(struct st_store *s, struct st_error *err);
/* Roll back when a transaction is open; never fails. */
void st_store_rollback(struct st_store *s);

/*
 * Bulk loading, inside one transaction: drop the indexes the schema made
 * on table (not those of its keys and UNIQUE constraints), keeping their
 * SQL in *saved, then make them again with st_store_indexes_restore
 * before committing. Building an index from all its rows at once (a
 * sort) costs far less than keeping it up to date row by row when most
 * rows are new. restore frees *saved, also on error. 0 or ST_ERROR.
 */
int st_store_indexes_drop(struct st_store *s, const char *table, char **saved,
			  struct st_error *err);
int st_store_indexes_restore(struct st_store *s, char **saved,
			     struct st_error *err);

/*
 * Translate an SQLite result into Steward's scheme: SQLITE_OK, ROW and
 * DONE give 0; BUSY/LOCKED give ST_EBUSY; CONSTRAINT gives ST_EEXISTS;
 * anything else ST_ERROR, each with sqlite3_errmsg as the message.
 */
int st_store_check(struct st_store *s, int rc, struct st_error *err);

/* Step a statement that returns no row (INSERT, UPDATE ...). */
int st_store_step_done(struct st_store *s, sqlite3_stmt *st,
		       struct st_error *err);

/* Bind helpers that accept NULL strings as SQL NULL. */
int st_store_bind_text(sqlite3_stmt *st, int i, const char *s);
/* The same without a copy: s must stay as it is until st is reset. */
int st_store_bind_text_static(sqlite3_stmt *st, int i, const char *s);
/* Copy of column i as a malloc'd string, or NULL for SQL NULL. */
char *st_store_column_dup(sqlite3_stmt *st, int i);

/* Key/value settings kept in the store (table meta). value is the
 * caller's (free()); ST_ENOTFOUND when absent. */
int st_store_meta_get(struct st_store *s, const char *key, char **value,
		      struct st_error *err);
int st_store_meta_set(struct st_store *s, const char *key, const char *value,
		      struct st_error *err);

#endif
