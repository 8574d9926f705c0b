/*
 * rawmail.c: zstd level 1 for new raw copies, zstd or zlib read back.
 */
#include "review-dash/rawmail.h"

#include "common/xalloc.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#define RAWMAIL_LEVEL 1

struct rd_rawmail {
	ZSTD_CCtx *cctx;
};

struct rd_rawmail *rd_rawmail_new(void)
{
	struct rd_rawmail *rm = st_xcalloc(1, sizeof(*rm));

	rm->cctx = ZSTD_createCCtx();
	if (!rm->cctx) {
		free(rm);
		return NULL;
	}
	return rm;
}

void rd_rawmail_free(struct rd_rawmail *rm)
{
	if (!rm)
		return;
	ZSTD_freeCCtx(rm->cctx);
	free(rm);
}

int rd_rawmail_compress(struct rd_rawmail *rm, const void *raw, size_t len,
			unsigned char **out, size_t *outlen,
			struct st_error *err)
{
	size_t bound, n;
	unsigned char *buf;

	*out = NULL;
	*outlen = 0;
	if (len > RD_RAWMAIL_MAX)
		return st_error_set(err, ST_ETOOBIG, "raw message too big");
	bound = ZSTD_compressBound(len);
	buf = st_xmalloc(bound);
	n = ZSTD_compressCCtx(rm->cctx, buf, bound, raw, len, RAWMAIL_LEVEL);
	if (ZSTD_isError(n)) {
		free(buf);
		return st_error_set(err, ST_ERROR, "zstd: %s",
				    ZSTD_getErrorName(n));
	}
	*out = buf;
	*outlen = n;
	return 0;
}

static bool is_zstd(const unsigned char *z, size_t zlen)
{
	static const unsigned char magic[4] = {0x28, 0xb5, 0x2f, 0xfd};

	return zlen >= sizeof(magic) && !memcmp(z, magic, sizeof(magic));
}

/* A zlib header: deflate (CM 8) with a 32 KiB window (CINFO 7), and the
 * check bits right. */
static bool is_zlib(const unsigned char *z, size_t zlen)
{
	return zlen >= 2 && z[0] == 0x78 && ((z[0] << 8) | z[1]) % 31 == 0;
}

static bool zstd_into(char *dst, size_t size, const void *z, size_t zlen)
{
	unsigned long long content = ZSTD_getFrameContentSize(z, zlen);
	size_t n;

	/* The header says how much is coming: refuse a mismatch before
	 * doing any work. */
	if (content == ZSTD_CONTENTSIZE_ERROR ||
	    (content != ZSTD_CONTENTSIZE_UNKNOWN && content != size))
		return false;
	n = ZSTD_decompress(dst, size, z, zlen);
	return !ZSTD_isError(n) && n == size;
}

static bool zlib_into(char *dst, size_t size, const void *z, size_t zlen)
{
	uLongf n = (uLongf)size;

	if (zlen > ULONG_MAX || size > ULONG_MAX)
		return false;
	/* Z_BUF_ERROR when more than size bytes come out. */
	return uncompress((Bytef *)dst, &n, z, (uLong)zlen) == Z_OK &&
	       n == size;
}

int rd_rawmail_decompress(const void *z, size_t zlen, int64_t raw_size,
			  char **out, struct st_error *err)
{
	size_t size;
	char *buf;
	bool ok;

	*out = NULL;
	if (raw_size < 0 || raw_size > RD_RAWMAIL_MAX)
		return st_error_set(err, ST_EINVALID,
				    "stored message: bad raw size");
	size = (size_t)raw_size;
	if (!z)
		zlen = 0;
	if (!is_zstd(z, zlen) && !is_zlib(z, zlen))
		return st_error_set(err, ST_EINVALID,
				    "stored message: neither zstd nor zlib");
	buf = st_xmalloc(size + 1);
	ok = is_zstd(z, zlen) ? zstd_into(buf, size, z, zlen)
			      : zlib_into(buf, size, z, zlen);
	if (!ok) {
		free(buf);
		return st_error_set(err, ST_EINVALID,
				    "stored message: corrupt or not %lld bytes",
				    (long long)raw_size);
	}
	buf[size] = '\0';
	*out = buf;
	return 0;
}
