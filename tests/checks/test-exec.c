/* test-exec.c: running commands with a deadline and a bounded log. */
#include "checks/exec.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static void test_exit_and_log(void **state)
{
	struct st_error err = ST_ERROR_INIT;
	struct chk_exec ex;

	assert_int_equal(chk_exec_sh(&ex, "/", "pwd; echo oops >&2; exit 3",
				     NULL, 10, 0, &err),
			 0);
	assert_int_equal(ex.exit_code, 3);
	assert_false(ex.timed_out);
	assert_string_equal(ex.log.buf, "/\noops\n");
	assert_false(ex.log_truncated);
	chk_exec_release(&ex);
}

static void test_env(void **state)
{
	static const char *const env[] = {"STEWARD_X=42", "HOME=/nowhere",
					  NULL};
	struct st_error err = ST_ERROR_INIT;
	struct chk_exec ex;

	assert_int_equal(chk_exec_sh(&ex, ".", "echo $STEWARD_X $HOME", env, 10,
				     0, &err),
			 0);
	assert_string_equal(ex.log.buf, "42 /nowhere\n");
	chk_exec_release(&ex);
}

static void test_argv_no_shell(void **state)
{
	char *argv[] = {"/bin/echo", "a;", "$HOME", NULL};
	char *missing[] = {"/nonexistent/steward", NULL};
	struct st_error err = ST_ERROR_INIT;
	struct chk_exec ex;

	assert_int_equal(chk_exec_run(&ex, ".", argv, NULL, 10, 0, 0, &err), 0);
	assert_string_equal(ex.log.buf, "a; $HOME\n");
	chk_exec_release(&ex);
	assert_int_equal(chk_exec_run(&ex, ".", missing, NULL, 10, 0, 0, &err),
			 0);
	assert_int_equal(ex.exit_code, 127);
	chk_exec_release(&ex);
	/* A directory that does not exist: the child cannot start. */
	assert_int_equal(
		chk_exec_run(&ex, "/nonexistent", argv, NULL, 10, 0, 0, &err),
		0);
	assert_int_equal(ex.exit_code, 126);
	chk_exec_release(&ex);
}

static void test_timeout(void **state)
{
	struct st_error err = ST_ERROR_INIT;
	struct chk_exec ex;

	assert_int_equal(chk_exec_sh(&ex, ".", "echo before; sleep 20 & wait",
				     NULL, 1, 0, &err),
			 0);
	assert_true(ex.timed_out);
	assert_int_equal(ex.exit_code, 128 + 9);
	assert_string_equal(ex.log.buf, "before\n");
	assert_true(ex.duration_ms >= 900 && ex.duration_ms < 5000);
	chk_exec_release(&ex);
}

static void test_bounded_log(void **state)
{
	struct st_error err = ST_ERROR_INIT;
	struct chk_exec ex;

	assert_int_equal(chk_exec_sh(&ex, ".",
				     "seq 1 100000; echo 'x.c:1: warning: w'",
				     NULL, 20, 100, &err),
			 0);
	assert_int_equal(ex.exit_code, 0);
	assert_int_equal(ex.log.len, 100);
	assert_true(ex.log_truncated);
	assert_non_null(strstr(ex.log.buf, "100000\nx.c:1: warning: w\n"));
	assert_int_equal(ex.warnings, 1);
	chk_exec_release(&ex);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_and_log),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_argv_no_shell),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_bounded_log),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
