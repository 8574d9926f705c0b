/*
 * ingest.c: the reader → parsers → writer pipeline behind `steward
 * ingest`. Batches flow through one list kept in source order; parser
 * threads claim unparsed batches, the writer commits the oldest batch
 * once it is parsed. The number of batches in flight is bounded, so
 * memory does not grow with the archive.
 */
#include "review-dash/ingest.h"

#include "common/log.h"
#include "common/progress.h"
#include "common/util.h"
#include "common/xalloc.h"
#include "review-dash/mailstore.h"
#include "review-dash/match.h"
#include "review-dash/message.h"
#include "review-dash/source.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define DEFAULT_BATCH 512
#define MAX_THREADS 16

struct item {
	char *raw;
	size_t len;
	char *pos;
	int event;                /* RD_SOURCE_MESSAGE or _DELETE */
	struct rd_message *msg;   /* NULL when parsing failed */
	struct st_error err;      /* why parsing failed */
	unsigned char *zraw;      /* raw, compressed */
	size_t zlen;
};

struct batch {
	struct item *items;
	size_t n;
	char *state;              /* the source's token after this batch */
	bool claimed;             /* a parser has it */
	bool parsed;
	struct batch *next;
};

struct pipeline {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct rd_source *src;
	size_t batch_size;
	struct batch *head, *tail; /* in source order */
	size_t inflight, max_inflight;
	bool eof;                  /* the reader is done */
	bool stop;                 /* the writer failed: everyone stops */
	int read_rc;
	struct st_error read_err;
};

static void batch_free(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->items[i].raw);
		free(b->items[i].pos);
		free(b->items[i].zraw);
		rd_message_free(b->items[i].msg);
	}
	free(b->items);
	free(b->state);
	free(b);
}

static void *reader_main(void *arg)
{
	struct pipeline *p = arg;
	struct st_error err = ST_ERROR_INIT;
	int rc = 0;

	while (rc >= 0) {
		struct batch *b = st_xcalloc(1, sizeof(*b));

		b->items = st_xcalloc(p->batch_size, sizeof(*b->items));
		while (b->n < p->batch_size) {
			const char *raw, *pos;
			size_t len;

			rc = rd_source_next(p->src, &raw, &len, &pos, &err);
			if (rc <= 0)
				break;
			b->items[b->n].raw = st_xmemdupz(raw, len);
			b->items[b->n].len = len;
			b->items[b->n].pos = st_xstrdup(pos ? pos : "");
			b->items[b->n].event = rc;
			b->n++;
		}
		b->state = st_xstrdup(rd_source_state(p->src)
					      ? rd_source_state(p->src)
					      : "");
		pthread_mutex_lock(&p->mu);
		while (p->inflight >= p->max_inflight && !p->stop)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->stop || (b->n == 0)) {
			pthread_mutex_unlock(&p->mu);
			batch_free(b);
			if (p->stop)
				break;
			/* An empty batch: keep nothing but the end. */
			break;
		}
		if (p->tail)
			p->tail->next = b;
		else
			p->head = b;
		p->tail = b;
		p->inflight++;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		if (rc <= 0)
			break;
	}
	pthread_mutex_lock(&p->mu);
	p->eof = true;
	if (rc < 0) {
		p->read_rc = rc;
		p->read_err = err;
	}
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static void parse_item(struct item *it)
{
	uLongf zlen;

	if (rd_message_parse(&it->msg, it->raw, it->len, &it->err) < 0) {
		it->msg = NULL;
		return;
	}
	if (it->event != RD_SOURCE_MESSAGE)
		return;
	/* Level 1: raw mail compresses about 3:1 at a fraction of the
	 * default level's cost, and this runs for every message. */
	zlen = compressBound(it->len);
	it->zraw = st_xmalloc(zlen);
	if (compress2(it->zraw, &zlen, (const Bytef *)it->raw, it->len, 1) !=
	    Z_OK) {
		free(it->zraw);
		it->zraw = NULL;
		rd_message_free(it->msg);
		it->msg = NULL;
		st_error_set(&it->err, ST_ERROR, "cannot compress message");
		return;
	}
	it->zlen = zlen;
}

