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
#include "review-dash/rawmail.h"
#include "review-dash/source.h"

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_BATCH 512
#define MAX_THREADS 16

struct item {
	char *raw;
	size_t len;
	char *pos;
	int event;                /* an rd_source_event */
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
	struct batch *done;        /* written, for the reader to free */
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

static void batch_free_list(struct batch *b)
{
	while (b) {
		struct batch *next = b->next;

		batch_free(b);
		b = next;
	}
}

/* Batches the writer is done with, freed here to spare the writer. */
static void free_done(struct pipeline *p)
{
	struct batch *done;

	pthread_mutex_lock(&p->mu);
	done = p->done;
	p->done = NULL;
	pthread_mutex_unlock(&p->mu);
	batch_free_list(done);
}

static void *reader_main(void *arg)
{
	struct pipeline *p = arg;
	struct st_error err = ST_ERROR_INIT;
	int rc = 0;

	while (rc >= 0) {
		struct batch *b;

		free_done(p);
		b = st_xcalloc(1, sizeof(*b));

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

static void parse_item(struct item *it, struct rd_rawmail **rm)
{
	struct st_error err = ST_ERROR_INIT;

	if (it->event == RD_SOURCE_TOO_BIG) {
		st_error_set(&it->err, ST_ETOOBIG, "larger than %u bytes",
			     RD_MESSAGE_MAX);
		return;
	}
	if (rd_message_parse(&it->msg, it->raw, it->len, &it->err) < 0) {
		it->msg = NULL;
		return;
	}
	if (it->event != RD_SOURCE_MESSAGE)
		return;
	/* Made once per parser thread, on its first message. */
	if (!*rm)
		*rm = rd_rawmail_new();
	if (!*rm || rd_rawmail_compress(*rm, it->raw, it->len, &it->zraw,
					&it->zlen, &err) < 0) {
		rd_message_free(it->msg);
		it->msg = NULL;
		st_error_set(&it->err, ST_ERROR, "cannot compress message");
	}
	st_error_clear(&err);
}

static void *parser_main(void *arg)
{
	struct pipeline *p = arg;
	struct rd_rawmail *rm = NULL;

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
			parse_item(&b->items[i], &rm);
		pthread_mutex_lock(&p->mu);
		b->parsed = true;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	rd_rawmail_free(rm);
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
 * Checkpoints run beside the writer, on their own connection: copying the
 * WAL into the database and its fsyncs took the writer a tenth of its
 * time. The writer's own automatic checkpoints are off meanwhile; it
 * wakes the checkpointer after each commit. A checkpoint that cannot run
 * (the store is busy) is skipped: the next one catches up.
 *
 * The WAL starts over only when a write transaction begins with all of
 * it copied, so every CKPT_SYNC commits the writer waits for the
 * checkpoint in flight before beginning: the WAL stays a few commits
 * long (a long WAL slows every page lookup).
 */
#define CKPT_SYNC 4

struct ckpt {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	sqlite3 *db;
	unsigned long asked, done; /* checkpoints requested, finished */
	unsigned commits;          /* since the writer last waited */
	bool stop;
};

static void *ckpt_main(void *arg)
{
	struct ckpt *c = arg;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		unsigned long asked;

		while (c->done == c->asked && !c->stop)
			pthread_cond_wait(&c->cv, &c->mu);
		if (c->stop)
			break;
		asked = c->asked;
		pthread_mutex_unlock(&c->mu);
		sqlite3_wal_checkpoint_v2(c->db, NULL,
					  SQLITE_CHECKPOINT_PASSIVE, NULL,
					  NULL);
		pthread_mutex_lock(&c->mu);
		c->done = asked;
		pthread_cond_broadcast(&c->cv);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

static const char sql_journal_mode[] = "PRAGMA journal_mode";
/* A connection only finds the WAL with its first read. */
static const char sql_ckpt_attach[] = "SELECT count(*) FROM sqlite_master";
static const char sql_autockpt_get[] = "PRAGMA wal_autocheckpoint";

/* Start the checkpointer for store s; false (and no thread) when the
 * store is not a WAL file or anything fails: then s checkpoints itself. */
static bool ckpt_start(struct ckpt *c, struct st_store *s, int *autockpt)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_journal_mode, NULL);
	const char *path = sqlite3_db_filename(st_store_db(s), "main");
	bool wal = false;

	memset(c, 0, sizeof(*c));
	if (!st || !path || !*path)
		return false;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *mode = (const char *)sqlite3_column_text(st, 0);

		wal = mode && !strcmp(mode, "wal");
	}
	sqlite3_reset(st);
	st = st_store_stmt(s, sql_autockpt_get, NULL);
	if (!wal || !st)
		return false;
	*autockpt = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0)
						   : 1000;
	sqlite3_reset(st);
	st = NULL;
	if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE, NULL) !=
		    SQLITE_OK ||
	    sqlite3_prepare_v2(c->db, sql_ckpt_attach, -1, &st, NULL) !=
		    SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		sqlite3_close(c->db);
		c->db = NULL;
		return false;
	}
	sqlite3_finalize(st);
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	if (pthread_create(&c->thread, NULL, ckpt_main, c) != 0) {
		pthread_cond_destroy(&c->cv);
		pthread_mutex_destroy(&c->mu);
		sqlite3_close(c->db);
		c->db = NULL;
		return false;
	}
	sqlite3_wal_autocheckpoint(st_store_db(s), 0);
	return true;
}

