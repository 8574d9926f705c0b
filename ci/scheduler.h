/*
 * scheduler.h: scheduled jobs. A [schedule "NAME"] section gives a cron
 * expression and a steward command line to run:
 *
 * [schedule "site-https"]
 *	cron = 0 *\/6 * * *
 *	run = check run site-https      split on spaces, no shell
 *	timeout = 3600                  seconds per attempt (default 3600)
 *	retries = 2                     attempts after a failure (default 0)
 *	retry-delay = 60                seconds before the first retry,
 *	                                doubled before each next (default 60)
 *	webhook = https://hooks.example.org/steward   POSTed JSON on failure
 *	mail-to = ops@example.org       mailed on failure (through ci.smtp-url)
 * [check "site-https"]
 *	schedule = 0 *\/6 * * *         a check with a schedule key is the
 *	                                schedule "check-site-https" running
 *	                                `check run site-https`
 * [ci]
 *	run-dir = run                   lock files (default "run" beside the
 *	                                configuration)
 *	webhook = URL                   for schedules without their own
 *	mail-to = ADDRESS               for schedules without their own
 *	smtp-url = smtp://localhost     the mail server (default)
 *	mail-from = steward@localhost   the sender (default)
 *
 * ci_run_due runs, once, every schedule whose latest cron time has come
 * since its last run (a missed run is caught up once; a schedule never
 * run before catches up the last 24 hours). Each job runs the steward
 * binary itself with the configuration's --config, under a per-schedule
 * lock (flock on run-dir/NAME.lock), so runs of one schedule never
 * overlap: a second run-due skips it with a message. Attempts, their
 * status and the tail of their output are kept in the jobs table.
 */
#ifndef STEWARD_CI_SCHEDULER_H
#define STEWARD_CI_SCHEDULER_H

#include "cron.h"

#include "common/config.h"
#include "common/error.h"
#include "common/store.h"

#include <jansson.h>
#include <time.h>

struct ci_schedule {
	char *name;
	char *cron_expr;
	struct ci_cron cron;
	char *run;	     /* the steward command line */
	int64_t timeout;     /* seconds per attempt */
	int64_t retries;     /* extra attempts after a failure */
	int64_t retry_delay; /* seconds before the first retry */
	char *webhook;	     /* URL, or NULL */
	char *mail_to;	     /* address to mail failures to, or NULL */
};

/* Load schedule name from config. ST_ENOTFOUND without such a section,
 * ST_EINVALID for a missing or bad cron or run. Release with
 * ci_schedule_release. */
int ci_schedule_load(struct ci_schedule *out, const struct st_config *config,
		     const char *name, struct st_error *err);
void ci_schedule_release(struct ci_schedule *s);

/* How ci_run_due finds the binary to run and where it locks. */
struct ci_run_opts {
	const char *self;    /* the steward binary; NULL: /proc/self/exe */
	const char *run_dir; /* NULL: ci.run-dir from the configuration */
};

/*
 * Run every due schedule once (see above), at time now. *report gets an
 * array of {"schedule", "outcome" (not-due, ok, failed, timeout,
 * skipped, error), "due", "next", "attempts", "exit_code", "message"}.
 * Returns 0 (whatever the jobs did) or a negative ST_E* code when the
 * store or the run directory cannot be used. Caller owns *report.
 */
int ci_run_due(json_t **report, struct st_store *store,
	       const struct st_config *config, const struct ci_run_opts *o,
	       time_t now, struct st_error *err);

/* The earliest next cron time of all schedules after now, or
 * ST_ENOTFOUND when there is none. */
int ci_next_due(time_t *out, const struct st_config *config, time_t now,
		struct st_error *err);

/* The configured schedules with their next time and last job:
 * [{"schedule", "cron", "run", "next", "last_status", "last_run"}]. */
int ci_list(json_t **out, struct st_store *store,
	    const struct st_config *config, time_t now, struct st_error *err);

/* The last limit attempts of schedule name, newest first:
 * [{"due", "attempt", "started", "finished", "status", "exit_code",
 * "command", "log"}]. ST_ENOTFOUND when it never ran. */
int ci_history(json_t **out, struct st_store *store, const char *name,
	       int limit, struct st_error *err);

#endif
