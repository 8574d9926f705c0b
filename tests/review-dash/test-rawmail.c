/* test-rawmail.c: the stored raw copy of a message. A real patch mail
 * round-trips through zstd; a zlib stream made with compress2() at level
 * 1 (what stores held before) reads back; garbage, truncated and
 * corrupted data, and a raw size that does not match, are refused with an
 * error, never a crash. */
#include "review-dash/rawmail.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <cmocka.h>

static const char mail[] =
	"From 1234567890abcdef1234567890abcdef12345678 Mon Sep 17 00:00:00 "
	"2001\n"
	"From: Pat Poster <pat@example.org>\n"
	"To: xen-devel@lists.xenproject.org\n"
	"Cc: Andrew Cooper <andrew.cooper3@citrix.com>\n"
	"Date: Tue, 3 Oct 2023 10:12:01 +0200\n"
	"Message-ID: <20231003081201.1234-1-pat@example.org>\n"
	"Subject: [PATCH 1/2] xen/arm: fix foo\n"
	"MIME-Version: 1.0\n"
	"Content-Type: text/plain; charset=UTF-8\n"
	"Content-Transfer-Encoding: 8bit\n"
	"\n"
	"Fix foo: the bär was never set.\n"
	"\n"
	"Signed-off-by: Pat Poster <pat@example.org>\n"
	"---\n"
	" xen/arch/arm/a.c | 2 +-\n"
	" 1 file changed, 1 insertion(+), 1 deletion(-)\n"
	"\n"
	"diff --git a/xen/arch/arm/a.c b/xen/arch/arm/a.c\n"
	"index 1111111..2222222 100644\n"
	"--- a/xen/arch/arm/a.c\n"
	"+++ b/xen/arch/arm/a.c\n"
	"@@ -1,3 +1,3 @@\n"
	" int a;\n"
	"-int b;\n"
	"+int b = 1;\n"
	" int c;\n"
	"-- \n"
	"2.39.2\n";

static void check_decodes(const void *z, size_t zlen)
{
	struct st_error err = ST_ERROR_INIT;
	char *out = NULL;

	assert_int_equal(rd_rawmail_decompress(z, zlen, (int64_t)strlen(mail),
					       &out, &err),
			 0);
	assert_non_null(out);
	assert_memory_equal(out, mail, strlen(mail));
	assert_int_equal(out[strlen(mail)], '\0');
	free(out);
}

static void check_refused(const void *z, size_t zlen, int64_t size)
{
	struct st_error err = ST_ERROR_INIT;
	char *out = (char *)1;

	assert_int_equal(rd_rawmail_decompress(z, zlen, size, &out, &err),
			 ST_EINVALID);
	assert_null(out);
	assert_true(strncmp(err.msg, "stored message: ", 16) == 0);
	st_error_clear(&err);
}

static void test_roundtrip(void **state)
{
	struct rd_rawmail *rm = rd_rawmail_new();
	struct st_error err = ST_ERROR_INIT;
	unsigned char *z = NULL;
	size_t zlen = 0;

	(void)state;
	assert_non_null(rm);
	/* Twice with the same context: it is reused for every message. */
	for (int i = 0; i < 2; i++) {
		assert_int_equal(rd_rawmail_compress(rm, mail, strlen(mail), &z,
						     &zlen, &err),
				 0);
		assert_true(zlen > 4 && zlen < strlen(mail));
		/* A zstd frame, not a zlib stream. */
		assert_memory_equal(z, "\x28\xb5\x2f\xfd", 4);
		check_decodes(z, zlen);
		free(z);
	}
	rd_rawmail_free(rm);
}

static void test_empty(void **state)
{
	struct rd_rawmail *rm = rd_rawmail_new();
	struct st_error err = ST_ERROR_INIT;
	unsigned char *z = NULL;
	size_t zlen = 0;
	char *out = NULL;

	(void)state;
	assert_int_equal(rd_rawmail_compress(rm, "", 0, &z, &zlen, &err), 0);
	assert_int_equal(rd_rawmail_decompress(z, zlen, 0, &out, &err), 0);
	assert_string_equal(out, "");
	free(out);
	/* An empty copy is not a one-byte one. */
	check_refused(z, zlen, 1);
	free(z);
	rd_rawmail_free(rm);
}

static void test_old_zlib(void **state)
{
	uLongf zlen = compressBound(sizeof(mail));
	unsigned char *z = malloc(zlen);

	(void)state;
	assert_non_null(z);
	assert_int_equal(
		compress2(z, &zlen, (const Bytef *)mail, strlen(mail), 1),
		Z_OK);
	assert_int_equal(z[0], 0x78);
	check_decodes(z, zlen);
	/* Wrong sizes either way, truncated, a flipped byte. */
	check_refused(z, zlen, (int64_t)strlen(mail) - 1);
	check_refused(z, zlen, (int64_t)strlen(mail) + 1);
	check_refused(z, zlen - 5, (int64_t)strlen(mail));
	check_refused(z, zlen / 2, (int64_t)strlen(mail));
	z[zlen / 2] ^= 0x55;
	check_refused(z, zlen, (int64_t)strlen(mail));
	free(z);
}

static void test_bad_zstd(void **state)
{
	struct rd_rawmail *rm = rd_rawmail_new();
	struct st_error err = ST_ERROR_INIT;
	int64_t size = (int64_t)strlen(mail);
	unsigned char *z = NULL;
	size_t zlen = 0;

	(void)state;
	assert_int_equal(
		rd_rawmail_compress(rm, mail, strlen(mail), &z, &zlen, &err),
		0);
	check_refused(z, zlen, size - 1);
	check_refused(z, zlen, size + 1);
	check_refused(z, zlen, 0);
	check_refused(z, zlen - 1, size);
	check_refused(z, zlen / 2, size);
	check_refused(z, 4, size);
	/* Corrupt the compressed body (the frame ends with its blocks). */
	z[zlen - 3] ^= 0xff;
	z[zlen / 2] ^= 0xff;
	check_refused(z, zlen, size);
	free(z);
	rd_rawmail_free(rm);
}

static void test_garbage(void **state)
{
	static const unsigned char junk[] = "\x00\x01 plain text, not data";
	int64_t size = (int64_t)strlen(mail);

	(void)state;
	check_refused(junk, sizeof(junk), size);
	check_refused(mail, strlen(mail), size);
	check_refused("\x00", 1, 1); /* what test stores hold */
	check_refused(NULL, 0, size);
	check_refused("", 0, 0);
	/* Right magic, nothing behind it. */
	check_refused("\x28\xb5\x2f\xfd", 4, size);
	check_refused("\x78\x01", 2, size);
	/* A zlib-looking first byte with bad check bits. */
	check_refused("\x78\x00\x00\x00", 4, size);
	/* Sizes out of range. */
	check_refused(mail, strlen(mail), -1);
	check_refused(mail, strlen(mail), (int64_t)RD_RAWMAIL_MAX + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_old_zlib),
		cmocka_unit_test(test_bad_zstd),
		cmocka_unit_test(test_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
