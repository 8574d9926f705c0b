/*
 * source-mbox.c: mbox files, single message files and standard input,
 * plain or compressed (gzip, xz: told by their magic bytes, not the name),
 * streamed in blocks through mbox.c. The resume token is the offset in
 * the decompressed stream after the last message, with hashes of the
 * first 4 KiB and of the 64 bytes before the offset, and a From line must
 * start there: an appended file resumes, a replaced one starts again.
 */
#include "source-impl.h"

#include "mbox.h"

#include "common/log.h"
#include "common/util.h"
#include "common/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define IN_SIZE	  (256u << 10)
#define HEAD_SIZE 4096u

enum codec {
	CODEC_NONE,
	CODEC_GZIP,
	CODEC_XZ,
};

/* A file or pipe, decompressed on the fly. */
struct stream {
	char *name; /* for messages */
	int fd;
	bool own_fd;
	bool regular; /* can seek and rewind */
	enum codec codec;
	char *in; /* raw bytes read ahead: magic, decoder input */
	size_t in_len;
	size_t in_pos;
	bool in_eof;
	bool out_eof;
	z_stream z;
	lzma_stream x;
	bool dec_init;
};

struct mbox_src {
	struct stream st;
	struct rd_mbox *m;
	bool single; /* one message, not an mbox */
	bool single_done;
	struct st_buf whole;  /* the single message */
	char head[HEAD_SIZE]; /* decompressed bytes [0, head_len) */
	size_t head_len;
	char peek[8];
	const char *pend; /* served before the stream */
	size_t pend_len;
	uint64_t start;	     /* where reading resumed */
	char *prev_state;    /* the token given at open */
	size_t hashed_len;   /* hash is of head[0..hashed_len) */
	size_t tok_tail_len; /* the token's tail, while nothing is read */
	uint64_t tok_tail_hash;
	uint64_t hash;
};

uint64_t source_hash(uint64_t h, const void *p, size_t len)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < len; i++)
		h = (h ^ c[i]) * 1099511628211u;
	return h;
}

static int raw_fill(struct stream *st, struct st_error *err)
{
	ssize_t n;

	if (st->in_pos < st->in_len || st->in_eof)
		return 0;
	st->in_pos = st->in_len = 0;
	do
		n = read(st->fd, st->in, IN_SIZE);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return st_error_set(err, ST_ERROR, "cannot read '%s': %s",
				    st->name, strerror(errno));
	if (n == 0)
		st->in_eof = true;
	st->in_len = (size_t)n;
	return 0;
}

static int codec_start(struct stream *st, struct st_error *err)
{
	if (st->codec == CODEC_GZIP) {
		memset(&st->z, 0, sizeof(st->z));
		if (inflateInit2(&st->z, 15 + 16) != Z_OK)
			return st_error_set(err, ST_ERROR,
					    "zlib: cannot start");
	} else if (st->codec == CODEC_XZ) {
		lzma_stream init = LZMA_STREAM_INIT;

		st->x = init;
		if (lzma_stream_decoder(&st->x, UINT64_MAX,
					LZMA_CONCATENATED) != LZMA_OK)
			return st_error_set(err, ST_ERROR,
					    "liblzma: cannot start");
	}
	st->dec_init = st->codec != CODEC_NONE;
	return 0;
}

static void codec_end(struct stream *st)
{
	if (!st->dec_init)
		return;
	if (st->codec == CODEC_GZIP)
		inflateEnd(&st->z);
	else
		lzma_end(&st->x);
	st->dec_init = false;
}

/* Read the magic (without consuming it) and start the decoder. */
static int stream_detect(struct stream *st, struct st_error *err)
{
	static const unsigned char gz[] = {0x1f, 0x8b};
	static const unsigned char xz[] = {0xfd, '7', 'z', 'X', 'Z', 0};
	ssize_t n;

	while (st->in_len < 6 && !st->in_eof) {
		do
			n = read(st->fd, st->in + st->in_len,
				 IN_SIZE - st->in_len);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return st_error_set(err, ST_ERROR,
					    "cannot read '%s': %s", st->name,
					    strerror(errno));
		if (n == 0)
			st->in_eof = true;
		st->in_len += (size_t)n;
	}
	st->codec = CODEC_NONE;
	if (st->in_len >= 2 && !memcmp(st->in, gz, 2))
		st->codec = CODEC_GZIP;
	else if (st->in_len >= 6 && !memcmp(st->in, xz, 6))
		st->codec = CODEC_XZ;
	return codec_start(st, err);
}