static void *parser_main(void *arg)
{
	struct pipeline *p = arg;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct batch *b = p->head;

		while (b && b->claimed)
			b = b->next;
		if (p->stop || (!b && p->eof))
			break;
		if (!b) {
			pthread_cond_wait(&p->cv, &p->mu);
			continue;
		}
		b->claimed = true;
		pthread_mutex_unlock(&p->mu);
		for (size_t i = 0; i < b->n; i++)
			parse_item(&b->items[i]);
		pthread_mutex_lock(&p->mu);
		b->parsed = true;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static const char sql_source_get[] =
	"SELECT state FROM sources WHERE list_id = ? AND uri = ?";
static const char sql_source_set[] =
	"INSERT INTO sources(list_id, uri, state, updated) VALUES (?, ?, ?, ?) "
	"ON CONFLICT(list_id, uri) DO UPDATE SET state = excluded.state, "
	"updated = excluded.updated";
static const char sql_series_count[] = "SELECT count(*) FROM series";

static int save_state(struct st_store *s, int64_t list_id, const char *uri,
		      const char *state, struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_source_set, err);

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, list_id);
	sqlite3_bind_text(st, 2, uri, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (int64_t)st_time_now());
	return st_store_step_done(s, st, err);
}

static int write_item(struct rd_mailstore *ms, struct st_store *s,
		      int64_t list_id, const char *uri,
		      struct item *it, struct rd_ingest_stats *stats,
		      struct st_error *err)
{
	int rc;

	if (!it->msg) {
		stats->rejected++;
		st_log(ST_LOG_INFO, "rejected message at %s in '%s': %s",
		       it->pos, uri, it->err.msg);
		return rd_mailstore_reject(s, uri, it->pos, NULL, it->err.msg,
					   it->raw, it->len, err);
	}
	if (it->event == RD_SOURCE_DELETE) {
		rc = rd_mailstore_delete(s, it->msg->message_id, err);
		if (rc == ST_ENOTFOUND)
			return 0;
		if (rc == 0)
			stats->deleted++;
		return rc;
	}
	rc = rd_mailstore_add(ms, list_id, it->msg, it->zraw, it->zlen, it->len,
			      err);
	if (rc < 0)
		return rc;
	if (rc == RD_STORED_DUPLICATE) {
		stats->duplicates++;
		return 0;
	}
	stats->new_msgs++;
	switch (it->msg->kind) {
	case RD_KIND_PATCH:
		stats->patches++;
		break;
	case RD_KIND_COVER:
		stats->covers++;
		break;
	case RD_KIND_PULL:
		stats->pulls++;
		break;
	default:
		stats->comments++;
		break;
	}
	return 0;
}

/*
 * The writer's transaction spans batches: each commit rewrites the hot
 * index pages into the WAL, so committing every 512 messages cost more
 * than the inserts themselves. It commits at COMMIT_MESSAGES, or as soon
 * as the next batch is not parsed yet (then the writer has time to
 * spare). Each batch saves the source's resume token inside the same
 * transaction as its messages, so a crash at any point still resumes
 * exactly after the last commit.
 */
#define COMMIT_MESSAGES 4096

struct txn {
	bool open;
	size_t messages;
	struct rd_ingest_stats before; /* restored on rollback */
};

static int txn_end(struct st_store *s, struct rd_mailstore *ms,
		   struct txn *t, int rc, struct rd_ingest_stats *stats,
		   struct st_error *err)
{
	if (!t->open)
		return rc;
	t->open = false;
	t->messages = 0;
	if (rc == 0)
		rc = st_store_commit(s, err);
	if (rc < 0) {
		st_store_rollback(s);
		rd_mailstore_forget(ms);
		*stats = t->before;
	}
	return rc;
}

static int write_batch(struct rd_mailstore *ms, struct st_store *s,
		       int64_t list_id, const char *uri, struct batch *b,
		       struct txn *t, struct rd_ingest_stats *stats,
		       struct st_error *err)
{
	int rc = 0;

	if (!t->open) {
		rc = st_store_begin(s, err);
		if (rc < 0)
			return rc;
		t->open = true;
		t->before = *stats;
	}
	for (size_t i = 0; i < b->n && rc == 0; i++) {
		stats->messages++;
		rc = write_item(ms, s, list_id, uri, &b->items[i], stats, err);
	}
	if (rc == 0)
		rc = save_state(s, list_id, uri, b->state, err);
	t->messages += b->n;
	if (rc < 0)
		return txn_end(s, ms, t, rc, stats, err);
	return 0;
}

static int64_t count_series(struct st_store *s)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_series_count, NULL);
	int64_t n = 0;

	if (st && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	if (st)
		sqlite3_reset(st);
	return n;
}

static char *load_state(struct st_store *s, int64_t list_id, const char *uri)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_source_get, NULL);
	char *state = NULL;

	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, list_id);
	sqlite3_bind_text(st, 2, uri, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		state = st_store_column_dup(st, 0);
	sqlite3_reset(st);
	return state;
}

static int run_pipeline(struct rd_mailstore *ms, struct st_store *s,
			struct pipeline *p,
			int64_t list_id, const char *uri, int nthreads,
			struct rd_ingest_stats *stats, struct st_error *err)
{
	pthread_t reader, parsers[MAX_THREADS];
	struct st_progress *progress = st_progress_new("ingest", 0);
	struct txn t = {0};
	int rc = 0, started = 0;

