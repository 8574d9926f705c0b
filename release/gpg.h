/*
 * gpg.h: detached OpenPGP signatures made by running gpg (GNUPGHOME and
 * the agent come from the environment, as for git). The program is
 * $STEWARD_GPG when set, else "gpg".
 */
#ifndef STEWARD_RELEASE_GPG_H
#define STEWARD_RELEASE_GPG_H

#include "common/buf.h"
#include "common/error.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * Sign the file in with key into the detached signature file sig
 * (ASCII-armoured when armor). ST_ERROR names the key when gpg fails.
 */
int rel_gpg_sign_file(const char *key, const char *in, const char *sig,
		      bool armor, struct st_error *err);

/*
 * Append to out the ASCII-armoured detached signature of data (what git
 * appends to a signed tag). Uses a temporary folder under $TMPDIR.
 */
int rel_gpg_sign_buffer(struct st_buf *out, const char *key, const void *data,
			size_t len, struct st_error *err);

#endif
