/*
 * compress.h: deterministic, parallel gzip and xz writers for release
 * tarballs. The same input gives the same bytes every run and whatever
 * the thread count, and any gzip or xz reads the result:
 *  - gzip: one member with no name and mtime 0 (like `gzip -n`); the input
 *    is cut into fixed chunks, each deflated on its own with the previous
 *    32 KiB as dictionary and ended with a sync flush (as pigz does), so
 *    chunks compress in parallel and join into one deflate stream;
 *  - xz: liblzma's multithreaded encoder with the preset's block size
 *    (3 × its dictionary: 24 MiB for -6, as `xz -T`), whose blocks do
 *    not depend on the number of threads.
 * Compressed bytes go to a caller's sink function.
 */
#ifndef STEWARD_RELEASE_COMPRESS_H
#define STEWARD_RELEASE_COMPRESS_H

#include "common/error.h"

#include <stddef.h>

/* Where output goes: return 0 or a negative ST_E* code with err set. */
typedef int (*rel_sink_fn)(const void *p, size_t len, void *data,
			   struct st_error *err);

/* The input chunk the gzip writer deflates as one job. */
#define REL_GZ_CHUNK (256 * 1024)

struct rel_gz;
struct rel_xz;

/*
 * A gzip writer at level (1-9) using threads worker threads (<= 1: all
 * work in the caller's thread) writing to sink. Caller owns *out; free
 * with rel_gz_free (after rel_gz_finish, or to abandon).
 */
int rel_gz_new(struct rel_gz **out, int level, int threads, rel_sink_fn sink,
	       void *sink_data, struct st_error *err);
/* Compress len bytes of input. */
int rel_gz_write(struct rel_gz *gz, const void *p, size_t len,
		 struct st_error *err);
/* Flush everything and write the trailer. */
int rel_gz_finish(struct rel_gz *gz, struct st_error *err);
void rel_gz_free(struct rel_gz *gz);

/* An xz writer at preset (0-9) with threads threads; as above. */
int rel_xz_new(struct rel_xz **out, int preset, int threads, rel_sink_fn sink,
	       void *sink_data, struct st_error *err);
int rel_xz_write(struct rel_xz *xz, const void *p, size_t len,
		 struct st_error *err);
int rel_xz_finish(struct rel_xz *xz, struct st_error *err);
void rel_xz_free(struct rel_xz *xz);

#endif
