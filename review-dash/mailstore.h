/*
 * mailstore.h: storing parsed messages: people, the message with its raw
 * bytes, threading (parents, thread roots, orphans adopted when their
 * parent arrives), patches, comments and trailers. Series assembly is in
 * series.h; this module calls it for each patch and cover letter.
 *
 * All calls expect the caller to hold a write transaction (ingest commits
 * one batch at a time, with the source's resume token). A struct
 * rd_mailstore remembers the people it has seen, so the common case of a
 * known sender costs no query; use one per writer.
 */
#ifndef STEWARD_REVIEW_MAILSTORE_H
#define STEWARD_REVIEW_MAILSTORE_H

#include "common/error.h"
#include "common/store.h"
#include "review-dash/message.h"

#include <stddef.h>
#include <stdint.h>

struct rd_mailstore;

/* A mail writer on store s (borrowed; must outlive it). Free with
 * rd_mailstore_free. */
struct rd_mailstore *rd_mailstore_new(struct st_store *s);
void rd_mailstore_free(struct rd_mailstore *ms);

/* Forget cached people: call after a rolled-back transaction, whose
 * rows the cache may name. */
void rd_mailstore_forget(struct rd_mailstore *ms);

/* What storing one message did, for the ingest summary. */
enum rd_mailstore_result {
	RD_STORED_NEW = 0,
	RD_STORED_DUPLICATE = 1, /* the Message-ID was already there */
};

/*
 * Store m for list_id (0: no list). zraw/zlen are the raw bytes
 * compressed by rd_rawmail_compress (rawmail.h), raw_len their real size.
 * Returns an rd_mailstore_result or a negative error.
 */
int rd_mailstore_add(struct rd_mailstore *ms, int64_t list_id,
		     const struct rd_message *m, const void *zraw, size_t zlen,
		     size_t raw_len, struct st_error *err);

/* Record input that could not be stored as a message. */
int rd_mailstore_reject(struct st_store *s, const char *source,
			const char *pos, const char *msgid, const char *reason,
			const char *raw, size_t len, struct st_error *err);

/* Remove the message with Message-ID msgid and what hangs on it
 * (public-inbox deletions). ST_ENOTFOUND when absent. */
int rd_mailstore_delete(struct st_store *s, const char *msgid,
			struct st_error *err);

/* The id of list name, created when missing. */
int rd_mailstore_list_id(struct st_store *s, const char *name,
			 const char *address, int64_t *out,
			 struct st_error *err);

/* The id of the person with address email, created or renamed. */
int rd_mailstore_person_id(struct rd_mailstore *ms, const char *email,
			   const char *name, int64_t *out,
			   struct st_error *err);

#endif
