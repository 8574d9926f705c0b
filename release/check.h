/*
 * check.h: the release rules, run before tagging. Rules are data in
 * steward.conf, one section each, run in file order:
 *
 *   [release-rule "NAME"]
 *     kind = file-regex | file-no-regex | kconfig-default |
 *            subject-regex | freeze-acks | blockers-closed |
 *            security-fixes | check
 *     when = rc | release | any      (default any: the tag kind checked)
 *     file = PATH                    (file kinds: path in the tree)
 *     pattern = REGEX                (POSIX extended, one line)
 *     hint = REGEX                   (file-regex: the line to quote when
 *                                     nothing matches)
 *     symbol = NAME, value = y|n     (kconfig-default)
 *     since = YYYY-MM-DD             (freeze-acks; default the release's
 *                                     code-freeze date)
 *     tree = NAME                    (security-fixes: only this tree;
 *                                     default every advisory tree)
 *     check = NAME                   (check: a [check "NAME"] of the
 *                                     checks framework, e.g. a build)
 *     explain = TEXT                 (why the rule exists, printed)
 *
 * file-regex needs a line of file matching pattern; file-no-regex fails
 * on each line that matches; kconfig-default needs `default VALUE` in
 * the `config SYMBOL` block; subject-regex matches the subject of the
 * commit to tag; freeze-acks fails on each non-merge commit made after
 * the freeze without a Release-Acked-by trailer; blockers-closed fails
 * on each open blocker of the tracker and on each series whose subject
 * names the release in a bracket tag (for-X.Y, X.Y, for-X.Y.Z, X.Y.Z;
 * the X.Y forms for a .0 release only) until every patch of its newest
 * version has landed (state accepted, or found on a branch by `steward
 * trees sync`) or was rejected, not-applicable or superseded (see
 * postings.h); security-fixes runs the advisory x branch matrix
 * (secmatch.h) and fails, naming advisory, patch file and branch, on
 * each cell of the release's series (advisory version X.Y, or the
 * branch of [release "X.Y"]) that is missing, partial,
 * prerequisite-missing or not indexed; it passes when all are applied
 * (or none applies), and is skipped when the store holds no advisory;
 * check runs a check of checks/check.h as configured (its own ref and
 * commands), stores the result with the check's history, and fails
 * unless it passes or warns, quoting its reason and details.
 * In file, pattern and hint these placeholders are
 * replaced (regex-quoted in patterns): %MAJOR% %MINOR% %PATCH% %VERSION%
 * %SERIES% %RC% (candidate number) %KIND% (rc or release).
 */
#ifndef STEWARD_RELEASE_CHECK_H
#define STEWARD_RELEASE_CHECK_H

#include "common/config.h"
#include "common/error.h"
#include "common/store.h"
#include "release/plan.h"

#include <git2.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

enum rel_finding_status {
	REL_PASS,
	REL_FAIL,
	REL_SKIP, /* the rule does not apply (when =, no freeze date) */
};

/* One result of one rule, with its evidence (NULL/0 when none). */
struct rel_finding {
	char *rule;
	char *kind;
	enum rel_finding_status status;
	char *message;
	char *file;
	int64_t line;
	char *value;
	char *commit;
	char *explain;
};

struct rel_findings {
	struct rel_finding *v;
	size_t n;
	size_t alloc;
};

/*
 * Run every [release-rule] of c for version v (v->rc > 0: a candidate)
 * on the commit ref names in repo. store may be NULL, then
 * blockers-closed and security-fixes rules fail saying so. Findings are appended to out
 * (caller releases it). Errors: ST_ENOTFOUND (ref), ST_EINVALID (a rule
 * that cannot run: unknown kind, bad regex, missing key).
 */
int rel_check_run(struct rel_findings *out, const struct st_config *c,
		  git_repository *repo, const struct rel_version *v,
		  const char *ref, struct st_store *store,
		  struct st_error *err);

/* True when no finding failed. */
bool rel_findings_ok(const struct rel_findings *f);

/* Print as text ("PASS rule: message (file:line: value)") to f. */
void rel_findings_print(FILE *f, const struct rel_findings *fs);

/* A JSON array of finding objects. Caller owns. */
json_t *rel_findings_json(const struct rel_findings *fs);

void rel_findings_release(struct rel_findings *f);

/* True when trailer key names a release ack, matched case-insensitively
 * with the misspellings seen in real histories (Release-Ack-by,
 * Release-Acked, ...). */
bool rel_is_release_ack(const char *key);

/* A commit made after a freeze without a release ack. */
struct rel_unacked {
	char id[GIT_OID_HEXSZ + 1];
	char *subject;
	time_t time;
};

/*
 * The non-merge commits reachable from ref committed at or after since
 * that carry no release ack, newest first. Caller frees *out and each
 * subject (rel_unacked_free).
 */
int rel_check_unacked(struct rel_unacked **out, size_t *n, git_repository *repo,
		      const char *ref, time_t since, struct st_error *err);
void rel_unacked_free(struct rel_unacked *v, size_t n);

#endif