	if (pthread_create(&reader, NULL, reader_main, p) != 0)
		return st_error_set(err, ST_ERROR, "cannot start a thread");
	for (; started < nthreads; started++)
		if (pthread_create(&parsers[started], NULL, parser_main, p))
			break;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct batch *b = p->head;

		if (!b && p->eof)
			break;
		if (!b || !b->parsed) {
			if (t.open) {
				/* Nothing to write yet: commit now. */
				pthread_mutex_unlock(&p->mu);
				rc = txn_end(s, ms, &t, 0, stats, err);
				pthread_mutex_lock(&p->mu);
				if (rc < 0) {
					p->stop = true;
					pthread_cond_broadcast(&p->cv);
					break;
				}
				continue;
			}
			pthread_cond_wait(&p->cv, &p->mu);
			continue;
		}
		pthread_mutex_unlock(&p->mu);
		rc = write_batch(ms, s, list_id, uri, b, &t, stats, err);
		if (rc == 0 && t.messages >= COMMIT_MESSAGES)
			rc = txn_end(s, ms, &t, 0, stats, err);
		st_progress_update(progress, stats->messages);
		pthread_mutex_lock(&p->mu);
		p->head = b->next;
		if (!p->head)
			p->tail = NULL;
		p->inflight--;
		batch_free(b);
		if (rc < 0) {
			p->stop = true;
			pthread_cond_broadcast(&p->cv);
			break;
		}
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	rc = txn_end(s, ms, &t, rc, stats, err);
	pthread_join(reader, NULL);
	for (int i = 0; i < started; i++)
		pthread_join(parsers[i], NULL);
	while (p->head) {
		struct batch *b = p->head;

		p->head = b->next;
		batch_free(b);
	}
	st_progress_free(progress);
	if (rc == 0 && p->read_rc < 0) {
		*err = p->read_err;
		rc = p->read_rc;
	}
	return rc;
}

int rd_ingest_run(struct st_store *s, const char *uri,
		  const struct rd_ingest_opts *opts,
		  struct rd_ingest_stats *stats, struct st_error *err)
{
	struct rd_source_opts sopts = {0};
	struct pipeline p = {0};
	struct rd_mailstore *ms;
	int64_t list_id = 0, series_before;
	char *state = NULL;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int nthreads = opts->threads > 0 ? opts->threads
					 : (ncpu > 0 ? (int)ncpu : 1);
	int rc;

	if (nthreads > MAX_THREADS)
		nthreads = MAX_THREADS;
	rc = st_store_begin(s, err);
	if (rc == 0)
		rc = rd_mailstore_list_id(s, opts->list ? opts->list : "default",
					  opts->list_address, &list_id, err);
	if (rc == 0)
		rc = st_store_commit(s, err);
	if (rc < 0) {
		st_store_rollback(s);
		return rc;
	}
	/* Standard input cannot be resumed: always read it whole. */
	if (strcmp(uri, "-") != 0)
		state = load_state(s, list_id, uri);
	sopts.state = state;
	sopts.mirror_dir = opts->mirror_dir;
	sopts.max_message = RD_MESSAGE_MAX;
	sopts.timeout_secs = 300;
	rc = rd_source_open(&p.src, uri, &sopts, err);
	free(state);
	if (rc < 0)
		return rc;
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	p.batch_size = opts->batch ? opts->batch : DEFAULT_BATCH;
	p.max_inflight = (size_t)nthreads * 2 + 2;
	series_before = count_series(s);
	ms = rd_mailstore_new(s);
	/* Ingest keeps its references consistent itself, and checking
	 * each foreign key costs a lookup per column per row. */
	st_store_exec(s, "PRAGMA foreign_keys = OFF", NULL);
	rc = run_pipeline(ms, s, &p, list_id, uri, nthreads, stats, err);
	st_store_exec(s, "PRAGMA foreign_keys = ON", NULL);
	rd_mailstore_free(ms);
	stats->series += (uint64_t)(count_series(s) - series_before);
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
	rd_source_free(p.src);
	return rc;
}

int rd_ingest_finish(struct st_store *s, struct rd_ingest_stats *stats,
		     struct st_error *err)
{
	struct rd_match_stats ms = {0};
	int rc = st_store_begin(s, err);

	if (rc == 0)
		rc = rd_match_run(s, 0, &ms, err);
	if (rc == 0)
		rc = st_store_commit(s, err);
	if (rc < 0) {
		st_store_rollback(s);
		return rc;
	}
	stats->accepted += (uint64_t)ms.patches_accepted;
	return 0;
}