static ssize_t read_gzip(struct stream *st, char *buf, size_t len,
			 struct st_error *err)
{
	z_stream *z = &st->z;
	int rc;

	z->next_out = (unsigned char *)buf;
	z->avail_out = (unsigned)(len > (1u << 30) ? (1u << 30) : len);
	while (z->next_out == (unsigned char *)buf && !st->out_eof) {
		rc = raw_fill(st, err);
		if (rc < 0)
			return rc;
		z->next_in = (unsigned char *)st->in + st->in_pos;
		z->avail_in = (unsigned)(st->in_len - st->in_pos);
		if (!z->avail_in && st->in_eof)
			return st_error_set(err, ST_EINVALID,
					    "'%s': truncated gzip data",
					    st->name);
		rc = inflate(z, Z_NO_FLUSH);
		st->in_pos = st->in_len - z->avail_in;
		if (rc == Z_STREAM_END) {
			/* Another member may follow (appended .gz). */
			if (raw_fill(st, err) < 0)
				return err ? err->code : ST_ERROR;
			if (st->in_pos == st->in_len && st->in_eof)
				st->out_eof = true;
			else
				inflateReset(z);
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			return st_error_set(err, ST_EINVALID,
					    "'%s': corrupt gzip data: %s",
					    st->name, z->msg ? z->msg : "?");
		}
	}
	return (ssize_t)((char *)z->next_out - buf);
}

static ssize_t read_xz(struct stream *st, char *buf, size_t len,
		       struct st_error *err)
{
	lzma_stream *x = &st->x;
	lzma_ret rc;

	x->next_out = (uint8_t *)buf;
	x->avail_out = len;
	while (x->next_out == (uint8_t *)buf && !st->out_eof) {
		int r = raw_fill(st, err);

		if (r < 0)
			return r;
		x->next_in = (uint8_t *)st->in + st->in_pos;
		x->avail_in = st->in_len - st->in_pos;
		rc = lzma_code(x, st->in_eof ? LZMA_FINISH : LZMA_RUN);
		st->in_pos = st->in_len - x->avail_in;
		if (rc == LZMA_STREAM_END)
			st->out_eof = true;
		else if (rc != LZMA_OK)
			return st_error_set(err, ST_EINVALID,
					    "'%s': corrupt xz data (%d)",
					    st->name, (int)rc);
	}
	return (ssize_t)((char *)x->next_out - buf);
}

/* Decompressed bytes: a count, 0 at the end, or an error. */
static ssize_t stream_read(struct stream *st, char *buf, size_t len,
			   struct st_error *err)
{
	ssize_t n;

	if (st->codec == CODEC_GZIP)
		return read_gzip(st, buf, len, err);
	if (st->codec == CODEC_XZ)
		return read_xz(st, buf, len, err);
	if (st->in_pos < st->in_len) {
		n = (ssize_t)(st->in_len - st->in_pos);
		if ((size_t)n > len)
			n = (ssize_t)len;
		memcpy(buf, st->in + st->in_pos, (size_t)n);
		st->in_pos += (size_t)n;
		return n;
	}
	if (st->in_eof)
		return 0;
	do
		n = read(st->fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return st_error_set(err, ST_ERROR, "cannot read '%s': %s",
				    st->name, strerror(errno));
	return n;
}

static int stream_rewind(struct stream *st, struct st_error *err)
{
	if (lseek(st->fd, 0, SEEK_SET) != 0)
		return st_error_set(err, ST_ERROR, "cannot seek '%s': %s",
				    st->name, strerror(errno));
	codec_end(st);
	st->in_len = st->in_pos = 0;
	st->in_eof = st->out_eof = false;
	return stream_detect(st, err);
}

static int read_full(struct stream *st, char *buf, size_t len, size_t *got,
		     struct st_error *err)
{
	ssize_t n;

