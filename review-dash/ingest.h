/*
 * ingest.h: bringing one source of mail into the store. Reading, parsing
 * and storing run as a pipeline: one reader, parser threads (GMime is the
 * costly step), and this thread writing batches in source order. Each
 * batch is one transaction that also saves the source's resume token, so
 * a run killed at any moment and run again ends exactly as one that was
 * not; running again on the same input adds nothing.
 */
#ifndef STEWARD_REVIEW_INGEST_H
#define STEWARD_REVIEW_INGEST_H

#include "common/error.h"
#include "common/store.h"

#include <stddef.h>
#include <stdint.h>

struct rd_ingest_opts {
	const char *list;         /* list name; created when missing */
	const char *list_address; /* may be NULL */
	const char *mirror_dir;   /* for remote archives */
	int threads;              /* parser threads; 0: one per core */
	size_t batch;             /* messages per transaction; 0: default */
};

/* Counts for one or more runs; add up across sources. */
struct rd_ingest_stats {
	uint64_t messages;   /* read from the source */
	uint64_t new_msgs;   /* stored for the first time */
	uint64_t duplicates; /* already in the store */
	uint64_t patches;
	uint64_t covers;
	uint64_t pulls;
	uint64_t comments;
	uint64_t series;     /* series created */
	uint64_t rejected;
	uint64_t deleted;
	uint64_t accepted;   /* patches found landed by the matching pass */
};

/*
 * Ingest everything new in uri (a path, "-" or a URL; see source.h).
 * Adds to *stats. Returns 0 or a negative error; messages that cannot be
 * parsed are not errors but are recorded as rejected.
 */
int rd_ingest_run(struct st_store *s, const char *uri,
		  const struct rd_ingest_opts *opts,
		  struct rd_ingest_stats *stats, struct st_error *err);

/*
 * After the sources: match the new patches against the indexed git trees
 * (see match.h) in one transaction. Adds to stats->accepted.
 */
int rd_ingest_finish(struct st_store *s, struct rd_ingest_stats *stats,
		     struct st_error *err);

#endif
