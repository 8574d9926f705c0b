/*
 * mbox.h: the streaming mbox splitter under source.c (internal to
 * review-dash; ingest uses source.h). It reads a byte stream through a
 * callback in blocks and cuts it into messages: a message starts after a
 * "From " line found at the start of the stream or after a blank line (LF
 * or CRLF); the blank line before it is the separator and is dropped; lines
 * matching ^>+From lose one '>' (mboxrd; this also undoes mboxo escaping).
 * Other bytes pass through unchanged. A stream that does not start with
 * "From " starts with a message all the same.
 *
 * Memory stays bounded by max_message plus one block, whatever the size
 * of the stream: a larger message is dropped, and reported with its byte
 * offset and first bytes.
 */
#ifndef STEWARD_REVIEW_MBOX_H
#define STEWARD_REVIEW_MBOX_H

#include "common/error.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct rd_mbox;

/*
 * Read up to len bytes into buf: returns the count, 0 at the end of the
 * stream, or a negative ST_E* code with err set.
 */
typedef ssize_t (*rd_mbox_read_fn)(void *data, char *buf, size_t len,
				   struct st_error *err);

/*
 * A splitter over the stream read by fn, whose first byte is at offset
 * start of the whole stream (so offsets stay those of the file after a
 * resume). block is the read size (0: 4 MiB), max_message the largest
 * message returned (0: 64 MiB). Caller owns *out; free with rd_mbox_free.
 */
void rd_mbox_new(struct rd_mbox **out, rd_mbox_read_fn fn, void *data,
		 uint64_t start, size_t block, size_t max_message);

/*
 * The next message: returns 1 with *raw, *len (borrowed until the next
 * call) and *offset, the stream offset of its "From " line (or of its
 * first byte when it has none); 2 when the message there was larger than
 * max_message and was dropped, with its first bytes (at most RD_MBOX_HEAD)
 * in *raw and *len; 0 at the end; or the read callback's error.
 */
int rd_mbox_next(struct rd_mbox *m, const char **raw, size_t *len,
		 uint64_t *offset, struct st_error *err);

/* The stream offset just after the last message returned (the start of
 * the next "From " line, or the end of the stream). */
uint64_t rd_mbox_offset(const struct rd_mbox *m);

/* What rd_mbox_next keeps of a message it drops as too big. */
#define RD_MBOX_HEAD 4096

/* At most this many bytes before rd_mbox_offset are hashed. */
#define RD_MBOX_TAIL 64

/*
 * The hash (rd_mbox_hash) of the *len bytes just before rd_mbox_offset
 * (*len <= RD_MBOX_TAIL; 0 before the first message or skip), which a
 * resume compares with the file's to know it is still the same there.
 */
void rd_mbox_tail(const struct rd_mbox *m, size_t *len, uint64_t *hash);

/* FNV-1a, 64 bits. */
uint64_t rd_mbox_hash(const void *p, size_t len);

/* Messages skipped as larger than max_message so far. */
size_t rd_mbox_skipped(const struct rd_mbox *m);

void rd_mbox_free(struct rd_mbox *m);

/* Called for each message of rd_mbox_split; non-zero stops the split. */
typedef int (*rd_mbox_fn)(void *data, const char *raw, size_t len,
			  uint64_t offset);

/*
 * Split the whole of p[0..len) (what a fuzzer hands over) with the
 * streaming code, reading it block bytes at a time. Returns 0, or what fn
 * returned when it stopped.
 */
int rd_mbox_split(const char *p, size_t len, size_t block, size_t max_message,
		  rd_mbox_fn fn, void *data);

#endif
