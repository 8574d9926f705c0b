/*
 * util.h: small parsing and time helpers shared by every component.
 */
#ifndef STEWARD_COMMON_UTIL_H
#define STEWARD_COMMON_UTIL_H

#include "error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * Parse a whole decimal string into *out, within [min, max].
 * Returns 0 or ST_EINVALID with a message naming what (e.g. "--port").
 */
int st_parse_int64(int64_t *out, const char *s, int64_t min, int64_t max,
		   const char *what, struct st_error *err);

/*
 * The current time. STEWARD_NOW (seconds since the epoch) in the
 * environment overrides the clock, so tests are deterministic.
 */
time_t st_time_now(void);

/* Format t as UTC "YYYY-MM-DDTHH:MM:SSZ" into out (at least 21 bytes). */
void st_time_iso(char *out, size_t size, time_t t);

/* Parse "YYYY-MM-DD" (UTC midnight) into *out. 0 or ST_EINVALID. */
int st_parse_date(time_t *out, const char *s, struct st_error *err);

/* True when s starts with prefix. */
bool st_starts_with(const char *s, const char *prefix);

/* ASCII case-insensitive compare of at most n bytes, locale-free. */
int st_strncasecmp(const char *a, const char *b, size_t n);

#endif
