/*
 * check.h: the check framework. A check is a kind (https, build, badge,
 * branch-lag ...), a name and its configuration, the [check "NAME"]
 * section of steward.conf. Running it gives a result: a status, a score
 * 0-10, a one-line reason and details with the evidence, shaped like the
 * per-check results of the OpenSSF Scorecard; results are stored with
 * their history (common/schema/0006-checks.sql).
 *
 * This module knows the registry of kinds, runs checks, stores and reads
 * results and builds their JSON. The kinds live in their own modules.
 */
#ifndef STEWARD_CHECKS_CHECK_H
#define STEWARD_CHECKS_CHECK_H

#include "common/config.h"
#include "common/error.h"
#include "common/store.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum chk_status {
	CHK_PASS = 0,
	CHK_WARN = 1,
	CHK_FAIL = 2,
	CHK_ERROR =
		3, /* the check could not decide (network down, bad config) */
};

/* "pass", "warn", "fail", "error". */
const char *chk_status_name(enum chk_status s);
/* The inverse; ST_EINVALID for an unknown name. */
int chk_status_parse(enum chk_status *out, const char *name,
		     struct st_error *err);

/*
 * The result of one run. Fill with chk_result_set and chk_result_add*;
 * release with chk_result_release. Readers may use every field.
 */
struct chk_result {
	enum chk_status status;
	int score;	     /* 0..10; -1 when the check could not run */
	char reason[256];    /* one line */
	json_t *details;     /* array of evidence: strings or objects; owned */
	int64_t duration_ms; /* filled by chk_run */
	time_t started;	     /* filled by chk_run */
	time_t finished;     /* filled by chk_run */
};

void chk_result_init(struct chk_result *r);
void chk_result_release(struct chk_result *r);
/* Set status, score (clamped to -1..10) and the formatted reason
 * (control characters replaced). */
void chk_result_set(struct chk_result *r, enum chk_status status, int score,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Append a detail line: Scorecard's "Warn: ...", "Info: ..." style.
 * type is "Info", "Warn" or "Fail". */
void chk_result_addf(struct chk_result *r, const char *type, const char *fmt,
		     ...) __attribute__((format(printf, 3, 4)));
/* Append a detail object; steals obj. */
void chk_result_add_obj(struct chk_result *r, json_t *obj);

/* A configured check. All fields borrowed from the loader's memory. */
struct chk_check {
	char *name;
	const struct chk_kind *kind;
	const struct st_config *config;
	/* Where a kind that exports a file writes it (the badge kind's
	 * .bestpractices.json), overriding check.NAME.export; borrowed,
	 * NULL when not given. */
	const char *export_path;
};

/*
 * A kind's run function: decide, filling res (status, score, reason,
 * details). Return 0 when a result was decided, or a negative ST_E* code
 * with err set when the check could not run (chk_run turns that into an
 * "error" result).
 */
typedef int (*chk_run_fn)(struct chk_result *res, const struct chk_check *c,
			  struct st_error *err);

struct chk_kind {
	const char *name;
	chk_run_fn run;
	const char *summary;
	const char *documentation; /* a URL explaining the check */
};

/* The registry, sorted by name; *n receives the count. */
const struct chk_kind *chk_kinds(size_t *n);
/* The kind called name, or NULL. */
const struct chk_kind *chk_kind_find(const char *name);

/*
 * Kinds beyond the built-in ones: those of components above checks (the
 * release rules, advisory coverage), which this library cannot link.
 * The command that runs checks passes them in; NULL for none.
 */
struct chk_kind_set {
	const struct chk_kind *v;
	size_t n;
};

/* The kind called name among the built-in ones and extra, or NULL. */
const struct chk_kind *chk_kind_find_in(const struct chk_kind_set *extra,
					const char *name);

/*
 * Load check name from config: its kind is check.NAME.kind, one of the
 * built-in kinds or of extra (may be NULL). ST_ENOTFOUND when no such
 * section or no kind, ST_EINVALID for an unknown kind. Caller owns *out;
 * free with chk_check_free (NULL is a no-op).
 */
int chk_check_load_in(struct chk_check **out, const struct st_config *config,
		      const struct chk_kind_set *extra, const char *name,
		      struct st_error *err);

/* chk_check_load_in with the built-in kinds only. */
int chk_check_load(struct chk_check **out, const struct st_config *config,
		   const char *name, struct st_error *err);
void chk_check_free(struct chk_check *c);

/* Call fn for every [check "NAME"] in config, in file order. */
int chk_foreach_name(const struct st_config *config, st_config_section_fn fn,
		     void *data);

/* check.NAME.key as a string (caller frees; def when unset), a path
 * resolved against the config file's folder, an integer, a boolean,
 * and each value of a multi-valued key. */
char *chk_check_get(const struct chk_check *c, const char *key,
		    const char *def);
char *chk_check_get_path(const struct chk_check *c, const char *key,
			 const char *def);
int chk_check_get_int(const struct chk_check *c, const char *key, int64_t def,
		      int64_t *out, struct st_error *err);
int chk_check_get_bool(const struct chk_check *c, const char *key, bool def,
		       bool *out, struct st_error *err);
int chk_check_get_all(const struct chk_check *c, const char *key,
		      st_config_value_fn fn, void *data);

/*
 * Run c, timing it. Always gives a result in res (init'ed here): when the
 * kind cannot decide, the status is error, score -1 and the reason the
 * error message. Returns 0.
 */
int chk_run(struct chk_result *res, const struct chk_check *c);

/*
 * The Scorecard-shaped JSON of a result: {"name", "kind", "status",
 * "score", "reason", "details", "documentation", "duration_ms",
 * "started"}. Caller owns.
 */
json_t *chk_result_json(const struct chk_check *c,
			const struct chk_result *res);

/* Store a finished run of c (creating the checks row on first use).
 * *run_id (may be NULL) receives the new check_runs id. */
int chk_store_save(struct st_store *s, const struct chk_check *c,
		   const struct chk_result *res, int64_t *run_id,
		   struct st_error *err);

/*
 * The last limit runs of the check called name, newest first, as a JSON
 * array of objects shaped like chk_result_json. ST_ENOTFOUND when the
 * check never ran. Caller owns *out.
 */
int chk_store_history(json_t **out, struct st_store *s, const char *name,
		      int limit, struct st_error *err);

#endif