	*got = 0;
	while (*got < len) {
		n = stream_read(st, buf + *got, len - *got, err);
		if (n < 0)
			return (int)n;
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return 0;
}

static ssize_t src_read(void *data, char *buf, size_t len, struct st_error *err)
{
	struct mbox_src *ms = data;

	if (ms->pend_len) {
		size_t n = ms->pend_len < len ? ms->pend_len : len;

		memcpy(buf, ms->pend, n);
		ms->pend += n;
		ms->pend_len -= n;
		return (ssize_t)n;
	}
	return stream_read(&ms->st, buf, len, err);
}

/* Keep the last RD_MBOX_TAIL bytes seen of a stream read through. */
static void roll(char *tail, size_t *tl, const char *p, size_t n)
{
	size_t keep;

	if (n >= RD_MBOX_TAIL) {
		memcpy(tail, p + n - RD_MBOX_TAIL, RD_MBOX_TAIL);
		*tl = RD_MBOX_TAIL;
		return;
	}
	keep = *tl < RD_MBOX_TAIL - n ? *tl : RD_MBOX_TAIL - n;
	memmove(tail, tail + *tl - keep, keep);
	memcpy(tail + keep, p, n);
	*tl = keep + n;
}

/* Skip a compressed stream to off; the bytes before it go to tail. */
static int skip_to(struct mbox_src *ms, uint64_t off, char *tail, size_t *tl,
		   struct st_error *err)
{
	char scratch[65536];
	uint64_t left;
	size_t got;
	int rc;

