/* buf.c: growable byte buffers; see buf.h for the invariants. */
#include "buf.h"

#include "error.h"
#include "xalloc.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char st_buf_empty[1];

void st_buf_init(struct st_buf *b, size_t max)
{
	b->buf = st_buf_empty;
	b->len = 0;
	b->alloc = 0;
	b->max = max;
}

void st_buf_release(struct st_buf *b)
{
	size_t max = b->max;

	if (b->alloc)
		free(b->buf);
	st_buf_init(b, max);
}

void st_buf_reset(struct st_buf *b)
{
	b->len = 0;
	b->buf[0] = '\0';
}

int st_buf_grow(struct st_buf *b, size_t extra)
{
	size_t want;

	if (extra > SIZE_MAX - b->len - 1)
		return ST_ETOOBIG;
	want = b->len + extra + 1;
	if (b->max && b->len + extra > b->max)
		return ST_ETOOBIG;
	if (want <= b->alloc)
		return 0;
	{
		size_t n = b->alloc ? b->alloc : 64;
		char *old = b->alloc ? b->buf : NULL;

		while (n < want)
			n = n > SIZE_MAX / 2 ? want : n * 2;
		b->buf = st_xrealloc(old, n);
		if (!old)
			b->buf[0] = '\0';
		b->alloc = n;
	}
	return 0;
}

int st_buf_add(struct st_buf *b, const void *data, size_t len)
{
	if (st_buf_grow(b, len) < 0)
		return ST_ETOOBIG;
	if (len)
		memcpy(b->buf + b->len, data, len);
	b->len += len;
	b->buf[b->len] = '\0';
	return 0;
}

int st_buf_addstr(struct st_buf *b, const char *s)
{
	return st_buf_add(b, s, strlen(s));
}

int st_buf_addch(struct st_buf *b, int c)
{
	char ch = (char)c;

	return st_buf_add(b, &ch, 1);
}

int st_buf_vaddf(struct st_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(b->buf + b->len, b->alloc ? b->alloc - b->len : 0, fmt,
		      cp);
	va_end(cp);
	if (n < 0)
		return ST_ERROR;
	if (b->alloc && (size_t)n < b->alloc - b->len) {
		if (b->max && b->len + n > b->max) {
			b->buf[b->len] = '\0';
			return ST_ETOOBIG;
		}
		b->len += n;
		return 0;
	}
	if (st_buf_grow(b, (size_t)n) < 0) {
		if (b->alloc)
			b->buf[b->len] = '\0';
		return ST_ETOOBIG;
	}
	vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, ap);
	b->len += n;
	return 0;
}

int st_buf_addf(struct st_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = st_buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void st_buf_setlen(struct st_buf *b, size_t len)
{
	if (len > b->len)
		return;
	b->len = len;
	if (b->alloc)
		b->buf[len] = '\0';
}

void st_buf_rtrim(struct st_buf *b)
{
	while (b->len && isspace((unsigned char)b->buf[b->len - 1]))
		b->len--;
	if (b->alloc)
		b->buf[b->len] = '\0';
}

char *st_buf_detach(struct st_buf *b, size_t *len)
{
	char *s;

	if (len)
		*len = b->len;
	s = b->alloc ? b->buf : st_xstrdup("");
	st_buf_init(b, b->max);
	return s;
}
