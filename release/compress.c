/*
 * compress.c: deterministic parallel gzip (pigz-style chunks joined into
 * one deflate stream) and xz (liblzma's multithreaded encoder with a
 * fixed block size). See compress.h.
 */
#include "compress.h"

#include "common/xalloc.h"

#include <lzma.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define DICT_SIZE 32768

enum job_state {
	JOB_FREE,
	JOB_QUEUED,
	JOB_RUNNING,
	JOB_DONE,
};

/* One chunk of input: its dictionary (the 32 KiB before it) then data. */
struct gz_job {
	unsigned char *in; /* DICT_SIZE + REL_GZ_CHUNK bytes */
	size_t dict_len;
	size_t len; /* data bytes after the dictionary */
	bool last;  /* the final chunk: ends the deflate stream */
	unsigned char *out;
	size_t out_len;
	size_t out_alloc;
	int zrc; /* Z_OK, or the zlib error that stopped the job */
	enum job_state state;
};

struct rel_gz {
	int level;
	int nthreads;
	rel_sink_fn sink;
	void *sink_data;
	pthread_t *tids;
	int started; /* worker threads running */
	pthread_mutex_t mu;
	pthread_cond_t cv_work; /* a job was queued, or stop */
	pthread_cond_t cv_done; /* a job is done */
	bool stop;
	struct gz_job *jobs; /* ring of njobs slots */
	size_t njobs;
	size_t head;	  /* sequence number of the oldest unwritten job */
	size_t next_fill; /* sequence number of the job being filled */
	size_t next_run;  /* next sequence number a worker takes */
	bool filling;	  /* jobs[next_fill] holds data not yet queued */
	z_stream zs;	  /* the caller's stream when nthreads <= 1 */
	bool zs_init;
	unsigned char tail[DICT_SIZE]; /* last input bytes queued */
	size_t tail_len;
	uLong crc;
	uint32_t isize;
	bool finished;
};

static int deflate_job(z_stream *zs, struct gz_job *j)
{
	size_t need = deflateBound(zs, j->len) + 64;
	int flush = j->last ? Z_FINISH : Z_SYNC_FLUSH;
	int rc;

	if (deflateReset(zs) != Z_OK)
		return Z_STREAM_ERROR;
	if (j->dict_len &&
	    deflateSetDictionary(zs, j->in, (uInt)j->dict_len) != Z_OK)
		return Z_STREAM_ERROR;
	if (j->out_alloc < need) {
		free(j->out);
		j->out = st_xmalloc(need);
		j->out_alloc = need;
	}
	j->out_len = 0;
	zs->next_in = j->in + j->dict_len;
	zs->avail_in = (uInt)j->len;
	for (;;) {
		if (j->out_len == j->out_alloc) {
			j->out_alloc *= 2;
			j->out = st_xrealloc(j->out, j->out_alloc);
		}
		zs->next_out = j->out + j->out_len;
		zs->avail_out = (uInt)(j->out_alloc - j->out_len);
		rc = deflate(zs, flush);
		j->out_len = j->out_alloc - zs->avail_out;
		if (rc == Z_STREAM_END)
			return Z_OK;
		if (rc != Z_OK && rc != Z_BUF_ERROR)
			return rc;
		if (!j->last && zs->avail_in == 0 && zs->avail_out != 0)
			return Z_OK;
	}
}