	*tl = 0;
	roll(tail, tl, ms->head, ms->head_len);
	for (left = off - ms->head_len; left;) {
		size_t want =
			left < sizeof(scratch) ? (size_t)left : sizeof(scratch);

		rc = read_full(&ms->st, scratch, want, &got, err);
		if (rc < 0)
			return rc;
		if (got < want)
			return 1;
		roll(tail, tl, scratch, got);
		left -= got;
	}
	return 0;
}

/*
 * Position at off, checking that the k bytes before it hash to tail_hash
 * and that a From line (or the end) is there. 1 when not: another file,
 * to read from the start.
 */
static int seek_to(struct mbox_src *ms, uint64_t off, size_t k,
		   uint64_t tail_hash, struct st_error *err)
{
	struct stream *st = &ms->st;
	char tail[RD_MBOX_TAIL];
	size_t tl = 0, got;
	int rc;

	if (k > off)
		return 1;
	if (off <= ms->head_len) {
		if (rd_mbox_hash(ms->head + off - k, k) != tail_hash)
			return 1;
		ms->pend = ms->head + off;
		ms->pend_len = ms->head_len - (size_t)off;
		return ms->pend_len &&
		       (ms->pend_len < 5 || memcmp(ms->pend, "From ", 5));
	}
	if (st->codec == CODEC_NONE && st->regular) {
		struct stat sb;

		if (fstat(st->fd, &sb) != 0 || (uint64_t)sb.st_size < off ||
		    pread(st->fd, tail, k, (off_t)(off - k)) != (ssize_t)k)
			return 1;
		tl = k;
		if (lseek(st->fd, (off_t)off, SEEK_SET) < 0)
			return st_error_set(err, ST_ERROR,
					    "cannot seek '%s': %s", st->name,
					    strerror(errno));
		st->in_pos = st->in_len = 0;
		st->in_eof = false;
	} else {
		rc = skip_to(ms, off, tail, &tl, err);
		if (rc != 0)
			return rc;
	}
	if (tl < k || rd_mbox_hash(tail + tl - k, k) != tail_hash)
		return 1;
	rc = read_full(st, ms->peek, 5, &got, err);
	if (rc < 0)
		return rc;
	ms->pend = ms->peek;
	ms->pend_len = got;
	return got && (got < 5 || memcmp(ms->peek, "From ", 5));
}

/* Parse "mbox:2:OFFSET:HEAD:K:TAIL" and check it against the file's
 * head; the tail is checked by seek_to. */
static bool token_matches(struct mbox_src *ms, const char *state)
{
	unsigned long long v[4];
	const char *p;
	char *end;
	size_t n;

	if (!state || !st_starts_with(state, "mbox:2:"))
		return false;
	p = state + 7;
	for (int i = 0; i < 4; i++) {
		errno = 0;
		v[i] = strtoull(p, &end, i % 2 ? 16 : 10);
		if (errno || end == p || *end != (i == 3 ? '\0' : ':') ||
		    *p == '-' || *p == '+')
			return false;
		p = end + 1;
	}
	n = v[0] < HEAD_SIZE ? (size_t)v[0] : HEAD_SIZE;
	if (ms->head_len < n ||
	    source_hash(SOURCE_HASH_INIT, ms->head, n) != (uint64_t)v[1] ||
	    v[2] > RD_MBOX_TAIL)
		return false;
	ms->start = v[0];
	ms->tok_tail_len = (size_t)v[2];
	ms->tok_tail_hash = (uint64_t)v[3];
	return true;
}

static const struct source_ops mbox_ops, file_ops, stdin_ops;

void source_mbox_free(void *priv)
{
	struct mbox_src *ms = priv;

	if (!ms)
		return;
	rd_mbox_free(ms->m);
	codec_end(&ms->st);
	if (ms->st.own_fd && ms->st.fd >= 0)
		close(ms->st.fd);
	free(ms->st.in);
	free(ms->st.name);
	st_buf_release(&ms->whole);
	free(ms->prev_state);
	free(ms);
}

static int open_fd(struct stream *st, const char *path, struct st_error *err)
{
	struct stat sb;

	if (!strcmp(path, "-")) {
		st->fd = 0;
		st->name = st_xstrdup("standard input");
	} else {
		st->fd = open(path, O_RDONLY | O_CLOEXEC);
		st->own_fd = true;
		st->name = st_xstrdup(path);
		if (st->fd < 0)
			return st_error_set(
				err, errno == ENOENT ? ST_ENOTFOUND : ST_ERROR,
				"cannot open '%s': %s", path, strerror(errno));
	}
	st->regular = fstat(st->fd, &sb) == 0 && S_ISREG(sb.st_mode);
	return 0;
}

/* Read head and decide between mbox and single message; resume. */
static int start(struct rd_source *s, struct mbox_src *ms, const char *state,
		 bool is_stdin, struct st_error *err)
{
	uint64_t off = 0;
	int rc;

	rc = read_full(&ms->st, ms->head, HEAD_SIZE, &ms->head_len, err);
	if (rc < 0)
		return rc;
	ms->pend = ms->head;
	ms->pend_len = ms->head_len;
	ms->single = ms->head_len < 5 || memcmp(ms->head, "From ", 5);
	if (ms->single || is_stdin || !state)
		goto ready;
	if (token_matches(ms, state)) {
		off = ms->start;
		rc = seek_to(ms, off, ms->tok_tail_len, ms->tok_tail_hash, err);
		if (rc <= 0)
			goto resumed;
	}
	st_log(ST_LOG_INFO,
	       "'%s' is not the file read last time: from the start", s->uri);
	off = 0;
	if (ms->st.regular) {
		rc = stream_rewind(&ms->st, err);
		if (rc < 0)
			return rc;
		rc = read_full(&ms->st, ms->head, HEAD_SIZE, &ms->head_len,
			       err);
		if (rc < 0)
			return rc;
	}
	ms->pend = ms->head;
	ms->pend_len = ms->head_len;
	goto ready;
resumed:
	if (rc < 0)
		return rc;
ready:
	ms->start = off;
	if (off == 0) {
		ms->tok_tail_len = 0;
		ms->tok_tail_hash = rd_mbox_hash("", 0);
	}
	rd_mbox_new(&ms->m, src_read, ms, off, 0, s->max_message);
	return 0;
}

int source_mbox_open(struct rd_source *s, const char *path, const char *state,
		     struct st_error *err)
{
	struct mbox_src *ms = st_xcalloc(1, sizeof(*ms));
	bool is_stdin = !strcmp(path, "-");
	int rc;

