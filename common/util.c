/* util.c: number and date parsing, the test-overridable clock. */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int st_parse_int64(int64_t *out, const char *s, int64_t min, int64_t max,
		   const char *what, struct st_error *err)
{
	char *end = NULL;
	long long v;

	if (!s || !*s || isspace((unsigned char)*s))
		return st_error_set(err, ST_EINVALID, "%s: expected a number",
				    what);
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end)
		return st_error_set(err, ST_EINVALID,
				    "%s: '%.40s' is not a whole number", what,
				    s);
	if (v < min || v > max)
		return st_error_set(err, ST_EINVALID,
				    "%s: %lld is out of range %lld..%lld", what,
				    v, (long long)min, (long long)max);
	*out = v;
	return 0;
}

time_t st_time_now(void)
{
	const char *fake = getenv("STEWARD_NOW");
	int64_t v = 0; /* gcc -O2 cannot see st_parse_int64 sets it */

	if (fake && st_parse_int64(&v, fake, 0, INT64_MAX / 2, "STEWARD_NOW",
				   NULL) == 0)
		return (time_t)v;
	return time(NULL);
}

void st_time_iso(char *out, size_t size, time_t t)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    !strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
		if (size)
			out[0] = '\0';
	}
}

int st_parse_date(time_t *out, const char *s, struct st_error *err)
{
	int y, m, d;
	struct tm tm;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		goto bad;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			goto bad;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > 31)
		goto bad;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	*out = timegm(&tm);
	return 0;
bad:
	return st_error_set(err, ST_EINVALID,
			    "'%.40s' is not a date of the form YYYY-MM-DD",
			    s ? s : "");
}

bool st_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int st_strncasecmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int ca = tolower((unsigned char)a[i]);
		int cb = tolower((unsigned char)b[i]);

		if (ca != cb || !ca)
			return ca - cb;
	}
	return 0;
}
