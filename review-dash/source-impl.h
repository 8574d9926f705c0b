/*
 * source-impl.h: what source.c shares with the readers of each kind
 * (source-mbox.c, source-maildir.c, source-pubinbox.c, source-http.c).
 * Internal to review-dash: ingest uses source.h only.
 */
#ifndef STEWARD_REVIEW_SOURCE_IMPL_H
#define STEWARD_REVIEW_SOURCE_IMPL_H

#include "source.h"

#include "common/buf.h"

#include <stdbool.h>
#include <stdint.h>

struct rd_source;

/* One kind of source. */
struct source_ops {
	const char *kind; /* rd_source_kind's answer */
	/* As rd_source_next; may set s->pos. */
	int (*next)(struct rd_source *s, const char **raw, size_t *len,
		    struct st_error *err);
	/* Fill s->state with the resume token (s->state is reset). */
	void (*state)(struct rd_source *s);
	void (*free)(void *priv);
};

struct rd_source {
	const struct source_ops *ops;
	void *priv;
	char *uri;
	char *mirror_dir;
	size_t max_message;
	long timeout_secs;
	struct st_buf state;
	struct st_buf pos;
	struct st_buf extra; /* a wrapper's part of the token (source-http.c) */
};

/* The default cap on one message when opts->max_message is 0. */
#define RD_SOURCE_MAX_MESSAGE (64u << 20)

/* FNV-1a, 64 bits: file identities and mirror names, not security. */
uint64_t source_hash(uint64_t h, const void *p, size_t len);
#define SOURCE_HASH_INIT 14695981039346656037u

/*
 * Open path (or fd 0 when path is "-") as an mbox ("mbox"), a single
 * message ("file") or standard input ("stdin"), told apart by the
 * (decompressed) bytes; gzip and xz are detected by their magic. state
 * resumes an mbox or skips a file already read. Fills s->ops and s->priv.
 */
int source_mbox_open(struct rd_source *s, const char *path, const char *state,
		     struct st_error *err);

/* The mbox reader's callbacks, for a wrapper (source-http.c). */
int source_mbox_next(struct rd_source *s, const char **raw, size_t *len,
		     struct st_error *err);
void source_mbox_state(struct rd_source *s);
void source_mbox_free(void *priv);

int source_maildir_open(struct rd_source *s, const char *path,
			const char *state, struct st_error *err);
int source_pubinbox_open(struct rd_source *s, const char *path,
			 const char *state, struct st_error *err);
/* A remote public-inbox (http(s):// or file://), mirrored with libgit2. */
int source_pubinbox_open_remote(struct rd_source *s, const char *url,
				const char *state, struct st_error *err);
int source_http_open(struct rd_source *s, const char *url, const char *state,
		     struct st_error *err);

#endif