static int init_raw(z_stream *zs, int level)
{
	memset(zs, 0, sizeof(*zs));
	return deflateInit2(zs, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
}

static void *gz_worker(void *arg)
{
	struct rel_gz *gz = arg;
	z_stream zs;
	bool ok = init_raw(&zs, gz->level) == Z_OK;

	pthread_mutex_lock(&gz->mu);
	for (;;) {
		struct gz_job *j;

		while (!gz->stop && gz->next_run == gz->next_fill)
			pthread_cond_wait(&gz->cv_work, &gz->mu);
		if (gz->next_run == gz->next_fill)
			break;
		j = &gz->jobs[gz->next_run++ % gz->njobs];
		j->state = JOB_RUNNING;
		pthread_mutex_unlock(&gz->mu);
		j->zrc = ok ? deflate_job(&zs, j) : Z_MEM_ERROR;
		pthread_mutex_lock(&gz->mu);
		j->state = JOB_DONE;
		pthread_cond_broadcast(&gz->cv_done);
	}
	pthread_mutex_unlock(&gz->mu);
	if (ok)
		deflateEnd(&zs);
	return NULL;
}

int rel_gz_new(struct rel_gz **out, int level, int threads, rel_sink_fn sink,
	       void *sink_data, struct st_error *err)
{
	/* gzip header: no name, mtime 0, XFL by level, OS Unix (gzip -n). */
	unsigned char hdr[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
	struct rel_gz *gz = st_xcalloc(1, sizeof(*gz));
	int rc = 0;

	*out = NULL;
	gz->level = level < 1 || level > 9 ? 9 : level;
	hdr[8] = gz->level == 9 ? 2 : gz->level == 1 ? 4 : 0;
	gz->nthreads = threads < 1 ? 1 : threads > 64 ? 64 : threads;
	gz->sink = sink;
	gz->sink_data = sink_data;
	gz->crc = crc32(0, NULL, 0);
	gz->njobs = gz->nthreads <= 1 ? 1 : 2 * (size_t)gz->nthreads + 1;
	gz->jobs = st_xcalloc(gz->njobs, sizeof(*gz->jobs));
	for (size_t i = 0; i < gz->njobs; i++)
		gz->jobs[i].in = st_xmalloc(DICT_SIZE + REL_GZ_CHUNK);
	pthread_mutex_init(&gz->mu, NULL);
	pthread_cond_init(&gz->cv_work, NULL);
	pthread_cond_init(&gz->cv_done, NULL);
	if (gz->nthreads <= 1) {
		if (init_raw(&gz->zs, gz->level) != Z_OK) {
			rc = st_error_set(err, ST_ERROR,
					  "cannot start the gzip compressor");
			goto out;
		}
		gz->zs_init = true;
	} else {
		gz->tids = st_xcalloc((size_t)gz->nthreads, sizeof(pthread_t));
		for (int i = 0; i < gz->nthreads; i++) {
			if (pthread_create(&gz->tids[i], NULL, gz_worker, gz)) {
				rc = st_error_set(err, ST_ERROR,
						  "cannot start a gzip thread");
				goto out;
			}
			gz->started++;
		}
	}
	rc = sink(hdr, sizeof(hdr), sink_data, err);
out:
	if (rc < 0)
		rel_gz_free(gz);
	else
		*out = gz;
	return rc;
}

/* Write out the oldest job once it is done; wait for it when block. */
static int write_head(struct rel_gz *gz, bool block, bool *wrote,
		      struct st_error *err)
{
	struct gz_job *j;
	bool done;
	int rc;

	*wrote = false;
	pthread_mutex_lock(&gz->mu);
	if (gz->head == gz->next_fill) {
		pthread_mutex_unlock(&gz->mu);
		return 0;
	}
	j = &gz->jobs[gz->head % gz->njobs];
	while (block && j->state != JOB_DONE)
		pthread_cond_wait(&gz->cv_done, &gz->mu);
	done = j->state == JOB_DONE;
	pthread_mutex_unlock(&gz->mu);
	if (!done)
		return 0;
	if (j->zrc != Z_OK)
		return st_error_set(err, ST_ERROR,
				    "gzip compression failed: %s",
				    zError(j->zrc));
	rc = gz->sink(j->out, j->out_len, gz->sink_data, err);
	if (rc < 0)
		return rc;
	pthread_mutex_lock(&gz->mu);
	j->state = JOB_FREE;
	gz->head++;
	pthread_mutex_unlock(&gz->mu);
	*wrote = true;
	return 0;
}

/* Queue the job being filled (or deflate it here when single-threaded). */
static int submit(struct rel_gz *gz, struct st_error *err)
{
	struct gz_job *j = &gz->jobs[gz->next_fill % gz->njobs];
	bool wrote;
	int rc;

	if (j->len >= DICT_SIZE) {
		memcpy(gz->tail, j->in + j->dict_len + j->len - DICT_SIZE,
		       DICT_SIZE);
		gz->tail_len = DICT_SIZE;
	} else {
		/* Only the final chunk can be short; nothing follows it. */
		gz->tail_len = 0;
	}
	gz->filling = false;
	if (gz->nthreads <= 1) {
		j->zrc = deflate_job(&gz->zs, j);
		j->state = JOB_DONE;
		gz->next_fill++;
		return write_head(gz, true, &wrote, err);
	}
	pthread_mutex_lock(&gz->mu);
	j->state = JOB_QUEUED;
	gz->next_fill++;
	pthread_cond_signal(&gz->cv_work);
	pthread_mutex_unlock(&gz->mu);
	/* Write whatever is ready, then make sure the next slot is free. */
	do {
		rc = write_head(gz, false, &wrote, err);
		if (rc < 0)
			return rc;
	} while (wrote);
	/* The slot to fill next holds the oldest job until it is written. */
	while (gz->head + gz->njobs <= gz->next_fill) {
		rc = write_head(gz, true, &wrote, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static void start_job(struct rel_gz *gz)
{
	struct gz_job *j = &gz->jobs[gz->next_fill % gz->njobs];

	memcpy(j->in, gz->tail, gz->tail_len);
	j->dict_len = gz->tail_len;
	j->len = 0;
	j->last = false;
	gz->filling = true;
}

int rel_gz_write(struct rel_gz *gz, const void *p, size_t len,
		 struct st_error *err)
{
	const unsigned char *s = p;
	int rc;

	gz->crc = crc32_z(gz->crc, s, len);
	gz->isize += (uint32_t)len;
	while (len) {
		struct gz_job *j;
		size_t n;

		if (!gz->filling)
			start_job(gz);
		j = &gz->jobs[gz->next_fill % gz->njobs];
		n = REL_GZ_CHUNK - j->len;
		if (n > len)
			n = len;
		memcpy(j->in + j->dict_len + j->len, s, n);
		j->len += n;
		s += n;
		len -= n;
		if (j->len == REL_GZ_CHUNK) {
			rc = submit(gz, err);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

int rel_gz_finish(struct rel_gz *gz, struct st_error *err)
{
	unsigned char trailer[8];
	bool wrote;
	int rc;

	if (!gz->filling)
		start_job(gz);
	gz->jobs[gz->next_fill % gz->njobs].last = true;
	rc = submit(gz, err);
	while (rc == 0 && gz->head != gz->next_fill)
		rc = write_head(gz, true, &wrote, err);
	if (rc < 0)
		return rc;
	for (int i = 0; i < 4; i++) {
		trailer[i] = (unsigned char)(gz->crc >> (8 * i));
		trailer[4 + i] = (unsigned char)(gz->isize >> (8 * i));
	}
	gz->finished = true;
	return gz->sink(trailer, sizeof(trailer), gz->sink_data, err);
}

void rel_gz_free(struct rel_gz *gz)
{
	if (!gz)
		return;
	pthread_mutex_lock(&gz->mu);
	gz->stop = true;
	/* Abandoned work is dropped: workers only see queued jobs. */
	gz->next_run = gz->next_fill;
	pthread_cond_broadcast(&gz->cv_work);
	pthread_mutex_unlock(&gz->mu);
	for (int i = 0; i < gz->started; i++)
		pthread_join(gz->tids[i], NULL);
	if (gz->zs_init)
		deflateEnd(&gz->zs);
	for (size_t i = 0; i < gz->njobs; i++) {
		free(gz->jobs[i].in);
		free(gz->jobs[i].out);
	}
	free(gz->jobs);
	free(gz->tids);
	pthread_mutex_destroy(&gz->mu);
	pthread_cond_destroy(&gz->cv_work);
	pthread_cond_destroy(&gz->cv_done);
	free(gz);
}

struct rel_xz {
	lzma_stream s;
	rel_sink_fn sink;
	void *sink_data;
	unsigned char out[64 * 1024];
};

int rel_xz_new(struct rel_xz **out, int preset, int threads, rel_sink_fn sink,
	       void *sink_data, struct st_error *err)
{
	struct rel_xz *xz = st_xcalloc(1, sizeof(*xz));
	lzma_stream init = LZMA_STREAM_INIT;
	lzma_mt mt = {0};
	lzma_ret r;

	*out = NULL;
	xz->s = init;
	xz->sink = sink;
	xz->sink_data = sink_data;
	mt.threads = threads < 1 ? 1 : threads > 64 ? 64 : (uint32_t)threads;
	mt.block_size = 0; /* the preset's: 3 × its dictionary size */
	mt.preset = preset < 0 || preset > 9 ? 6 : (uint32_t)preset;
	mt.check = LZMA_CHECK_CRC64;
	r = lzma_stream_encoder_mt(&xz->s, &mt);
	if (r != LZMA_OK) {
		free(xz);
		return st_error_set(err, ST_ERROR,
				    "cannot start the xz compressor (%d)",
				    (int)r);
	}
	xz->s.next_out = xz->out;
	xz->s.avail_out = sizeof(xz->out);
	*out = xz;
	return 0;
}

static int xz_code(struct rel_xz *xz, lzma_action action, struct st_error *err)
{
	for (;;) {
		lzma_ret r = lzma_code(&xz->s, action);
		bool end = r == LZMA_STREAM_END;
		int rc;

		if (r != LZMA_OK && !end)
			return st_error_set(err, ST_ERROR,
					    "xz compression failed (%d)",
					    (int)r);
		if (xz->s.avail_out == 0 || end) {
			rc = xz->sink(xz->out,
				      sizeof(xz->out) - xz->s.avail_out,
				      xz->sink_data, err);
			if (rc < 0)
				return rc;
			xz->s.next_out = xz->out;
			xz->s.avail_out = sizeof(xz->out);
		}
		if (end || (action == LZMA_RUN && xz->s.avail_in == 0))
			return 0;
	}
}

int rel_xz_write(struct rel_xz *xz, const void *p, size_t len,
		 struct st_error *err)
{
	xz->s.next_in = p;
	xz->s.avail_in = len;
	return xz_code(xz, LZMA_RUN, err);
}

int rel_xz_finish(struct rel_xz *xz, struct st_error *err)
{
	xz->s.next_in = NULL;
	xz->s.avail_in = 0;
	return xz_code(xz, LZMA_FINISH, err);
}

void rel_xz_free(struct rel_xz *xz)
{
	if (!xz)
		return;
	lzma_end(&xz->s);
	free(xz);
}
