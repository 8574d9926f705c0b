/*
 * demodata.h: the sample project generator used by the demo, the tests
 * and the benchmarks. It writes a mailing-list archive (mboxrd), a bare
 * git repository made with libgit2 whose commits are some of the posted
 * patches, and a JSON file with the ground truth. The output depends only
 * on the options: the same seed gives the same bytes and the same commit
 * ids (no clock, no rand(), no environment).
 *
 * archive.mbox (mboxrd: body lines matching /^>*From / get one more '>'):
 * git format-patch mails ("[PATCH v2 3/5] area: subject", cover letters
 * "0/5", Message-IDs "<20250106093000.12345-2-user@host>", In-Reply-To and
 * References to the cover or first patch; later versions sometimes sent
 * in reply to the earlier cover), RFC/RESEND/"XEN PATCH for-4.20"
 * prefixes, replies with Reviewed-by/Acked-by/Tested-by (to a patch, or
 * "For the series:" to a cover), comments quoting the diff, replies that
 * only quote a trailer ("> Reviewed-by: ..."), and one [GIT PULL].
 * From/Cc names are UTF-8 in several scripts, raw or RFC 2047 (B or Q).
 *
 * repo.git (bare): an initial commit with MAINTAINERS and ~60 source
 * files, then the last version of about 60% of the series on master, in
 * posting order (author and date from the mail, committer a maintainer a
 * few days later, message = the mail's + the trailers given for that
 * version); a few are "edited on commit" (one added line differs, so the
 * patch-id differs but subject and author match). stable-1.0 forks from
 * an early master commit and receives cherry-picks ending in "(cherry picked
 * from commit <oid>)" or, one in four, "master commit: <oid>".
 *
 * truth.json: {seed, messages, list, detail, counts{...}, branches{master,
 * stable-1.0}, areas[{title, prefix, maintainers[], reviewers[], files[],
 * exclude}], and when detail is true: people[{name, email}], pulls[{msgid,
 * url, tag, base, head}], series[{id, title, area, author{name, email},
 * committed, versions[{version, tag, total, cover, in_reply_to,
 * patches[{number, msgid, subject, trailers[{kind, name, email}],
 * commit, edited, stable}]}]}]}. trailers are those given for that
 * version of the patch (by reply to it or to its cover), quoted ones
 * excluded; commit/edited/stable appear on the committed (last) version
 * (commit and stable are null with --no-repo).
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
 * any of these (nor NAME.tmp: each is written as NAME.tmp, and renamed
 * once everything is written, the mbox last). Memory stays bounded whatever opts->messages is: mails
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
