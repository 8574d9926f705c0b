/*
 * source.h: reading raw messages from where a list's mail lives: mbox
 * files (mboxo and mboxrd, LF or CRLF, .gz), Maildir folders, single
 * message files, "-" for standard input, public-inbox v2 archives (read
 * with libgit2), and remote archives over HTTP(S) (an mbox or .mbox.gz URL,
 * or a public-inbox archive mirrored with libgit2).
 *
 * A reader is incremental: it starts from a resume token saved from the
 * last run (NULL for the beginning) and, after each message, can give the
 * token that resumes after it. Ingest stores the token in the same
 * transaction as the messages, so a crash never skips or repeats work.
 */
#ifndef STEWARD_REVIEW_SOURCE_H
#define STEWARD_REVIEW_SOURCE_H

#include "common/error.h"

#include <stddef.h>

struct rd_source;

enum rd_source_event {
	RD_SOURCE_END = 0,     /* no more messages */
	RD_SOURCE_MESSAGE = 1, /* raw holds one message */
	RD_SOURCE_DELETE = 2,  /* public-inbox: raw holds a message to delete */
	RD_SOURCE_TOO_BIG = 3, /* a message larger than max_message was
				  dropped: raw holds its first bytes (at
				  most RD_SOURCE_HEAD), to record it */
};

#define RD_SOURCE_HEAD 4096

struct rd_source_opts {
	const char *state;	/* resume token from the last run, or NULL */
	const char *mirror_dir; /* where remote archives are mirrored */
	size_t max_message;	/* larger messages are RD_SOURCE_TOO_BIG */
	long timeout_secs;	/* network: per-transfer timeout */
};

/*
 * Open uri: a path, "-", or an http(s):// URL. What it is (mbox, Maildir,
 * public-inbox, single file) is detected. Caller owns *out; free with
 * rd_source_free. ST_ENOTFOUND names a missing path; ST_ERROR otherwise.
 */
int rd_source_open(struct rd_source **out, const char *uri,
		   const struct rd_source_opts *opts, struct st_error *err);

/*
 * The next message. Returns an rd_source_event (>= 0) or a negative error.
 * *raw and *len are borrowed until the next call; *pos describes where the
 * message was (e.g. "byte 1234", a commit id), borrowed likewise.
 */
int rd_source_next(struct rd_source *s, const char **raw, size_t *len,
		   const char **pos, struct st_error *err);

/* The token that resumes after the last message returned; borrowed. */
const char *rd_source_state(struct rd_source *s);

/* "mbox", "maildir", "file", "stdin", "public-inbox", "http-mbox". */
const char *rd_source_kind(const struct rd_source *s);

void rd_source_free(struct rd_source *s);

#endif
