/*
 * test-mbox.c: the mbox splitter on its own: where messages are cut,
 * what is unescaped, and that the answer never depends on how the
 * stream is cut into blocks (1 byte, a few, large).
 */
#include "common/buf.h"
#include "common/log.h"
#include "review-dash/mbox.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Messages as "OFFSET:LEN:TEXT|" joined in one buffer. */
static int join(void *data, const char *raw, size_t len, uint64_t offset)
{
	struct st_buf *b = data;

	st_buf_addf(b, "%llu:%zu:", (unsigned long long)offset, len);
	st_buf_add(b, raw, len);
	st_buf_addch(b, '|');
	return 0;
}

static void split(struct st_buf *out, const char *p, size_t len, size_t block,
		  size_t max)
{
	st_buf_reset(out);
	assert_int_equal(rd_mbox_split(p, len, block, max, join, out), 0);
}

/* The same split for every block size. */
static void check(const char *in, size_t max, const char *want)
{
	static const size_t blocks[] = {1, 2, 3, 5, 7, 64, 4096};
	struct st_buf got = ST_BUF_INIT;

	for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++) {
		split(&got, in, strlen(in), blocks[i], max);
		if (strcmp(got.buf, want))
			print_message("block %zu: got '%s'\n", blocks[i],
				      got.buf);
		assert_string_equal(got.buf, want);
	}
	st_buf_release(&got);
}

static void test_cuts(void **state)
{
	check("", 0, "");
	check("From x\n", 0, "");
	check("From x", 0, "");
	check("From a\nA\n\nFrom b\nB\n", 0, "0:2:A\n|10:2:B\n|");
	/* Not after a blank line: no cut. */
	check("From a\nA\nFrom b\nB\n", 0, "0:11:A\nFrom b\nB\n|");
	/* A blank first line right after the From line counts. */
	check("From a\n\nFrom b\nB\n", 0, "8:2:B\n|");
	/* CRLF blank lines. */
	check("From a\r\nA\r\n\r\nFrom b\r\nB\r\n\r\n", 0,
	      "0:3:A\r\n|13:3:B\r\n|");
	/* No From line at the start: a message all the same. */
	check("Subject: x\n\nFrom y\nz\n", 0, "0:11:Subject: x\n|12:2:z\n|");
	/* Unescaping at line starts only. */
	check("From a\n>From x\n>>>From y\nq >From z\n>Fro\n", 0,
	      "0:31:From x\n>>From y\nq >From z\n>Fro\n|");
	/* Only one trailing blank line is the separator. */
	check("From a\nA\n\n\n", 0, "0:3:A\n\n|");
}

static void test_cap(void **state)
{
	/* 20 bytes max, From line included. */
	check("From a\n012345678901\n\nFrom b\nsmall\n", 20,
	      "0:13:012345678901\n|21:6:small\n|");
	check("From a\n0123456789012\n\nFrom b\nsmall\n", 20, "22:6:small\n|");
	check("From a\n01234567890123456789xxxxxxxxx\n\nFrom b\nsmall\n\n", 20,
	      "38:6:small\n|");
	check("From aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\nx\n\n"
	      "From b\nok\n",
	      20, "55:3:ok\n|");
}

static void test_many(void **state)
{
	struct st_buf in = ST_BUF_INIT, a = ST_BUF_INIT, b = ST_BUF_INIT;
	size_t count = 0;

	/* A pseudo-random mbox with every awkward line there is. */
	static const char *const lines[] = {
		"\n",	     "\r\n",	   "From x y\n",
		">From q\n", ">>From r\n", "text line\n",
		"From \n",   "\n\n",	   "From",
	};
	uint32_t seed = 12345;

	for (int i = 0; i < 3000; i++) {
		seed = seed * 1103515245u + 12345u;
		st_buf_addstr(&in, lines[(seed >> 16) % 9]);
	}
	split(&a, in.buf, in.len, 4096, 200);
	for (size_t block = 1; block < 40; block += 3) {
		split(&b, in.buf, in.len, block, 200);
		assert_string_equal(a.buf, b.buf);
	}
	for (const char *p = a.buf; (p = strchr(p, '|')); p++)
		count++;
	assert_true(count > 100);
	st_buf_release(&in);
	st_buf_release(&a);
	st_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cuts),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_many),
	};

	st_log_set_level(ST_LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
