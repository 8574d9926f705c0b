/*
 * mbox.c: cut a byte stream into messages with memmem/memchr over large
 * blocks. Only the message being cut is kept in memory; the scan never
 * looks at a byte twice except the five before a block boundary.
 */
#define _GNU_SOURCE /* memmem */
#include "mbox.h"

#include "common/buf.h"
#include "common/xalloc.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_BLOCK (4u << 20)
#define DEFAULT_MAX   (64u << 20)

struct rd_mbox {
	rd_mbox_read_fn fn;
	void *data;
	char *buf;
	size_t alloc;
	size_t block;
	size_t max;
	size_t lo; /* unconsumed bytes are buf[lo..hi) */
	size_t hi;
	size_t ms;	    /* start of the current message, when have_ms */
	size_t scan;	    /* the separator search resumes here */
	bool have_ms;	    /* the current message's From line was passed */
	bool eof;	    /* the callback reported the end */
	bool skipping;	    /* the current message is too big: drop it */
	uint64_t base;	    /* stream offset of buf[0] */
	uint64_t msg_off;   /* stream offset of the current message */
	uint64_t done;	    /* stream offset after the last message */
	size_t tail_len;    /* the bytes [done - tail_len, done) ... */
	uint64_t tail_hash; /* ... hash to this */
	size_t skipped;
	struct st_buf out;  /* the unescaped copy of a message */
	struct st_buf head; /* the first bytes of a message being skipped */
};

void rd_mbox_new(struct rd_mbox **out, rd_mbox_read_fn fn, void *data,
		 uint64_t start, size_t block, size_t max_message)
{
	struct rd_mbox *m = st_xcalloc(1, sizeof(*m));

	m->fn = fn;
	m->data = data;
	m->block = block ? block : DEFAULT_BLOCK;
	m->max = max_message ? max_message : DEFAULT_MAX;
	m->base = start;
	m->done = start;
	st_buf_init(&m->out, 0);
	st_buf_init(&m->head, 0);
	*out = m;
}

void rd_mbox_free(struct rd_mbox *m)
{
	if (!m)
		return;
	free(m->buf);
	st_buf_release(&m->out);
	st_buf_release(&m->head);
	free(m);
}

uint64_t rd_mbox_offset(const struct rd_mbox *m)
{
	return m->done;
}

uint64_t rd_mbox_hash(const void *p, size_t len)
{
	const unsigned char *c = p;
	uint64_t h = 14695981039346656037u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ c[i]) * 1099511628211u;
	return h;
}

void rd_mbox_tail(const struct rd_mbox *m, size_t *len, uint64_t *hash)
{
	*len = m->tail_len;
	*hash = m->tail_hash;
}

size_t rd_mbox_skipped(const struct rd_mbox *m)
{
	return m->skipped;
}

/*
 * The next separator at or after scan: the index of the '\n' that ends a
 * blank line and is followed by "From ", or SIZE_MAX. *end is set to the end
 * of the message before it (the blank line, LF or CRLF, excluded). The
 * line before ms always counts as ended: ms follows a From line's '\n'
 * or starts the stream.
 */
static size_t find_sep(const struct rd_mbox *m, size_t *end)
{
	const char *b = m->buf;
	size_t i = m->scan;

	while (i + 6 <= m->hi) {
		const char *h = memmem(b + i, m->hi - i, "\nFrom ", 6);
		size_t p;

		if (!h)
			break;
		p = (size_t)(h - b);
		if (p == m->ms || b[p - 1] == '\n') {
			*end = p;
			return p;
		}
		if (b[p - 1] == '\r' && (p - 1 == m->ms || b[p - 2] == '\n')) {
			*end = p - 1;
			return p;
		}
		i = p + 1;
	}
	return SIZE_MAX;
}

/* Point *raw at buf[s..e), undoing ^>+From escapes in a copy if any. */
static void deliver(struct rd_mbox *m, size_t s, size_t e, const char **raw,
		    size_t *len)
{
	const char *p = m->buf + s, *end = m->buf + e, *copied = p;
	const char *h = memmem(p, e - s, ">From ", 6);

	*raw = p;
	*len = e - s;
	if (!h)
		return;
	st_buf_reset(&m->out);
	while (h) {
		const char *k = h;

		while (k > p && k[-1] == '>')
			k--;
		if (k == p || k[-1] == '\n') {
			st_buf_add(&m->out, copied, (size_t)(k - copied));
			copied = k + 1;
		}
		h += 6;
		h = memmem(h, (size_t)(end - h), ">From ", 6);
	}
	st_buf_add(&m->out, copied, (size_t)(end - copied));
	*raw = m->out.buf;
	*len = m->out.len;
}

/* Start dropping the current message, keeping its first bytes so that
 * the caller can say which message it was. */
static void start_skip(struct rd_mbox *m)
{
	size_t n = m->hi - m->ms;

	m->skipping = true;
	st_buf_reset(&m->head);
	st_buf_add(&m->head, m->buf + m->ms,
		   n < RD_MBOX_HEAD ? n : RD_MBOX_HEAD);
}

/* The skipped message is behind us: hand over what was kept of it. */
static int report_skip(struct rd_mbox *m, const char **raw, size_t *len,
		       uint64_t *offset)
{
	m->skipping = false;
	m->skipped++;
	*raw = m->head.buf;
	*len = m->head.len;
	*offset = m->msg_off;
	return 2;
}

