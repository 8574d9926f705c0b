/* cron.c: parsing cron expressions and computing the next run. */
#include "cron.h"

#include "common/util.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define FIELD_MAX 256

struct field {
	const char *name;
	int min, max;
	const char *const *names; /* names for min.., or NULL */
};

static const char *const month_names[] = {"jan", "feb", "mar", "apr", "may",
					  "jun", "jul", "aug", "sep", "oct",
					  "nov", "dec", NULL};
static const char *const wday_names[] = {"sun", "mon", "tue", "wed",
					 "thu", "fri", "sat", NULL};

static const struct field fields[5] = {
	{"minute", 0, 59, NULL},
	{"hour", 0, 23, NULL},
	{"day of month", 1, 31, NULL},
	{"month", 1, 12, month_names},
	/* 7 is Sunday too, folded into 0 below. */
	{"day of week", 0, 7, wday_names},
};

static const struct {
	const char *name;
	const char *expr;
} macros[] = {
	{"@yearly", "0 0 1 1 *"},  {"@annually", "0 0 1 1 *"},
	{"@monthly", "0 0 1 * *"}, {"@weekly", "0 0 * * 0"},
	{"@daily", "0 0 * * *"},   {"@midnight", "0 0 * * *"},
	{"@hourly", "0 * * * *"},
};

/* A number or a name at *p; advances *p. */
static int value(int *out, const char **p, const struct field *f,
		 struct st_error *err)
{
	const char *s = *p;
	int v = 0, n = 0;

	if (isdigit((unsigned char)*s)) {
		while (isdigit((unsigned char)*s) && n < 3) {
			v = v * 10 + (*s++ - '0');
			n++;
		}
		if (isdigit((unsigned char)*s))
			return st_error_set(err, ST_EINVALID,
					    "cron %s: number too long",
					    f->name);
	} else if (f->names && isalpha((unsigned char)*s)) {
		int i;

		for (i = 0; f->names[i]; i++)
			if (!st_strncasecmp(s, f->names[i], 3) &&
			    !isalpha((unsigned char)s[3]))
				break;
		if (!f->names[i])
			return st_error_set(err, ST_EINVALID,
					    "cron %s: unknown name '%.3s'",
					    f->name, s);
		v = f->min + i;
		s += 3;
	} else {
		return st_error_set(err, ST_EINVALID,
				    "cron %s: expected a number at '%.8s'",
				    f->name, s);
	}
	if (v < f->min || v > f->max)
		return st_error_set(err, ST_EINVALID,
				    "cron %s: %d is out of range %d-%d",
				    f->name, v, f->min, f->max);
	*out = v;
	*p = s;
	return 0;
}

/* Parse one field (a comma-separated list) into bits. */
static int parse_field(uint64_t *bits, bool *star, const char *s,
		       const struct field *f, struct st_error *err)
{
	*bits = 0;
	*star = *s == '*';
	for (;;) {
		int lo, hi, step = 1, rc;
		bool range = false;

		if (*s == '*') {
			lo = f->min;
			hi = f->max;
			range = true;
			s++;
		} else {
			rc = value(&lo, &s, f, err);
			if (rc < 0)
				return rc;
			hi = lo;
			if (*s == '-') {
				s++;
				rc = value(&hi, &s, f, err);
				if (rc < 0)
					return rc;
				if (hi < lo)
					return st_error_set(
						err, ST_EINVALID,
						"cron %s: range %d-%d is "
						"reversed",
						f->name, lo, hi);
				range = true;
			}
		}
		if (*s == '/') {
			int n = 0;

			s++;
			step = 0;
			while (isdigit((unsigned char)*s) && n++ < 3)
				step = step * 10 + (*s++ - '0');
			if (step == 0 || step > f->max)
				return st_error_set(err, ST_EINVALID,
						    "cron %s: bad step",
						    f->name);
			/* "10/5": from 10 to the end, every 5. */
			if (!range)
				hi = f->max;
		}
		for (int v = lo; v <= hi; v += step)
			*bits |= 1ULL << v;
		if (*s == '\0')
			break;
		if (*s != ',')
			return st_error_set(err, ST_EINVALID,
					    "cron %s: unexpected '%c'", f->name,
					    *s);
		s++;
	}
	return 0;
}

