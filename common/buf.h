/*
 * buf.h: growable, binary-safe byte buffers (git's strbuf, curl's dynbuf).
 *
 * Invariants: buf is never NULL and always NUL-terminated, so a buffer
 * can be printed at any time; len excludes the terminator. max, when not
 * 0, caps len: an append past it fails with ST_ETOOBIG and leaves the
 * buffer unchanged (curl's "toobig"), which is how mail and network data
 * are bounded. Readers may use buf and len; the other fields are private.
 */
#ifndef STEWARD_COMMON_BUF_H
#define STEWARD_COMMON_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct st_buf {
	char *buf;
	size_t len;
	size_t alloc; /* 0 while buf points at the shared empty string */
	size_t max;   /* 0: no cap */
};

extern char st_buf_empty[];
#define ST_BUF_INIT {st_buf_empty, 0, 0, 0}

/* Initialise an empty buffer capped at max bytes (0: no cap). */
void st_buf_init(struct st_buf *b, size_t max);
/* Free the contents; the buffer is left empty and reusable. */
void st_buf_release(struct st_buf *b);
/* Empty the buffer, keeping its memory. */
void st_buf_reset(struct st_buf *b);
/* Make room for extra more bytes. Returns 0 or ST_ETOOBIG. */
int st_buf_grow(struct st_buf *b, size_t extra);
/* Append. Return 0 or ST_ETOOBIG (the buffer is unchanged then). */
int st_buf_add(struct st_buf *b, const void *data, size_t len);
int st_buf_addstr(struct st_buf *b, const char *s);
int st_buf_addch(struct st_buf *b, int c);
int st_buf_addf(struct st_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int st_buf_vaddf(struct st_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Shorten to len (len <= b->len). */
void st_buf_setlen(struct st_buf *b, size_t len);
/* Remove trailing white space. */
void st_buf_rtrim(struct st_buf *b);
/* Hand the string to the caller (free with free()); b is left empty. */
char *st_buf_detach(struct st_buf *b, size_t *len);

#endif
