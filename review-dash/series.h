/*
 * series.h: grouping patches into series and series into versions, and
 * reading series back.
 *
 * A numbered patch joins the series of the cover letter or first patch
 * it is threaded to; without a thread, a series from the same submitter
 * with the same version and total posted shortly before. A patch never
 * takes a slot already filled: a resent copy starts another series.
 * A later version (labelled vN or not, threaded to the earlier one or
 * not) supersedes the earlier series from the same submitter with the
 * same name, or the one whose cover letter it answers. An unlabelled
 * repost counts as a new version only when posted outside the grouping
 * window; inside it, it is a resend kept beside the original.
 */
#ifndef STEWARD_REVIEW_SERIES_H
#define STEWARD_REVIEW_SERIES_H

#include "common/error.h"
#include "common/store.h"
#include "review-dash/message.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* Patches posted further apart than this are not grouped by submitter,
 * version and total alone. */
#define RD_SERIES_WINDOW (6 * 3600)

/*
 * The series a patch m about to be stored belongs to, found or created
 * (*created); a series without a cover takes the name of its patch 1.
 * Then store the patch with series_id *id and call rd_series_add_patch.
 * Both run inside the caller's transaction.
 */
int rd_series_for_patch(struct st_store *s, int64_t list_id,
			int64_t author_id, const struct rd_message *m,
			int64_t *id, bool *created, struct st_error *err);

/* Count the just-stored patch m in series id, and link versions when the
 * series is new or m is its patch 1. */
int rd_series_add_patch(struct st_store *s, int64_t id, bool created,
			const struct rd_message *m, struct st_error *err);

/* Place the just-stored cover letter m (message row msg_row) in a series,
 * the one its patches started or a new one, and link versions. */
int rd_series_place_cover(struct st_store *s, int64_t list_id,
			  int64_t author_id, const struct rd_message *m,
			  int64_t msg_row, struct st_error *err);

/* The series of message msg_row's cover or patch, or 0. */
int64_t rd_series_of_message(struct st_store *s, int64_t msg_row);

/*
 * Series as JSON (the shape of `steward series list --json`): newest
 * first, at most limit (0: all), of list name (NULL: all lists).
 * Caller owns *out (json_decref).
 */
int rd_series_list(struct st_store *s, const char *list, int64_t limit,
		   json_t **out, struct st_error *err);

/* One series as JSON with its patches, trailers (cover-letter trailers
 * rolled up into every patch) and versions. ST_ENOTFOUND when absent. */
int rd_series_show(struct st_store *s, int64_t id, json_t **out,
		   struct st_error *err);

#endif