int ci_cron_parse(struct ci_cron *out, const char *expr, struct st_error *err)
{
	char parts[5][FIELD_MAX];
	uint64_t bits[5];
	bool star[5];
	const char *p = expr;
	int n = 0, rc;

	memset(out, 0, sizeof(*out));
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '@') {
		size_t len = strcspn(p, " \t\r\n");

		for (size_t i = 0; i < sizeof(macros) / sizeof(macros[0]); i++)
			if (strlen(macros[i].name) == len &&
			    !st_strncasecmp(p, macros[i].name, len)) {
				const char *rest = p + len;

				while (isspace((unsigned char)*rest))
					rest++;
				if (*rest)
					break;
				return ci_cron_parse(out, macros[i].expr, err);
			}
		return st_error_set(err, ST_EINVALID,
				    "unknown cron macro '%.*s'",
				    (int)(len > 16 ? 16 : len), p);
	}
	while (*p) {
		size_t len = strcspn(p, " \t\r\n");

		if (n == 5)
			return st_error_set(err, ST_EINVALID,
					    "cron expression '%s' has more "
					    "than 5 fields",
					    expr);
		if (len >= FIELD_MAX)
			return st_error_set(err, ST_EINVALID,
					    "cron field too long");
		memcpy(parts[n], p, len);
		parts[n++][len] = '\0';
		p += len;
		while (isspace((unsigned char)*p))
			p++;
	}
	if (n != 5)
		return st_error_set(err, ST_EINVALID,
				    "cron expression '%s' needs 5 fields",
				    expr);
	for (int i = 0; i < 5; i++) {
		rc = parse_field(&bits[i], &star[i], parts[i], &fields[i], err);
		if (rc < 0)
			return rc;
	}
	out->minutes = bits[0];
	out->hours = (uint32_t)bits[1];
	out->mdays = (uint32_t)bits[2];
	out->months = (uint16_t)bits[3];
	/* 7 is Sunday. */
	out->wdays = (uint8_t)((bits[4] | (bits[4] >> 7)) & 0x7f);
	out->mday_star = star[2];
	out->wday_star = star[4];
	return 0;
}

static bool day_matches(const struct ci_cron *c, const struct tm *tm)
{
	bool md = c->mdays & (1U << tm->tm_mday);
	bool wd = c->wdays & (1U << tm->tm_wday);

	/* Vixie: both restricted means either; otherwise both. */
	if (c->mday_star || c->wday_star)
		return md && wd;
	return md || wd;
}

bool ci_cron_matches(const struct ci_cron *c, time_t t)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		return false;
	return (c->minutes & (1ULL << tm.tm_min)) &&
	       (c->hours & (1U << tm.tm_hour)) &&
	       (c->months & (1U << (tm.tm_mon + 1))) && day_matches(c, &tm);
}

int ci_cron_next(time_t *out, const struct ci_cron *c, time_t after,
		 struct st_error *err)
{
	struct tm tm;
	time_t t = after - (after % 60 + 60) % 60 + 60;
	int limit_year;

	if (!gmtime_r(&t, &tm))
		return st_error_set(err, ST_EINVALID, "time out of range");
	limit_year = tm.tm_year + 8;
	/* Skip whole months, days and hours that cannot match, then
	 * minutes; timegm normalises the overflowing fields. */
	while (tm.tm_year <= limit_year) {
		if (!(c->months & (1U << (tm.tm_mon + 1)))) {
			tm.tm_mon++;
			tm.tm_mday = 1;
			tm.tm_hour = 0;
			tm.tm_min = 0;
		} else if (!day_matches(c, &tm)) {
			tm.tm_mday++;
			tm.tm_hour = 0;
			tm.tm_min = 0;
		} else if (!(c->hours & (1U << tm.tm_hour))) {
			tm.tm_hour++;
			tm.tm_min = 0;
		} else if (!(c->minutes & (1ULL << tm.tm_min))) {
			tm.tm_min++;
		} else {
			*out = timegm(&tm);
			return 0;
		}
		tm.tm_sec = 0;
		tm.tm_isdst = 0;
		t = timegm(&tm);
		if (t == (time_t)-1 || !gmtime_r(&t, &tm))
			return st_error_set(err, ST_EINVALID,
					    "time out of range");
	}
	return st_error_set(err, ST_ENOTFOUND,
			    "the cron expression never matches");
}
