/* test-buf.c: growable buffers, their cap and their invariants. */
#include "common/buf.h"
#include "common/error.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void test_empty_is_terminated(void **state)
{
	struct st_buf b = ST_BUF_INIT;

	assert_non_null(b.buf);
	assert_string_equal(b.buf, "");
	st_buf_release(&b);
	assert_string_equal(b.buf, "");
}

static void test_add_and_format(void **state)
{
	struct st_buf b = ST_BUF_INIT;

	assert_int_equal(st_buf_addstr(&b, "abc"), 0);
	assert_int_equal(st_buf_add(&b, "\0x", 2), 0);
	assert_int_equal(b.len, 5);
	assert_memory_equal(b.buf, "abc\0x", 6);
	st_buf_reset(&b);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(st_buf_addf(&b, "%d,", i), 0);
	assert_true(b.len > 3000);
	assert_int_equal(strncmp(b.buf, "0,1,2,", 6), 0);
	assert_int_equal(b.buf[b.len], '\0');
	st_buf_release(&b);
}

static void test_cap_refuses_and_keeps(void **state)
{
	struct st_buf b;

	st_buf_init(&b, 8);
	assert_int_equal(st_buf_addstr(&b, "12345678"), 0);
	assert_int_equal(st_buf_addstr(&b, "9"), ST_ETOOBIG);
	assert_string_equal(b.buf, "12345678");
	st_buf_reset(&b);
	assert_int_equal(st_buf_addf(&b, "%s", "far too long for it"),
			 ST_ETOOBIG);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.buf, "");
	st_buf_release(&b);
}

static void test_detach_and_trim(void **state)
{
	struct st_buf b = ST_BUF_INIT;
	size_t len;
	char *s;

	st_buf_addstr(&b, "hello \n\t ");
	st_buf_rtrim(&b);
	assert_string_equal(b.buf, "hello");
	s = st_buf_detach(&b, &len);
	assert_string_equal(s, "hello");
	assert_int_equal(len, 5);
	assert_string_equal(b.buf, "");
	free(s);
	s = st_buf_detach(&b, NULL); /* empty: still a string to free */
	assert_string_equal(s, "");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_is_terminated),
		cmocka_unit_test(test_add_and_format),
		cmocka_unit_test(test_cap_refuses_and_keeps),
		cmocka_unit_test(test_detach_and_trim),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
