/*
 * rawmail.h: the stored raw copy of a message (messages.raw), compressed.
 *
 * New copies are zstd frames at level 1 (magic 28 B5 2F FD, content size
 * in the frame header): about three times cheaper to make than zlib at
 * level 1 for a similar ratio. Stores written before hold zlib streams
 * (compress2(), first byte 0x78); both are read back, told apart by
 * their first bytes. Every reader of messages.raw goes through here.
 */
#ifndef STEWARD_REVIEW_RAWMAIL_H
#define STEWARD_REVIEW_RAWMAIL_H

#include "common/error.h"

#include <stddef.h>
#include <stdint.h>

/* The largest raw message compressed or decompressed, in bytes. */
#define RD_RAWMAIL_MAX (64 * 1024 * 1024)

/* A compression context: one per thread, reused for every message, as
 * setting one up costs more than compressing a typical mail. */
struct rd_rawmail;

struct rd_rawmail *rd_rawmail_new(void);
void rd_rawmail_free(struct rd_rawmail *rm);

/*
 * Compress raw[0..len) into a new buffer *out (free() it) of *outlen
 * bytes. Returns 0, ST_ETOOBIG beyond RD_RAWMAIL_MAX, or ST_ERROR.
 */
int rd_rawmail_compress(struct rd_rawmail *rm, const void *raw, size_t len,
			unsigned char **out, size_t *outlen,
			struct st_error *err);

/*
 * Decompress a stored copy z[0..zlen), zstd or zlib, whose real size is
 * raw_size, into a new NUL-terminated buffer *out (free() it) of exactly
 * raw_size bytes. Returns 0, or ST_EINVALID when raw_size is out of range,
 * the data is neither format, is corrupt or truncated, or does not hold
 * exactly raw_size bytes.
 */
int rd_rawmail_decompress(const void *z, size_t zlen, int64_t raw_size,
			  char **out, struct st_error *err);

#endif
