/* test-compress.c: the parallel gzip and xz writers give the same bytes
 * for any thread count and any write pattern, and decompress to the
 * input. */
#include "release/compress.h"

#include "common/buf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <lzma.h>
#include <zlib.h>

static int to_buf(const void *p, size_t len, void *data, struct st_error *err)
{
	return st_buf_add(data, p, len);
}

static int fail_sink(const void *p, size_t len, void *data,
		     struct st_error *err)
{
	return st_error_set(err, ST_ERROR, "disk full");
}

/* Input that spans several chunks: text with repeats and some noise. */
static void make_input(struct st_buf *in, size_t size)
{
	uint32_t x = 12345;

	while (in->len < size) {
		x = x * 1103515245 + 12345;
		if (x % 7 == 0)
			st_buf_addf(in, "%08x", x);
		else
			st_buf_addf(in, "line %u of the release tarball\n",
				    (unsigned)(x % 1000));
	}
}

static void gz(struct st_buf *out, const struct st_buf *in, int threads,
	       size_t step)
{
	struct st_error err = ST_ERROR_INIT;
	struct rel_gz *z = NULL;

	assert_int_equal(rel_gz_new(&z, 9, threads, to_buf, out, &err), 0);
	for (size_t off = 0; off < in->len; off += step)
		assert_int_equal(rel_gz_write(z, in->buf + off,
					      off + step > in->len
						      ? in->len - off
						      : step,
					      &err),
				 0);
	assert_int_equal(rel_gz_finish(z, &err), 0);
	rel_gz_free(z);
}

static void gunzip(struct st_buf *out, const struct st_buf *in)
{
	z_stream s = {0};
	unsigned char buf[65536];
	int rc;

	assert_int_equal(inflateInit2(&s, 16 + 15), Z_OK);
	s.next_in = (unsigned char *)in->buf;
	s.avail_in = (uInt)in->len;
	do {
		s.next_out = buf;
		s.avail_out = sizeof(buf);
		rc = inflate(&s, Z_NO_FLUSH);
		assert_true(rc == Z_OK || rc == Z_STREAM_END);
		st_buf_add(out, buf, sizeof(buf) - s.avail_out);
	} while (rc != Z_STREAM_END);
	assert_int_equal(s.avail_in, 0); /* one member, nothing after */
	inflateEnd(&s);
}

static void test_gzip(void **state)
{
	struct st_buf in = ST_BUF_INIT, a = ST_BUF_INIT, b = ST_BUF_INIT,
		      c = ST_BUF_INIT, d = ST_BUF_INIT;

	make_input(&in, 3 * REL_GZ_CHUNK + 1234);
	gz(&a, &in, 1, in.len);
	gz(&b, &in, 2, 1000);
	gz(&c, &in, 5, REL_GZ_CHUNK);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.buf, b.buf, a.len);
	assert_int_equal(a.len, c.len);
	assert_memory_equal(a.buf, c.buf, a.len);
	/* No name, no time: gzip -n. */
	assert_memory_equal(a.buf, "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03",
			    10);
	gunzip(&d, &a);
	assert_int_equal(d.len, in.len);
	assert_memory_equal(d.buf, in.buf, in.len);
	assert_true(a.len < in.len / 2);
	st_buf_release(&in);
	st_buf_release(&a);
	st_buf_release(&b);
	st_buf_release(&c);
	st_buf_release(&d);
}

static void test_gzip_empty_and_exact(void **state)
{
	struct st_buf in = ST_BUF_INIT, a = ST_BUF_INIT, d = ST_BUF_INIT;

	gz(&a, &in, 2, 1);
	gunzip(&d, &a);
	assert_int_equal(d.len, 0);
	st_buf_reset(&a);
	st_buf_reset(&d);
	make_input(&in, 2 * REL_GZ_CHUNK);
	st_buf_setlen(&in, 2 * REL_GZ_CHUNK);
	gz(&a, &in, 2, 4096);
	gunzip(&d, &a);
	assert_int_equal(d.len, in.len);
	assert_memory_equal(d.buf, in.buf, in.len);
	st_buf_release(&in);
	st_buf_release(&a);
	st_buf_release(&d);
}

static void test_sink_failure(void **state)
{
	struct st_error err = ST_ERROR_INIT;
	struct rel_gz *z = NULL;
	struct rel_xz *x = NULL;

	assert_int_equal(rel_gz_new(&z, 9, 2, fail_sink, NULL, &err), ST_ERROR);
	assert_null(z);
	assert_string_equal(err.msg, "disk full");
	assert_int_equal(rel_xz_new(&x, 0, 2, fail_sink, NULL, &err), 0);
	assert_int_equal(rel_xz_finish(x, &err), ST_ERROR);
	rel_xz_free(x);
}

static void xz(struct st_buf *out, const struct st_buf *in, int threads)
{
	struct st_error err = ST_ERROR_INIT;
	struct rel_xz *x = NULL;

	assert_int_equal(rel_xz_new(&x, 0, threads, to_buf, out, &err), 0);
	assert_int_equal(rel_xz_write(x, in->buf, in->len, &err), 0);
	assert_int_equal(rel_xz_finish(x, &err), 0);
	rel_xz_free(x);
}

static void test_xz(void **state)
{
	struct st_buf in = ST_BUF_INIT, a = ST_BUF_INIT, b = ST_BUF_INIT;
	uint64_t memlimit = UINT64_MAX;
	size_t in_pos = 0, out_pos = 0;
	unsigned char *dec;

	/* Preset 0: 256 KiB dictionary, so 1 MiB blocks: several here. */
	make_input(&in, 2 * 1024 * 1024 + 77);
	xz(&a, &in, 1);
	xz(&b, &in, 3);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.buf, b.buf, a.len);
	dec = malloc(in.len);
	assert_int_equal(lzma_stream_buffer_decode(
				 &memlimit, 0, NULL, (uint8_t *)a.buf, &in_pos,
				 a.len, dec, &out_pos, in.len),
			 LZMA_OK);
	assert_int_equal(out_pos, in.len);
	assert_memory_equal(dec, in.buf, in.len);
	free(dec);
	st_buf_release(&in);
	st_buf_release(&a);
	st_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_gzip_empty_and_exact),
		cmocka_unit_test(test_sink_failure),
		cmocka_unit_test(test_xz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
