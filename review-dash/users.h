/*
 * users.h: API users of the dashboard and their tokens. A token is shown
 * once, when made; the store keeps only its SHA-256, so a copy of the
 * store does not hand out write access.
 */
#ifndef STEWARD_REVIEW_DASH_USERS_H
#define STEWARD_REVIEW_DASH_USERS_H

#include "common/error.h"
#include "common/store.h"

#include <stdbool.h>
#include <stdint.h>

/* Length of a token in hex characters (20 random bytes). */
#define RD_TOKEN_LEN 40

/*
 * Add user name (1-64 characters of [A-Za-z0-9._@+-]) with an optional
 * e-mail address, and make a new random token for it, written to
 * token_out (RD_TOKEN_LEN + 1 bytes). ST_EEXISTS when the name is taken,
 * ST_EINVALID for a bad name.
 */
int rd_users_add(struct st_store *s, const char *name, const char *email,
		 bool maintainer, char token_out[RD_TOKEN_LEN + 1],
		 struct st_error *err);

/*
 * Find the user owning token. ST_ENOTFOUND when no user has it (or it is
 * malformed). *user_id and *maintainer are set on success.
 */
int rd_users_auth(struct st_store *s, const char *token, int64_t *user_id,
		  bool *maintainer, struct st_error *err);

/*
 * Make user name an administrator (admin true) or not. Only an admin's
 * token opens the security tracker pages. ST_ENOTFOUND for no such user.
 */
int rd_users_set_admin(struct st_store *s, const char *name, bool admin,
		       struct st_error *err);

/*
 * Like rd_users_auth, but reports whether the token's user is an
 * administrator in *admin. ST_ENOTFOUND when no user has the token.
 */
int rd_users_auth_admin(struct st_store *s, const char *token, int64_t *user_id,
			bool *admin, struct st_error *err);

/* Write the hex SHA-256 of s (65 bytes) to out. */
void rd_users_hash(char out[65], const char *s);

#endif
