/* test-cron.c: cron parsing and next-run times against a table. */
#include "ci/cron.h"

#include "common/error.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

/* "YYYY-MM-DDTHH:MM:SS" in UTC. */
static time_t at(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	assert_int_equal(strlen(s), 19);
	tm.tm_year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 +
		     (s[2] - '0') * 10 + (s[3] - '0') - 1900;
	tm.tm_mon = (s[5] - '0') * 10 + (s[6] - '0') - 1;
	tm.tm_mday = (s[8] - '0') * 10 + (s[9] - '0');
	tm.tm_hour = (s[11] - '0') * 10 + (s[12] - '0');
	tm.tm_min = (s[14] - '0') * 10 + (s[15] - '0');
	tm.tm_sec = (s[17] - '0') * 10 + (s[18] - '0');
	return timegm(&tm);
}

static const struct {
	const char *expr, *from, *next;
} table[] = {
	{"* * * * *", "2026-01-01T00:00:00", "2026-01-01T00:01:00"},
	{"* * * * *", "2026-01-01T00:00:30", "2026-01-01T00:01:00"},
	{"*/15 * * * *", "2026-01-01T00:14:59", "2026-01-01T00:15:00"},
	{"0 */6 * * *", "2026-01-01T00:00:00", "2026-01-01T06:00:00"},
	{"0 */6 * * *", "2026-01-01T05:59:00", "2026-01-01T06:00:00"},
	{"0 */6 * * *", "2026-01-01T18:00:00", "2026-01-02T00:00:00"},
	{"30 2 * * *", "2026-01-01T03:00:00", "2026-01-02T02:30:00"},
	{"@hourly", "2026-01-01T00:00:00", "2026-01-01T01:00:00"},
	{"@daily", "2026-01-01T12:00:00", "2026-01-02T00:00:00"},
	{"@midnight", "2026-01-01T12:00:00", "2026-01-02T00:00:00"},
	/* 2026-01-01 is a Thursday. */
	{"@weekly", "2026-01-01T00:00:00", "2026-01-04T00:00:00"},
	{"@monthly", "2026-01-15T08:00:00", "2026-02-01T00:00:00"},
	{"@yearly", "2026-01-01T00:00:00", "2027-01-01T00:00:00"},
	{"@ANNUALLY", "2026-06-01T00:00:00", "2027-01-01T00:00:00"},
	{"0 9 * * mon-fri", "2026-01-02T10:00:00", "2026-01-05T09:00:00"},
	{"0 9 * * MON-Fri", "2026-01-02T08:00:00", "2026-01-02T09:00:00"},
	/* Both day fields restricted: either matches (Vixie). */
	{"0 0 13 * fri", "2026-01-01T00:00:00", "2026-01-02T00:00:00"},
	{"0 0 13 * fri", "2026-01-09T00:00:00", "2026-01-13T00:00:00"},
	{"0 0 1 1 sat", "2026-01-01T00:00:00", "2026-01-03T00:00:00"},
	/* Day of month starting with '*': both must match. */
	{"0 0 */2 * fri", "2026-01-01T00:00:00", "2026-01-09T00:00:00"},
	{"0 0 13 * *", "2026-01-01T00:00:00", "2026-01-13T00:00:00"},
	{"0 0 * * 7", "2026-01-01T00:00:00", "2026-01-04T00:00:00"},
	{"0 0 * * 0", "2026-01-01T00:00:00", "2026-01-04T00:00:00"},
	{"0 0 29 feb *", "2026-01-01T00:00:00", "2028-02-29T00:00:00"},
	{"15,45 1-3 * jan,JUL *", "2026-01-01T03:50:00", "2026-01-02T01:15:00"},
	{"15,45 1-3 * jan,JUL *", "2026-01-31T03:50:00", "2026-07-01T01:15:00"},
	{"15,45 1-3 * jan,JUL *", "2026-01-01T01:15:00", "2026-01-01T01:45:00"},
	{"5/20 * * * *", "2026-01-01T00:00:00", "2026-01-01T00:05:00"},
	{"5/20 * * * *", "2026-01-01T00:46:00", "2026-01-01T01:05:00"},
	{"0-10/5,58 * * * *", "2026-01-01T00:11:00", "2026-01-01T00:58:00"},
	{"0 12 1 1 *", "2026-12-31T23:59:00", "2027-01-01T12:00:00"},
	{"59 23 31 12 *", "2026-12-31T23:59:00", "2027-12-31T23:59:00"},
	{"0 0 31 * *", "2026-01-31T00:00:00", "2026-03-31T00:00:00"},
	{"  1   2 3 4 *  ", "2026-01-01T00:00:00", "2026-04-03T02:01:00"},
};

static void test_table(void **state)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		struct st_error err = ST_ERROR_INIT;
		struct ci_cron c;
		time_t next = 0;

		if (ci_cron_parse(&c, table[i].expr, &err) < 0)
			fail_msg("'%s': %s", table[i].expr, err.msg);
		if (ci_cron_next(&next, &c, at(table[i].from), &err) < 0)
			fail_msg("'%s': %s", table[i].expr, err.msg);
		if (next != at(table[i].next)) {
			char got[32];
			struct tm tm;

			gmtime_r(&next, &tm);
			strftime(got, sizeof(got), "%Y-%m-%dT%H:%M:%S", &tm);
			fail_msg("'%s' after %s: got %s, want %s",
				 table[i].expr, table[i].from, got,
				 table[i].next);
		}
		assert_true(ci_cron_matches(&c, next));
	}
}

static void test_never(void **state)
{
	struct st_error err = ST_ERROR_INIT;
	struct ci_cron c;
	time_t next;

	assert_int_equal(ci_cron_parse(&c, "0 0 30 feb *", &err), 0);
	assert_int_equal(
		ci_cron_next(&next, &c, at("2026-01-01T00:00:00"), &err),
		ST_ENOTFOUND);
}

static void test_invalid(void **state)
{
	static const char *const bad[] = {
		"",
		"* * * *",
		"* * * * * *",
		"60 * * * *",
		"* 24 * * *",
		"* * 0 * *",
		"* * 32 * *",
		"* * * 13 *",
		"* * * 0 *",
		"* * * * 8",
		"5-1 * * * *",
		"*/0 * * * *",
		"* * * foo *",
		"* * * * fr",
		"@reboot",
		"@daily extra",
		"@",
		"1,,2 * * * *",
		"1, * * * *",
		"a * * * *",
		"-1 * * * *",
		"1-* * * * *",
		"0001 * * * *",
		"*/ * * * *",
		"1/2/3 * * * *",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct st_error err = ST_ERROR_INIT;
		struct ci_cron c;

		if (ci_cron_parse(&c, bad[i], &err) != ST_EINVALID)
			fail_msg("'%s' was accepted", bad[i]);
		assert_true(err.msg[0] != '\0');
	}
}

static void test_messages(void **state)
{
	struct st_error err = ST_ERROR_INIT;
	struct ci_cron c;

	ci_cron_parse(&c, "* 25 * * *", &err);
	assert_string_equal(err.msg, "cron hour: 25 is out of range 0-23");
	ci_cron_parse(&c, "* * * * *  *", &err);
	assert_non_null(strstr(err.msg, "more than 5 fields"));
	ci_cron_parse(&c, "* * * xyz *", &err);
	assert_string_equal(err.msg, "cron month: unknown name 'xyz'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_never),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