/* Read one more block, keeping buf[lo..hi) (moved to the front). */
static int fill(struct rd_mbox *m, struct st_error *err)
{
	ssize_t n;

	if (m->skipping && m->have_ms && m->scan >= m->ms + 3) {
		/* Keep only what the scan still needs: the bytes before
		 * scan that a blank-line check may look at. */
		m->ms = m->scan - 3;
		m->lo = m->ms;
	}
	if (m->lo) {
		memmove(m->buf, m->buf + m->lo, m->hi - m->lo);
		m->base += m->lo;
		m->hi -= m->lo;
		m->ms -= m->have_ms ? m->lo : 0;
		m->scan -= m->have_ms ? m->lo : 0;
		m->lo = 0;
	}
	if (m->alloc - m->hi < m->block) {
		size_t want = m->alloc ? m->alloc * 2 : 2 * m->block;

		if (want < m->hi + m->block)
			want = m->hi + m->block;
		m->buf = st_xrealloc(m->buf, want);
		m->alloc = want;
	}
	n = m->fn(m->data, m->buf + m->hi, m->block, err);
	if (n < 0)
		return (int)n;
	if (n == 0)
		m->eof = true;
	m->hi += (size_t)n;
	return 0;
}

/* Pass the From line at lo, if there is one; 1 when more data is needed. */
static int start_message(struct rd_mbox *m)
{
	size_t avail = m->hi - m->lo;
	const char *nl;

	if (avail < 5 && !m->eof)
		return 1;
	m->msg_off = m->base + m->lo;
	if (avail < 5 || memcmp(m->buf + m->lo, "From ", 5)) {
		/* No From line: only at the start of a stream. */
		m->ms = m->lo;
	} else {
		nl = memchr(m->buf + m->lo, '\n', avail);
		if (!nl && !m->eof && avail <= m->max + 8)
			return 1;
		if (!nl && !m->eof) {
			m->ms = m->lo + 5;
			start_skip(m);
		} else {
			m->ms = nl ? (size_t)(nl - m->buf) + 1 : m->hi;
		}
	}
	m->have_ms = true;
	m->scan = m->ms;
	return 0;
}

int rd_mbox_next(struct rd_mbox *m, const char **raw, size_t *len,
		 uint64_t *offset, struct st_error *err)
{
	for (;;) {
		size_t p, end = 0;
		int rc;

		if (!m->have_ms) {
			if (m->lo == m->hi && m->eof)
				return 0;
			rc = start_message(m);
			if (rc == 1) {
				rc = fill(m, err);
				if (rc < 0)
					return rc;
				continue;
			}
		}
		p = find_sep(m, &end);
		if (p == SIZE_MAX && m->eof) {
			/* The last message: drop a trailing blank line. */
			end = m->hi;
			if (end - m->ms >= 2 && m->buf[end - 1] == '\n' &&
			    m->buf[end - 2] == '\n')
				end--;
			else if (end - m->ms >= 4 &&
				 !memcmp(m->buf + end - 4, "\r\n\r\n", 4))
				end -= 2;
			p = m->hi - 1; /* so that lo becomes hi */
		}
		if (p != SIZE_MAX) {
			size_t ms = m->ms;
			size_t k = p + 1 - m->lo;

			/* The bytes just before done, still in the buffer:
			 * what a resume checks to know the file is the same. */
			m->tail_len = k < RD_MBOX_TAIL ? k : RD_MBOX_TAIL;
			m->tail_hash = rd_mbox_hash(
				m->buf + p + 1 - m->tail_len, m->tail_len);
			m->lo = p + 1;
			m->have_ms = false;
			m->done = m->base + m->lo;
			if (m->skipping)
				return report_skip(m, raw, len, offset);
			if (end <= ms)
				continue;
			if (m->base + end - m->msg_off > m->max) {
				/* Whole in the buffer but too big all the same:
				 * the same answer whatever the block size. */
				start_skip(m);
				return report_skip(m, raw, len, offset);
			}
			deliver(m, ms, end, raw, len);
			*offset = m->msg_off;
			return 1;
		}
		m->scan = m->hi - m->ms > 5 ? m->hi - 5 : m->ms;
		/* Skip only when the message (From line included) is sure to
		 * pass max: its end is at most 6 bytes before hi. */
		if (!m->skipping && m->base + m->hi - m->msg_off > m->max + 8)
			start_skip(m);
		rc = fill(m, err);
		if (rc < 0)
			return rc;
	}
}

struct mem_reader {
	const char *p;
	size_t len;
	size_t pos;
};

static ssize_t mem_read(void *data, char *buf, size_t len, struct st_error *err)
{
	struct mem_reader *r = data;
	size_t n = r->len - r->pos;

	if (n > len)
		n = len;
	memcpy(buf, r->p + r->pos, n);
	r->pos += n;
	return (ssize_t)n;
}

int rd_mbox_split(const char *p, size_t len, size_t block, size_t max_message,
		  rd_mbox_fn fn, void *data)
{
	struct mem_reader r = {p, len, 0};
	struct rd_mbox *m;
	const char *raw;
	size_t n;
	uint64_t off;
	int rc;

	rd_mbox_new(&m, mem_read, &r, 0, block, max_message);
	while ((rc = rd_mbox_next(m, &raw, &n, &off, NULL)) > 0) {
		if (rc == 2) {
			rc = 0; /* too big: not a message */
			continue;
		}
		rc = fn(data, raw, n, off);
		if (rc)
			break;
	}
	rd_mbox_free(m);
	return rc;
}
