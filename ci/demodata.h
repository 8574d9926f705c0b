/*
 * demodata.h: the sample project generator used by the demo, the tests
 * and the benchmarks. It writes a mailing-list archive (mboxrd), a bare
 * git repository made with libgit2 whose commits are some of the posted
 * patches, and a JSON file with the ground truth. The output depends only
 * on the options: the same seed gives the same bytes and the same commit
 * ids (no clock, no rand(), no environment).
 */
#ifndef STEWARD_CI_DEMODATA_H
#define STEWARD_CI_DEMODATA_H

#include "common/error.h"

#include <stdbool.h>
#include <stdint.h>

/* Above this many messages truth.json holds only the summary counts. */
#define CI_DEMODATA_TRUTH_DETAIL_MAX 100000
/* At most this many patches are committed to master. */
#define CI_DEMODATA_COMMIT_MAX 5000
/* Bounds for ci_demodata_opts.messages. */
#define CI_DEMODATA_MESSAGES_MAX 100000000

struct ci_demodata_opts {
	uint64_t messages; /* mails in archive.mbox, 1..MESSAGES_MAX */
	uint64_t seed;
	bool no_repo; /* no repo.git; [GIT PULL] mails then name made-up
			 commits, everything else is unchanged */
};

/* What was written; all fields are counts. */
struct ci_demodata_stats {
	uint64_t messages;
	uint64_t people;
	uint64_t series;
	uint64_t versions; /* postings of a series (v1, v2, ...) */
	uint64_t covers;
	uint64_t patches;
	uint64_t replies;
	uint64_t trailers;	  /* trailers given in replies */
	uint64_t quoted_trailers; /* "> Reviewed-by:" lines, not trailers */
	uint64_t pulls;
	uint64_t commits;	 /* patches committed on master */
	uint64_t edited;	 /* of which edited on commit */
	uint64_t stable_commits; /* cherry-picks on stable-1.0 */
	uint64_t mbox_bytes;
};

/*
 * Write dir/archive.mbox, dir/repo.git (unless opts->no_repo) and
 * dir/truth.json. dir is created if missing; it must not already hold
 * any of these. Memory stays bounded whatever opts->messages is: mails
 * are streamed, at most CI_DEMODATA_COMMIT_MAX patches are committed and
 * truth.json keeps per-series detail only up to
 * CI_DEMODATA_TRUTH_DETAIL_MAX messages.
 *
 * Fills *out (may be NULL). Returns 0, ST_EINVALID for bad options,
 * ST_EEXISTS when dir already holds generated data, or ST_ERROR when a
 * file or the repository cannot be written; err names the path.
 */
int ci_demodata_generate(struct ci_demodata_stats *out, const char *dir,
			 const struct ci_demodata_opts *opts,
			 struct st_error *err);

#endif
