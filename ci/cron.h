/*
 * cron.h: 5-field cron expressions (minute hour day-of-month month
 * day-of-week) as Vixie cron reads them: lists (1,5), ranges (1-5),
 * steps (*\/15, 1-30/5, 10/5 meaning 10-max/5), month and weekday names
 * (jan-dec, sun-sat, any case), 7 as Sunday, and the macros @yearly,
 * @annually, @monthly, @weekly, @daily, @midnight and @hourly. When both
 * day fields are restricted (neither starts with '*'), a day matches
 * either of them (Vixie's OR); otherwise both must match. All times are
 * UTC.
 */
#ifndef STEWARD_CI_CRON_H
#define STEWARD_CI_CRON_H

#include "common/error.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* A parsed expression: bit n set when value n matches. */
struct ci_cron {
	uint64_t minutes; /* 0-59 */
	uint32_t hours;	  /* 0-23 */
	uint32_t mdays;	  /* 1-31 */
	uint16_t months;  /* 1-12 */
	uint8_t wdays;	  /* 0-6, Sunday 0 */
	bool mday_star;	  /* the day-of-month field starts with '*' */
	bool wday_star;	  /* the day-of-week field starts with '*' */
};

/*
 * Parse expr into *out. ST_EINVALID with a message naming the field for
 * anything else (wrong field count, out of range, reversed range, step
 * 0, unknown name or macro; @reboot is refused: there is no boot here).
 */
int ci_cron_parse(struct ci_cron *out, const char *expr, struct st_error *err);

/*
 * The first time strictly after `after` that c matches, to the minute,
 * in UTC. ST_ENOTFOUND when none comes within 8 years (e.g. 30 2 *).
 */
int ci_cron_next(time_t *out, const struct ci_cron *c, time_t after,
		 struct st_error *err);

/* Whether the minute holding t matches c. */
bool ci_cron_matches(const struct ci_cron *c, time_t t);

#endif