	ms->st.fd = -1;
	ms->st.in = st_xmalloc(IN_SIZE);
	st_buf_init(&ms->whole, s->max_message);
	ms->prev_state = state ? st_xstrdup(state) : NULL;
	ms->hash = SOURCE_HASH_INIT;
	rc = open_fd(&ms->st, path, err);
	if (rc < 0)
		goto out;
	rc = stream_detect(&ms->st, err);
	if (rc < 0)
		goto out;
	rc = start(s, ms, state, is_stdin, err);
	if (rc < 0)
		goto out;
	s->priv = ms;
	s->ops = is_stdin ? &stdin_ops : ms->single ? &file_ops : &mbox_ops;
	ms = NULL;
out:
	source_mbox_free(ms);
	return rc;
}

/* The whole stream as one message; only its first bytes when too big. */
static int next_single(struct rd_source *s, struct mbox_src *ms,
		       const char **raw, size_t *len, struct st_error *err)
{
	char chunk[65536];
	bool too_big = false;
	ssize_t n;

	if (ms->single_done)
		return RD_SOURCE_END;
	ms->single_done = true;
	while (!too_big) {
		n = src_read(ms, chunk, sizeof(chunk), err);
		if (n < 0)
			return (int)n;
		if (n == 0)
			break;
		/* Past max_message the rest is never read. */
		if ((size_t)n > s->max_message - ms->whole.len) {
			n = (ssize_t)(s->max_message - ms->whole.len);
			too_big = true;
		}
		if (st_buf_add(&ms->whole, chunk, (size_t)n) < 0)
			too_big = true;
	}
	if (ms->whole.len == 0)
		return RD_SOURCE_END;
	/* Already read, unchanged: nothing new. */
	source_mbox_state(s);
	if (ms->prev_state && !strcmp(ms->prev_state, s->state.buf))
		return RD_SOURCE_END;
	st_buf_reset(&s->pos);
	st_buf_addstr(&s->pos, "whole file");
	*raw = ms->whole.buf;
	*len = ms->whole.len;
	if (!too_big)
		return RD_SOURCE_MESSAGE;
	if (*len > RD_SOURCE_HEAD)
		*len = RD_SOURCE_HEAD;
	return RD_SOURCE_TOO_BIG;
}

int source_mbox_next(struct rd_source *s, const char **raw, size_t *len,
		     struct st_error *err)
{
	struct mbox_src *ms = s->priv;
	uint64_t off;
	int rc;

	if (ms->single)
		return next_single(s, ms, raw, len, err);
	rc = rd_mbox_next(ms->m, raw, len, &off, err);
	if (rc <= 0)
		return rc;
	st_buf_reset(&s->pos);
	st_buf_addf(&s->pos, "byte %" PRIu64, off);
	return rc == 2 ? RD_SOURCE_TOO_BIG : RD_SOURCE_MESSAGE;
}

void source_mbox_state(struct rd_source *s)
{
	struct mbox_src *ms = s->priv;
	uint64_t off, tail;
	size_t n, k;

	st_buf_reset(&s->state);
	if (ms->single) {
		st_buf_addf(&s->state, "file:1:%zu:%016" PRIx64, ms->whole.len,
			    source_hash(SOURCE_HASH_INIT, ms->whole.buf,
					ms->whole.len));
		return;
	}
	off = rd_mbox_offset(ms->m);
	n = off < ms->head_len ? (size_t)off : ms->head_len;
	if (n != ms->hashed_len) {
		/* Constant once past the head: hashed once, not per message. */
		ms->hashed_len = n;
		ms->hash = source_hash(SOURCE_HASH_INIT, ms->head, n);
	}
	if (off == ms->start) {
		/* Nothing read since the resume: the token's tail holds. */
		k = ms->tok_tail_len;
		tail = ms->tok_tail_hash;
	} else {
		rd_mbox_tail(ms->m, &k, &tail);
	}
	st_buf_addf(&s->state,
		    "mbox:2:%" PRIu64 ":%016" PRIx64 ":%zu:%016" PRIx64, off,
		    ms->hash, k, tail);
}

static const struct source_ops mbox_ops = {
	"mbox",
	source_mbox_next,
	source_mbox_state,
	source_mbox_free,
};
static const struct source_ops file_ops = {
	"file",
	source_mbox_next,
	source_mbox_state,
	source_mbox_free,
};
static const struct source_ops stdin_ops = {
	"stdin",
	source_mbox_next,
	source_mbox_state,
	source_mbox_free,
};
