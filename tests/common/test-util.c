/* test-util.c: number and date parsing, error messages. */
#include "common/error.h"
#include "common/util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void test_parse_int(void **state)
{
	struct st_error err = ST_ERROR_INIT;
	int64_t v = 7;

	assert_int_equal(st_parse_int64(&v, "42", 0, 100, "--n", &err), 0);
	assert_int_equal(v, 42);
	assert_int_equal(st_parse_int64(&v, "-1", 0, 100, "--n", &err),
			 ST_EINVALID);
	assert_non_null(strstr(err.msg, "out of range"));
	assert_int_equal(st_parse_int64(&v, "12abc", 0, 100, "--n", &err),
			 ST_EINVALID);
	assert_int_equal(st_parse_int64(&v, "", 0, 100, "--n", &err),
			 ST_EINVALID);
	assert_int_equal(st_parse_int64(&v, "99999999999999999999", 0,
					INT64_MAX, "--n", &err),
			 ST_EINVALID);
	assert_int_equal(v, 42);
}

static void test_dates_and_clock(void **state)
{
	struct st_error err = ST_ERROR_INIT;
	time_t t;
	char iso[32];

	assert_int_equal(st_parse_date(&t, "2025-03-07", &err), 0);
	st_time_iso(iso, sizeof(iso), t);
	assert_string_equal(iso, "2025-03-07T00:00:00Z");
	assert_int_equal(st_parse_date(&t, "2025-13-07", &err), ST_EINVALID);
	assert_int_equal(st_parse_date(&t, "07/03/2025", &err), ST_EINVALID);
	setenv("STEWARD_NOW", "1700000000", 1);
	assert_int_equal(st_time_now(), 1700000000);
	unsetenv("STEWARD_NOW");
}

static void test_error_sanitises(void **state)
{
	struct st_error err = ST_ERROR_INIT;

	assert_int_equal(st_error_set(&err, ST_EINVALID, "bad '%s'",
				      "a\x1b[2Jb\nc"),
			 ST_EINVALID);
	assert_string_equal(err.msg, "bad 'a?[2Jb?c'");
	assert_int_equal(st_error_set(NULL, ST_ERROR, "x"), ST_ERROR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_int),
		cmocka_unit_test(test_dates_and_clock),
		cmocka_unit_test(test_error_sanitises),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
