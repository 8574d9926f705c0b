/* users.c: API users and their hashed tokens. */
#include "users.h"

#include "common/util.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

static void hex(char *out, const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

void rd_users_hash(char out[65], const char *s)
{
	unsigned char d[32];

	gnutls_hash_fast(GNUTLS_DIG_SHA256, s, strlen(s), d);
	hex(out, d, sizeof(d));
}

static bool name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 64)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("._@+-", *p)))
			return false;
	return true;
}

int rd_users_add(struct st_store *s, const char *name, const char *email,
		 bool maintainer, char token_out[RD_TOKEN_LEN + 1],
		 struct st_error *err)
{
	static const char sql[] =
		"INSERT INTO users(username, email, token_hash, maintainer, "
		"created) VALUES (?, ?, ?, ?, ?)";
	unsigned char raw[RD_TOKEN_LEN / 2];
	char hash[65];
	sqlite3_stmt *st;
	int rc;

	if (!name_ok(name))
		return st_error_set(err, ST_EINVALID,
				    "bad user name '%s' (use 1-64 of "
				    "A-Z a-z 0-9 . _ @ + -)",
				    name);
	if (gnutls_rnd(GNUTLS_RND_KEY, raw, sizeof(raw)) < 0)
		return st_error_set(err, ST_ERROR,
				    "cannot get random bytes for a token");
	hex(token_out, raw, sizeof(raw));
	rd_users_hash(hash, token_out);
	st = st_store_stmt(s, sql, err);
	if (!st)
		return ST_ERROR;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	st_store_bind_text(st, 2, email);
	sqlite3_bind_text(st, 3, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 4, maintainer);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)st_time_now());
	rc = st_store_step_done(s, st, err);
	if (rc == ST_EEXISTS)
		rc = st_error_set(err, ST_EEXISTS, "user '%s' already exists",
				  name);
	if (rc < 0)
		memset(token_out, 0, RD_TOKEN_LEN + 1);
	return rc;
}

/* The user of token and one boolean column of theirs (sql selects id,
 * flag by token_hash). */
static int auth(struct st_store *s, const char *sql, const char *token,
		int64_t *user_id, bool *flag, struct st_error *err)
{
	char hash[65];
	sqlite3_stmt *st;
	int rc;

	if (strlen(token) != RD_TOKEN_LEN)
		return st_error_set(err, ST_ENOTFOUND, "invalid token");
	rd_users_hash(hash, token);
	st = st_store_stmt(s, sql, err);
	if (!st)
		return ST_ERROR;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*user_id = sqlite3_column_int64(st, 0);
		*flag = sqlite3_column_int(st, 1) != 0;
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = st_error_set(err, ST_ENOTFOUND, "invalid token");
	} else {
		rc = st_store_check(s, rc, err);
	}
	sqlite3_reset(st);
	return rc;
}

int rd_users_auth(struct st_store *s, const char *token, int64_t *user_id,
		  bool *maintainer, struct st_error *err)
{
	static const char sql[] =
		"SELECT id, maintainer FROM users WHERE token_hash = ?";

	return auth(s, sql, token, user_id, maintainer, err);
}

int rd_users_set_admin(struct st_store *s, const char *name, bool admin,
		       struct st_error *err)
{
	static const char sql[] =
		"UPDATE users SET admin = ? WHERE username = ?";
	sqlite3_stmt *st = st_store_stmt(s, sql, err);
	int rc;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int(st, 1, admin);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
	rc = st_store_step_done(s, st, err);
	if (rc == 0 && sqlite3_changes(st_store_db(s)) != 1)
		rc = st_error_set(err, ST_ENOTFOUND, "no such user '%s'", name);
	return rc;
}

int rd_users_auth_admin(struct st_store *s, const char *token, int64_t *user_id,
			bool *admin, struct st_error *err)
{
	static const char sql[] =
		"SELECT id, admin FROM users WHERE token_hash = ?";

	return auth(s, sql, token, user_id, admin, err);
}