static void ckpt_kick(struct ckpt *c)
{
	if (!c || !c->db)
		return;
	pthread_mutex_lock(&c->mu);
	c->asked++;
	c->commits++;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

/* Before a write transaction begins: every CKPT_SYNC commits, wait for
 * the checkpoint in flight, so the WAL can start over. */
static void ckpt_sync(struct ckpt *c)
{
	if (!c || !c->db)
		return;
	pthread_mutex_lock(&c->mu);
	if (c->commits >= CKPT_SYNC) {
		while (c->done != c->asked)
			pthread_cond_wait(&c->cv, &c->mu);
		c->commits = 0;
	}
	pthread_mutex_unlock(&c->mu);
}

static void ckpt_stop(struct ckpt *c, struct st_store *s, int autockpt)
{
	if (!c->db)
		return;
	pthread_mutex_lock(&c->mu);
	c->stop = true;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->thread, NULL);
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	sqlite3_close(c->db);
	c->db = NULL;
	sqlite3_wal_autocheckpoint(st_store_db(s), autockpt);
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
	struct ckpt *ckpt;             /* woken after each commit, or NULL */
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
	if (rc == 0)
		ckpt_kick(t->ckpt);
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
		ckpt_sync(t->ckpt);
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
	struct ckpt ckpt;
	int rc = 0, started = 0, autockpt = 0;
	bool ckpt_on;

	if (pthread_create(&reader, NULL, reader_main, p) != 0) {
		st_progress_free(progress);
		return st_error_set(err, ST_ERROR, "cannot start a thread");
	}
	ckpt_on = ckpt_start(&ckpt, s, &autockpt);
	t.ckpt = ckpt_on ? &ckpt : NULL;
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
		b->next = p->done;
		p->done = b;
		if (rc < 0) {
			p->stop = true;
			pthread_cond_broadcast(&p->cv);
			break;
		}
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	rc = txn_end(s, ms, &t, rc, stats, err);
	if (ckpt_on)
		ckpt_stop(&ckpt, s, autockpt);
	pthread_join(reader, NULL);
	for (int i = 0; i < started; i++)
		pthread_join(parsers[i], NULL);
	batch_free_list(p->head);
	p->head = NULL;
	batch_free_list(p->done);
	p->done = NULL;
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
