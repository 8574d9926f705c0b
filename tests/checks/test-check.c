/* test-check.c: the check framework: registry, results, storage. */
#include "checks/check.h"

#include "common/store.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void test_registry(void **state)
{
	size_t n;
	const struct chk_kind *k = chk_kinds(&n);

	assert_true(n >= 5);
	for (size_t i = 1; i < n; i++)
		assert_true(strcmp(k[i - 1].name, k[i].name) < 0);
	for (size_t i = 0; i < n; i++) {
		assert_ptr_equal(chk_kind_find(k[i].name), &k[i]);
		assert_non_null(k[i].run);
		assert_true(!strncmp(k[i].documentation, "https://", 8));
	}
	assert_null(chk_kind_find("nope"));
	assert_null(chk_kind_find(""));
}

static void test_status(void **state)
{
	struct st_error err = ST_ERROR_INIT;
	enum chk_status s;

	for (int i = CHK_PASS; i <= CHK_ERROR; i++) {
		assert_int_equal(chk_status_parse(&s, chk_status_name(i), &err),
				 0);
		assert_int_equal(s, i);
	}
	assert_string_equal(chk_status_name(CHK_WARN), "warn");
	assert_string_equal(chk_status_name((enum chk_status)42), "error");
	assert_int_equal(chk_status_parse(&s, "PASS", &err), ST_EINVALID);
	assert_string_equal(err.msg, "unknown status 'PASS'");
}

static void test_result(void **state)
{
	struct chk_result r;

	chk_result_init(&r);
	assert_int_equal(r.status, CHK_ERROR);
	assert_int_equal(r.score, -1);
	chk_result_set(&r, CHK_PASS, 42, "all %s", "good");
	assert_int_equal(r.score, 10);
	assert_string_equal(r.reason, "all good");
	chk_result_set(&r, CHK_FAIL, -7, "x");
	assert_int_equal(r.score, -1);
	/* A reason quotes hostile input: control characters go. */
	chk_result_set(&r, CHK_WARN, 5, "subject 'a\nb\x1b[31m'");
	assert_string_equal(r.reason, "subject 'a?b?[31m'");
	chk_result_addf(&r, "Warn", "line\r\n%d", 1);
	chk_result_add_obj(&r, json_pack("{s:i}", "n", 3));
	assert_int_equal(json_array_size(r.details), 2);
	assert_string_equal(json_string_value(json_array_get(r.details, 0)),
			    "Warn: line??1");
	chk_result_release(&r);
	assert_null(r.details);
}

static void test_store(void **state)
{
	static const struct chk_kind kind = {"https", NULL, "s",
					     "https://example.org/doc"};
	struct chk_check c = {"site", &kind, NULL};
	struct st_error err = ST_ERROR_INIT;
	struct st_store *s = NULL;
	struct chk_result r;
	json_t *h = NULL, *j;
	int64_t id1 = 0, id2 = 0;

	assert_int_equal(st_store_open(&s, NULL, ST_STORE_MEMORY, &err), 0);
	assert_int_equal(chk_store_history(&h, s, "site", 10, &err),
			 ST_ENOTFOUND);
	assert_string_equal(err.msg, "check 'site' has never run");
	chk_result_init(&r);
	r.started = 1767225600;
	r.duration_ms = 1234;
	chk_result_set(&r, CHK_WARN, 7, "grade B");
	chk_result_addf(&r, "Warn", "no HSTS");
	assert_int_equal(chk_store_save(s, &c, &r, &id1, &err), 0);
	r.started += 60;
	chk_result_set(&r, CHK_PASS, 10, "grade A+");
	assert_int_equal(chk_store_save(s, &c, &r, &id2, &err), 0);
	assert_true(id2 > id1);
	j = chk_result_json(&c, &r);
	assert_string_equal(json_string_value(json_object_get(j, "name")),
			    "site");
	assert_string_equal(
		json_string_value(json_object_get(
			json_object_get(j, "documentation"), "url")),
		"https://example.org/doc");
	json_decref(j);
	chk_result_release(&r);

	assert_int_equal(chk_store_history(&h, s, "site", 10, &err), 0);
	assert_int_equal(json_array_size(h), 2);
	j = json_array_get(h, 0);
	assert_string_equal(json_string_value(json_object_get(j, "status")),
			    "pass");
	assert_string_equal(json_string_value(json_object_get(j, "started")),
			    "2026-01-01T00:01:00Z");
	j = json_array_get(h, 1);
	assert_int_equal(json_integer_value(json_object_get(j, "score")), 7);
	assert_int_equal(json_integer_value(json_object_get(j, "duration_ms")),
			 1234);
	assert_string_equal(json_string_value(json_array_get(
				    json_object_get(j, "details"), 0)),
			    "Warn: no HSTS");
	json_decref(h);
	assert_int_equal(chk_store_history(&h, s, "site", 1, &err), 0);
	assert_int_equal(json_array_size(h), 1);
	json_decref(h);
	st_store_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_result),
		cmocka_unit_test(test_store),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
